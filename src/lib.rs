//! smartstore: the in-store terminal of a New Retail smart store.

pub mod codes;
pub mod domain;
