//! Durability at the edges (issue 12): what happens to confirmed orders when the files meet a
//! technician, a backup, a clone, a huge name, a failing disk, a full or read-only disk, a
//! second sync and a wrong clock. Each case is made for real: an outside SQLite client in
//! another process, a restored file, a copied folder, byte flips, tmpfs and bind mounts in a
//! private mount namespace, the real hub on loopback.

use smartstore_testkit as support;
use support::restore_clone::platform_orders;

use std::collections::HashSet;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use smartstore::i18n::{Lang, Localize};
use smartstore::store::{Store, StoreError};
use smartstore::sync::{Device, PlatformClient, SyncError, enroll, recover, sync_once};
use smartstore_hub::db::HubDb;
use smartstore_hub::server;

const DB: &str = "smartstore.db";

fn spawn_hub(db: &Path) -> SocketAddr {
    smartstore_testkit::spawn_hub(db)
}

fn token(hub_db: &Path, store: &str) -> String {
    HubDb::open(hub_db)
        .expect("hub db")
        .create_enrolment_tokens(store, 1)
        .expect("token")
        .remove(0)
}

fn client(url: &str) -> PlatformClient {
    PlatformClient::new(url, Duration::from_secs(10)).expect("client")
}

/// An enrolled terminal of store SH001 with the demo catalog loaded.
fn terminal(dir: &Path, hub_db: &Path, url: &str) -> Store {
    let mut store = Store::open(&dir.join(DB)).expect("store");
    enroll(&mut store, dir, &client(url), &token(hub_db, "SH001")).expect("enrol");
    store
        .import_catalog_csv(
            std::io::Cursor::new(smartstore::store::DEMO_CATALOG_CSV),
            smartstore_domain::money::Currency::CNY,
        )
        .expect("catalog");
    store
}

fn place(store: &mut Store, n: usize) -> Vec<String> {
    (0..n)
        .map(|i| {
            store
                .place_order(&support::demo_draft(store, i % 3 + 1))
                .expect("order")
                .id
                .to_string()
        })
        .collect()
}

fn sync(
    store: &mut Store,
    dir: &Path,
    url: &str,
) -> Result<smartstore::sync::SyncReport, SyncError> {
    let device = Device::load(store, dir).expect("device");
    sync_once(store, &client(url), &device.key, 500)
}

fn smartstore(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_smartstore"))
        .args(args)
        .env("SMARTSTORE_DATA_DIR", data)
        .env("SMARTSTORE_LANG", "en")
        .env_remove("DISPLAY")
        .output()
        .expect("run smartstore")
}

fn text(out: &Output) -> String {
    smartstore_testkit::output_text(out)
}

// 1. ------------------------------------------------------------------------------------------

/// The window keeps its store open; an ordinary SQLite client in another process (a backup
/// script, a technician's shell) opens and closes the database in between. If this process
/// had dropped its POSIX locks, that client would delete the WAL under it and the orders after
/// would vanish.
#[test]
fn an_outside_sqlite_client_opening_and_closing_loses_no_order() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut window = Store::open(&dir.path().join(DB)).expect("store");
    let mut ids = Vec::new();
    for round in 0..4 {
        ids.extend(place(&mut window, 5));
        // Another process: SQLite opens the file, reads, and closes it.
        let out = smartstore(dir.path(), &["orders", "--json"]);
        assert!(out.status.success(), "{}", text(&out));
        let listed = String::from_utf8_lossy(&out.stdout).lines().count();
        assert_eq!(
            listed,
            ids.len(),
            "round {round}: the outside client sees every order"
        );
    }
    ids.extend(place(&mut window, 5));
    assert_eq!(window.order_count().expect("count"), 25);
    drop(window);
    let reopened = Store::open(&dir.path().join(DB)).expect("reopen");
    let stored: HashSet<String> = reopened
        .orders(false, 1000)
        .expect("orders")
        .into_iter()
        .map(|o| o.id)
        .collect();
    assert_eq!(stored, ids.into_iter().collect::<HashSet<_>>());
    assert!(reopened.audit().expect("audit").is_empty());
}

// 2. ------------------------------------------------------------------------------------------

#[test]
fn a_restored_database_is_caught_and_recovered_without_losing_an_order() {
    let dir = tempfile::tempdir().expect("tempdir");
    let hub_db = dir.path().join("hub.db");
    let url = format!("http://{}", spawn_hub(&hub_db));
    let term = dir.path().join("term");
    let backup = dir.path().join("backup");
    let mut all = Vec::new();

    let mut store = terminal(&term, &hub_db, &url);
    all.extend(place(&mut store, 5));
    sync(&mut store, &term, &url).expect("sync");
    drop(store);
    support::restore_clone::copy_dir(&term, &backup); // last night's backup

    let mut store = Store::open(&term.join(DB)).expect("store");
    all.extend(place(&mut store, 5));
    sync(&mut store, &term, &url).expect("sync");
    drop(store);

    // The disk is replaced and the backup restored: five orders the platform holds are gone
    // from the terminal, and the next five reuse their sequence and receipt numbers.
    std::fs::remove_dir_all(&term).expect("rm");
    support::restore_clone::copy_dir(&backup, &term);
    let mut store = Store::open(&term.join(DB)).expect("restored");
    all.extend(place(&mut store, 5));
    let e = sync(&mut store, &term, &url).expect_err("the reuse is caught");
    assert!(matches!(e, SyncError::SequenceConflict { seq: 6 }), "{e:?}");
    let status = store.sync_status().expect("status");
    assert_eq!((status.sequence_conflict, status.unsynced), (Some(6), 5));
    // Said in words a technician understands, in both languages; never "re-enrol" or "0 unsynced".
    assert!(e.msg().render(Lang::En).contains("restored from a backup"));
    assert!(e.msg().render(Lang::Zh).contains("备份恢复"));
    // Stopped: nothing more is sent under the reused identity.
    assert!(matches!(
        sync(&mut store, &term, &url),
        Err(SyncError::SequenceConflict { seq: 6 })
    ));
    assert_eq!(platform_orders(&hub_db).len(), 10);

    // A token of another store is refused without being used or changing anything.
    let device_before = store.meta("device_id").expect("meta");
    let other = token(&hub_db, "BJ002");
    let e = recover(&mut store, &term, &client(&url), &other).expect_err("wrong store");
    assert!(matches!(e, SyncError::WrongStore { .. }), "{e:?}");
    assert_eq!(store.meta("device_id").expect("meta"), device_before);

    let r = recover(&mut store, &term, &client(&url), &token(&hub_db, "SH001")).expect("recover");
    assert_eq!((r.terminal_id.as_str(), r.events), ("T02", 10));
    assert!(
        term.join(format!("device.key.{}", r.old_device)).exists(),
        "the old key is kept"
    );
    let report = sync(&mut store, &term, &url).expect("sync after recovery");
    assert_eq!(report.held_seq, 10);
    assert_eq!(store.sync_status().expect("status").unsynced, 0);

    // Every order shown as placed is at the platform, each once.
    let held = platform_orders(&hub_db);
    assert_eq!(held.len(), 15, "no order doubled");
    assert_eq!(
        held.into_iter().collect::<HashSet<_>>(),
        all.iter().cloned().collect::<HashSet<_>>()
    );
    // The receipts printed twice before the platform could tell are flagged there.
    let flagged = HubDb::open(&hub_db)
        .expect("hub")
        .events()
        .expect("events")
        .into_iter()
        .filter(|e| e.flag.as_deref().is_some_and(|f| f.contains("also issued")))
        .count();
    assert_eq!(flagged, 5);
    // New receipts belong to the new identity.
    let next = store
        .place_order(&support::demo_draft(&store, 1))
        .expect("order");
    assert!(next.receipt.starts_with("SH001-T02-"), "{}", next.receipt);
}

#[test]
fn a_cloned_data_folder_is_caught_on_the_second_terminal() {
    let dir = tempfile::tempdir().expect("tempdir");
    let hub_db = dir.path().join("hub.db");
    let url = format!("http://{}", spawn_hub(&hub_db));
    let (a_dir, b_dir) = (dir.path().join("a"), dir.path().join("b"));
    let mut all = Vec::new();
    let mut a = terminal(&a_dir, &hub_db, &url);
    all.extend(place(&mut a, 5));
    sync(&mut a, &a_dir, &url).expect("sync");
    drop(a);
    support::restore_clone::copy_dir(&a_dir, &b_dir); // a second till set up by copying the first

    let mut a = Store::open(&a_dir.join(DB)).expect("a");
    let mut b = Store::open(&b_dir.join(DB)).expect("b");
    all.extend(place(&mut a, 5));
    all.extend(place(&mut b, 5));
    sync(&mut a, &a_dir, &url).expect("a syncs first");
    let e = sync(&mut b, &b_dir, &url).expect_err("b reuses a's numbers");
    assert!(matches!(e, SyncError::SequenceConflict { seq: 6 }), "{e:?}");
    recover(&mut b, &b_dir, &client(&url), &token(&hub_db, "SH001")).expect("recover");
    sync(&mut b, &b_dir, &url).expect("b after recovery");
    // A goes on as before.
    all.extend(place(&mut a, 2));
    sync(&mut a, &a_dir, &url).expect("a");
    let held = platform_orders(&hub_db);
    assert_eq!(held.len(), all.len(), "no order lost or doubled");
    assert_eq!(
        held.into_iter().collect::<HashSet<_>>(),
        all.into_iter().collect::<HashSet<_>>()
    );
}

/// The restore-and-clone experiment of the crash benchmark, shorter: no order shown as placed
/// may be missing at the platform, none may be there twice.
#[test]
fn restores_and_clones_at_random_lose_and_double_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let r = support::restore_clone::run(dir.path(), 40, 0x00c1_0e12);
    assert!(r.problems.is_empty(), "{:?}", r.problems);
    assert!(r.restores > 0 && r.clones > 0 && r.conflicts > 0, "{r:?}");
    assert_eq!(r.at_platform, r.placed, "{r:?}");
    assert_eq!(r.doubled, 0, "{r:?}");
}

/// The window and `smartstore sync` at once: the platform may be ahead of what one of them
/// sent, which is not a restore.
#[test]
fn two_syncs_at_once_are_not_taken_for_a_restore() {
    let dir = tempfile::tempdir().expect("tempdir");
    let hub_db = dir.path().join("hub.db");
    let url = format!("http://{}", spawn_hub(&hub_db));
    let term = dir.path().join("term");
    let mut store = terminal(&term, &hub_db, &url);
    let ids = place(&mut store, 60);
    let threads: Vec<_> = [7u32, 25]
        .into_iter()
        .map(|batch| {
            let (db, term, url) = (term.join(DB), term.clone(), url.clone());
            std::thread::spawn(move || {
                let mut store = Store::open(&db).expect("store");
                let key = Device::load(&store, &term).expect("device").key;
                let mut errors = Vec::new();
                for _ in 0..40 {
                    match sync_once(&mut store, &client(&url), &key, batch) {
                        Ok(_) if store.sync_status().expect("status").unsynced == 0 => break,
                        Ok(_) => {}
                        Err(e) if e.is_transient() => {}
                        Err(e) => errors.push(format!("{e:?}")),
                    }
                }
                errors
            })
        })
        .collect();
    for t in threads {
        let errors = t.join().expect("thread");
        assert!(errors.is_empty(), "{errors:?}");
    }
    assert_eq!(store.sync_status().expect("status").unsynced, 0);
    assert_eq!(
        platform_orders(&hub_db).into_iter().collect::<HashSet<_>>(),
        ids.into_iter().collect::<HashSet<_>>()
    );
}

// 3. ------------------------------------------------------------------------------------------

/// Writes an event straight into the outbox, as an older version of the terminal (before
/// names had limits) or a bug would have left it.
fn inject_event(db: &Path, kind: &str, payload: &str) -> u64 {
    let conn = rusqlite::Connection::open(db).expect("open");
    conn.busy_timeout(Duration::from_secs(5)).expect("busy");
    let seq: u64 = conn
        .query_row("SELECT COALESCE(MAX(seq), 0) + 1 FROM outbox", [], |r| {
            r.get(0)
        })
        .expect("seq");
    conn.execute(
        "INSERT INTO outbox (seq, event_id, type, order_id, payload, created_at) VALUES (?1, ?2, ?3, NULL, ?4, '2026-11-30T10:00:00Z')",
        rusqlite::params![seq, uuid::Uuid::now_v7().to_string(), kind, payload],
    )
    .expect("insert");
    seq
}

#[test]
fn an_event_the_platform_refuses_is_set_aside_and_never_blocks_the_rest() {
    let dir = tempfile::tempdir().expect("tempdir");
    let hub_db = dir.path().join("hub.db");
    let url = format!("http://{}", spawn_hub(&hub_db));
    let term = dir.path().join("term");
    let mut store = terminal(&term, &hub_db, &url);
    let mut ids = place(&mut store, 3);
    // A 9 MB product name in an order event (from before the limits).
    let huge = format!(
        r#"{{"order_id":"X","receipt":"R","name":"{}"}}"#,
        "名".repeat(3_000_000)
    );
    let too_large = inject_event(&term.join(DB), "order.placed", &huge);
    ids.extend(place(&mut store, 3));
    // An order event the platform cannot read (its content is refused with 422).
    let unreadable = inject_event(&term.join(DB), "order.placed", r#"{"not":"an order"}"#);
    ids.extend(place(&mut store, 3));

    let r = sync(&mut store, &term, &url).expect("sync goes past both");
    assert_eq!(
        r.quarantined, 1,
        "the platform refused one; the large one never left"
    );
    let status = store.sync_status().expect("status");
    assert_eq!((status.unsynced, status.quarantined), (0, 2));
    let set_aside = store.quarantined().expect("quarantined");
    assert_eq!(
        set_aside.iter().map(|q| q.seq).collect::<Vec<_>>(),
        [too_large, unreadable]
    );
    assert!(set_aside[0].bytes > 9_000_000);
    // The platform holds every real order, and a placeholder for each event set aside.
    let hub = HubDb::open(&hub_db).expect("hub");
    let events = hub.events().expect("events");
    assert_eq!(events.len() as u64, status.last_seq);
    let placeholders: Vec<u64> = events
        .iter()
        .filter(|e| e.kind == "event.quarantined")
        .map(|e| e.seq)
        .collect();
    assert_eq!(placeholders, [too_large, unreadable]);
    assert_eq!(
        platform_orders(&hub_db).into_iter().collect::<HashSet<_>>(),
        ids.into_iter().collect::<HashSet<_>>()
    );
    drop(store);

    // Visible: `orders --quarantined` lists them and doctor fails on them.
    let out = smartstore(&term, &["orders", "--quarantined", "--json"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 2);
    let out = smartstore(&term, &["doctor", "--json"]);
    assert!(!out.status.success(), "{}", text(&out));
    let quarantine = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|c| c["check"] == "quarantine")
        .expect("a quarantine check");
    assert_eq!(quarantine["status"], "fail", "{}", text(&out));
}

#[test]
fn names_over_the_limit_are_refused_at_import_and_at_the_scan() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&dir.path().join(DB)).expect("store");
    let csv = format!("gtin,name,price\n06921000000019,{},1.00\n", "x".repeat(201));
    let e = store
        .import_catalog_csv(
            std::io::Cursor::new(csv),
            smartstore_domain::money::Currency::CNY,
        )
        .expect_err("too long");
    assert!(e.to_string().contains("at most 200"), "{e}");
    // A name stored before the limit existed cannot reach an order event.
    let conn = rusqlite::Connection::open(dir.path().join(DB)).expect("open");
    conn.execute(
        "UPDATE catalog_items SET name = ?1 WHERE gtin = '06921000000019'",
        ["y".repeat(9 * 1024 * 1024)],
    )
    .expect("update");
    drop(conn);
    let item = store
        .item(smartstore_domain::gtin::Gtin::parse("6921000000019").expect("gtin"))
        .expect("lookup")
        .expect("item");
    let mut cart = smartstore_domain::cart::Cart::new(smartstore_domain::money::Currency::CNY);
    let e = cart.add(&item, 1).expect_err("refused at the scan");
    assert!(matches!(
        e,
        smartstore_domain::cart::CartError::BadCatalogEntry { .. }
    ));
    assert!(e.msg().render(Lang::Zh).contains("目录条目"));
}

// 4. ------------------------------------------------------------------------------------------

/// A seeded generator, so the 40 damaged files are the same on every run.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// What SQLite's own full check says of a file, from a read-only connection.
fn sound(path: &Path) -> bool {
    let Ok(conn) = smartstore_sqlite::open_read_only(path) else {
        return false;
    };
    conn.prepare("PRAGMA integrity_check")
        .and_then(|mut s| {
            s.query_map([], |r| r.get::<_, String>(0))?
                .collect::<Result<Vec<_>, _>>()
        })
        .is_ok_and(|rows| rows == ["ok"])
}

#[test]
fn byte_flips_never_let_an_order_into_a_damaged_database_and_salvage_keeps_what_is_readable() {
    let dir = tempfile::tempdir().expect("tempdir");
    let base_dir = dir.path().join("base");
    let mut base = Store::open(&base_dir.join(DB)).expect("store");
    let placed: HashSet<String> = place(&mut base, 400).into_iter().collect();
    let receipts: std::collections::HashMap<String, String> = base
        .orders(false, 1000)
        .expect("orders")
        .into_iter()
        .map(|o| (o.id, o.receipt))
        .collect();
    drop(base); // the WAL is checkpointed and removed at close
    let pristine = std::fs::read(base_dir.join(DB)).expect("read"); // test fixture: the copy to damage
    let mut rng = XorShift(0x5EED_1212_2026_0012);
    let (mut damaged, mut refused, mut salvaged_orders) = (0, 0, 0usize);
    for variant in 0..40 {
        let vdir = dir.path().join(format!("v{variant:02}"));
        std::fs::create_dir_all(&vdir).expect("mkdir");
        let mut bytes = pristine.clone();
        let flips = 1 + rng.next() % 16;
        for _ in 0..flips {
            let at = (rng.next() % bytes.len() as u64) as usize;
            bytes[at] ^= 1 << (rng.next() % 8);
        }
        let db = vdir.join(DB);
        std::fs::write(&db, &bytes).expect("write variant");
        let is_sound = sound(&db);
        match Store::open(&db) {
            Ok(mut store) => {
                assert!(
                    is_sound,
                    "variant {variant}: opened for writing although damaged"
                );
                store
                    .place_order(&support::demo_draft(&store, 1))
                    .expect("a sound file takes orders");
                drop(store);
                assert!(sound(&db), "variant {variant}");
            }
            Err(e) => {
                assert!(
                    !is_sound,
                    "variant {variant}: a sound file was refused: {e}"
                );
                assert!(
                    matches!(e, StoreError::Damaged { .. } | StoreError::Corrupt { .. }),
                    "variant {variant}: {e:?}"
                );
                assert!(
                    e.to_string().contains(&db.display().to_string()),
                    "names the file"
                );
                assert_eq!(std::fs::read(&db).expect("read"), bytes, "left as it was");
                // The window still opens on it (read-only) and refuses each sale with the reason.
                if let Ok(mut blocked) = Store::open_blocked(&db, &e) {
                    assert!(matches!(
                        blocked.write_problem(),
                        Some(StoreError::Damaged { .. })
                    ));
                    if let Ok(item) = blocked
                        .item(smartstore_domain::gtin::Gtin::parse("6921000000019").expect("gtin"))
                        && item.is_some()
                    {
                        let draft = support::demo_draft(&blocked, 1);
                        assert!(matches!(
                            blocked.place_order(&draft),
                            Err(StoreError::Damaged { .. })
                        ));
                    }
                    drop(blocked);
                    assert_eq!(std::fs::read(&db).expect("read"), bytes, "still as it was");
                }
                refused += 1;
            }
        }
        if is_sound {
            continue;
        }
        damaged += 1;
        let to = dir.path().join(format!("s{variant:02}"));
        let Ok(report) = smartstore::store::salvage::salvage(&db, &to) else {
            continue; // not even the header is readable: nothing to copy
        };
        assert!(
            report.check.is_empty(),
            "variant {variant}: {:?}",
            report.check
        );
        let copy = Store::open(&to.join(DB)).expect("the salvaged copy opens for writing");
        // Rows are copied as SQLite reads them: a flip inside a value that no check can see
        // stays, so the copy is compared with the original order by order.
        let copied = copy.orders(false, 1000).expect("orders");
        let exact = copied
            .iter()
            .filter(|o| placed.contains(&o.id) && receipts.get(&o.id) == Some(&o.receipt))
            .count();
        assert!(
            copied.len() - exact <= flips as usize,
            "variant {variant}: {} of {} orders differ from the original after {flips} flips",
            copied.len() - exact,
            copied.len()
        );
        salvaged_orders += report.orders as usize;
        // Salvage never overwrites.
        assert!(matches!(
            smartstore::store::salvage::salvage(&db, &to),
            Err(smartstore::store::salvage::SalvageError::TargetExists { .. })
        ));
    }
    eprintln!(
        "{damaged} of 40 variants damaged, {refused} refused for writing, {salvaged_orders} orders salvaged"
    );
    assert!(
        damaged >= 10,
        "the flips damage enough files to mean something"
    );
    assert_eq!(refused, damaged);
    assert!(salvaged_orders > 0);
}

// 5. ------------------------------------------------------------------------------------------

/// Runs `script` with sh in a private mount namespace (as root, or as a user mapped to root),
/// where it may mount a tmpfs or a read-only bind. These tests need Linux with mount
/// namespaces; CI and the fresh-machine check run them as root.
fn in_mount_namespace(script: &str, env: &[(&str, &Path)]) -> Output {
    let root = std::env::var("USER").is_ok_and(|u| u == "root")
        || std::fs::read_to_string("/proc/self/status").is_ok_and(|s| {
            s.lines()
                .any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(1) == Some("0"))
        });
    // Private, so no mount reaches the host. In a chroot whose `/` is not a mount point (the
    // fresh-machine check) the propagation of `/` cannot be changed ("Invalid argument"); its
    // enclosing namespace is private already (packaging/fresh-machine.sh), so there the mounts
    // are made without changing it.
    for propagation in ["private", "unchanged"] {
        let mut cmd = Command::new("unshare");
        if root {
            cmd.arg("--mount");
        } else {
            cmd.args(["--map-root-user", "--mount"]);
        }
        cmd.args(["--propagation", propagation, "sh", "-c", script])
            .env("SMARTSTORE", env!("CARGO_BIN_EXE_smartstore"))
            .env("SMARTSTORE_LANG", "en")
            .env_remove("DISPLAY");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd
            .output()
            .expect("unshare (util-linux) runs: these tests need mount namespaces");
        let stderr = String::from_utf8_lossy(&out.stderr);
        if propagation == "private" && stderr.contains("cannot change root filesystem propagation")
        {
            continue;
        }
        assert!(
            !stderr.contains("unshare failed"),
            "mount namespaces are needed for this test: {}",
            text(&out)
        );
        return out;
    }
    unreachable!("the second try returns")
}

/// The lines after `== name` up to the next `==` in a script's output.
fn section(out: &str, name: &str) -> String {
    out.split("== ")
        .find(|s| s.starts_with(name))
        .map(|s| s[name.len()..].trim().to_owned())
        .unwrap_or_else(|| panic!("no section {name} in:\n{out}"))
}

fn demo_catalog() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo-catalog.csv")
}

const CREATE: &str = r#""$SMARTSTORE" order create --fulfil deliver --scan 6921000000019 --address "88 Century Ave" --pay cash"#;

#[test]
fn a_full_disk_still_lists_and_sends_the_queued_orders() {
    let dir = tempfile::tempdir().expect("tempdir");
    let hub_db = dir.path().join("hub.db");
    let url = format!("http://{}", spawn_hub(&hub_db));
    let mnt = dir.path().join("disk");
    std::fs::create_dir_all(&mnt).expect("mkdir");
    let script = format!(
        r#"
        mount -t tmpfs -o size=24m tmpfs "$MNT" || exit 97
        export SMARTSTORE_DATA_DIR="$MNT"
        "$SMARTSTORE" enroll --platform {url} --token {token} || exit 98
        "$SMARTSTORE" catalog import "$CATALOG" >/dev/null || exit 99
        for i in 1 2 3; do {CREATE} >/dev/null || exit 100; done
        test -f "$MNT/space.reserve" || exit 101
        # Fill the disk to the last byte.
        dd if=/dev/zero of="$MNT/filler" bs=1M 2>/dev/null
        dd if=/dev/zero of="$MNT/filler2" bs=1k 2>/dev/null
        dd if=/dev/zero of="$MNT/filler3" bs=1 2>/dev/null
        echo "== df"; df -k "$MNT" | tail -1
        echo "== orders"; "$SMARTSTORE" orders --json; echo "rc=$?"
        echo "== create"; {CREATE} 2>&1; echo "rc=$?"
        echo "== sync"; "$SMARTSTORE" sync --once 2>&1; echo "rc=$?"
        echo "== unsynced"; "$SMARTSTORE" orders --unsynced --json; echo "rc=$?"
        # A second terminal enrolled on the full disk: refused before the token is used.
        dd if=/dev/zero of="$MNT/filler4" bs=1k 2>/dev/null
        dd if=/dev/zero of="$MNT/filler5" bs=1 2>/dev/null
        export SMARTSTORE_DATA_DIR="$MNT/second"
        echo "== enrol-full"; "$SMARTSTORE" enroll --platform {url} --token {second} 2>&1; echo "rc=$?"
        rm -f "$MNT"/filler*
        echo "== enrol-again"; "$SMARTSTORE" enroll --platform {url} --token {second} 2>&1; echo "rc=$?"
        echo "== end"
        "#,
        token = token(&hub_db, "SH001"),
        second = token(&hub_db, "SH001"),
    );
    let out = in_mount_namespace(&script, &[("MNT", &mnt), ("CATALOG", &demo_catalog())]);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{}", text(&out));
    let df = section(&stdout, "df");
    assert_eq!(
        df.split_whitespace().nth(3),
        Some("0"),
        "the disk is full: {df}"
    );
    let orders = section(&stdout, "orders");
    assert!(orders.ends_with("rc=0"), "{}", text(&out));
    assert_eq!(orders.lines().filter(|l| l.starts_with('{')).count(), 3);
    let create = section(&stdout, "create");
    assert!(create.ends_with("rc=1"), "{}", text(&out));
    assert!(create.contains("is full"), "{}", text(&out));
    let sync = section(&stdout, "sync");
    assert!(sync.ends_with("rc=0"), "{}", text(&out));
    assert_eq!(section(&stdout, "unsynced"), "rc=0", "{}", text(&out));
    assert_eq!(platform_orders(&hub_db).len(), 3);
    let full = section(&stdout, "enrol-full");
    assert!(
        full.ends_with("rc=1") && full.contains("is full"),
        "{}",
        text(&out)
    );
    let again = section(&stdout, "enrol-again");
    assert!(
        again.ends_with("rc=0") && again.contains("terminal T02"),
        "{}",
        text(&out)
    );
    assert_eq!(
        HubDb::open(&hub_db)
            .expect("hub")
            .device_count()
            .expect("devices"),
        2
    );
}

#[test]
fn a_read_only_disk_is_named_as_such_and_its_orders_still_list() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    for _ in 0..2 {
        let out = Command::new("sh")
            .args(["-c", CREATE])
            .env("SMARTSTORE", env!("CARGO_BIN_EXE_smartstore"))
            .env("SMARTSTORE_DATA_DIR", &data)
            .output()
            .expect("sh");
        assert!(out.status.success(), "{}", text(&out));
    }
    let script = format!(
        r#"
        mount --bind "$DATA" "$DATA" && mount -o remount,bind,ro "$DATA" || exit 97
        export SMARTSTORE_DATA_DIR="$DATA"
        echo "== orders"; "$SMARTSTORE" orders --json 2>&1; echo "rc=$?"
        echo "== create"; {CREATE} 2>&1; echo "rc=$?"
        echo "== zh"; SMARTSTORE_LANG=zh-CN {CREATE} 2>&1; echo "rc=$?"
        echo "== end"
        "#
    );
    let out = in_mount_namespace(&script, &[("DATA", &data)]);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{}", text(&out));
    let orders = section(&stdout, "orders");
    assert!(orders.ends_with("rc=0"), "{}", text(&out));
    assert_eq!(orders.lines().filter(|l| l.starts_with('{')).count(), 2);
    let create = section(&stdout, "create");
    assert!(create.ends_with("rc=1"), "{}", text(&out));
    assert!(create.contains("mounted read-only"), "{}", text(&out));
    assert!(!create.contains("permissions"), "{}", text(&out));
    assert!(section(&stdout, "zh").contains("只读"), "{}", text(&out));
}

#[test]
fn a_wrong_clock_is_named_and_does_not_ask_for_a_new_enrolment() {
    let dir = tempfile::tempdir().expect("tempdir");
    let hub_db = dir.path().join("hub.db");
    // The platform's clock is 10 minutes ahead of this terminal's.
    let hub = server::Hub::with_clock_offset(HubDb::open(&hub_db).expect("hub"), 600);
    let url = format!(
        "http://{}",
        server::spawn_hub(
            hub,
            "127.0.0.1:0".parse().expect("addr"),
            server::ServeOptions::default()
        )
        .expect("hub")
    );
    let term = dir.path().join("term");
    let mut store = terminal(&term, &hub_db, &url);
    place(&mut store, 2);
    let e = sync(&mut store, &term, &url).expect_err("the clocks disagree");
    let SyncError::ClockSkew { offset } = e else {
        panic!("{e:?}");
    };
    assert!((-660..=-540).contains(&offset), "{offset}");
    let en = e.msg().render(Lang::En);
    assert!(en.contains("10 minutes behind"), "{en}");
    assert!(!en.contains("enrol"), "{en}");
    assert!(e.msg().render(Lang::Zh).contains("慢约 10 分钟"));
}

#[test]
fn enrolment_retried_after_a_failed_write_keeps_one_identity() {
    let dir = tempfile::tempdir().expect("tempdir");
    let hub_db = dir.path().join("hub.db");
    let url = format!("http://{}", spawn_hub(&hub_db));
    let term = dir.path().join("term");
    let mut store = Store::open(&term.join(DB)).expect("store");
    let token = token(&hub_db, "SH001");
    // The platform answered, but the device key cannot be written (here: its name is taken
    // by a folder) so the answer is not recorded.
    std::fs::create_dir_all(term.join("device.key").join("x")).expect("block the key's name");
    let e = enroll(&mut store, &term, &client(&url), &token).expect_err("key not saved");
    assert!(matches!(e, SyncError::Key(_)), "{e:?}");
    assert!(store.meta("device_id").expect("meta").is_none());
    std::fs::remove_dir_all(term.join("device.key")).expect("unblock");
    let first = enroll(&mut store, &term, &client(&url), &token).expect("the same token again");
    assert_eq!(first.terminal_id, "T01");
    assert_eq!(
        HubDb::open(&hub_db)
            .expect("hub")
            .device_count()
            .expect("count"),
        1
    );
    assert!(Device::load(&store, &term).is_ok());
    assert!(!term.join(smartstore::sync::PENDING_KEY_FILE).exists());
}

#[test]
fn a_sale_that_cannot_be_stored_after_its_approval_gives_the_payment_back() {
    use smartstore_testkit::relay::{Fault, Relay};
    let dir = tempfile::tempdir().expect("tempdir");
    let hub_db = dir.path().join("hub.db");
    let relay = Relay::start(spawn_hub(&hub_db), "POST", "/v1/payments");
    let mnt = dir.path().join("disk");
    let sig = dir.path().join("signals");
    std::fs::create_dir_all(&mnt).expect("mkdir");
    std::fs::create_dir_all(&sig).expect("mkdir");
    // The platform's answer waits while the disk fills: the approval then meets a full disk.
    relay.arm(Fault::Hold);
    let script = format!(
        r#"
        mount -t tmpfs -o size=24m tmpfs "$MNT" || exit 97
        export SMARTSTORE_DATA_DIR="$MNT"
        "$SMARTSTORE" enroll --platform {url} --token {token} >/dev/null || exit 98
        "$SMARTSTORE" catalog import "$CATALOG" >/dev/null || exit 99
        "$SMARTSTORE" order create --fulfil deliver --scan 6921000000019 --address "88 Century Ave" --pay code:281234567890123456 >"$SIG/create.out" 2>&1 &
        pid=$!
        while [ ! -f "$SIG/approved" ]; do sleep 0.05; done
        dd if=/dev/zero of="$MNT/filler" bs=1M 2>/dev/null
        dd if=/dev/zero of="$MNT/filler2" bs=1k 2>/dev/null
        dd if=/dev/zero of="$MNT/filler3" bs=1 2>/dev/null
        touch "$SIG/filled"
        wait $pid; rc=$?
        echo "== create"; cat "$SIG/create.out"; echo "rc=$rc"
        rm -f "$MNT"/filler*
        echo "== payments"; "$SMARTSTORE" payments --json; echo "rc=$?"
        echo "== orders"; "$SMARTSTORE" orders --json; echo "rc=$?"
        echo "== end"
        "#,
        url = relay.url(),
        token = token(&hub_db, "SH001"),
    );
    let hub_payments = || {
        HubDb::open(&hub_db)
            .expect("hub")
            .payments()
            .expect("payments")
    };
    let out = std::thread::scope(|scope| {
        let watcher = scope.spawn(|| {
            // Signals through files the script polls; bounded, never timed.
            for _ in 0..6000 {
                if hub_payments().iter().any(|p| p.status == "approved") {
                    std::fs::write(sig.join("approved"), b"").expect("signal");
                    break;
                }
                std::thread::sleep(Duration::from_millis(10));
            }
            for _ in 0..6000 {
                if sig.join("filled").exists() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(10));
            }
            relay.release();
        });
        let out = in_mount_namespace(
            &script,
            &[("MNT", &mnt), ("CATALOG", &demo_catalog()), ("SIG", &sig)],
        );
        // The script is over: free the watcher however it ended.
        std::fs::write(sig.join("approved"), b"").expect("signal");
        std::fs::write(sig.join("filled"), b"").expect("signal");
        watcher.join().expect("watcher");
        out
    });
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{}", text(&out));
    let create = section(&stdout, "create");
    assert!(create.ends_with("rc=1"), "{}", text(&out));
    assert!(
        create.contains("is full") && create.contains("payment by code was given back"),
        "{}",
        text(&out)
    );
    let rows = hub_payments();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].status, "voided", "{rows:?}");
    assert!(rows[0].voided_at.is_some());
    let payments = section(&stdout, "payments");
    assert!(
        payments.contains("\"status\":\"voided\"") && payments.ends_with("rc=0"),
        "{}",
        text(&out)
    );
    assert_eq!(
        section(&stdout, "orders"),
        "rc=0",
        "no order: {}",
        text(&out)
    );
}
