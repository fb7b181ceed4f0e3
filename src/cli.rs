//! The `smartstore` command line (DESIGN.md §8).

mod catalog;
pub mod doctor;
mod fulfil;
mod mirror;
mod order;
mod receipt;
pub mod scan;
mod shift;
mod sync;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config;
pub use crate::config::Context;
use smartstore_domain::kiosk;

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
    /// The window's options, also accepted without the `ui` word (`smartstore --mode kiosk`).
    #[command(flatten)]
    pub ui: UiArgs,
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
    /// Payments by shopper code this terminal asked the platform for, and what became of them.
    Payments(order::PaymentsArgs),
    /// Void a sale of today on this terminal (or one of its lines), refunding its tenders; a
    /// supervisor approves (the PIN on standard input).
    Void(order::VoidArgs),
    /// The store's day at this terminal: open with a float, cash in and out, blind close with
    /// the Z report, the X report.
    #[command(subcommand)]
    Shift(shift::ShiftCommand),
    /// A sale's receipt: printed (ESC/POS to a USB or network printer, or a file), or drawn to
    /// a PNG.
    #[command(subcommand)]
    Receipt(receipt::ReceiptCommand),
    /// Take goods back against a receipt (its number, or the text of its QR code: another
    /// terminal's receipt is verified from it offline); a supervisor approves (PIN on stdin).
    Return(order::ReturnArgs),
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
    /// Move a terminal whose database was restored or copied to a new identity (a fresh
    /// enrolment token of the same store) and send again everything the platform lacks.
    Recover(sync::RecoverArgs),
    /// Copy every readable order and event of a damaged database into a new data folder.
    Salvage(sync::SalvageArgs),
    /// Make the kiosk's staff PIN: reads the PIN on standard input, prints the config.toml line.
    Pin,
    /// Online orders filled from this store's shelves: list, pick by scanning, pack with a
    /// shipping label, hand over, or give back.
    #[command(subcommand)]
    Fulfil(fulfil::FulfilCommand),
    /// This store's stock: a shelf count, or one product's figure.
    #[command(subcommand)]
    Stock(fulfil::StockCommand),
    /// Magic Mirror: up to five products this store has in stock, recommended to a member who
    /// consented (their member code says so), with price and shelf.
    Recommend(mirror::RecommendArgs),
}

#[derive(Debug, clap::Args, Default)]
pub struct UiArgs {
    /// counter, kiosk or setup.
    #[arg(long)]
    pub mode: Option<String>,
    /// auto, a device index or path, replay:DIR[@FPS], demo (the bundled demo frames), or
    /// none.
    #[arg(long)]
    pub camera: Option<String>,
    /// zh-CN or en.
    #[arg(long)]
    pub lang: Option<String>,
    /// Scan these texts at start (demos, screenshots).
    #[arg(long = "scan", value_name = "TEXT")]
    pub scans: Vec<String>,
    /// Save a PNG of the window after --screenshot-after-ms, then exit (docs/screenshots).
    #[arg(long, value_name = "FILE")]
    pub screenshot: Option<PathBuf>,
    #[arg(long, default_value_t = 2500)]
    pub screenshot_after_ms: u64,
    /// Open a particular screen: kiosk-shopping, setup-enrol, setup-camera, setup-connection,
    /// setup-diagnostics, counter-returns (the --scan texts are receipts), counter-void,
    /// counter-shift, counter-x (the shift desk's X report), counter-close (its blind count),
    /// counter-age-call (a kiosk's age check waiting, being approved),
    /// customer (the customer display's window), kiosk-checkout.
    #[arg(long)]
    pub screen: Option<String>,
    /// Counter: the delivery address to start with.
    #[arg(long)]
    pub address: Option<String>,
    /// Counter: place the order (cash) once the --scan texts are in.
    #[arg(long)]
    pub place: bool,
}

impl UiArgs {
    /// True when any of the window's options was given.
    fn is_set(&self) -> bool {
        self.mode.is_some()
            || self.camera.is_some()
            || self.lang.is_some()
            || !self.scans.is_empty()
            || self.screenshot.is_some()
            || self.screen.is_some()
            || self.address.is_some()
            || self.place
    }
}

/// The resolved data directory and the database in it.
/// The command line's language: `SMARTSTORE_LANG`, else the locale (`LC_ALL`, `LC_MESSAGES`,
/// `LANG`) when it is Chinese, else English.
pub fn lang() -> crate::i18n::Lang {
    use crate::i18n::Lang;
    if let Some(l) = std::env::var("SMARTSTORE_LANG")
        .ok()
        .and_then(|v| Lang::parse(&v))
    {
        return l;
    }
    let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
        .into_iter()
        .filter_map(|k| std::env::var(k).ok())
        .find(|v| !v.is_empty())
        .unwrap_or_default();
    if locale.to_ascii_lowercase().starts_with("zh") {
        Lang::Zh
    } else {
        Lang::En
    }
}

/// An error as the command line prints it: what the command was doing (its context, in
/// English), then the typed refusal in `lang` through Fluent.
pub fn describe_error(e: &anyhow::Error, lang: crate::i18n::Lang) -> String {
    let first: &(dyn std::error::Error + 'static) = e.as_ref();
    describe(first, lang)
}

/// As [`describe_error`], for an error and its sources.
pub fn describe(e: &(dyn std::error::Error + 'static), lang: crate::i18n::Lang) -> String {
    let chain = || std::iter::successors(Some(e), |c| c.source());
    let mut parts = Vec::new();
    for cause in chain() {
        if let Some(msg) = crate::i18n::localize(cause) {
            parts.push(msg.render(lang));
            break;
        }
        parts.push(cause.to_string());
        // A context wraps its source: the next link is that source.
    }
    let mut text = parts.join(": ");
    if let Some(command) = chain().find_map(command_for) {
        text.push_str("\n  ");
        text.push_str(command);
    }
    text
}

/// The command a technician runs next, for the refusals that have one (the window says what
/// to do in words; the command line also gives the command).
fn command_for(cause: &(dyn std::error::Error + 'static)) -> Option<&'static str> {
    use crate::store::StoreError;
    use crate::sync::SyncError;
    let store = cause.downcast_ref::<StoreError>().or_else(|| {
        cause.downcast_ref::<SyncError>().and_then(|s| match s {
            SyncError::Store(e) => Some(e),
            _ => None,
        })
    });
    if let Some(StoreError::Damaged { .. }) = store {
        return Some("smartstore --data-dir DIR salvage --to NEW_DIR");
    }
    match cause.downcast_ref::<SyncError>() {
        Some(SyncError::SequenceConflict { .. }) => Some("smartstore recover --token TOKEN"),
        _ => None,
    }
}

/// One JSON object per line on standard output.
pub(crate) fn print_json(value: &impl serde::Serialize) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string(value)?);
    Ok(())
}

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    // The global --data-dir goes before or after any subcommand; the window's own options only
    // without one (or with `ui`).
    if cli.command.is_some() && cli.ui.is_set() {
        anyhow::bail!(
            "--mode, --camera, --lang, --scan, --screenshot, --screen, --address and --place open \
             the window: give them without a subcommand (or after `ui`)"
        );
    }
    let ctx = Context::new(cli.data_dir.as_deref())?;
    match cli.command.unwrap_or(Command::Ui(cli.ui)) {
        Command::Ui(args) => run_ui(&ctx, &args),
        Command::Scan(a) => scan::run_scan(&a),
        Command::Cameras => scan::run_cameras(),
        Command::Catalog(c) => catalog::run(&ctx, c),
        Command::Order(c) => order::run(&ctx, c),
        Command::Orders(a) => order::list(&ctx, &a),
        Command::Pickup(a) => order::pickup(&ctx, &a),
        Command::Payments(a) => order::payments(&ctx, &a),
        Command::Void(a) => order::void(&ctx, &a),
        Command::Shift(c) => shift::run(&ctx, c),
        Command::Receipt(c) => receipt::run(&ctx, c),
        Command::Return(a) => order::take_return(&ctx, &a),
        Command::Doctor(a) => doctor::run(&ctx, &a),
        Command::Enroll(a) => sync::run_enroll(&ctx, &a),
        Command::Sync(a) => sync::run_sync(&ctx, &a),
        Command::Recover(a) => sync::run_recover(&ctx, &a),
        Command::Salvage(a) => sync::run_salvage(&ctx, &a),
        Command::Pin => run_pin(&ctx),
        Command::Fulfil(c) => fulfil::run(&ctx, c),
        Command::Stock(c) => fulfil::run_stock(&ctx, c),
        Command::Recommend(a) => mirror::run(&ctx, &a),
    }
}

/// Reads a staff PIN from standard input and prints the `staff_pin_hash` line for config.toml.
/// The PIN itself is never printed or stored.
fn run_pin(ctx: &Context) -> anyhow::Result<ExitCode> {
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    let pin = line.trim_end_matches(['\r', '\n']);
    if !kiosk::is_valid_staff_pin(pin) {
        eprintln!(
            "smartstore pin: a staff PIN is {} to {} digits (this one has {} characters{}); \
             run the command again and type the PIN followed by Enter",
            kiosk::PIN_MIN_DIGITS,
            kiosk::PIN_MAX_DIGITS,
            pin.chars().count(),
            if pin.bytes().all(|b| b.is_ascii_digit()) {
                ""
            } else {
                ", not all digits"
            }
        );
        return Ok(ExitCode::from(1));
    }
    println!(
        "staff_pin_hash = \"{}\"",
        smartstore_protocol::staff_pin::hash_pin(pin)
    );
    eprintln!(
        "smartstore pin: put that line in {} (the kiosk reads it when it starts)",
        ctx.data_dir.join(config::CONFIG_FILE).display()
    );
    Ok(ExitCode::SUCCESS)
}

fn run_ui(ctx: &Context, args: &UiArgs) -> anyhow::Result<ExitCode> {
    use crate::i18n::Lang;
    use crate::ui::{Mode, Options, setup::Step};
    // A database that cannot be written (damaged, a read-only or full disk) still opens the
    // window: every sale is refused with the reason, in the clerk's language, and the status bar
    // says it; a blank screen would tell the clerk nothing.
    let (store, not_writable) = ctx.open_store_to_read()?;
    if let Some(why) = &not_writable {
        tracing::error!("{why}");
    }
    let config_file = ctx.data_dir.join(config::CONFIG_FILE);
    // Each refusal names where the bad value came from: the flag or config.toml.
    let (mode_name, mode_from) = match (&args.mode, &ctx.config.mode) {
        (Some(m), _) => (m.as_str(), "--mode".to_owned()),
        (None, Some(m)) => (m.as_str(), format!("mode in {}", config_file.display())),
        (None, None) => ("counter", String::new()),
    };
    let mode = Mode::parse(mode_name)
        .ok_or_else(|| anyhow::anyhow!("{mode_from} '{mode_name}': use counter, kiosk or setup"))?;
    let (lang_name, lang_from) = match (&args.lang, &ctx.config.language) {
        (Some(l), _) => (l.as_str(), "--lang".to_owned()),
        (None, Some(l)) => (l.as_str(), format!("language in {}", config_file.display())),
        (None, None) => ("zh-CN", String::new()),
    };
    let lang = Lang::parse(lang_name)
        .ok_or_else(|| anyhow::anyhow!("{lang_from} '{lang_name}': use zh-CN or en"))?;
    let enrolled = store.meta("device_id")?.is_some();
    let pin_hash = match &ctx.config.staff_pin_hash {
        Some(h) => h.clone(),
        // An enrolled kiosk never falls back to a PIN anyone can read in the documentation.
        None if enrolled && mode == Mode::Kiosk => anyhow::bail!(
            "this enrolled terminal has no staff PIN, so the kiosk does not start (the demo PIN is \
             for the demo store only): run `echo NEW-PIN | smartstore pin` and put the line it prints \
             in {}",
            config_file.display()
        ),
        None => {
            tracing::warn!(
                "no staff_pin_hash in config.toml: the kiosk's staff PIN is the demo PIN 2468"
            );
            smartstore_protocol::staff_pin::hash_pin("2468")
        }
    };
    let screen = args.screen.as_deref().unwrap_or("");
    let pin_guard = store.kept_pin_guard()?;
    let options = Options {
        pin_guard,
        data_dir: ctx.data_dir.clone(),
        mode,
        lang,
        camera: args
            .camera
            .clone()
            .or_else(|| ctx.config.camera.clone())
            .unwrap_or_else(|| "auto".into()),
        currency: ctx.config.currency()?,
        store_id: store.receipt_prefix()?.0,
        pin_hash,
        scans: args.scans.clone(),
        screenshot: args.screenshot.clone(),
        screenshot_after: std::time::Duration::from_millis(args.screenshot_after_ms),
        kiosk_shopping: screen == "kiosk-shopping" || screen == "kiosk-checkout",
        kiosk_checkout: screen == "kiosk-checkout",
        setup_step: match screen {
            "setup-enrol" => Some(Step::Enrol),
            "setup-camera" => Some(Step::Camera),
            "setup-connection" => Some(Step::Connection),
            "setup-diagnostics" => Some(Step::Diagnostics),
            _ => None,
        },
        address: args.address.clone(),
        place: args.place,
        counter_opening: match screen {
            "counter-returns" => Some(crate::ui::counter::Opening::Returns),
            "counter-void" => Some(crate::ui::counter::Opening::VoidSale),
            "counter-shift" => Some(crate::ui::counter::Opening::Shift),
            "counter-x" => Some(crate::ui::counter::Opening::ShiftDesk),
            "counter-close" => Some(crate::ui::counter::Opening::ShiftCount),
            "counter-age-call" => Some(crate::ui::counter::Opening::AgeCall),
            "counter-fulfil" => Some(crate::ui::counter::Opening::Fulfil),
            "counter-fulfil-order" => Some(crate::ui::counter::Opening::FulfilOrder),
            _ => None,
        },
        shoot_customer: screen == "customer",
        quick_keys: ctx.config.quick_keys.clone().unwrap_or_default(),
    };
    // The customer display: on a second monitor when there is one (or where config.toml says).
    let monitors = crate::ui::customer::monitors().unwrap_or_else(|e| {
        tracing::info!("{e}");
        Vec::new()
    });
    let setting = if screen == "customer" {
        Some("on")
    } else {
        ctx.config.customer_display.as_deref()
    };
    let customer = match crate::ui::customer::placement(setting, &monitors) {
        Ok(p) => p,
        Err(why) => {
            tracing::warn!("{why}");
            None
        }
    };
    crate::ui::run(options, store, customer)?;
    Ok(ExitCode::SUCCESS)
}
