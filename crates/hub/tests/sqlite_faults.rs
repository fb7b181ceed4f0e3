//! The SQLite hub when its database cannot take writes: a read-only file and a full one are
//! each a 503 with its reason (`storage_read_only`, `storage_full`), as on PostgreSQL; the
//! terminal retries, and once the fault is gone the batch is stored exactly once.

mod support;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

use smartstore_hub::server::{Hub, ServeOptions, spawn_hub};
use smartstore_hub::store::{Admin, Store};
use support::process::HubProcess;
use support::{STORE, notes, post_batch, signed_batch};

/// The database file and what SQLite keeps beside it, set to `mode`.
fn set_mode(db: &Path, mode: u32) {
    for suffix in ["", "-wal", "-shm"] {
        let file = db.with_file_name(format!(
            "{}{suffix}",
            db.file_name()
                .and_then(|n| n.to_str())
                .expect("a file name")
        ));
        if file.exists() {
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(mode)).expect("chmod");
        }
    }
}

#[test]
fn a_read_only_database_file_is_a_503_with_its_reason_and_the_hub_log_says_so() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("hub.db");
    let url = db.display().to_string();
    let mut admin = Admin::open(&url, 1).expect("hub db");
    let (key, enrolled) = support::enrol(&mut admin, STORE);
    let device = enrolled.device_id;
    drop(admin);
    // Root writes through any mode: the hub then runs as nobody, owning the directory.
    let as_user = support::process::nobody_if_root();
    if as_user.is_some() {
        let out = Command::new("chown")
            .args(["-R", "nobody:"])
            .arg(dir.path())
            .output()
            .expect("chown");
        assert!(out.status.success(), "chown: {out:?}");
    }
    set_mode(&db, 0o444);
    let log = dir.path().join("hub.log");
    let jws = signed_batch(&key, &device, 1, notes(&device, 1, 5, 10));
    {
        let hub = HubProcess::start_as(as_user, &url, &log);
        let r = post_batch(hub.addr, &key, &device, &jws).expect("an answer");
        assert_eq!(r.status, 503, "{}", r.body);
        assert!(
            r.body.contains("\"error\":\"storage_read_only\""),
            "{}",
            r.body
        );
        assert!(r.body.contains("read-only"), "{}", r.body);
        let text = std::fs::read_to_string(&log).expect("hub log");
        assert!(
            text.contains("the platform's database is read-only"),
            "the hub's log says why: {text}"
        );
    }
    // Writable again (and the hub restarted): the same batch is stored, once.
    set_mode(&db, 0o644);
    let hub = HubProcess::start_as(as_user, &url, &log);
    for _ in 0..2 {
        let r = post_batch(hub.addr, &key, &device, &jws).expect("an answer");
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(r.body.contains("\"held_seq\":5"), "{}", r.body);
    }
    drop(hub);
    assert_eq!(
        Admin::open(&url, 1)
            .expect("hub db")
            .event_count()
            .expect("count"),
        5
    );
}

#[test]
fn a_full_database_is_a_503_with_its_reason_and_nothing_is_half_stored() {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = dir.path().join("hub.db").display().to_string();
    let mut admin = Admin::open(&url, 1).expect("hub db");
    let (key, enrolled) = support::enrol(&mut admin, STORE);
    let device = enrolled.device_id;
    let Admin::Sqlite(db) = admin else {
        panic!("a SQLite file opens on SQLite")
    };
    // The file may not grow by a page: SQLITE_FULL, as when the disk is full.
    let pages = db.page_count().expect("pages");
    assert_eq!(db.set_max_page_count(pages).expect("cap"), pages);
    let (store, _rt) = Admin::Sqlite(db).into_serving().expect("runtime");
    let Store::Sqlite(handle) = &store else {
        panic!("a SQLite store")
    };
    let handle = handle.clone();
    let addr = spawn_hub(
        Hub::on(store),
        "127.0.0.1:0".parse().expect("addr"),
        ServeOptions::default(),
    )
    .expect("spawn hub");
    let jws = signed_batch(&key, &device, 1, notes(&device, 1, 200, 1_000));
    let r = post_batch(addr, &key, &device, &jws).expect("an answer");
    assert_eq!(r.status, 503, "{}", r.body);
    assert!(r.body.contains("\"error\":\"storage_full\""), "{}", r.body);
    assert!(r.body.contains("out of disk space"), "{}", r.body);
    {
        let db = handle.lock().expect("db");
        assert_eq!(db.event_count().expect("count"), 0, "nothing half stored");
        assert_eq!(db.held_seq(&device).expect("held"), 0);
        // Room again.
        db.set_max_page_count(1 << 30).expect("cap");
    }
    for _ in 0..2 {
        let r = post_batch(addr, &key, &device, &jws).expect("an answer");
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(r.body.contains("\"held_seq\":200"), "{}", r.body);
    }
    assert_eq!(
        handle.lock().expect("db").event_count().expect("count"),
        200
    );
}
