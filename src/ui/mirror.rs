//! Magic Mirror's panel (issue 16): under the scan box of the kiosk and the counter, up to five
//! products this store has in stock, recommended to the member just scanned (who consented),
//! with price and shelf. Nothing at all without a consenting member.

use iced::widget::{column, container, row, space, text};
use iced::{Color, Element, Fill};

use super::session::Session;
use crate::i18n::{Lang, tr};

/// The panel for the session's member, or nothing. `size`: the text size of its lines.
pub fn panel<'a, M: 'a>(s: &Session, lang: Lang, size: u32) -> Element<'a, M> {
    let (Some(member), false) = (&s.member, s.mirror.is_empty()) else {
        return space().into();
    };
    let muted = Color::from_rgb8(0x55, 0x5b, 0x66);
    let mut c = column![
        text(tr(
            lang,
            "mirror-title-member",
            &[("name", member.name.clone())]
        ))
        .size(size + 4)
    ]
    .spacing(6);
    for r in &s.mirror {
        c = c.push(
            row![
                text(r.item.name_in(lang == Lang::Zh).to_owned())
                    .size(size)
                    .width(Fill),
                text(r.item.price.to_string()).size(size),
                text(crate::mirror::shelf_text(r, lang))
                    .size(size.saturating_sub(2))
                    .color(muted),
            ]
            .spacing(12),
        );
    }

    container(c)
        .padding(10)
        .width(Fill)
        .style(container::rounded_box)
        .into()
}
