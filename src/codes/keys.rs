//! Ed25519 keys as JWK (RFC 8037: `kty` OKP, `crv` Ed25519, `x`, `kid`), the set of keys a
//! terminal trusts, and key generation.

use std::collections::BTreeMap;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::rand::SystemRandom;
use ring::signature::{Ed25519KeyPair, KeyPair};
use serde::{Deserialize, Serialize};

/// Bytes of the SHA-256 JWK thumbprint kept in a key id: 6 bytes, 8 base64url characters, so
/// the `kid` costs a code 12 characters of base45 rather than 65 for the whole thumbprint. A
/// platform has a handful of keys; 48 bits tell them apart, and the signature, not the id, is
/// what is trusted.
const KID_BYTES: usize = 6;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("the private key is not an Ed25519 PKCS#8 document")]
    BadPkcs8,
    #[error("key '{kid}': {why}")]
    BadJwk { kid: String, why: String },
    #[error("the key set names key '{0}' twice with different keys")]
    DuplicateKid(String),
    #[error("the system's random number generator failed")]
    Random,
}

/// A public key as a JWK. Other fields of a JWK are ignored when read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Jwk {
    pub kty: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crv: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alg: Option<String>,
}

/// A JWK set (RFC 7517 §5): `{"keys": [...]}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JwkSet {
    pub keys: Vec<Jwk>,
}

impl Jwk {
    /// The JWK of an Ed25519 public key, with its derived [`key_id`] and `alg: EdDSA`.
    pub fn ed25519(public: &[u8; 32]) -> Jwk {
        Jwk {
            kty: "OKP".to_owned(),
            crv: Some("Ed25519".to_owned()),
            x: Some(URL_SAFE_NO_PAD.encode(public)),
            kid: Some(key_id(public)),
            alg: Some("EdDSA".to_owned()),
        }
    }

    /// True for an OKP key on Ed25519: the only kind shopper codes use.
    pub fn is_ed25519(&self) -> bool {
        self.kty == "OKP" && self.crv.as_deref() == Some("Ed25519")
    }

    /// The raw 32-byte public key of an Ed25519 JWK.
    pub fn ed25519_public(&self) -> Result<[u8; 32], KeyError> {
        let bad = |why: &str| KeyError::BadJwk {
            kid: self.kid.clone().unwrap_or_default(),
            why: why.to_owned(),
        };
        if !self.is_ed25519() {
            return Err(bad("not an Ed25519 key (kty OKP, crv Ed25519)"));
        }
        if self.alg.as_deref().is_some_and(|a| a != "EdDSA") {
            return Err(bad("its alg is not EdDSA"));
        }
        let x = self.x.as_deref().ok_or_else(|| bad("it has no x"))?;
        let bytes = URL_SAFE_NO_PAD
            .decode(x)
            .map_err(|_| bad("its x is not base64url without padding"))?;
        bytes.try_into().map_err(|_| bad("its x is not 32 bytes"))
    }
}

/// The key id of an Ed25519 public key: the first 6 bytes of its RFC 7638 JWK thumbprint
/// (SHA-256 of `{"crv":"Ed25519","kty":"OKP","x":"…"}`), base64url without padding.
pub fn key_id(public: &[u8; 32]) -> String {
    let members = format!(
        r#"{{"crv":"Ed25519","kty":"OKP","x":"{}"}}"#,
        URL_SAFE_NO_PAD.encode(public)
    );
    let digest = ring::digest::digest(&ring::digest::SHA256, members.as_bytes());
    URL_SAFE_NO_PAD.encode(&digest.as_ref()[..KID_BYTES])
}

/// A new key pair: its PKCS#8 v2 document (keep it private, in a 0600 file) and its public JWK.
pub fn generate_key_pair() -> Result<(Vec<u8>, Jwk), KeyError> {
    let rng = SystemRandom::new();
    let pkcs8 = Ed25519KeyPair::generate_pkcs8(&rng).map_err(|_| KeyError::Random)?;
    let pair = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).map_err(|_| KeyError::BadPkcs8)?;
    let jwk = Jwk::ed25519(&public_of(&pair)?);
    Ok((pkcs8.as_ref().to_vec(), jwk))
}

pub(super) fn public_of(pair: &Ed25519KeyPair) -> Result<[u8; 32], KeyError> {
    pair.public_key()
        .as_ref()
        .try_into()
        .map_err(|_| KeyError::BadPkcs8)
}

/// The platform keys a terminal trusts, by key id. Serialises as a JWK set.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "JwkSet", into = "JwkSet")]
pub struct TrustedKeys {
    keys: BTreeMap<String, [u8; 32]>,
}

impl TrustedKeys {
    pub fn new() -> TrustedKeys {
        TrustedKeys::default()
    }

    /// The Ed25519 keys of a JWK set. Keys of other kinds are skipped, as RFC 7517 §5 asks; an
    /// Ed25519 key without a `kid` or with a broken `x` is an error.
    pub fn from_jwk_set(set: &JwkSet) -> Result<TrustedKeys, KeyError> {
        let mut out = TrustedKeys::new();
        for jwk in set.keys.iter().filter(|k| k.is_ed25519()) {
            out.insert(jwk)?;
        }
        Ok(out)
    }

    /// Reads a JWK set from JSON.
    pub fn from_json(json: &str) -> Result<TrustedKeys, KeyError> {
        let set: JwkSet = serde_json::from_str(json).map_err(|e| KeyError::BadJwk {
            kid: String::new(),
            why: format!("not a JWK set: {e}"),
        })?;
        TrustedKeys::from_jwk_set(&set)
    }

    /// Adds one Ed25519 key under its `kid`.
    pub fn insert(&mut self, jwk: &Jwk) -> Result<(), KeyError> {
        let public = jwk.ed25519_public()?;
        let kid = match jwk.kid.as_deref() {
            Some(k) if !k.is_empty() => k.to_owned(),
            _ => {
                return Err(KeyError::BadJwk {
                    kid: String::new(),
                    why: "it has no kid".to_owned(),
                });
            }
        };
        match self.keys.get(&kid) {
            Some(existing) if *existing != public => Err(KeyError::DuplicateKid(kid)),
            _ => {
                self.keys.insert(kid, public);
                Ok(())
            }
        }
    }

    pub fn get(&self, kid: &str) -> Option<&[u8; 32]> {
        self.keys.get(kid)
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    pub fn to_jwk_set(&self) -> JwkSet {
        let keys = self
            .keys
            .iter()
            .map(|(kid, public)| Jwk {
                kid: Some(kid.clone()),
                ..Jwk::ed25519(public)
            })
            .collect();
        JwkSet { keys }
    }
}

impl TryFrom<JwkSet> for TrustedKeys {
    type Error = KeyError;
    fn try_from(set: JwkSet) -> Result<Self, Self::Error> {
        TrustedKeys::from_jwk_set(&set)
    }
}

impl From<TrustedKeys> for JwkSet {
    fn from(keys: TrustedKeys) -> JwkSet {
        keys.to_jwk_set()
    }
}
