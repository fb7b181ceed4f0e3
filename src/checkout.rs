//! What a scan does to the cart: the one path shared by the window, the kiosk and
//! `order create --scan`. Shop rules stay in `domain`; this joins them to the catalog.

use crate::domain::cart::{Cart, CartError};
use crate::domain::catalog::CatalogItem;
use crate::domain::scan::{PaymentScheme, ScanKind, ShopperCodeKind, Symbology, classify};
use crate::store::{Store, StoreError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScanEffect {
    /// A product went into the cart; `quantity` is the line's quantity now.
    Added { item: CatalogItem, quantity: u32 },
    /// A shopper code (member, pickup, coupon, basket) for the codes path.
    ShopperCode { kind: ShopperCodeKind, text: String },
    /// A shopper's payment code, to be captured online at checkout.
    PaymentCode {
        scheme: PaymentScheme,
        digits: String,
    },
    /// Nothing changed; `reason` says why in words for the clerk.
    Refused { text: String, reason: String },
}

/// Applies one scanned text to the cart.
pub fn apply_scan(
    store: &Store,
    cart: &mut Cart,
    text: &str,
    symbology: Option<Symbology>,
) -> Result<ScanEffect, StoreError> {
    Ok(match classify(text, symbology) {
        ScanKind::Product(gtin) => match store.item(gtin)? {
            None => ScanEffect::Refused {
                text: gtin.display_form(),
                reason: format!("product {} is not in the catalog", gtin.display_form()),
            },
            Some(item) => match cart.add(&item, 1) {
                Ok(()) => {
                    let quantity = cart
                        .lines()
                        .iter()
                        .find(|l| l.gtin == gtin)
                        .map_or(1, |l| l.quantity);
                    ScanEffect::Added { item, quantity }
                }
                Err(
                    e @ (CartError::QuantityOutOfRange(_)
                    | CartError::TooManyLines
                    | CartError::CurrencyMismatch { .. }),
                ) => ScanEffect::Refused {
                    text: gtin.display_form(),
                    reason: e.to_string(),
                },
                Err(e) => ScanEffect::Refused {
                    text: gtin.display_form(),
                    reason: e.to_string(),
                },
            },
        },
        ScanKind::Shopper { kind, text } => ScanEffect::ShopperCode { kind, text },
        ScanKind::Payment { scheme, digits } => ScanEffect::PaymentCode { scheme, digits },
        ScanKind::Unusable { text, reason } => ScanEffect::Refused { text, reason },
    })
}
