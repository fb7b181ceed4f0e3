//! Returns and voids of a placed sale: which lines come back, what is refunded, and to which
//! tender. Never more than was bought across every return known (this terminal's and those
//! the platform reported from the store's other terminals); refunds go back to the tenders
//! the sale used, never to one it did not use.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::gtin::Gtin;
use crate::money::{Money, MoneyError};

/// A line of the sale as its receipt says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SoldLine {
    pub gtin: Gtin,
    pub quantity: u32,
    pub unit_price: Money,
}

/// A tender of the sale as its receipt says: `method` is cash, card, code or later.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SoldTender {
    pub method: String,
    pub amount: Money,
    /// The tender's reference (its platform charge for a code; the card terminal's for a card).
    pub reference: String,
}

/// A sale as the returning terminal knows it: lines, tenders, totals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sale {
    pub lines: Vec<SoldLine>,
    pub tenders: Vec<SoldTender>,
    pub subtotal: Money,
    pub total: Money,
}

/// Where a refund goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefundTo {
    /// Back to the tenders the sale used: code and card first, then cash.
    Original,
    Cash,
    Card,
    Code,
}

impl RefundTo {
    pub fn parse(text: &str) -> Option<RefundTo> {
        Some(match text {
            "original" => RefundTo::Original,
            "cash" => RefundTo::Cash,
            "card" => RefundTo::Card,
            "code" => RefundTo::Code,
            _ => return None,
        })
    }
}

/// One line asked back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wanted {
    pub gtin: Gtin,
    pub quantity: u32,
    /// Back on the shelf (sellable), or not (damaged).
    pub restock: bool,
}

/// What came back before, over every known return of this sale.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Before {
    pub quantities: BTreeMap<Gtin, u32>,
    /// Refunded before, per tender reference ("cash" for cash refunds).
    pub refunded: BTreeMap<String, i64>,
}

/// A line of a return, its refund included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnedLine {
    pub gtin: String,
    pub quantity: u32,
    pub unit_price: i64,
    pub restock: bool,
}

/// One refund: its method, amount and the sale's tender it gives back to (the charge's
/// reference for a code, the card reference for a card, `cash` for cash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refund {
    pub method: String,
    pub amount: i64,
    pub tender_reference: String,
}

/// What a return does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnPlan {
    pub lines: Vec<ReturnedLine>,
    pub refunds: Vec<Refund>,
    pub total: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReturnError {
    #[error("choose at least one line to return")]
    NoLines,
    #[error("{} is not on this receipt", gtin.display_form())]
    NotOnReceipt { gtin: Gtin },
    #[error("{} was bought {bought} times and {returned} already came back: {asked} more cannot be returned", gtin.display_form())]
    MoreThanBought {
        gtin: Gtin,
        bought: u32,
        returned: u32,
        asked: u32,
    },
    #[error("the sale was not paid by {method}: refund to the original payment or in cash")]
    TenderNotUsed { method: String },
    #[error("the sale is paid later (on delivery or collection): there is nothing to refund")]
    NothingPaid,
    #[error(transparent)]
    Money(#[from] MoneyError),
}

/// Plans a return of `wanted` from `sale`, after what came back `before`, refunded to `to`.
pub fn plan_return(
    sale: &Sale,
    before: &Before,
    wanted: &[Wanted],
    to: RefundTo,
) -> Result<ReturnPlan, ReturnError> {
    if wanted.is_empty() {
        return Err(ReturnError::NoLines);
    }
    let currency = sale.total.currency;
    // The same product asked twice counts once, summed.
    let mut asked: BTreeMap<Gtin, (u32, bool)> = BTreeMap::new();
    for w in wanted {
        let e = asked.entry(w.gtin).or_insert((0, w.restock));
        e.0 = e.0.saturating_add(w.quantity);
        e.1 &= w.restock;
    }
    let mut lines = Vec::new();
    let mut value = Money::new(0, currency);
    for (gtin, (quantity, restock)) in &asked {
        let sold: Vec<&SoldLine> = sale.lines.iter().filter(|l| l.gtin == *gtin).collect();
        if sold.is_empty() {
            return Err(ReturnError::NotOnReceipt { gtin: *gtin });
        }
        let bought: u32 = sold.iter().map(|l| l.quantity).sum();
        let returned = before.quantities.get(gtin).copied().unwrap_or(0);
        if *quantity == 0 || returned.saturating_add(*quantity) > bought {
            return Err(ReturnError::MoreThanBought {
                gtin: *gtin,
                bought,
                returned,
                asked: *quantity,
            });
        }
        let unit = sold[0].unit_price;
        value = value.checked_add(unit.checked_mul(*quantity)?)?;
        lines.push(ReturnedLine {
            gtin: gtin.as_str(),
            quantity: *quantity,
            unit_price: unit.minor,
            restock: *restock,
        });
    }
    // A discount on the sale is shared by its lines: each returned unit gives back its share
    // (rounded down); the last return of a sale gives back exactly what is left of the total.
    let refunded_before: i64 = before.refunded.values().sum();
    let everything_back = sale.lines.iter().all(|l| {
        let back = before.quantities.get(&l.gtin).copied().unwrap_or(0)
            + asked.get(&l.gtin).map_or(0, |a| a.0);
        back >= l.quantity
    });
    let paid: i64 = sale
        .tenders
        .iter()
        .filter(|t| t.method != "later")
        .map(|t| t.amount.minor)
        .sum();
    if paid == 0 {
        return Err(ReturnError::NothingPaid);
    }
    let total = if everything_back {
        sale.total.minor - refunded_before
    } else if sale.subtotal.minor > 0 {
        ((i128::from(value.minor) * i128::from(sale.total.minor)) / i128::from(sale.subtotal.minor))
            as i64
    } else {
        0
    }
    .clamp(0, (paid - refunded_before).max(0));
    let refunds = allocate(sale, before, total, to)?;
    Ok(ReturnPlan {
        lines,
        refunds,
        total: Money::new(total, currency),
    })
}

/// Shares `amount` among the tenders a refund may go to.
fn allocate(
    sale: &Sale,
    before: &Before,
    amount: i64,
    to: RefundTo,
) -> Result<Vec<Refund>, ReturnError> {
    let used = |m: &str| sale.tenders.iter().any(|t| t.method == m);
    let wanted_method = match to {
        RefundTo::Cash => return Ok(cash(amount)),
        RefundTo::Card => Some("card"),
        RefundTo::Code => Some("code"),
        RefundTo::Original => None,
    };
    if let Some(m) = wanted_method
        && !used(m)
    {
        return Err(ReturnError::TenderNotUsed {
            method: m.to_owned(),
        });
    }
    let mut left = amount;
    let mut out = Vec::new();
    // Code and card first (the shopper's account), then cash.
    for method in ["code", "card"] {
        if wanted_method.is_some_and(|m| m != method) {
            continue;
        }
        for t in sale.tenders.iter().filter(|t| t.method == method) {
            let room = t.amount.minor - before.refunded.get(&t.reference).copied().unwrap_or(0);
            let give = left.min(room.max(0));
            if give > 0 {
                out.push(Refund {
                    method: method.to_owned(),
                    amount: give,
                    tender_reference: t.reference.clone(),
                });
                left -= give;
            }
        }
    }
    // What the shopper's account tenders cannot take (used up, or the sale was partly cash)
    // comes back in cash.
    out.extend(cash(left));
    Ok(out)
}

fn cash(amount: i64) -> Vec<Refund> {
    if amount <= 0 {
        return Vec::new();
    }
    vec![Refund {
        method: "cash".into(),
        amount,
        tender_reference: "cash".into(),
    }]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;

    fn g(s: &str) -> Gtin {
        Gtin::parse(s).expect("gtin")
    }

    fn cny(m: i64) -> Money {
        Money::new(m, Currency::CNY)
    }

    const TEA: &str = "6901234567892";
    const BUN: &str = "6921000000019";

    /// 3 tea at 10.00 and 1 bun at 5.00 = 35.00, with a 3.50 discount: 31.50, paid 20.00 by
    /// code and 11.50 in cash.
    fn sale() -> Sale {
        Sale {
            lines: vec![
                SoldLine {
                    gtin: g(TEA),
                    quantity: 3,
                    unit_price: cny(1000),
                },
                SoldLine {
                    gtin: g(BUN),
                    quantity: 1,
                    unit_price: cny(500),
                },
            ],
            tenders: vec![
                SoldTender {
                    method: "code".into(),
                    amount: cny(2000),
                    reference: "A-1".into(),
                },
                SoldTender {
                    method: "cash".into(),
                    amount: cny(1150),
                    reference: "A-2".into(),
                },
            ],
            subtotal: cny(3500),
            total: cny(3150),
        }
    }

    fn want(gtin: &str, quantity: u32) -> Wanted {
        Wanted {
            gtin: g(gtin),
            quantity,
            restock: true,
        }
    }

    #[test]
    fn returns_are_checked_and_refunded_to_the_original_tenders() {
        let cases: Vec<(
            &str,
            Vec<Wanted>,
            Before,
            RefundTo,
            Result<Vec<(&str, i64)>, ReturnError>,
        )> = vec![
            (
                "nothing",
                vec![],
                Before::default(),
                RefundTo::Original,
                Err(ReturnError::NoLines),
            ),
            (
                "one tea: its share of the discount kept, to the code",
                vec![want(TEA, 1)],
                Before::default(),
                RefundTo::Original,
                Ok(vec![("code", 900)]),
            ),
            (
                "all: the whole total, code then cash",
                vec![want(TEA, 3), want(BUN, 1)],
                Before::default(),
                RefundTo::Original,
                Ok(vec![("code", 2000), ("cash", 1150)]),
            ),
            (
                "the last of it after two teas came back",
                vec![want(TEA, 1), want(BUN, 1)],
                Before {
                    quantities: [(g(TEA), 2)].into(),
                    refunded: [("A-1".to_owned(), 1800)].into(),
                },
                RefundTo::Original,
                Ok(vec![("code", 200), ("cash", 1150)]),
            ),
            (
                "more than bought",
                vec![want(TEA, 4)],
                Before::default(),
                RefundTo::Original,
                Err(ReturnError::MoreThanBought {
                    gtin: g(TEA),
                    bought: 3,
                    returned: 0,
                    asked: 4,
                }),
            ),
            (
                "more than bought across returns",
                vec![want(TEA, 2)],
                Before {
                    quantities: [(g(TEA), 2)].into(),
                    refunded: Default::default(),
                },
                RefundTo::Original,
                Err(ReturnError::MoreThanBought {
                    gtin: g(TEA),
                    bought: 3,
                    returned: 2,
                    asked: 2,
                }),
            ),
            (
                "not on the receipt",
                vec![want("4006381333931", 1)],
                Before::default(),
                RefundTo::Original,
                Err(ReturnError::NotOnReceipt {
                    gtin: g("4006381333931"),
                }),
            ),
            (
                "to a card the sale did not use",
                vec![want(TEA, 1)],
                Before::default(),
                RefundTo::Card,
                Err(ReturnError::TenderNotUsed {
                    method: "card".into(),
                }),
            ),
            (
                "in cash",
                vec![want(TEA, 1)],
                Before::default(),
                RefundTo::Cash,
                Ok(vec![("cash", 900)]),
            ),
            (
                "the same line asked twice is summed",
                vec![want(TEA, 2), want(TEA, 2)],
                Before::default(),
                RefundTo::Original,
                Err(ReturnError::MoreThanBought {
                    gtin: g(TEA),
                    bought: 3,
                    returned: 0,
                    asked: 4,
                }),
            ),
        ];
        for (name, wanted, before, to, expected) in cases {
            let got = plan_return(&sale(), &before, &wanted, to).map(|p| {
                p.refunds
                    .iter()
                    .map(|r| (r.method.as_str(), r.amount))
                    .map(|(m, a)| (m.to_owned(), a))
                    .collect::<Vec<_>>()
            });
            let expected = expected.map(|v| {
                v.into_iter()
                    .map(|(m, a)| (m.to_owned(), a))
                    .collect::<Vec<_>>()
            });
            assert_eq!(got, expected, "{name}");
        }
    }

    #[test]
    fn refunds_never_exceed_the_sale_however_it_comes_back() {
        // Every order of one-by-one returns gives back exactly the total, never more.
        for order in [[0usize, 1, 2, 3], [3, 2, 1, 0], [1, 3, 0, 2]] {
            let units = [TEA, TEA, TEA, BUN];
            let mut before = Before::default();
            let mut sum = 0;
            for i in order {
                let plan = plan_return(&sale(), &before, &[want(units[i], 1)], RefundTo::Original)
                    .expect("plan");
                for r in &plan.refunds {
                    *before
                        .refunded
                        .entry(r.tender_reference.clone())
                        .or_default() += r.amount;
                }
                *before.quantities.entry(g(units[i])).or_default() += 1;
                sum += plan.total.minor;
            }
            assert_eq!(sum, 3150, "{order:?}");
            assert_eq!(before.refunded.get("A-1"), Some(&2000));
        }
    }
}
