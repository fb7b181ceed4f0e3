//! The platform's key document (issue 13): every platform key with its standing (active,
//! retired, revoked), signed by the platform's root, the CA terminals pin at enrolment, with
//! ES256 (ECDSA P-256 and SHA-256, RFC 7518 §3.4: the signature is `r || s`, 64 bytes). A
//! terminal that pinned the root takes keys from this document only; an on-path attacker
//! cannot inject a key into it.

use serde::{Deserialize, Serialize};

use crate::keys::{JwkSet, b64, unb64};

/// `GET` it: the answer is a [`KeysAnswer`].
pub const KEYS_PATH: &str = "/v1/keys";
pub const KEYS_TYP: &str = "smartstore-keys+jws";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyDocument {
    pub keys: JwkSet,
    /// When the platform signed it (Unix seconds).
    pub issued_at: i64,
}

/// The keys answer: the signed document, or (a platform without a root, plain HTTP on
/// loopback for demos and tests) the keys alone.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeysAnswer {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keys: Option<JwkSet>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocumentError {
    #[error("the key document is not a compact JWS")]
    NotJws,
    #[error("the key document's header is not ES256 with typ {KEYS_TYP}")]
    BadHeader,
    #[error("the key document's payload is not a key document: {0}")]
    BadPayload(String),
    #[error("the root key cannot sign (not an ECDSA P-256 PKCS#8 key)")]
    BadRootKey,
}

#[derive(Serialize, Deserialize)]
struct Header {
    alg: String,
    typ: String,
}

/// Signs `doc` with the root's private key (PKCS#8 DER, ECDSA P-256).
pub fn sign(root_pkcs8: &[u8], doc: &KeyDocument) -> Result<String, DocumentError> {
    let rng = ring::rand::SystemRandom::new();
    let key = ring::signature::EcdsaKeyPair::from_pkcs8(
        &ring::signature::ECDSA_P256_SHA256_FIXED_SIGNING,
        root_pkcs8,
        &rng,
    )
    .map_err(|_| DocumentError::BadRootKey)?;
    let header = serde_json::to_vec(&Header {
        alg: "ES256".into(),
        typ: KEYS_TYP.into(),
    })
    .map_err(|e| DocumentError::BadPayload(e.to_string()))?;
    let payload = serde_json::to_vec(doc).map_err(|e| DocumentError::BadPayload(e.to_string()))?;
    let input = format!("{}.{}", b64(&header), b64(&payload));
    let sig = key
        .sign(&rng, input.as_bytes())
        .map_err(|_| DocumentError::BadRootKey)?;
    Ok(format!("{input}.{}", b64(sig.as_ref())))
}

/// A document taken apart, not yet verified: what was signed, the signature (`r || s`), and
/// the document. The caller verifies the signature with the pinned root before using it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unverified {
    pub signing_input: String,
    pub signature: Vec<u8>,
    pub document: KeyDocument,
}

pub fn open(jws: &str) -> Result<Unverified, DocumentError> {
    let mut parts = jws.trim().split('.');
    let (Some(h), Some(p), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(DocumentError::NotJws);
    };
    let header: Header = unb64(h)
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or(DocumentError::BadHeader)?;
    if header.alg != "ES256" || header.typ != KEYS_TYP {
        return Err(DocumentError::BadHeader);
    }
    let signature = unb64(s)
        .filter(|s| s.len() == 64)
        .ok_or(DocumentError::NotJws)?;
    let document = unb64(p).ok_or(DocumentError::NotJws).and_then(|b| {
        serde_json::from_slice(&b).map_err(|e| DocumentError::BadPayload(e.to_string()))
    })?;
    Ok(Unverified {
        signing_input: format!("{h}.{p}"),
        signature,
        document,
    })
}

/// An ES256 signature (`r || s`) as the ASN.1 DER `ECDSA-Sig-Value` X.509 tooling verifies.
pub fn der_signature(raw: &[u8]) -> Option<Vec<u8>> {
    if raw.len() != 64 {
        return None;
    }
    let integer = |half: &[u8]| {
        let trimmed: &[u8] = match half.iter().position(|b| *b != 0) {
            Some(i) => &half[i..],
            None => &half[31..],
        };
        let mut out = vec![0x02];
        let pad = trimmed[0] & 0x80 != 0;
        out.push((trimmed.len() + usize::from(pad)) as u8);
        if pad {
            out.push(0);
        }
        out.extend_from_slice(trimmed);
        out
    };
    let (r, s) = (integer(&raw[..32]), integer(&raw[32..]));
    let mut out = vec![0x30, (r.len() + s.len()) as u8];
    out.extend(r);
    out.extend(s);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn der_signatures_are_minimal_and_padded() {
        let mut raw = [0u8; 64];
        raw[0] = 0x80; // r needs a zero byte in front
        raw[63] = 1; // s is 1
        let der = der_signature(&raw).expect("der");
        assert_eq!(&der[..5], &[0x30, 38, 0x02, 33, 0x00]);
        assert_eq!(&der[der.len() - 3..], &[0x02, 1, 1]);
        assert!(der_signature(&raw[..63]).is_none());
    }

    #[test]
    fn open_refuses_what_is_not_a_key_document() {
        assert_eq!(open("a.b"), Err(DocumentError::NotJws));
        let header = b64(br#"{"alg":"EdDSA","typ":"smartstore-keys+jws"}"#);
        assert_eq!(
            open(&format!("{header}.e30.{}", b64(&[0; 64]))),
            Err(DocumentError::BadHeader)
        );
    }
}
