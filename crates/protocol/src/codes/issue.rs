//! Issuing codes: the platform's side (the hub's `issue …` commands).

use coset::{CoseSign1Builder, HeaderBuilder, TaggedCborSerializable, iana};
use ring::rand::{SecureRandom, SystemRandom};

use super::claims::{self, Envelope};
use super::{Basket, Member, Pickup, ShopperCode};
use crate::keys::{Jwk, KeyError, SigningKey, key_id};
use smartstore_domain::coupon::Coupon;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IssueError {
    #[error("cannot issue this code: {0}")]
    Invalid(String),
    #[error("cannot encode this code: {0}")]
    Encode(String),
}

/// The CWT claims every code carries besides its own: when it was issued, its validity window
/// and its unique id. For a coupon, `nbf` and `exp` are the coupon's own window instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    /// Unix seconds (`iat`).
    pub issued_at: i64,
    /// Unix seconds (`nbf`), when the code is good only from a later time.
    pub not_before: Option<i64>,
    /// Unix seconds (`exp`).
    pub expires: i64,
    /// The `cti`, 1 to 16 bytes; [`Stamp::fresh`] makes 8 random ones.
    pub token_id: Vec<u8>,
}

impl Stamp {
    /// Issued `now`, good for `valid_for` seconds, with a random 8-byte id.
    pub fn fresh(now: i64, valid_for: i64) -> Result<Stamp, KeyError> {
        let mut id = [0u8; 8];
        SystemRandom::new()
            .fill(&mut id)
            .map_err(|_| KeyError::Random)?;
        Ok(Stamp {
            issued_at: now,
            not_before: None,
            expires: now.saturating_add(valid_for),
            token_id: id.to_vec(),
        })
    }
}

/// Signs codes with one Ed25519 key.
pub struct Issuer {
    key: SigningKey,
    issuer: String,
}

impl std::fmt::Debug for Issuer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Issuer")
            .field("kid", &self.key.kid)
            .field("issuer", &self.issuer)
            .finish_non_exhaustive()
    }
}

impl Issuer {
    /// An issuer from a PKCS#8 Ed25519 private key (v1 as in RFC 8410, or v2 with the public
    /// key, as [`crate::keys::generate_key_pair`] writes), named `issuer` in the `iss` claim. Its key
    /// id is [`key_id`] of the public key.
    pub fn from_pkcs8(pkcs8: &[u8], issuer: &str) -> Result<Issuer, KeyError> {
        let mut key = SigningKey::from_pkcs8(pkcs8, "")?;
        key.kid = key_id(&key.public_key());
        Ok(Issuer::new(key, issuer))
    }

    /// An issuer signing with `key` under its key id, named `issuer` in the `iss` claim.
    pub fn new(key: SigningKey, issuer: &str) -> Issuer {
        Issuer {
            key,
            issuer: issuer.to_owned(),
        }
    }

    /// Uses another key id than the derived one (it must match the key's JWK in the terminal's
    /// trusted keys).
    pub fn with_kid(mut self, kid: &str) -> Issuer {
        kid.clone_into(&mut self.key.kid);
        self
    }

    pub fn kid(&self) -> &str {
        &self.key.kid
    }

    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The public key as a JWK under this issuer's key id.
    pub fn public_jwk(&self) -> Jwk {
        self.key.jwk()
    }

    /// The code's text: prefix and base45.
    pub fn issue(&self, code: &ShopperCode, stamp: &Stamp) -> Result<String, IssueError> {
        let bytes = self.issue_cose(code, stamp)?;
        Ok(format!("{}{}", code.kind().prefix(), base45::encode(bytes)))
    }

    /// The code's COSE_Sign1 bytes (tagged), before base45.
    pub fn issue_cose(&self, code: &ShopperCode, stamp: &Stamp) -> Result<Vec<u8>, IssueError> {
        let (not_before, expires) = match code {
            ShopperCode::Coupon(c) => (Some(c.not_before), c.expires),
            _ => (stamp.not_before, stamp.expires),
        };
        let env = Envelope {
            issuer: self.issuer.clone(),
            expires,
            not_before,
            issued_at: stamp.issued_at,
            token_id: stamp.token_id.clone(),
            code: code.clone(),
        };
        let payload = claims::encode(&env).map_err(IssueError::Invalid)?;
        let protected = HeaderBuilder::new()
            .algorithm(iana::Algorithm::EdDSA)
            .key_id(self.key.kid.as_bytes().to_vec())
            .build();
        CoseSign1Builder::new()
            .protected(protected)
            .payload(payload)
            .create_signature(&[], |tbs| self.key.sign(tbs))
            .build()
            .to_tagged_vec()
            .map_err(|e| IssueError::Encode(e.to_string()))
    }

    pub fn issue_member(&self, member: &Member, stamp: &Stamp) -> Result<String, IssueError> {
        self.issue(&ShopperCode::Member(member.clone()), stamp)
    }

    pub fn issue_pickup(&self, pickup: &Pickup, stamp: &Stamp) -> Result<String, IssueError> {
        self.issue(&ShopperCode::Pickup(pickup.clone()), stamp)
    }

    /// The coupon's `not_before` and `expires` become the code's `nbf` and `exp`; the stamp's
    /// window is not used.
    pub fn issue_coupon(&self, coupon: &Coupon, stamp: &Stamp) -> Result<String, IssueError> {
        self.issue(&ShopperCode::Coupon(coupon.clone()), stamp)
    }

    pub fn issue_basket(&self, basket: &Basket, stamp: &Stamp) -> Result<String, IssueError> {
        self.issue(&ShopperCode::Basket(basket.clone()), stamp)
    }
}
