//! The crash experiment: a child process places orders in a loop and is killed with SIGKILL
//! at a random moment; then every order it reported as placed must be there exactly once,
//! with no partial order, a clean integrity_check and a gap-free sequence.

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use smartstore::store::Store;

/// The child's side: place orders forever, reporting each only after its commit returned.
pub fn child_loop(db: &Path) -> ! {
    let mut store = Store::open(db).expect("child opens the store");
    let mut out = std::io::stdout().lock();
    // The kill timer starts here: opening (with its integrity check) is not what is tested.
    writeln!(out, "READY").expect("report");
    out.flush().expect("flush");
    let mut n = 0usize;
    loop {
        n += 1;
        let draft = crate::demo_draft(&store, n % 4 + 1);
        let placed = store.place_order(&draft).expect("place order");
        writeln!(out, "PLACED {} {}", placed.id, placed.seq).expect("report");
        out.flush().expect("flush");
    }
}

#[derive(Debug, Default)]
pub struct CrashReport {
    pub rounds: u32,
    pub reported: u64,
    pub stored: u64,
    /// Reported orders that were present exactly once.
    pub confirmed: u64,
    pub problems: Vec<String>,
}

/// Runs `rounds` kill rounds; `child` builds the command that runs [`child_loop`] on `db`.
pub fn run_rounds(
    db: &Path,
    rounds: u32,
    max_delay_ms: u64,
    child: impl Fn() -> Command,
) -> CrashReport {
    let mut report = CrashReport::default();
    let mut reported: HashSet<String> = HashSet::new();
    let mut rng = fastrand::Rng::with_seed(0x005e_ed0f_c4a5);
    // Create the database (and its demo catalog) before the first child starts.
    drop(Store::open(db).expect("open"));
    for round in 0..rounds {
        let mut child = child()
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn child");
        let stdout = child.stdout.take().expect("piped stdout");
        let (ready_tx, ready) = std::sync::mpsc::channel();
        let reader = std::thread::spawn(move || {
            let mut ids = Vec::new();
            let mut buf = String::new();
            let mut r = BufReader::new(stdout);
            // Only whole lines count: a line cut by the kill was never fully reported.
            while r.read_line(&mut buf).map(|n| n > 0).unwrap_or(false) {
                if buf.contains("READY") {
                    let _ = ready_tx.send(());
                }
                // The test harness may have printed on the same line before the first report.
                if let Some(at) = buf.find("PLACED ")
                    && buf.ends_with('\n')
                {
                    let rest = &buf[at + "PLACED ".len()..];
                    if let Some(id) = rest.split_whitespace().next() {
                        ids.push(id.to_owned());
                    }
                }
                buf.clear();
            }
            ids
        });
        let delay = Duration::from_micros(rng.u64(1_000..=max_delay_ms * 1000));
        let _ = ready.recv_timeout(Duration::from_secs(60));
        let start = Instant::now();
        while start.elapsed() < delay {
            std::thread::sleep(Duration::from_micros(200));
        }
        child.kill().expect("SIGKILL");
        let _ = child.wait();
        let ids = reader.join().expect("reader thread");
        if std::env::var_os("CRASH_DEBUG").is_some() {
            let c = rusqlite::Connection::open(db).expect("open");
            let n: i64 = c
                .query_row("SELECT count(*) FROM orders", [], |r| r.get(0))
                .expect("count");
            eprintln!(
                "round {round}: reported {} total stored {n} delay {delay:?}",
                ids.len()
            );
        }
        report.reported += ids.len() as u64;
        reported.extend(ids);
        report.rounds = round + 1;
    }
    let store = Store::open(db).expect("reopen after the last kill");
    let conn = rusqlite::Connection::open(db).expect("open for checks");
    let mut stmt = conn
        .prepare("SELECT count(*) FROM orders WHERE id = ?1")
        .expect("prepare");
    for id in &reported {
        let n: i64 = stmt.query_row([id], |r| r.get(0)).expect("count");
        if n == 1 {
            report.confirmed += 1;
        } else {
            report.problems.push(format!(
                "order {id} reported as placed is present {n} times"
            ));
        }
    }
    report.stored = conn
        .query_row("SELECT count(*) FROM orders", [], |r| r.get(0))
        .expect("count");
    let check = store.integrity_check().expect("integrity_check");
    if !check.is_empty() {
        report.problems.push(format!("integrity_check: {check:?}"));
    }
    report.problems.extend(store.audit().expect("audit"));
    report
}
