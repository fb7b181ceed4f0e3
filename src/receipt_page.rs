//! The page of one of this terminal's sales, in the shopper's language, with the signed receipt
//! QR (the e-receipt link, which another terminal also verifies for a return); printed after a
//! sale at the counter when a printer is set.

use std::path::Path;

use smartstore_domain::money::{Currency, Money};
use smartstore_print::{Block, Page, PrinterStatus};

use crate::config::Config;
use crate::i18n::{Lang, t, tr};
use crate::receipt::{ReceiptRefusal, print, printer};
use crate::store::Store;

/// The receipt of a sale of this terminal (by receipt number or order id), in `lang`; times in
/// the store's local time (`offset`).
pub fn page(
    store: &Store,
    data_dir: &Path,
    receipt_or_id: &str,
    lang: Lang,
    offset: time::UtcOffset,
) -> Result<Page, ReceiptRefusal> {
    let sale = store
        .sale(receipt_or_id)?
        .ok_or_else(|| ReceiptRefusal::NotFound(receipt_or_id.chars().take(64).collect()))?;
    let extra = store
        .printed_sale(&sale.order_id)?
        .ok_or_else(|| ReceiptRefusal::NotFound(sale.receipt.clone()))?;
    let currency = Currency::parse(&sale.currency).unwrap_or_default();
    let money = |m: i64| Money::new(m, currency).to_string();
    let when = time::OffsetDateTime::parse(
        &sale.created_at,
        &time::format_description::well_known::Rfc3339,
    )
    .ok()
    .and_then(|at| {
        at.to_offset(offset)
            .format(time::macros::format_description!(
                "[year]-[month]-[day] [hour]:[minute]"
            ))
            .ok()
    })
    .unwrap_or_else(|| sale.created_at.clone());
    let row = |left: String, right: String| Block::Row { left, right };
    let mut blocks = vec![
        Block::Title(t(lang, "receipt-title")),
        Block::Center(tr(
            lang,
            "receipt-store",
            &[
                ("store", sale.store.clone()),
                ("terminal", sale.terminal.clone()),
            ],
        )),
        Block::Rule,
        row(t(lang, "receipt-number"), sale.receipt.clone()),
        row(t(lang, "receipt-time"), when),
    ];
    if let Some(clerk) = extra.clerk.as_ref().filter(|c| !c.is_empty()) {
        blocks.push(row(t(lang, "receipt-clerk"), clerk.clone()));
    }
    blocks.push(Block::Rule);
    for (i, (gtin, quantity, unit)) in sale.lines.iter().enumerate() {
        let name = match extra.names.get(i) {
            Some((_, Some(zh))) if lang == Lang::Zh && !zh.is_empty() => zh.clone(),
            Some((name, _)) => name.clone(),
            None => gtin.clone(),
        };
        blocks.push(Block::Text(name));
        let how = match extra.weights.get(i) {
            Some((Some(grams), per_kg)) => weighed_line(lang, *grams, per_kg.map(money)),
            _ => format!("{quantity} × {}", money(*unit)),
        };
        blocks.push(row(
            format!("  {how}"),
            money(unit.saturating_mul(i64::from(*quantity))),
        ));
    }
    blocks.push(Block::Rule);
    blocks.push(row(t(lang, "receipt-subtotal"), money(sale.subtotal)));
    if sale.subtotal != sale.total {
        blocks.push(row(
            t(lang, "receipt-discount"),
            money(sale.total - sale.subtotal),
        ));
    }
    blocks.push(row(t(lang, "receipt-total"), money(sale.total)));
    for (method, amount, _) in &sale.tenders {
        let (key, shown) = match method.as_str() {
            "cash" => ("receipt-cash", extra.cash_tendered.max(*amount)),
            "card" => ("receipt-card", *amount),
            "code" => ("receipt-code", *amount),
            _ => ("receipt-later", *amount),
        };
        blocks.push(row(t(lang, key), money(shown)));
    }
    let change = extra.cash_tendered - extra.cash_paid;
    if change > 0 {
        blocks.push(row(t(lang, "receipt-change"), money(change)));
    }
    blocks.push(Block::Text(t(
        lang,
        match extra.fulfil.as_str() {
            "deliver" => "receipt-fulfil-deliver",
            "collect" => "receipt-fulfil-collect",
            _ => "receipt-fulfil-now",
        },
    )));
    blocks.push(Block::Rule);
    match crate::sale::receipt_code(store, data_dir, &sale.order_id) {
        Ok(Some(link)) => {
            blocks.push(Block::Center(t(lang, "receipt-scan")));
            blocks.push(Block::Qr(link));
        }
        Ok(None) => {}
        Err(e) => tracing::warn!("no receipt code on the printed receipt: {e}"),
    }
    blocks.push(Block::Center(t(lang, "receipt-thanks")));
    blocks.push(Block::Feed(2));
    Ok(Page { blocks })
}

/// A weighed package as receipts and the cart show it: "0.532 kg × ¥29.80/kg", or its weight
/// alone when the label printed its price.
pub fn weighed_line(lang: Lang, grams: u64, per_kg: Option<String>) -> String {
    let weight = smartstore_domain::weighed::kilograms(grams);
    match per_kg {
        Some(per_kg) => tr(
            lang,
            "weighed-line",
            &[("weight", weight), ("per_kg", per_kg)],
        ),
        None => tr(lang, "weighed-weight", &[("weight", weight)]),
    }
}

/// After a sale at the counter: prints its receipt when a printer is set (opening the drawer
/// when cash was taken). `Ok(None)`: no printer; an error is for the clerk, the sale stands.
pub fn print_after_sale(
    store: &Store,
    data_dir: &Path,
    order_id: &str,
    lang: Lang,
) -> Result<Option<PrinterStatus>, ReceiptRefusal> {
    let config = Config::load(data_dir).map_err(|e| ReceiptRefusal::Config(format!("{e:#}")))?;
    let Some(p) = printer(&config)? else {
        return Ok(None);
    };
    let offset = config
        .utc_offset()
        .map_err(|e| ReceiptRefusal::Config(format!("{e:#}")))?;
    let page = page(store, data_dir, order_id, lang, offset)?;
    let cash = store
        .printed_sale(order_id)?
        .is_some_and(|s| s.cash_paid > 0);
    print(&p, &page, p.drawer && cash).map(Some)
}
