//! Keys: generation, PKCS#8, key ids, JWK sets.

use smartstore_protocol::codes::{
    Issuer, Jwk, JwkSet, KeyError, ShopperCode, Stamp, TrustedKeys, generate_key_pair, key_id,
    verify,
};
use smartstore_testkit::code_vectors::{self as vectors, ISSUER, NOW};

#[test]
fn a_generated_key_issues_codes_its_jwk_verifies() {
    let (pkcs8, jwk) = generate_key_pair().expect("key");
    let issuer = Issuer::from_pkcs8(&pkcs8, ISSUER).expect("pkcs8 v2 loads");
    assert_eq!(issuer.public_jwk(), jwk);
    let public = jwk.ed25519_public().expect("ed25519");
    assert_eq!(jwk.kid.as_deref(), Some(key_id(&public).as_str()));
    assert_eq!(key_id(&public).len(), 8);

    let keys = TrustedKeys::from_json(&format!(
        r#"{{"keys":[{}]}}"#,
        serde_json::to_string(&jwk).expect("json")
    ))
    .expect("set");
    let v = &vectors::vectors()[3];
    let stamp = Stamp::fresh(NOW - 10, 60).expect("random cti");
    assert_eq!(stamp.token_id.len(), 8);
    let text = issuer.issue(&v.code, &stamp).expect("issue");
    let verified = verify(&text, &keys, NOW).expect("verifies");
    assert!(matches!(verified.code, ShopperCode::Basket(_)));
    assert_eq!(verified.kid, issuer.kid());
    assert!(Issuer::from_pkcs8(b"not a key", ISSUER).is_err());
}

#[test]
fn jwk_sets_load_ed25519_keys_and_skip_others() {
    let vector = Issuer::from_pkcs8(&vectors::pkcs8(), ISSUER)
        .expect("key")
        .public_jwk();
    let json = format!(
        r#"{{"keys":[{{"kty":"RSA","n":"AQAB","e":"AQAB","kid":"rsa-1"}},{{"kty":"OKP","crv":"X25519","x":"AAAA","kid":"x"}},{}]}}"#,
        serde_json::to_string(&vector).expect("json")
    );
    let keys = TrustedKeys::from_json(&json).expect("loads");
    assert_eq!(keys.len(), 1);
    assert!(keys.get("kPrK_qmx").is_some());

    // Serde round trip as a JWK set.
    let again: TrustedKeys =
        serde_json::from_str(&serde_json::to_string(&keys).expect("json")).expect("json");
    assert_eq!(again, keys);

    let ed = |x: &str, kid: Option<&str>, alg: Option<&str>| Jwk {
        kty: "OKP".into(),
        crv: Some("Ed25519".into()),
        x: Some(x.into()),
        kid: kid.map(Into::into),
        alg: alg.map(Into::into),
        status: None,
        retired_at: None,
        revoked_at: None,
    };
    let x = vector.x.clone().expect("x");
    let bad = [
        ed("AAAA", Some("k"), None),
        ed(
            "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo=",
            Some("k"),
            None,
        ),
        ed(&x, None, None),
        ed(&x, Some(""), None),
        ed(&x, Some("k"), Some("ES256")),
    ];
    for jwk in bad {
        let set = JwkSet {
            keys: vec![jwk.clone()],
        };
        let err = TrustedKeys::from_jwk_set(&set).expect_err("refused");
        assert!(matches!(err, KeyError::BadJwk { .. }), "{jwk:?}: {err}");
    }
    let (_, other) = generate_key_pair().expect("key");
    let clash = Jwk {
        kid: vector.kid.clone(),
        ..other
    };
    let set = JwkSet {
        keys: vec![vector.clone(), clash],
    };
    assert_eq!(
        TrustedKeys::from_jwk_set(&set),
        Err(KeyError::DuplicateKid("kPrK_qmx".into()))
    );
    assert!(TrustedKeys::from_json("{").is_err());
}
