//! Taking goods back: a return against a receipt (this terminal's, or another terminal's of
//! the store read from its signed receipt code, verified offline), or a void of a sale of the
//! current day on this terminal. A supervisor approves; the refund goes back to the tenders
//! the sale used (code refunds through the platform, owed and retried until confirmed).

use std::path::Path;
use std::time::Duration;

use crate::staff::ApprovalRefusal;
use crate::store::{NewReturn, Store, StoreError};
use crate::sync::{Device, SyncError};
use smartstore_domain::checkout::Approval;
use smartstore_domain::gtin::Gtin;
use smartstore_domain::money::{Currency, Money};
use smartstore_domain::returns::{
    RefundTo, ReturnError, Sale, SoldLine, SoldTender, Wanted, plan_return,
};
use smartstore_protocol::receipt::{self, ReceiptCode, ReceiptRefusal};

/// A return of goods, or a void of the sale (all of it, or one line) in the same day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    Return,
    Void,
}

#[derive(Debug, thiserror::Error)]
pub enum ReturnRefusal {
    #[error("{0}")]
    Receipt(ReceiptRefusal),
    #[error(
        "receipt {0} is not one of this terminal's: scan the receipt's QR code (another terminal's receipt is read from it)"
    )]
    NotFound(String),
    #[error("this receipt is from store {store}: returns are taken at the store that sold")]
    OtherStore { store: String },
    #[error("{0}")]
    Plan(#[from] ReturnError),
    #[error(
        "receipt {receipt} is not from today on this terminal: its shift is over, so it cannot be voided; take a return instead"
    )]
    VoidAfterShift { receipt: String },
    #[error("{0}")]
    Approval(#[from] ApprovalRefusal),
    #[error("{0}")]
    Store(#[from] StoreError),
}

/// A refund as made: `done` (cash from the drawer, card by its reference, code confirmed),
/// `owed` (a code refund the platform has not confirmed yet: retried by sync) or `refused`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RefundMade {
    pub method: String,
    pub amount: i64,
    pub tender_reference: String,
    pub status: String,
}

/// What a return did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ReturnDone {
    pub return_id: String,
    pub reason: &'static str,
    pub order_id: String,
    pub receipt: String,
    pub total: i64,
    pub currency: String,
    pub approved_by: String,
    pub lines: Vec<smartstore_domain::returns::ReturnedLine>,
    pub refunds: Vec<RefundMade>,
}

/// The sale a scanned or typed receipt names: a signed receipt code (verified with the key of
/// the store's terminal that sold), or this terminal's receipt number.
pub fn find_sale(store: &Store, text: &str) -> Result<ReceiptCode, ReturnRefusal> {
    let token = receipt::token_of(text);
    let (own_store, _) = store.receipt_prefix()?;
    let code = if token.split('.').count() == 3 {
        // Another store's receipt is refused as such: its terminals' keys are not here.
        if let Some(other) = receipt::claimed_store(token).filter(|s| *s != own_store) {
            return Err(ReturnRefusal::OtherStore { store: other });
        }
        let key = match smartstore_protocol::jws::jws_kid(token) {
            Some(kid) => store.device_key(&kid)?,
            None => None,
        };
        receipt::verify(token, |_| key).map_err(ReturnRefusal::Receipt)?
    } else {
        store
            .sale(token)?
            .ok_or_else(|| ReturnRefusal::NotFound(token.chars().take(64).collect()))?
    };
    if code.store != own_store {
        return Err(ReturnRefusal::OtherStore { store: code.store });
    }
    Ok(code)
}

fn sale_of(code: &ReceiptCode) -> Result<Sale, ReturnRefusal> {
    let currency = Currency::parse(&code.currency).map_err(ReturnError::Money)?;
    let mut lines = Vec::new();
    for (gtin, quantity, unit) in &code.lines {
        let Ok(gtin) = Gtin::parse(gtin) else {
            continue;
        };
        lines.push(SoldLine {
            gtin,
            quantity: *quantity,
            unit_price: Money::new(*unit, currency),
        });
    }
    Ok(Sale {
        lines,
        tenders: code
            .tenders
            .iter()
            .map(|(method, amount, reference)| SoldTender {
                method: method.clone(),
                amount: Money::new(*amount, currency),
                reference: reference.clone(),
            })
            .collect(),
        subtotal: Money::new(code.subtotal, currency),
        total: Money::new(code.total, currency),
    })
}

/// Takes goods back from the sale `text` names. `wanted` empty with [`Reason::Void`]: the
/// whole sale. Nothing is stored when anything is refused.
#[allow(clippy::too_many_arguments)]
pub fn take_back(
    store: &mut Store,
    data_dir: &Path,
    text: &str,
    wanted: &[Wanted],
    to: RefundTo,
    approval: &Approval,
    reason: Reason,
    utc_offset: time::UtcOffset,
) -> Result<ReturnDone, ReturnRefusal> {
    let code = find_sale(store, text)?;
    let sale = sale_of(&code)?;
    let wanted: Vec<Wanted> = if wanted.is_empty() && reason == Reason::Void {
        let before = store.returned_before(&code.order_id)?;
        sale.lines
            .iter()
            .filter_map(|l| {
                let back = before.quantities.get(&l.gtin).copied().unwrap_or(0);
                (l.quantity > back).then_some(Wanted {
                    gtin: l.gtin,
                    quantity: l.quantity - back,
                    restock: true,
                })
            })
            .collect()
    } else {
        wanted.to_vec()
    };
    if reason == Reason::Void {
        let today = crate::shift::local_day(&crate::store::now_rfc3339(), utc_offset);
        if !store.sold_here(&code.order_id)?
            || crate::shift::local_day(&code.created_at, utc_offset) != today
            || today.is_none()
        {
            return Err(ReturnRefusal::VoidAfterShift {
                receipt: code.receipt,
            });
        }
    }
    crate::shift::ensure_open(store, sale.total.currency)?;
    let before = store.returned_before(&code.order_id)?;
    // A void gives back to the tenders the sale used, whatever was asked.
    let to = if reason == Reason::Void {
        RefundTo::Original
    } else {
        to
    };
    let plan = plan_return(&sale, &before, &wanted, to)?;
    let new = NewReturn {
        reason: match reason {
            Reason::Return => "return",
            Reason::Void => "void",
        },
        order_id: code.order_id.clone(),
        receipt: code.receipt.clone(),
        lines: plan.lines.clone(),
        refunds: plan.refunds.clone(),
        total: plan.total.minor,
        currency: code.currency.clone(),
        approved_by: approval.staff_id.clone(),
    };
    let stored = store.record_return(&new)?;
    tracing::info!(
        return_id = stored.return_id,
        receipt = code.receipt,
        total = plan.total.minor,
        "goods taken back"
    );
    // Code refunds at once when the platform answers; else owed, and sync makes them.
    if let Err(e) = settle_refunds(store, data_dir) {
        tracing::warn!("refund by code left for the next sync: {e}");
    }
    let statuses = store.refund_statuses(&stored.return_id)?;
    Ok(ReturnDone {
        return_id: stored.return_id,
        reason: new.reason,
        order_id: new.order_id,
        receipt: new.receipt,
        total: new.total,
        currency: new.currency,
        approved_by: new.approved_by,
        lines: new.lines,
        refunds: new
            .refunds
            .iter()
            .zip(statuses)
            .map(|(r, status)| RefundMade {
                method: r.method.clone(),
                amount: r.amount,
                tender_reference: r.tender_reference.clone(),
                status,
            })
            .collect(),
    })
}

/// Makes the refunds by code this terminal owes, each once (its reference is its idempotency
/// key at the platform). Returns how many were confirmed.
pub fn settle_refunds(store: &Store, data_dir: &Path) -> Result<u32, SyncError> {
    let owed = store.owed_refunds()?;
    if owed.is_empty() {
        return Ok(0);
    }
    let device = Device::load(store, data_dir)?;
    let client = device.client(Duration::from_secs(15))?;
    let mut done = 0;
    for r in owed {
        let req = smartstore_protocol::wire::RefundRequest {
            reference: r.reference.clone(),
            payment_reference: r.payment_reference.clone(),
            amount: r.amount,
            currency: r.currency.clone(),
        };
        match client.refund(&device.key, &req) {
            Ok(answer) => {
                store.settle_refund(&r.return_id, r.line_no, Some(&answer.refund_id))?;
                done += 1;
            }
            Err(e) if e.is_transient() => return Err(e),
            Err(e) => {
                // Refused for good (more than the payment has left, unknown payment): kept as
                // refused for doctor and the ledger; the clerk refunds otherwise.
                tracing::error!(reference = r.reference, "refund by code refused: {e}");
                store.settle_refund(&r.return_id, r.line_no, None)?;
            }
        }
    }
    Ok(done)
}
