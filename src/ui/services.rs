//! Background work for the window: a thread that owns the database and runs effects, and the
//! sync engine. The UI never waits on either.

use std::path::PathBuf;
use std::sync::mpsc;
use std::time::Duration;

use iced::Task;

use super::effect::{Effect, Outcome, execute};
use crate::store::Store;

type Job = (Effect, tokio::sync::oneshot::Sender<Outcome>);

#[derive(Clone)]
pub struct Services {
    jobs: mpsc::Sender<Job>,
}

impl Services {
    /// Starts the store thread on the database in `data_dir` and, on an enrolled terminal, the
    /// sync engine.
    pub fn start(data_dir: PathBuf, store: Store) -> std::io::Result<Services> {
        let (tx, rx) = mpsc::channel::<Job>();
        let dir = data_dir.clone();
        std::thread::Builder::new()
            .name("store".into())
            .spawn(move || {
                let mut store = store;
                for (effect, reply) in rx {
                    let _ = reply.send(execute(&mut store, &dir, effect));
                }
            })?;
        std::thread::Builder::new()
            .name("sync".into())
            .spawn(move || sync_engine(data_dir))?;
        Ok(Services { jobs: tx })
    }

    pub fn run(&self, effect: Effect) -> Task<Outcome> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        if self.jobs.send((effect, reply)).is_err() {
            return Task::done(Outcome::Failed(
                "the database thread stopped; restart smartstore".into(),
            ));
        }
        Task::perform(
            async move {
                answer
                    .await
                    .unwrap_or_else(|_| Outcome::Failed("the database thread stopped".into()))
            },
            |o| o,
        )
    }
}

/// Sends queued orders and pulls while the window runs: every 5 s when all is well, with
/// backoff when the platform is unreachable. Uses its own database connection.
fn sync_engine(data_dir: PathBuf) {
    let db = data_dir.join(crate::config::DATABASE_FILE);
    let mut failures = 0u32;
    let mut rng = fastrand::Rng::new();
    loop {
        let wait = match Store::open(&db) {
            Err(e) => {
                tracing::error!("sync: {e}");
                60_000
            }
            Ok(mut store) => match crate::sync::Device::load(&store, &data_dir) {
                Err(_) => 10_000, // not enrolled (the demo store): look again later
                Ok(device) => match crate::sync::PlatformClient::new(
                    &device.platform_url,
                    Duration::from_secs(10),
                ) {
                    Err(e) => {
                        let _ = store.record_sync_error(&e.to_string());
                        60_000
                    }
                    Ok(client) => {
                        match crate::sync::sync_once(&mut store, &client, &device.key, 500) {
                            Ok(_) => {
                                failures = 0;
                                5_000
                            }
                            Err(e) => {
                                let _ = store.record_sync_error(&e.to_string());
                                failures += 1;
                                crate::domain::sync::backoff_ms(
                                    failures - 1,
                                    1_000,
                                    60_000,
                                    rng.f64(),
                                )
                            }
                        }
                    }
                },
            },
        };
        std::thread::sleep(Duration::from_millis(wait));
    }
}
