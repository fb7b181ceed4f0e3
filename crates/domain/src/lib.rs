//! The pure core: types and shop rules. No IO, no async, no UI.

pub mod cart;
pub mod catalog;
pub mod checkout;
pub mod coupon;
pub mod fulfil;
pub mod gs1;
pub mod gtin;
pub mod kiosk;
pub mod money;
pub mod order;
pub mod recommend;
pub mod returns;
pub mod scan;
pub mod shift;
pub mod sync;
pub mod variable_measure;
pub mod weighed;
