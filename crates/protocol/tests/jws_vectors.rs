//! The test vectors of docs/sync-protocol.md, recomputed: Ed25519 signatures are deterministic,
//! so an independent implementation must produce exactly these strings.

use smartstore_protocol::jws::{jws_sign, jws_verify};
use smartstore_protocol::keys::{SigningKey, b64};
use smartstore_protocol::wire::{BATCH_TYP, BEARER_TYP};

/// RFC 8032 §7.1, test 1: the secret key (seed), wrapped in PKCS#8 v1.
const SEED_HEX: &str = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
const PKCS8_PREFIX_HEX: &str = "302e020100300506032b657004220420";
pub const DEVICE_ID: &str = "01a20000-0000-7000-8000-000000000001";
pub const BATCH_PAYLOAD: &str = r#"{"device_id":"01a20000-0000-7000-8000-000000000001","batch_id":"01a20000-0000-7000-8000-0000000000b1","first_seq":1,"last_seq":1,"events":[{"seq":1,"event_id":"01a20000-0000-7000-8000-0000000000e1","type":"order.placed","order_id":"01a20000-0000-7000-8000-0000000000a1","created_at":"2026-11-22T08:00:00Z","body":{"type":"order.placed","receipt":"SH001-T01-000001","total":700,"currency":"CNY"}}]}"#;
pub const BEARER_PAYLOAD: &str = r#"{"sub":"01a20000-0000-7000-8000-000000000001","aud":"smartstore-platform","iat":1795334400,"exp":1795334520}"#;

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
        .collect()
}

fn key() -> SigningKey {
    let mut pkcs8 = hex(PKCS8_PREFIX_HEX);
    pkcs8.extend(hex(SEED_HEX));
    SigningKey::from_pkcs8(&pkcs8, DEVICE_ID).expect("RFC 8032 key")
}

#[test]
fn the_documented_vectors_hold() {
    let key = key();
    let doc = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/sync-protocol.md"
    ))
    .expect("doc");
    let public = key.jwk().x.expect("an Ed25519 JWK has x");
    assert_eq!(
        public,
        b64(&hex(
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
        ))
    );
    let batch = jws_sign(&key, Some(BATCH_TYP), BATCH_PAYLOAD.as_bytes());
    let bearer = jws_sign(&key, Some(BEARER_TYP), BEARER_PAYLOAD.as_bytes());
    if std::env::var_os("PRINT_VECTORS").is_some() {
        println!("x = {public}\nbatch = {batch}\nbearer = {bearer}");
    }
    let pk = key.public_key();
    assert_eq!(
        jws_verify(&batch, |_| Some(pk)).map(|(_, p)| p),
        Ok(BATCH_PAYLOAD.as_bytes().to_vec())
    );
    for (name, value) in [
        ("public key x", &public),
        ("batch JWS", &batch),
        ("bearer JWS", &bearer),
        ("payload", &BATCH_PAYLOAD.to_owned()),
    ] {
        assert!(
            doc.contains(value.as_str()),
            "docs/sync-protocol.md lacks the {name}: {value}"
        );
    }
}
