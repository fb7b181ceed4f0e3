//! GTINs: EAN-8, UPC-E, UPC-A, EAN-13, GTIN-14, GS1 element strings and GS1 Digital Link URLs,
//! check digits verified, normalised to GTIN-14.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A verified GTIN, stored as its 14-digit form (leading zeros for shorter GTINs).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Gtin([u8; 14]);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GtinError {
    #[error("the code is empty")]
    Empty,
    #[error("'{text}' is not a GTIN: it holds '{bad}', which is not a digit")]
    NotDigits { text: String, bad: char },
    #[error("'{text}' has {len} digits; a GTIN has 8, 12, 13 or 14")]
    BadLength { text: String, len: usize },
    #[error("'{text}' has check digit {found} but its digits need {expected}: mistyped or misread")]
    BadCheckDigit {
        text: String,
        expected: u8,
        found: u8,
    },
    #[error("'{text}' is not a UPC-E code: {why}")]
    BadUpcE { text: String, why: &'static str },
    #[error("'{text}' is a web address without a GTIN (a GS1 Digital Link has /01/ and 14 digits)")]
    NotDigitalLink { text: String },
}

/// The GS1 mod-10 check digit for `body` (all digits but the check digit).
pub fn check_digit(body: &[u8]) -> u8 {
    let sum: u32 = body
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| u32::from(*d) * if i % 2 == 0 { 3 } else { 1 })
        .sum();
    ((10 - sum % 10) % 10) as u8
}

fn digits_of(text: &str) -> Result<Vec<u8>, GtinError> {
    if text.is_empty() {
        return Err(GtinError::Empty);
    }
    text.chars()
        .map(|c| {
            c.to_digit(10)
                .map(|d| d as u8)
                .ok_or_else(|| GtinError::NotDigits {
                    text: text.to_owned(),
                    bad: c,
                })
        })
        .collect()
}

impl Gtin {
    /// Parses a GTIN of 8 (EAN-8), 12 (UPC-A), 13 (EAN-13) or 14 digits, a GS1 element string
    /// whose first element is AI 01 (`0109506000134352…`, `(01)09506000134352`, with or without
    /// a `]C1`/`]Q3`/`]d2` symbology identifier), or a GS1 Digital Link URL.
    pub fn parse(text: &str) -> Result<Gtin, GtinError> {
        let text = text.trim();
        if text.starts_with("http://") || text.starts_with("https://") {
            return Self::from_digital_link(text);
        }
        let body = ["]C1", "]Q3", "]d2", "]e0"]
            .iter()
            .find_map(|p| text.strip_prefix(p))
            .unwrap_or(text)
            .trim_start_matches('\u{1d}');
        if let Some(rest) = body.strip_prefix("(01)") {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            return Self::from_digits(&digits);
        }
        if body.len() > 14 && body.starts_with("01") && body.is_char_boundary(16) {
            let gtin = &body[2..16];
            if gtin.bytes().all(|b| b.is_ascii_digit()) {
                return Self::from_digits(gtin);
            }
        }
        Self::from_digits(body)
    }

    /// A plain run of 8, 12, 13 or 14 digits with its check digit.
    pub fn from_digits(text: &str) -> Result<Gtin, GtinError> {
        let digits = digits_of(text)?;
        if !matches!(digits.len(), 8 | 12 | 13 | 14) {
            return Err(GtinError::BadLength {
                text: text.to_owned(),
                len: digits.len(),
            });
        }
        let (body, check) = digits.split_at(digits.len() - 1);
        let expected = check_digit(body);
        if expected != check[0] {
            return Err(GtinError::BadCheckDigit {
                text: text.to_owned(),
                expected,
                found: check[0],
            });
        }
        let mut out = [0u8; 14];
        out[14 - digits.len()..].copy_from_slice(&digits);
        Ok(Gtin(out))
    }

    /// A UPC-E code as printed (8 digits: number system 0 or 1, six digits, check digit),
    /// expanded to its UPC-A form.
    pub fn from_upce(text: &str) -> Result<Gtin, GtinError> {
        let d = digits_of(text.trim())?;
        let bad = |why| GtinError::BadUpcE {
            text: text.to_owned(),
            why,
        };
        if d.len() != 8 {
            return Err(bad("it must have 8 digits"));
        }
        if d[0] > 1 {
            return Err(bad("its number system (first digit) must be 0 or 1"));
        }
        let (ns, m, check) = (d[0], &d[1..7], d[7]);
        let mut upca: Vec<u8> = Vec::with_capacity(12);
        upca.push(ns);
        match m[5] {
            0..=2 => upca.extend([m[0], m[1], m[5], 0, 0, 0, 0, m[2], m[3], m[4]]),
            3 => upca.extend([m[0], m[1], m[2], 0, 0, 0, 0, 0, m[3], m[4]]),
            4 => upca.extend([m[0], m[1], m[2], m[3], 0, 0, 0, 0, 0, m[4]]),
            _ => upca.extend([m[0], m[1], m[2], m[3], m[4], 0, 0, 0, 0, m[5]]),
        }
        let expected = check_digit(&upca);
        if expected != check {
            return Err(GtinError::BadCheckDigit {
                text: text.to_owned(),
                expected,
                found: check,
            });
        }
        upca.push(check);
        let mut out = [0u8; 14];
        out[2..].copy_from_slice(&upca);
        Ok(Gtin(out))
    }

    fn from_digital_link(url: &str) -> Result<Gtin, GtinError> {
        let not_dl = || GtinError::NotDigitalLink {
            text: url.to_owned(),
        };
        let after_scheme = url.split_once("://").map(|(_, r)| r).ok_or_else(not_dl)?;
        let path = after_scheme
            .split(['?', '#'])
            .next()
            .and_then(|p| p.split_once('/').map(|(_, path)| path))
            .ok_or_else(not_dl)?;
        let segments: Vec<&str> = path.split('/').collect();
        segments
            .windows(2)
            .find(|w| w[0] == "01" || w[0] == "gtin")
            .map(|w| Self::from_digits(w[1]))
            .ok_or_else(not_dl)?
    }

    /// The 14-digit form.
    pub fn as_str(&self) -> String {
        self.0.iter().map(|d| char::from(b'0' + d)).collect()
    }

    /// The 13-digit form when the GTIN has one (leading digit 0).
    pub fn gtin13(&self) -> Option<String> {
        (self.0[0] == 0).then(|| self.as_str()[1..].to_owned())
    }

    /// The shortest usual form: EAN-8, UPC-A, EAN-13 or GTIN-14.
    pub fn display_form(&self) -> String {
        let s = self.as_str();
        let lead = s.bytes().take_while(|b| *b == b'0').count();
        let keep = match lead {
            6.. => 8,
            2..=5 => 12,
            1 => 13,
            _ => 14,
        };
        s[14 - keep..].to_owned()
    }
}

impl fmt::Display for Gtin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_str())
    }
}

impl fmt::Debug for Gtin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Gtin({})", self.as_str())
    }
}

impl std::str::FromStr for Gtin {
    type Err = GtinError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Gtin::parse(s)
    }
}

impl TryFrom<String> for Gtin {
    type Error = GtinError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Gtin::parse(&s)
    }
}

impl From<Gtin> for String {
    fn from(g: Gtin) -> String {
        g.as_str()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn valid_codes_of_every_length_normalise_to_gtin14() {
        let cases = [
            ("96385074", "00000096385074"),            // EAN-8
            ("036000291452", "00036000291452"),        // UPC-A
            ("4006381333931", "04006381333931"),       // EAN-13
            ("6901234567892", "06901234567892"),       // EAN-13, China prefix
            ("10614141000415", "10614141000415"),      // GTIN-14
            ("0110614141000415", "10614141000415"),    // AI 01 element string
            ("]C10109506000134352", "09506000134352"), // GS1-128 with identifier
            ("(01)09506000134352(17)261231", "09506000134352"),
            ("0109506000134352\u{1d}10ABC", "09506000134352"),
            ("https://id.gs1.org/01/09506000134352", "09506000134352"),
            (
                "https://example.com/01/9506000134352/10/ABC?17=261231",
                "09506000134352",
            ),
            (
                "http://shop.example.cn/gtin/6901234567892",
                "06901234567892",
            ),
            (" 4006381333931 ", "04006381333931"),
        ];
        for (input, want) in cases {
            assert_eq!(
                Gtin::parse(input).map(|g| g.as_str()),
                Ok(want.to_owned()),
                "{input}"
            );
        }
    }

    #[test]
    fn upce_expands_by_the_last_digit_rule() {
        let cases = [
            ("01234565", "00012345000065"), // last 5: 01234500006 + 5
            ("04252614", "00042100005264"), // last 2
            ("01234531", "00012300000451"), // last 3
            ("01234543", "00012340000053"), // last 4
            ("12345670", "00123456000070"), // number system 1
        ];
        for (input, want) in cases {
            let got = Gtin::from_upce(input);
            assert_eq!(got.map(|g| g.as_str()), Ok(want.to_owned()), "{input}");
        }
    }

    #[test]
    fn invalid_codes_say_why() {
        use GtinError::*;
        let cases: [(&str, fn(&GtinError) -> bool); 10] = [
            ("", |e| matches!(e, Empty)),
            ("96385075", |e| {
                matches!(
                    e,
                    BadCheckDigit {
                        expected: 4,
                        found: 5,
                        ..
                    }
                )
            }),
            ("036000291453", |e| matches!(e, BadCheckDigit { .. })),
            ("4006381333932", |e| matches!(e, BadCheckDigit { .. })),
            ("10614141000416", |e| matches!(e, BadCheckDigit { .. })),
            ("12345", |e| matches!(e, BadLength { len: 5, .. })),
            ("123456789012345678901", |e| matches!(e, BadLength { .. })),
            ("40063813339X1", |e| matches!(e, NotDigits { bad: 'X', .. })),
            ("https://example.com/products/4006381333931", |e| {
                matches!(e, NotDigitalLink { .. })
            }),
            ("https://id.gs1.org/01/09506000134353", |e| {
                matches!(e, BadCheckDigit { .. })
            }),
        ];
        for (input, check) in cases {
            let err = Gtin::parse(input).expect_err(input);
            assert!(check(&err), "{input}: {err:?}");
            assert!(!err.to_string().is_empty());
        }
        assert!(matches!(Gtin::from_upce("21234565"), Err(BadUpcE { .. })));
        assert!(matches!(Gtin::from_upce("0123456"), Err(BadUpcE { .. })));
        assert!(matches!(
            Gtin::from_upce("01234566"),
            Err(BadCheckDigit { .. })
        ));
    }

    #[test]
    fn display_forms() {
        assert_eq!(
            Gtin::parse("96385074").map(|g| g.display_form()),
            Ok("96385074".into())
        );
        assert_eq!(
            Gtin::parse("036000291452").map(|g| g.display_form()),
            Ok("036000291452".into())
        );
        assert_eq!(
            Gtin::parse("4006381333931").map(|g| g.gtin13()),
            Ok(Some("4006381333931".into()))
        );
        assert_eq!(Gtin::parse("10614141000415").map(|g| g.gtin13()), Ok(None));
    }

    fn with_check(body: &[u8]) -> String {
        let mut s: String = body.iter().map(|d| char::from(b'0' + d)).collect();
        s.push(char::from(b'0' + check_digit(body)));
        s
    }

    proptest! {
        #[test]
        fn any_body_with_its_check_digit_parses(body in prop::collection::vec(0u8..10, 13)) {
            for len in [7usize, 11, 12, 13] {
                let text = with_check(&body[..len]);
                let g = Gtin::parse(&text).expect("valid");
                prop_assert!(g.as_str().ends_with(&text));
                prop_assert_eq!(Gtin::parse(&g.as_str()), Ok(g));
            }
        }

        #[test]
        fn any_single_digit_change_is_caught(body in prop::collection::vec(0u8..10, 12), pos in 0usize..13, delta in 1u8..10) {
            let text = with_check(&body);
            let mut bytes = text.into_bytes();
            bytes[pos] = b'0' + (bytes[pos] - b'0' + delta) % 10;
            let changed = String::from_utf8(bytes).expect("ascii");
            let caught = matches!(Gtin::parse(&changed), Err(GtinError::BadCheckDigit { .. }));
            prop_assert!(caught, "{} was accepted", changed);
        }

        #[test]
        fn parse_never_panics(s in ".{0,40}") {
            let _ = Gtin::parse(&s);
            let _ = Gtin::from_upce(&s);
        }
    }
}
