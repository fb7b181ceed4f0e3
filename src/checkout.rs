//! What a scan does to the cart: the one path shared by the window, the kiosk and
//! `order create --scan`. Shop rules stay in `domain`; this joins them to the catalog.

use crate::codes::{CodeRefusal, Member, Pickup, ShopperCode, TrustedKeys, verify_at_store};
use crate::domain::cart::{Cart, CartError};
use crate::domain::catalog::CatalogItem;
use crate::domain::money::Money;
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

/// What the terminal needs to trust a shopper code offline.
#[derive(Debug, Clone)]
pub struct CodeContext {
    pub keys: TrustedKeys,
    pub store_id: String,
    /// Unix seconds.
    pub now: i64,
}

impl CodeContext {
    /// The platform keys pinned at enrolment (and refreshed by the keys pull) and this store.
    pub fn load(store: &Store) -> Result<CodeContext, StoreError> {
        let keys = match store.meta("platform_keys")? {
            Some(json) => TrustedKeys::from_json(&json)
                .map_err(|e| StoreError::Inconsistent(format!("stored platform keys: {e}")))?,
            None => TrustedKeys::new(),
        };
        Ok(CodeContext {
            keys,
            store_id: store.receipt_prefix()?.0,
            now: time::OffsetDateTime::now_utc().unix_timestamp(),
        })
    }
}

/// What a verified shopper code did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeApplied {
    /// Attach the shopper (and offer their addresses) to the order.
    Member(Member),
    /// The coupon is in the cart; `discount` is what it takes off now.
    Coupon { coupon_id: String, discount: Money },
    /// The basket's lines are in the cart.
    Basket { lines: usize },
    /// An online order to hand over: confirm it, then [`Store::collect_pickup`].
    Pickup(Pickup),
}

/// Verifies a shopper code offline and applies it to the cart. The outer error is the
/// database's; the inner one is the refusal to show (nothing changed).
pub fn apply_shopper_code(
    store: &Store,
    cart: &mut Cart,
    text: &str,
    ctx: &CodeContext,
) -> Result<Result<CodeApplied, String>, StoreError> {
    let verified = match verify_at_store(text, &ctx.keys, ctx.now, &ctx.store_id) {
        Ok(v) => v,
        Err(refusal) => return Ok(Err(refusal.to_string())),
    };
    Ok(match verified.code {
        ShopperCode::Member(m) => Ok(CodeApplied::Member(m)),
        ShopperCode::Coupon(c) => {
            if store.is_coupon_revoked(&c.id)? {
                return Ok(Err(format!(
                    "coupon {} was withdrawn by the platform",
                    c.id
                )));
            }
            let redeemed = c.single_use && store.coupon_redeemed(&c.id)?;
            if redeemed {
                return Ok(Err(CodeRefusal::AlreadyRedeemed(c.id).to_string()));
            }
            let id = c.id.clone();
            match cart.apply_coupon(c, ctx.now, &ctx.store_id, redeemed) {
                Ok(discount) => Ok(CodeApplied::Coupon {
                    coupon_id: id,
                    discount,
                }),
                Err(CartError::Coupon(r)) => Err(r.to_string()),
                Err(e) => Err(e.to_string()),
            }
        }
        ShopperCode::Basket(b) => {
            let mut items = Vec::with_capacity(b.lines.len());
            for (gtin, qty) in &b.lines {
                match store.item(*gtin)? {
                    Some(item) => items.push((item, *qty)),
                    None => {
                        return Ok(Err(format!(
                            "the basket holds product {}, which is not in this store's catalog; nothing was added",
                            gtin.display_form()
                        )));
                    }
                }
            }
            match cart.add_all(items.iter().map(|(i, q)| (i, *q))) {
                Ok(()) => Ok(CodeApplied::Basket { lines: items.len() }),
                Err(e) => Err(format!("{e}; nothing was added")),
            }
        }
        ShopperCode::Pickup(p) => match store.pickup(&p.order_id)? {
            Some((_, _, Some(at))) => Err(format!(
                "order {} was already handed over at {at}",
                p.order_id
            )),
            _ => Ok(CodeApplied::Pickup(p)),
        },
    })
}
