//! Stores, their stock, marketplaces and online orders on SQLite (issue 16); the rules are
//! [`crate::online`]'s.

use rusqlite::{OptionalExtension, TransactionBehavior, params};

use super::{HubDb, HubError, now, sqlite_error, token_digest};
use crate::online::{
    Candidate, Destination, IntakeAnswer, IntakeRequest, Line, OnlineOrder, OnlineRefusal, Status,
    StatusEvent, Step, StockFigure, StockMove, request_digest, route, status_of_event, stock_moves,
};

type Tx<'a> = rusqlite::Transaction<'a>;

fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

impl HubDb {
    /// Adds a store, or moves or renames one.
    pub fn add_store(&mut self, id: &str, name: &str, lat: f64, lon: f64) -> Result<(), HubError> {
        crate::online::check_store(id, name, lat, lon)?;
        self.conn
            .execute(
                "INSERT INTO stores (store_id, name, lat, lon) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (store_id) DO UPDATE SET name = ?2, lat = ?3, lon = ?4",
                params![id, name.trim(), lat, lon],
            )
            .map_err(self.err())?;
        Ok(())
    }

    /// The stores: id, name, lat, lon.
    pub fn stores(&self) -> Result<Vec<(String, String, f64, f64)>, HubError> {
        let mut stmt = self
            .conn
            .prepare("SELECT store_id, name, lat, lon FROM stores ORDER BY store_id")
            .map_err(self.err())?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .map_err(self.err())?;
        rows.collect::<Result<_, _>>().map_err(self.err())
    }

    /// Sets a store's stock on hand from a count (`stock import`): every row or none.
    pub fn import_stock(&mut self, store: &str, rows: &[(String, i64)]) -> Result<usize, HubError> {
        let path = self.path.clone();
        let err = |e| sqlite_error(&path, e);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(err)?;
        known_store(&tx, store).map_err(err)??;
        for (gtin, qty) in rows {
            set_stock(&tx, store, gtin, *qty).map_err(err)?;
        }
        tx.commit().map_err(err)?;
        Ok(rows.len())
    }

    /// A store's stock: (GTIN, on hand, reserved), by GTIN.
    pub fn stock_of(&self, store: &str) -> Result<Vec<(String, i64, i64)>, HubError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT gtin, on_hand, reserved FROM store_stock WHERE store_id = ?1 ORDER BY gtin",
            )
            .map_err(self.err())?;
        let rows = stmt
            .query_map([store], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .map_err(self.err())?;
        rows.collect::<Result<_, _>>().map_err(self.err())
    }

    /// The stock figures of `store` that changed since `cursor` (the `stock` pull).
    pub fn stock_after(
        &self,
        store: &str,
        cursor: u64,
        limit: u32,
    ) -> Result<(Vec<StockFigure>, u64), HubError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT gtin, on_hand, reserved, version FROM store_stock
                 WHERE store_id = ?1 AND version > ?2 ORDER BY version LIMIT ?3",
            )
            .map_err(self.err())?;
        let rows = stmt
            .query_map(params![store, cursor, limit], |r| {
                Ok((
                    StockFigure {
                        gtin: r.get(0)?,
                        on_hand: r.get(1)?,
                        reserved: r.get(2)?,
                    },
                    r.get::<_, u64>(3)?,
                ))
            })
            .map_err(self.err())?;
        let mut out = Vec::new();
        let mut last = cursor;
        for row in rows {
            let (figure, version) = row.map_err(self.err())?;
            out.push(figure);
            last = version;
        }
        Ok((out, last))
    }

    /// A new key for a marketplace (shown once; only its digest is kept).
    pub fn add_marketplace_key(&mut self, name: &str) -> Result<String, HubError> {
        let (key, digest) = crate::online::new_marketplace_key(name)?;
        self.conn
            .execute(
                "INSERT INTO marketplace_keys (name, key_digest, created_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (name) DO UPDATE SET key_digest = ?2, created_at = ?3",
                params![name, digest, now()],
            )
            .map_err(self.err())?;
        Ok(key)
    }

    /// The marketplace a bearer key belongs to.
    pub fn marketplace_of_key(&self, key: &str) -> Result<Option<String>, HubError> {
        self.conn
            .query_row(
                "SELECT name FROM marketplace_keys WHERE key_digest = ?1",
                [token_digest(key)],
                |r| r.get(0),
            )
            .optional()
            .map_err(self.err())
    }

    /// Takes a marketplace's order: checked, routed to the nearest store(s) holding it, stock
    /// reserved there, in one transaction. The same order id again answers what it got the first
    /// time (another content under that id: a conflict, nothing changed).
    pub fn intake(
        &mut self,
        marketplace: &str,
        req: &IntakeRequest,
    ) -> Result<IntakeAnswer, HubError> {
        let checked = req.check()?;
        let digest = request_digest(&checked);
        let path = self.path.clone();
        let err = |e| sqlite_error(&path, e);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(err)?;
        let earlier: Option<String> = tx
            .query_row(
                "SELECT request_digest FROM online_orders
                 WHERE marketplace = ?1 AND marketplace_order_id = ?2 LIMIT 1",
                params![marketplace, checked.marketplace_order_id],
                |r| r.get(0),
            )
            .optional()
            .map_err(err)?;
        if let Some(earlier) = earlier {
            if earlier != digest {
                return Err(OnlineRefusal::Conflict(checked.marketplace_order_id).into());
            }
            let orders = parts_of(&tx, marketplace, &checked.marketplace_order_id).map_err(err)?;
            return Ok(IntakeAnswer {
                marketplace_order_id: checked.marketplace_order_id,
                split: orders.len() > 1,
                orders,
            });
        }
        for l in &checked.lines {
            let known: Option<i64> = tx
                .query_row(
                    "SELECT 1 FROM catalog_items WHERE gtin = ?1 OR gtin = ?2",
                    params![l.gtin, l.gtin.trim_start_matches('0')],
                    |r| r.get(0),
                )
                .optional()
                .map_err(err)?;
            if known.is_none() {
                return Err(OnlineRefusal::UnknownProduct(l.gtin.clone()).into());
            }
        }
        let stores = candidates(&tx, &checked.lines).map_err(err)?;
        let parts = route(&checked.lines, &checked.destination, &stores, &[])?;
        let at = now();
        let n = parts.len() as u32;
        for (i, part) in parts.iter().enumerate() {
            let version = HubDb::next_version(&tx).map_err(err)?;
            let order_id = format!("OL{version:07}");
            tx.execute(
                "INSERT INTO online_orders (order_id, marketplace, marketplace_order_id, part, parts,
                   request_digest, store_id, destination, lines, status, version, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'routed', ?10, ?11)",
                params![
                    order_id,
                    marketplace,
                    checked.marketplace_order_id,
                    i as u32 + 1,
                    n,
                    digest,
                    part.store,
                    json(&checked.destination),
                    json(&part.lines),
                    version,
                    at
                ],
            )
            .map_err(err)?;
            reserve(&tx, &part.store, &part.lines, 1).map_err(err)?;
            history(
                &tx,
                &order_id,
                Status::Routed,
                Some(&part.store),
                None,
                None,
                &at,
            )
            .map_err(err)?;
        }
        let orders = parts_of(&tx, marketplace, &checked.marketplace_order_id).map_err(err)?;
        tx.commit().map_err(err)?;
        Ok(IntakeAnswer {
            marketplace_order_id: checked.marketplace_order_id.clone(),
            split: orders.len() > 1,
            orders,
        })
    }

    /// One online order with its history.
    pub fn online_order(&self, id: &str) -> Result<OnlineOrder, HubError> {
        let found = self
            .conn
            .query_row(
                "SELECT marketplace, marketplace_order_id, part FROM online_orders WHERE order_id = ?1",
                [id],
                |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, u32>(2)?)),
            )
            .optional()
            .map_err(self.err())?
            .ok_or_else(|| OnlineRefusal::UnknownOrder(id.to_owned()))?;
        let (marketplace, mo, part) = found;
        let tx = self.conn.unchecked_transaction().map_err(self.err())?;
        let orders = parts_of(&tx, &marketplace, &mo).map_err(self.err())?;
        orders
            .into_iter()
            .find(|o| o.part == part)
            .ok_or_else(|| OnlineRefusal::UnknownOrder(id.to_owned()).into())
    }

    /// The online orders routed to `store` that changed since `cursor` (the `online-orders`
    /// pull of its terminals).
    pub fn online_orders_after(
        &self,
        store: &str,
        cursor: u64,
        limit: u32,
    ) -> Result<(Vec<OnlineOrder>, u64), HubError> {
        let tx = self.conn.unchecked_transaction().map_err(self.err())?;
        let ids: Vec<(String, u64)> = {
            let mut stmt = tx
                .prepare_cached(
                    "SELECT order_id, version FROM online_orders WHERE store_id = ?1 AND version > ?2
                     ORDER BY version LIMIT ?3",
                )
                .map_err(self.err())?;
            let rows = stmt
                .query_map(params![store, cursor, limit], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .map_err(self.err())?;
            rows.collect::<Result<_, _>>().map_err(self.err())?
        };
        let mut out = Vec::with_capacity(ids.len());
        let mut last = cursor;
        for (id, version) in ids {
            out.push(order_by_id(&tx, &id).map_err(self.err())?);
            last = version;
        }
        Ok((out, last))
    }
}

/// Applies an event of a store's terminal, once (the caller stores it first): stock moves, and
/// an online order's status. What cannot apply (another store's order, a step backwards)
/// comes back as the event's flag.
pub(super) fn apply_store_event(
    tx: &Tx<'_>,
    device: &str,
    kind: &str,
    body: &str,
) -> rusqlite::Result<Option<String>> {
    let store: Option<String> = tx
        .query_row(
            "SELECT store_id FROM devices WHERE id = ?1",
            [device],
            |r| r.get(0),
        )
        .optional()?;
    let Some(store) = store else { return Ok(None) };
    for m in stock_moves(kind, body) {
        match m {
            StockMove::By { gtin, delta } => {
                let version = HubDb::next_version(tx)?;
                tx.execute(
                    // A figure never given (imported or counted) stays unknown: a sale does
                    // not make one up below zero.
                    "UPDATE store_stock SET on_hand = on_hand + ?3, version = ?4
                     WHERE store_id = ?1 AND gtin = ?2",
                    params![store, gtin, delta, version],
                )?;
            }
            StockMove::Counted { gtin, qty } => set_stock(tx, &store, &gtin, qty)?,
        }
    }
    let Some(next) = status_of_event(kind) else {
        return Ok(None);
    };
    let Ok(event) = serde_json::from_str::<StatusEvent>(body) else {
        return Ok(Some(format!("{kind}: not a status event")));
    };
    let id = event.online_order_id;
    let row: Option<(Option<String>, String, String, String)> = tx
        .query_row(
            "SELECT store_id, status, destination, lines FROM online_orders WHERE order_id = ?1",
            [&id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    let Some((at_store, status, destination, lines)) = row else {
        return Ok(Some(format!("{kind}: no online order {id}")));
    };
    if at_store.as_deref() != Some(store.as_str()) {
        return Ok(Some(format!(
            "{kind}: online order {id} is not routed to store {store}"
        )));
    }
    let now_status = Status::parse(&status).unwrap_or(Status::Routed);
    let destination: Destination = serde_json::from_str(&destination)
        .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
    let lines: Vec<Line> = serde_json::from_str(&lines)
        .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
    let pickup = matches!(destination, Destination::Pickup { .. });
    if now_status == next {
        return Ok(None); // said again (sent twice): kept once
    }
    if !now_status.may_move_to(next, pickup) {
        return Ok(Some(format!(
            "{kind}: online order {id} is {}, it cannot become {}",
            now_status.name(),
            next.name()
        )));
    }
    let at = now();
    let version = HubDb::next_version(tx)?;
    tx.execute(
        "UPDATE online_orders SET status = ?2, version = ?3 WHERE order_id = ?1",
        params![id, next.name(), version],
    )?;
    let reason = event
        .reason
        .map(|r| r.chars().take(200).collect::<String>());
    history(
        tx,
        &id,
        next,
        Some(&store),
        Some(device),
        reason.as_deref(),
        &at,
    )?;
    match next {
        Status::Shipped | Status::Collected => {
            // The parcel left the shelf: out of stock on hand and of the reservation.
            for l in &lines {
                let version = HubDb::next_version(tx)?;
                tx.execute(
                    "UPDATE store_stock SET on_hand = on_hand - ?3, reserved = max(reserved - ?3, 0),
                       version = ?4 WHERE store_id = ?1 AND gtin = ?2",
                    params![store, l.gtin, l.qty, version],
                )?;
            }
        }
        Status::Rejected => {
            reserve(tx, &store, &lines, -1)?;
            reroute(tx, &id, &store, &destination, &lines, &at)?;
        }
        _ => {}
    }
    Ok(None)
}

/// A rejected order goes to the nearest other store that holds all of it (never back to one
/// that gave it back); none: unfillable.
fn reroute(
    tx: &Tx<'_>,
    id: &str,
    rejected_by: &str,
    destination: &Destination,
    lines: &[Line],
    at: &str,
) -> rusqlite::Result<()> {
    let excluded: String = tx.query_row(
        "SELECT excluded FROM online_orders WHERE order_id = ?1",
        [id],
        |r| r.get(0),
    )?;
    let mut excluded: Vec<String> = serde_json::from_str(&excluded).unwrap_or_default();
    excluded.push(rejected_by.to_owned());
    let stores = candidates(tx, lines)?;
    let whole = route(lines, destination, &stores, &excluded)
        .ok()
        .filter(|parts| parts.len() == 1)
        .and_then(|mut parts| parts.pop());
    let version = HubDb::next_version(tx)?;
    match whole {
        Some(part) => {
            tx.execute(
                "UPDATE online_orders SET store_id = ?2, status = 'routed', excluded = ?3, version = ?4
                 WHERE order_id = ?1",
                params![id, part.store, json(&excluded), version],
            )?;
            reserve(tx, &part.store, lines, 1)?;
            history(tx, id, Status::Routed, Some(&part.store), None, None, at)?;
        }
        None => {
            tx.execute(
                "UPDATE online_orders SET status = 'unfillable', excluded = ?2, version = ?3
                 WHERE order_id = ?1",
                params![id, json(&excluded), version],
            )?;
            history(
                tx,
                id,
                Status::Unfillable,
                None,
                None,
                Some("no other store holds all of it"),
                at,
            )?;
        }
    }
    Ok(())
}

fn known_store(tx: &Tx<'_>, store: &str) -> rusqlite::Result<Result<(), HubError>> {
    let found: Option<i64> = tx
        .query_row("SELECT 1 FROM stores WHERE store_id = ?1", [store], |r| {
            r.get(0)
        })
        .optional()?;
    Ok(found
        .map(|_| ())
        .ok_or_else(|| OnlineRefusal::UnknownStore(store.to_owned()).into()))
}

fn set_stock(tx: &Tx<'_>, store: &str, gtin: &str, qty: i64) -> rusqlite::Result<()> {
    let version = HubDb::next_version(tx)?;
    tx.execute(
        "INSERT INTO store_stock (store_id, gtin, on_hand, version) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (store_id, gtin) DO UPDATE SET on_hand = ?3, version = ?4",
        params![store, gtin, qty, version],
    )?;
    Ok(())
}

/// Reserves (`sign` 1) or releases (-1) an order's lines at a store.
fn reserve(tx: &Tx<'_>, store: &str, lines: &[Line], sign: i64) -> rusqlite::Result<()> {
    for l in lines {
        let version = HubDb::next_version(tx)?;
        tx.execute(
            "UPDATE store_stock SET reserved = max(reserved + ?3, 0), version = ?4
             WHERE store_id = ?1 AND gtin = ?2",
            params![store, l.gtin, sign * i64::from(l.qty), version],
        )?;
    }
    Ok(())
}

fn history(
    tx: &Tx<'_>,
    id: &str,
    status: Status,
    store: Option<&str>,
    device: Option<&str>,
    reason: Option<&str>,
    at: &str,
) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO online_order_history (order_id, status, store_id, at, device, reason)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![id, status.name(), store, at, device, reason],
    )?;
    Ok(())
}

/// Every store with what it can sell now of these lines' GTINs.
fn candidates(tx: &Tx<'_>, lines: &[Line]) -> rusqlite::Result<Vec<Candidate>> {
    let mut stores: Vec<Candidate> = {
        let mut stmt = tx.prepare_cached("SELECT store_id, lat, lon FROM stores")?;
        let rows = stmt.query_map([], |r| {
            Ok(Candidate {
                store: r.get(0)?,
                lat: r.get(1)?,
                lon: r.get(2)?,
                available: Vec::new(),
            })
        })?;
        rows.collect::<Result<_, _>>()?
    };
    let mut stmt =
        tx.prepare_cached("SELECT store_id, on_hand - reserved FROM store_stock WHERE gtin = ?1")?;
    for l in lines {
        let rows = stmt.query_map([&l.gtin], |r| Ok((r.get::<_, String>(0)?, r.get(1)?)))?;
        for row in rows {
            let (store, n): (String, i64) = row?;
            if let Some(c) = stores.iter_mut().find(|c| c.store == store) {
                c.available.push((l.gtin.clone(), n));
            }
        }
    }
    Ok(stores)
}

fn order_by_id(tx: &Tx<'_>, id: &str) -> rusqlite::Result<OnlineOrder> {
    let (marketplace, mo, part, parts, store, status, destination, lines): (
        String,
        String,
        u32,
        u32,
        Option<String>,
        String,
        String,
        String,
    ) = tx.query_row(
        "SELECT marketplace, marketplace_order_id, part, parts, store_id, status, destination, lines
         FROM online_orders WHERE order_id = ?1",
        [id],
        |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
            ))
        },
    )?;
    let bad = |e: serde_json::Error| rusqlite::Error::ToSqlConversionFailure(Box::new(e));
    let mut stmt = tx.prepare_cached(
        "SELECT status, store_id, at, device, reason FROM online_order_history
         WHERE order_id = ?1 ORDER BY n",
    )?;
    let history = stmt
        .query_map([id], |r| {
            Ok(Step {
                status: Status::parse(&r.get::<_, String>(0)?).unwrap_or(Status::Routed),
                store: r.get(1)?,
                at: r.get(2)?,
                device: r.get(3)?,
                reason: r.get(4)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(OnlineOrder {
        order_id: id.to_owned(),
        marketplace,
        marketplace_order_id: mo,
        part,
        parts,
        store,
        status: Status::parse(&status).unwrap_or(Status::Routed),
        destination: serde_json::from_str(&destination).map_err(bad)?,
        lines: serde_json::from_str(&lines).map_err(bad)?,
        history,
    })
}

fn parts_of(tx: &Tx<'_>, marketplace: &str, mo: &str) -> rusqlite::Result<Vec<OnlineOrder>> {
    let ids: Vec<String> = {
        let mut stmt = tx.prepare_cached(
            "SELECT order_id FROM online_orders WHERE marketplace = ?1 AND marketplace_order_id = ?2
             ORDER BY part",
        )?;
        let rows = stmt.query_map(params![marketplace, mo], |r| r.get(0))?;
        rows.collect::<Result<_, _>>()?
    };
    ids.iter().map(|id| order_by_id(tx, id)).collect()
}
