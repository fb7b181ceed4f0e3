use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::Subcommand;
use serde::Serialize;

use super::{Context, print_json};
use smartstore_domain::gtin::Gtin;

#[derive(Debug, Subcommand)]
pub enum CatalogCommand {
    /// Import products from a CSV file (header: gtin,name,price[,name_zh,currency,sku,unit,age_restricted,stock,shelf]).
    /// All rows or none.
    Import { file: PathBuf },
    /// Show one product.
    Show {
        gtin: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Serialize)]
struct ItemJson<'a> {
    gtin: String,
    name: &'a str,
    name_zh: Option<&'a str>,
    price: i64,
    currency: &'a str,
    sku: Option<&'a str>,
    unit: Option<&'a str>,
    age_restricted: bool,
    stock: Option<i64>,
    shelf: Option<&'a str>,
}

pub fn run(ctx: &Context, cmd: CatalogCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        CatalogCommand::Import { file } => {
            let input = std::fs::File::open(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let mut store = ctx.open_store()?;
            let currency = ctx.config.currency()?;
            let report = store
                .import_catalog_csv(std::io::BufReader::with_capacity(1 << 20, input), currency)
                .with_context(|| format!("{}", file.display()))?;
            println!(
                "imported {} products from {} ({} new, {} updated)",
                report.rows,
                file.display(),
                report.new,
                report.updated
            );
            Ok(ExitCode::SUCCESS)
        }
        CatalogCommand::Show { gtin, json } => {
            let gtin = Gtin::parse(&gtin)?;
            let store = ctx.open_store()?;
            let Some(item) = store.item(gtin)? else {
                anyhow::bail!("product {} is not in the catalog", gtin.display_form());
            };
            if json {
                print_json(&ItemJson {
                    gtin: item.gtin.as_str(),
                    name: &item.name,
                    name_zh: item.name_zh.as_deref(),
                    price: item.price.minor,
                    currency: item.price.currency.code(),
                    sku: item.sku.as_deref(),
                    unit: item.unit.as_deref(),
                    age_restricted: item.age_restricted,
                    stock: item.stock,
                    shelf: item.shelf.as_deref(),
                })?;
            } else {
                println!("{}  {}", item.gtin.display_form(), item.name);
                if let Some(zh) = &item.name_zh {
                    println!("    {zh}");
                }
                println!(
                    "    price {}{}",
                    item.price,
                    item.unit
                        .as_deref()
                        .map(|u| format!(" per {u}"))
                        .unwrap_or_default()
                );
                if let Some(stock) = item.stock {
                    println!("    stock {stock}");
                }
                if let Some(shelf) = &item.shelf {
                    println!("    shelf {shelf}");
                }
                if item.age_restricted {
                    println!("    age restricted: check the shopper's ID");
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
