//! smartstore: the in-store terminal of a New Retail smart store. The store (SQLite), the sync
//! engine, diagnostics, the window and the command line; the pure rules live in
//! `smartstore-domain`, the wire in `smartstore-protocol`, the camera and decoder in
//! `smartstore-scan`.

pub mod assist;
pub mod checkout;
pub mod cli;
pub mod config;
pub mod diagnostics;
pub mod fulfil;
pub mod i18n;
pub mod mirror;
pub mod receipt;
pub mod receipt_page;
pub mod returns;
pub mod sale;
pub mod search;
pub mod shift;
pub mod staff;
pub mod store;
pub mod sync;
pub mod ui;
