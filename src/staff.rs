//! Staff approval: a member of staff of this store (pulled from the platform) proves who they
//! are with their PIN; failures lock that member out for a while, kept across restarts.

use crate::store::{Store, StoreError};
use smartstore_domain::checkout::{Approval, Role};
use smartstore_domain::kiosk::{PinGuard, PinOutcome};

/// Why an approval was refused.
#[derive(Debug, thiserror::Error)]
pub enum ApprovalRefusal {
    #[error("no member of staff {0} at this store: sync to bring the staff list, or check the id")]
    UnknownStaff(String),
    #[error("{0} is no longer active at this store")]
    Inactive(String),
    #[error("wrong PIN: {attempts_left} attempt(s) left before a lockout")]
    WrongPin { attempts_left: u32 },
    #[error("locked after wrong PINs: try again in {seconds_left} s")]
    Locked { seconds_left: u64 },
    #[error("{0} is a clerk: a supervisor must approve this")]
    NotSupervisor(String),
    #[error("{0}")]
    Store(#[from] StoreError),
}

/// The demo store's supervisor and PIN (the same demo PIN as the demo kiosk's).
pub const DEMO_SUPERVISOR: &str = "demo";
const DEMO_PIN: &str = "2468";

fn now_ms() -> u64 {
    (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000).max(0) as u64
}

/// Checks `pin` for `staff_id` and, when `supervisor`, that they are one. The attempt counts
/// toward the member's lockout, which is kept in the database.
pub fn approve(
    store: &Store,
    staff_id: &str,
    pin: &str,
    supervisor: bool,
) -> Result<Approval, ApprovalRefusal> {
    let member = match store.staff_member(staff_id.trim())? {
        Some(m) => m,
        // The demo store (never enrolled, so no staff list) has one supervisor, `demo`, with
        // the demo PIN: voids and returns can be tried there. An enrolled terminal never has it.
        None if staff_id.trim() == DEMO_SUPERVISOR && store.meta("device_id")?.is_none() => {
            return if pin == DEMO_PIN {
                Ok(Approval {
                    staff_id: DEMO_SUPERVISOR.to_owned(),
                    role: Role::Supervisor,
                })
            } else {
                Err(ApprovalRefusal::WrongPin {
                    attempts_left: smartstore_domain::kiosk::PIN_ATTEMPTS,
                })
            };
        }
        None => return Err(ApprovalRefusal::UnknownStaff(staff_id.trim().to_owned())),
    };
    if !member.active {
        return Err(ApprovalRefusal::Inactive(member.staff_id));
    }
    let now = now_ms();
    let mut guard = PinGuard::restore(member.guard, now);
    if let Some(seconds_left) = guard.locked(now) {
        return Err(ApprovalRefusal::Locked { seconds_left });
    }
    let correct = smartstore_protocol::staff_pin::verify_pin(pin, &member.pin_hash);
    let outcome = guard.attempt(correct, now);
    store.keep_staff_guard(&member.staff_id, &guard.state(now))?;
    match outcome {
        PinOutcome::Accepted => {}
        PinOutcome::Wrong { attempts_left } => {
            return Err(ApprovalRefusal::WrongPin { attempts_left });
        }
        PinOutcome::Locked { seconds_left } => {
            return Err(ApprovalRefusal::Locked { seconds_left });
        }
    }
    let role = if member.role == "supervisor" {
        Role::Supervisor
    } else {
        Role::Clerk
    };
    if supervisor && role != Role::Supervisor {
        return Err(ApprovalRefusal::NotSupervisor(member.staff_id));
    }
    Ok(Approval {
        staff_id: member.staff_id,
        role,
    })
}
