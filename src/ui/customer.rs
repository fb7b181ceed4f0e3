//! The customer display: a second window, on a monitor facing the shopper, showing the lines as
//! they are scanned, the total, what is left to pay and, once the sale is placed, the e-receipt
//! QR; a welcome screen when nothing is being rung up. It only reads the counter's (or the
//! kiosk's) sale: nothing on it can be pressed.
//!
//! Where it goes: `customer_display` in config.toml names a monitor (`HDMI-2`), says `on` (the
//! first monitor that is not the primary one, else a window beside the counter's) or `off`;
//! absent, it is on when a second monitor is connected. Monitors are read from `xrandr
//! --listmonitors` at run time (Debian's x11-xserver-utils); without it, a named monitor is
//! not found and the log says why.

use iced::widget::{column, container, qr_code, row, scrollable, text};
use iced::{Alignment, Element, Fill, Length};

use super::session::Session;
use crate::i18n::{Lang, t, tr};

/// A monitor of the X screen: its name and where it sits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Monitor {
    pub name: String,
    pub primary: bool,
    pub x: i32,
    pub y: i32,
    pub width: u32,
    pub height: u32,
}

/// Where the customer display's window opens.
#[derive(Debug, Clone, PartialEq)]
pub struct Placement {
    /// The monitor it fills; `None`: a window beside the counter's on the same screen.
    pub monitor: Option<Monitor>,
}

impl Placement {
    pub fn window(&self) -> iced::window::Settings {
        match &self.monitor {
            Some(m) => iced::window::Settings {
                size: iced::Size::new(m.width as f32, m.height as f32),
                position: iced::window::Position::Specific(iced::Point::new(
                    m.x as f32, m.y as f32,
                )),
                fullscreen: true,
                decorations: false,
                exit_on_close_request: false,
                ..iced::window::Settings::default()
            },
            None => iced::window::Settings {
                size: iced::Size::new(1024.0, 600.0),
                exit_on_close_request: false,
                ..iced::window::Settings::default()
            },
        }
    }
}

/// Why the customer display's monitor cannot be used (said in the log: the window opens
/// without it).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DisplayError {
    #[error("cannot list the monitors: xrandr: {0} (install Debian's x11-xserver-utils)")]
    NoXrandr(String),
    #[error(
        "customer_display = \"{name}\": no such monitor (found: {found}); the customer display stays off"
    )]
    UnknownMonitor { name: String, found: String },
}

/// The monitors `xrandr --listmonitors` lists, e.g.
/// ` 1: +HDMI-2 1920/527x1080/296+1920+0  HDMI-2`.
pub fn parse_monitors(listing: &str) -> Vec<Monitor> {
    listing
        .lines()
        .filter_map(|line| {
            let mut parts = line.split_whitespace();
            parts.next()?.strip_suffix(':')?.parse::<u32>().ok()?;
            let flagged = parts.next()?;
            let primary = flagged.contains('*');
            let name = flagged.trim_start_matches(['+', '*']).to_owned();
            let geometry = parts.next()?;
            // W/mmxH/mm+X+Y
            let (size, at) = geometry.split_once('+')?;
            let (x, y) = at.split_once('+')?;
            let (w, h) = size.split_once('x')?;
            let num = |s: &str| s.split('/').next()?.parse::<u32>().ok();
            Some(Monitor {
                name,
                primary,
                x: x.parse().ok()?,
                y: y.parse().ok()?,
                width: num(w)?,
                height: num(h)?,
            })
        })
        .collect()
}

/// The monitors of this X screen (none when `xrandr` is absent or there is no X display).
pub fn monitors() -> Result<Vec<Monitor>, DisplayError> {
    let out = std::process::Command::new("xrandr")
        .arg("--listmonitors")
        .output()
        .map_err(|e| DisplayError::NoXrandr(e.to_string()))?;
    if !out.status.success() {
        return Err(DisplayError::NoXrandr(
            String::from_utf8_lossy(&out.stderr).trim().to_owned(),
        ));
    }
    Ok(parse_monitors(&String::from_utf8_lossy(&out.stdout)))
}

/// Where the customer display goes for the setting `customer_display` (absent: on when a second
/// monitor exists). `Err` says why a named monitor cannot be used (the window opens without it).
pub fn placement(
    setting: Option<&str>,
    monitors: &[Monitor],
) -> Result<Option<Placement>, DisplayError> {
    let second = || {
        monitors
            .iter()
            .find(|m| !m.primary && monitors.len() > 1)
            .cloned()
    };
    match setting.map(str::trim) {
        Some("off") | Some("false") | Some("no") => Ok(None),
        None | Some("") | Some("auto") => Ok(second().map(|m| Placement { monitor: Some(m) })),
        Some("on") | Some("true") | Some("yes") => Ok(Some(Placement { monitor: second() })),
        Some(name) => match monitors.iter().find(|m| m.name.eq_ignore_ascii_case(name)) {
            Some(m) => Ok(Some(Placement {
                monitor: Some(m.clone()),
            })),
            None => Err(DisplayError::UnknownMonitor {
                name: name.to_owned(),
                found: if monitors.is_empty() {
                    "none".to_owned()
                } else {
                    monitors
                        .iter()
                        .map(|m| m.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                },
            }),
        },
    }
}

/// The shopper's view of the sale in progress. `qr`: the e-receipt QR of the sale just placed.
pub fn view<'a, M: 'a>(
    s: &'a Session,
    qr: Option<&'a qr_code::Data>,
    store_id: &str,
    lang: Lang,
) -> Element<'a, M> {
    let body: Element<'a, M> = if let Some(p) = &s.placed {
        let mut c = column![
            text(t(lang, "customer-thanks")).size(48),
            text(tr(lang, "placed-total", &[("total", p.total.clone())])).size(34),
        ]
        .spacing(18)
        .align_x(Alignment::Center);
        if let Some(change) = s
            .checkout
            .change()
            .ok()
            .filter(|c| c.minor > 0)
            .map(|c| c.to_string())
        {
            c = c.push(text(tr(lang, "customer-change", &[("change", change)])).size(30));
        }
        if let Some(qr) = qr {
            c = c
                .push(qr_code(qr).cell_size(7))
                .push(text(t(lang, "customer-ereceipt")).size(24));
        }
        c.into()
    } else if s.cart().is_empty() {
        column![
            text(t(lang, "customer-welcome")).size(64),
            text(tr(
                lang,
                "customer-store",
                &[("store", store_id.to_owned())]
            ))
            .size(28),
            text(t(lang, "customer-idle-hint")).size(24),
        ]
        .spacing(24)
        .align_x(Alignment::Center)
        .into()
    } else {
        let mut lines = column![].spacing(14);
        for line in s.cart().lines() {
            let name = match (&line.name_zh, lang) {
                (Some(zh), Lang::Zh) if !zh.is_empty() => zh.clone(),
                _ => line.name.clone(),
            };
            lines = lines.push(
                row![
                    text(name).size(38).width(Fill),
                    text(
                        super::widgets::weighed(line, lang)
                            .unwrap_or_else(|| format!("{} × {}", line.quantity, line.unit_price))
                    )
                    .size(30)
                    .width(Length::Fixed(260.0))
                    .align_x(Alignment::End),
                    text(line.total().map(|m| m.to_string()).unwrap_or_default())
                        .size(38)
                        .width(Length::Fixed(240.0))
                        .align_x(Alignment::End),
                ]
                .spacing(16)
                .align_y(Alignment::Center),
            );
        }
        let mut sums = column![].spacing(8).align_x(Alignment::End).width(Fill);
        if let Ok(totals) = s.cart().totals() {
            if totals.discount.minor > 0 {
                sums = sums.push(
                    text(tr(
                        lang,
                        "customer-discount",
                        &[("amount", totals.discount.to_string())],
                    ))
                    .size(28),
                );
            }
            sums = sums.push(
                text(tr(
                    lang,
                    "customer-total",
                    &[("total", totals.total.to_string())],
                ))
                .size(72),
            );
        }
        if let Ok(due) = s.checkout.due()
            && !s.checkout.tenders().is_empty()
        {
            sums =
                sums.push(text(tr(lang, "customer-due", &[("amount", due.to_string())])).size(34));
        }
        let items: u32 = s.cart().lines().iter().map(|l| l.quantity).sum();
        column![
            row![
                text(t(lang, "customer-title")).size(40).width(Fill),
                text(tr(lang, "cart-items", &[("count", items.to_string())])).size(30),
            ]
            .align_y(Alignment::Center),
            scrollable(lines).height(Fill),
            sums
        ]
        .spacing(20)
        .into()
    };
    container(body)
        .padding(40)
        .center_x(Fill)
        .center_y(Fill)
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TWO: &str = "Monitors: 2\n 0: +*eDP-1 1366/309x768/174+0+0  eDP-1\n 1: +HDMI-2 1920/527x1080/296+1366+0  HDMI-2\n";

    #[test]
    fn monitors_are_read_from_xrandr() {
        let m = parse_monitors(TWO);
        assert_eq!(m.len(), 2);
        assert!(m[0].primary && !m[1].primary);
        assert_eq!(
            (m[1].name.as_str(), m[1].x, m[1].y, m[1].width, m[1].height),
            ("HDMI-2", 1366, 0, 1920, 1080)
        );
        assert!(parse_monitors("Monitors: 0\ngarbage\n 9: x\n").is_empty());
    }

    #[test]
    fn the_display_goes_to_the_named_or_the_second_monitor() {
        let two = parse_monitors(TWO);
        let one = &two[..1];
        let on = |s, m| placement(s, m).expect("placement");
        assert_eq!(
            on(None, &two).and_then(|p| p.monitor).map(|m| m.name),
            Some("HDMI-2".into())
        );
        assert_eq!(on(None, one), None, "off without a second monitor");
        assert_eq!(on(Some("off"), &two), None);
        assert_eq!(
            on(Some("on"), one),
            Some(Placement { monitor: None }),
            "on: a window on the one screen"
        );
        assert_eq!(
            on(Some("eDP-1"), &two).and_then(|p| p.monitor).map(|m| m.x),
            Some(0)
        );
        let missing = placement(Some("DP-3"), &two).expect_err("no DP-3");
        assert_eq!(
            missing,
            DisplayError::UnknownMonitor {
                name: "DP-3".into(),
                found: "eDP-1, HDMI-2".into()
            }
        );
    }
}
