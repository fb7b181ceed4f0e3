//! Staff, the store's terminal keys, and returns: what the platform sends for them, a local
//! sale read back as its receipt, and a return stored with its refunds and its outbox event in
//! one transaction.

use rusqlite::{OptionalExtension, TransactionBehavior, params};
use uuid::Uuid;

use super::orders::now_rfc3339;
use super::pulls::set_cursor;
use super::{Store, StoreError};
use smartstore_domain::kiosk::PinGuardState;
use smartstore_domain::returns::{Before, Refund, ReturnedLine};
use smartstore_protocol::events::{EventKind, OrderReturned};
use smartstore_protocol::receipt::ReceiptCode;
use smartstore_protocol::wire::{DeviceKey, KnownReturn, StaffMember};

/// A member of staff as this terminal knows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Staff {
    pub staff_id: String,
    pub role: String,
    pub name: Option<String>,
    pub pin_hash: String,
    pub active: bool,
    pub guard: PinGuardState,
}

/// A return to store: goods back from `order_id`, the refunds made (cash and card at once; a
/// code refund owed until the platform confirms it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReturn {
    /// `return` or `void`.
    pub reason: &'static str,
    pub order_id: String,
    pub receipt: String,
    pub lines: Vec<ReturnedLine>,
    pub refunds: Vec<Refund>,
    pub total: i64,
    pub currency: String,
    pub approved_by: String,
}

/// A return as stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StoredReturn {
    pub return_id: String,
    pub seq: u64,
    pub created_at: String,
}

/// A refund by code not yet confirmed by the platform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwedRefund {
    pub return_id: String,
    pub line_no: u32,
    /// The refund's idempotency key at the platform.
    pub reference: String,
    pub payment_reference: String,
    pub amount: i64,
    pub currency: String,
}

impl Store {
    /// Applies a page of the store's staff and its cursor.
    pub fn save_staff(&mut self, items: &[StaffMember], cursor: u64) -> Result<(), StoreError> {
        let path = self.path.clone();
        let err = |e| StoreError::from_sqlite(&path, e);
        let tx = self.conn.transaction().map_err(err)?;
        for m in items {
            if !matches!(m.role.as_str(), "clerk" | "supervisor") {
                tracing::warn!("staff {} left out: role '{}'", m.staff_id, m.role);
                continue;
            }
            tx.execute(
                "INSERT INTO staff (staff_id, role, name, pin_hash, active) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (staff_id) DO UPDATE SET role = excluded.role, name = excluded.name,
                   pin_hash = excluded.pin_hash, active = excluded.active",
                params![m.staff_id, m.role, m.name, m.pin_hash, m.active],
            )
            .map_err(err)?;
        }
        set_cursor(&tx, "staff", cursor).map_err(err)?;
        tx.commit().map_err(err)
    }

    /// Applies a page of the store's terminal keys and its cursor.
    pub fn save_device_keys(&mut self, items: &[DeviceKey], cursor: u64) -> Result<(), StoreError> {
        let path = self.path.clone();
        let err = |e| StoreError::from_sqlite(&path, e);
        let tx = self.conn.transaction().map_err(err)?;
        for d in items {
            tx.execute(
                "INSERT INTO device_keys (device_id, terminal, public_key) VALUES (?1, ?2, ?3)
                 ON CONFLICT (device_id) DO UPDATE SET terminal = excluded.terminal, public_key = excluded.public_key",
                params![d.device_id, d.terminal, d.public_key],
            )
            .map_err(err)?;
        }
        set_cursor(&tx, "devices", cursor).map_err(err)?;
        tx.commit().map_err(err)
    }

    /// Applies a page of the store's returns the platform holds (this terminal's own come back
    /// too and are already here).
    pub fn save_known_returns(
        &mut self,
        items: &[KnownReturn],
        cursor: u64,
    ) -> Result<(), StoreError> {
        let path = self.path.clone();
        let err = |e| StoreError::from_sqlite(&path, e);
        let tx = self.conn.transaction().map_err(err)?;
        for r in items {
            let total: i64 = r.refunds.iter().map(|f| f.amount).sum();
            let inserted = tx
                .execute(
                    "INSERT INTO returns (return_id, reason, order_id, receipt, total_minor, currency, approved_by, created_at, here)
                     VALUES (?1, 'return', ?2, '', ?3, '', '', ?4, 0) ON CONFLICT (return_id) DO NOTHING",
                    params![r.return_id, r.order_id, total, now_rfc3339()],
                )
                .map_err(err)?;
            if inserted == 0 {
                continue;
            }
            for l in &r.lines {
                tx.execute(
                    "INSERT INTO return_lines (return_id, gtin, quantity, restock) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT DO NOTHING",
                    params![r.return_id, l.gtin, l.quantity, l.restock],
                )
                .map_err(err)?;
            }
            for (i, f) in r.refunds.iter().enumerate() {
                tx.execute(
                    "INSERT INTO refunds (return_id, line_no, method, amount_minor, tender_reference, status)
                     VALUES (?1, ?2, ?3, ?4, ?5, 'done') ON CONFLICT DO NOTHING",
                    params![r.return_id, i as i64 + 1, f.method, f.amount, f.tender_reference],
                )
                .map_err(err)?;
            }
        }
        set_cursor(&tx, "returns", cursor).map_err(err)?;
        tx.commit().map_err(err)
    }

    pub fn staff_member(&self, staff_id: &str) -> Result<Option<Staff>, StoreError> {
        self.conn
            .query_row(
                "SELECT staff_id, role, name, pin_hash, active, guard FROM staff WHERE staff_id = ?1",
                [staff_id],
                |r| {
                    let guard: Option<String> = r.get(5)?;
                    Ok(Staff {
                        staff_id: r.get(0)?,
                        role: r.get(1)?,
                        name: r.get(2)?,
                        pin_hash: r.get(3)?,
                        active: r.get(4)?,
                        guard: guard
                            .and_then(|g| serde_json::from_str(&g).ok())
                            .unwrap_or_default(),
                    })
                },
            )
            .optional()
            .map_err(self.sql_err())
    }

    /// Keeps a member of staff's failed PIN attempts and lockout across restarts.
    pub fn keep_staff_guard(
        &self,
        staff_id: &str,
        guard: &PinGuardState,
    ) -> Result<(), StoreError> {
        let json =
            serde_json::to_string(guard).map_err(|e| StoreError::Inconsistent(e.to_string()))?;
        self.conn
            .execute(
                "UPDATE staff SET guard = ?2 WHERE staff_id = ?1",
                params![staff_id, json],
            )
            .map(|_| ())
            .map_err(self.sql_err())
    }

    /// The public key of one of the store's terminals.
    pub fn device_key(&self, device_id: &str) -> Result<Option<[u8; 32]>, StoreError> {
        let text: Option<String> = self
            .conn
            .query_row(
                "SELECT public_key FROM device_keys WHERE device_id = ?1",
                [device_id],
                |r| r.get(0),
            )
            .optional()
            .map_err(self.sql_err())?;
        Ok(text
            .and_then(|t| smartstore_protocol::keys::unb64(&t))
            .and_then(|b| <[u8; 32]>::try_from(b.as_slice()).ok()))
    }

    /// A sale of this terminal, by its receipt number or order id, as its receipt code says it.
    pub fn sale(&self, receipt_or_id: &str) -> Result<Option<ReceiptCode>, StoreError> {
        let (store, terminal) = self.receipt_prefix()?;
        let order: Option<(String, String, String, String, i64, i64, String)> = self
            .conn
            .query_row(
                "SELECT id, receipt, created_at, currency, subtotal_minor, total_minor, payment
                 FROM orders WHERE receipt = ?1 OR id = ?1",
                [receipt_or_id.trim()],
                |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                        r.get(6)?,
                    ))
                },
            )
            .optional()
            .map_err(self.sql_err())?;
        let Some((order_id, receipt, created_at, currency, subtotal, total, payment)) = order
        else {
            return Ok(None);
        };
        let mut lines = Vec::new();
        {
            let mut stmt = self
                .conn
                .prepare_cached(
                    "SELECT gtin, quantity, unit_price_minor FROM order_lines WHERE order_id = ?1 ORDER BY line_no",
                )
                .map_err(self.sql_err())?;
            let rows = stmt
                .query_map([&order_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .map_err(self.sql_err())?;
            for row in rows {
                lines.push(row.map_err(self.sql_err())?);
            }
        }
        let mut tenders: Vec<(String, i64, String)> = Vec::new();
        {
            let mut stmt = self
                .conn
                .prepare_cached(
                    "SELECT method, amount_minor, reference FROM order_tenders WHERE order_id = ?1 ORDER BY line_no",
                )
                .map_err(self.sql_err())?;
            let rows = stmt
                .query_map([&order_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .map_err(self.sql_err())?;
            for row in rows {
                tenders.push(row.map_err(self.sql_err())?);
            }
        }
        if tenders.is_empty() {
            // An order from before tenders were kept: its one payment paid the total.
            let method = payment.split(':').next().unwrap_or("cash").to_owned();
            tenders.push((method, total, order_id.clone()));
        }
        Ok(Some(ReceiptCode {
            order_id,
            receipt,
            store,
            terminal,
            created_at,
            currency,
            subtotal,
            total,
            lines,
            tenders,
        }))
    }

    /// Whether this terminal sold order `order_id`.
    pub fn sold_here(&self, order_id: &str) -> Result<bool, StoreError> {
        self.conn
            .query_row("SELECT 1 FROM orders WHERE id = ?1", [order_id], |_| Ok(()))
            .optional()
            .map(|o| o.is_some())
            .map_err(self.sql_err())
    }

    /// What came back of `order_id` before, over every return known here.
    pub fn returned_before(&self, order_id: &str) -> Result<Before, StoreError> {
        let mut before = Before::default();
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT l.gtin, SUM(l.quantity) FROM return_lines l JOIN returns r ON r.return_id = l.return_id
                 WHERE r.order_id = ?1 GROUP BY l.gtin",
            )
            .map_err(self.sql_err())?;
        let rows = stmt
            .query_map([order_id], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?))
            })
            .map_err(self.sql_err())?;
        for row in rows {
            let (gtin, qty) = row.map_err(self.sql_err())?;
            if let Ok(g) = smartstore_domain::gtin::Gtin::parse(&gtin) {
                before.quantities.insert(g, qty);
            }
        }
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT f.tender_reference, SUM(f.amount_minor) FROM refunds f JOIN returns r ON r.return_id = f.return_id
                 WHERE r.order_id = ?1 AND f.status != 'refused' GROUP BY f.tender_reference",
            )
            .map_err(self.sql_err())?;
        let rows = stmt
            .query_map([order_id], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
            })
            .map_err(self.sql_err())?;
        for row in rows {
            let (reference, amount) = row.map_err(self.sql_err())?;
            before.refunded.insert(reference, amount);
        }
        Ok(before)
    }

    /// Stores a return, its lines (restocked ones back in stock), its refunds and its
    /// `order.returned` event in one transaction.
    pub fn record_return(&mut self, r: &NewReturn) -> Result<StoredReturn, StoreError> {
        self.writable()?;
        self.record_return_tx(r)
            .map_err(|e| self.after_write_error(e))
    }

    fn record_return_tx(&mut self, r: &NewReturn) -> Result<StoredReturn, StoreError> {
        let (store_id, terminal_id) = self.receipt_prefix()?;
        let path = self.path.clone();
        let err = |e| StoreError::from_sqlite(&path, e);
        let return_id = Uuid::now_v7().to_string();
        let event_id = Uuid::now_v7().to_string();
        let created_at = now_rfc3339();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(err)?;
        let local: bool = tx
            .query_row("SELECT 1 FROM orders WHERE id = ?1", [&r.order_id], |_| {
                Ok(())
            })
            .optional()
            .map_err(err)?
            .is_some();
        tx.execute(
            "INSERT INTO returns (return_id, reason, order_id, receipt, total_minor, currency, approved_by, created_at, here, shift_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 1, (SELECT shift_id FROM shifts WHERE closed_at IS NULL))",
            params![return_id, r.reason, r.order_id, r.receipt, r.total, r.currency, r.approved_by, created_at],
        )
        .map_err(err)?;
        for l in &r.lines {
            tx.execute(
                "INSERT INTO return_lines (return_id, gtin, quantity, restock) VALUES (?1, ?2, ?3, ?4)",
                params![return_id, l.gtin, l.quantity, l.restock],
            )
            .map_err(err)?;
            if l.restock {
                tx.execute(
                    "UPDATE catalog_items SET stock = stock + ?2 WHERE gtin = ?1 AND stock IS NOT NULL",
                    params![l.gtin, l.quantity],
                )
                .map_err(err)?;
            }
        }
        for (i, f) in r.refunds.iter().enumerate() {
            let status = if f.method == "code" { "owed" } else { "done" };
            tx.execute(
                "INSERT INTO refunds (return_id, line_no, method, amount_minor, tender_reference, status)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![return_id, i as i64 + 1, f.method, f.amount, f.tender_reference, status],
            )
            .map_err(err)?;
        }
        let seq: u64 = tx
            .query_row("SELECT COALESCE(MAX(seq), 0) + 1 FROM outbox", [], |r| {
                r.get(0)
            })
            .map_err(err)?;
        let event = OrderReturned {
            event_id: event_id.clone(),
            seq,
            kind: EventKind::OrderReturned,
            created_at: created_at.clone(),
            return_id: return_id.clone(),
            reason: r.reason.to_owned(),
            order_id: r.order_id.clone(),
            receipt: r.receipt.clone(),
            store: store_id,
            terminal: terminal_id,
            lines: r.lines.clone(),
            refunds: r.refunds.clone(),
            total: r.total,
            currency: r.currency.clone(),
            approved_by: r.approved_by.clone(),
        };
        let payload =
            serde_json::to_string(&event).map_err(|e| StoreError::Inconsistent(e.to_string()))?;
        // The outbox names an order only when it is one of this terminal's.
        tx.execute(
            "INSERT INTO outbox (seq, event_id, type, order_id, payload, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                seq,
                event_id,
                EventKind::OrderReturned.as_str(),
                local.then_some(r.order_id.as_str()),
                payload,
                created_at
            ],
        )
        .map_err(err)?;
        tx.commit().map_err(err)?;
        Ok(StoredReturn {
            return_id,
            seq,
            created_at,
        })
    }

    /// Refunds by code the platform has not confirmed yet, oldest first.
    pub fn owed_refunds(&self) -> Result<Vec<OwedRefund>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT f.return_id, f.line_no, f.tender_reference, f.amount_minor, r.currency
                 FROM refunds f JOIN returns r ON r.return_id = f.return_id
                 WHERE f.status = 'owed' AND r.here = 1 ORDER BY r.created_at, f.line_no",
            )
            .map_err(self.sql_err())?;
        let rows = stmt
            .query_map([], |r| {
                let return_id: String = r.get(0)?;
                let line_no: u32 = r.get(1)?;
                Ok(OwedRefund {
                    reference: format!("{return_id}-{line_no}"),
                    return_id,
                    line_no,
                    payment_reference: r.get(2)?,
                    amount: r.get(3)?,
                    currency: r.get(4)?,
                })
            })
            .map_err(self.sql_err())?;
        rows.collect::<Result<_, _>>().map_err(self.sql_err())
    }

    /// Records an approval that leaves no event of its own (a sale voided before it was
    /// placed): who, what, which checkout attempt.
    pub fn record_approval(
        &self,
        staff_id: &str,
        action: &str,
        attempt_id: Option<&str>,
        detail: Option<&str>,
    ) -> Result<(), StoreError> {
        self.conn
            .execute(
                "INSERT INTO approvals (at, staff_id, action, attempt_id, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![now_rfc3339(), staff_id, action, attempt_id, detail],
            )
            .map(|_| ())
            .map_err(self.sql_err())
    }

    /// Approvals recorded, oldest first: (at, staff id, action, attempt id).
    pub fn approvals(&self) -> Result<Vec<(String, String, String, Option<String>)>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT at, staff_id, action, attempt_id FROM approvals ORDER BY rowid")
            .map_err(self.sql_err())?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .map_err(self.sql_err())?;
        rows.collect::<Result<_, _>>().map_err(self.sql_err())
    }

    /// Refunds by code of this terminal's returns: (owed, refused by the platform).
    pub fn refund_counts(&self) -> Result<(usize, usize), StoreError> {
        self.conn
            .query_row(
                "SELECT COALESCE(SUM(f.status = 'owed'), 0), COALESCE(SUM(f.status = 'refused'), 0)
                 FROM refunds f JOIN returns r ON r.return_id = f.return_id WHERE r.here = 1",
                [],
                |r| Ok((r.get::<_, i64>(0)? as usize, r.get::<_, i64>(1)? as usize)),
            )
            .map_err(self.sql_err())
    }

    /// The status of each refund of a return (`done`, `owed`, `refused`), in order.
    pub fn refund_statuses(&self, return_id: &str) -> Result<Vec<String>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT status FROM refunds WHERE return_id = ?1 ORDER BY line_no")
            .map_err(self.sql_err())?;
        let rows = stmt
            .query_map([return_id], |r| r.get(0))
            .map_err(self.sql_err())?;
        rows.collect::<Result<_, _>>().map_err(self.sql_err())
    }

    /// A refund by code confirmed (`Some(refund id)`) or refused by the platform (`None`).
    pub fn settle_refund(
        &self,
        return_id: &str,
        line_no: u32,
        refund_id: Option<&str>,
    ) -> Result<(), StoreError> {
        self.conn
            .execute(
                "UPDATE refunds SET status = ?3, refund_id = ?4 WHERE return_id = ?1 AND line_no = ?2 AND status = 'owed'",
                params![
                    return_id,
                    line_no,
                    if refund_id.is_some() { "done" } else { "refused" },
                    refund_id
                ],
            )
            .map(|_| ())
            .map_err(self.sql_err())
    }
}
