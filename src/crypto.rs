//! Ed25519 keys, JWKs (RFC 8037) and compact JWS (RFC 7515, `alg: EdDSA`): the signatures the
//! terminal and the platform exchange. Built on ring.

use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use ring::rand::SystemRandom;
use ring::signature::{ED25519, Ed25519KeyPair, KeyPair as _, UnparsedPublicKey};
use serde::{Deserialize, Serialize};

pub fn b64(bytes: &[u8]) -> String {
    B64.encode(bytes)
}

pub fn unb64(text: &str) -> Option<Vec<u8>> {
    B64.decode(text).ok()
}

/// A public key as a JWK: `kty` OKP, `crv` Ed25519, `x`, `kid`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Jwk {
    pub kty: String,
    pub crv: String,
    pub x: String,
    pub kid: String,
}

impl Jwk {
    pub fn ed25519(public: &[u8], kid: &str) -> Jwk {
        Jwk {
            kty: "OKP".into(),
            crv: "Ed25519".into(),
            x: b64(public),
            kid: kid.to_owned(),
        }
    }

    /// The raw 32-byte public key, when this is a well-formed Ed25519 JWK.
    pub fn public_key(&self) -> Option<[u8; 32]> {
        if self.kty != "OKP" || self.crv != "Ed25519" {
            return None;
        }
        unb64(&self.x)?.try_into().ok()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JwkSet {
    pub keys: Vec<Jwk>,
}

impl JwkSet {
    pub fn find(&self, kid: &str) -> Option<[u8; 32]> {
        self.keys
            .iter()
            .find(|k| k.kid == kid)
            .and_then(Jwk::public_key)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("cannot create a key pair: {0}")]
    Generate(String),
    #[error(
        "{path} is not an Ed25519 private key (PKCS#8); re-enrol the terminal to make a new one"
    )]
    Invalid { path: PathBuf },
    #[error("no key file at {path}: this terminal is not enrolled (run `smartstore enroll`)")]
    Missing { path: PathBuf },
    #[error("{path} can be read by other users (mode {mode:o}); run `chmod 600 {path}`")]
    TooOpen { path: PathBuf, mode: u32 },
    #[error("cannot read or write {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
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
    pub fn generate(kid: &str) -> Result<SigningKey, KeyError> {
        let doc = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new())
            .map_err(|e| KeyError::Generate(e.to_string()))?;
        Self::from_pkcs8(doc.as_ref(), kid)
            .ok_or_else(|| KeyError::Generate("ring rejected its own key".into()))
    }

    pub fn from_pkcs8(pkcs8: &[u8], kid: &str) -> Option<SigningKey> {
        let pair = Ed25519KeyPair::from_pkcs8_maybe_unchecked(pkcs8).ok()?;
        Some(SigningKey {
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
        let io = |source| KeyError::Io {
            path: path.to_owned(),
            source,
        };
        let tmp = path.with_extension("tmp");
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
        let mut f = opts.open(&tmp).map_err(io)?;
        f.write_all(&self.pkcs8).map_err(io)?;
        f.sync_all().map_err(io)?;
        std::fs::rename(&tmp, path).map_err(io)
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
            Err(source) => {
                return Err(KeyError::Io {
                    path: path.to_owned(),
                    source,
                });
            }
        };
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(path)
                .map_err(|source| KeyError::Io {
                    path: path.to_owned(),
                    source,
                })?
                .permissions()
                .mode();
            if mode & 0o077 != 0 {
                return Err(KeyError::TooOpen {
                    path: path.to_owned(),
                    mode: mode & 0o777,
                });
            }
        }
        SigningKey::from_pkcs8(&bytes, kid).ok_or_else(|| KeyError::Invalid {
            path: path.to_owned(),
        })
    }
}

pub fn verify_ed25519(public: &[u8; 32], message: &[u8], signature: &[u8]) -> bool {
    UnparsedPublicKey::new(&ED25519, public)
        .verify(message, signature)
        .is_ok()
}

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
        assert_eq!((jwk.kty.as_str(), jwk.crv.as_str()), ("OKP", "Ed25519"));
        assert_eq!(jwk.public_key(), Some(key.public_key()));
    }
}

/// PBKDF2-HMAC-SHA256 iterations for staff PINs.
pub const PIN_ITERATIONS: u32 = 210_000;

/// A staff PIN as stored: `pbkdf2-sha256$ITER$SALT$HASH` (base64url).
pub fn hash_pin(pin: &str) -> String {
    let salt: [u8; 16] = ring::rand::generate(&SystemRandom::new())
        .map(|r| r.expose())
        .unwrap_or([7u8; 16]);
    let mut out = [0u8; 32];
    let iterations = std::num::NonZeroU32::new(PIN_ITERATIONS).unwrap_or(std::num::NonZeroU32::MIN);
    ring::pbkdf2::derive(
        ring::pbkdf2::PBKDF2_HMAC_SHA256,
        iterations,
        &salt,
        pin.as_bytes(),
        &mut out,
    );
    format!(
        "pbkdf2-sha256${PIN_ITERATIONS}${}${}",
        b64(&salt),
        b64(&out)
    )
}

/// Checks a PIN against [`hash_pin`]'s output in constant time.
pub fn verify_pin(pin: &str, stored: &str) -> bool {
    let mut parts = stored.split('$');
    let (Some("pbkdf2-sha256"), Some(iter), Some(salt), Some(hash), None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return false;
    };
    let (Some(iter), Some(salt), Some(hash)) = (
        iter.parse::<u32>().ok().and_then(std::num::NonZeroU32::new),
        unb64(salt),
        unb64(hash),
    ) else {
        return false;
    };
    ring::pbkdf2::verify(
        ring::pbkdf2::PBKDF2_HMAC_SHA256,
        iter,
        &salt,
        pin.as_bytes(),
        &hash,
    )
    .is_ok()
}

#[cfg(test)]
mod pin_tests {
    #[test]
    fn pins_hash_and_verify() {
        let h = super::hash_pin("2468");
        assert!(h.starts_with("pbkdf2-sha256$210000$"));
        assert!(super::verify_pin("2468", &h));
        assert!(!super::verify_pin("2469", &h));
        assert!(!super::verify_pin("2468", "plain"));
        assert_ne!(super::hash_pin("2468"), h, "salted");
    }
}
