//! Chinese and English with Fluent: `assets/i18n/{en,zh-CN}.ftl`, compiled in.

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
    LazyLock::new(|| bundle("en", include_str!("../../assets/i18n/en.ftl")));
static ZH: LazyLock<FluentBundle<FluentResource>> =
    LazyLock::new(|| bundle("zh-CN", include_str!("../../assets/i18n/zh-CN.ftl")));

fn lookup(lang: Lang, key: &str, args: Option<&FluentArgs<'_>>) -> String {
    let b: &FluentBundle<FluentResource> = match lang {
        Lang::Zh => &ZH,
        Lang::En => &EN,
    };
    let Some(pattern) = b.get_message(key).and_then(|m| m.value()) else {
        return key.to_owned();
    };
    let mut errors = Vec::new();
    b.format_pattern(pattern, args, &mut errors).into_owned()
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
        let en = keys(include_str!("../../assets/i18n/en.ftl"));
        let zh = keys(include_str!("../../assets/i18n/zh-CN.ftl"));
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
