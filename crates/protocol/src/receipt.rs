//! The signed receipt code: what a receipt's QR carries. One code for two uses: a phone opens
//! it as a link to the platform (`{platform}/r/{token}`), and another terminal of the store
//! reads the sale from it and verifies it offline, with the public key of the terminal that
//! sold (pulled per store), before taking a return.

use serde::{Deserialize, Serialize};

use crate::jws::{JwsError, jws_sign, jws_verify};
use crate::keys::SigningKey;

/// The JWS `typ` of a receipt code.
pub const RECEIPT_TYP: &str = "smartstore-receipt+jws";

/// Where a receipt opens on the platform: `{platform}{RECEIPT_PATH}{token}`.
pub const RECEIPT_PATH: &str = "/r/";

/// A sale as its receipt code carries it (short keys: it is a QR code).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptCode {
    #[serde(rename = "o")]
    pub order_id: String,
    #[serde(rename = "r")]
    pub receipt: String,
    #[serde(rename = "s")]
    pub store: String,
    #[serde(rename = "t")]
    pub terminal: String,
    #[serde(rename = "at")]
    pub created_at: String,
    #[serde(rename = "c")]
    pub currency: String,
    #[serde(rename = "st")]
    pub subtotal: i64,
    #[serde(rename = "tt")]
    pub total: i64,
    /// (GTIN, quantity, unit price in minor units).
    #[serde(rename = "l")]
    pub lines: Vec<(String, u32, i64)>,
    /// (method, amount in minor units, reference).
    #[serde(rename = "p")]
    pub tenders: Vec<(String, i64, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReceiptRefusal {
    #[error("this is not a receipt code")]
    NotAReceipt,
    #[error(
        "the receipt was signed by terminal key {0}, which this terminal does not know: sync, then scan it again"
    )]
    UnknownTerminal(String),
    #[error("the receipt's signature does not verify: it was altered or forged")]
    Forged,
}

/// Signs a receipt code with the selling terminal's device key.
pub fn sign(key: &SigningKey, code: &ReceiptCode) -> String {
    let payload = serde_json::to_vec(code).unwrap_or_default();
    jws_sign(key, Some(RECEIPT_TYP), &payload)
}

/// The token in a scanned receipt QR: the part after `/r/` of a link, or the text itself.
pub fn token_of(text: &str) -> &str {
    let text = text.trim();
    match text.rfind(RECEIPT_PATH) {
        Some(i) => &text[i + RECEIPT_PATH.len()..],
        None => text,
    }
}

/// The store a receipt code names, read **without** verifying it: only to refuse a receipt of
/// another store in those words (its terminals' keys are not pulled here). Never trust it.
pub fn claimed_store(token: &str) -> Option<String> {
    let payload = token.trim().split('.').nth(1)?;
    let bytes = crate::keys::unb64(payload)?;
    serde_json::from_slice::<ReceiptCode>(&bytes)
        .ok()
        .map(|c| c.store)
}

/// Verifies a receipt code with the device keys of the store (`key_for` gives a device's public
/// key by its id) and reads the sale.
pub fn verify(
    token: &str,
    key_for: impl FnOnce(&str) -> Option<[u8; 32]>,
) -> Result<ReceiptCode, ReceiptRefusal> {
    let (header, payload) = jws_verify(token, key_for).map_err(|e| match e {
        JwsError::UnknownKid(kid) => ReceiptRefusal::UnknownTerminal(kid),
        JwsError::BadSignature => ReceiptRefusal::Forged,
        _ => ReceiptRefusal::NotAReceipt,
    })?;
    if header.typ.as_deref() != Some(RECEIPT_TYP) {
        return Err(ReceiptRefusal::NotAReceipt);
    }
    serde_json::from_slice(&payload).map_err(|_| ReceiptRefusal::NotAReceipt)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code() -> ReceiptCode {
        ReceiptCode {
            order_id: "0193-aaaa".into(),
            receipt: "SH001-T01-000042".into(),
            store: "SH001".into(),
            terminal: "T01".into(),
            created_at: "2026-11-30T10:00:00Z".into(),
            currency: "CNY".into(),
            subtotal: 700,
            total: 700,
            lines: vec![("06921000000019".into(), 2, 350)],
            tenders: vec![("code".into(), 700, "A-1".into())],
        }
    }

    #[test]
    fn a_receipt_verifies_with_its_terminal_key_only() {
        let key = SigningKey::generate("dev-1").expect("key");
        let other = SigningKey::generate("dev-1").expect("key");
        let token = sign(&key, &code());
        let link = format!("https://platform.example/r/{token}");
        assert_eq!(token_of(&link), token);
        assert_eq!(
            verify(token_of(&link), |_| Some(key.public_key())),
            Ok(code())
        );
        assert_eq!(
            verify(&token, |_| Some(other.public_key())),
            Err(ReceiptRefusal::Forged)
        );
        assert_eq!(
            verify(&token, |_| None),
            Err(ReceiptRefusal::UnknownTerminal("dev-1".into()))
        );
        assert_eq!(
            verify("SH001-T01-000042", |_| Some(key.public_key())),
            Err(ReceiptRefusal::NotAReceipt)
        );
        // Another document signed by the same key is not a receipt.
        let batch = jws_sign(&key, Some("smartstore-batch+jws"), b"{}");
        assert_eq!(
            verify(&batch, |_| Some(key.public_key())),
            Err(ReceiptRefusal::NotAReceipt)
        );
    }
}
