//! Receipts on paper and as images: the receipt printer of config.toml, printing a page
//! through `smartstore_print` or drawing it to a PNG. The page of a sale, in the shopper's
//! language, is made by [`crate::receipt_page`].

use smartstore_print::{
    EncodeOptions, Page, PageError, Paper, PrintError, PrinterAddr, PrinterStatus, TextMode,
};

use crate::config::Config;
use crate::store::StoreError;

/// Why a receipt was not printed or drawn.
#[derive(Debug, thiserror::Error)]
pub enum ReceiptRefusal {
    #[error("no sale {0} on this terminal")]
    NotFound(String),
    #[error(
        "no receipt printer is set: put printer = \"tcp:HOST:9100\" (or /dev/usb/lp0) in config.toml"
    )]
    NoPrinter,
    #[error("config.toml: {0}")]
    Config(String),
    #[error("{0}")]
    Print(#[from] PrintError),
    #[error("the receipt cannot be laid out: {0}")]
    Page(#[from] PageError),
    #[error("{0}")]
    Store(#[from] StoreError),
}

/// The receipt printer of config.toml.
#[derive(Debug, Clone)]
pub struct Printer {
    pub addr: PrinterAddr,
    pub paper: Paper,
    pub mode: TextMode,
    /// Kick the cash drawer after a sale paid in cash.
    pub drawer: bool,
}

/// The printer config.toml sets up (`None`: no printer).
pub fn printer(config: &Config) -> Result<Option<Printer>, ReceiptRefusal> {
    let Some(addr) = config.printer.as_deref().filter(|a| !a.trim().is_empty()) else {
        return Ok(None);
    };
    let addr = PrinterAddr::parse(addr)?;
    Ok(Some(Printer {
        addr,
        paper: paper(config.printer_paper)?,
        mode: match config.printer_text.as_deref().map(str::trim) {
            None | Some("raster") => TextMode::Raster,
            Some("gb18030") => TextMode::Gb18030,
            Some(other) => {
                return Err(ReceiptRefusal::Config(format!(
                    "printer_text '{other}': use raster or gb18030"
                )));
            }
        },
        drawer: config.cash_drawer.unwrap_or(true),
    }))
}

/// The paper width of `printer_paper` (58 or 80 mm; 80 when absent).
pub fn paper(mm: Option<u32>) -> Result<Paper, ReceiptRefusal> {
    match mm {
        None | Some(80) => Ok(Paper::Mm80),
        Some(58) => Ok(Paper::Mm58),
        Some(other) => Err(ReceiptRefusal::Config(format!(
            "printer_paper {other}: use 58 or 80"
        ))),
    }
}

/// Prints a sale's receipt; `open_drawer` kicks the cash drawer wired to the printer.
pub fn print(
    printer: &Printer,
    page: &Page,
    open_drawer: bool,
) -> Result<PrinterStatus, ReceiptRefusal> {
    let bytes = smartstore_print::encode(
        page,
        printer.paper,
        &EncodeOptions {
            mode: printer.mode,
            open_drawer,
            ..EncodeOptions::default()
        },
    )?;
    Ok(smartstore_print::send(&printer.addr, &bytes)?)
}

/// The receipt as a PNG image of the paper.
pub fn png(page: &Page, paper: Paper) -> Result<Vec<u8>, ReceiptRefusal> {
    Ok(smartstore_print::render_png(page, paper)?)
}
