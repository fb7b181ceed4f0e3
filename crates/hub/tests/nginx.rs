//! The documented deployment (issue 17, docs/deploy-platform.md): Debian's nginx in front of
//! two hub processes on one PostgreSQL database, with the proxy settings of
//! packaging/hub/nginx.conf. Terminals push batches through nginx; one hub is killed while
//! they do; every answer is still a 200 (nginx tries the other hub, POSTs included) and every
//! event is stored exactly once.
//!
//! Ignored unless run with `--ignored`: .ci/run installs `postgresql` and `nginx` and does.
//! Run that way without nginx, it fails and says what to install.

mod support;

use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use smartstore_hub::store::Admin;
use smartstore_protocol::keys::SigningKey;
use support::postgres::{Cluster, is_root};
use support::process::{HubProcess, free_port};
use support::{notes, post_batch, signed_batch};

/// The packaged site config, for this test: the upstream's two hubs on their ports, plain
/// HTTP on a loopback port instead of HTTPS on 443 (the certificate is not what is tested);
/// every other line (the upstream's failure rules, the proxy's retries and timeouts) as
/// shipped. Panics if the packaged file no longer has the lines it rewrites.
fn site_config(hubs: [SocketAddr; 2], listen: u16) -> String {
    let packaged = include_str!("../../../packaging/hub/nginx.conf");
    let (mut upstreams, mut listens) = (0, 0);
    let mut out = String::new();
    for line in packaged.lines() {
        let t = line.trim_start();
        let line = if let Some(rest) = t.strip_prefix("server 127.0.0.1:8481 ") {
            upstreams += 1;
            format!("    server {} {rest}", hubs[0])
        } else if let Some(rest) = t.strip_prefix("server 127.0.0.1:8482 ") {
            upstreams += 1;
            format!("    server {} {rest}", hubs[1])
        } else if t == "listen 443 ssl;" {
            listens += 1;
            format!("    listen 127.0.0.1:{listen};")
        } else if t.starts_with("listen [::]:443") || t.starts_with("ssl_") {
            continue;
        } else {
            line.to_owned()
        };
        out.push_str(&line);
        out.push('\n');
    }
    assert_eq!(
        (upstreams, listens),
        (2, 1),
        "packaging/hub/nginx.conf no longer has the two upstream hubs on 8481/8482 and `listen 443 ssl;`"
    );
    out
}

/// Debian's nginx, or a failure that says what to install.
fn nginx_program() -> PathBuf {
    let debian = PathBuf::from("/usr/sbin/nginx");
    if debian.exists() {
        return debian;
    }
    let found = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .map(|d| d.join("nginx"))
        .find(|p| p.exists());
    found.unwrap_or_else(|| {
        panic!("nginx is absent: apt-get install nginx, or run cargo test without --ignored")
    })
}

/// nginx in the foreground on a config of its own; stopped when dropped.
struct Nginx {
    child: Child,
    program: PathBuf,
    conf: PathBuf,
    dir: PathBuf,
    addr: SocketAddr,
}

impl Nginx {
    fn start(dir: &Path, hubs: [SocketAddr; 2]) -> Nginx {
        let program = nginx_program();
        let port = free_port();
        std::fs::write(dir.join("site.conf"), site_config(hubs, port)).expect("site.conf");
        let d = dir.display();
        // As root, nginx's workers run as nobody: the directory is theirs.
        let user = if is_root() {
            let out = Command::new("chown")
                .args(["-R", "nobody:"])
                .arg(dir)
                .output()
                .expect("chown");
            assert!(out.status.success(), "chown: {out:?}");
            "user nobody nogroup;\n"
        } else {
            ""
        };
        let conf = dir.join("nginx.conf");
        std::fs::write(
            &conf,
            format!(
                "daemon off;\n{user}worker_processes 1;\npid {d}/nginx.pid;\nerror_log {d}/error.log info;\n\
                 events {{ worker_connections 256; }}\n\
                 http {{\n\
                 log_format upstreams '$status $request_uri up=$upstream_addr ups=$upstream_status';\n\
                 access_log {d}/access.log upstreams;\n\
                 client_body_temp_path {d}/body;\nproxy_temp_path {d}/proxy;\n\
                 fastcgi_temp_path {d}/fastcgi;\nuwsgi_temp_path {d}/uwsgi;\nscgi_temp_path {d}/scgi;\n\
                 include {d}/site.conf;\n}}\n"
            ),
        )
        .expect("nginx.conf");
        let child = Command::new(&program)
            .arg("-c")
            .arg(&conf)
            .arg("-e")
            .arg(dir.join("error.log"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("start {}: {e}", program.display()));
        let mut nginx = Nginx {
            child,
            program,
            conf,
            dir: dir.to_owned(),
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(nginx.addr).is_err() {
            if let Ok(Some(status)) = nginx.child.try_wait() {
                panic!("nginx exited ({status}): {}", nginx.error_log());
            }
            assert!(
                Instant::now() < deadline,
                "nginx never listened: {}",
                nginx.error_log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        nginx
    }

    fn error_log(&self) -> String {
        std::fs::read_to_string(self.dir.join("error.log")).unwrap_or_default()
    }

    fn access_log(&self) -> String {
        std::fs::read_to_string(self.dir.join("access.log")).unwrap_or_default()
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = Command::new(&self.program)
            .arg("-c")
            .arg(&self.conf)
            .arg("-e")
            .arg(self.dir.join("error.log"))
            .args(["-s", "stop"])
            .output();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
#[ignore = "needs PostgreSQL and nginx (Debian's postgresql, nginx): .ci/run runs it with --ignored"]
fn nginx_in_front_of_two_hubs_stores_every_batch_once_when_one_hub_is_killed() {
    let cluster = Cluster::start();
    let url = cluster.database();
    let mut admin = Admin::open(&url, 2).expect("hub db");
    let devices: Vec<(SigningKey, String)> = (0..3)
        .map(|_| {
            let (key, enrolled) = support::enrol(&mut admin, "SH001");
            (key, enrolled.device_id)
        })
        .collect();
    let mut a = HubProcess::start(&url, &cluster.dir().join("a.log"));
    let b = HubProcess::start(&url, &cluster.dir().join("b.log"));
    let web = tempfile::Builder::new()
        .prefix("smartstore-nginx-")
        .tempdir()
        .expect("tempdir");
    let nginx = Nginx::start(web.path(), [a.addr, b.addr]);

    const BATCHES: u64 = 30;
    const PER: u64 = 20;
    let sent = Arc::new(AtomicU64::new(0));
    let terminals: Vec<_> = devices
        .iter()
        .map(|(key, id)| {
            let (key, id) = (key.pkcs8().to_vec(), id.clone());
            let (proxy, sent) = (nginx.addr, sent.clone());
            std::thread::spawn(move || {
                let key = SigningKey::from_pkcs8(&key, &id).expect("key");
                let mut refused = Vec::new();
                let mut last = String::new();
                for k in 0..BATCHES {
                    let first = k * PER + 1;
                    last = signed_batch(&key, &id, first, notes(&id, first, PER, 100));
                    match post_batch(proxy, &key, &id, &last) {
                        Ok(r)
                            if r.status == 200
                                && r.body
                                    .contains(&format!("\"held_seq\":{}", first + PER - 1)) => {}
                        Ok(r) => refused.push(format!("batch {k}: {} {}", r.status, r.body)),
                        Err(e) => refused.push(format!("batch {k}: {e}")),
                    }
                    sent.fetch_add(1, Ordering::SeqCst);
                    std::thread::sleep(Duration::from_millis(15));
                }
                // The last batch again (an answer lost on the way): the mark, nothing new.
                match post_batch(proxy, &key, &id, &last) {
                    Ok(r)
                        if r.status == 200
                            && r.body.contains(&format!("\"held_seq\":{}", BATCHES * PER)) => {}
                    Ok(r) => refused.push(format!("resent: {} {}", r.status, r.body)),
                    Err(e) => refused.push(format!("resent: {e}")),
                }
                (id, refused)
            })
        })
        .collect();
    // A third of the way through, hub a dies.
    let deadline = Instant::now() + Duration::from_secs(120);
    while sent.load(Ordering::SeqCst) < BATCHES {
        assert!(Instant::now() < deadline, "the terminals are stuck");
        std::thread::sleep(Duration::from_millis(5));
    }
    a.kill();
    for t in terminals {
        let (id, refused) = t.join().expect("terminal");
        assert!(
            refused.is_empty(),
            "through nginx every batch is answered 200 even with a hub down ({id}): {refused:?}\n{}",
            nginx.error_log()
        );
    }

    // Stored exactly once: every event of every device, once, and each mark at its last.
    let events = admin.events().expect("events");
    for (_, id) in &devices {
        let mine: Vec<_> = events.iter().filter(|e| &e.device == id).collect();
        let mut seqs: Vec<u64> = mine.iter().map(|e| e.seq).collect();
        seqs.dedup();
        assert_eq!(
            (mine.len() as u64, seqs.len() as u64),
            (BATCHES * PER, BATCHES * PER)
        );
        assert_eq!(admin.held_seq(id).expect("held"), BATCHES * PER);
    }
    assert_eq!(admin.event_count().expect("count"), 3 * BATCHES * PER);

    // Both hubs took requests, and a request meant for the dead one went to the other.
    let access = nginx.access_log();
    let (pa, pb) = (a.addr.to_string(), b.addr.to_string());
    let only = |hub: &str| {
        access
            .lines()
            .filter(|l| l.contains(&format!("up={hub} ")))
            .count()
    };
    assert!(only(&pa) > 0 && only(&pb) > 0, "both hubs served: {access}");
    assert!(
        access
            .lines()
            .any(|l| l.starts_with("200 ") && l.contains(&format!("up={pa}, {pb}"))),
        "a request failed on the killed hub and was answered by the other: {access}"
    );
    drop(b);
}
