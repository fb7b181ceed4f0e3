//! Weighed and priced goods at the till: what a scale's label puts in the cart, and what it
//! refuses. A label is either an in-store EAN-13 of the store's variable-measure layout
//! ([`crate::variable_measure`]) or a GS1 code whose element string carries a weight (310n) or
//! a price (392n, 393n): GS1 DataBar Expanded, DataMatrix, GS1-128, a Digital Link.
//!
//! - The catalog names the item: a GS1 code by its GTIN (AI 01), an in-store code by
//!   [`Measured::catalog_gtin`] (the code with zeros for its value).
//! - A price in the code is the package's price. Otherwise the weight is multiplied by the
//!   catalog's price, which must be a price per kilogram (the item's unit is `kg`), and rounded
//!   half up to the minor unit.
//! - Each package is its own cart line (two labels of the same item are two packages).
//! - A GS1 code whose expiry date (AI 17) is before today is refused, weighed or not.
//!
//! Pure: today's date is the caller's.

use serde::{Deserialize, Serialize};

use crate::catalog::CatalogItem;
use crate::gs1::{self, Date, Gs1Error};
use crate::gtin::{Gtin, GtinError};
use crate::money::{Money, MoneyError};
use crate::variable_measure::{Layout, Measured, Quantity, Refusal, VariableMeasure};

/// What a cart line of one package knows beyond its price.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Package {
    /// The net weight the label says, when it says one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight_g: Option<u64>,
    /// The catalog's price per kilogram, when the line's price was computed from it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_kg: Option<Money>,
}

/// A price printed in the code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Printed {
    /// In minor units of the store's currency (an in-store label).
    Minor(u64),
    /// A GS1 amount (392n, or 393n with its ISO 4217 numeric currency).
    Gs1(gs1::Amount),
}

/// A label read, before its catalog entry is looked up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    /// The catalog entry it sells.
    pub gtin: Gtin,
    /// The in-store item code (the scale's PLU), for an in-store label.
    pub item_code: Option<String>,
    pub weight_g: Option<u64>,
    pub price: Option<Printed>,
}

/// Why a label puts nothing in the cart.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LabelRefusal {
    #[error(transparent)]
    InStore(#[from] Refusal),
    #[error("the GS1 data of '{text}' cannot be read: {error}")]
    Gs1 { text: String, error: Gs1Error },
    #[error("{} expired on {expiry}: it cannot be sold", gtin.display_form())]
    Expired { gtin: Gtin, expiry: Date },
    /// No catalog entry for the label's GTIN; `item_code` is the scale's for an in-store label.
    #[error("{} (scale item {}) is not in the catalog", gtin.display_form(), item_code.as_deref().unwrap_or("-"))]
    UnknownItem {
        gtin: Gtin,
        item_code: Option<String>,
    },
    #[error("'{text}' weighs nothing")]
    ZeroWeight { text: String },
    #[error(
        "{} is sold by the piece (its catalog unit is not kg): a label with only a weight cannot price it", gtin.display_form()
    )]
    NotSoldByWeight { gtin: Gtin },
    #[error("the price in the code is in currency {numeric} (ISO 4217), not {currency}")]
    PriceCurrency { numeric: u16, currency: String },
    #[error("the price in the code has more decimals than the currency")]
    PricePrecision,
    /// The in-store item's GTIN could not be made (a layout the parser accepted, so never).
    #[error(transparent)]
    Gtin(#[from] GtinError),
    #[error(transparent)]
    Money(#[from] MoneyError),
}

/// ISO 4217 numeric codes of the currencies a GS1 393n price may be checked against.
fn numeric_currency(code: &str) -> Option<u16> {
    Some(match code {
        "CNY" => 156,
        "HKD" => 344,
        "USD" => 840,
        "EUR" => 978,
        "GBP" => 826,
        "JPY" => 392,
        _ => return None,
    })
}

/// Reads `text` as a label: `Ok(None)` when it is an ordinary product code (no layout rule
/// for its prefix, or a GS1 code with neither weight nor price, and not expired).
pub fn read(text: &str, layout: &Layout, today: Date) -> Result<Option<Label>, LabelRefusal> {
    let t = text.trim_matches(|c: char| c.is_whitespace());
    if VariableMeasure::is_in_store(t) {
        let has_rule = t
            .get(..2)
            .and_then(|p| p.parse::<u8>().ok())
            .is_some_and(|p| layout.rule(p).is_some());
        if !has_rule {
            return Ok(None);
        }
        let m = VariableMeasure::parse(t, layout)?;
        return Ok(Some(in_store(&m)?));
    }
    // A plain run of digits is a GTIN; anything else that names a GTIN is a GS1 code.
    if t.len() <= 14 && t.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(None);
    }
    let g = gs1::parse(t).map_err(|error| LabelRefusal::Gs1 {
        text: t.chars().take(80).collect(),
        error,
    })?;
    let Some(gtin) = g.gtin else {
        return Ok(None);
    };
    if let (true, Some(expiry)) = (g.expired_on(today), g.expiry) {
        return Err(LabelRefusal::Expired { gtin, expiry });
    }
    if g.weight_g.is_none() && g.price.is_none() {
        return Ok(None);
    }
    if g.weight_g == Some(0) {
        return Err(LabelRefusal::ZeroWeight {
            text: t.chars().take(80).collect(),
        });
    }
    Ok(Some(Label {
        gtin,
        item_code: None,
        weight_g: g.weight_g,
        price: g.price.map(Printed::Gs1),
    }))
}

impl Label {
    /// The refusal when the catalog has no entry for the label.
    pub fn not_in_catalog(&self) -> LabelRefusal {
        LabelRefusal::UnknownItem {
            gtin: self.gtin,
            item_code: self.item_code.clone(),
        }
    }
}

fn in_store(m: &Measured) -> Result<Label, LabelRefusal> {
    let (weight_g, price) = match m.quantity {
        Quantity::Grams(g) => (Some(g), None),
        Quantity::PriceFen(p) => (None, Some(Printed::Minor(p))),
    };
    Ok(Label {
        gtin: m.catalog_gtin()?,
        item_code: Some(m.item_code.clone()),
        weight_g,
        price,
    })
}

/// `per_kg` times `grams`, rounded half up to the minor unit.
pub fn price_by_weight(per_kg: Money, grams: u64) -> Result<Money, MoneyError> {
    let minor = (i128::from(per_kg.minor) * i128::from(grams) + 500).div_euclid(1000);
    Ok(Money::new(
        i64::try_from(minor).map_err(|_| MoneyError::Overflow)?,
        per_kg.currency,
    ))
}

/// The package `label` sells of `item`, and its price.
pub fn price(item: &CatalogItem, label: &Label) -> Result<(Package, Money), LabelRefusal> {
    let currency = item.price.currency;
    let printed = match label.price {
        None => None,
        Some(Printed::Minor(m)) => Some(m),
        Some(Printed::Gs1(amount)) => {
            if let Some(numeric) = amount.currency
                && numeric_currency(currency.code()) != Some(numeric)
            {
                return Err(LabelRefusal::PriceCurrency {
                    numeric,
                    currency: currency.code().to_owned(),
                });
            }
            let digits = u8::try_from(currency.minor_digits()).map_err(|_| MoneyError::Overflow)?;
            Some(
                amount
                    .in_minor_units(digits)
                    .ok_or(LabelRefusal::PricePrecision)?,
            )
        }
    };
    if let Some(minor) = printed {
        let package = Package {
            weight_g: label.weight_g,
            per_kg: None,
        };
        let minor = i64::try_from(minor).map_err(|_| MoneyError::Overflow)?;
        return Ok((package, Money::new(minor, currency)));
    }
    match label.weight_g {
        Some(grams) if item.sold_by_weight() => Ok((
            Package {
                weight_g: Some(grams),
                per_kg: Some(item.price),
            },
            price_by_weight(item.price, grams)?,
        )),
        _ => Err(LabelRefusal::NotSoldByWeight { gtin: item.gtin }),
    }
}

/// A weight in kilograms with three decimals (`0.532`), as labels and receipts print it.
pub fn kilograms(grams: u64) -> String {
    format!("{}.{:03}", grams / 1000, grams % 1000)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gtin::check_digit;
    use crate::money::Currency;
    use crate::variable_measure::{Measure, Rule};

    fn ean(body: &str) -> String {
        let d: Vec<u8> = body.bytes().map(|b| b - b'0').collect();
        format!("{body}{}", check_digit(&d))
    }

    fn today() -> Date {
        Date::new(2026, 6, 15).expect("date")
    }

    fn cny(minor: i64) -> Money {
        Money::new(minor, Currency::CNY)
    }

    fn item(gtin: &str, minor: i64, unit: &str) -> CatalogItem {
        CatalogItem {
            gtin: Gtin::parse(gtin).expect("gtin"),
            name: "Fuji apples".into(),
            name_zh: Some("富士苹果".into()),
            price: cny(minor),
            sku: None,
            unit: Some(unit.into()),
            age_restricted: false,
            stock: None,
            shelf: None,
        }
    }

    fn label(text: &str) -> Result<Option<Label>, LabelRefusal> {
        read(text, &Layout::common(), today())
    }

    #[test]
    fn rounding_is_half_up_to_the_fen() {
        let cases = [
            // ¥29.80/kg × 0.532 kg = 15.8536 -> 15.85
            (2980, 532, 1585),
            // ¥12.50/kg × 0.101 kg = 1.2625 -> 1.26
            (1250, 101, 126),
            // ¥11.00/kg × 0.005 kg = 0.055 -> 0.06: half goes up
            (1100, 5, 6),
            // ¥10.99/kg × 0.005 kg = 0.05495 -> 0.05
            (1099, 5, 5),
            (1, 499, 0),
            (1, 500, 1),
            (6990, 1000, 6990),
            (0, 750, 0),
        ];
        for (per_kg, grams, want) in cases {
            assert_eq!(
                price_by_weight(cny(per_kg), grams),
                Ok(cny(want)),
                "{per_kg} × {grams} g"
            );
        }
        assert_eq!(
            price_by_weight(cny(i64::MAX), u64::MAX),
            Err(MoneyError::Overflow)
        );
        assert_eq!(kilograms(532), "0.532");
        assert_eq!(kilograms(12_005), "12.005");
    }

    #[test]
    fn a_weight_embedded_label_is_priced_per_kilogram() {
        // Prefix 22, item 00101, 532 g.
        let code = ean("220010100532");
        let l = label(&code).expect("read").expect("a label");
        assert_eq!(l.gtin.display_form(), ean("220010100000"));
        assert_eq!(
            (l.item_code.as_deref(), l.weight_g, l.price),
            (Some("00101"), Some(532), None)
        );
        let pork = item(&ean("220010100000"), 2980, "kg");
        assert_eq!(
            price(&pork, &l),
            Ok((
                Package {
                    weight_g: Some(532),
                    per_kg: Some(cny(2980)),
                },
                cny(1585)
            ))
        );
        // The same item listed by the piece: a weight alone cannot price it.
        let by_piece = item(&ean("220010100000"), 2980, "pack");
        assert_eq!(
            price(&by_piece, &l),
            Err(LabelRefusal::NotSoldByWeight {
                gtin: by_piece.gtin
            })
        );
    }

    #[test]
    fn a_price_embedded_label_sells_at_its_price() {
        // Prefix 25, item 00201, ¥38.60.
        let l = label(&ean("250020103860")).expect("read").expect("a label");
        assert_eq!(l.gtin.display_form(), ean("250020100000"));
        assert_eq!((l.weight_g, l.price), (None, Some(Printed::Minor(3860))));
        // Whatever the catalog's price or unit: the label's price is the package's.
        let duck = item(&ean("250020100000"), 9900, "pack");
        assert_eq!(
            price(&duck, &l),
            Ok((
                Package {
                    weight_g: None,
                    per_kg: None,
                },
                cny(3860)
            ))
        );
    }

    #[test]
    fn a_databar_weight_and_price() {
        // DataBar Expanded as a reader returns it: 01 + 3103 (kg, 3 decimals) + 17.
        let salmon = item("96921000100019", 16800, "kg");
        let cut_short = "]e00196921000100019310300053217991";
        let cases: [(&str, Option<u64>, Option<Money>, Money); 4] = [
            (
                "(01)96921000100019(3103)000532(17)991231",
                Some(532),
                Some(cny(16800)),
                cny(8938), // 168.00 × 0.532 = 89.376
            ),
            (
                "]e00196921000100019310300053217991231",
                Some(532),
                Some(cny(16800)),
                cny(8938),
            ),
            // 3922: a price with 2 decimals wins over the catalog's per-kg price.
            (
                "(01)96921000100019(3103)000532(3922)8900",
                Some(532),
                None,
                cny(8900),
            ),
            // 3932 with 156 (CNY).
            (
                "(01)96921000100019(3102)000053(3932)1568900",
                Some(530),
                None,
                cny(8900),
            ),
        ];
        for (text, weight, per_kg, want) in cases {
            let l = label(text)
                .unwrap_or_else(|e| panic!("{text}: {e}"))
                .unwrap_or_else(|| panic!("{text}: not a label"));
            assert_eq!(l.gtin, salmon.gtin, "{text}");
            assert_eq!(
                price(&salmon, &l),
                Ok((
                    Package {
                        weight_g: weight,
                        per_kg
                    },
                    want
                )),
                "{text}"
            );
        }
        // Cut short in its date: refused, not sold as one unit.
        assert!(matches!(label(cut_short), Err(LabelRefusal::Gs1 { .. })));
        // A price in another currency is refused.
        let usd = label("(01)96921000100019(3103)000532(3932)8408900")
            .expect("read")
            .expect("a label");
        assert_eq!(
            price(&salmon, &usd),
            Err(LabelRefusal::PriceCurrency {
                numeric: 840,
                currency: "CNY".into()
            })
        );
    }

    #[test]
    fn expired_produce_is_refused() {
        let gtin = Gtin::parse("96921000100019").expect("gtin");
        let expiry = Date::new(2026, 6, 14).expect("date");
        for text in [
            "(01)96921000100019(3103)000532(17)260614",
            // Expired without a weight: refused all the same.
            "(01)96921000100019(17)260614",
            "https://id.gs1.org/01/96921000100019?17=260614",
        ] {
            assert_eq!(
                label(text),
                Err(LabelRefusal::Expired { gtin, expiry }),
                "{text}"
            );
        }
        // Its last day still sells; a later one too.
        for text in [
            "(01)96921000100019(3103)000532(17)260615",
            "(01)96921000100019(3103)000532(17)260700",
        ] {
            assert!(matches!(label(text), Ok(Some(_))), "{text}");
        }
        // A GS1 code with neither weight nor price, not expired: an ordinary product.
        assert_eq!(label("(01)96921000100019(17)261231"), Ok(None));
    }

    #[test]
    fn bad_labels_are_refused_and_plain_codes_pass() {
        let good = ean("220010100532");
        let (body, last) = good.split_at(12);
        let bad_check = format!("{body}{}", (last.parse::<u8>().expect("digit") + 1) % 10);
        assert!(matches!(
            label(&bad_check),
            Err(LabelRefusal::InStore(Refusal::CheckDigit { .. }))
        ));
        assert!(matches!(
            label(&ean("220010100000")),
            Err(LabelRefusal::InStore(Refusal::Zero(_)))
        ));
        assert!(matches!(
            label("(01)96921000100019(3103)000000"),
            Err(LabelRefusal::ZeroWeight { .. })
        ));
        // A GS1 code whose data is broken: refused (its weight might be in the broken part).
        assert!(matches!(
            label("(01)96921000100019(3103)05"),
            Err(LabelRefusal::Gs1 { .. })
        ));
        // Ordinary products: a GTIN, an in-store code of a prefix the layout does not use, a
        // GS1 code or Digital Link with only a GTIN.
        for text in [
            "6921000000019",
            &ean("200012345678"),
            "0106921000000019",
            "(01)06921000000019",
            "https://id.gs1.org/01/06921000000019",
        ] {
            assert_eq!(label(text), Ok(None), "{text}");
        }
        // A store whose layout weighs under prefix 20 reads that code as a label.
        let layout = Layout::new(vec![Rule {
            prefix: 20,
            item_digits: 5,
            value_digits: 5,
            value_check: false,
            measure: Measure::Weight { unit_g: 1 },
        }])
        .expect("layout");
        let l = read(&ean("200012345678"), &layout, today())
            .expect("read")
            .expect("a label");
        assert_eq!(
            (l.item_code.as_deref(), l.weight_g),
            (Some("00123"), Some(45678))
        );
    }

    #[test]
    fn an_unknown_item_code_names_its_catalog_gtin() {
        // The catalog lookup is the caller's; the label says which GTIN to look up, and the
        // refusal names the scale's item code and that GTIN.
        let l = label(&ean("229999901000")).expect("read").expect("a label");
        assert_eq!(
            l.not_in_catalog(),
            LabelRefusal::UnknownItem {
                gtin: Gtin::parse("2299999000001").expect("gtin"),
                item_code: Some("99999".into()),
            }
        );
        let gs1 = label("(01)96921000100019(3103)000532")
            .expect("read")
            .expect("a label");
        assert_eq!(
            gs1.not_in_catalog(),
            LabelRefusal::UnknownItem {
                gtin: Gtin::parse("96921000100019").expect("gtin"),
                item_code: None,
            }
        );
    }

    proptest::proptest! {
        #[test]
        fn reading_never_panics(s in "\\PC{0,40}") {
            let _ = read(&s, &Layout::common(), today());
        }

        #[test]
        fn priced_by_weight_within_half_a_fen(per_kg in 0i64..1_000_000, grams in 1u64..100_000) {
            let p = price_by_weight(cny(per_kg), grams).expect("price");
            let exact = i128::from(per_kg) * i128::from(grams);
            // Off by at most half a fen; exactly half goes up.
            let diff = i128::from(p.minor) * 1000 - exact;
            proptest::prop_assert!((-499..=500).contains(&diff), "{per_kg} × {grams}: {}", p.minor);
        }
    }
}
