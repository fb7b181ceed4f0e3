//! The test vectors of docs/shopper-codes.md §6: regenerated here and checked against the doc,
//! so the doc cannot drift from the code. `cargo test --test codes_vectors -- --nocapture`
//! prints them.

use coset::{CoseSign1, TaggedCborSerializable};
use smartstore_protocol::codes::{Issuer, TrustedKeys, key_id, qr_version, verify};
use smartstore_testkit::code_vectors::{self as vectors, ISSUER, NOW, PUBLIC_HEX};

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn issuer() -> Issuer {
    Issuer::from_pkcs8(&vectors::pkcs8(), ISSUER).expect("the vector key is a valid PKCS#8")
}

fn doc() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/shopper-codes.md");
    std::fs::read_to_string(path).expect("docs/shopper-codes.md is readable")
}

/// The doc wraps long hex and base45 over several lines of a code block; joined, they must
/// hold the expected value.
fn doc_holds(doc: &str, value: &str) -> bool {
    let joined: String = doc.lines().map(str::trim_end).collect::<Vec<_>>().join("");
    doc.contains(value) || joined.contains(value)
}

#[test]
fn vectors_match_the_doc() {
    let issuer = issuer();
    let doc = doc();
    let public: [u8; 32] = (0..32)
        .map(|i| u8::from_str_radix(&PUBLIC_HEX[2 * i..2 * i + 2], 16).expect("hex"))
        .collect::<Vec<_>>()
        .try_into()
        .expect("32 bytes");
    assert_eq!(issuer.kid(), key_id(&public), "the key is RFC 8032's");
    let jwk = serde_json::to_string(&issuer.public_jwk()).expect("json");
    println!("kid {}\njwk {jwk}", issuer.kid());
    let mut missing = Vec::new();
    if !doc_holds(&doc, &jwk) {
        missing.push(format!("the JWK {jwk}"));
    }

    let mut keys = TrustedKeys::new();
    keys.insert(&issuer.public_jwk()).expect("jwk");
    for v in vectors::vectors() {
        let cose = issuer.issue_cose(&v.code, &v.stamp).expect("issue");
        let text = issuer.issue(&v.code, &v.stamp).expect("issue");
        let sign1 = CoseSign1::from_tagged_slice(&cose).expect("cose");
        let payload = sign1.payload.clone().expect("payload");
        let version = qr_version(&text).expect("qr");
        println!(
            "--- {} ({} chars, QR version {version}-M)\npayload {}\ncose {}\ntext {text}",
            v.name,
            text.len(),
            hex(&payload),
            hex(&cose)
        );
        for (what, value) in [
            ("payload", hex(&payload)),
            ("COSE", hex(&cose)),
            ("text", text.clone()),
        ] {
            if !doc_holds(&doc, &value) {
                missing.push(format!("the {} {what}", v.name));
            }
        }
        assert_eq!(verify(&text, &keys, NOW).map(|ok| ok.code), Ok(v.code));
    }
    assert!(
        missing.is_empty(),
        "docs/shopper-codes.md lacks {missing:?}"
    );
}
