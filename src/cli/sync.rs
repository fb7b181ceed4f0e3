use std::process::ExitCode;
use std::time::Duration;

use serde::Serialize;

use super::{Context, print_json};
use crate::i18n::{Lang, Msg};
use crate::store::Store;
use crate::sync::engine::{Engine, EngineOptions};
use crate::sync::{Device, PlatformClient, SyncError, SyncReport, enroll};

#[derive(Debug, clap::Args)]
pub struct EnrollArgs {
    /// The platform's base URL, e.g. https://platform.example.com
    #[arg(long)]
    pub platform: String,
    /// The one-time enrolment token from the platform.
    #[arg(long)]
    pub token: String,
    /// The platform CA's fingerprint (hex SHA-256), when the token does not carry it.
    #[arg(long, value_name = "HEX")]
    pub fingerprint: Option<String>,
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

#[derive(Debug, clap::Args)]
pub struct RecoverArgs {
    /// A fresh enrolment token of this terminal's store.
    #[arg(long)]
    pub token: String,
    /// The platform's base URL, when it moved (default: the one enrolled with).
    #[arg(long)]
    pub platform: Option<String>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct SalvageArgs {
    /// The new data folder (must hold no database; nothing is overwritten).
    #[arg(long, value_name = "NEW_DIR")]
    pub to: std::path::PathBuf,
    #[arg(long)]
    pub json: bool,
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
    let trust = crate::sync::enrolment_trust(&args.token, args.fingerprint.as_deref())?;
    let client = PlatformClient::with_trust(&args.platform, Duration::from_secs(15), trust)?;
    let e = enroll(&mut store, &ctx.data_dir, &client, &args.token)?;
    println!(
        "enrolled as terminal {} of store {} (device {}); receipts start {}-",
        e.terminal_id, e.store_id, e.device_id, e.receipt_prefix
    );
    Ok(ExitCode::SUCCESS)
}

pub fn run_recover(ctx: &Context, args: &RecoverArgs) -> anyhow::Result<ExitCode> {
    let mut store = ctx.open_store()?;
    let url = match &args.platform {
        Some(u) => u.clone(),
        None => store
            .meta("platform_url")?
            .ok_or(SyncError::NothingToRecover)?,
    };
    let trust = match crate::sync::stored_trust(&store)? {
        crate::sync::Trust::None => crate::sync::enrolment_trust(&args.token, None)?,
        kept => kept,
    };
    let client = PlatformClient::with_trust(&url, Duration::from_secs(15), trust)?;
    let r = crate::sync::recover(&mut store, &ctx.data_dir, &client, &args.token)?;
    if args.json {
        print_json(&r)?;
    } else {
        println!(
            "recovered: device {} is now terminal {} (device {}); receipts continue as {}-; \
             {} events will be sent again (the platform keeps one copy of each). Run `smartstore sync --once` now",
            r.old_device, r.terminal_id, r.device_id, r.receipt_prefix, r.events
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub fn run_salvage(ctx: &Context, args: &SalvageArgs) -> anyhow::Result<ExitCode> {
    let r = crate::store::salvage::salvage(&ctx.db_path(), &args.to)?;
    if args.json {
        print_json(&r)?;
    } else {
        println!(
            "salvaged {} orders and {} events into {}",
            r.orders,
            r.events,
            r.to.display()
        );
        for t in &r.tables {
            if t.unreadable > 0 || t.note.is_some() {
                println!(
                    "  {}: {} rows copied, {} unreadable{}",
                    t.table,
                    t.copied,
                    t.unreadable,
                    t.note
                        .as_deref()
                        .map(|n| format!(" (stopped at: {n})"))
                        .unwrap_or_default()
                );
            }
        }
        if !r.lost_events.is_empty() {
            println!(
                "  events that could not be read (set aside, the platform is told): {:?}",
                r.lost_events
            );
        }
        if !r.files.is_empty() {
            println!("  copied beside it: {}", r.files.join(", "));
        }
        if !r.check.is_empty() {
            println!("  the new database's check: {}", r.check.join("; "));
        }
        println!(
            "the damaged file was left as it was; run the terminal with --data-dir {}",
            args.to.display()
        );
    }
    Ok(if r.check.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

pub fn run_sync(ctx: &Context, args: &SyncArgs) -> anyhow::Result<ExitCode> {
    let store = ctx.open_store()?;
    // Refuse at once when not enrolled or the key is unusable, instead of retrying forever.
    Device::load(&store, &ctx.data_dir)?;
    let mut engine = Engine::new(
        store,
        &ctx.data_dir,
        EngineOptions {
            batch: args.batch,
            ..EngineOptions::default()
        },
    );
    if args.once {
        let result = engine.sync_until_done(ONCE_ATTEMPTS);
        print_pass(engine.store(), args.json, &result)?;
        result?;
        return Ok(ExitCode::SUCCESS);
    }
    let (_commands, rx) = std::sync::mpsc::channel();
    let mut said_once = false;
    let mut printed: anyhow::Result<()> = Ok(());
    let json = args.json;
    engine.run(&rx, |store, pass| {
        if let Err(e) = print_pass(store, json, &pass.result) {
            printed = Err(e);
        }
        match &pass.result {
            // Said once: retrying will not change them until a person acts.
            Err(e @ (SyncError::ReEnrol { .. } | SyncError::SequenceConflict { .. })) => {
                if !said_once {
                    eprintln!("error: {}", super::describe(e, super::lang()));
                    said_once = true;
                }
            }
            Err(e) => eprintln!("sync: {e} (retrying in {} s)", pass.next.as_secs()),
            Ok(_) => {}
        }
    });
    printed.map(|()| ExitCode::SUCCESS)
}

/// Passes `sync --once` makes in a row without progress before it gives up.
const ONCE_ATTEMPTS: u32 = 6;

fn print_pass(
    store: &mut Store,
    json: bool,
    result: &Result<SyncReport, SyncError>,
) -> anyhow::Result<()> {
    let status = store.sync_status()?;
    if json {
        print_json(&StatusJson {
            online: result.is_ok(),
            pushed: result.as_ref().map_or(0, |r| r.pushed),
            unsynced: status.unsynced,
            oldest_unsynced_at: status.oldest_unsynced_at.clone(),
            last_error: status
                .last_error
                .as_deref()
                .map(|e| Msg::from_stored(e).render(Lang::En)),
            held_seq: status.acked_seq,
        })?;
    } else if let Ok(r) = result {
        println!(
            "online: sent {} events in {} batches, {} unsynced; pulled {} catalog changes, {} pickups, {} revocations",
            r.pushed, r.batches, status.unsynced, r.catalog, r.pickups, r.revocations
        );
        if r.keys_retired + r.keys_revoked > 0 {
            println!(
                "platform keys: {} retired, {} revoked since the last sync (codes they may no longer sign are refused)",
                r.keys_retired, r.keys_revoked
            );
        }
    }
    Ok(())
}
