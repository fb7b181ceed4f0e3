//! The one key stack of the system: Ed25519 key pairs on ring, private key files, public keys as
//! JWK (RFC 8037: `kty` OKP, `crv` Ed25519, `x`, `kid`), the set of platform keys a terminal
//! trusts, and key ids.
//!
//! Key ids: a device signs under the id the platform gave it at enrolment (its device id); a
//! platform key made now is named by [`key_id`], the first bytes of its RFC 7638 thumbprint.
//! Platform keys made before this rule keep the ids they were published under.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use ring::rand::SystemRandom;
use ring::signature::{ED25519, Ed25519KeyPair, KeyPair as _, UnparsedPublicKey};
use serde::{Deserialize, Serialize};

/// Bytes of the SHA-256 JWK thumbprint kept in a key id: 6 bytes, 8 base64url characters, so
/// the `kid` costs a code 12 characters of base45 rather than 65 for the whole thumbprint. A
/// platform has a handful of keys; 48 bits tell them apart, and the signature, not the id, is
/// what is trusted.
const KID_BYTES: usize = 6;

pub fn b64(bytes: &[u8]) -> String {
    B64.encode(bytes)
}

/// Lower-case hex of the SHA-256 of `bytes`: a certificate's fingerprint (what terminals pin),
/// an enrolment token's digest.
pub fn sha256_hex(bytes: &[u8]) -> String {
    ring::digest::digest(&ring::digest::SHA256, bytes)
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub fn unb64(text: &str) -> Option<Vec<u8>> {
    B64.decode(text).ok()
}

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
    #[error(
        "{path} is not an Ed25519 private key (PKCS#8); re-enrol the terminal to make a new one"
    )]
    Invalid { path: PathBuf },
    #[error("no key file at {path}: this terminal is not enrolled")]
    Missing { path: PathBuf },
    #[error(
        "{path} can be read by other users (mode {mode:o}); make it readable by its owner only"
    )]
    TooOpen { path: PathBuf, mode: u32 },
    #[error("cannot read or write {path}: {detail}")]
    Io {
        path: PathBuf,
        kind: std::io::ErrorKind,
        detail: String,
    },
}

impl KeyError {
    pub fn io(path: &Path, e: &std::io::Error) -> KeyError {
        KeyError::Io {
            path: path.to_owned(),
            kind: e.kind(),
            detail: e.to_string(),
        }
    }
}

/// A public key as a JWK. Other members of a JWK are ignored when read.
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
    /// A platform key's standing (absent: active).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<KeyStatus>,
    /// When a retired key stopped signing (Unix seconds): codes issued from then on are refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retired_at: Option<i64>,
    /// When a key was revoked (Unix seconds): every code it signed is refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<i64>,
}

/// A platform key's standing: `active` signs; `retired` signs nothing new (codes issued before
/// its retirement still verify); `revoked` verifies nothing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyStatus {
    #[default]
    Active,
    Retired,
    Revoked,
}

/// A trusted key and its standing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    pub status: KeyStatus,
    pub retired_at: Option<i64>,
}

/// A JWK set (RFC 7517 §5): `{"keys": [...]}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JwkSet {
    pub keys: Vec<Jwk>,
}

impl Jwk {
    /// The JWK of an Ed25519 public key under `kid`, with `alg: EdDSA`.
    pub fn ed25519(public: &[u8; 32], kid: &str) -> Jwk {
        Jwk {
            kty: "OKP".to_owned(),
            crv: Some("Ed25519".to_owned()),
            x: Some(b64(public)),
            kid: Some(kid.to_owned()),
            alg: Some("EdDSA".to_owned()),
            status: None,
            retired_at: None,
            revoked_at: None,
        }
    }

    /// True for an OKP key on Ed25519: the only kind this system uses.
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
        let bytes = B64
            .decode(x)
            .map_err(|_| bad("its x is not base64url without padding"))?;
        bytes.try_into().map_err(|_| bad("its x is not 32 bytes"))
    }
}

impl JwkSet {
    /// The public key published under `kid`, when there is a well-formed one.
    pub fn find(&self, kid: &str) -> Option<[u8; 32]> {
        self.keys
            .iter()
            .find(|k| k.kid.as_deref() == Some(kid))
            .and_then(|k| k.ed25519_public().ok())
    }
}

/// The key id of an Ed25519 public key: the first 6 bytes of its RFC 7638 JWK thumbprint
/// (SHA-256 of `{"crv":"Ed25519","kty":"OKP","x":"…"}`), base64url without padding.
pub fn key_id(public: &[u8; 32]) -> String {
    let members = format!(r#"{{"crv":"Ed25519","kty":"OKP","x":"{}"}}"#, b64(public));
    let digest = ring::digest::digest(&ring::digest::SHA256, members.as_bytes());
    B64.encode(&digest.as_ref()[..KID_BYTES])
}

/// An Ed25519 key pair and the key id it signs under.
pub struct SigningKey {
    pair: Ed25519KeyPair,
    pkcs8: Vec<u8>,
    pub kid: String,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

impl SigningKey {
    /// A new key pair that signs under `kid`.
    pub fn generate(kid: &str) -> Result<SigningKey, KeyError> {
        let doc =
            Ed25519KeyPair::generate_pkcs8(&SystemRandom::new()).map_err(|_| KeyError::Random)?;
        Self::from_pkcs8(doc.as_ref(), kid)
    }

    /// A new key pair named by its own [`key_id`] (platform keys).
    pub fn generate_named() -> Result<SigningKey, KeyError> {
        let mut key = Self::generate("")?;
        key.kid = key_id(&key.public_key());
        Ok(key)
    }

    /// A key from a PKCS#8 Ed25519 private key (v1 as in RFC 8410, or v2 with the public key,
    /// as [`SigningKey::generate`] makes).
    pub fn from_pkcs8(pkcs8: &[u8], kid: &str) -> Result<SigningKey, KeyError> {
        let pair =
            Ed25519KeyPair::from_pkcs8_maybe_unchecked(pkcs8).map_err(|_| KeyError::BadPkcs8)?;
        Ok(SigningKey {
            pair,
            pkcs8: pkcs8.to_vec(),
            kid: kid.to_owned(),
        })
    }

    pub fn pkcs8(&self) -> &[u8] {
        &self.pkcs8
    }

    pub fn public_key(&self) -> [u8; 32] {
        let mut out = [0u8; 32];
        out.copy_from_slice(self.pair.public_key().as_ref());
        out
    }

    pub fn jwk(&self) -> Jwk {
        Jwk::ed25519(&self.public_key(), &self.kid)
    }

    pub fn sign(&self, message: &[u8]) -> Vec<u8> {
        self.pair.sign(message).as_ref().to_vec()
    }

    /// Writes the private key to `path`, readable by its owner only, atomically.
    pub fn save(&self, path: &Path) -> Result<(), KeyError> {
        use std::io::Write;
        let tmp = path.with_extension("tmp");
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
        let mut f = opts.open(&tmp).map_err(|e| KeyError::io(&tmp, &e))?;
        f.write_all(&self.pkcs8)
            .and_then(|()| f.sync_all())
            .map_err(|e| KeyError::io(&tmp, &e))?;
        std::fs::rename(&tmp, path).map_err(|e| KeyError::io(path, &e))
    }

    /// Reads a private key written by [`SigningKey::save`]; refuses one others can read.
    pub fn load(path: &Path, kid: &str) -> Result<SigningKey, KeyError> {
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(KeyError::Missing {
                    path: path.to_owned(),
                });
            }
            Err(e) => return Err(KeyError::io(path, &e)),
        };
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(path)
                .map_err(|e| KeyError::io(path, &e))?
                .permissions()
                .mode();
            if mode & 0o077 != 0 {
                return Err(KeyError::TooOpen {
                    path: path.to_owned(),
                    mode: mode & 0o777,
                });
            }
        }
        SigningKey::from_pkcs8(&bytes, kid).map_err(|_| KeyError::Invalid {
            path: path.to_owned(),
        })
    }
}

/// A new platform key pair: its PKCS#8 document (keep it private) and its public JWK, named by
/// [`key_id`].
pub fn generate_key_pair() -> Result<(Vec<u8>, Jwk), KeyError> {
    let key = SigningKey::generate_named()?;
    Ok((key.pkcs8().to_vec(), key.jwk()))
}

pub fn verify_ed25519(public: &[u8; 32], message: &[u8], signature: &[u8]) -> bool {
    UnparsedPublicKey::new(&ED25519, public)
        .verify(message, signature)
        .is_ok()
}

/// The platform keys a terminal trusts, by key id. Serialises as a JWK set.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "JwkSet", into = "JwkSet")]
pub struct TrustedKeys {
    keys: BTreeMap<String, ([u8; 32], Standing)>,
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
        let standing = Standing {
            status: jwk.status.unwrap_or_default(),
            retired_at: jwk.retired_at,
        };
        match self.keys.get(&kid) {
            Some((existing, _)) if *existing != public => Err(KeyError::DuplicateKid(kid)),
            _ => {
                self.keys.insert(kid, (public, standing));
                Ok(())
            }
        }
    }

    pub fn get(&self, kid: &str) -> Option<&[u8; 32]> {
        self.keys.get(kid).map(|(public, _)| public)
    }

    /// A key's standing (active, retired since…, revoked).
    pub fn standing(&self, kid: &str) -> Option<Standing> {
        self.keys.get(kid).map(|(_, standing)| *standing)
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
            .map(|(kid, (public, standing))| Jwk {
                status: (standing.status != KeyStatus::Active).then_some(standing.status),
                retired_at: standing.retired_at,
                ..Jwk::ed25519(public, kid)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_files_are_private() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("device.key");
        let key = SigningKey::generate("d").expect("key");
        key.save(&path).expect("save");
        let back = SigningKey::load(&path, "d").expect("load");
        assert_eq!(back.public_key(), key.public_key());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
            assert!(matches!(
                SigningKey::load(&path, "d"),
                Err(KeyError::TooOpen { mode: 0o644, .. })
            ));
        }
        assert!(matches!(
            SigningKey::load(&dir.path().join("none"), "d"),
            Err(KeyError::Missing { .. })
        ));
        let jwk = key.jwk();
        assert!(jwk.is_ed25519());
        assert_eq!(jwk.ed25519_public(), Ok(key.public_key()));
    }

    #[test]
    fn named_keys_carry_their_thumbprint() {
        let key = SigningKey::generate_named().expect("key");
        assert_eq!(key.kid, key_id(&key.public_key()));
        let set = JwkSet {
            keys: vec![key.jwk()],
        };
        assert_eq!(set.find(&key.kid), Some(key.public_key()));
        assert_eq!(set.find("other"), None);
    }
}
