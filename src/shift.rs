//! The shift a sale or a return belongs to: the command line and the window open one with a
//! zero float when none is open (and say so), so nothing is sold outside a shift.

use crate::store::{OpenShift, Store, StoreError};
use smartstore_domain::money::Money;
use smartstore_domain::shift::ShiftError;

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
pub fn ensure_open(
    store: &mut Store,
    currency: smartstore_domain::money::Currency,
) -> Result<(OpenShift, bool), StoreError> {
    if let Some(open) = store.open_shift()? {
        return Ok((open, false));
    }
    match store.start_shift("auto", Money::new(0, currency), None)? {
        Some(open) => Ok((open, true)),
        // Another process opened one between the two looks.
        None => store
            .open_shift()?
            .map(|o| (o, false))
            .ok_or_else(|| StoreError::Inconsistent("no open shift after opening one".into())),
    }
}
