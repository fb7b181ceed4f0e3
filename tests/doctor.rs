//! `smartstore doctor` with each fault made for real: a missing key, a key others can read, a
//! corrupt database, a platform that is down, a platform whose clock disagrees, and a platform
//! that no longer knows the device. The real binary, the real hub, loopback only.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

use serde_json::Value;
use smartstore::store::Store;
use smartstore_hub::db::HubDb;
use smartstore_hub::server;

fn smartstore(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_smartstore"))
        .args(args)
        .env("SMARTSTORE_DATA_DIR", data)
        // The camera is the shipped test card played as a replay camera: what a technician
        // holding the printed card in front of a webcam does.
        .env(
            "SMARTSTORE_CAMERA",
            concat!("replay:", env!("CARGO_MANIFEST_DIR"), "/assets"),
        )
        .env_remove("DISPLAY")
        .output()
        .expect("run smartstore")
}

struct Report {
    ok: bool,
    checks: Vec<Value>,
    text: String,
}

impl Report {
    fn get(&self, name: &str) -> &Value {
        self.checks
            .iter()
            .find(|c| c["check"] == name)
            .unwrap_or_else(|| panic!("no {name} check in\n{}", self.text))
    }
    fn status(&self, name: &str) -> &str {
        self.get(name)["status"].as_str().unwrap_or("?")
    }
    fn detail(&self, name: &str) -> &str {
        self.get(name)["detail"].as_str().unwrap_or("")
    }
    fn fix(&self, name: &str) -> &str {
        self.get(name)["fix"].as_str().unwrap_or("")
    }
    fn failed(&self) -> Vec<&str> {
        self.checks
            .iter()
            .filter(|c| c["status"] == "fail")
            .filter_map(|c| c["check"].as_str())
            .collect()
    }
}

fn doctor(data: &Path, extra: &[&str]) -> Report {
    let mut args = vec!["doctor", "--json"];
    args.extend_from_slice(extra);
    let out = smartstore(data, &args);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let checks: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    for c in &checks {
        let keys: Vec<&str> = c
            .as_object()
            .expect("an object")
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys.len(), 4, "{c}");
        for k in ["check", "status", "detail", "fix"] {
            assert!(c[k].is_string(), "{k} in {c}");
        }
        assert!(
            ["pass", "warn", "fail"].contains(&c["status"].as_str().unwrap_or("")),
            "{c}"
        );
        if c["status"] != "pass" {
            assert!(!c["fix"].as_str().unwrap_or("").is_empty(), "no fix: {c}");
        }
    }
    Report {
        ok: out.status.success(),
        checks,
        text,
    }
}

fn spawn_hub(db: &Path) -> String {
    let addr = server::spawn(
        HubDb::open(db).expect("hub db"),
        "127.0.0.1:0".parse().expect("addr"),
    )
    .expect("hub");
    format!("http://{addr}")
}

fn token(hub_db: &Path) -> String {
    HubDb::open(hub_db)
        .expect("hub db")
        .create_enrolment_tokens("SH001", 1)
        .expect("token")
        .remove(0)
}

/// Enrols a terminal in `data` the way a technician does, with the binary.
fn enrol(data: &Path, url: &str, hub_db: &Path) {
    let out = smartstore(
        data,
        &["enroll", "--platform", url, "--token", &token(hub_db)],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // An enrolled terminal has its own staff PIN, as the install guide says.
    set_pin(data, "135790");
}

/// The staff PIN line `smartstore pin` prints, written to the data folder's config.toml.
fn set_pin(data: &Path, pin: &str) {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_smartstore"))
        .arg("pin")
        .env("SMARTSTORE_DATA_DIR", data)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("pin");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(format!("{pin}\n").as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("pin");
    assert!(out.status.success());
    let mut config = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(data.join("config.toml"))
        .expect("config");
    config.write_all(&out.stdout).expect("write");
}

fn set_platform_url(data: &Path, url: &str) {
    Store::open(&data.join("smartstore.db"))
        .expect("store")
        .set_meta("platform_url", url)
        .expect("meta");
}

#[test]
fn demo_terminal_warns_that_it_is_not_enrolled_and_passes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let r = doctor(dir.path(), &[]);
    assert!(r.ok, "{}", r.text);
    let names: Vec<&str> = r
        .checks
        .iter()
        .filter_map(|c| c["check"].as_str())
        .collect();
    assert_eq!(
        names,
        [
            "owner",
            "camera",
            "database",
            "disk",
            "unsynced",
            "quarantine",
            "identity",
            "conflicts",
            "payments",
            "enrolment",
            "key",
            "clock",
            "platform",
            "pin"
        ]
    );
    assert_eq!(r.status("enrolment"), "warn");
    assert!(r.detail("enrolment").contains("demo store"));
    assert!(r.fix("enrolment").contains("smartstore enroll"));
    assert_eq!(r.status("key"), "pass");
    assert_eq!(r.status("camera"), "pass", "{}", r.text);
    assert!(
        r.detail("camera").contains("read the test card"),
        "{}",
        r.text
    );
    assert_eq!(r.status("owner"), "pass", "{}", r.text);

    // Before enrolling, a technician can check the clock and network against the platform.
    let hub_dir = tempfile::tempdir().expect("tempdir");
    let url = spawn_hub(&hub_dir.path().join("hub.db"));
    let r = doctor(dir.path(), &["--platform", &url]);
    assert!(r.ok, "{}", r.text);
    assert_eq!(r.status("clock"), "pass", "{}", r.text);
    assert_eq!(r.status("platform"), "pass", "{}", r.text);
}

#[test]
fn enrolled_terminal_passes_everything() {
    let dir = tempfile::tempdir().expect("tempdir");
    let hub_db = dir.path().join("hub.db");
    let url = spawn_hub(&hub_db);
    let data = dir.path().join("term");
    enrol(&data, &url, &hub_db);
    let r = doctor(&data, &[]);
    assert!(r.ok, "{}", r.text);
    for c in &r.checks {
        assert_eq!(c["status"], "pass", "{c}");
    }
    assert!(
        r.detail("enrolment")
            .contains("terminal T01 of store SH001")
    );
    assert!(r.detail("platform").contains("accepts device"));

    // The human form says the same, one line per check.
    let out = smartstore(&data, &["doctor"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(text.contains("[ok  ] platform"), "{text}");
    assert!(text.contains("[ok  ] camera"), "{text}");
}

#[test]
fn missing_key_fails() {
    let dir = tempfile::tempdir().expect("tempdir");
    let hub_db = dir.path().join("hub.db");
    let url = spawn_hub(&hub_db);
    let data = dir.path().join("term");
    enrol(&data, &url, &hub_db);
    std::fs::remove_file(data.join("device.key")).expect("remove key");
    let r = doctor(&data, &[]);
    assert!(!r.ok);
    assert_eq!(r.failed(), ["key", "platform"], "{}", r.text);
    assert!(r.detail("key").contains("no key file"), "{}", r.text);
    assert!(r.fix("key").contains("backup"));
    assert!(r.fix("platform").contains("key check"));
}

#[cfg(unix)]
#[test]
fn key_readable_by_others_fails() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let hub_db = dir.path().join("hub.db");
    let url = spawn_hub(&hub_db);
    let data = dir.path().join("term");
    enrol(&data, &url, &hub_db);
    let key = data.join("device.key");
    assert_eq!(
        std::fs::metadata(&key).expect("meta").permissions().mode() & 0o777,
        0o600
    );
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let r = doctor(&data, &[]);
    assert!(!r.ok);
    assert_eq!(r.failed(), ["key", "platform"], "{}", r.text);
    assert!(
        r.detail("key")
            .contains("can be read by other users (mode 644)")
    );
    assert!(r.fix("key").contains("chmod 600"));
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    assert!(doctor(&data, &[]).ok);
}

#[test]
fn file_that_is_not_a_database_fails_and_is_left_alone() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("smartstore.db");
    let junk = b"these are the minutes of the store meeting, not a database".repeat(100);
    std::fs::write(&db, &junk).expect("write");
    let r = doctor(dir.path(), &[]);
    assert!(!r.ok);
    assert_eq!(r.failed(), ["database"], "{}", r.text);
    assert!(
        r.detail("database")
            .contains("not a readable smartstore database")
    );
    assert!(r.fix("database").contains("move the file aside"));
    assert_eq!(r.status("disk"), "pass");
    assert_eq!(r.status("enrolment"), "warn");
    assert_eq!(std::fs::read(&db).expect("read"), junk);
}

#[test]
fn damaged_pages_fail_the_database_check() {
    let dir = tempfile::tempdir().expect("tempdir");
    assert!(doctor(dir.path(), &[]).ok);
    let db = dir.path().join("smartstore.db");
    let mut bytes = std::fs::read(&db).expect("read");
    assert!(
        !dir.path().join("smartstore.db-wal").exists()
            || std::fs::metadata(dir.path().join("smartstore.db-wal"))
                .expect("wal")
                .len()
                == 0,
        "the WAL was checkpointed at close"
    );
    let page = 4096;
    assert!(bytes.len() > 8 * page, "{} bytes", bytes.len());
    // Scribble over pages 2 to 7 (the catalog's b-tree), as a failing disk would.
    for (i, b) in bytes[page..7 * page].iter_mut().enumerate() {
        *b = (i as u8).wrapping_mul(31) ^ 0xA5;
    }
    std::fs::write(&db, &bytes).expect("write");
    let r = doctor(dir.path(), &[]);
    assert!(!r.ok, "{}", r.text);
    assert_eq!(r.failed(), ["database"], "{}", r.text);
    assert!(r.detail("database").contains("damaged"), "{}", r.text);
    assert!(r.fix("database").contains("salvage"), "{}", r.text);
    for name in [
        "unsynced",
        "quarantine",
        "identity",
        "conflicts",
        "payments",
        "enrolment",
        "key",
    ] {
        assert!(r.detail(name).starts_with("not checked"), "{}", r.text);
    }
}

/// The hub as a real process, so it can be killed.
fn start_hub_process(db: &Path) -> (Child, String) {
    let mut child = Command::new(smartstore_testkit::hub_binary())
        .args(["--db"])
        .arg(db)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start hub");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("hub says where it listens");
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("{line}"))
        .to_owned();
    (child, url)
}

#[test]
fn platform_that_is_down_fails_with_what_to_check() {
    let dir = tempfile::tempdir().expect("tempdir");
    let hub_db = dir.path().join("hub.db");
    let (mut hub, url) = start_hub_process(&hub_db);
    let data = dir.path().join("term");
    enrol(&data, &url, &hub_db);
    assert!(doctor(&data, &[]).ok);
    hub.kill().expect("kill hub");
    hub.wait().expect("reap hub");
    let r = doctor(&data, &[]);
    assert!(!r.ok);
    assert_eq!(r.failed(), ["platform"], "{}", r.text);
    assert!(
        r.detail("platform").contains("cannot connect"),
        "{}",
        r.text
    );
    assert!(r.fix("platform").contains("curl"));
    assert_eq!(r.status("clock"), "warn");
    assert!(r.detail("clock").contains("not checked"));
}

#[test]
fn platform_that_forgot_the_device_says_re_enrol() {
    let dir = tempfile::tempdir().expect("tempdir");
    let hub_db = dir.path().join("hub.db");
    let url = spawn_hub(&hub_db);
    let data = dir.path().join("term");
    enrol(&data, &url, &hub_db);
    // Another platform (a fresh database): up, with the right time, but it never met us.
    set_platform_url(&data, &spawn_hub(&dir.path().join("other-hub.db")));
    let r = doctor(&data, &[]);
    assert!(!r.ok);
    assert_eq!(r.failed(), ["platform"], "{}", r.text);
    assert!(r.detail("platform").contains("re-enrol"), "{}", r.text);
    assert!(r.fix("platform").contains("new enrolment token"));
}

/// A reverse proxy in front of the real hub that answers `/v1/time` with its clock moved by
/// `skew_ms`: the platform's clock, as the terminal sees it, is off; everything else is real.
fn skewed_clock_proxy(hub: String, skew_ms: i64) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::blocking::Client::new();
        for conn in listener.incoming().flatten() {
            let _ = proxy_one(conn, &http, &hub, skew_ms);
        }
    });
    addr
}

fn proxy_one(
    conn: TcpStream,
    http: &reqwest::blocking::Client,
    hub: &str,
    skew_ms: i64,
) -> std::io::Result<()> {
    conn.set_read_timeout(Some(Duration::from_secs(5)))?;
    let mut reader = BufReader::new(conn.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let mut parts = request_line.split_whitespace();
    let (method, path) = (
        parts.next().unwrap_or("GET").to_owned(),
        parts.next().unwrap_or("/").to_owned(),
    );
    let mut headers = Vec::new();
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line)?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            if k.eq_ignore_ascii_case("content-length") {
                length = v.trim().parse().unwrap_or(0);
            }
            headers.push((k.trim().to_owned(), v.trim().to_owned()));
        }
    }
    let mut body = vec![0u8; length];
    reader.read_exact(&mut body)?;
    let (status, answer) = if path == "/v1/time" {
        let now = time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000;
        (
            200,
            format!("{{\"now_ms\":{}}}", now as i64 + skew_ms).into_bytes(),
        )
    } else {
        let mut req = http.request(
            method.parse().unwrap_or(reqwest::Method::GET),
            format!("{hub}{path}"),
        );
        for (k, v) in &headers {
            if k.eq_ignore_ascii_case("authorization") || k.eq_ignore_ascii_case("content-type") {
                req = req.header(k, v);
            }
        }
        match req.body(body).send() {
            Ok(resp) => (
                resp.status().as_u16(),
                resp.bytes().map(|b| b.to_vec()).unwrap_or_default(),
            ),
            Err(_) => (502, b"{}".to_vec()),
        }
    };
    let mut conn = conn;
    write!(
        conn,
        "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        answer.len()
    )?;
    conn.write_all(&answer)?;
    conn.flush()
}

#[test]
fn clock_skew_reported_by_the_platform_fails_the_clock_check_only() {
    let dir = tempfile::tempdir().expect("tempdir");
    let hub_db = dir.path().join("hub.db");
    let hub = spawn_hub(&hub_db);
    let data = dir.path().join("term");
    enrol(&data, &hub, &hub_db);

    // The platform's clock is five minutes ahead: this machine is five minutes behind.
    let proxy = skewed_clock_proxy(hub.clone(), 5 * 60 * 1000);
    set_platform_url(&data, &format!("http://{proxy}"));
    let r = doctor(&data, &[]);
    assert!(!r.ok);
    assert_eq!(r.failed(), ["clock"], "{}", r.text);
    let detail = r.detail("clock");
    assert!(
        detail.contains("behind the platform's") && detail.contains("more than a minute"),
        "{detail}"
    );
    assert!(r.fix("clock").contains("timedatectl set-ntp true"));
    assert_eq!(r.status("platform"), "pass", "{}", r.text);

    // Twenty seconds off is drift: a warning, not a failure.
    let proxy = skewed_clock_proxy(hub, -20_000);
    set_platform_url(&data, &format!("http://{proxy}"));
    let r = doctor(&data, &[]);
    assert!(r.ok, "{}", r.text);
    assert_eq!(r.status("clock"), "warn", "{}", r.text);
    assert!(r.detail("clock").contains("ahead of the platform's"));
}

#[test]
fn a_missing_camera_fails_and_frames_without_the_card_warn() {
    let dir = tempfile::tempdir().expect("tempdir");
    let run = |camera: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_smartstore"))
            .args(["doctor", "--json"])
            .env("SMARTSTORE_DATA_DIR", dir.path())
            .env("SMARTSTORE_CAMERA", camera)
            .output()
            .expect("run");
        let line = String::from_utf8_lossy(&out.stdout)
            .lines()
            .find(|l| l.contains("\"check\":\"camera\""))
            .map(str::to_owned)
            .expect("a camera line");
        (
            out.status.success(),
            serde_json::from_str::<Value>(&line).expect("json"),
        )
    };
    let (ok, c) = run("/dev/video-that-is-not-there");
    assert!(!ok);
    assert_eq!(c["status"], "fail", "{c}");
    assert!(c["fix"].as_str().unwrap_or("").contains("plug in"), "{c}");
    // Frames with no code of the card: the camera works, the card was not shown.
    let blank = tempfile::tempdir().expect("tempdir");
    image::GrayImage::from_pixel(320, 240, image::Luma([200u8]))
        .save(blank.path().join("wall.png"))
        .expect("png");
    let (_, c) = run(&format!("replay:{}", blank.path().display()));
    assert_eq!(c["status"], "warn", "{c}");
    assert!(c["fix"].as_str().unwrap_or("").contains("test card"), "{c}");
    // A scanner-only counter (camera = "none") passes: there is no camera to check.
    let (_, c) = run("none");
    assert_eq!(c["status"], "pass", "{c}");
    assert!(
        c["detail"].as_str().unwrap_or("").contains("USB scanner"),
        "{c}"
    );
}

#[test]
fn an_enrolled_kiosk_without_a_staff_pin_does_not_start_and_doctor_fails() {
    let dir = tempfile::tempdir().expect("tempdir");
    let hub_db = dir.path().join("hub.db");
    let url = spawn_hub(&hub_db);
    let data = dir.path().join("term");
    enrol(&data, &url, &hub_db);
    assert_eq!(doctor(&data, &[]).status("pin"), "pass");
    std::fs::remove_file(data.join("config.toml")).expect("no PIN");
    let out = smartstore(&data, &["--mode", "kiosk"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no staff PIN"), "{err}");
    assert!(!err.contains("2468"), "never the demo PIN: {err}");
    let r = doctor(&data, &[]);
    assert_eq!(r.status("pin"), "fail", "{}", r.text);
    assert!(r.fix("pin").contains("smartstore pin"));
    // The demo store keeps its demo PIN, with a warning.
    let demo = dir.path().join("demo");
    assert_eq!(doctor(&demo, &[]).status("pin"), "warn");
}
