//! Staff PINs as stored (in the kiosk's config today, pulled per store later): a salted,
//! memory-hard hash (Argon2id, RFC 9106), checked in constant time. A 4-to-12-digit PIN has
//! few possibilities, so the hash must make each guess expensive, on a GPU too: Argon2id with
//! 19 MiB and 2 passes (OWASP's first recommendation) where PBKDF2 at 210,000 iterations gave a
//! 4-digit PIN up in seconds. Hashes made before (PBKDF2) still verify; `doctor` asks for them
//! to be made again.

use ring::rand::SystemRandom;

use crate::keys::{b64, unb64};

/// Argon2id memory (KiB), passes and lanes.
pub const ARGON2_MEMORY_KIB: u32 = 19_456;
pub const ARGON2_PASSES: u32 = 2;
pub const ARGON2_LANES: u32 = 1;

/// PBKDF2-HMAC-SHA256 iterations of the PINs hashed before Argon2id (verified, never made).
pub const PIN_ITERATIONS: u32 = 210_000;

/// How a stored PIN hash was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinScheme {
    Argon2id,
    /// The old scheme: verifies, but should be made again with `smartstore pin`.
    Pbkdf2,
    Unknown,
}

pub fn scheme(stored: &str) -> PinScheme {
    if stored.starts_with("argon2id$") {
        PinScheme::Argon2id
    } else if stored.starts_with("pbkdf2-sha256$") {
        PinScheme::Pbkdf2
    } else {
        PinScheme::Unknown
    }
}

fn argon2(m: u32, t: u32, p: u32) -> Option<argon2::Argon2<'static>> {
    let params = argon2::Params::new(m, t, p, Some(32)).ok()?;
    Some(argon2::Argon2::new(
        argon2::Algorithm::Argon2id,
        argon2::Version::V0x13,
        params,
    ))
}

/// A staff PIN as stored: `argon2id$v=19$m=M,t=T,p=P$SALT$HASH` (base64url).
pub fn hash_pin(pin: &str) -> String {
    let salt: [u8; 16] = ring::rand::generate(&SystemRandom::new())
        .map(|r| r.expose())
        .unwrap_or([7u8; 16]);
    let mut out = [0u8; 32];
    let made = argon2(ARGON2_MEMORY_KIB, ARGON2_PASSES, ARGON2_LANES)
        .map(|a| {
            a.hash_password_into(pin.as_bytes(), &salt, &mut out)
                .is_ok()
        })
        .unwrap_or(false);
    if !made {
        // The parameters are constants that Argon2 accepts; never reached.
        return String::new();
    }
    format!(
        "argon2id$v=19$m={ARGON2_MEMORY_KIB},t={ARGON2_PASSES},p={ARGON2_LANES}${}${}",
        b64(&salt),
        b64(&out)
    )
}

/// Checks a PIN against a stored hash (Argon2id, or the older PBKDF2) in constant time.
pub fn verify_pin(pin: &str, stored: &str) -> bool {
    match scheme(stored) {
        PinScheme::Argon2id => verify_argon2(pin, stored),
        PinScheme::Pbkdf2 => verify_pbkdf2(pin, stored),
        PinScheme::Unknown => false,
    }
}

fn verify_argon2(pin: &str, stored: &str) -> bool {
    let mut parts = stored.split('$');
    let (Some("argon2id"), Some("v=19"), Some(params), Some(salt), Some(hash), None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return false;
    };
    let mut m = None;
    let mut t = None;
    let mut p = None;
    for kv in params.split(',') {
        match kv.split_once('=') {
            Some(("m", v)) => m = v.parse::<u32>().ok(),
            Some(("t", v)) => t = v.parse::<u32>().ok(),
            Some(("p", v)) => p = v.parse::<u32>().ok(),
            _ => return false,
        }
    }
    // Bounds, so a doctored config cannot make the kiosk spend gigabytes on one check.
    let (Some(m), Some(t), Some(p)) = (
        m.filter(|m| (8..=262_144).contains(m)),
        t.filter(|t| (1..=10).contains(t)),
        p.filter(|p| (1..=4).contains(p)),
    ) else {
        return false;
    };
    let (Some(salt), Some(hash), Some(a)) = (unb64(salt), unb64(hash), argon2(m, t, p)) else {
        return false;
    };
    if hash.len() != 32 {
        return false;
    }
    let mut out = [0u8; 32];
    if a.hash_password_into(pin.as_bytes(), &salt, &mut out)
        .is_err()
    {
        return false;
    }
    out.iter().zip(&hash).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
}

fn verify_pbkdf2(pin: &str, stored: &str) -> bool {
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
    use super::*;

    #[test]
    fn pins_hash_with_argon2id_and_verify() {
        let h = hash_pin("2468");
        assert!(h.starts_with("argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert_eq!(scheme(&h), PinScheme::Argon2id);
        assert!(verify_pin("2468", &h));
        assert!(!verify_pin("2469", &h));
        assert!(!verify_pin("2468", "plain"));
        assert_ne!(hash_pin("2468"), h, "salted");
        // Parameters out of bounds are refused, not computed.
        let greedy = h.replace("m=19456", "m=4000000");
        assert!(!verify_pin("2468", &greedy));
    }

    #[test]
    fn pins_hashed_before_with_pbkdf2_still_verify() {
        // Made by the PBKDF2 scheme of the first wave (salt of 16 bytes 0x07).
        let salt = [7u8; 16];
        let mut out = [0u8; 32];
        ring::pbkdf2::derive(
            ring::pbkdf2::PBKDF2_HMAC_SHA256,
            std::num::NonZeroU32::new(PIN_ITERATIONS).expect("nonzero"),
            &salt,
            b"135790",
            &mut out,
        );
        let old = format!(
            "pbkdf2-sha256${PIN_ITERATIONS}${}${}",
            b64(&salt),
            b64(&out)
        );
        assert_eq!(scheme(&old), PinScheme::Pbkdf2);
        assert!(verify_pin("135790", &old));
        assert!(!verify_pin("135791", &old));
    }
}
