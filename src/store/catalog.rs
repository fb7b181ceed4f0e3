use std::collections::HashMap;
use std::io::Read;

use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError};
use crate::domain::catalog::{CatalogColumns, CatalogItem};
use crate::domain::gtin::Gtin;
use crate::domain::money::{Currency, Money};

/// Problems listed before the rest are summarised.
const MAX_PROBLEMS_SHOWN: usize = 20;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportProblem {
    /// 1-based line of the CSV file (the header is line 1).
    pub line: u64,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    pub rows: u64,
    pub new: u64,
    pub updated: u64,
}

fn format_problems(problems: &[ImportProblem], total: usize) -> String {
    let mut out: Vec<String> = problems
        .iter()
        .map(|p| format!("  line {}: {}", p.line, p.message))
        .collect();
    if total > problems.len() {
        out.push(format!("  … and {} more problems", total - problems.len()));
    }
    out.join("\n")
}

const ITEM_COLUMNS: &str =
    "gtin, name, name_zh, price_minor, currency, sku, unit, age_restricted, stock";

fn item_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(String, CatalogItemParts)> {
    Ok((
        r.get(0)?,
        CatalogItemParts {
            name: r.get(1)?,
            name_zh: r.get(2)?,
            price_minor: r.get(3)?,
            currency: r.get(4)?,
            sku: r.get(5)?,
            unit: r.get(6)?,
            age_restricted: r.get(7)?,
            stock: r.get(8)?,
        },
    ))
}

struct CatalogItemParts {
    name: String,
    name_zh: Option<String>,
    price_minor: i64,
    currency: String,
    sku: Option<String>,
    unit: Option<String>,
    age_restricted: bool,
    stock: Option<i64>,
}

impl CatalogItemParts {
    fn into_item(self, gtin: &str) -> Result<CatalogItem, StoreError> {
        let bad = |what: String| StoreError::Inconsistent(format!("catalog item {gtin}: {what}"));
        Ok(CatalogItem {
            gtin: Gtin::parse(gtin).map_err(|e| bad(e.to_string()))?,
            name: self.name,
            name_zh: self.name_zh,
            price: Money::new(
                self.price_minor,
                Currency::parse(&self.currency).map_err(|e| bad(e.to_string()))?,
            ),
            sku: self.sku,
            unit: self.unit,
            age_restricted: self.age_restricted,
            stock: self.stock,
        })
    }
}

impl Store {
    /// Imports a catalog CSV: every row or none. Rows replace products with the same GTIN.
    /// Problems name their line; up to 20 are listed.
    pub fn import_catalog_csv(
        &mut self,
        input: impl Read,
        default_currency: Currency,
    ) -> Result<ImportReport, StoreError> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .from_reader(input);
        let header_problem = |message: String| {
            StoreError::Import(format_problems(&[ImportProblem { line: 1, message }], 1))
        };
        let headers = reader
            .headers()
            .map_err(|e| header_problem(format!("cannot read the header row: {e}")))?
            .clone();
        let columns = CatalogColumns::from_header(headers.iter())
            .map_err(|e| header_problem(e.to_string()))?;

        let path = self.path.clone();
        let err = |e| StoreError::from_sqlite(&path, e);
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(err)?;
        let mut problems: Vec<ImportProblem> = Vec::new();
        let mut problem_count = 0usize;
        let mut seen: HashMap<Gtin, u64> = HashMap::new();
        let mut report = ImportReport {
            rows: 0,
            new: 0,
            updated: 0,
        };
        {
            let mut exists = tx
                .prepare("SELECT 1 FROM catalog_items WHERE gtin = ?1")
                .map_err(err)?;
            let mut upsert = tx
                .prepare(
                    "INSERT INTO catalog_items (gtin, name, name_zh, price_minor, currency, sku, unit, age_restricted, stock)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                     ON CONFLICT (gtin) DO UPDATE SET name = excluded.name, name_zh = excluded.name_zh,
                       price_minor = excluded.price_minor, currency = excluded.currency, sku = excluded.sku,
                       unit = excluded.unit, age_restricted = excluded.age_restricted, stock = excluded.stock",
                )
                .map_err(err)?;
            let mut record = csv::StringRecord::new();
            loop {
                let line = reader.position().line();
                match reader.read_record(&mut record) {
                    Ok(false) => break,
                    Ok(true) => {}
                    Err(e) => {
                        problem_count += 1;
                        if problems.len() < MAX_PROBLEMS_SHOWN {
                            problems.push(ImportProblem {
                                line: line.max(2),
                                message: format!("unreadable row: {e}"),
                            });
                        }
                        continue;
                    }
                }
                let line = record.position().map_or(line, |p| p.line());
                if record.iter().all(|f| f.trim().is_empty()) {
                    continue;
                }
                let fields: Vec<&str> = record.iter().collect();
                let item = match columns.parse_row(&fields, default_currency) {
                    Ok(item) => item,
                    Err(e) => {
                        problem_count += 1;
                        if problems.len() < MAX_PROBLEMS_SHOWN {
                            problems.push(ImportProblem {
                                line,
                                message: e.to_string(),
                            });
                        }
                        continue;
                    }
                };
                if let Some(first) = seen.insert(item.gtin, line) {
                    problem_count += 1;
                    if problems.len() < MAX_PROBLEMS_SHOWN {
                        problems.push(ImportProblem {
                            line,
                            message: format!("GTIN {} already appears on line {first}", item.gtin),
                        });
                    }
                    continue;
                }
                if problem_count > 0 {
                    continue; // nothing will be committed; keep validating only
                }
                let gtin = item.gtin.as_str();
                let existed = exists.exists([&gtin]).map_err(err)?;
                upsert
                    .execute(params![
                        gtin,
                        item.name,
                        item.name_zh,
                        item.price.minor,
                        item.price.currency.code(),
                        item.sku,
                        item.unit,
                        item.age_restricted,
                        item.stock
                    ])
                    .map_err(err)?;
                report.rows += 1;
                if existed {
                    report.updated += 1;
                } else {
                    report.new += 1;
                }
            }
        }
        if problem_count > 0 {
            drop(tx); // rolls back
            return Err(StoreError::Import(format_problems(
                &problems,
                problem_count,
            )));
        }
        if report.rows == 0 {
            drop(tx);
            return Err(StoreError::Import(
                "  the file has a header but no product rows".into(),
            ));
        }
        tx.commit().map_err(err)?;
        Ok(report)
    }

    /// The product with this GTIN, if the catalog has it.
    pub fn item(&self, gtin: Gtin) -> Result<Option<CatalogItem>, StoreError> {
        let key = gtin.as_str();
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT {ITEM_COLUMNS} FROM catalog_items WHERE gtin = ?1"
            ))
            .map_err(self.sql_err())?;
        let found = stmt
            .query_row([&key], item_from_row)
            .optional()
            .map_err(self.sql_err())?;
        found.map(|(g, parts)| parts.into_item(&g)).transpose()
    }

    pub fn catalog_len(&self) -> Result<u64, StoreError> {
        self.conn
            .query_row("SELECT count(*) FROM catalog_items", [], |r| r.get(0))
            .map_err(self.sql_err())
    }

    /// Products whose name (English or Chinese) contains `needle`, for the clerk's search box.
    pub fn search_items(&self, needle: &str, limit: u32) -> Result<Vec<CatalogItem>, StoreError> {
        let pattern = format!("%{}%", needle.replace(['%', '_'], ""));
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT {ITEM_COLUMNS} FROM catalog_items WHERE name LIKE ?1 OR name_zh LIKE ?1 ORDER BY name LIMIT ?2"
            ))
            .map_err(self.sql_err())?;
        let rows = stmt
            .query_map(params![pattern, limit], item_from_row)
            .map_err(self.sql_err())?;
        let mut out = Vec::new();
        for row in rows {
            let (g, parts) = row.map_err(self.sql_err())?;
            out.push(parts.into_item(&g)?);
        }
        Ok(out)
    }
}
