//! What a scan does: the one path shared by the window, the kiosk and `order create --scan`.
//! [`resolve`] looks the text up (catalog, signed codes, redemptions: the database side, run
//! off the UI thread); [`apply`] puts the result into the cart with the domain's rules.

use crate::config::Config;
use crate::store::{Store, StoreError};
use smartstore_domain::cart::{Cart, CartError};
use smartstore_domain::catalog::CatalogItem;
use smartstore_domain::coupon::Coupon;
use smartstore_domain::gs1::Date;
use smartstore_domain::gtin::Gtin;
use smartstore_domain::money::Money;
use smartstore_domain::scan::{PaymentScheme, ScanKind, Symbology, Unusable, classify};
use smartstore_domain::variable_measure::Layout;
use smartstore_domain::weighed::{self, Label, LabelRefusal, Package};
use smartstore_protocol::codes::{
    CodeRefusal, Member, Pickup, ShopperCode, TrustedKeys, verify_at_store,
};

/// What the terminal needs to trust a shopper code offline.
#[derive(Debug, Clone)]
pub struct CodeContext {
    pub keys: TrustedKeys,
    pub store_id: String,
    /// Unix seconds.
    pub now: i64,
    pub labels: LabelRules,
}

/// How this store reads the labels of weighed goods: its scales' layout, and its day (a label
/// whose expiry date is before it is refused).
#[derive(Debug, Clone)]
pub struct LabelRules {
    pub layout: Layout,
    pub utc_offset: time::UtcOffset,
}

impl LabelRules {
    /// The rules of config.toml (`scale_codes`, `utc_offset`).
    pub fn of(config: &Config) -> anyhow::Result<LabelRules> {
        Ok(LabelRules {
            layout: config.scale_layout()?,
            utc_offset: config.utc_offset()?,
        })
    }
}

impl CodeContext {
    /// The store's day at `now`.
    pub fn today(&self) -> Date {
        let local = time::OffsetDateTime::from_unix_timestamp(self.now)
            .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
            .to_offset(self.labels.utc_offset);
        Date {
            year: local.year(),
            month: u8::from(local.month()),
            day: local.day(),
        }
    }

    /// The platform keys pinned at enrolment (and refreshed by the keys pull), this store, and
    /// its label rules.
    pub fn load(store: &Store, labels: LabelRules) -> Result<CodeContext, StoreError> {
        let keys = match store.meta("platform_keys")? {
            Some(json) => TrustedKeys::from_json(&json)
                .map_err(|e| StoreError::Inconsistent(format!("stored platform keys: {e}")))?,
            None => TrustedKeys::new(),
        };
        Ok(CodeContext {
            keys,
            store_id: store.receipt_prefix()?.0,
            now: time::OffsetDateTime::now_utc().unix_timestamp(),
            labels,
        })
    }
}

/// A scanned text, looked up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    Product(CatalogItem),
    /// A package of weighed or priced goods: its label and its catalog entry.
    Package {
        item: CatalogItem,
        label: Label,
    },
    Member(Member),
    Coupon {
        coupon: Coupon,
        redeemed: bool,
    },
    Basket(Vec<(CatalogItem, u32)>),
    /// An online order to hand over; `known` when the pickups pull brought it already.
    Pickup {
        pickup: Pickup,
        known: bool,
        /// The lines' product names (the GTIN where the catalog has none).
        names: Vec<String>,
    },
    Payment {
        scheme: PaymentScheme,
        digits: String,
    },
    /// Nothing usable, and why.
    Refused {
        text: String,
        refusal: ScanRefusal,
    },
}

/// Why a scan put nothing into the cart. Shown in the user's language by the window and the
/// command line (`crate::i18n`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScanRefusal {
    #[error("product {} is not in the catalog", gtin.display_form())]
    NotInCatalog { gtin: Gtin },
    #[error("{0}")]
    Unusable(Unusable),
    #[error("{0}")]
    Code(CodeRefusal),
    #[error("coupon {coupon_id} was withdrawn by the platform")]
    CouponWithdrawn { coupon_id: String },
    #[error("the basket holds product {}, which is not in this store's catalog", gtin.display_form())]
    BasketItemMissing { gtin: Gtin },
    #[error("order {order_id} was already collected (at {at})")]
    AlreadyCollected { order_id: String, at: String },
    #[error("{0}")]
    Cart(CartError),
    #[error("{0}; nothing was added")]
    Basket(CartError),
    /// A label of weighed goods that cannot be sold: misread, expired, not in the catalog.
    #[error("{0}")]
    Label(LabelRefusal),
}

fn refused(text: &str, refusal: ScanRefusal) -> Resolution {
    Resolution::Refused {
        text: text.chars().filter(|c| !c.is_control()).take(40).collect(),
        refusal,
    }
}

/// Looks a scanned text up: catalog for products, offline verification for shopper codes.
pub fn resolve(
    store: &Store,
    text: &str,
    symbology: Option<Symbology>,
    codes: &CodeContext,
) -> Result<Resolution, StoreError> {
    Ok(match classify(text, symbology) {
        ScanKind::Product(gtin) => match weighed::read(text, &codes.labels.layout, codes.today()) {
            Err(refusal) => refused(text, ScanRefusal::Label(refusal)),
            Ok(Some(label)) => match store.item(label.gtin)? {
                Some(item) => Resolution::Package { item, label },
                None => refused(text, ScanRefusal::Label(label.not_in_catalog())),
            },
            Ok(None) => match store.item(gtin)? {
                Some(item) => Resolution::Product(item),
                None => refused(&gtin.display_form(), ScanRefusal::NotInCatalog { gtin }),
            },
        },
        ScanKind::Payment { scheme, digits } => Resolution::Payment { scheme, digits },
        ScanKind::Unusable { text, why } => Resolution::Refused {
            text,
            refusal: ScanRefusal::Unusable(why),
        },
        ScanKind::Shopper { text, .. } => {
            let verified = match verify_at_store(&text, &codes.keys, codes.now, &codes.store_id) {
                Ok(v) => v,
                Err(refusal) => return Ok(refused(&text, ScanRefusal::Code(refusal))),
            };
            match verified.code {
                ShopperCode::Member(m) => Resolution::Member(m),
                ShopperCode::Coupon(c) => {
                    if store.is_coupon_revoked(&c.id)? {
                        return Ok(refused(
                            &text,
                            ScanRefusal::CouponWithdrawn { coupon_id: c.id },
                        ));
                    }
                    let redeemed = c.single_use && store.coupon_redeemed(&c.id)?;
                    Resolution::Coupon {
                        coupon: c,
                        redeemed,
                    }
                }
                ShopperCode::Basket(b) => {
                    let mut items = Vec::with_capacity(b.lines.len());
                    for (gtin, qty) in &b.lines {
                        match store.item(*gtin)? {
                            Some(item) => items.push((item, *qty)),
                            None => {
                                return Ok(refused(
                                    &text,
                                    ScanRefusal::BasketItemMissing { gtin: *gtin },
                                ));
                            }
                        }
                    }
                    Resolution::Basket(items)
                }
                ShopperCode::Pickup(p) => match store.pickup(&p.order_id)? {
                    Some((_, _, Some(at))) => refused(
                        &text,
                        ScanRefusal::AlreadyCollected {
                            order_id: p.order_id,
                            at,
                        },
                    ),
                    found => {
                        let mut names = Vec::with_capacity(p.lines.len());
                        for (gtin, _) in &p.lines {
                            names.push(
                                store
                                    .item(*gtin)?
                                    .map_or_else(|| gtin.display_form(), |i| i.name),
                            );
                        }
                        Resolution::Pickup {
                            known: found.is_some(),
                            pickup: p,
                            names,
                        }
                    }
                },
            }
        }
    })
}

/// What applying a resolution did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Applied {
    /// A product line; `quantity` is the line's quantity now.
    Added {
        item: CatalogItem,
        quantity: u32,
    },
    /// A package of weighed or priced goods, a line of its own.
    Package {
        item: CatalogItem,
        package: Package,
        price: Money,
    },
    Member(Member),
    Coupon {
        coupon_id: String,
        discount: Money,
    },
    Basket {
        lines: usize,
    },
    Pickup {
        pickup: Pickup,
        known: bool,
        /// The lines' product names (the GTIN where the catalog has none).
        names: Vec<String>,
    },
    Payment {
        scheme: PaymentScheme,
        digits: String,
    },
}

/// Applies a resolution to the cart with the domain's rules; `Err` is the refusal to show
/// (the cart is unchanged).
pub fn apply(
    cart: &mut Cart,
    resolution: Resolution,
    codes: &CodeContext,
) -> Result<Applied, ScanRefusal> {
    match resolution {
        Resolution::Product(item) => match cart.add(&item, 1) {
            Ok(()) => {
                let quantity = cart
                    .lines()
                    .iter()
                    .find(|l| l.gtin == item.gtin)
                    .map_or(1, |l| l.quantity);
                Ok(Applied::Added { item, quantity })
            }
            Err(e) => Err(ScanRefusal::Cart(e)),
        },
        Resolution::Package { item, label } => {
            let (package, price) = weighed::price(&item, &label).map_err(ScanRefusal::Label)?;
            cart.add_package(&item, package, price)
                .map_err(ScanRefusal::Cart)?;
            Ok(Applied::Package {
                item,
                package,
                price,
            })
        }
        Resolution::Member(m) => Ok(Applied::Member(m)),
        Resolution::Coupon { coupon, redeemed } => {
            let id = coupon.id.clone();
            match cart.apply_coupon(coupon, codes.now, &codes.store_id, redeemed) {
                Ok(discount) => Ok(Applied::Coupon {
                    coupon_id: id,
                    discount,
                }),
                Err(e) => Err(ScanRefusal::Cart(e)),
            }
        }
        Resolution::Basket(items) => {
            let n = items.len();
            cart.add_all(items.iter().map(|(i, q)| (i, *q)))
                .map(|()| Applied::Basket { lines: n })
                .map_err(ScanRefusal::Basket)
        }
        Resolution::Pickup {
            pickup,
            known,
            names,
        } => Ok(Applied::Pickup {
            pickup,
            known,
            names,
        }),
        Resolution::Payment { scheme, digits } => Ok(Applied::Payment { scheme, digits }),
        Resolution::Refused { refusal, .. } => Err(refusal),
    }
}

/// [`resolve`] then [`apply`]: the command line's path, in one go.
pub fn scan_into_cart(
    store: &Store,
    cart: &mut Cart,
    text: &str,
    symbology: Option<Symbology>,
    codes: &CodeContext,
) -> Result<Result<Applied, ScanRefusal>, StoreError> {
    Ok(apply(cart, resolve(store, text, symbology, codes)?, codes))
}
