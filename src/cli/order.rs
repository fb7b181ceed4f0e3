use std::process::ExitCode;

use clap::{Subcommand, ValueEnum};
use serde::Serialize;
use time::format_description::well_known::Rfc3339;

use super::{Context, print_json};
use crate::checkout::{Applied, CodeContext, LabelRules, scan_into_cart};
use crate::sale::SaleError;
use smartstore_domain::cart::Cart;
use smartstore_domain::checkout::{Checkout, CheckoutError, TenderKind, TenderStatus};
use smartstore_domain::money::{Currency, Money};
use smartstore_domain::order::{Fulfilment, Payment};

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FulfilArg {
    Deliver,
    Collect,
    /// A plain counter sale: the shopper carries the goods out at once.
    Now,
}

#[derive(Debug, Subcommand)]
pub enum OrderCommand {
    /// Place an order from scanned texts; prints it only after it is committed.
    Create(CreateArgs),
}

#[derive(Debug, clap::Args)]
pub struct CreateArgs {
    /// now (carried out at once, paid now), deliver (to --address) or collect (at
    /// --collect-store from --pickup-at). Default: deliver when --address is given, else now.
    #[arg(long)]
    pub fulfil: Option<FulfilArg>,
    /// Exactly the text a camera or scanner read; repeat for each scan.
    #[arg(long = "scan", value_name = "TEXT", required = true)]
    pub scans: Vec<String>,
    /// Delivery address (required with --fulfil deliver).
    #[arg(long)]
    pub address: Option<String>,
    /// How the sale is paid; repeat to split it: cash[:AMOUNT] (AMOUNT handed over, change
    /// given), card:REF[:AMOUNT], code:DIGITS[:AMOUNT] or later. A tender without an amount
    /// pays what is left. Default: later (or the payment code scanned).
    #[arg(long = "pay", value_name = "TENDER")]
    pub pay: Vec<String>,
    /// Store where a collect order is picked up (default: this store).
    #[arg(long)]
    pub collect_store: Option<String>,
    /// When a collect order may be picked up, RFC 3339 (default: 24 hours from now).
    #[arg(long)]
    pub pickup_at: Option<String>,
    /// The staff member ringing the sale up (default: whoever opened the shift); the shift's
    /// reports total sales per staff member.
    #[arg(long, value_name = "ID")]
    pub staff: Option<String>,
    /// The shopper's age was checked (an ID shown): needed when the sale holds age-restricted
    /// products (alcohol, tobacco).
    #[arg(long)]
    pub age_checked: bool,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct OrdersArgs {
    /// Only orders the platform has not confirmed yet.
    #[arg(long)]
    pub unsynced: bool,
    #[arg(long)]
    pub json: bool,
    /// At most this many orders.
    #[arg(long, default_value_t = u32::MAX)]
    pub limit: u32,
    /// The events set aside because the platform refused their content, instead of orders.
    #[arg(long, conflicts_with = "unsynced")]
    pub quarantined: bool,
}

#[derive(Serialize)]
struct OrderJson<'a> {
    id: &'a str,
    receipt: &'a str,
    fulfil: &'a str,
    total: i64,
    currency: &'a str,
    synced: bool,
    /// What paid for it (`order create` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    tenders: Option<Vec<TenderJson>>,
    /// Change given in cash, minor units (`order create` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    change: Option<i64>,
    /// What the receipt's QR carries: a link to the platform's receipt page whose token is the
    /// signed sale (`order create` on an enrolled terminal only).
    #[serde(skip_serializing_if = "Option::is_none")]
    receipt_code: Option<String>,
}

#[derive(Serialize)]
struct TenderJson {
    method: &'static str,
    amount: i64,
    tendered: i64,
    reference: String,
    payment_id: Option<String>,
}

/// One `--pay`: cash[:AMOUNT], card:REF[:AMOUNT], code:DIGITS[:AMOUNT] or later.
fn parse_tender(text: &str, currency: Currency) -> anyhow::Result<(TenderKind, Option<Money>)> {
    let parts: Vec<&str> = text.trim().split(':').collect();
    let amount = |t: &str| {
        Money::parse(t, currency)
            .map_err(|e| anyhow::Error::new(e).context(format!("--pay '{text}'")))
    };
    let (payment, amount) = match parts.as_slice() {
        [m, a] if m.eq_ignore_ascii_case("cash") => (Payment::Cash, Some(amount(a)?)),
        [m, x, a] if m.eq_ignore_ascii_case("card") || m.eq_ignore_ascii_case("code") => {
            (format!("{m}:{x}").parse::<Payment>()?, Some(amount(a)?))
        }
        _ => (text.parse::<Payment>()?, None),
    };
    if payment == Payment::Split {
        anyhow::bail!("--pay '{text}': give each tender with its own --pay");
    }
    Ok((TenderKind::from(payment), amount))
}

pub fn run(ctx: &Context, cmd: OrderCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        OrderCommand::Create(args) => create(ctx, &args),
    }
}

fn create(ctx: &Context, args: &CreateArgs) -> anyhow::Result<ExitCode> {
    let currency = ctx.config.currency()?;
    let mut tenders = Vec::with_capacity(args.pay.len());
    for p in &args.pay {
        tenders.push(parse_tender(p, currency)?);
    }
    let mut store = ctx.open_store()?;
    let mut cart = Cart::new(currency);
    let codes = CodeContext::load(&store, LabelRules::of(&ctx.config)?)?;
    let mut member: Option<smartstore_protocol::codes::Member> = None;
    let mut scanned_code: Option<TenderKind> = None;
    for text in &args.scans {
        match scan_into_cart(&store, &mut cart, text, None, &codes)? {
            Err(reason) => {
                return Err(anyhow::Error::new(reason)
                    .context(format!("scan '{}' refused, nothing was stored", clip(text))));
            }
            Ok(Applied::Added { item, quantity }) => {
                tracing::info!(gtin = %item.gtin, quantity, "added")
            }
            Ok(Applied::Package {
                item,
                package,
                price,
            }) => {
                tracing::info!(gtin = %item.gtin, weight_g = ?package.weight_g, %price, "package added")
            }
            Ok(Applied::Member(m)) => member = Some(m),
            Ok(Applied::Coupon {
                coupon_id,
                discount,
            }) => tracing::info!(coupon_id, %discount, "coupon applied"),
            Ok(Applied::Basket { lines }) => tracing::info!(lines, "basket loaded"),
            Ok(Applied::Pickup { pickup, .. }) => anyhow::bail!(
                "that is the pickup code of online order {}: hand it over with `smartstore pickup --scan CODE`; nothing was stored",
                pickup.order_id
            ),
            // A payment code scanned at checkout pays what the --pay tenders leave.
            Ok(Applied::Payment { scheme, digits }) => {
                scanned_code = Some(TenderKind::Code { digits, scheme })
            }
        }
    }
    let fulfil = args.fulfil.unwrap_or(if args.address.is_some() {
        FulfilArg::Deliver
    } else {
        FulfilArg::Now
    });
    let fulfilment = match fulfil {
        FulfilArg::Now => Fulfilment::Now,
        // A member code brings its delivery address when none was typed.
        FulfilArg::Deliver => Fulfilment::Deliver {
            address: args
                .address
                .clone()
                .or_else(|| member.as_ref().and_then(|m| m.addresses.first().cloned()))
                .unwrap_or_default(),
        },
        FulfilArg::Collect => {
            let store_id = match &args.collect_store {
                Some(s) => s.clone(),
                None => store.receipt_prefix()?.0,
            };
            let pickup_at = match &args.pickup_at {
                Some(t) => time::OffsetDateTime::parse(t, &Rfc3339)
                    .map_err(|e| anyhow::anyhow!("--pickup-at '{t}' is not an RFC 3339 time such as 2026-11-22T10:00:00+08:00: {e}"))?
                    .format(&Rfc3339)?,
                None => (time::OffsetDateTime::now_utc() + time::Duration::days(1)).format(&Rfc3339)?,
            };
            Fulfilment::Collect {
                store: store_id,
                pickup_at,
            }
        }
    };
    if args.address.is_some() && matches!(fulfilment, Fulfilment::Collect { .. }) {
        anyhow::bail!("--address is for delivery orders; a collect order is picked up at a store");
    }
    if args.address.is_some() && fulfilment == Fulfilment::Now {
        anyhow::bail!(
            "--address is for delivery orders; a sale carried out now has none (use --fulfil deliver)"
        );
    }
    if fulfilment == Fulfilment::Now && tenders.is_empty() && scanned_code.is_none() {
        anyhow::bail!(
            "a sale the shopper carries out now is paid now: add --pay cash[:AMOUNT], --pay card:REF or --pay code:DIGITS (or --fulfil deliver|collect to pay later); nothing was stored"
        );
    }
    let nothing_stored = |e: SaleError| anyhow::Error::new(e).context("nothing was stored");
    if cart.age_restricted() && !args.age_checked {
        return Err(anyhow::Error::new(SaleError::from(CheckoutError::AgeCheck))
            .context("check the shopper's ID, then add --age-checked; nothing was stored"));
    }
    // Nothing is sold outside a shift: the first sale opens one with a zero float, and says so.
    if let (open, true) = crate::shift::ensure_open(&mut store, currency)? {
        eprintln!(
            "no shift was open: opened shift {} with a zero float (count the drawer with `smartstore shift cash --in AMOUNT --reason float`)",
            open.shift_id
        );
    }
    let mut checkout =
        Checkout::new(uuid::Uuid::now_v7().to_string(), cart).with_clerk(args.staff.clone());
    if checkout.needs_age_check() {
        checkout.confirm_age(smartstore_domain::checkout::Approval {
            staff_id: args.staff.clone().unwrap_or_else(|| "clerk".into()),
            role: smartstore_domain::checkout::Role::Clerk,
        });
    }
    checkout
        .check(&fulfilment)
        .map_err(|e| nothing_stored(e.into()))?;
    if tenders.is_empty() && scanned_code.is_none() {
        tenders.push((TenderKind::Later, None));
    }
    tenders.extend(scanned_code.map(|k| (k, None)));
    for (kind, amount) in tenders {
        checkout
            .tender(kind, amount)
            .map_err(|e| nothing_stored(e.into()))?;
    }
    let member_id = member.map(|m| m.member_id);
    let placed = crate::sale::place(
        &mut store,
        &ctx.data_dir,
        &mut checkout,
        fulfilment.clone(),
        member_id,
    )
    .map_err(nothing_stored)?;
    let change = checkout.change()?;
    let receipt_code = crate::sale::receipt_code(&store, &ctx.data_dir, &placed.id.to_string())
        .unwrap_or_else(|e| {
            tracing::warn!("no receipt code: {e}");
            None
        });
    if args.json {
        print_json(&OrderJson {
            id: &placed.id.to_string(),
            receipt: &placed.receipt,
            fulfil: fulfilment.kind(),
            total: placed.total.minor,
            currency: placed.total.currency.code(),
            synced: false,
            tenders: Some(
                checkout
                    .tenders()
                    .iter()
                    .filter(|t| t.status == TenderStatus::Approved)
                    .map(|t| TenderJson {
                        method: t.kind.method(),
                        amount: t.amount.minor,
                        tendered: t.tendered.minor,
                        reference: t.reference.clone(),
                        payment_id: t.payment_id.clone(),
                    })
                    .collect(),
            ),
            change: Some(change.minor),
            receipt_code,
        })?;
    } else {
        println!(
            "order {} placed: receipt {}, total {}",
            placed.id, placed.receipt, placed.total
        );
        if change.minor > 0 {
            println!("change to give in cash: {change}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn list(ctx: &Context, args: &OrdersArgs) -> anyhow::Result<ExitCode> {
    // A damaged database, a read-only or full disk: still listed, read-only, with the reason.
    let (store, not_writable) = ctx.open_store_to_read()?;
    if let Some(why) = &not_writable {
        eprintln!(
            "{}",
            crate::i18n::Msg::new("orders-read-only")
                .line(crate::i18n::Localize::msg(why))
                .render(super::lang())
        );
    }
    if args.quarantined {
        for q in store.quarantined()? {
            if args.json {
                print_json(&q)?;
            } else {
                println!(
                    "{}  seq {}  {}  {} bytes  {}  {}",
                    q.at,
                    q.seq,
                    q.kind,
                    q.bytes,
                    q.order_id.as_deref().unwrap_or("-"),
                    q.reason
                );
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    for o in store.orders(args.unsynced, args.limit)? {
        if args.json {
            print_json(&OrderJson {
                id: &o.id,
                receipt: &o.receipt,
                fulfil: &o.fulfil,
                total: o.total,
                currency: &o.currency,
                synced: o.synced,
                tenders: None,
                change: None,
                receipt_code: None,
            })?;
        } else {
            let total = smartstore_domain::money::Money::new(
                o.total,
                smartstore_domain::money::Currency::parse(&o.currency).unwrap_or_default(),
            );
            println!(
                "{}  {}  {:8}  {:>12}  {}  {}",
                o.created_at,
                o.receipt,
                o.fulfil,
                total.to_string(),
                if o.synced { "synced" } else { "unsynced" },
                o.id
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn clip(text: &str) -> String {
    let short: String = text.chars().take(24).collect();
    if short.len() < text.len() {
        format!("{short}…")
    } else {
        short
    }
}

#[derive(Debug, clap::Args)]
pub struct PickupArgs {
    /// The pickup code (PU1:…) the shopper shows.
    #[arg(long)]
    pub scan: String,
    /// Hand the goods over (without it, only show the order's lines to check).
    #[arg(long)]
    pub confirm: bool,
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
struct PickupJson<'a> {
    order_id: &'a str,
    store: &'a str,
    lines: Vec<PickupLineJson>,
    collected: bool,
    seq: Option<u64>,
}

#[derive(Serialize)]
struct PickupLineJson {
    gtin: String,
    name: Option<String>,
    quantity: u32,
}

/// Click-and-collect hand-over: verify the pickup code offline, show the lines, and on
/// `--confirm` record the hand-over and queue a `pickup.collected` event.
pub fn pickup(ctx: &Context, args: &PickupArgs) -> anyhow::Result<ExitCode> {
    let mut store = ctx.open_store()?;
    let codes = CodeContext::load(&store, LabelRules::of(&ctx.config)?)?;
    let mut scratch = Cart::new(ctx.config.currency()?);
    let p = match scan_into_cart(&store, &mut scratch, &args.scan, None, &codes)? {
        Ok(Applied::Pickup { pickup, .. }) => pickup,
        Ok(_) => anyhow::bail!("that is not a pickup code (PU1:…)"),
        Err(reason) => return Err(anyhow::Error::new(reason).context("pickup code refused")),
    };
    let mut lines = Vec::new();
    for (gtin, quantity) in &p.lines {
        let name = store.item(*gtin)?.map(|i| i.name);
        lines.push(PickupLineJson {
            gtin: gtin.as_str(),
            name,
            quantity: *quantity,
        });
    }
    let seq = if args.confirm {
        crate::sync::claim_single_use(
            &store,
            &ctx.data_dir,
            smartstore_protocol::wire::ClaimKind::Pickup,
            &p.order_id,
        )
        .map_err(|e| anyhow::Error::new(e).context("nothing was stored"))?;
        let plain: Vec<(String, u32)> = p.lines.iter().map(|(g, q)| (g.as_str(), *q)).collect();
        Some(store.collect_pickup(&p.order_id, &p.store, &plain)?)
    } else {
        None
    };
    if args.json {
        print_json(&PickupJson {
            order_id: &p.order_id,
            store: &p.store,
            lines,
            collected: seq.is_some(),
            seq,
        })?;
    } else {
        println!("online order {} for store {}:", p.order_id, p.store);
        for l in &lines {
            println!(
                "  {} x {}  {}",
                l.quantity,
                l.gtin,
                l.name.as_deref().unwrap_or("(not in this catalog)")
            );
        }
        match seq {
            Some(_) => println!("handed over; the platform will be told at the next sync"),
            None => println!("check the goods, then run again with --confirm to hand them over"),
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Debug, clap::Args)]
pub struct PaymentsArgs {
    /// Only the unresolved ones: asked without an answer kept, or approved without an order.
    #[arg(long)]
    pub pending: bool,
    /// First settle with the platform those no running checkout owns (voided there when they
    /// stand without an order).
    #[arg(long)]
    pub reconcile: bool,
    #[arg(long)]
    pub json: bool,
}

/// `smartstore payments`: the terminal's side of the payments by code.
pub fn payments(ctx: &Context, args: &PaymentsArgs) -> anyhow::Result<ExitCode> {
    if args.reconcile {
        let store = ctx.open_store()?;
        let r = crate::sale::reconcile(&store, &ctx.data_dir, None)?;
        eprintln!(
            "reconciled: {} voided, {} declined, {} still in a running checkout",
            r.voided, r.declined, r.in_progress
        );
    }
    let (store, _) = ctx.open_store_to_read()?;
    for i in store.payment_intents(args.pending)? {
        if args.json {
            print_json(&i)?;
        } else {
            let amount = smartstore_domain::money::Money::new(
                i.amount,
                Currency::parse(&i.currency).unwrap_or_default(),
            );
            println!(
                "{}  {:9}  {:>12}  {}  {}  {}",
                i.created_at,
                i.status.as_str(),
                amount.to_string(),
                i.code,
                i.reference,
                i.order_id.as_deref().unwrap_or("-")
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Debug, clap::Args)]
pub struct VoidArgs {
    /// The receipt number (or the text of its QR code).
    #[arg(long)]
    pub receipt: String,
    /// Only this line (its GTIN), all of its quantity.
    #[arg(long)]
    pub line: Option<String>,
    /// The supervisor who approves; the PIN is read from standard input.
    #[arg(long)]
    pub staff: String,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct ReturnArgs {
    /// The receipt: its number (this terminal's), or the text of its QR code.
    #[arg(long)]
    pub receipt: String,
    /// A line to take back: GTIN:QTY, or GTIN:QTY:damaged when it is not restocked; repeat.
    #[arg(long = "line", value_name = "GTIN:QTY", required = true)]
    pub lines: Vec<String>,
    /// original (the tenders the sale used: code and card first, then cash), cash, card or code.
    #[arg(long, default_value = "original")]
    pub refund: String,
    /// The supervisor who approves; the PIN is read from standard input.
    #[arg(long)]
    pub staff: String,
    #[arg(long)]
    pub json: bool,
}

/// One `--line GTIN:QTY[:damaged]`.
fn parse_line(text: &str) -> anyhow::Result<smartstore_domain::returns::Wanted> {
    let mut parts = text.trim().split(':');
    let gtin = parts.next().unwrap_or("");
    let gtin = smartstore_domain::gtin::Gtin::parse(gtin)
        .map_err(|e| anyhow::Error::new(e).context(format!("--line '{text}'")))?;
    let quantity = match parts.next() {
        None => 1,
        Some(q) => q
            .parse::<u32>()
            .ok()
            .filter(|q| *q > 0 && *q <= smartstore_domain::cart::MAX_QUANTITY)
            .ok_or_else(|| {
                anyhow::anyhow!("--line '{text}': the quantity is a whole number from 1")
            })?,
    };
    let restock = match parts.next() {
        None => true,
        Some("damaged") => false,
        Some(other) => anyhow::bail!("--line '{text}': '{other}' is not 'damaged'"),
    };
    Ok(smartstore_domain::returns::Wanted {
        gtin,
        quantity,
        restock,
    })
}

/// Reads a PIN from standard input (never echoed back, never stored).
fn read_pin() -> anyhow::Result<String> {
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

fn print_return(done: &crate::returns::ReturnDone, json: bool) -> anyhow::Result<()> {
    if json {
        return print_json(done);
    }
    let currency = Currency::parse(&done.currency).unwrap_or_default();
    println!(
        "{} of receipt {} taken: {} refunded, approved by {}",
        done.reason,
        done.receipt,
        Money::new(done.total, currency),
        done.approved_by
    );
    for r in &done.refunds {
        println!(
            "  {:5} {:>10}  {}",
            r.method,
            Money::new(r.amount, currency).to_string(),
            match r.status.as_str() {
                "owed" => "owed: made when the platform can be reached",
                "refused" => "refused by the platform: refund it another way",
                _ if r.method == "cash" => "give it from the drawer",
                _ if r.method == "card" => "refund it on the card terminal",
                _ => "refunded",
            }
        );
    }
    Ok(())
}

fn take_back(
    ctx: &Context,
    receipt: &str,
    wanted: &[smartstore_domain::returns::Wanted],
    refund: smartstore_domain::returns::RefundTo,
    staff: &str,
    reason: crate::returns::Reason,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let offset = ctx.config.utc_offset()?;
    let pin = read_pin()?;
    let mut store = ctx.open_store()?;
    let refused =
        |e: crate::returns::ReturnRefusal| anyhow::Error::new(e).context("nothing was taken back");
    let approval =
        crate::staff::approve(&store, staff, &pin, true).map_err(|e| refused(e.into()))?;
    let done = crate::returns::take_back(
        &mut store,
        &ctx.data_dir,
        receipt,
        wanted,
        refund,
        &approval,
        reason,
        offset,
    )
    .map_err(refused)?;
    print_return(&done, json)?;
    Ok(ExitCode::SUCCESS)
}

/// `smartstore void`: a sale of today on this terminal, or one of its lines.
pub fn void(ctx: &Context, args: &VoidArgs) -> anyhow::Result<ExitCode> {
    let wanted = match &args.line {
        None => Vec::new(),
        Some(gtin) => {
            let store = ctx.open_store()?;
            let code = crate::returns::find_sale(&store, &args.receipt)
                .map_err(|e| anyhow::Error::new(e).context("nothing was voided"))?;
            let g = smartstore_domain::gtin::Gtin::parse(gtin)
                .map_err(|e| anyhow::Error::new(e).context(format!("--line '{gtin}'")))?;
            let quantity = code
                .lines
                .iter()
                .filter(|(l, _, _)| smartstore_domain::gtin::Gtin::parse(l).ok() == Some(g))
                .map(|(_, q, _)| *q)
                .sum::<u32>()
                .saturating_sub(
                    store
                        .returned_before(&code.order_id)?
                        .quantities
                        .get(&g)
                        .copied()
                        .unwrap_or(0),
                );
            vec![smartstore_domain::returns::Wanted {
                gtin: g,
                quantity,
                restock: true,
            }]
        }
    };
    take_back(
        ctx,
        &args.receipt,
        &wanted,
        smartstore_domain::returns::RefundTo::Original,
        &args.staff,
        crate::returns::Reason::Void,
        args.json,
    )
}

/// `smartstore return`: goods back against a receipt.
pub fn take_return(ctx: &Context, args: &ReturnArgs) -> anyhow::Result<ExitCode> {
    let refund = smartstore_domain::returns::RefundTo::parse(&args.refund).ok_or_else(|| {
        anyhow::anyhow!(
            "--refund is original, cash, card or code, not '{}'",
            args.refund
        )
    })?;
    let mut wanted = Vec::new();
    for l in &args.lines {
        wanted.push(parse_line(l)?);
    }
    take_back(
        ctx,
        &args.receipt,
        &wanted,
        refund,
        &args.staff,
        crate::returns::Reason::Return,
        args.json,
    )
}
