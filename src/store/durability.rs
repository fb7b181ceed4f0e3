//! What keeps orders safe when the files themselves go wrong (issue 12): the check at open
//! that refuses to write into a damaged database, the reserve that lets a full disk still
//! read and send, the quarantine of events the platform refuses for their content, and the
//! terminal's identity when its sequence numbers turn out to be reused.

use std::path::{Path, PathBuf};

use rusqlite::{OptionalExtension, params};

use super::orders::now_rfc3339;
use super::{Store, StoreError};

/// Databases up to this many pages get the full `integrity_check` at open (indexes included:
/// damage there loses rows from listings while `quick_check` passes); larger ones
/// `quick_check`, and `doctor` always runs the full check.
pub const FULL_CHECK_PAGES: i64 = 16_384;

/// The file that holds disk space back for the day the disk fills: released, it lets the
/// terminal still open its database, list orders and send them.
pub const RESERVE_FILE: &str = "space.reserve";
pub const RESERVE_BYTES: usize = 8 * 1024 * 1024;

/// Problems SQLite's checks report, at most this many.
const MAX_PROBLEMS: u32 = 20;

/// Why a store refuses writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Blocked {
    Damaged(Vec<String>),
    ReadOnlyFilesystem,
    ReadOnly(String),
}

impl Blocked {
    pub(crate) fn from_error(e: &StoreError) -> Option<Blocked> {
        match e {
            StoreError::Damaged { problems, .. } => Some(Blocked::Damaged(problems.clone())),
            StoreError::Corrupt { detail, .. } => Some(Blocked::Damaged(vec![detail.clone()])),
            StoreError::ReadOnlyFilesystem { .. } => Some(Blocked::ReadOnlyFilesystem),
            StoreError::ReadOnly { detail, .. } => Some(Blocked::ReadOnly(detail.clone())),
            _ => None,
        }
    }
}

/// An event set aside.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct QuarantinedEvent {
    pub seq: u64,
    pub event_id: String,
    pub kind: String,
    pub order_id: Option<String>,
    pub bytes: u64,
    pub reason: String,
    pub at: String,
}

/// True for the SQLite errors of a full disk: SQLITE_FULL, and the I/O errors of growing or
/// mapping the shared-memory file that opening a WAL database needs (SQLITE_IOERR_SHMSIZE
/// 4874, SHMMAP 5386, SHMOPEN 4618, WRITE 778, FSYNC 1034, TRUNCATE 1546).
pub(crate) fn is_out_of_space(e: &rusqlite::Error) -> bool {
    match e {
        rusqlite::Error::SqliteFailure(f, _) => {
            f.code == rusqlite::ErrorCode::DiskFull
                || (f.code == rusqlite::ErrorCode::SystemIoFailure
                    && matches!(f.extended_code, 4874 | 5386 | 4618 | 778 | 1034 | 1546))
        }
        _ => false,
    }
}

/// The reserve file beside the database at `db`.
pub fn reserve_path(db: &Path) -> PathBuf {
    db.with_file_name(RESERVE_FILE)
}

/// Makes the reserve if it is missing. False when there is no room for it: making it must
/// leave as much again free, or the reserve itself would be what fills the disk.
pub(crate) fn ensure_reserve(db: &Path) -> bool {
    use std::io::Write;
    let path = reserve_path(db);
    if std::fs::metadata(&path).is_ok_and(|m| m.len() as usize >= RESERVE_BYTES) {
        return true;
    }
    let dir = db
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if fs4::available_space(dir).map_or(true, |free| free < 2 * RESERVE_BYTES as u64) {
        return false;
    }
    let made = std::fs::File::create(&path).and_then(|mut f| {
        f.write_all(&vec![0u8; RESERVE_BYTES])?;
        f.sync_all()
    });
    match made {
        Ok(()) => true,
        Err(e) => {
            tracing::warn!("no room for the disk-space reserve {}: {e}", path.display());
            let _ = std::fs::remove_file(&path);
            false
        }
    }
}

/// Gives the reserve back to the disk. True when there was one.
pub(crate) fn release_reserve(db: &Path) -> bool {
    let path = reserve_path(db);
    match std::fs::remove_file(&path) {
        Ok(()) => {
            tracing::warn!(
                "the disk is full: released the {} MiB reserve so orders can still be read and sent",
                RESERVE_BYTES / (1024 * 1024)
            );
            true
        }
        Err(_) => false,
    }
}

/// Whether the folder holding `path` is on a read-only filesystem (probed by creating a file:
/// the error kind tells a read-only mount from a permission problem).
pub(crate) fn on_read_only_filesystem(path: &Path) -> bool {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let probe = dir.join(format!(".smartstore-probe-{}", std::process::id()));
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
    {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            false
        }
        Err(e) => e.kind() == std::io::ErrorKind::ReadOnlyFilesystem,
    }
}

impl Store {
    /// The check at open: `integrity_check` on databases up to [`FULL_CHECK_PAGES`] pages,
    /// `quick_check` above. Returns the problems (empty when the database is sound).
    pub(crate) fn check_at_open(&self) -> Result<Vec<String>, StoreError> {
        let pages: i64 = self
            .conn
            .query_row("PRAGMA page_count", [], |r| r.get(0))
            .map_err(self.sql_err())?;
        if pages <= FULL_CHECK_PAGES {
            self.integrity_check()
        } else {
            self.pragma_check("quick_check")
        }
    }

    /// `PRAGMA integrity_check`: every page, row and index entry. Empty when sound.
    pub fn integrity_check(&self) -> Result<Vec<String>, StoreError> {
        self.pragma_check("integrity_check")
    }

    fn pragma_check(&self, pragma: &str) -> Result<Vec<String>, StoreError> {
        // A check that cannot even run on this file (a schema whose text was damaged: a CHECK
        // that no longer parses) is damage too, not an unexplained SQL error.
        let failed = |e: rusqlite::Error| match StoreError::from_sqlite(&self.path, e) {
            StoreError::Sqlite { path, source } => StoreError::Corrupt {
                path,
                detail: format!("{pragma} cannot run: {source}"),
            },
            other => other,
        };
        let mut stmt = self
            .conn
            .prepare(&format!("PRAGMA {pragma}({MAX_PROBLEMS})"))
            .map_err(failed)?;
        let rows = stmt
            .query_map([], |r| r.get::<_, String>(0))
            .map_err(failed)?;
        let rows = rows.collect::<Result<Vec<_>, _>>().map_err(failed)?;
        Ok(if rows == ["ok"] { Vec::new() } else { rows })
    }

    /// Why a write would be refused now, if it would: the database was found damaged, cannot
    /// be written, or the disk is so full that the reserve had to be released (the room left is
    /// for reading and sending).
    pub fn write_problem(&self) -> Option<StoreError> {
        let path = self.path.clone();
        if let Some(blocked) = self.blocked.borrow().as_ref() {
            return Some(match blocked {
                Blocked::Damaged(problems) => StoreError::Damaged {
                    path,
                    problems: problems.clone(),
                },
                Blocked::ReadOnlyFilesystem => StoreError::ReadOnlyFilesystem { path },
                Blocked::ReadOnly(detail) => StoreError::ReadOnly {
                    path,
                    detail: detail.clone(),
                },
            });
        }
        if self.low_space.get() {
            if ensure_reserve(&self.path) {
                self.low_space.set(false);
            } else {
                return Some(StoreError::DiskFull { path });
            }
        }
        None
    }

    /// Refuses a write for the reason [`Store::write_problem`] gives.
    pub(crate) fn writable(&self) -> Result<(), StoreError> {
        match self.write_problem() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// Notes what a failed write revealed: damage (refuse every later write) or a full disk
    /// (release the reserve so reading and sending go on).
    pub(crate) fn after_write_error(&self, e: StoreError) -> StoreError {
        match &e {
            StoreError::Corrupt { detail, .. } => {
                *self.blocked.borrow_mut() = Some(Blocked::Damaged(vec![detail.clone()]));
            }
            StoreError::DiskFull { .. } => {
                release_reserve(&self.path);
                self.low_space.set(true);
            }
            _ => {}
        }
        e
    }

    /// Whether the reserve is released (the disk was full).
    pub fn low_on_space(&self) -> bool {
        self.low_space.get()
    }

    /// Sets event `seq` aside with `reason`. Idempotent.
    pub fn quarantine(&self, seq: u64, reason: &str) -> Result<(), StoreError> {
        self.conn
            .execute(
                "INSERT INTO quarantine (seq, reason, at) VALUES (?1, ?2, ?3) ON CONFLICT (seq) DO NOTHING",
                params![seq, reason, now_rfc3339()],
            )
            .map(|_| ())
            .map_err(self.sql_err())
    }

    /// Events set aside, oldest first.
    pub fn quarantined(&self) -> Result<Vec<QuarantinedEvent>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT q.seq, e.event_id, e.type, e.order_id, length(CAST(e.payload AS BLOB)), q.reason, q.at
                 FROM quarantine q JOIN outbox e ON e.seq = q.seq ORDER BY q.seq",
            )
            .map_err(self.sql_err())?;
        let rows = stmt
            .query_map([], |r| {
                Ok(QuarantinedEvent {
                    seq: r.get(0)?,
                    event_id: r.get(1)?,
                    kind: r.get(2)?,
                    order_id: r.get(3)?,
                    bytes: r.get(4)?,
                    reason: r.get(5)?,
                    at: r.get(6)?,
                })
            })
            .map_err(self.sql_err())?;
        rows.collect::<Result<Vec<_>, _>>().map_err(self.sql_err())
    }

    /// Keeps the kiosk's staff PIN guard, its lock as a wall-clock time (a restart, or a pulled
    /// plug, does not lift it).
    pub fn keep_pin_guard(
        &self,
        state: &smartstore_domain::kiosk::PinGuardState,
    ) -> Result<(), StoreError> {
        let now_ms = (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64;
        let kept = serde_json::json!({
            "failures": state.failures,
            "lockouts": state.lockouts,
            "locked_until_unix_ms": now_ms.saturating_add(state.locked_for_ms as i64),
        });
        self.set_meta("kiosk_pin_guard", &kept.to_string())
    }

    /// The kiosk's staff PIN guard as kept, at this moment.
    pub fn kept_pin_guard(&self) -> Result<smartstore_domain::kiosk::PinGuardState, StoreError> {
        let Some(text) = self.meta("kiosk_pin_guard")? else {
            return Ok(Default::default());
        };
        let v: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        let now_ms = (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64;
        let until = v["locked_until_unix_ms"].as_i64().unwrap_or(0);
        Ok(smartstore_domain::kiosk::PinGuardState {
            failures: v["failures"].as_u64().unwrap_or(0) as u32,
            lockouts: v["lockouts"].as_u64().unwrap_or(0) as u32,
            locked_for_ms: until.saturating_sub(now_ms).max(0) as u64,
        })
    }

    /// Records that the platform holds another event under `seq` of this identity.
    pub fn record_sequence_conflict(&self, seq: u64) -> Result<(), StoreError> {
        self.set_meta("sequence_conflict", &seq.to_string())
    }

    /// The sequence number the platform found reused, until the terminal is recovered.
    pub fn sequence_conflict(&self) -> Result<Option<u64>, StoreError> {
        Ok(self.meta("sequence_conflict")?.and_then(|v| v.parse().ok()))
    }

    /// Moves the terminal to a new device identity (recovery): records it, forgets the
    /// conflict, and rewinds the platform's mark to 0 so every event is sent again under the
    /// new identity (the platform keeps one copy of each, by event id). The old identity is
    /// kept in `meta` for support.
    pub fn record_recovery(
        &mut self,
        platform_url: &str,
        e: &smartstore_protocol::wire::EnrolResponse,
        platform_ca: Option<&[u8]>,
    ) -> Result<(), StoreError> {
        let path = self.path.clone();
        let err = |e| StoreError::from_sqlite(&path, e);
        let old = self.meta("device_id")?.unwrap_or_default();
        let keys = serde_json::to_string(&e.platform_keys)
            .map_err(|err| StoreError::Inconsistent(err.to_string()))?;
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(err)?;
        let previous: Option<String> = tx
            .query_row(
                "SELECT value FROM meta WHERE key = 'previous_devices'",
                [],
                |r| r.get(0),
            )
            .optional()
            .map_err(err)?;
        let previous = match previous {
            Some(p) if !p.is_empty() => format!("{p},{old}"),
            _ => old,
        };
        super::pulls::write_identity(&tx, platform_url, e, &keys, platform_ca).map_err(err)?;
        super::pulls::put_meta(&tx, "previous_devices", &previous).map_err(err)?;
        tx.execute("DELETE FROM meta WHERE key = 'sequence_conflict'", [])
            .map_err(err)?;
        tx.execute(
            "UPDATE sync_state SET acked_seq = 0, last_error = NULL WHERE id = 1",
            [],
        )
        .map_err(err)?;
        tx.commit().map_err(err)
    }
}
