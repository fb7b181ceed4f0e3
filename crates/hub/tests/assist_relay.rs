//! The platform relays a kiosk's call for assistance (or age check) and a counter's answer
//! between the terminals of one store (issue 19: counters on another network segment than the
//! kiosk): over real HTTP with bearer tokens, on both backends.

#[macro_use]
mod support;

use std::net::SocketAddr;

use serde_json::Value;
use smartstore_protocol::assist::{ASSIST_PULL, Call, Kind, RELAY_MS};
use smartstore_protocol::jws::jws_sign;
use smartstore_protocol::keys::SigningKey;
use smartstore_protocol::wire::{
    ASSIST_PATH, BEARER_AUDIENCE, BEARER_TYP, BearerClaims, PULL_PATH,
};
use support::Backend;

on_both_backends!(a_stores_calls_and_answers_are_relayed_to_its_terminals_only);

/// A terminal of a test: its key, named by its device id.
struct Term {
    key: SigningKey,
    terminal: String,
}

/// A bearer token of `key` issued `skew` seconds from now (a hub whose clock runs ahead).
fn bearer_at(key: &SigningKey, skew: i64) -> String {
    let iat = time::OffsetDateTime::now_utc().unix_timestamp() + skew;
    let claims = BearerClaims {
        sub: key.kid.clone(),
        aud: BEARER_AUDIENCE.into(),
        iat,
        exp: iat + 120,
    };
    let jws = jws_sign(
        key,
        Some(BEARER_TYP),
        &serde_json::to_vec(&claims).expect("json"),
    );
    format!("Bearer {jws}")
}

fn post(hub: SocketAddr, term: &Term, body: &[u8]) -> support::Reply {
    let auth = bearer_at(&term.key, 0);
    support::http(
        hub,
        "POST",
        ASSIST_PATH,
        &[
            ("Authorization", auth.as_str()),
            ("Content-Type", "application/json"),
        ],
        body,
    )
}

/// The calls relayed to `term` after `cursor`, and the cursor after them.
fn pull(hub: SocketAddr, term: &Term, cursor: u64, skew: i64) -> (Vec<Call>, u64) {
    let auth = bearer_at(&term.key, skew);
    let reply = support::http(
        hub,
        "GET",
        &format!("{PULL_PATH}/{ASSIST_PULL}?cursor={cursor}"),
        &[("Authorization", auth.as_str())],
        b"",
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    let page: Value = serde_json::from_str(&reply.body).expect("json");
    let calls = serde_json::from_value(page["items"].clone()).expect("calls");
    (calls, page["cursor"].as_u64().expect("cursor"))
}

fn a_stores_calls_and_answers_are_relayed_to_its_terminals_only(backend: Backend) {
    let (mut admin, _storage) = support::storage(backend);
    let mut enrol = |store: &str| {
        let (key, enrolled) = support::enrol(&mut admin, store);
        Term {
            key,
            terminal: enrolled.terminal_id,
        }
    };
    let kiosk = enrol("SH001");
    let counter = enrol("SH001");
    let elsewhere = enrol("SH002");
    let (store, _rt) = admin.into_serving().expect("runtime");
    let spawn = |offset: i64| {
        smartstore_hub::server::spawn_hub(
            smartstore_hub::server::Hub::with_clock_offset(store.clone(), offset),
            "127.0.0.1:0".parse().expect("addr"),
            smartstore_hub::server::ServeOptions::default(),
        )
        .expect("spawn hub")
    };
    let hub = spawn(0);

    // The kiosk asks for an age check, and again 20 s later (the same call): relayed once.
    let asked = Call::age_check("SH001", &kiosk.terminal);
    for _ in 0..2 {
        let reply = post(hub, &kiosk, &asked.bytes());
        assert_eq!(reply.status, 200, "{}", reply.body);
    }
    let (calls, after_call) = pull(hub, &counter, 0, 0);
    assert_eq!(calls, vec![asked.clone()]);
    // Another store's terminal hears nothing of it, and cannot speak for this store.
    assert_eq!(pull(hub, &elsewhere, 0, 0).0, vec![]);
    let forged = Call::help("SH001", &elsewhere.terminal);
    let reply = post(hub, &elsewhere, &forged.bytes());
    assert_eq!(reply.status, 403, "{}", reply.body);
    assert!(reply.body.contains("wrong_store"), "{}", reply.body);
    // Bounded and checked before it is kept: a terminal id of 65 bytes, a body over 512.
    let mut long = Call::help("SH001", &kiosk.terminal);
    long.terminal = "x".repeat(65);
    let reply = post(hub, &kiosk, &long.bytes());
    assert_eq!(reply.status, 400, "{}", reply.body);
    let reply = post(hub, &kiosk, &vec![b' '; 600]);
    assert_eq!(reply.status, 413, "{}", reply.body);
    let reply = post(hub, &kiosk, b"{not json");
    assert_eq!(reply.status, 400, "{}", reply.body);
    // Without a bearer token: nothing.
    let reply = support::http(hub, "POST", ASSIST_PATH, &[], &asked.bytes());
    assert_eq!(reply.status, 401, "{}", reply.body);
    assert_eq!(pull(hub, &counter, 0, 0).0, vec![asked.clone()]);

    // The counter approves, signed by its key: the kiosk finds the approval and takes it; the
    // counter, reading on from its cursor, sees only the approval (its own answer).
    let approval = asked.approval(&counter.terminal, "C1", &counter.key);
    let reply = post(hub, &counter, &approval.bytes());
    assert_eq!(reply.status, 200, "{}", reply.body);
    let (calls, _) = pull(hub, &kiosk, 0, 0);
    let answer = calls
        .iter()
        .find(|c| c.answers(&asked))
        .expect("the approval relayed");
    assert_eq!(answer.kind, Kind::Approve);
    let public = counter.key.public_key();
    assert_eq!(
        answer.verify_approval(&asked, |d| (d == counter.key.kid).then_some(public)),
        Ok("C1".to_owned())
    );
    assert_eq!(pull(hub, &counter, after_call, 0).0, vec![approval]);

    // A platform whose clock is past the relay's life serves none of it any more (the same
    // storage, a hub 11 minutes later).
    let later = spawn(RELAY_MS / 1000 + 60);
    assert_eq!(pull(later, &counter, 0, RELAY_MS / 1000 + 60).0, vec![]);
}
