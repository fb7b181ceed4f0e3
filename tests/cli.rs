//! The `smartstore` binary as a technician or script runs it (DESIGN.md §8).

use std::path::Path;
use std::process::{Command, Output};

fn smartstore(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_smartstore"))
        .args(args)
        .env("SMARTSTORE_DATA_DIR", data)
        // doctor's camera check: the shipped test card as a replay camera (no webcam in tests).
        .env(
            "SMARTSTORE_CAMERA",
            concat!("replay:", env!("CARGO_MANIFEST_DIR"), "/assets"),
        )
        .env_remove("DISPLAY")
        .output()
        .expect("run smartstore")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn json_lines(o: &Output) -> Vec<serde_json::Value> {
    stdout(o)
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect()
}

#[test]
fn order_create_prints_the_committed_order_and_orders_lists_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = smartstore(
        dir.path(),
        &[
            "order",
            "create",
            "--fulfil",
            "deliver",
            "--scan",
            "6921000000019",
            "--scan",
            "6921000000019",
            "--scan",
            "https://id.gs1.org/01/06931003700045",
            "--address",
            "88 Century Ave",
            "--pay",
            "card:AUTH-1",
            "--json",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 1);
    let o = &lines[0];
    assert_eq!(o["receipt"], "DEMO-T01-000001");
    assert_eq!(o["fulfil"], "deliver");
    assert_eq!(o["total"], 350 * 2 + 400);
    assert_eq!(o["currency"], "CNY");
    assert_eq!(o["synced"], false);

    let collect = smartstore(
        dir.path(),
        &[
            "order",
            "create",
            "--fulfil",
            "collect",
            "--scan",
            "6921000000026",
            "--json",
        ],
    );
    assert!(collect.status.success(), "{}", stderr(&collect));
    assert_eq!(json_lines(&collect)[0]["receipt"], "DEMO-T01-000002");

    let list = smartstore(dir.path(), &["orders", "--unsynced", "--json"]);
    assert!(list.status.success());
    let orders = json_lines(&list);
    assert_eq!(orders.len(), 2);
    assert_eq!(orders[1]["id"], o["id"]);
    for key in ["id", "receipt", "fulfil", "total", "currency", "synced"] {
        assert!(orders[0].get(key).is_some(), "missing {key}");
    }
}

/// Issue 18: weighed goods through `order create --scan`, as the camera reads them: a scale's
/// in-store EAN-13 (prefix 22, item 00101, 532 g of pork belly at ¥29.80/kg) twice, and a GS1
/// DataBar Expanded element string (01 + 3103 + 17: 1.250 kg of salmon at ¥168.00/kg). Each
/// package is a line of its own; the stored order, its event and its receipt say the weights.
#[test]
fn weighed_goods_are_sold_by_their_labels_through_order_create() {
    use smartstore::i18n::Lang;
    use smartstore::store::Store;
    use smartstore_print::Block;
    let dir = tempfile::tempdir().expect("tempdir");
    let pork = "2200101005326";
    let salmon = "]e00196921000100019310300125017991231";
    let out = smartstore(
        dir.path(),
        &[
            "order", "create", "--scan", pork, "--scan", pork, "--scan", salmon, "--pay", "cash",
            "--json",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let placed = &json_lines(&out)[0];
    // 29.80 × 0.532 = 15.8536 → 15.85, twice; 168.00 × 1.250 = 210.00.
    assert_eq!(placed["total"], 1585 * 2 + 21000);

    let store = Store::open(&dir.path().join("smartstore.db")).expect("open");
    let events = store.outbox_after(0, 10).expect("outbox");
    let event = events
        .iter()
        .find(|e| e.kind == "order.placed")
        .expect("an order.placed event");
    let doc: serde_json::Value = serde_json::from_str(&event.payload).expect("json");
    assert_eq!(doc["total"], 1585 * 2 + 21000);
    let lines: Vec<(String, u64, i64, Option<u64>, Option<i64>)> = doc["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .map(|l| {
            (
                l["gtin"].as_str().unwrap_or_default().to_owned(),
                l["quantity"].as_u64().unwrap_or_default(),
                l["unit_price"].as_i64().unwrap_or_default(),
                l["weight_g"].as_u64(),
                l["per_kg"].as_i64(),
            )
        })
        .collect();
    assert_eq!(
        lines,
        [
            ("02200101000000".into(), 1, 1585, Some(532), Some(2980)),
            ("02200101000000".into(), 1, 1585, Some(532), Some(2980)),
            ("96921000100019".into(), 1, 21000, Some(1250), Some(16800)),
        ]
    );
    // The receipt reads the weights back from the order's lines.
    let receipt = placed["receipt"].as_str().expect("receipt");
    for (lang, pork_row, salmon_row) in [
        (
            Lang::En,
            "  0.532 kg × ¥29.80/kg",
            "  1.250 kg × ¥168.00/kg",
        ),
        (
            Lang::Zh,
            "  0.532 千克 × ¥29.80/千克",
            "  1.250 千克 × ¥168.00/千克",
        ),
    ] {
        let page =
            smartstore::receipt_page::page(&store, dir.path(), receipt, lang, time::UtcOffset::UTC)
                .expect("receipt page");
        let rows: Vec<(&str, &str)> = page
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Row { left, right } => Some((left.as_str(), right.as_str())),
                _ => None,
            })
            .collect();
        assert!(rows.contains(&(pork_row, "¥15.85")), "{rows:?}");
        assert!(rows.contains(&(salmon_row, "¥210.00")), "{rows:?}");
    }
    drop(store);

    // Refused, and nothing stored: produce past its expiry date (17), a scale item the catalog
    // does not have, a label misread (bad check digit), a per-kg item without its weight.
    for (label, says) in [
        (
            "(01)96921000100019(3103)000532(17)200101",
            "expired on 2020-01-01",
        ),
        ("2299999010000", "Scale item 99999 is not in the catalog"),
        ("2200101005327", "misread"),
        // The salmon's GTIN alone: priced per kilogram, so never sold by count.
        ("96921000100019", "sold by weight"),
    ] {
        let out = smartstore(
            dir.path(),
            &["order", "create", "--scan", label, "--pay", "cash"],
        );
        assert!(!out.status.success(), "{label} was sold");
        assert!(stderr(&out).contains(says), "{label}: {}", stderr(&out));
    }
    let list = smartstore(dir.path(), &["orders", "--json"]);
    assert_eq!(
        json_lines(&list).len(),
        1,
        "only the first order was stored"
    );
}

#[test]
fn bad_orders_fail_clearly_and_store_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cases: [(&[&str], &str); 7] = [
        (
            &[
                "order",
                "create",
                "--fulfil",
                "deliver",
                "--scan",
                "6921000000019",
            ],
            "needs an address",
        ),
        (
            &[
                "order",
                "create",
                "--fulfil",
                "deliver",
                "--scan",
                "4006381333931",
                "--address",
                "x",
            ],
            "not in the catalog",
        ),
        (
            &[
                "order",
                "create",
                "--fulfil",
                "deliver",
                "--scan",
                "6921000000018",
                "--address",
                "x",
            ],
            "check digit",
        ),
        (
            &[
                "order",
                "create",
                "--fulfil",
                "deliver",
                "--scan",
                "hello",
                "--address",
                "x",
            ],
            "not a product barcode",
        ),
        (
            &[
                "order",
                "create",
                "--fulfil",
                "deliver",
                "--scan",
                "6921000000019",
                "--address",
                "x",
                "--pay",
                "iou",
            ],
            "not a payment",
        ),
        (
            &[
                "order",
                "create",
                "--fulfil",
                "collect",
                "--scan",
                "6921000000019",
                "--pickup-at",
                "tomorrow",
            ],
            "RFC 3339",
        ),
        (
            &[
                "order",
                "create",
                "--fulfil",
                "deliver",
                "--scan",
                "6921000000019",
                "--address",
                "x",
                "--pay",
                "code:281234567890123456",
            ],
            "online",
        ),
    ];
    for (args, needle) in cases {
        let out = smartstore(dir.path(), args);
        assert!(!out.status.success(), "{args:?} succeeded");
        assert!(
            stderr(&out).to_lowercase().contains(&needle.to_lowercase()),
            "{args:?}: {}",
            stderr(&out)
        );
        assert!(stdout(&out).is_empty(), "{args:?} printed {}", stdout(&out));
    }
    let list = smartstore(dir.path(), &["orders", "--json"]);
    assert!(list.status.success());
    assert!(
        stdout(&list).is_empty(),
        "no order may exist: {}",
        stdout(&list)
    );
}

#[test]
fn catalog_import_and_show() {
    let dir = tempfile::tempdir().expect("tempdir");
    let csv = dir.path().join("c.csv");
    std::fs::write(
        &csv,
        "gtin,name,price,name_zh\n4006381333931,Pencil HB,2.50,铅笔\n",
    )
    .expect("write");
    let out = smartstore(
        dir.path(),
        &["catalog", "import", csv.to_str().expect("utf8")],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("imported 1 products"));
    let show = smartstore(dir.path(), &["catalog", "show", "4006381333931", "--json"]);
    assert!(show.status.success());
    let item = &json_lines(&show)[0];
    assert_eq!(
        (item["price"].as_i64(), item["name_zh"].as_str()),
        (Some(250), Some("铅笔"))
    );

    std::fs::write(
        &csv,
        "gtin,name,price\n4006381333931,Pencil HB,3.00\n4006381333932,Bad,1\n",
    )
    .expect("write");
    let bad = smartstore(
        dir.path(),
        &["catalog", "import", csv.to_str().expect("utf8")],
    );
    assert!(!bad.status.success());
    assert!(stderr(&bad).contains("line 3"), "{}", stderr(&bad));
    let show = smartstore(dir.path(), &["catalog", "show", "4006381333931", "--json"]);
    assert_eq!(
        json_lines(&show)[0]["price"].as_i64(),
        Some(250),
        "nothing imported"
    );

    let missing = smartstore(dir.path(), &["catalog", "show", "96385074"]);
    assert!(!missing.status.success());
    assert!(stderr(&missing).contains("not in the catalog"));
}

#[test]
fn a_corrupt_database_is_named_and_never_overwritten() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("smartstore.db");
    let junk = b"\x00\x01garbage that used to be a database".repeat(100);
    std::fs::write(&db, &junk).expect("write");
    for args in [
        &["orders"][..],
        &[
            "order",
            "create",
            "--fulfil",
            "collect",
            "--scan",
            "6921000000019",
        ],
        &["doctor"],
    ] {
        let out = smartstore(dir.path(), args);
        assert!(!out.status.success(), "{args:?}");
        let text = stderr(&out) + &stdout(&out);
        assert!(
            text.contains("smartstore.db") && text.contains("not a readable"),
            "{args:?}: {text}"
        );
    }
    assert_eq!(std::fs::read(&db).expect("read"), junk);
    assert!(!dir.path().join("smartstore.db-wal").exists());
}

#[test]
fn doctor_passes_on_a_healthy_terminal() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = smartstore(dir.path(), &["doctor", "--json"]);
    assert!(out.status.success(), "{}", stdout(&out));
    let checks = json_lines(&out);
    assert!(
        checks
            .iter()
            .any(|c| c["check"] == "database" && c["status"] == "pass")
    );
}

#[test]
fn bad_config_is_reported() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("config.toml"), "mode = [1, 2\n").expect("write");
    let out = smartstore(dir.path(), &["orders"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("config.toml"), "{}", stderr(&out));

    // A bad mode in config.toml is named as such, not as a bad --mode flag (the window's
    // options are read before any display is needed).
    std::fs::write(dir.path().join("config.toml"), "mode = \"till\"\n").expect("write");
    let out = smartstore(dir.path(), &[]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("mode in ") && err.contains("config.toml"),
        "{err}"
    );
    assert!(!err.contains("--mode"), "{err}");
}

fn smartstore_with_stdin(data: &Path, args: &[&str], input: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_smartstore"))
        .args(args)
        .env("SMARTSTORE_DATA_DIR", data)
        .env_remove("DISPLAY")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run smartstore");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("wait")
}

#[test]
fn pin_prints_a_config_line_the_kiosk_accepts_and_refuses_bad_pins() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = smartstore_with_stdin(dir.path(), &["pin"], "135790\n");
    assert!(out.status.success(), "{}", stderr(&out));
    let line = stdout(&out);
    assert!(!line.contains("135790"), "the PIN itself is never printed");
    std::fs::write(dir.path().join("config.toml"), &line).expect("write config");
    let config = smartstore::config::Config::load(dir.path()).expect("the printed line is TOML");
    let hash = config.staff_pin_hash.expect("staff_pin_hash set");
    assert!(smartstore_protocol::staff_pin::verify_pin("135790", &hash));
    assert!(!smartstore_protocol::staff_pin::verify_pin("2468", &hash));

    for bad in ["12\n", "12ab56\n", "1234567890123\n", "\n"] {
        let out = smartstore_with_stdin(dir.path(), &["pin"], bad);
        assert_eq!(out.status.code(), Some(1), "{bad:?}");
        assert!(stdout(&out).is_empty(), "{bad:?}");
        assert!(
            stderr(&out).contains("4 to 12 digits"),
            "{bad:?}: {}",
            stderr(&out)
        );
    }
}

#[test]
fn data_dir_goes_before_or_after_the_subcommand() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().to_str().expect("utf-8 path");
    for args in [
        vec!["--data-dir", data, "orders", "--json"],
        vec!["orders", "--data-dir", data, "--json"],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_smartstore"))
            .args(&args)
            .env_remove("SMARTSTORE_DATA_DIR")
            .env_remove("DISPLAY")
            .output()
            .expect("run smartstore");
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        assert!(dir.path().join("smartstore.db").exists(), "{args:?}");
    }
    // The window's options make no sense with a subcommand: refused, in words.
    let out = smartstore(dir.path(), &["--mode", "kiosk", "orders"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("without a subcommand"),
        "{}",
        stderr(&out)
    );
}
