//! `smartstore-hub`: the reference platform (DESIGN.md §7). Depends on domain, crypto and the
//! protocol types only.

pub mod db;
pub mod server;
