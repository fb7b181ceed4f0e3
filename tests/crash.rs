//! Kill the order loop with SIGKILL at random moments: nothing reported is lost or doubled.
//! (The benchmark `cargo bench --bench crash` runs 1,000 rounds.)

use smartstore_testkit as support;

use std::process::Command;

const CHILD_ENV: &str = "SMARTSTORE_CRASH_CHILD_DB";

/// Not a test of its own: the child process of the crash test, started by re-running this
/// test binary with `CHILD_ENV` set. Without it, it returns at once.
#[test]
fn crash_child() {
    if let Some(db) = std::env::var_os(CHILD_ENV) {
        support::crash::child_loop(std::path::Path::new(&db));
    }
}

#[test]
fn orders_survive_sigkill_exactly_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("crash.db");
    let exe = std::env::current_exe().expect("test binary");
    let report = support::crash::run_rounds(&db, 40, 80, || {
        let mut c = Command::new(&exe);
        c.args(["crash_child", "--exact", "--nocapture", "--test-threads=1"])
            .env(CHILD_ENV, &db);
        c
    });
    eprintln!(
        "crash test: {} rounds, {} orders reported, {} stored",
        report.rounds, report.reported, report.stored
    );
    assert!(report.problems.is_empty(), "{:#?}", report.problems);
    assert!(
        report.reported > 0,
        "the child never placed an order: {report:?}"
    );
    assert_eq!(report.confirmed, report.reported);
    // Each kill can fall between a commit and its report at most once.
    assert!(report.stored >= report.reported, "{report:?}");
    assert!(
        report.stored - report.reported <= u64::from(report.rounds),
        "{report:?}"
    );
}
