//! The crash benchmark (issue 2): 1,000 SIGKILLs at random moments of an order loop.
//! Run: `cargo bench --bench crash` (`-- --rounds N` to change the count).

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
    if report.problems.is_empty() && report.confirmed == report.reported {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
