//! The platform's HTTP side (docs/sync-protocol.md), on axum.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post};
use serde::Deserialize;

use super::db::{HubDb, HubError};
use super::store::Store;
use smartstore_protocol::jws::jws_verify;
use smartstore_protocol::wire::{
    BATCH_PATH, BEARER_AUDIENCE, BEARER_MAX_SECONDS, BatchAck, BatchPayload, BearerClaims,
    ENROL_PATH, EnrolRequest, ErrorBody, PAYMENT_PATH, PaymentRequest, PullResponse, TIME_PATH,
    TimeResponse, error_code,
};

/// Batches larger than this are refused with 413.
pub const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;
const MAX_PULL: u32 = 1000;

#[derive(Clone)]
pub struct Hub {
    store: Store,
    clock_offset: i64,
    root: Option<Arc<Vec<u8>>>,
    /// The stores' offset from UTC, for the times on e-receipt pages.
    utc_offset: time::UtcOffset,
}

struct ApiError {
    status: StatusCode,
    body: ErrorBody,
}

impl ApiError {
    fn new(status: StatusCode, code: &str, message: String) -> ApiError {
        ApiError {
            status,
            body: ErrorBody {
                error: code.to_owned(),
                message,
                seq: None,
                now: None,
                claimed_by: None,
            },
        }
    }

    fn seq(mut self, seq: u64) -> ApiError {
        self.body.seq = Some(seq);
        self
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, axum::Json(self.body)).into_response()
    }
}

impl From<HubError> for ApiError {
    fn from(e: HubError) -> Self {
        match e {
            HubError::BadToken => ApiError::new(StatusCode::FORBIDDEN, "bad_token", e.to_string()),
            HubError::TokenExpired { .. } => ApiError::new(
                StatusCode::FORBIDDEN,
                error_code::TOKEN_EXPIRED,
                e.to_string(),
            ),
            HubError::ReferenceConflict { .. } => ApiError::new(
                StatusCode::CONFLICT,
                error_code::REFERENCE_CONFLICT,
                e.to_string(),
            ),
            HubError::AlreadyClaimed {
                ref terminal,
                ref store,
                ref at,
                ..
            } => {
                let by = smartstore_protocol::wire::ClaimedBy {
                    store: store.clone(),
                    terminal: terminal.clone(),
                    at: at.clone(),
                };
                let mut api = ApiError::new(
                    StatusCode::CONFLICT,
                    error_code::ALREADY_CLAIMED,
                    e.to_string(),
                );
                api.body.claimed_by = Some(by);
                api
            }
            HubError::UnknownPayment { .. } => ApiError::new(
                StatusCode::NOT_FOUND,
                error_code::UNKNOWN_PAYMENT,
                e.to_string(),
            ),
            HubError::RefundExceeds { .. } => ApiError::new(
                StatusCode::CONFLICT,
                error_code::REFUND_EXCEEDS,
                e.to_string(),
            ),
            HubError::UnknownKey(_) => {
                ApiError::new(StatusCode::NOT_FOUND, "not_found", e.to_string())
            }
            HubError::UnknownDevice(_) => {
                ApiError::new(StatusCode::UNAUTHORIZED, "unknown_device", e.to_string())
            }
            HubError::Online(ref r) => {
                use crate::online::OnlineRefusal as R;
                let (status, code) = match r {
                    R::Malformed(_) => (StatusCode::BAD_REQUEST, "malformed"),
                    R::UnknownProduct(_) => (StatusCode::UNPROCESSABLE_ENTITY, "unknown_product"),
                    R::UnknownStore(_) => (StatusCode::UNPROCESSABLE_ENTITY, "unknown_store"),
                    R::Unfillable(_) => (StatusCode::UNPROCESSABLE_ENTITY, "unfillable"),
                    R::NotAtPickupStore { .. } => (StatusCode::CONFLICT, "not_in_stock"),
                    R::Conflict(_) => (StatusCode::CONFLICT, "order_conflict"),
                    R::UnknownOrder(_) => (StatusCode::NOT_FOUND, "not_found"),
                    R::BadKey => (StatusCode::UNAUTHORIZED, "unauthorised"),
                };
                ApiError::new(status, code, e.to_string())
            }
            HubError::BadBatch(_) | HubError::Import(_) => {
                ApiError::new(StatusCode::BAD_REQUEST, "malformed", e.to_string())
            }
            HubError::SequenceConflict { seq, .. } => {
                tracing::warn!("{e}");
                ApiError::new(
                    StatusCode::CONFLICT,
                    error_code::SEQUENCE_CONFLICT,
                    e.to_string(),
                )
                .seq(seq)
            }
            HubError::EventRefused { seq, .. } => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                error_code::EVENT_REFUSED,
                e.to_string(),
            )
            .seq(seq),
            HubError::WrongStore { .. } => ApiError::new(
                StatusCode::FORBIDDEN,
                error_code::WRONG_STORE,
                e.to_string(),
            ),
            HubError::Storage { fault, .. } => {
                tracing::error!("{e}");
                let mut api = ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    fault.code(),
                    format!("{fault}: nothing was stored; the terminal retries"),
                );
                api.body.message = format!("{fault}; nothing was stored, retry later");
                api
            }
            HubError::Db { .. } => {
                tracing::error!("{e}");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "the platform could not store this; retry".into(),
                )
            }
        }
    }
}

impl Hub {
    pub fn new(db: HubDb) -> Hub {
        Hub::with_clock_offset(db, 0)
    }

    /// A hub on either backend (SQLite or PostgreSQL).
    pub fn on(store: impl Into<Store>) -> Hub {
        Hub {
            store: store.into(),
            clock_offset: 0,
            root: None,
            utc_offset: time::macros::offset!(+8),
        }
    }

    /// A hub whose clock runs `offset` seconds from this machine's: the platform and a
    /// terminal disagreeing about the time, for tests of what the terminal says then.
    pub fn with_clock_offset(store: impl Into<Store>, offset: i64) -> Hub {
        Hub {
            clock_offset: offset,
            ..Hub::on(store)
        }
    }

    /// Signs the key document with the root's private key (PKCS#8 DER: the CA's key, whose
    /// certificate terminals pin).
    pub fn with_root_key(mut self, pkcs8: Vec<u8>) -> Hub {
        self.root = Some(Arc::new(pkcs8));
        self
    }

    /// E-receipt pages show times at `offset` from UTC (the stores' local time; +08:00 unless
    /// told).
    pub fn with_utc_offset(mut self, offset: time::UtcOffset) -> Hub {
        self.utc_offset = offset;
        self
    }

    /// The platform's clock, Unix seconds.
    fn unix_now(&self) -> i64 {
        time::OffsetDateTime::now_utc().unix_timestamp() + self.clock_offset
    }

    /// The storage, its errors as the HTTP answers they make.
    async fn db<T>(
        &self,
        op: impl std::future::Future<Output = Result<T, HubError>>,
    ) -> Result<T, ApiError> {
        op.await.map_err(ApiError::from)
    }

    /// Checks `Authorization: Bearer <JWS>`; returns the device id and its store.
    async fn authorise(&self, headers: &HeaderMap) -> Result<(String, String), ApiError> {
        let unauthorised =
            |m: &str| ApiError::new(StatusCode::UNAUTHORIZED, "unauthorised", m.to_owned());
        let token = headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or_else(|| unauthorised("missing bearer token"))?
            .to_owned();
        let kid = smartstore_protocol::jws::jws_kid(&token)
            .ok_or_else(|| unauthorised("malformed bearer token"))?;
        let lookup = kid.clone();
        let device = self.db(self.store.device(lookup)).await?;
        let (key, store) = device.ok_or_else(|| unauthorised("unknown device: re-enrol"))?;
        let (_, payload) = jws_verify(&token, |_| Some(key))
            .map_err(|e| unauthorised(&format!("bearer token: {e}")))?;
        let claims: BearerClaims = serde_json::from_slice(&payload)
            .map_err(|_| unauthorised("bearer claims malformed"))?;
        let now = self.unix_now();
        if claims.sub != kid || claims.aud != BEARER_AUDIENCE {
            return Err(unauthorised(
                "bearer token is for another device or audience",
            ));
        }
        if claims.exp - claims.iat > BEARER_MAX_SECONDS {
            return Err(unauthorised("bearer token valid for too long"));
        }
        if claims.exp < now - 60 || claims.iat > now + 60 {
            // The device is known and its signature good: only the clocks disagree. Say so,
            // with the platform's time, so the terminal does not ask for a re-enrolment.
            let mut e = ApiError::new(
                StatusCode::UNAUTHORIZED,
                error_code::CLOCK_SKEW,
                format!(
                    "bearer token issued at {} but the platform's clock says {now}: set the terminal's clock",
                    claims.iat
                ),
            );
            e.body.now = Some(now);
            return Err(e);
        }
        Ok((kid, store))
    }
}

async fn enrol(State(hub): State<Hub>, body: axum::body::Bytes) -> Result<Response, ApiError> {
    let req: EnrolRequest = serde_json::from_slice(&body)
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "malformed", e.to_string()))?;
    let resp = hub.db(hub.store.enrol(req)).await?;
    Ok(axum::Json(resp).into_response())
}

async fn batch(
    State(hub): State<Hub>,
    axum::Extension(BearerDevice(bearer)): axum::Extension<BearerDevice>,
    body: String,
) -> Result<Response, ApiError> {
    let malformed = |m: String| ApiError::new(StatusCode::BAD_REQUEST, "malformed", m);
    let kid = smartstore_protocol::jws::jws_kid(&body)
        .ok_or_else(|| malformed("the body is not a compact JWS with a kid".into()))?;
    if kid != bearer {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "bad_signature",
            "the batch is signed by another device than the bearer token's".into(),
        ));
    }
    let lookup = kid.clone();
    let device = hub.db(hub.store.device(lookup)).await?;
    let (key, _) = device.ok_or_else(|| {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unknown_device",
            format!("device {kid} is not enrolled: re-enrol"),
        )
    })?;
    let (_, payload) = jws_verify(&body, |_| Some(key))
        .map_err(|e| ApiError::new(StatusCode::UNAUTHORIZED, "bad_signature", e.to_string()))?;
    let batch: BatchPayload =
        serde_json::from_slice(&payload).map_err(|e| malformed(format!("batch payload: {e}")))?;
    if batch.device_id != kid {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "malformed",
            "device_id does not match the signing key id".into(),
        ));
    }
    let held = hub.db(hub.store.store_batch(batch)).await?;
    Ok(axum::Json(BatchAck { held_seq: held }).into_response())
}

#[derive(Deserialize)]
struct PullQuery {
    #[serde(default)]
    cursor: u64,
    #[serde(default)]
    limit: Option<u32>,
}

async fn pull(
    State(hub): State<Hub>,
    Path(kind): Path<String>,
    Query(q): Query<PullQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let (_, store) = hub.authorise(&headers).await?;
    let limit = q.limit.unwrap_or(MAX_PULL).clamp(1, MAX_PULL);
    let cursor = q.cursor;
    Ok(match kind.as_str() {
        "catalog" => page(hub.db(hub.store.catalog_after(cursor, limit)).await?, limit),
        "pickups" => page(
            hub.db(hub.store.pickups_after(store, cursor, limit))
                .await?,
            limit,
        ),
        "revocations" => page(
            hub.db(hub.store.revocations_after(cursor, limit)).await?,
            limit,
        ),
        "staff" => page(
            hub.db(hub.store.staff_after(store, cursor, limit)).await?,
            limit,
        ),
        "devices" => page(
            hub.db(hub.store.devices_after(store, cursor, limit))
                .await?,
            limit,
        ),
        smartstore_protocol::assist::ASSIST_PULL => page(
            hub.db(hub
                .store
                .assist_after(store, cursor, limit, hub.unix_now() * 1000))
                .await?,
            limit,
        ),
        "online-orders" => page(
            hub.db(hub.store.online_orders_after(store, cursor, limit))
                .await?,
            limit,
        ),
        smartstore_protocol::online::STOCK_PULL => page(
            hub.db(hub.store.stock_after(store, cursor, limit)).await?,
            limit,
        ),
        "returns" => page(
            hub.db(hub.store.returns_after(store, cursor, limit))
                .await?,
            limit,
        ),
        smartstore_protocol::wire::RECOMMENDATIONS_PULL => page(
            hub.db(hub.store.recommendations_after(cursor, limit))
                .await?,
            limit,
        ),
        other => {
            return Err(ApiError::new(
                StatusCode::NOT_FOUND,
                "not_found",
                format!("no pull named {other}"),
            ));
        }
    })
}

/// One page of a pull: `more` when the page is full.
fn page<T: serde::Serialize>((items, cursor): (Vec<T>, u64), limit: u32) -> Response {
    axum::Json(PullResponse {
        more: items.len() as u32 == limit,
        items,
        cursor,
    })
    .into_response()
}

async fn payment(
    State(hub): State<Hub>,
    axum::Extension(BearerDevice(device)): axum::Extension<BearerDevice>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let req: PaymentRequest = serde_json::from_slice(&body)
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "malformed", e.to_string()))?;
    let resp = hub.db(hub.store.take_payment(device, req)).await?;
    Ok(axum::Json(resp).into_response())
}

/// A terminal asks what became of one of its payments (an answer it lost): 404
/// `unknown_payment` when the charge never arrived.
async fn payment_status(
    State(hub): State<Hub>,
    axum::extract::Path(reference): axum::extract::Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let (device, _) = hub.authorise(&headers).await?;
    let answer = hub.db(hub.store.payment_status(device, reference)).await?;
    match answer {
        Some(a) => Ok(axum::Json(a).into_response()),
        None => Err(ApiError::new(
            StatusCode::NOT_FOUND,
            error_code::UNKNOWN_PAYMENT,
            "no payment with this reference arrived".into(),
        )),
    }
}

/// A terminal voids one of its payments: an approval whose order it could not commit, or a
/// charge whose answer it lost and gave up on.
async fn payment_void(
    State(hub): State<Hub>,
    axum::Extension(BearerDevice(device)): axum::Extension<BearerDevice>,
    axum::extract::Path(reference): axum::extract::Path<String>,
) -> Result<Response, ApiError> {
    if reference.is_empty() || reference.len() > 128 {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "malformed",
            "the reference is 1 to 128 bytes".into(),
        ));
    }
    let answer = hub.db(hub.store.void_payment(device, reference)).await?;
    Ok(axum::Json(answer).into_response())
}

/// A terminal refunds part of a payment by code (a return), once per refund reference.
async fn refund(
    State(hub): State<Hub>,
    axum::Extension(BearerDevice(device)): axum::Extension<BearerDevice>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let req: smartstore_protocol::wire::RefundRequest = serde_json::from_slice(&body)
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "malformed", e.to_string()))?;
    if req.reference.is_empty() || req.reference.len() > 128 {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "malformed",
            "the reference is 1 to 128 bytes".into(),
        ));
    }
    let answer = hub.db(hub.store.refund(device, req)).await?;
    Ok(axum::Json(answer).into_response())
}

/// The platform keys with their standing: a document signed by the root when the platform has
/// one, else (a demo on loopback) the keys alone.
async fn keys(State(hub): State<Hub>) -> Result<Response, ApiError> {
    let set = hub.db(hub.store.platform_keys()).await?;
    let answer = match &hub.root {
        Some(root) => {
            let doc = smartstore_protocol::keydoc::KeyDocument {
                keys: set,
                issued_at: hub.unix_now(),
            };
            let jws = smartstore_protocol::keydoc::sign(root, &doc).map_err(|e| {
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string())
            })?;
            smartstore_protocol::keydoc::KeysAnswer {
                document: Some(jws),
                keys: None,
            }
        }
        None => smartstore_protocol::keydoc::KeysAnswer {
            document: None,
            keys: Some(set),
        },
    };
    Ok(axum::Json(answer).into_response())
}

/// How many events of the asking terminal's store are flagged.
async fn conflicts(State(hub): State<Hub>, headers: HeaderMap) -> Result<Response, ApiError> {
    let (_, store) = hub.authorise(&headers).await?;
    let count = hub.db(hub.store.store_conflicts(store)).await?;
    Ok(axum::Json(smartstore_protocol::wire::ConflictCount { count }).into_response())
}

/// A terminal claims a single-use coupon or a pickup before accepting it.
async fn claim(
    State(hub): State<Hub>,
    axum::Extension(BearerDevice(device)): axum::Extension<BearerDevice>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let req: smartstore_protocol::wire::ClaimRequest = serde_json::from_slice(&body)
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "malformed", e.to_string()))?;
    if req.id.is_empty() || req.id.len() > 128 {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "malformed",
            "the id is 1 to 128 bytes".into(),
        ));
    }
    let answer = hub.db(hub.store.claim(device, req.kind, req.id)).await?;
    Ok(axum::Json(answer).into_response())
}

/// A kiosk's call for assistance (or a counter's answer) relayed to the store's other
/// terminals, which read it with the `assist` pull: for counters the local network does not
/// reach. A call of another store is refused.
async fn relay_assist(
    State(hub): State<Hub>,
    axum::Extension(BearerStore(store)): axum::Extension<BearerStore>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let call: smartstore_protocol::assist::Call = serde_json::from_slice(&body)
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "malformed", e.to_string()))?;
    if !call.is_well_formed() {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "malformed",
            "a call is version 1 with ids of 1 to 64 bytes".into(),
        ));
    }
    if call.store != store {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "wrong_store",
            format!(
                "this terminal belongs to store {store}, the call to store {}",
                call.store
            ),
        ));
    }
    let now_ms = hub.unix_now() * 1000;
    hub.db(hub.store.relay_assist(store, call, now_ms)).await?;
    Ok(axum::Json(serde_json::json!({ "relayed": true })).into_response())
}

/// A marketplace's online order (`Authorization: Bearer <marketplace key>`): checked, routed to
/// the nearest store(s) holding it, stock reserved; the same order id again answers the same.
async fn online_order_intake(
    State(hub): State<Hub>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let key = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|k| !k.is_empty() && k.len() <= 128)
        .ok_or(HubError::Online(crate::online::OnlineRefusal::BadKey))?;
    let marketplace = hub
        .db(hub.store.marketplace_of_key(key.to_owned()))
        .await?
        .ok_or(HubError::Online(crate::online::OnlineRefusal::BadKey))?;
    let req: crate::online::IntakeRequest = serde_json::from_slice(&body)
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "malformed", e.to_string()))?;
    let answer = hub.db(hub.store.intake(marketplace, req)).await?;
    Ok(axum::Json(answer).into_response())
}

/// What became of a receipt code at the platform.
enum ReceiptLookup {
    Found(Box<crate::db::ReceiptRecord>),
    NotYet { store: String, receipt: String },
    NotGenuine,
}

/// Looks a receipt code up: the selling device's key verifies it, the sale is found by it.
async fn receipt_lookup(store: &Store, token: String) -> Result<ReceiptLookup, HubError> {
    let Some(kid) = smartstore_protocol::jws::jws_kid(&token) else {
        return Ok(ReceiptLookup::NotGenuine);
    };
    let Some((key, device_store)) = store.device(kid).await? else {
        return Ok(ReceiptLookup::NotGenuine);
    };
    let Ok(code) = smartstore_protocol::receipt::verify(&token, |_| Some(key)) else {
        return Ok(ReceiptLookup::NotGenuine);
    };
    // Signed by a terminal of another store than the sale names: not a receipt of ours.
    if code.store != device_store {
        return Ok(ReceiptLookup::NotGenuine);
    }
    Ok(
        match store
            .receipt_record(device_store.clone(), code.order_id, code.receipt.clone())
            .await?
        {
            Some(record) => ReceiptLookup::Found(Box::new(record)),
            None => ReceiptLookup::NotYet {
                store: device_store,
                receipt: code.receipt,
            },
        },
    )
}

/// The e-receipt page of a receipt's QR (`/r/{token}`): verified with the selling device's
/// key, shown from the sale the platform holds (see `receipt_page`).
async fn receipt(
    State(hub): State<Hub>,
    token: Result<Path<String>, axum::extract::rejection::PathRejection>,
    uri: axum::http::Uri,
    headers: HeaderMap,
) -> Response {
    use crate::receipt_page::{Lang, MAX_TOKEN_BYTES, Page, render};
    let lang = Lang::choose(
        uri.query(),
        headers
            .get(axum::http::header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    );
    let page =
        |status: StatusCode, page: Page<'_>| receipt_response(status, lang, render(&page, lang));
    let Ok(Path(token)) = token else {
        return page(StatusCode::BAD_REQUEST, Page::NotGenuine);
    };
    if token.len() > MAX_TOKEN_BYTES {
        return page(StatusCode::URI_TOO_LONG, Page::NotGenuine);
    }
    let found = receipt_lookup(&hub.store, token).await;
    match found {
        Ok(ReceiptLookup::Found(record)) => page(
            StatusCode::OK,
            Page::Receipt {
                record: &record,
                offset: hub.utc_offset,
            },
        ),
        Ok(ReceiptLookup::NotYet { store, receipt }) => page(
            StatusCode::NOT_FOUND,
            Page::NotYet {
                store: &store,
                receipt: &receipt,
            },
        ),
        Ok(ReceiptLookup::NotGenuine) => page(StatusCode::BAD_REQUEST, Page::NotGenuine),
        Err(_) => page(StatusCode::SERVICE_UNAVAILABLE, Page::Unavailable),
    }
}

/// An HTML page with the headers every e-receipt page carries: never cached (a return may come
/// later), nothing loaded from anywhere, no referrer.
fn receipt_response(status: StatusCode, lang: crate::receipt_page::Lang, html: String) -> Response {
    use axum::http::header;
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (header::REFERRER_POLICY, "no-referrer"),
            (header::CONTENT_LANGUAGE, lang.tag()),
            (header::VARY, "Accept-Language"),
        ],
        html,
    )
        .into_response()
}

async fn clock(State(hub): State<Hub>) -> Response {
    let now_ms = (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
        + hub.clock_offset * 1000;
    axum::Json(TimeResponse { now_ms }).into_response()
}

/// Body limits per route: nothing is read past these.
const ENROL_BODY_BYTES: usize = 16 * 1024;
const PAYMENT_BODY_BYTES: usize = 16 * 1024;
/// An online order of 100 lines with its address fits in a few KiB.
const ONLINE_ORDER_BODY_BYTES: usize = 32 * 1024;

pub fn router(hub: Hub, options: &ServeOptions) -> Router {
    let request_timeout = options.request_timeout;
    Router::new()
        .route(ENROL_PATH, bounded(post(enrol), ENROL_BODY_BYTES))
        // A batch, a payment or a claim is read only after its bearer token names an enrolled
        // device: a stranger's body is never buffered.
        .route(
            BATCH_PATH,
            device_first_of(bounded(post(batch), MAX_BODY_BYTES), &hub),
        )
        .route(
            &format!("{}/{{kind}}", smartstore_protocol::wire::PULL_PATH),
            get(pull),
        )
        .route(
            PAYMENT_PATH,
            device_first_of(bounded(post(payment), PAYMENT_BODY_BYTES), &hub),
        )
        .route(
            &format!("{PAYMENT_PATH}/{{reference}}"),
            get(payment_status),
        )
        .route(
            &format!("{PAYMENT_PATH}/{{reference}}/void"),
            device_first_of(bounded(post(payment_void), PAYMENT_BODY_BYTES), &hub),
        )
        .route(
            smartstore_protocol::wire::REFUND_PATH,
            device_first_of(bounded(post(refund), PAYMENT_BODY_BYTES), &hub),
        )
        .route(
            smartstore_protocol::wire::CLAIM_PATH,
            device_first_of(bounded(post(claim), PAYMENT_BODY_BYTES), &hub),
        )
        .route(
            smartstore_protocol::wire::ASSIST_PATH,
            device_first_of(
                bounded(
                    post(relay_assist),
                    smartstore_protocol::assist::MAX_DATAGRAM,
                ),
                &hub,
            ),
        )
        .route(
            smartstore_protocol::wire::ONLINE_ORDERS_PATH,
            bounded(post(online_order_intake), ONLINE_ORDER_BODY_BYTES),
        )
        .route(smartstore_protocol::wire::CONFLICTS_PATH, get(conflicts))
        .route(TIME_PATH, get(clock))
        .route(
            &format!("{}{{token}}", smartstore_protocol::receipt::RECEIPT_PATH),
            get(receipt),
        )
        .route(smartstore_protocol::keydoc::KEYS_PATH, get(keys))
        .layer(axum::middleware::from_fn(move |req, next| {
            within(request_timeout, req, next)
        }))
        .with_state(hub)
}

/// A route whose body is at most `limit` bytes (see [`declared_within`]).
fn bounded(route: MethodRouter<Hub>, limit: usize) -> MethodRouter<Hub> {
    route
        .layer(DefaultBodyLimit::max(limit))
        .layer(axum::middleware::from_fn(move |req, next| {
            declared_within(limit, req, next)
        }))
}

/// A route that checks the bearer token before anything else (see [`device_first`]).
fn device_first_of(route: MethodRouter<Hub>, hub: &Hub) -> MethodRouter<Hub> {
    route.layer(axum::middleware::from_fn_with_state(
        hub.clone(),
        device_first,
    ))
}

/// A declared body length past `limit` is refused from the headers (413) before a byte of the
/// body is read; `DefaultBodyLimit` cuts a body without a declared length as it is read.
async fn declared_within(
    limit: usize,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let declared = req
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    match declared {
        Some(n) if n > limit as u64 => ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!("the body is {n} bytes; this route takes at most {limit}"),
        )
        .into_response(),
        _ => next.run(req).await,
    }
}

/// A whole request (headers, body, answer) within `limit`, else 408.
async fn within(
    limit: Duration,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(r) => r,
        Err(_) => ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            "timeout",
            "the request took too long".into(),
        )
        .into_response(),
    }
}

/// Checks the bearer token before the handler reads the body.
async fn device_first(
    State(hub): State<Hub>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Result<Response, ApiError> {
    let (device, store) = hub.authorise(req.headers()).await?;
    let mut req = req;
    req.extensions_mut().insert(BearerDevice(device));
    req.extensions_mut().insert(BearerStore(store));
    Ok(next.run(req).await)
}

/// The device a request's bearer token proved.
#[derive(Clone)]
struct BearerDevice(String);

/// The store of that device.
#[derive(Clone)]
struct BearerStore(String);

/// How the platform serves: TLS, and the limits that keep it reachable under idle, slow or
/// many connections.
#[derive(Clone)]
pub struct ServeOptions {
    pub tls: Option<Arc<rustls::ServerConfig>>,
    /// Connections served at once; one more is closed at once.
    pub max_connections: usize,
    /// From accept to the TLS handshake done (or, without TLS, to the first byte).
    pub first_byte_timeout: Duration,
    /// To read a request's headers.
    pub header_timeout: Duration,
    /// A whole request, its body and its answer.
    pub request_timeout: Duration,
    /// A connection's whole life.
    pub connection_lifetime: Duration,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            tls: None,
            max_connections: 4096,
            first_byte_timeout: Duration::from_secs(10),
            header_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(60),
            connection_lifetime: Duration::from_secs(300),
        }
    }
}

/// Serves until the process ends; reports the bound address through `on_bound` first.
pub async fn serve(
    hub: Hub,
    listen: SocketAddr,
    options: ServeOptions,
    on_bound: impl FnOnce(SocketAddr),
) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(listen).await?;
    on_bound(listener.local_addr()?);
    let app = router(hub, &options);
    let acceptor = options.tls.clone().map(tokio_rustls::TlsAcceptor::from);
    let slots = Arc::new(tokio::sync::Semaphore::new(options.max_connections));
    loop {
        let tcp = match listener.accept().await {
            Ok((tcp, _)) => tcp,
            Err(e) => {
                // Out of descriptors, say: wait a little rather than spin.
                tracing::warn!("accept: {e}");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            drop(tcp); // over the limit: closed at once, nothing read
            continue;
        };
        let (app, acceptor, options) = (app.clone(), acceptor.clone(), options.clone());
        tokio::spawn(async move {
            let _slot = slot;
            let _ = tcp.set_nodelay(true);
            match acceptor {
                Some(acceptor) => {
                    if let Ok(Ok(tls)) =
                        tokio::time::timeout(options.first_byte_timeout, acceptor.accept(tcp)).await
                    {
                        connection(tls, app, &options).await;
                    }
                }
                None => {
                    if let Ok(Ok(())) =
                        tokio::time::timeout(options.first_byte_timeout, tcp.readable()).await
                    {
                        connection(tcp, app, &options).await;
                    }
                }
            }
        });
    }
}

/// One HTTP/1.1 connection, with the header timeout and a whole-life limit.
async fn connection<I>(io: I, app: Router, options: &ServeOptions)
where
    I: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(options.header_timeout)
        .keep_alive(true);
    let conn = builder.serve_connection(
        hyper_util::rt::TokioIo::new(io),
        hyper_util::service::TowerToHyperService::new(app),
    );
    let _ = tokio::time::timeout(options.connection_lifetime, conn).await;
}

/// Starts a hub on its own thread and runtime (for tests and benchmarks); returns its address.
pub fn spawn(db: HubDb, listen: SocketAddr) -> std::io::Result<SocketAddr> {
    spawn_hub(Hub::new(db), listen, ServeOptions::default())
}

/// As [`spawn`], for a hub already made (a clock offset, say) and its options (TLS, limits).
pub fn spawn_hub(
    hub: Hub,
    listen: SocketAddr,
    options: ServeOptions,
) -> std::io::Result<SocketAddr> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("hub".into())
        .spawn(move || {
            let rt = match tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
            {
                Ok(rt) => rt,
                Err(e) => {
                    let _ = tx.send(Err(e));
                    return;
                }
            };
            let tx2 = tx.clone();
            if let Err(e) = rt.block_on(serve(hub, listen, options, move |a| {
                let _ = tx2.send(Ok(a));
            })) {
                let _ = tx.send(Err(e));
            }
        })?;
    rx.recv()
        .map_err(|e| std::io::Error::other(e.to_string()))?
}
