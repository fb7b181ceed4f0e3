//! The counter's shift desk: the X report at any time, cash put in or taken out with its
//! reason, and the blind close (the clerk types what the drawer holds before the expected
//! figure is shown), ending with the Z report and its over/short.

use iced::widget::{button, column, container, radio, row, scrollable, text, text_input};
use iced::{Element, Fill};

use super::effect::Effect;
use crate::i18n::{Lang, Msg, t, tr};
use smartstore_domain::money::{Currency, Money};
use smartstore_domain::shift::ShiftReport;

pub const CASH_AMOUNT_INPUT: &str = "cash-amount-input";
pub const COUNTED_INPUT: &str = "counted-input";

#[derive(Debug, Clone)]
pub enum Message {
    /// Cash put in (`true`) or taken out.
    Direction(bool),
    Amount(String),
    Reason(String),
    MoveCash,
    /// Start the blind close: the figures are hidden until the drawer is counted.
    StartClose,
    Counted(String),
    CloseShift,
    Back,
}

/// Where the desk is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stage {
    /// The X report (loading until it comes back).
    Report(Option<ShiftReport>),
    /// Counting the drawer: nothing expected is shown.
    Counting,
    /// The Z report of the shift just closed.
    Closed(ShiftReport),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShiftDesk {
    pub stage: Stage,
    pub cash_in: bool,
    pub amount: String,
    pub reason: String,
    pub counted: String,
    pub notice: Option<(bool, Msg)>,
    pub busy: bool,
}

/// What the desk asks the counter to do.
pub enum Action {
    None,
    Run(Effect),
    /// Leave the desk.
    Close,
}

impl ShiftDesk {
    /// The desk, asking for the X report.
    pub fn open() -> (ShiftDesk, Effect) {
        (
            ShiftDesk {
                stage: Stage::Report(None),
                cash_in: false,
                amount: String::new(),
                reason: String::new(),
                counted: String::new(),
                notice: None,
                busy: false,
            },
            Effect::ShiftReport,
        )
    }

    pub fn update(&mut self, message: Message) -> Action {
        match message {
            Message::Direction(cash_in) => self.cash_in = cash_in,
            Message::Amount(a) => self.amount = a,
            Message::Reason(r) => self.reason = r,
            Message::MoveCash if !self.busy => {
                self.busy = true;
                return Action::Run(Effect::MoveCash {
                    cash_in: self.cash_in,
                    amount: self.amount.clone(),
                    reason: self.reason.clone(),
                });
            }
            Message::StartClose => {
                self.stage = Stage::Counting;
                self.counted.clear();
                self.notice = None;
            }
            Message::Counted(c) => self.counted = c,
            Message::CloseShift if !self.busy => {
                self.busy = true;
                return Action::Run(Effect::CloseShift(self.counted.clone()));
            }
            Message::Back => {
                return match self.stage {
                    Stage::Counting => {
                        self.stage = Stage::Report(None);
                        Action::Run(Effect::ShiftReport)
                    }
                    _ => Action::Close,
                };
            }
            Message::MoveCash | Message::CloseShift => {}
        }
        Action::None
    }

    /// The X report came back (or a cash movement was stored: `moved`).
    pub fn reported(&mut self, r: Result<Box<ShiftReport>, Msg>, moved: bool) {
        self.busy = false;
        match r {
            Ok(report) => {
                if moved {
                    self.notice = Some((true, Msg::new("shift-cash-moved")));
                    self.amount.clear();
                    self.reason.clear();
                }
                // A report that comes back while the drawer is being counted is not shown:
                // the close stays blind.
                if matches!(self.stage, Stage::Report(_)) {
                    self.stage = Stage::Report(Some(*report));
                }
            }
            Err(e) => self.notice = Some((false, e)),
        }
    }

    /// The shift closed: its Z report.
    pub fn closed(&mut self, r: Result<Box<ShiftReport>, Msg>) {
        self.busy = false;
        match r {
            Ok(z) => {
                self.notice = None;
                self.stage = Stage::Closed(*z);
            }
            Err(e) => self.notice = Some((false, e)),
        }
    }

    pub fn view<'a>(&'a self, lang: Lang) -> Element<'a, Message> {
        let notice = self.notice.as_ref().map(|(ok, m)| {
            text(m.render(lang))
                .size(17)
                .style(if *ok { text::success } else { text::danger })
        });
        let back = button(text(t(lang, "shift-desk-back")).size(18))
            .padding(10)
            .style(button::secondary)
            .on_press(Message::Back);
        let body: Element<'a, Message> = match &self.stage {
            Stage::Report(None) => column![
                text(t(lang, "shift-x-title")).size(26),
                text(t(lang, "shift-loading"))
            ]
            .spacing(10)
            .into(),
            Stage::Report(Some(x)) => {
                let cash = column![
                    text(t(lang, "shift-cash-title")).size(20),
                    row![
                        radio(
                            t(lang, "shift-cash-out"),
                            false,
                            Some(self.cash_in),
                            Message::Direction
                        ),
                        radio(
                            t(lang, "shift-cash-in"),
                            true,
                            Some(self.cash_in),
                            Message::Direction
                        ),
                    ]
                    .spacing(20),
                    row![
                        text_input(&t(lang, "shift-amount-placeholder"), &self.amount)
                            .id(CASH_AMOUNT_INPUT)
                            .on_input(Message::Amount)
                            .padding(8)
                            .width(160),
                        text_input(&t(lang, "shift-reason-placeholder"), &self.reason)
                            .on_input(Message::Reason)
                            .on_submit(Message::MoveCash)
                            .padding(8),
                        button(text(t(lang, "shift-cash-record")))
                            .padding(8)
                            .on_press(Message::MoveCash),
                    ]
                    .spacing(8),
                ]
                .spacing(8);
                column![
                    text(t(lang, "shift-x-title")).size(26),
                    report(x, lang),
                    cash,
                    row![
                        button(text(t(lang, "shift-close")).size(18))
                            .padding(10)
                            .style(button::danger)
                            .on_press(Message::StartClose),
                        back,
                    ]
                    .spacing(12),
                ]
                .spacing(12)
                .into()
            }
            Stage::Counting => column![
                text(t(lang, "shift-count-title")).size(26),
                text(t(lang, "shift-count-help")),
                text_input(&t(lang, "shift-counted-placeholder"), &self.counted)
                    .id(COUNTED_INPUT)
                    .on_input(Message::Counted)
                    .on_submit(Message::CloseShift)
                    .padding(8)
                    .size(20),
                row![
                    button(text(t(lang, "shift-close-confirm")).size(18))
                        .padding(10)
                        .style(button::danger)
                        .on_press(Message::CloseShift),
                    back,
                ]
                .spacing(12),
            ]
            .spacing(12)
            .into(),
            Stage::Closed(z) => column![
                text(t(lang, "shift-z-title")).size(26),
                report(z, lang),
                button(text(t(lang, "shift-desk-done")).size(18))
                    .padding(10)
                    .style(button::success)
                    .on_press(Message::Back),
            ]
            .spacing(12)
            .into(),
        };
        let mut c = column![scrollable(body).height(Fill)].spacing(10);
        if let Some(n) = notice {
            c = c.push(n);
        }
        container(c)
            .padding(14)
            .style(container::rounded_box)
            .into()
    }
}

/// An X or Z report as the clerk reads it: label on the left, figure on the right.
pub fn report<'a, M: 'a>(r: &ShiftReport, lang: Lang) -> Element<'a, M> {
    let currency = Currency::parse(&r.currency).unwrap_or_default();
    let money = |v: i64| Money::new(v, currency).to_string();
    let line = |label: String, value: String| -> Element<'a, M> {
        row![
            text(label).width(Fill),
            text(value).align_x(iced::alignment::Horizontal::Right)
        ]
        .spacing(8)
        .into()
    };
    let mut c = column![
        line(
            t(lang, "shift-r-sales"),
            tr(
                lang,
                "shift-r-count-amount",
                &[
                    ("count", r.sales_count.to_string()),
                    ("amount", money(r.sales))
                ]
            )
        ),
        line(t(lang, "shift-r-discounts"), money(r.discounts)),
        line(t(lang, "shift-r-returns"), r.returns_count.to_string()),
        line(t(lang, "shift-r-voids"), r.voids_count.to_string()),
    ]
    .spacing(4);
    for (method, amount) in &r.tenders {
        let label = match method.as_str() {
            "cash" => t(lang, "shift-r-cash"),
            "card" => t(lang, "shift-r-card"),
            "code" => t(lang, "shift-r-code"),
            "later" => t(lang, "shift-r-later"),
            other => other.to_owned(),
        };
        c = c.push(line(label, money(*amount)));
    }
    if let Some(tax) = r.tax {
        let rate = r
            .tax_rate_bp
            .map(|bp| format!("{}.{:02}", bp / 100, bp % 100))
            .unwrap_or_default();
        c = c.push(line(tr(lang, "shift-r-tax", &[("rate", rate)]), money(tax)));
    }
    c = c
        .push(line(t(lang, "shift-r-float"), money(r.float)))
        .push(line(t(lang, "shift-r-cash-in"), money(r.cash_in)))
        .push(line(t(lang, "shift-r-cash-out"), money(r.cash_out)))
        .push(line(t(lang, "shift-r-expected"), money(r.expected_cash)));
    if let (Some(counted), Some(d)) = (r.counted_cash, r.over_short) {
        c = c
            .push(line(t(lang, "shift-r-counted"), money(counted)))
            .push(line(t(lang, "shift-r-over-short"), money(d)));
    }
    for (who, st) in &r.staff {
        let who = if who.is_empty() {
            t(lang, "shift-r-staff-unknown")
        } else {
            who.clone()
        };
        c = c.push(line(
            tr(lang, "shift-r-staff", &[("staff", who)]),
            tr(
                lang,
                "shift-r-count-amount",
                &[
                    ("count", st.sales_count.to_string()),
                    ("amount", money(st.sales)),
                ],
            ),
        ));
    }
    c.into()
}
