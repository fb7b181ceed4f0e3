//! smartstore: the in-store terminal of a New Retail smart store.

pub mod checkout;
pub mod cli;
pub mod codes;
pub mod config;
pub mod crypto;
pub mod domain;
pub mod hub;
pub mod protocol;
pub mod scan;
pub mod store;
pub mod sync;
pub mod ui;
