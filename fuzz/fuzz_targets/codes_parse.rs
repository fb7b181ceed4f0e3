//! Fuzzes the shopper-code verifier with outside input: raw text, and base45 of raw bytes behind
//! each prefix (so the fuzzer reaches the COSE and CBOR parsers, not only the text checks).
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use smartstore_testkit::code_vectors::{self as vectors, ISSUER, NOW};
use smartstore_protocol::codes::{Issuer, TrustedKeys, verify};

fn keys() -> &'static TrustedKeys {
    static KEYS: OnceLock<TrustedKeys> = OnceLock::new();
    KEYS.get_or_init(|| {
        let mut keys = TrustedKeys::new();
        if let Ok(issuer) = Issuer::from_pkcs8(&vectors::pkcs8(), ISSUER) {
            let _ = keys.insert(&issuer.public_jwk());
        }
        keys
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let text = match selector % 5 {
        0 => String::from_utf8_lossy(rest).into_owned(),
        n => {
            let prefix = ["MB1:", "PU1:", "CP1:", "BK1:"][usize::from(n - 1)];
            format!("{prefix}{}", base45::encode(rest))
        }
    };
    let _ = verify(&text, keys(), NOW);
});
