//! The hub's storage behind one interface, with two backends: SQLite (the embedded default,
//! one file, [`HubDb`] behind a mutex and run off the async threads) and PostgreSQL
//! ([`PgHub`]: several stateless hub processes on one database). The HTTP side calls only
//! this.

use std::sync::{Arc, Mutex};

use smartstore_protocol::keys::JwkSet;
use smartstore_protocol::wire::{
    BatchPayload, CatalogChange, ClaimAnswer, ClaimKind, DeviceKey, EnrolRequest, EnrolResponse,
    KnownReturn, PaymentRequest, PaymentResponse, Pickup, RefundRequest, RefundResponse,
    Revocation, StaffMember,
};

use crate::db::{HubDb, HubError, ReceiptRecord};
use crate::pg::PgHub;

#[derive(Clone)]
pub enum Store {
    Sqlite(Arc<Mutex<HubDb>>),
    Postgres(PgHub),
}

/// A page of a pull: the items and the cursor after them.
type Page<T> = Result<(Vec<T>, u64), HubError>;

/// Runs `f` on the SQLite database off the async threads.
async fn sqlite<T: Send + 'static>(
    db: &Arc<Mutex<HubDb>>,
    f: impl FnOnce(&mut HubDb) -> Result<T, HubError> + Send + 'static,
) -> Result<T, HubError> {
    let db = db.clone();
    tokio::task::spawn_blocking(move || {
        let mut guard = db.lock().map_err(|_| HubError::Db {
            path: "hub".into(),
            detail: "database lock poisoned".into(),
        })?;
        f(&mut guard)
    })
    .await
    .map_err(|e| HubError::Db {
        path: "hub".into(),
        detail: e.to_string(),
    })?
}

impl From<HubDb> for Store {
    fn from(db: HubDb) -> Store {
        Store::Sqlite(Arc::new(Mutex::new(db)))
    }
}

impl From<PgHub> for Store {
    fn from(pg: PgHub) -> Store {
        Store::Postgres(pg)
    }
}

impl Store {
    pub async fn device(&self, id: String) -> Result<Option<([u8; 32], String)>, HubError> {
        match self {
            Store::Sqlite(db) => sqlite(db, move |db| db.device(&id)).await,
            Store::Postgres(pg) => pg.device(&id).await,
        }
    }

    pub async fn enrol(&self, req: EnrolRequest) -> Result<EnrolResponse, HubError> {
        match self {
            Store::Sqlite(db) => sqlite(db, move |db| db.enrol(&req)).await,
            Store::Postgres(pg) => pg.enrol(&req).await,
        }
    }

    pub async fn store_batch(&self, batch: BatchPayload) -> Result<u64, HubError> {
        match self {
            Store::Sqlite(db) => sqlite(db, move |db| db.store_batch(&batch)).await,
            Store::Postgres(pg) => pg.store_batch(&batch).await,
        }
    }

    pub async fn catalog_after(&self, cursor: u64, limit: u32) -> Page<CatalogChange> {
        match self {
            Store::Sqlite(db) => sqlite(db, move |db| db.catalog_after(cursor, limit)).await,
            Store::Postgres(pg) => pg.catalog_after(cursor, limit).await,
        }
    }

    pub async fn revocations_after(&self, cursor: u64, limit: u32) -> Page<Revocation> {
        match self {
            Store::Sqlite(db) => sqlite(db, move |db| db.revocations_after(cursor, limit)).await,
            Store::Postgres(pg) => pg.revocations_after(cursor, limit).await,
        }
    }

    pub async fn pickups_after(&self, store: String, cursor: u64, limit: u32) -> Page<Pickup> {
        match self {
            Store::Sqlite(db) => {
                sqlite(db, move |db| db.pickups_after(&store, cursor, limit)).await
            }
            Store::Postgres(pg) => pg.pickups_after(&store, cursor, limit).await,
        }
    }

    pub async fn staff_after(&self, store: String, cursor: u64, limit: u32) -> Page<StaffMember> {
        match self {
            Store::Sqlite(db) => sqlite(db, move |db| db.staff_after(&store, cursor, limit)).await,
            Store::Postgres(pg) => pg.staff_after(&store, cursor, limit).await,
        }
    }

    pub async fn devices_after(&self, store: String, cursor: u64, limit: u32) -> Page<DeviceKey> {
        match self {
            Store::Sqlite(db) => {
                sqlite(db, move |db| db.devices_after(&store, cursor, limit)).await
            }
            Store::Postgres(pg) => pg.devices_after(&store, cursor, limit).await,
        }
    }

    pub async fn relay_assist(
        &self,
        store: String,
        call: smartstore_protocol::assist::Call,
        now_ms: i64,
    ) -> Result<(), HubError> {
        match self {
            Store::Sqlite(db) => sqlite(db, move |db| db.relay_assist(&store, &call, now_ms)).await,
            Store::Postgres(pg) => pg.relay_assist(&store, &call, now_ms).await,
        }
    }

    pub async fn assist_after(
        &self,
        store: String,
        cursor: u64,
        limit: u32,
        now_ms: i64,
    ) -> Page<smartstore_protocol::assist::Call> {
        match self {
            Store::Sqlite(db) => {
                sqlite(db, move |db| db.assist_after(&store, cursor, limit, now_ms)).await
            }
            Store::Postgres(pg) => pg.assist_after(&store, cursor, limit, now_ms).await,
        }
    }

    pub async fn returns_after(&self, store: String, cursor: u64, limit: u32) -> Page<KnownReturn> {
        match self {
            Store::Sqlite(db) => {
                sqlite(db, move |db| db.returns_after(&store, cursor, limit)).await
            }
            Store::Postgres(pg) => pg.returns_after(&store, cursor, limit).await,
        }
    }

    pub async fn take_payment(
        &self,
        device: String,
        req: PaymentRequest,
    ) -> Result<PaymentResponse, HubError> {
        match self {
            Store::Sqlite(db) => sqlite(db, move |db| db.take_payment(&device, &req)).await,
            Store::Postgres(pg) => pg.take_payment(&device, &req).await,
        }
    }

    pub async fn payment_status(
        &self,
        device: String,
        reference: String,
    ) -> Result<Option<PaymentResponse>, HubError> {
        match self {
            Store::Sqlite(db) => sqlite(db, move |db| db.payment_status(&device, &reference)).await,
            Store::Postgres(pg) => pg.payment_status(&device, &reference).await,
        }
    }

    pub async fn void_payment(
        &self,
        device: String,
        reference: String,
    ) -> Result<PaymentResponse, HubError> {
        match self {
            Store::Sqlite(db) => sqlite(db, move |db| db.void_payment(&device, &reference)).await,
            Store::Postgres(pg) => pg.void_payment(&device, &reference).await,
        }
    }

    pub async fn refund(
        &self,
        device: String,
        req: RefundRequest,
    ) -> Result<RefundResponse, HubError> {
        match self {
            Store::Sqlite(db) => sqlite(db, move |db| db.refund(&device, &req)).await,
            Store::Postgres(pg) => pg.refund(&device, &req).await,
        }
    }

    pub async fn platform_keys(&self) -> Result<JwkSet, HubError> {
        match self {
            Store::Sqlite(db) => sqlite(db, |db| db.platform_keys()).await,
            Store::Postgres(pg) => pg.platform_keys().await,
        }
    }

    pub async fn store_conflicts(&self, store: String) -> Result<u64, HubError> {
        match self {
            Store::Sqlite(db) => sqlite(db, move |db| db.store_conflicts(&store)).await,
            Store::Postgres(pg) => pg.store_conflicts(&store).await,
        }
    }

    pub async fn claim(
        &self,
        device: String,
        kind: ClaimKind,
        id: String,
    ) -> Result<ClaimAnswer, HubError> {
        match self {
            Store::Sqlite(db) => sqlite(db, move |db| db.claim(&device, kind, &id)).await,
            Store::Postgres(pg) => pg.claim(&device, kind, &id).await,
        }
    }

    pub async fn marketplace_of_key(&self, key: String) -> Result<Option<String>, HubError> {
        match self {
            Store::Sqlite(db) => sqlite(db, move |db| db.marketplace_of_key(&key)).await,
            Store::Postgres(pg) => pg.marketplace_of_key(&key).await,
        }
    }

    pub async fn intake(
        &self,
        marketplace: String,
        req: crate::online::IntakeRequest,
    ) -> Result<crate::online::IntakeAnswer, HubError> {
        match self {
            Store::Sqlite(db) => sqlite(db, move |db| db.intake(&marketplace, &req)).await,
            Store::Postgres(pg) => pg.intake(&marketplace, &req).await,
        }
    }

    pub async fn online_orders_after(
        &self,
        store: String,
        cursor: u64,
        limit: u32,
    ) -> Page<crate::online::OnlineOrder> {
        match self {
            Store::Sqlite(db) => {
                sqlite(db, move |db| db.online_orders_after(&store, cursor, limit)).await
            }
            Store::Postgres(pg) => pg.online_orders_after(&store, cursor, limit).await,
        }
    }

    pub async fn stock_after(
        &self,
        store: String,
        cursor: u64,
        limit: u32,
    ) -> Page<smartstore_protocol::online::StockFigure> {
        match self {
            Store::Sqlite(db) => sqlite(db, move |db| db.stock_after(&store, cursor, limit)).await,
            Store::Postgres(pg) => pg.stock_after(&store, cursor, limit).await,
        }
    }

    /// The `recommendations` pull (Magic Mirror): every store gets every consenting member's
    /// list, and the tombstone of a withdrawn consent.
    pub async fn recommendations_after(
        &self,
        cursor: u64,
        limit: u32,
    ) -> Page<smartstore_protocol::wire::MemberRecommendations> {
        match self {
            Store::Sqlite(db) => {
                sqlite(db, move |db| db.recommendations_after(cursor, limit)).await
            }
            Store::Postgres(pg) => pg.recommendations_after(cursor, limit).await,
        }
    }

    /// Rebuilds the Magic Mirror lists. On SQLite the database is held only to read the sales
    /// and to store the lists, not while the recommender counts.
    pub async fn build_recommendations(&self) -> Result<crate::recommend::MirrorBuild, HubError> {
        match self {
            Store::Sqlite(db) => {
                let (purchases, members) = sqlite(db, |db| db.mirror_inputs()).await?;
                let (lists, purchases, members) = tokio::task::spawn_blocking(move || {
                    let lists = crate::recommend::build(
                        &purchases,
                        &members,
                        &crate::recommend::Params::default(),
                    );
                    (lists, purchases.len(), members.len())
                })
                .await
                .map_err(|e| HubError::Db {
                    path: "hub".into(),
                    detail: e.to_string(),
                })?;
                let changed = sqlite(db, move |db| db.store_recommendations(&lists)).await?;
                Ok(crate::recommend::MirrorBuild {
                    purchases,
                    members,
                    changed,
                })
            }
            Store::Postgres(pg) => pg.build_recommendations().await,
        }
    }

    pub async fn receipt_record(
        &self,
        store: String,
        order_id: String,
        receipt: String,
    ) -> Result<Option<ReceiptRecord>, HubError> {
        match self {
            Store::Sqlite(db) => {
                sqlite(db, move |db| db.receipt_record(&store, &order_id, &receipt)).await
            }
            Store::Postgres(pg) => pg.receipt_record(&store, &order_id, &receipt).await,
        }
    }
}

/// The storage for the command line, tests and benchmarks: blocking calls on either backend
/// (PostgreSQL's on a runtime of its own).
pub enum Admin {
    Sqlite(HubDb),
    Postgres {
        pg: PgHub,
        rt: Arc<tokio::runtime::Runtime>,
    },
}

macro_rules! admin {
    ($(#[$doc:meta])* $name:ident ( $($arg:ident : $ty:ty),* ) -> $out:ty) => {
        $(#[$doc])*
        pub fn $name(&mut self, $($arg: $ty),*) -> Result<$out, HubError> {
            match self {
                Admin::Sqlite(db) => db.$name($($arg),*),
                Admin::Postgres { pg, rt } => rt.block_on(pg.$name($($arg),*)),
            }
        }
    };
}

impl Admin {
    /// Opens `db`: a `postgres://` or `postgresql://` URL, else a SQLite file. PostgreSQL's
    /// schema is migrated at open; `connections` is its pool's size.
    pub fn open(db: &str, connections: usize) -> Result<Admin, HubError> {
        if !crate::pg::is_postgres_url(db) {
            return HubDb::open(std::path::Path::new(db)).map(Admin::Sqlite);
        }
        let rt = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(|e| HubError::Db {
                path: "tokio".into(),
                detail: e.to_string(),
            })?;
        let pg = rt.block_on(PgHub::connect(db, connections))?;
        Ok(Admin::Postgres {
            pg,
            rt: Arc::new(rt),
        })
    }

    /// The store for serving and the runtime to serve it on.
    pub fn into_serving(self) -> std::io::Result<(Store, Arc<tokio::runtime::Runtime>)> {
        match self {
            Admin::Sqlite(db) => Ok((db.into(), Arc::new(tokio::runtime::Runtime::new()?))),
            Admin::Postgres { pg, rt } => {
                let _in = rt.enter();
                pg.keep_partitions();
                Ok((pg.into(), rt))
            }
        }
    }

    admin!(platform_signing_key() -> smartstore_protocol::keys::SigningKey);
    admin!(platform_keys() -> JwkSet);
    admin!(rotate_keys() -> String);
    admin!(set_key_standing(kid: &str, revoke: bool) -> ());
    admin!(set_ca_fingerprint(fingerprint: &str) -> ());
    admin!(revoke_coupon(coupon_id: &str, reason: &str) -> ());
    admin!(revoke_device(device_id: &str) -> ());
    admin!(add_pickup(order_id: &str, store: &str, lines: &[smartstore_protocol::wire::PickupLine]) -> ());
    admin!(add_staff(store: &str, staff_id: &str, role: &str, name: Option<&str>, pin_hash: &str) -> ());
    admin!(create_fleet_tokens(stores: &[(String, u32)], valid: time::Duration) -> Vec<crate::db::IssuedToken>);
    admin!(create_enrolment_tokens(store: &str, count: u32) -> Vec<String>);
    admin!(enrol(req: &EnrolRequest) -> EnrolResponse);
    admin!(store_batch(batch: &BatchPayload) -> u64);
    admin!(held_seq(device_id: &str) -> u64);
    admin!(take_payment(device: &str, req: &PaymentRequest) -> PaymentResponse);
    admin!(void_payment(device: &str, reference: &str) -> PaymentResponse);
    admin!(refund(device: &str, req: &RefundRequest) -> RefundResponse);
    admin!(events() -> Vec<crate::db::StoredEvent>);
    admin!(event_count() -> u64);
    admin!(device_count() -> u64);

    pub fn import_catalog_csv(
        &mut self,
        input: impl std::io::Read,
        default_currency: smartstore_domain::money::Currency,
    ) -> Result<u64, HubError> {
        match self {
            Admin::Sqlite(db) => db.import_catalog_csv(input, default_currency),
            Admin::Postgres { pg, rt } => {
                rt.block_on(pg.import_catalog_csv(input, default_currency))
            }
        }
    }

    /// Events flagged as conflicts.
    pub fn conflicts(&mut self) -> Result<Vec<crate::db::StoredEvent>, HubError> {
        Ok(self
            .events()?
            .into_iter()
            .filter(|e| e.flag.is_some())
            .collect())
    }

    admin!(
        /// A store's day: the sum of the Z reports of the shifts closed that day.
        day_report(store: &str, day: time::Date, offset: time::UtcOffset) -> smartstore_domain::shift::ShiftReport
    );
    admin!(ledger() -> Vec<crate::db::LedgerRow>);
    admin!(
        /// Adds a store (or moves or renames it).
        add_store(id: &str, name: &str, lat: f64, lon: f64) -> ()
    );
    admin!(stores() -> Vec<(String, String, f64, f64)>);
    admin!(
        /// Sets a store's stock on hand (a count): every row or none.
        import_stock(store: &str, rows: &[(String, i64)]) -> usize
    );
    admin!(stock_of(store: &str) -> Vec<(String, i64, i64)>);
    admin!(add_marketplace_key(name: &str) -> String);
    admin!(intake(marketplace: &str, req: &crate::online::IntakeRequest) -> crate::online::IntakeAnswer);
    admin!(online_order(id: &str) -> crate::online::OnlineOrder);
    admin!(payments() -> Vec<crate::db::PaymentRow>);
    admin!(
        /// Records a member code's consent to Magic Mirror (withdrawn: a tombstone is pulled).
        set_member_consent(member_id: &str, consent: bool) -> ()
    );
    admin!(
        /// Rebuilds every consenting member's recommendations from every sale.
        build_recommendations() -> crate::recommend::MirrorBuild
    );
    admin!(recommendations_after(cursor: u64, limit: u32) -> (Vec<smartstore_protocol::wire::MemberRecommendations>, u64));
}
