//! Magic Mirror at the terminal, end to end (issue 16): a real hub, an enrolled terminal that
//! sells to members and anonymous shoppers and syncs, `smartstore-hub recommend build`, the
//! recommendations pull, then `smartstore recommend --member CODE --json`: at most five
//! products, every one in stock here (checked against the terminal's own catalog), with name,
//! price and shelf; refused without consent (in English and in Chinese, through Fluent), with
//! nothing of that member kept on the terminal; and gone once consent is withdrawn.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use smartstore_domain::gtin::Gtin;

fn hub(db: &Path, args: &[&str]) -> Output {
    Command::new(smartstore_testkit::hub_binary())
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .expect("run hub")
}

fn term(data: &Path, args: &[&str], lang: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_smartstore"))
        .args(args)
        .env("SMARTSTORE_DATA_DIR", data)
        .env("SMARTSTORE_LANG", lang)
        .output()
        .expect("run terminal")
}

fn ok(o: &Output) -> String {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).trim().to_owned()
}

fn refused(o: &Output) -> String {
    assert!(
        !o.status.success(),
        "expected a refusal: {}",
        String::from_utf8_lossy(&o.stdout)
    );
    assert!(o.stdout.is_empty(), "nothing on standard output");
    String::from_utf8_lossy(&o.stderr).into_owned()
}

// Teas, waters, juices; every one in stock while the sales are made.
const TEA: &str = "6921000000019";
const TEA_1L: &str = "6921000000026";
const TEA_12: &str = "6921000000033";
const OOLONG: &str = "6931003700045";
const OOLONG_L: &str = "6931003700052";
const SODA: &str = "6941007400063";
const WATER: &str = "6951011100095";
const JUICE: &str = "6961014800120";
const SOY: &str = "6971018500148";

fn catalog(stock: &[(&str, &str)]) -> String {
    let mut csv = String::from("gtin,name,name_zh,price,stock\n");
    for (i, (gtin, qty)) in stock.iter().enumerate() {
        csv.push_str(&format!("{gtin},Drink {i},饮料 {i},{}.50,{qty}\n", i + 2));
    }
    csv
}

fn import(hub_db: &Path, dir: &Path, name: &str, csv: &str) {
    let file = dir.join(name);
    std::fs::write(&file, csv).expect("csv");
    ok(&hub(
        hub_db,
        &["catalog", "import", file.to_str().expect("utf-8")],
    ));
}

fn member(hub_db: &Path, id: &str, consent: bool) -> String {
    let mut args = vec!["issue", "member", "--member", id, "--name", "Li Wei"];
    if consent {
        args.push("--consent");
    }
    ok(&hub(hub_db, &args))
}

fn setup(dir: &Path) -> (PathBuf, PathBuf) {
    let hub_db = dir.join("hub.db");
    smartstore_hub::db::HubDb::open(&hub_db).expect("hub");
    // The stock of the big tea pack is not counted here.
    let mut all: Vec<(&str, &str)> = [TEA, TEA_1L, OOLONG, OOLONG_L, SODA, WATER, JUICE, SOY]
        .map(|g| (g, "20"))
        .to_vec();
    all.push((TEA_12, ""));
    import(&hub_db, dir, "catalog.csv", &catalog(&all));
    // The store and its counted stock at the platform (the terminal follows its figures).
    ok(&hub(
        &hub_db,
        &[
            "store",
            "add",
            "--id",
            "SH001",
            "--name",
            "Lujiazui",
            "--at",
            "31.24,121.50",
        ],
    ));
    let counted = dir.join("stock.csv");
    let mut rows = String::from("gtin,qty\n");
    for (gtin, qty) in all.iter().filter(|(_, q)| !q.is_empty()) {
        rows.push_str(&format!("{gtin},{qty}\n"));
    }
    std::fs::write(&counted, rows).expect("stock csv");
    ok(&hub(
        &hub_db,
        &[
            "stock",
            "import",
            "--store",
            "SH001",
            counted.to_str().expect("utf-8"),
        ],
    ));
    let addr = smartstore_hub::server::spawn(
        smartstore_hub::db::HubDb::open(&hub_db).expect("hub"),
        "127.0.0.1:0".parse().expect("addr"),
    )
    .expect("serve");
    let token = ok(&hub(&hub_db, &["enrolment-token", "--store", "SH001"]));
    let data = dir.join("term");
    ok(&term(
        &data,
        &[
            "enroll",
            "--platform",
            &format!("http://{addr}"),
            "--token",
            &token,
        ],
        "en",
    ));
    ok(&term(&data, &["sync", "--once"], "en"));
    (hub_db, data)
}

fn sell(data: &Path, scans: &[&str]) {
    let mut args = vec!["order", "create", "--fulfil", "deliver", "--address", "x"];
    for s in scans {
        args.extend(["--scan", s]);
    }
    args.extend(["--pay", "cash"]);
    ok(&term(data, &args, "en"));
}

fn stock_here(data: &Path, gtin: &str) -> Option<i64> {
    let store = smartstore::store::Store::open(&data.join(smartstore::config::DATABASE_FILE))
        .expect("store");
    store
        .item(Gtin::parse(gtin).expect("gtin"))
        .expect("item")
        .and_then(|i| i.stock)
}

#[test]
fn recommend_shows_five_in_stock_only_with_consent_and_forgets_a_withdrawal() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (hub_db, data) = setup(dir.path());
    let ann = member(&hub_db, "ANN", true);
    let bo = member(&hub_db, "BO", false);

    // Ann drinks tea; tea drinkers also buy the big teas and oolong; everyone buys water.
    sell(&data, &[&ann, TEA]);
    sell(&data, &[&ann, TEA, WATER]);
    for _ in 0..3 {
        sell(&data, &[TEA, TEA_1L, TEA_12, OOLONG]);
        sell(&data, &[WATER, SODA, JUICE]);
    }
    sell(&data, &[TEA, OOLONG_L, SOY]);
    sell(&data, &[&bo, WATER, JUICE]);
    ok(&term(&data, &["sync", "--once"], "en"));
    // The litre of tea is sold out here (a shelf count), the big pack was never counted.
    ok(&term(&data, &["stock", "count", TEA_1L, "0"], "en"));
    let built: serde_json::Value =
        serde_json::from_str(&ok(&hub(&hub_db, &["recommend", "build", "--json"]))).expect("json");
    assert_eq!(built["members"], 1, "{built}");
    ok(&term(&data, &["sync", "--once"], "en"));
    assert_eq!(stock_here(&data, TEA_1L), Some(0));
    // Sold without ever being counted: the platform's figure is below zero.
    assert!(stock_here(&data, TEA_12).is_none_or(|s| s <= 0));
    assert!(stock_here(&data, OOLONG).is_some_and(|s| s > 0));

    let out = ok(&term(
        &data,
        &["recommend", "--member", &ann, "--json"],
        "en",
    ));
    let shown: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object a line"))
        .collect();
    assert_eq!(shown.len(), 5, "{out}");
    for (i, r) in shown.iter().enumerate() {
        assert_eq!(r["rank"], i + 1);
        let gtin = r["gtin"].as_str().expect("gtin");
        let stock = stock_here(&data, gtin);
        assert!(
            stock.is_some_and(|s| s > 0),
            "{gtin} shown with stock {stock:?}"
        );
        assert_eq!(r["stock"].as_i64(), stock);
        assert!(r["name"].as_str().is_some_and(|n| n.starts_with("Drink")));
        assert!(r["price"].as_i64().is_some_and(|p| p > 0));
        assert_eq!(r["currency"], "CNY");
        assert!(
            r.get("shelf").is_some(),
            "the shelf, null when unknown: {r}"
        );
    }
    let gtins: Vec<String> = shown
        .iter()
        .map(|r| r["gtin"].as_str().unwrap_or_default().to_owned())
        .collect();
    let g14 = |g: &str| Gtin::parse(g).expect("gtin").as_str();
    // What she buys again first, then what tea and water drinkers buy that is on the shelf
    // here: the big teas rank as high as oolong but are sold out or uncounted here.
    assert_eq!(gtins[..3], [g14(TEA), g14(WATER), g14(OOLONG)], "{out}");
    assert!(!gtins.contains(&g14(TEA_1L)) && !gtins.contains(&g14(TEA_12)));

    // In words, in both languages.
    let en = ok(&term(&data, &["recommend", "--member", &ann], "en"));
    assert!(en.starts_with("1. Drink 0"), "{en}");
    let zh = ok(&term(&data, &["recommend", "--member", &ann], "zh-CN"));
    assert!(zh.starts_with("1. 饮料 0") && zh.contains("货架"), "{zh}");
    // Shelves are the store's own (a local catalog import): shown once known.
    let shelves = dir.path().join("shelves.csv");
    let tea = stock_here(&data, TEA).expect("counted");
    std::fs::write(
        &shelves,
        format!("gtin,name,name_zh,price,stock,shelf\n{TEA},Drink 0,饮料 0,2.50,{tea},A3\n"),
    )
    .expect("csv");
    ok(&term(
        &data,
        &["catalog", "import", shelves.to_str().expect("utf-8")],
        "en",
    ));
    let first: serde_json::Value = serde_json::from_str(
        ok(&term(
            &data,
            &["recommend", "--member", &ann, "--json"],
            "en",
        ))
        .lines()
        .next()
        .expect("a line"),
    )
    .expect("json");
    assert_eq!(first["shelf"], "A3", "{first}");
    let en = ok(&term(&data, &["recommend", "--member", &ann], "en"));
    assert!(
        en.lines().next().is_some_and(|l| l.ends_with("Shelf A3")),
        "{en}"
    );

    // No consent: refused, in the shopper's language, and nothing of Bo is kept here.
    let no = refused(&term(
        &data,
        &["recommend", "--member", &bo, "--json"],
        "en",
    ));
    assert!(no.contains("has not agreed"), "{no}");
    let no = refused(&term(&data, &["recommend", "--member", &bo], "zh-CN"));
    assert!(no.contains("未同意"), "{no}");
    let words = no.trim().trim_start_matches("error: ");
    assert!(
        !words.chars().any(|c| c.is_ascii_lowercase()),
        "no English in Chinese: {no}"
    );
    let store = smartstore::store::Store::open(&data.join(smartstore::config::DATABASE_FILE))
        .expect("store");
    assert_eq!(store.recommendations("BO").expect("read"), None);
    assert!(store.recommendations("ANN").expect("read").is_some());
    drop(store);
    // Not a member code at all.
    let not = refused(&term(&data, &["recommend", "--member", TEA], "en"));
    assert!(not.contains("not a member code"), "{not}");

    // Consent withdrawn (a code re-issued without it): the next sync deletes her list, and
    // even her old code shows nothing.
    member(&hub_db, "ANN", false);
    ok(&term(&data, &["sync", "--once"], "en"));
    let store = smartstore::store::Store::open(&data.join(smartstore::config::DATABASE_FILE))
        .expect("store");
    assert_eq!(store.recommendations("ANN").expect("read"), None);
    drop(store);
    let none = ok(&term(
        &data,
        &["recommend", "--member", &ann, "--json"],
        "en",
    ));
    assert!(none.is_empty(), "{none}");
}
