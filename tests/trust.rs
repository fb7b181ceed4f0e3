//! Platform trust (issue 13): the real hub over TLS on loopback, a terminal that pins the
//! platform's CA at enrolment, and an on-path attacker written for the test that can pass the
//! connection through, hand it to its own TLS server (a replaced certificate), or answer in
//! plain HTTP (a downgrade). Also the hub's limits: no body read before authentication, idle
//! connections closed, a connection limit.

use smartstore_testkit as support;

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Duration;

use smartstore::i18n::{Lang, Localize};
use smartstore::store::Store;
use smartstore::sync::{
    Device, PlatformClient, SyncError, Trust, enroll, enrolment_trust, stored_trust, sync_once,
};
use smartstore_hub::db::HubDb;
use smartstore_hub::server::{self, Hub, ServeOptions};
use smartstore_hub::tls;

/// A hub serving HTTPS with a fresh pilot CA made in `dir`; returns its address and the CA's
/// fingerprint (recorded in the hub so tokens carry it).
fn tls_hub(dir: &Path, hub_db: &Path) -> (SocketAddr, String) {
    tls_hub_signed_by(dir, hub_db, None)
}

/// As [`tls_hub`]; the key document is signed by the root in `root_dir` (default: its own).
fn tls_hub_signed_by(dir: &Path, hub_db: &Path, root_dir: Option<&Path>) -> (SocketAddr, String) {
    let made = if dir.join(tls::CA_CERT).exists() {
        let ca = tls::read_certificates(&dir.join(tls::CA_CERT)).expect("ca");
        tls::Initialised {
            fingerprint: tls::fingerprint(&ca[0]),
            files: Vec::new(),
        }
    } else {
        tls::init(dir, &["127.0.0.1".into()]).expect("cert init")
    };
    let config =
        tls::server_config(&dir.join(tls::SERVER_CERT), &dir.join(tls::SERVER_KEY)).expect("tls");
    let root = tls::read_root_key(&root_dir.unwrap_or(dir).join(tls::CA_KEY)).expect("root key");
    let db = HubDb::open(hub_db).expect("hub db");
    db.set_ca_fingerprint(&made.fingerprint).expect("pin");
    let addr = server::spawn_hub(
        Hub::new(db).with_root_key(root),
        "127.0.0.1:0".parse().expect("addr"),
        ServeOptions {
            tls: Some(config),
            ..ServeOptions::default()
        },
    )
    .expect("hub");
    (addr, made.fingerprint)
}

const PASS: u8 = 0;
const IMPOSTOR: u8 = 1;
const PLAIN_HTTP: u8 = 2;

/// The attacker between the terminal and the platform: passes bytes through, sends the
/// connection to its own server, or answers plain HTTP pointing elsewhere.
struct OnPath {
    addr: SocketAddr,
    mode: Arc<AtomicU8>,
}

impl OnPath {
    fn start(platform: SocketAddr, impostor: SocketAddr) -> OnPath {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("addr");
        let mode = Arc::new(AtomicU8::new(PASS));
        let m = mode.clone();
        std::thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(mut client) = client else { continue };
                match m.load(Ordering::SeqCst) {
                    PLAIN_HTTP => {
                        let mut buf = [0u8; 4096];
                        let _ = client.read(&mut buf);
                        let _ = client.write_all(
                            b"HTTP/1.1 301 Moved Permanently\r\nLocation: http://127.0.0.1:9/\r\nContent-Length: 0\r\n\r\n",
                        );
                    }
                    mode => {
                        let to = if mode == IMPOSTOR { impostor } else { platform };
                        let Ok(upstream) = TcpStream::connect(to) else {
                            continue;
                        };
                        let (c2, u2) = (
                            client.try_clone().expect("clone"),
                            upstream.try_clone().expect("clone"),
                        );
                        std::thread::spawn(move || pump(c2, u2));
                        std::thread::spawn(move || pump(upstream, client));
                    }
                }
            }
        });
        OnPath { addr, mode }
    }

    fn set(&self, mode: u8) {
        self.mode.store(mode, Ordering::SeqCst);
    }
}

fn pump(mut from: TcpStream, mut to: TcpStream) {
    let mut buf = [0u8; 16 * 1024];
    while let Ok(n) = from.read(&mut buf) {
        if n == 0 || to.write_all(&buf[..n]).is_err() {
            break;
        }
    }
    let _ = to.shutdown(Shutdown::Write);
}

fn events(hub_db: &Path) -> u64 {
    HubDb::open(hub_db)
        .expect("hub")
        .event_count()
        .expect("count")
}

#[test]
fn a_terminal_pins_the_platform_and_refuses_an_impostor_or_a_downgrade() {
    let dir = tempfile::tempdir().expect("tempdir");
    let hub_db = dir.path().join("hub.db");
    let (platform, fingerprint) = tls_hub(&dir.path().join("pki"), &hub_db);
    // The attacker's own platform, with a certificate for the same address from its own CA.
    let evil_db = dir.path().join("evil.db");
    let (impostor, evil_fp) = tls_hub(&dir.path().join("evil-pki"), &evil_db);
    assert_ne!(fingerprint, evil_fp);
    let on_path = OnPath::start(platform, impostor);
    let url = format!("https://{}", on_path.addr);

    let token = HubDb::open(&hub_db)
        .expect("hub")
        .create_enrolment_tokens("SH001", 1)
        .expect("token")
        .remove(0);
    assert!(token.ends_with(&fingerprint), "the token carries the pin");
    let term = dir.path().join("term");
    let mut store = Store::open(&term.join("smartstore.db")).expect("store");

    // Enrolment through the impostor: refused by the pin, and the token is not used up.
    on_path.set(IMPOSTOR);
    let trust = enrolment_trust(&token, None).expect("trust");
    assert_eq!(trust, Trust::Fingerprint(fingerprint.clone()));
    let client =
        PlatformClient::with_trust(&url, Duration::from_secs(10), trust.clone()).expect("client");
    let e = enroll(&mut store, &term, &client, &token).expect_err("impostor");
    assert!(matches!(e, SyncError::Untrusted { .. }), "{e:?}");
    assert!(
        e.msg()
            .render(Lang::En)
            .contains("not the one this terminal pinned")
    );
    assert!(e.msg().render(Lang::Zh).contains("固定"));
    assert_eq!(
        HubDb::open(&evil_db)
            .expect("evil")
            .device_count()
            .expect("n"),
        0
    );

    // Through the real platform: enrolled, and the CA is kept.
    on_path.set(PASS);
    let client = PlatformClient::with_trust(&url, Duration::from_secs(10), trust).expect("client");
    enroll(&mut store, &term, &client, &token).expect("enrol");
    let Trust::Ca(ca) = stored_trust(&store).expect("trust") else {
        panic!("no CA kept");
    };
    assert_eq!(smartstore::sync::pin::fingerprint(&ca), fingerprint);
    store
        .import_catalog_csv(
            std::io::Cursor::new(smartstore::store::DEMO_CATALOG_CSV),
            smartstore_domain::money::Currency::CNY,
        )
        .expect("catalog");
    for n in 0..3 {
        store
            .place_order(&support::demo_draft(&store, n % 3 + 1))
            .expect("order");
    }
    let device = Device::load(&store, &term).expect("device");
    let sync = |store: &mut Store| {
        let client = device.client(Duration::from_secs(10)).expect("client");
        sync_once(store, &client, &device.key, 100)
    };
    let keys_before = store.meta("platform_keys").expect("keys");

    // A replaced certificate: refused, nothing sent, nothing taken in.
    on_path.set(IMPOSTOR);
    let e = sync(&mut store).expect_err("impostor");
    assert!(matches!(e, SyncError::Untrusted { .. }), "{e:?}");
    // A downgrade to plain HTTP: no TLS, no request.
    on_path.set(PLAIN_HTTP);
    let e = sync(&mut store).expect_err("downgrade");
    assert!(matches!(e, SyncError::NotTls { .. }), "{e:?}");
    assert!(e.msg().render(Lang::En).contains("without encryption"));
    assert_eq!((events(&hub_db), events(&evil_db)), (0, 0));
    assert_eq!(store.sync_status().expect("status").unsynced, 3);
    assert_eq!(store.meta("platform_keys").expect("keys"), keys_before);

    // The real platform again: the orders go, over TLS.
    on_path.set(PASS);
    let r = sync(&mut store).expect("sync");
    assert_eq!(r.held_seq, 3);
    assert_eq!(events(&hub_db), 3);
}

#[test]
fn plain_http_only_reaches_this_machine_and_https_needs_a_pin() {
    for (url, trust, refused) in [
        ("http://192.0.2.10:8480", Trust::None, "plain"),
        (
            "http://platform.example",
            Trust::Fingerprint("ab".repeat(32)),
            "plain",
        ),
        ("https://platform.example", Trust::None, "pin"),
    ] {
        let e = PlatformClient::with_trust(url, Duration::from_secs(1), trust)
            .err()
            .unwrap_or_else(|| panic!("{url} accepted"));
        match refused {
            "plain" => assert!(matches!(e, SyncError::PlainHttp { .. }), "{url}: {e:?}"),
            _ => assert!(matches!(e, SyncError::NoPin { .. }), "{url}: {e:?}"),
        }
    }
    for url in [
        "http://127.0.0.1:8480",
        "http://localhost:8480",
        "http://[::1]:8480",
    ] {
        assert!(
            PlatformClient::new(url, Duration::from_secs(1)).is_ok(),
            "{url}"
        );
    }
    // A fingerprint typed that differs from the token's is refused before anything is sent.
    let token = format!("et1-secret~{}", "ab".repeat(32));
    assert!(matches!(
        enrolment_trust(&token, Some(&"cd".repeat(32))),
        Err(SyncError::FingerprintMismatch)
    ));
    assert!(matches!(
        enrolment_trust("et1-secret", Some("not hex")),
        Err(SyncError::BadFingerprint { .. })
    ));
    let typed = "AB:".repeat(31) + "AB";
    assert_eq!(
        enrolment_trust("et1-secret", Some(&typed)).expect("typed"),
        Trust::Fingerprint("ab".repeat(32))
    );
}

/// Reads an HTTP status line from a raw connection (the answer to what was sent so far).
fn status_line(stream: &mut TcpStream) -> String {
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    let mut buf = [0u8; 512];
    let n = stream.read(&mut buf).unwrap_or(0);
    String::from_utf8_lossy(&buf[..n])
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn the_hub_reads_no_body_before_authentication_and_sheds_idle_connections() {
    let dir = tempfile::tempdir().expect("tempdir");
    let addr = server::spawn_hub(
        Hub::new(HubDb::open(&dir.path().join("hub.db")).expect("hub")),
        "127.0.0.1:0".parse().expect("addr"),
        ServeOptions {
            max_connections: 4,
            first_byte_timeout: Duration::from_secs(3),
            header_timeout: Duration::from_secs(3),
            ..ServeOptions::default()
        },
    )
    .expect("hub");

    // 8 MB announced, not one byte of it sent: the answer comes first, from the headers.
    let mut s = TcpStream::connect(addr).expect("connect");
    s.write_all(
        b"POST /v1/batches HTTP/1.1\r\nHost: hub\r\nContent-Type: application/jose\r\nContent-Length: 8000000\r\n\r\n",
    )
    .expect("headers");
    assert!(
        status_line(&mut s).contains(" 401 "),
        "refused before the body"
    );

    // Enrolment bodies are small: a large one is refused as such.
    let mut s = TcpStream::connect(addr).expect("connect");
    s.write_all(b"POST /v1/enrol HTTP/1.1\r\nHost: hub\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n")
        .expect("headers");
    assert!(status_line(&mut s).contains(" 413 "));

    // Four idle connections fill the hub; a fifth is closed at once, and the idle ones are
    // closed when they stay silent.
    let mut idle: Vec<TcpStream> = (0..4)
        .map(|_| TcpStream::connect(addr).expect("connect"))
        .collect();
    let mut fifth = TcpStream::connect(addr).expect("connect");
    fifth
        .write_all(b"GET /v1/time HTTP/1.1\r\nHost: hub\r\nConnection: close\r\n\r\n")
        .expect("request");
    assert_eq!(
        status_line(&mut fifth),
        "",
        "over the limit: closed, not served"
    );
    for s in &mut idle {
        assert_eq!(
            status_line(s),
            "",
            "an idle connection is closed, unanswered"
        );
    }
    // A slow header: closed too.
    let mut slow = TcpStream::connect(addr).expect("connect");
    slow.write_all(b"GET /v1/time HTTP/1.1\r\nHo")
        .expect("some of a header");
    assert_eq!(status_line(&mut slow), "");
    // And the hub still answers.
    let mut s = TcpStream::connect(addr).expect("connect");
    s.write_all(b"GET /v1/time HTTP/1.1\r\nHost: hub\r\nConnection: close\r\n\r\n")
        .expect("request");
    assert!(status_line(&mut s).contains(" 200 "));
}

/// An enrolled terminal of a TLS hub (the CA in `pki`, the hub's database `hub_db`).
fn pinned_terminal(dir: &Path, url: &str, hub_db: &Path) -> (Store, Device) {
    let token = HubDb::open(hub_db)
        .expect("hub")
        .create_enrolment_tokens("SH001", 1)
        .expect("token")
        .remove(0);
    let mut store = Store::open(&dir.join("smartstore.db")).expect("store");
    let trust = enrolment_trust(&token, None).expect("trust");
    let client = PlatformClient::with_trust(url, Duration::from_secs(10), trust).expect("client");
    enroll(&mut store, dir, &client, &token).expect("enrol");
    let device = Device::load(&store, dir).expect("device");
    (store, device)
}

fn sync_with(
    store: &mut Store,
    device: &Device,
) -> Result<smartstore::sync::SyncReport, SyncError> {
    let client = device.client(Duration::from_secs(10)).expect("client");
    sync_once(store, &client, &device.key, 100)
}

/// A 100 %-off coupon of store SH001 signed by `issuer`, issued at `issued_at`.
fn coupon(issuer: &smartstore_protocol::codes::Issuer, issued_at: i64) -> String {
    use smartstore_domain::coupon::{Coupon, CouponValue};
    use smartstore_protocol::codes::Stamp;
    let stamp = Stamp {
        issued_at,
        not_before: None,
        expires: issued_at + 30 * 86_400,
        token_id: vec![7; 8],
    };
    let coupon = Coupon {
        id: format!("CP-{issued_at}"),
        value: CouponValue::PercentOff(100),
        min_spend: None,
        single_use: true,
        stores: vec!["SH001".into()],
        not_before: issued_at - 3600,
        expires: issued_at + 30 * 86_400,
    };
    issuer.issue_coupon(&coupon, &stamp).expect("coupon")
}

#[test]
fn retired_and_revoked_keys_reach_the_terminal_only_signed_by_the_root() {
    use smartstore_protocol::codes::{CodeRefusal, Issuer, verify};
    use smartstore_protocol::keys::TrustedKeys;
    let dir = tempfile::tempdir().expect("tempdir");
    let hub_db = dir.path().join("hub.db");
    let (addr, _) = tls_hub(&dir.path().join("pki"), &hub_db);
    let url = format!("https://{addr}");
    let term = dir.path().join("term");
    let (mut store, device) = pinned_terminal(&term, &url, &hub_db);
    sync_with(&mut store, &device).expect("first sync");
    let trusted = |store: &Store| {
        TrustedKeys::from_json(&store.meta("platform_keys").expect("meta").expect("keys"))
            .expect("keys")
    };
    let now = time::OffsetDateTime::now_utc().unix_timestamp();

    // The key that signed until now, and a coupon it issued an hour ago.
    let old = HubDb::open(&hub_db)
        .expect("hub")
        .platform_signing_key()
        .expect("key");
    let old_kid = old.kid.clone();
    let old_issuer = Issuer::new(old, "hub");
    let before = coupon(&old_issuer, now - 3600);
    assert!(verify(&before, &trusted(&store), now).is_ok());

    // Rotation: the old key is retired. The terminal learns it at its next sync and says so.
    let new_kid = HubDb::open(&hub_db)
        .expect("hub")
        .rotate_keys()
        .expect("rotate");
    assert_ne!(new_kid, old_kid);
    let r = sync_with(&mut store, &device).expect("sync");
    assert_eq!((r.keys_retired, r.keys_revoked), (1, 0));
    let keys = trusted(&store);
    assert!(
        verify(&before, &keys, now).is_ok(),
        "issued before retirement: still good"
    );
    // A coupon minted with the retired key after its retirement (a stolen key) is refused.
    let after = coupon(&old_issuer, now + 60);
    assert!(matches!(
        verify(&after, &keys, now + 120),
        Err(CodeRefusal::IssuedAfterRetirement { .. })
    ));
    // Revocation: nothing it signed is accepted any more.
    HubDb::open(&hub_db)
        .expect("hub")
        .set_key_standing(&old_kid, true)
        .expect("revoke");
    let r = sync_with(&mut store, &device).expect("sync");
    assert_eq!((r.keys_retired, r.keys_revoked), (0, 1));
    assert!(matches!(
        verify(&before, &trusted(&store), now),
        Err(CodeRefusal::KeyRevoked(_))
    ));
}

#[test]
fn a_key_document_not_signed_by_the_pinned_root_is_refused_and_changes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let hub_db = dir.path().join("hub.db");
    let pki = dir.path().join("pki");
    let (addr, _) = tls_hub(&pki, &hub_db);
    let url = format!("https://{addr}");
    let term = dir.path().join("term");
    let (mut store, device) = pinned_terminal(&term, &url, &hub_db);
    sync_with(&mut store, &device).expect("first sync");
    let held = store.meta("platform_keys").expect("meta");

    // The same platform (its TLS certificate and key, as if the server's key were stolen) but
    // a key document signed by another root, with a key injected.
    let other = dir.path().join("other-pki");
    tls::init(&other, &["127.0.0.1".into()]).expect("other root");
    let (forger, _) = tls_hub_signed_by(&pki, &hub_db, Some(&other));
    HubDb::open(&hub_db)
        .expect("hub")
        .rotate_keys()
        .expect("an injected key");
    store
        .set_meta("platform_url", &format!("https://{forger}"))
        .expect("point at the forger");
    let device = Device::load(&store, &term).expect("device");
    let e = sync_with(&mut store, &device).expect_err("forged document");
    assert!(matches!(e, SyncError::ForgedKeys { .. }), "{e:?}");
    assert!(e.msg().render(Lang::Zh).contains("拒绝"));
    assert_eq!(
        store.meta("platform_keys").expect("meta"),
        held,
        "nothing changed"
    );
}

#[test]
fn a_single_use_coupon_or_pickup_is_claimed_once_across_terminals_and_a_second_offline_use_is_flagged()
 {
    use smartstore::sync::claim_single_use;
    use smartstore_protocol::wire::ClaimKind;
    let dir = tempfile::tempdir().expect("tempdir");
    let hub_db = dir.path().join("hub.db");
    let addr = server::spawn(
        HubDb::open(&hub_db).expect("hub"),
        "127.0.0.1:0".parse().expect("addr"),
    )
    .expect("hub");
    let url = format!("http://{addr}");
    let terminal = |name: &str| {
        let term = dir.path().join(name);
        let token = HubDb::open(&hub_db)
            .expect("hub")
            .create_enrolment_tokens("SH001", 1)
            .expect("token")
            .remove(0);
        let mut store = Store::open(&term.join("smartstore.db")).expect("store");
        let client = PlatformClient::new(&url, Duration::from_secs(10)).expect("client");
        enroll(&mut store, &term, &client, &token).expect("enrol");
        (store, term)
    };
    let (mut a, a_dir) = terminal("a");
    let (mut b, b_dir) = terminal("b");

    // Online: the first claim wins; the same terminal may claim again; the other is refused
    // with who used it, and nothing is stored.
    claim_single_use(&a, &a_dir, ClaimKind::Coupon, "CP-ONCE").expect("a claims");
    claim_single_use(&a, &a_dir, ClaimKind::Coupon, "CP-ONCE").expect("a again");
    let e = claim_single_use(&b, &b_dir, ClaimKind::Coupon, "CP-ONCE").expect_err("b refused");
    let SyncError::AlreadyClaimed {
        terminal, store, ..
    } = &e
    else {
        panic!("{e:?}");
    };
    assert_eq!((terminal.as_str(), store.as_str()), ("T01", "SH001"));
    assert!(e.msg().render(Lang::Zh).contains("T01"));

    // A pickup handed over at A (claimed online), then at B while B is offline: B accepts on
    // its own rule, and the platform flags B's hand-over when it arrives.
    HubDb::open(&hub_db)
        .expect("hub")
        .add_pickup(
            "WEB-7",
            "SH001",
            &[smartstore_protocol::wire::PickupLine {
                gtin: "06921000000019".into(),
                quantity: 1,
            }],
        )
        .expect("pickup");
    let lines = [("06921000000019".to_owned(), 1)];
    claim_single_use(&a, &a_dir, ClaimKind::Pickup, "WEB-7").expect("a claims");
    a.collect_pickup("WEB-7", "SH001", &lines)
        .expect("a hands over");
    b.set_meta("platform_url", "http://127.0.0.1:9")
        .expect("b offline");
    claim_single_use(&b, &b_dir, ClaimKind::Pickup, "WEB-7").expect("offline: accepted");
    b.collect_pickup("WEB-7", "SH001", &lines)
        .expect("b hands over");
    b.set_meta("platform_url", &url).expect("b online");
    for (store, dir) in [(&mut b, &b_dir), (&mut a, &a_dir)] {
        let device = Device::load(store, dir).expect("device");
        let client = device.client(Duration::from_secs(10)).expect("client");
        sync_once(store, &client, &device.key, 100).expect("sync");
    }
    let conflicts = HubDb::open(&hub_db)
        .expect("hub")
        .conflicts()
        .expect("conflicts");
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    let b_device = b.meta("device_id").expect("meta").expect("device");
    assert_eq!(
        conflicts[0].device, b_device,
        "the terminal without the claim is flagged"
    );
    assert!(
        conflicts[0]
            .flag
            .as_deref()
            .is_some_and(|f| f.contains("WEB-7") && f.contains("terminal T01"))
    );
    // Every terminal of the store learns the count at its sync (doctor's `conflicts` check).
    for store in [&a, &b] {
        assert_eq!(
            store.meta("store_conflicts").expect("meta").as_deref(),
            Some("1")
        );
    }
}

#[test]
fn the_documented_key_document_vector_verifies_and_a_changed_byte_does_not() {
    let doc = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/docs/sync-protocol.md"
    ))
    .expect("doc");
    let section = doc
        .split("### The key document")
        .nth(1)
        .expect("the key document vectors");
    let pem: String = section
        .lines()
        .map(str::trim)
        .skip_while(|l| !l.starts_with("-----BEGIN CERTIFICATE-----"))
        .take_while(|l| !l.starts_with("-----END"))
        .chain(["-----END CERTIFICATE-----"])
        .collect::<Vec<_>>()
        .join("\n");
    let ca = {
        use rustls::pki_types::pem::PemObject;
        rustls::pki_types::CertificateDer::from_pem_slice(pem.as_bytes())
            .expect("a PEM certificate")
            .to_vec()
    };
    let jws = section
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with("eyJhbGciOiJFUzI1NiIs"))
        .expect("the document");
    let verified = smartstore::sync::pin::verify_document(&ca, jws).expect("the vector verifies");
    let key = &verified.keys.keys[0];
    assert_eq!(key.kid.as_deref(), Some("kPrK_qmx"));
    assert_eq!(
        key.status,
        Some(smartstore_protocol::keys::KeyStatus::Retired)
    );
    assert_eq!(
        (key.retired_at, verified.issued_at),
        (Some(1_795_334_400), 1_795_334_460)
    );
    // One byte of the payload changed: refused.
    let mut parts: Vec<String> = jws.split('.').map(str::to_owned).collect();
    let mut payload = smartstore_protocol::keys::unb64(&parts[1]).expect("b64");
    let at = payload.len() - 3;
    payload[at] ^= 1;
    parts[1] = smartstore_protocol::keys::b64(&payload);
    assert!(smartstore::sync::pin::verify_document(&ca, &parts.join(".")).is_err());
}

#[test]
fn the_documented_claim_messages_are_the_protocol_s() {
    use smartstore_protocol::wire::{ClaimAnswer, ClaimKind, ClaimRequest, ErrorBody, error_code};
    let doc = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/docs/sync-protocol.md"
    ))
    .expect("doc");
    let section = doc
        .split("### The claim")
        .nth(1)
        .expect("the claim vectors");
    // Up to the next chapter.
    let section = section.split("\n## ").next().unwrap_or(section);
    let json: Vec<&str> = section
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with('{'))
        .collect();
    assert_eq!(json.len(), 3, "{section}");
    let req: ClaimRequest = serde_json::from_str(json[0]).expect("request");
    assert_eq!(
        (req.kind, req.id.as_str()),
        (ClaimKind::Coupon, "CP-47d41e46405e")
    );
    assert_eq!(serde_json::to_string(&req).expect("json"), json[0]);
    let ok: ClaimAnswer = serde_json::from_str(json[1]).expect("answer");
    assert!(ok.claimed);
    assert_eq!(serde_json::to_string(&ok).expect("json"), json[1]);
    let refused: ErrorBody = serde_json::from_str(json[2]).expect("refusal");
    assert_eq!(refused.error, error_code::ALREADY_CLAIMED);
    assert_eq!(refused.claimed_by.expect("who").terminal, "T01");
}
