//! Online orders at this store (issue 16): what the platform routed here, picked, packed and
//! handed over, each move stored with its outbox event in one transaction; the store's stock
//! (sold, counted, taken back, pulled from the platform).

use std::collections::HashMap;

use rusqlite::{OptionalExtension, TransactionBehavior, params};

use super::orders::now_rfc3339;
use super::pulls::json_column;
use super::{Store, StoreError};
use smartstore_domain::fulfil::{self, PickLine, PickRefusal};
use smartstore_domain::gtin::Gtin;
use smartstore_protocol::online::{
    Destination, EVENT_PREFIX, Line, OnlineOrder, STOCK_COUNTED, Status, StatusEvent, StockCounted,
    StockFigure, StockMove, status_of_event, stock_moves,
};

/// The longest reason a store gives for rejecting an order, in characters.
pub const MAX_REASON: usize = 200;

/// An online order as this store holds it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct StoreOnlineOrder {
    pub order_id: String,
    pub marketplace: String,
    pub marketplace_order_id: String,
    pub part: u32,
    pub parts: u32,
    pub destination: Destination,
    pub lines: Vec<Line>,
    pub status: Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parcel_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub received_at: String,
}

impl StoreOnlineOrder {
    pub fn is_pickup(&self) -> bool {
        matches!(self.destination, Destination::Pickup { .. })
    }

    /// The store may still give it back to the platform (until the parcel has left).
    pub fn may_give_back(&self) -> bool {
        self.status.may_move_to(Status::Rejected, self.is_pickup())
    }
}

/// Why an online order cannot move as asked.
#[derive(Debug, thiserror::Error)]
pub enum FulfilError {
    #[error("no online order {0} at this store: list them with `smartstore fulfil list`")]
    UnknownOrder(String),
    #[error("online order {order} is {}: it cannot be {}", .status.name(), .wanted.name())]
    WrongStatus {
        order: String,
        status: Status,
        wanted: Status,
    },
    #[error("{0}")]
    Pick(PickRefusal),
    #[error("'{0}' is not a product code")]
    NotAProduct(String),
    #[error("order {order} is not fully picked: {missing} item(s) still to pick")]
    NotPicked { order: String, missing: u32 },
    #[error("the label scanned ({scanned}) is not this order's parcel ({expected})")]
    WrongLabel { scanned: String, expected: String },
    #[error("say why the order is given back (at most {MAX_REASON} characters)")]
    BadReason,
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A database error inside a fulfilment step (made a [`StoreError`] with the database's
    /// path before it leaves this module).
    #[error("{0}")]
    Sql(#[from] rusqlite::Error),
}

type Tx<'a> = rusqlite::Transaction<'a>;

fn read_order(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoreOnlineOrder> {
    let bad = |i: usize, e: serde_json::Error| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
    };
    let destination: String = r.get(5)?;
    let lines: String = r.get(6)?;
    let status: String = r.get(7)?;
    Ok(StoreOnlineOrder {
        order_id: r.get(0)?,
        marketplace: r.get(1)?,
        marketplace_order_id: r.get(2)?,
        part: r.get(3)?,
        parts: r.get(4)?,
        destination: serde_json::from_str(&destination).map_err(|e| bad(5, e))?,
        lines: serde_json::from_str(&lines).map_err(|e| bad(6, e))?,
        status: Status::parse(&status).unwrap_or(Status::Routed),
        parcel_id: r.get(8)?,
        reason: r.get(9)?,
        received_at: r.get(10)?,
    })
}

const ORDER_COLUMNS: &str = "order_id, marketplace, marketplace_order_id, part, parts, destination, lines, status, parcel_id, reason, received_at";

fn order_in(tx: &rusqlite::Connection, id: &str) -> rusqlite::Result<Option<StoreOnlineOrder>> {
    tx.query_row(
        &format!("SELECT {ORDER_COLUMNS} FROM online_orders WHERE order_id = ?1"),
        [id],
        read_order,
    )
    .optional()
}

/// The pick list of `order`: its lines with names, shelves and what is picked, in walk order.
fn pick_lines(
    tx: &rusqlite::Connection,
    order: &StoreOnlineOrder,
) -> rusqlite::Result<Vec<PickLine>> {
    let mut out = Vec::with_capacity(order.lines.len());
    for l in &order.lines {
        let Ok(gtin) = Gtin::parse(&l.gtin) else {
            continue;
        };
        let (name, name_zh, shelf): (String, Option<String>, Option<String>) = tx
            .query_row(
                "SELECT name, name_zh, shelf FROM catalog_items WHERE gtin = ?1",
                [gtin.as_str()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?
            .unwrap_or_else(|| (gtin.display_form(), None, None));
        let picked: u32 = tx
            .query_row(
                "SELECT qty FROM online_picks WHERE order_id = ?1 AND gtin = ?2",
                params![order.order_id, gtin.as_str()],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or(0);
        out.push(PickLine {
            gtin,
            name,
            name_zh,
            shelf,
            qty: l.qty,
            picked,
        });
    }
    fulfil::walk_order(&mut out);
    Ok(out)
}

/// Queues an online order's status event and moves the order to it.
fn move_to(
    tx: &Tx<'_>,
    order: &StoreOnlineOrder,
    next: Status,
    reason: Option<&str>,
) -> Result<(), FulfilError> {
    let at = now_rfc3339();
    let body = StatusEvent {
        online_order_id: order.order_id.clone(),
        reason: reason.map(str::to_owned),
    };
    let kind = format!("{EVENT_PREFIX}{}", next.name());
    queue(
        tx,
        &kind,
        &serde_json::to_value(&body).map_err(|e| StoreError::Inconsistent(e.to_string()))?,
        &at,
    )?;
    tx.execute(
        "UPDATE online_orders SET status = ?2, reason = COALESCE(?3, reason), updated_at = ?4 WHERE order_id = ?1",
        params![order.order_id, next.name(), reason, at],
    )
    ?;
    Ok(())
}

/// Queues an event of type `kind` whose body is `body` plus its envelope.
fn queue(tx: &Tx<'_>, kind: &str, body: &serde_json::Value, at: &str) -> Result<u64, FulfilError> {
    Ok(super::shifts::queue_event(tx, kind, body, at)?)
}

impl Store {
    /// Runs `f` in one immediate transaction, committed when it succeeds.
    fn online_tx<T>(
        &mut self,
        f: impl FnOnce(&Tx<'_>) -> Result<T, FulfilError>,
    ) -> Result<T, FulfilError> {
        self.writable()?;
        let path = self.path.clone();
        let err = |e| StoreError::from_sqlite(&path, e);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(err)?;
        let out = f(&tx).map_err(|e| match e {
            FulfilError::Sql(e) => FulfilError::Store(err(e)),
            e => e,
        })?;
        tx.commit().map_err(err)?;
        Ok(out)
    }

    /// Stores a page of the `online-orders` pull. A new order is kept as routed; one this
    /// store already holds keeps where the store got with it (its own moves are ahead of what
    /// the platform has heard), unless the platform moved it on further.
    pub fn save_online_orders(
        &mut self,
        items: &[OnlineOrder],
        cursor: u64,
    ) -> Result<(), StoreError> {
        self.save_page("online-orders", cursor, |tx| {
            let at = now_rfc3339();
            for o in items {
                let held: Option<String> = tx
                    .query_row(
                        "SELECT status FROM online_orders WHERE order_id = ?1",
                        [&o.order_id],
                        |r| r.get(0),
                    )
                    .optional()?;
                let status = match held.as_deref().and_then(Status::parse) {
                    None => o.status,
                    Some(here) => {
                        let pickup = matches!(o.destination, Destination::Pickup { .. });
                        if here.may_move_to(o.status, pickup) && o.status != Status::Rejected {
                            o.status
                        } else {
                            here
                        }
                    }
                };
                tx.execute(
                    "INSERT INTO online_orders (order_id, marketplace, marketplace_order_id, part, parts,
                       destination, lines, status, received_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)
                     ON CONFLICT (order_id) DO UPDATE SET status = ?8, updated_at = ?9",
                    params![
                        o.order_id,
                        o.marketplace,
                        o.marketplace_order_id,
                        o.part,
                        o.parts,
                        json_column(&o.destination)?,
                        json_column(&o.lines)?,
                        status.name(),
                        at
                    ],
                )?;
            }
            Ok(())
        })
    }

    /// Stores a page of the `stock` pull: the platform's figure for this store, plus what this
    /// terminal sold, took back or counted that the platform has not heard yet.
    pub fn apply_stock_figures(
        &mut self,
        items: &[StockFigure],
        cursor: u64,
    ) -> Result<(), StoreError> {
        self.save_page(smartstore_protocol::online::STOCK_PULL, cursor, |tx| {
            let pending = pending_moves(tx)?;
            for f in items {
                let Ok(gtin) = Gtin::parse(&f.gtin) else {
                    continue;
                };
                let figure = match pending.get(&gtin.as_str()) {
                    Some(Pending::Set(v)) => *v,
                    Some(Pending::By(d)) => f.on_hand + d,
                    None => f.on_hand,
                };
                tx.execute(
                    "UPDATE catalog_items SET stock = ?2 WHERE gtin = ?1",
                    params![gtin.as_str(), figure],
                )?;
            }
            Ok(())
        })
    }

    /// A shelf count: the figure replaces what the terminal held, and goes to the platform.
    pub fn count_stock(&mut self, gtin: &Gtin, qty: i64) -> Result<u64, FulfilError> {
        self.online_tx(|tx| {
            let known = tx.execute(
                "UPDATE catalog_items SET stock = ?2 WHERE gtin = ?1",
                params![gtin.as_str(), qty],
            )?;
            if known == 0 {
                return Err(StoreError::UnknownGtin(*gtin).into());
            }
            let body = StockCounted {
                gtin: gtin.as_str(),
                qty,
            };
            queue(
                tx,
                STOCK_COUNTED,
                &serde_json::to_value(&body)
                    .map_err(|e| StoreError::Inconsistent(e.to_string()))?,
                &now_rfc3339(),
            )
        })
    }

    /// The orders still to fulfil here, oldest first. An order listed for the first time is
    /// accepted (its `online.accepted` event queued).
    pub fn fulfil_queue(&mut self) -> Result<Vec<StoreOnlineOrder>, FulfilError> {
        self.online_tx(|tx| {
            let mut stmt = tx.prepare(&format!(
                "SELECT {ORDER_COLUMNS} FROM online_orders
                     WHERE status NOT IN ('shipped', 'collected', 'rejected', 'unfillable')
                     ORDER BY received_at, order_id"
            ))?;
            let orders = stmt
                .query_map([], read_order)?
                .collect::<Result<Vec<_>, _>>()?;
            drop(stmt);
            let mut out = Vec::with_capacity(orders.len());
            for mut o in orders {
                if o.status == Status::Routed {
                    move_to(tx, &o, Status::Accepted, None)?;
                    o.status = Status::Accepted;
                }
                out.push(o);
            }
            Ok(out)
        })
    }

    /// One order and its pick list.
    pub fn online_order(
        &self,
        order_id: &str,
    ) -> Result<(StoreOnlineOrder, Vec<PickLine>), FulfilError> {
        let order = order_in(&self.conn, order_id)
            .map_err(self.sql_err())?
            .ok_or_else(|| FulfilError::UnknownOrder(order_id.to_owned()))?;
        let lines = pick_lines(&self.conn, &order).map_err(self.sql_err())?;
        Ok((order, lines))
    }

    /// One item scanned off the shelf into `order_id`'s tote. The last one moves the order to
    /// picked. A wrong or an extra item is refused and nothing is stored.
    pub fn pick_online(
        &mut self,
        order_id: &str,
        scanned: &Gtin,
    ) -> Result<(StoreOnlineOrder, Vec<PickLine>), FulfilError> {
        self.online_tx(|tx| {
            let mut order = order_in(tx, order_id)?
                .ok_or_else(|| FulfilError::UnknownOrder(order_id.to_owned()))?;
            // A picked order still checks a scan: what comes is extra, or not in the order.
            if !matches!(
                order.status,
                Status::Routed | Status::Accepted | Status::Picked
            ) {
                return Err(FulfilError::WrongStatus {
                    order: order.order_id.clone(),
                    status: order.status,
                    wanted: Status::Picked,
                });
            }
            if order.status == Status::Routed {
                move_to(tx, &order, Status::Accepted, None)?;
                order.status = Status::Accepted;
            }
            let mut lines = pick_lines(tx, &order)?;
            let i = fulfil::pick(&lines, scanned).map_err(FulfilError::Pick)?;
            tx.execute(
                "INSERT INTO online_picks (order_id, gtin, qty) VALUES (?1, ?2, 1)
                 ON CONFLICT (order_id, gtin) DO UPDATE SET qty = qty + 1",
                params![order.order_id, scanned.as_str()],
            )?;
            lines[i].picked += 1;
            if fulfil::all_picked(&lines) {
                move_to(tx, &order, Status::Picked, None)?;
                order.status = Status::Picked;
            }
            Ok((order, lines))
        })
    }

    /// Packs a picked order: its parcel gets an id (printed on the label as Code 128). An order
    /// to collect here is then ready for pickup.
    pub fn pack_online(&mut self, order_id: &str) -> Result<StoreOnlineOrder, FulfilError> {
        let (store_id, _) = self.receipt_prefix()?;
        self.online_tx(|tx| {
            let mut order = order_in(tx, order_id)?
                .ok_or_else(|| FulfilError::UnknownOrder(order_id.to_owned()))?;
            if order.status == Status::Accepted {
                let lines = pick_lines(tx, &order)?;
                let missing = lines.iter().map(|l| l.qty.saturating_sub(l.picked)).sum();
                return Err(FulfilError::NotPicked {
                    order: order.order_id,
                    missing,
                });
            }
            if matches!(order.status, Status::Packed | Status::ReadyForPickup)
                && order.parcel_id.is_some()
            {
                // Packed already: the same parcel, its label printed again.
                return Ok(order);
            }
            if order.status != Status::Picked {
                return Err(FulfilError::WrongStatus {
                    order: order.order_id,
                    status: order.status,
                    wanted: Status::Packed,
                });
            }
            let parcel = fulfil::parcel_id(&order.order_id, &store_id);
            tx.execute(
                "UPDATE online_orders SET parcel_id = ?2 WHERE order_id = ?1",
                params![order.order_id, parcel],
            )?;
            order.parcel_id = Some(parcel);
            move_to(tx, &order, Status::Packed, None)?;
            order.status = Status::Packed;
            if order.is_pickup() {
                move_to(tx, &order, Status::ReadyForPickup, None)?;
                order.status = Status::ReadyForPickup;
            }
            Ok(order)
        })
    }

    /// Hands a packed parcel over (to the courier, or to the shopper collecting it) against a
    /// scan of its label: shipped or collected, and off this store's stock.
    pub fn hand_over_online(
        &mut self,
        order_id: &str,
        scanned_label: &str,
    ) -> Result<StoreOnlineOrder, FulfilError> {
        self.online_tx(|tx| {
            let mut order = order_in(tx, order_id)
                ?
                .ok_or_else(|| FulfilError::UnknownOrder(order_id.to_owned()))?;
            let next = if order.is_pickup() {
                Status::Collected
            } else {
                Status::Shipped
            };
            let ready = if order.is_pickup() {
                Status::ReadyForPickup
            } else {
                Status::Packed
            };
            if order.status != ready {
                return Err(FulfilError::WrongStatus {
                    order: order.order_id,
                    status: order.status,
                    wanted: next,
                });
            }
            let expected = order.parcel_id.clone().unwrap_or_default();
            if scanned_label.trim() != expected {
                return Err(FulfilError::WrongLabel {
                    scanned: scanned_label.trim().chars().take(64).collect(),
                    expected,
                });
            }
            move_to(tx, &order, next, None)?;
            order.status = next;
            for l in &order.lines {
                tx.execute(
                    "UPDATE catalog_items SET stock = stock - ?2 WHERE gtin = ?1 AND stock IS NOT NULL",
                    params![l.gtin, l.qty],
                )
                ?;
            }
            Ok(order)
        })
    }

    /// Gives an order back to the platform (which routes it to another store): what was picked
    /// goes back on the shelf.
    pub fn reject_online(
        &mut self,
        order_id: &str,
        reason: &str,
    ) -> Result<StoreOnlineOrder, FulfilError> {
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > MAX_REASON {
            return Err(FulfilError::BadReason);
        }
        self.online_tx(|tx| {
            let mut order = order_in(tx, order_id)?
                .ok_or_else(|| FulfilError::UnknownOrder(order_id.to_owned()))?;
            if !order
                .status
                .may_move_to(Status::Rejected, order.is_pickup())
            {
                return Err(FulfilError::WrongStatus {
                    order: order.order_id,
                    status: order.status,
                    wanted: Status::Rejected,
                });
            }
            move_to(tx, &order, Status::Rejected, Some(reason))?;
            order.status = Status::Rejected;
            order.reason = Some(reason.to_owned());
            Ok(order)
        })
    }
}

/// What this terminal's events not yet acknowledged by the platform did to a product's stock.
enum Pending {
    /// Moved by this much since the platform's figure.
    By(i64),
    /// Counted: this figure, whatever the platform says.
    Set(i64),
}

fn pending_moves(tx: &Tx<'_>) -> rusqlite::Result<HashMap<String, Pending>> {
    let mut out: HashMap<String, Pending> = HashMap::new();
    let mut stmt = tx.prepare(
        "SELECT e.type, e.payload FROM outbox e JOIN sync_state s ON s.id = 1
         WHERE e.seq > s.acked_seq AND (e.type IN ('order.placed', 'order.returned', ?1)
           OR e.type IN ('online.shipped', 'online.collected'))
         ORDER BY e.seq",
    )?;
    let rows = stmt.query_map([STOCK_COUNTED], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
    })?;
    for row in rows {
        let (kind, payload) = row?;
        let mut moves = stock_moves(&kind, &payload);
        if status_of_event(&kind).is_some() {
            // A parcel handed over: its lines left the shelf.
            if let Ok(event) = serde_json::from_str::<StatusEvent>(&payload)
                && let Some(order) = order_in(tx, &event.online_order_id)?
            {
                moves.extend(order.lines.iter().map(|l| StockMove::By {
                    gtin: l.gtin.clone(),
                    delta: -i64::from(l.qty),
                }));
            }
        }
        for m in moves {
            match m {
                StockMove::By { gtin, delta } => {
                    let e = out.entry(gtin).or_insert(Pending::By(0));
                    match e {
                        Pending::By(d) | Pending::Set(d) => *d += delta,
                    }
                }
                StockMove::Counted { gtin, qty } => {
                    out.insert(gtin, Pending::Set(qty));
                }
            }
        }
    }
    Ok(out)
}
