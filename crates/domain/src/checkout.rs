//! One checkout attempt: the cart, the tenders that pay for it, the approvals given, and where
//! it stands. The window, the kiosk and the command line drive this one aggregate; the terminal
//! around it stores intents, talks to the platform and commits the order.
//!
//! ```text
//! open ──tender──▶ tendering ──paid in full──▶ paid ──commit──▶ committed
//!   │                  │                        │
//!   └──────────────────┴──── void (approval) ───┴──▶ voided
//! ```
//!
//! Every tender carries a reference made of the attempt id and its place (`ATTEMPT-1`, …): the
//! idempotency key of a platform charge, the same for every retry of that tender.

use serde::{Deserialize, Serialize};

use crate::cart::{Cart, CartError};
use crate::gtin::Gtin;
use crate::money::{Money, MoneyError};
use crate::order::{Fulfilment, OrderDraft, OrderError, Payment};
pub use crate::order::{Tender, TenderKind, TenderStatus};

/// At most this many tenders per sale (declined and voided ones included).
pub const MAX_TENDERS: usize = 8;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckoutState {
    /// Lines may be added, changed and removed.
    Open,
    /// At least one tender is taken; the cart is fixed until the tenders are voided.
    Tendering,
    /// The tenders cover the total; the order may be committed.
    Paid,
    /// The order is stored.
    Committed,
    /// Cancelled; its approved tenders are to be given back.
    Voided,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Clerk,
    Supervisor,
}

/// A member of staff who approved something, after their PIN was checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Approval {
    pub staff_id: String,
    pub role: Role,
}

/// What needs an approval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Approved {
    ClearCart,
    VoidSale,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckoutError {
    #[error("the sale is {0:?}: nothing more can change in it")]
    Closed(CheckoutState),
    #[error("payment has begun: void the tenders taken before changing the cart")]
    CartLocked,
    #[error("the cart is empty: scan at least one product")]
    EmptyCart,
    #[error("nothing is left to pay")]
    NothingDue,
    #[error("{method} of {amount} is more than the {due} left to pay; only cash gives change")]
    OverTender {
        method: &'static str,
        amount: Money,
        due: Money,
    },
    #[error("an amount must be more than zero")]
    ZeroAmount,
    #[error("pay later covers the whole sale and cannot be mixed with other tenders")]
    LaterMixed,
    #[error("a sale the shopper carries out now is paid now: take cash, a card or a payment code")]
    PayNow,
    #[error(
        "this sale holds age-restricted products (alcohol, tobacco): a member of staff checks the shopper's age first"
    )]
    AgeCheck,
    #[error("at most {MAX_TENDERS} tenders per sale")]
    TooManyTenders,
    #[error("no tender {0} in this sale")]
    UnknownTender(String),
    #[error("tender {0} is waiting for the platform's answer")]
    TenderPending(String),
    #[error("{due} is still to pay")]
    NotPaid { due: Money },
    #[error("this needs a supervisor's approval")]
    NeedsApproval,
    #[error("{0}")]
    Cart(#[from] CartError),
    #[error("{0}")]
    Order(#[from] OrderError),
    #[error(transparent)]
    Money(#[from] MoneyError),
}

/// One checkout attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkout {
    attempt: String,
    cart: Cart,
    tenders: Vec<Tender>,
    approvals: Vec<(Approved, Approval)>,
    state: CheckoutState,
    clerk: Option<String>,
    /// Who checked the shopper's age, for a cart with age-restricted lines.
    age_checked: Option<Approval>,
}

impl Checkout {
    /// A new attempt; `attempt` is unique (the terminal uses a UUID, which becomes the order's
    /// id when committed).
    pub fn new(attempt: impl Into<String>, cart: Cart) -> Checkout {
        Checkout {
            attempt: attempt.into(),
            cart,
            tenders: Vec::new(),
            approvals: Vec::new(),
            state: CheckoutState::Open,
            clerk: None,
            age_checked: None,
        }
    }

    /// A member of staff checked the shopper's age (an ID at the counter, staff called to the
    /// kiosk): the age-restricted lines may be paid for.
    pub fn confirm_age(&mut self, by: Approval) {
        self.age_checked = Some(by);
    }

    /// Whether the sale waits for an age check before any payment.
    pub fn needs_age_check(&self) -> bool {
        self.cart.age_restricted() && self.age_checked.is_none()
    }

    /// Who checked the shopper's age, if anyone did.
    pub fn age_checked_by(&self) -> Option<&Approval> {
        self.age_checked.as_ref()
    }

    /// The staff member ringing the sale up (the order records it for per-staff totals).
    pub fn with_clerk(mut self, clerk: Option<String>) -> Checkout {
        self.clerk = clerk.filter(|c| !c.trim().is_empty());
        self
    }

    pub fn attempt(&self) -> &str {
        &self.attempt
    }

    pub fn state(&self) -> CheckoutState {
        self.state
    }

    pub fn cart(&self) -> &Cart {
        &self.cart
    }

    pub fn tenders(&self) -> &[Tender] {
        &self.tenders
    }

    pub fn approvals(&self) -> &[(Approved, Approval)] {
        &self.approvals
    }

    /// The cart, to change: only while no tender is taken.
    pub fn cart_mut(&mut self) -> Result<&mut Cart, CheckoutError> {
        match self.state {
            CheckoutState::Open => Ok(&mut self.cart),
            CheckoutState::Tendering | CheckoutState::Paid => Err(CheckoutError::CartLocked),
            s => Err(CheckoutError::Closed(s)),
        }
    }

    /// Removes a line (no approval: the shopper changed their mind before paying).
    pub fn remove_line(&mut self, gtin: Gtin) -> Result<(), CheckoutError> {
        self.cart_mut()?.remove(gtin)?;
        Ok(())
    }

    pub fn total(&self) -> Result<Money, CheckoutError> {
        Ok(self.cart.totals()?.total)
    }

    /// What the approved tenders pay.
    pub fn paid(&self) -> Result<Money, CheckoutError> {
        self.sum(|t| t.status == TenderStatus::Approved)
    }

    /// What is left to cover: the total less approved and pending tenders.
    pub fn due(&self) -> Result<Money, CheckoutError> {
        let covered = self.sum(Tender::live)?;
        let due = self.total()?.checked_sub(covered)?;
        Ok(if due.minor < 0 {
            Money::new(0, due.currency)
        } else {
            due
        })
    }

    /// Change to give in cash.
    pub fn change(&self) -> Result<Money, CheckoutError> {
        let mut sum = Money::new(0, self.cart.currency());
        for t in self
            .tenders
            .iter()
            .filter(|t| t.status == TenderStatus::Approved)
        {
            sum = sum.checked_add(t.change()?)?;
        }
        Ok(sum)
    }

    fn sum(&self, which: impl Fn(&Tender) -> bool) -> Result<Money, CheckoutError> {
        let mut sum = Money::new(0, self.cart.currency());
        for t in self.tenders.iter().filter(|t| which(t)) {
            sum = sum.checked_add(t.amount)?;
        }
        Ok(sum)
    }

    /// Takes a tender. `amount` is what the shopper hands over (`None`: what is due). Cash may
    /// be more than is due (the rest is change); any other tender at most what is due. Cash,
    /// card and later stand at once; a code waits for the platform ([`Checkout::settle`]).
    pub fn tender(
        &mut self,
        kind: TenderKind,
        amount: Option<Money>,
    ) -> Result<&Tender, CheckoutError> {
        match self.state {
            CheckoutState::Open | CheckoutState::Tendering => {}
            CheckoutState::Paid => return Err(CheckoutError::NothingDue),
            s => return Err(CheckoutError::Closed(s)),
        }
        if self.cart.is_empty() {
            return Err(CheckoutError::EmptyCart);
        }
        if self.needs_age_check() {
            return Err(CheckoutError::AgeCheck);
        }
        if self.tenders.len() >= MAX_TENDERS {
            return Err(CheckoutError::TooManyTenders);
        }
        let due = self.due()?;
        if due.minor == 0 {
            return Err(CheckoutError::NothingDue);
        }
        let handed = amount.unwrap_or(due);
        if handed.currency != due.currency {
            return Err(MoneyError::CurrencyMismatch(handed.currency, due.currency).into());
        }
        if handed.minor <= 0 {
            return Err(CheckoutError::ZeroAmount);
        }
        let later_live = self
            .tenders
            .iter()
            .any(|t| t.live() && t.kind == TenderKind::Later);
        if later_live
            || (kind == TenderKind::Later
                && (self.tenders.iter().any(Tender::live) || handed != due))
        {
            return Err(CheckoutError::LaterMixed);
        }
        let applied = if handed.minor > due.minor {
            if kind != TenderKind::Cash {
                return Err(CheckoutError::OverTender {
                    method: kind.method(),
                    amount: handed,
                    due,
                });
            }
            due
        } else {
            handed
        };
        let status = if kind.needs_platform() {
            TenderStatus::Pending
        } else {
            TenderStatus::Approved
        };
        let reference = format!("{}-{}", self.attempt, self.tenders.len() + 1);
        self.tenders.push(Tender {
            kind,
            amount: applied,
            tendered: handed,
            status,
            reference,
            payment_id: None,
        });
        self.restate()?;
        let last = self.tenders.len() - 1;
        Ok(&self.tenders[last])
    }

    /// The platform's answer for a pending tender: approved (with its payment id), declined or
    /// voided. A tender already settled keeps its first answer unless it is now voided.
    pub fn settle(
        &mut self,
        reference: &str,
        status: TenderStatus,
        payment_id: Option<String>,
    ) -> Result<(), CheckoutError> {
        if matches!(self.state, CheckoutState::Committed | CheckoutState::Voided)
            && status != TenderStatus::Voided
        {
            return Err(CheckoutError::Closed(self.state));
        }
        let t = self
            .tenders
            .iter_mut()
            .find(|t| t.reference == reference)
            .ok_or_else(|| CheckoutError::UnknownTender(reference.to_owned()))?;
        if t.status == TenderStatus::Pending || status == TenderStatus::Voided {
            t.status = status;
            if payment_id.is_some() {
                t.payment_id = payment_id;
            }
        }
        self.restate()
    }

    /// The tenders still to be given back before this sale can change or end without an
    /// order: approved or pending ones. Each is settled as `Voided` once given back.
    pub fn live_tenders(&self) -> Vec<&Tender> {
        self.tenders.iter().filter(|t| t.live()).collect()
    }

    fn restate(&mut self) -> Result<(), CheckoutError> {
        if matches!(self.state, CheckoutState::Committed | CheckoutState::Voided) {
            return Ok(());
        }
        let pending = self
            .tenders
            .iter()
            .any(|t| t.status == TenderStatus::Pending);
        self.state = if !pending && self.due()?.minor == 0 && self.tenders.iter().any(Tender::live)
        {
            CheckoutState::Paid
        } else if self.tenders.iter().any(Tender::live) {
            CheckoutState::Tendering
        } else {
            CheckoutState::Open
        };
        Ok(())
    }

    /// Checks the order this sale would commit (address, pickup, lines) without needing it to
    /// be paid: the terminal checks before it charges anything.
    pub fn check(&self, fulfilment: &Fulfilment) -> Result<(), CheckoutError> {
        match self.state {
            CheckoutState::Committed | CheckoutState::Voided => {
                return Err(CheckoutError::Closed(self.state));
            }
            _ => {}
        }
        OrderDraft::from_cart(&self.cart, fulfilment.clone(), Payment::Later)?;
        if self.needs_age_check() {
            return Err(CheckoutError::AgeCheck);
        }
        if *fulfilment == Fulfilment::Now
            && self.tenders.iter().any(|t| {
                t.kind == TenderKind::Later
                    && matches!(t.status, TenderStatus::Pending | TenderStatus::Approved)
            })
        {
            return Err(CheckoutError::PayNow);
        }
        Ok(())
    }

    /// The order to commit: only when paid in full and nothing waits for the platform.
    pub fn draft(
        &self,
        fulfilment: Fulfilment,
        member_id: Option<String>,
    ) -> Result<OrderDraft, CheckoutError> {
        match self.state {
            CheckoutState::Paid => {}
            CheckoutState::Open | CheckoutState::Tendering => {
                if let Some(t) = self
                    .tenders
                    .iter()
                    .find(|t| t.status == TenderStatus::Pending)
                {
                    return Err(CheckoutError::TenderPending(t.reference.clone()));
                }
                return Err(CheckoutError::NotPaid { due: self.due()? });
            }
            s => return Err(CheckoutError::Closed(s)),
        }
        let standing: Vec<Tender> = self
            .tenders
            .iter()
            .filter(|t| t.status == TenderStatus::Approved)
            .cloned()
            .collect();
        let payment = match standing.as_slice() {
            [one] => one.kind.payment(),
            _ => Payment::Split,
        };
        let mut draft = OrderDraft::from_cart(&self.cart, fulfilment, payment)?;
        draft.member_id = member_id;
        draft.attempt_id = Some(self.attempt.clone());
        draft.tenders = standing;
        draft.clerk = self.clerk.clone();
        Ok(draft)
    }

    /// The order is stored.
    pub fn committed(&mut self) -> Result<(), CheckoutError> {
        match self.state {
            CheckoutState::Paid => {
                self.state = CheckoutState::Committed;
                Ok(())
            }
            CheckoutState::Open | CheckoutState::Tendering => {
                Err(CheckoutError::NotPaid { due: self.due()? })
            }
            s => Err(CheckoutError::Closed(s)),
        }
    }

    /// Clears the cart: a supervisor approves once lines are in it. Refused while tenders
    /// stand (void the sale instead).
    pub fn clear(&mut self, approval: Option<Approval>) -> Result<(), CheckoutError> {
        self.cart_mut()?;
        if !self.cart.is_empty() {
            let approval = supervisor(approval)?;
            self.approvals.push((Approved::ClearCart, approval));
        }
        self.cart.clear();
        Ok(())
    }

    /// Cancels the sale with a supervisor's approval; returns the tenders to give back (each
    /// then settled as `Voided`). An empty sale with no tender is dropped without approval.
    pub fn void(&mut self, approval: Option<Approval>) -> Result<Vec<Tender>, CheckoutError> {
        match self.state {
            CheckoutState::Committed | CheckoutState::Voided => {
                return Err(CheckoutError::Closed(self.state));
            }
            _ => {}
        }
        if !self.cart.is_empty() || !self.tenders.is_empty() {
            let approval = supervisor(approval)?;
            self.approvals.push((Approved::VoidSale, approval));
        }
        self.state = CheckoutState::Voided;
        Ok(self.tenders.iter().filter(|t| t.live()).cloned().collect())
    }
}

fn supervisor(approval: Option<Approval>) -> Result<Approval, CheckoutError> {
    match approval {
        Some(a) if a.role == Role::Supervisor => Ok(a),
        _ => Err(CheckoutError::NeedsApproval),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::CatalogItem;
    use crate::money::Currency;
    use crate::scan::PaymentScheme;

    fn cny(minor: i64) -> Money {
        Money::new(minor, Currency::CNY)
    }

    fn tea() -> CatalogItem {
        CatalogItem {
            gtin: Gtin::parse("6901234567892").expect("gtin"),
            name: "Tea".into(),
            name_zh: None,
            price: cny(1000),
            sku: None,
            unit: None,
            age_restricted: false,
            stock: None,
            shelf: None,
        }
    }

    /// A sale of 2 × 10.00 = 20.00.
    fn sale() -> Checkout {
        let mut cart = Cart::new(Currency::CNY);
        cart.add(&tea(), 2).expect("add");
        Checkout::new("A", cart)
    }

    fn code() -> TenderKind {
        TenderKind::Code {
            digits: "281234567890123456".into(),
            scheme: PaymentScheme::Alipay,
        }
    }

    fn card() -> TenderKind {
        TenderKind::Card {
            reference: "AUTH-1".into(),
        }
    }

    fn boss() -> Option<Approval> {
        Some(Approval {
            staff_id: "S1".into(),
            role: Role::Supervisor,
        })
    }

    fn clerk() -> Option<Approval> {
        Some(Approval {
            staff_id: "C1".into(),
            role: Role::Clerk,
        })
    }

    /// One step of a table: what is done to the sale.
    #[derive(Debug, Clone)]
    enum Step {
        Tender(TenderKind, Option<i64>),
        Approve(&'static str),
        Decline(&'static str),
        VoidTender(&'static str),
        Commit,
        Clear(Option<Approval>),
        Void(Option<Approval>),
        AddLine,
    }

    fn run(steps: &[Step]) -> (Checkout, Vec<Result<(), CheckoutError>>) {
        let mut c = sale();
        let mut results = Vec::new();
        for s in steps {
            let r = match s.clone() {
                Step::Tender(kind, amount) => c.tender(kind, amount.map(cny)).map(|_| ()),
                Step::Approve(r) => c.settle(r, TenderStatus::Approved, Some("P".into())),
                Step::Decline(r) => c.settle(r, TenderStatus::Declined, None),
                Step::VoidTender(r) => c.settle(r, TenderStatus::Voided, None),
                Step::Commit => c
                    .draft(
                        Fulfilment::Deliver {
                            address: "1 Road".into(),
                        },
                        None,
                    )
                    .and_then(|_| c.committed()),
                Step::Clear(a) => c.clear(a),
                Step::Void(a) => c.void(a).map(|_| ()),
                Step::AddLine => c
                    .cart_mut()
                    .and_then(|cart| cart.add(&tea(), 1).map_err(Into::into)),
            };
            results.push(r);
        }
        (c, results)
    }

    #[test]
    fn the_states_of_a_sale() {
        use CheckoutState::*;
        use Step::*;
        let cases: Vec<(&str, Vec<Step>, CheckoutState, Option<CheckoutError>)> = vec![
            ("nothing done", vec![], Open, None),
            (
                "cash in full",
                vec![Tender(TenderKind::Cash, None)],
                Paid,
                None,
            ),
            (
                "cash with change, committed",
                vec![Tender(TenderKind::Cash, Some(5000)), Commit],
                Committed,
                None,
            ),
            ("code waits", vec![Tender(code(), None)], Tendering, None),
            (
                "code approved then committed",
                vec![Tender(code(), None), Approve("A-1"), Commit],
                Committed,
                None,
            ),
            (
                "commit while the code waits",
                vec![Tender(code(), None), Commit],
                Tendering,
                Some(CheckoutError::TenderPending("A-1".into())),
            ),
            (
                "declined code leaves it open",
                vec![Tender(code(), None), Decline("A-1")],
                Open,
                None,
            ),
            (
                "split: code 12.00 + card 3.00 + cash 10.00",
                vec![
                    Tender(code(), Some(1200)),
                    Approve("A-1"),
                    Tender(card(), Some(300)),
                    Tender(TenderKind::Cash, Some(1000)),
                    Commit,
                ],
                Committed,
                None,
            ),
            (
                "card over the total",
                vec![Tender(card(), Some(2500))],
                Open,
                Some(CheckoutError::OverTender {
                    method: "card",
                    amount: cny(2500),
                    due: cny(2000),
                }),
            ),
            (
                "code over what is left",
                vec![
                    Tender(TenderKind::Cash, Some(1500)),
                    Tender(code(), Some(1000)),
                ],
                Tendering,
                Some(CheckoutError::OverTender {
                    method: "code",
                    amount: cny(1000),
                    due: cny(500),
                }),
            ),
            (
                "zero",
                vec![Tender(TenderKind::Cash, Some(0))],
                Open,
                Some(CheckoutError::ZeroAmount),
            ),
            (
                "later mixed",
                vec![
                    Tender(TenderKind::Cash, Some(500)),
                    Tender(TenderKind::Later, None),
                ],
                Tendering,
                Some(CheckoutError::LaterMixed),
            ),
            (
                "more after paid",
                vec![
                    Tender(TenderKind::Cash, None),
                    Tender(TenderKind::Cash, None),
                ],
                Paid,
                Some(CheckoutError::NothingDue),
            ),
            (
                "cart locked once tendering",
                vec![Tender(TenderKind::Cash, Some(500)), AddLine],
                Tendering,
                Some(CheckoutError::CartLocked),
            ),
            (
                "commit short",
                vec![Tender(TenderKind::Cash, Some(500)), Commit],
                Tendering,
                Some(CheckoutError::NotPaid { due: cny(1500) }),
            ),
            (
                "clear needs a supervisor",
                vec![Clear(None)],
                Open,
                Some(CheckoutError::NeedsApproval),
            ),
            (
                "a clerk cannot approve",
                vec![Clear(clerk())],
                Open,
                Some(CheckoutError::NeedsApproval),
            ),
            ("supervisor clears", vec![Clear(boss())], Open, None),
            (
                "void needs a supervisor",
                vec![Tender(code(), None), Approve("A-1"), Void(None)],
                Paid,
                Some(CheckoutError::NeedsApproval),
            ),
            (
                "void with approval",
                vec![Tender(code(), None), Approve("A-1"), Void(boss())],
                Voided,
                None,
            ),
            (
                "nothing after a void",
                vec![Void(boss()), Tender(TenderKind::Cash, None)],
                Voided,
                Some(CheckoutError::Closed(Voided)),
            ),
            (
                "nothing after a commit",
                vec![Tender(TenderKind::Cash, None), Commit, Void(boss())],
                Committed,
                Some(CheckoutError::Closed(Committed)),
            ),
            (
                "voided tender reopens the sale",
                vec![
                    Tender(code(), None),
                    Approve("A-1"),
                    VoidTender("A-1"),
                    AddLine,
                ],
                Open,
                None,
            ),
            (
                "unknown tender",
                vec![Approve("A-9")],
                Open,
                Some(CheckoutError::UnknownTender("A-9".into())),
            ),
        ];
        for (name, steps, state, last_error) in cases {
            let (c, results) = run(&steps);
            assert_eq!(c.state(), state, "{name}");
            let last = results.last().cloned().unwrap_or(Ok(()));
            assert_eq!(last.err(), last_error, "{name}");
        }
    }

    #[test]
    fn change_only_in_cash_and_references_are_stable() {
        let mut c = sale();
        c.tender(code(), Some(cny(1500))).expect("code");
        let reference = c.tenders()[0].reference.clone();
        assert_eq!(reference, "A-1");
        // A retry of the same tender reuses its reference: the settlement finds it.
        c.settle(&reference, TenderStatus::Approved, Some("P1".into()))
            .expect("approve");
        // An answer arriving again changes nothing.
        c.settle(&reference, TenderStatus::Declined, None)
            .expect("again");
        assert_eq!(c.tenders()[0].status, TenderStatus::Approved);
        c.tender(TenderKind::Cash, Some(cny(1000))).expect("cash");
        assert_eq!(c.state(), CheckoutState::Paid);
        assert_eq!(c.change().expect("change"), cny(500));
        assert_eq!(c.paid().expect("paid"), cny(2000));
        let d = c
            .draft(
                Fulfilment::Deliver {
                    address: "1 Road".into(),
                },
                Some("M1".into()),
            )
            .expect("draft");
        assert_eq!(d.payment, Payment::Split);
        assert_eq!(d.tenders.len(), 2);
        assert_eq!(d.attempt_id.as_deref(), Some("A"));
        assert_eq!(d.tenders[1].tendered, cny(1000));
        assert_eq!(d.tenders[1].amount, cny(500));
    }

    #[test]
    fn a_void_gives_back_what_stands() {
        let mut c = sale();
        c.tender(code(), Some(cny(1200))).expect("code");
        c.settle("A-1", TenderStatus::Approved, None).expect("ok");
        c.tender(TenderKind::Cash, None).expect("cash");
        let back = c.void(boss()).expect("void");
        assert_eq!(back.len(), 2);
        assert_eq!(c.approvals()[0].0, Approved::VoidSale);
        assert_eq!(c.approvals()[0].1.staff_id, "S1");
        // A sale with nothing in it goes without approval.
        let mut empty = Checkout::new("B", Cart::new(Currency::CNY));
        assert_eq!(empty.void(None).expect("void"), vec![]);
    }

    #[test]
    fn age_restricted_lines_hold_payment_until_someone_checks_the_age() {
        let beer = CatalogItem {
            gtin: Gtin::parse("6961170200949").expect("gtin"),
            name: "Beer".into(),
            age_restricted: true,
            ..tea()
        };
        let mut c = sale();
        assert!(!c.needs_age_check());
        c.cart_mut().expect("open").add(&beer, 1).expect("add");
        assert!(c.needs_age_check());
        assert_eq!(
            c.tender(TenderKind::Cash, None).err(),
            Some(CheckoutError::AgeCheck)
        );
        assert_eq!(c.check(&Fulfilment::Now), Err(CheckoutError::AgeCheck));
        assert!(c.tenders().is_empty(), "nothing was taken");
        c.confirm_age(clerk().expect("clerk"));
        assert!(!c.needs_age_check());
        assert_eq!(c.age_checked_by().map(|a| a.staff_id.as_str()), Some("C1"));
        assert!(c.tender(TenderKind::Cash, None).is_ok());
        assert_eq!(c.check(&Fulfilment::Now), Ok(()));
    }
}
