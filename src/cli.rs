//! The `smartstore` command line (DESIGN.md §8).

mod catalog;
pub mod doctor;
mod order;
pub mod scan;
mod sync;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::{self, Config};
use crate::store::Store;

#[derive(Debug, Parser)]
#[command(
    name = "smartstore",
    version,
    about = "The in-store terminal of a smart store"
)]
pub struct Cli {
    /// Where the database, keys and configuration live.
    #[arg(long, global = true, env = "SMARTSTORE_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open the terminal window (the default).
    Ui(UiArgs),
    /// The product catalog.
    #[command(subcommand)]
    Catalog(catalog::CatalogCommand),
    /// Orders.
    #[command(subcommand)]
    Order(order::OrderCommand),
    /// List orders, newest first.
    Orders(order::OrdersArgs),
    /// Hand over an online order against its pickup code.
    Pickup(order::PickupArgs),
    /// Read the codes in image files, or from a camera.
    Scan(scan::ScanArgs),
    /// List cameras and their formats.
    Cameras,
    /// Check the terminal and say how to fix what is wrong.
    Doctor(doctor::DoctorArgs),
    /// Enrol this terminal with the platform using a one-time token.
    Enroll(sync::EnrollArgs),
    /// Send queued orders to the platform and pull the catalog, pickups and keys.
    Sync(sync::SyncArgs),
}

#[derive(Debug, clap::Args, Default)]
pub struct UiArgs {
    /// counter, kiosk or setup.
    #[arg(long)]
    pub mode: Option<String>,
    /// auto, a device index or path, or replay:DIR[@FPS].
    #[arg(long)]
    pub camera: Option<String>,
}

/// The resolved data directory and the database in it.
pub struct Context {
    pub data_dir: PathBuf,
    pub config: Config,
}

impl Context {
    pub fn new(data_dir: Option<&Path>) -> anyhow::Result<Context> {
        let data_dir = config::data_dir(data_dir)?;
        let config = Config::load(&data_dir)?;
        Ok(Context { data_dir, config })
    }

    pub fn db_path(&self) -> PathBuf {
        self.data_dir.join(config::DATABASE_FILE)
    }

    pub fn open_store(&self) -> anyhow::Result<Store> {
        Ok(Store::open(&self.db_path())?)
    }
}

/// One JSON object per line on standard output.
pub(crate) fn print_json(value: &impl serde::Serialize) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string(value)?);
    Ok(())
}

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let ctx = Context::new(cli.data_dir.as_deref())?;
    match cli.command.unwrap_or(Command::Ui(UiArgs::default())) {
        Command::Ui(args) => run_ui(&ctx, &args),
        Command::Scan(a) => scan::run_scan(&a),
        Command::Cameras => scan::run_cameras(),
        Command::Catalog(c) => catalog::run(&ctx, c),
        Command::Order(c) => order::run(&ctx, c),
        Command::Orders(a) => order::list(&ctx, &a),
        Command::Pickup(a) => order::pickup(&ctx, &a),
        Command::Doctor(a) => doctor::run(&ctx, &a),
        Command::Enroll(a) => sync::run_enroll(&ctx, &a),
        Command::Sync(a) => sync::run_sync(&ctx, &a),
    }
}

fn run_ui(ctx: &Context, args: &UiArgs) -> anyhow::Result<ExitCode> {
    // The window (issue 6) is not built yet: show what the terminal holds and how to use it.
    let store = ctx.open_store()?;
    let status = store.sync_status()?;
    let (store_id, terminal) = store.receipt_prefix()?;
    let mode = args
        .mode
        .as_deref()
        .or(ctx.config.mode.as_deref())
        .unwrap_or("counter");
    println!("smartstore terminal {store_id}-{terminal} ({mode} mode)");
    println!("  database:  {}", store.path().display());
    println!("  catalog:   {} products", store.catalog_len()?);
    println!(
        "  orders:    {} queued, {} not yet synced",
        status.last_seq, status.unsynced
    );
    println!();
    println!("The window is not part of this build yet. Place an order from the command line:");
    println!(
        "  smartstore order create --fulfil deliver --scan 6921000000019 --address \"1 Nanjing Rd\" --pay cash"
    );
    println!("  smartstore orders");
    Ok(ExitCode::SUCCESS)
}
