//! Stores, their stock, marketplaces and online orders on PostgreSQL (issue 16): the same
//! operations as on SQLite, the rules [`crate::online`]'s. Two hubs taking the same
//! marketplace order at once take it once (an advisory lock on its id, then the unique key);
//! two orders routed at once never reserve the same stock twice (the stock rows of their
//! products are locked, in one order, before availability is read).

use deadpool_postgres::Transaction;
use tokio_postgres::types::ToSql;

use super::{PgHub, big, classify, small};
use crate::db::{HubError, now, token_digest};
use crate::online::{
    Candidate, Destination, IntakeAnswer, IntakeRequest, Line, OnlineOrder, OnlineRefusal, Status,
    StatusEvent, Step, StockFigure, StockMove, request_digest, route, status_of_event, stock_moves,
};

fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

fn corrupt(e: serde_json::Error) -> HubError {
    HubError::Db {
        path: "postgres".into(),
        detail: format!("an online order's stored JSON does not parse: {e}"),
    }
}

impl PgHub {
    pub async fn add_store(
        &self,
        id: &str,
        name: &str,
        lat: f64,
        lon: f64,
    ) -> Result<(), HubError> {
        crate::online::check_store(id, name, lat, lon)?;
        self.client()
            .await?
            .execute(
                "INSERT INTO stores (store_id, name, lat, lon) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (store_id) DO UPDATE SET name = $2, lat = $3, lon = $4",
                &[&id, &name.trim(), &lat, &lon],
            )
            .await
            .map_err(classify)?;
        Ok(())
    }

    pub async fn stores(&self) -> Result<Vec<(String, String, f64, f64)>, HubError> {
        Ok(self
            .client()
            .await?
            .query(
                "SELECT store_id, name, lat, lon FROM stores ORDER BY store_id",
                &[],
            )
            .await
            .map_err(classify)?
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
            .collect())
    }

    pub async fn import_stock(
        &self,
        store: &str,
        rows: &[(String, i64)],
    ) -> Result<usize, HubError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(classify)?;
        let known = tx
            .query_opt("SELECT 1 FROM stores WHERE store_id = $1", &[&store])
            .await
            .map_err(classify)?;
        if known.is_none() {
            return Err(OnlineRefusal::UnknownStore(store.to_owned()).into());
        }
        for (gtin, qty) in rows {
            set_stock(&tx, store, gtin, *qty).await?;
        }
        tx.commit().await.map_err(classify)?;
        Ok(rows.len())
    }

    pub async fn stock_of(&self, store: &str) -> Result<Vec<(String, i64, i64)>, HubError> {
        Ok(self
            .client()
            .await?
            .query(
                "SELECT gtin, on_hand, reserved FROM store_stock WHERE store_id = $1 ORDER BY gtin",
                &[&store],
            )
            .await
            .map_err(classify)?
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect())
    }

    /// The stock figures of `store` that changed since `cursor` (the `stock` pull).
    pub async fn stock_after(
        &self,
        store: &str,
        cursor: u64,
        limit: u32,
    ) -> Result<(Vec<StockFigure>, u64), HubError> {
        let rows = self
            .client()
            .await?
            .query(
                "SELECT gtin, on_hand, reserved, version FROM store_stock
                 WHERE store_id = $1 AND version > $2 ORDER BY version LIMIT $3",
                &[&store, &big(cursor), &i64::from(limit)],
            )
            .await
            .map_err(classify)?;
        let mut out = Vec::with_capacity(rows.len());
        let mut last = cursor;
        for r in &rows {
            out.push(StockFigure {
                gtin: r.get(0),
                on_hand: r.get(1),
                reserved: r.get(2),
            });
            last = small(r.get(3));
        }
        Ok((out, last))
    }

    pub async fn add_marketplace_key(&self, name: &str) -> Result<String, HubError> {
        let (key, digest) = crate::online::new_marketplace_key(name)?;
        self.client()
            .await?
            .execute(
                "INSERT INTO marketplace_keys (name, key_digest, created_at) VALUES ($1, $2, $3)
                 ON CONFLICT (name) DO UPDATE SET key_digest = $2, created_at = $3",
                &[&name, &digest, &now()],
            )
            .await
            .map_err(classify)?;
        Ok(key)
    }

    pub async fn marketplace_of_key(&self, key: &str) -> Result<Option<String>, HubError> {
        Ok(self
            .client()
            .await?
            .query_opt(
                "SELECT name FROM marketplace_keys WHERE key_digest = $1",
                &[&token_digest(key)],
            )
            .await
            .map_err(classify)?
            .map(|r| r.get(0)))
    }

    pub async fn intake(
        &self,
        marketplace: &str,
        req: &IntakeRequest,
    ) -> Result<IntakeAnswer, HubError> {
        let checked = req.check()?;
        let digest = request_digest(&checked);
        let mo = checked.marketplace_order_id.clone();
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(classify)?;
        // The same marketplace order on two hubs at once: one waits for the other.
        tx.execute(
            "SELECT pg_advisory_xact_lock(hashtext($1))",
            &[&format!("online/{marketplace}/{mo}")],
        )
        .await
        .map_err(classify)?;
        let earlier = tx
            .query_opt(
                "SELECT request_digest FROM online_orders
                 WHERE marketplace = $1 AND marketplace_order_id = $2 LIMIT 1",
                &[&marketplace, &mo],
            )
            .await
            .map_err(classify)?;
        if let Some(earlier) = earlier {
            let earlier: String = earlier.get(0);
            if earlier != digest {
                return Err(OnlineRefusal::Conflict(mo).into());
            }
            let orders = parts_of(&tx, marketplace, &mo).await?;
            return Ok(IntakeAnswer {
                marketplace_order_id: mo,
                split: orders.len() > 1,
                orders,
            });
        }
        for l in &checked.lines {
            let short = l.gtin.trim_start_matches('0').to_owned();
            let known = tx
                .query_opt(
                    "SELECT 1 FROM catalog_items WHERE gtin = $1 OR gtin = $2",
                    &[&l.gtin, &short],
                )
                .await
                .map_err(classify)?;
            if known.is_none() {
                return Err(OnlineRefusal::UnknownProduct(l.gtin.clone()).into());
            }
        }
        let stores = candidates(&tx, &checked.lines).await?;
        let parts = route(&checked.lines, &checked.destination, &stores, &[])?;
        let at = now();
        let n = parts.len() as i32;
        for (i, part) in parts.iter().enumerate() {
            let version = PgHub::next_version(&tx).await?;
            let order_id = format!("OL{version:07}");
            tx.execute(
                "INSERT INTO online_orders (order_id, marketplace, marketplace_order_id, part, parts,
                   request_digest, store_id, destination, lines, status, version, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'routed', $10, $11)",
                &[
                    &order_id,
                    &marketplace,
                    &mo,
                    &(i as i32 + 1),
                    &n,
                    &digest,
                    &part.store,
                    &json(&checked.destination),
                    &json(&part.lines),
                    &version,
                    &at,
                ],
            )
            .await
            .map_err(classify)?;
            reserve(&tx, &part.store, &part.lines, 1).await?;
            history(
                &tx,
                &order_id,
                Status::Routed,
                Some(&part.store),
                None,
                None,
                &at,
            )
            .await?;
        }
        let orders = parts_of(&tx, marketplace, &mo).await?;
        tx.commit().await.map_err(classify)?;
        Ok(IntakeAnswer {
            marketplace_order_id: mo,
            split: orders.len() > 1,
            orders,
        })
    }

    pub async fn online_order(&self, id: &str) -> Result<OnlineOrder, HubError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(classify)?;
        let found = tx
            .query_opt("SELECT 1 FROM online_orders WHERE order_id = $1", &[&id])
            .await
            .map_err(classify)?;
        if found.is_none() {
            return Err(OnlineRefusal::UnknownOrder(id.to_owned()).into());
        }
        order_by_id(&tx, id).await
    }

    pub async fn online_orders_after(
        &self,
        store: &str,
        cursor: u64,
        limit: u32,
    ) -> Result<(Vec<OnlineOrder>, u64), HubError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(classify)?;
        let rows = tx
            .query(
                "SELECT order_id, version FROM online_orders WHERE store_id = $1 AND version > $2
                 ORDER BY version LIMIT $3",
                &[&store, &big(cursor), &i64::from(limit)],
            )
            .await
            .map_err(classify)?;
        let mut out = Vec::with_capacity(rows.len());
        let mut last = cursor;
        for r in &rows {
            let id: String = r.get(0);
            out.push(order_by_id(&tx, &id).await?);
            last = small(r.get(1));
        }
        Ok((out, last))
    }
}

/// Applies an event of a store's terminal, once (the caller stored it first): stock moves, and
/// an online order's status. What cannot apply comes back as the event's flag.
pub(super) async fn apply_store_event(
    tx: &Transaction<'_>,
    store: &str,
    device: &str,
    kind: &str,
    body: &str,
) -> Result<Option<String>, HubError> {
    for m in stock_moves(kind, body) {
        match m {
            StockMove::By { gtin, delta } => {
                let version = PgHub::next_version(tx).await?;
                tx.execute(
                    // A figure never given (imported or counted) stays unknown: a sale does
                    // not make one up below zero.
                    "UPDATE store_stock SET on_hand = on_hand + $3, version = $4
                     WHERE store_id = $1 AND gtin = $2",
                    &[&store, &gtin, &delta, &version],
                )
                .await
                .map_err(classify)?;
            }
            StockMove::Counted { gtin, qty } => set_stock(tx, store, &gtin, qty).await?,
        }
    }
    let Some(next) = status_of_event(kind) else {
        return Ok(None);
    };
    let Ok(event) = serde_json::from_str::<StatusEvent>(body) else {
        return Ok(Some(format!("{kind}: not a status event")));
    };
    let id = event.online_order_id;
    let Some(row) = tx
        .query_opt(
            "SELECT store_id, status, destination, lines FROM online_orders WHERE order_id = $1
             FOR UPDATE",
            &[&id],
        )
        .await
        .map_err(classify)?
    else {
        return Ok(Some(format!("{kind}: no online order {id}")));
    };
    let at_store: Option<String> = row.get(0);
    if at_store.as_deref() != Some(store) {
        return Ok(Some(format!(
            "{kind}: online order {id} is not routed to store {store}"
        )));
    }
    let now_status = Status::parse(row.get(1)).unwrap_or(Status::Routed);
    let destination: Destination = serde_json::from_str(row.get(2)).map_err(corrupt)?;
    let lines: Vec<Line> = serde_json::from_str(row.get(3)).map_err(corrupt)?;
    let pickup = matches!(destination, Destination::Pickup { .. });
    if now_status == next {
        return Ok(None);
    }
    if !now_status.may_move_to(next, pickup) {
        return Ok(Some(format!(
            "{kind}: online order {id} is {}, it cannot become {}",
            now_status.name(),
            next.name()
        )));
    }
    let at = now();
    let version = PgHub::next_version(tx).await?;
    tx.execute(
        "UPDATE online_orders SET status = $2, version = $3 WHERE order_id = $1",
        &[&id, &next.name(), &version],
    )
    .await
    .map_err(classify)?;
    let reason = event
        .reason
        .map(|r| r.chars().take(200).collect::<String>());
    history(
        tx,
        &id,
        next,
        Some(store),
        Some(device),
        reason.as_deref(),
        &at,
    )
    .await?;
    match next {
        Status::Shipped | Status::Collected => {
            for l in &lines {
                let version = PgHub::next_version(tx).await?;
                tx.execute(
                    "UPDATE store_stock SET on_hand = on_hand - $3,
                       reserved = greatest(reserved - $3, 0), version = $4
                     WHERE store_id = $1 AND gtin = $2",
                    &[&store, &l.gtin, &i64::from(l.qty), &version],
                )
                .await
                .map_err(classify)?;
            }
        }
        Status::Rejected => {
            reserve(tx, store, &lines, -1).await?;
            reroute(tx, &id, store, &destination, &lines, &at).await?;
        }
        _ => {}
    }
    Ok(None)
}

async fn reroute(
    tx: &Transaction<'_>,
    id: &str,
    rejected_by: &str,
    destination: &Destination,
    lines: &[Line],
    at: &str,
) -> Result<(), HubError> {
    let excluded: String = tx
        .query_one(
            "SELECT excluded FROM online_orders WHERE order_id = $1",
            &[&id],
        )
        .await
        .map_err(classify)?
        .get(0);
    let mut excluded: Vec<String> = serde_json::from_str(&excluded).unwrap_or_default();
    excluded.push(rejected_by.to_owned());
    let stores = candidates(tx, lines).await?;
    let whole = route(lines, destination, &stores, &excluded)
        .ok()
        .filter(|parts| parts.len() == 1)
        .and_then(|mut parts| parts.pop());
    let version = PgHub::next_version(tx).await?;
    match whole {
        Some(part) => {
            tx.execute(
                "UPDATE online_orders SET store_id = $2, status = 'routed', excluded = $3, version = $4
                 WHERE order_id = $1",
                &[&id, &part.store, &json(&excluded), &version],
            )
            .await
            .map_err(classify)?;
            reserve(tx, &part.store, lines, 1).await?;
            history(tx, id, Status::Routed, Some(&part.store), None, None, at).await?;
        }
        None => {
            tx.execute(
                "UPDATE online_orders SET status = 'unfillable', excluded = $2, version = $3
                 WHERE order_id = $1",
                &[&id, &json(&excluded), &version],
            )
            .await
            .map_err(classify)?;
            history(
                tx,
                id,
                Status::Unfillable,
                None,
                None,
                Some("no other store holds all of it"),
                at,
            )
            .await?;
        }
    }
    Ok(())
}

async fn set_stock(
    tx: &Transaction<'_>,
    store: &str,
    gtin: &str,
    qty: i64,
) -> Result<(), HubError> {
    let version = PgHub::next_version(tx).await?;
    tx.execute(
        "INSERT INTO store_stock (store_id, gtin, on_hand, version) VALUES ($1, $2, $3, $4)
         ON CONFLICT (store_id, gtin) DO UPDATE SET on_hand = $3, version = $4",
        &[&store, &gtin, &qty, &version],
    )
    .await
    .map_err(classify)?;
    Ok(())
}

async fn reserve(
    tx: &Transaction<'_>,
    store: &str,
    lines: &[Line],
    sign: i64,
) -> Result<(), HubError> {
    for l in lines {
        let version = PgHub::next_version(tx).await?;
        tx.execute(
            "UPDATE store_stock SET reserved = greatest(reserved + $3, 0), version = $4
             WHERE store_id = $1 AND gtin = $2",
            &[&store, &l.gtin, &(sign * i64::from(l.qty)), &version],
        )
        .await
        .map_err(classify)?;
    }
    Ok(())
}

async fn history(
    tx: &Transaction<'_>,
    id: &str,
    status: Status,
    store: Option<&str>,
    device: Option<&str>,
    reason: Option<&str>,
    at: &str,
) -> Result<(), HubError> {
    let params: [&(dyn ToSql + Sync); 6] = [&id, &status.name(), &store, &at, &device, &reason];
    tx.execute(
        "INSERT INTO online_order_history (order_id, status, store_id, at, device, reason)
         VALUES ($1, $2, $3, $4, $5, $6)",
        &params,
    )
    .await
    .map_err(classify)?;
    Ok(())
}

/// Every store with what it can sell now of these lines' GTINs; the stock rows are locked (in
/// one order) until the transaction ends, so no other order reserves them meanwhile.
async fn candidates(tx: &Transaction<'_>, lines: &[Line]) -> Result<Vec<Candidate>, HubError> {
    let mut stores: Vec<Candidate> = tx
        .query("SELECT store_id, lat, lon FROM stores", &[])
        .await
        .map_err(classify)?
        .iter()
        .map(|r| Candidate {
            store: r.get(0),
            lat: r.get(1),
            lon: r.get(2),
            available: Vec::new(),
        })
        .collect();
    let gtins: Vec<String> = lines.iter().map(|l| l.gtin.clone()).collect();
    let rows = tx
        .query(
            "SELECT store_id, gtin, on_hand - reserved FROM store_stock WHERE gtin = ANY($1)
             ORDER BY store_id, gtin FOR UPDATE",
            &[&gtins],
        )
        .await
        .map_err(classify)?;
    for r in &rows {
        let store: String = r.get(0);
        if let Some(c) = stores.iter_mut().find(|c| c.store == store) {
            c.available.push((r.get(1), r.get(2)));
        }
    }
    Ok(stores)
}

async fn order_by_id(tx: &Transaction<'_>, id: &str) -> Result<OnlineOrder, HubError> {
    let r = tx
        .query_one(
            "SELECT marketplace, marketplace_order_id, part, parts, store_id, status, destination, lines
             FROM online_orders WHERE order_id = $1",
            &[&id],
        )
        .await
        .map_err(classify)?;
    let history = tx
        .query(
            "SELECT status, store_id, at, device, reason FROM online_order_history
             WHERE order_id = $1 ORDER BY n",
            &[&id],
        )
        .await
        .map_err(classify)?
        .iter()
        .map(|h| Step {
            status: Status::parse(h.get(0)).unwrap_or(Status::Routed),
            store: h.get(1),
            at: h.get(2),
            device: h.get(3),
            reason: h.get(4),
        })
        .collect();
    Ok(OnlineOrder {
        order_id: id.to_owned(),
        marketplace: r.get(0),
        marketplace_order_id: r.get(1),
        part: u32::try_from(r.get::<_, i32>(2)).unwrap_or(0),
        parts: u32::try_from(r.get::<_, i32>(3)).unwrap_or(0),
        store: r.get(4),
        status: Status::parse(r.get(5)).unwrap_or(Status::Routed),
        destination: serde_json::from_str(r.get(6)).map_err(corrupt)?,
        lines: serde_json::from_str(r.get(7)).map_err(corrupt)?,
        history,
    })
}

async fn parts_of(
    tx: &Transaction<'_>,
    marketplace: &str,
    mo: &str,
) -> Result<Vec<OnlineOrder>, HubError> {
    let ids: Vec<String> = tx
        .query(
            "SELECT order_id FROM online_orders WHERE marketplace = $1 AND marketplace_order_id = $2
             ORDER BY part",
            &[&marketplace, &mo],
        )
        .await
        .map_err(classify)?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let mut out = Vec::with_capacity(ids.len());
    for id in &ids {
        out.push(order_by_id(tx, id).await?);
    }
    Ok(out)
}
