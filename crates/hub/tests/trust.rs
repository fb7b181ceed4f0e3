//! Platform trust (issue 13), the platform's own rules: enrolment tokens kept as digests,
//! expiring and single use; a payment reference bound to one device, code and amount.

#[macro_use]
mod support;

use smartstore_hub::db::{HubDb, HubError, token_digest};
use smartstore_protocol::keys::SigningKey;
use smartstore_protocol::wire::{EnrolRequest, PaymentRequest};
use support::Backend;

fn request(token: &str, key: &SigningKey) -> EnrolRequest {
    EnrolRequest {
        token: token.to_owned(),
        public_key: key.jwk(),
        store_id: None,
        replaces: None,
    }
}

fn tokens_are_kept_as_digests_expire_and_are_single_use(backend: Backend) {
    let (mut db, storage) = support::storage(backend);
    let token = db
        .create_enrolment_tokens("SH001", 1)
        .expect("token")
        .remove(0);
    let expired = db
        .create_fleet_tokens(&[("SH001".into(), 1)], time::Duration::seconds(-1))
        .expect("token")[0]
        .token
        .clone();
    // Nothing in the database holds a token itself, only its digest.
    let stored: Vec<String> = match &storage.cluster {
        None => rusqlite::Connection::open(&storage.db)
            .expect("open")
            .prepare("SELECT token FROM enrolment_tokens")
            .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
            .expect("tokens"),
        Some(cluster) => cluster
            .psql(
                storage.db.rsplit('/').next().expect("db"),
                "SELECT token FROM enrolment_tokens",
            )
            .lines()
            .map(String::from)
            .collect(),
    };
    assert_eq!(stored.len(), 2);
    assert!(stored.contains(&token_digest(&token)));
    assert!(
        stored
            .iter()
            .all(|t| t.starts_with("sha256:") && *t != token)
    );

    let key = SigningKey::generate("pending").expect("key");
    assert!(matches!(
        db.enrol(&request(&expired, &key)),
        Err(HubError::TokenExpired { .. })
    ));
    db.enrol(&request(&token, &key)).expect("enrol");
    let other = SigningKey::generate("pending").expect("key");
    assert!(matches!(
        db.enrol(&request(&token, &other)),
        Err(HubError::BadToken)
    ));
}

#[test]
fn tokens_stored_in_plain_text_before_are_digested_at_open() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("hub.db");
    drop(HubDb::open(&path).expect("hub"));
    // A token as the hub stored it before issue 13.
    let conn = rusqlite::Connection::open(&path).expect("open");
    conn.execute(
        "INSERT INTO enrolment_tokens (token, store_id, created_at) VALUES ('et1-old', 'SH001', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
        [],
    )
    .expect("insert");
    drop(conn);
    let mut db = HubDb::open(&path).expect("reopen");
    let conn = rusqlite::Connection::open(&path).expect("open");
    let n: i64 = conn
        .query_row(
            "SELECT count(*) FROM enrolment_tokens WHERE token = 'et1-old'",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(n, 0);
    let key = SigningKey::generate("pending").expect("key");
    db.enrol(&request("et1-old", &key))
        .expect("still valid for 7 days from when it was made");
}

fn a_payment_reference_belongs_to_one_device_code_and_amount(backend: Backend) {
    let (mut db, _storage) = support::storage(backend);
    let pay = |reference: &str, code: &str, amount: i64| PaymentRequest {
        code: code.into(),
        amount,
        currency: "CNY".into(),
        reference: reference.into(),
    };
    let first = db
        .take_payment("dev-a", &pay("ref-1", "134567890123456789", 1250))
        .expect("approved");
    assert_eq!(first.status, "approved");
    // The same attempt retried (its answer was lost): the same answer, no second charge.
    let again = db
        .take_payment("dev-a", &pay("ref-1", "134567890123456789", 1250))
        .expect("same");
    assert_eq!(again.payment_id, first.payment_id);
    // Anything else under that reference is refused, never answered with the first result.
    for (device, code, amount) in [
        ("dev-b", "134567890123456789", 1250),
        ("dev-a", "134567890123456789", 1),
        ("dev-a", "134567890123450000", 1250),
    ] {
        assert!(
            matches!(
                db.take_payment(device, &pay("ref-1", code, amount)),
                Err(HubError::ReferenceConflict { .. })
            ),
            "{device} {code} {amount}"
        );
    }
}

#[test]
fn the_hub_serves_no_more_connections_than_it_has_descriptors() {
    use std::io::{BufRead, BufReader};
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("hub.db");
    let mut child = std::process::Command::new("sh")
        .arg("-c")
        .arg(r#"ulimit -n 256 && exec "$HUB" --db "$DB" serve --listen 127.0.0.1:0"#)
        .env("HUB", env!("CARGO_BIN_EXE_smartstore-hub"))
        .env("DB", &db)
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("hub");
    let mut line = String::new();
    BufReader::new(child.stderr.take().expect("stderr"))
        .read_line(&mut line)
        .expect("a line");
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        line.contains("256 open files allowed") && line.contains("at most 192 connections"),
        "{line}"
    );
}

on_both_backends!(
    tokens_are_kept_as_digests_expire_and_are_single_use,
    a_payment_reference_belongs_to_one_device_code_and_amount
);
