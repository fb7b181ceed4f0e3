//! What the platform settles when sales reach it, on both backends: a receipt number issued
//! twice (a restored or copied terminal) is flagged once, on the later sale, and counted for the
//! store's terminals (`GET /v1/conflicts`).

#[macro_use]
mod support;

use smartstore_protocol::wire::CONFLICTS_PATH;
use support::{Backend, STORE, terminal_on};

const COLA: &str = "06921000000019";

fn a_receipt_number_issued_twice_is_flagged_once(backend: Backend) {
    let t = terminal_on(backend, None);
    let receipt = format!("{STORE}-{}-000042", t.terminal_id);
    let first = t.sale_as(&receipt, STORE, &[(COLA, "Cola", 1, 350)], 500);
    let again = t.sale_as(&receipt, STORE, &[(COLA, "Cola", 2, 350)], 1000);
    let other = t.sale(43, &[(COLA, "Cola", 1, 350)], 350);
    for sale in [&first, &again, &other] {
        t.sync(sale);
    }
    let bearer = format!("Bearer {}", support::bearer(&t.key, &t.device_id));
    let reply = t.get(CONFLICTS_PATH, &[("Authorization", bearer.as_str())]);
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&reply.body).expect("json")["count"],
        1,
        "{}",
        reply.body
    );
}

on_both_backends!(a_receipt_number_issued_twice_is_flagged_once);
