//! Shifts: open with a float, cash in and out, the totals of a shift, a blind close with its Z
//! report; the open shift's id goes on every order and return stored while it is open.

use rusqlite::{OptionalExtension, TransactionBehavior, params};
use uuid::Uuid;

use super::orders::now_rfc3339;
use super::{Store, StoreError};
use smartstore_domain::money::{Currency, Money};
use smartstore_domain::shift::{ShiftReport, ShiftTotals};
use smartstore_protocol::events::EventKind;

/// The open shift.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenShift {
    pub shift_id: String,
    pub opened_at: String,
    pub opened_by: String,
    pub float: Money,
}

impl Store {
    pub fn open_shift(&self) -> Result<Option<OpenShift>, StoreError> {
        self.conn
            .query_row(
                "SELECT shift_id, opened_at, opened_by, float_minor, currency FROM shifts WHERE closed_at IS NULL",
                [],
                |r| {
                    let currency: String = r.get(4)?;
                    Ok(OpenShift {
                        shift_id: r.get(0)?,
                        opened_at: r.get(1)?,
                        opened_by: r.get(2)?,
                        float: Money::new(r.get(3)?, Currency::parse(&currency).unwrap_or_default()),
                    })
                },
            )
            .optional()
            .map_err(self.sql_err())
    }

    /// Opens a shift with `float` (counted as `counts`, JSON) and queues `shift.opened`.
    /// `None` when one is open already (nothing stored).
    pub fn start_shift(
        &mut self,
        opened_by: &str,
        float: Money,
        counts: Option<&str>,
    ) -> Result<Option<OpenShift>, StoreError> {
        self.writable()?;
        let path = self.path.clone();
        let err = |e| StoreError::from_sqlite(&path, e);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(err)?;
        let open: Option<String> = tx
            .query_row(
                "SELECT shift_id FROM shifts WHERE closed_at IS NULL",
                [],
                |r| r.get(0),
            )
            .optional()
            .map_err(err)?;
        if open.is_some() {
            return Ok(None);
        }
        let shift_id = Uuid::now_v7().to_string();
        let at = now_rfc3339();
        tx.execute(
            "INSERT INTO shifts (shift_id, opened_at, opened_by, float_minor, float_counts, currency) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![shift_id, at, opened_by, float.minor, counts, float.currency.code()],
        )
        .map_err(err)?;
        let body = serde_json::json!({
            "shift_id": shift_id, "opened_at": at, "opened_by": opened_by,
            "float": float.minor, "currency": float.currency.code(),
        });
        queue_event(&tx, EventKind::ShiftOpened.as_str(), &body, &at).map_err(err)?;
        tx.commit().map_err(err)?;
        Ok(Some(OpenShift {
            shift_id,
            opened_at: at,
            opened_by: opened_by.to_owned(),
            float,
        }))
    }

    /// Cash put in (`true`) or taken out of the drawer during the open shift.
    pub fn move_cash(
        &self,
        shift_id: &str,
        cash_in: bool,
        amount: Money,
        reason: &str,
    ) -> Result<(), StoreError> {
        self.writable()?;
        self.conn
            .execute(
                "INSERT INTO cash_moves (shift_id, at, direction, amount_minor, reason) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![shift_id, now_rfc3339(), if cash_in { "in" } else { "out" }, amount.minor, reason],
            )
            .map(|_| ())
            .map_err(|e| self.after_write_error(StoreError::from_sqlite(&self.path, e)))
    }

    /// What a shift's sales, returns and cash movements add up to.
    pub fn shift_totals(&self, shift_id: &str) -> Result<ShiftTotals, StoreError> {
        let mut t = ShiftTotals::default();
        let e = self.sql_err();
        t.float = self
            .conn
            .query_row(
                "SELECT float_minor FROM shifts WHERE shift_id = ?1",
                [shift_id],
                |r| r.get(0),
            )
            .map_err(&e)?;
        (t.sales_count, t.sales, t.discounts) = self
            .conn
            .query_row(
                "SELECT COUNT(*), COALESCE(SUM(total_minor), 0), COALESCE(SUM(discount_minor), 0) FROM orders WHERE shift_id = ?1",
                [shift_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .map_err(&e)?;
        // What each tender paid; an order without tenders (placed without a checkout) paid its
        // total by the method its payment names.
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT t.method, SUM(t.amount_minor) FROM order_tenders t JOIN orders o ON o.id = t.order_id
                   WHERE o.shift_id = ?1 GROUP BY t.method
                 UNION ALL
                 SELECT substr(o.payment, 1, instr(o.payment || ':', ':') - 1), SUM(o.total_minor) FROM orders o
                   WHERE o.shift_id = ?1 AND NOT EXISTS (SELECT 1 FROM order_tenders t WHERE t.order_id = o.id)
                   GROUP BY 1",
            )
            .map_err(&e)?;
        for row in stmt
            .query_map([shift_id], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
            })
            .map_err(&e)?
        {
            let (m, a) = row.map_err(&e)?;
            *t.paid.entry(m).or_default() += a;
        }
        let mut stmt = self
            .conn
            .prepare_cached("SELECT reason, COUNT(*) FROM returns WHERE shift_id = ?1 AND here = 1 GROUP BY reason")
            .map_err(&e)?;
        for row in stmt
            .query_map([shift_id], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, u64>(1)?))
            })
            .map_err(&e)?
        {
            match row.map_err(&e)? {
                (r, n) if r == "void" => t.voids_count = n,
                (_, n) => t.returns_count += n,
            }
        }
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT f.method, SUM(f.amount_minor) FROM refunds f JOIN returns r ON r.return_id = f.return_id
                 WHERE r.shift_id = ?1 AND r.here = 1 AND f.status != 'refused' GROUP BY f.method",
            )
            .map_err(&e)?;
        for row in stmt
            .query_map([shift_id], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
            })
            .map_err(&e)?
        {
            let (m, a) = row.map_err(&e)?;
            t.refunded.insert(m, a);
        }
        // Per staff member: the sales each rang up, the returns and voids each approved.
        let per_staff = |sql: &str| -> Result<Vec<(String, u64, i64)>, StoreError> {
            let mut stmt = self.conn.prepare_cached(sql).map_err(&e)?;
            stmt.query_map([shift_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .map_err(&e)?
                .collect::<rusqlite::Result<Vec<_>>>()
                .map_err(&e)
        };
        for (who, n, sum) in per_staff(
            "SELECT COALESCE(clerk, ''), COUNT(*), SUM(total_minor) FROM orders WHERE shift_id = ?1 GROUP BY 1",
        )? {
            let st = t.staff.entry(who).or_default();
            (st.sales_count, st.sales) = (n, sum);
        }
        for (who, n, sum) in per_staff(
            "SELECT r.approved_by, COUNT(DISTINCT r.return_id), COALESCE(SUM(f.amount_minor), 0)
               FROM returns r LEFT JOIN refunds f ON f.return_id = r.return_id AND f.status != 'refused'
              WHERE r.shift_id = ?1 AND r.here = 1 GROUP BY 1",
        )? {
            let st = t.staff.entry(who).or_default();
            (st.returns_count, st.refunded) = (n, sum);
        }
        (t.cash_in, t.cash_out) = self
            .conn
            .query_row(
                "SELECT COALESCE(SUM(CASE direction WHEN 'in' THEN amount_minor END), 0),
                        COALESCE(SUM(CASE direction WHEN 'out' THEN amount_minor END), 0)
                 FROM cash_moves WHERE shift_id = ?1",
                [shift_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(&e)?;
        Ok(t)
    }

    /// Closes the open shift with the drawer `counted`: its Z report is stored and queued as
    /// `shift.closed` in one transaction. `None` when no shift is open. `tax_rate_bp`: the
    /// store's tax rate, when configured (the report then shows the tax included).
    pub fn close_shift(
        &mut self,
        counted: Money,
        tax_rate_bp: Option<u32>,
    ) -> Result<Option<ShiftReport>, StoreError> {
        self.writable()?;
        let Some(open) = self.open_shift()? else {
            return Ok(None);
        };
        let totals = self.shift_totals(&open.shift_id)?;
        let at = now_rfc3339();
        let report = ShiftReport::new(
            &open.shift_id,
            open.float.currency,
            &open.opened_at,
            Some(&at),
            &totals,
            Some(counted.minor),
        )
        .with_tax(tax_rate_bp);
        let json =
            serde_json::to_value(&report).map_err(|e| StoreError::Inconsistent(e.to_string()))?;
        let path = self.path.clone();
        let err = |e| StoreError::from_sqlite(&path, e);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(err)?;
        let closed = tx
            .execute(
                "UPDATE shifts SET closed_at = ?2, counted_minor = ?3, report = ?4 WHERE shift_id = ?1 AND closed_at IS NULL",
                params![open.shift_id, at, counted.minor, json.to_string()],
            )
            .map_err(err)?;
        if closed == 0 {
            return Ok(None);
        }
        queue_event(&tx, EventKind::ShiftClosed.as_str(), &json, &at).map_err(err)?;
        tx.commit().map_err(err)?;
        Ok(Some(report))
    }
}

/// Queues an event of type `kind` whose body is `body` plus its envelope; its sequence number.
pub(super) fn queue_event(
    tx: &rusqlite::Transaction<'_>,
    kind: &str,
    body: &serde_json::Value,
    at: &str,
) -> rusqlite::Result<u64> {
    let seq: u64 = tx.query_row("SELECT COALESCE(MAX(seq), 0) + 1 FROM outbox", [], |r| {
        r.get(0)
    })?;
    let event_id = Uuid::now_v7().to_string();
    let mut doc = body.clone();
    if let Some(map) = doc.as_object_mut() {
        map.insert("event_id".into(), event_id.clone().into());
        map.insert("seq".into(), seq.into());
        map.insert("type".into(), kind.into());
        map.insert("created_at".into(), at.into());
    }
    tx.execute(
        "INSERT INTO outbox (seq, event_id, type, order_id, payload, created_at) VALUES (?1, ?2, ?3, NULL, ?4, ?5)",
        params![seq, event_id, kind, doc.to_string(), at],
    )?;
    Ok(seq)
}
