//! The restore-and-clone experiment (issue 12): terminals of one store sell and sync against
//! the real hub on loopback while their data folders are backed up, restored over (after the
//! old disk's last sync) and copied to new tills, at random. A terminal told that its sequence
//! numbers are reused recovers with a fresh token. At the end every order any terminal showed
//! as placed must be at the platform exactly once.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use smartstore::store::Store;
use smartstore::sync::{Device, PlatformClient, SyncError, enroll, recover, sync_once};
use smartstore_hub::db::HubDb;

const DB: &str = "smartstore.db";

#[derive(Debug, Default)]
pub struct RestoreCloneReport {
    pub rounds: u32,
    pub terminals: usize,
    pub backups: u32,
    pub restores: u32,
    pub clones: u32,
    /// Sequence conflicts the platform answered (each followed by a recovery).
    pub conflicts: u32,
    /// Orders shown as placed, on every terminal.
    pub placed: usize,
    /// Of those, held by the platform.
    pub at_platform: usize,
    /// Orders the platform holds more than once.
    pub doubled: usize,
    pub problems: Vec<String>,
}

struct Lab {
    hub_db: PathBuf,
    url: String,
    report: RestoreCloneReport,
}

impl Lab {
    fn client(&self) -> PlatformClient {
        PlatformClient::new(&self.url, Duration::from_secs(10)).expect("client")
    }

    fn token(&self) -> String {
        HubDb::open(&self.hub_db)
            .expect("hub db")
            .create_enrolment_tokens("SH001", 1)
            .expect("token")
            .remove(0)
    }

    /// Syncs until nothing is left, recovering when the platform finds reused numbers.
    fn sync(&mut self, store: &mut Store, dir: &Path) {
        for _ in 0..8 {
            let device = Device::load(store, dir).expect("device");
            match sync_once(store, &self.client(), &device.key, 50) {
                Ok(_) if store.sync_status().expect("status").unsynced == 0 => return,
                Ok(_) => {}
                Err(SyncError::SequenceConflict { .. }) => {
                    self.report.conflicts += 1;
                    let token = self.token();
                    if let Err(e) = recover(store, dir, &self.client(), &token) {
                        self.report.problems.push(format!("recover: {e}"));
                        return;
                    }
                }
                Err(e) if e.is_transient() => {}
                Err(e) => {
                    self.report.problems.push(format!("sync: {e}"));
                    return;
                }
            }
        }
        self.report
            .problems
            .push(format!("{} did not drain", dir.display()));
    }
}

/// Copies the files of a closed data folder, as a backup or a clone of a till would.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        if entry.file_type().expect("type").is_file() {
            std::fs::copy(entry.path(), to.join(entry.file_name())).expect("copy");
        }
    }
}

/// The order ids of every `order.placed` the hub holds, one per stored event: an order stored
/// twice shows twice.
pub fn platform_orders(hub_db: &Path) -> Vec<String> {
    HubDb::open(hub_db)
        .expect("hub")
        .events()
        .expect("events")
        .into_iter()
        .filter(|e| e.kind == "order.placed")
        .filter_map(|e| e.order_id)
        .collect()
}

/// Runs `rounds` rounds in `work` (an empty folder) with the hub on loopback.
pub fn run(work: &Path, rounds: u32, seed: u64) -> RestoreCloneReport {
    let hub_db = work.join("hub.db");
    let addr = smartstore_hub::server::spawn(
        HubDb::open(&hub_db).expect("hub db"),
        "127.0.0.1:0".parse().expect("addr"),
    )
    .expect("hub");
    let mut lab = Lab {
        hub_db,
        url: format!("http://{addr}"),
        report: RestoreCloneReport {
            rounds,
            ..Default::default()
        },
    };
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut placed: HashSet<String> = HashSet::new();
    let first = work.join("t0");
    {
        let mut store = Store::open(&first.join(DB)).expect("store");
        enroll(&mut store, &first, &lab.client(), &lab.token()).expect("enrol");
        store
            .import_catalog_csv(
                std::io::Cursor::new(smartstore::store::DEMO_CATALOG_CSV),
                smartstore_domain::money::Currency::CNY,
            )
            .expect("catalog");
    }
    let mut terminals = vec![first];
    // (terminal index, backup folder)
    let mut backups: Vec<(usize, PathBuf)> = Vec::new();
    for round in 0..rounds {
        let i = rng.usize(..terminals.len());
        let dir = terminals[i].clone();
        let mut store = Store::open(&dir.join(DB)).expect("store");
        for _ in 0..rng.usize(1..=12) {
            let draft = crate::demo_draft(&store, rng.usize(1..=4));
            placed.insert(store.place_order(&draft).expect("order").id.to_string());
        }
        if rng.bool() {
            lab.sync(&mut store, &dir);
        }
        match rng.u32(0..5) {
            0 => {
                drop(store);
                let to = work.join(format!("backup-{round}"));
                copy_dir(&dir, &to);
                backups.push((i, to));
                lab.report.backups += 1;
            }
            1 => {
                let Some((_, backup)) = backups.iter().rev().find(|(t, _)| *t == i) else {
                    continue;
                };
                // The disk's last sync, then it dies and last backup is restored.
                lab.sync(&mut store, &dir);
                drop(store);
                std::fs::remove_dir_all(&dir).expect("rm");
                copy_dir(backup, &dir);
                lab.report.restores += 1;
            }
            2 => {
                drop(store);
                let to = work.join(format!("t{}", terminals.len()));
                copy_dir(&dir, &to);
                terminals.push(to);
                lab.report.clones += 1;
            }
            _ => {}
        }
    }
    for dir in &terminals {
        let mut store = Store::open(&dir.join(DB)).expect("store");
        lab.sync(&mut store, dir);
    }
    let held = platform_orders(&lab.hub_db);
    let unique: HashSet<&String> = held.iter().collect();
    let mut report = lab.report;
    report.terminals = terminals.len();
    report.placed = placed.len();
    report.at_platform = placed.iter().filter(|id| unique.contains(id)).count();
    report.doubled = held.len() - unique.len();
    report
}
