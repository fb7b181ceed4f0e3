//! Coupons as pricing rules: amount or percent off, minimum spend, validity window, stores.
//! Where a coupon comes from (a signed `CP1:` code) is the codes module's business.

use serde::{Deserialize, Serialize};

use super::money::{Money, MoneyError};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CouponValue {
    AmountOff(Money),
    /// 1..=100 percent of the subtotal.
    PercentOff(u32),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coupon {
    pub id: String,
    pub value: CouponValue,
    pub min_spend: Option<Money>,
    pub single_use: bool,
    /// Store ids where it may be used; empty means every store.
    pub stores: Vec<String>,
    /// Unix seconds.
    pub not_before: i64,
    pub expires: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CouponRefusal {
    #[error("this coupon is not valid yet")]
    NotYetValid,
    #[error("this coupon has expired")]
    Expired,
    #[error("this coupon is for other stores, not {0}")]
    WrongStore(String),
    #[error("this coupon needs a spend of at least {min}; the cart holds {subtotal}")]
    BelowMinimum { min: Money, subtotal: Money },
    #[error("this coupon was already redeemed on this terminal")]
    AlreadyRedeemed,
    #[error("this coupon is already in the cart")]
    AlreadyApplied,
    #[error("only one coupon per order")]
    OneCouponPerOrder,
    #[error("this coupon is in {coupon}, the cart in {cart}")]
    WrongCurrency { coupon: String, cart: String },
    #[error("the coupon's value is invalid")]
    InvalidValue,
}

impl Coupon {
    /// Checks that the coupon may be used now at `store` (spend is checked by the cart).
    pub fn check_usable(&self, now: i64, store: &str) -> Result<(), CouponRefusal> {
        if now < self.not_before {
            return Err(CouponRefusal::NotYetValid);
        }
        if now >= self.expires {
            return Err(CouponRefusal::Expired);
        }
        if !self.stores.is_empty() && !self.stores.iter().any(|s| s == store) {
            return Err(CouponRefusal::WrongStore(store.to_owned()));
        }
        match &self.value {
            CouponValue::PercentOff(p) if *p == 0 || *p > 100 => Err(CouponRefusal::InvalidValue),
            CouponValue::AmountOff(m) if m.minor <= 0 => Err(CouponRefusal::InvalidValue),
            _ => Ok(()),
        }
    }

    /// The discount on `subtotal`, never more than the subtotal; zero below the minimum spend.
    pub fn discount_on(&self, subtotal: Money) -> Result<Money, MoneyError> {
        if let Some(min) = self.min_spend
            && subtotal.minor < min.minor
        {
            return Ok(Money::zero(subtotal.currency));
        }
        let off = match &self.value {
            CouponValue::AmountOff(m) => {
                if m.currency != subtotal.currency {
                    return Err(MoneyError::CurrencyMismatch(m.currency, subtotal.currency));
                }
                *m
            }
            CouponValue::PercentOff(p) => subtotal.percent(*p)?,
        };
        Ok(Money::new(
            off.minor.clamp(0, subtotal.minor.max(0)),
            subtotal.currency,
        ))
    }
}
