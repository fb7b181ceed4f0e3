//! The one way smartstore opens an SQLite database, for the terminal's store and the hub: WAL,
//! `synchronous = FULL`, foreign keys on, a busy timeout, and numbered migrations applied at
//! open, each in its own `BEGIN IMMEDIATE` transaction, counted by `PRAGMA user_version`.
//!
//! The file is only ever opened by SQLite: opening and closing another descriptor of it would
//! drop this process's POSIX locks, and another client could then delete the WAL under us. A
//! file that is not a database is recognised by SQLite itself (SQLITE_NOTADB on the first read)
//! and left untouched.
//!
//! (`rusqlite_migration` counts by `user_version` too but trails rusqlite by a release;
//! `refinery` keeps its own history table, which every database in the field would have to be
//! moved to. This runner is small and is the only one.)

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, TransactionBehavior};

/// One migration: a name for messages and its SQL. Never edited once released; add another.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    pub name: &'static str,
    pub sql: &'static str,
}

#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    /// The database was written by a newer program (a higher schema than this one knows).
    #[error("schema {found} is newer than this program's {known}")]
    Newer { found: i64, known: i64 },
    /// A migration's SQL failed; nothing of it was kept.
    #[error("migration {name} failed: {source}")]
    Failed {
        name: &'static str,
        source: rusqlite::Error,
    },
    /// A migration left rows whose foreign keys point nowhere; nothing of it was kept.
    #[error(
        "migration {name} would break {rows} foreign key(s) (table {table}); nothing of it was kept"
    )]
    ForeignKeys {
        name: &'static str,
        table: String,
        rows: usize,
    },
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
}

/// How long a statement waits for another connection's write lock before `SQLITE_BUSY`.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Opens (creating if needed) the database at `path` read-write with the pragmas above. The
/// first statement reads the file, so a file that is not a database fails here.
pub fn open(path: &Path) -> rusqlite::Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags)?;
    configure(&conn)?;
    Ok(conn)
}

/// Opens an existing database read-only (for salvage and inspection): never creates, never
/// writes, never switches the journal.
pub fn open_read_only(path: &Path) -> rusqlite::Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| {
        r.get::<_, i64>(0)
    })?;
    Ok(conn)
}

/// Opens a database on read-only media as immutable (SQLite then takes no locks and expects
/// no writer): only for a file nothing can change, with no WAL beside it.
pub fn open_immutable(path: &Path) -> rusqlite::Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
        | OpenFlags::SQLITE_OPEN_NO_MUTEX
        | OpenFlags::SQLITE_OPEN_URI;
    let mut uri = String::from("file:");
    for b in path.to_string_lossy().bytes() {
        match b {
            b'?' | b'#' | b'%' | 0x80.. => uri.push_str(&format!("%{b:02X}")),
            _ => uri.push(b as char),
        }
    }
    uri.push_str("?immutable=1");
    let conn = Connection::open_with_flags(uri, flags)?;
    conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| {
        r.get::<_, i64>(0)
    })?;
    Ok(conn)
}

fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // journal_mode answers with a row; this first statement that reads the file also reveals a
    // file that is not a database.
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        tracing::warn!(mode, "could not switch the database to WAL");
    }
    conn.execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")
}

/// The schema version a database is at (`PRAGMA user_version`: how many migrations it has).
pub fn schema_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
}

/// Applies the migrations this database lacks, in order. Returns the version it was at before
/// (0: a new database).
///
/// Each migration runs in its own transaction with foreign keys off (SQLite's way to rebuild a
/// table another one references: create the new one, copy, drop the old, rename), and commits
/// only when `PRAGMA foreign_key_check` finds no row pointing nowhere.
pub fn migrate(conn: &mut Connection, migrations: &[Migration]) -> Result<i64, MigrateError> {
    conn.execute_batch("PRAGMA foreign_keys = OFF;")?;
    let result = migrate_with_keys_off(conn, migrations);
    conn.execute_batch("PRAGMA foreign_keys = ON;")?;
    result
}

fn migrate_with_keys_off(
    conn: &mut Connection,
    migrations: &[Migration],
) -> Result<i64, MigrateError> {
    let version = schema_version(conn)?;
    let known = migrations.len() as i64;
    if version > known {
        return Err(MigrateError::Newer {
            found: version,
            known,
        });
    }
    for (i, m) in migrations.iter().enumerate().skip(version as usize) {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute_batch(m.sql)
            .map_err(|source| MigrateError::Failed {
                name: m.name,
                source,
            })?;
        let broken: Vec<String> = {
            let mut stmt = tx.prepare("SELECT \"table\" FROM pragma_foreign_key_check")?;
            stmt.query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?
        };
        if let Some(table) = broken.first() {
            return Err(MigrateError::ForeignKeys {
                name: m.name,
                table: table.clone(),
                rows: broken.len(),
            });
        }
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
        tracing::info!(migration = m.name, "applied");
    }
    Ok(version)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIGRATIONS: [Migration; 2] = [
        Migration {
            name: "0001_a",
            sql: "CREATE TABLE a (x INTEGER PRIMARY KEY);",
        },
        Migration {
            name: "0002_b",
            sql: "CREATE TABLE b (y INTEGER PRIMARY KEY);",
        },
    ];

    #[test]
    fn migrations_apply_once_in_order_and_newer_schemas_are_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("t.db");
        let mut conn = open(&path).expect("open");
        assert_eq!(migrate(&mut conn, &MIGRATIONS[..1]).expect("first"), 0);
        assert_eq!(migrate(&mut conn, &MIGRATIONS).expect("second"), 1);
        assert_eq!(migrate(&mut conn, &MIGRATIONS).expect("again"), 2);
        assert_eq!(schema_version(&conn).expect("version"), 2);
        let mode: String = conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .expect("mode");
        assert_eq!(mode, "wal");
        assert!(matches!(
            migrate(&mut conn, &MIGRATIONS[..1]),
            Err(MigrateError::Newer { found: 2, known: 1 })
        ));
    }

    #[test]
    fn a_failing_migration_keeps_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut conn = open(&dir.path().join("t.db")).expect("open");
        let bad = [Migration {
            name: "0001_bad",
            sql: "CREATE TABLE c (z); THIS IS NOT SQL;",
        }];
        assert!(matches!(
            migrate(&mut conn, &bad),
            Err(MigrateError::Failed {
                name: "0001_bad",
                ..
            })
        ));
        assert_eq!(schema_version(&conn).expect("version"), 0);
        let tables: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))
            .expect("count");
        assert_eq!(tables, 0);
    }

    #[test]
    fn a_file_that_is_not_a_database_is_refused_and_left_alone() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("t.db");
        let text = b"these are somebody's notes, not a database, and they are long enough to fill a header page of sqlite at least partly";
        std::fs::write(&path, text).expect("write");
        let err = open(&path).expect_err("not a database");
        assert_eq!(
            err.sqlite_error_code(),
            Some(rusqlite::ErrorCode::NotADatabase)
        );
        assert_eq!(std::fs::read(&path).expect("read"), text);
        assert!(!dir.path().join("t.db-wal").exists());
    }

    #[test]
    fn a_migration_that_orphans_rows_is_refused_and_a_rebuild_that_keeps_them_lands() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut conn = open(&dir.path().join("fk.db")).expect("open");
        let base = [Migration {
            name: "0001_parent_child",
            sql: "CREATE TABLE p (id INTEGER PRIMARY KEY, v TEXT CHECK (v IN ('a')));
                  CREATE TABLE c (p_id INTEGER NOT NULL REFERENCES p (id));
                  INSERT INTO p VALUES (1, 'a'); INSERT INTO c VALUES (1);",
        }];
        migrate(&mut conn, &base).expect("base");
        let orphaning = [
            base[0],
            Migration {
                name: "0002_orphans",
                sql: "DELETE FROM p;",
            },
        ];
        assert!(matches!(
            migrate(&mut conn, &orphaning),
            Err(MigrateError::ForeignKeys {
                name: "0002_orphans",
                rows: 1,
                ..
            })
        ));
        assert_eq!(schema_version(&conn).expect("version"), 1);
        let rebuild = [
            base[0],
            Migration {
                name: "0002_rebuild",
                sql: "CREATE TABLE p2 (id INTEGER PRIMARY KEY, v TEXT CHECK (v IN ('a', 'b')));
                      INSERT INTO p2 SELECT * FROM p; DROP TABLE p; ALTER TABLE p2 RENAME TO p;",
            },
        ];
        migrate(&mut conn, &rebuild).expect("rebuild");
        conn.execute("INSERT INTO p VALUES (2, 'b')", [])
            .expect("the new check");
        // Foreign keys are on again after migrating.
        assert!(conn.execute("INSERT INTO c VALUES (99)", []).is_err());
    }
}
