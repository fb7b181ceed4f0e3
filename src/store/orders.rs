use rusqlite::{OptionalExtension, TransactionBehavior, params};
use serde::Serialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use uuid::Uuid;

use super::{Store, StoreError};
use smartstore_domain::money::{Currency, Money};
use smartstore_domain::order::{Fulfilment, OrderDraft, receipt_number};
use smartstore_protocol::events::{
    CollectedLine, EventKind, OrderLine, OrderPlaced, PickupCollected,
};

/// An order as committed: only ever built after the commit returned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlacedOrder {
    pub id: Uuid,
    pub number: u64,
    pub receipt: String,
    pub seq: u64,
    pub created_at: String,
    pub total: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrderSummary {
    pub id: String,
    pub receipt: String,
    pub fulfil: String,
    pub total: i64,
    pub currency: String,
    pub synced: bool,
    pub created_at: String,
    pub seq: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEvent {
    pub seq: u64,
    pub event_id: String,
    pub kind: String,
    pub order_id: Option<String>,
    /// The event document as JSON text, exactly as stored.
    pub payload: String,
    pub created_at: String,
    /// Why the event was set aside, when it was (a placeholder is sent in its place).
    pub quarantined: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SyncStatus {
    pub last_seq: u64,
    pub acked_seq: u64,
    pub unsynced: u64,
    /// When the oldest event the platform has not confirmed was created (RFC 3339).
    pub oldest_unsynced_at: Option<String>,
    pub last_error: Option<String>,
    pub last_ok_at: Option<String>,
    /// Events set aside (the platform refused their content): never block the rest.
    pub quarantined: u64,
    /// The sequence number the platform found reused (a restored or cloned database): nothing
    /// is sent until the terminal is recovered.
    pub sequence_conflict: Option<u64>,
}

pub fn now_rfc3339() -> String {
    OffsetDateTime::now_utc()
        .format(&Rfc3339)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".to_owned())
}

impl Store {
    /// Commits an order, its lines, its outbox event and its sequence number in one
    /// `BEGIN IMMEDIATE` transaction. Returns only after the commit returned.
    #[tracing::instrument(skip_all, err)]
    pub fn place_order(&mut self, draft: &OrderDraft) -> Result<PlacedOrder, StoreError> {
        self.writable()?;
        self.place_order_tx(draft)
            .map_err(|e| self.after_write_error(e))
    }

    fn place_order_tx(&mut self, draft: &OrderDraft) -> Result<PlacedOrder, StoreError> {
        let (store_id, terminal_id) = self.receipt_prefix()?;
        let path = self.path.clone();
        let err = |e| StoreError::from_sqlite(&path, e);
        let created_at = now_rfc3339();
        // A checkout's attempt id is its order's id: the same attempt committed again (a retry
        // after an answer was lost) finds its order instead of storing a second one.
        let id = match &draft.attempt_id {
            Some(a) => Uuid::parse_str(a)
                .map_err(|e| StoreError::Inconsistent(format!("checkout attempt id '{a}': {e}")))?,
            None => Uuid::now_v7(),
        };
        let event_id = Uuid::now_v7();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(err)?;
        if draft.attempt_id.is_some() {
            let existing: Option<(u64, String, String, u64)> = tx
                .query_row(
                    "SELECT o.number, o.receipt, o.created_at, COALESCE((SELECT seq FROM outbox WHERE order_id = o.id), 0)
                     FROM orders o WHERE o.id = ?1",
                    [id.to_string()],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                )
                .optional()
                .map_err(err)?;
            if let Some((number, receipt, created_at, seq)) = existing {
                return Ok(PlacedOrder {
                    id,
                    number,
                    receipt,
                    seq,
                    created_at,
                    total: draft.totals.total,
                });
            }
        }
        let number: u64 = tx
            .query_row("SELECT COALESCE(MAX(number), 0) + 1 FROM orders", [], |r| {
                r.get(0)
            })
            .map_err(err)?;
        let seq: u64 = tx
            .query_row("SELECT COALESCE(MAX(seq), 0) + 1 FROM outbox", [], |r| {
                r.get(0)
            })
            .map_err(err)?;
        let receipt = receipt_number(&store_id, &terminal_id, number);
        let t = &draft.totals;
        let (address, collect_store, pickup_at) = match &draft.fulfilment {
            Fulfilment::Deliver { address } => (Some(address.as_str()), None, None),
            Fulfilment::Collect { store, pickup_at } => {
                (None, Some(store.as_str()), Some(pickup_at.as_str()))
            }
            Fulfilment::Now => (None, None, None),
        };
        let payment = draft.payment.to_string();
        // Who rang it up: the checkout's clerk, else whoever opened the shift.
        let clerk: Option<String> = match &draft.clerk {
            Some(c) => Some(c.clone()),
            None => tx
                .query_row(
                    "SELECT opened_by FROM shifts WHERE closed_at IS NULL",
                    [],
                    |r| r.get(0),
                )
                .optional()
                .map_err(err)?,
        };
        tx.prepare_cached(
            "INSERT INTO orders (id, number, receipt, created_at, fulfil, address, collect_store, pickup_at, payment,
               member_id, coupon_id, subtotal_minor, discount_minor, total_minor, currency, line_count, shift_id, clerk)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
               (SELECT shift_id FROM shifts WHERE closed_at IS NULL), ?17)",
        )
        .and_then(|mut s| {
            s.execute(params![
                id.to_string(),
                number,
                receipt,
                created_at,
                draft.fulfilment.kind(),
                address,
                collect_store,
                pickup_at,
                payment,
                draft.member_id,
                draft.coupon_id,
                t.subtotal.minor,
                t.discount.minor,
                t.total.minor,
                t.total.currency.code(),
                draft.lines.len() as i64,
                clerk
            ])
        })
        .map_err(err)?;
        {
            let mut line_stmt = tx
                .prepare_cached(
                    "INSERT INTO order_lines (order_id, line_no, gtin, name, name_zh, quantity, unit_price_minor,
                       weight_g, per_kg_minor)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                )
                .map_err(err)?;
            for (i, line) in draft.lines.iter().enumerate() {
                line_stmt
                    .execute(params![
                        id.to_string(),
                        i as i64 + 1,
                        line.gtin.as_str(),
                        line.name,
                        line.name_zh,
                        line.quantity,
                        line.unit_price.minor,
                        line.package.and_then(|p| p.weight_g),
                        line.package.and_then(|p| p.per_kg).map(|m| m.minor)
                    ])
                    .map_err(err)?;
            }
            // Sold: off this store's shelf at once (issue 16). A product whose stock was never
            // given stays unknown; one sold past zero goes negative, which asks for a count.
            let mut sold = tx
                .prepare_cached(
                    "UPDATE catalog_items SET stock = stock - ?2 WHERE gtin = ?1 AND stock IS NOT NULL",
                )
                .map_err(err)?;
            for line in &draft.lines {
                sold.execute(params![line.gtin.as_str(), line.quantity])
                    .map_err(err)?;
            }
        }
        let event = OrderPlaced {
            event_id: event_id.to_string(),
            seq,
            kind: EventKind::OrderPlaced,
            created_at: created_at.clone(),
            order_id: id.to_string(),
            number,
            receipt: receipt.clone(),
            store: store_id.clone(),
            terminal: terminal_id.clone(),
            fulfilment: draft.fulfilment.clone(),
            payment: draft.payment.clone(),
            member_id: draft.member_id.clone(),
            coupon_id: draft.coupon_id.clone(),
            coupon_single_use: draft.coupon_single_use,
            lines: draft
                .lines
                .iter()
                .map(|l| OrderLine {
                    gtin: l.gtin.as_str().to_owned(),
                    name: l.name.clone(),
                    quantity: l.quantity,
                    unit_price: l.unit_price.minor,
                    weight_g: l.package.and_then(|p| p.weight_g),
                    per_kg: l.package.and_then(|p| p.per_kg).map(|m| m.minor),
                })
                .collect(),
            subtotal: t.subtotal.minor,
            discount: t.discount.minor,
            total: t.total.minor,
            currency: t.total.currency.code().to_owned(),
            tenders: draft.tenders.clone(),
            clerk: clerk.clone(),
        };
        let payload =
            serde_json::to_string(&event).map_err(|e| StoreError::Inconsistent(e.to_string()))?;
        tx.prepare_cached("INSERT INTO outbox (seq, event_id, type, order_id, payload, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
            .and_then(|mut s| s.execute(params![seq, event_id.to_string(), EventKind::OrderPlaced.as_str(), id.to_string(), payload, created_at]))
            .map_err(err)?;
        if let (Some(coupon), true) = (&draft.coupon_id, draft.coupon_single_use) {
            // The primary key refuses a second redemption on this terminal, whatever raced.
            tx.execute(
                "INSERT INTO coupon_redemptions (coupon_id, order_id, redeemed_at) VALUES (?1, ?2, ?3)",
                params![coupon, id.to_string(), created_at],
            )
            .map_err(|e| match e {
                rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::ConstraintViolation => {
                    StoreError::CouponRedeemed(coupon.clone())
                }
                e => err(e),
            })?;
        }
        for (i, tender) in draft.tenders.iter().enumerate() {
            tx.prepare_cached(
                "INSERT INTO order_tenders (order_id, line_no, method, amount_minor, tendered_minor, reference, payment_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )
            .and_then(|mut s| {
                s.execute(params![
                    id.to_string(),
                    i as i64 + 1,
                    tender.kind.method(),
                    tender.amount.minor,
                    tender.tendered.minor,
                    tender.reference,
                    tender.payment_id
                ])
            })
            .map_err(err)?;
            if tender.kind.needs_platform() {
                // The charge and its order, together: never an approval the terminal forgets.
                tx.prepare_cached(
                    "UPDATE payment_intents SET status = 'committed', order_id = ?2, updated_at = ?3
                     WHERE reference = ?1",
                )
                .and_then(|mut s| s.execute(params![tender.reference, id.to_string(), created_at]))
                .map_err(err)?;
            }
        }
        tx.commit().map_err(err)?;
        Ok(PlacedOrder {
            id,
            number,
            receipt,
            seq,
            created_at,
            total: t.total,
        })
    }

    /// Orders, newest first; only those the platform has not confirmed when `unsynced_only`.
    pub fn orders(&self, unsynced_only: bool, limit: u32) -> Result<Vec<OrderSummary>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT o.id, o.receipt, o.fulfil, o.total_minor, o.currency, e.seq <= s.acked_seq, o.created_at, e.seq
                 FROM orders o JOIN outbox e ON e.order_id = o.id AND e.type = 'order.placed'
                 JOIN sync_state s ON s.id = 1
                 WHERE NOT ?1 OR e.seq > s.acked_seq
                 ORDER BY o.number DESC LIMIT ?2",
            )
            .map_err(self.sql_err())?;
        let rows = stmt
            .query_map(params![unsynced_only, limit], |r| {
                Ok(OrderSummary {
                    id: r.get(0)?,
                    receipt: r.get(1)?,
                    fulfil: r.get(2)?,
                    total: r.get(3)?,
                    currency: r.get(4)?,
                    synced: r.get(5)?,
                    created_at: r.get(6)?,
                    seq: r.get(7)?,
                })
            })
            .map_err(self.sql_err())?;
        rows.collect::<Result<Vec<_>, _>>().map_err(self.sql_err())
    }

    /// Outbox events after `seq`, oldest first, at most `limit`.
    pub fn outbox_after(&self, seq: u64, limit: u32) -> Result<Vec<OutboxEvent>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT e.seq, e.event_id, e.type, e.order_id, e.payload, e.created_at, q.reason
                 FROM outbox e LEFT JOIN quarantine q ON q.seq = e.seq WHERE e.seq > ?1 ORDER BY e.seq LIMIT ?2",
            )
            .map_err(self.sql_err())?;
        let rows = stmt
            .query_map(params![seq, limit], |r| {
                Ok(OutboxEvent {
                    seq: r.get(0)?,
                    event_id: r.get(1)?,
                    kind: r.get(2)?,
                    order_id: r.get(3)?,
                    payload: r.get(4)?,
                    created_at: r.get(5)?,
                    quarantined: r.get(6)?,
                })
            })
            .map_err(self.sql_err())?;
        rows.collect::<Result<Vec<_>, _>>().map_err(self.sql_err())
    }

    /// Records that the platform holds every event up to `seq`. Never moves backwards.
    pub fn mark_acked(&self, seq: u64) -> Result<(), StoreError> {
        self.conn
            .execute(
                "UPDATE sync_state SET acked_seq = MAX(acked_seq, MIN(?1, (SELECT COALESCE(MAX(seq), 0) FROM outbox))),
                   last_error = NULL, last_ok_at = ?2 WHERE id = 1",
                params![seq, now_rfc3339()],
            )
            .map(|_| ())
            .map_err(self.sql_err())
    }

    /// A sync pass finished: the platform is reachable and the last error is over.
    pub fn record_sync_ok(&self) -> Result<(), StoreError> {
        self.conn
            .execute(
                "UPDATE sync_state SET last_error = NULL, last_ok_at = ?1 WHERE id = 1",
                [now_rfc3339()],
            )
            .map(|_| ())
            .map_err(self.sql_err())
    }

    pub fn record_sync_error(&self, message: &str) -> Result<(), StoreError> {
        self.conn
            .execute(
                "UPDATE sync_state SET last_error = ?1 WHERE id = 1",
                [message],
            )
            .map(|_| ())
            .map_err(self.sql_err())
    }

    /// The last sequence number queued (cheap: the primary key's end).
    pub fn last_seq(&self) -> Result<u64, StoreError> {
        self.conn
            .query_row("SELECT COALESCE(MAX(seq), 0) FROM outbox", [], |r| r.get(0))
            .map_err(self.sql_err())
    }

    /// What the platform confirmed holding.
    pub fn acked_seq(&self) -> Result<u64, StoreError> {
        self.conn
            .query_row("SELECT acked_seq FROM sync_state WHERE id = 1", [], |r| {
                r.get(0)
            })
            .map_err(self.sql_err())
    }

    pub fn sync_status(&self) -> Result<SyncStatus, StoreError> {
        self.conn
            .query_row(
                "SELECT (SELECT COALESCE(MAX(seq), 0) FROM outbox), s.acked_seq,
                        (SELECT count(*) FROM outbox WHERE seq > s.acked_seq),
                        (SELECT created_at FROM outbox WHERE seq > s.acked_seq ORDER BY seq LIMIT 1),
                        s.last_error, s.last_ok_at, (SELECT count(*) FROM quarantine),
                        (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'sequence_conflict')
                 FROM sync_state s WHERE s.id = 1",
                [],
                |r| {
                    Ok(SyncStatus {
                        last_seq: r.get(0)?,
                        acked_seq: r.get(1)?,
                        unsynced: r.get(2)?,
                        oldest_unsynced_at: r.get(3)?,
                        last_error: r.get(4)?,
                        last_ok_at: r.get(5)?,
                        quarantined: r.get(6)?,
                        sequence_conflict: r.get(7)?,
                    })
                },
            )
            .map_err(self.sql_err())
    }

    /// The total of an order by id, for checks and receipts.
    pub fn order_total(&self, id: &str) -> Result<Option<Money>, StoreError> {
        let row: Option<(i64, String)> = self
            .conn
            .query_row(
                "SELECT total_minor, currency FROM orders WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(self.sql_err())?;
        row.map(|(m, c)| {
            Ok(Money::new(
                m,
                Currency::parse(&c).map_err(|e| StoreError::Inconsistent(e.to_string()))?,
            ))
        })
        .transpose()
    }

    /// Checks the invariants the crash test relies on: every order has all its lines and
    /// exactly one event; sequence and order numbers run 1..=N without gaps. Returns the
    /// problems found (empty when all hold).
    pub fn audit(&self) -> Result<Vec<String>, StoreError> {
        let q = |sql: &str| -> Result<i64, StoreError> {
            self.conn
                .query_row(sql, [], |r| r.get(0))
                .map_err(self.sql_err())
        };
        let mut problems = Vec::new();
        let checks = [
            (
                "orders missing lines",
                "SELECT count(*) FROM orders o WHERE o.line_count <> (SELECT count(*) FROM order_lines l WHERE l.order_id = o.id)",
            ),
            (
                "orders without exactly one event",
                "SELECT count(*) FROM orders o WHERE (SELECT count(*) FROM outbox e WHERE e.order_id = o.id) <> 1",
            ),
            (
                "lines without an order",
                "SELECT count(*) FROM order_lines l WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.id = l.order_id)",
            ),
            (
                "gaps in the outbox sequence",
                "SELECT COALESCE(MAX(seq), 0) - count(*) FROM outbox",
            ),
            (
                "gaps in order numbers",
                "SELECT COALESCE(MAX(number), 0) - count(*) FROM orders",
            ),
        ];
        for (what, sql) in checks {
            let n = q(sql)?;
            if n != 0 {
                problems.push(format!("{what}: {n}"));
            }
        }
        Ok(problems)
    }
}

impl Store {
    /// Whether this terminal already redeemed a single-use coupon.
    pub fn coupon_redeemed(&self, coupon_id: &str) -> Result<bool, StoreError> {
        self.conn
            .query_row(
                "SELECT count(*) FROM coupon_redemptions WHERE coupon_id = ?1",
                [coupon_id],
                |r| r.get::<_, i64>(0),
            )
            .map(|n| n > 0)
            .map_err(self.sql_err())
    }

    /// Hands an online order over: marks it collected and queues a `pickup.collected` event
    /// with the next sequence number, in one transaction. Returns the event's sequence number.
    pub fn collect_pickup(
        &mut self,
        order_id: &str,
        store_id: &str,
        lines: &[(String, u32)],
    ) -> Result<u64, StoreError> {
        self.writable()?;
        self.collect_pickup_tx(order_id, store_id, lines)
            .map_err(|e| self.after_write_error(e))
    }

    fn collect_pickup_tx(
        &mut self,
        order_id: &str,
        store_id: &str,
        lines: &[(String, u32)],
    ) -> Result<u64, StoreError> {
        let (store, terminal) = self.receipt_prefix()?;
        let path = self.path.clone();
        let err = |e| StoreError::from_sqlite(&path, e);
        let created_at = now_rfc3339();
        let event_id = Uuid::now_v7().to_string();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(err)?;
        let collected: Option<Option<String>> = tx
            .query_row(
                "SELECT collected_at FROM pickups WHERE order_id = ?1",
                [order_id],
                |r| r.get(0),
            )
            .optional()
            .map_err(err)?;
        match collected {
            Some(Some(at)) => {
                return Err(StoreError::AlreadyCollected {
                    order_id: order_id.to_owned(),
                    at,
                });
            }
            Some(None) => {
                tx.execute(
                    "UPDATE pickups SET collected_at = ?2 WHERE order_id = ?1",
                    params![order_id, created_at],
                )
                .map_err(err)?;
            }
            None => {
                // Known only from the code's own lines (the pickups pull has not brought it yet).
                let lines_json = serde_json::to_string(
                    &lines
                        .iter()
                        .map(|(g, q)| smartstore_protocol::wire::PickupLine {
                            gtin: g.clone(),
                            quantity: *q,
                        })
                        .collect::<Vec<_>>(),
                )
                .map_err(|e| StoreError::Inconsistent(e.to_string()))?;
                tx.execute(
                    "INSERT INTO pickups (order_id, store_id, lines, created_at, received_at, collected_at) VALUES (?1, ?2, ?3, ?4, ?4, ?4)",
                    params![order_id, store_id, lines_json, created_at],
                )
                .map_err(err)?;
            }
        }
        let seq: u64 = tx
            .query_row("SELECT COALESCE(MAX(seq), 0) + 1 FROM outbox", [], |r| {
                r.get(0)
            })
            .map_err(err)?;
        let event = PickupCollected {
            event_id: event_id.clone(),
            seq,
            kind: EventKind::PickupCollected,
            created_at: created_at.clone(),
            order_id: order_id.to_owned(),
            store,
            terminal,
            lines: lines
                .iter()
                .map(|(g, q)| CollectedLine {
                    gtin: g.clone(),
                    quantity: *q,
                })
                .collect(),
        };
        let payload =
            serde_json::to_string(&event).map_err(|e| StoreError::Inconsistent(e.to_string()))?;
        tx.execute(
            "INSERT INTO outbox (seq, event_id, type, order_id, payload, created_at) VALUES (?1, ?2, ?3, NULL, ?4, ?5)",
            params![seq, event_id, EventKind::PickupCollected.as_str(), payload, created_at],
        )
        .map_err(err)?;
        tx.commit().map_err(err)?;
        Ok(seq)
    }
}
