//! Signed shopper codes (DESIGN §5): member, pickup, coupon and basket QR codes that the platform
//! issues and the terminal verifies offline with the platform keys it pinned.
//!
//! A code is `PREFIX` + base45(COSE_Sign1 tagged 18, EdDSA/Ed25519, `kid` protected, payload a CWT
//! claims map). The byte-exact format, with test vectors, is `docs/shopper-codes.md`.
//!
//! This module only issues and verifies. What a verified code does to a cart or an order, and
//! where single-use redemptions are stored, is for the callers (they share [`CodeRefusal`]).

mod claims;
mod issue;
mod qr;
mod verify;

use std::fmt;

use smartstore_domain::coupon::Coupon;
use smartstore_domain::gtin::Gtin;

pub use crate::keys::{Jwk, JwkSet, KeyError, TrustedKeys, generate_key_pair, key_id};
pub use claims::MAX_ID_LEN;
pub use issue::{IssueError, Issuer, Stamp};
pub use qr::{QrError, qr_code, qr_version, render_qr, write_qr_png};
pub use smartstore_domain::scan::ShopperCodeKind;
pub use verify::{MAX_TEXT_LEN, verify, verify_at_store};

/// One line of a pickup or basket code: a product and how many.
pub type CodeLine = (Gtin, u32);

/// `MB1:` a shopper's membership: attaches the shopper and their delivery addresses to an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub member_id: String,
    pub name: String,
    pub addresses: Vec<String>,
    /// The shopper agreed to Magic Mirror: recommendations from their purchases, shown when the
    /// code is scanned. A code without the claim (every code issued before it existed) is no
    /// consent.
    pub consent: bool,
}

/// `PU1:` an online order to hand over at one store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pickup {
    pub order_id: String,
    pub store: String,
    pub lines: Vec<CodeLine>,
}

/// `BK1:` a basket built in the shopper's phone app, loaded into the cart at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Basket {
    pub lines: Vec<CodeLine>,
}

/// What a shopper code carries. A coupon is the domain's pricing rule, its window taken from the
/// code's `nbf` and `exp`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShopperCode {
    Member(Member),
    Pickup(Pickup),
    Coupon(Coupon),
    Basket(Basket),
}

impl ShopperCode {
    pub fn kind(&self) -> ShopperCodeKind {
        match self {
            ShopperCode::Member(_) => ShopperCodeKind::Member,
            ShopperCode::Pickup(_) => ShopperCodeKind::Pickup,
            ShopperCode::Coupon(_) => ShopperCodeKind::Coupon,
            ShopperCode::Basket(_) => ShopperCodeKind::Basket,
        }
    }

    /// Refuses a pickup for another store, or a coupon whose store list does not hold `store`.
    /// Member and basket codes are good in every store.
    pub fn check_store(&self, store: &str) -> Result<(), CodeRefusal> {
        let for_stores = match self {
            ShopperCode::Pickup(p) if p.store != store => p.store.clone(),
            ShopperCode::Coupon(c)
                if !c.stores.is_empty() && !c.stores.iter().any(|s| s == store) =>
            {
                c.stores.join(", ")
            }
            _ => return Ok(()),
        };
        Err(CodeRefusal::WrongStore {
            kind: self.kind(),
            for_stores,
            here: store.to_owned(),
        })
    }
}

/// A code whose signature, key and validity window were checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub code: ShopperCode,
    /// The key id that signed it.
    pub kid: String,
    /// The CWT `iss`.
    pub issuer: String,
    /// Unix seconds (`iat`, `nbf`, `exp`).
    pub issued_at: i64,
    pub not_before: Option<i64>,
    pub expires: i64,
    /// The CWT `cti`: unique per issued code.
    pub token_id: Vec<u8>,
}

/// Why a scanned shopper code is refused. Each says what happened in words a clerk can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeRefusal {
    #[error("not a valid shopper code: {0}")]
    Malformed(String),
    #[error("the code's signature does not match: it was altered or is forged")]
    BadSignature,
    #[error(
        "the code was signed with key '{0}', which this terminal does not know: sync to fetch the platform's keys"
    )]
    UnknownKey(String),
    #[error("this {} code expired at {}", noun(*kind), utc(*at))]
    Expired { kind: ShopperCodeKind, at: i64 },
    #[error("this {} code is not valid before {}", noun(*kind), utc(*from))]
    NotYetValid { kind: ShopperCodeKind, from: i64 },
    #[error("this {} code is for store {for_stores}, not this store ({here})", noun(*kind))]
    WrongStore {
        kind: ShopperCodeKind,
        for_stores: String,
        here: String,
    },
    #[error("the code was signed with key '{0}', which the platform has revoked")]
    KeyRevoked(String),
    #[error("the code was issued at {} by key '{kid}', retired at {}: a retired key signs nothing new", utc(*issued), utc(*retired))]
    IssuedAfterRetirement {
        kid: String,
        issued: i64,
        retired: i64,
    },
    #[error("coupon {0} was already redeemed on this terminal")]
    AlreadyRedeemed(String),
    #[error("order {0} was already collected")]
    AlreadyCollected(String),
}

fn noun(kind: ShopperCodeKind) -> &'static str {
    match kind {
        ShopperCodeKind::Member => "member",
        ShopperCodeKind::Pickup => "pickup",
        ShopperCodeKind::Coupon => "coupon",
        ShopperCodeKind::Basket => "basket",
    }
}

/// A Unix time as `2026-05-01 12:00:00 UTC`, or the bare number when out of range.
fn utc(at: i64) -> String {
    let format =
        time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second] UTC");
    time::OffsetDateTime::from_unix_timestamp(at)
        .ok()
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_else(|| format!("unix time {at}"))
}

impl fmt::Display for ShopperCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ShopperCode::Member(m) => write!(f, "member {} ({})", m.member_id, m.name),
            ShopperCode::Pickup(p) => {
                write!(
                    f,
                    "pickup of order {} at {}, {} lines",
                    p.order_id,
                    p.store,
                    p.lines.len()
                )
            }
            ShopperCode::Coupon(c) => write!(f, "coupon {}", c.id),
            ShopperCode::Basket(b) => write!(f, "basket of {} lines", b.lines.len()),
        }
    }
}
