//! Orders: fulfilment, payment, and the checks an order passes before it may be stored.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::cart::{Cart, CartLine, Totals};
use super::money::{Money, MoneyError};
use super::scan::{PaymentScheme, payment_scheme};

pub const MAX_ADDRESS_LEN: usize = 500;
pub const MAX_REFERENCE_LEN: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Fulfilment {
    /// Scan-and-deliver: the store brings the goods to this address.
    Deliver { address: String },
    /// Click-and-collect: the shopper collects at `store` from `pickup_at` (RFC 3339).
    Collect { store: String, pickup_at: String },
    /// A plain counter sale: the shopper carries the goods out at once.
    Now,
}

impl Fulfilment {
    pub fn kind(&self) -> &'static str {
        match self {
            Fulfilment::Deliver { .. } => "deliver",
            Fulfilment::Collect { .. } => "collect",
            Fulfilment::Now => "now",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum Payment {
    Cash,
    Card {
        reference: String,
    },
    Code {
        digits: String,
        scheme: PaymentScheme,
    },
    /// Paid on delivery or at collection.
    Later,
    /// More than one tender (the order's `tenders` say which).
    Split,
}

/// How one part of a sale is paid (a checkout's tender).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum TenderKind {
    Cash,
    Card {
        reference: String,
    },
    Code {
        digits: String,
        scheme: PaymentScheme,
    },
    /// Paid on delivery or at collection: covers the whole sale.
    Later,
}

impl TenderKind {
    pub fn method(&self) -> &'static str {
        match self {
            TenderKind::Cash => "cash",
            TenderKind::Card { .. } => "card",
            TenderKind::Code { .. } => "code",
            TenderKind::Later => "later",
        }
    }

    /// The platform approves it (a charge by shopper code); the others stand when taken.
    pub fn needs_platform(&self) -> bool {
        matches!(self, TenderKind::Code { .. })
    }

    pub(crate) fn payment(&self) -> Payment {
        match self {
            TenderKind::Cash => Payment::Cash,
            TenderKind::Card { reference } => Payment::Card {
                reference: reference.clone(),
            },
            TenderKind::Code { digits, scheme } => Payment::Code {
                digits: digits.clone(),
                scheme: *scheme,
            },
            TenderKind::Later => Payment::Later,
        }
    }
}

impl From<Payment> for TenderKind {
    fn from(p: Payment) -> TenderKind {
        match p {
            Payment::Cash | Payment::Split => TenderKind::Cash,
            Payment::Card { reference } => TenderKind::Card { reference },
            Payment::Code { digits, scheme } => TenderKind::Code { digits, scheme },
            Payment::Later => TenderKind::Later,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TenderStatus {
    /// Waiting for the platform's answer (or for it to be found again).
    Pending,
    Approved,
    Declined,
    /// Given back: voided at the platform, cash back from the drawer.
    Voided,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tender {
    pub kind: TenderKind,
    /// What this tender pays toward the sale.
    pub amount: Money,
    /// What the shopper handed over: more than `amount` only for cash (the rest is change).
    pub tendered: Money,
    pub status: TenderStatus,
    /// `ATTEMPT-N`: the idempotency key of its platform charge.
    pub reference: String,
    /// The platform's payment id once approved.
    #[serde(default)]
    pub payment_id: Option<String>,
}

impl Tender {
    /// Change given for this tender (cash only).
    pub fn change(&self) -> Result<Money, MoneyError> {
        self.tendered.checked_sub(self.amount)
    }

    /// Counts toward the sale: approved, or still waiting for the platform.
    pub(crate) fn live(&self) -> bool {
        matches!(self.status, TenderStatus::Pending | TenderStatus::Approved)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PaymentParseError {
    #[error("'{0}' is not a payment: use cash, card:REF, code:DIGITS or later")]
    Unknown(String),
    #[error("card payment needs a reference after 'card:' (1 to {MAX_REFERENCE_LEN} characters)")]
    BadCardReference,
    #[error(
        "'{0}' is not a payment code: Alipay codes have 16-24 digits starting 25-30, WeChat Pay codes 18 digits starting 10-15"
    )]
    BadCode(String),
}

impl FromStr for Payment {
    type Err = PaymentParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        match s.split_once(':') {
            None if s.eq_ignore_ascii_case("cash") => Ok(Payment::Cash),
            None if s.eq_ignore_ascii_case("later") => Ok(Payment::Later),
            Some((m, reference)) if m.eq_ignore_ascii_case("card") => {
                let reference = reference.trim();
                if reference.is_empty()
                    || reference.chars().count() > MAX_REFERENCE_LEN
                    || reference.chars().any(char::is_control)
                {
                    return Err(PaymentParseError::BadCardReference);
                }
                Ok(Payment::Card {
                    reference: reference.to_owned(),
                })
            }
            Some((m, digits)) if m.eq_ignore_ascii_case("code") => {
                let digits = digits.trim();
                let scheme = payment_scheme(digits)
                    .ok_or_else(|| PaymentParseError::BadCode(digits.to_owned()))?;
                Ok(Payment::Code {
                    digits: digits.to_owned(),
                    scheme,
                })
            }
            _ => Err(PaymentParseError::Unknown(s.to_owned())),
        }
    }
}

impl fmt::Display for Payment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Payment::Cash => f.write_str("cash"),
            Payment::Card { reference } => write!(f, "card:{reference}"),
            Payment::Code { digits, .. } => write!(f, "code:{digits}"),
            Payment::Later => f.write_str("later"),
            Payment::Split => f.write_str("split"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OrderError {
    #[error("the cart is empty: scan at least one product")]
    EmptyCart,
    #[error("a delivery order needs an address (--address \"…\")")]
    MissingAddress,
    #[error("the address is longer than {MAX_ADDRESS_LEN} characters")]
    AddressTooLong,
    #[error("a collect order needs the store where it will be collected")]
    MissingCollectStore,
    #[error("a collect order needs a pickup time")]
    MissingPickupTime,
    #[error("a card payment needs the card terminal's reference")]
    MissingCardReference,
    #[error(transparent)]
    Money(#[from] MoneyError),
}

/// An order that passed every check and may be committed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderDraft {
    pub lines: Vec<CartLine>,
    pub coupon_id: Option<String>,
    /// The coupon may be redeemed once: recorded here and settled by the platform.
    #[serde(default)]
    pub coupon_single_use: bool,
    pub fulfilment: Fulfilment,
    pub payment: Payment,
    pub totals: Totals,
    pub member_id: Option<String>,
    /// The checkout attempt that made it: the order's id, so committing it twice stores it once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempt_id: Option<String>,
    /// What paid for it (from the checkout); empty for an order drafted without one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tenders: Vec<Tender>,
    /// The staff member who rang the sale up (per-staff totals of the shift's reports); the
    /// store fills in the shift's clerk when it is absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clerk: Option<String>,
}

impl OrderDraft {
    pub fn from_cart(
        cart: &Cart,
        fulfilment: Fulfilment,
        payment: Payment,
    ) -> Result<OrderDraft, OrderError> {
        if cart.is_empty() {
            return Err(OrderError::EmptyCart);
        }
        if let Payment::Card { reference } = &payment
            && reference.trim().is_empty()
        {
            return Err(OrderError::MissingCardReference);
        }
        let fulfilment = match fulfilment {
            Fulfilment::Deliver { address } => {
                let address = address.trim().to_owned();
                if address.is_empty() {
                    return Err(OrderError::MissingAddress);
                }
                if address.chars().count() > MAX_ADDRESS_LEN {
                    return Err(OrderError::AddressTooLong);
                }
                Fulfilment::Deliver { address }
            }
            Fulfilment::Collect { store, pickup_at } => {
                if store.trim().is_empty() {
                    return Err(OrderError::MissingCollectStore);
                }
                if pickup_at.trim().is_empty() {
                    return Err(OrderError::MissingPickupTime);
                }
                Fulfilment::Collect {
                    store: store.trim().to_owned(),
                    pickup_at: pickup_at.trim().to_owned(),
                }
            }
            Fulfilment::Now => Fulfilment::Now,
        };
        Ok(OrderDraft {
            lines: cart.lines().to_vec(),
            coupon_id: cart.coupon().map(|c| c.id.clone()),
            coupon_single_use: cart.coupon().is_some_and(|c| c.single_use),
            fulfilment,
            payment,
            totals: cart.totals()?,
            member_id: None,
            attempt_id: None,
            tenders: Vec::new(),
            clerk: None,
        })
    }
}

/// The receipt number printed for a shopper: `STORE-TERMINAL-NNNNNN`.
pub fn receipt_number(store: &str, terminal: &str, number: u64) -> String {
    format!("{store}-{terminal}-{number:06}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::CatalogItem;
    use crate::gtin::Gtin;
    use crate::money::{Currency, Money};

    fn cart() -> Cart {
        let mut c = Cart::new(Currency::CNY);
        let item = CatalogItem {
            gtin: Gtin::parse("6901234567892").expect("gtin"),
            name: "Tea".into(),
            name_zh: None,
            price: Money::new(350, Currency::CNY),
            sku: None,
            unit: None,
            age_restricted: false,
            stock: None,
            shelf: None,
        };
        c.add(&item, 2).expect("add");
        c
    }

    #[test]
    fn payments_parse() {
        let cases = [
            ("cash", Ok(Payment::Cash)),
            ("LATER", Ok(Payment::Later)),
            (
                "card:AUTH-7781",
                Ok(Payment::Card {
                    reference: "AUTH-7781".into(),
                }),
            ),
            ("card:", Err(PaymentParseError::BadCardReference)),
            (
                "code:281234567890123456",
                Ok(Payment::Code {
                    digits: "281234567890123456".into(),
                    scheme: PaymentScheme::Alipay,
                }),
            ),
            (
                "code:134567890123456789",
                Ok(Payment::Code {
                    digits: "134567890123456789".into(),
                    scheme: PaymentScheme::WeChatPay,
                }),
            ),
            (
                "code:12345",
                Err(PaymentParseError::BadCode("12345".into())),
            ),
            ("bitcoin", Err(PaymentParseError::Unknown("bitcoin".into()))),
        ];
        for (text, want) in cases {
            assert_eq!(text.parse::<Payment>(), want, "{text}");
        }
        assert_eq!(
            Payment::Card {
                reference: "X".into()
            }
            .to_string(),
            "card:X"
        );
    }

    #[test]
    fn order_checks() {
        let deliver = |a: &str| Fulfilment::Deliver { address: a.into() };
        let collect = |s: &str, t: &str| Fulfilment::Collect {
            store: s.into(),
            pickup_at: t.into(),
        };
        let cases = [
            (cart(), deliver("1 Nanjing Rd, Shanghai"), Ok(())),
            (cart(), deliver("   "), Err(OrderError::MissingAddress)),
            (
                cart(),
                deliver(&"x".repeat(501)),
                Err(OrderError::AddressTooLong),
            ),
            (cart(), collect("SH001", "2026-11-22T10:00:00Z"), Ok(())),
            (
                cart(),
                collect("", "2026-11-22T10:00:00Z"),
                Err(OrderError::MissingCollectStore),
            ),
            (
                cart(),
                collect("SH001", ""),
                Err(OrderError::MissingPickupTime),
            ),
            (
                Cart::new(Currency::CNY),
                deliver("addr"),
                Err(OrderError::EmptyCart),
            ),
        ];
        for (c, f, want) in cases {
            let got = OrderDraft::from_cart(&c, f.clone(), Payment::Cash).map(|_| ());
            assert_eq!(got, want, "{f:?}");
        }
        let d = OrderDraft::from_cart(&cart(), deliver(" 1 Road "), Payment::Later).expect("draft");
        assert_eq!(d.totals.total, Money::new(700, Currency::CNY));
        assert_eq!(d.fulfilment, deliver("1 Road"));
    }

    #[test]
    fn receipt_numbers() {
        assert_eq!(receipt_number("SH001", "T02", 42), "SH001-T02-000042");
        assert_eq!(
            receipt_number("SH001", "T02", 1_234_567),
            "SH001-T02-1234567"
        );
    }
}
