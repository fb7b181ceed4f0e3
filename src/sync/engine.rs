//! The one sync engine. `smartstore sync` drives it in the foreground and the window on a
//! thread of its own, through a channel. It keeps one database connection and one platform
//! client, records every outcome in the store (the status bar and `doctor` read it there), and
//! waits between passes: a short idle interval after a good pass, exponential backoff with
//! jitter after a transient failure, the cap after a refusal.

use std::borrow::BorrowMut;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use smartstore_domain::sync::{MAX_BATCH_EVENTS, backoff_ms};

use super::{Device, PlatformClient, SyncError, SyncReport, sync_once};
use crate::i18n::Localize as _;
use crate::store::Store;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EngineOptions {
    /// Events per signed batch.
    pub batch: u32,
    /// The wait after a good pass.
    pub idle: Duration,
    /// The first wait after a transient failure; it doubles up to `backoff_cap`.
    pub backoff_base: Duration,
    pub backoff_cap: Duration,
    /// HTTP timeout per request.
    pub timeout: Duration,
}

impl Default for EngineOptions {
    fn default() -> Self {
        EngineOptions {
            batch: 500,
            idle: Duration::from_secs(5),
            backoff_base: Duration::from_millis(500),
            backoff_cap: Duration::from_secs(60),
            timeout: Duration::from_secs(10),
        }
    }
}

/// What one pass did and when the next one is due.
#[derive(Debug)]
pub struct Pass {
    pub result: Result<SyncReport, SyncError>,
    pub next: Duration,
}

/// Where the result of a pass asked for goes.
pub type Reply = Box<dyn FnOnce(Result<SyncReport, SyncError>) + Send>;

/// What the engine's owner can ask of a running engine.
pub enum Command {
    /// A pass now; its result goes to the reply, if one is given.
    Now(Option<Reply>),
    Stop,
}

struct Link {
    device: Device,
    client: PlatformClient,
}

/// The engine over a store it owns (`Engine<Store>`, on its own thread or in `smartstore
/// sync`) or borrows for one pass (`Engine<&mut Store>`).
pub struct Engine<S: BorrowMut<Store> = Store> {
    store: S,
    data_dir: PathBuf,
    options: EngineOptions,
    link: Option<Link>,
    /// Failed passes in a row that moved nothing.
    failures: u32,
    rng: fastrand::Rng,
}

impl<S: BorrowMut<Store>> Engine<S> {
    pub fn new(store: S, data_dir: &Path, options: EngineOptions) -> Engine<S> {
        Engine {
            store,
            data_dir: data_dir.to_owned(),
            options: EngineOptions {
                batch: options.batch.clamp(1, MAX_BATCH_EVENTS),
                ..options
            },
            link: None,
            failures: 0,
            rng: fastrand::Rng::new(),
        }
    }

    pub fn store(&mut self) -> &mut Store {
        self.store.borrow_mut()
    }

    /// The device and its client, read from the store and the key file.
    fn connect(&self) -> Result<Link, SyncError> {
        let device = Device::load(self.store.borrow(), &self.data_dir)?;
        let client = device.client(self.options.timeout)?;
        Ok(Link { device, client })
    }

    /// One pass: push what is queued, run the pulls, record the outcome.
    pub fn pass(&mut self) -> Pass {
        let acked_before = self.store().acked_seq().unwrap_or(0);
        let batch = self.options.batch;
        // The link is kept between passes and made again after a failure that may have come
        // from it (a re-enrolment, a key problem).
        let result = match self.link.take().map_or_else(|| self.connect(), Ok) {
            Ok(link) => {
                let r = sync_once(
                    self.store.borrow_mut(),
                    &link.client,
                    &link.device.key,
                    batch,
                );
                self.link = Some(link);
                r
            }
            Err(e) => Err(e),
        };
        if result.is_ok() {
            // Charges whose answers were lost by a process that is gone: settled with the
            // platform while it answers (a failure here waits for the next pass).
            let data_dir = self.data_dir.clone();
            match crate::sale::reconcile(self.store(), &data_dir, None) {
                Ok(r) if r.voided + r.declined > 0 => {
                    tracing::info!(
                        voided = r.voided,
                        declined = r.declined,
                        "payments reconciled"
                    )
                }
                Ok(_) => {}
                Err(e) => tracing::warn!("payment reconciliation: {e}"),
            }
            // Refunds by code owed for returns taken offline.
            match crate::returns::settle_refunds(self.store(), &data_dir) {
                Ok(n) if n > 0 => tracing::info!(refunds = n, "refunds by code made"),
                Ok(_) => {}
                Err(e) => tracing::warn!("refunds by code: {e}"),
            }
        }
        let next = match &result {
            Ok(_) => {
                self.failures = 0;
                self.options.idle
            }
            // The demo store is not enrolled: nothing to record, look again later.
            Err(SyncError::NotEnrolled) => self.options.idle * 2,
            Err(e) => {
                // Stored as its message, so the status bar shows it in the clerk's language.
                tracing::warn!("sync: {e}");
                let stored = e.msg().to_stored();
                if let Err(store) = self.store().record_sync_error(&stored) {
                    tracing::error!("sync: cannot record the failure: {store}");
                }
                if self.store().acked_seq().unwrap_or(0) > acked_before {
                    self.failures = 0;
                }
                self.failures = self.failures.saturating_add(1);
                if e.is_transient() {
                    Duration::from_millis(backoff_ms(
                        self.failures - 1,
                        self.options.backoff_base.as_millis() as u64,
                        self.options.backoff_cap.as_millis() as u64,
                        self.rng.f64(),
                    ))
                } else {
                    self.link = None;
                    self.options.backoff_cap
                }
            }
        };
        Pass { result, next }
    }

    /// Passes until one succeeds, a failure is not worth retrying, or `attempts` passes in a
    /// row moved nothing (a pass that moved the platform's mark starts the count again).
    pub fn sync_until_done(&mut self, attempts: u32) -> Result<SyncReport, SyncError> {
        loop {
            let pass = self.pass();
            match pass.result {
                Ok(r) => return Ok(r),
                Err(e) if !e.is_transient() || self.failures >= attempts.max(1) => return Err(e),
                Err(e) => {
                    tracing::info!(
                        wait_ms = pass.next.as_millis() as u64,
                        "sync failed, retrying: {e}"
                    );
                    std::thread::sleep(pass.next);
                }
            }
        }
    }

    /// Runs passes until `commands` says stop or closes; `report` sees every pass, with the
    /// engine's database connection.
    pub fn run(
        mut self,
        commands: &mpsc::Receiver<Command>,
        mut report: impl FnMut(&mut Store, &Pass),
    ) {
        let mut reply: Option<Reply> = None;
        loop {
            let pass = self.pass();
            report(self.store.borrow_mut(), &pass);
            let next = pass.next;
            if let Some(to) = reply.take() {
                to(pass.result);
            }
            match commands.recv_timeout(next) {
                Ok(Command::Now(to)) => reply = to,
                Ok(Command::Stop) | Err(mpsc::RecvTimeoutError::Disconnected) => return,
                Err(mpsc::RecvTimeoutError::Timeout) => {}
            }
        }
    }
}

/// A running engine on its own thread. Dropping the handle stops it.
pub struct EngineHandle {
    commands: mpsc::Sender<Command>,
}

impl EngineHandle {
    /// Starts the engine on a thread named `sync`.
    pub fn spawn(engine: Engine<Store>) -> std::io::Result<EngineHandle> {
        let (commands, rx) = mpsc::channel();
        std::thread::Builder::new()
            .name("sync".into())
            .spawn(move || engine.run(&rx, |_, _| {}))?;
        Ok(EngineHandle { commands })
    }

    /// Asks for a pass now; `reply` gets its result. False when the engine has stopped.
    pub fn sync_now(&self, reply: Reply) -> bool {
        self.commands.send(Command::Now(Some(reply))).is_ok()
    }
}

impl Drop for EngineHandle {
    fn drop(&mut self) {
        let _ = self.commands.send(Command::Stop);
    }
}
