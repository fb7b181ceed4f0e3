//! Money end to end: the real hub on loopback, the terminal's real binary killed in the middle
//! of a payment, and a relay that takes the platform's answer away after the platform has
//! committed it. Nothing charged twice, nothing charged without an order.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use smartstore::i18n::Msg;
use smartstore::store::{IntentStatus, Store};
use smartstore::ui::effect::{Effect, Outcome, PlaceRequest, execute};
use smartstore_domain::cart::Cart;
use smartstore_domain::checkout::{Checkout, TenderKind, TenderStatus};
use smartstore_domain::gtin::Gtin;
use smartstore_domain::money::Currency;
use smartstore_domain::order::Fulfilment;
use smartstore_domain::scan::PaymentScheme;
use smartstore_hub::db::{HubDb, PaymentRow};
use smartstore_testkit::relay::{Fault, Relay};

const CODE: &str = "281234567890123456";
const PAYMENTS: &str = "/v1/payments";

fn spawn_hub(db: &Path) -> SocketAddr {
    smartstore_testkit::spawn_hub(db)
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

fn demo_catalog() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo-catalog.csv")
}

/// A terminal of store SH001 enrolled through `platform`, with the demo catalog.
fn enrolled(dir: &Path, hub_db: &Path, platform: &str) {
    let token = HubDb::open(hub_db)
        .expect("hub db")
        .create_enrolment_tokens("SH001", 1)
        .expect("token")
        .remove(0);
    let out = smartstore(dir, &["enroll", "--platform", platform, "--token", &token]);
    assert!(out.status.success(), "{}", text(&out));
    let catalog = demo_catalog();
    let out = smartstore(
        dir,
        &["catalog", "import", catalog.to_str().expect("utf-8 path")],
    );
    assert!(out.status.success(), "{}", text(&out));
}

fn payments(hub_db: &Path) -> Vec<PaymentRow> {
    HubDb::open(hub_db)
        .expect("hub db")
        .payments()
        .expect("payments")
}

fn count(rows: &[PaymentRow], status: &str) -> usize {
    rows.iter().filter(|p| p.status == status).count()
}

const SALE: [&str; 11] = [
    "order",
    "create",
    "--fulfil",
    "deliver",
    "--scan",
    "6921000000019",
    "--address",
    "88 Century Ave",
    "--pay",
    "code:281234567890123456",
    "--json",
];

/// Waits until `done` holds, looking every 10 ms; gives up (failing the test with `what`)
/// after 3,000 looks, far beyond what a loaded machine needs.
fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    for _ in 0..3000 {
        if done() {
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("never happened: {what}");
}

#[test]
fn an_approval_whose_answer_is_lost_then_a_killed_terminal_never_charges_twice() {
    let dir = tempfile::tempdir().expect("tempdir");
    let hub_db = dir.path().join("hub.db");
    let relay = Relay::start(spawn_hub(&hub_db), "POST", PAYMENTS);
    let term = dir.path().join("term");
    enrolled(&term, &hub_db, &relay.url());
    const ROUNDS: usize = 100;
    let mut paid_by = HashSet::new();
    for round in 0..ROUNDS {
        // The platform approves; its answer never reaches the terminal, which is killed while
        // it waits.
        relay.arm(Fault::Hold);
        let mut child = Command::new(env!("CARGO_BIN_EXE_smartstore"))
            .args(SALE)
            .env("SMARTSTORE_DATA_DIR", &term)
            .env("SMARTSTORE_LANG", "en")
            .env_remove("DISPLAY")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        wait_for("the platform approves this round's charge", || {
            count(&payments(&hub_db), "approved") == round + 1
        });
        child.kill().expect("kill");
        child.wait().expect("reaped");
        relay.release();
        // Restarted, the sale is tried again: the lost charge is settled first.
        let out = smartstore(&term, &SALE);
        assert!(out.status.success(), "round {round}: {}", text(&out));
        let placed: serde_json::Value =
            serde_json::from_slice(&out.stdout).expect("order create --json");
        let id = placed["tenders"][0]["payment_id"]
            .as_str()
            .expect("the order names its payment")
            .to_owned();
        assert!(paid_by.insert(id), "round {round}: a payment paid twice");
    }
    assert_eq!(relay.taken.load(std::sync::atomic::Ordering::SeqCst), 100);
    let rows = payments(&hub_db);
    let approved: HashSet<String> = rows
        .iter()
        .filter(|p| p.status == "approved")
        .map(|p| p.payment_id.clone())
        .collect();
    assert_eq!(approved.len(), ROUNDS, "one approved payment per sale");
    assert_eq!(
        count(&rows, "voided"),
        ROUNDS,
        "each lost charge given back"
    );
    assert_eq!(approved, paid_by, "every approved payment paid one order");
    let orders = smartstore(&term, &["orders", "--json"]);
    assert_eq!(
        String::from_utf8_lossy(&orders.stdout).lines().count(),
        ROUNDS,
        "one order per sale"
    );
    let pending = smartstore(&term, &["payments", "--pending", "--json"]);
    assert!(pending.status.success(), "{}", text(&pending));
    assert_eq!(
        String::from_utf8_lossy(&pending.stdout),
        "",
        "nothing unresolved"
    );
    // And the platform receives each order once.
    let sync = smartstore(&term, &["sync", "--once"]);
    assert!(sync.status.success(), "{}", text(&sync));
    let events = HubDb::open(&hub_db).expect("hub").events().expect("events");
    assert_eq!(
        events.iter().filter(|e| e.kind == "order.placed").count(),
        ROUNDS
    );
    assert_eq!(
        events.len(),
        ROUNDS + 1,
        "and the shift the first sale opened"
    );
}

fn place_request(checkout: Checkout) -> Box<PlaceRequest> {
    Box::new(PlaceRequest {
        checkout,
        tender: TenderKind::Code {
            digits: CODE.into(),
            scheme: PaymentScheme::Alipay,
        },
        fulfilment: Fulfilment::Deliver {
            address: "88 Century Ave".into(),
        },
        member_id: None,
        daily_shift: false,
    })
}

#[test]
fn the_window_retries_a_lost_answer_under_the_same_reference() {
    let dir = tempfile::tempdir().expect("tempdir");
    let hub_db = dir.path().join("hub.db");
    let relay = Relay::start(spawn_hub(&hub_db), "POST", PAYMENTS);
    let term = dir.path().join("term");
    enrolled(&term, &hub_db, &relay.url());
    let mut store = Store::open(&term.join("smartstore.db")).expect("store");
    let item = store
        .item(Gtin::parse("6921000000019").expect("gtin"))
        .expect("read")
        .expect("in the demo catalog");
    let mut cart = Cart::new(Currency::CNY);
    cart.add(&item, 2).expect("add");
    let checkout = Checkout::new(uuid::Uuid::now_v7().to_string(), cart);

    // Place order: approved at the platform, the answer dropped.
    relay.arm(Fault::Drop);
    let (first, checkout) = match execute(&mut store, &term, Effect::Place(place_request(checkout)))
    {
        Outcome::Placed(r, c) => (r, *c),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        first.expect_err("the answer was lost"),
        Msg::new("payment-answer-lost")
    );
    let reference = checkout.tenders()[0].reference.clone();
    assert_eq!(checkout.tenders()[0].status, TenderStatus::Pending);
    assert_eq!(count(&payments(&hub_db), "approved"), 1);

    // Another process reconciling meanwhile leaves the window's sale alone: it is running.
    let other = smartstore(&term, &["payments", "--reconcile", "--pending", "--json"]);
    assert!(other.status.success(), "{}", text(&other));
    assert!(
        String::from_utf8_lossy(&other.stderr).contains("1 still in a running checkout"),
        "{}",
        text(&other)
    );

    // Pressed again: the same reference, the platform's first answer, one order.
    let (second, checkout) =
        match execute(&mut store, &term, Effect::Place(place_request(checkout))) {
            Outcome::Placed(r, c) => (r, *c),
            other => panic!("{other:?}"),
        };
    let placed = second.expect("placed on the retry");
    assert_eq!(checkout.tenders().len(), 1);
    assert_eq!(checkout.tenders()[0].reference, reference);
    let rows = payments(&hub_db);
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].status, "approved");
    assert_eq!(store.order_count().expect("count"), 1);
    let intents = store.payment_intents(false).expect("intents");
    assert_eq!(intents.len(), 1);
    assert_eq!(intents[0].status, IntentStatus::Committed);
    assert_eq!(intents[0].order_id.as_deref(), Some(placed.id.as_str()));
}

#[test]
fn split_tender_on_the_command_line_gives_change_only_in_cash() {
    let dir = tempfile::tempdir().expect("tempdir");
    let hub_db = dir.path().join("hub.db");
    let url = format!("http://{}", spawn_hub(&hub_db));
    let term = dir.path().join("term");
    enrolled(&term, &hub_db, &url);
    let sale = |pays: &[&str]| {
        let mut args = vec![
            "order",
            "create",
            "--fulfil",
            "deliver",
            "--scan",
            "6921000000019",
            "--scan",
            "6921000000019",
            "--address",
            "1 Road",
            "--json",
        ];
        for p in pays {
            args.extend(["--pay", p]);
        }
        smartstore(&term, &args)
    };
    let one = sale(&[]);
    assert!(one.status.success(), "{}", text(&one));
    let total = serde_json::from_slice::<serde_json::Value>(&one.stdout).expect("json")["total"]
        .as_i64()
        .expect("total");
    assert!(
        total > 300,
        "two items of the demo catalog cost more than 3.00"
    );
    // Code for 1.00, card for 2.00, the rest in cash from a 500.00 note.
    let split = sale(&[
        &format!("code:{CODE}:1.00"),
        "card:AUTH-77:2.00",
        "cash:500.00",
    ]);
    assert!(split.status.success(), "{}", text(&split));
    let v: serde_json::Value = serde_json::from_slice(&split.stdout).expect("json");
    let tenders = v["tenders"].as_array().expect("tenders");
    let methods: Vec<&str> = tenders
        .iter()
        .map(|t| t["method"].as_str().expect("method"))
        .collect();
    assert_eq!(methods, ["code", "card", "cash"]);
    let amounts: Vec<i64> = tenders
        .iter()
        .map(|t| t["amount"].as_i64().expect("amount"))
        .collect();
    assert_eq!(amounts, [100, 200, total - 300]);
    assert_eq!(v["change"].as_i64(), Some(50_000 - (total - 300)));
    let rows = payments(&hub_db);
    assert_eq!(rows.len(), 1);
    assert_eq!((rows[0].amount, rows[0].status.as_str()), (100, "approved"));
    // A card for more than is due is refused (only cash gives change); nothing is stored.
    let over = sale(&["card:AUTH-78:9999.00"]);
    assert!(!over.status.success());
    assert!(
        String::from_utf8_lossy(&over.stderr).contains("only cash gives change"),
        "{}",
        text(&over)
    );
    let orders = smartstore(&term, &["orders", "--json"]);
    assert_eq!(String::from_utf8_lossy(&orders.stdout).lines().count(), 2);
}

/// Runs the terminal with `input` on standard input (a PIN).
fn smartstore_in(data: &Path, args: &[&str], input: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_smartstore"))
        .args(args)
        .env("SMARTSTORE_DATA_DIR", data)
        .env("SMARTSTORE_LANG", "en")
        .env_remove("DISPLAY")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("pin");
    child.wait_with_output().expect("run")
}

const TEA: &str = "6921000000019";
const BIG_TEA: &str = "6921000000026";

fn json(out: &Output) -> serde_json::Value {
    assert!(out.status.success(), "{}", text(out));
    serde_json::from_slice(&out.stdout).expect("json")
}

fn refused_with(out: &Output, words: &str) {
    assert!(!out.status.success(), "{}", text(out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(words),
        "expected '{words}': {}",
        text(out)
    );
}

#[test]
fn returns_across_two_terminals_offline_then_synced_never_refund_more_than_the_sale() {
    let dir = tempfile::tempdir().expect("tempdir");
    let hub_db = dir.path().join("hub.db");
    let url = format!("http://{}", spawn_hub(&hub_db));
    {
        let mut hub = HubDb::open(&hub_db).expect("hub");
        let hash = smartstore_protocol::staff_pin::hash_pin;
        hub.add_staff("SH001", "S1", "supervisor", Some("Li"), &hash("2468"))
            .expect("staff");
        hub.add_staff("SH001", "C1", "clerk", None, &hash("1357"))
            .expect("staff");
    }
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    enrolled(&a, &hub_db, &url);
    enrolled(&b, &hub_db, &url);
    for t in [&a, &b] {
        let out = smartstore(t, &["sync", "--once"]);
        assert!(out.status.success(), "{}", text(&out));
    }

    // Sold on A: 2 × 3.50 + 9.80 = 16.80, 5.00 by code and the rest in cash. A does not sync.
    let sale = json(&smartstore(
        &a,
        &[
            "order",
            "create",
            "--fulfil",
            "deliver",
            "--scan",
            TEA,
            "--scan",
            TEA,
            "--scan",
            BIG_TEA,
            "--address",
            "1 Road",
            "--pay",
            &format!("code:{CODE}:5.00"),
            "--pay",
            "cash:20.00",
            "--json",
        ],
    ));
    assert_eq!(sale["total"], 1680);
    assert_eq!(sale["change"], 820);
    let receipt_code = sale["receipt_code"]
        .as_str()
        .expect("a receipt code")
        .to_owned();
    assert!(
        receipt_code.starts_with(&format!("{url}/r/")),
        "{receipt_code}"
    );

    // B is offline: the receipt is verified from its code alone.
    let dead = format!("http://127.0.0.1:{}", {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    });
    let b_store = Store::open(&b.join("smartstore.db")).expect("b");
    b_store.set_meta("platform_url", &dead).expect("offline");
    let ret = |t: &Path, lines: &[&str], extra: &[&str], pin: &str| {
        let mut args = vec!["return", "--receipt", receipt_code.as_str(), "--json"];
        for l in lines {
            args.extend(["--line", l]);
        }
        args.extend(extra);
        smartstore_in(t, &args, &format!("{pin}\n"))
    };
    let s1 = ["--staff", "S1"];
    // Each refusal stores nothing.
    refused_with(&ret(&b, &[&format!("{TEA}:1")], &s1, "0000"), "Wrong PIN");
    refused_with(
        &ret(&b, &[&format!("{TEA}:1")], &["--staff", "C1"], "1357"),
        "a supervisor must approve",
    );
    refused_with(
        &ret(&b, &[&format!("{TEA}:3")], &s1, "2468"),
        "bought 2 time(s) and 0 already came back",
    );
    refused_with(
        &ret(
            &b,
            &[&format!("{TEA}:1")],
            &["--staff", "S1", "--refund", "card"],
            "2468",
        ),
        "was not paid by",
    );
    let forged = receipt_code.replace(".ey", ".eX");
    refused_with(
        &smartstore_in(
            &b,
            &[
                "return",
                "--receipt",
                &forged,
                "--line",
                &format!("{TEA}:1"),
                "--staff",
                "S1",
            ],
            "2468\n",
        ),
        "altered or forged",
    );
    // Three wrong PINs lock that member out on this terminal.
    let c1 = ["--staff", "C1"];
    refused_with(&ret(&b, &[&format!("{TEA}:1")], &c1, "0000"), "Wrong PIN");
    refused_with(&ret(&b, &[&format!("{TEA}:1")], &c1, "0000"), "Wrong PIN");
    refused_with(
        &ret(&b, &[&format!("{TEA}:1")], &c1, "0000"),
        "Locked after wrong PINs",
    );
    refused_with(
        &ret(&b, &[&format!("{TEA}:1")], &c1, "1357"),
        "Locked after wrong PINs",
    );
    // A receipt of another store.
    let c = dir.path().join("c");
    {
        let token = HubDb::open(&hub_db)
            .expect("hub")
            .create_enrolment_tokens("BJ001", 1)
            .expect("token")
            .remove(0);
        let out = smartstore(&c, &["enroll", "--platform", &url, "--token", &token]);
        assert!(out.status.success(), "{}", text(&out));
        let catalog = demo_catalog();
        let out = smartstore(&c, &["catalog", "import", catalog.to_str().expect("utf-8")]);
        assert!(out.status.success(), "{}", text(&out));
    }
    let beijing = json(&smartstore(
        &c,
        &[
            "order",
            "create",
            "--fulfil",
            "deliver",
            "--scan",
            TEA,
            "--address",
            "2 Road",
            "--pay",
            "cash",
            "--json",
        ],
    ));
    refused_with(
        &smartstore_in(
            &b,
            &[
                "return",
                "--receipt",
                beijing["receipt_code"].as_str().expect("code"),
                "--line",
                &format!("{TEA}:1"),
                "--staff",
                "S1",
            ],
            "2468\n",
        ),
        "is from store BJ001",
    );
    // Nothing of all that was stored.
    assert!(
        b_store
            .outbox_after(0, 100)
            .expect("outbox")
            .iter()
            .all(|e| e.kind != "order.returned")
    );
    let first = json(&ret(&b, &[&format!("{TEA}:1")], &s1, "2468"));
    assert_eq!(first["total"], 350);
    assert_eq!(first["refunds"][0]["method"], "code");
    assert_eq!(first["refunds"][0]["status"], "owed", "offline: owed");
    assert_eq!(first["approved_by"], "S1");
    // A void on B of A's sale: not its own sale of today.
    refused_with(
        &smartstore_in(
            &b,
            &["void", "--receipt", &receipt_code, "--staff", "S1"],
            "2468\n",
        ),
        "can no longer be voided",
    );

    // Both sync: B first (its return reaches the platform before the sale), then A.
    b_store.set_meta("platform_url", &url).expect("online");
    for t in [&b, &a] {
        let out = smartstore(t, &["sync", "--once"]);
        assert!(out.status.success(), "{}", text(&out));
    }
    // A now knows B's return: two more teas cannot come back, one and the big one can.
    refused_with(
        &ret(&a, &[&format!("{TEA}:2")], &s1, "2468"),
        "1 already came back",
    );
    let last = json(&ret(
        &a,
        &[&format!("{TEA}:1"), &format!("{BIG_TEA}:1")],
        &s1,
        "2468",
    ));
    assert_eq!(last["total"], 1680 - 350, "the rest of the sale, exactly");
    let refunds: Vec<(String, i64, String)> = last["refunds"]
        .as_array()
        .expect("refunds")
        .iter()
        .map(|r| {
            (
                r["method"].as_str().expect("m").to_owned(),
                r["amount"].as_i64().expect("a"),
                r["status"].as_str().expect("s").to_owned(),
            )
        })
        .collect();
    assert_eq!(
        refunds,
        [
            ("code".to_owned(), 150, "done".to_owned()),
            ("cash".to_owned(), 1180, "done".to_owned())
        ]
    );
    for t in [&a, &b] {
        let out = smartstore(t, &["sync", "--once"]);
        assert!(out.status.success(), "{}", text(&out));
    }

    // The platform holds the sale once, each return once, and refunds the code exactly what
    // it paid; the ledger balances.
    let hub = HubDb::open(&hub_db).expect("hub");
    let events = hub.events().expect("events");
    let kinds: Vec<&str> = events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds.iter().filter(|k| **k == "order.placed").count(), 1);
    assert_eq!(kinds.iter().filter(|k| **k == "order.returned").count(), 2);
    assert!(hub.conflicts().expect("flags").is_empty());
    let refunds = hub.refunds().expect("refunds");
    assert_eq!(
        refunds.iter().map(|r| r.2).collect::<Vec<_>>(),
        [350, 150],
        "{refunds:?}"
    );
    let ledger = hub.ledger().expect("ledger");
    assert_eq!(ledger.len(), 1);
    assert_eq!(
        (
            ledger[0].sold,
            ledger[0].refunded,
            ledger[0].net,
            ledger[0].balanced
        ),
        (1680, 1680, 0, true)
    );
    // A refund past what the payment has left is refused by the platform itself.
    let more = smartstore_hub::db::HubDb::open(&hub_db)
        .expect("hub")
        .refund(
            &events[0].device,
            &smartstore_protocol::wire::RefundRequest {
                reference: "X-1".into(),
                payment_reference: refunds[0].1.clone().to_string(),
                amount: 1,
                currency: "CNY".into(),
            },
        );
    assert!(more.is_err());
}

#[test]
fn a_sale_of_today_is_voided_with_its_tenders_given_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    let hub_db = dir.path().join("hub.db");
    let url = format!("http://{}", spawn_hub(&hub_db));
    // The platform's operator adds the supervisor, the PIN on standard input.
    {
        use std::io::Write;
        let mut hub = Command::new(smartstore_testkit::hub_binary())
            .arg("--db")
            .arg(&hub_db)
            .args([
                "staff",
                "add",
                "--store",
                "SH001",
                "--id",
                "S1",
                "--role",
                "supervisor",
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("hub");
        hub.stdin
            .take()
            .expect("stdin")
            .write_all(b"2468\n")
            .expect("pin");
        let out = hub.wait_with_output().expect("hub");
        assert!(out.status.success(), "{}", text(&out));
        let (staff, _) = HubDb::open(&hub_db)
            .expect("hub")
            .staff_after("SH001", 0, 10)
            .expect("staff");
        assert_eq!(staff.len(), 1);
        assert!(staff[0].pin_hash.starts_with("argon2id$") && !staff[0].pin_hash.contains("2468"));
    }
    let t = dir.path().join("t");
    enrolled(&t, &hub_db, &url);
    assert!(smartstore(&t, &["sync", "--once"]).status.success());
    let sale = json(&smartstore(
        &t,
        &[
            "order",
            "create",
            "--fulfil",
            "deliver",
            "--scan",
            TEA,
            "--scan",
            BIG_TEA,
            "--address",
            "1 Road",
            "--pay",
            &format!("code:{CODE}"),
            "--json",
        ],
    ));
    let receipt = sale["receipt"].as_str().expect("receipt").to_owned();
    // One line first, then the rest: the whole sale back, never more.
    let line = json(&smartstore_in(
        &t,
        &[
            "void",
            "--receipt",
            &receipt,
            "--line",
            BIG_TEA,
            "--staff",
            "S1",
            "--json",
        ],
        "2468\n",
    ));
    assert_eq!(line["total"], 980);
    assert_eq!(line["reason"], "void");
    let rest = json(&smartstore_in(
        &t,
        &["void", "--receipt", &receipt, "--staff", "S1", "--json"],
        "2468\n",
    ));
    assert_eq!(rest["total"], 350);
    assert_eq!(rest["refunds"][0]["status"], "done");
    refused_with(
        &smartstore_in(
            &t,
            &["void", "--receipt", &receipt, "--staff", "S1"],
            "2468\n",
        ),
        "at least one line",
    );
    let rows = payments(&hub_db);
    assert_eq!((rows.len(), rows[0].amount), (1, 1330));
    let refunds = HubDb::open(&hub_db)
        .expect("hub")
        .refunds()
        .expect("refunds");
    assert_eq!(refunds.iter().map(|r| r.2).sum::<i64>(), 1330);
}
