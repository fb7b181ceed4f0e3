//! The checkout in progress, shared by the counter and the kiosk: the cart and what the scans
//! attached to it. The shop rules are the domain's (`Cart`, `OrderDraft`); this keeps the
//! screen's state and turns outcomes into notices.

use crate::checkout::{Applied, CodeContext, Resolution, apply};
use smartstore_domain::cart::Cart;
use smartstore_domain::checkout::{Checkout, CheckoutError, TenderKind};
use smartstore_domain::money::Currency;
use smartstore_domain::order::Fulfilment;
use smartstore_domain::scan::PaymentScheme;
use smartstore_protocol::codes::{Member, Pickup};

use super::effect::{PlaceRequest, Placed};
use crate::i18n::Localize as _;
use crate::i18n::{Lang, tr};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FulfilKind {
    /// Carried out at once (the counter's default).
    Now,
    #[default]
    Deliver,
    Collect,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PayKind {
    Cash,
    Card,
    #[default]
    Later,
    Code,
}

/// A line under the scan box: what the last scan did, in the shopper's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub ok: bool,
    pub text: String,
}

fn new_checkout(currency: Currency) -> Checkout {
    Checkout::new(uuid::Uuid::now_v7().to_string(), Cart::new(currency))
}

#[derive(Debug, Clone)]
pub struct Session {
    /// The sale in progress: one attempt from the first scan to the order (or its void).
    pub checkout: Checkout,
    pub member: Option<Member>,
    pub fulfil: FulfilKind,
    pub address: String,
    /// Collect orders: ready this many hours from now.
    pub pickup_in_hours: u32,
    pub pay: PayKind,
    pub card_ref: String,
    pub payment_code: Option<(PaymentScheme, String)>,
    /// An online order being handed over: the code's order, whether the pull brought it, the
    /// lines' names.
    pub pickup: Option<(Pickup, bool, Vec<String>)>,
    pub placed: Option<Placed>,
    pub notice: Option<Notice>,
    pub busy: bool,
    /// Scans since the session started (a counter the screens show as a mark).
    pub scans: u64,
    /// What a new sale starts with (the counter: carried out, cash; the kiosk: delivered).
    home: (FulfilKind, PayKind),
    /// The quantity typed before the next product's code (`3*6921000000019`).
    pub next_quantity: Option<u32>,
    /// Magic Mirror: the member's recommendations in stock here (empty without consent).
    pub mirror: Vec<crate::mirror::Recommended>,
}

impl Session {
    /// The kiosk's sale: delivered, paid by code or later.
    pub fn new(currency: Currency) -> Session {
        Session::starting(currency, FulfilKind::Deliver, PayKind::Later)
    }

    /// The counter's sale: carried out at once, paid in cash unless the clerk picks otherwise.
    pub fn counter(currency: Currency) -> Session {
        Session::starting(currency, FulfilKind::Now, PayKind::Cash)
    }

    fn starting(currency: Currency, fulfil: FulfilKind, pay: PayKind) -> Session {
        Session {
            checkout: new_checkout(currency),
            member: None,
            fulfil,
            address: String::new(),
            pickup_in_hours: 24,
            pay,
            card_ref: String::new(),
            payment_code: None,
            pickup: None,
            placed: None,
            notice: None,
            busy: false,
            scans: 0,
            home: (fulfil, pay),
            next_quantity: None,
            mirror: Vec::new(),
        }
    }

    /// The cart of the sale in progress.
    pub fn cart(&self) -> &Cart {
        self.checkout.cart()
    }

    /// A cart edit from the screen (−, +, remove); a refusal becomes the notice.
    pub fn cart_action(&mut self, action: super::widgets::CartAction, lang: Lang) {
        use super::widgets::CartAction;
        let r = (|| {
            let cart = self.checkout.cart_mut()?;
            let quantity = |cart: &Cart, i: usize| cart.lines().get(i).map_or(0, |l| l.quantity);
            match action {
                CartAction::Inc(i) => cart.set_line_quantity(i, quantity(cart, i) + 1)?,
                CartAction::Dec(i) => {
                    cart.set_line_quantity(i, quantity(cart, i).saturating_sub(1))?
                }
                CartAction::Remove(i) => cart.remove_line(i)?,
                CartAction::RemoveCoupon => {
                    cart.remove_coupon();
                }
            }
            Ok::<(), CheckoutError>(())
        })();
        if let Err(e) = r {
            self.notice = Some(Notice {
                ok: false,
                text: e.render(lang),
            });
        }
    }

    /// Empties everything (a new order, or the kiosk's idle reset).
    pub fn reset(&mut self) {
        let (fulfil, pay) = self.home;
        *self = Session::starting(self.cart().currency(), fulfil, pay);
    }

    /// Applies a looked-up scan to the cart; sets the notice.
    pub fn on_resolved(&mut self, resolution: Resolution, codes: &CodeContext, lang: Lang) {
        self.scans += 1;
        if self.placed.is_some() {
            // The first scan after a confirmation starts the next order.
            self.reset();
            self.scans = 1;
        }
        let times = self.next_quantity.take().filter(|n| *n > 1);
        let applied = match self.checkout.cart_mut() {
            Ok(cart) => match apply(cart, resolution, codes).map_err(|r| r.render(lang)) {
                // A quantity typed before the code: the line takes that many more.
                Ok(Applied::Added { item, quantity }) if times.is_some() => {
                    let want = quantity.saturating_add(times.unwrap_or(1) - 1);
                    match cart.set_quantity(item.gtin, want) {
                        Ok(()) => Ok(Applied::Added {
                            item,
                            quantity: want,
                        }),
                        Err(e) => Err(e.render(lang)),
                    }
                }
                other => other,
            },
            Err(e) => Err(e.render(lang)),
        };
        let notice = match applied {
            Ok(Applied::Added { item, quantity }) => Notice {
                ok: true,
                text: tr(
                    lang,
                    "added",
                    &[
                        ("name", item.name_in(lang == Lang::Zh).to_owned()),
                        ("qty", quantity.to_string()),
                    ],
                ),
            },
            Ok(Applied::Package { item, price, .. }) => Notice {
                ok: true,
                text: tr(
                    lang,
                    "added-package",
                    &[
                        ("name", item.name_in(lang == Lang::Zh).to_owned()),
                        ("price", price.to_string()),
                    ],
                ),
            },
            Ok(Applied::Member(m)) => {
                if self.address.trim().is_empty()
                    && let Some(a) = m.addresses.first()
                {
                    self.address = a.clone();
                }
                let text = tr(lang, "member-attached", &[("name", m.name.clone())]);
                self.member = Some(m);
                Notice { ok: true, text }
            }
            Ok(Applied::Coupon { discount, .. }) => Notice {
                ok: true,
                text: tr(
                    lang,
                    "coupon-applied",
                    &[("discount", discount.to_string())],
                ),
            },
            Ok(Applied::Basket { lines }) => Notice {
                ok: true,
                text: tr(lang, "basket-loaded", &[("lines", lines.to_string())]),
            },
            Ok(Applied::Pickup {
                pickup,
                known,
                names,
            }) => {
                let text = tr(lang, "pickup-title", &[("order", pickup.order_id.clone())]);
                self.pickup = Some((pickup, known, names));
                Notice { ok: true, text }
            }
            Ok(Applied::Payment { scheme, digits }) => {
                self.payment_code = Some((scheme, digits));
                self.pay = PayKind::Code;
                Notice {
                    ok: true,
                    text: crate::i18n::t(lang, "payment-scanned"),
                }
            }
            Err(reason) => Notice {
                ok: false,
                text: tr(lang, "refused", &[("reason", reason)]),
            },
        };
        self.notice = Some(notice);
    }

    /// After a scan: a member's scan brings their recommendations (`Some`, empty without
    /// consent), shown while that member is attached; other scans leave them.
    pub fn show_mirror(&mut self, mirror: Option<Vec<crate::mirror::Recommended>>) {
        if let Some(list) = mirror {
            self.mirror = if self.member.is_some() {
                list
            } else {
                Vec::new()
            };
        }
    }

    /// The sale to place, checked by the domain before anything is charged.
    pub fn place_request(
        &self,
        store_id: &str,
        now: time::OffsetDateTime,
    ) -> Result<PlaceRequest, CheckoutError> {
        use time::format_description::well_known::Rfc3339;
        let fulfilment = match self.fulfil {
            FulfilKind::Now => Fulfilment::Now,
            FulfilKind::Deliver => Fulfilment::Deliver {
                address: self.address.clone(),
            },
            FulfilKind::Collect => Fulfilment::Collect {
                store: store_id.to_owned(),
                pickup_at: (now + time::Duration::hours(i64::from(self.pickup_in_hours)))
                    .format(&Rfc3339)
                    .unwrap_or_default(),
            },
        };
        self.checkout.check(&fulfilment)?;
        let tender = match (self.pay, &self.payment_code) {
            (PayKind::Cash, _) => TenderKind::Cash,
            (PayKind::Card, _) => {
                let reference = self.card_ref.trim().to_owned();
                if reference.is_empty() {
                    return Err(smartstore_domain::order::OrderError::MissingCardReference.into());
                }
                TenderKind::Card { reference }
            }
            (PayKind::Code, Some((scheme, digits))) => TenderKind::Code {
                digits: digits.clone(),
                scheme: *scheme,
            },
            _ => TenderKind::Later,
        };
        Ok(PlaceRequest {
            checkout: self.checkout.clone(),
            tender,
            fulfilment,
            member_id: self.member.as_ref().map(|m| m.member_id.clone()),
            daily_shift: false,
        })
    }
}
