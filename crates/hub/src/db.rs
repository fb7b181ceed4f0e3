//! The platform's SQLite database.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use smartstore_sqlite::{MigrateError, Migration};
use uuid::Uuid;

use smartstore_domain::money::Currency;
use smartstore_protocol::catalog_csv::{self, CatalogRefusal, ImportFailure};
use smartstore_protocol::events::EventKind;
use smartstore_protocol::events::OrderPlaced;
use smartstore_protocol::events::PlacedView;
use smartstore_protocol::keys::{Jwk, JwkSet, KeyStatus, SigningKey, b64};
use smartstore_protocol::wire::{
    BatchEvent, BatchPayload, CatalogChange, EnrolRequest, EnrolResponse, MAX_EVENT_BYTES, Pickup,
    PickupLine, Revocation,
};

const MIGRATIONS: &[Migration] = &[
    Migration {
        name: "hub/0001_hub",
        sql: include_str!("../../../migrations/hub/0001_hub.sql"),
    },
    Migration {
        name: "hub/0002_redemptions",
        sql: include_str!("../../../migrations/hub/0002_redemptions.sql"),
    },
    Migration {
        name: "hub/0003_recovery",
        sql: include_str!("../../../migrations/hub/0003_recovery.sql"),
    },
    Migration {
        name: "hub/0004_tokens",
        sql: include_str!("../../../migrations/hub/0004_tokens.sql"),
    },
    Migration {
        name: "hub/0005_key_standing",
        sql: include_str!("../../../migrations/hub/0005_key_standing.sql"),
    },
    Migration {
        name: "hub/0006_claims",
        sql: include_str!("../../../migrations/hub/0006_claims.sql"),
    },
    Migration {
        name: "hub/0007_payment_voids",
        sql: include_str!("../../../migrations/hub/0007_payment_voids.sql"),
    },
    Migration {
        name: "hub/0008_staff_returns",
        sql: include_str!("../../../migrations/hub/0008_staff_returns.sql"),
    },
    Migration {
        name: "hub/0009_assist",
        sql: include_str!("../../../migrations/hub/0009_assist.sql"),
    },
    Migration {
        name: "hub/0010_online",
        sql: include_str!("../../../migrations/hub/0010_online.sql"),
    },
    Migration {
        name: "hub/0011_magic_mirror",
        sql: include_str!("../../../migrations/hub/0011_magic_mirror.sql"),
    },
];

mod mirror;
mod online;

/// One payment at the platform, as `smartstore-hub payments --json` prints it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PaymentRow {
    pub reference: String,
    pub device: String,
    pub payment_id: String,
    /// The shopper's payment code; empty for a tombstone (voided before the charge arrived).
    pub code: String,
    /// Minor units.
    pub amount: i64,
    pub currency: String,
    /// `approved`, `declined` or `voided`.
    pub status: String,
    pub reason: Option<String>,
    pub created_at: String,
    pub voided_at: Option<String>,
}

/// One order in the platform's ledger (`smartstore-hub ledger --json`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LedgerRow {
    pub order_id: String,
    pub receipt: String,
    /// Minor units.
    pub sold: i64,
    pub refunded: i64,
    pub net: i64,
    pub returns: u32,
    pub currency: String,
    /// Never more refunded than sold.
    pub balanced: bool,
}

/// The keys that sign: active, neither retired nor revoked.
const SIGNING: &str = "active = 1 AND retired_at IS NULL AND revoked_at IS NULL";

/// How long an enrolment token is valid unless told otherwise.
pub const DEFAULT_TOKEN_VALIDITY: time::Duration = time::Duration::days(7);

/// What the platform keeps of an enrolment token: its SHA-256, never the token.
pub fn token_digest(token: &str) -> String {
    format!(
        "sha256:{}",
        smartstore_protocol::keys::sha256_hex(token.as_bytes())
    )
}

#[derive(Debug, thiserror::Error)]
pub enum HubError {
    #[error("the enrolment token is unknown or was already used")]
    BadToken,
    #[error("the enrolment token expired at {expired}; ask for a new one")]
    TokenExpired { expired: String },
    /// A payment reference used again with another device, code or amount.
    #[error("payment reference {reference} was used for another payment; nothing was charged")]
    ReferenceConflict { reference: String },
    #[error("no approved payment {reference} of this store to refund")]
    UnknownPayment { reference: String },
    #[error("a refund of {asked} is more than the {left} payment {reference} has left to refund")]
    RefundExceeds {
        reference: String,
        asked: i64,
        left: i64,
    },
    #[error("unknown device {0}")]
    UnknownDevice(String),
    #[error("no platform key {0}")]
    UnknownKey(String),
    /// A single-use coupon or a pickup another terminal claimed first.
    #[error("{kind} {id} was already used at terminal {terminal} of store {store} at {at}")]
    AlreadyClaimed {
        kind: &'static str,
        id: String,
        terminal: String,
        store: String,
        at: String,
    },
    #[error("the batch is malformed: {0}")]
    BadBatch(String),
    /// A `(device, seq)` the platform holds arrived with another event id: the terminal's
    /// database was restored from a backup or cloned. Nothing of the batch was stored.
    #[error(
        "event {seq} of device {device} is already held with another event id: \
         the terminal's database was restored or copied; recover it with a new enrolment token"
    )]
    SequenceConflict { device: String, seq: u64 },
    /// One event is refused for its content; the terminal sets it aside.
    #[error("event {seq} is refused: {reason}")]
    EventRefused { seq: u64, reason: String },
    /// Recovery with a token of another store.
    #[error("this enrolment token is for store {token_store}, not {expected}")]
    WrongStore {
        token_store: String,
        expected: String,
    },
    #[error("{0}")]
    Import(CatalogRefusal),
    /// An online order refused, or a store or marketplace unknown (issue 16).
    #[error("{0}")]
    Online(#[from] crate::online::OnlineRefusal),
    #[error("{path}: {detail}")]
    Db { path: PathBuf, detail: String },
    /// The database cannot take this now (down, restarting, read-only, full, busy): nothing
    /// was stored, and the same request later will be.
    #[error("{fault}: {detail}")]
    Storage { fault: StorageFault, detail: String },
}

/// Why the database cannot take a request now; each is answered 503 with its own code
/// (docs/sync-protocol.md), which the terminal shows and retries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StorageFault {
    /// Not reachable: down, restarting, or every connection busy for too long.
    Unavailable,
    /// In recovery or set read-only (a standby, `default_transaction_read_only`).
    ReadOnly,
    /// Out of disk space.
    Full,
    /// Lost a race with another hub's transaction (serialisation, deadlock) too often.
    Busy,
}

impl StorageFault {
    /// The `error` code of the 503 answer.
    pub fn code(self) -> &'static str {
        use smartstore_protocol::wire::error_code;
        match self {
            StorageFault::Unavailable => error_code::STORAGE_UNAVAILABLE,
            StorageFault::ReadOnly => error_code::STORAGE_READ_ONLY,
            StorageFault::Full => error_code::STORAGE_FULL,
            StorageFault::Busy => error_code::STORAGE_BUSY,
        }
    }
}

impl std::fmt::Display for StorageFault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            StorageFault::Unavailable => "the platform's database cannot be reached",
            StorageFault::ReadOnly => "the platform's database is read-only",
            StorageFault::Full => "the platform's database is out of disk space",
            StorageFault::Busy => "the platform's database is busy",
        })
    }
}

pub struct HubDb {
    conn: Connection,
    path: PathBuf,
}

/// A SQLite error as the hub's: the file read-only (`SQLITE_READONLY`: a read-only file or
/// file system) or full (`SQLITE_FULL`: the disk, or the file's page limit) is a
/// [`HubError::Storage`] fault, answered 503 with its reason as on PostgreSQL; the rest is
/// [`HubError::Db`].
pub(crate) fn sqlite_error(path: &Path, e: rusqlite::Error) -> HubError {
    let fault = match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::ReadOnly) => Some(StorageFault::ReadOnly),
        Some(rusqlite::ErrorCode::DiskFull) => Some(StorageFault::Full),
        _ => None,
    };
    match fault {
        Some(fault) => HubError::Storage {
            fault,
            detail: format!("{}: {e}", path.display()),
        },
        None => HubError::Db {
            path: path.to_owned(),
            detail: e.to_string(),
        },
    }
}

pub(crate) fn now() -> String {
    rfc3339(time::OffsetDateTime::now_utc())
}

/// RFC 3339 in UTC with whole seconds, so that stored times compare as text.
pub(crate) fn rfc3339(t: time::OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

impl HubDb {
    pub fn open(path: &Path) -> Result<HubDb, HubError> {
        let db_err = |e: rusqlite::Error| sqlite_error(path, e);
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| HubError::Db {
                path: dir.to_owned(),
                detail: e.to_string(),
            })?;
        }
        let conn = smartstore_sqlite::open(path).map_err(db_err)?;
        let mut db = HubDb {
            conn,
            path: path.to_owned(),
        };
        db.migrate()?;
        db.digest_plain_tokens()?;
        db.ensure_platform_key()?;
        Ok(db)
    }

    /// Records the fingerprint of the CA terminals must pin (`cert init`): enrolment tokens
    /// made from now on carry it.
    pub fn set_ca_fingerprint(&self, fingerprint: &str) -> Result<(), HubError> {
        self.conn
            .execute(
                "INSERT INTO meta (key, value) VALUES ('ca_fingerprint', ?1) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [fingerprint],
            )
            .map(|_| ())
            .map_err(self.err())
    }

    pub fn ca_fingerprint(&self) -> Result<Option<String>, HubError> {
        self.conn
            .query_row(
                "SELECT value FROM meta WHERE key = 'ca_fingerprint'",
                [],
                |r| r.get(0),
            )
            .optional()
            .map_err(self.err())
    }

    /// Tokens stored before they were kept as digests (migration hub/0004) become digests.
    fn digest_plain_tokens(&mut self) -> Result<(), HubError> {
        let path = self.path.clone();
        let err = |e: rusqlite::Error| sqlite_error(&path, e);
        let tx = self.conn.transaction().map_err(err)?;
        let plain: Vec<String> = {
            let mut stmt = tx
                .prepare("SELECT token FROM enrolment_tokens WHERE token NOT LIKE 'sha256:%'")
                .map_err(err)?;
            stmt.query_map([], |r| r.get(0))
                .and_then(|rows| rows.collect::<Result<_, _>>())
                .map_err(err)?
        };
        for token in &plain {
            tx.execute(
                "UPDATE enrolment_tokens SET token = ?1 WHERE token = ?2",
                [token_digest(token), token.clone()],
            )
            .map_err(err)?;
        }
        tx.commit().map_err(err)
    }

    fn err(&self) -> impl Fn(rusqlite::Error) -> HubError + '_ {
        move |e| sqlite_error(&self.path, e)
    }

    fn migrate(&mut self) -> Result<(), HubError> {
        smartstore_sqlite::migrate(&mut self.conn, MIGRATIONS)
            .map(|_| ())
            .map_err(|e| HubError::Db {
                path: self.path.clone(),
                detail: match e {
                    MigrateError::Newer { found, .. } => {
                        format!("written by a newer smartstore-hub (schema {found})")
                    }
                    other => other.to_string(),
                },
            })
    }

    /// The platform key pair is made on first start.
    fn ensure_platform_key(&mut self) -> Result<(), HubError> {
        let n: i64 = self
            .conn
            .query_row(
                &format!("SELECT count(*) FROM platform_keys WHERE {SIGNING}"),
                [],
                |r| r.get(0),
            )
            .map_err(self.err())?;
        if n > 0 {
            return Ok(());
        }
        // Named by its thumbprint (protocol::keys::key_id), like every platform key made now.
        let key = SigningKey::generate_named().map_err(|e| HubError::Db {
            path: self.path.clone(),
            detail: e.to_string(),
        })?;
        self.conn
            .execute(
                "INSERT INTO platform_keys (kid, pkcs8, public_key, created_at) VALUES (?1, ?2, ?3, ?4)",
                params![key.kid, key.pkcs8(), key.public_key().to_vec(), now()],
            )
            .map_err(self.err())?;
        Ok(())
    }

    /// The active signing key (for shopper codes).
    pub fn platform_signing_key(&self) -> Result<SigningKey, HubError> {
        let (kid, pkcs8): (String, Vec<u8>) = self
            .conn
            .query_row(
                &format!("SELECT kid, pkcs8 FROM platform_keys WHERE {SIGNING} ORDER BY created_at DESC, rowid DESC LIMIT 1"),
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(self.err())?;
        SigningKey::from_pkcs8(&pkcs8, &kid).map_err(|_| HubError::Db {
            path: self.path.clone(),
            detail: "stored platform key is invalid".into(),
        })
    }

    /// Every platform key with its standing (active, retired since…, revoked since…).
    pub fn platform_keys(&self) -> Result<JwkSet, HubError> {
        let mut stmt = self
            .conn
            .prepare("SELECT kid, public_key, retired_at, revoked_at FROM platform_keys ORDER BY created_at, rowid")
            .map_err(self.err())?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, Vec<u8>>(1)?,
                    r.get::<_, Option<i64>>(2)?,
                    r.get::<_, Option<i64>>(3)?,
                ))
            })
            .map_err(self.err())?;
        let mut keys = Vec::new();
        for row in rows {
            let (kid, public, retired_at, revoked_at) = row.map_err(self.err())?;
            keys.push(platform_jwk(
                &kid, public, retired_at, revoked_at, &self.path,
            )?);
        }
        Ok(JwkSet { keys })
    }

    /// A new signing key; the keys that signed until now are retired (they still verify the
    /// codes they issued before now). Returns the new key's id.
    pub fn rotate_keys(&mut self) -> Result<String, HubError> {
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        self.conn
            .execute(
                &format!("UPDATE platform_keys SET active = 0, retired_at = ?1 WHERE {SIGNING}"),
                [now],
            )
            .map_err(self.err())?;
        self.ensure_platform_key()?;
        Ok(self.platform_signing_key()?.kid)
    }

    /// Retires (`revoke` false) or revokes one key; a new signing key is made when none is left.
    pub fn set_key_standing(&mut self, kid: &str, revoke: bool) -> Result<(), HubError> {
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let sql = if revoke {
            "UPDATE platform_keys SET active = 0, retired_at = COALESCE(retired_at, ?1), revoked_at = COALESCE(revoked_at, ?1) WHERE kid = ?2"
        } else {
            "UPDATE platform_keys SET active = 0, retired_at = COALESCE(retired_at, ?1) WHERE kid = ?2"
        };
        let n = self
            .conn
            .execute(sql, params![now, kid])
            .map_err(self.err())?;
        if n == 0 {
            return Err(HubError::UnknownKey(kid.to_owned()));
        }
        self.ensure_platform_key()
    }

    /// Claims a single-use coupon or a pickup for `device`: the first claim wins; the same
    /// device claiming again gets it again.
    pub fn claim(
        &mut self,
        device: &str,
        kind: smartstore_protocol::wire::ClaimKind,
        id: &str,
    ) -> Result<smartstore_protocol::wire::ClaimAnswer, HubError> {
        self.conn
            .execute(
                "INSERT INTO claims (kind, id, device_id, claimed_at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
                params![kind.as_str(), id, device, now()],
            )
            .map_err(self.err())?;
        let (by, at, terminal, store): (String, String, String, String) = self
            .conn
            .query_row(
                "SELECT c.device_id, c.claimed_at, d.terminal_id, d.store_id FROM claims c JOIN devices d ON d.id = c.device_id
                 WHERE c.kind = ?1 AND c.id = ?2",
                params![kind.as_str(), id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .map_err(self.err())?;
        if by != device {
            return Err(HubError::AlreadyClaimed {
                kind: kind.as_str(),
                id: id.to_owned(),
                terminal,
                store,
                at,
            });
        }
        Ok(smartstore_protocol::wire::ClaimAnswer { claimed: true, at })
    }

    /// How many events of a store's terminals are flagged.
    pub fn store_conflicts(&self, store: &str) -> Result<u64, HubError> {
        self.conn
            .query_row(
                "SELECT count(*) FROM events e JOIN devices d ON d.id = e.device_id
                 WHERE e.flag IS NOT NULL AND d.store_id = ?1",
                [store],
                |r| r.get(0),
            )
            .map_err(self.err())
    }

    /// Events the platform flagged (a coupon or pickup used twice, a receipt issued twice).
    pub fn conflicts(&self) -> Result<Vec<StoredEvent>, HubError> {
        Ok(self
            .events()?
            .into_iter()
            .filter(|e| e.flag.is_some())
            .collect())
    }

    /// Revokes a device: the platform answers it 401 from now on.
    pub fn revoke_device(&mut self, device_id: &str) -> Result<(), HubError> {
        let n = self
            .conn
            .execute("UPDATE devices SET revoked = 1 WHERE id = ?1", [device_id])
            .map_err(self.err())?;
        if n == 0 {
            return Err(HubError::UnknownDevice(device_id.to_owned()));
        }
        Ok(())
    }

    pub fn create_enrolment_tokens(
        &mut self,
        store: &str,
        count: u32,
    ) -> Result<Vec<String>, HubError> {
        let issued =
            self.create_fleet_tokens(&[(store.trim().to_owned(), count)], DEFAULT_TOKEN_VALIDITY)?;
        Ok(issued.into_iter().map(|t| t.token).collect())
    }

    /// Uses a one-time token: registers the device key and gives the device its identity. The
    /// same token with the same key answers the same identity again (a terminal whose disk
    /// failed while it recorded the answer retries); with another key it is refused.
    pub fn enrol(&mut self, req: &EnrolRequest) -> Result<EnrolResponse, HubError> {
        let key = req
            .public_key
            .ed25519_public()
            .map_err(|e| HubError::BadBatch(format!("public_key: {e}")))?;
        let keys = self.platform_keys()?;
        let path = self.path.clone();
        let err = |e: rusqlite::Error| sqlite_error(&path, e);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(err)?;
        let digest = token_digest(smartstore_protocol::wire::split_token(&req.token).0);
        let token_row: Option<(String, Option<String>, String)> = tx
            .query_row(
                "SELECT store_id, device_id, COALESCE(expires_at, strftime('%Y-%m-%dT%H:%M:%SZ', created_at, '+7 days'))
                 FROM enrolment_tokens WHERE token = ?1",
                [&digest],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()
            .map_err(err)?;
        let (store, used_by, expires) = token_row.ok_or(HubError::BadToken)?;
        if used_by.is_none() && expires.as_str() <= now().as_str() {
            return Err(HubError::TokenExpired { expired: expires });
        }
        if let Some(expected) = req.store_id.as_deref().filter(|e| *e != store) {
            return Err(HubError::WrongStore {
                token_store: store,
                expected: expected.to_owned(),
            });
        }
        if let Some(device_id) = used_by {
            // Used already: the same key gets the same answer, any other key nothing.
            let same: Option<String> = tx
                .query_row(
                    "SELECT terminal_id FROM devices WHERE id = ?1 AND public_key = ?2 AND revoked = 0",
                    params![device_id, key.to_vec()],
                    |r| r.get(0),
                )
                .optional()
                .map_err(err)?;
            let terminal_id = same.ok_or(HubError::BadToken)?;
            return Ok(EnrolResponse {
                receipt_prefix: format!("{store}-{terminal_id}"),
                device_id,
                store_id: store,
                terminal_id,
                platform_keys: keys,
            });
        }
        let n: i64 = tx
            .query_row(
                "SELECT count(*) FROM devices WHERE store_id = ?1",
                [&store],
                |r| r.get(0),
            )
            .map_err(err)?;
        let terminal_id = format!("T{:02}", n + 1);
        let device_id = Uuid::now_v7().to_string();
        tx.execute(
            "INSERT INTO devices (id, store_id, terminal_id, public_key, enrolled_at, replaces) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![device_id, store, terminal_id, key.to_vec(), now(), req.replaces],
        )
        .map_err(err)?;
        tx.execute(
            "UPDATE enrolment_tokens SET used_at = ?1, device_id = ?2 WHERE token = ?3",
            params![now(), device_id, digest],
        )
        .map_err(err)?;
        tx.commit().map_err(err)?;
        Ok(EnrolResponse {
            receipt_prefix: format!("{store}-{terminal_id}"),
            device_id,
            store_id: store,
            terminal_id,
            platform_keys: keys,
        })
    }

    /// The public key and store of an enrolled, not revoked device.
    pub fn device(&self, device_id: &str) -> Result<Option<([u8; 32], String)>, HubError> {
        let row: Option<(Vec<u8>, String)> = self
            .conn
            .prepare_cached(
                "SELECT public_key, store_id FROM devices WHERE id = ?1 AND revoked = 0",
            )
            .and_then(|mut s| {
                s.query_row([device_id], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()
            })
            .map_err(self.err())?;
        Ok(row.and_then(|(k, s)| <[u8; 32]>::try_from(k).ok().map(|k| (k, s))))
    }

    pub fn held_seq(&self, device_id: &str) -> Result<u64, HubError> {
        self.conn
            .query_row(
                "SELECT held_seq FROM devices WHERE id = ?1",
                [device_id],
                |r| r.get(0),
            )
            .optional()
            .map_err(self.err())?
            .ok_or_else(|| HubError::UnknownDevice(device_id.to_owned()))
    }

    /// Stores a verified batch idempotently; returns the contiguous sequence number now held.
    /// An event already held under its `(device, seq)` is checked, not ignored: another event
    /// id there is a [`HubError::SequenceConflict`] and nothing of the batch is stored. An
    /// event whose id is held under an earlier identity of a recovered device is not stored
    /// twice: its sequence number becomes an alias. A batch that starts past `held + 1` is a
    /// gap and stores nothing.
    pub fn store_batch(&mut self, batch: &BatchPayload) -> Result<u64, HubError> {
        let views = check_batch(batch)?;
        let path = self.path.clone();
        let err = |e: rusqlite::Error| sqlite_error(&path, e);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(err)?;
        let held: u64 = tx
            .query_row(
                "SELECT held_seq FROM devices WHERE id = ?1",
                [&batch.device_id],
                |r| r.get(0),
            )
            .optional()
            .map_err(err)?
            .ok_or_else(|| HubError::UnknownDevice(batch.device_id.clone()))?;
        if batch.first_seq > held + 1 {
            return Ok(held); // a gap: nothing to store
        }
        let received = now();
        {
            let mut held_id = tx
                .prepare_cached(
                    "SELECT event_id FROM events WHERE device_id = ?1 AND seq = ?2
                     UNION ALL SELECT event_id FROM event_aliases WHERE device_id = ?1 AND seq = ?2",
                )
                .map_err(err)?;
            let mut ins = tx
                .prepare_cached(
                    "INSERT INTO events (device_id, seq, event_id, type, order_id, body, created_at, received_at, receipt)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT DO NOTHING",
                )
                .map_err(err)?;
            let mut alias = tx
                .prepare_cached(
                    "INSERT INTO event_aliases (device_id, seq, event_id) VALUES (?1, ?2, ?3)",
                )
                .map_err(err)?;
            let mut redeem = tx
                .prepare_cached(
                    "INSERT INTO coupon_redemptions (coupon_id, device_id, seq, order_id) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT DO NOTHING",
                )
                .map_err(err)?;
            let mut same_receipt = tx
                .prepare_cached(
                    "SELECT device_id, seq FROM events WHERE receipt = ?1 AND NOT (device_id = ?2 AND seq = ?3) LIMIT 1",
                )
                .map_err(err)?;
            let mut flag = tx
                .prepare_cached("UPDATE events SET flag = ?3 WHERE device_id = ?1 AND seq = ?2")
                .map_err(err)?;
            let mut collect = tx
                .prepare_cached(
                    "INSERT INTO pickup_collections (order_id, device_id, seq) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
                )
                .map_err(err)?;
            let mut claim_of = tx
                .prepare_cached("SELECT device_id FROM claims WHERE kind = ?1 AND id = ?2")
                .map_err(err)?;
            // The first use a later one is measured against: the claim made online, else the
            // use that reached the platform first (its receipt when it is an order).
            let mut first_use = tx
                .prepare_cached(
                    "SELECT d.terminal_id, d.store_id, c.claimed_at, NULL FROM claims c JOIN devices d ON d.id = c.device_id
                       WHERE c.kind = ?1 AND c.id = ?2
                     UNION ALL
                     SELECT d.terminal_id, d.store_id, NULL, e.receipt FROM coupon_redemptions r
                       JOIN devices d ON d.id = r.device_id
                       LEFT JOIN events e ON e.device_id = r.device_id AND e.seq = r.seq
                       WHERE ?1 = 'coupon' AND r.coupon_id = ?2
                     UNION ALL
                     SELECT d.terminal_id, d.store_id, NULL, 'event ' || p.seq FROM pickup_collections p
                       JOIN devices d ON d.id = p.device_id
                       WHERE ?1 = 'pickup' AND p.order_id = ?2
                     LIMIT 1",
                )
                .map_err(err)?;
            // Who may use a single-use thing: the terminal that claimed it online, else the
            // first whose use reaches the platform. A later use gets a flag naming the first.
            let mut second_use =
                |kind: &str, id: &str, first: bool| -> Result<Option<String>, HubError> {
                    let claimed: Option<String> = claim_of
                        .query_row(params![kind, id], |r| r.get(0))
                        .optional()
                        .map_err(err)?;
                    let second = match claimed {
                        Some(by) => by != batch.device_id,
                        None => !first,
                    };
                    if !second {
                        return Ok(None);
                    }
                    let other: Option<(String, String, Option<String>, Option<String>)> = first_use
                        .query_row(params![kind, id], |r| {
                            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
                        })
                        .optional()
                        .map_err(err)?;
                    Ok(Some(first_use_text(other)))
                };
            for (e, view) in batch.events.iter().zip(&views) {
                let inserted = if e.seq <= held {
                    0
                } else {
                    ins.execute(params![
                        batch.device_id,
                        e.seq,
                        e.event_id,
                        e.kind,
                        e.order_id,
                        e.body.get(),
                        e.created_at,
                        received,
                        view.as_ref().map(|v| v.receipt.as_str())
                    ])
                    .map_err(err)?
                };
                if inserted == 0 {
                    // Held already under this seq (the same event, or another: a conflict), or
                    // this event id is held under another seq (a recovered device re-sending).
                    let here: Option<String> = held_id
                        .query_row(params![batch.device_id, e.seq], |r| r.get(0))
                        .optional()
                        .map_err(err)?;
                    match here {
                        Some(id) if id == e.event_id => {}
                        Some(_) => {
                            return Err(HubError::SequenceConflict {
                                device: batch.device_id.clone(),
                                seq: e.seq,
                            });
                        }
                        None => {
                            alias
                                .execute(params![batch.device_id, e.seq, e.event_id])
                                .map_err(err)?;
                        }
                    }
                    continue;
                }
                // The store's stock at the platform, and its online orders' statuses.
                if let Some(flag_text) =
                    online::apply_store_event(&tx, &batch.device_id, &e.kind, e.body.get())
                        .map_err(err)?
                {
                    flag.execute(params![batch.device_id, e.seq, flag_text])
                        .map_err(err)?;
                }
                if e.kind == EventKind::OrderReturned.as_str() {
                    // A return: kept for the store's terminals (the returns pull) and the
                    // ledger; one that takes back more than the sale sold is flagged.
                    if let Some(flag_text) = record_return(&tx, &batch.device_id, e)? {
                        flag.execute(params![batch.device_id, e.seq, flag_text])
                            .map_err(err)?;
                    }
                    continue;
                }
                if e.kind == EventKind::PickupCollected.as_str() {
                    // A pickup handed over on two terminals (one of them offline).
                    if let Some(order) = collected_order(e.body.get()) {
                        let first = collect
                            .execute(params![order, batch.device_id, e.seq])
                            .map_err(err)?
                            == 1;
                        if let Some(other) = second_use("pickup", &order, first)? {
                            flag.execute(params![
                                batch.device_id,
                                e.seq,
                                format!("pickup {order} handed over twice: {other}")
                            ])
                            .map_err(err)?;
                        }
                    }
                    continue;
                }
                let Some(view) = view else { continue };
                let mut flags = Vec::new();
                // A single-use coupon redeemed on two terminals (one of them offline): the one
                // that claimed it wins, else the first accepted here; the other is flagged.
                if let Some(coupon) = view.single_use_coupon() {
                    let first = redeem
                        .execute(params![coupon, batch.device_id, e.seq, e.order_id])
                        .map_err(err)?
                        == 1;
                    if let Some(other) = second_use("coupon", coupon, first)? {
                        flags.push(format!(
                            "coupon {coupon} already redeemed elsewhere ({other}); this use: {}",
                            view.receipt
                        ));
                    }
                }
                // A receipt number issued twice (a restored or cloned terminal printed it
                // before the platform could say so).
                if let Some((device, seq)) = same_receipt
                    .query_row(params![view.receipt, batch.device_id, e.seq], |r| {
                        Ok((r.get::<_, String>(0)?, r.get::<_, u64>(1)?))
                    })
                    .optional()
                    .map_err(err)?
                {
                    flags.push(format!(
                        "receipt {} also issued as event {seq} of device {device}",
                        view.receipt
                    ));
                }
                if !flags.is_empty() {
                    flag.execute(params![batch.device_id, e.seq, flags.join("; ")])
                        .map_err(err)?;
                }
            }
        }
        // The mark moves only over sequence numbers that are really stored.
        let new_held: u64 = tx
            .query_row(
                "WITH RECURSIVE run(s) AS (SELECT ?2 UNION ALL SELECT s + 1 FROM run
                   WHERE EXISTS (SELECT 1 FROM events WHERE device_id = ?1 AND seq = s + 1)
                      OR EXISTS (SELECT 1 FROM event_aliases WHERE device_id = ?1 AND seq = s + 1))
                 SELECT MAX(s) FROM run",
                params![batch.device_id, held],
                |r| r.get(0),
            )
            .map_err(err)?;
        tx.execute(
            "UPDATE devices SET held_seq = ?1 WHERE id = ?2",
            params![new_held, batch.device_id],
        )
        .map_err(err)?;
        tx.commit().map_err(err)?;
        Ok(new_held)
    }

    fn next_version(tx: &rusqlite::Transaction<'_>) -> rusqlite::Result<u64> {
        tx.query_row(
            "UPDATE counters SET value = value + 1 WHERE name = 'version' RETURNING value",
            [],
            |r| r.get(0),
        )
    }

    /// Imports a catalog CSV with the terminal's rules ([`catalog_csv`]): every row or none.
    /// Rows without a currency are priced in `default_currency`.
    pub fn import_catalog_csv(
        &mut self,
        input: impl std::io::Read,
        default_currency: Currency,
    ) -> Result<u64, HubError> {
        let path = self.path.clone();
        let err = |e: rusqlite::Error| sqlite_error(&path, e);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(err)?;
        let written = catalog_csv::import(input, default_currency, |item| {
            let v = Self::next_version(&tx).map_err(err)?;
            tx.execute(
                "INSERT INTO catalog_items (gtin, name, name_zh, price_minor, currency, sku, unit, age_restricted, stock, version)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
                 ON CONFLICT (gtin) DO UPDATE SET name = excluded.name, name_zh = excluded.name_zh, price_minor = excluded.price_minor,
                   currency = excluded.currency, sku = excluded.sku, unit = excluded.unit,
                   age_restricted = excluded.age_restricted, stock = excluded.stock, version = excluded.version",
                params![item.gtin.as_str(), item.name, item.name_zh, item.price.minor, item.price.currency.code(), item.sku, item.unit, item.age_restricted, item.stock, v],
            )
            .map_err(err)?;
            Ok(())
        });
        let n = match written {
            Ok(n) => n,
            Err(ImportFailure::Refused(r)) => return Err(HubError::Import(r)),
            Err(ImportFailure::Write(e)) => return Err(e),
        };
        tx.commit().map_err(err)?;
        Ok(n)
    }

    pub fn catalog_after(
        &self,
        cursor: u64,
        limit: u32,
    ) -> Result<(Vec<CatalogChange>, u64), HubError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT gtin, name, name_zh, price_minor, currency, sku, unit, age_restricted, stock, version
                 FROM catalog_items WHERE version > ?1 ORDER BY version LIMIT ?2",
            )
            .map_err(self.err())?;
        let mut last = cursor;
        let rows = stmt
            .query_map(params![cursor, limit], |r| {
                Ok((
                    CatalogChange {
                        gtin: r.get(0)?,
                        name: r.get(1)?,
                        name_zh: r.get(2)?,
                        price: r.get(3)?,
                        currency: r.get(4)?,
                        sku: r.get(5)?,
                        unit: r.get(6)?,
                        age_restricted: r.get(7)?,
                        stock: r.get(8)?,
                    },
                    r.get::<_, u64>(9)?,
                ))
            })
            .map_err(self.err())?;
        let mut items = Vec::new();
        for row in rows {
            let (item, v) = row.map_err(self.err())?;
            last = v;
            items.push(item);
        }
        Ok((items, last))
    }

    /// Records an online order to be picked up at `store`; terminals there get it in the pull.
    pub fn add_pickup(
        &mut self,
        order_id: &str,
        store: &str,
        lines: &[PickupLine],
    ) -> Result<(), HubError> {
        let path = self.path.clone();
        let err = |e: rusqlite::Error| sqlite_error(&path, e);
        let lines = serde_json::to_string(lines).map_err(|e| HubError::BadBatch(e.to_string()))?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(err)?;
        let v = Self::next_version(&tx).map_err(err)?;
        tx.execute(
            "INSERT INTO pickups (order_id, store_id, lines, created_at, version) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (order_id) DO UPDATE SET store_id = excluded.store_id, lines = excluded.lines, version = excluded.version",
            params![order_id, store, lines, now(), v],
        )
        .map_err(err)?;
        tx.commit().map_err(err)
    }

    pub fn pickups_after(
        &self,
        store: &str,
        cursor: u64,
        limit: u32,
    ) -> Result<(Vec<Pickup>, u64), HubError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT order_id, store_id, lines, created_at, version FROM pickups WHERE store_id = ?1 AND version > ?2 ORDER BY version LIMIT ?3")
            .map_err(self.err())?;
        let rows = stmt
            .query_map(params![store, cursor, limit], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, u64>(4)?,
                ))
            })
            .map_err(self.err())?;
        let mut out = Vec::new();
        let mut last = cursor;
        for row in rows {
            let (order_id, store_id, lines, created_at, v) = row.map_err(self.err())?;
            last = v;
            let lines =
                serde_json::from_str(&lines).map_err(|e| HubError::BadBatch(e.to_string()))?;
            out.push(Pickup {
                order_id,
                store_id,
                lines,
                created_at,
            });
        }
        Ok((out, last))
    }

    pub fn revoke_coupon(&mut self, coupon_id: &str, reason: &str) -> Result<(), HubError> {
        let path = self.path.clone();
        let err = |e: rusqlite::Error| sqlite_error(&path, e);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(err)?;
        let v = Self::next_version(&tx).map_err(err)?;
        tx.execute(
            "INSERT INTO revocations (coupon_id, reason, version) VALUES (?1, ?2, ?3) ON CONFLICT (coupon_id) DO UPDATE SET reason = excluded.reason, version = excluded.version",
            params![coupon_id, reason, v],
        )
        .map_err(err)?;
        tx.commit().map_err(err)
    }

    pub fn revocations_after(
        &self,
        cursor: u64,
        limit: u32,
    ) -> Result<(Vec<Revocation>, u64), HubError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT coupon_id, reason, version FROM revocations WHERE version > ?1 ORDER BY version LIMIT ?2")
            .map_err(self.err())?;
        let rows = stmt
            .query_map(params![cursor, limit], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, u64>(2)?,
                ))
            })
            .map_err(self.err())?;
        let mut out = Vec::new();
        let mut last = cursor;
        for row in rows {
            let (coupon_id, reason, v) = row.map_err(self.err())?;
            last = v;
            out.push(Revocation { coupon_id, reason });
        }
        Ok((out, last))
    }

    /// Sandbox payment provider: well-formed codes are approved, except the documented test
    /// range (codes ending in 0000, "insufficient funds"). Same reference, same answer.
    pub fn take_payment(
        &mut self,
        device: &str,
        req: &smartstore_protocol::wire::PaymentRequest,
    ) -> Result<smartstore_protocol::wire::PaymentResponse, HubError> {
        use smartstore_protocol::wire::PaymentResponse;
        let existing: Option<PaymentHeld> = self
            .conn
            .query_row(
                "SELECT payment_id, status, reason, device_id, code, amount, currency FROM payments WHERE reference = ?1",
                [&req.reference],
                |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                        r.get(6)?,
                    ))
                },
            )
            .optional()
            .map_err(self.err())?;
        if let Some(held) = existing {
            return payment_again(held, device, req);
        }
        let (status, reason) = sandbox_decision(req);
        let payment_id = Uuid::now_v7().to_string();
        self.conn
            .execute(
                "INSERT INTO payments (reference, device_id, payment_id, code, amount, currency, status, reason, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![req.reference, device, payment_id, req.code, req.amount, req.currency, status, reason, now()],
            )
            .map_err(self.err())?;
        Ok(PaymentResponse {
            status: status.to_owned(),
            reason,
            payment_id,
        })
    }

    /// The platform's answer for one of `device`'s payment references, `None` when it never
    /// arrived (the terminal reconciles a payment whose answer it lost with this).
    pub fn payment_status(
        &self,
        device: &str,
        reference: &str,
    ) -> Result<Option<smartstore_protocol::wire::PaymentResponse>, HubError> {
        let row: Option<(String, String, Option<String>, String)> = self
            .conn
            .query_row(
                "SELECT payment_id, status, reason, device_id FROM payments WHERE reference = ?1",
                [reference],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()
            .map_err(self.err())?;
        match row {
            None => Ok(None),
            Some((_, _, _, by)) if by != device => Err(HubError::ReferenceConflict {
                reference: reference.to_owned(),
            }),
            Some((payment_id, status, reason, _)) => {
                Ok(Some(smartstore_protocol::wire::PaymentResponse {
                    status,
                    reason,
                    payment_id,
                }))
            }
        }
    }

    /// Voids one of `device`'s payments: an approval becomes `voided` (the money goes back to
    /// the shopper), a declined one stays declined, and a reference never seen is kept as a
    /// voided tombstone so that its charge, if it arrives late, is never approved. Idempotent.
    pub fn void_payment(
        &mut self,
        device: &str,
        reference: &str,
    ) -> Result<smartstore_protocol::wire::PaymentResponse, HubError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| sqlite_error(&self.path, e))?;
        let path = self.path.clone();
        let err = move |e: rusqlite::Error| sqlite_error(&path, e);
        let row: Option<(String, String, Option<String>, String)> = tx
            .query_row(
                "SELECT payment_id, status, reason, device_id FROM payments WHERE reference = ?1",
                [reference],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()
            .map_err(err.clone())?;
        let answer = match row {
            Some((_, _, _, by)) if by != device => {
                return Err(HubError::ReferenceConflict {
                    reference: reference.to_owned(),
                });
            }
            Some((payment_id, status, reason, _)) if status != "approved" => {
                smartstore_protocol::wire::PaymentResponse {
                    status,
                    reason,
                    payment_id,
                }
            }
            Some((payment_id, _, _, _)) => {
                tx.execute(
                    "UPDATE payments SET status = 'voided', voided_at = ?2 WHERE reference = ?1",
                    params![reference, now()],
                )
                .map_err(err.clone())?;
                smartstore_protocol::wire::PaymentResponse {
                    status: "voided".into(),
                    reason: None,
                    payment_id,
                }
            }
            None => {
                let payment_id = Uuid::now_v7().to_string();
                let reason = "voided before the charge arrived".to_owned();
                let at = now();
                tx.execute(
                    "INSERT INTO payments (reference, device_id, payment_id, code, amount, currency, status, reason, created_at, voided_at)
                     VALUES (?1, ?2, ?3, '', 0, '', 'voided', ?4, ?5, ?5)",
                    params![reference, device, payment_id, reason, at],
                )
                .map_err(err.clone())?;
                smartstore_protocol::wire::PaymentResponse {
                    status: "voided".into(),
                    reason: Some(reason),
                    payment_id,
                }
            }
        };
        tx.commit().map_err(err)?;
        Ok(answer)
    }

    /// Every payment the platform holds, oldest first.
    pub fn payments(&self) -> Result<Vec<PaymentRow>, HubError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT reference, device_id, payment_id, code, amount, currency, status, reason, created_at, voided_at
                 FROM payments ORDER BY created_at, reference",
            )
            .map_err(self.err())?;
        let rows = stmt
            .query_map([], |r| {
                Ok(PaymentRow {
                    reference: r.get(0)?,
                    device: r.get(1)?,
                    payment_id: r.get(2)?,
                    code: r.get(3)?,
                    amount: r.get(4)?,
                    currency: r.get(5)?,
                    status: r.get(6)?,
                    reason: r.get(7)?,
                    created_at: r.get(8)?,
                    voided_at: r.get(9)?,
                })
            })
            .map_err(self.err())?;
        rows.collect::<Result<_, _>>().map_err(self.err())
    }

    /// Adds a member of staff to a store, or changes their role, name or PIN (`pin_hash` is the
    /// Argon2id hash; the PIN itself never reaches the platform's database).
    pub fn add_staff(
        &mut self,
        store: &str,
        staff_id: &str,
        role: &str,
        name: Option<&str>,
        pin_hash: &str,
    ) -> Result<(), HubError> {
        let path = self.path.clone();
        let err = |e: rusqlite::Error| sqlite_error(&path, e);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(err)?;
        let v = Self::next_version(&tx).map_err(err)?;
        tx.execute(
            "INSERT INTO staff (store_id, staff_id, role, name, pin_hash, active, version) VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6)
             ON CONFLICT (store_id, staff_id) DO UPDATE SET role = excluded.role, name = excluded.name,
               pin_hash = excluded.pin_hash, active = 1, version = excluded.version",
            params![store, staff_id, role, name, pin_hash, v],
        )
        .map_err(err)?;
        tx.commit().map_err(err)
    }

    /// One page of a pull: `sql` selects rows after `?2` (the cursor) for store `?1`, at most
    /// `?3`; `row` reads an item and its version. Returns the items and the last version.
    fn page_of<T>(
        &self,
        sql: &str,
        store: &str,
        cursor: u64,
        limit: u32,
        row: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<(T, u64)>,
    ) -> Result<(Vec<T>, u64), HubError> {
        let mut stmt = self.conn.prepare_cached(sql).map_err(self.err())?;
        let rows = stmt
            .query_map(params![store, cursor, limit], row)
            .map_err(self.err())?;
        let mut out = Vec::new();
        let mut last = cursor;
        for r in rows {
            let (item, v) = r.map_err(self.err())?;
            last = v;
            out.push(item);
        }
        Ok((out, last))
    }

    /// The store's staff changed since `cursor`.
    pub fn staff_after(
        &self,
        store: &str,
        cursor: u64,
        limit: u32,
    ) -> Result<(Vec<smartstore_protocol::wire::StaffMember>, u64), HubError> {
        self.page_of(
            "SELECT staff_id, role, name, pin_hash, active, version FROM staff WHERE store_id = ?1 AND version > ?2 ORDER BY version LIMIT ?3",
            store,
            cursor,
            limit,
            |r| {
                Ok((
                    smartstore_protocol::wire::StaffMember {
                        staff_id: r.get(0)?,
                        role: r.get(1)?,
                        name: r.get(2)?,
                        pin_hash: r.get(3)?,
                        active: r.get::<_, i64>(4)? != 0,
                    },
                    r.get(5)?,
                ))
            },
        )
    }

    /// The store's terminals and their public keys, after `cursor` (a device's row number).
    pub fn devices_after(
        &self,
        store: &str,
        cursor: u64,
        limit: u32,
    ) -> Result<(Vec<smartstore_protocol::wire::DeviceKey>, u64), HubError> {
        self.page_of(
            "SELECT id, terminal_id, public_key, rowid FROM devices WHERE store_id = ?1 AND rowid > ?2 AND revoked = 0 ORDER BY rowid LIMIT ?3",
            store,
            cursor,
            limit,
            |r| {
                Ok((
                    smartstore_protocol::wire::DeviceKey {
                        device_id: r.get(0)?,
                        terminal: r.get(1)?,
                        public_key: smartstore_protocol::keys::b64(&r.get::<_, Vec<u8>>(2)?),
                    },
                    r.get(3)?,
                ))
            },
        )
    }

    /// Relays a call for assistance (or an answer) to the store's other terminals: kept once
    /// (a kiosk sends its call again), and what is older than a relay's life is let go.
    pub fn relay_assist(
        &mut self,
        store: &str,
        call: &smartstore_protocol::assist::Call,
        now_ms: i64,
    ) -> Result<(), HubError> {
        let body = String::from_utf8_lossy(&call.bytes()).into_owned();
        let path = self.path.clone();
        let err = |e| sqlite_error(&path, e);
        let tx = self.conn.transaction().map_err(&err)?;
        tx.execute(
            "DELETE FROM assist_calls WHERE at_ms < ?1",
            [now_ms - smartstore_protocol::assist::RELAY_MS],
        )
        .map_err(&err)?;
        tx.execute(
            "INSERT INTO assist_calls (store_id, call_id, kind, terminal, body, at_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
            params![
                store,
                call.call,
                call.kind.name(),
                call.terminal,
                body,
                now_ms
            ],
        )
        .map_err(&err)?;
        tx.commit().map_err(&err)
    }

    /// The store's calls and answers relayed since `cursor`, none older than a relay's life.
    pub fn assist_after(
        &self,
        store: &str,
        cursor: u64,
        limit: u32,
        now_ms: i64,
    ) -> Result<(Vec<smartstore_protocol::assist::Call>, u64), HubError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT body, n FROM assist_calls WHERE store_id = ?1 AND n > ?2 AND at_ms >= ?3
                 ORDER BY n LIMIT ?4",
            )
            .map_err(self.err())?;
        let rows = stmt
            .query_map(
                params![
                    store,
                    cursor,
                    now_ms - smartstore_protocol::assist::RELAY_MS,
                    limit
                ],
                |r| Ok((r.get::<_, String>(0)?, r.get::<_, u64>(1)?)),
            )
            .map_err(self.err())?;
        let mut out = Vec::new();
        let mut last = cursor;
        for r in rows {
            let (body, n) = r.map_err(self.err())?;
            last = n;
            out.extend(smartstore_protocol::assist::Call::parse(
                body.as_bytes(),
                store,
            ));
        }
        Ok((out, last))
    }

    /// The returns of the store's terminals the platform received since `cursor`.
    pub fn returns_after(
        &self,
        store: &str,
        cursor: u64,
        limit: u32,
    ) -> Result<(Vec<smartstore_protocol::wire::KnownReturn>, u64), HubError> {
        let (bodies, last) = self.page_of(
            "SELECT body, version FROM returns WHERE store_id = ?1 AND version > ?2 ORDER BY version LIMIT ?3",
            store,
            cursor,
            limit,
            |r| Ok((r.get::<_, String>(0)?, r.get(1)?)),
        )?;
        let mut out = Vec::with_capacity(bodies.len());
        for body in bodies {
            let e: smartstore_protocol::events::OrderReturned =
                serde_json::from_str(&body).map_err(|e| HubError::BadBatch(e.to_string()))?;
            out.push(smartstore_protocol::wire::KnownReturn {
                return_id: e.return_id,
                order_id: e.order_id,
                lines: e.lines,
                refunds: e.refunds,
            });
        }
        Ok((out, last))
    }

    /// Refunds part or all of an approved payment of the device's store, once per reference,
    /// never past what the payment has left.
    pub fn refund(
        &mut self,
        device: &str,
        req: &smartstore_protocol::wire::RefundRequest,
    ) -> Result<smartstore_protocol::wire::RefundResponse, HubError> {
        let path = self.path.clone();
        let err = |e: rusqlite::Error| sqlite_error(&path, e);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(err)?;
        let unknown = || HubError::UnknownPayment {
            reference: req.payment_reference.clone(),
        };
        // The payment, approved, taken by a terminal of the asking device's store.
        let paid: Option<(i64, String)> = tx
            .query_row(
                "SELECT p.amount, p.currency FROM payments p
                   JOIN devices d ON d.id = p.device_id
                   JOIN devices me ON me.id = ?2 AND me.store_id = d.store_id
                 WHERE p.reference = ?1 AND p.status = 'approved'",
                params![req.payment_reference, device],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(err)?;
        let (amount, currency) = paid.ok_or_else(unknown)?;
        let refunded = |tx: &rusqlite::Transaction<'_>| -> Result<i64, HubError> {
            tx.query_row(
                "SELECT COALESCE(SUM(amount), 0) FROM refunds WHERE payment_reference = ?1",
                [&req.payment_reference],
                |r| r.get(0),
            )
            .map_err(err)
        };
        let existing: Option<(String, String, i64, String)> = tx
            .query_row(
                "SELECT refund_id, payment_reference, amount, device_id FROM refunds WHERE reference = ?1",
                [&req.reference],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()
            .map_err(err)?;
        if let Some((refund_id, payment, a, by)) = existing {
            if (payment.as_str(), a, by.as_str())
                != (req.payment_reference.as_str(), req.amount, device)
            {
                return Err(HubError::ReferenceConflict {
                    reference: req.reference.clone(),
                });
            }
            let remaining = amount - refunded(&tx)?;
            return Ok(smartstore_protocol::wire::RefundResponse {
                refund_id,
                remaining,
            });
        }
        let left = amount - refunded(&tx)?;
        check_new_refund(req, &currency, left)?;
        let refund_id = Uuid::now_v7().to_string();
        tx.execute(
            "INSERT INTO refunds (reference, payment_reference, device_id, refund_id, amount, currency, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![req.reference, req.payment_reference, device, refund_id, req.amount, req.currency, now()],
        )
        .map_err(err)?;
        tx.commit().map_err(err)?;
        Ok(smartstore_protocol::wire::RefundResponse {
            refund_id,
            remaining: left - req.amount,
        })
    }

    /// Per order: what was sold, what its returns refunded, what stands; an order whose returns
    /// passed what it sold is marked.
    pub fn ledger(&self) -> Result<Vec<LedgerRow>, HubError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT e.order_id, e.receipt, e.body,
                   (SELECT COALESCE(SUM(r.total), 0) FROM returns r WHERE r.order_id = e.order_id),
                   (SELECT COUNT(*) FROM returns r WHERE r.order_id = e.order_id)
                 FROM events e WHERE e.type = 'order.placed' ORDER BY e.received_at, e.device_id, e.seq",
            )
            .map_err(self.err())?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, Option<String>>(0)?,
                    r.get::<_, Option<String>>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, u32>(4)?,
                ))
            })
            .map_err(self.err())?;
        let mut out = Vec::new();
        for row in rows {
            let (order_id, receipt, body, refunded, returns) = row.map_err(self.err())?;
            out.push(ledger_row(order_id, receipt, &body, refunded, returns)?);
        }
        Ok(out)
    }

    /// The report of a store's day: the Z reports its terminals sent (`shift.closed`) for the
    /// shifts closed on `day` in the store's local time (`offset` from UTC).
    pub fn day_report(
        &self,
        store: &str,
        day: time::Date,
        offset: time::UtcOffset,
    ) -> Result<smartstore_domain::shift::ShiftReport, HubError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT e.body FROM events e JOIN devices d ON d.id = e.device_id
                 WHERE e.type = 'shift.closed' AND d.store_id = ?1 ORDER BY e.device_id, e.seq",
            )
            .map_err(self.err())?;
        let rows = stmt
            .query_map([store], |r| r.get::<_, String>(0))
            .map_err(self.err())?;
        let bodies = rows.collect::<Result<Vec<_>, _>>().map_err(self.err())?;
        Ok(day_report_of(&bodies, day, offset))
    }

    /// Every refund to a payment code, oldest first.
    pub fn refunds(&self) -> Result<Vec<(String, String, i64)>, HubError> {
        let mut stmt = self
            .conn
            .prepare("SELECT reference, payment_reference, amount FROM refunds ORDER BY created_at, reference")
            .map_err(self.err())?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .map_err(self.err())?;
        rows.collect::<Result<_, _>>().map_err(self.err())
    }

    /// Every stored event, oldest first per device.
    pub fn events(&self) -> Result<Vec<StoredEvent>, HubError> {
        let mut stmt = self
            .conn
            .prepare("SELECT device_id, seq, type, order_id, body, flag FROM events ORDER BY device_id, seq")
            .map_err(self.err())?;
        let rows = stmt
            .query_map([], |r| {
                Ok(StoredEvent {
                    device: r.get(0)?,
                    seq: r.get(1)?,
                    kind: r.get(2)?,
                    order_id: r.get(3)?,
                    body: r.get(4)?,
                    flag: r.get(5)?,
                })
            })
            .map_err(self.err())?;
        rows.collect::<Result<_, _>>().map_err(self.err())
    }

    /// Caps this connection's file at `pages` pages (`PRAGMA max_page_count`; SQLite keeps it
    /// no lower than the file's size): past it, writes fail with `SQLITE_FULL` as on a full
    /// disk. Returns the cap in force. The full-disk tests use it.
    pub fn set_max_page_count(&self, pages: u64) -> Result<u64, HubError> {
        self.conn
            .query_row(&format!("PRAGMA max_page_count = {pages}"), [], |r| {
                r.get(0)
            })
            .map_err(self.err())
    }

    /// The file's size in pages (`PRAGMA page_count`).
    pub fn page_count(&self) -> Result<u64, HubError> {
        self.conn
            .query_row("PRAGMA page_count", [], |r| r.get(0))
            .map_err(self.err())
    }

    pub fn event_count(&self) -> Result<u64, HubError> {
        self.conn
            .query_row("SELECT count(*) FROM events", [], |r| r.get(0))
            .map_err(self.err())
    }

    /// Enrolment tokens for a whole rollout, `(store, terminals)` pairs, in one transaction:
    /// every token or none. The tokens come back in the order of the list.
    pub fn create_fleet_tokens(
        &mut self,
        stores: &[(String, u32)],
        valid: time::Duration,
    ) -> Result<Vec<IssuedToken>, HubError> {
        check_store_ids(stores)?;
        let rng = ring::rand::SystemRandom::new();
        let path = self.path.clone();
        let err = |e: rusqlite::Error| sqlite_error(&path, e);
        let created = now();
        let expires = rfc3339(time::OffsetDateTime::now_utc() + valid);
        let pin = self.ca_fingerprint()?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(err)?;
        let mut out = Vec::new();
        {
            let mut ins = tx
                .prepare_cached(
                    "INSERT INTO enrolment_tokens (token, store_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
                )
                .map_err(err)?;
            for (store, count) in stores {
                for _ in 0..*count {
                    let (digest, token) =
                        mint_token(&rng, pin.as_deref()).ok_or_else(|| HubError::Db {
                            path: path.clone(),
                            detail: "no randomness".into(),
                        })?;
                    ins.execute(params![digest, store, created, expires])
                        .map_err(err)?;
                    out.push(IssuedToken {
                        store: store.clone(),
                        token,
                        created: created.clone(),
                        expires: expires.clone(),
                    });
                }
            }
        }
        tx.commit().map_err(err)?;
        Ok(out)
    }

    /// A sale as the platform holds it, for its e-receipt page: the `order.placed` of `store`
    /// with this receipt number and order id, the returns of the store against it (oldest
    /// first) and the catalog's names of its products. `None` until the sale has synced.
    pub fn receipt_record(
        &self,
        store: &str,
        order_id: &str,
        receipt: &str,
    ) -> Result<Option<ReceiptRecord>, HubError> {
        // By receipt number (indexed): a number issued twice (a cloned terminal) has two rows,
        // and the order id tells them apart.
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT e.body FROM events e JOIN devices d ON d.id = e.device_id
                 WHERE e.receipt = ?1 AND e.type = 'order.placed' AND d.store_id = ?2
                 ORDER BY e.received_at, e.device_id, e.seq",
            )
            .map_err(self.err())?;
        let bodies: Vec<String> = stmt
            .query_map(params![receipt, store], |r| r.get(0))
            .and_then(|rows| rows.collect::<Result<_, _>>())
            .map_err(self.err())?;
        let Some(order) = order_among(&bodies, order_id, store) else {
            return Ok(None);
        };
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT body FROM returns WHERE order_id = ?1 AND store_id = ?2 ORDER BY version",
            )
            .map_err(self.err())?;
        let returns: Vec<String> = stmt
            .query_map(params![order_id, store], |r| r.get(0))
            .and_then(|rows| rows.collect::<Result<_, _>>())
            .map_err(self.err())?;
        let returns = returns_among(&returns);
        let mut names = std::collections::BTreeMap::new();
        let mut stmt = self
            .conn
            .prepare_cached("SELECT name, name_zh FROM catalog_items WHERE gtin = ?1")
            .map_err(self.err())?;
        for line in &order.lines {
            if names.contains_key(&line.gtin) {
                continue;
            }
            let found: Option<(String, Option<String>)> = stmt
                .query_row([&line.gtin], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()
                .map_err(self.err())?;
            if let Some(n) = found {
                names.insert(line.gtin.clone(), n);
            }
        }
        Ok(Some(ReceiptRecord {
            order,
            returns,
            names,
        }))
    }

    /// Enrolled devices, revoked or not.
    pub fn device_count(&self) -> Result<u64, HubError> {
        self.conn
            .query_row("SELECT count(*) FROM devices", [], |r| r.get(0))
            .map_err(self.err())
    }
}

/// A store id as enrolment tokens and receipt numbers take it: 1-16 ASCII letters and digits.
pub fn valid_store_id(store: &str) -> bool {
    !store.is_empty() && store.len() <= 16 && store.chars().all(|c| c.is_ascii_alphanumeric())
}

/// A platform key as the key set shows it, with its standing (active, retired since…, revoked
/// since…); `db` names the database for the error of a key that is not 32 bytes.
pub(crate) fn platform_jwk(
    kid: &str,
    public: Vec<u8>,
    retired_at: Option<i64>,
    revoked_at: Option<i64>,
    db: impl AsRef<std::path::Path>,
) -> Result<Jwk, HubError> {
    let public: [u8; 32] = public.try_into().map_err(|_| HubError::Db {
        path: db.as_ref().to_owned(),
        detail: format!("platform key {kid} is not 32 bytes"),
    })?;
    let status = match (retired_at, revoked_at) {
        (_, Some(_)) => Some(KeyStatus::Revoked),
        (Some(_), None) => Some(KeyStatus::Retired),
        (None, None) => None,
    };
    Ok(Jwk {
        status,
        retired_at,
        revoked_at,
        ..Jwk::ed25519(&public, kid)
    })
}

/// Every store of a rollout has an id as [`valid_store_id`] takes it.
pub(crate) fn check_store_ids(stores: &[(String, u32)]) -> Result<(), HubError> {
    match stores.iter().find(|(store, _)| !valid_store_id(store)) {
        Some((store, _)) => Err(HubError::BadBatch(format!(
            "store id '{store}' must be 1-16 letters and digits"
        ))),
        None => Ok(()),
    }
}

/// One enrolment token made for a rollout: a row of the CSV a technician carries.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct IssuedToken {
    pub store: String,
    pub token: String,
    /// RFC 3339, UTC.
    pub created: String,
    /// RFC 3339, UTC: unused after this, the token is refused.
    pub expires: String,
}

/// A batch's shape and every event's content, before anything is stored: its sequence numbers
/// contiguous and matching its range, ids and types present, each event within the limits.
/// Returns each event's view of an order (see [`check_event`]).
pub(crate) fn check_batch(batch: &BatchPayload) -> Result<Vec<Option<PlacedView>>, HubError> {
    let n = batch.events.len() as u64;
    if n == 0 || batch.last_seq < batch.first_seq || batch.last_seq - batch.first_seq + 1 != n {
        return Err(HubError::BadBatch(
            "first_seq..last_seq does not match the events".into(),
        ));
    }
    if batch
        .events
        .iter()
        .enumerate()
        .any(|(i, e)| e.seq != batch.first_seq + i as u64)
    {
        return Err(HubError::BadBatch(
            "event sequence numbers are not contiguous".into(),
        ));
    }
    if batch
        .events
        .iter()
        .any(|e| e.event_id.is_empty() || e.kind.is_empty())
    {
        return Err(HubError::BadBatch(
            "every event needs an event_id and a type".into(),
        ));
    }
    // Content limits, before anything is stored: one refused event names its seq.
    let mut views = Vec::with_capacity(batch.events.len());
    for e in &batch.events {
        views.push(check_event(e)?);
    }
    Ok(views)
}

/// Checks one event's content: its size, and for an `order.placed` the fields the platform
/// settles. Returns that view of an order.
fn check_event(e: &BatchEvent) -> Result<Option<PlacedView>, HubError> {
    let refused = |reason: String| HubError::EventRefused { seq: e.seq, reason };
    if e.body.get().len() > MAX_EVENT_BYTES {
        return Err(refused(format!(
            "the event is {} bytes; at most {MAX_EVENT_BYTES} are accepted",
            e.body.get().len()
        )));
    }
    if e.kind != EventKind::OrderPlaced.as_str() {
        return Ok(None);
    }
    let view: PlacedView = serde_json::from_str(e.body.get())
        .map_err(|x| refused(format!("not an order.placed document: {x}")))?;
    if view.receipt.is_empty() || view.receipt.len() > 64 || view.order_id.is_empty() {
        return Err(refused(
            "the order has no usable receipt or order id".into(),
        ));
    }
    Ok(Some(view))
}

/// Stores a return and says what is wrong with it, if anything: more taken back than sold, or
/// more refunded than the sale's total (across every return the platform holds).
fn record_return(
    tx: &rusqlite::Transaction<'_>,
    device: &str,
    e: &BatchEvent,
) -> Result<Option<String>, HubError> {
    let db = |x: rusqlite::Error| sqlite_error(Path::new(""), x);
    let Ok(r) = serde_json::from_str::<smartstore_protocol::events::OrderReturned>(e.body.get())
    else {
        return Ok(Some("not a readable order.returned".into()));
    };
    let store: String = tx
        .query_row(
            "SELECT store_id FROM devices WHERE id = ?1",
            [device],
            |x| x.get(0),
        )
        .map_err(db)?;
    let v = HubDb::next_version(tx).map_err(db)?;
    tx.execute(
        "INSERT INTO returns (return_id, store_id, device_id, seq, order_id, total, body, version)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (return_id) DO NOTHING",
        params![
            r.return_id,
            store,
            device,
            e.seq,
            r.order_id,
            r.total,
            e.body.get(),
            v
        ],
    )
    .map_err(db)?;
    let sold: Option<String> = tx
        .query_row(
            "SELECT body FROM events WHERE type = 'order.placed' AND order_id = ?1 LIMIT 1",
            [&r.order_id],
            |x| x.get(0),
        )
        .optional()
        .map_err(db)?;
    // The sale may arrive later (sold offline on another terminal): then it is checked then.
    let Some(sold) = sold.and_then(|b| serde_json::from_str::<OrderPlaced>(&b).ok()) else {
        return Ok(None);
    };
    let mut stmt = tx
        .prepare_cached("SELECT body FROM returns WHERE order_id = ?1")
        .map_err(db)?;
    let bodies: Vec<String> = stmt
        .query_map([&r.order_id], |x| x.get(0))
        .map_err(db)?
        .collect::<Result<_, _>>()
        .map_err(db)?;
    Ok(return_problem(&sold, &bodies))
}

/// What is wrong with the returns of a sale, if anything (`bodies`: every `order.returned` of
/// it the platform holds): more of a product taken back than sold, or more refunded than the
/// sale's total.
pub(crate) fn return_problem(sold: &OrderPlaced, bodies: &[String]) -> Option<String> {
    let mut back: std::collections::BTreeMap<String, i64> = Default::default();
    let mut refunded = 0i64;
    for b in bodies {
        if let Ok(other) = serde_json::from_str::<smartstore_protocol::events::OrderReturned>(b) {
            refunded += other.total;
            for l in other.lines {
                *back.entry(l.gtin).or_default() += i64::from(l.quantity);
            }
        }
    }
    for (gtin, qty) in &back {
        let bought: i64 = sold
            .lines
            .iter()
            .filter(|l| &l.gtin == gtin)
            .map(|l| i64::from(l.quantity))
            .sum();
        if *qty > bought {
            return Some(format!(
                "{gtin} of {} returned {qty} times, sold {bought}",
                sold.receipt
            ));
        }
    }
    if refunded > sold.total {
        return Some(format!(
            "{} refunded {refunded}, sold for {}",
            sold.receipt, sold.total
        ));
    }
    None
}

/// The flag's words for the first use of a single-use thing, from its row: (terminal, store,
/// claimed at, receipt).
pub(crate) fn first_use_text(
    other: Option<(String, String, Option<String>, Option<String>)>,
) -> String {
    match other {
        Some((terminal, store, Some(at), _)) => {
            format!("claimed online by terminal {terminal} of store {store} at {at}")
        }
        Some((terminal, store, None, Some(receipt))) => {
            format!("first used by terminal {terminal} of store {store}: {receipt}")
        }
        _ => "first used on another terminal".to_owned(),
    }
}

/// A new refund of a payment in `currency` that has `left` to refund: in the payment's
/// currency, positive, and no more than what is left.
pub(crate) fn check_new_refund(
    req: &smartstore_protocol::wire::RefundRequest,
    currency: &str,
    left: i64,
) -> Result<(), HubError> {
    if currency != req.currency {
        return Err(HubError::UnknownPayment {
            reference: req.payment_reference.clone(),
        });
    }
    if req.amount <= 0 || req.amount > left {
        return Err(HubError::RefundExceeds {
            reference: req.payment_reference.clone(),
            asked: req.amount,
            left,
        });
    }
    Ok(())
}

/// The sandbox provider's answer to a new charge: well-formed codes are approved, except the
/// documented test range (codes ending in 0000, "insufficient funds").
pub(crate) fn sandbox_decision(
    req: &smartstore_protocol::wire::PaymentRequest,
) -> (&'static str, Option<String>) {
    if smartstore_domain::scan::payment_scheme(&req.code).is_none() {
        ("declined", Some("not a payment code".to_owned()))
    } else if req.amount <= 0 {
        ("declined", Some("the amount must be positive".to_owned()))
    } else if req.code.ends_with("0000") {
        (
            "declined",
            Some("insufficient funds (sandbox test range)".to_owned()),
        )
    } else {
        ("approved", None)
    }
}

/// A payment the platform holds: payment id, status, reason, device, code, amount, currency.
pub(crate) type PaymentHeld = (String, String, Option<String>, String, String, i64, String);

/// The answer to a charge whose reference the platform holds already. A reference the terminal
/// voided (a tombstone when the charge had not arrived) stays voided: a late or retried charge
/// with it is never approved. The same attempt retried gets its answer again; anything else
/// with this reference (another device, code or amount) is refused, never answered with
/// someone else's result.
pub(crate) fn payment_again(
    (payment_id, status, reason, by, code, amount, currency): PaymentHeld,
    device: &str,
    req: &smartstore_protocol::wire::PaymentRequest,
) -> Result<smartstore_protocol::wire::PaymentResponse, HubError> {
    let voided_here = status == "voided" && by == device;
    if !voided_here
        && (by.as_str(), code.as_str(), amount, currency.as_str())
            != (device, req.code.as_str(), req.amount, req.currency.as_str())
    {
        return Err(HubError::ReferenceConflict {
            reference: req.reference.clone(),
        });
    }
    Ok(smartstore_protocol::wire::PaymentResponse {
        status,
        reason,
        payment_id,
    })
}

/// A ledger's row of a sale (its `order.placed` body) and what its returns refunded; both
/// backends' `ledger`.
pub(crate) fn ledger_row(
    order_id: Option<String>,
    receipt: Option<String>,
    body: &str,
    refunded: i64,
    returns: u32,
) -> Result<LedgerRow, HubError> {
    let sold: smartstore_protocol::events::OrderPlaced =
        serde_json::from_str(body).map_err(|e| HubError::BadBatch(e.to_string()))?;
    Ok(LedgerRow {
        order_id: order_id.unwrap_or_default(),
        receipt: receipt.unwrap_or_default(),
        sold: sold.total,
        refunded,
        net: sold.total - refunded,
        returns,
        currency: sold.currency,
        balanced: refunded <= sold.total,
    })
}

/// The day report of the Z reports (`shift.closed` bodies, in the store's order) whose shift
/// closed on `day` in local time (`offset`); a body that is not a Z report is passed over.
/// Both backends' `day_report`.
pub(crate) fn day_report_of(
    bodies: &[String],
    day: time::Date,
    offset: time::UtcOffset,
) -> smartstore_domain::shift::ShiftReport {
    let reports: Vec<smartstore_domain::shift::ShiftReport> = bodies
        .iter()
        .filter_map(|body| serde_json::from_str::<smartstore_domain::shift::ShiftReport>(body).ok())
        .filter(|r| {
            r.closed_at.as_deref().and_then(|t| {
                time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339)
                    .ok()
                    .map(|t| t.to_offset(offset).date())
            }) == Some(day)
        })
        .collect();
    smartstore_domain::shift::day_report(&reports)
}

/// The sale with `order_id` of `store` among `order.placed` bodies of one receipt number.
pub(crate) fn order_among(bodies: &[String], order_id: &str, store: &str) -> Option<OrderPlaced> {
    bodies
        .iter()
        .filter_map(|b| serde_json::from_str::<OrderPlaced>(b).ok())
        .find(|o| o.order_id == order_id && o.store == store)
}

/// The readable returns among `order.returned` bodies.
pub(crate) fn returns_among(bodies: &[String]) -> Vec<smartstore_protocol::events::OrderReturned> {
    bodies
        .iter()
        .filter_map(|b| serde_json::from_str(b).ok())
        .collect()
}

/// A new enrolment token: its digest (what the platform keeps) and the token itself. The CA
/// fingerprint rides along (after `~`) once `cert init` recorded one: the terminal pins it at
/// enrolment. Only the secret is digested. `None`: no randomness.
pub(crate) fn mint_token(
    rng: &ring::rand::SystemRandom,
    pin: Option<&str>,
) -> Option<(String, String)> {
    let bytes: [u8; 16] = ring::rand::generate(rng).ok()?.expose();
    let secret = format!("et1-{}", b64(&bytes));
    let token = match pin {
        Some(fp) => format!(
            "{secret}{}{fp}",
            smartstore_protocol::wire::TOKEN_PIN_SEPARATOR
        ),
        None => secret.clone(),
    };
    Some((token_digest(&secret), token))
}

/// The order a `pickup.collected` event hands over.
pub(crate) fn collected_order(body: &str) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Collected {
        order_id: String,
    }
    serde_json::from_str::<Collected>(body)
        .ok()
        .map(|c| c.order_id)
        .filter(|o| !o.is_empty())
}

/// A synced sale with what the platform knows about it (see [`HubDb::receipt_record`]).
#[derive(Debug, Clone)]
pub struct ReceiptRecord {
    pub order: OrderPlaced,
    pub returns: Vec<smartstore_protocol::events::OrderReturned>,
    /// The catalog's names by GTIN: (name, Chinese name).
    pub names: std::collections::BTreeMap<String, (String, Option<String>)>,
}

#[derive(Debug, Clone)]
pub struct StoredEvent {
    pub device: String,
    pub seq: u64,
    pub kind: String,
    pub order_id: Option<String>,
    pub body: String,
    pub flag: Option<String>,
}
