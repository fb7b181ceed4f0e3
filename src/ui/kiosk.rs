//! The self-service kiosk: attract screen with a language choice, scanning and checkout in
//! few steps with large touch targets, idle warning and reset, call assistance, and no way out
//! without a staff PIN. The rules (idle, lockout) are the domain's.

use iced::widget::{button, center, column, container, row, space, stack, text, text_input};
use iced::{Alignment, Element, Fill, Length};

use super::effect::{Effect, Outcome};
use super::session::{FulfilKind, Notice, PayKind, Session};
use super::widgets::{self, CartAction};
use crate::i18n::Localize as _;
use crate::i18n::{Lang, t, tr};
use smartstore_domain::kiosk::{Idle, IdlePolicy, PinGuard, PinOutcome};
use smartstore_domain::money::Currency;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Attract,
    Shopping,
    Checkout,
    Done,
}

#[derive(Debug, Clone)]
pub enum Message {
    Start(Lang),
    /// A touch anywhere on the attract screen: start in the language shown.
    TouchStart,
    /// Staff came to check the shopper's age: their PIN, on the kiosk's pad.
    AgeStaff,
    /// Ask the store's counters to check the shopper's age (a clerk approves there, or comes).
    AgeAsk,
    /// The idle warning's "more time": the time-out grows (up to twenty times).
    MoreTime,
    /// Larger text on the whole screen, for this shopper.
    LargeText,
    /// Light text on black with yellow actions, for this shopper.
    Contrast,
    /// Read the screen's prompts and totals aloud, for this shopper.
    Speech,
    /// Delivered home, or collected at this store later.
    Fulfil(FulfilKind),
    /// A key of the on-screen keyboard (`\u{8}`: delete the last character).
    Key(char),
    Cart(CartAction),
    ToCheckout,
    BackToShopping,
    Address(String),
    PlaceOrder,
    Finish,
    CallHelp,
    StillHere,
    OpenPin,
    PinDigit(char),
    PinClear,
    PinSubmit,
    PinCancel,
}

/// What the kiosk asks of the app besides effects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    LanguageChosen(Lang),
    /// The staff PIN was right: leave kiosk mode.
    StaffExit,
}

/// How many times a call for assistance or an age check is sent (every 20 s: five minutes).
pub const MAX_CALLS: u32 = 15;

pub struct Kiosk {
    pub stage: Stage,
    pub session: Session,
    pub store_id: String,
    pub last_activity_ms: u64,
    pub now_ms: u64,
    pub idle: IdlePolicy,
    /// How many times this shopper asked for more time.
    pub extensions: u32,
    /// This shopper's large-text and high-contrast choices (reset for the next one).
    pub large_text: bool,
    pub contrast: bool,
    /// Prompts and totals read aloud (the window speaks [`Kiosk::spoken_line`] when it changes).
    pub speak: bool,
    /// The line said last, so each is said once.
    pub said: Option<String>,
    /// This kiosk's terminal id (from the status) and where its calls go.
    pub terminal_id: String,
    pub assist_to: std::net::SocketAddr,
    /// The counter that answered the call for assistance, and how many times it was sent.
    pub help_answer: Option<String>,
    pub help_tries: u32,
    pub help_called: bool,
    /// The age check asked of the counters, until one approves (its id binds the approval to
    /// this sale), and how many times it was sent.
    pub age_call: Option<crate::assist::Call>,
    pub age_tries: u32,
    pub pin_entry: Option<String>,
    /// The PIN being entered approves an age check (not the staff exit).
    pub pin_for_age: bool,
    pub pin_message: Option<String>,
    pin_guard: PinGuard,
    pin_hash: String,
}

impl Kiosk {
    pub fn new(
        currency: Currency,
        store_id: &str,
        pin_hash: String,
        pin_guard: smartstore_domain::kiosk::PinGuardState,
    ) -> Kiosk {
        Kiosk {
            stage: Stage::Attract,
            session: Session::new(currency),
            store_id: store_id.to_owned(),
            last_activity_ms: 0,
            now_ms: 0,
            idle: IdlePolicy::default(),
            extensions: 0,
            large_text: false,
            contrast: false,
            speak: false,
            said: None,
            terminal_id: String::new(),
            assist_to: crate::assist::default_target(),
            help_answer: None,
            help_tries: 0,
            help_called: false,
            age_call: None,
            age_tries: 0,
            pin_entry: None,
            pin_for_age: false,
            pin_message: None,
            // A lockout kept from before a restart runs on (the run's clock starts at 0).
            pin_guard: PinGuard::restore(pin_guard, 0),
            pin_hash,
        }
    }

    fn touch(&mut self) {
        self.last_activity_ms = self.now_ms;
    }

    /// The clock ticks: warn, then reset an abandoned session.
    pub fn tick(&mut self, now_ms: u64) {
        self.now_ms = now_ms;
        if self.stage == Stage::Attract {
            return;
        }
        if self
            .idle
            .extended(self.extensions)
            .state(self.last_activity_ms, now_ms)
            == Idle::Reset
        {
            self.reset();
        }
    }

    pub fn idle_state(&self) -> Idle {
        if self.stage == Stage::Attract {
            Idle::Active
        } else {
            self.idle
                .extended(self.extensions)
                .state(self.last_activity_ms, self.now_ms)
        }
    }

    fn reset(&mut self) {
        self.session.reset();
        self.stage = Stage::Attract;
        self.help_called = false;
        self.pin_entry = None;
        self.pin_message = None;
        self.extensions = 0;
        self.large_text = false;
        self.contrast = false;
        self.speak = false;
        self.said = None;
        self.help_answer = None;
        self.help_tries = 0;
        self.age_call = None;
        self.age_tries = 0;
    }

    fn terminal(&self) -> String {
        if self.terminal_id.is_empty() {
            "kiosk".into()
        } else {
            self.terminal_id.clone()
        }
    }

    /// The age check asked of the counters, to send (again).
    pub fn age_effect(&self) -> Option<Effect> {
        self.age_call
            .clone()
            .map(|call| Effect::CallHelp(Box::new(call), self.assist_to))
    }

    /// A counter's approval checked (the member of staff), or why it was not taken.
    fn age_approved(&mut self, result: Result<String, crate::i18n::Msg>, lang: Lang) {
        match result {
            Ok(staff_id) => {
                self.age_call = None;
                self.session
                    .checkout
                    .confirm_age(smartstore_domain::checkout::Approval {
                        staff_id,
                        role: smartstore_domain::checkout::Role::Clerk,
                    });
                self.session.notice = Some(super::session::Notice {
                    ok: true,
                    text: t(lang, "kiosk-age-confirmed"),
                });
            }
            Err(e) => {
                self.session.notice = Some(super::session::Notice {
                    ok: false,
                    text: e.render(lang),
                });
            }
        }
    }

    /// The call for assistance, to send (again).
    pub fn help_effect(&self) -> Effect {
        Effect::CallHelp(
            Box::new(crate::assist::Call::help(&self.store_id, &self.terminal())),
            self.assist_to,
        )
    }

    pub fn scanned(
        &mut self,
        text: String,
        symbology: Option<smartstore_domain::scan::Symbology>,
    ) -> Vec<Effect> {
        self.touch();
        if matches!(self.stage, Stage::Attract | Stage::Done) {
            self.session.reset();
            self.stage = Stage::Shopping;
        }
        vec![Effect::Resolve { text, symbology }]
    }

    pub fn update(&mut self, msg: Message, lang: Lang) -> (Vec<Effect>, Option<Event>) {
        self.touch();
        let s = &mut self.session;
        match msg {
            Message::Start(l) => {
                self.stage = Stage::Shopping;
                return (vec![], Some(Event::LanguageChosen(l)));
            }
            Message::TouchStart => {
                if self.stage == Stage::Attract {
                    self.stage = Stage::Shopping;
                }
            }
            Message::Cart(a) => s.cart_action(a, lang),
            Message::ToCheckout => {
                if !s.cart().is_empty() {
                    self.stage = Stage::Checkout;
                }
            }
            Message::BackToShopping => self.stage = Stage::Shopping,
            Message::Address(a) => s.address = a,
            Message::Fulfil(f) => {
                s.fulfil = match f {
                    FulfilKind::Collect => FulfilKind::Collect,
                    _ => FulfilKind::Deliver,
                };
                if s.fulfil == FulfilKind::Collect {
                    // Ready at this store in two hours.
                    s.pickup_in_hours = 2;
                }
            }
            Message::Key(c) => {
                if c == '\u{8}' {
                    s.address.pop();
                } else if s.address.chars().count() < smartstore_domain::order::MAX_ADDRESS_LEN {
                    s.address.push(c);
                }
            }
            Message::PlaceOrder => {
                if s.fulfil != FulfilKind::Collect {
                    s.fulfil = FulfilKind::Deliver;
                }
                if s.pay != PayKind::Code {
                    s.pay = PayKind::Later;
                }
                match s.place_request(&self.store_id, time::OffsetDateTime::now_utc()) {
                    Ok(mut d) if !s.busy => {
                        d.daily_shift = true;
                        s.busy = true;
                        s.notice = Some(Notice {
                            ok: true,
                            text: t(lang, "placing"),
                        });
                        return (vec![Effect::Place(Box::new(d))], None);
                    }
                    Ok(_) => {}
                    Err(e) => {
                        s.notice = Some(Notice {
                            ok: false,
                            text: e.render(lang),
                        })
                    }
                }
            }
            Message::Finish => self.reset(),
            Message::CallHelp => {
                if !self.help_called {
                    self.help_called = true;
                    self.help_answer = None;
                    self.help_tries = 1;
                    return (vec![self.help_effect()], None);
                }
            }
            Message::StillHere => {}
            Message::OpenPin => {
                self.pin_entry = Some(String::new());
                self.pin_for_age = false;
                self.pin_message = None;
            }
            Message::MoreTime => {
                self.extensions =
                    (self.extensions + 1).min(smartstore_domain::kiosk::MAX_EXTENSIONS);
            }
            Message::LargeText => self.large_text = !self.large_text,
            Message::Contrast => self.contrast = !self.contrast,
            Message::Speech => {
                self.speak = !self.speak;
                self.said = None;
            }
            Message::AgeAsk => {
                if self.age_call.is_none() && self.session.checkout.needs_age_check() {
                    self.age_call = Some(crate::assist::Call::age_check(
                        &self.store_id,
                        &self.terminal(),
                    ));
                    self.age_tries = 1;
                    return (self.age_effect().into_iter().collect(), None);
                }
            }
            Message::AgeStaff => {
                self.pin_entry = Some(String::new());
                self.pin_for_age = true;
                self.pin_message = None;
            }
            Message::PinDigit(d) => {
                if let Some(p) = &mut self.pin_entry
                    && p.len() < smartstore_domain::kiosk::PIN_MAX_DIGITS
                {
                    p.push(d);
                }
            }
            Message::PinClear => {
                if let Some(p) = &mut self.pin_entry {
                    p.clear();
                }
            }
            Message::PinCancel => {
                self.pin_entry = None;
                self.pin_message = None;
            }
            Message::PinSubmit => {
                let entered = self.pin_entry.take().unwrap_or_default();
                // A locked guard refuses before the (slow, deliberate) PBKDF2 check runs.
                let correct = self.pin_guard.locked(self.now_ms).is_none()
                    && smartstore_protocol::staff_pin::verify_pin(&entered, &self.pin_hash);
                let outcome = self.pin_guard.attempt(correct, self.now_ms);
                // Kept at once: a restart does not lift a lockout nor forget failures.
                let keep = Effect::KeepPinGuard(self.pin_guard.state(self.now_ms));
                match outcome {
                    PinOutcome::Accepted if self.pin_for_age => {
                        self.pin_for_age = false;
                        self.pin_message = None;
                        self.age_approved(Ok("kiosk-staff".into()), lang);
                        return (vec![keep], None);
                    }
                    PinOutcome::Accepted => {
                        self.reset();
                        return (vec![keep], Some(Event::StaffExit));
                    }
                    PinOutcome::Wrong { attempts_left } => {
                        self.pin_message = Some(tr(
                            lang,
                            "pin-wrong",
                            &[("left", attempts_left.to_string())],
                        ));
                        self.pin_entry = Some(String::new());
                    }
                    PinOutcome::Locked { seconds_left } => {
                        self.pin_message = Some(tr(
                            lang,
                            "pin-locked",
                            &[("seconds", seconds_left.to_string())],
                        ));
                        self.pin_entry = Some(String::new());
                    }
                }
                return (vec![keep], None);
            }
        }
        (vec![], None)
    }

    /// What the screen says now, read aloud when speech is on: the prompt, the last notice and
    /// the total.
    pub fn spoken_line(&self, lang: Lang) -> Option<String> {
        let s = &self.session;
        if self.idle_state() != Idle::Active {
            return Some(t(lang, "kiosk-say-idle"));
        }
        let total = || {
            s.cart()
                .totals()
                .ok()
                .map(|tt| tr(lang, "customer-total", &[("total", tt.total.to_string())]))
        };
        let line = match self.stage {
            Stage::Attract => t(lang, "kiosk-welcome"),
            Stage::Shopping => match (&s.notice, total()) {
                (Some(n), Some(tt)) if !s.cart().is_empty() => format!("{} {tt}", n.text),
                (Some(n), _) => n.text.clone(),
                (None, Some(tt)) if !s.cart().is_empty() => tt,
                _ => t(lang, "kiosk-scan-hint"),
            },
            Stage::Checkout if s.checkout.needs_age_check() => t(lang, "kiosk-age-title"),
            Stage::Checkout => format!(
                "{} {}",
                total().unwrap_or_default(),
                t(lang, "kiosk-pay-hint")
            ),
            Stage::Done => format!(
                "{} {}",
                t(lang, "placed-title"),
                s.placed
                    .as_ref()
                    .map(|p| tr(lang, "kiosk-done", &[("receipt", p.receipt.clone())]))
                    .unwrap_or_default()
            ),
        };
        Some(line)
    }

    /// What came back of an effect; the effects it asks for next (a call sent again, an
    /// approval to check).
    pub fn outcome(&mut self, outcome: Outcome, lang: Lang) -> Vec<Effect> {
        use crate::assist::Kind;
        let age_asked = |k: &Kiosk, asked: &crate::assist::Call| {
            asked.kind == Kind::AgeCheck
                && k.age_call.as_ref().is_some_and(|c| c.call == asked.call)
        };
        match outcome {
            // A counter's approval of the age check: its signature is checked first (the
            // store's keys), then [`Outcome::AgeApproved`].
            Outcome::Helped(asked, Ok(Some(answer)))
                if answer.kind == Kind::Approve && age_asked(self, &asked) =>
            {
                return vec![Effect::CheckApproval {
                    asked: Box::new(asked),
                    answer: Box::new(answer),
                }];
            }
            Outcome::Helped(asked, Ok(Some(answer))) => {
                let ours = if asked.kind == Kind::AgeCheck {
                    age_asked(self, &asked)
                } else {
                    self.help_called
                };
                if ours && answer.kind == Kind::Answer {
                    self.help_answer = Some(answer.terminal);
                }
            }
            // Unanswered: called again, for five minutes at most.
            Outcome::Helped(asked, Ok(None)) => {
                if asked.kind == Kind::AgeCheck {
                    if age_asked(self, &asked) && self.age_tries < MAX_CALLS {
                        self.age_tries += 1;
                        return self.age_effect().into_iter().collect();
                    }
                } else if self.help_called
                    && self.help_answer.is_none()
                    && self.help_tries < MAX_CALLS
                {
                    self.help_tries += 1;
                    return vec![self.help_effect()];
                }
            }
            Outcome::AgeApproved(r) => self.age_approved(r, lang),
            Outcome::Helped(_, Err(e)) => {
                self.session.notice = Some(super::session::Notice {
                    ok: false,
                    text: e.render(lang),
                })
            }
            Outcome::Resolved {
                resolution,
                codes,
                mirror,
                ..
            } => {
                self.session.on_resolved(resolution, &codes, lang);
                self.session.show_mirror(mirror);
            }
            Outcome::Placed(r, checkout) => {
                self.session.busy = false;
                self.session.checkout = *checkout;
                match r {
                    Ok(p) => {
                        self.session.placed = Some(p);
                        self.session.notice = None;
                        self.stage = Stage::Done;
                    }
                    Err(e) => {
                        self.session.notice = Some(Notice {
                            ok: false,
                            text: e.render(lang),
                        })
                    }
                }
            }
            Outcome::Failed(e) => {
                self.session.busy = false;
                self.session.notice = Some(Notice {
                    ok: false,
                    text: e.render(lang),
                });
            }
            _ => {}
        }
        vec![]
    }

    fn big_button<'a>(label: String, msg: Message) -> iced::widget::Button<'a, Message> {
        button(text(label).size(30).align_x(Alignment::Center).width(Fill))
            .on_press(msg)
            .padding(22)
            .width(Length::Fixed(360.0))
    }

    /// One key of the PIN pad: every key the same size, so the rows line up.
    fn pin_key<'a>(label: String, msg: Message) -> Element<'a, Message> {
        button(
            text(label)
                .size(32)
                .width(Fill)
                .align_x(iced::alignment::Horizontal::Center),
        )
        .on_press(msg)
        .width(Length::Fixed(96.0))
        .padding([14, 0])
        .into()
    }

    /// The on-screen keyboard for an address: digits, Latin letters, space, a few signs and
    /// delete (no pinyin input: addresses are typed in Latin letters and digits here).
    fn keyboard<'a>(lang: Lang) -> Element<'a, Message> {
        // Every key the same width, filling the keyboard's column, and 52 px tall: on a
        // 1024x600 screen a key stays at least 9 mm square.
        let key = |label: String, msg: Message| {
            button(text(label).size(24).align_x(Alignment::Center).width(Fill))
                .on_press(msg)
                .padding([12, 0])
                .width(Fill)
                .height(Length::Fixed(52.0))
        };
        let rows = ["1234567890", "QWERTYUIOP", "ASDFGHJKL-", "ZXCVBNM,.#"];
        let mut pad = column![].spacing(6);
        for keys in rows {
            pad = pad.push(
                row(keys
                    .chars()
                    .map(|k| key(k.to_string(), Message::Key(k)).into()))
                .spacing(6),
            );
        }
        pad.push(
            row![
                key(t(lang, "kiosk-key-space"), Message::Key(' ')).width(Length::FillPortion(3)),
                key(t(lang, "kiosk-key-delete"), Message::Key('\u{8}'))
                    .width(Length::FillPortion(2)),
            ]
            .spacing(6),
        )
        .width(Length::FillPortion(3))
        .into()
    }

    /// A button that shares its row with others (the checkout's column is narrow on 1024x600).
    fn wide_button<'a>(label: String, msg: Message) -> iced::widget::Button<'a, Message> {
        button(text(label).size(28).align_x(Alignment::Center).width(Fill))
            .on_press(msg)
            .padding(18)
            .width(Fill)
    }

    pub fn view<'a>(&'a self, lang: Lang, camera: Element<'a, Message>) -> Element<'a, Message> {
        let s = &self.session;
        let body: Element<'a, Message> = match self.stage {
            // A touch anywhere starts (the language buttons choose the language first).
            Stage::Attract => iced::widget::mouse_area(center(
                column![
                    text(t(lang, "kiosk-welcome")).size(64),
                    text(t(lang, "kiosk-touch")).size(32),
                    row![
                        Self::big_button(Lang::Zh.native_name().into(), Message::Start(Lang::Zh)),
                        Self::big_button(Lang::En.native_name().into(), Message::Start(Lang::En))
                    ]
                    .spacing(30),
                ]
                .spacing(40)
                .align_x(Alignment::Center),
            ))
            .on_press(Message::TouchStart)
            .into(),
            Stage::Shopping => row![
                column![
                    camera,
                    text(t(lang, "kiosk-scan-hint")).size(26),
                    widgets::notice(s.notice.as_ref(), 24),
                    super::mirror::panel(s, lang, 22),
                ]
                .spacing(14)
                .width(Length::FillPortion(2)),
                column![
                    widgets::cart(s, lang, true, None).map(Message::Cart),
                    if s.cart().is_empty() {
                        Self::big_button(t(lang, "kiosk-checkout"), Message::ToCheckout)
                            .on_press_maybe(None)
                    } else {
                        Self::big_button(t(lang, "kiosk-checkout"), Message::ToCheckout)
                    },
                ]
                .spacing(14)
                .width(Length::FillPortion(3)),
            ]
            .spacing(20)
            .into(),
            // Age-restricted lines: no payment until staff checked the shopper's age.
            Stage::Checkout if s.checkout.needs_age_check() => center(
                column![
                    text(t(lang, "kiosk-age-title")).size(40),
                    text(t(lang, "kiosk-age-help")).size(26),
                    row![
                        Self::big_button(t(lang, "back"), Message::BackToShopping),
                        Self::big_button(t(lang, "kiosk-age-ask"), Message::AgeAsk),
                        Self::big_button(t(lang, "kiosk-age-staff"), Message::AgeStaff)
                    ]
                    .spacing(30),
                    text(if self.age_call.is_some() {
                        t(lang, "kiosk-age-asked")
                    } else {
                        String::new()
                    })
                    .size(24),
                    widgets::notice(s.notice.as_ref(), 24),
                ]
                .spacing(30)
                .align_x(Alignment::Center),
            )
            .into(),
            Stage::Checkout => {
                let choice = |label: String, kind: FulfilKind| {
                    let b = button(text(label).size(26).align_x(Alignment::Center).width(Fill))
                        .padding([14, 12])
                        .width(Fill)
                        .on_press(Message::Fulfil(kind));
                    if s.fulfil == kind {
                        b.style(button::success)
                    } else {
                        b.style(button::secondary)
                    }
                };
                let mut c = column![
                    row![
                        choice(t(lang, "kiosk-choose-deliver"), FulfilKind::Deliver),
                        choice(t(lang, "kiosk-choose-collect"), FulfilKind::Collect),
                    ]
                    .spacing(20)
                ]
                .spacing(18);
                if s.fulfil == FulfilKind::Collect {
                    c = c.push(
                        text(widgets::collect_at(&self.store_id, s.pickup_in_hours, lang)).size(28),
                    );
                } else {
                    c = c.push(text(t(lang, "kiosk-deliver-hint")).size(24)).push(
                        text_input(&t(lang, "address-placeholder"), &s.address)
                            .on_input(Message::Address)
                            .size(28)
                            .padding(14),
                    );
                }
                let form = c
                    .push(text(t(lang, "kiosk-pay-hint")).size(22))
                    .push(widgets::notice(s.notice.as_ref(), 24));
                // The actions stay on the screen; the form above them scrolls on a small one.
                let left = column![
                    iced::widget::scrollable(form).height(Fill),
                    row![
                        Self::wide_button(t(lang, "back"), Message::BackToShopping),
                        Self::wide_button(t(lang, "checkout"), Message::PlaceOrder)
                    ]
                    .spacing(20),
                ]
                .spacing(14);
                // The keyboard beside the address, so both fit a 1024x600 screen.
                if s.fulfil == FulfilKind::Collect {
                    left.width(Fill).into()
                } else {
                    row![left.width(Length::FillPortion(2)), Self::keyboard(lang)]
                        .spacing(24)
                        .into()
                }
            }
            Stage::Done => center(
                column![
                    text(t(lang, "placed-title")).size(56),
                    text(tr(
                        lang,
                        "kiosk-done",
                        &[(
                            "receipt",
                            s.placed
                                .as_ref()
                                .map(|p| p.receipt.clone())
                                .unwrap_or_default()
                        )]
                    ))
                    .size(30),
                    Self::big_button(t(lang, "new-order"), Message::Finish),
                ]
                .spacing(30)
                .align_x(Alignment::Center),
            )
            .into(),
        };
        let help = match (&self.help_answer, self.help_called) {
            (Some(counter), _) => text(tr(
                lang,
                "kiosk-help-answered",
                &[("counter", counter.clone())],
            ))
            .size(26),
            (None, true) => text(t(lang, "kiosk-help-called")).size(26),
            (None, false) => text(""),
        };
        let footer = row![
            button(text(t(lang, "kiosk-help")).size(26))
                .on_press(Message::CallHelp)
                .padding(18),
            help,
            space::horizontal(),
            button(text(t(lang, "kiosk-large-text")).size(22))
                .on_press(Message::LargeText)
                .padding(16),
            button(text(t(lang, "kiosk-contrast")).size(22))
                .on_press(Message::Contrast)
                .padding(16),
            button(text(t(lang, "kiosk-speech")).size(22))
                .on_press(Message::Speech)
                .padding(16),
            button(text(t(lang, "kiosk-exit")).size(18))
                .on_press(Message::OpenPin)
                .padding(12)
                .style(button::secondary),
        ]
        .spacing(20)
        .align_y(Alignment::Center);
        let base = column![container(body).height(Fill).width(Fill), footer]
            .spacing(16)
            .padding(24);
        let mut layers = stack![base];
        if let Idle::Warning { seconds_left } = self.idle_state() {
            layers = layers.push(center(
                container(
                    column![
                        text(tr(
                            lang,
                            "kiosk-idle",
                            &[("seconds", seconds_left.to_string())]
                        ))
                        .size(40),
                        row![
                            Self::big_button(t(lang, "kiosk-continue"), Message::StillHere),
                            Self::big_button(t(lang, "kiosk-more-time"), Message::MoreTime),
                        ]
                        .spacing(24)
                    ]
                    .spacing(24)
                    .align_x(Alignment::Center),
                )
                .padding(40)
                .style(container::rounded_box),
            ));
        }
        if let Some(entry) = &self.pin_entry {
            let mut pad = column![
                text(t(lang, "pin-title")).size(32),
                text("•".repeat(entry.len())).size(40)
            ]
            .spacing(12)
            .align_x(Alignment::Center);
            if let Some(m) = &self.pin_message {
                pad = pad.push(text(m.clone()).size(22));
            }
            for keys in [['1', '2', '3'], ['4', '5', '6'], ['7', '8', '9']] {
                pad = pad.push(
                    row(keys.map(|k| Self::pin_key(k.to_string(), Message::PinDigit(k))))
                        .spacing(12),
                );
            }
            pad = pad.push(
                row![
                    Self::pin_key("C".into(), Message::PinClear),
                    Self::pin_key("0".into(), Message::PinDigit('0')),
                    Self::pin_key("OK".into(), Message::PinSubmit),
                ]
                .spacing(12),
            );
            pad = pad.push(
                button(text(t(lang, "pin-cancel")).size(22))
                    .on_press(Message::PinCancel)
                    .padding(10),
            );
            layers = layers.push(center(
                container(pad).padding(30).style(container::rounded_box),
            ));
        }
        layers.into()
    }
}
