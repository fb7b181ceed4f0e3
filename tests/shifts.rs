//! The store's day: a shift of 1,000 random sales (cash with change, card, code + cash),
//! returns and voids, with cash moved in and out; its Z report equals the sums this test keeps
//! on its own, on the terminal and at the platform after a sync.

use std::collections::BTreeMap;
use std::time::Duration;

use smartstore::returns::{Reason, take_back};
use smartstore::store::Store;
use smartstore::sync::{PlatformClient, enroll, sync_once};
use smartstore_domain::cart::Cart;
use smartstore_domain::checkout::{Approval, Checkout, Role, TenderKind, TenderStatus};
use smartstore_domain::gtin::Gtin;
use smartstore_domain::money::{Currency, Money};
use smartstore_domain::order::Fulfilment;
use smartstore_domain::returns::{RefundTo, Wanted};
use smartstore_domain::scan::PaymentScheme;
use smartstore_hub::db::HubDb;

/// xorshift64*: the same run every time.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const GTINS: [&str; 5] = [
    "6921000000019",
    "6921000000026",
    "6921000000033",
    "6931003700045",
    "69000171",
];

#[derive(Default, Debug)]
struct Sums {
    sales_count: u64,
    sales: i64,
    returns: u64,
    voids: u64,
    paid: BTreeMap<String, i64>,
    refunded: BTreeMap<String, i64>,
    cash_in: i64,
    cash_out: i64,
    staff: BTreeMap<String, smartstore_domain::shift::StaffTotals>,
}

#[test]
fn the_z_report_of_1000_random_sales_returns_and_voids_adds_up_here_and_at_the_platform() {
    let dir = tempfile::tempdir().expect("tempdir");
    let hub_db = dir.path().join("hub.db");
    let url = format!("http://{}", smartstore_testkit::spawn_hub(&hub_db));
    let token = HubDb::open(&hub_db)
        .expect("hub")
        .create_enrolment_tokens("SH001", 1)
        .expect("token")
        .remove(0);
    let term = dir.path().join("term");
    let mut store = Store::open(&term.join("smartstore.db")).expect("store");
    let client = PlatformClient::new(&url, Duration::from_secs(10)).expect("client");
    enroll(&mut store, &term, &client, &token).expect("enrol");
    store
        .import_catalog_csv(
            std::io::Cursor::new(smartstore::store::DEMO_CATALOG_CSV),
            Currency::CNY,
        )
        .expect("catalog");
    let items: Vec<_> = GTINS
        .iter()
        .map(|g| {
            store
                .item(Gtin::parse(g).expect("gtin"))
                .expect("read")
                .expect("in the demo catalog")
        })
        .collect();
    // The store's local day around noon now, whatever the hour: no day changes mid-test.
    let hour = time::OffsetDateTime::now_utc().hour() as i8;
    let offset = time::UtcOffset::from_hms(12 - hour, 0, 0).expect("offset");
    let cny = |m| Money::new(m, Currency::CNY);

    let opened = store
        .start_shift("S1", cny(20_000), None)
        .expect("open")
        .expect("no shift was open");
    assert!(
        store
            .start_shift("S1", cny(0), None)
            .expect("second")
            .is_none()
    );
    let bosses = [
        Approval {
            staff_id: "S1".into(),
            role: Role::Supervisor,
        },
        Approval {
            staff_id: "S2".into(),
            role: Role::Supervisor,
        },
    ];
    // Who rings each sale up: named, or (None) the shift's clerk who opened it.
    let clerks = [Some("amy"), Some("bo"), None];
    let mut rng = Rng(0x5EED_1234_ABCD_0001);
    let mut sums = Sums::default();
    // Each sale: receipt, and what may still come back per product.
    let mut sold: Vec<(String, BTreeMap<Gtin, u32>)> = Vec::new();
    for round in 0..1000 {
        if round % 97 == 0 {
            let a = 100 + rng.below(5_000) as i64;
            let cash_in = rng.below(2) == 0;
            store
                .move_cash(&opened.shift_id, cash_in, cny(a), "change for the drawer")
                .expect("cash");
            if cash_in {
                sums.cash_in += a;
            } else {
                sums.cash_out += a;
            }
        }
        let roll = rng.below(10);
        let open: Vec<usize> = sold
            .iter()
            .enumerate()
            .filter(|(_, (_, left))| left.values().any(|q| *q > 0))
            .map(|(i, _)| i)
            .collect();
        if roll < 7 || open.is_empty() {
            let mut cart = Cart::new(Currency::CNY);
            for _ in 0..=rng.below(3) {
                let item = &items[rng.below(items.len() as u64) as usize];
                cart.add(item, 1 + rng.below(3) as u32).expect("add");
            }
            let total = cart.totals().expect("totals").total;
            let clerk = clerks[rng.below(clerks.len() as u64) as usize];
            let mut checkout = Checkout::new(uuid::Uuid::now_v7().to_string(), cart.clone())
                .with_clerk(clerk.map(str::to_owned));
            match rng.below(3) {
                0 => {
                    let handed = total.minor + rng.below(2_000) as i64;
                    checkout
                        .tender(TenderKind::Cash, Some(cny(handed)))
                        .expect("cash");
                }
                1 => {
                    checkout
                        .tender(
                            TenderKind::Card {
                                reference: format!("AUTH-{round}"),
                            },
                            None,
                        )
                        .expect("card");
                }
                _ => {
                    let part = (total.minor / 2).max(1);
                    checkout
                        .tender(
                            TenderKind::Code {
                                digits: "281234567890123456".into(),
                                scheme: PaymentScheme::Alipay,
                            },
                            Some(cny(part)),
                        )
                        .expect("code");
                    if part < total.minor {
                        checkout.tender(TenderKind::Cash, None).expect("rest");
                    }
                }
            }
            // Mostly carried out at once, some delivered, some collected later.
            let fulfilment = match rng.below(4) {
                0 => Fulfilment::Deliver {
                    address: "1 Road".into(),
                },
                1 => Fulfilment::Collect {
                    store: "SH001".into(),
                    pickup_at: "2026-12-01T10:00:00+08:00".into(),
                },
                _ => Fulfilment::Now,
            };
            let placed =
                smartstore::sale::place(&mut store, &term, &mut checkout, fulfilment, None)
                    .expect("placed");
            let st = sums
                .staff
                .entry(clerk.unwrap_or("S1").to_owned())
                .or_default();
            st.sales_count += 1;
            st.sales += total.minor;
            sums.sales_count += 1;
            sums.sales += total.minor;
            for t in checkout
                .tenders()
                .iter()
                .filter(|t| t.status == TenderStatus::Approved)
            {
                *sums.paid.entry(t.kind.method().to_owned()).or_default() += t.amount.minor;
            }
            let mut left = BTreeMap::new();
            for l in cart.lines() {
                *left.entry(l.gtin).or_default() += l.quantity;
            }
            sold.push((placed.receipt, left));
            continue;
        }
        let i = open[rng.below(open.len() as u64) as usize];
        let (receipt, left) = &mut sold[i];
        let boss = &bosses[rng.below(2) as usize];
        let done = if roll < 9 {
            let choices: Vec<Gtin> = left
                .iter()
                .filter(|(_, q)| **q > 0)
                .map(|(g, _)| *g)
                .collect();
            let gtin = choices[rng.below(choices.len() as u64) as usize];
            let to = if rng.below(2) == 0 {
                RefundTo::Original
            } else {
                RefundTo::Cash
            };
            let done = take_back(
                &mut store,
                &term,
                receipt,
                &[Wanted {
                    gtin,
                    quantity: 1,
                    restock: rng.below(2) == 0,
                }],
                to,
                boss,
                Reason::Return,
                offset,
            )
            .expect("return");
            *left.get_mut(&gtin).expect("line") -= 1;
            sums.returns += 1;
            done
        } else {
            let done = take_back(
                &mut store,
                &term,
                receipt,
                &[],
                RefundTo::Original,
                boss,
                Reason::Void,
                offset,
            )
            .expect("void");
            left.values_mut().for_each(|q| *q = 0);
            sums.voids += 1;
            done
        };
        let st = sums.staff.entry(boss.staff_id.clone()).or_default();
        st.returns_count += 1;
        for r in &done.refunds {
            assert_ne!(r.status, "refused", "{done:?}");
            *sums.refunded.entry(r.method.clone()).or_default() += r.amount;
            st.refunded += r.amount;
        }
    }
    assert!(sums.returns > 50 && sums.voids > 20, "{sums:?}");

    let mut tenders = sums.paid.clone();
    for (m, a) in &sums.refunded {
        *tenders.entry(m.clone()).or_default() -= a;
    }
    let expected_cash =
        20_000 + tenders.get("cash").copied().unwrap_or(0) + sums.cash_in - sums.cash_out;
    let net: i64 = tenders.values().sum();
    // A blind close, 1.23 over, in a store whose prices include 13 % tax.
    let z = store
        .close_shift(cny(expected_cash + 123), Some(1_300))
        .expect("close")
        .expect("a shift was open");
    let check = |r: &smartstore_domain::shift::ShiftReport, who: &str| {
        assert_eq!(r.sales_count, sums.sales_count, "{who}");
        assert_eq!(r.sales, sums.sales, "{who}");
        assert_eq!(r.returns_count, sums.returns, "{who}");
        assert_eq!(r.voids_count, sums.voids, "{who}");
        assert_eq!(r.tenders, tenders, "{who}");
        assert_eq!(r.cash_in, sums.cash_in, "{who}");
        assert_eq!(r.cash_out, sums.cash_out, "{who}");
        assert_eq!(r.expected_cash, expected_cash, "{who}");
        assert_eq!(r.counted_cash, Some(expected_cash + 123), "{who}");
        assert_eq!(r.over_short, Some(123), "{who}");
        assert_eq!(r.staff, sums.staff, "{who}");
        assert_eq!(
            r.tax,
            Some(smartstore_domain::shift::included_tax(net, 1_300)),
            "{who}"
        );
    };
    check(&z, "terminal");
    assert!(store.close_shift(cny(0), None).expect("again").is_none());

    // At the platform, after a sync, for the store's day.
    let device = smartstore::sync::Device::load(&store, &term).expect("device");
    sync_once(&mut store, &client, &device.key, 500).expect("sync");
    let day = z
        .closed_at
        .as_deref()
        .and_then(|t| {
            time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339).ok()
        })
        .expect("closed at")
        .to_offset(offset)
        .date();
    let hub = HubDb::open(&hub_db).expect("hub");
    check(
        &hub.day_report("SH001", day, offset).expect("report"),
        "platform",
    );
    assert_eq!(
        hub.day_report("SH001", day.next_day().expect("day"), offset)
            .expect("report")
            .sales_count,
        0
    );
}

fn run(data: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_smartstore"))
        .args(args)
        .env("SMARTSTORE_DATA_DIR", data)
        .env("SMARTSTORE_LANG", "en")
        .env_remove("DISPLAY")
        .output()
        .expect("run smartstore")
}

fn ok_json(out: &std::process::Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "{}",
        smartstore_testkit::output_text(out)
    );
    serde_json::from_slice(&out.stdout).expect("json")
}

#[test]
fn the_shift_commands_open_move_cash_report_and_close_blind() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let sale = [
        "order",
        "create",
        "--fulfil",
        "deliver",
        "--scan",
        "6921000000019",
        "--address",
        "1 Road",
        "--pay",
        "cash:10.00",
        "--json",
    ];
    // No shift open: the sale opens one with a zero float and says so.
    let first = run(d, &sale);
    assert!(
        first.status.success(),
        "{}",
        smartstore_testkit::output_text(&first)
    );
    assert!(String::from_utf8_lossy(&first.stderr).contains("opened shift"));
    let refused = run(d, &["shift", "open", "--float", "100"]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("A shift is open already"));
    let z1 = ok_json(&run(d, &["shift", "close", "--counted", "3.50", "--json"]));
    assert_eq!(
        (z1["sales_count"].as_u64(), z1["over_short"].as_i64()),
        (Some(1), Some(0))
    );

    // Counted by denomination: 1 × 100 + 2 × 50 + 5 × 1 = 205.00.
    let open = ok_json(&run(
        d,
        &[
            "shift", "open", "--count", "100:1", "--count", "50:2", "--count", "1:5", "--json",
        ],
    ));
    assert_eq!(open["float"], 20_500);
    let refused = run(d, &["shift", "cash", "--out", "10", "--reason", " "]);
    assert!(String::from_utf8_lossy(&refused.stderr).contains("needs a reason"));
    assert!(
        run(d, &["shift", "cash", "--out", "5.00", "--reason", "bank"])
            .status
            .success()
    );
    assert!(
        run(d, &["shift", "cash", "--in", "1.50", "--reason", "coins"])
            .status
            .success()
    );
    ok_json(&run(d, &sale));
    let x = ok_json(&run(d, &["shift", "report", "--json"]));
    assert_eq!(x["expected_cash"], 20_500 - 500 + 150 + 350);
    assert!(x["counted_cash"].is_null(), "an X report counts nothing");
    let z = ok_json(&run(
        d,
        &["shift", "close", "--counted", "204.00", "--json"],
    ));
    assert_eq!(z["counted_cash"], 20_400);
    assert_eq!(z["over_short"], 20_400 - (20_500 - 500 + 150 + 350));
    assert_eq!(z["tenders"]["cash"], 350);
    let none = run(d, &["shift", "report"]);
    assert!(String::from_utf8_lossy(&none.stderr).contains("No shift is open"));
}

#[test]
fn a_plain_counter_sale_is_carried_out_paid_now_and_counted_per_clerk() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    std::fs::write(d.join("config.toml"), "tax_rate = \"13%\"\n").expect("config");
    ok_json(&run(
        d,
        &[
            "shift", "open", "--float", "100", "--staff", "amy", "--json",
        ],
    ));
    // No --fulfil and no address: the counter's plain sale, carried out at once.
    let now = ok_json(&run(
        d,
        &[
            "order",
            "create",
            "--scan",
            "6921000000019",
            "--pay",
            "cash:5.00",
            "--json",
        ],
    ));
    assert_eq!(now["fulfil"], "now");
    assert_eq!(now["change"], 150);
    // Carried out now is paid now: no "later", nothing stored.
    let later = run(d, &["order", "create", "--scan", "6921000000019"]);
    assert!(!later.status.success());
    assert!(
        String::from_utf8_lossy(&later.stderr).contains("paid now"),
        "{}",
        smartstore_testkit::output_text(&later)
    );
    let later = run(
        d,
        &[
            "order",
            "create",
            "--fulfil",
            "now",
            "--scan",
            "6921000000019",
            "--pay",
            "later",
        ],
    );
    assert!(String::from_utf8_lossy(&later.stderr).contains("paid now"));
    // Beer: refused until the shopper's age was checked, and nothing stored meanwhile.
    let beer = run(
        d,
        &[
            "order",
            "create",
            "--scan",
            "6961170200949",
            "--pay",
            "cash",
        ],
    );
    assert!(!beer.status.success());
    let err = String::from_utf8_lossy(&beer.stderr);
    assert!(
        err.contains("age-restricted") && err.contains("--age-checked"),
        "{err}"
    );
    let beer = ok_json(&run(
        d,
        &[
            "order",
            "create",
            "--scan",
            "6961170200949",
            "--pay",
            "cash",
            "--age-checked",
            "--json",
        ],
    ));
    assert_eq!(beer["total"], 500);
    // An address alone means delivery; another clerk rings it up.
    let deliver = ok_json(&run(
        d,
        &[
            "order",
            "create",
            "--scan",
            "6921000000026",
            "--address",
            "1 Road",
            "--staff",
            "bo",
            "--json",
        ],
    ));
    assert_eq!(deliver["fulfil"], "deliver");
    let listed = run(d, &["orders", "--json"]);
    let fulfils: Vec<String> = String::from_utf8_lossy(&listed.stdout)
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).expect("a json line")["fulfil"].to_string()
        })
        .collect();
    assert_eq!(fulfils.len(), 3, "{fulfils:?}");
    assert!(fulfils.contains(&"\"now\"".to_owned()), "{fulfils:?}");
    let x = ok_json(&run(d, &["shift", "report", "--json"]));
    assert_eq!(x["sales_count"], 3);
    assert_eq!(x["staff"]["amy"]["sales_count"], 2);
    assert_eq!(x["staff"]["amy"]["sales"], 350 + 500);
    assert_eq!(x["staff"]["bo"]["sales_count"], 1);
    assert_eq!(x["tax_rate_bp"], 1_300);
    let net = x["tenders"]
        .as_object()
        .expect("tenders")
        .values()
        .filter_map(serde_json::Value::as_i64)
        .sum::<i64>();
    assert_eq!(
        x["tax"].as_i64(),
        Some(smartstore_domain::shift::included_tax(net, 1_300))
    );
    let text = run(d, &["shift", "report"]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("staff amy: 2 sales"), "{text}");
    assert!(text.contains("tax included at 13.00 %"), "{text}");
}

#[test]
fn the_kiosk_runs_one_shift_a_day_and_closes_yesterdays() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("smartstore.db");
    let mut store = Store::open(&db).expect("store");
    let offset = time::UtcOffset::from_hms(8, 0, 0).expect("offset");
    let (first, opened) =
        smartstore::shift::ensure_today(&mut store, Currency::CNY, offset, None).expect("open");
    assert!(opened);
    assert_eq!(first.opened_by, "kiosk");
    let (same, opened) =
        smartstore::shift::ensure_today(&mut store, Currency::CNY, offset, None).expect("same");
    assert!(!opened);
    assert_eq!(same.shift_id, first.shift_id);
    // The shift was opened two days ago (as a kiosk left on over the weekend would have it).
    drop(store);
    let conn = rusqlite::Connection::open(&db).expect("sqlite");
    conn.execute(
        "UPDATE shifts SET opened_at = ?1 WHERE shift_id = ?2",
        rusqlite::params![
            (time::OffsetDateTime::now_utc() - time::Duration::days(2))
                .format(&time::format_description::well_known::Rfc3339)
                .expect("time"),
            first.shift_id
        ],
    )
    .expect("age it");
    drop(conn);
    let mut store = Store::open(&db).expect("store");
    let (today, opened) =
        smartstore::shift::ensure_today(&mut store, Currency::CNY, offset, None).expect("today");
    assert!(opened);
    assert_ne!(today.shift_id, first.shift_id);
    let outbox = store.outbox_after(0, 100).expect("outbox");
    let kinds: Vec<&str> = outbox.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["shift.opened", "shift.closed", "shift.opened"]);
}
