//! Chinese and English with Fluent: `assets/i18n/{en,zh-CN}.ftl`, compiled in. The window and
//! the command line show every text through here; typed refusals become messages in
//! [`refusals`].

pub mod refusals;

use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    pub fn parse(tag: &str) -> Option<Lang> {
        match tag.to_ascii_lowercase().as_str() {
            "zh" | "zh-cn" | "zh_cn" | "cn" => Some(Lang::Zh),
            "en" | "en-us" | "en-gb" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// The language's own name, for the language buttons.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::Zh => "中文",
            Lang::En => "English",
        }
    }
}

fn bundle(tag: &str, source: &str) -> FluentBundle<FluentResource> {
    let id = tag.parse().unwrap_or_default();
    let mut b = FluentBundle::new_concurrent(vec![id]);
    // No bidi isolation marks: they would show as boxes in some fonts and break text search.
    b.set_use_isolating(false);
    match FluentResource::try_new(source.to_owned()) {
        Ok(res) => {
            if let Err(errors) = b.add_resource(res) {
                tracing::error!(?errors, tag, "duplicate messages in the translation");
            }
        }
        Err((_, errors)) => tracing::error!(?errors, tag, "translation file does not parse"),
    }
    b
}

static EN: LazyLock<FluentBundle<FluentResource>> =
    LazyLock::new(|| bundle("en", include_str!("../assets/i18n/en.ftl")));
static ZH: LazyLock<FluentBundle<FluentResource>> =
    LazyLock::new(|| bundle("zh-CN", include_str!("../assets/i18n/zh-CN.ftl")));

fn bundle_of(lang: Lang) -> &'static FluentBundle<FluentResource> {
    match lang {
        Lang::Zh => &ZH,
        Lang::En => &EN,
    }
}

/// The text of `key` with `args` in `lang`; the key itself when the translation lacks it.
/// What went wrong (a missing message or argument) is added to `problems`.
fn format(
    lang: Lang,
    key: &str,
    args: Option<&FluentArgs<'_>>,
    problems: &mut Vec<String>,
) -> String {
    let b = bundle_of(lang);
    let Some(pattern) = b.get_message(key).and_then(|m| m.value()) else {
        problems.push(format!("{}: no message '{key}'", lang.tag()));
        return key.to_owned();
    };
    let mut errors = Vec::new();
    let out = b.format_pattern(pattern, args, &mut errors).into_owned();
    problems.extend(
        errors
            .into_iter()
            .map(|e| format!("{}: '{key}': {e:?}", lang.tag())),
    );
    out
}

fn lookup(lang: Lang, key: &str, args: Option<&FluentArgs<'_>>) -> String {
    format(lang, key, args, &mut Vec::new())
}

/// A message to show: a Fluent id and its arguments (an argument may itself be a message,
/// rendered in the same language), and lines that follow it. Typed errors become one of these
/// through [`Localize`] only where they are shown or stored for showing later.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Msg {
    pub id: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<(String, Arg)>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lines: Vec<Msg>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(untagged)]
pub enum Arg {
    Text(String),
    Msg(Msg),
}

impl Msg {
    pub fn new(id: &str) -> Msg {
        Msg {
            id: id.to_owned(),
            args: Vec::new(),
            lines: Vec::new(),
        }
    }

    /// A named argument, as text (numbers, codes, names: data, never words of a language).
    pub fn arg(mut self, name: &str, value: impl std::fmt::Display) -> Msg {
        self.args
            .push((name.to_owned(), Arg::Text(value.to_string())));
        self
    }

    /// A named argument that is itself a message.
    pub fn arg_msg(mut self, name: &str, value: Msg) -> Msg {
        self.args.push((name.to_owned(), Arg::Msg(value)));
        self
    }

    /// A line shown under the message.
    pub fn line(mut self, line: Msg) -> Msg {
        self.lines.push(line);
        self
    }

    /// The message as the database keeps it for showing later (JSON).
    pub fn to_stored(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| self.id.clone())
    }

    /// A message kept by [`Msg::to_stored`]; text stored before messages were kept this way is
    /// shown as it is.
    pub fn from_stored(text: &str) -> Msg {
        serde_json::from_str(text).unwrap_or_else(|_| Msg::new("stored-text").arg("text", text))
    }

    /// The message in `lang`.
    pub fn render(&self, lang: Lang) -> String {
        self.render_checked(lang, &mut Vec::new())
    }

    /// The message in `lang`, adding what went wrong, nested messages included, to `problems`.
    fn render_checked(&self, lang: Lang, problems: &mut Vec<String>) -> String {
        let mut args = FluentArgs::new();
        for (name, value) in &self.args {
            let text = match value {
                Arg::Text(t) => t.clone(),
                Arg::Msg(m) => m.render_checked(lang, problems),
            };
            args.set(name.clone(), FluentValue::from(text));
        }
        let mut out = format(lang, &self.id, Some(&args), problems);
        for line in &self.lines {
            out.push_str("\n  ");
            out.push_str(&line.render_checked(lang, problems));
        }
        out
    }
}

/// A typed error or refusal that can be shown: its message.
pub trait Localize {
    fn msg(&self) -> Msg;

    fn render(&self, lang: Lang) -> String {
        self.msg().render(lang)
    }
}

/// The message of a typed error met in an error chain, when it is one the terminal knows.
pub fn localize(e: &(dyn std::error::Error + 'static)) -> Option<Msg> {
    use smartstore_domain::{cart, catalog, coupon, gtin, money, order, scan};
    use smartstore_protocol::{catalog_csv, codes, keys};
    macro_rules! first {
        ($($t:ty),* $(,)?) => {
            $(if let Some(x) = e.downcast_ref::<$t>() {
                return Some(x.msg());
            })*
        };
    }
    first!(
        crate::sale::SaleError,
        crate::shift::ShiftRefusal,
        crate::receipt::ReceiptRefusal,
        crate::returns::ReturnRefusal,
        crate::store::FulfilError,
        smartstore_domain::fulfil::PickRefusal,
        crate::staff::ApprovalRefusal,
        smartstore_domain::checkout::CheckoutError,
        crate::store::StoreError,
        crate::sync::SyncError,
        crate::checkout::ScanRefusal,
        crate::mirror::MirrorRefusal,
        keys::KeyError,
        codes::CodeRefusal,
        catalog_csv::CatalogRefusal,
        order::OrderError,
        order::PaymentParseError,
        cart::CartError,
        coupon::CouponRefusal,
        catalog::RowError,
        gtin::GtinError,
        money::MoneyError,
        scan::Unusable,
    );
    None
}

/// What is wrong with a message in `lang`: an id the translation lacks, or an argument the
/// pattern needs and the message does not give. Empty when it renders cleanly (for tests).
pub fn problems(lang: Lang, msg: &Msg) -> Vec<String> {
    let mut out = Vec::new();
    msg.render_checked(lang, &mut out);
    out
}

/// The text of `key` in `lang`.
pub fn t(lang: Lang, key: &str) -> String {
    lookup(lang, key, None)
}

/// The text of `key` with named arguments.
pub fn tr(lang: Lang, key: &str, args: &[(&str, String)]) -> String {
    let mut fa = FluentArgs::new();
    for (k, v) in args {
        fa.set(*k, FluentValue::from(v.clone()));
    }
    lookup(lang, key, Some(&fa))
}

/// Every message key of a translation file, for the completeness test.
pub fn keys(source: &str) -> Vec<String> {
    source
        .lines()
        .filter_map(|l| l.split_once(" = ").map(|(k, _)| k.trim().to_owned()))
        .filter(|k| !k.is_empty() && !k.starts_with('#'))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_are_complete_and_format() {
        let en = keys(include_str!("../assets/i18n/en.ftl"));
        let zh = keys(include_str!("../assets/i18n/zh-CN.ftl"));
        assert_eq!(en, zh, "the same messages in the same order");
        for k in &en {
            assert_ne!(t(Lang::En, k), *k, "{k} missing in en");
            assert_ne!(t(Lang::Zh, k), *k, "{k} missing in zh-CN");
        }
        assert_eq!(
            tr(Lang::En, "cart-items", &[("count", "3".into())]),
            "3 items"
        );
        assert_eq!(
            tr(Lang::Zh, "cart-items", &[("count", "3".into())]),
            "共 3 件"
        );
    }
}
