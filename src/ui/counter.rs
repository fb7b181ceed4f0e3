//! The clerk's counter: scan (camera, USB scanner or typed), edit the cart, choose fulfilment
//! and payment, place the order; hand online orders over against their pickup code.

use iced::widget::{button, checkbox, column, container, qr_code, radio, row, text, text_input};
use iced::{Alignment, Element, Fill, Length};

use super::effect::{Effect, Outcome, ReceiptView, TakeBack};
use super::session::{FulfilKind, Notice, PayKind, Session};
use super::widgets::{self, CartAction};
use crate::i18n::Localize as _;
use crate::i18n::{Lang, t, tr};
use smartstore_domain::money::Currency;
use smartstore_domain::returns::RefundTo;

pub const SCAN_INPUT: &str = "scan-input";
pub const ADDRESS_INPUT: &str = "address-input";
pub const CARD_INPUT: &str = "card-input";
pub const STAFF_INPUT: &str = "staff-input";
pub const RECEIPT_INPUT: &str = "receipt-input";
pub const FLOAT_INPUT: &str = "float-input";

/// A quantity typed before a product's code: `3*6921000000019`, `3x…` or `3×…` (1 to 999; the
/// code all digits, so a shopper code's text is never split).
pub fn quantity_prefix(text: &str) -> Option<(u32, &str)> {
    let text = text.trim();
    let at = text.find(['*', 'x', 'X', '×'])?;
    let (n, rest) = text.split_at(at);
    let code = rest.trim_start_matches(['*', 'x', 'X', '×']).trim();
    let n: u32 = n.trim().parse().ok().filter(|n| (1..=999).contains(n))?;
    let digits = code.len() >= 8 && code.len() <= 14 && code.bytes().all(|b| b.is_ascii_digit());
    digits.then_some((n, code))
}

/// The counter's function keys: a clerk with a USB scanner and no mouse does everything here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shortcut {
    Cash,
    Card,
    Later,
    ToggleFulfil,
    Address,
    LessOfLast,
    MoreOfLast,
    RemoveLast,
    HandOver,
    PlaceOrder,
    /// New order after a confirmation; cancels a pickup.
    Escape,
}

#[derive(Debug, Clone)]
pub enum Message {
    Input(String),
    Submit,
    Cart(CartAction),
    Fulfil(FulfilKind),
    PickupIn(u32),
    Address(String),
    Pay(PayKind),
    CardRef(String),
    Checkout,
    NewOrder,
    ConfirmPickup,
    CancelPickup,
    /// Void the sale in progress (a supervisor approves when anything is in it).
    VoidSale,
    /// Void the sale just placed (a supervisor approves).
    VoidPlaced,
    StaffId(String),
    StaffPin(String),
    Approve,
    CancelApproval,
    /// The returns desk: take goods back against a receipt.
    OpenReturns,
    CloseReturns,
    ReturnReceipt(String),
    FindReceipt,
    /// Line `i` of the receipt: this many come back.
    ReturnQty(usize, u32),
    /// Line `i` comes back damaged (not restocked).
    ReturnDamaged(usize, bool),
    Refund(RefundTo),
    TakeBack,
    ShiftFloat(String),
    OpenShift,
    CancelShift,
    /// The shift desk: X report, cash in and out, the blind close.
    OpenShiftDesk,
    ShiftDesk(super::shift_desk::Message),
    /// The online-order queue: pick, pack, hand over, give back.
    OpenFulfil,
    FulfilDesk(super::fulfil_desk::Message),
    /// A quick key: the product with this GTIN, as if scanned.
    QuickKey(String),
    /// The clerk checked the shopper's ID for the age-restricted lines.
    AgeChecked,
    /// A product picked from the search results.
    Pick(String),
    /// A kiosk of this store calls for assistance (from this address, or through the
    /// platform).
    HelpCall(crate::assist::Call, crate::assist::Via),
    /// A clerk answers the call with this id: "I'm coming".
    AnswerHelp(String),
    /// A member of staff approves the age check with this id here: the staff ID and PIN form.
    AgeApproveOpen(String),
    AgeStaffId(String),
    AgePin(String),
    AgeApproveSubmit,
    AgeApproveCancel,
}

/// The counter's reading of the calls the platform relays.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RelayRead {
    pub cursor: u64,
    /// A read is under way (its answer not back yet): none is asked twice.
    pub asking: bool,
    /// When it was last asked (window milliseconds).
    pub asked_at: Option<u64>,
}

/// A kiosk's age check being approved at this counter: who approves, with their PIN.
#[derive(Debug, Clone, Default)]
pub struct AgeForm {
    pub call: String,
    pub staff: String,
    pub pin: String,
}

/// A counter screen to open on (demos and screenshots).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opening {
    Returns,
    VoidSale,
    /// The float asked for before the first sale (on a database with no open shift).
    Shift,
    /// The shift desk with its X report.
    ShiftDesk,
    /// The shift desk counting the drawer for the blind close.
    ShiftCount,
    /// A kiosk's age check waiting, with the approval form open (screenshots).
    AgeCall,
    /// The online-order queue.
    Fulfil,
    /// The first order of the online-order queue, with its pick list.
    FulfilOrder,
}

/// What a supervisor's approval is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApproveFor {
    VoidSale,
    VoidPlaced,
    Return,
}

/// The approval being asked: staff number and PIN (never kept after the answer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ask {
    pub what: ApproveFor,
    pub staff: String,
    pub pin: String,
}

/// The returns desk: the receipt, the sale found, how many of each line come back, where the
/// refund goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnDesk {
    pub receipt: String,
    pub sale: Option<ReceiptView>,
    pub quantities: Vec<u32>,
    /// Per line: damaged, so not back on the shelf.
    pub damaged: Vec<bool>,
    pub refund: RefundTo,
}

pub struct Counter {
    pub session: Session,
    pub input: String,
    pub store_id: String,
    qr: Option<qr_code::Data>,
    /// What the scan box submitted last, so a scanner's keys are not counted twice.
    last_submitted: Option<String>,
    /// A supervisor's approval being asked for.
    pub ask: Option<Ask>,
    /// The returns desk, when open.
    pub desk: Option<ReturnDesk>,
    /// A shift is open (from the status): a sale without one asks for the float first.
    pub shift_open: bool,
    /// The float being typed to open the shift.
    pub shift_ask: Option<String>,
    /// The shift desk, when open.
    pub shift_desk: Option<super::shift_desk::ShiftDesk>,
    /// The online-order desk, when open.
    pub fulfil_desk: Option<super::fulfil_desk::FulfilDesk>,
    /// Buttons for products without a barcode (config.toml).
    pub quick_keys: Vec<crate::config::QuickKey>,
    /// Products found by name or pinyin for what is typed in the scan box.
    pub found: Vec<smartstore_domain::catalog::CatalogItem>,
    /// Kiosks waiting for assistance, until a clerk answers (here, or at another counter: the
    /// platform relays its answer).
    pub help_calls: Vec<(crate::assist::Call, crate::assist::Via)>,
    /// Where the platform's relay of the store's calls was read up to, and whether a read is
    /// under way.
    pub relay: RelayRead,
    /// The age check being approved here, if any.
    pub age_form: Option<AgeForm>,
    /// This terminal's id (an answer says which counter is coming).
    pub terminal_id: String,
    /// A refusal of the online-order desk to say aloud (the window says it, then clears it).
    pub refused_aloud: Option<crate::i18n::Msg>,
    /// The store's stock of the products scanned, as the catalog said when each was scanned.
    pub stock: std::collections::HashMap<smartstore_domain::gtin::Gtin, i64>,
}

impl Counter {
    /// A product picked from the search results (or the only one found): added as if scanned,
    /// the search box emptied.
    fn pick(&mut self, gtin: String) -> Vec<Effect> {
        self.input.clear();
        self.found.clear();
        self.session.next_quantity = None;
        vec![Effect::Resolve {
            text: gtin,
            symbology: None,
        }]
    }

    /// With the store's quick keys (at most 24 shown).
    pub fn with_quick_keys(mut self, keys: Vec<crate::config::QuickKey>) -> Counter {
        self.quick_keys = keys.into_iter().take(24).collect();
        self
    }

    /// The e-receipt QR of the sale just placed (the customer display shows it too).
    pub fn receipt_qr(&self) -> Option<&qr_code::Data> {
        self.qr.as_ref()
    }

    /// A kiosk's call heard (on the local network or from the platform's relay): shown until
    /// answered. The same call heard both ways is shown once; a kiosk calling again replaces its
    /// earlier call of that kind (a line per kiosk for help, one for an age check).
    fn heard(&mut self, call: crate::assist::Call, via: crate::assist::Via) {
        if self.help_calls.iter().any(|(c, _)| c.call == call.call) {
            return;
        }
        self.help_calls
            .retain(|(c, _)| c.terminal != call.terminal || c.kind != call.kind);
        self.help_calls.push((call, via));
        self.help_calls.truncate(16);
    }

    /// Asks the platform for the calls it relayed, at most every [`crate::assist::RELAY_POLL`]
    /// and one read at a time (an enrolled counter).
    pub fn poll_relay(&mut self, now_ms: u64) -> Option<Effect> {
        let every = crate::assist::RELAY_POLL.as_millis() as u64;
        let due = self
            .relay
            .asked_at
            .is_none_or(|at| now_ms.saturating_sub(at) >= every);
        if self.relay.asking || !due || self.store_id.is_empty() {
            return None;
        }
        self.relay.asking = true;
        self.relay.asked_at = Some(now_ms);
        Some(Effect::PollAssist(self.store_id.clone(), self.relay.cursor))
    }

    /// What the platform relayed: kiosks' calls are shown, a call another counter answered
    /// leaves the list. Offline, the local network still carries them: nothing is shown.
    pub fn relayed(&mut self, result: Result<(Vec<crate::assist::Call>, u64), crate::i18n::Msg>) {
        self.relay.asking = false;
        let Ok((calls, cursor)) = result else {
            return;
        };
        self.relay.cursor = cursor;
        for call in calls {
            if call.is_call() {
                self.heard(call, crate::assist::Via::Platform);
            } else {
                self.help_calls.retain(|(c, _)| !call.answers(c));
            }
        }
    }

    /// A member of staff approved an age check here: the signed approval goes back to the
    /// kiosk the way its call came; or why it was not approved.
    pub fn approval_signed(
        &mut self,
        id: &str,
        result: Result<Box<crate::assist::Call>, crate::i18n::Msg>,
        lang: Lang,
    ) -> Vec<Effect> {
        match result {
            Ok(answer) => self
                .help_calls
                .iter()
                .find(|(c, _)| c.call == id)
                .map(|(_, via)| Effect::AnswerHelp(answer, *via))
                .into_iter()
                .collect(),
            Err(e) => {
                self.session.notice = Some(Notice {
                    ok: false,
                    text: e.render(lang),
                });
                vec![]
            }
        }
    }

    pub fn new(currency: Currency, store_id: &str) -> Counter {
        Counter {
            session: Session::counter(currency),
            input: String::new(),
            store_id: store_id.to_owned(),
            qr: None,
            last_submitted: None,
            ask: None,
            desk: None,
            shift_open: false,
            shift_ask: None,
            shift_desk: None,
            fulfil_desk: None,
            quick_keys: Vec::new(),
            found: Vec::new(),
            help_calls: Vec::new(),
            relay: RelayRead::default(),
            age_form: None,
            terminal_id: String::new(),
            refused_aloud: None,
            stock: std::collections::HashMap::new(),
        }
    }

    /// A function key: the same messages the mouse sends.
    pub fn shortcut(&mut self, sc: Shortcut, lang: Lang) -> Vec<Effect> {
        let last = self.session.cart().lines().len().checked_sub(1);
        let msg = match sc {
            Shortcut::Cash => Message::Pay(PayKind::Cash),
            Shortcut::Card => Message::Pay(PayKind::Card),
            Shortcut::Later => Message::Pay(PayKind::Later),
            Shortcut::ToggleFulfil => Message::Fulfil(match self.session.fulfil {
                FulfilKind::Now => FulfilKind::Deliver,
                FulfilKind::Deliver => FulfilKind::Collect,
                FulfilKind::Collect => FulfilKind::Now,
            }),
            Shortcut::Address => return vec![],
            Shortcut::LessOfLast => match last {
                Some(g) => Message::Cart(CartAction::Dec(g)),
                None => return vec![],
            },
            Shortcut::MoreOfLast => match last {
                Some(g) => Message::Cart(CartAction::Inc(g)),
                None => return vec![],
            },
            Shortcut::RemoveLast => match last {
                Some(g) => Message::Cart(CartAction::Remove(g)),
                None => return vec![],
            },
            Shortcut::HandOver => Message::ConfirmPickup,
            Shortcut::PlaceOrder => Message::Checkout,
            Shortcut::Escape if self.session.pickup.is_some() => Message::CancelPickup,
            Shortcut::Escape if self.session.placed.is_some() => Message::NewOrder,
            Shortcut::Escape => return vec![],
        };
        self.update(msg, lang)
    }

    /// Whether the scan box just submitted `text` itself (then a wedge scanner's copy of it
    /// is not a second scan).
    pub fn take_submitted(&mut self, text: &str) -> bool {
        if self.last_submitted.as_deref() == Some(text.trim()) {
            self.last_submitted = None;
            return true;
        }
        false
    }

    /// A scan from the camera or a keyboard-wedge scanner.
    pub fn scanned(
        &mut self,
        text: String,
        symbology: Option<smartstore_domain::scan::Symbology>,
    ) -> Vec<Effect> {
        // At the online-order desk a scan picks an item or hands a parcel over.
        if let Some(desk) = &mut self.fulfil_desk {
            return desk.scanned(text).into_iter().collect();
        }
        // At the returns desk a scan is the receipt's QR.
        if let Some(desk) = &mut self.desk {
            desk.receipt = text.clone();
            return vec![Effect::FindReceipt(text)];
        }
        vec![Effect::Resolve { text, symbology }]
    }

    pub fn update(&mut self, msg: Message, lang: Lang) -> Vec<Effect> {
        let s = &mut self.session;
        match msg {
            Message::Input(v) => {
                self.input = v;
                // Letters or Chinese: a search by name or pinyin, as the clerk types.
                if crate::search::is_search(&self.input) {
                    return vec![Effect::Search(self.input.clone())];
                }
                self.found.clear();
            }
            Message::HelpCall(call, via) => self.heard(call, via),
            Message::AnswerHelp(id) => {
                if let Some((call, via)) = self.help_calls.iter().find(|(c, _)| c.call == id) {
                    return vec![Effect::AnswerHelp(
                        Box::new(call.answer(&self.terminal_id)),
                        *via,
                    )];
                }
            }
            Message::AgeApproveOpen(call) => {
                self.age_form = Some(AgeForm {
                    call,
                    ..AgeForm::default()
                });
            }
            Message::AgeStaffId(v) => {
                if let Some(f) = &mut self.age_form {
                    f.staff = v.chars().take(64).collect();
                }
            }
            Message::AgePin(v) => {
                if let Some(f) = &mut self.age_form {
                    f.pin = v
                        .chars()
                        .filter(char::is_ascii_digit)
                        .take(smartstore_domain::kiosk::PIN_MAX_DIGITS)
                        .collect();
                }
            }
            Message::AgeApproveCancel => self.age_form = None,
            Message::AgeApproveSubmit => {
                if let Some(form) = self.age_form.take()
                    && let Some((call, _)) =
                        self.help_calls.iter().find(|(c, _)| c.call == form.call)
                {
                    return vec![Effect::ApproveAge {
                        call: Box::new(call.clone()),
                        by_terminal: self.terminal_id.clone(),
                        staff: form.staff.trim().to_owned(),
                        pin: form.pin,
                    }];
                }
            }
            Message::Pick(gtin) => return self.pick(gtin),
            Message::Submit => {
                // Enter on a search: the one product found, else the list stays to pick from.
                if self.desk.is_none() && crate::search::is_search(&self.input) {
                    if let [only] = self.found.as_slice() {
                        let gtin = only.gtin.as_str().to_owned();
                        return self.pick(gtin);
                    }
                    return vec![];
                }
                self.found.clear();
                let text = std::mem::take(&mut self.input);
                if !text.trim().is_empty() {
                    self.last_submitted = Some(text.trim().to_owned());
                    if let Some(desk) = &mut self.desk {
                        desk.receipt = text.clone();
                        return vec![Effect::FindReceipt(text)];
                    }
                    // `3*6921000000019` (or 3x, 3×): three of that product.
                    let (quantity, text) = match quantity_prefix(&text) {
                        Some((n, code)) => (Some(n), code.to_owned()),
                        None => (None, text),
                    };
                    s.next_quantity = quantity;
                    return vec![Effect::Resolve {
                        text,
                        symbology: None,
                    }];
                }
            }
            Message::ShiftFloat(v) => {
                if let Some(f) = &mut self.shift_ask {
                    *f = v.chars().take(16).collect();
                }
            }
            Message::OpenShift => {
                if let Some(f) = &self.shift_ask {
                    return vec![Effect::OpenShift(f.clone())];
                }
            }
            Message::CancelShift => self.shift_ask = None,
            Message::OpenShiftDesk => {
                if !self.shift_open {
                    // No shift to report on: the float opens one first.
                    self.shift_ask = Some(String::new());
                    return vec![];
                }
                let (desk, effect) = super::shift_desk::ShiftDesk::open();
                self.shift_desk = Some(desk);
                self.desk = None;
                return vec![effect];
            }
            Message::AgeChecked => {
                s.checkout
                    .confirm_age(smartstore_domain::checkout::Approval {
                        staff_id: "counter".into(),
                        role: smartstore_domain::checkout::Role::Clerk,
                    });
                s.notice = None;
            }
            Message::QuickKey(gtin) => {
                s.next_quantity = None;
                return vec![Effect::Resolve {
                    text: gtin,
                    symbology: None,
                }];
            }
            Message::OpenFulfil => {
                let (desk, effect) = super::fulfil_desk::FulfilDesk::open();
                self.fulfil_desk = Some(desk);
                self.desk = None;
                self.shift_desk = None;
                return vec![effect];
            }
            Message::FulfilDesk(m) => {
                if let Some(desk) = &mut self.fulfil_desk {
                    match desk.update(m, lang) {
                        super::fulfil_desk::Action::None => {}
                        super::fulfil_desk::Action::Run(e) => return vec![e],
                        super::fulfil_desk::Action::Close => self.fulfil_desk = None,
                    }
                }
            }
            Message::ShiftDesk(m) => {
                if let Some(desk) = &mut self.shift_desk {
                    match desk.update(m) {
                        super::shift_desk::Action::None => {}
                        super::shift_desk::Action::Run(e) => return vec![e],
                        super::shift_desk::Action::Close => self.shift_desk = None,
                    }
                }
            }
            Message::VoidSale => {
                if s.cart().is_empty() && s.checkout.tenders().is_empty() {
                    s.reset();
                } else {
                    self.ask = Some(Ask {
                        what: ApproveFor::VoidSale,
                        staff: String::new(),
                        pin: String::new(),
                    });
                }
            }
            Message::VoidPlaced => {
                self.ask = Some(Ask {
                    what: ApproveFor::VoidPlaced,
                    staff: String::new(),
                    pin: String::new(),
                })
            }
            Message::StaffId(v) => {
                if let Some(a) = &mut self.ask {
                    a.staff = v.chars().take(64).collect();
                }
            }
            Message::StaffPin(v) => {
                if let Some(a) = &mut self.ask {
                    a.pin = v.chars().filter(char::is_ascii_digit).take(12).collect();
                }
            }
            Message::CancelApproval => self.ask = None,
            Message::Approve => {
                let Some(ask) = self.ask.take() else {
                    return vec![];
                };
                s.busy = true;
                return match ask.what {
                    ApproveFor::VoidSale => vec![Effect::VoidSale {
                        checkout: Box::new(s.checkout.clone()),
                        staff: ask.staff,
                        pin: ask.pin,
                    }],
                    ApproveFor::VoidPlaced => match &s.placed {
                        Some(p) => vec![Effect::TakeBack(Box::new(TakeBack {
                            receipt: p.receipt.clone(),
                            lines: Vec::new(),
                            refund: RefundTo::Original,
                            void: true,
                            staff: ask.staff,
                            pin: ask.pin,
                        }))],
                        None => {
                            s.busy = false;
                            vec![]
                        }
                    },
                    ApproveFor::Return => match &self.desk {
                        Some(ReturnDesk {
                            sale: Some(sale),
                            quantities,
                            damaged,
                            refund,
                            ..
                        }) => vec![Effect::TakeBack(Box::new(TakeBack {
                            receipt: sale.text.clone(),
                            lines: sale
                                .lines
                                .iter()
                                .zip(quantities)
                                .zip(damaged.iter().chain(std::iter::repeat(&false)))
                                .map(|((l, q), d)| (l.gtin, *q, !*d))
                                .collect(),
                            refund: *refund,
                            void: false,
                            staff: ask.staff,
                            pin: ask.pin,
                        }))],
                        _ => {
                            s.busy = false;
                            vec![]
                        }
                    },
                };
            }
            Message::OpenReturns => {
                self.desk = Some(ReturnDesk {
                    receipt: String::new(),
                    sale: None,
                    quantities: Vec::new(),
                    damaged: Vec::new(),
                    refund: RefundTo::Original,
                });
                s.notice = None;
            }
            Message::CloseReturns => {
                self.desk = None;
                self.ask = None;
            }
            Message::ReturnReceipt(v) => {
                if let Some(d) = &mut self.desk {
                    d.receipt = v;
                }
            }
            Message::FindReceipt => {
                if let Some(d) = &self.desk
                    && !d.receipt.trim().is_empty()
                {
                    return vec![Effect::FindReceipt(d.receipt.clone())];
                }
            }
            Message::ReturnQty(i, q) => {
                if let Some(d) = &mut self.desk
                    && let (Some(q_now), Some(line)) = (
                        d.quantities.get_mut(i),
                        d.sale.as_ref().and_then(|v| v.lines.get(i)),
                    )
                {
                    *q_now = q.min(line.left);
                }
            }
            Message::ReturnDamaged(i, d) => {
                if let Some(flag) = self.desk.as_mut().and_then(|desk| desk.damaged.get_mut(i)) {
                    *flag = d;
                }
            }
            Message::Refund(r) => {
                if let Some(d) = &mut self.desk {
                    d.refund = r;
                }
            }
            Message::TakeBack => {
                if self
                    .desk
                    .as_ref()
                    .is_some_and(|d| d.quantities.iter().any(|q| *q > 0))
                {
                    self.ask = Some(Ask {
                        what: ApproveFor::Return,
                        staff: String::new(),
                        pin: String::new(),
                    });
                }
            }
            Message::Cart(a) => s.cart_action(a, lang),
            Message::Fulfil(f) => s.fulfil = f,
            Message::PickupIn(h) => s.pickup_in_hours = h,
            Message::Address(a) => s.address = a,
            Message::Pay(p) => s.pay = p,
            Message::CardRef(r) => s.card_ref = r,
            Message::Checkout => {
                if s.busy {
                    return vec![];
                }
                if !self.shift_open {
                    // Counter sales need an open shift: count the float first.
                    self.shift_ask = Some(String::new());
                    return vec![];
                }
                match s.place_request(&self.store_id, time::OffsetDateTime::now_utc()) {
                    Ok(d) => {
                        s.busy = true;
                        s.notice = Some(Notice {
                            ok: true,
                            text: t(lang, "placing"),
                        });
                        return vec![Effect::Place(Box::new(d))];
                    }
                    Err(e) => {
                        s.notice = Some(Notice {
                            ok: false,
                            text: e.render(lang),
                        })
                    }
                }
            }
            Message::NewOrder => {
                s.reset();
                self.qr = None;
            }
            Message::ConfirmPickup => {
                if let Some((p, _, _)) = &s.pickup {
                    s.busy = true;
                    return vec![Effect::Collect(p.clone())];
                }
            }
            Message::CancelPickup => s.pickup = None,
        }
        vec![]
    }

    pub fn outcome(&mut self, outcome: Outcome, lang: Lang) {
        let s = &mut self.session;
        match outcome {
            Outcome::Resolved {
                resolution,
                codes,
                mirror,
                ..
            } => {
                // The shelf's figure, shown beside the line (issue 16).
                match &resolution {
                    crate::checkout::Resolution::Product(item)
                    | crate::checkout::Resolution::Package { item, .. } => {
                        match item.stock {
                            Some(n) => self.stock.insert(item.gtin, n),
                            None => self.stock.remove(&item.gtin),
                        };
                    }
                    crate::checkout::Resolution::Basket(items) => {
                        for (item, _) in items {
                            if let Some(n) = item.stock {
                                self.stock.insert(item.gtin, n);
                            }
                        }
                    }
                    _ => {}
                }
                s.on_resolved(resolution, &codes, lang);
                s.show_mirror(mirror);
            }
            Outcome::Placed(r, checkout) => {
                s.busy = false;
                s.checkout = *checkout;
                match r {
                    Ok(p) => {
                        // The e-receipt: the receipt number and order id, scannable by the shopper.
                        // On the demo store (no key to sign with) the number and order id.
                        let text = p.receipt_code.clone().unwrap_or_else(|| {
                            format!("smartstore:receipt:{}:{}", p.receipt, p.id)
                        });
                        self.qr = qr_code::Data::new(text).ok();
                        s.notice = None;
                        s.placed = Some(p);
                    }
                    Err(e) => {
                        s.notice = Some(Notice {
                            ok: false,
                            text: e.render(lang),
                        })
                    }
                }
            }
            Outcome::Collected(r) => {
                s.busy = false;
                match r {
                    Ok(order) => {
                        s.pickup = None;
                        s.notice = Some(Notice {
                            ok: true,
                            text: tr(lang, "pickup-done", &[("order", order)]),
                        });
                    }
                    Err(e) => {
                        s.notice = Some(Notice {
                            ok: false,
                            text: e.render(lang),
                        })
                    }
                }
            }
            Outcome::Answered(id, Ok(())) => self.help_calls.retain(|(c, _)| c.call != id),
            Outcome::Answered(_, Err(e)) => {
                s.notice = Some(Notice {
                    ok: false,
                    text: e.render(lang),
                })
            }
            Outcome::Found(query, items) if query == self.input => self.found = items,
            Outcome::Found(..) => {}
            Outcome::Printed(Err(e)) => {
                s.notice = Some(Notice {
                    ok: false,
                    text: e.render(lang),
                })
            }
            Outcome::Printed(Ok(_)) => {}
            Outcome::Fulfil(o) => {
                if let Some(desk) = &mut self.fulfil_desk {
                    self.refused_aloud = desk.outcome(o);
                }
            }
            Outcome::ShiftReported(r, moved) => {
                if let Some(desk) = &mut self.shift_desk {
                    desk.reported(r, moved);
                }
            }
            Outcome::ShiftClosed(r) => {
                if r.is_ok() {
                    // The next sale asks for the float of a new shift.
                    self.shift_open = false;
                }
                if let Some(desk) = &mut self.shift_desk {
                    desk.closed(r);
                }
            }
            Outcome::ShiftOpened(r) => match r {
                Ok(float) => {
                    self.shift_open = true;
                    self.shift_ask = None;
                    s.notice = Some(Notice {
                        ok: true,
                        text: tr(lang, "shift-opened", &[("float", float)]),
                    });
                }
                Err(e) => {
                    s.notice = Some(Notice {
                        ok: false,
                        text: e.render(lang),
                    })
                }
            },
            Outcome::SaleVoided(r) => {
                s.busy = false;
                match r {
                    Ok(()) => {
                        s.reset();
                        s.notice = Some(Notice {
                            ok: true,
                            text: t(lang, "sale-voided"),
                        });
                    }
                    Err(e) => {
                        s.notice = Some(Notice {
                            ok: false,
                            text: e.render(lang),
                        })
                    }
                }
            }
            Outcome::Receipt(r) => match r {
                Ok(view) => {
                    if let Some(d) = &mut self.desk {
                        d.receipt.clone_from(&view.receipt);
                        d.quantities = vec![0; view.lines.len()];
                        d.damaged = vec![false; view.lines.len()];
                        d.refund = RefundTo::Original;
                        d.sale = Some(view);
                    }
                    s.notice = None;
                }
                Err(e) => {
                    if let Some(d) = &mut self.desk {
                        d.sale = None;
                    }
                    s.notice = Some(Notice {
                        ok: false,
                        text: e.render(lang),
                    })
                }
            },
            Outcome::TakenBack(r) => {
                s.busy = false;
                match r {
                    Ok(done) => {
                        // A void of the sale just placed ends it; a return closes the desk.
                        if s.placed.is_some() {
                            s.reset();
                            self.qr = None;
                        }
                        self.desk = None;
                        s.notice = Some(Notice {
                            ok: true,
                            text: done.render(lang),
                        });
                    }
                    Err(e) => {
                        s.notice = Some(Notice {
                            ok: false,
                            text: e.render(lang),
                        })
                    }
                }
            }
            Outcome::Failed(e) => {
                s.busy = false;
                s.notice = Some(Notice {
                    ok: false,
                    text: e.render(lang),
                });
            }
            _ => {}
        }
    }

    /// The supervisor's approval panel.
    fn approval<'a>(&'a self, ask: &'a Ask, lang: Lang) -> Element<'a, Message> {
        let title = match ask.what {
            ApproveFor::VoidSale => "approve-void-sale",
            ApproveFor::VoidPlaced => "approve-void-placed",
            ApproveFor::Return => "approve-return",
        };
        let ok = button(text(t(lang, "approve")).size(20))
            .padding(10)
            .style(button::success);
        let summary = match ask.what {
            ApproveFor::VoidSale => self.session.cart().totals().ok().map(|totals| {
                tr(
                    lang,
                    "approve-summary",
                    &[
                        (
                            "items",
                            tr(lang, "cart-items", &[("count", totals.items.to_string())]),
                        ),
                        ("total", totals.total.to_string()),
                    ],
                )
            }),
            ApproveFor::VoidPlaced => self.session.placed.as_ref().map(|p| {
                tr(
                    lang,
                    "returns-sale",
                    &[("receipt", p.receipt.clone()), ("total", p.total.clone())],
                )
            }),
            ApproveFor::Return => None,
        };
        container(
            column![
                text(t(lang, title)).size(24),
                text(summary.unwrap_or_default()).size(18),
                text(t(lang, "approve-help")),
                text_input(&t(lang, "staff-id-placeholder"), &ask.staff)
                    .id(STAFF_INPUT)
                    .on_input(Message::StaffId)
                    .padding(8),
                text_input(&t(lang, "staff-pin-placeholder"), &ask.pin)
                    .secure(true)
                    .on_input(Message::StaffPin)
                    .on_submit(Message::Approve)
                    .padding(8),
                row![
                    if ask.staff.trim().is_empty() || ask.pin.len() < 4 {
                        ok
                    } else {
                        ok.on_press(Message::Approve)
                    },
                    button(text(t(lang, "approve-cancel")).size(20))
                        .padding(10)
                        .style(button::secondary)
                        .on_press(Message::CancelApproval),
                ]
                .spacing(10),
            ]
            .spacing(10),
        )
        .padding(14)
        .style(container::rounded_box)
        .into()
    }

    /// The returns desk: scan or type the receipt, choose what comes back and where the refund
    /// goes.
    fn returns_desk<'a>(&'a self, desk: &'a ReturnDesk, lang: Lang) -> Element<'a, Message> {
        let mut c = column![
            text(t(lang, "returns-title")).size(26),
            text(t(lang, "returns-help")),
            row![
                text_input(&t(lang, "receipt-placeholder"), &desk.receipt)
                    .id(RECEIPT_INPUT)
                    .on_input(Message::ReturnReceipt)
                    .on_submit(Message::FindReceipt)
                    .padding(8),
                button(text(t(lang, "returns-find")))
                    .padding(8)
                    .on_press(Message::FindReceipt),
            ]
            .spacing(8),
        ]
        .spacing(10);
        if let Some(sale) = &desk.sale {
            c = c.push(
                text(tr(
                    lang,
                    "returns-sale",
                    &[
                        ("receipt", sale.receipt.clone()),
                        ("total", sale.total.clone()),
                    ],
                ))
                .size(18),
            );
            for (i, line) in sale.lines.iter().enumerate() {
                let name = match (&line.name_zh, lang) {
                    (Some(zh), Lang::Zh) => zh.as_str(),
                    _ => line.name.as_str(),
                };
                let q = desk.quantities.get(i).copied().unwrap_or(0);
                let minus = button(text("−")).padding([2, 10]);
                let plus = button(text("+")).padding([2, 10]);
                c = c.push(
                    row![
                        text(format!("{name}  {}", line.gtin.display_form())).width(Fill),
                        text(tr(
                            lang,
                            "returns-line",
                            &[
                                ("bought", line.bought.to_string()),
                                ("left", line.left.to_string()),
                                ("price", line.price.clone()),
                            ],
                        )),
                        if q > 0 {
                            minus.on_press(Message::ReturnQty(i, q - 1))
                        } else {
                            minus
                        },
                        text(q.to_string()).size(20),
                        if q < line.left {
                            plus.on_press(Message::ReturnQty(i, q + 1))
                        } else {
                            plus
                        },
                        checkbox(desk.damaged.get(i).copied().unwrap_or(false))
                            .label(t(lang, "returns-damaged"))
                            .on_toggle(move |d| Message::ReturnDamaged(i, d)),
                    ]
                    .spacing(8)
                    .align_y(Alignment::Center),
                );
            }
            let mut refunds = row![radio(
                t(lang, "refund-original"),
                RefundTo::Original,
                Some(desk.refund),
                Message::Refund
            )]
            .spacing(16);
            if sale.methods.iter().any(|m| m != "cash") {
                refunds = refunds.push(radio(
                    t(lang, "refund-cash"),
                    RefundTo::Cash,
                    Some(desk.refund),
                    Message::Refund,
                ));
            }
            c = c.push(text(t(lang, "refund-title")).size(18)).push(refunds);
            let take = button(text(t(lang, "returns-take")).size(22))
                .padding(12)
                .width(Fill)
                .style(button::success);
            c = c.push(
                if self.session.busy || !desk.quantities.iter().any(|q| *q > 0) {
                    take
                } else {
                    take.on_press(Message::TakeBack)
                },
            );
        }
        c.push(
            button(text(t(lang, "returns-close")))
                .padding(8)
                .style(button::secondary)
                .on_press(Message::CloseReturns),
        )
        .into()
    }

    pub fn view<'a>(&'a self, lang: Lang, camera: Element<'a, Message>) -> Element<'a, Message> {
        let s = &self.session;
        let scan = row![
            text_input(&t(lang, "scan-placeholder"), &self.input)
                .id(SCAN_INPUT)
                .on_input(Message::Input)
                .on_submit(Message::Submit)
                .padding(8)
                .size(18),
            button(text(t(lang, "scan-button")))
                .on_press(Message::Submit)
                .padding(8),
        ]
        .spacing(8);
        let mut keys = iced::widget::Row::new().spacing(6);
        for k in &self.quick_keys {
            let label = match (&k.label_zh, lang) {
                (Some(zh), Lang::Zh) if !zh.is_empty() => zh.clone(),
                _ => k.label.clone(),
            };
            keys = keys.push(
                button(text(label).size(16))
                    .padding(10)
                    .style(button::secondary)
                    .on_press(Message::QuickKey(k.gtin.clone())),
            );
        }
        let mut results = column![].spacing(4);
        for item in &self.found {
            let name = match (&item.name_zh, lang) {
                (Some(zh), Lang::Zh) if !zh.is_empty() => zh.clone(),
                _ => item.name.clone(),
            };
            results = results.push(
                button(row![text(name).width(Fill), text(item.price.to_string())].spacing(10))
                    .width(Fill)
                    .padding(8)
                    .style(button::secondary)
                    .on_press(Message::Pick(item.gtin.as_str().to_owned())),
            );
        }
        let left = column![
            camera,
            scan,
            results,
            keys.wrap(),
            widgets::notice(s.notice.as_ref(), 17),
            super::mirror::panel(s, lang, 16),
            text(t(lang, "counter-keys")).size(15)
        ]
        .spacing(10)
        .width(Length::FillPortion(2));

        let right: Element<'a, Message> = if let Some(float) = &self.shift_ask {
            container(
                column![
                    text(t(lang, "shift-open-title")).size(24),
                    text(t(lang, "shift-open-help")),
                    text_input(&t(lang, "shift-float-placeholder"), float)
                        .id(FLOAT_INPUT)
                        .on_input(Message::ShiftFloat)
                        .on_submit(Message::OpenShift)
                        .padding(8),
                    row![
                        button(text(t(lang, "shift-open")).size(20))
                            .padding(10)
                            .style(button::success)
                            .on_press(Message::OpenShift),
                        button(text(t(lang, "approve-cancel")).size(20))
                            .padding(10)
                            .style(button::secondary)
                            .on_press(Message::CancelShift),
                    ]
                    .spacing(10),
                ]
                .spacing(10),
            )
            .padding(14)
            .style(container::rounded_box)
            .into()
        } else if let Some(desk) = &self.fulfil_desk {
            desk.view(lang).map(Message::FulfilDesk)
        } else if let Some(desk) = &self.shift_desk {
            desk.view(lang).map(Message::ShiftDesk)
        } else if let Some(ask) = &self.ask {
            self.approval(ask, lang)
        } else if let Some(desk) = &self.desk {
            self.returns_desk(desk, lang)
        } else if let Some(p) = &s.placed {
            let mut c = column![
                text(t(lang, "placed-title")).size(30),
                text(tr(
                    lang,
                    "placed-receipt",
                    &[("receipt", p.receipt.clone())]
                ))
                .size(22),
                text(tr(lang, "placed-total", &[("total", p.total.clone())])).size(22),
            ]
            .spacing(10)
            .align_x(Alignment::Center);
            if let Some(qr) = &self.qr {
                c = c
                    .push(qr_code(qr).cell_size(5))
                    .push(text(t(lang, "placed-ereceipt")));
            }
            c.push(
                row![
                    button(text(t(lang, "new-order")).size(20))
                        .on_press(Message::NewOrder)
                        .padding(10),
                    button(text(t(lang, "void-placed")).size(20))
                        .on_press(Message::VoidPlaced)
                        .padding(10)
                        .style(button::danger),
                ]
                .spacing(12),
            )
            .into()
        } else if let Some((p, known, names)) = &s.pickup {
            let mut c = column![
                text(tr(lang, "pickup-title", &[("order", p.order_id.clone())])).size(26),
                text(t(
                    lang,
                    if *known {
                        "pickup-known"
                    } else {
                        "pickup-from-code"
                    }
                )),
            ]
            .spacing(8);
            for ((g, q), name) in p.lines.iter().zip(names) {
                c = c.push(text(format!("{q} × {}  {name}", g.display_form())).size(18));
            }
            c.push(
                row![
                    button(text(t(lang, "pickup-confirm")))
                        .on_press(Message::ConfirmPickup)
                        .padding(10)
                        .style(button::success),
                    button(text(t(lang, "pickup-cancel")))
                        .on_press(Message::CancelPickup)
                        .padding(10),
                ]
                .spacing(10),
            )
            .into()
        } else {
            let mut checkout = column![text(t(lang, "fulfil-title")).size(18)].spacing(8);
            checkout = checkout.push(
                row![
                    radio(
                        t(lang, "fulfil-now"),
                        FulfilKind::Now,
                        Some(s.fulfil),
                        Message::Fulfil
                    ),
                    radio(
                        t(lang, "fulfil-deliver"),
                        FulfilKind::Deliver,
                        Some(s.fulfil),
                        Message::Fulfil
                    ),
                    radio(
                        t(lang, "fulfil-collect"),
                        FulfilKind::Collect,
                        Some(s.fulfil),
                        Message::Fulfil
                    ),
                ]
                .spacing(20),
            );
            if let Some(m) = &s.member {
                checkout =
                    checkout.push(text(tr(lang, "member-line", &[("name", m.name.clone())])));
            }
            match s.fulfil {
                FulfilKind::Now => {}
                FulfilKind::Deliver => {
                    checkout = checkout.push(
                        text_input(&t(lang, "address-placeholder"), &s.address)
                            .id(ADDRESS_INPUT)
                            .on_input(Message::Address)
                            .padding(8),
                    )
                }
                FulfilKind::Collect => {
                    let mut when = row![].spacing(8);
                    for h in [2u32, 4, 24, 48] {
                        let b = button(text(tr(lang, "collect-in", &[("hours", h.to_string())])))
                            .on_press(Message::PickupIn(h))
                            .padding(6);
                        when = when.push(if s.pickup_in_hours == h {
                            b.style(button::success)
                        } else {
                            b.style(button::secondary)
                        });
                    }
                    checkout = checkout
                        .push(text(widgets::collect_at(
                            &self.store_id,
                            s.pickup_in_hours,
                            lang,
                        )))
                        .push(when);
                }
            }
            if s.cart().age_restricted() {
                let checked = s.checkout.age_checked_by().is_some();
                let mut age = checkbox(checked).label(t(lang, "counter-age-checked"));
                if !checked {
                    age = age.on_toggle(|_| Message::AgeChecked);
                }
                checkout = checkout.push(age);
            }
            checkout = checkout.push(text(t(lang, "pay-title")).size(18));
            let mut pays = row![
                radio(
                    t(lang, "pay-cash"),
                    PayKind::Cash,
                    Some(s.pay),
                    Message::Pay
                ),
                radio(
                    t(lang, "pay-card"),
                    PayKind::Card,
                    Some(s.pay),
                    Message::Pay
                ),
                radio(
                    t(lang, "pay-later"),
                    PayKind::Later,
                    Some(s.pay),
                    Message::Pay
                ),
            ]
            .spacing(16);
            if let Some((_, digits)) = &s.payment_code {
                let tail: String = digits
                    .chars()
                    .rev()
                    .take(4)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect();
                pays = pays.push(radio(
                    tr(lang, "pay-code", &[("digits", format!("…{tail}"))]),
                    PayKind::Code,
                    Some(s.pay),
                    Message::Pay,
                ));
            }
            checkout = checkout.push(pays);
            if s.pay == PayKind::Card {
                checkout = checkout.push(
                    text_input(&t(lang, "card-ref-placeholder"), &s.card_ref)
                        .id(CARD_INPUT)
                        .on_input(Message::CardRef)
                        .padding(8),
                );
            }
            let place = button(text(t(lang, "checkout")).size(22))
                .padding(12)
                .width(Fill)
                .style(button::success);
            checkout = checkout.push(if s.busy || s.cart().is_empty() {
                place
            } else {
                place.on_press(Message::Checkout)
            });
            let mut desk_buttons = row![
                button(text(t(lang, "shift-desk-open")))
                    .padding(6)
                    .style(button::secondary)
                    .on_press(Message::OpenShiftDesk),
                button(text(t(lang, "returns-open")))
                    .padding(6)
                    .style(button::secondary)
                    .on_press(Message::OpenReturns),
                button(text(t(lang, "fulfil-open")))
                    .padding(6)
                    .style(button::secondary)
                    .on_press(Message::OpenFulfil)
            ]
            .spacing(10);
            if !s.cart().is_empty() || !s.checkout.tenders().is_empty() {
                desk_buttons = desk_buttons.push(
                    button(text(t(lang, "void-sale")))
                        .padding(6)
                        .style(button::danger)
                        .on_press(Message::VoidSale),
                );
            }
            column![
                row![
                    text(t(lang, "cart-title")).size(22).width(Fill),
                    desk_buttons
                ]
                .align_y(Alignment::Center),
                widgets::cart(s, lang, false, Some(&self.stock)).map(Message::Cart),
                container(checkout)
                    .padding(10)
                    .style(container::rounded_box),
            ]
            .spacing(10)
            .into()
        };
        let mut calls = column![].spacing(6);
        for (call, _) in &self.help_calls {
            let age = call.kind == crate::assist::Kind::AgeCheck;
            let said = if age {
                "assist-age-call"
            } else {
                "assist-call"
            };
            let mut line = row![
                text(tr(lang, said, &[("kiosk", call.terminal.clone())]))
                    .size(20)
                    .width(Fill),
                button(text(t(lang, "assist-coming")).size(18))
                    .padding(10)
                    .style(button::success)
                    .on_press(Message::AnswerHelp(call.call.clone())),
            ]
            .spacing(10)
            .align_y(Alignment::Center);
            let form = self.age_form.as_ref().filter(|f| f.call == call.call);
            if age && form.is_none() {
                line = line.push(
                    button(text(t(lang, "assist-age-approve")).size(18))
                        .padding(10)
                        .on_press(Message::AgeApproveOpen(call.call.clone())),
                );
            }
            let mut block = column![line].spacing(8);
            if let Some(f) = form {
                let ready = !f.staff.trim().is_empty() && !f.pin.is_empty();
                block = block.push(
                    row![
                        text_input(&t(lang, "assist-age-staff"), &f.staff)
                            .on_input(Message::AgeStaffId)
                            .padding(8)
                            .width(Length::FillPortion(2)),
                        text_input(&t(lang, "assist-age-pin"), &f.pin)
                            .on_input(Message::AgePin)
                            .secure(true)
                            .padding(8)
                            .width(Length::FillPortion(1)),
                        button(text(t(lang, "assist-age-send")).size(18))
                            .padding(10)
                            .style(button::success)
                            .on_press_maybe(ready.then_some(Message::AgeApproveSubmit)),
                        button(text(t(lang, "back")).size(18))
                            .padding(10)
                            .style(button::secondary)
                            .on_press(Message::AgeApproveCancel),
                    ]
                    .spacing(8)
                    .align_y(Alignment::Center),
                );
            }
            calls = calls.push(container(block).padding(10).style(container::rounded_box));
        }
        let right = column![calls, right].spacing(8);
        row![
            left,
            container(right).width(Length::FillPortion(3)).height(Fill)
        ]
        .spacing(16)
        .padding(12)
        .height(Fill)
        .into()
    }
}
