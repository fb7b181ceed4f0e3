//! smartstore's wire: the messages between terminal and platform and their event types (one
//! definition for writer and reader), the one key stack (Ed25519, JWK), JWS, the signed shopper
//! codes and the catalog CSV format. Depends on the domain only.

pub mod assist;
pub mod catalog_csv;
pub mod codes;
pub mod events;
pub mod jws;
pub mod keydoc;
pub mod keys;
pub mod online;
pub mod receipt;
pub mod staff_pin;
pub mod wire;
