//! Properties: any changed byte of a code is refused; whatever is issued verifies back to itself;
//! no input makes the verifier panic.

use proptest::prelude::*;
use smartstore_domain::coupon::{Coupon, CouponValue};
use smartstore_domain::gtin::{Gtin, check_digit};
use smartstore_domain::money::{Currency, Money};
use smartstore_protocol::codes::{
    Basket, Issuer, Member, Pickup, ShopperCode, Stamp, TrustedKeys, verify,
};
use smartstore_testkit::code_vectors::{self as vectors, ISSUED_AT, ISSUER, NOW};

fn issuer() -> Issuer {
    Issuer::from_pkcs8(&vectors::pkcs8(), ISSUER).expect("vector key")
}

fn keys() -> TrustedKeys {
    let mut keys = TrustedKeys::new();
    keys.insert(&issuer().public_jwk()).expect("jwk");
    keys
}

fn vector_texts() -> Vec<String> {
    let issuer = issuer();
    vectors::vectors()
        .iter()
        .map(|v| issuer.issue(&v.code, &v.stamp).expect("issue"))
        .collect()
}

/// Every single-bit change of every byte, of the text and of the COSE bytes, is refused.
#[test]
fn every_single_bit_flip_is_refused() {
    let keys = keys();
    for text in vector_texts() {
        assert!(verify(&text, &keys, NOW).is_ok());
        let bytes = text.as_bytes();
        for i in 0..bytes.len() {
            for bit in 0..8 {
                let mut changed = bytes.to_vec();
                changed[i] ^= 1 << bit;
                let changed = String::from_utf8_lossy(&changed);
                assert!(
                    verify(&changed, &keys, NOW).is_err(),
                    "text byte {i} bit {bit}: {changed}"
                );
            }
        }
        let (prefix, body) = text.split_at(4);
        let cose = base45::decode(body).expect("base45");
        for i in 0..cose.len() {
            for bit in 0..8 {
                let mut changed = cose.clone();
                changed[i] ^= 1 << bit;
                let changed = format!("{prefix}{}", base45::encode(changed));
                assert!(
                    verify(&changed, &keys, NOW).is_err(),
                    "COSE byte {i} bit {bit}"
                );
            }
        }
    }
}

fn gtin_strategy() -> impl Strategy<Value = Gtin> {
    prop::collection::vec(0u8..10, 12).prop_map(|body| {
        let mut digits: String = body.iter().map(|d| char::from(b'0' + d)).collect();
        digits.push(char::from(b'0' + check_digit(&body)));
        Gtin::from_digits(&digits).expect("valid by construction")
    })
}

fn lines_strategy() -> impl Strategy<Value = Vec<(Gtin, u32)>> {
    prop::collection::btree_map(gtin_strategy(), 1u32..=999, 1..8)
        .prop_map(|m| m.into_iter().collect())
}

fn text_strategy() -> impl Strategy<Value = String> {
    "[A-Za-z0-9 ,.\\-\u{4e00}-\u{4e2f}]{1,30}"
}

fn code_strategy() -> impl Strategy<Value = ShopperCode> {
    prop_oneof![
        (
            text_strategy(),
            text_strategy(),
            prop::collection::vec(text_strategy(), 0..3),
            any::<bool>()
        )
            .prop_map(|(member_id, name, addresses, consent)| ShopperCode::Member(
                Member {
                    member_id,
                    name,
                    addresses,
                    consent
                }
            )),
        (text_strategy(), text_strategy(), lines_strategy()).prop_map(
            |(order_id, store, lines)| ShopperCode::Pickup(Pickup {
                order_id,
                store,
                lines
            })
        ),
        lines_strategy().prop_map(|lines| ShopperCode::Basket(Basket { lines })),
        (
            text_strategy(),
            prop_oneof![
                (1i64..1_000_000)
                    .prop_map(|m| CouponValue::AmountOff(Money::new(m, Currency::CNY))),
                (1u32..=100).prop_map(CouponValue::PercentOff),
            ],
            prop::option::of(1i64..1_000_000),
            any::<bool>(),
            prop::collection::vec(text_strategy(), 0..3),
        )
            .prop_map(|(id, value, min, single_use, stores)| {
                ShopperCode::Coupon(Coupon {
                    id,
                    value,
                    min_spend: min.map(|m| Money::new(m, Currency::CNY)),
                    single_use,
                    stores,
                    not_before: ISSUED_AT,
                    expires: ISSUED_AT + 86_400,
                })
            }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn what_is_issued_verifies_to_itself(code in code_strategy(), cti in prop::collection::vec(any::<u8>(), 1..=16)) {
        let stamp = Stamp { issued_at: ISSUED_AT, not_before: None, expires: ISSUED_AT + 86_400, token_id: cti.clone() };
        let text = issuer().issue(&code, &stamp).expect("issue");
        let verified = verify(&text, &keys(), NOW).expect("verifies");
        prop_assert_eq!(verified.code, code);
        prop_assert_eq!(verified.token_id, cti);
    }

    #[test]
    fn any_changed_byte_is_refused(which in 0usize..4, at in any::<prop::sample::Index>(), mask in 1u8..=255, in_cose in any::<bool>()) {
        let texts = vector_texts();
        let text = &texts[which];
        let changed = if in_cose {
            let (prefix, body) = text.split_at(4);
            let mut cose = base45::decode(body).expect("base45");
            let i = at.index(cose.len());
            cose[i] ^= mask;
            format!("{prefix}{}", base45::encode(cose))
        } else {
            let mut bytes = text.clone().into_bytes();
            let i = at.index(bytes.len());
            bytes[i] ^= mask;
            String::from_utf8_lossy(&bytes).into_owned()
        };
        prop_assert!(verify(&changed, &keys(), NOW).is_err());
    }

    #[test]
    fn verify_never_panics(prefix in prop_oneof![Just("MB1:"), Just("PU1:"), Just("CP1:"), Just("BK1:"), Just("")], body in "[0-9A-Z $%*+\\-./:]{0,300}") {
        let _ = verify(&format!("{prefix}{body}"), &keys(), NOW);
    }

    #[test]
    fn verify_never_panics_on_cbor_bytes(prefix in prop_oneof![Just("MB1:"), Just("BK1:")], bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let mut bytes = bytes;
        if let Some(first) = bytes.first_mut() { *first = 0xd2; }
        let _ = verify(&format!("{prefix}{}", base45::encode(bytes)), &keys(), NOW);
    }
}
