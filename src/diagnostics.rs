//! Diagnostics: everything a technician can get wrong, each with what to do about it. `smartstore
//! doctor` prints them and the setup mode's diagnostics page shows them.
//!
//! The checks run in a fixed order and each gives one line (or one JSON object with `--json`):
//! `owner`, `camera`, `database`, `disk`, `unsynced`, `quarantine`, `identity`, `conflicts`,
//! `payments`,
//! `enrolment`, `key`, `clock`, `platform`, `pin`.
//! docs/troubleshooting.md is keyed by these names and their messages.

use std::path::Path;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::config::Context;
use crate::store::{Store, StoreError};
use crate::sync::{PlatformClient, SyncError, key_path};
use smartstore_protocol::keys::{KeyError, SigningKey};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Warn,
    Fail,
}

#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub check: &'static str,
    pub status: Status,
    pub detail: String,
    /// What to do about it; empty when it passed.
    pub fix: String,
    /// True when the check could not run (an earlier one failed, or there is no platform yet):
    /// a warning, which the window words as "not checked".
    #[serde(skip)]
    pub skipped: bool,
}

impl Check {
    fn pass(check: &'static str, detail: impl Into<String>) -> Check {
        Check {
            check,
            status: Status::Pass,
            detail: detail.into(),
            fix: String::new(),
            skipped: false,
        }
    }
    fn warn(check: &'static str, detail: impl Into<String>, fix: impl Into<String>) -> Check {
        Check {
            check,
            status: Status::Warn,
            detail: detail.into(),
            fix: fix.into(),
            skipped: false,
        }
    }
    /// A check that could not run: a warning whose detail starts "not checked".
    fn skipped(check: &'static str, why: impl std::fmt::Display, fix: impl Into<String>) -> Check {
        Check {
            skipped: true,
            ..Check::warn(check, format!("not checked: {why}"), fix)
        }
    }
    fn fail(check: &'static str, detail: impl Into<String>, fix: impl Into<String>) -> Check {
        Check {
            check,
            status: Status::Fail,
            detail: detail.into(),
            fix: fix.into(),
            skipped: false,
        }
    }
}

/// Free space below which new orders may fail to commit.
const MIN_FREE_BYTES: u64 = 200 * 1024 * 1024;
/// The platform refuses bearer tokens from a clock more than a minute ahead.
const CLOCK_FAIL_MS: i64 = 60_000;
/// Past this the clock is drifting: receipts and sync logs start to disagree.
const CLOCK_WARN_MS: i64 = 10_000;
/// Each platform request of the doctor; a technician waits for the answer.
const PLATFORM_TIMEOUT: Duration = Duration::from_secs(5);

const ENROL_FIX: &str = "get a token on the platform (`smartstore-hub enrolment-token --store STORE`) \
     and run `smartstore enroll --platform URL --token TOKEN`, or use the setup mode's Enrol page";

/// Every check, in the order they are shown.
pub fn run_checks(ctx: &Context, platform: Option<&str>) -> Vec<Check> {
    let mut out = Vec::new();
    let owner = owner_check(&ctx.data_dir);
    let wrong_user = owner.as_ref().is_some_and(|c| c.status == Status::Fail);
    out.extend(owner);
    out.extend(camera_checks(ctx));
    if wrong_user {
        // Opening the database as another user would leave files the terminal cannot open.
        for name in ["database", "enrolment", "key", "clock", "platform"] {
            out.push(Check::skipped(
                name,
                "doctor runs as another user than the data directory's owner",
                "run doctor as the terminal's user (see the owner check)",
            ));
        }
        out.push(disk_check(&ctx.data_dir));
        return out;
    }
    let store = Store::open(&ctx.db_path());
    out.extend(database_checks(ctx, store.as_ref()));
    match &store {
        Ok(store) => {
            out.extend(device_checks(store, &ctx.data_dir, platform));
            let enrolled = store.meta("device_id").ok().flatten().is_some();
            out.push(pin_check(ctx.config.staff_pin_hash.as_deref(), enrolled));
        }
        Err(_) => {
            for name in ["enrolment", "key", "clock", "platform", "pin"] {
                out.push(Check::skipped(
                    name,
                    "the database cannot be read",
                    "fix the database first (see the database check)",
                ));
            }
        }
    }
    out
}

const PIN_FIX: &str = "run `echo NEW-PIN | smartstore pin` (4 to 12 digits) and put the line it prints in config.toml";

/// The kiosk's staff PIN: set, with the current hash; never the demo PIN on an enrolled
/// terminal.
fn pin_check(stored: Option<&str>, enrolled: bool) -> Check {
    use smartstore_protocol::staff_pin::{PinScheme, scheme};
    match (stored.map(scheme), enrolled) {
        (Some(PinScheme::Argon2id), _) => {
            Check::pass("pin", "the kiosk's staff PIN is set (Argon2id)")
        }
        (Some(PinScheme::Pbkdf2), _) => Check::warn(
            "pin",
            "the kiosk's staff PIN was hashed with the older PBKDF2 scheme, which a stolen config.toml gives up quickly",
            PIN_FIX,
        ),
        (Some(PinScheme::Unknown), _) => Check::fail(
            "pin",
            "staff_pin_hash in config.toml is not a PIN hash: the kiosk's staff exit cannot be opened",
            PIN_FIX,
        ),
        (None, true) => Check::fail(
            "pin",
            "no staff PIN on this enrolled terminal: the kiosk does not start",
            PIN_FIX,
        ),
        (None, false) => Check::warn(
            "pin",
            "no staff PIN: the demo store's kiosk opens with the demo PIN 2468",
            PIN_FIX,
        ),
    }
}

/// How long the camera check watches for the test card (it stops as soon as every code of the
/// card was read).
const CAMERA_WATCH: std::time::Duration = std::time::Duration::from_secs(4);

/// The camera: present, delivering frames, and decoding the printed test card
/// (assets/test-card.png, installed as /usr/share/smartstore/test-card.png; its codes are listed
/// in assets/test-card.txt) held in front of it. Every code of the card must be read: the check
/// names those it read and those it did not. The camera is `SMARTSTORE_CAMERA`, else `camera` in
/// config.toml, else `auto`.
pub fn camera_checks(ctx: &Context) -> Vec<Check> {
    use smartstore_scan::{CameraSpec, Decoder, Effort};
    let spec_text = std::env::var("SMARTSTORE_CAMERA")
        .ok()
        .or_else(|| ctx.config.camera.clone())
        .unwrap_or_else(|| "auto".into());
    // A counter with a USB scanner only: no camera to check, and nothing wrong.
    if spec_text.trim() == "none" {
        return vec![Check::pass(
            "camera",
            "no camera (camera = \"none\"): scans come from the USB scanner or are typed"
                .to_owned(),
        )];
    }
    let spec: CameraSpec = match spec_text.parse() {
        Ok(s) => s,
        Err(e) => {
            return vec![Check::fail(
                "camera",
                e,
                "fix `camera` in config.toml (auto, an index, a /dev/video path, or replay:DIR)",
            )];
        }
    };
    let mut source = match smartstore_scan::source::open(&spec) {
        Ok(s) => s,
        Err(e) => {
            return vec![Check::fail(
                "camera",
                format!("cannot open camera '{spec_text}': {e}"),
                "plug in a USB webcam (`smartstore cameras` lists what is seen); the terminal's user needs the video group, which the package's udev rule gives",
            )];
        }
    };
    let decoder = Decoder::new(Effort::Stream);
    let started = std::time::Instant::now();
    let (mut frames, mut seen) = (0u32, Vec::<String>::new());
    let mut read = [false; TEST_CARD.len()];
    let mut last_error = None;
    while started.elapsed() < CAMERA_WATCH && !read.iter().all(|r| *r) {
        match source.next_frame() {
            Ok(frame) => {
                frames += 1;
                for d in decoder.decode(&frame) {
                    match card_code(&d.text) {
                        Some(i) => read[i] = true,
                        None if !seen.contains(&d.text) => seen.push(d.text),
                        None => {}
                    }
                }
            }
            Err(e) => {
                last_error = Some(e.to_string());
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
        }
    }
    let what = source.describe();
    if frames == 0 {
        return vec![Check::fail(
            "camera",
            format!(
                "{what} delivered no frames in {} s{}",
                CAMERA_WATCH.as_secs(),
                last_error.map(|e| format!(" ({e})")).unwrap_or_default()
            ),
            "check the cable and that no other program uses the camera, then run doctor again",
        )];
    }
    let fps = f64::from(frames) / started.elapsed().as_secs_f64().max(0.001);
    let names = |want: bool| {
        TEST_CARD
            .iter()
            .zip(read)
            .filter(|(_, r)| *r == want)
            .map(|(c, _)| c.name)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let got = read.iter().filter(|r| **r).count();
    if got == TEST_CARD.len() {
        vec![Check::pass(
            "camera",
            format!(
                "{what} delivers frames ({fps:.0} per second) and read the test card: all {got} codes ({})",
                names(true)
            ),
        )]
    } else if got > 0 {
        vec![Check::warn(
            "camera",
            format!(
                "{what} delivers frames ({fps:.0} per second) and read {got} of the test card's {} codes ({}); not read: {}",
                TEST_CARD.len(),
                names(true),
                names(false)
            ),
            "every code of the card must be read: hold the whole printed test card (/usr/share/smartstore/test-card.png) flat, 20-40 cm in front of the camera, in good light, and run doctor again; if the same codes stay unread, check the camera's focus",
        )]
    } else {
        vec![Check::warn(
            "camera",
            format!(
                "{what} delivers frames ({fps:.0} per second) but no test-card code was read{}",
                if seen.is_empty() {
                    String::new()
                } else {
                    format!(" (read: {})", seen.join(", "))
                }
            ),
            "hold the printed test card (/usr/share/smartstore/test-card.png) 20-40 cm in front of the camera, in good light, and run doctor again",
        )]
    }
}

/// A code of the test card (assets/test-card.txt): how doctor names it, and the texts a
/// decoder may give for it.
struct CardCode {
    name: &'static str,
    texts: &'static [&'static str],
}

const TEST_CARD: [CardCode; 5] = [
    CardCode {
        name: "EAN-13 6921000000019",
        texts: &["6921000000019"],
    },
    CardCode {
        name: "EAN-8 69000171",
        texts: &["69000171"],
    },
    CardCode {
        name: "UPC-A 036004000135",
        texts: &["036004000135", "0036004000135"],
    },
    CardCode {
        name: "Code 128 (01)06921000000026",
        texts: &[
            "(01)06921000000026",
            "]C10106921000000026",
            "0106921000000026",
        ],
    },
    CardCode {
        name: "QR https://id.gs1.org/01/06931003700045",
        texts: &["https://id.gs1.org/01/06931003700045"],
    },
];

/// Which of the test card's codes `text` is, if any. The Code 128 is also recognised by its
/// GTIN, whatever form of GS1-128 text a decoder gives.
fn card_code(text: &str) -> Option<usize> {
    TEST_CARD
        .iter()
        .position(|c| c.texts.contains(&text))
        .or_else(|| {
            smartstore_domain::gtin::Gtin::parse(text)
                .is_ok_and(|g| g.as_str() == "06921000000026")
                .then_some(3)
        })
}

/// Whether doctor runs as the user who owns the data directory. Root opening the database
/// would create journal files that the terminal's user cannot open.
fn owner_check(data_dir: &Path) -> Option<Check> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let dir_uid = std::fs::metadata(data_dir).ok()?.uid();
        // The owner of /proc/self is the effective user of this process.
        let me = std::fs::metadata("/proc/self").ok()?.uid();
        if me == dir_uid {
            return Some(Check::pass(
                "owner",
                format!(
                    "running as {}, who owns {}",
                    user_name(me),
                    data_dir.display()
                ),
            ));
        }
        Some(Check::fail(
            "owner",
            format!(
                "running as {} but {} belongs to {}: files made now would be unreadable to the terminal",
                user_name(me),
                data_dir.display(),
                user_name(dir_uid)
            ),
            format!(
                "run the terminal's commands as its user: `sudo smartstore-admin doctor` on a packaged terminal, \
                 or `sudo -u {} smartstore --data-dir {} doctor`",
                user_name(dir_uid),
                data_dir.display()
            ),
        ))
    }
    #[cfg(not(unix))]
    {
        let _ = data_dir;
        None
    }
}

/// The name of a user id from /etc/passwd, else the number.
fn user_name(uid: u32) -> String {
    let name = std::fs::read_to_string("/etc/passwd")
        .ok()
        .and_then(|text| {
            text.lines().find_map(|line| {
                let mut f = line.split(':');
                let name = f.next()?;
                let id = f.nth(1)?;
                (id.parse::<u32>().ok()? == uid).then(|| name.to_owned())
            })
        });
    name.unwrap_or_else(|| format!("uid {uid}"))
}

fn database_checks(ctx: &Context, store: Result<&Store, &StoreError>) -> Vec<Check> {
    let path = ctx.db_path();
    let mut out = Vec::new();
    match store {
        Err(e) => {
            let fix = match e {
                StoreError::Damaged { .. } => {
                    "stop selling on this terminal; keep the file; copy what can be read into a new data folder with `smartstore --data-dir DIR salvage --to NEW_DIR`, then run the terminal on NEW_DIR"
                }
                StoreError::ReadOnlyFilesystem { .. } => {
                    "remount the disk read-write (a disk that turned read-only by itself may be failing: check it)"
                }
                StoreError::Corrupt { .. } => {
                    "move the file aside (keep it for support) and run smartstore again to start a new database"
                }
                StoreError::DiskFull { .. } => "free disk space",
                StoreError::NewerSchema { .. } => {
                    "install the newer smartstore that wrote this database"
                }
                StoreError::Busy { .. } => "stop the other smartstore using it, then run doctor again",
                _ => {
                    "check the data directory's permissions (the terminal's user must read and write it)"
                }
            };
            out.push(Check::fail("database", e.to_string(), fix));
        }
        Ok(store) => match store.integrity_check() {
            Ok(rows) if rows.is_empty() => match store.audit() {
                Ok(p) if p.is_empty() => out.push(Check::pass(
                    "database",
                    format!("{} passes integrity_check and the order audit", path.display()),
                )),
                Ok(p) => out.push(Check::fail(
                    "database",
                    p.join("; "),
                    "keep the file and contact support before placing more orders",
                )),
                Err(e) => out.push(Check::fail(
                    "database",
                    e.to_string(),
                    "keep the file and contact support",
                )),
            },
            Ok(rows) => out.push(Check::fail(
                "database",
                format!(
                    "{} is damaged: integrity_check found: {}",
                    path.display(),
                    rows.join("; ")
                ),
                "stop selling on this terminal; keep the file; `smartstore --data-dir DIR salvage --to NEW_DIR` copies what can be read",
            )),
            Err(e) => out.push(Check::fail(
                "database",
                e.to_string(),
                "stop selling on this terminal, move the file aside (keep it for support) and contact support",
            )),
        },
    }
    let database_ok = out.iter().all(|c| c.status == Status::Pass);
    out.push(disk_check(&ctx.data_dir));
    if !database_ok {
        for name in [
            "unsynced",
            "quarantine",
            "identity",
            "conflicts",
            "payments",
        ] {
            out.push(Check::skipped(
                name,
                "the database cannot be trusted",
                "fix the database first (see the database check)",
            ));
        }
    } else if let Ok(store) = store {
        match store.sync_status() {
            Ok(s) => {
                out.push(unsynced_check(s.unsynced, s.oldest_unsynced_at.as_deref()));
                out.push(quarantine_check(s.quarantined));
                out.push(identity_check(s.sequence_conflict));
                let flagged = store
                    .meta("store_conflicts")
                    .ok()
                    .flatten()
                    .and_then(|n| n.parse::<u64>().ok())
                    .unwrap_or(0);
                out.push(conflicts_check(flagged));
                out.push(payments_check(store));
            }
            Err(e) => out.push(Check::fail("unsynced", e.to_string(), "check the database")),
        }
    }
    out
}

fn disk_check(data_dir: &Path) -> Check {
    // A data directory not made yet: measure the disk it will be made on.
    let probe = data_dir
        .ancestors()
        .find(|p| p.exists())
        .unwrap_or(data_dir);
    match fs4::available_space(probe) {
        Ok(free) if free >= MIN_FREE_BYTES => Check::pass(
            "disk",
            format!("{} MiB free in {}", free >> 20, probe.display()),
        ),
        Ok(free) => Check::fail(
            "disk",
            format!("only {} MiB free in {}", free >> 20, probe.display()),
            "free at least 200 MiB (old logs, downloads) so orders can be stored",
        ),
        Err(e) => Check::fail(
            "disk",
            format!("cannot read free space in {}: {e}", probe.display()),
            "check the data directory exists",
        ),
    }
}

/// Enrolment, key, clock and platform: whether this terminal can sync.
fn device_checks(store: &Store, data_dir: &Path, platform: Option<&str>) -> Vec<Check> {
    let identity = (|| {
        Ok::<_, StoreError>((
            store.meta("device_id")?,
            store.meta("platform_url")?,
            store.meta("demo")?.is_some(),
        ))
    })();
    let (device_id, url, demo) = match identity {
        Ok(i) => i,
        Err(_) => {
            return ["enrolment", "key", "clock", "platform"]
                .into_iter()
                .map(|name| {
                    Check::skipped(
                        name,
                        "the terminal's identity cannot be read from the database",
                        "fix the database first (see the database check)",
                    )
                })
                .collect();
        }
    };
    let key_file = key_path(data_dir);
    let (Some(device_id), Some(url)) = (device_id, url) else {
        let mut out = Vec::new();
        out.push(if demo {
            Check::warn(
                "enrolment",
                "not enrolled: this terminal runs the demo store, its orders stay on this machine",
                ENROL_FIX,
            )
        } else {
            Check::fail(
                "enrolment",
                "not enrolled, and this database is not the demo store: it cannot sync",
                ENROL_FIX,
            )
        });
        out.push(if key_file.exists() {
            Check::warn(
                "key",
                format!(
                    "{} exists but the terminal is not enrolled (an enrolment that did not finish?)",
                    key_file.display()
                ),
                "`smartstore enroll` replaces it with a new key",
            )
        } else {
            Check::pass("key", "no key yet: `smartstore enroll` makes one")
        });
        match platform {
            Some(url) => {
                let (clock, reach) = clock_and_reach(url, &crate::sync::Trust::None);
                out.push(clock);
                out.push(match reach {
                    Ok(()) => Check::pass(
                        "platform",
                        format!(
                            "{url} answers; whether it accepts this terminal is checked once it is enrolled"
                        ),
                    ),
                    Err(e) => unreachable_check(url, &e),
                });
            }
            None => {
                let fix = "enrol the terminal, or pass --platform URL to check the clock and network before enrolling";
                out.push(Check::skipped("clock", "no platform to compare with", fix));
                out.push(Check::skipped(
                    "platform",
                    "not enrolled with a platform",
                    fix,
                ));
            }
        }
        return out;
    };
    let (store_id, terminal_id) = store
        .receipt_prefix()
        .unwrap_or_else(|_| ("?".into(), "?".into()));
    let mut out = vec![Check::pass(
        "enrolment",
        format!("terminal {terminal_id} of store {store_id} (device {device_id}) with {url}"),
    )];
    let key = SigningKey::load(&key_file, &device_id);
    out.push(key_check(&key_file, &key));
    let trust = crate::sync::stored_trust(store).unwrap_or(crate::sync::Trust::None);
    let (clock, reach) = clock_and_reach(&url, &trust);
    let clock_off = clock.status == Status::Fail;
    out.push(clock);
    out.push(match (reach, key) {
        (Err(e), _) => unreachable_check(&url, &e),
        (Ok(()), Err(_)) => Check::fail(
            "platform",
            format!("{url} answers, but without a usable key this terminal cannot prove who it is"),
            "fix the key first (see the key check)",
        ),
        (Ok(()), Ok(key)) => accepts_check(&url, &trust, &key, &device_id, clock_off),
    });
    out
}

fn key_check(path: &Path, key: &Result<SigningKey, KeyError>) -> Check {
    match key {
        Ok(k) => Check::pass(
            "key",
            format!(
                "{} is private to its owner and signs as device {}",
                path.display(),
                k.kid
            ),
        ),
        Err(e @ KeyError::Missing { .. }) => Check::fail(
            "key",
            e.to_string(),
            "restore device.key from this terminal's backup; without it the queued orders cannot be sent. \
             If there is no backup, call support before re-enrolling (re-enrolment starts a new --data-dir)",
        ),
        Err(e @ KeyError::TooOpen { path, .. }) => Check::fail(
            "key",
            e.to_string(),
            format!(
                "`chmod 600 {0}` (and `chown smartstore:smartstore {0}` on a packaged terminal); \
                 if others could log in to this machine, re-enrol it",
                path.display()
            ),
        ),
        Err(e @ KeyError::Invalid { .. }) => Check::fail(
            "key",
            e.to_string(),
            "restore device.key from this terminal's backup, or call support to re-enrol",
        ),
        Err(e) => Check::fail(
            "key",
            e.to_string(),
            "the terminal's user must own and read its key: `chown smartstore:smartstore` it on a packaged terminal",
        ),
    }
}

/// Asks the platform for its clock: the clock check, and whether the platform answers at all.
fn clock_and_reach(url: &str, trust: &crate::sync::Trust) -> (Check, Result<(), SyncError>) {
    let client = match PlatformClient::with_trust(url, PLATFORM_TIMEOUT, trust.clone()) {
        Ok(c) => c,
        Err(e) => {
            return (Check::skipped("clock", &e, ""), Err(e));
        }
    };
    let sent = time::OffsetDateTime::now_utc();
    let started = Instant::now();
    match client.time() {
        Ok(platform_ms) => {
            let rtt = started.elapsed();
            let local_ms = ((sent + rtt / 2).unix_timestamp_nanos() / 1_000_000) as i64;
            (clock_check(platform_ms - local_ms, rtt), Ok(()))
        }
        Err(e) => (
            Check::skipped(
                "clock",
                "the platform did not answer",
                "see the platform check",
            ),
            Err(e),
        ),
    }
}

/// `offset_ms` is the platform's clock minus this machine's.
fn clock_check(offset_ms: i64, rtt: Duration) -> Check {
    let secs = offset_ms as f64 / 1000.0;
    let direction = if offset_ms > 0 { "behind" } else { "ahead of" };
    let detail = format!(
        "this machine's clock is {:.1} s {direction} the platform's (measured over {} ms)",
        secs.abs(),
        rtt.as_millis()
    );
    let fix = "turn on network time: `sudo timedatectl set-ntp true`, then `timedatectl status` \
               should say 'System clock synchronized: yes'. If this machine's time is right \
               (compare with a phone), the platform's clock is wrong: tell its operators";
    if offset_ms.abs() > CLOCK_FAIL_MS {
        Check::fail(
            "clock",
            format!("{detail}; the platform refuses a terminal more than a minute off"),
            fix,
        )
    } else if offset_ms.abs() > CLOCK_WARN_MS {
        Check::warn("clock", detail, fix)
    } else {
        Check::pass("clock", detail)
    }
}

fn unreachable_check(url: &str, e: &SyncError) -> Check {
    Check::fail(
        "platform",
        format!("{url} cannot be reached: {e}"),
        format!(
            "check the network cable or Wi-Fi, that {url} is the platform's address, and that the \
             store's firewall lets this machine reach it (`curl {url}/v1/time` must print the time)"
        ),
    )
}

/// A bearer-authenticated pull: the platform knows this device and trusts its signature.
fn accepts_check(
    url: &str,
    trust: &crate::sync::Trust,
    key: &SigningKey,
    device_id: &str,
    clock_off: bool,
) -> Check {
    let client = match PlatformClient::with_trust(url, PLATFORM_TIMEOUT, trust.clone()) {
        Ok(c) => c,
        Err(e) => return Check::fail("platform", e.to_string(), "check the platform URL"),
    };
    // A bearer-authenticated request, then the key document (signed by the pinned root).
    let checked = client
        .pull::<smartstore_protocol::wire::Revocation>(key, "revocations", u64::MAX / 2)
        .and_then(|_| client.keys());
    match checked {
        Ok(keys) => Check::pass(
            "platform",
            format!(
                "{url} accepts device {device_id} ({} platform keys)",
                keys.keys.len()
            ),
        ),
        Err(SyncError::ClockSkew { offset }) => Check::fail(
            "platform",
            format!(
                "{url} refused this device's signed request because of the clock ({offset} s off)"
            ),
            "fix the clock first (see the clock check), then run doctor again",
        ),
        Err(SyncError::ReEnrol { message: m, .. }) if clock_off => Check::fail(
            "platform",
            format!("{url} refused this device's signed request because of the clock ({m})"),
            "fix the clock first (see the clock check), then run doctor again",
        ),
        Err(SyncError::ReEnrol { message: m, .. }) => Check::fail(
            "platform",
            format!("{url} does not accept this device any more: re-enrol ({m})"),
            "get a new enrolment token and re-enrol the terminal; call support first if orders are \
             still unsynced (they were signed by the old device)",
        ),
        Err(e) if e.is_transient() => unreachable_check(url, &e),
        Err(e) => Check::fail(
            "platform",
            format!("{url} refused the check: {e}"),
            "check that the URL is this store's platform; call support with this message",
        ),
    }
}

/// Money waiting for the platform: charges by code not settled (a lost answer), refunds by
/// code owed, and refunds the platform refused (a shopper still to be paid back).
fn payments_check(store: &Store) -> Check {
    let unsettled = store.payment_intents(true).map(|v| v.len()).unwrap_or(0);
    let (owed, refused) = store.refund_counts().unwrap_or((0, 0));
    if refused > 0 {
        return Check::fail(
            "payments",
            format!(
                "the platform refused {refused} refunds to a payment code: those shoppers were not paid back"
            ),
            "refund them in cash; `smartstore payments` and the returns' receipts say who and how much",
        );
    }
    if unsettled + owed == 0 {
        return Check::pass(
            "payments",
            "no payment or refund by code waits for the platform",
        );
    }
    Check::warn(
        "payments",
        format!(
            "{unsettled} payments by code are not settled with the platform and {owed} refunds by code are owed"
        ),
        "they are settled at the next sync with the platform; `smartstore payments --pending` lists the payments",
    )
}

/// Events set aside are kept, but the platform lacks them: somebody must look.
fn quarantine_check(count: u64) -> Check {
    if count == 0 {
        Check::pass("quarantine", "no event is set aside")
    } else {
        Check::fail(
            "quarantine",
            format!(
                "{count} events were refused by the platform for their content and are set aside (the events after them were sent)"
            ),
            "list them with `smartstore orders --quarantined` and send the list to support",
        )
    }
}

/// A sequence number the platform found reused: nothing is sent until the terminal recovers.
fn identity_check(conflict: Option<u64>) -> Check {
    match conflict {
        None => Check::pass("identity", "no sequence number of this terminal is reused"),
        Some(seq) => Check::fail(
            "identity",
            format!(
                "the platform holds a different event {seq} from this device: the database was restored from a backup or copied from another terminal; new orders are kept here but not sent"
            ),
            "get a fresh enrolment token for this store and run `smartstore recover --token TOKEN`",
        ),
    }
}

/// Uses the platform flagged for this store, as of the last sync.
fn conflicts_check(count: u64) -> Check {
    if count == 0 {
        Check::pass(
            "conflicts",
            "the platform flagged no double use for this store",
        )
    } else {
        Check::warn(
            "conflicts",
            format!(
                "the platform flagged {count} events of this store's terminals: a single-use coupon or pickup used twice (one terminal offline), or a receipt number issued twice"
            ),
            "the platform's operator lists them with `smartstore-hub events --conflicts`; settle each with the shopper",
        )
    }
}

/// Unsynced orders are normal offline; a day-old backlog deserves a look.
fn unsynced_check(count: u64, oldest: Option<&str>) -> Check {
    use time::format_description::well_known::Rfc3339;
    let Some(at) = oldest else {
        return Check::pass("unsynced", "every event is on the platform");
    };
    let age = time::OffsetDateTime::parse(at, &Rfc3339)
        .map(|t| time::OffsetDateTime::now_utc() - t)
        .ok();
    let hours = age.map_or(0, |a| a.whole_hours());
    let detail =
        format!("{count} events not yet on the platform, the oldest {hours} h old (from {at})");
    if hours >= 24 {
        Check::warn(
            "unsynced",
            detail,
            "orders are safe here, but the platform has not seen them for a day: check the network and `smartstore sync --once`",
        )
    } else {
        Check::pass("unsynced", detail)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_thresholds() {
        let rtt = Duration::from_millis(3);
        for (offset, status) in [
            (0, Status::Pass),
            (-9_999, Status::Pass),
            (10_001, Status::Warn),
            (-60_000, Status::Warn),
            (60_001, Status::Fail),
            (-300_000, Status::Fail),
        ] {
            assert_eq!(clock_check(offset, rtt).status, status, "{offset}");
        }
        assert!(clock_check(120_000, rtt).detail.contains("120.0 s behind"));
        assert!(clock_check(-120_000, rtt).detail.contains("ahead of"));
    }

    #[test]
    fn unsynced_age() {
        assert_eq!(unsynced_check(0, None).status, Status::Pass);
        let old = time::OffsetDateTime::now_utc() - time::Duration::hours(30);
        let at = old
            .format(&time::format_description::well_known::Rfc3339)
            .expect("format");
        let c = unsynced_check(7, Some(&at));
        assert_eq!(c.status, Status::Warn);
        assert!(c.detail.contains("7 events") && c.detail.contains("30 h"));
    }
}
