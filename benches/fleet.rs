//! Fleet rollout benchmark (issue 7): 10,000 terminals enrol with one hub and push one signed
//! batch each, from a few client threads, the way a rollout morning looks to the platform.
//!
//! The hub is the real one (axum, SQLite with synchronous=FULL) on 127.0.0.1:0 in this process;
//! each terminal makes its own Ed25519 key, enrols over HTTP with a token from a bulk run, signs
//! a batch of real order events (compact JWS, EdDSA) and pushes it. Transient failures are
//! retried with backoff as the terminal does; every failed attempt is counted.
//!
//! Run: `cargo bench --bench fleet` (`-- --terminals N --threads T --events E`).

use smartstore_testkit as support;

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::value::RawValue;
use smartstore::store::{OutboxEvent, Store};
use smartstore::sync::{PlatformClient, Step, SyncError};
use smartstore_domain::sync::backoff_ms;
use smartstore_hub::db::HubDb;
use smartstore_hub::server;
use smartstore_protocol::jws::jws_sign;
use smartstore_protocol::keys::SigningKey;
use smartstore_protocol::wire::{BATCH_TYP, BatchEvent, BatchPayload, EnrolRequest};
use uuid::Uuid;

fn arg(args: &[String], name: &str, default: usize) -> usize {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(default)
}

/// A real order event of the demo store, as a terminal's outbox holds it.
fn template_event() -> OutboxEvent {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&dir.path().join("smartstore.db")).expect("store");
    store
        .place_order(&support::demo_draft(&store, 3))
        .expect("order");
    store.outbox_after(0, 1).expect("outbox").remove(0)
}

#[derive(Default)]
struct Tally {
    enrol_ms: Vec<f64>,
    push_ms: Vec<f64>,
    failed_attempts: Vec<String>,
    failed_terminals: usize,
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// Retries transient failures (timeouts, resets, 5xx) as a terminal would.
fn with_retries<T>(
    tally: &mut Tally,
    rng: &mut fastrand::Rng,
    mut f: impl FnMut() -> Result<T, SyncError>,
) -> Result<T, SyncError> {
    let mut attempt = 0;
    loop {
        match f() {
            Ok(v) => return Ok(v),
            Err(e) => {
                tally.failed_attempts.push(e.to_string());
                attempt += 1;
                if !e.is_transient() || attempt >= 6 {
                    return Err(e);
                }
                std::thread::sleep(Duration::from_millis(backoff_ms(
                    attempt - 1,
                    100,
                    5_000,
                    rng.f64(),
                )));
            }
        }
    }
}

fn terminal(
    client: &PlatformClient,
    token: &str,
    template: &OutboxEvent,
    events: usize,
    tally: &mut Tally,
    rng: &mut fastrand::Rng,
) -> Result<(), SyncError> {
    let pending = SigningKey::generate("pending")?;
    let req = EnrolRequest {
        token: token.to_owned(),
        public_key: pending.jwk(),
        store_id: None,
        replaces: None,
    };
    let t = Instant::now();
    let enrolled = with_retries(tally, rng, || client.enrol(&req))?;
    tally.enrol_ms.push(t.elapsed().as_secs_f64() * 1e3);
    let key =
        SigningKey::from_pkcs8(pending.pkcs8(), &enrolled.device_id).map_err(SyncError::Key)?;

    let mut batch = Vec::with_capacity(events);
    for seq in 1..=events as u64 {
        let body =
            RawValue::from_string(template.payload.clone()).map_err(|e| SyncError::BadAnswer {
                step: Step::Push,
                detail: e.to_string(),
            })?;
        batch.push(BatchEvent {
            seq,
            event_id: Uuid::now_v7().to_string(),
            kind: template.kind.clone(),
            order_id: Some(Uuid::now_v7().to_string()),
            created_at: template.created_at.clone(),
            body,
        });
    }
    let payload = BatchPayload {
        device_id: key.kid.clone(),
        batch_id: Uuid::now_v7().to_string(),
        first_seq: 1,
        last_seq: events as u64,
        events: batch,
    };
    let json = serde_json::to_vec(&payload).map_err(|e| SyncError::BadAnswer {
        step: Step::Push,
        detail: e.to_string(),
    })?;
    let jws = jws_sign(&key, Some(BATCH_TYP), &json);
    let t = Instant::now();
    let ack = with_retries(tally, rng, || client.push(&key, jws.clone()))?;
    tally.push_ms.push(t.elapsed().as_secs_f64() * 1e3);
    if ack.held_seq != events as u64 {
        return Err(SyncError::Stalled { held: ack.held_seq });
    }
    Ok(())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let terminals = arg(&args, "--terminals", 10_000);
    let threads = arg(&args, "--threads", 8).max(1);
    let events = arg(&args, "--events", 20).max(1);
    let per_store = 10usize;

    let dir = tempfile::tempdir().expect("tempdir");
    let hub_db = dir.path().join("hub.db");
    let stores: Vec<(String, u32)> = (0..terminals.div_ceil(per_store))
        .map(|i| {
            let n = per_store.min(terminals - i * per_store) as u32;
            (format!("S{i:05}"), n)
        })
        .collect();
    let t = Instant::now();
    let tokens = HubDb::open(&hub_db)
        .expect("hub")
        .create_fleet_tokens(&stores, smartstore_hub::db::DEFAULT_TOKEN_VALIDITY)
        .expect("tokens");
    let token_time = t.elapsed();
    assert_eq!(tokens.len(), terminals);

    let addr = server::spawn(
        HubDb::open(&hub_db).expect("hub"),
        "127.0.0.1:0".parse().expect("addr"),
    )
    .expect("hub");
    let url = format!("http://{addr}");
    let template = template_event();
    eprintln!(
        "{terminals} terminals, {threads} client threads, {events} events a batch, hub at {url}"
    );

    let next = AtomicUsize::new(0);
    let total = Mutex::new(Tally::default());
    let started = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                let client = PlatformClient::new(&url, Duration::from_secs(30)).expect("client");
                let mut tally = Tally::default();
                let mut rng = fastrand::Rng::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(t) = tokens.get(i) else { break };
                    if let Err(e) =
                        terminal(&client, &t.token, &template, events, &mut tally, &mut rng)
                    {
                        tally.failed_terminals += 1;
                        eprintln!("terminal {i} ({}): {e}", t.store);
                    }
                    if i > 0 && i.is_multiple_of(1000) {
                        eprintln!(
                            "  {i} terminals started, {:.1} s",
                            started.elapsed().as_secs_f64()
                        );
                    }
                }
                let mut all = total.lock().expect("tally");
                all.enrol_ms.extend(tally.enrol_ms);
                all.push_ms.extend(tally.push_ms);
                all.failed_attempts.extend(tally.failed_attempts);
                all.failed_terminals += tally.failed_terminals;
            });
        }
    });
    let wall = started.elapsed();
    let mut tally = total.into_inner().expect("tally");

    let hub = HubDb::open(&hub_db).expect("hub");
    let devices = hub.device_count().expect("devices");
    let stored = hub.event_count().expect("events");

    tally.enrol_ms.sort_by(f64::total_cmp);
    tally.push_ms.sort_by(f64::total_cmp);
    let row = |name: &str, v: &[f64]| {
        println!(
            "| {name} | {} | {:.1} | {:.1} | {:.1} | {:.1} |",
            v.len(),
            percentile(v, 0.5),
            percentile(v, 0.95),
            percentile(v, 0.99),
            v.last().copied().unwrap_or(f64::NAN)
        );
    };
    println!(
        "\n### {terminals} terminals enrol and push a batch of {events} events each ({threads} client threads, one hub)\n"
    );
    println!(
        "- tokens for {} stores made in one transaction: {:.2} s",
        stores.len(),
        token_time.as_secs_f64()
    );
    println!(
        "- whole rollout: {:.1} s wall, {:.0} terminals/s ({:.0} events/s stored)",
        wall.as_secs_f64(),
        terminals as f64 / wall.as_secs_f64(),
        stored as f64 / wall.as_secs_f64()
    );
    println!(
        "- hub afterwards: {devices} devices, {stored} events (expected {terminals} and {})",
        terminals * events
    );
    println!(
        "- errors: {} failed attempts (retried), {} terminals that did not finish",
        tally.failed_attempts.len(),
        tally.failed_terminals
    );
    let mut kinds: Vec<(String, usize)> = Vec::new();
    for e in &tally.failed_attempts {
        let head: String = e.chars().take(80).collect();
        match kinds.iter_mut().find(|(k, _)| *k == head) {
            Some((_, n)) => *n += 1,
            None => kinds.push((head, 1)),
        }
    }
    for (k, n) in kinds {
        println!("  - {n} × {k}");
    }
    println!(
        "\n| request | count | p50 ms | p95 ms | p99 ms | max ms |\n|---|---|---|---|---|---|"
    );
    row("enrol", &tally.enrol_ms);
    row("push batch", &tally.push_ms);
    assert_eq!(devices as usize, terminals - tally.failed_terminals);
    assert_eq!(
        stored as usize,
        (terminals - tally.failed_terminals) * events
    );
}
