//! The cart: lines of catalog items with quantities, an optional coupon, and totals.

use serde::{Deserialize, Serialize};

use super::catalog::CatalogItem;
use super::coupon::{Coupon, CouponRefusal};
use super::gtin::Gtin;
use super::money::{Currency, Money, MoneyError};
use super::weighed::Package;

/// The largest quantity of one line: a guard against a scanner stuck on repeat.
pub const MAX_QUANTITY: u32 = 999;
/// The most distinct lines in one cart.
pub const MAX_LINES: usize = 500;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartLine {
    pub gtin: Gtin,
    pub name: String,
    pub name_zh: Option<String>,
    pub unit_price: Money,
    pub quantity: u32,
    /// Alcohol, tobacco: sold only after someone checked the shopper's age.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub age_restricted: bool,
    /// A weighed or priced package (one line per package, quantity 1): what its label said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package: Option<Package>,
}

impl CartLine {
    pub fn total(&self) -> Result<Money, MoneyError> {
        self.unit_price.checked_mul(self.quantity)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    pub subtotal: Money,
    pub discount: Money,
    pub total: Money,
    pub items: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CartError {
    #[error("{gtin} has its price in {item}, but this cart is in {cart}")]
    CurrencyMismatch {
        gtin: Gtin,
        item: Currency,
        cart: Currency,
    },
    #[error("quantity {0} is out of range: 1 to {MAX_QUANTITY} per line")]
    QuantityOutOfRange(u64),
    #[error("{0} is not in the cart")]
    NotInCart(Gtin),
    #[error("{} is sold by weight: scan the label its scale printed", .0.display_form())]
    ByWeight(Gtin),
    #[error("line {} is no longer in the cart", .0 + 1)]
    LineGone(usize),
    #[error("{} is a weighed package: one line per package (scan the next one)", .0.display_form())]
    Package(Gtin),
    #[error("the cart is full ({MAX_LINES} lines)")]
    TooManyLines,
    /// The catalog entry breaks a limit (stored before limits existed): fix the catalog.
    #[error("catalog entry {gtin}: {problem}")]
    BadCatalogEntry {
        gtin: Gtin,
        problem: crate::catalog::RowError,
    },
    #[error("coupon refused: {0}")]
    Coupon(#[from] CouponRefusal),
    #[error(transparent)]
    Money(#[from] MoneyError),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cart {
    currency: Currency,
    lines: Vec<CartLine>,
    coupon: Option<Coupon>,
}

impl Cart {
    pub fn new(currency: Currency) -> Cart {
        Cart {
            currency,
            lines: Vec::new(),
            coupon: None,
        }
    }

    pub fn currency(&self) -> Currency {
        self.currency
    }

    pub fn lines(&self) -> &[CartLine] {
        &self.lines
    }

    pub fn coupon(&self) -> Option<&Coupon> {
        self.coupon.as_ref()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Adds `quantity` of `item`; a product already in the cart gets its quantity raised. An
    /// item priced per kilogram comes only as packages ([`Cart::add_package`]).
    pub fn add(&mut self, item: &CatalogItem, quantity: u32) -> Result<(), CartError> {
        self.check(item, item.price)?;
        if item.sold_by_weight() {
            return Err(CartError::ByWeight(item.gtin));
        }
        if let Some(line) = self
            .lines
            .iter_mut()
            .find(|l| l.gtin == item.gtin && l.package.is_none())
        {
            let q = u64::from(line.quantity) + u64::from(quantity);
            if quantity == 0 || q > u64::from(MAX_QUANTITY) {
                return Err(CartError::QuantityOutOfRange(q));
            }
            line.quantity = q as u32;
            return Ok(());
        }
        if quantity == 0 || quantity > MAX_QUANTITY {
            return Err(CartError::QuantityOutOfRange(quantity.into()));
        }
        self.push(item, item.price, quantity, None)
    }

    /// Adds one package of `item` at `price` (a weighed or priced label): always a line of its
    /// own, as two packages of the same item weigh and cost what each label says.
    pub fn add_package(
        &mut self,
        item: &CatalogItem,
        package: Package,
        price: Money,
    ) -> Result<(), CartError> {
        self.check(item, price)?;
        self.push(item, price, 1, Some(package))
    }

    /// The catalog entry within its limits, sold at `price` in the cart's currency.
    fn check(&self, item: &CatalogItem, price: Money) -> Result<(), CartError> {
        item.check_limits()
            .map_err(|problem| CartError::BadCatalogEntry {
                gtin: item.gtin,
                problem,
            })?;
        if price.currency != self.currency {
            return Err(CartError::CurrencyMismatch {
                gtin: item.gtin,
                item: price.currency,
                cart: self.currency,
            });
        }
        Ok(())
    }

    /// A new line, while the cart has room for one.
    fn push(
        &mut self,
        item: &CatalogItem,
        unit_price: Money,
        quantity: u32,
        package: Option<Package>,
    ) -> Result<(), CartError> {
        if self.lines.len() >= MAX_LINES {
            return Err(CartError::TooManyLines);
        }
        self.lines.push(CartLine {
            gtin: item.gtin,
            name: item.name.clone(),
            name_zh: item.name_zh.clone(),
            unit_price,
            quantity,
            age_restricted: item.age_restricted,
            package,
        });
        Ok(())
    }

    /// Whether a line is age-restricted (the sale waits for an age check).
    pub fn age_restricted(&self) -> bool {
        self.lines.iter().any(|l| l.age_restricted)
    }

    /// Adds several lines at once (a basket code, the lines of a pickup): all of them, or none
    /// when one is refused.
    pub fn add_all<'a>(
        &mut self,
        lines: impl IntoIterator<Item = (&'a CatalogItem, u32)>,
    ) -> Result<(), CartError> {
        let mut next = self.clone();
        for (item, quantity) in lines {
            next.add(item, quantity)?;
        }
        *self = next;
        Ok(())
    }

    /// Sets the quantity of the product's line; 0 removes the line. A product in the cart only
    /// as weighed packages has no quantity to set.
    pub fn set_quantity(&mut self, gtin: Gtin, quantity: u32) -> Result<(), CartError> {
        match self
            .lines
            .iter()
            .position(|l| l.gtin == gtin && l.package.is_none())
        {
            Some(index) => self.set_line_quantity(index, quantity),
            None if self.lines.iter().any(|l| l.gtin == gtin) => Err(CartError::Package(gtin)),
            None => Err(CartError::NotInCart(gtin)),
        }
    }

    /// Sets the quantity of line `index` (as the cart lists them); 0 removes the line. A
    /// package's line is one package: it can be removed, not counted up.
    pub fn set_line_quantity(&mut self, index: usize, quantity: u32) -> Result<(), CartError> {
        if quantity == 0 {
            return self.remove_line(index);
        }
        if quantity > MAX_QUANTITY {
            return Err(CartError::QuantityOutOfRange(quantity.into()));
        }
        let line = self
            .lines
            .get_mut(index)
            .ok_or(CartError::LineGone(index))?;
        if line.package.is_some() {
            return Err(CartError::Package(line.gtin));
        }
        line.quantity = quantity;
        Ok(())
    }

    /// Removes line `index` (as the cart lists them).
    pub fn remove_line(&mut self, index: usize) -> Result<(), CartError> {
        if index >= self.lines.len() {
            return Err(CartError::LineGone(index));
        }
        self.lines.remove(index);
        Ok(())
    }

    pub fn remove(&mut self, gtin: Gtin) -> Result<(), CartError> {
        let before = self.lines.len();
        self.lines.retain(|l| l.gtin != gtin);
        if self.lines.len() == before {
            return Err(CartError::NotInCart(gtin));
        }
        Ok(())
    }

    pub fn clear(&mut self) {
        self.lines.clear();
        self.coupon = None;
    }

    /// Applies a coupon after checking it may be used now at this store and on this cart.
    /// `redeemed` tells whether this terminal already redeemed it.
    pub fn apply_coupon(
        &mut self,
        coupon: Coupon,
        now: i64,
        store: &str,
        redeemed: bool,
    ) -> Result<Money, CartError> {
        if let Some(existing) = &self.coupon {
            return Err(if existing.id == coupon.id {
                CouponRefusal::AlreadyApplied
            } else {
                CouponRefusal::OneCouponPerOrder
            }
            .into());
        }
        coupon.check_usable(now, store)?;
        if coupon.single_use && redeemed {
            return Err(CouponRefusal::AlreadyRedeemed.into());
        }
        if let super::coupon::CouponValue::AmountOff(m) = &coupon.value
            && m.currency != self.currency
        {
            return Err(CouponRefusal::WrongCurrency {
                coupon: m.currency.to_string(),
                cart: self.currency.to_string(),
            }
            .into());
        }
        let subtotal = self.subtotal()?;
        if let Some(min) = coupon.min_spend
            && subtotal.minor < min.minor
        {
            return Err(CouponRefusal::BelowMinimum { min, subtotal }.into());
        }
        let off = coupon.discount_on(subtotal)?;
        self.coupon = Some(coupon);
        Ok(off)
    }

    pub fn remove_coupon(&mut self) -> Option<Coupon> {
        self.coupon.take()
    }

    fn subtotal(&self) -> Result<Money, MoneyError> {
        self.lines
            .iter()
            .try_fold(Money::zero(self.currency), |acc, l| {
                acc.checked_add(l.total()?)
            })
    }

    /// Subtotal, coupon discount (zero when the cart fell below the coupon's minimum spend) and total.
    pub fn totals(&self) -> Result<Totals, MoneyError> {
        let subtotal = self.subtotal()?;
        let discount = match &self.coupon {
            Some(c) => c.discount_on(subtotal)?,
            None => Money::zero(self.currency),
        };
        Ok(Totals {
            subtotal,
            discount,
            total: subtotal.checked_sub(discount)?,
            items: self.lines.iter().map(|l| l.quantity).sum(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coupon::CouponValue;

    fn item(gtin: &str, minor: i64) -> CatalogItem {
        CatalogItem {
            gtin: Gtin::parse(gtin).expect("gtin"),
            name: format!("item {gtin}"),
            name_zh: None,
            price: Money::new(minor, Currency::CNY),
            sku: None,
            unit: None,
            age_restricted: false,
            stock: None,
            shelf: None,
        }
    }

    fn cny(m: i64) -> Money {
        Money::new(m, Currency::CNY)
    }

    #[test]
    fn add_merges_and_totals_add_up() {
        let mut cart = Cart::new(Currency::CNY);
        let tea = item("6901234567892", 350);
        let rice = item("96385074", 4990);
        cart.add(&tea, 1).expect("add");
        cart.add(&tea, 2).expect("add");
        cart.add(&rice, 1).expect("add");
        assert_eq!(cart.lines().len(), 2);
        let t = cart.totals().expect("totals");
        assert_eq!(
            (t.subtotal, t.discount, t.total, t.items),
            (cny(6040), cny(0), cny(6040), 4)
        );
        cart.set_quantity(tea.gtin, 1).expect("set");
        assert_eq!(cart.totals().map(|t| t.total), Ok(cny(5340)));
        cart.set_quantity(tea.gtin, 0).expect("remove by zero");
        assert_eq!(cart.lines().len(), 1);
        cart.remove(rice.gtin).expect("remove");
        assert!(cart.is_empty());
        assert_eq!(cart.remove(rice.gtin), Err(CartError::NotInCart(rice.gtin)));
    }

    #[test]
    fn quantity_and_currency_rules() {
        let mut cart = Cart::new(Currency::CNY);
        let tea = item("6901234567892", 350);
        let cases: [(u32, bool); 4] = [(0, false), (1, true), (998, true), (1, false)];
        for (q, ok) in cases {
            assert_eq!(cart.add(&tea, q).is_ok(), ok, "add {q}");
        }
        assert_eq!(
            cart.set_quantity(tea.gtin, 1000),
            Err(CartError::QuantityOutOfRange(1000))
        );
        let mut usd = item("96385074", 100);
        usd.price.currency = Currency::parse("USD").expect("code");
        assert!(matches!(
            cart.add(&usd, 1),
            Err(CartError::CurrencyMismatch { .. })
        ));
    }

    #[test]
    fn add_all_is_all_or_nothing() {
        let tea = item("6901234567892", 350);
        let rice = item("96385074", 4990);
        let mut cart = Cart::new(Currency::CNY);
        cart.add(&tea, 1).expect("add");
        cart.add_all([(&tea, 2), (&rice, 3)]).expect("add all");
        assert_eq!(
            cart.totals().map(|t| (t.items, t.total)),
            Ok((6, cny(3 * 350 + 3 * 4990)))
        );
        let before = cart.clone();
        assert_eq!(
            cart.add_all([(&rice, 1), (&tea, 997)]),
            Err(CartError::QuantityOutOfRange(1000))
        );
        assert_eq!(cart, before);
    }

    #[test]
    fn each_package_is_a_line_of_its_own() {
        let mut cart = Cart::new(Currency::CNY);
        let mut pork = item("2200101000000", 2980);
        pork.unit = Some("kg".into());
        let pack = |g: u64| Package {
            weight_g: Some(g),
            per_kg: Some(cny(2980)),
        };
        cart.add_package(&pork, pack(532), cny(1585))
            .expect("first");
        cart.add_package(&pork, pack(532), cny(1585))
            .expect("second");
        // Priced per kilogram: never by count.
        assert_eq!(cart.add(&pork, 1), Err(CartError::ByWeight(pork.gtin)));
        // The same product listed by the piece is a line of its own.
        pork.unit = None;
        cart.add(&pork, 1).expect("by the piece");
        cart.add(&pork, 1).expect("by the piece again");
        let lines: Vec<(u32, Option<u64>, i64)> = cart
            .lines()
            .iter()
            .map(|l| {
                (
                    l.quantity,
                    l.package.and_then(|p| p.weight_g),
                    l.unit_price.minor,
                )
            })
            .collect();
        assert_eq!(
            lines,
            [(1, Some(532), 1585), (1, Some(532), 1585), (2, None, 2980)]
        );
        assert_eq!(
            cart.totals().map(|t| (t.items, t.total)),
            Ok((4, cny(2 * 1585 + 2 * 2980)))
        );
        assert_eq!(
            cart.set_line_quantity(0, 2),
            Err(CartError::Package(pork.gtin))
        );
        cart.set_quantity(pork.gtin, 3).expect("the piece line");
        cart.remove_line(1).expect("remove one package");
        assert_eq!(cart.lines().len(), 2);
        assert_eq!(cart.remove_line(2), Err(CartError::LineGone(2)));
        cart.set_line_quantity(1, 0).expect("zero removes");
        assert_eq!(
            cart.set_quantity(pork.gtin, 2),
            Err(CartError::Package(pork.gtin))
        );
        let usd = Money::new(100, Currency::parse("USD").expect("code"));
        assert!(matches!(
            cart.add_package(&pork, pack(1), usd),
            Err(CartError::CurrencyMismatch { .. })
        ));
    }

    fn coupon(value: CouponValue, min: Option<i64>) -> Coupon {
        Coupon {
            id: "C1".into(),
            value,
            min_spend: min.map(cny),
            single_use: true,
            stores: vec!["SH001".into()],
            not_before: 100,
            expires: 200,
        }
    }

    #[test]
    fn coupon_rules() {
        let mut cart = Cart::new(Currency::CNY);
        cart.add(&item("6901234567892", 1000), 3).expect("add");
        let cases: [(Coupon, i64, &str, bool, Result<i64, CouponRefusal>); 9] = [
            (
                coupon(CouponValue::AmountOff(cny(500)), None),
                150,
                "SH001",
                false,
                Ok(500),
            ),
            (
                coupon(CouponValue::PercentOff(15), None),
                150,
                "SH001",
                false,
                Ok(450),
            ),
            (
                coupon(CouponValue::AmountOff(cny(5000)), None),
                150,
                "SH001",
                false,
                Ok(3000),
            ),
            (
                coupon(CouponValue::AmountOff(cny(500)), Some(5000)),
                150,
                "SH001",
                false,
                Err(CouponRefusal::BelowMinimum {
                    min: cny(5000),
                    subtotal: cny(3000),
                }),
            ),
            (
                coupon(CouponValue::AmountOff(cny(500)), None),
                99,
                "SH001",
                false,
                Err(CouponRefusal::NotYetValid),
            ),
            (
                coupon(CouponValue::AmountOff(cny(500)), None),
                200,
                "SH001",
                false,
                Err(CouponRefusal::Expired),
            ),
            (
                coupon(CouponValue::AmountOff(cny(500)), None),
                150,
                "BJ002",
                false,
                Err(CouponRefusal::WrongStore("BJ002".into())),
            ),
            (
                coupon(CouponValue::AmountOff(cny(500)), None),
                150,
                "SH001",
                true,
                Err(CouponRefusal::AlreadyRedeemed),
            ),
            (
                coupon(CouponValue::PercentOff(0), None),
                150,
                "SH001",
                false,
                Err(CouponRefusal::InvalidValue),
            ),
        ];
        for (c, now, store, redeemed, want) in cases {
            let mut cart = cart.clone();
            let got = cart.apply_coupon(c.clone(), now, store, redeemed);
            match want {
                Ok(off) => {
                    assert_eq!(got, Ok(cny(off)), "{c:?}");
                    assert_eq!(cart.totals().map(|t| t.total), Ok(cny(3000 - off)));
                }
                Err(r) => {
                    assert_eq!(got, Err(CartError::Coupon(r)), "{c:?}");
                    assert!(cart.coupon().is_none());
                }
            }
        }
        let mut twice = cart.clone();
        let c = coupon(CouponValue::PercentOff(10), None);
        twice
            .apply_coupon(c.clone(), 150, "SH001", false)
            .expect("first");
        assert_eq!(
            twice.apply_coupon(c, 150, "SH001", false),
            Err(CartError::Coupon(CouponRefusal::AlreadyApplied))
        );
    }

    #[test]
    fn discount_drops_when_cart_falls_below_minimum() {
        let mut cart = Cart::new(Currency::CNY);
        let tea = item("6901234567892", 1000);
        cart.add(&tea, 5).expect("add");
        cart.apply_coupon(
            coupon(CouponValue::AmountOff(cny(800)), Some(4000)),
            150,
            "SH001",
            false,
        )
        .expect("apply");
        assert_eq!(cart.totals().map(|t| t.total), Ok(cny(4200)));
        cart.set_quantity(tea.gtin, 2).expect("set");
        assert_eq!(
            cart.totals().map(|t| (t.discount, t.total)),
            Ok((cny(0), cny(2000)))
        );
    }
}
