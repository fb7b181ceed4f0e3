//! `smartstore-hub serve` as a process of its own, as an operator runs it: on a SQLite file or
//! a PostgreSQL URL, on a free loopback port, its log in a file; killed when dropped.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};

pub struct HubProcess {
    child: Child,
    pub addr: SocketAddr,
}

/// A free loopback port (free when asked: the caller binds it soon after).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// `nobody`'s user and group ids when the tests run as root (root writes through any file
/// mode, so a test of a read-only file runs the hub as nobody); `None` otherwise.
pub fn nobody_if_root() -> Option<(u32, u32)> {
    if !super::postgres::is_root() {
        return None;
    }
    let id = |flag: &str| -> u32 {
        let out = Command::new("id")
            .args([flag, "nobody"])
            .output()
            .expect("id nobody");
        String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse()
            .expect("nobody's id")
    };
    Some((id("-u"), id("-g")))
}

impl HubProcess {
    pub fn start(db: &str, log: &Path) -> HubProcess {
        HubProcess::start_as(None, db, log)
    }

    /// As [`HubProcess::start`], as the user and group `user` if given (the hub itself, not a
    /// wrapper such as runuser, so that killing it kills the hub).
    pub fn start_as(user: Option<(u32, u32)>, db: &str, log: &Path) -> HubProcess {
        use std::os::unix::process::CommandExt;
        let port = free_port();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_smartstore-hub"));
        if let Some((uid, gid)) = user {
            cmd.uid(uid).gid(gid);
        }
        let mut child = cmd
            .args(["--db", db, "serve", "--listen"])
            .arg(format!("127.0.0.1:{port}"))
            .env("SMARTSTORE_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(log)
                    .expect("log"),
            )
            .spawn()
            .expect("start smartstore-hub");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("the hub says where it listens");
        assert!(
            line.starts_with("listening on"),
            "hub did not start: {line} {}",
            std::fs::read_to_string(log).unwrap_or_default()
        );
        HubProcess {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
        }
    }

    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for HubProcess {
    fn drop(&mut self) {
        self.kill();
    }
}
