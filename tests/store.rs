//! The SQLite store on real database files.

use smartstore_testkit as support;

use std::io::Cursor;

use smartstore::store::{Store, StoreError};
use smartstore_domain::gtin::Gtin;
use smartstore_domain::money::{Currency, Money};
use support::{demo_draft, open_demo};

#[test]
fn a_new_database_opens_on_the_demo_catalog() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open_demo(&dir.path().join("t.db"));
    assert!(store.catalog_len().expect("count") >= 200);
    let tea = store
        .item(Gtin::parse("6921000000019").expect("gtin"))
        .expect("lookup")
        .expect("present");
    assert_eq!(tea.price, Money::new(350, Currency::CNY));
    assert_eq!(tea.name_zh.as_deref(), Some("茉莉绿茶 500ml"));
    assert_eq!(
        store.receipt_prefix().expect("prefix"),
        ("DEMO".to_owned(), "T01".to_owned())
    );
    // Re-opening keeps what is there and does not seed twice.
    drop(store);
    let again = open_demo(&dir.path().join("t.db"));
    assert_eq!(again.catalog_len().expect("count"), 206);
}

#[test]
fn orders_get_gap_free_sequence_and_receipts_and_sync_marks() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = open_demo(&dir.path().join("t.db"));
    let mut placed = Vec::new();
    for n in 1..=5 {
        let p = store
            .place_order(&demo_draft(&store, n % 4 + 1))
            .expect("place");
        placed.push(p);
    }
    let seqs: Vec<u64> = placed.iter().map(|p| p.seq).collect();
    assert_eq!(seqs, vec![1, 2, 3, 4, 5]);
    assert_eq!(placed[2].receipt, "DEMO-T01-000003");
    assert!(
        placed.windows(2).all(|w| w[0].id < w[1].id),
        "UUIDv7 ids sort by time"
    );
    assert_eq!(placed[0].id.get_version_num(), 7);

    let status = store.sync_status().expect("status");
    assert_eq!(
        (status.last_seq, status.acked_seq, status.unsynced),
        (5, 0, 5)
    );
    let events = store.outbox_after(2, 10).expect("outbox");
    assert_eq!(
        events.iter().map(|e| e.seq).collect::<Vec<_>>(),
        vec![3, 4, 5]
    );
    let doc: serde_json::Value = serde_json::from_str(&events[0].payload).expect("json");
    assert_eq!(doc["type"], "order.placed");
    assert_eq!(doc["receipt"], "DEMO-T01-000003");
    assert_eq!(doc["fulfilment"]["kind"], "deliver");

    store.mark_acked(3).expect("ack");
    store
        .mark_acked(2)
        .expect("an older ack never moves the mark back");
    store
        .mark_acked(99)
        .expect("an ack past the end stops at the end");
    let status = store.sync_status().expect("status");
    assert_eq!((status.acked_seq, status.unsynced), (5, 0));
    assert_eq!(store.orders(true, 100).expect("orders").len(), 0);
    assert_eq!(store.orders(false, 100).expect("orders").len(), 5);
    assert!(store.audit().expect("audit").is_empty());
    assert_eq!(store.quick_check().expect("check"), vec!["ok".to_owned()]);
}

#[test]
fn a_full_disk_refuses_the_order_and_keeps_everything_else() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("t.db");
    let mut store = open_demo(&path);
    let first = store.place_order(&demo_draft(&store, 2)).expect("place");
    // SQLite answers SQLITE_FULL past max_page_count, as it does on a full disk.
    let pages: u64 = rusqlite::Connection::open(&path)
        .expect("open")
        .query_row("PRAGMA page_count", [], |r| r.get(0))
        .expect("page_count");
    store.limit_pages(pages).expect("limit");
    let mut refused = None;
    for _ in 0..200 {
        match store.place_order(&demo_draft(&store, 4)) {
            Ok(_) => continue,
            Err(e) => {
                refused = Some(e);
                break;
            }
        }
    }
    let err = refused.expect("the database filled up");
    assert!(matches!(err, StoreError::DiskFull { .. }), "{err:?}");
    assert!(err.to_string().contains("full"), "{err}");
    drop(store);
    let store = open_demo(&path);
    assert!(store.audit().expect("audit").is_empty(), "no partial order");
    assert_eq!(store.quick_check().expect("check"), vec!["ok".to_owned()]);
    assert_eq!(
        store
            .orders(false, 1000)
            .expect("orders")
            .last()
            .map(|o| o.id.clone()),
        Some(first.id.to_string())
    );
}

#[test]
fn a_file_that_is_not_a_database_is_reported_and_left_untouched() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cases: [(&str, Vec<u8>); 3] = [
        (
            "text.db",
            b"these are not the orders you are looking for\n".to_vec(),
        ),
        ("short.db", b"SQLite".to_vec()),
        // A valid header followed by garbage: caught by SQLite itself.
        ("garbage.db", {
            let mut v = b"SQLite format 3\0".to_vec();
            v.extend((0..8192u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8));
            v
        }),
    ];
    for (name, bytes) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, &bytes).expect("write");
        let err = Store::open(&path).expect_err(name);
        assert!(matches!(err, StoreError::Corrupt { .. }), "{name}: {err:?}");
        let msg = err.to_string();
        assert!(
            msg.contains(&path.display().to_string()) && msg.contains("untouched"),
            "{msg}"
        );
        assert_eq!(
            std::fs::read(&path).expect("read"),
            bytes,
            "{name} was changed"
        );
    }
}

#[test]
fn a_database_from_a_newer_version_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("t.db");
    drop(open_demo(&path));
    rusqlite::Connection::open(&path)
        .expect("open")
        .pragma_update(None, "user_version", 99)
        .expect("set");
    let err = Store::open(&path).expect_err("newer");
    assert!(
        matches!(err, StoreError::NewerSchema { found: 99, .. }),
        "{err:?}"
    );
}

const HEADER: &str = "gtin,name,price,name_zh,stock\n";

#[test]
fn catalog_import_is_all_or_nothing_and_names_lines() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open_empty(&dir.path().join("t.db")).expect("open");
    let good = format!(
        "{HEADER}6901234567892,Green tea,3.50,绿茶,10\n96385074,Rice 5kg,49.90,,\n036000291452,Tissues,12,,\n"
    );
    let r = store
        .import_catalog_csv(Cursor::new(good), Currency::CNY)
        .expect("import");
    assert_eq!((r.rows, r.new, r.updated), (3, 3, 0));

    let cases: [(String, &[&str]); 6] = [
        (
            format!("{HEADER}6901234567892,Green tea,4.00,,\n6901234567893,Bad,1.00,,\n"),
            &["line 3", "check digit"],
        ),
        (
            "gtin,name\n6901234567892,Green tea\n".to_owned(),
            &["line 1", "price"],
        ),
        (
            format!("{HEADER}6901234567892,Green tea,4.0.0,,\n"),
            &["line 2", "price '4.0.0'"],
        ),
        (
            format!("{HEADER}6901234567892,Green tea,4.00,,\n6901234567892,Again,5,,\n"),
            &["line 3", "already appears on line 2"],
        ),
        (
            format!("{HEADER}6901234567892,Green tea\n"),
            &["line 2", "fields"],
        ),
        (HEADER.to_owned(), &["no product rows"]),
    ];
    for (csv, needles) in cases {
        let err = store
            .import_catalog_csv(Cursor::new(csv.clone()), Currency::CNY)
            .expect_err(&csv);
        let msg = err.to_string();
        for n in needles {
            assert!(msg.contains(n), "{csv:?}: {msg}");
        }
        // Nothing changed: the first import's price stands.
        let tea = store
            .item(Gtin::parse("6901234567892").expect("gtin"))
            .expect("lookup")
            .expect("present");
        assert_eq!(tea.price.minor, 350, "{csv:?}");
        assert_eq!(store.catalog_len().expect("count"), 3);
    }

    let update = format!("{HEADER}6901234567892,Green tea,3.80,绿茶,8\n");
    let r = store
        .import_catalog_csv(Cursor::new(update), Currency::CNY)
        .expect("import");
    assert_eq!((r.rows, r.new, r.updated), (1, 0, 1));
    let tea = store
        .item(Gtin::parse("06901234567892").expect("gtin"))
        .expect("lookup")
        .expect("present");
    assert_eq!((tea.price.minor, tea.stock), (380, Some(8)));
}

#[test]
fn many_problems_are_summarised() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open_empty(&dir.path().join("t.db")).expect("open");
    let mut csv = HEADER.to_owned();
    for i in 0..50 {
        csv.push_str(&format!("{i:05},x,1,,\n"));
    }
    let msg = store
        .import_catalog_csv(Cursor::new(csv), Currency::CNY)
        .expect_err("bad")
        .to_string();
    assert!(
        msg.contains("line 2:") && msg.contains("and 30 more problems"),
        "{msg}"
    );
}
