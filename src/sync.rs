//! The terminal's side of sync (docs/sync-protocol.md): enrolment, signed batch pushes with
//! exactly-once delivery through retries, and the pulls.

pub mod client;
pub mod engine;
pub mod pin;

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Serialize;
use uuid::Uuid;

pub use client::PlatformClient;
pub use pin::Trust;

use crate::store::{Store, StoreError};
use serde_json::value::RawValue;
use smartstore_domain::sync::{
    AckOutcome, MAX_BATCH_BYTES, MAX_BATCH_EVENTS, interpret_ack, next_batch,
};
use smartstore_protocol::jws::jws_sign;
use smartstore_protocol::keys::{KeyError, SigningKey};
use smartstore_protocol::wire::{
    BATCH_TYP, BatchEvent, BatchPayload, CatalogChange, EnrolRequest, EnrolResponse,
    MAX_EVENT_BYTES, Pickup, QUARANTINED_TYPE, Revocation,
};

pub const KEY_FILE: &str = "device.key";
/// The key of an enrolment under way: written before the token is sent, so a retry with the
/// same token sends the same key and gets the same identity back.
pub const PENDING_KEY_FILE: &str = "device.key.pending";

/// What the terminal was asking the platform for when it failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Enrolment,
    Push,
    Pull(String),
    Payment,
    Time,
    Claim,
    /// Relaying a call for assistance to the store's other terminals.
    Assist,
}

impl std::fmt::Display for Step {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Step::Enrolment => f.write_str("enrolment"),
            Step::Push => f.write_str("sending orders"),
            Step::Pull(kind) => write!(f, "pulling {kind}"),
            Step::Payment => f.write_str("payment"),
            Step::Time => f.write_str("clock"),
            Step::Claim => f.write_str("claiming a single-use code"),
            Step::Assist => f.write_str("relaying a call for assistance"),
        }
    }
}

/// Why a sync, an enrolment or a payment did not happen. The English here is for logs and the
/// command line's `--json`; screens render the variants through Fluent (`crate::i18n`).
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("this terminal is not enrolled")]
    NotEnrolled,
    #[error(
        "this terminal is already enrolled as device {device}; to enrol it again, start from a new data folder"
    )]
    AlreadyEnrolled { device: String },
    #[error(
        "this database holds {orders} orders from before enrolment (demo orders are never sent to the platform); \
         enrol from a new data folder, or move {} aside", path.display()
    )]
    OrdersBeforeEnrolment { orders: u64, path: PathBuf },
    #[error("'{url}' is not a platform URL (http:// or https://)")]
    BadUrl { url: String },
    /// Plain HTTP to another machine: anyone on the network could read and change it.
    #[error(
        "{url} is plain HTTP to another machine: use https:// (plain http:// only reaches this machine)"
    )]
    PlainHttp { url: String },
    /// HTTPS with nothing pinned.
    #[error(
        "{url}: no platform certificate is pinned; use an enrolment token that carries its fingerprint, or give --fingerprint"
    )]
    NoPin { url: String },
    /// The platform's certificate does not chain to the pinned root.
    #[error(
        "{step}: the platform's certificate is not the one this terminal pinned ({detail}); nothing was sent"
    )]
    Untrusted { step: Step, detail: String },
    /// Another terminal used this single-use coupon or pickup first.
    #[error("already used at terminal {terminal} of store {store} at {at}; nothing was stored")]
    AlreadyClaimed {
        store: String,
        terminal: String,
        at: String,
    },
    /// The key document is not signed by the pinned root (or not signed at all).
    #[error("the platform's key document is refused ({detail}); the keys held are kept")]
    ForgedKeys { detail: String },
    /// An HTTPS request answered in plain text: a downgrade on the way.
    #[error(
        "{step}: the platform's address answered without encryption where HTTPS was expected; nothing was sent"
    )]
    NotTls { step: Step },
    #[error("'{text}' is not a certificate fingerprint (64 hex digits)")]
    BadFingerprint { text: String },
    #[error(
        "the fingerprint typed differs from the one the enrolment token carries; nothing was sent"
    )]
    FingerprintMismatch,
    /// 401: the platform no longer knows this device.
    #[error(
        "the platform does not accept this terminal any more ({step}: {message}): re-enrol it with a new token"
    )]
    ReEnrol { step: Step, message: String },
    /// Any other 4xx: the request itself is refused; retrying will not help.
    #[error("{step}: the platform answered {status}: {message}")]
    Refused {
        step: Step,
        status: u16,
        message: String,
    },
    /// Worth retrying: no connection, a timeout, an answer cut off.
    #[error("{step}: {detail}")]
    Unreachable { step: Step, detail: String },
    /// Worth retrying: 5xx, 408, 429.
    #[error("{step}: the platform answered {status}: {message}")]
    ServerError {
        step: Step,
        status: u16,
        message: String,
    },
    /// Worth retrying: a 503 of the platform whose database cannot take the request now
    /// (`storage_*`: down, read-only, full, busy); nothing of it was stored there.
    #[error("{step}: the platform answered 503: {message}")]
    PlatformStorage {
        step: Step,
        fault: PlatformStorage,
        message: String,
    },
    /// Worth retrying: an answer that does not parse.
    #[error("{step}: the platform's answer is not understood ({detail})")]
    BadAnswer { step: Step, detail: String },
    /// The platform stored none of a batch and holds nothing new: wait, then resend.
    #[error("the platform holds only up to {held}; will resend")]
    Stalled { held: u64 },
    /// 409: the platform holds another event under one of this terminal's sequence numbers.
    #[error(
        "the platform already holds a different event number {seq} from this terminal: its database \
         was restored from a backup or copied from another terminal. Orders are kept here but not \
         sent; get a new enrolment token for this store and run `smartstore recover --token TOKEN`"
    )]
    SequenceConflict { seq: u64 },
    /// 422: the platform refuses one event for its content (it is set aside).
    #[error("the platform refuses event {seq}: {reason}")]
    EventRefused { seq: u64, reason: String },
    /// 401 because the clocks differ, not because the device is unknown.
    #[error(
        "this terminal's clock is {} s {} the platform's: set the date and time (or turn on network time); orders are safe here",
        offset.unsigned_abs(), if *offset > 0 { "ahead of" } else { "behind" }
    )]
    ClockSkew {
        /// Seconds the terminal's clock is ahead of the platform's (negative: behind).
        offset: i64,
    },
    /// Recovery with a token of another store.
    #[error("this enrolment token is for another store ({message}); nothing was changed")]
    WrongStore { message: String },
    /// The enrolment token's validity is over.
    #[error("this enrolment token has expired: ask the platform for a new one")]
    TokenExpired,
    /// The platform refuses a payment reference already used for another payment.
    #[error(
        "the platform refused the payment: its reference was used for another payment; nothing was charged"
    )]
    PaymentReferenceConflict,
    /// Recovery of a terminal that was never enrolled.
    #[error("this terminal is not enrolled, so there is nothing to recover: enrol it instead")]
    NothingToRecover,
    #[error(
        "payment by code needs an enrolled terminal that is online: take cash or card, or pay later"
    )]
    PaymentNeedsPlatform,
    #[error("payment by code needs the platform online: take cash or card, or pay later")]
    PaymentOffline,
    #[error("payment declined: {}", reason.as_deref().unwrap_or("no reason given"))]
    PaymentDeclined { reason: Option<String> },
    /// The platform's answer to a charge was lost: the charge may or may not stand. The same
    /// tender retried asks again under the same reference, never charging twice.
    #[error(
        "the platform's answer to the payment was lost: press Pay again to ask once more (the shopper is not charged twice), or void the sale"
    )]
    PaymentAnswerLost,
    /// The charge was voided (given back) before it could stand.
    #[error("this payment was cancelled and given back: take the payment again")]
    PaymentVoided,
    /// No charge with this reference reached the platform.
    #[error("no payment with this reference reached the platform")]
    PaymentUnknown,
    /// Earlier charges whose answers were lost are not settled yet: nothing more is charged by
    /// code until they are.
    #[error(
        "{count} earlier payment(s) by code are not settled with the platform yet, which cannot be reached: take cash or card, or try again when online"
    )]
    PaymentsUnreconciled { count: usize },
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Why the platform's database could not take a request (its 503 answer's `error` code).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlatformStorage {
    Unavailable,
    ReadOnly,
    Full,
    Busy,
}

impl PlatformStorage {
    /// The fault a 503 answer's `error` code names, if it names one.
    pub fn from_code(code: &str) -> Option<PlatformStorage> {
        use smartstore_protocol::wire::error_code;
        Some(match code {
            error_code::STORAGE_UNAVAILABLE => PlatformStorage::Unavailable,
            error_code::STORAGE_READ_ONLY => PlatformStorage::ReadOnly,
            error_code::STORAGE_FULL => PlatformStorage::Full,
            error_code::STORAGE_BUSY => PlatformStorage::Busy,
            _ => return None,
        })
    }
}

impl SyncError {
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            SyncError::Unreachable { .. }
                | SyncError::ServerError { .. }
                | SyncError::PlatformStorage { .. }
                | SyncError::BadAnswer { .. }
                | SyncError::Stalled { .. }
        )
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
    /// How the platform is trusted: the CA kept at enrolment, if it was over HTTPS.
    pub trust: Trust,
}

impl Device {
    pub fn load(store: &Store, data_dir: &Path) -> Result<Device, SyncError> {
        let (Some(device_id), Some(platform_url)) =
            (store.meta("device_id")?, store.meta("platform_url")?)
        else {
            return Err(SyncError::NotEnrolled);
        };
        let key = SigningKey::load(&key_path(data_dir), &device_id)?;
        Ok(Device {
            platform_url,
            key,
            trust: stored_trust(store)?,
        })
    }

    /// A client for this device's platform, trusted as at enrolment.
    pub fn client(&self, timeout: Duration) -> Result<PlatformClient, SyncError> {
        PlatformClient::with_trust(&self.platform_url, timeout, self.trust.clone())
    }
}

/// The CA kept at enrolment (`meta.platform_ca`, base64url DER), if any.
pub fn stored_trust(store: &Store) -> Result<Trust, SyncError> {
    Ok(match store.meta("platform_ca")? {
        Some(text) => Trust::Ca(smartstore_protocol::keys::unb64(&text).ok_or_else(|| {
            StoreError::Inconsistent("the kept platform certificate is not base64".into())
        })?),
        None => Trust::None,
    })
}

/// The trust of an enrolment: the fingerprint the token carries, or the one typed; both must
/// agree when both are given.
pub fn enrolment_trust(token: &str, typed: Option<&str>) -> Result<Trust, SyncError> {
    let carried = smartstore_protocol::wire::split_token(token).1;
    let norm = |t: &str| {
        pin::normalise_fingerprint(t).ok_or_else(|| SyncError::BadFingerprint {
            text: t.chars().take(80).collect(),
        })
    };
    Ok(
        match (carried.map(norm).transpose()?, typed.map(norm).transpose()?) {
            (Some(a), Some(b)) if a != b => {
                return Err(SyncError::FingerprintMismatch);
            }
            (Some(fp), _) | (None, Some(fp)) => Trust::Fingerprint(fp),
            (None, None) => Trust::None,
        },
    )
}

/// Enrols this terminal with a one-time token. The key is written (0600) before the token is
/// sent and the enrolment recorded after the device key is saved, so an enrolled terminal
/// always has its key, and a retry after any failure (a full disk, say) with the same token
/// gets the same identity instead of burning the token.
pub fn enroll(
    store: &mut Store,
    data_dir: &Path,
    client: &PlatformClient,
    token: &str,
) -> Result<EnrolResponse, SyncError> {
    if let Some(device) = store.meta("device_id")? {
        return Err(SyncError::AlreadyEnrolled { device });
    }
    let orders = store.order_count()?;
    if orders > 0 {
        return Err(SyncError::OrdersBeforeEnrolment {
            orders,
            path: store.path().to_owned(),
        });
    }
    let (_key, resp) = enrol_key(data_dir, client, token, None, None)?;
    store.record_enrolment(client.base_url(), &resp, client.pinned_ca().as_deref())?;
    forget_pending(data_dir);
    Ok(resp)
}

/// Sends the enrolment with the pending key (made and saved first when there is none), then
/// saves the device key under its new identity. The old key, if any, is kept beside it.
fn enrol_key(
    data_dir: &Path,
    client: &PlatformClient,
    token: &str,
    store_id: Option<String>,
    replaces: Option<String>,
) -> Result<(SigningKey, EnrolResponse), SyncError> {
    std::fs::create_dir_all(data_dir).map_err(|e| KeyError::Io {
        path: data_dir.to_owned(),
        kind: e.kind(),
        detail: e.to_string(),
    })?;
    let pending = data_dir.join(PENDING_KEY_FILE);
    let key = match SigningKey::load(&pending, "pending") {
        Ok(k) => k,
        Err(KeyError::Missing { .. }) => {
            let k = SigningKey::generate("pending")?;
            k.save(&pending)?;
            k
        }
        Err(e) => return Err(e.into()),
    };
    let resp = client.enrol(&EnrolRequest {
        token: token.trim().to_owned(),
        public_key: key.jwk(),
        store_id,
        replaces: replaces.clone(),
    })?;
    let key = SigningKey::from_pkcs8(key.pkcs8(), &resp.device_id)?;
    let path = key_path(data_dir);
    if let Some(old) = replaces.filter(|_| path.exists()) {
        // Nothing is overwritten: the key of the identity left behind stays, renamed.
        let kept = data_dir.join(format!("{KEY_FILE}.{old}"));
        std::fs::rename(&path, &kept).map_err(|e| KeyError::io(&kept, &e))?;
    }
    key.save(&path)?;
    Ok((key, resp))
}

fn forget_pending(data_dir: &Path) {
    let _ = std::fs::remove_file(data_dir.join(PENDING_KEY_FILE));
}

/// What `recover` did.
#[derive(Debug, Clone, Serialize)]
pub struct Recovery {
    pub old_device: String,
    pub device_id: String,
    pub terminal_id: String,
    pub receipt_prefix: String,
    /// Events this terminal holds; all are sent again under the new identity, and the
    /// platform stores each once (by event id).
    pub events: u64,
}

/// Moves an enrolled terminal whose sequence numbers the platform found reused (a restored
/// or cloned database) to a new device identity with a fresh enrolment token of the same
/// store; the next sync re-sends every event, and the platform keeps what it lacks.
pub fn recover(
    store: &mut Store,
    data_dir: &Path,
    client: &PlatformClient,
    token: &str,
) -> Result<Recovery, SyncError> {
    let Some(old_device) = store.meta("device_id")? else {
        return Err(SyncError::NothingToRecover);
    };
    let store_id = store.meta("store_id")?;
    let (_key, resp) = enrol_key(data_dir, client, token, store_id, Some(old_device.clone()))?;
    store.record_recovery(client.base_url(), &resp, client.pinned_ca().as_deref())?;
    forget_pending(data_dir);
    Ok(Recovery {
        old_device,
        device_id: resp.device_id,
        terminal_id: resp.terminal_id,
        receipt_prefix: resp.receipt_prefix,
        events: store.last_seq()?,
    })
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct SyncReport {
    /// Platform keys retired or revoked since the keys held before this pass.
    pub keys_retired: usize,
    pub keys_revoked: usize,
    pub batches: u32,
    pub pushed: u64,
    /// Events set aside in this pass (the platform refused their content).
    pub quarantined: u64,
    pub held_seq: u64,
    pub catalog: usize,
    pub pickups: usize,
    pub revocations: usize,
    /// Members of staff added or changed.
    pub staff: usize,
    /// Returns of the store's terminals the platform reported.
    pub returns: usize,
    /// Online orders routed to this store, new or changed.
    pub online_orders: usize,
    /// Magic Mirror lists (and withdrawals) received.
    pub recommendations: usize,
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
    // The batch document of docs/sync-protocol.md, through the protocol's own types: each
    // event's body is the JSON this terminal stored in its outbox, carried as raw JSON (checked,
    // not parsed into a tree and written again).
    let mut events = Vec::with_capacity(rows.len());
    let mut bytes = 0;
    for mut row in rows {
        if row.quarantined.is_none() && row.payload.len() > MAX_EVENT_BYTES {
            // Larger than the platform accepts: set aside here instead of being refused there.
            let reason = format!(
                "the event is {} bytes; the platform accepts at most {MAX_EVENT_BYTES}",
                row.payload.len()
            );
            store.quarantine(row.seq, &reason)?;
            row.quarantined = Some(reason);
        }
        let (kind, payload) = match &row.quarantined {
            Some(reason) => (QUARANTINED_TYPE.to_owned(), placeholder(&row, reason)?),
            None => (row.kind, row.payload),
        };
        if bytes + payload.len() > MAX_BATCH_BYTES && !events.is_empty() {
            break;
        }
        bytes += payload.len();
        let body = RawValue::from_string(payload).map_err(|e| {
            StoreError::Inconsistent(format!("outbox event {} is not JSON: {e}", row.seq))
        })?;
        events.push(BatchEvent {
            seq: row.seq,
            event_id: row.event_id,
            kind,
            order_id: row.order_id,
            created_at: row.created_at,
            body,
        });
    }
    let Some(last_seq) = events.last().map(|e| e.seq) else {
        return Ok(None);
    };
    let payload = BatchPayload {
        device_id: key.kid.clone(),
        batch_id: Uuid::now_v7().to_string(),
        first_seq: first,
        last_seq,
        events,
    };
    let json = serde_json::to_vec(&payload).map_err(|e| StoreError::Inconsistent(e.to_string()))?;
    Ok(Some((jws_sign(key, Some(BATCH_TYP), &json), last_seq)))
}

/// What the platform receives in place of an event set aside: enough to see that something
/// was held back and to ask the terminal for it (the event stays in the terminal's outbox).
fn placeholder(row: &crate::store::OutboxEvent, reason: &str) -> Result<String, StoreError> {
    serde_json::to_string(&serde_json::json!({
        "event_id": row.event_id,
        "type": row.kind,
        "order_id": row.order_id,
        "created_at": row.created_at,
        "bytes": row.payload.len(),
        "reason": reason,
    }))
    .map_err(|e| StoreError::Inconsistent(e.to_string()))
}

/// Pushes every queued event, then runs the pulls. One pass; the caller retries.
pub fn sync_once(
    store: &mut Store,
    client: &PlatformClient,
    key: &SigningKey,
    max_events: u32,
) -> Result<SyncReport, SyncError> {
    let mut report = SyncReport::default();
    let mut max_events = max_events.clamp(1, MAX_BATCH_EVENTS);
    loop {
        if let Some(seq) = store.sequence_conflict()? {
            // Nothing more is sent under an identity whose numbers were reused.
            return Err(SyncError::SequenceConflict { seq });
        }
        let acked = store.acked_seq()?;
        let Some((jws, last_sent)) = build_batch(store, key, acked, max_events)? else {
            report.held_seq = acked;
            break;
        };
        let ack = match client.push(key, jws) {
            Ok(ack) => ack,
            Err(SyncError::SequenceConflict { seq }) => {
                store.record_sequence_conflict(seq)?;
                return Err(SyncError::SequenceConflict { seq });
            }
            // One event refused for its content: set it aside, send the rest.
            Err(SyncError::EventRefused { seq, reason }) if seq > acked && seq <= last_sent => {
                tracing::warn!(seq, "the platform refuses event {seq}: {reason}; set aside");
                store.quarantine(seq, &reason)?;
                report.quarantined += 1;
                continue;
            }
            // The batch is larger than the platform takes: smaller batches, down to one event,
            // and one event alone too large is set aside.
            Err(SyncError::Refused { status: 413, .. }) if max_events > 1 => {
                max_events = (max_events / 2).max(1);
                continue;
            }
            Err(SyncError::Refused {
                status: 413,
                message,
                ..
            }) => {
                store.quarantine(acked + 1, &format!("too large for the platform: {message}"))?;
                report.quarantined += 1;
                continue;
            }
            Err(e) => return Err(e),
        };
        report.batches += 1;
        match interpret_ack(acked, last_sent, ack.held_seq) {
            AckOutcome::Advanced { held } => {
                report.pushed += held.saturating_sub(acked);
                store.mark_acked(held)?;
                if held < last_sent && held == acked {
                    // The platform stored none of it and holds nothing new: do not spin.
                    return Err(SyncError::Stalled { held });
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
            AckOutcome::Ahead { held } if held <= store.last_seq()? => {
                // Another sync of this terminal (the window and `smartstore sync` at once) sent
                // more: go on from here, and the platform checks each of the next events
                // against what it holds (a reused number is a conflict, not an ack).
                store.mark_acked(last_sent)?;
            }
            AckOutcome::Ahead { held } => {
                // The platform holds more from this identity than this terminal ever made: a
                // restored backup or a copy. Its next event would reuse a number the platform
                // holds, so it is the same conflict, caught before another order is made.
                let seq = store.last_seq()? + 1;
                tracing::warn!(held, seq, "the platform is ahead of this terminal");
                store.record_sequence_conflict(seq)?;
                return Err(SyncError::SequenceConflict { seq });
            }
        }
    }
    report.catalog =
        pull_all::<CatalogChange>(store, client, key, "catalog", Store::apply_catalog_changes)?;
    report.pickups = pull_all::<Pickup>(store, client, key, "pickups", Store::save_pickups)?;
    report.revocations =
        pull_all::<Revocation>(store, client, key, "revocations", Store::save_revocations)?;
    report.staff = pull_all(store, client, key, "staff", Store::save_staff)?;
    pull_all(store, client, key, "devices", Store::save_device_keys)?;
    report.returns = pull_all(store, client, key, "returns", Store::save_known_returns)?;
    report.online_orders = pull_all(
        store,
        client,
        key,
        "online-orders",
        Store::save_online_orders,
    )?;
    // After the push above: the platform's figures already hold what it acknowledged.
    pull_all(
        store,
        client,
        key,
        smartstore_protocol::online::STOCK_PULL,
        Store::apply_stock_figures,
    )?;
    // Magic Mirror's lists; a platform older than them has no such pull, and nothing else of
    // the pass depends on them.
    match pull_all(
        store,
        client,
        key,
        smartstore_protocol::wire::RECOMMENDATIONS_PULL,
        Store::save_recommendations,
    ) {
        Err(SyncError::Refused { status: 404, .. }) => {
            tracing::info!("the platform has no recommendations pull: Magic Mirror shows nothing")
        }
        other => report.recommendations = other?,
    }
    let set = client.keys()?;
    let (retired, revoked) = standing_changes(store.meta("platform_keys")?.as_deref(), &set);
    if retired + revoked > 0 {
        tracing::warn!(
            retired,
            revoked,
            "platform keys retired or revoked: codes they signed are refused as the platform says"
        );
    }
    report.keys_retired = retired;
    report.keys_revoked = revoked;
    store.set_meta(
        "platform_keys",
        &serde_json::to_string(&set).map_err(|e| StoreError::Inconsistent(e.to_string()))?,
    )?;
    // What the platform flagged for this store (a single-use code or pickup used twice, a
    // receipt issued twice): doctor shows the count on every terminal of the store.
    let conflicts = client.conflicts(key)?;
    store.set_meta("store_conflicts", &conflicts.to_string())?;
    store.record_sync_ok()?;
    Ok(report)
}

/// How many keys of `new` are retired or revoked and were not so in the set held before.
fn standing_changes(held: Option<&str>, new: &smartstore_protocol::keys::JwkSet) -> (usize, usize) {
    use smartstore_protocol::keys::{JwkSet, KeyStatus};
    let before: JwkSet = held
        .and_then(|h| serde_json::from_str(h).ok())
        .unwrap_or_default();
    let was = |kid: &Option<String>| {
        before
            .keys
            .iter()
            .find(|k| k.kid == *kid)
            .and_then(|k| k.status)
            .unwrap_or_default()
    };
    let mut changes = (0, 0);
    for k in &new.keys {
        match (k.status.unwrap_or_default(), was(&k.kid)) {
            (KeyStatus::Retired, KeyStatus::Active) => changes.0 += 1,
            (KeyStatus::Revoked, s) if s != KeyStatus::Revoked => changes.1 += 1,
            _ => {}
        }
    }
    changes
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

/// Claims a single-use coupon or a pickup at the platform before this terminal accepts it:
/// the first claim wins across the store's terminals. A terminal that is not enrolled, or
/// cannot reach the platform within a few seconds, accepts on its own rule (the platform
/// flags a second use when the events arrive).
pub fn claim_single_use(
    store: &Store,
    data_dir: &Path,
    kind: smartstore_protocol::wire::ClaimKind,
    id: &str,
) -> Result<(), SyncError> {
    let device = match Device::load(store, data_dir) {
        Ok(d) => d,
        Err(SyncError::NotEnrolled) => return Ok(()),
        Err(e) => return Err(e),
    };
    let client = device.client(Duration::from_secs(3))?;
    match client.claim(&device.key, kind, id) {
        Ok(_) => Ok(()),
        Err(e @ SyncError::AlreadyClaimed { .. }) => Err(e),
        Err(e) if e.is_transient() => {
            tracing::warn!(
                "claim of {} {id} not made ({e}): accepted offline",
                kind.as_str()
            );
            Ok(())
        }
        Err(e) => Err(e),
    }
}
