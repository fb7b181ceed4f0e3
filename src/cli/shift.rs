//! `smartstore shift open|cash|close|report`: the store's day at this terminal.

use std::process::ExitCode;

use clap::Subcommand;

use super::{Context, print_json};
use crate::shift::ShiftRefusal;
use smartstore_domain::money::{Currency, Money};
use smartstore_domain::shift::{ShiftReport, check_cash, counted};

#[derive(Debug, Subcommand)]
pub enum ShiftCommand {
    /// Open a shift with the float in the drawer: --float 200.00, or counted by denomination
    /// with --count VALUE:PIECES (repeat: --count 100:1 --count 50:2).
    Open {
        #[arg(long, conflicts_with = "counts")]
        float: Option<String>,
        #[arg(long = "count", value_name = "VALUE:PIECES")]
        counts: Vec<String>,
        /// Who opens it.
        #[arg(long, default_value = "clerk")]
        staff: String,
        #[arg(long)]
        json: bool,
    },
    /// Cash put into (--in) or taken out of (--out) the drawer, with its reason.
    Cash {
        #[arg(
            long = "in",
            value_name = "AMOUNT",
            conflicts_with = "cash_out",
            required_unless_present = "cash_out"
        )]
        cash_in: Option<String>,
        #[arg(long = "out", value_name = "AMOUNT")]
        cash_out: Option<String>,
        #[arg(long)]
        reason: String,
    },
    /// Close the shift blind: the drawer counted (--counted AMOUNT, or --count VALUE:PIECES…)
    /// before its expected figure is shown; prints the Z report.
    Close {
        #[arg(long, conflicts_with = "counts")]
        counted: Option<String>,
        #[arg(long = "count", value_name = "VALUE:PIECES")]
        counts: Vec<String>,
        #[arg(long)]
        json: bool,
    },
    /// The open shift's X report (nothing changes).
    Report {
        #[arg(long)]
        json: bool,
    },
}

fn amount(text: &str, currency: Currency) -> anyhow::Result<Money> {
    let m = Money::parse(text, currency)?;
    Ok(check_cash(m)?)
}

/// `VALUE:PIECES` counts (value as money, e.g. 100 or 0.50).
fn pieces(counts: &[String], currency: Currency) -> anyhow::Result<(Money, String)> {
    let mut list = Vec::new();
    for c in counts {
        let (value, n) = c
            .split_once(':')
            .ok_or_else(|| anyhow::anyhow!("--count '{c}' is VALUE:PIECES, such as 100:2"))?;
        let value = Money::parse(value, currency)?;
        let n: u32 = n
            .trim()
            .parse()
            .map_err(|_| anyhow::anyhow!("--count '{c}': the pieces are a whole number"))?;
        list.push((value.minor, n));
    }
    let total = counted(&list, currency)?;
    Ok((total, serde_json::to_string(&list)?))
}

fn print_report(r: &ShiftReport, json: bool) -> anyhow::Result<()> {
    if json {
        return print_json(r);
    }
    let currency = Currency::parse(&r.currency).unwrap_or_default();
    let m = |v: i64| Money::new(v, currency).to_string();
    println!(
        "shift {} opened {}{}",
        r.shift_id,
        r.opened_at,
        r.closed_at
            .as_deref()
            .map(|c| format!(", closed {c}"))
            .unwrap_or_default()
    );
    println!(
        "  sales {} for {} (discounts {})",
        r.sales_count,
        m(r.sales),
        m(r.discounts)
    );
    println!("  returns {}, voids {}", r.returns_count, r.voids_count);
    for (method, a) in &r.tenders {
        println!("  {method:6} {:>12}", m(*a));
    }
    println!(
        "  float {}, cash in {}, cash out {}, expected in the drawer {}",
        m(r.float),
        m(r.cash_in),
        m(r.cash_out),
        m(r.expected_cash)
    );
    if let (Some(c), Some(d)) = (r.counted_cash, r.over_short) {
        println!("  counted {}, over/short {}", m(c), m(d));
    }
    if let (Some(tax), Some(bp)) = (r.tax, r.tax_rate_bp) {
        println!(
            "  tax included at {}.{:02} %: {}",
            bp / 100,
            bp % 100,
            m(tax)
        );
    }
    for (who, st) in &r.staff {
        let who = if who.is_empty() { "(unknown)" } else { who };
        println!(
            "  staff {who}: {} sales for {}, {} returns/voids refunding {}",
            st.sales_count,
            m(st.sales),
            st.returns_count,
            m(st.refunded)
        );
    }
    Ok(())
}

pub fn run(ctx: &Context, cmd: ShiftCommand) -> anyhow::Result<ExitCode> {
    let currency = ctx.config.currency()?;
    let mut store = ctx.open_store()?;
    match cmd {
        ShiftCommand::Open {
            float,
            counts,
            staff,
            json,
        } => {
            let (float, list) = match float {
                Some(f) => (amount(&f, currency)?, None),
                None if counts.is_empty() => (Money::new(0, currency), None),
                None => {
                    let (t, l) = pieces(&counts, currency)?;
                    (t, Some(l))
                }
            };
            let Some(open) = store.start_shift(&staff, float, list.as_deref())? else {
                let since = store.open_shift()?.map(|o| o.opened_at).unwrap_or_default();
                return Err(ShiftRefusal::AlreadyOpen { since }.into());
            };
            if json {
                print_json(&serde_json::json!({
                    "shift_id": open.shift_id, "opened_at": open.opened_at, "float": open.float.minor,
                }))?;
            } else {
                println!(
                    "shift {} opened with a float of {}",
                    open.shift_id, open.float
                );
            }
        }
        ShiftCommand::Cash {
            cash_in,
            cash_out,
            reason,
        } => {
            let (is_in, text) = match (cash_in, cash_out) {
                (Some(a), _) => (true, a),
                (None, Some(a)) => (false, a),
                (None, None) => anyhow::bail!("give --in AMOUNT or --out AMOUNT"),
            };
            let a = Money::parse(&text, currency)?;
            crate::shift::move_cash(&store, is_in, a, &reason)?;
            let reason = reason.trim();
            println!(
                "{} {a} {} the drawer: {reason}",
                if is_in { "put" } else { "took" },
                if is_in { "into" } else { "out of" }
            );
        }
        ShiftCommand::Close {
            counted,
            counts,
            json,
        } => {
            let total = match counted {
                Some(c) => amount(&c, currency)?,
                None if counts.is_empty() => {
                    anyhow::bail!(
                        "count the drawer first: --counted AMOUNT or --count VALUE:PIECES"
                    )
                }
                None => pieces(&counts, currency)?.0,
            };
            let report = store
                .close_shift(total, ctx.config.tax_rate_bp()?)?
                .ok_or(ShiftRefusal::NoneOpen)?;
            print_report(&report, json)?;
        }
        ShiftCommand::Report { json } => {
            let report = crate::shift::x_report(&store, ctx.config.tax_rate_bp()?)?;
            print_report(&report, json)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
