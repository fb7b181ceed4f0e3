use std::process::ExitCode;
use std::time::Duration;

use serde::Serialize;

use super::{Context, print_json};
use crate::domain::sync::{MAX_BATCH_EVENTS, backoff_ms};
use crate::sync::{Device, PlatformClient, SyncError, enroll, sync_with_retries};

#[derive(Debug, clap::Args)]
pub struct EnrollArgs {
    /// The platform's base URL, e.g. https://platform.example.com
    #[arg(long)]
    pub platform: String,
    /// The one-time enrolment token from the platform.
    #[arg(long)]
    pub token: String,
}

#[derive(Debug, clap::Args)]
pub struct SyncArgs {
    /// One pass (with retries on transient faults), then exit.
    #[arg(long)]
    pub once: bool,
    #[arg(long)]
    pub json: bool,
    /// Events per signed batch.
    #[arg(long, default_value_t = 500)]
    pub batch: u32,
}

#[derive(Serialize)]
struct StatusJson {
    online: bool,
    pushed: u64,
    unsynced: u64,
    oldest_unsynced_at: Option<String>,
    last_error: Option<String>,
    held_seq: u64,
}

pub fn run_enroll(ctx: &Context, args: &EnrollArgs) -> anyhow::Result<ExitCode> {
    let mut store = ctx.open_store()?;
    let client = PlatformClient::new(&args.platform, Duration::from_secs(15))?;
    let e = enroll(&mut store, &ctx.data_dir, &client, &args.token)?;
    println!(
        "enrolled as terminal {} of store {} (device {}); receipts start {}-",
        e.terminal_id, e.store_id, e.device_id, e.receipt_prefix
    );
    Ok(ExitCode::SUCCESS)
}

pub fn run_sync(ctx: &Context, args: &SyncArgs) -> anyhow::Result<ExitCode> {
    let mut store = ctx.open_store()?;
    let device = Device::load(&store, &ctx.data_dir)?;
    let client = PlatformClient::new(&device.platform_url, Duration::from_secs(10))?;
    let batch = args.batch.clamp(1, MAX_BATCH_EVENTS);
    let mut said_reenrol = false;
    let mut failures = 0u32;
    let mut rng = fastrand::Rng::new();
    loop {
        let result = sync_with_retries(
            &mut store,
            &client,
            &device.key,
            batch,
            if args.once { 6 } else { 1 },
            (Duration::from_millis(250), Duration::from_secs(60)),
        );
        let status = store.sync_status()?;
        let (online, pushed) = match &result {
            Ok(r) => (true, r.pushed),
            Err(_) => (false, 0),
        };
        if args.json {
            print_json(&StatusJson {
                online,
                pushed,
                unsynced: status.unsynced,
                oldest_unsynced_at: status.oldest_unsynced_at.clone(),
                last_error: status.last_error.clone(),
                held_seq: status.acked_seq,
            })?;
        } else if let Ok(r) = &result {
            println!(
                "online: sent {} events in {} batches, {} unsynced; pulled {} catalog changes, {} pickups, {} revocations",
                r.pushed, r.batches, status.unsynced, r.catalog, r.pickups, r.revocations
            );
        }
        match result {
            Ok(_) => failures = 0,
            Err(SyncError::ReEnrol(m)) if !args.once => {
                if !said_reenrol {
                    eprintln!(
                        "error: the platform does not accept this terminal any more ({m}): re-enrol it with a new token"
                    );
                    said_reenrol = true;
                }
            }
            Err(e) if args.once => return Err(e.into()),
            Err(e) => {
                failures += 1;
                eprintln!("sync: {e} (still {} unsynced; retrying)", status.unsynced);
            }
        }
        if args.once {
            return Ok(ExitCode::SUCCESS);
        }
        let wait = if failures == 0 {
            5_000
        } else {
            backoff_ms(failures - 1, 500, 60_000, rng.f64())
        };
        std::thread::sleep(Duration::from_millis(wait));
    }
}
