//! Kiosk rules: the idle warning and reset, and the staff PIN lockout. Times are milliseconds
//! on any monotonic clock; the caller supplies them.

/// When an untouched kiosk warns, and when it resets (empties the cart, back to attract).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdlePolicy {
    pub warn_after_ms: u64,
    pub reset_after_ms: u64,
}

/// How many times a shopper may ask for more time before the kiosk resets (WCAG 2.2.1 asks
/// for at least ten).
pub const MAX_EXTENSIONS: u32 = 20;

/// How much time each "more time" adds.
pub const EXTENSION_MS: u64 = 120_000;

impl IdlePolicy {
    /// The policy after the shopper asked for more time `times` times (at most
    /// [`MAX_EXTENSIONS`] count).
    pub fn extended(&self, times: u32) -> IdlePolicy {
        let extra = u64::from(times.min(MAX_EXTENSIONS)) * EXTENSION_MS;
        IdlePolicy {
            warn_after_ms: self.warn_after_ms + extra,
            reset_after_ms: self.reset_after_ms + extra,
        }
    }
}

impl Default for IdlePolicy {
    fn default() -> Self {
        IdlePolicy {
            warn_after_ms: 60_000,
            reset_after_ms: 75_000,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Idle {
    Active,
    /// Shown as "Are you still there? Resetting in N s".
    Warning {
        seconds_left: u64,
    },
    Reset,
}

impl IdlePolicy {
    pub fn state(&self, last_activity_ms: u64, now_ms: u64) -> Idle {
        let idle = now_ms.saturating_sub(last_activity_ms);
        if idle >= self.reset_after_ms {
            Idle::Reset
        } else if idle >= self.warn_after_ms {
            Idle::Warning {
                seconds_left: (self.reset_after_ms - idle).div_ceil(1000),
            }
        } else {
            Idle::Active
        }
    }
}

/// What a [`PinGuard`] keeps across a restart of the kiosk: a lockout is not lifted by
/// pulling the plug.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct PinGuardState {
    pub failures: u32,
    pub lockouts: u32,
    /// How much longer the exit stays locked.
    pub locked_for_ms: u64,
}

/// Failed staff PIN attempts lock the exit for a while, longer after each lockout.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PinGuard {
    failures: u32,
    lockouts: u32,
    locked_until_ms: u64,
}

pub const PIN_ATTEMPTS: u32 = 3;
pub const PIN_LOCKOUT_MS: u64 = 60_000;
/// A staff PIN is this many digits, no fewer and no more.
pub const PIN_MIN_DIGITS: usize = 4;
pub const PIN_MAX_DIGITS: usize = 12;

/// True when `pin` can be a staff PIN: digits only, `PIN_MIN_DIGITS..=PIN_MAX_DIGITS` long.
pub fn is_valid_staff_pin(pin: &str) -> bool {
    (PIN_MIN_DIGITS..=PIN_MAX_DIGITS).contains(&pin.len())
        && pin.bytes().all(|b| b.is_ascii_digit())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinOutcome {
    Accepted,
    /// Wrong PIN; this many attempts remain before a lockout.
    Wrong {
        attempts_left: u32,
    },
    /// Locked: no attempt is checked until then.
    Locked {
        seconds_left: u64,
    },
}

impl PinGuard {
    /// The guard's state at `now_ms`, to keep.
    pub fn state(&self, now_ms: u64) -> PinGuardState {
        PinGuardState {
            failures: self.failures,
            lockouts: self.lockouts,
            locked_for_ms: self.locked_until_ms.saturating_sub(now_ms),
        }
    }

    /// A guard as it was kept, at `now_ms` of a new run (a kept lock runs on; counts are held
    /// to what the rules can produce).
    pub fn restore(state: PinGuardState, now_ms: u64) -> PinGuard {
        let longest = PIN_LOCKOUT_MS.saturating_mul(1 << 6);
        PinGuard {
            failures: state.failures.min(PIN_ATTEMPTS - 1),
            lockouts: state.lockouts.min(64),
            locked_until_ms: now_ms.saturating_add(state.locked_for_ms.min(longest)),
        }
    }

    /// Whether an attempt may be checked now.
    pub fn locked(&self, now_ms: u64) -> Option<u64> {
        (now_ms < self.locked_until_ms).then(|| (self.locked_until_ms - now_ms).div_ceil(1000))
    }

    /// Records an attempt whose correctness the caller checked (only when not locked).
    pub fn attempt(&mut self, correct: bool, now_ms: u64) -> PinOutcome {
        if let Some(seconds_left) = self.locked(now_ms) {
            return PinOutcome::Locked { seconds_left };
        }
        if correct {
            self.failures = 0;
            self.lockouts = 0;
            return PinOutcome::Accepted;
        }
        self.failures += 1;
        if self.failures >= PIN_ATTEMPTS {
            self.failures = 0;
            self.lockouts += 1;
            let ms = PIN_LOCKOUT_MS.saturating_mul(1 << (self.lockouts - 1).min(6));
            self.locked_until_ms = now_ms + ms;
            return PinOutcome::Locked {
                seconds_left: ms / 1000,
            };
        }
        PinOutcome::Wrong {
            attempts_left: PIN_ATTEMPTS - self.failures,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idle_table() {
        let p = IdlePolicy {
            warn_after_ms: 60_000,
            reset_after_ms: 75_000,
        };
        let cases = [
            (0, Idle::Active),
            (59_999, Idle::Active),
            (60_000, Idle::Warning { seconds_left: 15 }),
            (70_500, Idle::Warning { seconds_left: 5 }),
            (74_999, Idle::Warning { seconds_left: 1 }),
            (75_000, Idle::Reset),
        ];
        for (idle, want) in cases {
            assert_eq!(p.state(1_000, 1_000 + idle), want, "{idle}");
        }
    }

    #[test]
    fn staff_pin_shape_table() {
        for (pin, ok) in [
            ("1234", true),
            ("135790246801", true),
            ("123", false),
            ("1234567890123", false),
            ("12a4", false),
            ("", false),
            ("１２３４", false),
        ] {
            assert_eq!(is_valid_staff_pin(pin), ok, "{pin:?}");
        }
    }

    #[test]
    fn a_kept_lockout_runs_on_after_a_restart() {
        let mut g = PinGuard::default();
        for _ in 0..PIN_ATTEMPTS {
            g.attempt(false, 1_000);
        }
        let kept = g.state(21_000); // 20 s into a 60 s lock
        assert_eq!(kept.locked_for_ms, 40_000);
        let mut after = PinGuard::restore(kept, 0); // the kiosk restarted
        assert_eq!(after.locked(0), Some(40));
        assert!(matches!(
            after.attempt(true, 39_999),
            PinOutcome::Locked { .. }
        ));
        assert_eq!(after.attempt(true, 40_000), PinOutcome::Accepted);
        // A doctored state cannot lock longer than the rules could.
        let forever = PinGuard::restore(
            PinGuardState {
                failures: 99,
                lockouts: 99,
                locked_for_ms: u64::MAX,
            },
            0,
        );
        assert_eq!(forever.locked(0), Some(PIN_LOCKOUT_MS * 64 / 1000));
    }

    #[test]
    fn pin_lockout_table() {
        let mut g = PinGuard::default();
        let steps = [
            (false, 0, PinOutcome::Wrong { attempts_left: 2 }),
            (false, 1, PinOutcome::Wrong { attempts_left: 1 }),
            (false, 2, PinOutcome::Locked { seconds_left: 60 }),
            (true, 30_000, PinOutcome::Locked { seconds_left: 31 }), // even the right PIN waits
            (false, 62_002, PinOutcome::Wrong { attempts_left: 2 }),
            (false, 62_003, PinOutcome::Wrong { attempts_left: 1 }),
            (false, 62_004, PinOutcome::Locked { seconds_left: 120 }), // doubled
            (true, 182_004, PinOutcome::Accepted),
            (false, 182_005, PinOutcome::Wrong { attempts_left: 2 }),
        ];
        for (correct, now, want) in steps {
            assert_eq!(g.attempt(correct, now), want, "at {now}");
        }
    }

    #[test]
    fn more_time_can_be_asked_for_at_least_ten_times() {
        let p = IdlePolicy::default();
        assert_eq!(p.extended(0), p);
        let ten = p.extended(10);
        assert_eq!(ten.reset_after_ms, p.reset_after_ms + 10 * EXTENSION_MS);
        assert_eq!(ten.state(0, p.reset_after_ms), Idle::Active);
        assert_eq!(p.extended(1_000), p.extended(MAX_EXTENSIONS));
        const { assert!(MAX_EXTENSIONS >= 10) };
    }
}
