//! Staff PINs as stored (in the kiosk's config today, pulled per store later): a salted,
//! slow hash, checked in constant time.

use ring::rand::SystemRandom;

use crate::keys::{b64, unb64};

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
