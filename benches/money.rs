//! Money benchmark (issue 14): after a restart, how long a terminal takes to settle 1,000
//! payment intents a dead process left (half approved at the platform with the answer lost,
//! half never arrived), next to 1,000 plain charges by code to the same hub in the same run.
//! Run: `cargo bench --bench money` (`-- --intents N` to change the count).

use std::time::{Duration, Instant};

use smartstore::store::{IntentStatus, Store};
use smartstore::sync::{Device, PlatformClient, enroll};
use smartstore_domain::money::{Currency, Money};
use smartstore_hub::db::HubDb;
use smartstore_hub::server;
use smartstore_protocol::wire::PaymentRequest;

const CODE: &str = "281234567890123456";

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let intents: usize = args
        .iter()
        .position(|a| a == "--intents")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(1000);
    let dir = tempfile::tempdir().expect("tempdir");
    let hub_db = dir.path().join("hub.db");
    let token = HubDb::open(&hub_db)
        .expect("hub")
        .create_enrolment_tokens("SH001", 1)
        .expect("token")
        .remove(0);
    let addr = server::spawn(
        HubDb::open(&hub_db).expect("hub"),
        "127.0.0.1:0".parse().expect("addr"),
    )
    .expect("hub");
    let url = format!("http://{addr}");
    let term = dir.path().join("term");
    let mut store = Store::open(&term.join("smartstore.db")).expect("store");
    let client = PlatformClient::new(&url, Duration::from_secs(30)).expect("client");
    enroll(&mut store, &term, &client, &token).expect("enrol");
    let device = Device::load(&store, &term).expect("device");
    let amount = Money::new(350, Currency::CNY);
    let pay = |reference: String| PaymentRequest {
        code: CODE.into(),
        amount: amount.minor,
        currency: "CNY".into(),
        reference,
    };

    // Anchor: plain charges, one request each.
    let t = Instant::now();
    for i in 0..intents {
        let r = client
            .pay(&device.key, &pay(format!("anchor-{i}")))
            .expect("pay");
        assert_eq!(r.status, "approved");
    }
    let anchor = t.elapsed();

    // What a killed terminal leaves: intents stored, half of them charged (answer lost).
    for i in 0..intents {
        let reference = format!("lost-{i}");
        store
            .record_intent("attempt", &reference, "1:0", CODE, amount)
            .expect("intent");
        if i % 2 == 0 {
            client.pay(&device.key, &pay(reference)).expect("pay");
        }
    }
    let t = Instant::now();
    let report = smartstore::sale::reconcile(&store, &term, None).expect("reconcile");
    let settle = t.elapsed();
    assert_eq!(report.voided as usize, intents);
    assert!(
        store
            .payment_intents(false)
            .expect("intents")
            .iter()
            .all(|i| i.status == IntentStatus::Voided)
    );
    println!("intents: {intents}");
    println!(
        "anchor: {intents} charges by code:   {:8.1} ms ({:.2} ms each)",
        anchor.as_secs_f64() * 1e3,
        anchor.as_secs_f64() * 1e3 / intents as f64
    );
    println!(
        "reconcile {intents} pending intents: {:8.1} ms ({:.2} ms each)",
        settle.as_secs_f64() * 1e3,
        settle.as_secs_f64() * 1e3 / intents as f64
    );
    println!(
        "ratio reconcile / charges: {:.2}",
        settle.as_secs_f64() / anchor.as_secs_f64()
    );
}
