//! The platform at retail scale (issue 17): many terminals, in waves, enrol and push signed
//! batches against two hub processes on one PostgreSQL database (round robin, as nginx in
//! front of them does), then against one hub on SQLite, in the same run.
//!
//! Everything is real: the release `smartstore-hub` binary serving HTTP on loopback, a
//! throwaway PostgreSQL cluster of Debian's (tests/support/postgres.rs), an Ed25519 key made
//! per terminal, `POST /v1/enrol` with a one-time token, and `POST /v1/batches` with compact
//! JWS batches signed by that key, each request on a new connection as the terminal makes it.
//! A failed request is retried after a pause, as the terminal does, and counted.
//!
//! Run: `cargo bench -p smartstore-hub --bench fleet_scale -- --terminals 100000 --wave 5000
//! --threads 32 --batches 2 --events 10` (`--only postgres` or `--only sqlite` for one side).

#[path = "../tests/support/mod.rs"]
mod support;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::json;
use smartstore_hub::store::Admin;
use smartstore_protocol::keys::SigningKey;
use smartstore_protocol::wire::{BATCH_PATH, ENROL_PATH, EnrolRequest, EnrolResponse};

fn arg(args: &[String], name: &str, default: usize) -> usize {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(default)
}

struct Hub {
    child: Child,
    addr: SocketAddr,
}

impl Drop for Hub {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_hub(db: &str, connections: usize) -> Hub {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_smartstore-hub"))
        .args(["--db", db, "--db-connections"])
        .arg(connections.to_string())
        .args(["serve", "--listen"])
        .arg(format!("127.0.0.1:{port}"))
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start smartstore-hub");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("the hub says where it listens");
    assert!(line.starts_with("listening on"), "{line}");
    Hub {
        child,
        addr: SocketAddr::from(([127, 0, 0, 1], port)),
    }
}

/// One request on its own connection: the status and the body.
fn post(
    addr: SocketAddr,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> std::io::Result<(u16, String)> {
    support::try_http(addr, "POST", path, headers, body).map(|r| (r.status, r.body))
}

#[derive(Default)]
struct Tally {
    enrol_ms: Vec<f64>,
    push_ms: Vec<f64>,
    failed_attempts: usize,
    failures: Vec<String>,
}

/// Sends until a 200, pausing between tries as the terminal does; times the successful one.
fn until_ok(
    tally: &mut Tally,
    mut send: impl FnMut() -> std::io::Result<(u16, String)>,
) -> Option<(String, f64)> {
    for attempt in 0..20u64 {
        let t = Instant::now();
        match send() {
            Ok((200, body)) => return Some((body, t.elapsed().as_secs_f64() * 1e3)),
            Ok((status, body)) => {
                tally.failed_attempts += 1;
                if tally.failures.len() < 5 {
                    tally.failures.push(format!("{status} {body}"));
                }
            }
            Err(e) => {
                tally.failed_attempts += 1;
                if tally.failures.len() < 5 {
                    tally.failures.push(e.to_string());
                }
            }
        }
        std::thread::sleep(Duration::from_millis(50 * (attempt + 1)));
    }
    None
}

/// One terminal: a key, enrolment, `batches` signed batches of `events` order events.
fn terminal(
    hub: SocketAddr,
    token: &str,
    batches: u64,
    events: u64,
    tally: &mut Tally,
) -> Option<()> {
    let pending = SigningKey::generate("pending").ok()?;
    let req = serde_json::to_vec(&EnrolRequest {
        token: token.to_owned(),
        public_key: pending.jwk(),
        store_id: None,
        replaces: None,
    })
    .ok()?;
    let (body, ms) = until_ok(tally, || {
        post(
            hub,
            ENROL_PATH,
            &[("Content-Type", "application/json")],
            &req,
        )
    })?;
    tally.enrol_ms.push(ms);
    let enrolled: EnrolResponse = serde_json::from_str(&body).ok()?;
    let key = SigningKey::from_pkcs8(pending.pkcs8(), &enrolled.device_id).ok()?;
    for b in 0..batches {
        let first = b * events + 1;
        let evs: Vec<_> = (first..first + events)
            .map(|seq| {
                let order = uuid::Uuid::now_v7().to_string();
                let receipt = format!("{}-{seq:06}", enrolled.receipt_prefix);
                json!({
                    "seq": seq,
                    "event_id": uuid::Uuid::now_v7().to_string(),
                    "type": "order.placed",
                    "order_id": order,
                    "created_at": "2026-11-11T00:00:05Z",
                    "body": {
                        "order_id": order, "receipt": receipt, "store": enrolled.store_id,
                        "terminal": enrolled.terminal_id, "number": seq,
                        "lines": [{"gtin": "06921000000019", "name": "Coca-Cola 330 ml", "quantity": 2, "unit_price": 350},
                                  {"gtin": "06921000000033", "name": "Oolong tea 500 ml", "quantity": 1, "unit_price": 550}],
                        "subtotal": 1250, "discount": 0, "total": 1250, "currency": "CNY",
                        "payment": {"method": "cash"},
                        "tenders": [{"kind": {"method": "cash"}, "amount": {"minor": 1250, "currency": "CNY"},
                                     "tendered": {"minor": 2000, "currency": "CNY"}, "status": "approved",
                                     "reference": format!("{order}-1")}],
                    },
                })
            })
            .collect();
        let jws = support::signed_batch(&key, &key.kid, first, evs);
        let (body, ms) = until_ok(tally, || {
            let bearer = format!("Bearer {}", support::bearer(&key, &key.kid));
            post(
                hub,
                BATCH_PATH,
                &[
                    ("Authorization", bearer.as_str()),
                    ("Content-Type", "application/jose"),
                ],
                jws.as_bytes(),
            )
        })?;
        if !body.contains(&format!("\"held_seq\":{}", first + events - 1)) {
            tally.failures.push(format!("not held: {body}"));
            return None;
        }
        tally.push_ms.push(ms);
    }
    Some(())
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

struct Run {
    label: String,
    terminals: usize,
    done: usize,
    events: u64,
    wall: Duration,
    tally: Tally,
    size_bytes: u64,
    stored_events: u64,
    stored_devices: u64,
}

/// Rolls `tokens` out in waves of `wave` over `threads` client threads, round robin over
/// `hubs`.
fn roll_out(
    label: &str,
    hubs: &[SocketAddr],
    tokens: &[String],
    wave: usize,
    threads: usize,
    batches: u64,
    events: u64,
) -> (Duration, usize, Tally) {
    let total = Mutex::new(Tally::default());
    let done = AtomicUsize::new(0);
    let start = Instant::now();
    for (w, chunk) in tokens.chunks(wave).enumerate() {
        let next = AtomicUsize::new(0);
        let t = Instant::now();
        std::thread::scope(|s| {
            for _ in 0..threads {
                s.spawn(|| {
                    let mut mine = Tally::default();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(token) = chunk.get(i) else { break };
                        let hub = hubs[(w * wave + i) % hubs.len()];
                        if terminal(hub, token, batches, events, &mut mine).is_some() {
                            done.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                    let mut all = total.lock().expect("tally");
                    all.enrol_ms.extend(mine.enrol_ms);
                    all.push_ms.extend(mine.push_ms);
                    all.failed_attempts += mine.failed_attempts;
                    all.failures.extend(mine.failures.into_iter().take(3));
                });
            }
        });
        eprintln!(
            "{label}: wave {} ({} terminals) in {:.1} s, {:.0} terminals/s; {} done so far",
            w + 1,
            chunk.len(),
            t.elapsed().as_secs_f64(),
            chunk.len() as f64 / t.elapsed().as_secs_f64(),
            done.load(Ordering::Relaxed)
        );
    }
    (
        start.elapsed(),
        done.into_inner(),
        total.into_inner().expect("tally"),
    )
}

fn tokens(admin: &mut Admin, terminals: usize) -> Vec<String> {
    // 10 terminals a store, as a rollout list has them.
    let stores: Vec<(String, u32)> = (0..terminals.div_ceil(10))
        .map(|s| (format!("S{s:06}"), 10))
        .collect();
    let t = Instant::now();
    let mut out: Vec<String> = admin
        .create_fleet_tokens(&stores, time::Duration::days(7))
        .expect("tokens")
        .into_iter()
        .map(|t| t.token)
        .collect();
    out.truncate(terminals);
    eprintln!("{} tokens in {:.1} s", out.len(), t.elapsed().as_secs_f64());
    out
}

fn report(r: &Run) {
    let mut enrol = r.tally.enrol_ms.clone();
    let mut push = r.tally.push_ms.clone();
    enrol.sort_by(f64::total_cmp);
    push.sort_by(f64::total_cmp);
    let secs = r.wall.as_secs_f64();
    println!("### {}", r.label);
    println!();
    println!(
        "- {} terminals, {} finished, in {:.1} s: {:.0} terminals/s, {:.0} events/s stored",
        r.terminals,
        r.done,
        secs,
        r.done as f64 / secs,
        r.events as f64 / secs
    );
    println!(
        "- database afterwards: {} devices, {} events (expected {} and {})",
        r.stored_devices, r.stored_events, r.done, r.events
    );
    println!(
        "- errors: {} failed attempts (retried), {} terminals that did not finish{}",
        r.tally.failed_attempts,
        r.terminals - r.done,
        if r.tally.failures.is_empty() {
            String::new()
        } else {
            format!(
                "; first: {:?}",
                &r.tally.failures[..r.tally.failures.len().min(3)]
            )
        }
    );
    println!(
        "- database size: {:.1} MiB, {:.0} MiB per million events",
        r.size_bytes as f64 / 1048576.0,
        r.size_bytes as f64 / 1048576.0 / (r.stored_events.max(1) as f64 / 1e6)
    );
    println!();
    println!("| request | count | p50 ms | p95 ms | p99 ms | max ms |");
    println!("|---|---|---|---|---|---|");
    for (name, v) in [("enrol", &enrol), ("push batch", &push)] {
        println!(
            "| {name} | {} | {:.1} | {:.1} | {:.1} | {:.1} |",
            v.len(),
            percentile(v, 0.5),
            percentile(v, 0.95),
            percentile(v, 0.99),
            v.last().copied().unwrap_or(0.0)
        );
    }
    println!();
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let terminals = arg(&args, "--terminals", 2000);
    let wave = arg(&args, "--wave", 1000).max(1);
    let threads = arg(&args, "--threads", 32).max(1);
    let batches = arg(&args, "--batches", 2).max(1) as u64;
    let events = arg(&args, "--events", 10).max(1) as u64;
    let only = args
        .iter()
        .position(|a| a == "--only")
        .and_then(|i| args.get(i + 1))
        .cloned();
    println!(
        "{terminals} terminals in waves of {wave}, {threads} client threads, {batches} batches of {events} order events each"
    );
    println!();
    let mut runs = Vec::new();
    if only.as_deref() != Some("sqlite") {
        let cluster = support::postgres::Cluster::start();
        let url = cluster.database();
        let db = url.rsplit('/').next().unwrap_or("").to_owned();
        let mut admin = Admin::open(&url, 4).expect("hub db");
        let tokens = tokens(&mut admin, terminals);
        let before: u64 = cluster
            .psql(&db, "SELECT pg_database_size(current_database())")
            .parse()
            .unwrap_or(0);
        let hubs = [start_hub(&url, 16), start_hub(&url, 16)];
        let addrs: Vec<SocketAddr> = hubs.iter().map(|h| h.addr).collect();
        let label = "two hubs on one PostgreSQL database";
        let (wall, done, tally) = roll_out(label, &addrs, &tokens, wave, threads, batches, events);
        drop(hubs);
        let after: u64 = cluster
            .psql(&db, "SELECT pg_database_size(current_database())")
            .parse()
            .unwrap_or(0);
        runs.push(Run {
            label: label.into(),
            terminals,
            done,
            events: done as u64 * batches * events,
            wall,
            tally,
            size_bytes: after.saturating_sub(before),
            stored_events: admin.event_count().unwrap_or(0),
            stored_devices: admin.device_count().unwrap_or(0),
        });
    }
    if only.as_deref() != Some("postgres") {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("hub.db");
        let db = path.display().to_string();
        let mut admin = Admin::open(&db, 1).expect("hub db");
        let tokens = tokens(&mut admin, terminals);
        drop(admin);
        let size = |p: &std::path::Path| -> u64 {
            ["", "-wal"]
                .iter()
                .map(|s| {
                    std::fs::metadata(format!("{}{s}", p.display()))
                        .map(|m| m.len())
                        .unwrap_or(0)
                })
                .sum()
        };
        let before = size(&path);
        let hub = start_hub(&db, 1);
        let label = "one hub on SQLite";
        let (wall, done, tally) =
            roll_out(label, &[hub.addr], &tokens, wave, threads, batches, events);
        drop(hub);
        let mut admin = Admin::open(&db, 1).expect("hub db");
        runs.push(Run {
            label: label.into(),
            terminals,
            done,
            events: done as u64 * batches * events,
            wall,
            tally,
            size_bytes: size(&path).saturating_sub(before),
            stored_events: admin.event_count().unwrap_or(0),
            stored_devices: admin.device_count().unwrap_or(0),
        });
    }
    for r in &runs {
        report(r);
    }
}
