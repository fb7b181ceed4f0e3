//! A throwaway PostgreSQL cluster on loopback for the hub's tests: Debian's `initdb` and
//! `pg_ctl` (package `postgresql`) in a temporary directory, run as an ordinary user (as
//! `nobody` when the tests run as root, which PostgreSQL refuses to be). Nothing is downloaded.
//!
//! The PostgreSQL tests are `#[ignore]`d, so a plain `cargo test` lists them as ignored rather
//! than passing them empty; `.ci/run` installs PostgreSQL and runs them with `--ignored`. Run
//! that way without PostgreSQL, they fail and say what to install.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU32, Ordering};

/// Why the PostgreSQL tests are ignored by default.
pub const WHY: &str = "needs PostgreSQL (Debian's postgresql): .ci/run runs it with --ignored";

pub struct Cluster {
    dir: tempfile::TempDir,
    bin: PathBuf,
    pub port: u16,
    /// `runuser -u nobody --` when the tests run as root.
    as_user: Vec<String>,
}

/// Debian's PostgreSQL programs: the newest /usr/lib/postgresql/N/bin with initdb.
fn bin_dir() -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok())
        .map(|e| e.path().join("bin"))
        .filter(|b| b.join("initdb").exists() && b.join("pg_ctl").exists())
        .collect();
    dirs.sort_by_key(|d| {
        d.parent()
            .and_then(|v| v.file_name())
            .and_then(|v| v.to_str())
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or(0)
    });
    dirs.pop()
}

/// Whether the tests run as root (then servers run as `nobody`).
pub fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

fn check(what: &str, out: std::io::Result<Output>) -> Output {
    let out = out.unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(
        out.status.success(),
        "{what}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

impl Cluster {
    /// A new cluster, started. Panics, saying what to install, when PostgreSQL is absent.
    pub fn start() -> Cluster {
        let bin = bin_dir().unwrap_or_else(|| {
            panic!(
                "PostgreSQL is absent (no /usr/lib/postgresql/*/bin/initdb): \
                 apt-get install postgresql, or run cargo test without --ignored"
            )
        });
        let dir = tempfile::Builder::new()
            .prefix("smartstore-pg-")
            .tempdir()
            .expect("tempdir");
        let as_user: Vec<String> = if is_root() {
            check(
                "chown the cluster's directory to nobody",
                Command::new("chown")
                    .args(["-R", "nobody:"])
                    .arg(dir.path())
                    .output(),
            );
            ["runuser", "-u", "nobody", "--"].map(String::from).to_vec()
        } else {
            Vec::new()
        };
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free port");
        let cluster = Cluster {
            dir,
            bin,
            port,
            as_user,
        };
        check(
            "initdb",
            cluster
                .command("initdb")
                .args([
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "-E",
                    "UTF8",
                    "--no-sync",
                    "-D",
                ])
                .arg(cluster.data())
                .output(),
        );
        cluster.start_server();
        cluster
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn command(&self, program: &str) -> Command {
        let path = self.bin.join(program);
        let mut cmd = match self.as_user.split_first() {
            Some((first, rest)) => {
                let mut c = Command::new(first);
                c.args(rest).arg(&path);
                c
            }
            None => Command::new(&path),
        };
        // Where `nobody` can read: not the root's working directory.
        cmd.current_dir(self.dir.path());
        cmd
    }

    /// Starts the server (again) on the same port and data.
    pub fn start_server(&self) {
        let options = format!(
            "-p {} -h 127.0.0.1 -k {} -c fsync=off -c full_page_writes=off -c max_connections=200",
            self.port,
            self.dir.path().display()
        );
        check(
            "pg_ctl start",
            self.command("pg_ctl")
                .args(["-w", "-t", "60", "-l"])
                .arg(self.dir.path().join("log"))
                .arg("-o")
                .arg(options)
                .arg("-D")
                .arg(self.data())
                .arg("start")
                .output(),
        );
    }

    /// Stops the server at once (`-m immediate`: as if its machine lost power).
    pub fn stop_server(&self) {
        let _ = self
            .command("pg_ctl")
            .args(["-w", "-m", "immediate", "-D"])
            .arg(self.data())
            .arg("stop")
            .output();
    }

    /// Runs one SQL statement as the superuser in `db`; returns what it printed.
    pub fn psql(&self, db: &str, sql: &str) -> String {
        let out = check(
            &format!("psql: {sql}"),
            self.command("psql")
                .args(["-X", "-q", "-A", "-t", "-h", "127.0.0.1", "-U", "postgres"])
                .arg("-p")
                .arg(self.port.to_string())
                .args(["-d", db, "-c", sql])
                .output(),
        );
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    /// A new, empty database; its URL.
    pub fn database(&self) -> String {
        static N: AtomicU32 = AtomicU32::new(0);
        let name = format!("hub{}", N.fetch_add(1, Ordering::Relaxed));
        self.psql("postgres", &format!("CREATE DATABASE {name}"));
        self.url(&name)
    }

    pub fn url(&self, db: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{db}", self.port)
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        self.stop_server();
    }
}
