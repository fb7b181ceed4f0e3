//! Background work for the window: a thread that owns the database and runs effects, and the
//! sync engine. The UI never waits on either.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, mpsc};

use iced::Task;

use super::effect::{Effect, Outcome, execute, synced};
use crate::i18n::Msg;
use crate::store::Store;
use crate::sync::Device;
use crate::sync::engine::{Engine, EngineHandle, EngineOptions};

type Job = (Effect, tokio::sync::oneshot::Sender<Outcome>);

#[derive(Clone)]
pub struct Services {
    jobs: mpsc::Sender<Job>,
    /// None when the database cannot be written (damaged, a read-only disk): the window shows
    /// it read-only and nothing is synced from it (salvage first).
    sync: Option<Arc<EngineHandle>>,
    /// This terminal as the platform knows it (when enrolled), for assistance relayed by the
    /// platform; read again with each status refresh (an enrolment may come while open).
    platform: Arc<Mutex<Option<Arc<Device>>>>,
}

impl Services {
    /// Starts the store thread on the database in `data_dir` and, on an enrolled terminal, the
    /// sync engine.
    pub fn start(data_dir: PathBuf, store: Store) -> std::io::Result<Services> {
        let (tx, rx) = mpsc::channel::<Job>();
        let dir = data_dir.clone();
        let platform = Arc::new(Mutex::new(None));
        let known = platform.clone();
        std::thread::Builder::new()
            .name("store".into())
            .spawn(move || {
                let mut store = store;
                for (effect, reply) in rx {
                    if matches!(effect, Effect::Refresh)
                        && let Ok(mut known) = known.lock()
                    {
                        *known = Device::load(&store, &dir).ok().map(Arc::new);
                    }
                    let _ = reply.send(execute(&mut store, &dir, effect));
                }
            })?;
        // The sync engine has its own connection: a long push never holds up the window's
        // lookups and commits (WAL lets them run side by side).
        let db = data_dir.join(crate::config::DATABASE_FILE);
        let sync = match Store::open(&db) {
            Ok(s) => Some(Arc::new(EngineHandle::spawn(Engine::new(
                s,
                &data_dir,
                EngineOptions::default(),
            ))?)),
            Err(e) => {
                tracing::error!("no sync from a database that cannot be written: {e}");
                None
            }
        };
        Ok(Services {
            jobs: tx,
            sync,
            platform,
        })
    }

    /// This terminal at its platform, when enrolled (as of the last status refresh).
    pub fn platform(&self) -> Option<Arc<Device>> {
        self.platform.lock().ok().and_then(|p| p.clone())
    }

    pub fn run(&self, effect: Effect) -> Task<Outcome> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        if matches!(effect, Effect::SyncNow) {
            // The engine's own thread runs the pass: never two syncs at once.
            let Some(sync) = &self.sync else {
                return Task::done(Outcome::Synced(Err(Msg::new("sync-store-not-writable"))));
            };
            let asked = sync.sync_now(Box::new(move |result| {
                let _ = reply.send(Outcome::Synced(synced(result)));
            }));
            if !asked {
                return Task::done(Outcome::Failed(Msg::new("thread-stopped")));
            }
        } else if self.jobs.send((effect, reply)).is_err() {
            return Task::done(Outcome::Failed(Msg::new("thread-stopped")));
        }
        Task::perform(
            async move {
                answer
                    .await
                    .unwrap_or_else(|_| Outcome::Failed(Msg::new("thread-stopped")))
            },
            |o| o,
        )
    }
}
