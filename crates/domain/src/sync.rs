//! Sync planning: which events go in the next batch, what an acknowledgement means, how long
//! to wait before a retry, and what an HTTP status asks of the terminal. Pure: the IO is in
//! `crate::sync`.

use serde::{Deserialize, Serialize};

/// The most events in one signed batch.
pub const MAX_BATCH_EVENTS: u32 = 1000;
/// The most bytes of event bodies in one batch (the JWS is about 4/3 of it).
pub const MAX_BATCH_BYTES: usize = 4 * 1024 * 1024;

/// The next batch to send: `first..=last`, or nothing when the platform holds everything.
pub fn next_batch(acked: u64, last_local: u64, max_events: u32) -> Option<(u64, u64)> {
    (last_local > acked).then(|| {
        (
            acked + 1,
            last_local.min(acked + u64::from(max_events.max(1))),
        )
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AckOutcome {
    /// The platform holds everything up to `held`: mark it, go on with the next batch.
    Advanced { held: u64 },
    /// The platform holds less than it had confirmed before (restored from a backup): resend
    /// from `held + 1`.
    Behind { held: u64 },
    /// The platform holds more than this terminal ever sent: a second terminal with this
    /// identity, or a database restored from an old backup. Stop and say so.
    Ahead { held: u64 },
}

/// What the platform's answer `held` means after sending `first..=last` with `acked` marked.
pub fn interpret_ack(acked: u64, last_sent: u64, held: u64) -> AckOutcome {
    if held > last_sent {
        AckOutcome::Ahead { held }
    } else if held < acked {
        AckOutcome::Behind { held }
    } else {
        AckOutcome::Advanced { held }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatusAction {
    Ok,
    /// Timeouts, resets, 5xx, 429: try again after a backoff.
    Retry,
    /// 401: the platform no longer knows this device; re-enrol.
    ReEnrol,
    /// Any other 4xx: the batch itself is refused; stop and show the message.
    Stop,
}

pub fn action_for_status(status: u16) -> StatusAction {
    match status {
        200..=299 => StatusAction::Ok,
        401 => StatusAction::ReEnrol,
        408 | 429 => StatusAction::Retry,
        400..=499 => StatusAction::Stop,
        _ => StatusAction::Retry,
    }
}

/// Exponential backoff with full jitter: attempt 0 waits up to `base_ms`, each attempt doubles
/// the ceiling up to `cap_ms`. `unit` is a random number in [0, 1).
pub fn backoff_ms(attempt: u32, base_ms: u64, cap_ms: u64, unit: f64) -> u64 {
    let ceiling = base_ms.saturating_mul(1u64 << attempt.min(30)).min(cap_ms);
    let unit = if unit.is_finite() {
        unit.clamp(0.0, 1.0)
    } else {
        0.5
    };
    // Never zero: half the ceiling is fixed, the other half random.
    ceiling / 2 + ((ceiling / 2) as f64 * unit) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches() {
        let cases = [
            ((0, 0, 100), None),
            ((5, 5, 100), None),
            ((0, 1, 100), Some((1, 1))),
            ((0, 250, 100), Some((1, 100))),
            ((100, 250, 100), Some((101, 200))),
            ((200, 250, 100), Some((201, 250))),
            ((7, 9, 0), Some((8, 8))),
        ];
        for ((acked, last, max), want) in cases {
            assert_eq!(next_batch(acked, last, max), want, "{acked} {last} {max}");
        }
    }

    #[test]
    fn acks() {
        let cases = [
            ((0, 100, 100), AckOutcome::Advanced { held: 100 }),
            ((0, 100, 40), AckOutcome::Advanced { held: 40 }),
            ((50, 100, 50), AckOutcome::Advanced { held: 50 }),
            ((50, 100, 10), AckOutcome::Behind { held: 10 }),
            ((50, 100, 150), AckOutcome::Ahead { held: 150 }),
        ];
        for ((acked, last, held), want) in cases {
            assert_eq!(interpret_ack(acked, last, held), want);
        }
    }

    #[test]
    fn statuses() {
        let cases = [
            (200, StatusAction::Ok),
            (401, StatusAction::ReEnrol),
            (400, StatusAction::Stop),
            (403, StatusAction::Stop),
            (413, StatusAction::Stop),
            (429, StatusAction::Retry),
            (408, StatusAction::Retry),
            (500, StatusAction::Retry),
            (502, StatusAction::Retry),
            (503, StatusAction::Retry),
        ];
        for (s, want) in cases {
            assert_eq!(action_for_status(s), want, "{s}");
        }
    }

    #[test]
    fn backoff_grows_with_jitter_and_caps() {
        assert_eq!(backoff_ms(0, 200, 60_000, 0.0), 100);
        assert_eq!(backoff_ms(0, 200, 60_000, 1.0), 200);
        assert_eq!(backoff_ms(3, 200, 60_000, 0.0), 800);
        assert_eq!(backoff_ms(20, 200, 60_000, 1.0), 60_000);
        assert_eq!(backoff_ms(99, 200, 60_000, 0.0), 30_000);
        assert_eq!(backoff_ms(1, 200, 60_000, f64::NAN), 300);
        for a in 0..40 {
            let lo = backoff_ms(a, 200, 60_000, 0.0);
            let hi = backoff_ms(a, 200, 60_000, 0.999);
            assert!(lo > 0 && lo <= hi && hi <= 60_000);
        }
    }
}
