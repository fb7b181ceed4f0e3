//! Online orders filled from this store's shelves (issue 16), as the counter's queue screen and
//! `smartstore fulfil` both use them: a scanned text picked into an order, the order as JSON,
//! its shipping label in the clerk's language.

use serde::Serialize;

use crate::i18n::{Lang, Msg};
use crate::store::{FulfilError, Store, StoreOnlineOrder};
use smartstore_domain::fulfil::PickLine;
use smartstore_domain::scan::{ScanKind, classify};
use smartstore_protocol::online::Destination;

/// After a pick: the order and its pick list.
#[derive(Debug, Clone)]
pub struct PickOutcome {
    pub order: StoreOnlineOrder,
    pub lines: Vec<PickLine>,
}

/// Picks the product a scanner read (any product code: EAN, UPC, a GS1 Digital Link) into
/// `order_id`. Anything else is refused as not a product.
pub fn pick_scanned(
    store: &mut Store,
    order_id: &str,
    text: &str,
) -> Result<PickOutcome, FulfilError> {
    let gtin = match classify(text, None) {
        ScanKind::Product(g) => g,
        _ => {
            return Err(FulfilError::NotAProduct(
                text.trim().chars().take(64).collect(),
            ));
        }
    };
    let (order, lines) = store.pick_online(order_id, &gtin)?;
    Ok(PickOutcome { order, lines })
}

/// Where an order goes, in a line.
pub fn destination_text(d: &Destination) -> String {
    match d {
        Destination::Deliver { address, .. } => address.clone(),
        Destination::Pickup { store } => format!("pickup at {store}"),
    }
}

/// A line of the pick list as `fulfil show --json` prints it.
#[derive(Debug, Serialize)]
pub struct PickLineView {
    pub gtin: String,
    pub name: String,
    pub name_zh: Option<String>,
    pub shelf: Option<String>,
    pub qty: u32,
    pub picked: u32,
}

/// An order and its pick list as `fulfil show --json` and `fulfil pick --json` print it.
#[derive(Debug, Serialize)]
pub struct OrderView {
    #[serde(flatten)]
    pub order: StoreOnlineOrder,
    pub pick_list: Vec<PickLineView>,
}

impl OrderView {
    pub fn new(order: &StoreOnlineOrder, lines: &[PickLine]) -> OrderView {
        OrderView {
            order: order.clone(),
            pick_list: lines
                .iter()
                .map(|l| PickLineView {
                    gtin: l.gtin.as_str(),
                    name: l.name.clone(),
                    name_zh: l.name_zh.clone(),
                    shelf: l.shelf.clone(),
                    qty: l.qty,
                    picked: l.picked,
                })
                .collect(),
        }
    }
}

/// The shipping label of a packed order, in `lang`: the order's number, where it goes, what is
/// in it, and the parcel's Code 128.
pub fn label(
    store: &Store,
    order: &StoreOnlineOrder,
    lang: Lang,
) -> Result<smartstore_print::Label, FulfilError> {
    let (store_id, _) = store.receipt_prefix()?;
    let (_, lines) = store.online_order(&order.order_id)?;
    let mut text = Vec::new();
    text.push(
        Msg::new("label-marketplace-order")
            .arg("marketplace", &order.marketplace)
            .arg("id", &order.marketplace_order_id)
            .arg("part", order.part)
            .arg("parts", order.parts)
            .render(lang),
    );
    text.push(match &order.destination {
        Destination::Deliver { address, .. } => Msg::new("label-deliver-to")
            .arg("address", address)
            .render(lang),
        Destination::Pickup { store } => Msg::new("label-collect-at")
            .arg("store", store)
            .render(lang),
    });
    text.push(
        Msg::new("label-from-store")
            .arg("store", &store_id)
            .render(lang),
    );
    for l in &lines {
        text.push(format!("{} × {}", l.qty, l.name_in(lang == Lang::Zh)));
    }
    Ok(smartstore_print::Label {
        title: order.order_id.clone(),
        lines: text,
        parcel_id: order.parcel_id.clone().unwrap_or_default(),
    })
}

/// Where a label is drawn when no printer is set: `labels/ORDER.png` in the data folder.
pub fn label_path(data_dir: &std::path::Path, order_id: &str) -> std::path::PathBuf {
    let safe: String = order_id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    data_dir.join("labels").join(format!("{safe}.png"))
}

/// Packs `order_id` and puts its label out: on the printer of config.toml, or drawn to
/// [`label_path`]. The order stays packed when the label fails (packing again prints it again).
/// Returns the order and what to tell the clerk.
pub fn pack_and_label(
    store: &mut Store,
    data_dir: &std::path::Path,
    order_id: &str,
    lang: Lang,
) -> Result<(StoreOnlineOrder, Msg), Msg> {
    use crate::i18n::Localize as _;
    use crate::receipt::ReceiptRefusal;
    let packed = store.pack_online(order_id).map_err(|e| e.msg())?;
    let label = label(store, &packed, lang).map_err(|e| e.msg())?;
    let config = crate::config::Config::load(data_dir)
        .map_err(|e| ReceiptRefusal::Config(e.to_string()).msg())?;
    match crate::receipt::printer(&config).map_err(|e| e.msg())? {
        Some(p) => {
            let bytes = smartstore_print::label_escpos(&label, p.paper)
                .map_err(|e| ReceiptRefusal::from(e).msg())?;
            smartstore_print::send(&p.addr, &bytes).map_err(|e| ReceiptRefusal::from(e).msg())?;
            Ok((packed, Msg::new("fulfil-label-printed")))
        }
        None => {
            let paper = crate::receipt::paper(config.printer_paper).map_err(|e| e.msg())?;
            let png = smartstore_print::label_png(&label, paper)
                .map_err(|e| ReceiptRefusal::from(e).msg())?;
            let path = label_path(data_dir, &packed.order_id);
            let written = path
                .parent()
                .map_or(Ok(()), std::fs::create_dir_all)
                .and_then(|()| std::fs::write(&path, png));
            match written {
                Ok(()) => Ok((
                    packed,
                    Msg::new("fulfil-label-saved").arg("path", path.display()),
                )),
                Err(e) => Err(Msg::new("fulfil-label-not-saved")
                    .arg("path", path.display())
                    .arg("detail", e)),
            }
        }
    }
}
