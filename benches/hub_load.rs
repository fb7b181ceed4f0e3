//! The hub under a connection flood (issue 13): 2,000 idle connections and 300 that send their
//! headers a byte a second, kept up (reopened as the hub closes them), while terminals enrol
//! and sync their orders. Measures whether every sync succeeds, how long the syncs took next to
//! the same syncs without the flood, and the hub process's resident memory.
//!
//! Run: `cargo build --release -p smartstore-hub && cargo bench --bench hub_load`
//! (`-- --idle N --slow N --terminals N --orders N`). Needs a descriptor limit above the
//! connection count (`ulimit -n 8192`).

use smartstore_testkit as support;

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use smartstore::store::Store;
use smartstore::sync::{Device, PlatformClient, enroll, sync_once};
use smartstore_hub::db::HubDb;

fn arg(args: &[String], name: &str, default: usize) -> usize {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(default)
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

fn start_hub(db: &std::path::Path) -> (Child, SocketAddr) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("port");
    let child = Command::new(support::hub_binary())
        .args(["--db", &db.display().to_string(), "serve", "--listen"])
        .arg(format!("127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("hub");
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().expect("addr");
    for _ in 0..200 {
        if TcpStream::connect(addr).is_ok() {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    (child, addr)
}

/// Keeps `idle` silent connections and `slow` connections that trickle a header open, reopening
/// each as the hub closes it. Counts the reopenings.
fn flood(
    addr: SocketAddr,
    idle: usize,
    slow: usize,
    stop: Arc<AtomicBool>,
    reopened: Arc<AtomicU64>,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let open = || {
            TcpStream::connect(addr).ok().inspect(|s| {
                let _ = s.set_nonblocking(true);
            })
        };
        let mut conns: Vec<(bool, Option<TcpStream>, usize)> =
            (0..idle + slow).map(|i| (i >= idle, open(), 0)).collect();
        let header = b"GET /v1/time HTTP/1.1\r\nHost: hub\r\nX-Padding: ";
        let mut buf = [0u8; 256];
        while !stop.load(Ordering::Relaxed) {
            for (is_slow, conn, sent) in conns.iter_mut() {
                let closed = match conn {
                    None => true,
                    Some(s) => match s.read(&mut buf) {
                        Ok(0) => true,
                        Ok(_) => false,
                        Err(e) => e.kind() != ErrorKind::WouldBlock,
                    },
                };
                if closed {
                    *conn = open();
                    *sent = 0;
                    reopened.fetch_add(1, Ordering::Relaxed);
                    continue;
                }
                if *is_slow && let Some(s) = conn {
                    let byte = header.get(*sent).copied().unwrap_or(b'a');
                    if s.write(&[byte]).is_ok() {
                        *sent += 1;
                    }
                }
            }
            std::thread::sleep(Duration::from_millis(1000));
        }
    })
}

/// Enrols `terminals` terminals, places `orders` orders on each and syncs them all; returns
/// (failed syncs, seconds).
fn sync_terminals(
    dir: &std::path::Path,
    hub_db: &std::path::Path,
    url: &str,
    terminals: usize,
    orders: usize,
) -> (usize, f64) {
    let t = Instant::now();
    let handles: Vec<_> = (0..terminals)
        .map(|i| {
            let term = dir.join(format!("t{i}"));
            let token = HubDb::open(hub_db)
                .expect("hub")
                .create_enrolment_tokens("SH001", 1)
                .expect("token")
                .remove(0);
            let url = url.to_owned();
            std::thread::spawn(move || {
                let client = PlatformClient::new(&url, Duration::from_secs(30)).expect("client");
                let mut store = Store::open(&term.join("smartstore.db")).expect("store");
                if enroll(&mut store, &term, &client, &token).is_err() {
                    return 1;
                }
                store
                    .import_catalog_csv(
                        std::io::Cursor::new(smartstore::store::DEMO_CATALOG_CSV),
                        smartstore_domain::money::Currency::CNY,
                    )
                    .expect("catalog");
                for n in 0..orders {
                    store
                        .place_order(&support::demo_draft(&store, n % 3 + 1))
                        .expect("order");
                }
                let device = Device::load(&store, &term).expect("device");
                match sync_once(&mut store, &client, &device.key, 50) {
                    Ok(r) if r.held_seq == orders as u64 => 0,
                    _ => 1,
                }
            })
        })
        .collect();
    let failed = handles.into_iter().map(|h| h.join().unwrap_or(1)).sum();
    (failed, t.elapsed().as_secs_f64())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let idle = arg(&args, "--idle", 2000);
    let slow = arg(&args, "--slow", 300);
    let terminals = arg(&args, "--terminals", 4);
    let orders = arg(&args, "--orders", 200);
    let dir = tempfile::tempdir().expect("tempdir");
    let hub_db = dir.path().join("hub.db");
    drop(HubDb::open(&hub_db).expect("hub db"));
    let (mut hub, addr) = start_hub(&hub_db);
    let url = format!("http://{addr}");
    let pid = hub.id();
    let baseline = rss_kib(pid);

    // The same syncs without the flood, for comparison.
    let (quiet_failed, quiet_secs) =
        sync_terminals(&dir.path().join("quiet"), &hub_db, &url, terminals, orders);

    let stop = Arc::new(AtomicBool::new(false));
    let reopened = Arc::new(AtomicU64::new(0));
    let flooder = flood(addr, idle, slow, stop.clone(), reopened.clone());
    std::thread::sleep(Duration::from_secs(2));
    let peak = Arc::new(AtomicU64::new(0));
    let sampling = Arc::new(AtomicBool::new(true));
    let sampler = {
        let (peak, sampling) = (peak.clone(), sampling.clone());
        std::thread::spawn(move || {
            while sampling.load(Ordering::Relaxed) {
                peak.fetch_max(rss_kib(pid), Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(100));
            }
        })
    };
    let (flood_failed, flood_secs) =
        sync_terminals(&dir.path().join("flood"), &hub_db, &url, terminals, orders);
    // Keep the flood up past the hub's timeouts, so closing and reopening is measured too.
    std::thread::sleep(Duration::from_secs(15));
    sampling.store(false, Ordering::Relaxed);
    let _ = sampler.join();
    stop.store(true, Ordering::Relaxed);
    let _ = flooder.join();
    let _ = hub.kill();
    let _ = hub.wait();

    let peak_mib = peak.load(Ordering::Relaxed) as f64 / 1024.0;
    println!("\n### The hub under a connection flood\n");
    println!(
        "| idle | slow-header | terminals × orders | syncs failed (quiet / flood) | sync time quiet | sync time flood | connections the hub closed and the flood reopened | hub RSS before | hub RSS peak |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    println!(
        "| {idle} | {slow} | {terminals} × {orders} | {quiet_failed} / {flood_failed} | {quiet_secs:.1} s | {flood_secs:.1} s | {} | {:.1} MiB | {peak_mib:.1} MiB |",
        reopened.load(Ordering::Relaxed),
        baseline as f64 / 1024.0,
    );
    if flood_failed > 0 || peak_mib > 256.0 {
        std::process::exit(1);
    }
}
