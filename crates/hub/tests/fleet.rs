//! Fleet rollout: `smartstore-hub enrolment-token --stores FILE.csv` makes every token of a
//! list of stores, or none, and writes the CSV a technician carries.

use std::path::Path;
use std::process::{Command, Output};

use smartstore_hub::db::HubDb;
use smartstore_protocol::keys::SigningKey;
use smartstore_protocol::wire::EnrolRequest;

fn hub(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_smartstore-hub"))
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .expect("run smartstore-hub")
}

fn token_count(db: &Path) -> i64 {
    rusqlite::Connection::open(db)
        .expect("open")
        .query_row("SELECT count(*) FROM enrolment_tokens", [], |r| r.get(0))
        .expect("count")
}

#[test]
fn tokens_for_a_list_of_stores_enrol_terminals_of_those_stores() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("hub.db");
    let list = dir.path().join("stores.csv");
    std::fs::write(
        &list,
        "store,name,count\nSH001,\"Nanjing Rd, Shanghai\",3\nBJ002,Wangfujing,\n\nGZ003,Tianhe,1\n",
    )
    .expect("write");
    let out_csv = dir.path().join("tokens.csv");
    let out = hub(
        &db,
        &[
            "enrolment-token",
            "--stores",
            list.to_str().expect("utf-8"),
            "--count",
            "2",
            "--out",
            out_csv.to_str().expect("utf-8"),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("6 tokens for 3 stores"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&out_csv)
            .expect("meta")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "tokens are secrets");
    }
    let mut reader = csv::Reader::from_path(&out_csv).expect("csv");
    assert_eq!(
        reader.headers().expect("header").iter().collect::<Vec<_>>(),
        ["store", "token", "created", "expires"]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    let stores: Vec<&str> = rows.iter().map(|r| &r[0]).collect();
    assert_eq!(
        stores,
        ["SH001", "SH001", "SH001", "BJ002", "BJ002", "GZ003"]
    );
    let tokens: std::collections::HashSet<&str> = rows.iter().map(|r| &r[1]).collect();
    assert_eq!(tokens.len(), 6, "every token differs");
    assert!(rows.iter().all(|r| r[1].starts_with("et1-")));
    assert!(rows.iter().all(|r| {
        time::OffsetDateTime::parse(&r[2], &time::format_description::well_known::Rfc3339).is_ok()
    }));

    // Each token enrols one terminal of its store, once.
    let mut hub_db = HubDb::open(&db).expect("hub");
    let key = SigningKey::generate("pending").expect("key");
    let request = |token: &str, key: &SigningKey| EnrolRequest {
        token: token.to_owned(),
        public_key: key.jwk(),
        store_id: None,
        replaces: None,
    };
    let e = hub_db.enrol(&request(&rows[3][1], &key)).expect("enrol");
    assert_eq!(
        (e.store_id.as_str(), e.terminal_id.as_str()),
        ("BJ002", "T01")
    );
    // The same token and key again (the terminal's disk failed as it recorded the answer): the
    // same identity, no second device. Another key: refused.
    let again = hub_db
        .enrol(&request(&rows[3][1], &key))
        .expect("idempotent");
    assert_eq!(again.device_id, e.device_id);
    let other = SigningKey::generate("pending").expect("key");
    assert!(
        hub_db.enrol(&request(&rows[3][1], &other)).is_err(),
        "one-time"
    );
    assert_eq!(hub_db.device_count().expect("count"), 1);

    // The file is never overwritten: a second run is refused before any token is made.
    let out = hub(
        &db,
        &[
            "enrolment-token",
            "--stores",
            list.to_str().expect("utf-8"),
            "--out",
            out_csv.to_str().expect("utf-8"),
        ],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("never overwritten"));
    assert_eq!(token_count(&db), 6);

    // Without --out the CSV goes to standard output.
    let out = hub(
        &db,
        &["enrolment-token", "--stores", list.to_str().expect("utf-8")],
    );
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.lines().count(), 1 + 5, "{text}");
    assert_eq!(token_count(&db), 11);

    // `--stores -` reads the list from standard input (how smartstore-hub-admin is fed).
    let mut child = Command::new(env!("CARGO_BIN_EXE_smartstore-hub"))
        .arg("--db")
        .arg(&db)
        .args(["enrolment-token", "--stores", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().expect("stdin");
        stdin.write_all(b"store\nSZ004\n").expect("write");
    }
    let out = child.wait_with_output().expect("wait");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.lines()
            .nth(1)
            .is_some_and(|l| l.starts_with("SZ004,et1-")),
        "{text}"
    );
    assert_eq!(token_count(&db), 12);
}

#[test]
fn a_list_with_a_bad_line_makes_no_token_and_names_every_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("hub.db");
    let list = dir.path().join("stores.csv");
    std::fs::write(
        &list,
        "store,count\nSH001,2\nSH-02,1\nBJ002,0\nSH001,1\nGZ003,many\n",
    )
    .expect("write");
    let out = hub(
        &db,
        &["enrolment-token", "--stores", list.to_str().expect("utf-8")],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    for expected in [
        "no token was made",
        "line 3: store id 'SH-02'",
        "line 4: count '0'",
        "line 5: store SH001 is listed twice",
        "line 6: count 'many'",
    ] {
        assert!(err.contains(expected), "{expected} in {err}");
    }
    assert!(out.stdout.is_empty());
    assert_eq!(token_count(&db), 0);

    std::fs::write(&list, "name,city\nA,B\n").expect("write");
    let out = hub(
        &db,
        &["enrolment-token", "--stores", list.to_str().expect("utf-8")],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("`store` column"));
}
