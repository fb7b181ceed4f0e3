//! Magic Mirror at the platform (issue 16): a member code issued with `--consent` records the
//! consent; `recommend build` makes the member a list from every sale; the `recommendations`
//! pull carries it once (a rebuild that changes nothing sends nothing); a code re-issued
//! without consent withdraws it, and the pull carries the tombstone, after which no rebuild
//! makes the member a list again. On both backends.

#[macro_use]
mod support;

use serde_json::{Value, json};
use smartstore_hub::store::Admin;
use smartstore_protocol::codes::{ShopperCode, TrustedKeys, verify};
use smartstore_protocol::wire::{MemberRecommendations, PULL_PATH, RECOMMENDATIONS_PULL};
use support::{Backend, Terminal};

on_both_backends!(consent_lists_and_withdrawal_travel_through_the_pull);

const COLA: &str = "06921000000019";
const WATER: &str = "06921000000026";
const TEA: &str = "06921000000033";

/// `smartstore-hub --db DB ARGS…`: its standard output, after it succeeded.
fn hub_cli(db: &str, args: &[&str]) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_smartstore-hub"))
        .args(["--db", db])
        .args(args)
        .output()
        .expect("smartstore-hub runs");
    assert!(
        out.status.success(),
        "smartstore-hub {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// Issues a member code over the command line; checks what it says of consent.
fn issue(db: &str, admin: &mut Admin, member: &str, consent: bool) {
    let mut args = vec!["issue", "member", "--member", member, "--name", "Ann"];
    if consent {
        args.push("--consent");
    }
    let text = hub_cli(db, &args);
    let mut keys = TrustedKeys::new();
    for k in &admin.platform_keys().expect("keys").keys {
        keys.insert(k).expect("key");
    }
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    match verify(&text, &keys, now).expect("the code verifies").code {
        ShopperCode::Member(m) => assert_eq!((m.member_id.as_str(), m.consent), (member, consent)),
        other => panic!("not a member code: {other:?}"),
    }
}

fn pull(t: &Terminal, cursor: u64) -> (Vec<MemberRecommendations>, u64) {
    let auth = format!("Bearer {}", support::bearer(&t.key, &t.device_id));
    let reply = t.get(
        &format!("{PULL_PATH}/{RECOMMENDATIONS_PULL}?cursor={cursor}"),
        &[("Authorization", auth.as_str())],
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    let page: Value = serde_json::from_str(&reply.body).expect("json");
    (
        serde_json::from_value(page["items"].clone()).expect("items"),
        page["cursor"].as_u64().expect("cursor"),
    )
}

fn sell(t: &Terminal, number: u64, member: Option<&str>, gtins: &[&str]) {
    let lines: Vec<support::Line<'_>> = gtins.iter().map(|g| (*g, "item", 1, 350)).collect();
    let mut sale = t.sale(number, &lines, 10_000);
    sale.body["member_id"] = json!(member);
    sale.body["created_at"] = json!(format!("2026-11-30T10:{number:02}:00Z"));
    t.sync(&sale);
}

fn consent_lists_and_withdrawal_travel_through_the_pull(backend: Backend) {
    let t = support::terminal_on(backend, Some(support::CATALOG));
    let db = t._storage.as_ref().expect("storage").db.clone();
    let mut admin = Admin::open(&db, 2).expect("a second handle on the hub's database");

    // Ann (consenting) buys cola and water; strangers buy cola with water, and tea alone; Bo
    // never consented.
    sell(&t, 1, Some("ANN"), &[COLA]);
    sell(&t, 2, None, &[COLA, WATER]);
    sell(&t, 3, None, &[COLA, WATER]);
    sell(&t, 4, Some("BO"), &[TEA]);
    issue(&db, &mut admin, "ANN", true);
    issue(&db, &mut admin, "BO", false);
    let (none, start) = pull(&t, 0);
    assert!(none.is_empty(), "no list before a build: {none:?}");

    let built: Value =
        serde_json::from_str(&hub_cli(&db, &["recommend", "build", "--json"])).expect("build json");
    assert_eq!(built, json!({"purchases": 4, "members": 1, "changed": 1}));
    let (lists, cursor) = pull(&t, start);
    assert_eq!(lists.len(), 1, "{lists:?}");
    let ann = &lists[0];
    assert_eq!((ann.member_id.as_str(), ann.consent), ("ANN", true));
    let gtins: Vec<&str> = ann.candidates.iter().map(|c| c.gtin.as_str()).collect();
    // What she bought, then what goes with it, then the rest.
    assert_eq!(gtins, [COLA, WATER, TEA], "{ann:?}");

    // A rebuild of the same sales changes nothing and sends nothing.
    assert_eq!(admin.build_recommendations().expect("build").changed, 0);
    assert!(pull(&t, cursor).0.is_empty());

    // Re-issued without consent: the tombstone comes, and no rebuild brings a list back.
    issue(&db, &mut admin, "ANN", false);
    let (gone, after) = pull(&t, cursor);
    assert_eq!(
        gone,
        [MemberRecommendations {
            member_id: "ANN".into(),
            consent: false,
            candidates: vec![],
        }]
    );
    sell(&t, 5, Some("ANN"), &[TEA]);
    let rebuilt = admin.build_recommendations().expect("build");
    assert_eq!((rebuilt.members, rebuilt.changed), (0, 0));
    assert!(pull(&t, after).0.is_empty());
    assert!(
        hub_cli(&db, &["recommend", "show"]).contains(r#""consent":false"#),
        "the hub keeps only the tombstone"
    );

    // Consent given again: the next build makes her list again, from every sale.
    issue(&db, &mut admin, "ANN", true);
    assert_eq!(admin.build_recommendations().expect("build").changed, 1);
    let (back, _) = pull(&t, after);
    assert_eq!(back.len(), 1);
    assert!(back[0].consent && !back[0].candidates.is_empty());
}
