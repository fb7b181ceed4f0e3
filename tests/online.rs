//! Online orders filled from the stores' shelves (issue 16), end to end: a real hub on
//! loopback with two stores and their stock, a terminal enrolled in each, the binaries as a
//! technician and a clerk run them. An order near store A goes to A, is picked by scanning (a
//! wrong and an extra item refused), packed with a label whose Code 128 our own scanner reads
//! back, handed over against that scan; the platform shows every status once and A's stock
//! goes down, on the platform and on A's terminal. An order for what A lacks goes to B; an
//! order A gives back goes to B too. Sales and shelf counts move the stock both sides.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use smartstore_protocol::online::{OnlineOrder, Status};

/// Jasmine green tea 500ml (shelf A1 in the demo catalog): both stores hold it.
const TEA: &str = "6921000000019";
/// Jasmine green tea 1L: only store B holds it.
const TEA_1L: &str = "6921000000026";
/// A product that is in the catalog but in no online order.
const OTHER: &str = "6921000000033";

fn hub(db: &Path, args: &[&str]) -> Output {
    Command::new(smartstore_testkit::hub_binary())
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .expect("run hub")
}

fn term(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_smartstore"))
        .args(args)
        .env("SMARTSTORE_DATA_DIR", data)
        .env("SMARTSTORE_LANG", "en")
        .output()
        .expect("run terminal")
}

fn ok(o: &Output) -> String {
    assert!(o.status.success(), "{}", smartstore_testkit::output_text(o));
    String::from_utf8_lossy(&o.stdout).trim().to_owned()
}

fn refused(o: &Output) -> String {
    assert!(
        !o.status.success(),
        "expected a refusal: {}",
        smartstore_testkit::output_text(o)
    );
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text.lines().last().unwrap_or_default())
        .unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

fn shown(hub_db: &Path, id: &str) -> OnlineOrder {
    let out = ok(&hub(hub_db, &["online-order", "show", id, "--json"]));
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

fn hub_stock(hub_db: &Path, store: &str, gtin: &str) -> (i64, i64) {
    let db = smartstore_hub::db::HubDb::open(hub_db).expect("hub");
    let g14 = format!("{gtin:0>14}");
    db.stock_of(store)
        .expect("stock")
        .into_iter()
        .find(|(g, _, _)| *g == g14)
        .map(|(_, on_hand, reserved)| (on_hand, reserved))
        .unwrap_or_else(|| panic!("{store} holds no {gtin}"))
}

fn term_stock(data: &Path, gtin: &str) -> i64 {
    json(&ok(&term(data, &["stock", "show", gtin, "--json"])))["stock"]
        .as_i64()
        .expect("a known stock")
}

/// A terminal of `store` enrolled with the hub at `url`, with the demo catalog (and its shelves).
fn terminal(dir: &Path, hub_db: &Path, url: &str, store: &str) -> PathBuf {
    let data = dir.join(format!("term-{store}"));
    let token = ok(&hub(hub_db, &["enrolment-token", "--store", store]));
    ok(&term(
        &data,
        &["enroll", "--platform", url, "--token", &token],
    ));
    let catalog = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo-catalog.csv");
    ok(&term(
        &data,
        &["catalog", "import", catalog.to_str().expect("path")],
    ));
    ok(&term(&data, &["sync", "--once"]));
    data
}

fn create(hub_db: &Path, id: &str, line: &str, near: &str) -> OnlineOrder {
    let out = ok(&hub(
        hub_db,
        &[
            "online-order",
            "create",
            "--id",
            id,
            "--line",
            line,
            "--deliver-to",
            "88 Century Ave, Pudong",
            "--near",
            near,
            "--json",
        ],
    ));
    let answer = json(&out);
    serde_json::from_value(answer["orders"][0].clone()).unwrap_or_else(|e| panic!("{e}: {out}"))
}

#[test]
fn an_online_order_is_routed_to_the_nearest_store_picked_packed_shipped_and_counted_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let hub_db = dir.path().join("hub.db");
    {
        let mut db = smartstore_hub::db::HubDb::open(&hub_db).expect("hub");
        db.import_catalog_csv(
            std::io::Cursor::new(smartstore::store::DEMO_CATALOG_CSV),
            smartstore_domain::money::Currency::CNY,
        )
        .expect("catalog");
    }
    let addr = smartstore_testkit::spawn_hub(&hub_db);
    let url = format!("http://{addr}");
    ok(&hub(
        &hub_db,
        &[
            "store",
            "add",
            "--id",
            "A",
            "--name",
            "Lujiazui",
            "--at",
            "31.2397,121.4998",
        ],
    ));
    ok(&hub(
        &hub_db,
        &[
            "store",
            "add",
            "--id",
            "B",
            "--name",
            "Xujiahui",
            "--at",
            "31.1951,121.4365",
        ],
    ));
    let stock_a = dir.path().join("a.csv");
    std::fs::write(&stock_a, format!("gtin,qty\n{TEA},10\n")).expect("csv");
    let stock_b = dir.path().join("b.csv");
    std::fs::write(&stock_b, format!("gtin,qty\n{TEA},5\n{TEA_1L},4\n")).expect("csv");
    for (store, file) in [("A", &stock_a), ("B", &stock_b)] {
        ok(&hub(
            &hub_db,
            &[
                "stock",
                "import",
                "--store",
                store,
                file.to_str().expect("path"),
            ],
        ));
    }
    let a = terminal(dir.path(), &hub_db, &url, "A");
    let b = terminal(dir.path(), &hub_db, &url, "B");
    // The platform's figure for A reached A's terminal.
    assert_eq!(term_stock(&a, TEA), 10);

    // Near A (Pudong): routed to A, two reserved there.
    let near_a = "31.2351,121.5055";
    let order = create(&hub_db, "TM-1", &format!("{TEA}:2"), near_a);
    assert_eq!(order.store.as_deref(), Some("A"));
    assert_eq!(hub_stock(&hub_db, "A", TEA), (10, 2));
    let id = order.order_id.clone();

    // A's terminal fetches it; listing it accepts it.
    ok(&term(&a, &["sync", "--once"]));
    let list = json(&ok(&term(&a, &["fulfil", "list", "--json"])));
    let listed = list.as_array().expect("a list");
    assert_eq!(listed.len(), 1, "{list}");
    assert_eq!(listed[0]["order_id"], id.as_str());
    assert_eq!(listed[0]["status"], "accepted");
    // B's terminal has nothing to do.
    assert_eq!(
        json(&ok(&term(&b, &["fulfil", "list", "--json"]))),
        serde_json::json!([])
    );

    // The pick list names the shelf.
    let show = json(&ok(&term(&a, &["fulfil", "show", &id, "--json"])));
    assert_eq!(show["pick_list"][0]["shelf"], "A1", "{show}");
    assert_eq!(show["pick_list"][0]["qty"], 2);

    // A wrong item is refused aloud and not picked; packing before the end is refused.
    let err = refused(&term(&a, &["fulfil", "pick", &id, "--scan", OTHER]));
    assert!(err.contains("is not in this order"), "{err}");
    let err = refused(&term(&a, &["fulfil", "pick", &id, "--scan", "hello"]));
    assert!(err.contains("not a product code"), "{err}");
    let out = term(&a, &["fulfil", "pick", &id, "--scan", TEA]);
    assert!(
        out.status.success(),
        "{}",
        smartstore_testkit::output_text(&out)
    );
    let err = refused(&term(&a, &["fulfil", "pack", &id, "--label", "/dev/null"]));
    assert!(err.contains("not fully picked: 1 item"), "{err}");
    // The second completes the line; a third is extra, refused, and the order stays picked.
    let out = term(
        &a,
        &[
            "fulfil", "pick", &id, "--scan", TEA, "--scan", TEA, "--json",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        smartstore_testkit::output_text(&out)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("this one is extra"));
    let picked = json(&String::from_utf8_lossy(&out.stdout));
    assert_eq!(picked["status"], "picked");
    assert_eq!(picked["pick_list"][0]["picked"], 2);

    // Packed with a label; our scanner reads the parcel's Code 128 back from the PNG.
    let label = dir.path().join("label.png");
    let packed = json(&ok(&term(
        &a,
        &[
            "fulfil",
            "pack",
            &id,
            "--label",
            label.to_str().expect("path"),
            "--json",
        ],
    )));
    assert_eq!(packed["status"], "packed");
    let parcel = packed["parcel_id"]
        .as_str()
        .expect("a parcel id")
        .to_owned();
    assert_eq!(parcel, format!("{id}-A"));
    let read = ok(&term(
        &a,
        &["scan", "--json", label.to_str().expect("path")],
    ));
    let codes: Vec<serde_json::Value> = read.lines().map(json).collect();
    let code128: Vec<&serde_json::Value> = codes
        .iter()
        .filter(|c| c["symbology"] == "code128")
        .collect();
    assert_eq!(code128.len(), 1, "{read}");
    let scanned = code128[0]["text"].as_str().expect("text");
    assert_eq!(scanned, parcel);

    // Handed over only against its own label.
    let err = refused(&term(&a, &["fulfil", "ship", &id, "--scan", "OL9999999-A"]));
    assert!(err.contains("is not this order's parcel"), "{err}");
    let shipped = json(&ok(&term(
        &a,
        &["fulfil", "ship", &id, "--scan", scanned, "--json"],
    )));
    assert_eq!(shipped["status"], "shipped");
    // Off A's shelf at once on the terminal …
    assert_eq!(term_stock(&a, TEA), 8);
    assert_eq!(
        json(&ok(&term(&a, &["fulfil", "list", "--json"]))),
        serde_json::json!([])
    );

    // … and at the platform once the events arrive: every status once, in order.
    ok(&term(&a, &["sync", "--once"]));
    let platform = shown(&hub_db, &id);
    assert_eq!(platform.status, Status::Shipped);
    let steps: Vec<Status> = platform.history.iter().map(|s| s.status).collect();
    assert_eq!(
        steps,
        [
            Status::Routed,
            Status::Accepted,
            Status::Picked,
            Status::Packed,
            Status::Shipped
        ]
    );
    assert_eq!(hub_stock(&hub_db, "A", TEA), (8, 0));
    // Synced again: the terminal's figure is the platform's, nothing counted twice.
    ok(&term(&a, &["sync", "--once"]));
    assert_eq!(term_stock(&a, TEA), 8);

    // A sale at A's counter: off the shelf on the terminal, then at the platform.
    ok(&term(
        &a,
        &[
            "order", "create", "--scan", TEA, "--scan", TEA, "--pay", "cash",
        ],
    ));
    assert_eq!(term_stock(&a, TEA), 6);
    ok(&term(&a, &["sync", "--once"]));
    assert_eq!(hub_stock(&hub_db, "A", TEA), (6, 0));
    assert_eq!(term_stock(&a, TEA), 6);
    // A shelf count replaces the figure both sides.
    ok(&term(&a, &["stock", "count", TEA, "12"]));
    assert_eq!(term_stock(&a, TEA), 12);
    ok(&term(&a, &["sync", "--once"]));
    assert_eq!(hub_stock(&hub_db, "A", TEA), (12, 0));
    assert_eq!(term_stock(&a, TEA), 12);

    // What A does not hold goes to B, though A is nearer.
    let second = create(&hub_db, "TM-2", &format!("{TEA_1L}:1"), near_a);
    assert_eq!(second.store.as_deref(), Some("B"));

    // An order A gives back (the shelf is damaged) goes to B, and A's reservation is freed.
    let third = create(&hub_db, "TM-3", &format!("{TEA}:3"), near_a);
    assert_eq!(third.store.as_deref(), Some("A"));
    ok(&term(&a, &["sync", "--once"]));
    let err = refused(&term(
        &a,
        &["fulfil", "reject", &third.order_id, "--reason", " "],
    ));
    assert!(err.contains("Say why"), "{err}");
    ok(&term(
        &a,
        &[
            "fulfil",
            "reject",
            &third.order_id,
            "--reason",
            "tea shelf water-damaged",
        ],
    ));
    ok(&term(&a, &["sync", "--once"]));
    let moved = shown(&hub_db, &third.order_id);
    assert_eq!(
        (moved.store.as_deref(), moved.status),
        (Some("B"), Status::Routed)
    );
    assert_eq!(hub_stock(&hub_db, "A", TEA), (12, 0));
    ok(&term(&b, &["sync", "--once"]));
    let at_b = json(&ok(&term(&b, &["fulfil", "list", "--json"])));
    let ids: Vec<&str> = at_b
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|o| o["order_id"].as_str())
        .collect();
    assert_eq!(ids, [second.order_id.as_str(), third.order_id.as_str()]);

    // A pickup at A: packed, it is ready for pickup; the shopper's collection is the scan of
    // its label; the platform hears every step once.
    let out = ok(&hub(
        &hub_db,
        &[
            "online-order",
            "create",
            "--id",
            "TM-4",
            "--line",
            &format!("{TEA}:1"),
            "--pickup-store",
            "A",
            "--json",
        ],
    ));
    let pickup: OnlineOrder =
        serde_json::from_value(json(&out)["orders"][0].clone()).expect("an order");
    assert_eq!(pickup.store.as_deref(), Some("A"));
    ok(&term(&a, &["sync", "--once"]));
    ok(&term(
        &a,
        &["fulfil", "pick", &pickup.order_id, "--scan", TEA],
    ));
    // Its label goes to the printer this time: the test printer parses the ESC/POS bytes, draws
    // the paper, and our scanner reads the parcel's Code 128 off it.
    let printer = smartstore_testkit::printer::TestPrinter::start(
        smartstore_testkit::printer::PrinterState::Ready,
    );
    let packed = json(&ok(&term(
        &a,
        &[
            "fulfil",
            "pack",
            &pickup.order_id,
            "--printer",
            &printer.address().to_string(),
            "--json",
        ],
    )));
    assert_eq!(packed["status"], "ready_for_pickup");
    let parcel = packed["parcel_id"].as_str().expect("parcel").to_owned();
    let jobs = printer.wait_for_jobs(1, std::time::Duration::from_secs(10));
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0].error, None);
    let items = smartstore_testkit::printer::parse(&jobs[0].bytes).expect("ESC/POS");
    let paper =
        smartstore_testkit::printer::render(&items, smartstore_print::Paper::Mm80).expect("drawn");
    assert_eq!(
        smartstore_testkit::printer::decode_codes(&paper),
        [parcel.as_str()]
    );
    let collected = json(&ok(&term(
        &a,
        &[
            "fulfil",
            "ship",
            &pickup.order_id,
            "--scan",
            &parcel,
            "--json",
        ],
    )));
    assert_eq!(collected["status"], "collected");
    assert_eq!(term_stock(&a, TEA), 11);
    ok(&term(&a, &["sync", "--once"]));
    let steps: Vec<Status> = shown(&hub_db, &pickup.order_id)
        .history
        .iter()
        .map(|s| s.status)
        .collect();
    assert_eq!(
        steps,
        [
            Status::Routed,
            Status::Accepted,
            Status::Picked,
            Status::Packed,
            Status::ReadyForPickup,
            Status::Collected
        ]
    );
    assert_eq!(hub_stock(&hub_db, "A", TEA), (11, 0));
    assert_eq!(term_stock(&a, TEA), 11);
}
