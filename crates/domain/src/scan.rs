//! What a scanned text means: a product, a shopper code, a payment code, or nothing usable.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::gtin::{Gtin, GtinError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Symbology {
    Ean13,
    Ean8,
    Upca,
    Upce,
    Code128,
    Qr,
    /// GS1 DataMatrix (or a plain one).
    #[serde(rename = "datamatrix")]
    DataMatrix,
    /// GS1 DataBar Omnidirectional (and Stacked): a GTIN-14.
    #[serde(rename = "databar")]
    DataBar,
    /// GS1 DataBar Expanded (and Expanded Stacked): a GS1 element string.
    #[serde(rename = "databar-expanded")]
    DataBarExpanded,
}

impl Symbology {
    pub fn name(self) -> &'static str {
        match self {
            Symbology::Ean13 => "ean13",
            Symbology::Ean8 => "ean8",
            Symbology::Upca => "upca",
            Symbology::Upce => "upce",
            Symbology::Code128 => "code128",
            Symbology::Qr => "qr",
            Symbology::DataMatrix => "datamatrix",
            Symbology::DataBar => "databar",
            Symbology::DataBarExpanded => "databar-expanded",
        }
    }

    pub fn is_linear(self) -> bool {
        !matches!(self, Symbology::Qr | Symbology::DataMatrix)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShopperCodeKind {
    Member,
    Pickup,
    Coupon,
    Basket,
}

impl ShopperCodeKind {
    pub fn prefix(self) -> &'static str {
        match self {
            ShopperCodeKind::Member => "MB1:",
            ShopperCodeKind::Pickup => "PU1:",
            ShopperCodeKind::Coupon => "CP1:",
            ShopperCodeKind::Basket => "BK1:",
        }
    }

    pub const ALL: [ShopperCodeKind; 4] = [
        ShopperCodeKind::Member,
        ShopperCodeKind::Pickup,
        ShopperCodeKind::Coupon,
        ShopperCodeKind::Basket,
    ];
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentScheme {
    Alipay,
    #[serde(rename = "wechat_pay")]
    WeChatPay,
}

/// Alipay-style: 16–24 digits starting 25–30; WeChat Pay-style: 18 digits starting 10–15.
pub fn payment_scheme(text: &str) -> Option<PaymentScheme> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let lead: u32 = text.get(..2)?.parse().ok()?;
    match (text.len(), lead) {
        (16..=24, 25..=30) => Some(PaymentScheme::Alipay),
        (18, 10..=15) => Some(PaymentScheme::WeChatPay),
        _ => None,
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScanKind {
    Product(Gtin),
    Shopper {
        kind: ShopperCodeKind,
        text: String,
    },
    Payment {
        scheme: PaymentScheme,
        digits: String,
    },
    Unusable {
        text: String,
        why: Unusable,
    },
}

/// Why a read text is of no use to the till.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unusable {
    #[error("nothing was read")]
    Nothing,
    #[error("not a product barcode, a shopper code (MB1:, PU1:, CP1:, BK1:) or a payment code")]
    NotACode,
    #[error("not a product or payment code: {0}")]
    BadGtin(GtinError),
}

/// Classifies the text a camera or scanner read. `symbology` is what the decoder saw, when known
/// (a keyboard-wedge scanner or `--scan TEXT` does not say).
pub fn classify(text: &str, symbology: Option<Symbology>) -> ScanKind {
    let trimmed = text.trim_matches(|c: char| c.is_whitespace() || c == '\r' || c == '\n');
    if let Some(kind) = ShopperCodeKind::ALL
        .into_iter()
        .find(|k| trimmed.starts_with(k.prefix()))
    {
        return ScanKind::Shopper {
            kind,
            text: trimmed.to_owned(),
        };
    }
    if let Some(scheme) = payment_scheme(trimmed) {
        return ScanKind::Payment {
            scheme,
            digits: trimmed.to_owned(),
        };
    }
    let parsed = match symbology {
        Some(Symbology::Upce) if trimmed.len() == 8 => Gtin::from_upce(trimmed),
        Some(Symbology::Upce) if trimmed.len() == 13 || trimmed.len() == 12 => Gtin::parse(trimmed),
        _ => Gtin::parse(trimmed).or_else(|e| {
            // Without a symbology, 8 digits are EAN-8 first, UPC-E when only that fits.
            if trimmed.len() == 8 {
                Gtin::from_upce(trimmed).map_err(|_| e)
            } else {
                Err(e)
            }
        }),
    };
    match parsed {
        Ok(g) => ScanKind::Product(g),
        Err(e) => ScanKind::Unusable {
            text: trimmed.chars().take(80).collect(),
            why: if trimmed.is_empty() {
                Unusable::Nothing
            } else if matches!(e, GtinError::NotDigits { .. }) {
                Unusable::NotACode
            } else {
                Unusable::BadGtin(e)
            },
        },
    }
}

/// "A code seen again within a short window is one scan." Times are milliseconds on any clock.
#[derive(Debug, Clone)]
pub struct Debouncer {
    window_ms: u64,
    last_seen: HashMap<String, u64>,
}

impl Debouncer {
    pub fn new(window_ms: u64) -> Debouncer {
        Debouncer {
            window_ms,
            last_seen: HashMap::new(),
        }
    }

    /// True when `text` counts as a new scan at `now_ms`. A code held in view keeps extending
    /// its window, so it is counted again only after it was out of sight for the window.
    pub fn accept(&mut self, text: &str, now_ms: u64) -> bool {
        let window = self.window_ms;
        self.last_seen
            .retain(|_, t| now_ms.saturating_sub(*t) < window.saturating_mul(4));
        let fresh = match self.last_seen.get(text) {
            Some(t) => now_ms.saturating_sub(*t) >= window,
            None => true,
        };
        self.last_seen.insert(text.to_owned(), now_ms);
        fresh
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classification_table() {
        let product = |g: &str| ScanKind::Product(Gtin::parse(g).expect("gtin"));
        let cases: Vec<(&str, Option<Symbology>, ScanKind)> = vec![
            ("6901234567892", Some(Symbology::Ean13), product("6901234567892")),
            ("036000291452", Some(Symbology::Upca), product("036000291452")),
            ("01234565", Some(Symbology::Upce), product("012345000065")),
            ("96385074", None, product("96385074")),
            ("]C10109506000134352", Some(Symbology::Code128), product("09506000134352")),
            ("https://id.gs1.org/01/09506000134352", Some(Symbology::Qr), product("09506000134352")),
            ("MB1:6BFOXN*TS0BI$ZD4N9:9S6RCVN5+O30K3/XIV0W23NTDEXWK G2EP4J0BGJLFX3R3VHXK.PJ:2DPF6R:5SVBDO3LG8", Some(Symbology::Qr),
                ScanKind::Shopper { kind: ShopperCodeKind::Member, text: "MB1:6BFOXN*TS0BI$ZD4N9:9S6RCVN5+O30K3/XIV0W23NTDEXWK G2EP4J0BGJLFX3R3VHXK.PJ:2DPF6R:5SVBDO3LG8".into() }),
            ("PU1:XYZ", None, ScanKind::Shopper { kind: ShopperCodeKind::Pickup, text: "PU1:XYZ".into() }),
            ("CP1:XYZ\r\n", None, ScanKind::Shopper { kind: ShopperCodeKind::Coupon, text: "CP1:XYZ".into() }),
            ("BK1:XYZ", None, ScanKind::Shopper { kind: ShopperCodeKind::Basket, text: "BK1:XYZ".into() }),
            ("2812345678901234", None, ScanKind::Payment { scheme: PaymentScheme::Alipay, digits: "2812345678901234".into() }),
            ("301234567890123456789012", None, ScanKind::Payment { scheme: PaymentScheme::Alipay, digits: "301234567890123456789012".into() }),
            ("134567890123456789", Some(Symbology::Code128), ScanKind::Payment { scheme: PaymentScheme::WeChatPay, digits: "134567890123456789".into() }),
        ];
        for (text, sym, want) in cases {
            assert_eq!(classify(text, sym), want, "{text}");
        }
        let unusable = [
            ("", "nothing was read"),
            ("6901234567893", "check digit"),
            ("3012345678901234567890123", "has 25 digits"),
            ("16456789012345678", "has 17 digits"),
            ("hello world", "not a product barcode"),
            ("mb1:lowercase", "not a product barcode"),
            ("https://example.com/", "web address"),
        ];
        for (text, why) in unusable {
            match classify(text, None) {
                ScanKind::Unusable { why: reason, .. } => {
                    let reason = reason.to_string();
                    assert!(reason.contains(why), "{text}: {reason}")
                }
                other => panic!("{text}: {other:?}"),
            }
        }
    }

    #[test]
    fn payment_scheme_edges() {
        let cases = [
            ("25", None),
            ("251234567890123", None), // 15 digits
            ("2512345678901234", Some(PaymentScheme::Alipay)),
            ("241234567890123456", None), // starts 24
            ("311234567890123456", None), // starts 31
            ("101234567890123456", Some(PaymentScheme::WeChatPay)),
            ("151234567890123456", Some(PaymentScheme::WeChatPay)),
            ("161234567890123456", None),
            ("10123456789012345", None), // 17 digits
            ("28123456789012345a", None),
        ];
        for (text, want) in cases {
            assert_eq!(payment_scheme(text), want, "{text}");
        }
    }

    #[test]
    fn debounce_window() {
        let mut d = Debouncer::new(1500);
        let steps = [
            ("A", 0, true),
            ("A", 100, false),
            ("B", 150, true),
            ("A", 1400, false), // still in view: the window extends
            ("A", 2800, false),
            ("A", 4400, true), // out of sight for 1.6 s
            ("B", 4400, true),
        ];
        for (text, t, want) in steps {
            assert_eq!(d.accept(text, t), want, "{text}@{t}");
        }
    }
}
