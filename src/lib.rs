//! smartstore: the in-store terminal of a New Retail smart store.

pub mod cli;
pub mod domain;
pub mod scan;
