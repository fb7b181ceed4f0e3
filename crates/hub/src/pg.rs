//! The platform on PostgreSQL (issue 17): the same operations as [`crate::db::HubDb`], for
//! several stateless hub processes on one database. Exactly-once intake is held by the
//! database: the unique `(device, seq)` and `event_id` of `event_keys`, the device's row locked
//! for the batch's transaction, and its high-water mark moved in that same transaction. No
//! process-wide lock: two hubs that receive the same batch at once store it once.
//!
//! tokio-postgres speaks the wire protocol in pure Rust (no libpq, nothing to link), and
//! deadpool-postgres keeps a pool of its connections per hub.

use std::str::FromStr;
use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime, Transaction};
use tokio_postgres::NoTls;
use tokio_postgres::error::SqlState;
use uuid::Uuid;

use smartstore_domain::money::Currency;
use smartstore_domain::shift::ShiftReport;
use smartstore_protocol::catalog_csv::{self, ImportFailure};
use smartstore_protocol::events::EventKind;
use smartstore_protocol::keys::{JwkSet, SigningKey};
use smartstore_protocol::wire::{
    BatchEvent, BatchPayload, CatalogChange, ClaimAnswer, ClaimKind, DeviceKey, EnrolRequest,
    EnrolResponse, KnownReturn, PaymentRequest, PaymentResponse, Pickup, PickupLine, RefundRequest,
    RefundResponse, Revocation, StaffMember,
};

use crate::db::{
    HubError, IssuedToken, LedgerRow, PaymentHeld, PaymentRow, ReceiptRecord, StorageFault,
    StoredEvent, check_batch, check_new_refund, check_store_ids, collected_order, day_report_of,
    first_use_text, ledger_row, mint_token, now, order_among, payment_again, platform_jwk,
    return_problem, returns_among, rfc3339, sandbox_decision, token_digest,
};

/// The PostgreSQL migrations, in order (`migrations/hub/postgres/`).
const MIGRATIONS: &[(&str, &str)] = &[
    (
        "postgres/0001_hub",
        include_str!("../../../migrations/hub/postgres/0001_hub.sql"),
    ),
    (
        "postgres/0002_assist",
        include_str!("../../../migrations/hub/postgres/0002_assist.sql"),
    ),
    (
        "postgres/0003_online",
        include_str!("../../../migrations/hub/postgres/0003_online.sql"),
    ),
    (
        "postgres/0004_magic_mirror",
        include_str!("../../../migrations/hub/postgres/0004_magic_mirror.sql"),
    ),
];

mod mirror;
mod online;

/// Taken (for its transaction) by whoever migrates or makes partitions, so that several hubs
/// starting at once do it once.
const SCHEMA_LOCK: i64 = 0x5353_4855_4201; // "SSHUB" 1

/// Months of event partitions made ahead of now.
const MONTHS_AHEAD: i32 = 2;

/// Whether `db` names a PostgreSQL database rather than a SQLite file.
pub fn is_postgres_url(db: &str) -> bool {
    db.starts_with("postgres://") || db.starts_with("postgresql://")
}

#[derive(Clone)]
pub struct PgHub {
    pool: Pool,
    /// The database as logs name it: host and database, never a password.
    name: String,
}

fn big(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn small(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// A PostgreSQL error as the hub's: the faults worth retrying (down, restarting, read-only,
/// full, a lost race) apart from the rest.
fn classify(e: tokio_postgres::Error) -> HubError {
    let fault = match e.code() {
        Some(c) if *c == SqlState::READ_ONLY_SQL_TRANSACTION => Some(StorageFault::ReadOnly),
        Some(c) if *c == SqlState::DISK_FULL || *c == SqlState::OUT_OF_MEMORY => {
            Some(StorageFault::Full)
        }
        Some(c)
            if *c == SqlState::T_R_SERIALIZATION_FAILURE
                || *c == SqlState::T_R_DEADLOCK_DETECTED
                || *c == SqlState::LOCK_NOT_AVAILABLE =>
        {
            Some(StorageFault::Busy)
        }
        Some(c)
            if *c == SqlState::ADMIN_SHUTDOWN
                || *c == SqlState::CRASH_SHUTDOWN
                || *c == SqlState::CANNOT_CONNECT_NOW
                || *c == SqlState::TOO_MANY_CONNECTIONS
                || c.code().starts_with("08") =>
        {
            Some(StorageFault::Unavailable)
        }
        Some(_) => None,
        // No SQLSTATE: the connection itself broke (closed, reset, refused).
        None => Some(StorageFault::Unavailable),
    };
    let detail = match e.as_db_error() {
        Some(db) => format!("{} ({})", db.message(), db.code().code()),
        None => e.to_string(),
    };
    match fault {
        Some(fault) => HubError::Storage { fault, detail },
        None => HubError::Db {
            path: "postgresql".into(),
            detail,
        },
    }
}

fn pool_error(e: deadpool_postgres::PoolError) -> HubError {
    match e {
        deadpool_postgres::PoolError::Backend(e) => classify(e),
        other => HubError::Storage {
            fault: StorageFault::Unavailable,
            detail: other.to_string(),
        },
    }
}

/// The first of a month and the first of the next, as PostgreSQL dates.
fn month_bounds(year: i32, month: u8) -> (String, String, String) {
    let (ny, nm) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    (
        format!("events_y{year:04}m{month:02}"),
        format!("{year:04}-{month:02}-01"),
        format!("{ny:04}-{nm:02}-01"),
    )
}

impl PgHub {
    /// Connects to `url` (`postgres://USER[:PASSWORD]@HOST[:PORT]/DB`), applies the migrations
    /// not yet applied, makes the event partitions and the first platform key. `max_size`
    /// connections at most.
    pub async fn connect(url: &str, max_size: usize) -> Result<PgHub, HubError> {
        let config = tokio_postgres::Config::from_str(url).map_err(|e| HubError::Db {
            path: "postgresql".into(),
            detail: format!("--db is not a PostgreSQL URL: {e}"),
        })?;
        let name = format!(
            "postgresql://{}/{}",
            config
                .get_hosts()
                .iter()
                .map(|h| match h {
                    tokio_postgres::config::Host::Tcp(h) => h.clone(),
                    tokio_postgres::config::Host::Unix(p) => p.display().to_string(),
                })
                .collect::<Vec<_>>()
                .join(","),
            config.get_dbname().unwrap_or("")
        );
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(max_size.max(1))
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(Duration::from_secs(10)))
            .create_timeout(Some(Duration::from_secs(5)))
            .recycle_timeout(Some(Duration::from_secs(5)))
            .build()
            .map_err(|e| HubError::Db {
                path: name.clone().into(),
                detail: e.to_string(),
            })?;
        let hub = PgHub { pool, name };
        hub.migrate().await?;
        Ok(hub)
    }

    /// The database as the logs name it.
    pub fn name(&self) -> &str {
        &self.name
    }

    async fn client(&self) -> Result<deadpool_postgres::Object, HubError> {
        self.pool.get().await.map_err(pool_error)
    }

    /// Applies the migrations not yet applied, makes this month's and the next months' event
    /// partitions and the first platform key, all under [`SCHEMA_LOCK`]. Returns the
    /// migrations applied now.
    pub async fn migrate(&self) -> Result<Vec<&'static str>, HubError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(classify)?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&SCHEMA_LOCK])
            .await
            .map_err(classify)?;
        tx.batch_execute(
            "CREATE TABLE IF NOT EXISTS hub_migrations (
                name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
        )
        .await
        .map_err(classify)?;
        let applied: Vec<String> = tx
            .query("SELECT name FROM hub_migrations", &[])
            .await
            .map_err(classify)?
            .iter()
            .map(|r| r.get(0))
            .collect();
        if let Some(newer) = applied
            .iter()
            .find(|a| !MIGRATIONS.iter().any(|(n, _)| n == a))
        {
            return Err(HubError::Db {
                path: self.name.clone().into(),
                detail: format!("written by a newer smartstore-hub (schema {newer})"),
            });
        }
        let mut now_applied = Vec::new();
        for (name, sql) in MIGRATIONS {
            if applied.iter().any(|a| a == name) {
                continue;
            }
            tx.batch_execute(sql).await.map_err(classify)?;
            tx.execute("INSERT INTO hub_migrations (name) VALUES ($1)", &[name])
                .await
                .map_err(classify)?;
            now_applied.push(*name);
        }
        Self::make_partitions(&tx, time::OffsetDateTime::now_utc()).await?;
        Self::ensure_platform_key(&tx).await?;
        tx.commit().await.map_err(classify)?;
        Ok(now_applied)
    }

    /// Makes the events partitions of this month and the next [`MONTHS_AHEAD`] (a hub that
    /// runs for months calls this every few hours: see [`PgHub::keep_partitions`]).
    pub async fn ensure_partitions(&self) -> Result<(), HubError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(classify)?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&SCHEMA_LOCK])
            .await
            .map_err(classify)?;
        Self::make_partitions(&tx, time::OffsetDateTime::now_utc()).await?;
        tx.commit().await.map_err(classify)
    }

    async fn make_partitions(
        tx: &Transaction<'_>,
        at: time::OffsetDateTime,
    ) -> Result<(), HubError> {
        let (mut year, mut month) = (at.year(), u8::from(at.month()));
        for _ in 0..=MONTHS_AHEAD {
            let (table, from, to) = month_bounds(year, month);
            tx.batch_execute(&format!(
                "CREATE TABLE IF NOT EXISTS {table} PARTITION OF events FOR VALUES FROM ('{from}') TO ('{to}')"
            ))
            .await
            .map_err(classify)?;
            (year, month) = if month == 12 {
                (year + 1, 1)
            } else {
                (year, month + 1)
            };
        }
        Ok(())
    }

    /// Every six hours, the partitions of the months ahead; a failure is logged and tried
    /// again next time (events go to the default partition meanwhile).
    pub fn keep_partitions(&self) {
        let hub = self.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_secs(6 * 3600)).await;
                if let Err(e) = hub.ensure_partitions().await {
                    tracing::warn!(
                        "{}: making the next months' event partitions: {e}",
                        hub.name
                    );
                }
            }
        });
    }

    async fn ensure_platform_key(tx: &Transaction<'_>) -> Result<(), HubError> {
        let n: i64 = tx
            .query_one(
                "SELECT count(*) FROM platform_keys WHERE active AND retired_at IS NULL AND revoked_at IS NULL",
                &[],
            )
            .await
            .map_err(classify)?
            .get(0);
        if n > 0 {
            return Ok(());
        }
        let key = SigningKey::generate_named().map_err(|e| HubError::Db {
            path: "postgresql".into(),
            detail: e.to_string(),
        })?;
        tx.execute(
            "INSERT INTO platform_keys (kid, pkcs8, public_key, created_at) VALUES ($1, $2, $3, $4)",
            &[&key.kid, &key.pkcs8(), &key.public_key().to_vec(), &now()],
        )
        .await
        .map_err(classify)?;
        Ok(())
    }

    pub async fn set_ca_fingerprint(&self, fingerprint: &str) -> Result<(), HubError> {
        self.client()
            .await?
            .execute(
                "INSERT INTO meta (key, value) VALUES ('ca_fingerprint', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                &[&fingerprint],
            )
            .await
            .map(|_| ())
            .map_err(classify)
    }

    pub async fn ca_fingerprint(&self) -> Result<Option<String>, HubError> {
        Ok(self
            .client()
            .await?
            .query_opt("SELECT value FROM meta WHERE key = 'ca_fingerprint'", &[])
            .await
            .map_err(classify)?
            .map(|r| r.get(0)))
    }

    pub async fn platform_signing_key(&self) -> Result<SigningKey, HubError> {
        let row = self
            .client()
            .await?
            .query_one(
                "SELECT kid, pkcs8 FROM platform_keys WHERE active AND retired_at IS NULL AND revoked_at IS NULL
                 ORDER BY created_at DESC, n DESC LIMIT 1",
                &[],
            )
            .await
            .map_err(classify)?;
        let (kid, pkcs8): (String, Vec<u8>) = (row.get(0), row.get(1));
        SigningKey::from_pkcs8(&pkcs8, &kid).map_err(|_| HubError::Db {
            path: self.name.clone().into(),
            detail: "stored platform key is invalid".into(),
        })
    }

    pub async fn platform_keys(&self) -> Result<JwkSet, HubError> {
        let rows = self
            .client()
            .await?
            .query(
                "SELECT kid, public_key, retired_at, revoked_at FROM platform_keys ORDER BY created_at, n",
                &[],
            )
            .await
            .map_err(classify)?;
        let mut keys = Vec::new();
        for row in rows {
            let (kid, public, retired_at, revoked_at): (String, Vec<u8>, Option<i64>, Option<i64>) =
                (row.get(0), row.get(1), row.get(2), row.get(3));
            keys.push(platform_jwk(
                &kid, public, retired_at, revoked_at, &self.name,
            )?);
        }
        Ok(JwkSet { keys })
    }

    /// A new signing key; the signing ones are retired. Returns the new key's id.
    pub async fn rotate_keys(&self) -> Result<String, HubError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(classify)?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&SCHEMA_LOCK])
            .await
            .map_err(classify)?;
        tx.execute(
            "UPDATE platform_keys SET active = FALSE, retired_at = $1
             WHERE active AND retired_at IS NULL AND revoked_at IS NULL",
            &[&time::OffsetDateTime::now_utc().unix_timestamp()],
        )
        .await
        .map_err(classify)?;
        Self::ensure_platform_key(&tx).await?;
        tx.commit().await.map_err(classify)?;
        Ok(self.platform_signing_key().await?.kid)
    }

    /// Retires (`revoke` false) or revokes one key; a new signing key is made when none is left.
    pub async fn set_key_standing(&self, kid: &str, revoke: bool) -> Result<(), HubError> {
        let sql = if revoke {
            "UPDATE platform_keys SET active = FALSE, retired_at = COALESCE(retired_at, $1), revoked_at = COALESCE(revoked_at, $1) WHERE kid = $2"
        } else {
            "UPDATE platform_keys SET active = FALSE, retired_at = COALESCE(retired_at, $1) WHERE kid = $2"
        };
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(classify)?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&SCHEMA_LOCK])
            .await
            .map_err(classify)?;
        let n = tx
            .execute(
                sql,
                &[&time::OffsetDateTime::now_utc().unix_timestamp(), &kid],
            )
            .await
            .map_err(classify)?;
        if n == 0 {
            return Err(HubError::UnknownKey(kid.to_owned()));
        }
        Self::ensure_platform_key(&tx).await?;
        tx.commit().await.map_err(classify)
    }

    /// Claims a single-use coupon or a pickup for `device`: the first claim wins.
    pub async fn claim(
        &self,
        device: &str,
        kind: ClaimKind,
        id: &str,
    ) -> Result<ClaimAnswer, HubError> {
        let client = self.client().await?;
        client
            .execute(
                "INSERT INTO claims (kind, id, device_id, claimed_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                &[&kind.as_str(), &id, &device, &now()],
            )
            .await
            .map_err(classify)?;
        let row = client
            .query_one(
                "SELECT c.device_id, c.claimed_at, d.terminal_id, d.store_id FROM claims c JOIN devices d ON d.id = c.device_id
                 WHERE c.kind = $1 AND c.id = $2",
                &[&kind.as_str(), &id],
            )
            .await
            .map_err(classify)?;
        let (by, at): (String, String) = (row.get(0), row.get(1));
        if by != device {
            return Err(HubError::AlreadyClaimed {
                kind: kind.as_str(),
                id: id.to_owned(),
                terminal: row.get(2),
                store: row.get(3),
                at,
            });
        }
        Ok(ClaimAnswer { claimed: true, at })
    }

    pub async fn store_conflicts(&self, store: &str) -> Result<u64, HubError> {
        let n: i64 = self
            .client()
            .await?
            .query_one(
                "SELECT count(*) FROM events e JOIN devices d ON d.id = e.device_id
                 WHERE e.flag IS NOT NULL AND d.store_id = $1",
                &[&store],
            )
            .await
            .map_err(classify)?
            .get(0);
        Ok(small(n))
    }

    pub async fn revoke_device(&self, device_id: &str) -> Result<(), HubError> {
        let n = self
            .client()
            .await?
            .execute(
                "UPDATE devices SET revoked = TRUE WHERE id = $1",
                &[&device_id],
            )
            .await
            .map_err(classify)?;
        if n == 0 {
            return Err(HubError::UnknownDevice(device_id.to_owned()));
        }
        Ok(())
    }

    /// Enrolment tokens for `(store, terminals)` pairs, in one transaction: every one or none.
    pub async fn create_fleet_tokens(
        &self,
        stores: &[(String, u32)],
        valid: time::Duration,
    ) -> Result<Vec<IssuedToken>, HubError> {
        check_store_ids(stores)?;
        let rng = ring::rand::SystemRandom::new();
        let created = now();
        let expires = rfc3339(time::OffsetDateTime::now_utc() + valid);
        let pin = self.ca_fingerprint().await?;
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(classify)?;
        let ins = tx
            .prepare_cached(
                "INSERT INTO enrolment_tokens (token, store_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
            )
            .await
            .map_err(classify)?;
        let mut out = Vec::new();
        for (store, count) in stores {
            for _ in 0..*count {
                let (digest, token) =
                    mint_token(&rng, pin.as_deref()).ok_or_else(|| HubError::Db {
                        path: self.name.clone().into(),
                        detail: "no randomness".into(),
                    })?;
                tx.execute(&ins, &[&digest, store, &created, &expires])
                    .await
                    .map_err(classify)?;
                out.push(IssuedToken {
                    store: store.clone(),
                    token,
                    created: created.clone(),
                    expires: expires.clone(),
                });
            }
        }
        tx.commit().await.map_err(classify)?;
        Ok(out)
    }

    pub async fn create_enrolment_tokens(
        &self,
        store: &str,
        count: u32,
    ) -> Result<Vec<String>, HubError> {
        let issued = self
            .create_fleet_tokens(
                &[(store.trim().to_owned(), count)],
                crate::db::DEFAULT_TOKEN_VALIDITY,
            )
            .await?;
        Ok(issued.into_iter().map(|t| t.token).collect())
    }

    /// Uses a one-time token (see [`crate::db::HubDb::enrol`]): the token's row is locked for
    /// the transaction, and the store's terminal numbers are taken under a lock of the store,
    /// so two hubs enrolling two terminals of one store at once number them apart.
    pub async fn enrol(&self, req: &EnrolRequest) -> Result<EnrolResponse, HubError> {
        let key = req
            .public_key
            .ed25519_public()
            .map_err(|e| HubError::BadBatch(format!("public_key: {e}")))?;
        let keys = self.platform_keys().await?;
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(classify)?;
        let digest = token_digest(smartstore_protocol::wire::split_token(&req.token).0);
        let row = tx
            .query_opt(
                "SELECT store_id, device_id, expires_at FROM enrolment_tokens WHERE token = $1 FOR UPDATE",
                &[&digest],
            )
            .await
            .map_err(classify)?
            .ok_or(HubError::BadToken)?;
        let (store, used_by, expires): (String, Option<String>, String) =
            (row.get(0), row.get(1), row.get(2));
        if used_by.is_none() && expires.as_str() <= now().as_str() {
            return Err(HubError::TokenExpired { expired: expires });
        }
        if let Some(expected) = req.store_id.as_deref().filter(|e| *e != store) {
            return Err(HubError::WrongStore {
                token_store: store,
                expected: expected.to_owned(),
            });
        }
        let answer = |device_id: String, terminal_id: String| EnrolResponse {
            receipt_prefix: format!("{store}-{terminal_id}"),
            device_id,
            store_id: store.clone(),
            terminal_id,
            platform_keys: keys.clone(),
        };
        if let Some(device_id) = used_by {
            let same = tx
                .query_opt(
                    "SELECT terminal_id FROM devices WHERE id = $1 AND public_key = $2 AND NOT revoked",
                    &[&device_id, &key.to_vec()],
                )
                .await
                .map_err(classify)?
                .ok_or(HubError::BadToken)?;
            return Ok(answer(device_id, same.get(0)));
        }
        tx.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended($1, 17))",
            &[&store],
        )
        .await
        .map_err(classify)?;
        let n: i64 = tx
            .query_one(
                "SELECT count(*) FROM devices WHERE store_id = $1",
                &[&store],
            )
            .await
            .map_err(classify)?
            .get(0);
        let terminal_id = format!("T{:02}", n + 1);
        let device_id = Uuid::now_v7().to_string();
        tx.execute(
            "INSERT INTO devices (id, store_id, terminal_id, public_key, enrolled_at, replaces) VALUES ($1, $2, $3, $4, $5, $6)",
            &[&device_id, &store, &terminal_id, &key.to_vec(), &now(), &req.replaces],
        )
        .await
        .map_err(classify)?;
        tx.execute(
            "UPDATE enrolment_tokens SET used_at = $1, device_id = $2 WHERE token = $3",
            &[&now(), &device_id, &digest],
        )
        .await
        .map_err(classify)?;
        tx.commit().await.map_err(classify)?;
        Ok(answer(device_id, terminal_id))
    }

    /// The public key and store of an enrolled, not revoked device.
    pub async fn device(&self, device_id: &str) -> Result<Option<([u8; 32], String)>, HubError> {
        let client = self.client().await?;
        let stmt = client
            .prepare_cached(
                "SELECT public_key, store_id FROM devices WHERE id = $1 AND NOT revoked",
            )
            .await
            .map_err(classify)?;
        let row = client
            .query_opt(&stmt, &[&device_id])
            .await
            .map_err(classify)?;
        Ok(row.and_then(|r| {
            <[u8; 32]>::try_from(r.get::<_, Vec<u8>>(0))
                .ok()
                .map(|k| (k, r.get(1)))
        }))
    }

    pub async fn held_seq(&self, device_id: &str) -> Result<u64, HubError> {
        let row = self
            .client()
            .await?
            .query_opt("SELECT held_seq FROM devices WHERE id = $1", &[&device_id])
            .await
            .map_err(classify)?
            .ok_or_else(|| HubError::UnknownDevice(device_id.to_owned()))?;
        Ok(small(row.get(0)))
    }

    /// Stores a verified batch exactly once (see [`crate::db::HubDb::store_batch`]); a
    /// transaction that lost a race with another hub's (a deadlock, a serialisation failure)
    /// is run again, a few times.
    pub async fn store_batch(&self, batch: &BatchPayload) -> Result<u64, HubError> {
        let views = check_batch(batch)?;
        let mut attempt = 0u64;
        loop {
            match self.store_batch_once(batch, &views).await {
                Err(HubError::Storage {
                    fault: StorageFault::Busy,
                    detail,
                }) if attempt < 5 => {
                    attempt += 1;
                    tracing::debug!("batch of {} retried: {detail}", batch.device_id);
                    tokio::time::sleep(Duration::from_millis(5 * attempt)).await;
                }
                other => return other,
            }
        }
    }

    /// One try at storing a batch, in few statements whatever its size: the keys of its new
    /// events in one insert (the ones that conflict come back missing), the events in another,
    /// the receipt numbers checked in one query; only resends, returns, pickups and single-use
    /// coupons take a statement of their own.
    async fn store_batch_once(
        &self,
        batch: &BatchPayload,
        views: &[Option<smartstore_protocol::events::PlacedView>],
    ) -> Result<u64, HubError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(classify)?;
        // The device's row, locked until commit: a batch of this device on any hub waits here.
        let row = tx
            .query_opt(
                "SELECT held_seq, store_id FROM devices WHERE id = $1 FOR UPDATE",
                &[&batch.device_id],
            )
            .await
            .map_err(classify)?
            .ok_or_else(|| HubError::UnknownDevice(batch.device_id.clone()))?;
        let held = small(row.get(0));
        let store: String = row.get(1);
        if batch.first_seq > held + 1 {
            return Ok(held); // a gap: nothing to store
        }
        let device = &batch.device_id;
        let fresh: Vec<(
            &BatchEvent,
            Option<&smartstore_protocol::events::PlacedView>,
        )> = batch
            .events
            .iter()
            .zip(views)
            .filter(|(e, _)| e.seq > held)
            .map(|(e, v)| (e, v.as_ref()))
            .collect();
        let seqs: Vec<i64> = fresh.iter().map(|(e, _)| big(e.seq)).collect();
        let ids: Vec<&str> = fresh.iter().map(|(e, _)| e.event_id.as_str()).collect();
        let inserted: std::collections::HashSet<i64> = tx
            .query(
                "INSERT INTO event_keys (device_id, seq, event_id, received_at)
                 SELECT $1, s, e, now() FROM unnest($2::bigint[], $3::text[]) AS t(s, e)
                 ON CONFLICT DO NOTHING RETURNING seq",
                &[device, &seqs, &ids],
            )
            .await
            .map_err(classify)?
            .iter()
            .map(|r| r.get(0))
            .collect();
        // Held already under its seq (the same event, or another: a conflict), or its id held
        // under another seq (a recovered device re-sending): an alias.
        for e in batch
            .events
            .iter()
            .filter(|e| !inserted.contains(&big(e.seq)))
        {
            let seq = big(e.seq);
            let here: Option<String> = tx
                .query_opt(
                    "SELECT event_id FROM event_keys WHERE device_id = $1 AND seq = $2
                     UNION ALL SELECT event_id FROM event_aliases WHERE device_id = $1 AND seq = $2",
                    &[device, &seq],
                )
                .await
                .map_err(classify)?
                .map(|r| r.get(0));
            match here {
                Some(id) if id == e.event_id => {}
                Some(_) => {
                    return Err(HubError::SequenceConflict {
                        device: device.clone(),
                        seq: e.seq,
                    });
                }
                None => {
                    tx.execute(
                        "INSERT INTO event_aliases (device_id, seq, event_id) VALUES ($1, $2, $3)",
                        &[device, &seq, &e.event_id],
                    )
                    .await
                    .map_err(classify)?;
                }
            }
        }
        let new: Vec<_> = fresh
            .into_iter()
            .filter(|(e, _)| inserted.contains(&big(e.seq)))
            .collect();
        if !new.is_empty() {
            let column = |f: &dyn Fn(
                &BatchEvent,
                Option<&smartstore_protocol::events::PlacedView>,
            ) -> Option<String>|
             -> Vec<Option<String>> {
                new.iter().map(|(e, v)| f(e, *v)).collect()
            };
            let seqs: Vec<i64> = new.iter().map(|(e, _)| big(e.seq)).collect();
            tx.execute(
                "INSERT INTO events (device_id, seq, event_id, type, order_id, body, created_at, received_at, receipt)
                 SELECT $1, s, i, k, o, b, c, now(), r
                 FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
                   AS t(s, i, k, o, b, c, r)",
                &[
                    device,
                    &seqs,
                    &column(&|e, _| Some(e.event_id.clone())),
                    &column(&|e, _| Some(e.kind.clone())),
                    &column(&|e, _| e.order_id.clone()),
                    &column(&|e, _| Some(e.body.get().to_owned())),
                    &column(&|e, _| Some(e.created_at.clone())),
                    &column(&|_, v| v.map(|v| v.receipt.clone())),
                ],
            )
            .await
            .map_err(classify)?;
        }
        // Receipt numbers already issued: by another device, or by this one before this event.
        let receipts: Vec<&str> = new
            .iter()
            .filter_map(|(_, v)| v.map(|v| v.receipt.as_str()))
            .collect();
        let issued: Vec<(String, String, i64)> = if receipts.is_empty() {
            Vec::new()
        } else {
            tx.query(
                "SELECT receipt, device_id, seq FROM events WHERE receipt = ANY($1)",
                &[&receipts],
            )
            .await
            .map_err(classify)?
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect()
        };
        for (e, view) in &new {
            let seq = big(e.seq);
            let mut flags = Vec::new();
            if let Some(text) = Self::settle(&tx, &store, device, e, *view).await? {
                flags.push(text);
            }
            // The store's stock at the platform, and its online orders' statuses.
            if let Some(text) =
                online::apply_store_event(&tx, &store, device, &e.kind, e.body.get()).await?
            {
                flags.push(text);
            }
            if let Some(view) = view
                && let Some((_, other, other_seq)) = issued
                    .iter()
                    .find(|(r, d, s)| *r == view.receipt && (d != device || *s < seq))
            {
                flags.push(format!(
                    "receipt {} also issued as event {other_seq} of device {other}",
                    view.receipt
                ));
            }
            if !flags.is_empty() {
                tx.execute(
                    "UPDATE events SET flag = $3 WHERE device_id = $1 AND seq = $2 AND received_at = now()",
                    &[device, &seq, &flags.join("; ")],
                )
                .await
                .map_err(classify)?;
            }
        }
        // The mark moves only over sequence numbers that are really stored.
        let new_held: i64 = tx
            .query_one(
                "WITH RECURSIVE run(s) AS (SELECT $2::bigint UNION ALL SELECT s + 1 FROM run
                   WHERE EXISTS (SELECT 1 FROM event_keys WHERE device_id = $1 AND seq = s + 1)
                      OR EXISTS (SELECT 1 FROM event_aliases WHERE device_id = $1 AND seq = s + 1))
                 SELECT MAX(s) FROM run",
                &[device, &big(held)],
            )
            .await
            .map_err(classify)?
            .get(0);
        tx.execute(
            "UPDATE devices SET held_seq = $1 WHERE id = $2",
            &[&new_held, device],
        )
        .await
        .map_err(classify)?;
        tx.commit().await.map_err(classify)?;
        Ok(small(new_held))
    }

    /// What the platform settles about one newly stored event: a return against its sale, a
    /// pickup or a single-use coupon used twice. Returns the event's flag, if any.
    async fn settle(
        tx: &Transaction<'_>,
        store: &str,
        device: &str,
        e: &BatchEvent,
        view: Option<&smartstore_protocol::events::PlacedView>,
    ) -> Result<Option<String>, HubError> {
        let seq = big(e.seq);
        if e.kind == EventKind::OrderReturned.as_str() {
            return Self::record_return(tx, store, device, e).await;
        }
        if e.kind == EventKind::PickupCollected.as_str() {
            let Some(order) = collected_order(e.body.get()) else {
                return Ok(None);
            };
            let first = tx
                .execute(
                    "INSERT INTO pickup_collections (order_id, device_id, seq) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                    &[&order, &device, &seq],
                )
                .await
                .map_err(classify)?
                == 1;
            return Ok(Self::second_use(tx, device, "pickup", &order, first)
                .await?
                .map(|other| format!("pickup {order} handed over twice: {other}")));
        }
        let Some(coupon) = view.and_then(|v| v.single_use_coupon()) else {
            return Ok(None);
        };
        let first = tx
            .execute(
                "INSERT INTO coupon_redemptions (coupon_id, device_id, seq, order_id) VALUES ($1, $2, $3, $4)
                 ON CONFLICT DO NOTHING",
                &[&coupon, &device, &seq, &e.order_id],
            )
            .await
            .map_err(classify)?
            == 1;
        Ok(Self::second_use(tx, device, "coupon", coupon, first)
            .await?
            .map(|other| {
                format!(
                    "coupon {coupon} already redeemed elsewhere ({other}); this use: {}",
                    view.map(|v| v.receipt.as_str()).unwrap_or_default()
                )
            }))
    }

    /// Who may use a single-use thing: the terminal that claimed it online, else the first whose
    /// use reaches the platform. A later use gets the words naming the first.
    async fn second_use(
        tx: &Transaction<'_>,
        device: &str,
        kind: &str,
        id: &str,
        first: bool,
    ) -> Result<Option<String>, HubError> {
        let claimed: Option<String> = tx
            .query_opt(
                "SELECT device_id FROM claims WHERE kind = $1 AND id = $2",
                &[&kind, &id],
            )
            .await
            .map_err(classify)?
            .map(|r| r.get(0));
        let second = match claimed {
            Some(by) => by != device,
            None => !first,
        };
        if !second {
            return Ok(None);
        }
        let other = tx
            .query_opt(
                "SELECT d.terminal_id, d.store_id, c.claimed_at, NULL::text FROM claims c JOIN devices d ON d.id = c.device_id
                   WHERE c.kind = $1 AND c.id = $2
                 UNION ALL
                 SELECT d.terminal_id, d.store_id, NULL, e.receipt FROM coupon_redemptions r
                   JOIN devices d ON d.id = r.device_id
                   LEFT JOIN events e ON e.device_id = r.device_id AND e.seq = r.seq
                   WHERE $1 = 'coupon' AND r.coupon_id = $2
                 UNION ALL
                 SELECT d.terminal_id, d.store_id, NULL, 'event ' || p.seq FROM pickup_collections p
                   JOIN devices d ON d.id = p.device_id
                   WHERE $1 = 'pickup' AND p.order_id = $2
                 LIMIT 1",
                &[&kind, &id],
            )
            .await
            .map_err(classify)?
            .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)));
        Ok(Some(first_use_text(other)))
    }

    async fn next_version(tx: &Transaction<'_>) -> Result<i64, HubError> {
        Ok(tx
            .query_one(
                "UPDATE counters SET value = value + 1 WHERE name = 'version' RETURNING value",
                &[],
            )
            .await
            .map_err(classify)?
            .get(0))
    }

    async fn record_return(
        tx: &Transaction<'_>,
        store: &str,
        device: &str,
        e: &BatchEvent,
    ) -> Result<Option<String>, HubError> {
        let Ok(r) =
            serde_json::from_str::<smartstore_protocol::events::OrderReturned>(e.body.get())
        else {
            return Ok(Some("not a readable order.returned".into()));
        };
        let v = Self::next_version(tx).await?;
        tx.execute(
            "INSERT INTO returns (return_id, store_id, device_id, seq, order_id, total, body, version)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (return_id) DO NOTHING",
            &[
                &r.return_id,
                &store,
                &device,
                &big(e.seq),
                &r.order_id,
                &r.total,
                &e.body.get(),
                &v,
            ],
        )
        .await
        .map_err(classify)?;
        let sold: Option<String> = tx
            .query_opt(
                "SELECT body FROM events WHERE type = 'order.placed' AND order_id = $1 LIMIT 1",
                &[&r.order_id],
            )
            .await
            .map_err(classify)?
            .map(|x| x.get(0));
        let Some(sold) = sold.and_then(|b| serde_json::from_str(&b).ok()) else {
            return Ok(None);
        };
        let bodies: Vec<String> = tx
            .query(
                "SELECT body FROM returns WHERE order_id = $1",
                &[&r.order_id],
            )
            .await
            .map_err(classify)?
            .iter()
            .map(|x| x.get(0))
            .collect();
        Ok(return_problem(&sold, &bodies))
    }

    /// Imports a catalog CSV with the terminal's rules: every row or none.
    pub async fn import_catalog_csv(
        &self,
        input: impl std::io::Read,
        default_currency: Currency,
    ) -> Result<u64, HubError> {
        let mut items = Vec::new();
        match catalog_csv::import(input, default_currency, |item| {
            items.push(item.clone());
            Ok::<(), HubError>(())
        }) {
            Ok(_) => {}
            Err(ImportFailure::Refused(r)) => return Err(HubError::Import(r)),
            Err(ImportFailure::Write(e)) => return Err(e),
        }
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(classify)?;
        let upsert = tx
            .prepare_cached(
                "INSERT INTO catalog_items (gtin, name, name_zh, price_minor, currency, sku, unit, age_restricted, stock, version)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                 ON CONFLICT (gtin) DO UPDATE SET name = excluded.name, name_zh = excluded.name_zh, price_minor = excluded.price_minor,
                   currency = excluded.currency, sku = excluded.sku, unit = excluded.unit,
                   age_restricted = excluded.age_restricted, stock = excluded.stock, version = excluded.version",
            )
            .await
            .map_err(classify)?;
        for item in &items {
            let v = Self::next_version(&tx).await?;
            tx.execute(
                &upsert,
                &[
                    &item.gtin.as_str(),
                    &item.name,
                    &item.name_zh,
                    &item.price.minor,
                    &item.price.currency.code(),
                    &item.sku,
                    &item.unit,
                    &item.age_restricted,
                    &item.stock,
                    &v,
                ],
            )
            .await
            .map_err(classify)?;
        }
        tx.commit().await.map_err(classify)?;
        Ok(items.len() as u64)
    }

    /// One page of a pull, by keyset: `sql` selects the rows after `$1` (the cursor), at most
    /// `$2`, for the store `$3` when it names one; the last column is the row's version.
    async fn page_of<T>(
        &self,
        sql: &str,
        store: Option<&str>,
        cursor: u64,
        limit: u32,
        row: impl Fn(&tokio_postgres::Row) -> T,
    ) -> Result<(Vec<T>, u64), HubError> {
        let client = self.client().await?;
        let stmt = client.prepare_cached(sql).await.map_err(classify)?;
        let (cursor_i, limit_i) = (big(cursor), i64::from(limit));
        let rows = match store {
            Some(store) => client.query(&stmt, &[&cursor_i, &limit_i, &store]).await,
            None => client.query(&stmt, &[&cursor_i, &limit_i]).await,
        }
        .map_err(classify)?;
        let mut last = cursor;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            last = small(r.get(r.len() - 1));
            out.push(row(r));
        }
        Ok((out, last))
    }

    pub async fn catalog_after(
        &self,
        cursor: u64,
        limit: u32,
    ) -> Result<(Vec<CatalogChange>, u64), HubError> {
        self.page_of(
            "SELECT gtin, name, name_zh, price_minor, currency, sku, unit, age_restricted, stock, version
             FROM catalog_items WHERE version > $1 ORDER BY version LIMIT $2",
            None,
            cursor,
            limit,
            |r| CatalogChange {
                gtin: r.get(0),
                name: r.get(1),
                name_zh: r.get(2),
                price: r.get(3),
                currency: r.get(4),
                sku: r.get(5),
                unit: r.get(6),
                age_restricted: r.get(7),
                stock: r.get(8),
            },
        )
        .await
    }

    /// Runs `write` with the next version in one transaction.
    async fn versioned(
        &self,
        sql: &str,
        params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
    ) -> Result<(), HubError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(classify)?;
        let v = Self::next_version(&tx).await?;
        let mut all: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> = params.to_vec();
        all.push(&v);
        tx.execute(sql, &all).await.map_err(classify)?;
        tx.commit().await.map_err(classify)
    }

    pub async fn add_pickup(
        &self,
        order_id: &str,
        store: &str,
        lines: &[PickupLine],
    ) -> Result<(), HubError> {
        let lines = serde_json::to_string(lines).map_err(|e| HubError::BadBatch(e.to_string()))?;
        self.versioned(
            "INSERT INTO pickups (order_id, store_id, lines, created_at, version) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (order_id) DO UPDATE SET store_id = excluded.store_id, lines = excluded.lines, version = excluded.version",
            &[&order_id, &store, &lines, &now()],
        )
        .await
    }

    pub async fn pickups_after(
        &self,
        store: &str,
        cursor: u64,
        limit: u32,
    ) -> Result<(Vec<Pickup>, u64), HubError> {
        let (rows, last) = self
            .page_of(
                "SELECT order_id, store_id, lines, created_at, version FROM pickups
                 WHERE version > $1 AND store_id = $3 ORDER BY version LIMIT $2",
                Some(store),
                cursor,
                limit,
                |r| (r.get(0), r.get(1), r.get::<_, String>(2), r.get(3)),
            )
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for (order_id, store_id, lines, created_at) in rows {
            out.push(Pickup {
                order_id,
                store_id,
                lines: serde_json::from_str(&lines)
                    .map_err(|e| HubError::BadBatch(e.to_string()))?,
                created_at,
            });
        }
        Ok((out, last))
    }

    pub async fn revoke_coupon(&self, coupon_id: &str, reason: &str) -> Result<(), HubError> {
        self.versioned(
            "INSERT INTO revocations (coupon_id, reason, version) VALUES ($1, $2, $3)
             ON CONFLICT (coupon_id) DO UPDATE SET reason = excluded.reason, version = excluded.version",
            &[&coupon_id, &reason],
        )
        .await
    }

    pub async fn revocations_after(
        &self,
        cursor: u64,
        limit: u32,
    ) -> Result<(Vec<Revocation>, u64), HubError> {
        self.page_of(
            "SELECT coupon_id, reason, version FROM revocations WHERE version > $1 ORDER BY version LIMIT $2",
            None,
            cursor,
            limit,
            |r| Revocation {
                coupon_id: r.get(0),
                reason: r.get(1),
            },
        )
        .await
    }

    pub async fn add_staff(
        &self,
        store: &str,
        staff_id: &str,
        role: &str,
        name: Option<&str>,
        pin_hash: &str,
    ) -> Result<(), HubError> {
        self.versioned(
            "INSERT INTO staff (store_id, staff_id, role, name, pin_hash, active, version) VALUES ($1, $2, $3, $4, $5, TRUE, $6)
             ON CONFLICT (store_id, staff_id) DO UPDATE SET role = excluded.role, name = excluded.name,
               pin_hash = excluded.pin_hash, active = TRUE, version = excluded.version",
            &[&store, &staff_id, &role, &name, &pin_hash],
        )
        .await
    }

    pub async fn staff_after(
        &self,
        store: &str,
        cursor: u64,
        limit: u32,
    ) -> Result<(Vec<StaffMember>, u64), HubError> {
        self.page_of(
            "SELECT staff_id, role, name, pin_hash, active, version FROM staff
             WHERE version > $1 AND store_id = $3 ORDER BY version LIMIT $2",
            Some(store),
            cursor,
            limit,
            |r| StaffMember {
                staff_id: r.get(0),
                role: r.get(1),
                name: r.get(2),
                pin_hash: r.get(3),
                active: r.get(4),
            },
        )
        .await
    }

    pub async fn devices_after(
        &self,
        store: &str,
        cursor: u64,
        limit: u32,
    ) -> Result<(Vec<DeviceKey>, u64), HubError> {
        self.page_of(
            "SELECT id, terminal_id, public_key, n FROM devices
             WHERE n > $1 AND store_id = $3 AND NOT revoked ORDER BY n LIMIT $2",
            Some(store),
            cursor,
            limit,
            |r| DeviceKey {
                device_id: r.get(0),
                terminal: r.get(1),
                public_key: smartstore_protocol::keys::b64(&r.get::<_, Vec<u8>>(2)),
            },
        )
        .await
    }

    /// Relays a call for assistance (or an answer) to the store's other terminals: kept once
    /// (a kiosk sends its call again), and what is older than a relay's life is let go.
    pub async fn relay_assist(
        &self,
        store: &str,
        call: &smartstore_protocol::assist::Call,
        now_ms: i64,
    ) -> Result<(), HubError> {
        let body = String::from_utf8_lossy(&call.bytes()).into_owned();
        let client = self.client().await?;
        client
            .execute(
                "DELETE FROM assist_calls WHERE at_ms < $1",
                &[&(now_ms - smartstore_protocol::assist::RELAY_MS)],
            )
            .await
            .map_err(classify)?;
        client
            .execute(
                "INSERT INTO assist_calls (store_id, call_id, kind, terminal, body, at_ms)
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
                &[
                    &store,
                    &call.call,
                    &call.kind.name(),
                    &call.terminal,
                    &body,
                    &now_ms,
                ],
            )
            .await
            .map_err(classify)?;
        Ok(())
    }

    /// The store's calls and answers relayed since `cursor`, none older than a relay's life.
    pub async fn assist_after(
        &self,
        store: &str,
        cursor: u64,
        limit: u32,
        now_ms: i64,
    ) -> Result<(Vec<smartstore_protocol::assist::Call>, u64), HubError> {
        let rows = self
            .client()
            .await?
            .query(
                "SELECT body, n FROM assist_calls WHERE store_id = $1 AND n > $2 AND at_ms >= $3
                 ORDER BY n LIMIT $4",
                &[
                    &store,
                    &big(cursor),
                    &(now_ms - smartstore_protocol::assist::RELAY_MS),
                    &i64::from(limit),
                ],
            )
            .await
            .map_err(classify)?;
        let mut out = Vec::new();
        let mut last = cursor;
        for r in &rows {
            last = small(r.get(1));
            let body: String = r.get(0);
            out.extend(smartstore_protocol::assist::Call::parse(
                body.as_bytes(),
                store,
            ));
        }
        Ok((out, last))
    }

    pub async fn returns_after(
        &self,
        store: &str,
        cursor: u64,
        limit: u32,
    ) -> Result<(Vec<KnownReturn>, u64), HubError> {
        let (bodies, last) = self
            .page_of(
                "SELECT body, version FROM returns WHERE version > $1 AND store_id = $3 ORDER BY version LIMIT $2",
                Some(store),
                cursor,
                limit,
                |r| r.get::<_, String>(0),
            )
            .await?;
        let mut out = Vec::with_capacity(bodies.len());
        for body in bodies {
            let e: smartstore_protocol::events::OrderReturned =
                serde_json::from_str(&body).map_err(|e| HubError::BadBatch(e.to_string()))?;
            out.push(KnownReturn {
                return_id: e.return_id,
                order_id: e.order_id,
                lines: e.lines,
                refunds: e.refunds,
            });
        }
        Ok((out, last))
    }

    async fn payment_held(
        client: &impl deadpool_postgres::GenericClient,
        reference: &str,
        lock: bool,
    ) -> Result<Option<PaymentHeld>, HubError> {
        let sql = if lock {
            "SELECT payment_id, status, reason, device_id, code, amount, currency FROM payments WHERE reference = $1 FOR UPDATE"
        } else {
            "SELECT payment_id, status, reason, device_id, code, amount, currency FROM payments WHERE reference = $1"
        };
        Ok(client
            .query_opt(sql, &[&reference])
            .await
            .map_err(classify)?
            .map(|r| {
                (
                    r.get(0),
                    r.get(1),
                    r.get(2),
                    r.get(3),
                    r.get(4),
                    r.get(5),
                    r.get(6),
                )
            }))
    }

    /// The sandbox payment provider (see [`crate::db::HubDb::take_payment`]); a reference taken
    /// by another hub at the same moment gets that hub's answer.
    pub async fn take_payment(
        &self,
        device: &str,
        req: &PaymentRequest,
    ) -> Result<PaymentResponse, HubError> {
        let client = self.client().await?;
        loop {
            if let Some(held) = Self::payment_held(&client, &req.reference, false).await? {
                return payment_again(held, device, req);
            }
            let (status, reason) = sandbox_decision(req);
            let payment_id = Uuid::now_v7().to_string();
            let n = client
                .execute(
                    "INSERT INTO payments (reference, device_id, payment_id, code, amount, currency, status, reason, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (reference) DO NOTHING",
                    &[&req.reference, &device, &payment_id, &req.code, &req.amount, &req.currency, &status, &reason, &now()],
                )
                .await
                .map_err(classify)?;
            if n == 1 {
                return Ok(PaymentResponse {
                    status: status.to_owned(),
                    reason,
                    payment_id,
                });
            }
        }
    }

    pub async fn payment_status(
        &self,
        device: &str,
        reference: &str,
    ) -> Result<Option<PaymentResponse>, HubError> {
        let client = self.client().await?;
        match Self::payment_held(&client, reference, false).await? {
            None => Ok(None),
            Some((_, _, _, by, ..)) if by != device => Err(HubError::ReferenceConflict {
                reference: reference.to_owned(),
            }),
            Some((payment_id, status, reason, ..)) => Ok(Some(PaymentResponse {
                status,
                reason,
                payment_id,
            })),
        }
    }

    /// Voids one of `device`'s payments (see [`crate::db::HubDb::void_payment`]).
    pub async fn void_payment(
        &self,
        device: &str,
        reference: &str,
    ) -> Result<PaymentResponse, HubError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(classify)?;
        // A tombstone inserted first takes the reference if no charge holds it yet.
        let payment_id = Uuid::now_v7().to_string();
        let reason = "voided before the charge arrived".to_owned();
        let at = now();
        let tombstone = tx
            .execute(
                "INSERT INTO payments (reference, device_id, payment_id, code, amount, currency, status, reason, created_at, voided_at)
                 VALUES ($1, $2, $3, '', 0, '', 'voided', $4, $5, $5) ON CONFLICT (reference) DO NOTHING",
                &[&reference, &device, &payment_id, &reason, &at],
            )
            .await
            .map_err(classify)?;
        let answer = if tombstone == 1 {
            PaymentResponse {
                status: "voided".into(),
                reason: Some(reason),
                payment_id,
            }
        } else {
            let held = Self::payment_held(&tx, reference, true)
                .await?
                .ok_or_else(|| HubError::UnknownPayment {
                    reference: reference.to_owned(),
                })?;
            match held {
                (_, _, _, by, ..) if by != device => {
                    return Err(HubError::ReferenceConflict {
                        reference: reference.to_owned(),
                    });
                }
                (payment_id, status, reason, ..) if status != "approved" => PaymentResponse {
                    status,
                    reason,
                    payment_id,
                },
                (payment_id, ..) => {
                    tx.execute(
                        "UPDATE payments SET status = 'voided', voided_at = $2 WHERE reference = $1",
                        &[&reference, &at],
                    )
                    .await
                    .map_err(classify)?;
                    PaymentResponse {
                        status: "voided".into(),
                        reason: None,
                        payment_id,
                    }
                }
            }
        };
        tx.commit().await.map_err(classify)?;
        Ok(answer)
    }

    /// Refunds part or all of an approved payment of the device's store, once per reference,
    /// never past what it has left: the payment's row is locked for the transaction.
    pub async fn refund(
        &self,
        device: &str,
        req: &RefundRequest,
    ) -> Result<RefundResponse, HubError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(classify)?;
        let unknown = || HubError::UnknownPayment {
            reference: req.payment_reference.clone(),
        };
        let paid = tx
            .query_opt(
                "SELECT p.amount, p.currency FROM payments p
                   JOIN devices d ON d.id = p.device_id
                   JOIN devices me ON me.id = $2 AND me.store_id = d.store_id
                 WHERE p.reference = $1 AND p.status = 'approved' FOR UPDATE OF p",
                &[&req.payment_reference, &device],
            )
            .await
            .map_err(classify)?
            .ok_or_else(unknown)?;
        let (amount, currency): (i64, String) = (paid.get(0), paid.get(1));
        let refunded: i64 = tx
            .query_one(
                "SELECT COALESCE(SUM(amount), 0)::bigint FROM refunds WHERE payment_reference = $1",
                &[&req.payment_reference],
            )
            .await
            .map_err(classify)?
            .get(0);
        let left = amount - refunded;
        if let Some(row) = tx
            .query_opt(
                "SELECT refund_id, payment_reference, amount, device_id FROM refunds WHERE reference = $1",
                &[&req.reference],
            )
            .await
            .map_err(classify)?
        {
            let (refund_id, payment, a, by): (String, String, i64, String) =
                (row.get(0), row.get(1), row.get(2), row.get(3));
            if (payment.as_str(), a, by.as_str())
                != (req.payment_reference.as_str(), req.amount, device)
            {
                return Err(HubError::ReferenceConflict {
                    reference: req.reference.clone(),
                });
            }
            return Ok(RefundResponse {
                refund_id,
                remaining: left,
            });
        }
        check_new_refund(req, &currency, left)?;
        let refund_id = Uuid::now_v7().to_string();
        tx.execute(
            "INSERT INTO refunds (reference, payment_reference, device_id, refund_id, amount, currency, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            &[&req.reference, &req.payment_reference, &device, &refund_id, &req.amount, &req.currency, &now()],
        )
        .await
        .map_err(classify)?;
        tx.commit().await.map_err(classify)?;
        Ok(RefundResponse {
            refund_id,
            remaining: left - req.amount,
        })
    }

    /// A sale as the platform holds it, for its e-receipt page (see
    /// [`crate::db::HubDb::receipt_record`]).
    pub async fn receipt_record(
        &self,
        store: &str,
        order_id: &str,
        receipt: &str,
    ) -> Result<Option<ReceiptRecord>, HubError> {
        let client = self.client().await?;
        let bodies: Vec<String> = client
            .query(
                "SELECT e.body FROM events e JOIN devices d ON d.id = e.device_id
                 WHERE e.receipt = $1 AND e.type = 'order.placed' AND d.store_id = $2
                 ORDER BY e.received_at, e.device_id, e.seq",
                &[&receipt, &store],
            )
            .await
            .map_err(classify)?
            .iter()
            .map(|r| r.get(0))
            .collect();
        let Some(order) = order_among(&bodies, order_id, store) else {
            return Ok(None);
        };
        let returns: Vec<String> = client
            .query(
                "SELECT body FROM returns WHERE order_id = $1 AND store_id = $2 ORDER BY version",
                &[&order_id, &store],
            )
            .await
            .map_err(classify)?
            .iter()
            .map(|r| r.get(0))
            .collect();
        let gtins: Vec<String> = order.lines.iter().map(|l| l.gtin.clone()).collect();
        let names = client
            .query(
                "SELECT gtin, name, name_zh FROM catalog_items WHERE gtin = ANY($1)",
                &[&gtins],
            )
            .await
            .map_err(classify)?
            .iter()
            .map(|r| (r.get(0), (r.get(1), r.get(2))))
            .collect();
        Ok(Some(ReceiptRecord {
            order,
            returns: returns_among(&returns),
            names,
        }))
    }

    /// Every payment the platform holds, oldest first (see [`crate::db::HubDb::payments`]).
    pub async fn payments(&self) -> Result<Vec<PaymentRow>, HubError> {
        Ok(self
            .client()
            .await?
            .query(
                "SELECT reference, device_id, payment_id, code, amount, currency, status, reason, created_at, voided_at
                 FROM payments ORDER BY created_at, reference",
                &[],
            )
            .await
            .map_err(classify)?
            .iter()
            .map(|r| PaymentRow {
                reference: r.get(0),
                device: r.get(1),
                payment_id: r.get(2),
                code: r.get(3),
                amount: r.get(4),
                currency: r.get(5),
                status: r.get(6),
                reason: r.get(7),
                created_at: r.get(8),
                voided_at: r.get(9),
            })
            .collect())
    }

    /// Per order: sold, refunded by its returns, what stands (see
    /// [`crate::db::HubDb::ledger`]). Sales in the order the platform received them, to the
    /// second as SQLite keeps it, then by device and sequence: the same order on both backends.
    pub async fn ledger(&self) -> Result<Vec<LedgerRow>, HubError> {
        let rows = self
            .client()
            .await?
            .query(
                "SELECT e.order_id, e.receipt, e.body,
                   (SELECT COALESCE(SUM(r.total), 0)::bigint FROM returns r WHERE r.order_id = e.order_id),
                   (SELECT count(*) FROM returns r WHERE r.order_id = e.order_id)
                 FROM events e WHERE e.type = 'order.placed'
                 ORDER BY date_trunc('second', e.received_at), e.device_id, e.seq",
                &[],
            )
            .await
            .map_err(classify)?;
        rows.iter()
            .map(|r| {
                let returns: i64 = r.get(4);
                ledger_row(
                    r.get(0),
                    r.get(1),
                    r.get::<_, &str>(2),
                    r.get(3),
                    u32::try_from(returns).unwrap_or(u32::MAX),
                )
            })
            .collect()
    }

    /// The report of a store's day from the Z reports its terminals sent (see
    /// [`crate::db::HubDb::day_report`]).
    pub async fn day_report(
        &self,
        store: &str,
        day: time::Date,
        offset: time::UtcOffset,
    ) -> Result<ShiftReport, HubError> {
        let bodies: Vec<String> = self
            .client()
            .await?
            .query(
                "SELECT e.body FROM events e JOIN devices d ON d.id = e.device_id
                 WHERE e.type = 'shift.closed' AND d.store_id = $1 ORDER BY e.device_id, e.seq",
                &[&store],
            )
            .await
            .map_err(classify)?
            .iter()
            .map(|r| r.get(0))
            .collect();
        Ok(day_report_of(&bodies, day, offset))
    }

    /// Every stored event, oldest first per device.
    pub async fn events(&self) -> Result<Vec<StoredEvent>, HubError> {
        Ok(self
            .client()
            .await?
            .query(
                "SELECT device_id, seq, type, order_id, body, flag FROM events ORDER BY device_id, seq",
                &[],
            )
            .await
            .map_err(classify)?
            .iter()
            .map(|r| StoredEvent {
                device: r.get(0),
                seq: small(r.get(1)),
                kind: r.get(2),
                order_id: r.get(3),
                body: r.get(4),
                flag: r.get(5),
            })
            .collect())
    }

    pub async fn event_count(&self) -> Result<u64, HubError> {
        self.count("SELECT count(*) FROM event_keys").await
    }

    pub async fn device_count(&self) -> Result<u64, HubError> {
        self.count("SELECT count(*) FROM devices").await
    }

    /// The database's size on disk, bytes (`pg_database_size`).
    pub async fn size_bytes(&self) -> Result<u64, HubError> {
        self.count("SELECT pg_database_size(current_database())")
            .await
    }

    async fn count(&self, sql: &str) -> Result<u64, HubError> {
        let n: i64 = self
            .client()
            .await?
            .query_one(sql, &[])
            .await
            .map_err(classify)?
            .get(0);
        Ok(small(n))
    }
}
