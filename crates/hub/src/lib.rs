//! `smartstore-hub`: the reference platform (DESIGN.md §7). Depends on the domain and the
//! protocol crates only: no terminal, no window, no camera.

pub mod db;
pub mod online;
pub mod pg;
pub mod receipt_page;
pub mod recommend;
pub mod server;
pub mod store;
pub mod tls;
