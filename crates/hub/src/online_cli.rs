//! The command line of stores, stock, marketplaces and online orders (issue 16).

use std::path::PathBuf;

use anyhow::Context as _;
use clap::Subcommand;
use smartstore_hub::online::{DeliverTo, IntakeRequest, RequestLine};
use smartstore_hub::store::Admin;

#[derive(Debug, Subcommand)]
pub enum StoreCommand {
    /// Add a store with its location (or move or rename one): online orders go to the nearest
    /// store that holds them.
    Add {
        #[arg(long)]
        id: String,
        #[arg(long)]
        name: String,
        /// LAT,LON in degrees.
        #[arg(long, allow_hyphen_values = true)]
        at: String,
    },
    /// The stores.
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum StockCommand {
    /// Set a store's stock on hand from a count: a CSV with columns gtin,qty (every row or none).
    Import {
        #[arg(long)]
        store: String,
        file: PathBuf,
    },
    /// A store's stock: on hand and reserved for online orders.
    Show {
        #[arg(long)]
        store: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum MarketplaceKeyCommand {
    /// A new bearer key for a marketplace's `POST /v1/online-orders` (printed once; a second
    /// `add` of the same name replaces it).
    Add { name: String },
}

#[derive(Debug, Subcommand)]
pub enum OnlineOrderCommand {
    /// Take an online order as a marketplace would send it: routed to the nearest store that
    /// holds every line (or split), stock reserved there.
    Create {
        /// GTIN:QTY, repeated.
        #[arg(long = "line", required = true)]
        lines: Vec<String>,
        /// Deliver to this address (with --near).
        #[arg(long, requires = "near", conflicts_with = "pickup_store")]
        deliver_to: Option<String>,
        /// The delivery address's LAT,LON.
        #[arg(long, allow_hyphen_values = true)]
        near: Option<String>,
        /// Kept for pickup at this store instead.
        #[arg(long)]
        pickup_store: Option<String>,
        /// The marketplace's order id (default: a new one).
        #[arg(long)]
        id: Option<String>,
        /// The marketplace it is recorded under.
        #[arg(long, default_value = "cli")]
        marketplace: String,
        #[arg(long)]
        json: bool,
    },
    /// An online order: its store, status and history.
    Show {
        id: String,
        #[arg(long)]
        json: bool,
    },
}

/// `LAT,LON` in degrees.
fn lat_lon(text: &str) -> anyhow::Result<(f64, f64)> {
    let (lat, lon) = text
        .split_once(',')
        .with_context(|| format!("'{text}' is not LAT,LON"))?;
    let lat: f64 = lat
        .trim()
        .parse()
        .with_context(|| format!("latitude '{lat}'"))?;
    let lon: f64 = lon
        .trim()
        .parse()
        .with_context(|| format!("longitude '{lon}'"))?;
    if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
        anyhow::bail!("'{text}': latitude is -90 to 90 and longitude -180 to 180");
    }
    Ok((lat, lon))
}

pub fn store(db: &mut Admin, cmd: StoreCommand) -> anyhow::Result<()> {
    match cmd {
        StoreCommand::Add { id, name, at } => {
            let (lat, lon) = lat_lon(&at)?;
            db.add_store(id.trim(), &name, lat, lon)?;
            println!("store {} at {lat},{lon}", id.trim());
        }
        StoreCommand::List { json } => {
            for (id, name, lat, lon) in db.stores()? {
                if json {
                    println!(
                        "{}",
                        serde_json::json!({"id": id, "name": name, "lat": lat, "lon": lon})
                    );
                } else {
                    println!("{id}\t{name}\t{lat},{lon}");
                }
            }
        }
    }
    Ok(())
}

/// The most rows a stock file may have.
const MAX_STOCK_ROWS: usize = 1_000_000;

pub fn stock(db: &mut Admin, cmd: StockCommand) -> anyhow::Result<()> {
    match cmd {
        StockCommand::Import { store, file } => {
            let f = std::fs::File::open(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let rows = stock_rows(f).with_context(|| file.display().to_string())?;
            let n = db.import_stock(store.trim(), &rows)?;
            println!("{n} products counted at store {}", store.trim());
        }
        StockCommand::Show { store, json } => {
            for (gtin, on_hand, reserved) in db.stock_of(store.trim())? {
                if json {
                    println!(
                        "{}",
                        serde_json::json!({"gtin": gtin, "on_hand": on_hand, "reserved": reserved})
                    );
                } else {
                    println!("{gtin}\t{on_hand}\t{reserved} reserved");
                }
            }
        }
    }
    Ok(())
}

/// The rows of a `gtin,qty` CSV, GTINs in their 14-digit form; the first bad row refuses all.
fn stock_rows(input: impl std::io::Read) -> anyhow::Result<Vec<(String, i64)>> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(input);
    let headers = reader.headers().context("no header row")?.clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h.eq_ignore_ascii_case(name))
            .with_context(|| format!("no '{name}' column (the columns are gtin,qty)"))
    };
    let (g, q) = (col("gtin")?, col("qty")?);
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = i + 2;
        let record = record.with_context(|| format!("line {line}"))?;
        if rows.len() == MAX_STOCK_ROWS {
            anyhow::bail!("more than {MAX_STOCK_ROWS} rows: split the file");
        }
        let gtin = smartstore_domain::gtin::Gtin::parse(record.get(g).unwrap_or_default())
            .map_err(|e| anyhow::anyhow!("line {line}: {e}"))?
            .as_str();
        let qty: i64 = record
            .get(q)
            .unwrap_or_default()
            .parse()
            .ok()
            .filter(|n| (0..=1_000_000_000).contains(n))
            .with_context(|| format!("line {line}: qty is a whole number from 0"))?;
        rows.push((gtin, qty));
    }
    Ok(rows)
}

pub fn marketplace_key(db: &mut Admin, cmd: MarketplaceKeyCommand) -> anyhow::Result<()> {
    match cmd {
        MarketplaceKeyCommand::Add { name } => {
            let key = db.add_marketplace_key(name.trim())?;
            println!("{key}");
            eprintln!(
                "marketplace {}: send it as 'Authorization: Bearer <key>' to POST /v1/online-orders; it is shown only now",
                name.trim()
            );
        }
    }
    Ok(())
}

pub fn online_order(db: &mut Admin, cmd: OnlineOrderCommand) -> anyhow::Result<()> {
    match cmd {
        OnlineOrderCommand::Create {
            lines,
            deliver_to,
            near,
            pickup_store,
            id,
            marketplace,
            json,
        } => {
            let lines = lines
                .iter()
                .map(|l| {
                    let (gtin, qty) = l
                        .split_once(':')
                        .with_context(|| format!("--line {l}: give GTIN:QTY"))?;
                    Ok(RequestLine {
                        gtin: gtin.trim().to_owned(),
                        qty: qty
                            .trim()
                            .parse()
                            .with_context(|| format!("--line {l}: QTY is a whole number"))?,
                    })
                })
                .collect::<anyhow::Result<Vec<_>>>()?;
            let deliver_to = match (deliver_to, near) {
                (Some(address), Some(near)) => {
                    let (lat, lon) = lat_lon(&near)?;
                    Some(DeliverTo { address, lat, lon })
                }
                _ => None,
            };
            if deliver_to.is_none() && pickup_store.is_none() {
                anyhow::bail!("give --deliver-to ADDRESS --near LAT,LON, or --pickup-store STORE");
            }
            let req = IntakeRequest {
                marketplace_order_id: id
                    .unwrap_or_else(|| format!("CLI-{}", uuid::Uuid::now_v7().simple())),
                lines,
                deliver_to,
                pickup_store,
            };
            let answer = db.intake(marketplace.trim(), &req)?;
            if json {
                println!("{}", serde_json::to_string(&answer)?);
            } else {
                for o in &answer.orders {
                    println!(
                        "{} → store {} ({} of {})",
                        o.order_id,
                        o.store.as_deref().unwrap_or("-"),
                        o.part,
                        o.parts
                    );
                }
            }
        }
        OnlineOrderCommand::Show { id, json } => {
            let order = db.online_order(id.trim())?;
            if json {
                println!("{}", serde_json::to_string(&order)?);
            } else {
                println!(
                    "{} {} at store {}",
                    order.order_id,
                    order.status.name(),
                    order.store.as_deref().unwrap_or("-")
                );
                for step in &order.history {
                    println!(
                        "  {} {} {}{}",
                        step.at,
                        step.status.name(),
                        step.store.as_deref().unwrap_or("-"),
                        step.reason
                            .as_deref()
                            .map(|r| format!(": {r}"))
                            .unwrap_or_default()
                    );
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stock_file_is_read_whole_or_refused_with_its_line() {
        let rows = stock_rows("gtin,qty\n6921000000019,12\n 6921000000026 , 0\n".as_bytes())
            .expect("rows");
        assert_eq!(
            rows,
            vec![
                ("06921000000019".to_owned(), 12),
                ("06921000000026".to_owned(), 0)
            ]
        );
        let refused = |text: &str| {
            stock_rows(text.as_bytes())
                .expect_err("refused")
                .to_string()
        };
        assert!(refused("gtin,qty\n6921000000018,1\n").contains("line 2"));
        assert!(refused("gtin,qty\n6921000000019,-1\n").contains("line 2"));
        assert!(refused("gtin,qty\n6921000000019,1\n6921000000019,x\n").contains("line 3"));
        assert!(refused("sku,qty\n1,1\n").contains("'gtin'"));
        assert!(lat_lon("31.2,121.4").is_ok());
        assert!(lat_lon("91,0").is_err());
        assert!(lat_lon("31.2").is_err());
    }
}
