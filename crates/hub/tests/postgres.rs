//! The hub on PostgreSQL as a retailer runs it (issue 17): several hub processes on one
//! database, and the database or a hub failing in the middle of a sync. Each test starts its
//! own throwaway cluster (support::postgres); all are ignored unless run with `--ignored`
//! (.ci/run installs PostgreSQL and does).

mod support;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::Command;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use smartstore_hub::store::Admin;
use smartstore_protocol::keys::SigningKey;
use support::postgres::{Cluster, SmallDisk};
use support::process::HubProcess;
use support::{post_batch, signed_batch};

struct Device {
    key: SigningKey,
    id: String,
}

fn enrol(admin: &mut Admin, store: &str) -> Device {
    let (key, enrolled) = support::enrol(admin, store);
    Device {
        key,
        id: enrolled.device_id,
    }
}

/// `n` events from `first` on, their ids made of the device's and the sequence number.
fn events(device: &Device, first: u64, n: u64) -> Vec<Value> {
    (first..first + n)
        .map(|seq| {
            json!({
                "seq": seq,
                "event_id": format!("{}-{seq}", device.id),
                "type": "test.note",
                "order_id": null,
                "created_at": "2026-11-11T00:00:00Z",
                "body": {"n": seq},
            })
        })
        .collect()
}

/// Sends a batch until a hub of `hubs` stores it (every failure retried, as the terminal
/// does, on the next hub); returns the statuses and errors met on the way.
fn deliver(hubs: &[SocketAddr], device: &Device, jws: &str, until: u64) -> Vec<String> {
    let mut met = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(120);
    for hub in hubs.iter().cycle() {
        assert!(Instant::now() < deadline, "never stored: {met:?}");
        match post_batch(*hub, &device.key, &device.id, jws) {
            Ok(r) if r.status == 200 && r.body.contains(&format!("\"held_seq\":{until}")) => {
                return met;
            }
            Ok(r) => met.push(format!("{} {}", r.status, r.body)),
            Err(e) => met.push(e.to_string()),
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    met
}

/// The database's events of `device`: how many, and how many distinct event ids.
fn stored(cluster: &Cluster, db: &str, device: &Device) -> (u64, u64, u64) {
    let out = cluster.psql(
        db,
        &format!(
            "SELECT count(*), count(DISTINCT event_id), (SELECT held_seq FROM devices WHERE id = '{0}')
             FROM events WHERE device_id = '{0}'",
            device.id
        ),
    );
    let n: Vec<u64> = out
        .split('|')
        .map(|x| x.trim().parse().expect("a number"))
        .collect();
    (n[0], n[1], n[2])
}

fn db_name(url: &str) -> &str {
    url.rsplit('/').next().expect("a database name")
}

fn log(cluster: &Cluster, name: &str) -> PathBuf {
    cluster.dir().join(name)
}

#[test]
#[ignore = "needs PostgreSQL (Debian's postgresql): .ci/run runs it with --ignored"]
fn two_hubs_receiving_the_same_batch_at_the_same_moment_store_it_once() {
    let cluster = Cluster::start();
    let url = cluster.database();
    let mut admin = Admin::open(&url, 2).expect("hub db");
    let devices: Vec<Device> = (0..3).map(|_| enrol(&mut admin, "SH001")).collect();
    let a = HubProcess::start(&url, &log(&cluster, "a.log"));
    let b = HubProcess::start(&url, &log(&cluster, "b.log"));
    const ROUNDS: u64 = 20;
    const PER: u64 = 25;
    for device in &devices {
        for round in 0..ROUNDS {
            let first = round * PER + 1;
            let jws = signed_batch(&device.key, &device.id, first, events(device, first, PER));
            let start = Arc::new(Barrier::new(2));
            let answers: Vec<_> = [a.addr, b.addr]
                .into_iter()
                .map(|hub| {
                    let (start, jws) = (start.clone(), jws.clone());
                    let (key, id) = (device.key.pkcs8().to_vec(), device.id.clone());
                    std::thread::spawn(move || {
                        let key = SigningKey::from_pkcs8(&key, &id).expect("key");
                        start.wait();
                        post_batch(hub, &key, &id, &jws).expect("an answer")
                    })
                })
                .collect();
            for answer in answers {
                let r = answer.join().expect("thread");
                assert_eq!(r.status, 200, "{}", r.body);
                assert!(
                    r.body
                        .contains(&format!("\"held_seq\":{}", first + PER - 1)),
                    "both hubs answer the mark: {}",
                    r.body
                );
            }
        }
        let (n, distinct, held) = stored(&cluster, db_name(&url), device);
        assert_eq!(
            (n, distinct, held),
            (ROUNDS * PER, ROUNDS * PER, ROUNDS * PER)
        );
    }
    assert_eq!(admin.event_count().expect("count"), 3 * ROUNDS * PER);
}

#[test]
#[ignore = "needs PostgreSQL (Debian's postgresql): .ci/run runs it with --ignored"]
fn postgresql_restarted_during_a_sync_loses_and_doubles_nothing() {
    let cluster = Cluster::start();
    let url = cluster.database();
    let mut admin = Admin::open(&url, 2).expect("hub db");
    let device = enrol(&mut admin, "SH001");
    drop(admin);
    let hub_log = log(&cluster, "hub.log");
    let hub = HubProcess::start(&url, &hub_log);
    const BATCHES: u64 = 40;
    const PER: u64 = 20;
    let addr = hub.addr;
    let terminal = std::thread::spawn(move || {
        let mut met = Vec::new();
        for k in 0..BATCHES {
            let first = k * PER + 1;
            let jws = signed_batch(&device.key, &device.id, first, events(&device, first, PER));
            met.extend(deliver(&[addr], &device, &jws, first + PER - 1));
            std::thread::sleep(Duration::from_millis(20));
        }
        (device, met)
    });
    std::thread::sleep(Duration::from_millis(300));
    cluster.stop_server();
    std::thread::sleep(Duration::from_secs(2));
    cluster.start_server();
    let (device, met) = terminal.join().expect("terminal");
    let (n, distinct, held) = stored(&cluster, db_name(&url), &device);
    assert_eq!(
        (n, distinct, held),
        (BATCHES * PER, BATCHES * PER, BATCHES * PER)
    );
    assert!(
        met.iter()
            .any(|m| m.contains("503") && m.contains("storage_unavailable")),
        "the outage is a 503 the terminal retries: {met:?}"
    );
    let text = std::fs::read_to_string(&hub_log).expect("hub log");
    assert!(
        text.contains("the platform's database cannot be reached"),
        "the hub's log says why: {text}"
    );
}

#[test]
#[ignore = "needs PostgreSQL (Debian's postgresql): .ci/run runs it with --ignored"]
fn a_hub_killed_mid_batch_loses_and_doubles_nothing() {
    let cluster = Cluster::start();
    let url = cluster.database();
    let mut admin = Admin::open(&url, 2).expect("hub db");
    let device = enrol(&mut admin, "SH001");
    let survivor = HubProcess::start(&url, &log(&cluster, "survivor.log"));
    const ROUNDS: u64 = 8;
    const PER: u64 = 400;
    let mut rng = fastish(7);
    for round in 0..ROUNDS {
        let mut victim = HubProcess::start(&url, &log(&cluster, "victim.log"));
        let first = round * PER + 1;
        let jws = signed_batch(&device.key, &device.id, first, events(&device, first, PER));
        // The batch goes to the victim, which is killed while it stores it (or just before,
        // or just after: the delay varies).
        let (addr, j, key, id) = (
            victim.addr,
            jws.clone(),
            device.key.pkcs8().to_vec(),
            device.id.clone(),
        );
        let sent = std::thread::spawn(move || {
            let key = SigningKey::from_pkcs8(&key, &id).expect("key");
            post_batch(addr, &key, &id, &j)
        });
        rng = rng.wrapping_mul(6364136223846793005).wrapping_add(1);
        std::thread::sleep(Duration::from_millis(5 + (rng >> 33) % 60));
        victim.kill();
        let _ = sent.join().expect("thread");
        // The terminal resends to the hub that is left.
        deliver(&[survivor.addr], &device, &jws, first + PER - 1);
    }
    let (n, distinct, held) = stored(&cluster, db_name(&url), &device);
    assert_eq!(
        (n, distinct, held),
        (ROUNDS * PER, ROUNDS * PER, ROUNDS * PER)
    );
}

fn fastish(seed: u64) -> u64 {
    seed ^ (time::OffsetDateTime::now_utc().unix_timestamp_nanos() as u64)
}

#[test]
#[ignore = "needs PostgreSQL (Debian's postgresql): .ci/run runs it with --ignored"]
fn a_read_only_database_is_a_503_with_its_reason_and_the_hub_log_says_so() {
    let cluster = Cluster::start();
    let url = cluster.database();
    let mut admin = Admin::open(&url, 2).expect("hub db");
    let device = enrol(&mut admin, "SH001");
    let hub_log = log(&cluster, "hub.log");
    let hub = HubProcess::start(&url, &hub_log);
    let jws = signed_batch(&device.key, &device.id, 1, events(&device, 1, 5));
    cluster.psql(
        "postgres",
        "ALTER SYSTEM SET default_transaction_read_only = on",
    );
    cluster.psql("postgres", "SELECT pg_reload_conf()");
    std::thread::sleep(Duration::from_millis(300));
    let r = post_batch(hub.addr, &device.key, &device.id, &jws).expect("an answer");
    assert_eq!(r.status, 503, "{}", r.body);
    assert!(
        r.body.contains("\"error\":\"storage_read_only\""),
        "{}",
        r.body
    );
    assert!(r.body.contains("read-only"), "{}", r.body);
    let text = std::fs::read_to_string(&hub_log).expect("hub log");
    assert!(
        text.contains("the platform's database is read-only"),
        "the hub's log says why: {text}"
    );
    cluster.psql(
        "postgres",
        "ALTER SYSTEM RESET default_transaction_read_only",
    );
    cluster.psql("postgres", "SELECT pg_reload_conf()");
    std::thread::sleep(Duration::from_millis(300));
    deliver(&[hub.addr], &device, &jws, 5);
    assert_eq!(stored(&cluster, db_name(&url), &device), (5, 5, 5));
}

#[test]
#[ignore = "needs PostgreSQL (Debian's postgresql): .ci/run runs it with --ignored"]
fn migrate_applies_the_schema_once_and_makes_the_event_partitions() {
    let cluster = Cluster::start();
    let url = cluster.database();
    // Trust authentication ignores the password: it is there to be kept out of messages.
    let with_password = url.replace("postgres@", "postgres:s3cret@");
    for _ in 0..2 {
        let out = Command::new(env!("CARGO_BIN_EXE_smartstore-hub"))
            .args(["--db", &with_password, "migrate"])
            .output()
            .expect("run smartstore-hub");
        let said = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(said.contains("up to date"), "{said}");
        assert!(!said.contains("s3cret"), "no password shown: {said}");
    }
    let db = db_name(&url);
    // Each migration of migrations/hub/postgres once, however many there are.
    let shipped = std::fs::read_dir(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../migrations/hub/postgres"
    ))
    .expect("the PostgreSQL migrations")
    .filter_map(|e| e.ok())
    .filter(|e| e.path().extension().is_some_and(|x| x == "sql"))
    .count();
    assert_eq!(
        cluster.psql(db, "SELECT count(*) FROM hub_migrations"),
        shipped.to_string()
    );
    let parts = cluster.psql(
        db,
        "SELECT count(*) FROM pg_inherits WHERE inhparent = 'events'::regclass",
    );
    assert_eq!(parts, "4", "this month, the next two and the default");
    // A newer schema than this hub knows is refused, not written over.
    cluster.psql(
        db,
        "INSERT INTO hub_migrations (name) VALUES ('postgres/9999_future')",
    );
    let out = Command::new(env!("CARGO_BIN_EXE_smartstore-hub"))
        .args(["--db", &url, "migrate"])
        .output()
        .expect("run smartstore-hub");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("newer smartstore-hub"));
}

#[test]
#[ignore = "needs PostgreSQL (Debian's postgresql) and root (a small tmpfs): .ci/run runs it with --ignored"]
fn a_full_disk_is_a_503_with_its_reason_and_nothing_is_lost_or_doubled() {
    // Declared first, dropped last: unmounted once the cluster has stopped.
    let disk = SmallDisk::mount(48);
    let cluster = Cluster::start();
    // The hub's database in a tablespace on the small disk: its tables and their growth there.
    let space = disk.path().join("pg");
    std::fs::create_dir(&space).expect("tablespace dir");
    let out = Command::new("chown")
        .arg("nobody:")
        .arg(&space)
        .output()
        .expect("chown");
    assert!(out.status.success(), "chown: {out:?}");
    cluster.psql(
        "postgres",
        &format!("CREATE TABLESPACE small LOCATION '{}'", space.display()),
    );
    cluster.psql("postgres", "CREATE DATABASE hubfull TABLESPACE small");
    let url = cluster.url("hubfull");
    let mut admin = Admin::open(&url, 2).expect("hub db");
    let device = enrol(&mut admin, "SH001");
    let hub_log = log(&cluster, "hub.log");
    let hub = HubProcess::start(&url, &hub_log);
    let first = signed_batch(&device.key, &device.id, 1, events(&device, 1, 50));
    assert!(deliver(&[hub.addr], &device, &first, 50).is_empty());
    // The disk fills up (another program's file): the next batch's events need new pages.
    let filler = disk.fill();
    let mut bodies = events(&device, 51, 400);
    for e in &mut bodies {
        e["body"]["pad"] = json!("x".repeat(2_000));
    }
    let big = signed_batch(&device.key, &device.id, 51, bodies);
    let r = post_batch(hub.addr, &device.key, &device.id, &big).expect("an answer");
    assert_eq!(r.status, 503, "{}", r.body);
    assert!(r.body.contains("\"error\":\"storage_full\""), "{}", r.body);
    assert!(r.body.contains("out of disk space"), "{}", r.body);
    let text = std::fs::read_to_string(&hub_log).expect("hub log");
    assert!(
        text.contains("the platform's database is out of disk space"),
        "the hub's log says why: {text}"
    );
    assert_eq!(stored(&cluster, "hubfull", &device), (50, 50, 50));
    // Room again: the terminal's retry is stored, once.
    std::fs::remove_file(filler).expect("free the disk");
    deliver(&[hub.addr], &device, &big, 450);
    let again = post_batch(hub.addr, &device.key, &device.id, &big).expect("an answer");
    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!(stored(&cluster, "hubfull", &device), (450, 450, 450));
    drop(hub);
    drop(admin);
    drop(cluster);
}
