//! The messages of the sync protocol between terminal and platform (docs/sync-protocol.md).
//! Plain data shared by `sync` (the terminal) and `hub` (the reference platform).

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::keys::{Jwk, JwkSet};

pub const ENROL_PATH: &str = "/v1/enrol";
pub const BATCH_PATH: &str = "/v1/batches";
pub const PULL_PATH: &str = "/v1/pull";
pub const PAYMENT_PATH: &str = "/v1/payments";
pub const TIME_PATH: &str = "/v1/time";
pub const CLAIM_PATH: &str = "/v1/claims";
pub const CONFLICTS_PATH: &str = "/v1/conflicts";
pub const REFUND_PATH: &str = "/v1/refunds";
/// A call for assistance relayed to the store's other terminals ([`crate::assist`]).
pub const ASSIST_PATH: &str = "/v1/assist";
/// A marketplace's online orders (issue 16), with its own bearer key.
pub const ONLINE_ORDERS_PATH: &str = "/v1/online-orders";
pub const BEARER_AUDIENCE: &str = "smartstore-platform";
/// The longest a bearer token may live.
pub const BEARER_MAX_SECONDS: i64 = 300;
/// The JWS `typ` of a batch and of a bearer token.
pub const BATCH_TYP: &str = "smartstore-batch+jws";
pub const BEARER_TYP: &str = "smartstore-bearer+jws";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EnrolRequest {
    pub token: String,
    pub public_key: Jwk,
    /// Recovery (`smartstore recover`): the store this terminal belongs to. A token of another
    /// store is refused without being used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store_id: Option<String>,
    /// Recovery: the device identity this enrolment replaces (recorded by the platform).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaces: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrolResponse {
    pub device_id: String,
    pub store_id: String,
    pub terminal_id: String,
    pub receipt_prefix: String,
    pub platform_keys: JwkSet,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct BatchEvent {
    pub seq: u64,
    pub event_id: String,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
    pub created_at: String,
    pub body: Box<RawValue>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct BatchPayload {
    pub device_id: String,
    pub batch_id: String,
    pub first_seq: u64,
    pub last_seq: u64,
    pub events: Vec<BatchEvent>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchAck {
    /// The highest sequence number the platform holds with no gap before it.
    pub held_seq: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BearerClaims {
    pub sub: String,
    pub aud: String,
    pub iat: i64,
    pub exp: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PullResponse<T> {
    pub items: Vec<T>,
    /// Pass this back as `cursor` for the next page.
    pub cursor: u64,
    /// More items wait after this page.
    pub more: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogChange {
    pub gtin: String,
    pub name: String,
    #[serde(default)]
    pub name_zh: Option<String>,
    pub price: i64,
    pub currency: String,
    #[serde(default)]
    pub sku: Option<String>,
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub age_restricted: bool,
    #[serde(default)]
    pub stock: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PickupLine {
    pub gtin: String,
    pub quantity: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pickup {
    pub order_id: String,
    pub store_id: String,
    pub lines: Vec<PickupLine>,
    pub created_at: String,
}

/// The `recommendations` pull (Magic Mirror, issue 16): a consenting member's ranked
/// candidates, from every store's purchases; the terminal shows those it holds in stock. A
/// member whose consent was withdrawn comes once more with `consent: false` and no candidates:
/// the terminal deletes what it held of them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemberRecommendations {
    pub member_id: String,
    pub consent: bool,
    pub candidates: Vec<smartstore_domain::recommend::Candidate>,
}

/// The name of the Magic Mirror pull.
pub const RECOMMENDATIONS_PULL: &str = "recommendations";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revocation {
    pub coupon_id: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentRequest {
    pub code: String,
    pub amount: i64,
    pub currency: String,
    /// The terminal's id for this attempt; a retry with the same reference is not charged twice.
    pub reference: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentResponse {
    /// `approved`, `declined` or `voided`.
    pub status: String,
    #[serde(default)]
    pub reason: Option<String>,
    pub payment_id: String,
}

/// A refund to a shopper's payment code, against the charge it gives back to. `reference` is
/// the refund's idempotency key: the same refund asked again is made once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundRequest {
    pub reference: String,
    pub payment_reference: String,
    pub amount: i64,
    pub currency: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundResponse {
    pub refund_id: String,
    /// What the charge has left to refund after this one.
    pub remaining: i64,
}

/// A member of the store's staff, as the `staff` pull brings it: the PIN only as its Argon2id
/// hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffMember {
    pub staff_id: String,
    /// `clerk` or `supervisor`.
    pub role: String,
    #[serde(default)]
    pub name: Option<String>,
    pub pin_hash: String,
    pub active: bool,
}

/// A terminal of the store and its public key (the `devices` pull): another terminal verifies
/// its receipt codes offline with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceKey {
    pub device_id: String,
    pub terminal: String,
    /// Ed25519, base64url.
    pub public_key: String,
}

/// A return made on one of the store's terminals (the `returns` pull): what came back of which
/// order and what was refunded to which tender, so that no terminal takes back more.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KnownReturn {
    pub return_id: String,
    pub order_id: String,
    pub lines: Vec<smartstore_domain::returns::ReturnedLine>,
    pub refunds: Vec<smartstore_domain::returns::Refund>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeResponse {
    /// The platform's clock, Unix milliseconds.
    pub now_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: String,
    pub message: String,
    /// The sequence number a refusal is about (`sequence_conflict`, `event_refused`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seq: Option<u64>,
    /// The platform's clock when it refused a token as expired or early (`clock_skew`), Unix
    /// seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub now: Option<i64>,
    /// Who used a single-use coupon or pickup first (`already_claimed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claimed_by: Option<ClaimedBy>,
}

/// The terminal that claimed something first, and when (RFC 3339).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimedBy {
    pub store: String,
    pub terminal: String,
    pub at: String,
}

/// Error codes of [`ErrorBody::error`] a terminal acts on.
pub mod error_code {
    /// 409: the platform holds another event under this device and `seq` (a restored or
    /// cloned database); nothing of the batch was stored.
    pub const SEQUENCE_CONFLICT: &str = "sequence_conflict";
    /// 422: the event `seq` is refused for its content; set it aside and go on.
    pub const EVENT_REFUSED: &str = "event_refused";
    /// 401: a bearer token outside its validity because the clocks differ.
    pub const CLOCK_SKEW: &str = "clock_skew";
    /// 403: an enrolment token of another store (recovery).
    pub const WRONG_STORE: &str = "wrong_store";
    /// 403: an enrolment token past its validity.
    pub const TOKEN_EXPIRED: &str = "token_expired";
    /// 409: a single-use coupon or a pickup another terminal claimed first.
    pub const ALREADY_CLAIMED: &str = "already_claimed";
    /// 409: a payment reference already used by another device, code or amount.
    pub const REFERENCE_CONFLICT: &str = "reference_conflict";
    /// 404: no payment with this reference reached the platform.
    pub const UNKNOWN_PAYMENT: &str = "unknown_payment";
    /// 409: a refund past what the payment has left (approved, less what was refunded).
    pub const REFUND_EXCEEDS: &str = "refund_exceeds";
    /// 503: the platform's database cannot be reached (down, restarting); nothing was stored.
    pub const STORAGE_UNAVAILABLE: &str = "storage_unavailable";
    /// 503: the platform's database is read-only; nothing was stored.
    pub const STORAGE_READ_ONLY: &str = "storage_read_only";
    /// 503: the platform's database is out of disk space; nothing was stored.
    pub const STORAGE_FULL: &str = "storage_full";
    /// 503: the platform's database lost races with other hubs' transactions too often;
    /// nothing was stored.
    pub const STORAGE_BUSY: &str = "storage_busy";
}

/// Separates an enrolment token's secret from the platform's CA fingerprint it carries
/// (`et1-SECRET~HEX`): the terminal pins that fingerprint at enrolment.
pub const TOKEN_PIN_SEPARATOR: char = '~';

/// An enrolment token's secret and, when it carries one, the CA fingerprint to pin.
pub fn split_token(token: &str) -> (&str, Option<&str>) {
    match token.trim().split_once(TOKEN_PIN_SEPARATOR) {
        Some((secret, pin)) => (secret, Some(pin)),
        None => (token.trim(), None),
    }
}

/// The largest event body the platform accepts (JSON bytes). A terminal sets aside a larger
/// event instead of sending it.
pub const MAX_EVENT_BYTES: usize = 256 * 1024;

/// The type of the placeholder a terminal sends in place of an event it set aside: the
/// sequence stays gap-free and the platform learns that something was held back.
pub const QUARANTINED_TYPE: &str = "event.quarantined";

/// What a terminal claims before accepting it, online (issue 13).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClaimKind {
    Coupon,
    Pickup,
}

impl ClaimKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ClaimKind::Coupon => "coupon",
            ClaimKind::Pickup => "pickup",
        }
    }
}

/// `POST /v1/claims` with a bearer token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimRequest {
    pub kind: ClaimKind,
    pub id: String,
}

/// The answer to a claim: 200 when this device holds it (now or from before); 409
/// `already_claimed` with [`ClaimedElsewhere`] in the error body's message otherwise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimAnswer {
    pub claimed: bool,
    pub at: String,
}

/// `GET /v1/conflicts` with a bearer token: how many events of the device's store the platform
/// flagged (a single-use coupon or pickup used twice, a receipt number issued twice).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConflictCount {
    pub count: u64,
}
