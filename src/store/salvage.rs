//! `smartstore salvage`: copies every readable row of a damaged database into a new data
//! folder. The damaged file is only read, by SQLite, and nothing in the new folder is
//! overwritten. Rows are read in order; past damage, each rowid is read on its own, so a bad
//! page costs the rows on it and no more.

use std::path::{Path, PathBuf};

use rusqlite::types::Value;
use rusqlite::{Connection, params_from_iter};
use serde::Serialize;

use super::orders::now_rfc3339;
use super::{Store, StoreError};
use crate::config::DATABASE_FILE as DB_FILE;

/// Files of a data folder salvage copies beside the database (never overwriting).
const SIDE_FILES: &[&str] = &["device.key", "config.toml"];

#[derive(Debug, thiserror::Error)]
pub enum SalvageError {
    #[error("{path} already holds a database; nothing was overwritten. Name an empty folder")]
    TargetExists { path: PathBuf },
    #[error("the damaged database cannot be read at all: {0}")]
    Source(StoreError),
    #[error("the new database could not be made: {0}")]
    Target(StoreError),
    #[error("cannot copy {path}: {detail}")]
    Io { path: PathBuf, detail: String },
}

/// What one table gave.
#[derive(Debug, Clone, Serialize)]
pub struct TableReport {
    pub table: String,
    pub copied: u64,
    /// Rows SQLite could not read (damaged pages).
    pub unreadable: u64,
    /// What stopped a scan, when something did.
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SalvageReport {
    pub from: PathBuf,
    pub to: PathBuf,
    pub tables: Vec<TableReport>,
    /// Outbox sequence numbers that could not be read: a placeholder stands in for each (set
    /// aside, so the platform learns of the loss and the events after it still go).
    pub lost_events: Vec<u64>,
    pub orders: u64,
    pub events: u64,
    /// Files copied beside the database (key, configuration).
    pub files: Vec<String>,
    /// What SQLite's integrity check says of the new database (empty: sound).
    pub check: Vec<String>,
}

pub fn salvage(damaged: &Path, to_dir: &Path) -> Result<SalvageReport, SalvageError> {
    let target_path = to_dir.join(DB_FILE);
    if target_path.exists() {
        return Err(SalvageError::TargetExists { path: target_path });
    }
    let source = smartstore_sqlite::open_read_only(damaged)
        .map_err(|e| SalvageError::Source(StoreError::from_sqlite(damaged, e)))?;
    let mut target = Store::open_empty(&target_path).map_err(SalvageError::Target)?;
    let terr = |e| SalvageError::Target(StoreError::from_sqlite(&target_path, e));
    // Every readable row is kept, even one whose order could not be read.
    target
        .conn
        .execute_batch("PRAGMA foreign_keys = OFF")
        .map_err(terr)?;
    let tables: Vec<String> = {
        let mut stmt = target
            .conn
            .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
            .map_err(terr)?;
        stmt.query_map([], |r| r.get(0))
            .and_then(|rows| rows.collect::<Result<_, _>>())
            .map_err(terr)?
    };
    let tx = target.conn.transaction().map_err(terr)?;
    let mut reports = Vec::new();
    for table in &tables {
        let columns = columns(&tx, table).map_err(terr)?;
        let source_columns = columns_of(&source, table).unwrap_or_default();
        let common: Vec<String> = columns
            .into_iter()
            .filter(|c| source_columns.contains(c))
            .collect();
        if common.is_empty() {
            reports.push(TableReport {
                table: table.clone(),
                copied: 0,
                unreadable: 0,
                note: Some("its definition cannot be read".into()),
            });
            continue;
        }
        reports.push(copy_table(&source, &tx, table, &common).map_err(terr)?);
    }
    // A gap in the outbox would stop every later event: a set-aside placeholder fills each.
    let lost_events = fill_outbox_gaps(&tx, damaged).map_err(terr)?;
    tx.commit().map_err(terr)?;
    target
        .conn
        .execute_batch("PRAGMA foreign_keys = ON")
        .map_err(terr)?;
    let mut files = Vec::new();
    if let Some(from_dir) = damaged.parent() {
        for name in SIDE_FILES {
            let (from, to) = (from_dir.join(name), to_dir.join(name));
            if from.exists() && !to.exists() {
                std::fs::copy(&from, &to).map_err(|e| SalvageError::Io {
                    path: to.clone(),
                    detail: e.to_string(),
                })?;
                files.push((*name).to_owned());
            }
        }
    }
    let check = target.integrity_check().map_err(SalvageError::Target)?;
    Ok(SalvageReport {
        from: damaged.to_owned(),
        to: target_path,
        orders: target.order_count().map_err(SalvageError::Target)?,
        events: target.last_seq().map_err(SalvageError::Target)?,
        tables: reports,
        lost_events,
        files,
        check,
    })
}

fn columns(conn: &Connection, table: &str) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))?;
    stmt.query_map([], |r| r.get(0))?.collect()
}

fn columns_of(conn: &Connection, table: &str) -> Option<Vec<String>> {
    columns(conn, table).ok()
}

fn copy_table(
    source: &Connection,
    target: &Connection,
    table: &str,
    columns: &[String],
) -> rusqlite::Result<TableReport> {
    let list = columns
        .iter()
        .map(|c| format!("\"{c}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let marks = vec!["?"; columns.len()].join(", ");
    let mut insert = target.prepare(&format!(
        "INSERT OR REPLACE INTO {table} ({list}) VALUES ({marks})"
    ))?;
    let mut report = TableReport {
        table: table.to_owned(),
        copied: 0,
        unreadable: 0,
        note: None,
    };
    let width = columns.len();
    let has_rowid = source
        .query_row(
            &format!("SELECT rowid FROM {table} LIMIT 0"),
            [],
            |_| Ok(()),
        )
        .map_or_else(
            |e| !matches!(e, rusqlite::Error::SqliteFailure(..)),
            |()| true,
        );
    let select = if has_rowid {
        format!("SELECT rowid, {list} FROM {table} ORDER BY rowid")
    } else {
        format!("SELECT 0, {list} FROM {table}")
    };
    // The plain scan first: on a sound table it reads everything.
    let mut last_rowid: Option<i64> = None;
    // Errors of reading the damaged file are Err(Ok(e)); of writing the new one Err(Err(e)).
    let scan = (|| -> Result<(), Result<rusqlite::Error, rusqlite::Error>> {
        let mut stmt = source.prepare(&select).map_err(Ok)?;
        let mut rows = stmt.query([]).map_err(Ok)?;
        while let Some(row) = rows.next().map_err(Ok)? {
            let rowid: i64 = row.get(0).map_err(Ok)?;
            let values = (1..=width)
                .map(|i| row.get::<_, Value>(i))
                .collect::<rusqlite::Result<Vec<_>>>()
                .map_err(Ok)?;
            insert
                .execute(params_from_iter(values.iter()))
                .map_err(Err)?;
            report.copied += 1;
            last_rowid = Some(rowid);
        }
        Ok(())
    })();
    let stopped = match scan {
        Ok(()) => return Ok(report),
        Err(Err(write)) => return Err(write),
        Err(Ok(read)) => read,
    };
    report.note = Some(stopped.to_string());
    if !has_rowid {
        return Ok(report);
    }
    // Past the damage, one rowid at a time up to the largest SQLite can still tell.
    let max: Option<i64> = source
        .query_row(&format!("SELECT max(rowid) FROM {table}"), [], |r| r.get(0))
        .ok()
        .flatten();
    let start = last_rowid.map_or(1, |r| r + 1);
    let Some(max) = max.filter(|m| *m >= start) else {
        return Ok(report);
    };
    let mut one = source.prepare(&format!("SELECT {list} FROM {table} WHERE rowid = ?1"))?;
    for rowid in start..=max {
        let got = one.query_row([rowid], |row| {
            (0..width)
                .map(|i| row.get::<_, Value>(i))
                .collect::<rusqlite::Result<Vec<_>>>()
        });
        match got {
            Ok(values) => {
                insert.execute(params_from_iter(values.iter()))?;
                report.copied += 1;
            }
            Err(rusqlite::Error::QueryReturnedNoRows) => {}
            Err(_) => report.unreadable += 1,
        }
    }
    Ok(report)
}

fn fill_outbox_gaps(tx: &Connection, damaged: &Path) -> rusqlite::Result<Vec<u64>> {
    let missing: Vec<u64> = {
        let mut stmt = tx.prepare(
            "WITH RECURSIVE n(s) AS (SELECT 1 UNION ALL SELECT s + 1 FROM n WHERE s < (SELECT COALESCE(MAX(seq), 0) FROM outbox))
             SELECT s FROM n WHERE (SELECT COALESCE(MAX(seq), 0) FROM outbox) > 0 AND NOT EXISTS (SELECT 1 FROM outbox WHERE seq = n.s)",
        )?;
        stmt.query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?
    };
    let now = now_rfc3339();
    let reason = format!("unreadable in the damaged database {}", damaged.display());
    for seq in &missing {
        let event_id = uuid::Uuid::now_v7().to_string();
        let payload = serde_json::json!({ "seq": seq, "lost": reason }).to_string();
        tx.execute(
            "INSERT INTO outbox (seq, event_id, type, order_id, payload, created_at) VALUES (?1, ?2, 'event.lost', NULL, ?3, ?4)",
            rusqlite::params![seq, event_id, payload, now],
        )?;
        tx.execute(
            "INSERT OR REPLACE INTO quarantine (seq, reason, at) VALUES (?1, ?2, ?3)",
            rusqlite::params![seq, reason, now],
        )?;
    }
    Ok(missing)
}
