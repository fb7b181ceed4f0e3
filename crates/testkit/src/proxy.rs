//! A fault-injecting TCP proxy for sync tests: per connection it passes traffic, delays it,
//! resets it, answers 503 itself, or forwards the request and drops the platform's answer
//! after the platform has committed.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

#[derive(Debug, Default)]
pub struct FaultCounts {
    pub connections: AtomicU64,
    pub passed: AtomicU64,
    pub delayed: AtomicU64,
    pub reset: AtomicU64,
    pub answered_503: AtomicU64,
    pub dropped_after_commit: AtomicU64,
}

pub struct FaultProxy {
    pub addr: SocketAddr,
    pub counts: Arc<FaultCounts>,
    /// While false, every connection passes untouched.
    pub faults_on: Arc<AtomicBool>,
}

fn pump(mut from: TcpStream, mut to: TcpStream) {
    let mut buf = [0u8; 16 * 1024];
    loop {
        match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                if to.write_all(&buf[..n]).is_err() {
                    break;
                }
            }
        }
    }
    let _ = to.shutdown(Shutdown::Write);
}

impl FaultProxy {
    pub fn start(upstream: SocketAddr, seed: u64) -> FaultProxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind proxy");
        let addr = listener.local_addr().expect("addr");
        let counts = Arc::new(FaultCounts::default());
        let faults_on = Arc::new(AtomicBool::new(true));
        let (c, f) = (counts.clone(), faults_on.clone());
        std::thread::Builder::new()
            .name("fault-proxy".into())
            .spawn(move || {
                let mut rng = fastrand::Rng::with_seed(seed);
                for client in listener.incoming() {
                    let Ok(client) = client else { continue };
                    c.connections.fetch_add(1, Ordering::Relaxed);
                    let roll = if f.load(Ordering::Relaxed) {
                        rng.u32(0..100)
                    } else {
                        0
                    };
                    let delay_ms = rng.u64(50..400);
                    let c = c.clone();
                    std::thread::spawn(move || handle(client, upstream, roll, delay_ms, &c));
                }
            })
            .expect("proxy thread");
        FaultProxy {
            addr,
            counts,
            faults_on,
        }
    }
}

fn handle(client: TcpStream, upstream: SocketAddr, roll: u32, delay_ms: u64, c: &FaultCounts) {
    let _ = client.set_read_timeout(Some(Duration::from_secs(30)));
    match roll {
        0..=39 => c.passed.fetch_add(1, Ordering::Relaxed),
        40..=54 => {
            std::thread::sleep(Duration::from_millis(delay_ms));
            c.delayed.fetch_add(1, Ordering::Relaxed)
        }
        55..=69 => {
            c.reset.fetch_add(1, Ordering::Relaxed);
            let _ = client.shutdown(Shutdown::Both);
            return;
        }
        70..=84 => {
            c.answered_503.fetch_add(1, Ordering::Relaxed);
            let mut client = client;
            let mut buf = [0u8; 4096];
            let _ = client.read(&mut buf);
            let body = r#"{"error":"unavailable","message":"proxy says 503"}"#;
            let _ = write!(
                client,
                "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = client.shutdown(Shutdown::Both);
            return;
        }
        _ => {
            // Forward the request; once the platform starts answering (it answers after its
            // commit), cut both sides without passing a byte of the answer on.
            c.dropped_after_commit.fetch_add(1, Ordering::Relaxed);
            let Ok(mut server) = TcpStream::connect(upstream) else {
                let _ = client.shutdown(Shutdown::Both);
                return;
            };
            let Ok(from_client) = client.try_clone() else {
                return;
            };
            let Ok(to_server) = server.try_clone() else {
                return;
            };
            std::thread::spawn(move || pump(from_client, to_server));
            let _ = server.set_read_timeout(Some(Duration::from_secs(30)));
            let mut one = [0u8; 1];
            let _ = server.read(&mut one);
            let _ = client.shutdown(Shutdown::Both);
            let _ = server.shutdown(Shutdown::Both);
            return;
        }
    };
    let Ok(server) = TcpStream::connect(upstream) else {
        let _ = client.shutdown(Shutdown::Both);
        return;
    };
    let (Ok(c2), Ok(s2)) = (client.try_clone(), server.try_clone()) else {
        return;
    };
    let up = std::thread::spawn(move || pump(c2, s2));
    pump(server, client);
    let _ = up.join();
}
