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
            success: Color::from_rgb8(0x00, 0x6b, 0x2e),
            warning: Color::from_rgb8(0x8a, 0x4b, 0x00),
            danger: Color::from_rgb8(0xa3, 0x00, 0x00),
        },
    )
}
