//! Money as an integer count of minor units with an ISO 4217 currency. No floating point.

use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency([u8; 3]);

impl Currency {
    pub const CNY: Currency = Currency(*b"CNY");

    pub fn parse(code: &str) -> Result<Currency, MoneyError> {
        let code = code.trim();
        let bytes = code.as_bytes();
        if bytes.len() != 3 || !bytes.iter().all(u8::is_ascii_alphabetic) {
            return Err(MoneyError::BadCurrency(code.to_owned()));
        }
        let up = code.to_ascii_uppercase();
        let b = up.as_bytes();
        Ok(Currency([b[0], b[1], b[2]]))
    }

    pub fn code(&self) -> &str {
        // Only ASCII letters are ever stored.
        std::str::from_utf8(&self.0).unwrap_or("???")
    }

    /// Digits after the decimal point (ISO 4217 minor unit).
    pub fn minor_digits(&self) -> u32 {
        match &self.0 {
            b"JPY" | b"KRW" | b"VND" | b"CLP" | b"ISK" | b"UGX" => 0,
            b"BHD" | b"KWD" | b"OMR" | b"JOD" | b"TND" | b"IQD" | b"LYD" => 3,
            _ => 2,
        }
    }

    fn symbol(&self) -> Option<&'static str> {
        match &self.0 {
            b"CNY" => Some("¥"),
            b"USD" => Some("$"),
            b"EUR" => Some("€"),
            b"GBP" => Some("£"),
            _ => None,
        }
    }
}

impl Default for Currency {
    fn default() -> Self {
        Currency::CNY
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl TryFrom<String> for Currency {
    type Error = MoneyError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Currency::parse(&s)
    }
}

impl From<Currency> for String {
    fn from(c: Currency) -> String {
        c.code().to_owned()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("'{0}' is not a currency code (three letters such as CNY)")]
    BadCurrency(String),
    #[error("'{0}' is not an amount: write it like 12.50")]
    BadAmount(String),
    #[error("'{text}' has more than {digits} decimal places, too many for {currency}")]
    TooPrecise {
        text: String,
        digits: u32,
        currency: Currency,
    },
    #[error("the amount is too large")]
    Overflow,
    #[error("cannot mix {0} and {1} in one sum")]
    CurrencyMismatch(Currency, Currency),
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    pub minor: i64,
    pub currency: Currency,
}

impl Money {
    pub const fn new(minor: i64, currency: Currency) -> Money {
        Money { minor, currency }
    }

    pub const fn zero(currency: Currency) -> Money {
        Money { minor: 0, currency }
    }

    /// Parses a decimal string such as `12.50`, `12`, `-3.5` in `currency`.
    pub fn parse(text: &str, currency: Currency) -> Result<Money, MoneyError> {
        let t = text.trim();
        let bad = || MoneyError::BadAmount(text.to_owned());
        let (neg, t) = match t.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, t),
        };
        let (whole, frac) = match t.split_once('.') {
            Some((w, f)) => (w, f),
            None => (t, ""),
        };
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() && frac.is_empty() || !all_digits(whole) || !all_digits(frac) {
            return Err(bad());
        }
        if t.ends_with('.') {
            return Err(bad());
        }
        let digits = currency.minor_digits();
        if frac.len() > digits as usize {
            return Err(MoneyError::TooPrecise {
                text: text.to_owned(),
                digits,
                currency,
            });
        }
        let scale = 10i64.pow(digits);
        let whole: i64 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| MoneyError::Overflow)?
        };
        let mut frac_value: i64 = if frac.is_empty() {
            0
        } else {
            frac.parse().map_err(|_| bad())?
        };
        frac_value *= 10i64.pow(digits - frac.len() as u32);
        let minor = whole
            .checked_mul(scale)
            .and_then(|v| v.checked_add(frac_value))
            .ok_or(MoneyError::Overflow)?;
        Ok(Money {
            minor: if neg { -minor } else { minor },
            currency,
        })
    }

    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        if self.currency != other.currency {
            return Err(MoneyError::CurrencyMismatch(self.currency, other.currency));
        }
        let minor = self
            .minor
            .checked_add(other.minor)
            .ok_or(MoneyError::Overflow)?;
        Ok(Money {
            minor,
            currency: self.currency,
        })
    }

    pub fn checked_sub(self, other: Money) -> Result<Money, MoneyError> {
        self.checked_add(Money {
            minor: other.minor.checked_neg().ok_or(MoneyError::Overflow)?,
            ..other
        })
    }

    pub fn checked_mul(self, qty: u32) -> Result<Money, MoneyError> {
        let minor = self
            .minor
            .checked_mul(i64::from(qty))
            .ok_or(MoneyError::Overflow)?;
        Ok(Money {
            minor,
            currency: self.currency,
        })
    }

    /// `percent` % of this amount, rounded half away from zero to the minor unit.
    pub fn percent(self, percent: u32) -> Result<Money, MoneyError> {
        let p = i128::from(self.minor) * i128::from(percent);
        let rounded = (p.abs() + 50) / 100 * p.signum();
        let minor = i64::try_from(rounded).map_err(|_| MoneyError::Overflow)?;
        Ok(Money {
            minor,
            currency: self.currency,
        })
    }

    /// The amount as a plain decimal string (`12.50`), as the catalog CSV writes it.
    pub fn to_decimal(&self) -> String {
        let digits = self.currency.minor_digits();
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.unsigned_abs();
        if digits == 0 {
            return format!("{sign}{abs}");
        }
        let scale = 10u64.pow(digits);
        format!(
            "{sign}{}.{:0width$}",
            abs / scale,
            abs % scale,
            width = digits as usize
        )
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.currency.symbol() {
            Some(sym) if self.minor < 0 => write!(f, "-{sym}{}", &self.to_decimal()[1..]),
            Some(sym) => write!(f, "{sym}{}", self.to_decimal()),
            None => write!(f, "{} {}", self.to_decimal(), self.currency),
        }
    }
}

impl fmt::Debug for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.to_decimal(), self.currency)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn cny(minor: i64) -> Money {
        Money::new(minor, Currency::CNY)
    }

    #[test]
    fn parses_decimal_strings() {
        let jpy = Currency::parse("jpy").expect("code");
        let kwd = Currency::parse("KWD").expect("code");
        let cases = [
            ("12.50", Currency::CNY, Ok(1250)),
            ("12.5", Currency::CNY, Ok(1250)),
            ("12", Currency::CNY, Ok(1200)),
            ("0.01", Currency::CNY, Ok(1)),
            (".99", Currency::CNY, Ok(99)),
            ("-3.05", Currency::CNY, Ok(-305)),
            (" 7.00 ", Currency::CNY, Ok(700)),
            ("1500", jpy, Ok(1500)),
            ("1.234", kwd, Ok(1234)),
        ];
        for (text, cur, want) in cases {
            assert_eq!(Money::parse(text, cur).map(|m| m.minor), want, "{text}");
        }
        let bad = ["", "abc", "1.2.3", "12.", "1,50", "¥12", "--1", "1e3", "."];
        for text in bad {
            assert!(
                matches!(
                    Money::parse(text, Currency::CNY),
                    Err(MoneyError::BadAmount(_))
                ),
                "{text}"
            );
        }
        assert!(matches!(
            Money::parse("1.234", Currency::CNY),
            Err(MoneyError::TooPrecise { .. })
        ));
        assert!(matches!(
            Money::parse("1.5", jpy),
            Err(MoneyError::TooPrecise { .. })
        ));
        assert!(matches!(
            Money::parse("99999999999999999999", Currency::CNY),
            Err(MoneyError::Overflow)
        ));
    }

    #[test]
    fn arithmetic_and_display() {
        assert_eq!(cny(1250).checked_add(cny(50)), Ok(cny(1300)));
        assert_eq!(cny(1250).checked_mul(3), Ok(cny(3750)));
        assert_eq!(cny(1000).checked_sub(cny(1250)), Ok(cny(-250)));
        let usd = Money::new(100, Currency::parse("USD").expect("code"));
        assert!(matches!(
            cny(1).checked_add(usd),
            Err(MoneyError::CurrencyMismatch(..))
        ));
        assert!(matches!(
            cny(i64::MAX).checked_add(cny(1)),
            Err(MoneyError::Overflow)
        ));
        assert_eq!(cny(1999).percent(10), Ok(cny(200)));
        assert_eq!(cny(1994).percent(10), Ok(cny(199)));
        assert_eq!(cny(1250).to_string(), "¥12.50");
        assert_eq!(cny(-5).to_string(), "-¥0.05");
        assert_eq!(
            Money::new(1500, Currency::parse("JPY").expect("code")).to_decimal(),
            "1500"
        );
        assert_eq!(
            Money::new(1500, Currency::parse("CHF").expect("code")).to_string(),
            "15.00 CHF"
        );
        assert!(Currency::parse("RMB1").is_err());
    }

    proptest! {
        #[test]
        fn decimal_round_trips(minor in -10_000_000_000i64..10_000_000_000) {
            let m = cny(minor);
            prop_assert_eq!(Money::parse(&m.to_decimal(), Currency::CNY), Ok(m));
        }

        #[test]
        fn parse_never_panics(s in ".{0,30}") {
            let _ = Money::parse(&s, Currency::CNY);
        }
    }
}
