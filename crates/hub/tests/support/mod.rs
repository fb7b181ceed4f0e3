//! A hub on loopback with one enrolled terminal that syncs sales over HTTP and signs their
//! receipt codes, as the terminal does; and a small HTTP client. Shared by the e-receipt tests.
#![allow(dead_code)]

pub mod process;
pub use smartstore_testkit::postgres;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use serde_json::{Value, json};
use smartstore_hub::store::Admin;
use smartstore_protocol::jws::jws_sign;
use smartstore_protocol::keys::SigningKey;
use smartstore_protocol::receipt::{RECEIPT_PATH, ReceiptCode};
use smartstore_protocol::wire::{
    BATCH_PATH, BATCH_TYP, BEARER_AUDIENCE, BEARER_TYP, BearerClaims, EnrolRequest, EnrolResponse,
};

pub const STORE: &str = "SH001";

/// The catalog the platform holds: English and Chinese names.
pub const CATALOG: &str = "gtin,name,name_zh,price\n\
    6921000000019,Coca-Cola 330 ml,可口可乐 330毫升,3.50\n\
    6921000000026,Nongfu Spring 550 ml,农夫山泉 550毫升,2.00\n\
    6921000000033,Oolong tea 500 ml,乌龙茶 500毫升,5.50\n";

/// `#[test]`s of `fn name(backend: Backend)`: each on SQLite (`sqlite::name`), and on
/// PostgreSQL (`postgres::name`, ignored unless asked: see [`postgres`]).
#[allow(unused_macros)]
macro_rules! on_both_backends {
    ($($name:ident),*) => {
        mod sqlite {
            $(#[test]
            fn $name() {
                super::$name(super::Backend::Sqlite)
            })*
        }
        mod postgres {
            $(#[test]
            #[ignore = "needs PostgreSQL (Debian's postgresql): .ci/run runs it with --ignored"]
            fn $name() {
                super::$name(super::Backend::Postgres)
            })*
        }
    };
}

/// Which storage the hub of a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    /// A throwaway cluster of its own ([`postgres::Cluster`]).
    Postgres,
}

/// The hub's storage for a test, and what keeps it alive: the SQLite file's directory, or the
/// PostgreSQL cluster.
pub struct Storage {
    pub _dir: tempfile::TempDir,
    pub cluster: Option<postgres::Cluster>,
    /// The database as `--db` takes it.
    pub db: String,
}

/// New, empty storage of this kind, opened.
pub fn storage(backend: Backend) -> (Admin, Storage) {
    let dir = tempfile::tempdir().expect("tempdir");
    let (db, cluster) = match backend {
        Backend::Sqlite => (dir.path().join("hub.db").display().to_string(), None),
        Backend::Postgres => {
            let cluster = postgres::Cluster::start();
            (cluster.database(), Some(cluster))
        }
    };
    (
        Admin::open(&db, 8).expect("hub db"),
        Storage {
            _dir: dir,
            cluster,
            db,
        },
    )
}

pub struct Terminal {
    pub _storage: Option<Storage>,
    pub _rt: std::sync::Arc<tokio::runtime::Runtime>,
    pub addr: SocketAddr,
    pub key: SigningKey,
    pub device_id: String,
    pub terminal_id: String,
    next_seq: std::cell::Cell<u64>,
}

/// A line of a sale: GTIN (14 digits, as the terminal records it), the name the sale recorded,
/// quantity, unit price in fen.
pub type Line<'a> = (&'a str, &'a str, u32, i64);

/// A sale and its receipt code.
pub struct Sale {
    pub order_id: String,
    pub receipt: String,
    pub total: i64,
    pub body: Value,
    pub code: ReceiptCode,
}

/// A hub with `catalog` imported (if any) and one terminal of [`STORE`] enrolled.
pub fn terminal(catalog: Option<&str>) -> Terminal {
    terminal_on(Backend::Sqlite, catalog)
}

/// As [`terminal`], on either backend.
pub fn terminal_on(backend: Backend, catalog: Option<&str>) -> Terminal {
    let (mut admin, storage) = storage(backend);
    let db = &mut admin;
    if let Some(csv) = catalog {
        db.import_catalog_csv(csv.as_bytes(), smartstore_domain::money::Currency::CNY)
            .expect("catalog");
    }
    let (key, enrolled) = enrol(db, STORE);
    let (store, rt) = admin.into_serving().expect("runtime");
    let addr = smartstore_hub::server::spawn_hub(
        smartstore_hub::server::Hub::on(store),
        "127.0.0.1:0".parse().expect("addr"),
        smartstore_hub::server::ServeOptions::default(),
    )
    .expect("spawn hub");
    Terminal {
        _storage: Some(storage),
        _rt: rt,
        addr,
        key,
        device_id: enrolled.device_id,
        terminal_id: enrolled.terminal_id,
        next_seq: std::cell::Cell::new(1),
    }
}

impl Terminal {
    /// A cash sale of `lines` numbered `number`, paid with `tendered` fen.
    pub fn sale(&self, number: u64, lines: &[Line<'_>], tendered: i64) -> Sale {
        let receipt = format!("{STORE}-{}-{number:06}", self.terminal_id);
        self.sale_as(&receipt, STORE, lines, tendered)
    }

    /// A sale with any receipt number and store in its code (signed by this terminal all the
    /// same).
    pub fn sale_as(&self, receipt: &str, store: &str, lines: &[Line<'_>], tendered: i64) -> Sale {
        let order_id = format!("0193{:012x}-order", fastish_id());
        let total: i64 = lines.iter().map(|l| l.3 * i64::from(l.2)).sum();
        let created_at = "2026-11-30T10:05:00Z";
        let body = json!({
            "event_id": format!("{order_id}-e"),
            "seq": 0,
            "type": "order.placed",
            "created_at": created_at,
            "order_id": order_id,
            "number": 42,
            "receipt": receipt,
            "store": store,
            "terminal": self.terminal_id,
            "fulfilment": {"kind": "collect", "store": store, "pickup_at": created_at},
            "payment": {"method": "cash"},
            "member_id": null,
            "coupon_id": null,
            "lines": lines.iter().map(|(gtin, name, quantity, unit_price)| json!({
                "gtin": gtin, "name": name, "quantity": quantity, "unit_price": unit_price
            })).collect::<Vec<_>>(),
            "subtotal": total,
            "discount": 0,
            "total": total,
            "currency": "CNY",
            "tenders": [{
                "kind": {"method": "cash"},
                "amount": {"minor": total, "currency": "CNY"},
                "tendered": {"minor": tendered, "currency": "CNY"},
                "status": "approved",
                "reference": format!("{order_id}-1"),
            }],
        });
        let code = ReceiptCode {
            order_id: order_id.clone(),
            receipt: receipt.to_owned(),
            store: store.to_owned(),
            terminal: self.terminal_id.clone(),
            created_at: created_at.to_owned(),
            currency: "CNY".into(),
            subtotal: total,
            total,
            lines: lines
                .iter()
                .map(|(gtin, _, q, p)| ((*gtin).to_owned(), *q, *p))
                .collect(),
            tenders: vec![("cash".into(), total, format!("{order_id}-1"))],
        };
        Sale {
            order_id,
            receipt: receipt.to_owned(),
            total,
            body,
            code,
        }
    }

    /// The sale's receipt code, signed with this terminal's key.
    pub fn token(&self, sale: &Sale) -> String {
        smartstore_protocol::receipt::sign(&self.key, &sale.code)
    }

    /// The path a phone opens: `/r/{token}`.
    pub fn path(&self, sale: &Sale) -> String {
        format!("{RECEIPT_PATH}{}", self.token(sale))
    }

    /// Syncs the sale (its `order.placed`) to the platform, over HTTP.
    pub fn sync(&self, sale: &Sale) {
        self.push("order.placed", &sale.order_id, sale.body.clone());
    }

    /// Syncs a return of `lines` (GTIN, quantity, unit price) of the sale, refunded in cash.
    pub fn sync_return(&self, sale: &Sale, lines: &[(&str, u32, i64)]) {
        let total: i64 = lines.iter().map(|l| l.2 * i64::from(l.1)).sum();
        let body = json!({
            "event_id": format!("{}-r-e", sale.order_id),
            "seq": 0,
            "type": "order.returned",
            "created_at": "2026-12-01T02:30:00Z",
            "return_id": format!("{}-r", sale.order_id),
            "reason": "return",
            "order_id": sale.order_id,
            "receipt": sale.receipt,
            "store": STORE,
            "terminal": self.terminal_id,
            "lines": lines.iter().map(|(gtin, quantity, unit_price)| json!({
                "gtin": gtin, "quantity": quantity, "unit_price": unit_price, "restock": true
            })).collect::<Vec<_>>(),
            "refunds": [{"method": "cash", "amount": total, "tender_reference": "cash"}],
            "total": total,
            "currency": "CNY",
            "approved_by": "S01",
        });
        self.push("order.returned", &sale.order_id, body);
    }

    fn push(&self, kind: &str, order_id: &str, mut body: Value) {
        let seq = self.next_seq.get();
        self.next_seq.set(seq + 1);
        body["seq"] = json!(seq);
        let jws = signed_batch(
            &self.key,
            &self.device_id,
            seq,
            vec![json!({
                "seq": seq,
                "event_id": body["event_id"],
                "type": kind,
                "order_id": order_id,
                "created_at": body["created_at"],
                "body": body,
            })],
        );
        let reply = post_batch(self.addr, &self.key, &self.device_id, &jws).expect("batch sent");
        assert_eq!(reply.status, 200, "batch: {}", reply.body);
        assert!(
            reply.body.contains(&format!("\"held_seq\":{seq}")),
            "{}",
            reply.body
        );
    }

    fn bearer(&self) -> String {
        bearer(&self.key, &self.device_id)
    }

    /// `GET path` with these headers.
    pub fn get(&self, path: &str, headers: &[(&str, &str)]) -> Reply {
        http(self.addr, "GET", path, headers, b"")
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

/// A new terminal of `store` enrolled with a one-time token: its key (named by its device id)
/// and the platform's answer.
pub fn enrol(admin: &mut Admin, store: &str) -> (SigningKey, EnrolResponse) {
    let token = admin
        .create_enrolment_tokens(store, 1)
        .expect("token")
        .remove(0);
    let pending = SigningKey::generate("pending").expect("key");
    let enrolled = admin
        .enrol(&EnrolRequest {
            token,
            public_key: pending.jwk(),
            store_id: None,
            replaces: None,
        })
        .expect("enrol");
    let key = SigningKey::from_pkcs8(pending.pkcs8(), &enrolled.device_id).expect("key");
    (key, enrolled)
}

/// A bearer token of `device`, valid for two minutes.
pub fn bearer(key: &SigningKey, device: &str) -> String {
    let iat = time::OffsetDateTime::now_utc().unix_timestamp();
    let claims = BearerClaims {
        sub: device.to_owned(),
        aud: BEARER_AUDIENCE.into(),
        iat,
        exp: iat + 120,
    };
    jws_sign(
        key,
        Some(BEARER_TYP),
        &serde_json::to_vec(&claims).expect("json"),
    )
}

/// A batch of `events` (wire form, from `first_seq` on) signed by `device`'s key.
pub fn signed_batch(key: &SigningKey, device: &str, first_seq: u64, events: Vec<Value>) -> String {
    let payload = json!({
        "device_id": device,
        "batch_id": format!("batch-{}", fastish_id()),
        "first_seq": first_seq,
        "last_seq": first_seq + events.len() as u64 - 1,
        "events": events,
    });
    jws_sign(
        key,
        Some(BATCH_TYP),
        &serde_json::to_vec(&payload).expect("json"),
    )
}

/// POSTs a signed batch to the hub at `addr`.
pub fn post_batch(
    addr: SocketAddr,
    key: &SigningKey,
    device: &str,
    jws: &str,
) -> std::io::Result<Reply> {
    let bearer = format!("Bearer {}", bearer(key, device));
    try_http(
        addr,
        "POST",
        BATCH_PATH,
        &[
            ("Authorization", bearer.as_str()),
            ("Content-Type", "application/jose"),
        ],
        jws.as_bytes(),
    )
}

/// A different id each call.
fn fastish_id() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(1);
    let nanos = time::OffsetDateTime::now_utc().unix_timestamp_nanos() as u64;
    nanos
        .wrapping_mul(31)
        .wrapping_add(N.fetch_add(1, Ordering::Relaxed))
}

pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// One HTTP/1.1 request on its own connection.
pub fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Reply {
    try_http(addr, method, path, headers, body).expect("an HTTP answer")
}

/// As [`http`]; a connection refused, reset or cut short is an error.
pub fn try_http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> std::io::Result<Reply> {
    let bad = |m: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, m.to_owned());
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes())?;
    stream.write_all(body)?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    let text = String::from_utf8(raw).map_err(|_| bad("not UTF-8"))?;
    let (head, body) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| bad("no head and body"))?;
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| bad("no status line"))?;
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    Ok(Reply {
        status,
        headers,
        body: body.to_owned(),
    })
}

/// `n` small events of `device` from sequence `first` on, their ids made of the device's and
/// the sequence number (`pad` bytes of filler in each body).
pub fn notes(device: &str, first: u64, n: u64, pad: usize) -> Vec<Value> {
    (first..first + n)
        .map(|seq| {
            json!({
                "seq": seq,
                "event_id": format!("{device}-{seq}"),
                "type": "test.note",
                "order_id": null,
                "created_at": "2026-11-11T00:00:00Z",
                "body": {"n": seq, "pad": "x".repeat(pad)},
            })
        })
        .collect()
}
