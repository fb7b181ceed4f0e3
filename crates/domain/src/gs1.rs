//! GS1 element strings and GS1 Digital Link URIs, parsed into the fields a till uses: GTIN,
//! net weight (AI 310n), amount payable (392n, 393n), best-before (15) and expiry (17) dates,
//! batch (10) and serial (21). One parser for what GS1-128, GS1 DataBar, GS1 DataMatrix and
//! GS1 QR codes carry, in any of their three written forms:
//!
//! - the raw element string as a reader returns it: AIs and values run together, a variable
//!   length value ended by FNC1, sent as the GS character (0x1D), with or without a
//!   symbology identifier (`]C1`, `]e0`, `]d2`, `]Q3`) or a leading FNC1;
//! - the human-readable form with the AIs in brackets: `(01)09506000134352(17)271231`;
//! - a GS1 Digital Link URI: `https://example.com/01/09506000134352/10/AB12?17=271231`.
//!
//! Pure: no clock. A date is compared with the day the caller passes in.

use std::fmt;

use super::gtin::{Gtin, GtinError};

/// FNC1 as a reader sends it between elements.
pub const GS: char = '\u{1d}';

/// A calendar date from a GS1 date field (YYMMDD). A day of 00 means the last day of the month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl Date {
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        ((1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month))
            .then_some(Date { year, month, day })
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

/// An amount from AI 392n or 393n: `value` with `decimals` digits after the point, and the
/// ISO 4217 numeric currency code for 393n.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Amount {
    pub value: u64,
    pub decimals: u8,
    pub currency: Option<u16>,
}

impl Amount {
    /// The amount in minor units of a currency with `minor_digits` of them (2 for CNY: fen);
    /// None when it has finer digits than that which are not zero, or overflows.
    pub fn in_minor_units(&self, minor_digits: u8) -> Option<u64> {
        if self.decimals <= minor_digits {
            self.value
                .checked_mul(10u64.checked_pow(u32::from(minor_digits - self.decimals))?)
        } else {
            let div = 10u64.checked_pow(u32::from(self.decimals - minor_digits))?;
            self.value.is_multiple_of(div).then_some(self.value / div)
        }
    }
}

/// What a GS1 code says, field by field. `elements` keeps every element in the order read
/// (AI, value), the known ones included.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Gs1 {
    pub gtin: Option<Gtin>,
    /// Net weight in grams (AI 310n, kilograms with n decimals), rounded to the nearest gram
    /// for n > 3.
    pub weight_g: Option<u64>,
    /// Amount payable (AI 392n, or 393n with its currency).
    pub price: Option<Amount>,
    /// AI 15.
    pub best_before: Option<Date>,
    /// AI 17.
    pub expiry: Option<Date>,
    /// AI 10.
    pub batch: Option<String>,
    /// AI 21.
    pub serial: Option<String>,
    pub elements: Vec<(String, String)>,
}

impl Gs1 {
    /// True when the expiry date (AI 17) is before `today`; the day itself still sells.
    pub fn expired_on(&self, today: Date) -> bool {
        self.expiry.is_some_and(|d| d < today)
    }

    /// The weight in grams when the code carries one: the line's quantity for weighed goods.
    pub fn weight_g(&self) -> Option<u64> {
        self.weight_g
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Gs1Error {
    #[error("the code is empty")]
    Empty,
    #[error("'{text}' is not a GS1 element string: no application identifier at '{at}'")]
    UnknownAi { text: String, at: String },
    #[error("AI ({ai}) needs {want} characters; the code has {got}")]
    TooShort { ai: String, want: usize, got: usize },
    #[error("AI ({ai}) holds at most {max} characters; the code has {got}")]
    TooLong { ai: String, max: usize, got: usize },
    #[error("AI ({ai}) holds digits only, not '{value}'")]
    NotDigits { ai: String, value: String },
    #[error("AI ({ai}) holds '{value}', which is not a date (YYMMDD)")]
    BadDate { ai: String, value: String },
    #[error("AI ({ai}) holds '{value}': {why}")]
    BadValue {
        ai: String,
        value: String,
        why: &'static str,
    },
    #[error("AI ({ai}) appears twice with different values")]
    Conflict { ai: String },
    #[error("the GTIN in AI (01): {0}")]
    Gtin(GtinError),
    #[error("'{text}' is a web address but not a GS1 Digital Link (it needs /01/ and a GTIN)")]
    NotDigitalLink { text: String },
    #[error("'{text}' has a broken %-escape")]
    BadEscape { text: String },
}

/// How long an AI's value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Len {
    /// Exactly this many characters; no separator needed after it.
    Fixed(usize),
    /// Up to this many, ended by GS or the end of the string.
    Upto(usize),
}

/// What an AI's value holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Digits,
    Text,
}

/// The AIs this parser knows: (AI, value length, kind). Four-digit AIs whose last digit is a
/// decimal point position (310n, 392n, ...) are listed with their first three digits and
/// matched in `lookup`.
const TABLE: &[(&str, Len, Kind)] = &[
    ("00", Len::Fixed(18), Kind::Digits),
    ("01", Len::Fixed(14), Kind::Digits),
    ("02", Len::Fixed(14), Kind::Digits),
    ("10", Len::Upto(20), Kind::Text),
    ("11", Len::Fixed(6), Kind::Digits),
    ("12", Len::Fixed(6), Kind::Digits),
    ("13", Len::Fixed(6), Kind::Digits),
    ("15", Len::Fixed(6), Kind::Digits),
    ("16", Len::Fixed(6), Kind::Digits),
    ("17", Len::Fixed(6), Kind::Digits),
    ("20", Len::Fixed(2), Kind::Digits),
    ("21", Len::Upto(20), Kind::Text),
    ("22", Len::Upto(20), Kind::Text),
    ("30", Len::Upto(8), Kind::Digits),
    ("37", Len::Upto(8), Kind::Digits),
    ("240", Len::Upto(30), Kind::Text),
    ("241", Len::Upto(30), Kind::Text),
    ("250", Len::Upto(30), Kind::Text),
    ("251", Len::Upto(30), Kind::Text),
    ("400", Len::Upto(30), Kind::Text),
    ("401", Len::Upto(30), Kind::Text),
    ("402", Len::Fixed(17), Kind::Digits),
    ("403", Len::Upto(30), Kind::Text),
    ("410", Len::Fixed(13), Kind::Digits),
    ("411", Len::Fixed(13), Kind::Digits),
    ("412", Len::Fixed(13), Kind::Digits),
    ("413", Len::Fixed(13), Kind::Digits),
    ("414", Len::Fixed(13), Kind::Digits),
    ("415", Len::Fixed(13), Kind::Digits),
    ("420", Len::Upto(20), Kind::Text),
    ("421", Len::Upto(12), Kind::Text),
    ("422", Len::Fixed(3), Kind::Digits),
    ("7003", Len::Fixed(10), Kind::Digits),
    ("8005", Len::Fixed(6), Kind::Digits),
    ("8020", Len::Upto(25), Kind::Text),
];

/// Trade measures: 31nn–36nn, four-digit AIs with six digits.
fn is_measure(ai4: &str) -> bool {
    let b = ai4.as_bytes();
    b.len() == 4 && (b'1'..=b'6').contains(&b[1]) && b[0] == b'3' && b[3].is_ascii_digit()
}

/// The AI at the start of `s` with its length and kind.
fn lookup(s: &str) -> Option<(&str, Len, Kind)> {
    let head4 = s.get(..4).filter(|h| h.bytes().all(|b| b.is_ascii_digit()));
    if let Some(h) = head4 {
        if is_measure(h) {
            return Some((h, Len::Fixed(6), Kind::Digits));
        }
        // 390n and 392n: an amount, up to 15 digits; 391n and 393n: a currency and one.
        match &h[..3] {
            "390" | "392" => return Some((h, Len::Upto(15), Kind::Digits)),
            "391" | "393" => return Some((h, Len::Upto(18), Kind::Digits)),
            _ => {}
        }
        if let Some((ai, len, kind)) = TABLE.iter().find(|(ai, ..)| *ai == h) {
            return Some((ai, *len, *kind));
        }
    }
    if let Some(h) = s.get(..3)
        && let Some((ai, len, kind)) = TABLE.iter().find(|(ai, ..)| *ai == h)
    {
        return Some((ai, *len, *kind));
    }
    if let Some(h) = s.get(..2) {
        if let Some((ai, len, kind)) = TABLE.iter().find(|(ai, ..)| *ai == h) {
            return Some((ai, *len, *kind));
        }
        // 90–99: company internal.
        if h.starts_with('9') && h.as_bytes()[1].is_ascii_digit() {
            return Some((h, Len::Upto(90), Kind::Text));
        }
    }
    None
}

/// Parses any of the three forms (see the module's documentation).
pub fn parse(text: &str) -> Result<Gs1, Gs1Error> {
    let text = text.trim_matches(|c: char| c == '\r' || c == '\n' || c == ' ');
    if text.is_empty() {
        return Err(Gs1Error::Empty);
    }
    if text.starts_with("http://") || text.starts_with("https://") {
        return parse_digital_link(text);
    }
    let body = ["]C1", "]e0", "]d2", "]Q3", "]J1"]
        .iter()
        .find_map(|p| text.strip_prefix(p))
        .unwrap_or(text);
    let body = body.trim_start_matches(GS);
    if body.starts_with('(') {
        parse_bracketed(body)
    } else {
        parse_raw(body)
    }
}

/// The raw element string: AIs and values run together, GS after a variable-length value.
fn parse_raw(body: &str) -> Result<Gs1, Gs1Error> {
    let mut elements = Vec::new();
    let mut rest = body;
    while !rest.is_empty() {
        let Some((ai, len, kind)) = lookup(rest) else {
            return Err(Gs1Error::UnknownAi {
                text: body.to_owned(),
                at: rest.chars().take(8).collect(),
            });
        };
        let after = &rest[ai.len()..];
        let value = match len {
            Len::Fixed(n) => {
                let got = after.chars().take_while(|&c| c != GS).count();
                if got < n {
                    return Err(Gs1Error::TooShort {
                        ai: ai.to_owned(),
                        want: n,
                        got,
                    });
                }
                // Fixed-length values are ASCII digits (checked below), so n bytes.
                after.get(..n).ok_or_else(|| Gs1Error::NotDigits {
                    ai: ai.to_owned(),
                    value: after.chars().take(n).collect(),
                })?
            }
            Len::Upto(_) => after.split(GS).next().unwrap_or(""),
        };
        elements.push((ai.to_owned(), value.to_owned(), len, kind));
        rest = after[value.len()..].trim_start_matches(GS);
    }
    build(elements)
}

/// `(AI)value(AI)value…`: the brackets say where each AI is, so no separators are needed.
fn parse_bracketed(body: &str) -> Result<Gs1, Gs1Error> {
    let mut elements = Vec::new();
    let mut rest = body;
    while let Some(r) = rest.strip_prefix('(') {
        let Some((ai, after)) = r.split_once(')') else {
            return Err(Gs1Error::UnknownAi {
                text: body.to_owned(),
                at: rest.chars().take(8).collect(),
            });
        };
        let value_end = after.find('(').unwrap_or(after.len());
        let value = after[..value_end].trim_end_matches(GS);
        let Some((known, len, kind)) = lookup(ai).filter(|(k, ..)| k.len() == ai.len()) else {
            return Err(Gs1Error::UnknownAi {
                text: body.to_owned(),
                at: format!("({ai})"),
            });
        };
        elements.push((known.to_owned(), value.to_owned(), len, kind));
        rest = &after[value_end..];
    }
    if !rest.is_empty() {
        return Err(Gs1Error::UnknownAi {
            text: body.to_owned(),
            at: rest.chars().take(8).collect(),
        });
    }
    build(elements)
}

fn percent_decode(s: &str, whole: &str) -> Result<String, Gs1Error> {
    let bad = || Gs1Error::BadEscape {
        text: whole.to_owned(),
    };
    let mut out = Vec::with_capacity(s.len());
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = s.get(i + 1..i + 3).ok_or_else(bad)?;
            out.push(u8::from_str_radix(hex, 16).map_err(|_| bad())?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| bad())
}

/// The short names of older Digital Link URIs for their AIs.
fn path_alias(s: &str) -> &str {
    match s {
        "gtin" => "01",
        "cpv" => "22",
        "lot" => "10",
        "ser" => "21",
        other => other,
    }
}

/// Path segments `/01/{gtin}` (or `/gtin/`) and key qualifiers after it (`/22/`, `/10/`,
/// `/21/`), any path before them (a resolver's own), and numeric AIs in the query string
/// (other query parameters, such as `linkType`, are ignored).
fn parse_digital_link(url: &str) -> Result<Gs1, Gs1Error> {
    let not_dl = || Gs1Error::NotDigitalLink {
        text: url.to_owned(),
    };
    let after_scheme = url.split_once("://").map(|(_, r)| r).ok_or_else(not_dl)?;
    let (before_fragment, _) = after_scheme.split_once('#').unwrap_or((after_scheme, ""));
    let (path_part, query) = before_fragment
        .split_once('?')
        .unwrap_or((before_fragment, ""));
    let path = path_part
        .split_once('/')
        .map(|(_, p)| p)
        .ok_or_else(not_dl)?;
    let segments: Vec<&str> = path.split('/').collect();
    let alias = path_alias;
    let start = segments
        .iter()
        .position(|s| alias(s) == "01")
        .ok_or_else(not_dl)?;
    let mut elements = Vec::new();
    let mut push = |ai: &str, raw: &str| -> Result<(), Gs1Error> {
        let value = percent_decode(raw, url)?;
        let Some((known, len, kind)) = lookup(ai).filter(|(k, ..)| k.len() == ai.len()) else {
            return Err(Gs1Error::UnknownAi {
                text: url.to_owned(),
                at: ai.to_owned(),
            });
        };
        elements.push((known.to_owned(), value, len, kind));
        Ok(())
    };
    let pairs = &segments[start..];
    if !pairs.len().is_multiple_of(2) {
        return Err(not_dl());
    }
    for pair in pairs.chunks(2) {
        push(alias(pair[0]), pair[1])?;
    }
    for param in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = param.split_once('=').unwrap_or((param, ""));
        let key = match key {
            "exp" => "17",
            "bbd" => "15",
            other => other,
        };
        if key.bytes().all(|b| b.is_ascii_digit()) && !key.is_empty() {
            push(key, value)?;
        }
    }
    build(elements)
}

fn date(ai: &str, value: &str) -> Result<Date, Gs1Error> {
    let bad = || Gs1Error::BadDate {
        ai: ai.to_owned(),
        value: value.to_owned(),
    };
    let n = |r: std::ops::Range<usize>| value.get(r).and_then(|v| v.parse::<u8>().ok());
    let (yy, mm, dd) = (
        n(0..2).ok_or_else(bad)?,
        n(2..4).ok_or_else(bad)?,
        n(4..6).ok_or_else(bad)?,
    );
    // GS1's sliding century would need today's year; tills live in this century.
    let year = 2000 + i32::from(yy);
    if !(1..=12).contains(&mm) {
        return Err(bad());
    }
    let day = if dd == 0 { days_in_month(year, mm) } else { dd };
    Date::new(year, mm, day).ok_or_else(bad)
}

/// Checks each element's value against its AI and fills the fields.
fn build(elements: Vec<(String, String, Len, Kind)>) -> Result<Gs1, Gs1Error> {
    let mut out = Gs1::default();
    for (ai, value, len, kind) in elements {
        let count = value.chars().count();
        match len {
            Len::Fixed(n) if count != n => {
                return Err(if count < n {
                    Gs1Error::TooShort {
                        ai,
                        want: n,
                        got: count,
                    }
                } else {
                    Gs1Error::TooLong {
                        ai,
                        max: n,
                        got: count,
                    }
                });
            }
            Len::Upto(max) if count > max => {
                return Err(Gs1Error::TooLong {
                    ai,
                    max,
                    got: count,
                });
            }
            _ => {}
        }
        if count == 0 {
            return Err(Gs1Error::TooShort {
                ai,
                want: 1,
                got: 0,
            });
        }
        if kind == Kind::Digits && !value.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Gs1Error::NotDigits { ai, value });
        }
        if kind == Kind::Text && value.chars().any(|c| c.is_control()) {
            return Err(Gs1Error::BadValue {
                ai,
                value,
                why: "it holds a control character",
            });
        }
        if let Some((_, v)) = out.elements.iter().find(|(a, _)| *a == ai) {
            if *v != value {
                return Err(Gs1Error::Conflict { ai });
            }
            continue;
        }
        let decimals = ai.as_bytes().get(3).map(|d| d - b'0');
        match ai.as_str() {
            "01" => out.gtin = Some(Gtin::from_digits(&value).map_err(Gs1Error::Gtin)?),
            "15" => out.best_before = Some(date(&ai, &value)?),
            "17" => out.expiry = Some(date(&ai, &value)?),
            "10" => out.batch = Some(value.clone()),
            "21" => out.serial = Some(value.clone()),
            a if a.starts_with("310") => {
                let raw: u64 = value.parse().map_err(|_| Gs1Error::NotDigits {
                    ai: ai.clone(),
                    value: value.clone(),
                })?;
                let n = u32::from(decimals.unwrap_or(0));
                // Kilograms with n decimals, in grams.
                let grams = if n <= 3 {
                    raw * 10u64.pow(3 - n)
                } else {
                    let div = 10u64.pow(n - 3);
                    (raw + div / 2) / div
                };
                out.weight_g = Some(grams);
            }
            a if a.starts_with("392") || a.starts_with("393") => {
                let (currency, digits) = if a.starts_with("393") {
                    let (c, d) = value.split_at(3.min(value.len()));
                    (c.parse::<u16>().ok(), d)
                } else {
                    (None, value.as_str())
                };
                let amount: u64 = digits.parse().map_err(|_| Gs1Error::BadValue {
                    ai: ai.clone(),
                    value: value.clone(),
                    why: "it needs a currency code and an amount",
                })?;
                out.price = Some(Amount {
                    value: amount,
                    decimals: decimals.unwrap_or(0),
                    currency,
                });
            }
            _ => {}
        }
        out.elements.push((ai, value));
    }
    if out.elements.is_empty() {
        return Err(Gs1Error::Empty);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gtin(s: &str) -> Option<Gtin> {
        Some(Gtin::from_digits(s).expect("test GTIN"))
    }

    fn ymd(y: i32, m: u8, d: u8) -> Option<Date> {
        Date::new(y, m, d)
    }

    #[test]
    fn the_three_forms_give_the_same_fields() {
        let forms = [
            "01095060001343521727123110AB-12\u{1d}3103001250",
            "]C101095060001343521727123110AB-12\u{1d}3103001250",
            "]d2\u{1d}01095060001343521727123110AB-12\u{1d}3103001250",
            "(01)09506000134352(17)271231(10)AB-12(3103)001250",
            "https://id.gs1.org/01/09506000134352/10/AB-12?17=271231&3103=001250",
            "https://shop.example.cn/p/01/09506000134352/10/AB%2D12?3103=001250&17=271231&linkType=all",
        ];
        for f in forms {
            let g = parse(f).unwrap_or_else(|e| panic!("{f}: {e}"));
            assert_eq!(g.gtin, gtin("09506000134352"), "{f}");
            assert_eq!(g.expiry, ymd(2027, 12, 31), "{f}");
            assert_eq!(g.batch.as_deref(), Some("AB-12"), "{f}");
            assert_eq!(g.weight_g, Some(1250), "{f}");
        }
    }

    #[test]
    fn fields_table() {
        type Check = fn(&Gs1) -> bool;
        let cases: &[(&str, Check)] = &[
            // Fresh produce on a DataBar Expanded: GTIN, weight (3102: kg with 2 decimals),
            // price (3922: 2 decimals), best before.
            ("0109501101530003310200004539221234\u{1d}15261130", |g| {
                g.weight_g == Some(450)
                    && g.price
                        == Some(Amount {
                            value: 1234,
                            decimals: 2,
                            currency: None,
                        })
                    && g.best_before == ymd(2026, 11, 30)
            }),
            // 393n: ISO 4217 numeric currency (156 = CNY) before the amount.
            ("(01)09501101530003(3932)1561999", |g| {
                g.price
                    == Some(Amount {
                        value: 1999,
                        decimals: 2,
                        currency: Some(156),
                    })
                    && g.price.and_then(|p| p.in_minor_units(2)) == Some(1999)
            }),
            // 3101 = kg with one decimal; 3105 rounds to the nearest gram.
            ("(01)09501101530003(3101)000015", |g| {
                g.weight_g == Some(1500)
            }),
            ("(01)09501101530003(3105)123456", |g| {
                g.weight_g == Some(1235)
            }),
            // Day 00: the last day of the month (2028 is a leap year).
            ("(01)09501101530003(17)280200", |g| {
                g.expiry == ymd(2028, 2, 29)
            }),
            // Serial, then a fixed-length AI needing no separator after it.
            ("0109501101530003", |g| {
                g.serial.is_none() && g.elements.len() == 1
            }),
            ("21SN-778\u{1d}0109501101530003", |g| {
                g.serial.as_deref() == Some("SN-778") && g.gtin.is_some()
            }),
            // A GS after a fixed-length value is allowed.
            ("0109501101530003\u{1d}17261231", |g| {
                g.expiry == ymd(2026, 12, 31)
            }),
            // Company-internal AIs are kept as elements.
            ("(01)09501101530003(91)SHELF-7", |g| {
                g.elements.last() == Some(&("91".into(), "SHELF-7".into()))
            }),
            // Digital Link with the short-form aliases and a serial.
            (
                "https://example.com/gtin/09501101530003/ser/77?exp=270101",
                |g| g.serial.as_deref() == Some("77") && g.expiry == ymd(2027, 1, 1),
            ),
        ];
        for (text, check) in cases {
            let g = parse(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
            assert!(check(&g), "{text:?}: {g:?}");
        }
    }

    #[test]
    fn refusals_table() {
        type Want = fn(&Gs1Error) -> bool;
        let cases: &[(&str, Want)] = &[
            ("", |e| *e == Gs1Error::Empty),
            ("]C1", |e| *e == Gs1Error::Empty),
            ("0109506000134353", |e| matches!(e, Gs1Error::Gtin(_))),
            ("01095060001343", |e| matches!(e, Gs1Error::TooShort { .. })),
            ("(17)271331", |e| matches!(e, Gs1Error::BadDate { .. })),
            ("(17)270231", |e| matches!(e, Gs1Error::BadDate { .. })),
            ("(3103)00A250", |e| matches!(e, Gs1Error::NotDigits { .. })),
            ("(10)ABCDEFGHIJKLMNOPQRSTU", |e| {
                matches!(e, Gs1Error::TooLong { .. })
            }),
            ("(05)123", |e| matches!(e, Gs1Error::UnknownAi { .. })),
            ("0509506000134352", |e| {
                matches!(e, Gs1Error::UnknownAi { .. })
            }),
            ("(01)09506000134352(01)09501101530003", |e| {
                matches!(e, Gs1Error::Conflict { .. })
            }),
            ("https://example.com/products/123", |e| {
                matches!(e, Gs1Error::NotDigitalLink { .. })
            }),
            ("https://id.gs1.org/01/09506000134352/10", |e| {
                matches!(e, Gs1Error::NotDigitalLink { .. })
            }),
            ("https://id.gs1.org/01/09506000134352/10/A%ZZ", |e| {
                matches!(e, Gs1Error::BadEscape { .. })
            }),
            ("(10)AB\u{7}C", |e| matches!(e, Gs1Error::BadValue { .. })),
        ];
        for (text, want) in cases {
            match parse(text) {
                Ok(g) => panic!("{text:?} parsed: {g:?}"),
                Err(e) => assert!(want(&e), "{text:?}: {e:?}"),
            }
        }
    }

    #[test]
    fn expiry_is_judged_against_the_day_given() {
        let g = parse("(01)09506000134352(17)261201").expect("parse");
        let day = |d| Date::new(2026, 12, d).expect("date");
        assert!(!g.expired_on(day(1)), "the day itself still sells");
        assert!(g.expired_on(day(2)));
        assert!(
            !parse("(01)09506000134352")
                .expect("parse")
                .expired_on(day(31))
        );
    }

    #[test]
    fn amounts_in_minor_units() {
        let a = |value, decimals| Amount {
            value,
            decimals,
            currency: None,
        };
        assert_eq!(a(1234, 2).in_minor_units(2), Some(1234));
        assert_eq!(a(12, 0).in_minor_units(2), Some(1200));
        assert_eq!(a(12340, 3).in_minor_units(2), Some(1234));
        assert_eq!(a(12345, 3).in_minor_units(2), None);
        assert_eq!(a(u64::MAX, 0).in_minor_units(2), None);
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,60}") {
            let _ = parse(&s);
        }

        #[test]
        fn raw_and_bracketed_agree(grams in 0u32..999_999, batch in "[A-Z0-9]{1,20}") {
            let raw = format!("010950600013435210{batch}\u{1d}3103{grams:06}");
            let bracketed = format!("(01)09506000134352(10){batch}(3103){grams:06}");
            let a = parse(&raw).expect("raw");
            proptest::prop_assert_eq!(&a, &parse(&bracketed).expect("bracketed"));
            proptest::prop_assert_eq!(a.weight_g, Some(u64::from(grams)));
        }
    }
}
