//! A throwaway PostgreSQL cluster on loopback for the hub's and the terminal's tests: Debian's
//! `initdb` and `pg_ctl` (package `postgresql`) in a temporary directory, run as an ordinary
//! user (as `nobody` when the tests run as root, which PostgreSQL refuses to be). Nothing is
//! downloaded. And a small tmpfs ([`SmallDisk`]) to fill, for a database out of disk space.
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
    /// Server settings beyond the defaults of [`Cluster::start_server`] (`-c name=value`).
    settings: Vec<String>,
}

/// How [`Cluster::start_with`] makes a cluster; the default is [`Cluster::start`]'s.
#[derive(Debug, Default, Clone)]
pub struct ClusterOptions {
    /// Where the write-ahead log goes (`initdb --waldir`), e.g. a [`SmallDisk`]'s directory;
    /// it must not exist yet and its parent must be writable by the cluster's user.
    pub wal_dir: Option<PathBuf>,
    /// WAL segment size in MiB (`initdb --wal-segsize`; PostgreSQL's default is 16).
    pub wal_segment_mb: Option<u32>,
    /// Server settings, `name=value`, passed as `-c name=value` at every start.
    pub settings: Vec<String>,
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
        Cluster::start_with(ClusterOptions::default())
    }

    /// As [`Cluster::start`], made and run as `options` say.
    pub fn start_with(options: ClusterOptions) -> Cluster {
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
            settings: options.settings,
        };
        let mut initdb = cluster.command("initdb");
        initdb.args(["-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]);
        if let Some(wal) = &options.wal_dir {
            initdb.arg("--waldir").arg(wal);
        }
        if let Some(mb) = options.wal_segment_mb {
            initdb.arg(format!("--wal-segsize={mb}"));
        }
        check("initdb", initdb.arg("-D").arg(cluster.data()).output());
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
        let mut options = format!(
            "-p {} -h 127.0.0.1 -k {} -c fsync=off -c full_page_writes=off -c max_connections=200",
            self.port,
            self.dir.path().display()
        );
        for setting in &self.settings {
            options.push_str(" -c ");
            options.push_str(setting);
        }
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

    /// Whether the server runs (`pg_ctl status`): PostgreSQL stops itself when it cannot
    /// write its log, and stays stopped until started again.
    pub fn is_running(&self) -> bool {
        self.command("pg_ctl")
            .arg("status")
            .arg("-D")
            .arg(self.data())
            .output()
            .is_ok_and(|o| o.status.success())
    }

    /// Waits until the server accepts connections or has stopped (after a crash it first
    /// runs its recovery, which may end either way); whether it accepts them. Panics when it
    /// does neither after a minute.
    pub fn settle(&self) -> bool {
        for _ in 0..1200 {
            if !self.is_running() {
                return false;
            }
            let ready = self
                .command("pg_isready")
                .args(["-q", "-h", "127.0.0.1", "-p"])
                .arg(self.port.to_string())
                .status()
                .is_ok_and(|s| s.success());
            if ready {
                return true;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        panic!(
            "PostgreSQL neither accepts connections nor stops:\n{}",
            self.server_log()
        )
    }

    /// What the server has logged so far.
    pub fn server_log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("log")).unwrap_or_default()
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

/// A small tmpfs mounted for a test (root only), unmounted when dropped.
pub struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    /// `mb` megabytes at a new directory, owned by nobody (the cluster's user). Panics, saying
    /// why, when the mount is refused (not root, or no CAP_SYS_ADMIN).
    pub fn mount(mb: u32) -> SmallDisk {
        let dir = tempfile::Builder::new()
            .prefix("smartstore-small-")
            .tempdir()
            .expect("tempdir");
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o"])
            .arg(format!("size={mb}m,mode=0755"))
            .arg("tmpfs")
            .arg(dir.path())
            .output()
            .expect("run mount");
        assert!(
            out.status.success(),
            "a full disk for PostgreSQL needs a small tmpfs, and mounting one needs root: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let out = Command::new("chown")
            .args(["nobody:"])
            .arg(dir.path())
            .output()
            .expect("chown");
        assert!(out.status.success(), "chown: {out:?}");
        SmallDisk { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Fills what is left of it with a file of root's; returns that file.
    pub fn fill(&self) -> PathBuf {
        use std::io::Write;
        let filler = self.path().join("filler");
        let mut f = std::fs::File::create(&filler).expect("filler");
        let chunk = vec![0u8; 64 * 1024];
        while f.write_all(&chunk).is_ok() {}
        // Then the last pages, to the last one.
        while f.write_all(&chunk[..4096]).is_ok() {}
        let _ = f.flush();
        filler
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.dir.path()).output();
    }
}
