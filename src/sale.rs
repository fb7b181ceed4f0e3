//! One checkout owns a sale, and money moves only with its idempotency key. The window, the
//! kiosk and `order create` place a sale through [`place`]:
//!
//! 1. the order is checked (address, pickup) before anything is charged;
//! 2. charges whose answers were lost earlier, by a process that is gone or by this checkout
//!    for tenders it dropped, are reconciled with the platform (`GET /v1/payments/{ref}`,
//!    then voided there) before anything else is charged;
//! 3. each charge by code is stored as an intent before the platform is called, under the
//!    tender's reference (`ATTEMPT-N`), which every retry reuses;
//! 4. the order is committed with its tenders, the intents marked committed in the same
//!    transaction; if the commit fails after an approval, the charge is voided at the platform
//!    and the void recorded (or left to reconciliation when the platform cannot be reached).

use std::path::Path;
use std::time::Duration;

use crate::store::{IntentStatus, PaymentIntent, PlacedOrder, Store, StoreError};
use crate::sync::{Device, SyncError};
use smartstore_domain::checkout::{Checkout, CheckoutError, Tender, TenderKind, TenderStatus};
use smartstore_domain::order::Fulfilment;

/// Why a sale was not placed. Every variant means: no order was stored.
#[derive(Debug, thiserror::Error)]
pub enum SaleError {
    #[error("{0}")]
    Checkout(#[from] CheckoutError),
    #[error("{0}")]
    Payment(#[from] SyncError),
    #[error("{0}")]
    Store(#[from] StoreError),
    /// The order could not be committed after a charge was approved; the charge was given back
    /// (`given_back`) or is left for reconciliation to void.
    #[error("{store}; nothing was sold, and the payment by code {}", if *given_back { "was given back" } else { "will be given back when the platform can be reached" })]
    NotCommitted { store: StoreError, given_back: bool },
}

/// This process, as intents name their owner: `pid:start-time` (the start time tells a pid
/// reused by another process apart).
pub fn this_process() -> String {
    let pid = std::process::id();
    format!("{pid}:{}", start_time(pid).unwrap_or_default())
}

/// A process's start time in clock ticks since boot (field 22 of `/proc/PID/stat`).
fn start_time(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    let after = stat.rsplit_once(')')?.1;
    after.split_whitespace().nth(19)?.parse().ok()
}

/// Whether the process that took an intent still runs (then its checkout may still settle it).
fn alive(owner: &str) -> bool {
    let Some((pid, start)) = owner.split_once(':') else {
        return false;
    };
    let Ok(pid) = pid.parse::<u32>() else {
        return false;
    };
    match start_time(pid) {
        Some(now) => start.parse::<u64>().ok() == Some(now),
        None => false,
    }
}

/// What a reconciliation did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Reconciled {
    /// Charges given back, or closed at the platform before they arrived.
    pub voided: u32,
    /// Charges the platform had declined.
    pub declined: u32,
    /// Intents left alone: their checkout is still open in a running process.
    pub in_progress: u32,
}

/// Settles every unresolved intent that no running checkout owns: the platform is asked what
/// became of it, and any charge that stands without an order is voided there (a charge that
/// never arrived is closed, so that it is never approved if it arrives late). Intents of other
/// running processes are left alone. `keep`: the checkout this process is placing now; this
/// process's intents outside its standing tenders were dropped and are settled too. Without
/// it (the sync engine), this process's intents are all left alone.
pub fn reconcile(
    store: &Store,
    data_dir: &Path,
    keep: Option<&Checkout>,
) -> Result<Reconciled, SyncError> {
    let me = this_process();
    let mut report = Reconciled::default();
    let open: Vec<PaymentIntent> = store.payment_intents(true)?;
    let mut todo = Vec::new();
    for intent in open {
        let busy = if intent.owner == me {
            // This process's own: without a checkout to compare with, all of them (the
            // window's sale in progress may retry its tender); while placing `keep`, those of
            // its tenders still standing.
            keep.is_none_or(|c| {
                c.tenders().iter().any(|t| {
                    t.reference == intent.reference
                        && matches!(t.status, TenderStatus::Pending | TenderStatus::Approved)
                })
            })
        } else {
            alive(&intent.owner)
        };
        if busy {
            report.in_progress += 1;
        } else {
            todo.push(intent);
        }
    }
    if todo.is_empty() {
        return Ok(report);
    }
    let device = Device::load(store, data_dir)?;
    let client = device.client(Duration::from_secs(15))?;
    for intent in todo {
        let status = client.payment_status(&device.key, &intent.reference)?;
        let final_answer = match status {
            Some(r) if r.status == "declined" => r,
            Some(r) if r.status == "voided" => r,
            // Approved without an order, or never arrived: void it (a tombstone if unknown).
            _ => client.void_payment(&device.key, &intent.reference)?,
        };
        let status = match final_answer.status.as_str() {
            "declined" => {
                report.declined += 1;
                IntentStatus::Declined
            }
            _ => {
                report.voided += 1;
                IntentStatus::Voided
            }
        };
        tracing::info!(
            reference = intent.reference,
            status = status.as_str(),
            "payment reconciled"
        );
        store.settle_intent(
            &intent.reference,
            status,
            Some(&final_answer.payment_id),
            final_answer.reason.as_deref(),
        )?;
    }
    Ok(report)
}

/// Charges the checkout's pending tenders by code: reconciles first, stores each intent, asks
/// the platform under the tender's reference, and settles tender and intent with the answer.
pub fn charge(store: &Store, data_dir: &Path, checkout: &mut Checkout) -> Result<(), SaleError> {
    let pending: Vec<Tender> = checkout
        .tenders()
        .iter()
        .filter(|t| t.status == TenderStatus::Pending && t.kind.needs_platform())
        .cloned()
        .collect();
    if pending.is_empty() {
        return Ok(());
    }
    let device = match Device::load(store, data_dir) {
        Ok(d) => d,
        Err(SyncError::NotEnrolled) => return Err(SyncError::PaymentNeedsPlatform.into()),
        Err(e) => return Err(e.into()),
    };
    match reconcile(store, data_dir, Some(checkout)) {
        Ok(_) => {}
        Err(e) if e.is_transient() => {
            let count = store
                .payment_intents(true)?
                .into_iter()
                .filter(|i| i.attempt_id != checkout.attempt())
                .count();
            if count > 0 {
                tracing::warn!("reconciliation: {e}");
                return Err(SyncError::PaymentsUnreconciled { count }.into());
            }
            tracing::warn!("payment by code: {e}");
            return Err(SyncError::PaymentOffline.into());
        }
        Err(e) => return Err(e.into()),
    }
    let client = device.client(Duration::from_secs(15))?;
    let owner = this_process();
    for tender in pending {
        let TenderKind::Code { digits, .. } = &tender.kind else {
            continue;
        };
        store.record_intent(
            checkout.attempt(),
            &tender.reference,
            &owner,
            digits,
            tender.amount,
        )?;
        let req = smartstore_protocol::wire::PaymentRequest {
            code: digits.clone(),
            amount: tender.amount.minor,
            currency: tender.amount.currency.code().to_owned(),
            reference: tender.reference.clone(),
        };
        let answer = match client.pay(&device.key, &req) {
            Ok(a) => a,
            // Never sent: the intent stays pending (reconciliation closes it) and so does the
            // tender (a retry asks under the same reference).
            Err(e @ SyncError::PaymentOffline) => return Err(e.into()),
            Err(e) if e.is_transient() => {
                // The charge may stand or not: the intent stays pending, the tender too, and the
                // same reference asks again on the next press.
                tracing::warn!(reference = tender.reference, "payment answer lost: {e}");
                return Err(SyncError::PaymentAnswerLost.into());
            }
            Err(e) => return Err(e.into()),
        };
        let (status, intent) = match answer.status.as_str() {
            "approved" => (TenderStatus::Approved, IntentStatus::Approved),
            "voided" => (TenderStatus::Voided, IntentStatus::Voided),
            _ => (TenderStatus::Declined, IntentStatus::Declined),
        };
        checkout.settle(&tender.reference, status, Some(answer.payment_id.clone()))?;
        if let Err(e) = store.settle_intent(
            &tender.reference,
            intent,
            Some(&answer.payment_id),
            answer.reason.as_deref(),
        ) {
            if status != TenderStatus::Approved {
                return Err(e.into());
            }
            // Charged, and the database cannot even note it (a full disk): no order can
            // follow, so the charge goes back now.
            let approved: Vec<Tender> = checkout
                .tenders()
                .iter()
                .filter(|t| t.reference == tender.reference)
                .cloned()
                .collect();
            let given_back = give_back(store, data_dir, checkout, &approved)?;
            return Err(SaleError::NotCommitted {
                store: e,
                given_back,
            });
        }
        match status {
            TenderStatus::Approved => {
                tracing::info!(payment = answer.payment_id, "payment approved");
            }
            TenderStatus::Voided => return Err(SyncError::PaymentVoided.into()),
            _ => {
                return Err(SyncError::PaymentDeclined {
                    reason: answer.reason,
                }
                .into());
            }
        }
    }
    Ok(())
}

/// Gives back the code tenders among `tenders` at the platform and records it; a tender the
/// platform cannot be told about now is dropped from the checkout and left to reconciliation
/// (its intent stays unresolved, so it is voided before anything else is charged). Returns
/// whether every one was given back now.
pub fn give_back(
    store: &Store,
    data_dir: &Path,
    checkout: &mut Checkout,
    tenders: &[Tender],
) -> Result<bool, SaleError> {
    let mut all = true;
    let mut client = None;
    for t in tenders.iter().filter(|t| t.kind.needs_platform()) {
        let answer = (|| {
            if client.is_none() {
                let device = Device::load(store, data_dir)?;
                client = Some((device.client(Duration::from_secs(15))?, device.key));
            }
            let (c, key) = client.as_ref().ok_or(SyncError::NotEnrolled)?;
            c.void_payment(key, &t.reference)
        })();
        match answer {
            Ok(a) => {
                // Unrecorded (the disk refused even this), the intent stays unresolved and
                // reconciliation finds the charge voided at the platform.
                if let Err(e) = store.settle_intent(
                    &t.reference,
                    IntentStatus::Voided,
                    Some(&a.payment_id),
                    a.reason.as_deref(),
                ) {
                    tracing::error!(reference = t.reference, "void not recorded: {e}");
                }
            }
            Err(e) => {
                tracing::warn!(reference = t.reference, "void left to reconciliation: {e}");
                all = false;
            }
        }
        // Gone from this checkout either way: reconciliation owns what the platform was not
        // told yet.
        let _ = checkout.settle(&t.reference, TenderStatus::Voided, None);
    }
    for t in tenders.iter().filter(|t| !t.kind.needs_platform()) {
        let _ = checkout.settle(&t.reference, TenderStatus::Voided, None);
    }
    Ok(all)
}

/// Places a sale paid one way (the window's and the kiosk's choice): a retry with the same
/// choice reuses the tender already taken, so its charge keeps its reference; another choice
/// gives back what the earlier one took first.
pub fn place_paid_by(
    store: &mut Store,
    data_dir: &Path,
    checkout: &mut Checkout,
    tender: TenderKind,
    fulfilment: Fulfilment,
    member_id: Option<String>,
) -> Result<PlacedOrder, SaleError> {
    checkout.check(&fulfilment)?;
    let live: Vec<Tender> = checkout.live_tenders().into_iter().cloned().collect();
    if !(live.len() == 1 && live[0].kind == tender) {
        if !live.is_empty() {
            give_back(store, data_dir, checkout, &live)?;
        }
        checkout.tender(tender, None)?;
    }
    place(store, data_dir, checkout, fulfilment, member_id)
}

/// Places the checkout's sale: check, claim the coupon, charge, commit. On success the
/// checkout is `Committed`; on failure no order was stored and the checkout says which tenders
/// still stand (a retry reuses them).
pub fn place(
    store: &mut Store,
    data_dir: &Path,
    checkout: &mut Checkout,
    fulfilment: Fulfilment,
    member_id: Option<String>,
) -> Result<PlacedOrder, SaleError> {
    checkout.check(&fulfilment)?;
    // Nothing is sold outside a shift: the first sale opens one with a zero float.
    crate::shift::ensure_open(store, checkout.cart().currency())?;
    // A single-use coupon is claimed at the platform (when it can be reached) before the sale.
    if let Some(c) = checkout.cart().coupon().filter(|c| c.single_use) {
        crate::sync::claim_single_use(
            store,
            data_dir,
            smartstore_protocol::wire::ClaimKind::Coupon,
            &c.id,
        )?;
    }
    charge(store, data_dir, checkout)?;
    let draft = checkout.draft(fulfilment, member_id)?;
    match store.place_order(&draft) {
        Ok(placed) => {
            checkout.committed()?;
            Ok(placed)
        }
        Err(e) => {
            let approved: Vec<Tender> = checkout
                .tenders()
                .iter()
                .filter(|t| t.status == TenderStatus::Approved && t.kind.needs_platform())
                .cloned()
                .collect();
            if approved.is_empty() {
                return Err(e.into());
            }
            let given_back = give_back(store, data_dir, checkout, &approved)?;
            Err(SaleError::NotCommitted {
                store: e,
                given_back,
            })
        }
    }
}

/// The receipt code of one of this terminal's sales, as its QR carries it: a link to the
/// platform's receipt page whose token is the sale signed with this terminal's key (another
/// terminal of the store verifies it offline for a return). `None` on a terminal that is not
/// enrolled (the demo store): it has no key to sign with.
pub fn receipt_code(
    store: &Store,
    data_dir: &Path,
    order_id: &str,
) -> Result<Option<String>, SyncError> {
    let device = match Device::load(store, data_dir) {
        Ok(d) => d,
        Err(SyncError::NotEnrolled) => return Ok(None),
        Err(e) => return Err(e),
    };
    let Some(code) = store.sale(order_id)? else {
        return Ok(None);
    };
    let token = smartstore_protocol::receipt::sign(&device.key, &code);
    Ok(Some(format!(
        "{}{}{token}",
        device.platform_url.trim_end_matches('/'),
        smartstore_protocol::receipt::RECEIPT_PATH
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_is_alive_and_a_made_up_one_is_not() {
        let me = this_process();
        assert!(alive(&me), "{me}");
        let (pid, start) = me.split_once(':').expect("pid:start");
        assert!(!alive(&format!(
            "{pid}:{}",
            start.parse::<u64>().expect("n") + 1
        )));
        assert!(!alive("not-a-pid"));
        assert!(!alive(&format!("{}:1", u32::MAX)));
    }
}
