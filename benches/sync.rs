//! Sync benchmark (issue 4): drain 100,000 queued events to a local hub, next to the raw cost
//! of reading and signing the same events without the network, measured in the same run.
//! Run: `cargo bench --bench sync` (`-- --events N` to change the count).

use smartstore_testkit as support;

use std::time::{Duration, Instant};

use smartstore::store::Store;
use smartstore::sync::{Device, PlatformClient, build_batch, enroll, sync_once};
use smartstore_hub::db::HubDb;
use smartstore_hub::server;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let events: usize = args
        .iter()
        .position(|a| a == "--events")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000);
    let batch: u32 = 1000;
    let dir = tempfile::tempdir().expect("tempdir");
    let hub_db = dir.path().join("hub.db");
    let token = HubDb::open(&hub_db)
        .expect("hub")
        .create_enrolment_tokens("SH001", 1)
        .expect("token")
        .remove(0);
    let addr = server::spawn(
        HubDb::open(&hub_db).expect("hub"),
        "127.0.0.1:0".parse().expect("addr"),
    )
    .expect("hub");
    let url = format!("http://{addr}");
    let term = dir.path().join("term");
    let mut store = Store::open(&term.join("smartstore.db")).expect("store");
    let client = PlatformClient::new(&url, Duration::from_secs(30)).expect("client");
    enroll(&mut store, &term, &client, &token).expect("enrol");
    store
        .import_catalog_csv(
            std::io::Cursor::new(smartstore::store::DEMO_CATALOG_CSV),
            smartstore_domain::money::Currency::CNY,
        )
        .expect("catalog");
    let device = Device::load(&store, &term).expect("device");
    eprintln!("queueing {events} orders…");
    let t = Instant::now();
    for n in 0..events {
        store
            .place_order(&support::demo_draft(&store, n % 4 + 1))
            .expect("order");
    }
    eprintln!("queued in {:.1} s", t.elapsed().as_secs_f64());

    // Raw: read and sign every batch, no network, nothing marked.
    let t = Instant::now();
    let mut acked = 0u64;
    let mut bytes = 0usize;
    while let Some((jws, last)) = build_batch(&store, &device.key, acked, batch).expect("build") {
        bytes += jws.len();
        acked = last;
    }
    let raw = t.elapsed();

    let t = Instant::now();
    let report = sync_once(&mut store, &client, &device.key, batch).expect("sync");
    let drain = t.elapsed();
    assert_eq!(report.pushed as usize, events);
    assert_eq!(
        HubDb::open(&hub_db)
            .expect("hub")
            .event_count()
            .expect("count") as usize,
        events
    );

    let per_s = |d: Duration| events as f64 / d.as_secs_f64();
    println!(
        "\n### Sync drain ({events} events, batches of {batch}, hub on loopback, both synchronous=FULL)\n"
    );
    println!("| what | time | events/s |\n|---|---|---|");
    println!(
        "| read + sign only (no network) | {:.2} s | {:.0} |",
        raw.as_secs_f64(),
        per_s(raw)
    );
    println!(
        "| drain to the hub (push, verify, store, ack) | {:.2} s | {:.0} |",
        drain.as_secs_f64(),
        per_s(drain)
    );
    println!(
        "\nratio drain / raw: {:.2}×; {:.1} MB of JWS",
        drain.as_secs_f64() / raw.as_secs_f64(),
        bytes as f64 / 1e6
    );
}
