//! Catalog items and the validation of one catalog CSV row.

use serde::{Deserialize, Serialize};

use super::gtin::{Gtin, GtinError};
use super::money::{Currency, Money, MoneyError};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogItem {
    pub gtin: Gtin,
    pub name: String,
    pub name_zh: Option<String>,
    pub price: Money,
    pub sku: Option<String>,
    pub unit: Option<String>,
    pub age_restricted: bool,
    pub stock: Option<i64>,
    /// Where it is on the shop floor ("A3"): pick lists are sorted by it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shelf: Option<String>,
}

/// Longest product name (either language), in characters. Names travel in every order event,
/// on receipts and on screens: a 9 MB name once made an event the platform refused for good.
pub const MAX_NAME_LEN: usize = 200;
/// Longest SKU or unit, in characters.
pub const MAX_SHORT_FIELD_LEN: usize = 64;
/// Longest shelf label ("A3", "冷柜 2"), in characters.
pub const MAX_SHELF_LEN: usize = 32;

/// Refuses `value` when it is longer than `max` characters.
pub fn check_len(field: &'static str, value: &str, max: usize) -> Result<(), RowError> {
    // Counting stops at max + 1: a huge value costs no more than a short one.
    if value.chars().take(max + 1).count() > max {
        return Err(RowError::TooLong {
            field,
            max,
            found: value.chars().count(),
        });
    }
    Ok(())
}

impl CatalogItem {
    /// Checks every text field against its limit (a catalog from the platform or an older
    /// database is checked as a CSV row is).
    pub fn check_limits(&self) -> Result<(), RowError> {
        check_len("name", &self.name, MAX_NAME_LEN)?;
        if let Some(zh) = &self.name_zh {
            check_len("name_zh", zh, MAX_NAME_LEN)?;
        }
        if let Some(sku) = &self.sku {
            check_len("sku", sku, MAX_SHORT_FIELD_LEN)?;
        }
        if let Some(unit) = &self.unit {
            check_len("unit", unit, MAX_SHORT_FIELD_LEN)?;
        }
        if let Some(shelf) = &self.shelf {
            check_len("shelf", shelf, MAX_SHELF_LEN)?;
        }
        Ok(())
    }

    /// Priced per kilogram: its `unit` is `kg` (or 千克, 公斤). Weighed goods are sold only
    /// from a label that says their weight, at this price times the weight.
    pub fn sold_by_weight(&self) -> bool {
        self.unit
            .as_deref()
            .map(str::trim)
            .is_some_and(|u| u.eq_ignore_ascii_case("kg") || u == "千克" || u == "公斤")
    }

    /// The name in the shopper's language, falling back to English.
    pub fn name_in(&self, chinese: bool) -> &str {
        match (&self.name_zh, chinese) {
            (Some(zh), true) if !zh.is_empty() => zh,
            _ => &self.name,
        }
    }
}

/// Where each column of a catalog CSV is, from its header row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogColumns {
    gtin: usize,
    name: usize,
    price: usize,
    name_zh: Option<usize>,
    currency: Option<usize>,
    sku: Option<usize>,
    unit: Option<usize>,
    age_restricted: Option<usize>,
    stock: Option<usize>,
    shelf: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RowError {
    #[error("the header has no '{0}' column (required: gtin,name,price)")]
    MissingColumn(&'static str),
    #[error("the header names column '{0}' twice")]
    DuplicateColumn(String),
    #[error("the row has {found} fields but the header has {expected}")]
    FieldCount { expected: usize, found: usize },
    #[error("gtin: {0}")]
    Gtin(#[from] GtinError),
    #[error("price '{text}': {source}")]
    Price { text: String, source: MoneyError },
    #[error("price '{0}' is negative")]
    NegativePrice(String),
    #[error("currency: {0}")]
    Currency(MoneyError),
    #[error("name is empty")]
    EmptyName,
    #[error("age_restricted '{0}' is not one of true, false, 1, 0, yes, no")]
    BadFlag(String),
    #[error("stock '{0}' is not a whole number")]
    BadStock(String),
    #[error("{field} is {found} characters long; at most {max} are allowed")]
    TooLong {
        field: &'static str,
        max: usize,
        found: usize,
    },
}

impl CatalogColumns {
    pub fn from_header<'a>(header: impl IntoIterator<Item = &'a str>) -> Result<Self, RowError> {
        let names: Vec<String> = header
            .into_iter()
            .map(|h| h.trim().trim_start_matches('\u{feff}').to_ascii_lowercase())
            .collect();
        for (i, n) in names.iter().enumerate() {
            if names[..i].contains(n) {
                return Err(RowError::DuplicateColumn(n.clone()));
            }
        }
        let find = |name: &str| names.iter().position(|n| n == name);
        let required = |name: &'static str| find(name).ok_or(RowError::MissingColumn(name));
        Ok(CatalogColumns {
            gtin: required("gtin")?,
            name: required("name")?,
            price: required("price")?,
            name_zh: find("name_zh"),
            currency: find("currency"),
            sku: find("sku"),
            unit: find("unit"),
            age_restricted: find("age_restricted"),
            stock: find("stock"),
            shelf: find("shelf"),
        })
    }

    fn width(&self) -> usize {
        [
            Some(self.gtin),
            Some(self.name),
            Some(self.price),
            self.name_zh,
            self.currency,
            self.sku,
            self.unit,
            self.age_restricted,
            self.stock,
            self.shelf,
        ]
        .into_iter()
        .flatten()
        .max()
        .map_or(0, |m| m + 1)
    }

    /// Validates one data row.
    pub fn parse_row(
        &self,
        fields: &[&str],
        default_currency: Currency,
    ) -> Result<CatalogItem, RowError> {
        if fields.len() < self.width() {
            return Err(RowError::FieldCount {
                expected: self.width(),
                found: fields.len(),
            });
        }
        let opt = |i: Option<usize>| {
            i.map(|i| fields[i].trim())
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        let gtin = Gtin::parse(fields[self.gtin])?;
        let name = fields[self.name].trim().to_owned();
        if name.is_empty() {
            return Err(RowError::EmptyName);
        }
        let currency = match opt(self.currency) {
            Some(c) => Currency::parse(&c).map_err(RowError::Currency)?,
            None => default_currency,
        };
        let price_text = fields[self.price].trim();
        let price = Money::parse(price_text, currency).map_err(|source| RowError::Price {
            text: price_text.to_owned(),
            source,
        })?;
        if price.minor < 0 {
            return Err(RowError::NegativePrice(price_text.to_owned()));
        }
        let age_restricted = match opt(self.age_restricted).map(|s| s.to_ascii_lowercase()) {
            None => false,
            Some(s) => match s.as_str() {
                "true" | "1" | "yes" | "y" => true,
                "false" | "0" | "no" | "n" => false,
                _ => return Err(RowError::BadFlag(s)),
            },
        };
        let stock = match opt(self.stock) {
            None => None,
            Some(s) => Some(s.parse::<i64>().map_err(|_| RowError::BadStock(s))?),
        };
        let item = CatalogItem {
            gtin,
            name,
            name_zh: opt(self.name_zh),
            price,
            sku: opt(self.sku),
            unit: opt(self.unit),
            age_restricted,
            stock,
            shelf: opt(self.shelf),
        };
        item.check_limits()?;
        Ok(item)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cols(h: &str) -> Result<CatalogColumns, RowError> {
        CatalogColumns::from_header(h.split(','))
    }

    #[test]
    fn header_needs_the_three_columns() {
        assert!(cols("gtin,name,price").is_ok());
        assert!(cols("\u{feff}GTIN, Name ,price,name_zh,stock").is_ok());
        assert_eq!(cols("gtin,name"), Err(RowError::MissingColumn("price")));
        assert_eq!(cols("name,price"), Err(RowError::MissingColumn("gtin")));
        assert_eq!(
            cols("gtin,name,price,name"),
            Err(RowError::DuplicateColumn("name".into()))
        );
    }

    #[test]
    fn rows_are_validated() {
        let c =
            cols("gtin,name,price,name_zh,currency,sku,unit,age_restricted,stock").expect("header");
        let ok = c
            .parse_row(
                &[
                    "6901234567892",
                    "Green tea 500ml",
                    "3.50",
                    "绿茶 500毫升",
                    "",
                    "SKU1",
                    "bottle",
                    "no",
                    "12",
                ],
                Currency::CNY,
            )
            .expect("row");
        assert_eq!(ok.price, Money::new(350, Currency::CNY));
        assert_eq!(ok.name_in(true), "绿茶 500毫升");
        assert_eq!(ok.stock, Some(12));
        let bad: [(&[&str], fn(&RowError) -> bool); 7] = [
            (&["6901234567893", "x", "1", "", "", "", "", "", ""], |e| {
                matches!(e, RowError::Gtin(GtinError::BadCheckDigit { .. }))
            }),
            (&["6901234567892", "", "1", "", "", "", "", "", ""], |e| {
                matches!(e, RowError::EmptyName)
            }),
            (
                &["6901234567892", "x", "1.2.3", "", "", "", "", "", ""],
                |e| matches!(e, RowError::Price { .. }),
            ),
            (&["6901234567892", "x", "-1", "", "", "", "", "", ""], |e| {
                matches!(e, RowError::NegativePrice(_))
            }),
            (
                &["6901234567892", "x", "1", "", "", "", "", "maybe", ""],
                |e| matches!(e, RowError::BadFlag(_)),
            ),
            (
                &["6901234567892", "x", "1", "", "", "", "", "", "3.5"],
                |e| matches!(e, RowError::BadStock(_)),
            ),
            (&["6901234567892", "x"], |e| {
                matches!(e, RowError::FieldCount { .. })
            }),
        ];
        for (row, check) in bad {
            let e = c.parse_row(row, Currency::CNY).expect_err("bad row");
            assert!(check(&e), "{row:?}: {e:?}");
        }
    }
}
