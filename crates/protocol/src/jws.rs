//! Compact JWS (RFC 7515) with `alg: EdDSA` (RFC 8037): the signatures on batches, bearer
//! tokens and platform documents.

use serde::{Deserialize, Serialize};

use crate::keys::{SigningKey, b64, unb64, verify_ed25519};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JwsHeader {
    pub alg: String,
    pub kid: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub typ: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JwsError {
    #[error("not a compact JWS (three base64url parts separated by dots)")]
    Malformed,
    #[error("the JWS header is not valid JSON with alg and kid")]
    BadHeader,
    #[error("alg {0} is not accepted (only EdDSA)")]
    BadAlg(String),
    #[error("unknown key id {0}")]
    UnknownKid(String),
    #[error("the signature does not verify")]
    BadSignature,
}

/// The `kid` of a compact JWS's header, read before verifying (to find the key to verify with).
pub fn jws_kid(token: &str) -> Option<String> {
    let header = unb64(token.split('.').next()?)?;
    serde_json::from_slice::<JwsHeader>(&header)
        .ok()
        .map(|h| h.kid)
}

/// Signs `payload` as a compact JWS with `alg: EdDSA` and the key's `kid`.
pub fn jws_sign(key: &SigningKey, typ: Option<&str>, payload: &[u8]) -> String {
    let header = JwsHeader {
        alg: "EdDSA".into(),
        kid: key.kid.clone(),
        typ: typ.map(str::to_owned),
    };
    let header = serde_json::to_vec(&header).unwrap_or_default();
    let mut out = String::with_capacity(payload.len() * 4 / 3 + 200);
    out.push_str(&b64(&header));
    out.push('.');
    out.push_str(&b64(payload));
    let sig = key.sign(out.as_bytes());
    out.push('.');
    out.push_str(&b64(&sig));
    out
}

/// Verifies a compact JWS; `key_for` gives the public key of a `kid`. Returns the header and
/// the payload bytes.
pub fn jws_verify(
    token: &str,
    key_for: impl FnOnce(&str) -> Option<[u8; 32]>,
) -> Result<(JwsHeader, Vec<u8>), JwsError> {
    let mut parts = token.trim().split('.');
    let (Some(h), Some(p), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(JwsError::Malformed);
    };
    let header_bytes = unb64(h).ok_or(JwsError::Malformed)?;
    let header: JwsHeader =
        serde_json::from_slice(&header_bytes).map_err(|_| JwsError::BadHeader)?;
    if header.alg != "EdDSA" {
        return Err(JwsError::BadAlg(header.alg));
    }
    let public = key_for(&header.kid).ok_or_else(|| JwsError::UnknownKid(header.kid.clone()))?;
    let sig = unb64(s).ok_or(JwsError::Malformed)?;
    let signed = &token.trim()[..h.len() + 1 + p.len()];
    if !verify_ed25519(&public, signed.as_bytes(), &sig) {
        return Err(JwsError::BadSignature);
    }
    let payload = unb64(p).ok_or(JwsError::Malformed)?;
    Ok((header, payload))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jws_round_trip_and_refusals() {
        let key = SigningKey::generate("dev-1").expect("key");
        let other = SigningKey::generate("dev-1").expect("key");
        let token = jws_sign(&key, None, b"{\"hello\":1}");
        let known = |kid: &str| (kid == "dev-1").then(|| key.public_key());
        let (h, p) = jws_verify(&token, known).expect("verifies");
        assert_eq!(
            (h.alg.as_str(), h.kid.as_str(), p.as_slice()),
            ("EdDSA", "dev-1", &b"{\"hello\":1}"[..])
        );

        let forged = jws_sign(&other, None, b"{\"hello\":1}");
        assert_eq!(jws_verify(&forged, known), Err(JwsError::BadSignature));
        let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
        parts[1] = b64(b"{\"hello\":2}");
        assert_eq!(
            jws_verify(&parts.join("."), known),
            Err(JwsError::BadSignature)
        );
        assert_eq!(jws_verify("a.b", known), Err(JwsError::Malformed));
        assert!(jws_verify(&token[..token.len() - 4], known).is_err());
        let unknown = SigningKey::generate("dev-2").expect("key");
        assert_eq!(
            jws_verify(&jws_sign(&unknown, None, b"x"), known),
            Err(JwsError::UnknownKid("dev-2".into()))
        );
        let none_alg = format!(
            "{}.{}.",
            b64(b"{\"alg\":\"none\",\"kid\":\"dev-1\"}"),
            b64(b"x")
        );
        assert_eq!(
            jws_verify(&none_alg, known),
            Err(JwsError::BadAlg("none".into()))
        );
    }
}
