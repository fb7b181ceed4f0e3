use std::io::Read;

use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError};
use smartstore_domain::catalog::CatalogItem;
use smartstore_domain::gtin::Gtin;
use smartstore_domain::money::{Currency, Money};
use smartstore_protocol::catalog_csv::{self, ImportFailure};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    pub rows: u64,
    pub new: u64,
    pub updated: u64,
}

const ITEM_COLUMNS: &str =
    "gtin, name, name_zh, price_minor, currency, sku, unit, age_restricted, stock, shelf";

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
            shelf: r.get(9)?,
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
    shelf: Option<String>,
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
            shelf: self.shelf,
        })
    }
}

impl Store {
    /// Imports a catalog CSV with the rules of [`catalog_csv`]: every row or none. Rows replace
    /// products with the same GTIN.
    pub fn import_catalog_csv(
        &mut self,
        input: impl Read,
        default_currency: Currency,
    ) -> Result<ImportReport, StoreError> {
        self.writable()?;
        self.import_catalog_tx(input, default_currency)
            .map_err(|e| self.after_write_error(e))
    }

    fn import_catalog_tx(
        &mut self,
        input: impl Read,
        default_currency: Currency,
    ) -> Result<ImportReport, StoreError> {
        let path = self.path.clone();
        let err = |e| StoreError::from_sqlite(&path, e);
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(err)?;
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
                    "INSERT INTO catalog_items (gtin, name, name_zh, price_minor, currency, sku, unit, age_restricted, stock, shelf)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
                     ON CONFLICT (gtin) DO UPDATE SET name = excluded.name, name_zh = excluded.name_zh,
                       price_minor = excluded.price_minor, currency = excluded.currency, sku = excluded.sku,
                       unit = excluded.unit, age_restricted = excluded.age_restricted, stock = excluded.stock,
                       shelf = COALESCE(excluded.shelf, catalog_items.shelf)",
                )
                .map_err(err)?;
            let written = catalog_csv::import(input, default_currency, |item| {
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
                        item.stock,
                        item.shelf
                    ])
                    .map_err(err)?;
                if existed {
                    report.updated += 1;
                } else {
                    report.new += 1;
                }
                Ok(())
            });
            report.rows = match written {
                Ok(n) => n,
                Err(ImportFailure::Refused(r)) => return Err(StoreError::CatalogRefused(r)),
                Err(ImportFailure::Write(e)) => return Err(e),
            };
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

    /// Every product of the catalog, in name order (at most `limit`): what the clerk's name and
    /// pinyin search looks through.
    pub fn all_items(&self, limit: u32) -> Result<Vec<CatalogItem>, StoreError> {
        self.items_where("1 ORDER BY name LIMIT ?1", params![limit])
    }

    /// The products a `WHERE` clause picks (its parameters bound to `args`).
    fn items_where(
        &self,
        clause: &str,
        args: &[&dyn rusqlite::ToSql],
    ) -> Result<Vec<CatalogItem>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT {ITEM_COLUMNS} FROM catalog_items WHERE {clause}"
            ))
            .map_err(self.sql_err())?;
        let rows = stmt
            .query_map(args, item_from_row)
            .map_err(self.sql_err())?;
        let mut out = Vec::new();
        for row in rows {
            let (g, parts) = row.map_err(self.sql_err())?;
            out.push(parts.into_item(&g)?);
        }
        Ok(out)
    }
}
