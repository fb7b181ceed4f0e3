//! Every refusal of a shopper code, each with its own message, from a table.

use coset::cbor::value::Value;
use coset::cwt::{ClaimsSetBuilder, Timestamp};
use coset::{CborSerializable, CoseSign1Builder, HeaderBuilder, TaggedCborSerializable, iana};
use ring::signature::Ed25519KeyPair;
use smartstore_protocol::codes::{
    CodeRefusal, Issuer, Member, ShopperCode, ShopperCodeKind, Stamp, TrustedKeys,
    generate_key_pair, verify, verify_at_store,
};
use smartstore_testkit::code_vectors::{self as vectors, ISSUED_AT, ISSUER, NOW};

fn issuer() -> Issuer {
    Issuer::from_pkcs8(&vectors::pkcs8(), ISSUER).expect("vector key")
}

fn trusted() -> TrustedKeys {
    let mut keys = TrustedKeys::new();
    keys.insert(&issuer().public_jwk()).expect("jwk");
    keys
}

fn vector_text(name: &str) -> String {
    let v = vectors::vectors()
        .into_iter()
        .find(|v| v.name == name)
        .expect("vector");
    issuer().issue(&v.code, &v.stamp).expect("issue")
}

/// A COSE_Sign1 over `payload`, signed with the vector key, behind `prefix`: for codes whose
/// signature is good but whose contents are not.
fn signed(prefix: &str, payload: Vec<u8>, alg: iana::Algorithm, tagged: bool) -> String {
    let pair = Ed25519KeyPair::from_pkcs8_maybe_unchecked(&vectors::pkcs8()).expect("key");
    let protected = HeaderBuilder::new()
        .algorithm(alg)
        .key_id(issuer().kid().as_bytes().to_vec())
        .build();
    let sign1 = CoseSign1Builder::new()
        .protected(protected)
        .payload(payload)
        .create_signature(&[], |tbs| pair.sign(tbs).as_ref().to_vec())
        .build();
    let bytes = if tagged {
        sign1.to_tagged_vec()
    } else {
        sign1.to_vec()
    };
    format!("{prefix}{}", base45::encode(bytes.expect("cbor")))
}

fn claims(own_key: &str, own: Value) -> ClaimsSetBuilder {
    ClaimsSetBuilder::new()
        .issuer(ISSUER.to_owned())
        .expiration_time(Timestamp::WholeSeconds(ISSUED_AT + 86_400 * 7))
        .issued_at(Timestamp::WholeSeconds(ISSUED_AT))
        .cwt_id(vec![1; 8])
        .text_claim(own_key.to_owned(), own)
}

fn int_map(entries: Vec<(i64, Value)>) -> Value {
    Value::Map(
        entries
            .into_iter()
            .map(|(k, v)| (Value::Integer(k.into()), v))
            .collect(),
    )
}

fn basket_with(items: Vec<u64>) -> Value {
    int_map(vec![(
        1,
        Value::Array(
            items
                .into_iter()
                .map(|n| Value::Integer(n.into()))
                .collect(),
        ),
    )])
}

fn payload(b: ClaimsSetBuilder) -> Vec<u8> {
    b.build().to_vec().expect("claims")
}

type Check = fn(&CodeRefusal) -> bool;
/// Name, text, now, store (for `verify_at_store`), the expected refusal, words of its message.
type Case = (
    &'static str,
    String,
    i64,
    Option<&'static str>,
    Check,
    &'static str,
);

#[test]
fn every_refusal_has_its_own_message() {
    let keys = trusted();
    let basket = vector_text("basket");
    let pickup = vector_text("pickup");
    let coupon = vector_text("coupon");
    let member = vector_text("member");
    let basket_body = basket.trim_start_matches("BK1:").to_owned();

    // Another key, under the vector key's id: a forgery.
    let (other_pkcs8, _) = generate_key_pair().expect("key");
    let forger = Issuer::from_pkcs8(&other_pkcs8, ISSUER)
        .expect("key")
        .with_kid(issuer().kid());
    let stranger = Issuer::from_pkcs8(&other_pkcs8, ISSUER).expect("key");
    let v = vectors::vectors();
    let forged = forger.issue(&v[3].code, &v[3].stamp).expect("issue");
    let unknown = stranger.issue(&v[3].code, &v[3].stamp).expect("issue");
    let mut later = v[0].stamp.clone();
    later.not_before = Some(NOW + 3600);
    let not_yet = issuer().issue(&v[0].code, &later).expect("issue");

    // One flipped bit in the signature, the payload, the protected header.
    let flip = |text: &str, at_from_end: usize| {
        let mut bytes = base45::decode(&text[4..]).expect("b45");
        let i = bytes.len() - at_from_end;
        bytes[i] ^= 1;
        format!("{}{}", &text[..4], base45::encode(bytes))
    };

    let good_basket = || basket_with(vec![6_901_234_567_892, 2]);
    let cases: Vec<Case> = vec![
        (
            "empty",
            String::new(),
            NOW,
            None,
            |e| matches!(e, CodeRefusal::Malformed(_)),
            "does not start with MB1:",
        ),
        (
            "no prefix",
            "HELLO".into(),
            NOW,
            None,
            |e| matches!(e, CodeRefusal::Malformed(_)),
            "does not start with",
        ),
        (
            "lower-case prefix",
            basket.to_lowercase(),
            NOW,
            None,
            |e| matches!(e, CodeRefusal::Malformed(_)),
            "does not start with",
        ),
        (
            "old version",
            format!("BK0:{basket_body}"),
            NOW,
            None,
            |e| matches!(e, CodeRefusal::Malformed(_)),
            "does not start with",
        ),
        (
            "lower-case base45",
            format!("BK1:{}", basket_body.to_lowercase()),
            NOW,
            None,
            |e| matches!(e, CodeRefusal::Malformed(_)),
            "not base45",
        ),
        (
            "base45 length",
            "BK1:ABCD".into(),
            NOW,
            None,
            |e| matches!(e, CodeRefusal::Malformed(_)),
            "not base45",
        ),
        (
            "base45 over 65535",
            "BK1:GGW".into(),
            NOW,
            None,
            |e| matches!(e, CodeRefusal::Malformed(_)),
            "not base45",
        ),
        (
            "base45 not canonical",
            "BK1:ZZ".into(),
            NOW,
            None,
            |e| matches!(e, CodeRefusal::Malformed(_)),
            "canonical form",
        ),
        (
            "too long",
            format!("BK1:{}", "0".repeat(5000)),
            NOW,
            None,
            |e| matches!(e, CodeRefusal::Malformed(_)),
            "longer than",
        ),
        (
            "not CBOR",
            format!("BK1:{}", base45::encode("hello")),
            NOW,
            None,
            |e| matches!(e, CodeRefusal::Malformed(_)),
            "not a COSE_Sign1",
        ),
        (
            "untagged",
            signed(
                "BK1:",
                payload(claims("b", good_basket())),
                iana::Algorithm::EdDSA,
                false,
            ),
            NOW,
            None,
            |e| matches!(e, CodeRefusal::Malformed(_)),
            "tag 18",
        ),
        (
            "trailing bytes",
            format!(
                "BK1:{}",
                base45::encode([base45::decode(&basket_body).expect("b45"), vec![0]].concat())
            ),
            NOW,
            None,
            |e| matches!(e, CodeRefusal::Malformed(_)),
            "not a COSE_Sign1",
        ),
        (
            "other algorithm",
            signed(
                "BK1:",
                payload(claims("b", good_basket())),
                iana::Algorithm::ES256,
                true,
            ),
            NOW,
            None,
            |e| matches!(e, CodeRefusal::Malformed(_)),
            "EdDSA",
        ),
        (
            "type behind the wrong prefix",
            format!("PU1:{basket_body}"),
            NOW,
            None,
            |e| matches!(e, CodeRefusal::Malformed(_)),
            "a basket code behind the PU1: prefix",
        ),
        (
            "signed, not claims",
            signed("BK1:", vec![0x01], iana::Algorithm::EdDSA, true),
            NOW,
            None,
            |e| matches!(e, CodeRefusal::Malformed(_)),
            "not a CWT claims map",
        ),
        (
            "signed, no expiry",
            signed(
                "BK1:",
                payload(
                    ClaimsSetBuilder::new()
                        .issuer(ISSUER.into())
                        .issued_at(Timestamp::WholeSeconds(ISSUED_AT))
                        .cwt_id(vec![1])
                        .text_claim("b".into(), good_basket()),
                ),
                iana::Algorithm::EdDSA,
                true,
            ),
            NOW,
            None,
            |e| matches!(e, CodeRefusal::Malformed(_)),
            "no expiry",
        ),
        (
            "signed, no type claim",
            signed(
                "BK1:",
                payload(
                    ClaimsSetBuilder::new()
                        .issuer(ISSUER.into())
                        .expiration_time(Timestamp::WholeSeconds(NOW + 9))
                        .issued_at(Timestamp::WholeSeconds(ISSUED_AT))
                        .cwt_id(vec![1]),
                ),
                iana::Algorithm::EdDSA,
                true,
            ),
            NOW,
            None,
            |e| matches!(e, CodeRefusal::Malformed(_)),
            "no member, pickup, coupon or basket",
        ),
        (
            "signed, unknown claim",
            signed(
                "BK1:",
                payload(claims("x", good_basket())),
                iana::Algorithm::EdDSA,
                true,
            ),
            NOW,
            None,
            |e| matches!(e, CodeRefusal::Malformed(_)),
            "unknown claim 'x'",
        ),
        (
            "signed, quantity 0",
            signed(
                "BK1:",
                payload(claims("b", basket_with(vec![6_901_234_567_892, 0]))),
                iana::Algorithm::EdDSA,
                true,
            ),
            NOW,
            None,
            |e| matches!(e, CodeRefusal::Malformed(_)),
            "quantity 0",
        ),
        (
            "signed, bad GTIN",
            signed(
                "BK1:",
                payload(claims("b", basket_with(vec![6_901_234_567_893, 1]))),
                iana::Algorithm::EdDSA,
                true,
            ),
            NOW,
            None,
            |e| matches!(e, CodeRefusal::Malformed(_)),
            "check digit",
        ),
        (
            "signed, odd lines",
            signed(
                "BK1:",
                payload(claims("b", basket_with(vec![6_901_234_567_892]))),
                iana::Algorithm::EdDSA,
                true,
            ),
            NOW,
            None,
            |e| matches!(e, CodeRefusal::Malformed(_)),
            "GTIN, quantity pairs",
        ),
        (
            "signed, same GTIN twice",
            signed(
                "BK1:",
                payload(claims(
                    "b",
                    basket_with(vec![6_901_234_567_892, 1, 6_901_234_567_892, 1]),
                )),
                iana::Algorithm::EdDSA,
                true,
            ),
            NOW,
            None,
            |e| matches!(e, CodeRefusal::Malformed(_)),
            "twice",
        ),
        (
            "signed, percent 150",
            signed(
                "CP1:",
                payload(
                    claims(
                        "c",
                        int_map(vec![
                            (1, Value::Text("C".into())),
                            (3, Value::Integer(150.into())),
                        ]),
                    )
                    .not_before(Timestamp::WholeSeconds(ISSUED_AT)),
                ),
                iana::Algorithm::EdDSA,
                true,
            ),
            NOW,
            None,
            |e| matches!(e, CodeRefusal::Malformed(_)),
            "percent off must be 1 to 100",
        ),
        (
            "signed, both amount and percent",
            signed(
                "CP1:",
                payload(
                    claims(
                        "c",
                        int_map(vec![
                            (1, Value::Text("C".into())),
                            (2, Value::Integer(100.into())),
                            (3, Value::Integer(10.into())),
                        ]),
                    )
                    .not_before(Timestamp::WholeSeconds(ISSUED_AT)),
                ),
                iana::Algorithm::EdDSA,
                true,
            ),
            NOW,
            None,
            |e| matches!(e, CodeRefusal::Malformed(_)),
            "exactly one of amount off and percent off",
        ),
        (
            "signed, coupon without nbf",
            signed(
                "CP1:",
                payload(claims(
                    "c",
                    int_map(vec![
                        (1, Value::Text("C".into())),
                        (3, Value::Integer(10.into())),
                    ]),
                )),
                iana::Algorithm::EdDSA,
                true,
            ),
            NOW,
            None,
            |e| matches!(e, CodeRefusal::Malformed(_)),
            "needs a start (nbf)",
        ),
        (
            "bad signature",
            forged,
            NOW,
            None,
            |e| *e == CodeRefusal::BadSignature,
            "signature does not match",
        ),
        (
            "flipped signature bit",
            flip(&basket, 1),
            NOW,
            None,
            |e| *e == CodeRefusal::BadSignature,
            "signature does not match",
        ),
        (
            "flipped payload bit",
            flip(&basket, 80),
            NOW,
            None,
            |e| *e == CodeRefusal::BadSignature,
            "signature does not match",
        ),
        (
            "unknown key",
            unknown,
            NOW,
            None,
            |e| matches!(e, CodeRefusal::UnknownKey(_)),
            "which this terminal does not know",
        ),
        (
            "expired at exp",
            basket.clone(),
            ISSUED_AT + 86_400,
            None,
            |e| {
                matches!(
                    e,
                    CodeRefusal::Expired {
                        kind: ShopperCodeKind::Basket,
                        ..
                    }
                )
            },
            "basket code expired at 2026-01-02 00:00:00 UTC",
        ),
        (
            "expired coupon",
            coupon.clone(),
            ISSUED_AT + 31 * 86_400 + 5,
            None,
            |e| {
                matches!(
                    e,
                    CodeRefusal::Expired {
                        kind: ShopperCodeKind::Coupon,
                        ..
                    }
                )
            },
            "coupon code expired at 2026-02-01",
        ),
        (
            "not yet valid",
            not_yet,
            NOW,
            None,
            |e| {
                matches!(
                    e,
                    CodeRefusal::NotYetValid {
                        kind: ShopperCodeKind::Member,
                        ..
                    }
                )
            },
            "member code is not valid before 2026-01-01 02:00:00 UTC",
        ),
        (
            "coupon before its window",
            coupon.clone(),
            ISSUED_AT - 1,
            None,
            |e| {
                matches!(
                    e,
                    CodeRefusal::NotYetValid {
                        kind: ShopperCodeKind::Coupon,
                        ..
                    }
                )
            },
            "not valid before 2026-01-01 00:00:00 UTC",
        ),
        (
            "pickup at another store",
            pickup.clone(),
            NOW,
            Some("BJ002"),
            |e| {
                matches!(
                    e,
                    CodeRefusal::WrongStore {
                        kind: ShopperCodeKind::Pickup,
                        ..
                    }
                )
            },
            "pickup code is for store SH001, not this store (BJ002)",
        ),
        (
            "coupon at another store",
            coupon.clone(),
            NOW,
            Some("BJ002"),
            |e| {
                matches!(
                    e,
                    CodeRefusal::WrongStore {
                        kind: ShopperCodeKind::Coupon,
                        ..
                    }
                )
            },
            "coupon code is for store SH001, not this store (BJ002)",
        ),
    ];
    let mut messages = std::collections::BTreeSet::new();
    for (name, text, now, store, check, message) in cases {
        let got = match store {
            Some(store) => verify_at_store(&text, &keys, now, store),
            None => verify(&text, &keys, now),
        };
        let err = got.expect_err(name);
        assert!(check(&err), "{name}: {err:?}");
        let shown = err.to_string();
        assert!(
            shown.contains(message),
            "{name}: '{shown}' lacks '{message}'"
        );
        messages.insert(shown);
    }
    assert!(messages.len() >= 25, "messages should differ: {messages:?}");

    // The same codes are good where and when they should be.
    for text in [&basket, &pickup, &coupon, &member] {
        verify_at_store(text, &keys, NOW, "SH001").expect("good at SH001");
    }
    let with_crlf = format!("{basket}\r\n");
    assert!(
        verify(&with_crlf, &keys, NOW).is_ok(),
        "a scanner's CR/LF is ignored"
    );
    assert!(matches!(
        verify(&basket, &TrustedKeys::new(), NOW),
        Err(CodeRefusal::UnknownKey(_))
    ));
}

#[test]
fn redemption_refusals_are_shared_words() {
    let cases = [
        (
            CodeRefusal::AlreadyRedeemed("CPN-7Q2K".into()),
            "coupon CPN-7Q2K was already redeemed on this terminal",
        ),
        (
            CodeRefusal::AlreadyCollected("W260101-0042".into()),
            "order W260101-0042 was already collected",
        ),
    ];
    for (refusal, message) in cases {
        assert_eq!(refusal.to_string(), message);
    }
}

#[test]
fn issuing_refuses_what_verifying_would() {
    let issuer = issuer();
    let stamp = Stamp {
        issued_at: ISSUED_AT,
        not_before: None,
        expires: NOW,
        token_id: vec![1; 8],
    };
    let member = |id: &str, name: &str, addresses: Vec<String>| {
        ShopperCode::Member(Member {
            member_id: id.into(),
            name: name.into(),
            addresses,
            consent: false,
        })
    };
    let bad = [
        member("", "Li", vec![]),
        member("M1", "Li\u{7}", vec![]),
        member("M1", "Li", vec!["a".into(); 6]),
        member(&"9".repeat(65), "Li", vec![]),
    ];
    for code in bad {
        assert!(issuer.issue(&code, &stamp).is_err(), "{code:?}");
    }
    let empty_cti = Stamp {
        token_id: vec![],
        ..stamp.clone()
    };
    assert!(
        issuer
            .issue(&member("M1", "Li", vec![]), &empty_cti)
            .is_err()
    );
    assert!(issuer.issue(&member("M1", "Li", vec![]), &stamp).is_ok());
}
