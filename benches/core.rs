//! Core benchmarks (issue 2): order commit latency next to a bare SQLite commit of the same
//! rows, import of a 1,000,000-product CSV, and lookup by GTIN. Figures go to
//! docs/benchmarks.md. Run: `cargo bench --bench core` (add `-- --quick` for a short run).

use smartstore_testkit as support;

use std::io::Write;
use std::time::{Duration, Instant};

use rusqlite::{TransactionBehavior, params};
use smartstore::store::Store;
use smartstore_domain::gtin::{Gtin, check_digit};
use smartstore_domain::money::Currency;

fn pct(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn summary(name: &str, mut d: Vec<Duration>) {
    d.sort();
    let us = |x: Duration| x.as_secs_f64() * 1e6;
    println!(
        "| {name} | {} | {:.1} | {:.1} | {:.1} | {:.1} |",
        d.len(),
        us(pct(&d, 0.5)),
        us(pct(&d, 0.95)),
        us(pct(&d, 0.99)),
        us(d[d.len() - 1])
    );
}

fn gtin_for(n: u64) -> String {
    let body: Vec<u8> = format!("69{n:010}").bytes().map(|b| b - b'0').collect();
    let mut s: String = body.iter().map(|d| char::from(b'0' + d)).collect();
    s.push(char::from(b'0' + check_digit(&body)));
    s
}

fn order_commit(orders: usize) {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&dir.path().join("orders.db")).expect("open");
    // The bare comparison: the same schema and the same rows, written with plain SQL.
    let bare_path = dir.path().join("bare.db");
    drop(Store::open_empty(&bare_path).expect("open bare"));
    let mut bare = rusqlite::Connection::open(&bare_path).expect("open bare");
    bare.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;")
        .expect("pragmas");
    let draft = support::demo_draft(&store, 3);
    let payload = serde_json::to_string(&draft).expect("json");
    let mut ours = Vec::with_capacity(orders);
    let mut raw = Vec::with_capacity(orders);
    for n in 0..orders {
        let t = Instant::now();
        store.place_order(&draft).expect("place");
        ours.push(t.elapsed());

        let t = Instant::now();
        let tx = bare
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .expect("begin");
        let id = format!("bare-{n}");
        tx.execute(
            "INSERT INTO orders (id, number, receipt, created_at, fulfil, address, payment, subtotal_minor, discount_minor,
               total_minor, currency, line_count) VALUES (?1, ?2, ?3, '2026-11-22T00:00:00Z', 'deliver', 'addr', 'cash', 1, 0, 1, 'CNY', 3)",
            params![id, n as i64 + 1, format!("R-{n}")],
        )
        .expect("order");
        for line in 1..=3 {
            tx.execute(
                "INSERT INTO order_lines (order_id, line_no, gtin, name, quantity, unit_price_minor) VALUES (?1, ?2, '06921000000019', 'Tea', 1, 350)",
                params![id, line],
            )
            .expect("line");
        }
        tx.execute(
            "INSERT INTO outbox (seq, event_id, type, order_id, payload, created_at) VALUES (?1, ?2, 'order.placed', ?3, ?4, '2026-11-22T00:00:00Z')",
            params![n as i64 + 1, format!("ev-{n}"), id, payload],
        )
        .expect("event");
        tx.commit().expect("commit");
        raw.push(t.elapsed());
    }
    println!(
        "\n### Order commit, synchronous=FULL, WAL ({orders} orders of 3 lines, interleaved)\n"
    );
    println!("| what | n | p50 µs | p95 µs | p99 µs | max µs |\n|---|---|---|---|---|---|");
    summary("smartstore `place_order`", ours);
    summary("bare SQLite commit, same rows", raw);
    drop(store);
    open_cost(
        &dir.path().join("orders.db"),
        &format!("{orders} orders, demo catalog"),
    );
}

/// What the check at open (issue 12: `integrity_check` up to 16,384 pages, `quick_check`
/// above) costs, next to a bare open of the same file with its first read.
fn open_cost(db: &std::path::Path, what: &str) {
    let pages = {
        let c = rusqlite::Connection::open(db).expect("open");
        c.query_row("PRAGMA page_count", [], |r| r.get::<_, i64>(0))
            .expect("pages")
    };
    let mut ours = Vec::new();
    let mut bare = Vec::new();
    for _ in 0..7 {
        let t = Instant::now();
        drop(Store::open(db).expect("open"));
        ours.push(t.elapsed());
        let t = Instant::now();
        let c = smartstore_sqlite::open(db).expect("bare open");
        c.query_row("SELECT count(*) FROM meta", [], |r| r.get::<_, i64>(0))
            .expect("read");
        drop(c);
        bare.push(t.elapsed());
    }
    ours.sort();
    bare.sort();
    println!(
        "\n### Open with the check ({what}, {pages} pages, {:.1} MB; median of 7, interleaved)\n",
        pages as f64 * 4096.0 / 1e6
    );
    println!("| what | median ms |\n|---|---|");
    println!(
        "| `Store::open` (migrations, check, reserve) | {:.1} |",
        ours[3].as_secs_f64() * 1e3
    );
    println!(
        "| bare SQLite open and first read | {:.1} |",
        bare[3].as_secs_f64() * 1e3
    );
}

fn import_and_lookup(products: u64, lookups: usize) {
    let dir = tempfile::tempdir().expect("tempdir");
    let csv_path = dir.path().join("catalog.csv");
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&csv_path).expect("create"));
        writeln!(
            f,
            "gtin,name,price,name_zh,currency,sku,unit,age_restricted,stock"
        )
        .expect("write");
        for n in 0..products {
            writeln!(
                f,
                "{},Product number {n} 500g,{}.{:02},商品 {n} 号,CNY,SKU-{n},piece,false,{}",
                gtin_for(n),
                1 + n % 300,
                n % 100,
                n % 50
            )
            .expect("write");
        }
    }
    let size = std::fs::metadata(&csv_path).map(|m| m.len()).unwrap_or(0);
    let mut store = Store::open_empty(&dir.path().join("catalog.db")).expect("open");
    let t = Instant::now();
    let file = std::fs::File::open(&csv_path).expect("open csv");
    let report = store
        .import_catalog_csv(
            std::io::BufReader::with_capacity(1 << 20, file),
            Currency::CNY,
        )
        .expect("import");
    let took = t.elapsed();
    assert_eq!(report.rows, products);
    println!("\n### Catalog import\n");
    println!("| products | CSV size | time | rows/s |\n|---|---|---|---|");
    println!(
        "| {products} | {:.1} MB | {:.2} s | {:.0} |",
        size as f64 / 1e6,
        took.as_secs_f64(),
        products as f64 / took.as_secs_f64()
    );

    let mut rng = fastrand::Rng::with_seed(7);
    let keys: Vec<Gtin> = (0..lookups)
        .map(|_| Gtin::parse(&gtin_for(rng.u64(0..products))).expect("gtin"))
        .collect();
    // Warm the statement cache and the page cache the way a running terminal has them.
    for k in keys.iter().take(1000) {
        store.item(*k).expect("lookup");
    }
    let mut times = Vec::with_capacity(lookups);
    for k in &keys {
        let t = Instant::now();
        let item = store.item(*k).expect("lookup");
        times.push(t.elapsed());
        assert!(item.is_some());
    }
    println!("\n### Lookup by GTIN ({products} products, random keys)\n");
    println!("| what | n | p50 µs | p95 µs | p99 µs | max µs |\n|---|---|---|---|---|---|");
    summary("`Store::item`", times);
    drop(store);
    open_cost(
        &dir.path().join("catalog.db"),
        &format!("{products} products"),
    );
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let (orders, products, lookups) = if quick {
        (300, 100_000, 20_000)
    } else {
        (5_000, 1_000_000, 200_000)
    };
    order_commit(orders);
    import_and_lookup(products, lookups);
}
