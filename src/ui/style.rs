//! The kiosk's high-contrast theme: black on white, strong blue actions, for a bright shop
//! floor and shoppers with weaker sight.

use iced::theme::Palette;
use iced::{Color, Theme};

pub fn high_contrast() -> Theme {
    Theme::custom(
        "smartstore high contrast",
        Palette {
            background: Color::WHITE,
            text: Color::BLACK,
            primary: Color::from_rgb8(0x00, 0x3d, 0xa5),
            success: Color::from_rgb8(0x00, 0x5a, 0x26),
            warning: Color::from_rgb8(0x6b, 0x3a, 0x00),
            danger: Color::from_rgb8(0xa3, 0x00, 0x00),
        },
    )
}

/// The kiosk's inverted theme a shopper can switch on: white text on black, yellow actions.
pub fn inverted() -> Theme {
    Theme::custom(
        "smartstore inverted",
        Palette {
            background: Color::BLACK,
            text: Color::WHITE,
            primary: Color::from_rgb8(0xff, 0xe0, 0x00),
            success: Color::from_rgb8(0x5c, 0xe6, 0x7a),
            warning: Color::from_rgb8(0xff, 0xb3, 0x47),
            danger: Color::from_rgb8(0xff, 0x8a, 0x8a),
        },
    )
}

/// WCAG relative luminance of a colour.
pub fn luminance(c: Color) -> f32 {
    let lin = |v: f32| {
        if v <= 0.039_28 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(c.r) + 0.7152 * lin(c.g) + 0.0722 * lin(c.b)
}

/// WCAG contrast ratio of two colours (1 to 21).
pub fn contrast(a: Color, b: Color) -> f32 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Text, and every action colour, against the background: at least 7:1 (WCAG AAA) in both
    /// kiosk themes.
    #[test]
    fn the_kiosk_themes_reach_seven_to_one() {
        for theme in [high_contrast(), inverted()] {
            let p = theme.palette();
            let bg = p.background;
            for (what, c) in [
                ("text", p.text),
                ("primary", p.primary),
                ("success", p.success),
                ("warning", p.warning),
                ("danger", p.danger),
            ] {
                let ratio = contrast(c, bg);
                assert!(ratio >= 7.0, "{theme}: {what} {ratio:.2}:1");
            }
        }
        assert!((contrast(Color::BLACK, Color::WHITE) - 21.0).abs() < 0.01);
    }
}
