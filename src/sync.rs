//! The terminal's side of sync (docs/sync-protocol.md): enrolment, signed batch pushes with
//! exactly-once delivery through retries, and the pulls.

pub mod client;

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Serialize;
use uuid::Uuid;

pub use client::PlatformClient;

use crate::crypto::{KeyError, SigningKey, jws_sign};
use crate::domain::sync::{
    AckOutcome, MAX_BATCH_BYTES, MAX_BATCH_EVENTS, backoff_ms, interpret_ack, next_batch,
};
use crate::protocol::{BATCH_TYP, CatalogChange, EnrolRequest, EnrolResponse, Pickup, Revocation};
use crate::store::{Store, StoreError};

pub const KEY_FILE: &str = "device.key";

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("this terminal is not enrolled: run `smartstore enroll --platform URL --token TOKEN`")]
    NotEnrolled,
    #[error(
        "the platform does not accept this terminal any more ({0}): re-enrol it with a new token"
    )]
    ReEnrol(String),
    #[error("{0}")]
    Refused(String),
    /// Worth retrying: timeouts, resets, 5xx.
    #[error("{0}")]
    Network(String),
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl SyncError {
    pub fn is_transient(&self) -> bool {
        matches!(self, SyncError::Network(_))
    }
}

pub fn key_path(data_dir: &Path) -> PathBuf {
    data_dir.join(KEY_FILE)
}

/// An enrolled terminal: where its platform is and the key it signs with.
#[derive(Debug)]
pub struct Device {
    pub platform_url: String,
    pub key: SigningKey,
}

impl Device {
    pub fn load(store: &Store, data_dir: &Path) -> Result<Device, SyncError> {
        let (Some(device_id), Some(platform_url)) =
            (store.meta("device_id")?, store.meta("platform_url")?)
        else {
            return Err(SyncError::NotEnrolled);
        };
        let key = SigningKey::load(&key_path(data_dir), &device_id)?;
        Ok(Device { platform_url, key })
    }
}

/// Enrols this terminal with a one-time token. The private key is written (0600) before the
/// enrolment is recorded, so an enrolled terminal always has its key.
pub fn enroll(
    store: &mut Store,
    data_dir: &Path,
    client: &PlatformClient,
    token: &str,
) -> Result<EnrolResponse, SyncError> {
    if let Some(device) = store.meta("device_id")? {
        return Err(SyncError::Refused(format!(
            "this terminal is already enrolled as device {device}; to enrol it again, start from a new --data-dir"
        )));
    }
    let orders = store.order_count()?;
    if orders > 0 {
        return Err(SyncError::Refused(format!(
            "this database holds {orders} orders from before enrolment (demo orders are never sent to the platform); \
             enrol with a new --data-dir, or move {} aside",
            store.path().display()
        )));
    }
    let key = SigningKey::generate("pending")?;
    let resp = client.enrol(&EnrolRequest {
        token: token.trim().to_owned(),
        public_key: key.jwk(),
    })?;
    let key = SigningKey::from_pkcs8(key.pkcs8(), &resp.device_id)
        .ok_or_else(|| SyncError::Refused("the new key could not be re-read".into()))?;
    std::fs::create_dir_all(data_dir).map_err(|source| KeyError::Io {
        path: data_dir.to_owned(),
        source,
    })?;
    key.save(&key_path(data_dir))?;
    store.record_enrolment(client.base_url(), &resp)?;
    Ok(resp)
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct SyncReport {
    pub batches: u32,
    pub pushed: u64,
    pub held_seq: u64,
    pub catalog: usize,
    pub pickups: usize,
    pub revocations: usize,
}

/// Builds the signed batch `first..=last` (fewer events if the bytes bound is reached first).
pub fn build_batch(
    store: &Store,
    key: &SigningKey,
    acked: u64,
    max_events: u32,
) -> Result<Option<(String, u64)>, SyncError> {
    let Some((first, last)) = next_batch(acked, store.last_seq()?, max_events) else {
        return Ok(None);
    };
    let rows = store.outbox_after(first - 1, (last - first + 1) as u32)?;
    let quoted =
        |s: &str| serde_json::to_string(s).map_err(|e| StoreError::Inconsistent(e.to_string()));
    // The batch document of docs/sync-protocol.md, written directly: each event's body is the
    // JSON this terminal stored in its outbox, embedded as it is (no parse, no copy through a
    // value tree). `tests/sync.rs` and the hub parse it with the protocol's types.
    let mut events = String::with_capacity(rows.iter().map(|r| r.payload.len() + 200).sum());
    let mut last_seq = None;
    for row in &rows {
        if events.len() + row.payload.len() > MAX_BATCH_BYTES && last_seq.is_some() {
            break;
        }
        if last_seq.is_some() {
            events.push(',');
        }
        events.push_str(&format!(
            "{{\"seq\":{},\"event_id\":{},\"type\":{},{}\"created_at\":{},\"body\":",
            row.seq,
            quoted(&row.event_id)?,
            quoted(&row.kind)?,
            match &row.order_id {
                Some(o) => format!("\"order_id\":{},", quoted(o)?),
                None => String::new(),
            },
            quoted(&row.created_at)?,
        ));
        events.push_str(&row.payload);
        events.push('}');
        last_seq = Some(row.seq);
    }
    let Some(last_seq) = last_seq else {
        return Ok(None);
    };
    let json = format!(
        "{{\"device_id\":{},\"batch_id\":{},\"first_seq\":{first},\"last_seq\":{last_seq},\"events\":[{events}]}}",
        quoted(&key.kid)?,
        quoted(&Uuid::now_v7().to_string())?,
    );
    Ok(Some((
        jws_sign(key, Some(BATCH_TYP), json.as_bytes()),
        last_seq,
    )))
}

/// Pushes every queued event, then runs the pulls. One pass; the caller retries.
pub fn sync_once(
    store: &mut Store,
    client: &PlatformClient,
    key: &SigningKey,
    max_events: u32,
) -> Result<SyncReport, SyncError> {
    let mut report = SyncReport::default();
    let max_events = max_events.clamp(1, MAX_BATCH_EVENTS);
    loop {
        let acked = store.acked_seq()?;
        let Some((jws, last_sent)) = build_batch(store, key, acked, max_events)? else {
            report.held_seq = acked;
            break;
        };
        let ack = client.push(jws)?;
        report.batches += 1;
        match interpret_ack(acked, last_sent, ack.held_seq) {
            AckOutcome::Advanced { held } => {
                report.pushed += held.saturating_sub(acked);
                store.mark_acked(held)?;
                if held < last_sent && held == acked {
                    // The platform stored none of it and holds nothing new: do not spin.
                    return Err(SyncError::Network(format!(
                        "the platform holds only up to {held}; will resend"
                    )));
                }
            }
            AckOutcome::Behind { held } => {
                tracing::warn!(
                    held,
                    acked,
                    "the platform holds less than it confirmed; resending"
                );
                store.rewind_acked(held)?;
            }
            AckOutcome::Ahead { held } => {
                return Err(SyncError::Refused(format!(
                    "the platform holds events up to {held} from this device, more than this terminal has: \
                     was this database restored from a backup or copied to another terminal?"
                )));
            }
        }
    }
    report.catalog =
        pull_all::<CatalogChange>(store, client, key, "catalog", Store::apply_catalog_changes)?;
    report.pickups = pull_all::<Pickup>(store, client, key, "pickups", Store::save_pickups)?;
    report.revocations =
        pull_all::<Revocation>(store, client, key, "revocations", Store::save_revocations)?;
    let keys = client.pull::<crate::crypto::Jwk>(key, "keys", 0)?;
    let set = crate::crypto::JwkSet { keys: keys.items };
    store.set_meta(
        "platform_keys",
        &serde_json::to_string(&set).map_err(|e| StoreError::Inconsistent(e.to_string()))?,
    )?;
    store.record_sync_ok()?;
    Ok(report)
}

/// Pulls every page of `kind` from the stored cursor on; `save` stores a page and its cursor in
/// one transaction. Returns how many items came.
fn pull_all<T: serde::de::DeserializeOwned>(
    store: &mut Store,
    client: &PlatformClient,
    key: &SigningKey,
    kind: &str,
    save: fn(&mut Store, &[T], u64) -> Result<(), StoreError>,
) -> Result<usize, SyncError> {
    let mut cursor = store.cursor(kind)?;
    let mut count = 0;
    loop {
        let page = client.pull::<T>(key, kind, cursor)?;
        count += page.items.len();
        save(store, &page.items, page.cursor)?;
        cursor = page.cursor;
        if !page.more {
            return Ok(count);
        }
    }
}

/// Captures a payment by shopper code online, before the order is committed (a fresh
/// reference, so the platform never charges a retry twice). Returns the payment id.
pub fn capture_payment(
    store: &Store,
    data_dir: &Path,
    digits: &str,
    total: crate::domain::money::Money,
) -> Result<String, SyncError> {
    const OFFLINE: &str =
        "payment by code needs the platform online: take cash or card, or pay later";
    let device = match Device::load(store, data_dir) {
        Ok(d) => d,
        Err(SyncError::NotEnrolled) => {
            return Err(SyncError::Refused(format!(
                "this terminal is not enrolled, so {OFFLINE}"
            )));
        }
        Err(e) => return Err(e),
    };
    let client = PlatformClient::new(&device.platform_url, Duration::from_secs(15))?;
    let req = crate::protocol::PaymentRequest {
        code: digits.to_owned(),
        amount: total.minor,
        currency: total.currency.code().to_owned(),
        reference: Uuid::now_v7().to_string(),
    };
    match client.pay(&device.key, &req) {
        Ok(r) if r.status == "approved" => {
            tracing::info!(payment = r.payment_id, "payment approved");
            Ok(r.payment_id)
        }
        Ok(r) => Err(SyncError::Refused(format!(
            "payment declined: {}",
            r.reason.unwrap_or_else(|| "no reason given".into())
        ))),
        Err(e) if e.is_transient() => Err(SyncError::Network(format!("{e}: {OFFLINE}"))),
        Err(e) => Err(e),
    }
}

/// `sync_once`, retried with exponential backoff and jitter while the failure is transient,
/// at most `attempts` times in a row without progress (a pass that moved the platform's mark
/// starts the count again). Records the last error for the status bar.
pub fn sync_with_retries(
    store: &mut Store,
    client: &PlatformClient,
    key: &SigningKey,
    max_events: u32,
    attempts: u32,
    backoff: (Duration, Duration),
) -> Result<SyncReport, SyncError> {
    let (base, cap) = backoff;
    let mut rng = fastrand::Rng::new();
    let mut attempt = 0;
    loop {
        let acked_before = store.sync_status()?.acked_seq;
        match sync_once(store, client, key, max_events) {
            Ok(r) => return Ok(r),
            Err(e) => {
                let _ = store.record_sync_error(&e.to_string());
                if store.sync_status()?.acked_seq > acked_before {
                    attempt = 0;
                }
                attempt += 1;
                if !e.is_transient() || attempt >= attempts {
                    return Err(e);
                }
                let wait = backoff_ms(
                    attempt - 1,
                    base.as_millis() as u64,
                    cap.as_millis() as u64,
                    rng.f64(),
                );
                tracing::info!(attempt, wait_ms = wait, "sync failed, retrying: {e}");
                std::thread::sleep(Duration::from_millis(wait));
            }
        }
    }
}
