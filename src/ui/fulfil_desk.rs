//! The counter's online-order queue (issue 16): the orders the platform routed to this store,
//! one opened with its pick list in the order of the shelves; scanning an item picks it (a wrong
//! or an extra one is refused aloud), packing prints the shipping label, scanning that label
//! hands the parcel over; an order the store cannot fill is given back with its reason.

use iced::widget::{button, column, container, row, scrollable, text, text_input};
use iced::{Element, Fill, Length};

use super::effect::{Effect, FulfilOutcome as Outcome};
use crate::i18n::refusals::online_status;
use crate::i18n::{Lang, Msg, t, tr};
use crate::store::StoreOnlineOrder;
use smartstore_domain::fulfil::PickLine;
use smartstore_protocol::online::{Destination, Status};

pub const REASON_INPUT: &str = "fulfil-reason-input";

#[derive(Debug, Clone)]
pub enum Message {
    Refresh,
    Open(String),
    Pack,
    /// Start giving the order back: the reason is asked.
    StartReject,
    Reason(String),
    Reject,
    Back,
}

/// Where the desk is.
#[derive(Debug, Clone)]
pub enum Stage {
    /// The queue (loading until it comes back).
    Queue(Option<Vec<StoreOnlineOrder>>),
    /// One order and its pick list.
    Order(Box<(StoreOnlineOrder, Vec<PickLine>)>),
}

#[derive(Debug, Clone)]
pub struct FulfilDesk {
    pub stage: Stage,
    /// The reason being typed to give the order back.
    pub reason: Option<String>,
    /// The last step's word: good (`true`) or a refusal.
    pub notice: Option<(bool, Msg)>,
    pub busy: bool,
}

/// What the desk asks the counter to do.
pub enum Action {
    None,
    Run(Effect),
    Close,
}

impl FulfilDesk {
    /// The desk, asking for the queue.
    pub fn open() -> (FulfilDesk, Effect) {
        (
            FulfilDesk {
                stage: Stage::Queue(None),
                reason: None,
                notice: None,
                busy: false,
            },
            Effect::FulfilQueue,
        )
    }

    fn order_id(&self) -> Option<String> {
        match &self.stage {
            Stage::Order(o) => Some(o.0.order_id.clone()),
            Stage::Queue(_) => None,
        }
    }

    /// A scan at the desk: an item picked into the open order, or the parcel's label scanned
    /// to hand it over. Nothing open: the scan is not for the desk.
    pub fn scanned(&mut self, scanned: String) -> Option<Effect> {
        let Stage::Order(o) = &self.stage else {
            self.notice = Some((false, Msg::new("fulfil-open-an-order")));
            return None;
        };
        let order = o.0.order_id.clone();
        self.busy = true;
        Some(match o.0.status {
            Status::Packed | Status::ReadyForPickup => Effect::FulfilHandOver {
                order,
                label: scanned,
            },
            _ => Effect::FulfilPick {
                order,
                text: scanned,
            },
        })
    }

    pub fn update(&mut self, message: Message, lang: Lang) -> Action {
        match message {
            Message::Refresh => {
                self.stage = Stage::Queue(None);
                self.reason = None;
                return Action::Run(Effect::FulfilQueue);
            }
            Message::Open(id) => {
                self.notice = None;
                return Action::Run(Effect::FulfilOpen(id));
            }
            Message::Pack if !self.busy => {
                if let Some(order) = self.order_id() {
                    self.busy = true;
                    return Action::Run(Effect::FulfilPack { order, lang });
                }
            }
            Message::StartReject => self.reason = Some(String::new()),
            Message::Reason(r) => self.reason = Some(r),
            Message::Reject if !self.busy => {
                if let (Some(order), Some(reason)) = (self.order_id(), self.reason.clone()) {
                    self.busy = true;
                    return Action::Run(Effect::FulfilReject { order, reason });
                }
            }
            Message::Back => {
                return match self.stage {
                    Stage::Order(_) => {
                        self.stage = Stage::Queue(None);
                        self.reason = None;
                        self.notice = None;
                        Action::Run(Effect::FulfilQueue)
                    }
                    Stage::Queue(_) => Action::Close,
                };
            }
            Message::Pack | Message::Reject => {}
        }
        Action::None
    }

    /// A result from the store. A refusal comes back as the text to say aloud.
    pub fn outcome(&mut self, outcome: Outcome) -> Option<Msg> {
        self.busy = false;
        match outcome {
            Outcome::Queue(Ok(list)) => self.stage = Stage::Queue(Some(list)),
            Outcome::Queue(Err(e)) => {
                self.stage = Stage::Queue(Some(Vec::new()));
                self.notice = Some((false, e.clone()));
                return Some(e);
            }
            Outcome::Order(Ok(step)) => {
                let (order, lines, said) = *step;
                if matches!(order.status, Status::Rejected) {
                    self.reason = None;
                }
                self.stage = Stage::Order(Box::new((order, lines)));
                self.notice = said.map(|m| (true, m));
            }
            Outcome::Order(Err(e)) => {
                self.notice = Some((false, e.clone()));
                return Some(e);
            }
        }
        None
    }

    pub fn view(&self, lang: Lang) -> Element<'_, Message> {
        let notice = self.notice.as_ref().map(|(ok, m)| {
            super::widgets::notice(
                Some(&super::session::Notice {
                    ok: *ok,
                    text: m.render(lang),
                }),
                18,
            )
        });
        let body: Element<'_, Message> = match &self.stage {
            Stage::Queue(None) => text(t(lang, "fulfil-loading")).into(),
            Stage::Queue(Some(list)) if list.is_empty() => {
                text(t(lang, "fulfil-empty")).size(18).into()
            }
            Stage::Queue(Some(list)) => {
                let mut c = column![].spacing(6);
                for o in list {
                    let items: u32 = o.lines.iter().map(|l| l.qty).sum();
                    c = c.push(
                        button(
                            row![
                                text(o.order_id.clone())
                                    .size(17)
                                    .width(Length::FillPortion(2)),
                                text(online_status(o.status).render(lang))
                                    .size(17)
                                    .width(Length::FillPortion(2)),
                                text(tr(lang, "fulfil-items", &[("n", items.to_string())]))
                                    .size(17)
                                    .width(Length::FillPortion(1)),
                                text(destination(&o.destination, lang))
                                    .size(17)
                                    .width(Length::FillPortion(4)),
                            ]
                            .spacing(8),
                        )
                        .width(Fill)
                        .padding(10)
                        .style(button::secondary)
                        .on_press(Message::Open(o.order_id.clone())),
                    );
                }
                scrollable(c).height(Fill).into()
            }
            Stage::Order(o) => self.order_view(&o.0, &o.1, lang),
        };
        let mut c = column![text(t(lang, "online-desk-title")).size(26)].spacing(10);
        if let Some(n) = notice {
            c = c.push(n);
        }
        c = c.push(body);
        let mut buttons = row![
            button(text(t(lang, "fulfil-back")).size(18))
                .padding(10)
                .style(button::secondary)
                .on_press(Message::Back),
        ]
        .spacing(10);
        if matches!(self.stage, Stage::Queue(_)) {
            buttons = buttons.push(
                button(text(t(lang, "fulfil-refresh")).size(18))
                    .padding(10)
                    .style(button::secondary)
                    .on_press(Message::Refresh),
            );
        }
        c = c.push(buttons);
        container(c)
            .padding(14)
            .height(Fill)
            .style(container::rounded_box)
            .into()
    }

    fn order_view<'a>(
        &'a self,
        order: &'a StoreOnlineOrder,
        lines: &'a [PickLine],
        lang: Lang,
    ) -> Element<'a, Message> {
        let zh = lang == Lang::Zh;
        let mut c = column![
            text(tr(
                lang,
                "fulfil-order-head",
                &[
                    ("order", order.order_id.clone()),
                    ("status", online_status(order.status).render(lang)),
                ]
            ))
            .size(20),
            text(destination(&order.destination, lang)).size(17),
        ]
        .spacing(8);
        let mut list = column![
            row![
                text(t(lang, "fulfil-col-shelf"))
                    .size(15)
                    .width(Length::FillPortion(1)),
                text(t(lang, "fulfil-col-item"))
                    .size(15)
                    .width(Length::FillPortion(4)),
                text(t(lang, "fulfil-col-picked"))
                    .size(15)
                    .width(Length::FillPortion(1)),
            ]
            .spacing(8)
        ]
        .spacing(4);
        for l in lines {
            let mark = if l.done() { "✓ " } else { "" };
            list = list.push(
                container(
                    row![
                        text(l.shelf.clone().unwrap_or_else(|| "—".into()))
                            .size(18)
                            .width(Length::FillPortion(1)),
                        text(l.name_in(zh).to_owned())
                            .size(18)
                            .width(Length::FillPortion(4)),
                        text(format!("{mark}{}/{}", l.picked, l.qty))
                            .size(18)
                            .width(Length::FillPortion(1)),
                    ]
                    .spacing(8),
                )
                .padding(6)
                .style(if l.done() {
                    container::success
                } else {
                    container::bordered_box
                }),
            );
        }
        c = c.push(scrollable(list).height(Length::Fill));
        let hint = match order.status {
            Status::Routed | Status::Accepted => Some("fulfil-hint-pick"),
            Status::Picked => Some("fulfil-hint-pack"),
            Status::Packed => Some("fulfil-hint-ship"),
            Status::ReadyForPickup => Some("fulfil-hint-collect"),
            _ => None,
        };
        if let Some(h) = hint {
            c = c.push(text(t(lang, h)).size(17));
        }
        let mut actions = row![].spacing(10);
        if order.status == Status::Picked {
            let pack = button(text(t(lang, "fulfil-pack")).size(20))
                .padding(10)
                .style(button::success);
            actions = actions.push(if self.busy {
                pack
            } else {
                pack.on_press(Message::Pack)
            });
        }
        if matches!(order.status, Status::Packed | Status::ReadyForPickup) {
            actions = actions.push(
                button(text(t(lang, "fulfil-reprint")).size(18))
                    .padding(10)
                    .style(button::secondary)
                    .on_press(Message::Pack),
            );
        }
        let can_reject = order.may_give_back();
        if can_reject && self.reason.is_none() {
            actions = actions.push(
                button(text(t(lang, "fulfil-reject")).size(18))
                    .padding(10)
                    .style(button::danger)
                    .on_press(Message::StartReject),
            );
        }
        c = c.push(actions);
        if let (Some(reason), true) = (&self.reason, can_reject) {
            let give_back = button(text(t(lang, "fulfil-reject-confirm")).size(18))
                .padding(10)
                .style(button::danger);
            c = c.push(
                row![
                    text_input(&t(lang, "fulfil-reason-placeholder"), reason)
                        .id(REASON_INPUT)
                        .on_input(Message::Reason)
                        .on_submit(Message::Reject)
                        .padding(8),
                    if reason.trim().is_empty() {
                        give_back
                    } else {
                        give_back.on_press(Message::Reject)
                    },
                ]
                .spacing(10),
            );
        }
        c.into()
    }
}

fn destination(d: &Destination, lang: Lang) -> String {
    match d {
        Destination::Deliver { address, .. } => {
            tr(lang, "online-desk-deliver", &[("address", address.clone())])
        }
        Destination::Pickup { store } => tr(lang, "fulfil-pickup", &[("store", store.clone())]),
    }
}
