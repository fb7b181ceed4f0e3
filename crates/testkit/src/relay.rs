//! An HTTP/1.1 relay between a terminal and the platform that passes every request, but can
//! take the platform's answer to one kind of request away from the terminal after the platform
//! has committed it: drop it (the connection is cut) or hold it (until released, or forever,
//! while the test kills the terminal). Request by request over kept-alive connections, with
//! `content-length` bodies (what the hub sends and reqwest writes).

use std::io::{BufRead, BufReader, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

/// What happens to the next matching answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Fault {
    /// Passed on.
    Pass = 0,
    /// Cut: the terminal sees the connection close without an answer.
    Drop = 1,
    /// Kept until [`Relay::release`] (then passed on); the terminal waits.
    Hold = 2,
}

pub struct Relay {
    pub addr: SocketAddr,
    fault: Arc<AtomicU8>,
    /// Matching answers taken away so far.
    pub taken: Arc<AtomicU64>,
    released: Arc<(Mutex<u64>, Condvar)>,
}

struct Shared {
    upstream: SocketAddr,
    method: &'static str,
    path: String,
    fault: Arc<AtomicU8>,
    taken: Arc<AtomicU64>,
    released: Arc<(Mutex<u64>, Condvar)>,
}

impl Relay {
    /// Relays to `upstream`; the fault applies to `method path` requests (the path exactly,
    /// without its query), once each time it is armed.
    pub fn start(upstream: SocketAddr, method: &'static str, path: &str) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind relay");
        let addr = listener.local_addr().expect("addr");
        let fault = Arc::new(AtomicU8::new(Fault::Pass as u8));
        let taken = Arc::new(AtomicU64::new(0));
        let released = Arc::new((Mutex::new(0u64), Condvar::new()));
        let shared = Arc::new(Shared {
            upstream,
            method,
            path: path.to_owned(),
            fault: fault.clone(),
            taken: taken.clone(),
            released: released.clone(),
        });
        std::thread::Builder::new()
            .name("relay".into())
            .spawn(move || {
                for client in listener.incoming() {
                    let Ok(client) = client else { continue };
                    let shared = shared.clone();
                    std::thread::spawn(move || serve(client, &shared));
                }
            })
            .expect("relay thread");
        Relay {
            addr,
            fault,
            taken,
            released,
        }
    }

    /// Arms the fault for the next matching request.
    pub fn arm(&self, fault: Fault) {
        self.fault.store(fault as u8, Ordering::SeqCst);
    }

    /// Lets every held answer go.
    pub fn release(&self) {
        let (lock, cv) = &*self.released;
        *lock.lock().expect("lock") += 1;
        cv.notify_all();
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

/// One HTTP message: its head (start line and headers, with the blank line) and body.
struct Message {
    head: Vec<u8>,
    body: Vec<u8>,
    start: String,
}

fn read_message(r: &mut impl BufRead) -> Option<Message> {
    let mut head = Vec::new();
    let mut start = String::new();
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        head.extend_from_slice(line.as_bytes());
        if start.is_empty() {
            start = line.trim_end().to_owned();
        } else if line == "\r\n" {
            break;
        } else if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().ok()?;
        }
    }
    let mut body = vec![0u8; length];
    r.read_exact(&mut body).ok()?;
    Some(Message { head, body, start })
}

fn serve(client: TcpStream, shared: &Shared) {
    let _ = client.set_read_timeout(Some(Duration::from_secs(60)));
    let Ok(mut to_client) = client.try_clone() else {
        return;
    };
    let mut from_client = BufReader::new(client);
    let Ok(server) = TcpStream::connect(shared.upstream) else {
        return;
    };
    let _ = server.set_read_timeout(Some(Duration::from_secs(60)));
    let Ok(mut to_server) = server.try_clone() else {
        return;
    };
    let mut from_server = BufReader::new(server);
    while let Some(request) = read_message(&mut from_client) {
        let mut words = request.start.split_whitespace();
        let (method, target) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
        let path = target.split('?').next().unwrap_or("");
        let matching = method == shared.method && path == shared.path;
        if to_server.write_all(&request.head).is_err()
            || to_server.write_all(&request.body).is_err()
        {
            break;
        }
        // The whole answer is read: the platform committed before the fault takes it.
        let Some(answer) = read_message(&mut from_server) else {
            break;
        };
        let fault = if matching {
            shared.fault.swap(Fault::Pass as u8, Ordering::SeqCst)
        } else {
            Fault::Pass as u8
        };
        if fault == Fault::Drop as u8 {
            shared.taken.fetch_add(1, Ordering::SeqCst);
            let _ = to_client.shutdown(Shutdown::Both);
            break;
        }
        if fault == Fault::Hold as u8 {
            shared.taken.fetch_add(1, Ordering::SeqCst);
            let (lock, cv) = &*shared.released;
            let Ok(guard) = lock.lock() else { break };
            let seen = *guard;
            let Ok(guard) = cv.wait_while(guard, |n| *n == seen) else {
                break;
            };
            drop(guard);
        }
        if to_client.write_all(&answer.head).is_err() || to_client.write_all(&answer.body).is_err()
        {
            break;
        }
    }
}
