//! The terminal's SQLite database: open, migrate, and every query. Returns domain types.

mod catalog;
mod error;
mod orders;
mod pulls;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, OptionalExtension};

pub use catalog::{ImportProblem, ImportReport};
pub use error::StoreError;
pub use orders::{OrderSummary, OutboxEvent, PlacedOrder, SyncStatus, now_rfc3339};

/// The migrations, in order; `PRAGMA user_version` counts how many were applied.
const MIGRATIONS: &[(&str, &str)] = &[
    ("0001_init", include_str!("../migrations/0001_init.sql")),
    ("0002_pulls", include_str!("../migrations/0002_pulls.sql")),
    (
        "0003_redemptions",
        include_str!("../migrations/0003_redemptions.sql"),
    ),
];

/// The bundled demo catalog a new database starts with.
pub const DEMO_CATALOG_CSV: &str = include_str!("../assets/demo-catalog.csv");
pub const DEMO_STORE_ID: &str = "DEMO";
pub const DEMO_TERMINAL_ID: &str = "T01";

const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

/// Whether `path` holds something other than an SQLite database. Read-only: never changes it.
fn check_header(path: &Path) -> Result<(), StoreError> {
    use std::io::Read;
    let mut file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(source) => {
            return Err(StoreError::Unreadable {
                path: path.to_owned(),
                source,
            });
        }
    };
    let mut head = [0u8; 16];
    let mut read = 0;
    while read < head.len() {
        match file.read(&mut head[read..]) {
            Ok(0) => break,
            Ok(n) => read += n,
            Err(source) => {
                return Err(StoreError::Unreadable {
                    path: path.to_owned(),
                    source,
                });
            }
        }
    }
    if read == 0 || (read == head.len() && &head == SQLITE_HEADER) {
        return Ok(());
    }
    Err(StoreError::Corrupt {
        path: path.to_owned(),
        detail: "the file does not start with an SQLite header".into(),
    })
}

impl Store {
    /// Opens (creating if needed) the database at `path`, applies pending migrations and, on a
    /// new database, loads the demo catalog. A file that is not a readable SQLite database is
    /// reported and left exactly as it was.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        Self::open_with(path, true)
    }

    /// As [`Store::open`], without the demo catalog on a new database.
    pub fn open_empty(path: &Path) -> Result<Store, StoreError> {
        Self::open_with(path, false)
    }

    fn open_with(path: &Path, demo: bool) -> Result<Store, StoreError> {
        check_header(path)?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::Unreadable {
                path: dir.to_owned(),
                source,
            })?;
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags)
            .map_err(|e| StoreError::from_sqlite(path, e))?;
        let mut store = Store {
            conn,
            path: path.to_owned(),
        };
        store
            .configure()
            .map_err(|e| StoreError::from_sqlite(path, e))?;
        let fresh = store.migrate()?;
        if fresh && demo {
            store.seed_demo()?;
        }
        Ok(store)
    }

    fn configure(&self) -> rusqlite::Result<()> {
        self.conn.busy_timeout(Duration::from_secs(5))?;
        // journal_mode answers with a row; the first statement that reads the file also
        // reveals a file that is not a database.
        let mode: String = self
            .conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            tracing::warn!(mode, "could not switch the database to WAL");
        }
        self.conn
            .execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")?;
        Ok(())
    }

    /// Applies the migrations this database lacks. True when the database was new.
    fn migrate(&mut self) -> Result<bool, StoreError> {
        let path = self.path.clone();
        let err = |e| StoreError::from_sqlite(&path, e);
        let version: i64 = self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(err)?;
        let known = MIGRATIONS.len() as i64;
        if version > known {
            return Err(StoreError::NewerSchema {
                path: path.clone(),
                found: version,
                known,
            });
        }
        for (i, (name, sql)) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            let tx = self
                .conn
                .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
                .map_err(err)?;
            tx.execute_batch(sql).map_err(|e| StoreError::Migration {
                name,
                detail: e.to_string(),
            })?;
            tx.pragma_update(None, "user_version", (i + 1) as i64)
                .map_err(err)?;
            tx.commit().map_err(err)?;
            tracing::info!(migration = name, "applied");
        }
        Ok(version == 0)
    }

    fn seed_demo(&mut self) -> Result<(), StoreError> {
        self.set_meta("store_id", DEMO_STORE_ID)?;
        self.set_meta("terminal_id", DEMO_TERMINAL_ID)?;
        self.set_meta("demo", "1")?;
        self.import_catalog_csv(
            DEMO_CATALOG_CSV.as_bytes(),
            crate::domain::money::Currency::CNY,
        )
        .map(|_| ())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn sql_err(&self) -> impl Fn(rusqlite::Error) -> StoreError + '_ {
        move |e| StoreError::from_sqlite(&self.path, e)
    }

    pub fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()
            .map_err(self.sql_err())
    }

    pub fn set_meta(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.conn
            .execute("INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value", [key, value])
            .map(|_| ())
            .map_err(self.sql_err())
    }

    /// The store and terminal ids that prefix receipt numbers.
    pub fn receipt_prefix(&self) -> Result<(String, String), StoreError> {
        Ok((
            self.meta("store_id")?
                .unwrap_or_else(|| DEMO_STORE_ID.to_owned()),
            self.meta("terminal_id")?
                .unwrap_or_else(|| DEMO_TERMINAL_ID.to_owned()),
        ))
    }

    /// `PRAGMA quick_check`: "ok" or the problems SQLite found.
    pub fn quick_check(&self) -> Result<Vec<String>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("PRAGMA quick_check")
            .map_err(self.sql_err())?;
        let rows = stmt
            .query_map([], |r| r.get::<_, String>(0))
            .map_err(self.sql_err())?;
        rows.collect::<Result<Vec<_>, _>>().map_err(self.sql_err())
    }

    /// Limits the database file to `pages` pages: SQLite then answers "database or disk is
    /// full" past it, exactly as on a full disk. Used to test full-disk handling for real.
    pub fn limit_pages(&self, pages: u64) -> Result<(), StoreError> {
        self.conn
            .pragma_update(None, "max_page_count", pages)
            .map_err(self.sql_err())
    }
}
