//! What a printed receipt shows beyond the signed sale: the names of the lines, the clerk, the
//! cash handed over, and how the goods leave the store.

use rusqlite::OptionalExtension;

use super::{Store, StoreError};

/// One line's names (English, Chinese) in the order the sale lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrintedSale {
    pub names: Vec<(String, Option<String>)>,
    /// Each line's weight in grams and price per kilogram (minor units), for weighed goods.
    pub weights: Vec<(Option<u64>, Option<i64>)>,
    pub clerk: Option<String>,
    /// `now`, `deliver` or `collect`.
    pub fulfil: String,
    /// Cash handed over for the sale's cash tenders (minor units; more than paid: change).
    pub cash_tendered: i64,
    pub cash_paid: i64,
}

impl Store {
    pub fn printed_sale(&self, order_id: &str) -> Result<Option<PrintedSale>, StoreError> {
        let e = self.sql_err();
        let head: Option<(Option<String>, String)> = self
            .conn
            .query_row(
                "SELECT clerk, fulfil FROM orders WHERE id = ?1",
                [order_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(&e)?;
        let Some((clerk, fulfil)) = head else {
            return Ok(None);
        };
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT name, name_zh, weight_g, per_kg_minor FROM order_lines
                 WHERE order_id = ?1 ORDER BY line_no",
            )
            .map_err(&e)?;
        let (names, weights) = stmt
            .query_map([order_id], |r| {
                Ok(((r.get(0)?, r.get(1)?), (r.get(2)?, r.get(3)?)))
            })
            .map_err(&e)?
            .collect::<rusqlite::Result<(Vec<_>, Vec<_>)>>()
            .map_err(&e)?;
        let (cash_tendered, cash_paid): (i64, i64) = self
            .conn
            .query_row(
                "SELECT COALESCE(SUM(tendered_minor), 0), COALESCE(SUM(amount_minor), 0)
                   FROM order_tenders WHERE order_id = ?1 AND method = 'cash'",
                [order_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(&e)?;
        Ok(Some(PrintedSale {
            names,
            weights,
            clerk,
            fulfil,
            cash_tendered,
            cash_paid,
        }))
    }
}
