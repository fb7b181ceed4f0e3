//! Online orders meet the shops at the platform (issue 16): a marketplace's order over real
//! HTTP with its bearer key, routed to the nearest store holding every line, stock reserved;
//! the store's terminal pulls it and moves it on with signed events; stock follows sales,
//! returns, counts and parcels; a store that gives an order back has it routed elsewhere. On
//! both backends.

#[macro_use]
mod support;

use std::cell::Cell;
use std::net::SocketAddr;

use serde_json::{Value, json};
use smartstore_hub::online::{IntakeAnswer, OnlineOrder, Status, StockFigure};
use smartstore_hub::store::Admin;
use smartstore_protocol::keys::SigningKey;
use smartstore_protocol::online::STOCK_PULL;
use smartstore_protocol::wire::{ONLINE_ORDERS_PATH, PULL_PATH};
use support::Backend;

on_both_backends!(online_orders_are_routed_picked_shipped_and_rerouted);

const COLA: &str = "6921000000019";
const WATER: &str = "6921000000026";
const TEA: &str = "6931003700045";

fn gtin14(g: &str) -> String {
    format!("0{g}")
}

/// A store's terminal: signs its events and pulls its store's online orders.
struct Till {
    key: SigningKey,
    device: String,
    seq: Cell<u64>,
}

impl Till {
    fn send(&self, hub: SocketAddr, kind: &str, body: Value) {
        let seq = self.seq.get() + 1;
        self.seq.set(seq);
        let jws = support::signed_batch(
            &self.key,
            &self.device,
            seq,
            vec![json!({
                "seq": seq,
                "event_id": format!("{}-{seq}", self.device),
                "type": kind,
                "order_id": null,
                "created_at": "2026-11-11T02:00:00Z",
                "body": body,
            })],
        );
        let reply = support::post_batch(hub, &self.key, &self.device, &jws).expect("batch");
        assert_eq!(reply.status, 200, "{}", reply.body);
    }

    fn status(&self, hub: SocketAddr, order: &str, status: &str) {
        self.send(
            hub,
            &format!("online.{status}"),
            json!({"online_order_id": order}),
        );
    }

    fn pull(&self, hub: SocketAddr) -> Vec<OnlineOrder> {
        let auth = format!("Bearer {}", support::bearer(&self.key, &self.device));
        let reply = support::http(
            hub,
            "GET",
            &format!("{PULL_PATH}/online-orders?cursor=0"),
            &[("Authorization", auth.as_str())],
            b"",
        );
        assert_eq!(reply.status, 200, "{}", reply.body);
        let page: Value = serde_json::from_str(&reply.body).expect("json");
        serde_json::from_value(page["items"].clone()).expect("orders")
    }

    /// The `stock` pull from `cursor`: this store's figures that changed, and the next cursor.
    fn stock(&self, hub: SocketAddr, cursor: u64) -> (Vec<StockFigure>, u64) {
        let auth = format!("Bearer {}", support::bearer(&self.key, &self.device));
        let reply = support::http(
            hub,
            "GET",
            &format!("{PULL_PATH}/{STOCK_PULL}?cursor={cursor}"),
            &[("Authorization", auth.as_str())],
            b"",
        );
        assert_eq!(reply.status, 200, "{}", reply.body);
        let page: Value = serde_json::from_str(&reply.body).expect("json");
        (
            serde_json::from_value(page["items"].clone()).expect("figures"),
            page["cursor"].as_u64().expect("cursor"),
        )
    }
}

fn post(hub: SocketAddr, key: &str, body: &Value) -> support::Reply {
    let auth = format!("Bearer {key}");
    support::http(
        hub,
        "POST",
        ONLINE_ORDERS_PATH,
        &[
            ("Authorization", auth.as_str()),
            ("Content-Type", "application/json"),
        ],
        body.to_string().as_bytes(),
    )
}

fn taken(reply: &support::Reply) -> IntakeAnswer {
    assert_eq!(reply.status, 200, "{}", reply.body);
    serde_json::from_str(&reply.body).expect("answer")
}

fn stock(db: &mut Admin, store: &str, gtin: &str) -> (i64, i64) {
    db.stock_of(store)
        .expect("stock")
        .into_iter()
        .find(|(g, ..)| *g == gtin14(gtin))
        .map(|(_, on_hand, reserved)| (on_hand, reserved))
        .unwrap_or((0, 0))
}

/// Near People's Square, Shanghai.
const HOME: (f64, f64) = (31.2310, 121.4740);

fn online_orders_are_routed_picked_shipped_and_rerouted(backend: Backend) {
    let (mut admin, storage) = support::storage(backend);
    admin
        .import_catalog_csv(
            format!("gtin,name,price\n{COLA},Cola,3.50\n{WATER},Water,2.00\n{TEA},Tea,5.50\n")
                .as_bytes(),
            smartstore_domain::money::Currency::CNY,
        )
        .expect("catalog");
    // A beside the shopper, B 2.5 km east, C 50 km out.
    admin
        .add_store("A", "Store A", 31.2304, 121.4737)
        .expect("A");
    admin
        .add_store("B", "Store B", 31.2397, 121.4998)
        .expect("B");
    admin.add_store("C", "Store C", 31.0, 121.0).expect("C");
    admin
        .import_stock("A", &[(gtin14(COLA), 10)])
        .expect("stock A");
    admin
        .import_stock(
            "B",
            &[(gtin14(COLA), 5), (gtin14(WATER), 4), (gtin14(TEA), 2)],
        )
        .expect("stock B");
    admin
        .import_stock("C", &[(gtin14(WATER), 9)])
        .expect("stock C");
    // A store that does not exist takes no stock.
    assert!(admin.import_stock("Z", &[(gtin14(COLA), 1)]).is_err());
    let key = admin.add_marketplace_key("tmall").expect("key");
    let till = |admin: &mut Admin, store: &str| {
        let (key, enrolled) = support::enrol(admin, store);
        Till {
            key,
            device: enrolled.device_id,
            seq: Cell::new(0),
        }
    };
    let (a, b) = (till(&mut admin, "A"), till(&mut admin, "B"));
    let (store, _rt) = admin.into_serving().expect("serve");
    let hub = smartstore_hub::server::spawn_hub(
        smartstore_hub::server::Hub::on(store),
        "127.0.0.1:0".parse().expect("addr"),
        smartstore_hub::server::ServeOptions::default(),
    )
    .expect("hub");
    let mut db = Admin::open(&storage.db, 2).expect("db");

    // An order of 3 colas to the shopper's home: A, the nearest that holds it.
    let order = json!({
        "marketplace_order_id": "TM-1001",
        "lines": [{"gtin": COLA, "qty": 3}],
        "deliver_to": {"address": "1 Nanjing Rd, Shanghai", "lat": HOME.0, "lon": HOME.1},
    });
    let first = taken(&post(hub, &key, &order));
    let [routed] = first.orders.as_slice() else {
        panic!("one part: {first:?}")
    };
    assert_eq!(
        (routed.store.as_deref(), routed.status),
        (Some("A"), Status::Routed)
    );
    assert_eq!(stock(&mut db, "A", COLA), (10, 3));
    // Sent again (the marketplace lost the answer): the same order, nothing reserved twice.
    assert_eq!(taken(&post(hub, &key, &order)), first);
    assert_eq!(stock(&mut db, "A", COLA), (10, 3));
    // The same id with other lines: a conflict, nothing changed.
    let mut other = order.clone();
    other["lines"][0]["qty"] = json!(4);
    let reply = post(hub, &key, &other);
    assert_eq!(reply.status, 409, "{}", reply.body);
    assert!(reply.body.contains("order_conflict"), "{}", reply.body);
    // No key, a wrong key: nothing.
    assert_eq!(post(hub, "mk1-wrong", &order).status, 401);
    let reply = support::http(
        hub,
        "POST",
        ONLINE_ORDERS_PATH,
        &[],
        order.to_string().as_bytes(),
    );
    assert_eq!(reply.status, 401, "{}", reply.body);
    // Malformed, unknown, unfillable: refused with what is wrong, nothing stored.
    let refused = |body: Value, status: u16, code: &str| {
        let reply = post(hub, &key, &body);
        assert_eq!(reply.status, status, "{}", reply.body);
        assert!(reply.body.contains(code), "{}", reply.body);
    };
    refused(
        json!({"marketplace_order_id": "TM-x", "lines": []}),
        400,
        "malformed",
    );
    refused(
        json!({"marketplace_order_id": "TM-x", "lines": [{"gtin": COLA, "qty": 1}], "extra": 1,
               "pickup_store": "A"}),
        400,
        "malformed",
    );
    refused(
        json!({"marketplace_order_id": "TM-x", "lines": [{"gtin": "4006381333931", "qty": 1}],
               "pickup_store": "A"}),
        422,
        "unknown_product",
    );
    refused(
        json!({"marketplace_order_id": "TM-x", "lines": [{"gtin": COLA, "qty": 99}],
               "deliver_to": {"address": "x", "lat": HOME.0, "lon": HOME.1}}),
        422,
        "unfillable",
    );
    refused(
        json!({"marketplace_order_id": "TM-x", "lines": [{"gtin": WATER, "qty": 1}],
               "pickup_store": "A"}),
        409,
        "not_in_stock",
    );
    refused(
        json!({"marketplace_order_id": "TM-x", "lines": [{"gtin": COLA, "qty": 1}],
               "pickup_store": "Q"}),
        422,
        "unknown_store",
    );

    // Store A's terminal lists it (accepted), picks, packs and ships it; a step said twice is
    // kept once, a step backwards is flagged and changes nothing.
    let id = routed.order_id.clone();
    let listed = a.pull(hub);
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].order_id, id);
    assert!(b.pull(hub).is_empty(), "store B sees none of A's orders");
    for s in ["accepted", "picked", "picked", "packed"] {
        a.status(hub, &id, s);
    }
    a.status(hub, &id, "accepted");
    // Another store's terminal cannot move it.
    b.status(hub, &id, "shipped");
    a.status(hub, &id, "shipped");
    let shown = db.online_order(&id).expect("show");
    assert_eq!(shown.status, Status::Shipped);
    let steps: Vec<&str> = shown.history.iter().map(|s| s.status.name()).collect();
    assert_eq!(steps, ["routed", "accepted", "picked", "packed", "shipped"]);
    assert!(
        shown.history[1..]
            .iter()
            .all(|s| s.device.as_deref() == Some(a.device.as_str()))
    );
    let flags: Vec<String> = db
        .conflicts()
        .expect("flags")
        .into_iter()
        .filter_map(|e| e.flag)
        .collect();
    assert_eq!(flags.len(), 2, "{flags:?}");
    assert!(
        flags.iter().any(|f| f.contains("cannot become accepted")),
        "{flags:?}"
    );
    assert!(
        flags.iter().any(|f| f.contains("not routed to store B")),
        "{flags:?}"
    );
    // Shipped: out of A's stock on hand and of its reservation.
    assert_eq!(stock(&mut db, "A", COLA), (7, 0));

    // A's counter sells 2 colas (and a tea, whose stock A was never given: it stays unknown,
    // not made up below zero) and takes 1 cola back; a count of water sets it.
    a.send(
        hub,
        "order.placed",
        json!({"order_id": "s1", "receipt": "A-T01-000001",
               "lines": [{"gtin": gtin14(COLA), "name": "Cola", "quantity": 2, "unit_price": 350},
                         {"gtin": gtin14(TEA), "name": "Tea", "quantity": 1, "unit_price": 550}]}),
    );
    assert!(
        !db.stock_of("A")
            .expect("stock")
            .iter()
            .any(|(g, _, _)| *g == gtin14(TEA)),
        "a sale made up a stock figure"
    );
    a.send(
        hub,
        "order.returned",
        json!({"order_id": "s1", "return_id": "r1",
               "lines": [{"gtin": gtin14(COLA), "quantity": 1, "unit_price": 350, "restock": true}]}),
    );
    let (_, before_count) = a.stock(hub, 0);
    a.send(hub, "stock.counted", json!({"gtin": WATER, "qty": 1}));
    assert_eq!(stock(&mut db, "A", COLA), (6, 0));
    assert_eq!(stock(&mut db, "A", WATER), (1, 0));
    // A's terminals see A's figures, and only what changed since their cursor.
    let (all, cursor) = a.stock(hub, 0);
    let cola = all
        .iter()
        .find(|f| f.gtin == gtin14(COLA))
        .expect("cola at A");
    assert_eq!((cola.on_hand, cola.reserved), (6, 0));
    let (changed, _) = a.stock(hub, before_count);
    assert_eq!(
        changed,
        [StockFigure {
            gtin: gtin14(WATER),
            on_hand: 1,
            reserved: 0
        }]
    );
    assert!(a.stock(hub, cursor).0.is_empty());

    // Water and tea: A holds one water, no tea; B holds both.
    let second = taken(&post(
        hub,
        &key,
        &json!({"marketplace_order_id": "TM-1002",
                "lines": [{"gtin": WATER, "qty": 2}, {"gtin": TEA, "qty": 1}],
                "deliver_to": {"address": "1 Nanjing Rd", "lat": HOME.0, "lon": HOME.1}}),
    ));
    assert_eq!(second.orders[0].store.as_deref(), Some("B"));
    assert!(!second.split);
    assert_eq!(stock(&mut db, "B", WATER), (4, 2));
    // B cannot fill it after all (the shelf was empty): rejected with a reason, routed on. C
    // has water but no tea, A has no tea: unfillable, and B's reservation is given back.
    let id2 = second.orders[0].order_id.clone();
    b.status(hub, &id2, "accepted");
    b.send(
        hub,
        "online.rejected",
        json!({"online_order_id": id2, "reason": "tea shelf empty"}),
    );
    let shown = db.online_order(&id2).expect("show");
    assert_eq!(shown.status, Status::Unfillable);
    assert_eq!(stock(&mut db, "B", WATER), (4, 0));
    assert!(shown.history.iter().any(|s| s.status == Status::Rejected
        && s.reason.as_deref() == Some("tea shelf empty")));

    // Water alone, rejected by B: C takes it (A holds too little), reserved there.
    let third = taken(&post(
        hub,
        &key,
        &json!({"marketplace_order_id": "TM-1003", "lines": [{"gtin": WATER, "qty": 3}],
                "deliver_to": {"address": "1 Nanjing Rd", "lat": HOME.0, "lon": HOME.1}}),
    ));
    let id3 = third.orders[0].order_id.clone();
    assert_eq!(third.orders[0].store.as_deref(), Some("B"));
    b.send(
        hub,
        "online.rejected",
        json!({"online_order_id": id3, "reason": "damaged"}),
    );
    let shown = db.online_order(&id3).expect("show");
    assert_eq!(
        (shown.store.as_deref(), shown.status),
        (Some("C"), Status::Routed)
    );
    assert_eq!(stock(&mut db, "C", WATER), (9, 3));
    assert_eq!(stock(&mut db, "B", WATER), (4, 0));

    // Cola and tea: nobody holds both within reach of A's stock... B does (5 colas, 2 teas);
    // 6 colas and a tea: A has the colas, B the tea: split, and said so.
    let split = taken(&post(
        hub,
        &key,
        &json!({"marketplace_order_id": "TM-1004",
                "lines": [{"gtin": COLA, "qty": 6}, {"gtin": TEA, "qty": 1}],
                "deliver_to": {"address": "1 Nanjing Rd", "lat": HOME.0, "lon": HOME.1}}),
    ));
    assert!(split.split);
    let parts: Vec<(Option<&str>, u32, u32)> = split
        .orders
        .iter()
        .map(|o| (o.store.as_deref(), o.part, o.parts))
        .collect();
    assert_eq!(parts, [(Some("A"), 1, 2), (Some("B"), 2, 2)]);

    // A pickup at A of what A holds stays at A, even with B nearer to nobody.
    let pickup = taken(&post(
        hub,
        &key,
        &json!({"marketplace_order_id": "TM-1005", "lines": [{"gtin": WATER, "qty": 1}],
                "pickup_store": "A"}),
    ));
    assert_eq!(pickup.orders[0].store.as_deref(), Some("A"));
    let pid = pickup.orders[0].order_id.clone();
    a.status(hub, &pid, "shipped"); // not a step of a pickup: flagged
    for s in [
        "accepted",
        "picked",
        "packed",
        "ready_for_pickup",
        "collected",
    ] {
        a.status(hub, &pid, s);
    }
    assert_eq!(
        db.online_order(&pid).expect("show").status,
        Status::Collected
    );
    assert_eq!(stock(&mut db, "A", WATER), (0, 0));
}

/// `smartstore-hub` run as an operator would: stores, a stock file, an order, its history.
#[test]
fn the_command_line_adds_stores_counts_stock_and_takes_an_order() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("hub.db");
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_smartstore-hub"))
            .arg("--db")
            .arg(&db)
            .args(args)
            .output()
            .expect("run smartstore-hub");
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let catalog = dir.path().join("catalog.csv");
    std::fs::write(&catalog, format!("gtin,name,price\n{COLA},Cola,3.50\n")).expect("csv");
    let stock = dir.path().join("stock.csv");
    std::fs::write(&stock, format!("gtin,qty\n{COLA},4\n")).expect("csv");
    assert_eq!(
        run(&["catalog", "import", catalog.to_str().expect("path")]).0,
        Some(0)
    );
    assert_eq!(
        run(&[
            "store",
            "add",
            "--id",
            "A",
            "--name",
            "Store A",
            "--at",
            "31.23,121.47"
        ])
        .0,
        Some(0)
    );
    let (code, _, err) = run(&["store", "add", "--id", "B", "--name", "B", "--at", "95,0"]);
    assert_ne!(code, Some(0));
    assert!(err.contains("latitude"), "{err}");
    assert_eq!(
        run(&[
            "stock",
            "import",
            "--store",
            "A",
            stock.to_str().expect("path")
        ])
        .0,
        Some(0)
    );
    let (code, out, err) = run(&[
        "online-order",
        "create",
        "--line",
        &format!("{COLA}:3"),
        "--deliver-to",
        "1 Nanjing Rd",
        "--near",
        "31.231,121.474",
        "--id",
        "TM-9",
        "--json",
    ]);
    assert_eq!(code, Some(0), "{err}");
    let answer: IntakeAnswer = serde_json::from_str(out.trim()).expect("json");
    let id = answer.orders[0].order_id.clone();
    let (code, out, _) = run(&["online-order", "show", &id, "--json"]);
    assert_eq!(code, Some(0));
    let shown: OnlineOrder = serde_json::from_str(out.trim()).expect("json");
    assert_eq!(
        (shown.store.as_deref(), shown.status),
        (Some("A"), Status::Routed)
    );
    let (_, out, _) = run(&["stock", "show", "--store", "A", "--json"]);
    assert!(
        out.contains("\"on_hand\":4") && out.contains("\"reserved\":3"),
        "{out}"
    );
    // Two more, with one left unreserved: refused, and said why.
    let (code, _, err) = run(&[
        "online-order",
        "create",
        "--line",
        &format!("{COLA}:2"),
        "--pickup-store",
        "A",
    ]);
    assert_ne!(code, Some(0));
    assert!(err.contains("does not hold"), "{err}");
    let (code, _, err) = run(&["online-order", "show", "OL404"]);
    assert_ne!(code, Some(0));
    assert!(err.contains("no online order OL404"), "{err}");
}
