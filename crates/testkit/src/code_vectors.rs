//! The fixed key and claims of the test vectors in docs/shopper-codes.md §6, for tests, for the
//! hub's self-check, and for anyone who regenerates the vectors. Ed25519 is deterministic, so the
//! same inputs always give the same texts.

use smartstore_domain::coupon::{Coupon, CouponValue};
use smartstore_domain::gtin::Gtin;
use smartstore_domain::money::{Currency, Money};
use smartstore_protocol::codes::{Basket, Member, Pickup, ShopperCode, Stamp};

/// The Ed25519 private key (seed) of RFC 8032 §7.1 TEST 1.
pub const SEED_HEX: &str = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
/// Its public key, from the same RFC.
pub const PUBLIC_HEX: &str = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
/// The PKCS#8 v1 prefix of RFC 8410 §7 for an Ed25519 private key; the seed follows it.
pub const PKCS8_V1_PREFIX_HEX: &str = "302e020100300506032b657004220420";
/// The `iss` of every vector.
pub const ISSUER: &str = "hub";
/// 2026-01-01T00:00:00Z, the `iat` of every vector.
pub const ISSUED_AT: i64 = 1_767_225_600;
/// A time at which every vector is valid (2026-01-01T01:00:00Z).
pub const NOW: i64 = ISSUED_AT + 3_600;

fn hex(s: &str) -> Vec<u8> {
    (0..s.len() / 2)
        .filter_map(|i| s.get(2 * i..2 * i + 2))
        .filter_map(|b| u8::from_str_radix(b, 16).ok())
        .collect()
}

/// The vectors' private key as a PKCS#8 v1 document (RFC 8410).
pub fn pkcs8() -> Vec<u8> {
    let mut doc = hex(PKCS8_V1_PREFIX_HEX);
    doc.extend(hex(SEED_HEX));
    doc
}

fn gtin(digits: &str) -> Gtin {
    // The constants below are valid GTINs; a typo would fail every vector test.
    Gtin::from_digits(digits).unwrap_or_else(|e| panic!("vector GTIN {digits}: {e}"))
}

fn stamp(valid_days: i64, cti: u8) -> Stamp {
    Stamp {
        issued_at: ISSUED_AT,
        not_before: None,
        expires: ISSUED_AT + valid_days * 86_400,
        token_id: vec![cti; 8],
    }
}

/// One vector: its name, the code, the stamp it is issued with.
pub struct Vector {
    pub name: &'static str,
    pub code: ShopperCode,
    pub stamp: Stamp,
}

/// The vectors of docs/shopper-codes.md §6, one of each type.
pub fn vectors() -> Vec<Vector> {
    let cny = |minor| Money::new(minor, Currency::CNY);
    vec![
        Vector {
            name: "member",
            code: ShopperCode::Member(Member {
                member_id: "M1024".to_owned(),
                name: "Li Wei".to_owned(),
                addresses: vec!["88 Century Ave, Shanghai".to_owned()],
                // Without consent: the vector is byte for byte what it was before the claim.
                consent: false,
            }),
            stamp: stamp(365, 0x11),
        },
        Vector {
            name: "pickup",
            code: ShopperCode::Pickup(Pickup {
                order_id: "W260101-0042".to_owned(),
                store: "SH001".to_owned(),
                lines: vec![(gtin("6901234567892"), 2), (gtin("96385074"), 1)],
            }),
            stamp: stamp(7, 0x22),
        },
        Vector {
            name: "coupon",
            code: ShopperCode::Coupon(Coupon {
                id: "CPN-7Q2K".to_owned(),
                value: CouponValue::AmountOff(cny(1000)),
                min_spend: Some(cny(5000)),
                single_use: true,
                stores: vec!["SH001".to_owned()],
                not_before: ISSUED_AT,
                expires: ISSUED_AT + 31 * 86_400,
            }),
            stamp: stamp(31, 0x33),
        },
        Vector {
            name: "basket",
            code: ShopperCode::Basket(Basket {
                lines: vec![
                    (gtin("6901234567892"), 2),
                    (gtin("4006381333931"), 1),
                    (gtin("96385074"), 3),
                ],
            }),
            stamp: stamp(1, 0x44),
        },
    ]
}
