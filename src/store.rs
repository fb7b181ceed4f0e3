//! The terminal's SQLite database: open, migrate, and every query. Returns domain types.

mod catalog;
mod durability;
mod error;
mod mirror;
mod online;
mod orders;
mod payments;
mod pulls;
mod receipts;
mod returns;
pub mod salvage;
mod shifts;

use rusqlite::{Connection, OptionalExtension};
use smartstore_sqlite::{MigrateError, Migration};
use std::path::{Path, PathBuf};

pub use catalog::ImportReport;
pub use durability::QuarantinedEvent;
pub use error::StoreError;
pub use online::{FulfilError, MAX_REASON as ONLINE_MAX_REASON, StoreOnlineOrder};
pub use orders::{OrderSummary, OutboxEvent, PlacedOrder, SyncStatus, now_rfc3339};
pub use payments::{IntentStatus, PaymentIntent, masked};
pub use receipts::PrintedSale;
pub use returns::{NewReturn, OwedRefund, Staff, StoredReturn};
pub use shifts::OpenShift;

/// The migrations, in order; `PRAGMA user_version` counts how many were applied.
const MIGRATIONS: &[Migration] = &[
    Migration {
        name: "0001_init",
        sql: include_str!("../migrations/0001_init.sql"),
    },
    Migration {
        name: "0002_pulls",
        sql: include_str!("../migrations/0002_pulls.sql"),
    },
    Migration {
        name: "0003_redemptions",
        sql: include_str!("../migrations/0003_redemptions.sql"),
    },
    Migration {
        name: "0004_quarantine",
        sql: include_str!("../migrations/0004_quarantine.sql"),
    },
    Migration {
        name: "0005_payments",
        sql: include_str!("../migrations/0005_payments.sql"),
    },
    Migration {
        name: "0006_staff_returns",
        sql: include_str!("../migrations/0006_staff_returns.sql"),
    },
    Migration {
        name: "0007_shifts",
        sql: include_str!("../migrations/0007_shifts.sql"),
    },
    Migration {
        name: "0008_counter_sales",
        sql: include_str!("../migrations/0008_counter_sales.sql"),
    },
    Migration {
        name: "0009_weighed_lines",
        sql: include_str!("../migrations/0009_weighed_lines.sql"),
    },
    Migration {
        name: "0010_online_orders",
        sql: include_str!("../migrations/0010_online_orders.sql"),
    },
    Migration {
        name: "0011_recommendations",
        sql: include_str!("../migrations/0011_recommendations.sql"),
    },
];

/// The bundled demo catalog a new database starts with.
pub const DEMO_CATALOG_CSV: &str = include_str!("../assets/demo-catalog.csv");
pub const DEMO_STORE_ID: &str = "DEMO";
pub const DEMO_TERMINAL_ID: &str = "T01";

pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// Why writes are refused, when they are: the check at open or a failed write found the
    /// file damaged, or it was opened read-only because it could not be written.
    blocked: std::cell::RefCell<Option<durability::Blocked>>,
    /// The disk filled and the reserve was released: new orders wait for space.
    low_space: std::cell::Cell<bool>,
}

fn wal_path(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push("-wal");
    PathBuf::from(name)
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
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
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::Unreadable {
                path: dir.to_owned(),
                source,
            })?;
        }
        // SQLite alone opens the file (see smartstore_sqlite): a file that is not a database
        // is refused by its first read and left as it was. On a full disk, the reserve is
        // given back so the database can still be opened, listed and sent.
        let mut low_space = false;
        let conn = match smartstore_sqlite::open(path) {
            Ok(conn) => conn,
            Err(e) if durability::is_out_of_space(&e) && durability::release_reserve(path) => {
                low_space = true;
                smartstore_sqlite::open(path).map_err(|e| StoreError::from_sqlite(path, e))?
            }
            Err(e) => return Err(StoreError::from_sqlite(path, e)),
        };
        let mut store = Store {
            conn,
            path: path.to_owned(),
            blocked: Default::default(),
            low_space: std::cell::Cell::new(low_space),
        };
        let version = smartstore_sqlite::schema_version(&store.conn)
            .map_err(|e| StoreError::from_sqlite(path, e))?;
        if version > 0 {
            // Never write into a damaged database (not even a migration): writing spreads the
            // damage and listings silently miss rows. The file is left as it is for `salvage`.
            let problems = match store.check_at_open() {
                Ok(p) => p,
                Err(StoreError::Corrupt { detail, .. }) => vec![detail],
                Err(e) => return Err(e),
            };
            if !problems.is_empty() {
                return Err(StoreError::Damaged {
                    path: path.to_owned(),
                    problems,
                });
            }
        }
        let fresh = store.migrate()?;
        if fresh && demo {
            store.seed_demo()?;
        }
        // No reserve and no room to make one: the disk is nearly full. New orders wait for
        // space; what is stored can still be read and sent.
        if !low_space && !durability::ensure_reserve(path) {
            store.low_space.set(true);
        }
        Ok(store)
    }

    /// Opens an existing database to read it, after [`Store::open`] refused it with `why`
    /// (damaged, a read-only or full disk): every write is refused with that reason, in words,
    /// while orders can still be listed and sent. The window opens on it this way, so the
    /// clerk sees why instead of nothing.
    pub fn open_blocked(path: &Path, why: &StoreError) -> Result<Store, StoreError> {
        let store = Store::open_for_reading(path)?;
        *store.blocked.borrow_mut() = durability::Blocked::from_error(why);
        if matches!(why, StoreError::DiskFull { .. }) {
            store.low_space.set(true);
        }
        Ok(store)
    }

    /// Opens an existing database to read it, whatever its state: no migration, no check, no
    /// reserve, never creates. For listings, `doctor` and `salvage` of a damaged database.
    pub fn open_for_reading(path: &Path) -> Result<Store, StoreError> {
        let conn = match smartstore_sqlite::open_read_only(path) {
            Ok(conn) => conn,
            // On a read-only disk SQLite cannot make the WAL's shared-memory file; with no WAL
            // left (the last writer closed cleanly) nothing can change the file, and it can be
            // read as immutable.
            Err(e) if !wal_path(path).exists() => smartstore_sqlite::open_immutable(path)
                .map_err(|_| StoreError::from_sqlite(path, e))?,
            Err(e) => return Err(StoreError::from_sqlite(path, e)),
        };
        Ok(Store {
            conn,
            path: path.to_owned(),
            blocked: Default::default(),
            low_space: std::cell::Cell::new(false),
        })
    }

    /// Applies the migrations this database lacks. True when the database was new.
    fn migrate(&mut self) -> Result<bool, StoreError> {
        match smartstore_sqlite::migrate(&mut self.conn, MIGRATIONS) {
            Ok(version) => Ok(version == 0),
            Err(MigrateError::Newer { found, known }) => Err(StoreError::NewerSchema {
                path: self.path.clone(),
                found,
                known,
            }),
            Err(MigrateError::Failed { name, source }) => Err(StoreError::Migration {
                name,
                detail: source.to_string(),
            }),
            Err(e @ MigrateError::ForeignKeys { name, .. }) => Err(StoreError::Migration {
                name,
                detail: e.to_string(),
            }),
            Err(MigrateError::Sqlite(e)) => Err(StoreError::from_sqlite(&self.path, e)),
        }
    }

    fn seed_demo(&mut self) -> Result<(), StoreError> {
        self.set_meta("store_id", DEMO_STORE_ID)?;
        self.set_meta("terminal_id", DEMO_TERMINAL_ID)?;
        self.set_meta("demo", "1")?;
        self.import_catalog_csv(
            DEMO_CATALOG_CSV.as_bytes(),
            smartstore_domain::money::Currency::CNY,
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

    /// How many pages the database file has.
    pub fn page_count(&self) -> Result<u64, StoreError> {
        self.conn
            .query_row("PRAGMA page_count", [], |r| r.get(0))
            .map_err(self.sql_err())
    }

    /// Limits the database file to `pages` pages: SQLite then answers "database or disk is
    /// full" past it, exactly as on a full disk. Used to test full-disk handling for real.
    pub fn limit_pages(&self, pages: u64) -> Result<(), StoreError> {
        self.conn
            .pragma_update(None, "max_page_count", pages)
            .map_err(self.sql_err())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Migration 0008 rebuilds the orders table (a new CHECK, a clerk column): every order of a
    /// database at version 7 is kept with its lines, outbox event and shift, foreign keys hold,
    /// and a plain counter sale can be stored afterwards.
    #[test]
    fn the_orders_table_rebuild_keeps_every_order() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("smartstore.db");
        {
            let mut conn = smartstore_sqlite::open(&path).expect("open");
            smartstore_sqlite::migrate(&mut conn, &MIGRATIONS[..7]).expect("to 7");
            conn.execute_batch(
                "INSERT INTO shifts (shift_id, opened_at, opened_by, float_minor, currency)
                   VALUES ('sh1', '2026-11-30T08:00:00Z', 'amy', 0, 'CNY');
                 INSERT INTO orders (id, number, receipt, created_at, fulfil, address, payment,
                   subtotal_minor, discount_minor, total_minor, currency, line_count, shift_id)
                   VALUES ('o1', 1, 'DEMO-T01-000001', '2026-11-30T09:00:00Z', 'deliver', '1 Road',
                   'cash', 350, 0, 350, 'CNY', 1, 'sh1');
                 INSERT INTO order_lines (order_id, line_no, gtin, name, quantity, unit_price_minor)
                   VALUES ('o1', 1, '06921000000019', 'Water', 1, 350);
                 INSERT INTO outbox (seq, event_id, type, order_id, payload, created_at)
                   VALUES (1, 'e1', 'order.placed', 'o1', '{}', '2026-11-30T09:00:00Z');",
            )
            .expect("a version-7 order");
        }
        let store = Store::open(&path).expect("migrated");
        let conn = &store.conn;
        assert_eq!(
            smartstore_sqlite::schema_version(conn).expect("version"),
            MIGRATIONS.len() as i64
        );
        let row: (String, String, Option<String>, Option<String>) = conn
            .query_row(
                "SELECT receipt, fulfil, shift_id, clerk FROM orders WHERE id = 'o1'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .expect("kept");
        assert_eq!(
            row,
            (
                "DEMO-T01-000001".into(),
                "deliver".into(),
                Some("sh1".into()),
                Some("amy".into())
            )
        );
        let broken: i64 = conn
            .query_row("SELECT COUNT(*) FROM pragma_foreign_key_check", [], |r| {
                r.get(0)
            })
            .expect("fk check");
        assert_eq!(broken, 0);
        conn.execute(
            "INSERT INTO orders (id, number, receipt, created_at, fulfil, payment, subtotal_minor,
               discount_minor, total_minor, currency, line_count)
             VALUES ('o2', 2, 'DEMO-T01-000002', '2026-11-30T10:00:00Z', 'now', 'cash', 1, 0, 1, 'CNY', 1)",
            [],
        )
        .expect("a plain counter sale");
        assert!(
            conn.execute(
                "INSERT INTO orders (id, number, receipt, created_at, fulfil, payment, subtotal_minor,
                   discount_minor, total_minor, currency, line_count)
                 VALUES ('o3', 3, 'DEMO-T01-000003', '2026-11-30T10:00:00Z', 'teleport', 'cash', 1, 0, 1, 'CNY', 1)",
                [],
            )
            .is_err()
        );
        let indexes: i64 = conn
            .query_row(
                "SELECT COUNT(*) FROM sqlite_schema WHERE type = 'index' AND name = 'orders_by_shift'",
                [],
                |r| r.get(0),
            )
            .expect("index");
        assert_eq!(indexes, 1);
    }
}
