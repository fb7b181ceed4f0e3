//! `smartstore recommend --member CODE [--json]`: Magic Mirror at the command line (issue 16).

use std::process::ExitCode;

use serde::Serialize;

use super::Context;
use crate::checkout::{CodeContext, LabelRules};
use crate::mirror::{MirrorError, member_of, recommend};

#[derive(Debug, clap::Args)]
pub struct RecommendArgs {
    /// The member code (MB1:…) as the camera reads it.
    #[arg(long)]
    pub member: String,
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
struct RecommendedJson<'a> {
    rank: usize,
    gtin: String,
    name: &'a str,
    name_zh: Option<&'a str>,
    /// Minor units.
    price: i64,
    currency: &'a str,
    shelf: Option<&'a str>,
    stock: i64,
}

pub fn run(ctx: &Context, args: &RecommendArgs) -> anyhow::Result<ExitCode> {
    let store = ctx.open_store()?;
    let codes = CodeContext::load(&store, LabelRules::of(&ctx.config)?)?;
    let member = member_of(&args.member, &codes)?;
    let shown = recommend(&store, &member).map_err(|e| match e {
        MirrorError::Refused(r) => anyhow::Error::new(r),
        MirrorError::Store(s) => anyhow::Error::new(s),
    })?;
    let lang = super::lang();
    if !args.json && shown.is_empty() {
        println!("{}", crate::i18n::t(lang, "mirror-none"));
    }
    for (i, r) in shown.iter().enumerate() {
        if args.json {
            super::print_json(&RecommendedJson {
                rank: i + 1,
                gtin: r.item.gtin.as_str(),
                name: &r.item.name,
                name_zh: r.item.name_zh.as_deref(),
                price: r.item.price.minor,
                currency: r.item.price.currency.code(),
                shelf: r.shelf(),
                stock: r.stock,
            })?;
        } else {
            println!(
                "{}. {}  {}  {}",
                i + 1,
                r.item.name_in(lang == crate::i18n::Lang::Zh),
                r.item.price,
                crate::mirror::shelf_text(r, lang)
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
