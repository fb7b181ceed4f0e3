//! `smartstore-hub`: the reference platform (DESIGN.md §7, §8).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use smartstore::hub::db::HubDb;
use smartstore::hub::server::{Hub, serve};

#[derive(Debug, Parser)]
#[command(
    name = "smartstore-hub",
    version,
    about = "The reference platform for smartstore terminals"
)]
struct Cli {
    /// The platform database.
    #[arg(
        long,
        global = true,
        default_value = "smartstore-hub.db",
        env = "SMARTSTORE_HUB_DB"
    )]
    db: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the sync protocol.
    Serve {
        #[arg(long, default_value = "127.0.0.1:8480")]
        listen: SocketAddr,
    },
    /// Make one-time enrolment tokens for a store, one a line.
    EnrolmentToken {
        #[arg(long)]
        store: String,
        #[arg(long, default_value_t = 1)]
        count: u32,
    },
    /// The platform's catalog.
    #[command(subcommand)]
    Catalog(CatalogCommand),
    /// The platform's public keys as a JWK set.
    Keys,
    /// Record an online order to be picked up at a store.
    Pickup {
        #[arg(long)]
        store: String,
        #[arg(long)]
        order: String,
        /// GTIN:QTY, repeated.
        #[arg(long = "line", required = true)]
        lines: Vec<String>,
    },
    /// Every event the terminals sent.
    Events {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
enum CatalogCommand {
    Import { file: PathBuf },
}

fn parse_line(text: &str) -> anyhow::Result<smartstore::protocol::PickupLine> {
    let (g, q) = text
        .split_once(':')
        .ok_or_else(|| anyhow::anyhow!("--line '{text}' must be GTIN:QTY"))?;
    let gtin = smartstore::domain::gtin::Gtin::parse(g)?;
    let quantity: u32 = q
        .parse()
        .map_err(|_| anyhow::anyhow!("--line '{text}': quantity must be a whole number"))?;
    anyhow::ensure!(quantity > 0, "--line '{text}': quantity must be at least 1");
    Ok(smartstore::protocol::PickupLine {
        gtin: gtin.as_str(),
        quantity,
    })
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let mut db = HubDb::open(&cli.db)?;
    match cli.command {
        Command::Serve { listen } => {
            let rt = tokio::runtime::Runtime::new()?;
            rt.block_on(serve(Hub::new(db), listen, |addr| {
                println!("listening on http://{addr}");
            }))
            .with_context(|| format!("cannot serve on {listen}"))?;
        }
        Command::EnrolmentToken { store, count } => {
            for t in db.create_enrolment_tokens(&store, count)? {
                println!("{t}");
            }
        }
        Command::Catalog(CatalogCommand::Import { file }) => {
            let f = std::fs::File::open(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let n = db
                .import_catalog_csv(std::io::BufReader::new(f))
                .with_context(|| file.display().to_string())?;
            println!("imported {n} products");
        }
        Command::Keys => println!("{}", serde_json::to_string_pretty(&db.platform_keys()?)?),
        Command::Pickup {
            store,
            order,
            lines,
        } => {
            let lines = lines
                .iter()
                .map(|l| parse_line(l))
                .collect::<anyhow::Result<Vec<_>>>()?;
            db.add_pickup(&order, &store, &lines)?;
            println!("pickup {order} recorded for store {store}");
        }
        Command::Events { json } => {
            for e in db.events()? {
                if json {
                    let mut obj = serde_json::from_str::<serde_json::Value>(&e.body)
                        .unwrap_or(serde_json::Value::Null);
                    if let Some(map) = obj.as_object_mut() {
                        map.insert("device".into(), e.device.clone().into());
                        map.insert("seq".into(), e.seq.into());
                        map.insert("type".into(), e.kind.clone().into());
                        if let Some(o) = &e.order_id {
                            map.insert("order_id".into(), o.clone().into());
                        }
                        if let Some(f) = &e.flag {
                            map.insert("flag".into(), f.clone().into());
                        }
                    }
                    println!("{obj}");
                } else {
                    println!(
                        "{} {:>8} {:16} {}",
                        e.device,
                        e.seq,
                        e.kind,
                        e.order_id.unwrap_or_default()
                    );
                }
            }
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("SMARTSTORE_LOG")
                .unwrap_or_else(|_| "warn".into()),
        )
        .init();
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
