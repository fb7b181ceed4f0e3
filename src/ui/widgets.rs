//! Pieces several screens draw: the cart, the status bar, notices.

use iced::widget::{button, column, container, row, scrollable, space, text};
use iced::{Alignment, Color, Element, Fill, Length};

use super::effect::TerminalStatus;
use super::session::{Notice, Session};
use crate::i18n::Msg;
use crate::i18n::{Lang, t, tr};

/// What a cart row can ask for: of the line at this index in the cart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CartAction {
    Inc(usize),
    Dec(usize),
    Remove(usize),
    RemoveCoupon,
}

pub fn notice<'a, M: 'a>(n: Option<&Notice>, size: u32) -> Element<'a, M> {
    match n {
        None => space().into(),
        Some(n) => {
            let color = if n.ok {
                Color::from_rgb8(0x1b, 0x7f, 0x3b)
            } else {
                Color::from_rgb8(0xb3, 0x26, 0x1e)
            };
            text(n.text.clone()).size(size).color(color).into()
        }
    }
}

/// Where and when a collect order is ready: "at store S, in N hours".
pub fn collect_at(store: &str, hours: u32, lang: Lang) -> String {
    tr(
        lang,
        "collect-at",
        &[
            ("store", store.to_owned()),
            (
                "time",
                tr(lang, "collect-in", &[("hours", hours.to_string())]),
            ),
        ],
    )
}

/// The cart's lines. With `stock` (the counter), each product's figure on the shelf once this
/// sale is taken off it.
pub fn cart<'a>(
    s: &Session,
    lang: Lang,
    big: bool,
    stock: Option<&std::collections::HashMap<smartstore_domain::gtin::Gtin, i64>>,
) -> Element<'a, CartAction> {
    let size = if big { 26 } else { 17 };
    let pad = if big { 14 } else { 6 };
    // On a touch screen the quantity keys are at least 9 mm square (60 px).
    let key = if big {
        Length::Fixed(60.0)
    } else {
        Length::Shrink
    };
    if s.cart().is_empty() {
        return container(text(t(lang, "cart-empty")).size(size))
            .padding(pad)
            .into();
    }
    let mut rows = column![].spacing(if big { 10 } else { 4 });
    for (i, line) in s.cart().lines().iter().enumerate() {
        let name = match (&line.name_zh, lang) {
            (Some(zh), Lang::Zh) if !zh.is_empty() => zh.clone(),
            _ => line.name.clone(),
        };
        let total = line.total().map(|m| m.to_string()).unwrap_or_default();
        // A package is one line of its own: what its label says instead of − quantity +.
        let how: Element<'a, CartAction> = match line.package {
            Some(_) => text(weighed(line, lang).unwrap_or_default())
                .size(size - 2)
                .into(),
            None => row![
                button(text("−").size(size).align_x(Alignment::Center).width(Fill))
                    .on_press(CartAction::Dec(i))
                    .padding(pad)
                    .width(key),
                text(line.quantity.to_string())
                    .size(size)
                    .width(Length::Fixed(if big { 56.0 } else { 36.0 }))
                    .align_x(Alignment::Center),
                button(text("+").size(size).align_x(Alignment::Center).width(Fill))
                    .on_press(CartAction::Inc(i))
                    .padding(pad)
                    .width(key),
            ]
            .spacing(8)
            .align_y(Alignment::Center)
            .into(),
        };
        let left = stock.and_then(|st| st.get(&line.gtin)).map(|n| {
            let in_cart: i64 = s
                .cart()
                .lines()
                .iter()
                .filter(|l| l.gtin == line.gtin)
                .map(|l| i64::from(l.quantity))
                .sum();
            n - in_cart
        });
        let label: Element<'a, CartAction> = match left {
            Some(n) => column![
                text(name).size(size),
                text(tr(lang, "cart-stock-left", &[("n", n.to_string())]))
                    .size(size - 4)
                    .style(if n < 0 { text::danger } else { text::secondary }),
            ]
            .width(Fill)
            .into(),
            None => text(name).size(size).width(Fill).into(),
        };
        rows = rows.push(
            row![
                label,
                how,
                text(total)
                    .size(size)
                    .width(Length::Fixed(if big { 140.0 } else { 90.0 }))
                    .align_x(Alignment::End),
                button(text(t(lang, "cart-remove")).size(size - 2))
                    .on_press(CartAction::Remove(i))
                    .padding(pad)
                    .style(button::danger),
            ]
            .spacing(8)
            .align_y(Alignment::Center),
        );
    }
    if let Some(c) = s.cart().coupon() {
        rows = rows.push(
            row![
                text(tr(lang, "coupon-line", &[("what", coupon_words(c, lang))]))
                    .size(size)
                    .width(Fill),
                button(text(t(lang, "coupon-remove")).size(size - 2))
                    .on_press(CartAction::RemoveCoupon)
                    .padding(pad),
            ]
            .spacing(8),
        );
    }
    let totals = s.cart().totals().ok();
    let money = |f: fn(&smartstore_domain::cart::Totals) -> smartstore_domain::money::Money| {
        totals
            .as_ref()
            .map(|t| f(t).to_string())
            .unwrap_or_default()
    };
    let sum = column![
        row![
            text(t(lang, "cart-subtotal")).size(size).width(Fill),
            text(money(|t| t.subtotal)).size(size)
        ],
        row![
            text(t(lang, "cart-discount")).size(size).width(Fill),
            text(money(|t| t.discount)).size(size)
        ],
        row![
            text(t(lang, "cart-total")).size(size + 6).width(Fill),
            text(money(|t| t.total)).size(size + 6),
        ],
        text(tr(
            lang,
            "cart-items",
            &[("count", totals.map_or(0, |t| t.items).to_string())]
        ))
        .size(size - 2),
    ]
    .spacing(2);
    column![scrollable(rows).height(Fill), sum]
        .spacing(10)
        .into()
}

/// A weighed package's weight and price per kilogram ("0.532 kg × ¥29.80/kg"), when the line
/// is one with a weight.
pub fn weighed(line: &smartstore_domain::cart::CartLine, lang: Lang) -> Option<String> {
    let p = line.package?;
    let grams = p.weight_g?;
    Some(crate::receipt_page::weighed_line(
        lang,
        grams,
        p.per_kg.map(|m| m.to_string()),
    ))
}

fn age(since: &str) -> String {
    use time::format_description::well_known::Rfc3339;
    match time::OffsetDateTime::parse(since, &Rfc3339) {
        Ok(t) => {
            let secs = (time::OffsetDateTime::now_utc() - t).whole_seconds().max(0);
            match secs {
                0..=119 => format!("{secs} s"),
                120..=7199 => format!("{} min", secs / 60),
                _ => format!("{} h", secs / 3600),
            }
        }
        Err(_) => since.to_owned(),
    }
}

/// `text` cut to at most `max` characters, at a word when there is one, with an ellipsis.
fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max).collect();
    let at_word = cut.rfind(' ').filter(|i| *i > max / 2).unwrap_or(cut.len());
    format!("{}…", cut[..at_word].trim_end())
}

pub fn status_bar<'a, M: 'a>(status: &TerminalStatus, lang: Lang) -> Element<'a, M> {
    let mut parts = row![].spacing(18).align_y(Alignment::Center);
    let (label, color) = if status.online {
        (t(lang, "status-online"), Color::from_rgb8(0x1b, 0x7f, 0x3b))
    } else {
        (
            t(lang, "status-offline"),
            Color::from_rgb8(0xb3, 0x26, 0x1e),
        )
    };
    parts = parts.push(text(format!("● {label}")).color(color).size(15));
    if let Some(problem) = &status.problem {
        parts = parts.push(
            text(problem.render(lang).chars().take(200).collect::<String>())
                .size(15)
                .color(Color::from_rgb8(0xb3, 0x26, 0x1e)),
        );
    }
    if !status.enrolled {
        parts = parts.push(text(t(lang, "status-demo")).size(15));
    }
    if let Some(s) = &status.sync {
        if s.unsynced == 0 {
            parts = parts.push(text(t(lang, "status-all-synced")).size(15));
        } else {
            parts = parts.push(
                text(tr(
                    lang,
                    "status-unsynced",
                    &[("count", s.unsynced.to_string())],
                ))
                .size(15),
            );
            if let Some(at) = &s.oldest_unsynced_at {
                parts = parts.push(text(tr(lang, "status-oldest", &[("age", age(at))])).size(15));
            }
        }
        if s.quarantined > 0 {
            parts = parts.push(
                text(tr(
                    lang,
                    "status-quarantined",
                    &[("count", s.quarantined.to_string())],
                ))
                .size(15)
                .color(Color::from_rgb8(0xb3, 0x26, 0x1e)),
            );
        }
        if s.sequence_conflict.is_some() {
            // The full words are long (and for a technician): the bar says what a clerk needs.
            parts = parts.push(
                text(t(lang, "status-identity-conflict"))
                    .size(15)
                    .color(Color::from_rgb8(0xb3, 0x26, 0x1e)),
            );
        } else if let Some(e) = &s.last_error {
            parts = parts.push(
                text(tr(
                    lang,
                    "status-error",
                    &[("error", clip(&Msg::from_stored(e).render(lang), 160))],
                ))
                .size(15)
                .color(Color::from_rgb8(0xb3, 0x26, 0x1e)),
            );
        }
    }
    container(parts)
        .padding([6, 12])
        .width(Fill)
        .style(container::rounded_box)
        .into()
}

/// What a coupon gives, as a shopper reads it: "¥5.00 off over ¥20.00", "满¥20.00减¥5.00",
/// "10% off", "9折" (never its id).
pub fn coupon_words(c: &smartstore_domain::coupon::Coupon, lang: Lang) -> String {
    use smartstore_domain::coupon::CouponValue;
    let min = c.min_spend.filter(|m| m.minor > 0).map(|m| m.to_string());
    match (&c.value, min) {
        (CouponValue::AmountOff(m), None) => {
            tr(lang, "coupon-amount-off", &[("amount", m.to_string())])
        }
        (CouponValue::AmountOff(m), Some(min)) => tr(
            lang,
            "coupon-amount-off-min",
            &[("amount", m.to_string()), ("min", min)],
        ),
        (CouponValue::PercentOff(p), min) => {
            // 10 % off is 9折 (pay nine tenths); 15 % off is 8.5折.
            let pay = 100u32.saturating_sub(*p);
            let rate = if pay % 10 == 0 {
                (pay / 10).to_string()
            } else {
                format!("{}.{}", pay / 10, pay % 10)
            };
            let args = [("percent", p.to_string()), ("rate", rate)];
            match min {
                None => tr(lang, "coupon-percent-off", &args),
                Some(min) => tr(
                    lang,
                    "coupon-percent-off-min",
                    &[args[0].clone(), args[1].clone(), ("min", min)],
                ),
            }
        }
    }
}
