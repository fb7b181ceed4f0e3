//! Verifying a scanned code offline: prefix, base45, COSE_Sign1, key, signature, claims, window.

use coset::{Algorithm, CoseSign1, TaggedCborSerializable, iana};

use super::claims::{self, clip};
use super::{CodeRefusal, ShopperCodeKind, Verified, noun};
use crate::keys::{KeyStatus, Standing, TrustedKeys, verify_ed25519};

/// The longest text looked at: more than any QR code holds in alphanumeric mode (4296).
pub const MAX_TEXT_LEN: usize = 4400;

fn malformed(why: impl Into<String>) -> CodeRefusal {
    CodeRefusal::Malformed(why.into())
}

/// Checks a scanned shopper code at `now` (Unix seconds) against the trusted platform keys.
///
/// Nothing of the code's contents is looked at before its signature checked out. Whitespace
/// around the text (a scanner's CR/LF) is ignored; a base45 text never ends in a space.
pub fn verify(text: &str, keys: &TrustedKeys, now: i64) -> Result<Verified, CodeRefusal> {
    let text = text.trim();
    if text.len() > MAX_TEXT_LEN {
        return Err(malformed(format!(
            "it is longer than {MAX_TEXT_LEN} characters"
        )));
    }
    let (kind, body) = ShopperCodeKind::ALL
        .into_iter()
        .find_map(|k| text.strip_prefix(k.prefix()).map(|body| (k, body)))
        .ok_or_else(|| malformed("it does not start with MB1:, PU1:, CP1: or BK1:"))?;
    let prefix = kind.prefix();
    let bytes = base45::decode(body).map_err(|_| {
        malformed(format!(
            "the text after {prefix} is not base45 (RFC 9285: 0-9, A-Z, space and $%*+-./:)"
        ))
    })?;
    // One code, one spelling: refuses texts that decode to the same bytes as another.
    if base45::encode(&bytes) != body {
        return Err(malformed(format!(
            "the text after {prefix} is not base45 in its canonical form"
        )));
    }
    let sign1 = CoseSign1::from_tagged_slice(&bytes)
        .map_err(|e| malformed(format!("it is not a COSE_Sign1 message (tag 18): {e}")))?;
    if sign1.clone().to_tagged_vec().ok().as_deref() != Some(bytes.as_slice()) {
        return Err(malformed("its COSE_Sign1 bytes are not in canonical form"));
    }
    let header = &sign1.protected.header;
    if header.alg != Some(Algorithm::Assigned(iana::Algorithm::EdDSA)) {
        return Err(malformed("it is not signed with EdDSA (COSE alg -8)"));
    }
    let only_alg_and_kid = header.crit.is_empty()
        && header.content_type.is_none()
        && header.iv.is_empty()
        && header.partial_iv.is_empty()
        && header.counter_signatures.is_empty()
        && header.rest.is_empty();
    if !only_alg_and_kid || !sign1.unprotected.is_empty() {
        return Err(malformed("its COSE headers hold more than alg and kid"));
    }
    let kid = String::from_utf8(header.key_id.clone())
        .ok()
        .filter(|k| !k.is_empty())
        .ok_or_else(|| malformed("it has no key id (kid) in text"))?;
    let public = keys
        .get(&kid)
        .ok_or_else(|| CodeRefusal::UnknownKey(clip(&kid)))?;
    let payload = sign1
        .payload
        .as_deref()
        .ok_or_else(|| malformed("it has no payload"))?;
    sign1
        .verify_signature(&[], |sig, tbs| {
            verify_ed25519(public, tbs, sig).then_some(()).ok_or(())
        })
        .map_err(|_| CodeRefusal::BadSignature)?;

    let env = claims::decode(payload).map_err(CodeRefusal::Malformed)?;
    if env.code.kind() != kind {
        return Err(malformed(format!(
            "it holds a {} code behind the {prefix} prefix",
            noun(env.code.kind())
        )));
    }
    // The key's standing, once the signature holds: a revoked key verifies nothing; a retired
    // key only what it issued before it was retired.
    match keys.standing(&kid) {
        Some(Standing {
            status: KeyStatus::Revoked,
            ..
        }) => return Err(CodeRefusal::KeyRevoked(clip(&kid))),
        Some(Standing {
            status: KeyStatus::Retired,
            retired_at: Some(retired),
        }) if env.issued_at >= retired => {
            return Err(CodeRefusal::IssuedAfterRetirement {
                kid: clip(&kid),
                issued: env.issued_at,
                retired,
            });
        }
        _ => {}
    }
    if let Some(from) = env.not_before
        && now < from
    {
        return Err(CodeRefusal::NotYetValid { kind, from });
    }
    if now >= env.expires {
        return Err(CodeRefusal::Expired {
            kind,
            at: env.expires,
        });
    }
    Ok(Verified {
        code: env.code,
        kid,
        issuer: env.issuer,
        issued_at: env.issued_at,
        not_before: env.not_before,
        expires: env.expires,
        token_id: env.token_id,
    })
}

/// [`verify`], then refuses a pickup or coupon that is not for `store` (this terminal's store).
pub fn verify_at_store(
    text: &str,
    keys: &TrustedKeys,
    now: i64,
    store: &str,
) -> Result<Verified, CodeRefusal> {
    let verified = verify(text, keys, now)?;
    verified.code.check_store(store)?;
    Ok(verified)
}
