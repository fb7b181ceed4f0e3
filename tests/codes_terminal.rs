//! Shopper codes at the terminal, end to end: the hub issues them (`smartstore-hub issue`),
//! the terminal pins the platform keys at enrolment and verifies them offline through the
//! same scan path as any product (`order create --scan`, `pickup --scan`).

use std::path::Path;
use std::process::{Command, Output};

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
        .output()
        .expect("run terminal")
}

fn text(o: &Output) -> String {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).trim().to_owned()
}

fn err(o: &Output) -> String {
    assert!(
        !o.status.success(),
        "expected a refusal: {}",
        String::from_utf8_lossy(&o.stdout)
    );
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A hub serving on loopback, an enrolled terminal of store SH001 with the catalog pulled.
fn setup(
    dir: &Path,
) -> (
    std::path::PathBuf,
    std::path::PathBuf,
    smartstore_hub::db::HubDb,
) {
    let hub_db = dir.join("hub.db");
    let mut db = smartstore_hub::db::HubDb::open(&hub_db).expect("hub");
    db.import_catalog_csv(
        std::io::Cursor::new(smartstore::store::DEMO_CATALOG_CSV),
        smartstore_domain::money::Currency::CNY,
    )
    .expect("catalog");
    let addr = smartstore_hub::server::spawn(
        smartstore_hub::db::HubDb::open(&hub_db).expect("hub"),
        "127.0.0.1:0".parse().expect("addr"),
    )
    .expect("serve");
    let token = text(&hub(&hub_db, &["enrolment-token", "--store", "SH001"]));
    let data = dir.join("term");
    text(&term(
        &data,
        &[
            "enroll",
            "--platform",
            &format!("http://{addr}"),
            "--token",
            &token,
        ],
    ));
    text(&term(&data, &["sync", "--once"]));
    (hub_db, data, db)
}

#[test]
fn member_coupon_and_basket_codes_go_into_orders_and_coupons_are_single_use() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (hub_db, data, _db) = setup(dir.path());
    let member = text(&hub(
        &hub_db,
        &[
            "issue",
            "member",
            "--member",
            "M-77",
            "--name",
            "Li Wei",
            "--address",
            "88 Century Ave, Shanghai",
        ],
    ));
    let coupon = text(&hub(
        &hub_db,
        &[
            "issue",
            "coupon",
            "--store",
            "SH001",
            "--off",
            "5.00",
            "--min",
            "10.00",
            "--single-use",
        ],
    ));
    let basket = text(&hub(
        &hub_db,
        &[
            "issue",
            "basket",
            "--line",
            "6921000000019:2",
            "--line",
            "6931003700045:1",
        ],
    ));
    assert!(member.starts_with("MB1:") && coupon.starts_with("CP1:") && basket.starts_with("BK1:"));

    // Basket 2 × 3.50 + 4.00 = 11.00, coupon −5.00, address from the member code.
    let o = text(&term(
        &data,
        &[
            "order", "create", "--fulfil", "deliver", "--scan", &member, "--scan", &basket,
            "--scan", &coupon, "--pay", "cash", "--json",
        ],
    ));
    let order: serde_json::Value = serde_json::from_str(&o).expect("json");
    assert_eq!(order["total"], 600);

    let again = err(&term(
        &data,
        &[
            "order",
            "create",
            "--fulfil",
            "deliver",
            "--scan",
            &basket,
            "--scan",
            &coupon,
            "--address",
            "x",
        ],
    ));
    assert!(again.contains("already redeemed"), "{again}");
    let below = text(&hub(
        &hub_db,
        &[
            "issue", "coupon", "--store", "SH001", "--off", "5.00", "--min", "100.00",
        ],
    ));
    let refused = err(&term(
        &data,
        &[
            "order",
            "create",
            "--fulfil",
            "deliver",
            "--scan",
            "6921000000019",
            "--scan",
            &below,
            "--address",
            "x",
        ],
    ));
    assert!(refused.contains("at least"), "{refused}");
    let elsewhere = text(&hub(
        &hub_db,
        &["issue", "coupon", "--store", "BJ002", "--percent", "10"],
    ));
    let refused = err(&term(
        &data,
        &[
            "order",
            "create",
            "--fulfil",
            "deliver",
            "--scan",
            "6921000000019",
            "--scan",
            &elsewhere,
            "--address",
            "x",
        ],
    ));
    assert!(refused.contains("for store BJ002"), "{refused}");
    let mut tampered = coupon.clone().into_bytes();
    let at = tampered.len() / 2;
    tampered[at] = if tampered[at] == b'A' { b'B' } else { b'A' };
    let refused = err(&term(
        &data,
        &[
            "order",
            "create",
            "--fulfil",
            "deliver",
            "--scan",
            "6921000000019",
            "--scan",
            std::str::from_utf8(&tampered).expect("ascii"),
            "--address",
            "x",
        ],
    ));
    assert!(refused.contains("refused"), "{refused}");

    text(&term(&data, &["sync", "--once"]));
    let events = text(&hub(&hub_db, &["events", "--json"]));
    // The first order (after the shift its sale opened).
    let first: serde_json::Value = events
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("json"))
        .find(|e| e["type"] == "order.placed")
        .expect("an order");
    assert_eq!(first["member_id"], "M-77");
    assert_eq!(first["fulfilment"]["address"], "88 Century Ave, Shanghai");
    assert_eq!(first["coupon_single_use"], true);
}

#[test]
fn pickup_codes_hand_over_once_and_queue_an_event() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (hub_db, data, _db) = setup(dir.path());
    let code = text(&hub(
        &hub_db,
        &[
            "issue",
            "pickup",
            "--store",
            "SH001",
            "--order",
            "WEB-42",
            "--line",
            "6921000000019:3",
        ],
    ));
    // Checked offline before the pickups pull brought the order: the code's own lines count.
    let show = text(&term(&data, &["pickup", "--scan", &code, "--json"]));
    let shown: serde_json::Value = serde_json::from_str(&show).expect("json");
    assert_eq!(
        (
            shown["order_id"].as_str(),
            shown["lines"][0]["quantity"].as_u64(),
            shown["collected"].as_bool()
        ),
        (Some("WEB-42"), Some(3), Some(false))
    );
    let done: serde_json::Value = serde_json::from_str(&text(&term(
        &data,
        &["pickup", "--scan", &code, "--confirm", "--json"],
    )))
    .expect("json");
    assert_eq!(done["collected"], true);
    let twice = err(&term(&data, &["pickup", "--scan", &code, "--confirm"]));
    assert!(twice.contains("already collected"), "{twice}");
    let other = text(&hub(
        &hub_db,
        &[
            "issue",
            "pickup",
            "--store",
            "BJ002",
            "--order",
            "WEB-43",
            "--line",
            "6921000000019:1",
        ],
    ));
    assert!(err(&term(&data, &["pickup", "--scan", &other])).contains("for store BJ002"));
    text(&term(&data, &["sync", "--once"]));
    let events = text(&hub(&hub_db, &["events", "--json"]));
    assert!(
        events
            .lines()
            .any(|l| l.contains("\"type\":\"pickup.collected\"") && l.contains("WEB-42")),
        "{events}"
    );
}

#[test]
fn a_coupon_redeemed_on_two_offline_terminals_is_settled_by_the_hub() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (hub_db, a, _db) = setup(dir.path());
    let token = text(&hub(&hub_db, &["enrolment-token", "--store", "SH001"]));
    let b = dir.path().join("term-b");
    let platform = smartstore::store::Store::open(&a.join("smartstore.db"))
        .expect("store")
        .meta("platform_url")
        .expect("meta")
        .expect("url");
    text(&term(
        &b,
        &["enroll", "--platform", &platform, "--token", &token],
    ));
    text(&term(&b, &["sync", "--once"]));
    let coupon = text(&hub(
        &hub_db,
        &[
            "issue",
            "coupon",
            "--store",
            "SH001",
            "--percent",
            "10",
            "--single-use",
        ],
    ));
    // Both terminals offline (the platform unreachable): each accepts the coupon on its own
    // rule, as an online terminal would not (it claims it first: tests/trust.rs).
    let point_at = |data: &Path, url: &str| {
        smartstore::store::Store::open(&data.join("smartstore.db"))
            .expect("store")
            .set_meta("platform_url", url)
            .expect("meta");
    };
    for data in [&a, &b] {
        point_at(data, "http://127.0.0.1:9");
        text(&term(
            data,
            &[
                "order",
                "create",
                "--fulfil",
                "collect",
                "--scan",
                "6921000000019",
                "--scan",
                &coupon,
            ],
        ));
        point_at(data, &platform);
    }
    text(&term(&a, &["sync", "--once"]));
    text(&term(&b, &["sync", "--once"]));
    let events = text(&hub(&hub_db, &["events", "--json"]));
    let flagged: Vec<&str> = events
        .lines()
        .filter(|l| l.contains("already redeemed elsewhere"))
        .collect();
    assert_eq!(flagged.len(), 1, "{events}");
}
