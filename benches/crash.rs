//! The crash benchmark (issue 2): 1,000 SIGKILLs at random moments of an order loop; then
//! (issue 12) the restore-and-clone round: terminals backed up, restored and copied while they
//! sell and sync against the hub on loopback.
//! Run: `cargo bench --bench crash` (`-- --rounds N --restore-rounds M` to change the counts).

use smartstore_testkit as support;

use std::process::{Command, ExitCode};
use std::time::Instant;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--child") {
        let db = args.get(i + 1).expect("--child DB");
        support::crash::child_loop(std::path::Path::new(db));
    }
    let rounds: u32 = args
        .iter()
        .position(|a| a == "--rounds")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(1000);
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("crash.db");
    let exe = std::env::current_exe().expect("exe");
    let t = Instant::now();
    let report = support::crash::run_rounds(&db, rounds, 60, || {
        let mut c = Command::new(&exe);
        c.arg("--child").arg(&db);
        c
    });
    println!("\n### Crash test (SIGKILL at random moments)\n");
    println!(
        "| kills | orders reported placed | orders stored | reported and present exactly once | problems | time |"
    );
    println!("|---|---|---|---|---|---|");
    println!(
        "| {} | {} | {} | {} | {} | {:.0} s |",
        report.rounds,
        report.reported,
        report.stored,
        report.confirmed,
        if report.problems.is_empty() {
            "none".to_owned()
        } else {
            report.problems.join("; ")
        },
        t.elapsed().as_secs_f64()
    );
    let restore_rounds: u32 = args
        .iter()
        .position(|a| a == "--restore-rounds")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(300);
    let work = tempfile::tempdir().expect("tempdir");
    let t = Instant::now();
    let rc = support::restore_clone::run(work.path(), restore_rounds, 0x1212_2026);
    println!(
        "\n### Restore and clone (terminals backed up, restored and copied while they sell)\n"
    );
    println!(
        "| rounds | terminals | backups | restores | clones | conflicts caught and recovered | orders shown as placed | at the platform | missing | doubled | problems | time |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|");
    println!(
        "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {:.0} s |",
        rc.rounds,
        rc.terminals,
        rc.backups,
        rc.restores,
        rc.clones,
        rc.conflicts,
        rc.placed,
        rc.at_platform,
        rc.placed - rc.at_platform,
        rc.doubled,
        if rc.problems.is_empty() {
            "none".to_owned()
        } else {
            rc.problems.join("; ")
        },
        t.elapsed().as_secs_f64()
    );
    let restore_ok = rc.problems.is_empty() && rc.at_platform == rc.placed && rc.doubled == 0;
    if report.problems.is_empty() && report.confirmed == report.reported && restore_ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
