//! Finding a product without its barcode: by its English or Chinese name, or by the pinyin of
//! its Chinese name, full (`moli`) or initials (`mllc` for 茉莉绿茶), as the clerk types.
//! Pinyin comes from the `pinyin` crate (its tables of every common character, no IO).

use pinyin::ToPinyin;
use smartstore_domain::catalog::CatalogItem;

/// The most results shown at once.
pub const MAX_RESULTS: usize = 8;

/// The most products looked through (a store's catalog; more is a platform's job).
pub const MAX_CATALOG: u32 = 50_000;

/// The longest query looked up (a name, never a paragraph).
pub const MAX_QUERY_CHARS: usize = 40;

/// Whether a typed text is a search rather than a code: it holds a letter or a Chinese
/// character and is not a shopper code (`MB1:`, `PU1:`…) or a link.
pub fn is_search(text: &str) -> bool {
    let t = text.trim();
    !t.is_empty()
        && t.chars().count() <= MAX_QUERY_CHARS
        && !t.contains(':')
        && t.chars().any(|c| c.is_alphabetic())
}

/// The pinyin of a Chinese name without tones: (full, initials), e.g. ("molilvcha", "mllc").
/// Other characters are kept, lowercased.
pub fn pinyin_keys(name: &str) -> (String, String) {
    let (mut full, mut initials) = (String::new(), String::new());
    for (c, p) in name.chars().zip(name.to_pinyin()) {
        match p {
            // ü is typed v on every Chinese keyboard (lü: lv).
            Some(p) => {
                full.push_str(&p.plain().replace('ü', "v"));
                initials.push_str(&p.first_letter().replace('ü', "v"));
            }
            None if c.is_alphanumeric() => {
                let lower: String = c.to_lowercase().collect();
                full.push_str(&lower);
                initials.push_str(&lower);
            }
            None => {}
        }
    }
    (full, initials)
}

/// How well `item` matches the lowercased query `q` (higher is better; 0: no match).
fn score(item: &CatalogItem, q: &str) -> u32 {
    let name = item.name.to_lowercase();
    let zh = item.name_zh.clone().unwrap_or_default();
    let (full, initials) = pinyin_keys(&zh);
    let q_compact: String = q.chars().filter(|c| !c.is_whitespace()).collect();
    if name.starts_with(q) || zh.starts_with(q) {
        4
    } else if !q_compact.is_empty()
        && (initials.starts_with(&q_compact) || full.starts_with(&q_compact))
    {
        3
    } else if name.contains(q) || zh.contains(q) {
        2
    } else if !q_compact.is_empty()
        && q_compact.len() >= 2
        && (full.contains(&q_compact) || initials.contains(&q_compact))
    {
        1
    } else {
        0
    }
}

/// The products matching `query`, best first (then by name), at most `limit`.
pub fn search(items: &[CatalogItem], query: &str, limit: usize) -> Vec<CatalogItem> {
    let q: String = query
        .trim()
        .chars()
        .take(MAX_QUERY_CHARS)
        .collect::<String>()
        .to_lowercase();
    if q.is_empty() {
        return Vec::new();
    }
    let mut found: Vec<(u32, &CatalogItem)> = items
        .iter()
        .map(|i| (score(i, &q), i))
        .filter(|(s, _)| *s > 0)
        .collect();
    found.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.name.cmp(&b.1.name)));
    found
        .into_iter()
        .take(limit)
        .map(|(_, i)| i.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use smartstore_domain::gtin::Gtin;
    use smartstore_domain::money::{Currency, Money};

    fn item(gtin: &str, name: &str, zh: &str) -> CatalogItem {
        CatalogItem {
            gtin: Gtin::parse(gtin).expect("gtin"),
            name: name.into(),
            name_zh: Some(zh.into()),
            price: Money::new(350, Currency::CNY),
            sku: None,
            unit: None,
            age_restricted: false,
            stock: None,
            shelf: None,
        }
    }

    #[test]
    fn names_and_pinyin_find_products_as_the_clerk_types() {
        let items = [
            item("6921000000019", "Jasmine green tea 500ml", "茉莉绿茶 500ml"),
            item("6931003700045", "Oolong tea 500ml", "乌龙茶 500ml"),
            item("69000171", "Fresh milk 1.9L", "鲜牛奶 1.9L"),
        ];
        let names = |q: &str| -> Vec<String> {
            search(&items, q, MAX_RESULTS)
                .into_iter()
                .map(|i| i.name)
                .collect()
        };
        assert_eq!(pinyin_keys("茉莉绿茶").0, "molilvcha");
        assert_eq!(pinyin_keys("茉莉绿茶").1, "mllc");
        assert_eq!(names("mllc"), ["Jasmine green tea 500ml"]);
        assert_eq!(names("wulong"), ["Oolong tea 500ml"]);
        assert_eq!(names("牛奶"), ["Fresh milk 1.9L"]);
        assert_eq!(names("MILK"), ["Fresh milk 1.9L"]);
        // "tea" names two: both, by name.
        assert_eq!(
            names("tea"),
            ["Jasmine green tea 500ml", "Oolong tea 500ml"]
        );
        assert!(names("zzzz").is_empty());
        assert!(names("  ").is_empty());
        assert!(is_search("mllc") && is_search("牛奶"));
        assert!(!is_search("6921000000019") && !is_search("PU1:ABC") && !is_search(""));
    }
}
