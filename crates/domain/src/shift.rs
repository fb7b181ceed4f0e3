//! The store's day at one terminal: a shift opens with a counted float, takes cash in and out
//! with reasons, and closes blind (the clerk counts before seeing what is expected). Its X
//! report (any time) and Z report (at close) come from the figures the terminal stored.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::money::{Currency, Money, MoneyError};

/// The most a float, a cash movement or a count may be: 10,000,000.00 in any currency.
pub const MAX_CASH_MINOR: i64 = 1_000_000_000;

/// A count of the drawer by denomination: (value of one piece in minor units, pieces).
pub fn counted(pieces: &[(i64, u32)], currency: Currency) -> Result<Money, ShiftError> {
    let mut sum = Money::new(0, currency);
    for (value, n) in pieces {
        if *value <= 0 {
            return Err(ShiftError::BadDenomination(*value));
        }
        sum = sum.checked_add(Money::new(*value, currency).checked_mul(*n)?)?;
    }
    check_cash(sum)
}

/// A cash figure within bounds (not negative, not absurd).
pub fn check_cash(m: Money) -> Result<Money, ShiftError> {
    if m.minor < 0 || m.minor > MAX_CASH_MINOR {
        return Err(ShiftError::OutOfRange(m));
    }
    Ok(m)
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShiftError {
    #[error("{0} is not a denomination")]
    BadDenomination(i64),
    #[error("{0} is out of range for a drawer")]
    OutOfRange(Money),
    #[error("a cash movement needs a reason")]
    NoReason,
    #[error("a cash movement must be more than zero")]
    ZeroMove,
    #[error(transparent)]
    Money(#[from] MoneyError),
}

/// What the terminal stored during a shift, summed by the store (minor units).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShiftTotals {
    pub float: i64,
    pub sales_count: u64,
    /// Sales total (after discounts).
    pub sales: i64,
    pub discounts: i64,
    pub returns_count: u64,
    pub voids_count: u64,
    /// Paid per tender method by the shift's sales (cash: what stayed, change given back).
    pub paid: BTreeMap<String, i64>,
    /// Refunded per tender method by the shift's returns and voids.
    pub refunded: BTreeMap<String, i64>,
    pub cash_in: i64,
    pub cash_out: i64,
    /// Per staff member: the sales they rang up, the returns and voids they approved.
    #[serde(default)]
    pub staff: BTreeMap<String, StaffTotals>,
}

/// One staff member's part of a shift (minor units).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffTotals {
    pub sales_count: u64,
    pub sales: i64,
    /// Returns and voids approved.
    pub returns_count: u64,
    pub refunded: i64,
}

impl StaffTotals {
    fn add(&mut self, o: &StaffTotals) {
        self.sales_count += o.sales_count;
        self.sales += o.sales;
        self.returns_count += o.returns_count;
        self.refunded += o.refunded;
    }
}

/// The tax included in `gross` at `rate_bp` basis points (1300: 13 %), rounded half up: prices
/// include tax, so the tax is gross × rate ÷ (1 + rate).
pub fn included_tax(gross: i64, rate_bp: u32) -> i64 {
    let rate = i128::from(rate_bp);
    let num = i128::from(gross) * rate;
    let den = 10_000 + rate;
    let q = (2 * num + den * num.signum()) / (2 * den);
    i64::try_from(q).unwrap_or(i64::MAX)
}

/// An X or Z report: the figures the issue names, with the drawer's expected cash and, at
/// close, what was counted and the difference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShiftReport {
    pub shift_id: String,
    pub currency: String,
    pub opened_at: String,
    pub closed_at: Option<String>,
    pub float: i64,
    pub sales_count: u64,
    pub sales: i64,
    pub discounts: i64,
    pub returns_count: u64,
    pub voids_count: u64,
    /// Minor units per tender, net of refunds.
    pub tenders: BTreeMap<String, i64>,
    pub cash_in: i64,
    pub cash_out: i64,
    pub expected_cash: i64,
    pub counted_cash: Option<i64>,
    /// counted − expected (negative: short).
    pub over_short: Option<i64>,
    /// Per staff member.
    #[serde(default)]
    pub staff: BTreeMap<String, StaffTotals>,
    /// The tax included in the net takings (sales − refunds) when the store configured a rate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_rate_bp: Option<u32>,
}

impl ShiftReport {
    /// The report of a shift from its totals; `counted` at a (blind) close.
    pub fn new(
        shift_id: &str,
        currency: Currency,
        opened_at: &str,
        closed_at: Option<&str>,
        t: &ShiftTotals,
        counted: Option<i64>,
    ) -> ShiftReport {
        let mut tenders: BTreeMap<String, i64> = t.paid.clone();
        for (method, amount) in &t.refunded {
            *tenders.entry(method.clone()).or_default() -= amount;
        }
        let expected_cash =
            t.float + tenders.get("cash").copied().unwrap_or(0) + t.cash_in - t.cash_out;
        ShiftReport {
            shift_id: shift_id.to_owned(),
            currency: currency.code().to_owned(),
            opened_at: opened_at.to_owned(),
            closed_at: closed_at.map(str::to_owned),
            float: t.float,
            sales_count: t.sales_count,
            sales: t.sales,
            discounts: t.discounts,
            returns_count: t.returns_count,
            voids_count: t.voids_count,
            tenders,
            cash_in: t.cash_in,
            cash_out: t.cash_out,
            expected_cash,
            counted_cash: counted,
            over_short: counted.map(|c| c - expected_cash),
            staff: t.staff.clone(),
            tax: None,
            tax_rate_bp: None,
        }
    }

    /// The net takings: sales less everything refunded.
    pub fn net(&self) -> i64 {
        self.tenders.values().sum()
    }

    /// With the tax included in the net takings at `rate_bp` (none configured: no tax line).
    pub fn with_tax(mut self, rate_bp: Option<u32>) -> ShiftReport {
        self.tax_rate_bp = rate_bp;
        self.tax = rate_bp.map(|r| included_tax(self.net(), r));
        self
    }
}

/// The platform's report of a store's day: the sum of its shifts' Z reports.
pub fn day_report(reports: &[ShiftReport]) -> ShiftReport {
    let mut day = ShiftReport {
        shift_id: String::new(),
        currency: reports
            .first()
            .map(|r| r.currency.clone())
            .unwrap_or_default(),
        opened_at: reports
            .iter()
            .map(|r| r.opened_at.clone())
            .min()
            .unwrap_or_default(),
        closed_at: reports.iter().filter_map(|r| r.closed_at.clone()).max(),
        float: 0,
        sales_count: 0,
        sales: 0,
        discounts: 0,
        returns_count: 0,
        voids_count: 0,
        tenders: BTreeMap::new(),
        cash_in: 0,
        cash_out: 0,
        expected_cash: 0,
        counted_cash: Some(0),
        over_short: Some(0),
        staff: BTreeMap::new(),
        tax: None,
        tax_rate_bp: reports.first().and_then(|r| r.tax_rate_bp),
    };
    for r in reports {
        day.float += r.float;
        day.sales_count += r.sales_count;
        day.sales += r.sales;
        day.discounts += r.discounts;
        day.returns_count += r.returns_count;
        day.voids_count += r.voids_count;
        for (m, a) in &r.tenders {
            *day.tenders.entry(m.clone()).or_default() += a;
        }
        day.cash_in += r.cash_in;
        day.cash_out += r.cash_out;
        day.expected_cash += r.expected_cash;
        day.counted_cash = match (day.counted_cash, r.counted_cash) {
            (Some(a), Some(b)) => Some(a + b),
            _ => None,
        };
        day.over_short = match (day.over_short, r.over_short) {
            (Some(a), Some(b)) => Some(a + b),
            _ => None,
        };
        for (who, st) in &r.staff {
            day.staff.entry(who.clone()).or_default().add(st);
        }
        day.tax = match (day.tax, r.tax) {
            (None, t) | (t, None) => t,
            (Some(a), Some(b)) => Some(a + b),
        };
    }
    day
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_drawer_is_counted_by_denomination() {
        let c = Currency::CNY;
        assert_eq!(
            counted(&[(10_000, 1), (5_000, 2), (100, 7)], c),
            Ok(Money::new(20_700, c))
        );
        assert_eq!(counted(&[(0, 1)], c), Err(ShiftError::BadDenomination(0)));
        assert!(counted(&[(10_000, u32::MAX)], c).is_err());
    }

    #[test]
    fn the_report_nets_refunds_and_finds_the_difference() {
        let t = ShiftTotals {
            float: 20_000,
            sales_count: 3,
            sales: 9_000,
            discounts: 500,
            returns_count: 1,
            voids_count: 1,
            paid: [("cash".into(), 6_000), ("code".into(), 3_000)].into(),
            refunded: [("cash".into(), 1_000), ("code".into(), 500)].into(),
            cash_in: 2_000,
            cash_out: 500,
            staff: [(
                "amy".into(),
                StaffTotals {
                    sales_count: 3,
                    sales: 9_000,
                    returns_count: 0,
                    refunded: 0,
                },
            )]
            .into(),
        };
        let r = ShiftReport::new("S", Currency::CNY, "t0", Some("t1"), &t, Some(26_400));
        assert_eq!(r.tenders.get("cash"), Some(&5_000));
        assert_eq!(r.tenders.get("code"), Some(&2_500));
        assert_eq!(r.expected_cash, 20_000 + 5_000 + 2_000 - 500);
        assert_eq!(r.over_short, Some(-100));
        let day = day_report(&[r.clone(), r]);
        assert_eq!(day.expected_cash, 2 * 26_500);
        assert_eq!(day.over_short, Some(-200));
        assert_eq!(day.tenders.get("code"), Some(&5_000));
        assert_eq!(day.staff.get("amy").map(|s| s.sales), Some(18_000));
    }

    #[test]
    fn tax_included_in_prices_is_rounded_half_up() {
        // 113.00 at 13 %: 13.00 of it is tax.
        assert_eq!(included_tax(11_300, 1_300), 1_300);
        assert_eq!(included_tax(100, 1_300), 12); // 11.50 → 12
        assert_eq!(included_tax(-11_300, 1_300), -1_300);
        assert_eq!(included_tax(0, 600), 0);
        assert_eq!(included_tax(10_600, 600), 600);
    }
}
