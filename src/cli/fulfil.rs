//! `smartstore fulfil list|show|pick|pack|ship|reject` and `smartstore stock count|show`: online
//! orders filled from this store's shelves, and the store's stock (issue 16).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::Subcommand;

use super::{Context, print_json};
use crate::fulfil::{self, PickOutcome};
use crate::receipt::{paper, printer as printer_of};
use crate::store::{FulfilError, StoreOnlineOrder};
use smartstore_domain::gtin::Gtin;

#[derive(Debug, Subcommand)]
pub enum FulfilCommand {
    /// The online orders to fill at this store, oldest first (one listed for the first time is
    /// accepted). Run `smartstore sync` first to fetch new ones.
    List {
        #[arg(long)]
        json: bool,
    },
    /// One order with its pick list, in the order of the shelves.
    Show {
        order: String,
        #[arg(long)]
        json: bool,
    },
    /// Pick items into the order by their scanned codes (repeat --scan); a wrong or an extra item
    /// is refused and the others are kept.
    Pick {
        order: String,
        #[arg(long = "scan", value_name = "TEXT", required = true)]
        scans: Vec<String>,
        #[arg(long)]
        json: bool,
    },
    /// Pack a picked order and make its shipping label: a PNG (--label FILE.png) or printed
    /// (--printer ADDR, or the printer of config.toml).
    Pack {
        order: String,
        #[arg(long, value_name = "FILE.png")]
        label: Option<PathBuf>,
        #[arg(long, value_name = "ADDR")]
        printer: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Hand the parcel over (to the courier, or to the shopper collecting it) by scanning its
    /// label.
    Ship {
        order: String,
        #[arg(long = "scan", value_name = "LABEL_TEXT")]
        scan: String,
        #[arg(long)]
        json: bool,
    },
    /// Give an order back to the platform, which routes it to another store.
    Reject {
        order: String,
        #[arg(long)]
        reason: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum StockCommand {
    /// A shelf count: the figure replaces the terminal's and goes to the platform.
    Count { gtin: String, qty: i64 },
    /// The terminal's stock of one product.
    Show {
        gtin: String,
        #[arg(long)]
        json: bool,
    },
}

fn order_line(o: &StoreOnlineOrder) -> String {
    let items: u32 = o.lines.iter().map(|l| l.qty).sum();
    format!(
        "{}  {:<16}  {} item(s)  {}",
        o.order_id,
        o.status.name(),
        items,
        fulfil::destination_text(&o.destination)
    )
}

pub fn run(ctx: &Context, cmd: FulfilCommand) -> anyhow::Result<ExitCode> {
    let mut store = ctx.open_store()?;
    match cmd {
        FulfilCommand::List { json } => {
            let orders = store.fulfil_queue()?;
            if json {
                print_json(&orders)?;
            } else if orders.is_empty() {
                println!("no online orders to fill");
            } else {
                for o in &orders {
                    println!("{}", order_line(o));
                }
            }
        }
        FulfilCommand::Show { order, json } => {
            let (o, lines) = store.online_order(&order)?;
            if json {
                print_json(&fulfil::OrderView::new(&o, &lines))?;
            } else {
                println!("{}", order_line(&o));
                for l in &lines {
                    println!(
                        "  {:<6} {}  {}  {}/{}",
                        l.shelf.as_deref().unwrap_or("-"),
                        l.gtin.display_form(),
                        l.name,
                        l.picked,
                        l.qty
                    );
                }
            }
        }
        FulfilCommand::Pick { order, scans, json } => {
            let mut refused = 0;
            let mut last = None;
            for text in &scans {
                match fulfil::pick_scanned(&mut store, &order, text) {
                    Ok(PickOutcome { order: o, lines }) => {
                        if !json {
                            println!("picked {}", text.trim());
                        }
                        last = Some((o, lines));
                    }
                    Err(e @ (FulfilError::Pick(_) | FulfilError::NotAProduct(_))) => {
                        refused += 1;
                        eprintln!(
                            "smartstore fulfil pick: {}",
                            super::describe(&e, super::lang())
                        );
                    }
                    Err(e) => return Err(e.into()),
                }
            }
            let (o, lines) = match last {
                Some(l) => l,
                None => store.online_order(&order)?,
            };
            if json {
                print_json(&fulfil::OrderView::new(&o, &lines))?;
            } else {
                let left: u32 = lines.iter().map(|l| l.qty.saturating_sub(l.picked)).sum();
                println!(
                    "order {} is {}; {left} item(s) still to pick",
                    o.order_id,
                    o.status.name()
                );
            }
            if refused > 0 {
                return Ok(ExitCode::from(1));
            }
        }
        FulfilCommand::Pack {
            order,
            label,
            printer,
            json,
        } => {
            let packed = store.pack_online(&order)?;
            let mut config = ctx.config.clone();
            if printer.is_some() {
                config.printer = printer;
            }
            let label_page = fulfil::label(&store, &packed, super::lang())?;
            if let Some(path) = &label {
                let png = smartstore_print::label_png(&label_page, paper(config.printer_paper)?)?;
                std::fs::write(path, png)
                    .with_context(|| format!("cannot write the label to {}", path.display()))?;
            }
            match printer_of(&config)? {
                Some(p) => {
                    let bytes = smartstore_print::label_escpos(&label_page, p.paper)?;
                    smartstore_print::send(&p.addr, &bytes)?;
                }
                None if label.is_none() => anyhow::bail!(
                    "order {} is packed; give --label FILE.png or --printer ADDR for its label \
                     (`smartstore fulfil pack` prints it again)",
                    packed.order_id
                ),
                None => {}
            }
            if json {
                print_json(&packed)?;
            } else {
                println!(
                    "order {} is {}: parcel {}",
                    packed.order_id,
                    packed.status.name(),
                    packed.parcel_id.as_deref().unwrap_or_default()
                );
            }
        }
        FulfilCommand::Ship { order, scan, json } => {
            let o = store.hand_over_online(&order, &scan)?;
            if json {
                print_json(&o)?;
            } else {
                println!("order {} is {}", o.order_id, o.status.name());
            }
        }
        FulfilCommand::Reject { order, reason } => {
            let o = store.reject_online(&order, &reason)?;
            println!(
                "order {} given back to the platform: {}",
                o.order_id,
                o.reason.as_deref().unwrap_or_default()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn run_stock(ctx: &Context, cmd: StockCommand) -> anyhow::Result<ExitCode> {
    let mut store = ctx.open_store()?;
    match cmd {
        StockCommand::Count { gtin, qty } => {
            let gtin = Gtin::parse(&gtin)?;
            if !(0..=1_000_000_000).contains(&qty) {
                anyhow::bail!("a count is a whole number from 0 to 1000000000, not {qty}");
            }
            store.count_stock(&gtin, qty)?;
            println!("stock of {} counted: {qty}", gtin.display_form());
        }
        StockCommand::Show { gtin, json } => {
            let gtin = Gtin::parse(&gtin)?;
            let item = store
                .item(gtin)?
                .ok_or(crate::store::StoreError::UnknownGtin(gtin))?;
            if json {
                print_json(&serde_json::json!({
                    "gtin": item.gtin.as_str(), "stock": item.stock, "shelf": item.shelf,
                }))?;
            } else {
                match item.stock {
                    Some(s) => println!("{}  {}  stock {s}", item.gtin.display_form(), item.name),
                    None => println!(
                        "{}  {}  stock not known (count it: smartstore stock count GTIN QTY)",
                        item.gtin.display_form(),
                        item.name
                    ),
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
