//! `smartstore receipt print|png`: a sale's receipt on the printer, or as a PNG of the paper.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;

use super::Context;
use crate::i18n::Lang;
use crate::receipt::{Printer, ReceiptRefusal, paper, printer};
use crate::receipt_page::page;

#[derive(Debug, Subcommand)]
pub enum ReceiptCommand {
    /// Print a sale's receipt (its receipt number or order id).
    Print {
        receipt: String,
        /// tcp:HOST:PORT, /dev/usb/lp0 or file:PATH (default: printer in config.toml).
        #[arg(long)]
        printer: Option<String>,
        /// 58 or 80 mm (default: printer_paper in config.toml, else 80).
        #[arg(long)]
        paper: Option<u32>,
        /// Chinese text as raster images (default) or in the printer's GB18030 mode.
        #[arg(long, value_name = "raster|gb18030")]
        text: Option<String>,
        /// Open the cash drawer wired to the printer.
        #[arg(long)]
        drawer: bool,
        /// The receipt's language (default: the terminal's, zh-CN).
        #[arg(long)]
        lang: Option<String>,
    },
    /// Draw a sale's receipt as it prints, to a PNG file.
    Png {
        receipt: String,
        file: PathBuf,
        #[arg(long)]
        paper: Option<u32>,
        #[arg(long)]
        lang: Option<String>,
    },
}

/// The receipt's language: --lang, else the terminal's (config.toml), else Chinese.
fn receipt_lang(ctx: &Context, flag: Option<&str>) -> anyhow::Result<Lang> {
    let text = flag.or(ctx.config.language.as_deref()).unwrap_or("zh-CN");
    Lang::parse(text).ok_or_else(|| anyhow::anyhow!("--lang '{text}': use zh-CN or en"))
}

pub fn run(ctx: &Context, cmd: ReceiptCommand) -> anyhow::Result<ExitCode> {
    let offset = ctx.config.utc_offset()?;
    let store = ctx.open_store()?;
    match cmd {
        ReceiptCommand::Print {
            receipt,
            printer: addr,
            paper: mm,
            text,
            drawer,
            lang,
        } => {
            let mut config = ctx.config.clone();
            if addr.is_some() {
                config.printer = addr;
            }
            if mm.is_some() {
                config.printer_paper = mm;
            }
            if text.is_some() {
                config.printer_text = text;
            }
            let p: Printer = printer(&config)?.ok_or(ReceiptRefusal::NoPrinter)?;
            let lang = receipt_lang(ctx, lang.as_deref())?;
            let page = page(&store, &ctx.data_dir, &receipt, lang, offset)?;
            let status = crate::receipt::print(&p, &page, drawer)?;
            println!("receipt {receipt} printed on {}", p.addr);
            if status.paper_near_end {
                eprintln!("the printer's paper roll is nearly used up: change it soon");
            }
        }
        ReceiptCommand::Png {
            receipt,
            file,
            paper: mm,
            lang,
        } => {
            let lang = receipt_lang(ctx, lang.as_deref())?;
            let page = page(&store, &ctx.data_dir, &receipt, lang, offset)?;
            let bytes = crate::receipt::png(&page, paper(mm.or(ctx.config.printer_paper))?)?;
            std::fs::write(&file, bytes)
                .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", file.display()))?;
            println!("receipt {receipt} drawn to {}", file.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}
