//! What the sync engine brings back from the platform, and the enrolment it records.

use rusqlite::params;

use super::{Store, StoreError, now_rfc3339};
use smartstore_protocol::wire::{CatalogChange, Pickup, Revocation};

impl Store {
    /// Applies a page of catalog changes and its cursor in one transaction.
    pub fn apply_catalog_changes(
        &mut self,
        items: &[CatalogChange],
        cursor: u64,
    ) -> Result<(), StoreError> {
        let path = self.path.clone();
        let err = |e| StoreError::from_sqlite(&path, e);
        let tx = self.conn.transaction().map_err(err)?;
        {
            let mut upsert = tx
                .prepare_cached(
                    "INSERT INTO catalog_items (gtin, name, name_zh, price_minor, currency, sku, unit, age_restricted, stock)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                     ON CONFLICT (gtin) DO UPDATE SET name = excluded.name, name_zh = excluded.name_zh,
                       price_minor = excluded.price_minor, currency = excluded.currency, sku = excluded.sku,
                       unit = excluded.unit, age_restricted = excluded.age_restricted,
                       stock = COALESCE(catalog_items.stock, excluded.stock)",
                )
                .map_err(err)?;
            for c in items {
                let gtin = smartstore_domain::gtin::Gtin::parse(&c.gtin).map_err(|e| {
                    StoreError::Inconsistent(format!("the platform sent a bad GTIN: {e}"))
                })?;
                if let Err(problem) = catalog_limits(c) {
                    // The same limits as an import: an entry over them is left out (and said),
                    // not stored to block every order that sells it.
                    tracing::warn!("catalog change for {} left out: {problem}", c.gtin);
                    continue;
                }
                upsert
                    .execute(params![
                        gtin.as_str(),
                        c.name,
                        c.name_zh,
                        c.price,
                        c.currency,
                        c.sku,
                        c.unit,
                        c.age_restricted,
                        c.stock
                    ])
                    .map_err(err)?;
            }
        }
        set_cursor(&tx, "catalog", cursor).map_err(err)?;
        tx.commit().map_err(err)
    }

    pub fn save_pickups(&mut self, items: &[Pickup], cursor: u64) -> Result<(), StoreError> {
        let path = self.path.clone();
        let err = |e| StoreError::from_sqlite(&path, e);
        let tx = self.conn.transaction().map_err(err)?;
        for p in items {
            let lines = serde_json::to_string(&p.lines)
                .map_err(|e| StoreError::Inconsistent(e.to_string()))?;
            tx.execute(
                "INSERT INTO pickups (order_id, store_id, lines, created_at, received_at) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (order_id) DO UPDATE SET lines = excluded.lines, store_id = excluded.store_id",
                params![p.order_id, p.store_id, lines, p.created_at, now_rfc3339()],
            )
            .map_err(err)?;
        }
        set_cursor(&tx, "pickups", cursor).map_err(err)?;
        tx.commit().map_err(err)
    }

    pub fn save_revocations(
        &mut self,
        items: &[Revocation],
        cursor: u64,
    ) -> Result<(), StoreError> {
        let path = self.path.clone();
        let err = |e| StoreError::from_sqlite(&path, e);
        let tx = self.conn.transaction().map_err(err)?;
        for r in items {
            tx.execute(
                "INSERT INTO revoked_coupons (coupon_id, reason, revoked_at) VALUES (?1, ?2, ?3) ON CONFLICT (coupon_id) DO NOTHING",
                params![r.coupon_id, r.reason, now_rfc3339()],
            )
            .map_err(err)?;
        }
        set_cursor(&tx, "revocations", cursor).map_err(err)?;
        tx.commit().map_err(err)
    }

    /// An online order waiting here, with its lines as (GTIN, quantity) JSON.
    pub fn pickup(
        &self,
        order_id: &str,
    ) -> Result<Option<(String, String, Option<String>)>, StoreError> {
        use rusqlite::OptionalExtension;
        self.conn
            .query_row(
                "SELECT store_id, lines, collected_at FROM pickups WHERE order_id = ?1",
                [order_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()
            .map_err(self.sql_err())
    }

    pub fn is_coupon_revoked(&self, coupon_id: &str) -> Result<bool, StoreError> {
        self.conn
            .query_row(
                "SELECT count(*) FROM revoked_coupons WHERE coupon_id = ?1",
                [coupon_id],
                |r| r.get::<_, i64>(0),
            )
            .map(|n| n > 0)
            .map_err(self.sql_err())
    }

    pub fn cursor(&self, name: &str) -> Result<u64, StoreError> {
        Ok(self
            .meta(&format!("cursor_{name}"))?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0))
    }

    /// The platform says it holds less than it confirmed before (it was restored): resend
    /// everything after `held`.
    pub fn rewind_acked(&self, held: u64) -> Result<(), StoreError> {
        self.conn
            .execute(
                "UPDATE sync_state SET acked_seq = MIN(acked_seq, ?1) WHERE id = 1",
                [held],
            )
            .map(|_| ())
            .map_err(self.sql_err())
    }

    /// Whether the database holds any order (enrolment refuses to mix demo orders in).
    pub fn order_count(&self) -> Result<u64, StoreError> {
        self.conn
            .query_row("SELECT count(*) FROM orders", [], |r| r.get(0))
            .map_err(self.sql_err())
    }

    /// Records the identity the platform gave this terminal. The demo catalog is dropped;
    /// the catalog pull brings the store's own.
    pub fn record_enrolment(
        &mut self,
        platform_url: &str,
        e: &smartstore_protocol::wire::EnrolResponse,
        platform_ca: Option<&[u8]>,
    ) -> Result<(), StoreError> {
        let keys = serde_json::to_string(&e.platform_keys)
            .map_err(|err| StoreError::Inconsistent(err.to_string()))?;
        let path = self.path.clone();
        let err = |e| StoreError::from_sqlite(&path, e);
        let was_demo = self.meta("demo")?.is_some();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(err)?;
        if was_demo {
            tx.execute("DELETE FROM catalog_items", []).map_err(err)?;
        }
        write_identity(&tx, platform_url, e, &keys, platform_ca).map_err(err)?;
        tx.execute("DELETE FROM meta WHERE key IN ('demo', 'cursor_catalog', 'cursor_pickups', 'cursor_revocations')", [])
            .map_err(err)?;
        tx.commit().map_err(err)
    }
}

/// The catalog's text limits on a change from the platform.
fn catalog_limits(c: &CatalogChange) -> Result<(), smartstore_domain::catalog::RowError> {
    use smartstore_domain::catalog::{MAX_NAME_LEN, MAX_SHORT_FIELD_LEN, check_len};
    check_len("name", &c.name, MAX_NAME_LEN)?;
    for (field, value, max) in [
        ("name_zh", &c.name_zh, MAX_NAME_LEN),
        ("sku", &c.sku, MAX_SHORT_FIELD_LEN),
        ("unit", &c.unit, MAX_SHORT_FIELD_LEN),
    ] {
        if let Some(v) = value {
            check_len(field, v, max)?;
        }
    }
    Ok(())
}

/// Writes a device identity the platform gave (enrolment or recovery) into `meta`.
pub(super) fn write_identity(
    tx: &rusqlite::Transaction<'_>,
    platform_url: &str,
    e: &smartstore_protocol::wire::EnrolResponse,
    platform_keys: &str,
    platform_ca: Option<&[u8]>,
) -> rusqlite::Result<()> {
    // The platform's CA, pinned at enrolment over HTTPS: every later connection must chain to
    // it. Kept across a recovery to the same platform.
    if let Some(ca) = platform_ca {
        put_meta(tx, "platform_ca", &smartstore_protocol::keys::b64(ca))?;
    }
    for (k, v) in [
        ("platform_url", platform_url),
        ("device_id", &e.device_id),
        ("store_id", &e.store_id),
        ("terminal_id", &e.terminal_id),
        ("platform_keys", platform_keys),
    ] {
        put_meta(tx, k, v)?;
    }
    Ok(())
}

pub(super) fn put_meta(
    tx: &rusqlite::Transaction<'_>,
    key: &str,
    value: &str,
) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [key, value],
    )
    .map(|_| ())
}

/// A value as JSON text for a column (what cannot be written is the column's conversion
/// failure).
pub(super) fn json_column<T: serde::Serialize>(v: &T) -> rusqlite::Result<String> {
    serde_json::to_string(v).map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))
}

impl Store {
    /// Stores one page of the pull `kind`: `save` writes its items, then the cursor follows, in
    /// one immediate transaction (a page may read before it writes, and the window's sync and
    /// `smartstore sync` may run at once). An error of `save` stores nothing.
    pub(super) fn save_page(
        &mut self,
        kind: &str,
        cursor: u64,
        save: impl FnOnce(&rusqlite::Transaction<'_>) -> rusqlite::Result<()>,
    ) -> Result<(), StoreError> {
        let path = self.path.clone();
        let err = |e| StoreError::from_sqlite(&path, e);
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(err)?;
        save(&tx).map_err(err)?;
        set_cursor(&tx, kind, cursor).map_err(err)?;
        tx.commit().map_err(err)
    }
}

/// Stores a pull's cursor (`cursor_KIND` in meta) in the page's transaction.
pub(super) fn set_cursor(
    tx: &rusqlite::Transaction<'_>,
    kind: &str,
    cursor: u64,
) -> rusqlite::Result<usize> {
    tx.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![format!("cursor_{kind}"), cursor.to_string()],
    )
}
