//! The shift a sale or a return belongs to: the command line and the window open one with a
//! zero float when none is open (and say so), so nothing is sold outside a shift.

use crate::store::{OpenShift, Store, StoreError};
use smartstore_domain::money::{Currency, Money};
use smartstore_domain::shift::{ShiftError, ShiftReport};

/// Why a shift command was refused.
#[derive(Debug, thiserror::Error)]
pub enum ShiftRefusal {
    #[error("a shift is open already (since {since}): close it first")]
    AlreadyOpen { since: String },
    #[error("no shift is open: open one with its float first")]
    NoneOpen,
    #[error("{0}")]
    Shift(#[from] ShiftError),
    #[error("{0}")]
    Store(#[from] StoreError),
}

/// The open shift; when there is none, one is opened with a zero float (`Ok((shift, true))`).
pub fn ensure_open(store: &mut Store, currency: Currency) -> Result<(OpenShift, bool), StoreError> {
    if let Some(open) = store.open_shift()? {
        return Ok((open, false));
    }
    open_with_zero_float(store, "auto", currency)
}

/// Opens a shift with a zero float (`Ok((shift, true))`), or the one another process opened
/// between the two looks.
fn open_with_zero_float(
    store: &mut Store,
    by: &str,
    currency: Currency,
) -> Result<(OpenShift, bool), StoreError> {
    match store.start_shift(by, Money::new(0, currency), None)? {
        Some(open) => Ok((open, true)),
        None => store
            .open_shift()?
            .map(|o| (o, false))
            .ok_or_else(|| StoreError::Inconsistent("no open shift after opening one".into())),
    }
}

/// The store's local day of an RFC 3339 time (`offset`: the store's UTC offset).
pub fn local_day(t: &str, offset: time::UtcOffset) -> Option<time::Date> {
    time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339)
        .ok()
        .map(|t| t.to_offset(offset).date())
}

/// The kiosk's shift: one a day, which it opens itself. A shift still open from an earlier
/// local day is closed first, at the cash it expects (a kiosk has no drawer for anyone to
/// count: it takes payment codes and cards). `Ok((shift, true))` when a shift was opened.
pub fn ensure_today(
    store: &mut Store,
    currency: Currency,
    offset: time::UtcOffset,
    tax_rate_bp: Option<u32>,
) -> Result<(OpenShift, bool), StoreError> {
    let today = time::OffsetDateTime::now_utc().to_offset(offset).date();
    if let Some(open) = store.open_shift()? {
        if local_day(&open.opened_at, offset).is_some_and(|d| d >= today) {
            return Ok((open, false));
        }
        let expected = report_of(store, &open)?.expected_cash;
        store.close_shift(Money::new(expected, open.float.currency), tax_rate_bp)?;
        tracing::info!(shift = %open.shift_id, "the kiosk closed yesterday's shift");
    }
    open_with_zero_float(store, "kiosk", currency)
}

/// The report of the open shift `open` so far.
fn report_of(store: &Store, open: &OpenShift) -> Result<ShiftReport, StoreError> {
    let totals = store.shift_totals(&open.shift_id)?;
    Ok(ShiftReport::new(
        &open.shift_id,
        open.float.currency,
        &open.opened_at,
        None,
        &totals,
        None,
    ))
}

/// The open shift's X report (nothing changes).
pub fn x_report(store: &Store, tax_rate_bp: Option<u32>) -> Result<ShiftReport, ShiftRefusal> {
    let open = store.open_shift()?.ok_or(ShiftRefusal::NoneOpen)?;
    Ok(report_of(store, &open)?.with_tax(tax_rate_bp))
}

/// The most characters a cash movement's reason may have.
pub const MAX_REASON_CHARS: usize = 200;

/// Cash put into (`cash_in`) or taken out of the open shift's drawer, with its reason.
pub fn move_cash(
    store: &Store,
    cash_in: bool,
    amount: Money,
    reason: &str,
) -> Result<(), ShiftRefusal> {
    let open = store.open_shift()?.ok_or(ShiftRefusal::NoneOpen)?;
    let amount = smartstore_domain::shift::check_cash(amount)?;
    if amount.minor == 0 {
        return Err(ShiftError::ZeroMove.into());
    }
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > MAX_REASON_CHARS {
        return Err(ShiftError::NoReason.into());
    }
    store.move_cash(&open.shift_id, cash_in, amount, reason)?;
    Ok(())
}
