//! Weighed and priced goods: in-store EAN-13 codes with prefixes 20–29, printed by the store's
//! scales, holding an item code and a weight or a price in their digits. The layout differs
//! from store to store (and from scale to scale), so it is configuration:
//!
//! ```text
//!   2 2 | 1 2 3 4 5 | 0 1 2 5 0 | 7        prefix 22, item 12345, 1250 g, EAN check digit
//!   2 5 | 1 2 3 4 5 | 6 | 1 2 3 4 | 3      prefix 25, item 12345, price check 6, 12.34 yuan
//! ```
//!
//! A [`Layout`] is a list of [`Rule`]s, one per prefix. The EAN-13 check digit is always
//! verified; a rule may add GS1's price/weight check digit (for a 4- or 5-digit value).

use std::fmt;

use super::gtin::{Gtin, GtinError, check_digit};

/// What the value digits of a code hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// A weight: the value times `unit_g` grams (1: grams, 10: tens of grams).
    Weight { unit_g: u32 },
    /// A price: the value times `unit_fen` fen (1: fen, 10: jiao).
    Price { unit_fen: u32 },
}

/// One prefix's layout: 2 prefix digits + `item_digits` + (a value check digit) +
/// `value_digits` + the EAN-13 check digit = 13.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Rule {
    /// 20–29.
    pub prefix: u8,
    pub item_digits: u8,
    pub value_digits: u8,
    /// A GS1 price/weight check digit between the item code and the value (value of 4 or 5
    /// digits only).
    pub value_check: bool,
    pub measure: Measure,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LayoutError {
    #[error("prefix {0} is not an in-store prefix (20 to 29)")]
    Prefix(u8),
    #[error(
        "prefix {prefix}: {item} item digits, {check} check digit and {value} value digits make {sum}, not the 10 between the prefix and the check digit"
    )]
    Digits {
        prefix: u8,
        item: u8,
        check: u8,
        value: u8,
        sum: u8,
    },
    #[error("prefix {0}: a price/weight check digit needs a value of 4 or 5 digits")]
    ValueCheck(u8),
    #[error("prefix {0} has two rules")]
    Twice(u8),
    #[error("prefix {0}: the unit must be at least 1")]
    Unit(u8),
}

impl Rule {
    pub fn validate(&self) -> Result<(), LayoutError> {
        if !(20..=29).contains(&self.prefix) {
            return Err(LayoutError::Prefix(self.prefix));
        }
        let check = u8::from(self.value_check);
        let sum = self
            .item_digits
            .saturating_add(check)
            .saturating_add(self.value_digits);
        if sum != 10 || self.item_digits == 0 || self.value_digits == 0 {
            return Err(LayoutError::Digits {
                prefix: self.prefix,
                item: self.item_digits,
                check,
                value: self.value_digits,
                sum,
            });
        }
        if self.value_check && !matches!(self.value_digits, 4 | 5) {
            return Err(LayoutError::ValueCheck(self.prefix));
        }
        let unit = match self.measure {
            Measure::Weight { unit_g } => unit_g,
            Measure::Price { unit_fen } => unit_fen,
        };
        if unit == 0 {
            return Err(LayoutError::Unit(self.prefix));
        }
        Ok(())
    }
}

/// A store's variable-measure layout: a rule per prefix it uses.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "Vec<Rule>", into = "Vec<Rule>")]
pub struct Layout {
    rules: Vec<Rule>,
}

impl Layout {
    pub fn new(rules: Vec<Rule>) -> Result<Layout, LayoutError> {
        for (i, r) in rules.iter().enumerate() {
            r.validate()?;
            if rules[..i].iter().any(|q| q.prefix == r.prefix) {
                return Err(LayoutError::Twice(r.prefix));
            }
        }
        Ok(Layout { rules })
    }

    /// The layout most Chinese scales print by default: 2 + 5 item digits + 5 value digits +
    /// check; prefix 22 a weight in grams, prefixes 25 a price in fen.
    pub fn common() -> Layout {
        Layout {
            rules: vec![
                Rule {
                    prefix: 22,
                    item_digits: 5,
                    value_digits: 5,
                    value_check: false,
                    measure: Measure::Weight { unit_g: 1 },
                },
                Rule {
                    prefix: 25,
                    item_digits: 5,
                    value_digits: 5,
                    value_check: false,
                    measure: Measure::Price { unit_fen: 1 },
                },
            ],
        }
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    pub fn rule(&self, prefix: u8) -> Option<&Rule> {
        self.rules.iter().find(|r| r.prefix == prefix)
    }
}

impl TryFrom<Vec<Rule>> for Layout {
    type Error = LayoutError;
    fn try_from(rules: Vec<Rule>) -> Result<Layout, LayoutError> {
        Layout::new(rules)
    }
}

impl From<Layout> for Vec<Rule> {
    fn from(l: Layout) -> Vec<Rule> {
        l.rules
    }
}

/// What a variable-measure code says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Measured {
    pub prefix: u8,
    /// The item code digits, as printed (leading zeros kept).
    pub item_code: String,
    pub quantity: Quantity,
}

impl Measured {
    /// The catalog key of the item: prefix and item code (`2212345` for the first example
    /// of the module's documentation).
    pub fn item_key(&self) -> String {
        format!("{}{}", self.prefix, self.item_code)
    }

    /// The GTIN under which the catalog lists the item: the code with its value (and value
    /// check digit) as zeros and its EAN-13 check digit, `2212345000005` for the first example
    /// of the module's documentation. The catalog says how it is priced (per kilogram when its
    /// unit is `kg`).
    pub fn catalog_gtin(&self) -> Result<Gtin, GtinError> {
        let mut body = self.item_key();
        while body.len() < 12 {
            body.push('0');
        }
        let digits: Vec<u8> = body.bytes().map(|b| b.wrapping_sub(b'0')).collect();
        Gtin::from_digits(&format!("{body}{}", check_digit(&digits)))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantity {
    Grams(u64),
    PriceFen(u64),
}

/// Why a code is not a variable-measure code of this store's layout.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("'{0}' is not 13 digits")]
    NotEan13(String),
    #[error("'{text}' has check digit {found} but its digits need {expected}: misread")]
    CheckDigit {
        text: String,
        expected: u8,
        found: u8,
    },
    #[error("'{0}' does not start with an in-store prefix (20 to 29)")]
    NotInStore(String),
    #[error("prefix {prefix} of '{text}' is not in this store's layout")]
    NoRule { text: String, prefix: u8 },
    #[error(
        "'{text}' has price/weight check digit {found} but its value needs {expected}: misread"
    )]
    ValueCheck {
        text: String,
        expected: u8,
        found: u8,
    },
    #[error("'{0}' weighs or costs nothing")]
    Zero(String),
}

/// The weighting tables of GS1's price/weight check digit (General Specifications, "check
/// digit calculation for price/weight fields"): 2-, 3, 5+ and 5-.
const W2_MINUS: [u8; 10] = [0, 2, 4, 6, 8, 9, 1, 3, 5, 7];
const W3: [u8; 10] = [0, 3, 6, 9, 2, 5, 8, 1, 4, 7];
const W5_PLUS: [u8; 10] = [0, 5, 1, 6, 2, 7, 3, 8, 4, 9];
const W5_MINUS: [u8; 10] = [0, 5, 9, 4, 8, 3, 7, 2, 6, 1];

/// The price/weight check digit of a 4- or 5-digit value (None for other lengths).
pub fn value_check_digit(value: &[u8]) -> Option<u8> {
    let d = |i: usize| usize::from(value[i] % 10);
    match value.len() {
        4 => {
            let sum = u32::from(W2_MINUS[d(0)])
                + u32::from(W2_MINUS[d(1)])
                + u32::from(W3[d(2)])
                + u32::from(W5_MINUS[d(3)]);
            Some(((sum * 3) % 10) as u8)
        }
        5 => {
            let sum = u32::from(W5_PLUS[d(0)])
                + u32::from(W2_MINUS[d(1)])
                + u32::from(W5_MINUS[d(2)])
                + u32::from(W5_PLUS[d(3)])
                + u32::from(W2_MINUS[d(4)]);
            let target = ((10 - sum % 10) % 10) as u8;
            W5_MINUS.iter().position(|&p| p == target).map(|i| i as u8)
        }
        _ => None,
    }
}

/// A variable-measure code read by the layout of a store.
pub struct VariableMeasure;

impl VariableMeasure {
    /// True when `code` is 13 digits with an in-store prefix (20–29): worth parsing with the
    /// store's layout rather than looking up as a GTIN.
    pub fn is_in_store(code: &str) -> bool {
        let c = code.trim();
        c.len() == 13 && c.bytes().all(|b| b.is_ascii_digit()) && c.starts_with('2')
    }

    pub fn parse(code: &str, layout: &Layout) -> Result<Measured, Refusal> {
        let text = code.trim();
        if text.len() != 13 || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Refusal::NotEan13(text.to_owned()));
        }
        let d: Vec<u8> = text.bytes().map(|b| b - b'0').collect();
        let expected = check_digit(&d[..12]);
        if expected != d[12] {
            return Err(Refusal::CheckDigit {
                text: text.to_owned(),
                expected,
                found: d[12],
            });
        }
        let prefix = d[0] * 10 + d[1];
        if d[0] != 2 {
            return Err(Refusal::NotInStore(text.to_owned()));
        }
        let rule = layout.rule(prefix).ok_or_else(|| Refusal::NoRule {
            text: text.to_owned(),
            prefix,
        })?;
        let item_end = 2 + usize::from(rule.item_digits);
        let value_start = item_end + usize::from(rule.value_check);
        let value = &d[value_start..12];
        if rule.value_check {
            // Validated layouts have 4 or 5 value digits here.
            let expected = value_check_digit(value).unwrap_or(10);
            if expected != d[item_end] {
                return Err(Refusal::ValueCheck {
                    text: text.to_owned(),
                    expected,
                    found: d[item_end],
                });
            }
        }
        let raw = value.iter().fold(0u64, |n, &v| n * 10 + u64::from(v));
        if raw == 0 {
            return Err(Refusal::Zero(text.to_owned()));
        }
        let quantity = match rule.measure {
            Measure::Weight { unit_g } => Quantity::Grams(raw * u64::from(unit_g)),
            Measure::Price { unit_fen } => Quantity::PriceFen(raw * u64::from(unit_fen)),
        };
        Ok(Measured {
            prefix,
            item_code: text[2..item_end].to_owned(),
            quantity,
        })
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Quantity::Grams(g) => write!(f, "{g} g"),
            Quantity::PriceFen(p) => write!(f, "{}.{:02}", p / 100, p % 100),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `body` (12 digits) with its EAN-13 check digit.
    fn ean(body: &str) -> String {
        let d: Vec<u8> = body.bytes().map(|b| b - b'0').collect();
        format!("{body}{}", check_digit(&d))
    }

    /// `code` with its last digit changed.
    fn misread(code: &str) -> String {
        let (body, last) = code.split_at(12);
        let d = last.parse::<u8>().expect("digit");
        format!("{body}{}", (d + 1) % 10)
    }

    fn rule(prefix: u8, item: u8, check: bool, value: u8, measure: Measure) -> Rule {
        Rule {
            prefix,
            item_digits: item,
            value_digits: value,
            value_check: check,
            measure,
        }
    }

    #[test]
    fn gs1_price_check_digit_examples() {
        // GS1 General Specifications' worked examples: 4-digit 2875 -> 9, 5-digit 14685 -> 6.
        assert_eq!(value_check_digit(&[2, 8, 7, 5]), Some(9));
        assert_eq!(value_check_digit(&[1, 4, 6, 8, 5]), Some(6));
        assert_eq!(value_check_digit(&[1, 2, 3]), None);
    }

    #[test]
    fn codes_table() {
        let grams = Measure::Weight { unit_g: 1 };
        let fen = Measure::Price { unit_fen: 1 };
        let layout = Layout::new(vec![
            rule(22, 5, false, 5, grams),
            rule(25, 5, false, 5, fen),
            rule(23, 5, true, 4, Measure::Weight { unit_g: 10 }),
            rule(27, 4, true, 5, Measure::Price { unit_fen: 10 }),
            rule(28, 6, false, 4, fen),
        ])
        .expect("layout");
        let p4 = |v: [u8; 4]| value_check_digit(&v).expect("4 digits");
        let p5 = |v: [u8; 5]| value_check_digit(&v).expect("5 digits");
        let cases = [
            (ean("221234501250"), "12345", Quantity::Grams(1250)),
            (ean("250012300899"), "00123", Quantity::PriceFen(899)),
            (
                ean(&format!("2312345{}0125", p4([0, 1, 2, 5]))),
                "12345",
                Quantity::Grams(1250),
            ),
            (
                ean(&format!("271234{}14685", p5([1, 4, 6, 8, 5]))),
                "1234",
                Quantity::PriceFen(146850),
            ),
            (ean("281234560350"), "123456", Quantity::PriceFen(350)),
        ];
        for (code, item, quantity) in cases {
            let m =
                VariableMeasure::parse(&code, &layout).unwrap_or_else(|e| panic!("{code}: {e}"));
            assert_eq!(
                (m.item_code.as_str(), m.quantity),
                (item, quantity),
                "{code}"
            );
            assert!(VariableMeasure::is_in_store(&code));
        }
        assert_eq!(
            VariableMeasure::parse(&ean("221234501250"), &layout)
                .expect("parse")
                .item_key(),
            "2212345"
        );
        let catalog = |code: &str| {
            VariableMeasure::parse(code, &layout)
                .expect("parse")
                .catalog_gtin()
                .expect("gtin")
                .display_form()
        };
        assert_eq!(catalog(&ean("221234501250")), "2212345000005");
        assert_eq!(catalog(&ean("281234560350")), ean("281234560000"));
    }

    #[test]
    fn refusals_table() {
        let layout =
            Layout::new(vec![rule(23, 5, true, 4, Measure::Weight { unit_g: 1 })]).expect("layout");
        let good_check = value_check_digit(&[0, 1, 2, 5]).expect("check");
        let bad_check = (good_check + 1) % 10;
        type Want = fn(&Refusal) -> bool;
        let cases: Vec<(String, Want)> = vec![
            ("22123450125".into(), |r| matches!(r, Refusal::NotEan13(_))),
            ("22123450125x7".into(), |r| {
                matches!(r, Refusal::NotEan13(_))
            }),
            // Check 0 where the value 1250 needs 3.
            (ean("231234501250"), |r| {
                matches!(
                    r,
                    Refusal::ValueCheck {
                        expected: 3,
                        found: 0,
                        ..
                    }
                )
            }),
            (misread(&ean("231234531250")), |r| {
                matches!(r, Refusal::CheckDigit { .. })
            }),
            (ean("400638133393"), |r| matches!(r, Refusal::NotInStore(_))),
            (ean("221234501250"), |r| {
                matches!(r, Refusal::NoRule { prefix: 22, .. })
            }),
            (ean(&format!("2312345{bad_check}0125")), |r| {
                matches!(r, Refusal::ValueCheck { .. })
            }),
            (
                ean(&format!(
                    "2312345{}0000",
                    value_check_digit(&[0, 0, 0, 0]).unwrap_or(0)
                )),
                |r| matches!(r, Refusal::Zero(_)),
            ),
        ];
        for (code, want) in cases {
            match VariableMeasure::parse(&code, &layout) {
                Ok(m) => panic!("{code} parsed: {m:?}"),
                Err(e) => assert!(want(&e), "{code}: {e:?}"),
            }
        }
        assert!(VariableMeasure::parse(&ean(&format!("2312345{good_check}0125")), &layout).is_ok());
    }

    #[test]
    fn layouts_are_checked() {
        let g = Measure::Weight { unit_g: 1 };
        assert_eq!(
            Layout::new(vec![rule(19, 5, false, 5, g)]),
            Err(LayoutError::Prefix(19))
        );
        assert!(matches!(
            Layout::new(vec![rule(22, 5, false, 4, g)]),
            Err(LayoutError::Digits { sum: 9, .. })
        ));
        assert_eq!(
            Layout::new(vec![rule(22, 4, true, 5, g), rule(22, 5, false, 5, g)]),
            Err(LayoutError::Twice(22))
        );
        assert_eq!(
            Layout::new(vec![rule(22, 6, true, 3, g)]),
            Err(LayoutError::ValueCheck(22))
        );
        assert_eq!(
            Layout::new(vec![rule(22, 5, false, 5, Measure::Price { unit_fen: 0 })]),
            Err(LayoutError::Unit(22))
        );
        // A store's layout travels as JSON (its settings): refused there too.
        let json = r#"[{"prefix":22,"item_digits":5,"value_digits":5,"value_check":false,"measure":{"weight":{"unit_g":1}}}]"#;
        let l: Layout = serde_json::from_str(json).expect("layout JSON");
        assert_eq!(
            l,
            Layout::new(vec![rule(22, 5, false, 5, g)]).expect("layout")
        );
        assert!(serde_json::from_str::<Layout>(&json.replace("22", "30")).is_err());
        assert!(
            Layout::common()
                .rules()
                .iter()
                .all(|r| r.validate().is_ok())
        );
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,20}") {
            let _ = VariableMeasure::parse(&s, &Layout::common());
        }

        #[test]
        fn weights_round_trip(item in 0u32..100_000, grams in 1u32..100_000) {
            let code = ean(&format!("22{item:05}{grams:05}"));
            let m = VariableMeasure::parse(&code, &Layout::common()).expect("parse");
            proptest::prop_assert_eq!(m.quantity, Quantity::Grams(u64::from(grams)));
            proptest::prop_assert_eq!(m.item_code, format!("{item:05}"));
        }
    }
}
