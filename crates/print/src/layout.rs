//! Text layout on the printer's grid: every character takes one or two columns of font A
//! (12 dots each, 24 at double width), lines wrap at spaces or between CJK characters, a row's
//! right part ends at the right edge. The encoder and both renderers draw from these lines.

use unicode_width::UnicodeWidthChar;

use crate::{
    Block, MAX_BLOCK_CHARS, MAX_BLOCKS, MAX_FEED, MAX_LINES, MAX_QR_BYTES, Page, PageError, Paper,
};

/// How many columns a character takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Widths {
    /// As we draw it ourselves: Unicode East Asian width (CJK two, Latin one, combining marks
    /// none).
    Unicode,
    /// As a printer in Chinese mode prints it: every non-ASCII character is a two-byte or
    /// four-byte GB18030 code, printed full width.
    Gb18030,
}

/// Horizontal placement of a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Align {
    #[default]
    Left,
    Center,
    Right,
}

/// One printed line of text: it fits the paper at its size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextLine {
    pub text: String,
    pub align: Align,
    pub bold: bool,
    /// Double width and double height (a title).
    pub double: bool,
}

impl TextLine {
    /// True when the printer can print it with its own font (printable ASCII only).
    pub fn is_ascii(&self) -> bool {
        is_printable_ascii(&self.text)
    }
}

/// A page after layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    Text(TextLine),
    /// A QR code of the text, from block `index`.
    Qr {
        index: usize,
        text: String,
    },
    Feed(u8),
}

/// Printable ASCII: what every ESC/POS printer prints with its own font.
pub fn is_printable_ascii(text: &str) -> bool {
    text.bytes().all(|b| (0x20..0x7f).contains(&b))
}

/// Columns of one character (after [`clean`], so no control characters).
pub fn char_columns(c: char, widths: Widths) -> usize {
    if c.is_ascii() {
        return 1;
    }
    match widths {
        Widths::Gb18030 => 2,
        Widths::Unicode => c.width().unwrap_or(0),
    }
}

/// Columns of a string.
pub fn columns(text: &str, widths: Widths) -> usize {
    text.chars().map(|c| char_columns(c, widths)).sum()
}

/// Control characters would be read as printer commands: tabs become a space, carriage returns
/// go, `\n` stays when `keep_newlines`, every other control character becomes a space.
pub fn clean(text: &str, keep_newlines: bool) -> String {
    text.chars()
        .filter(|&c| c != '\r')
        .map(|c| match c {
            '\n' if keep_newlines => '\n',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect()
}

/// Wraps `text` (cleaned, `\n` kept) into lines of at most `max` columns: at a space, before or
/// after a wide character, or anywhere in a word longer than the line.
pub fn wrap(text: &str, max: usize, widths: Widths) -> Vec<String> {
    let max = max.max(2);
    let mut out = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        let mut width = 0;
        for c in para.chars() {
            let cw = char_columns(c, widths);
            if width + cw > max && !line.is_empty() {
                if c == ' ' {
                    out.push(line.trim_end().to_string());
                    line.clear();
                    width = 0;
                    continue;
                }
                match last_break(&line, widths) {
                    Some(at) if at > 0 => {
                        let rest = line.split_off(at);
                        out.push(line.trim_end().to_string());
                        line = rest.trim_start().to_string();
                    }
                    _ => {
                        out.push(line.trim_end().to_string());
                        line.clear();
                    }
                }
                width = columns(&line, widths);
            }
            line.push(c);
            width += cw;
        }
        out.push(line.trim_end().to_string());
    }
    out
}

/// The byte index of the last place `line` may be cut: after a space, before or after a wide
/// character.
fn last_break(line: &str, widths: Widths) -> Option<usize> {
    let mut at = None;
    let mut prev_wide = false;
    for (i, c) in line.char_indices() {
        let wide = char_columns(c, widths) >= 2;
        if (wide || prev_wide) && i > 0 {
            at = Some(i);
        }
        if c == ' ' {
            at = Some(i + 1);
        }
        prev_wide = wide;
    }
    if prev_wide && !line.is_empty() {
        at = Some(line.len());
    }
    at
}

fn pad_to(text: &str, to: usize, widths: Widths) -> String {
    let mut s = text.to_string();
    let w = columns(text, widths);
    s.extend(std::iter::repeat_n(' ', to.saturating_sub(w)));
    s
}

fn block_chars(block: &Block) -> usize {
    match block {
        Block::Title(t) | Block::Text(t) | Block::Center(t) | Block::Qr(t) => t.chars().count(),
        Block::Row { left, right } => left.chars().count() + right.chars().count(),
        Block::Rule | Block::Feed(_) => 0,
    }
}

/// Lays a page out on `paper`: checks every limit, cleans the text, wraps it.
pub fn layout(page: &Page, paper: Paper, widths: Widths) -> Result<Vec<Line>, PageError> {
    if page.blocks.len() > MAX_BLOCKS {
        return Err(PageError::TooManyBlocks {
            blocks: page.blocks.len(),
            max: MAX_BLOCKS,
        });
    }
    let cols = paper.columns();
    let mut lines = Vec::new();
    for (index, block) in page.blocks.iter().enumerate() {
        let chars = block_chars(block);
        if chars > MAX_BLOCK_CHARS {
            return Err(PageError::BlockTooLong {
                index,
                chars,
                max: MAX_BLOCK_CHARS,
            });
        }
        let text_line = |text: String, align: Align, bold: bool, double: bool| {
            Line::Text(TextLine {
                text,
                align,
                bold,
                double,
            })
        };
        match block {
            Block::Title(t) => lines.extend(
                wrap(&clean(t, true), cols / 2, widths)
                    .into_iter()
                    .map(|l| text_line(l, Align::Center, true, true)),
            ),
            Block::Text(t) => lines.extend(
                wrap(&clean(t, true), cols, widths)
                    .into_iter()
                    .map(|l| text_line(l, Align::Left, false, false)),
            ),
            Block::Center(t) => lines.extend(
                wrap(&clean(t, true), cols, widths)
                    .into_iter()
                    .map(|l| text_line(l, Align::Center, false, false)),
            ),
            Block::Row { left, right } => {
                let left = clean(left, true);
                let right = clean(right, false);
                let right = right.trim();
                let rw = columns(right, widths);
                if rw == 0 {
                    lines.extend(
                        wrap(&left, cols, widths)
                            .into_iter()
                            .map(|l| text_line(l, Align::Left, false, false)),
                    );
                } else if rw + 1 + 8 > cols {
                    // The right part leaves no room: the left part, then the right part on lines
                    // of its own, right-aligned.
                    if !left.trim().is_empty() {
                        lines.extend(
                            wrap(&left, cols, widths)
                                .into_iter()
                                .map(|l| text_line(l, Align::Left, false, false)),
                        );
                    }
                    lines.extend(
                        wrap(right, cols, widths)
                            .into_iter()
                            .map(|l| text_line(l, Align::Right, false, false)),
                    );
                } else {
                    let room = cols - rw - 1;
                    for (i, l) in wrap(&left, room, widths).into_iter().enumerate() {
                        let text = if i == 0 {
                            format!("{}{right}", pad_to(&l, cols - rw, widths))
                        } else {
                            l
                        };
                        lines.push(text_line(text, Align::Left, false, false));
                    }
                }
            }
            Block::Rule => lines.push(text_line("-".repeat(cols), Align::Left, false, false)),
            Block::Qr(t) => {
                if t.len() > MAX_QR_BYTES {
                    return Err(PageError::QrTooLong {
                        index,
                        bytes: t.len(),
                        max: MAX_QR_BYTES,
                    });
                }
                lines.push(Line::Qr {
                    index,
                    text: t.clone(),
                });
            }
            Block::Feed(n) => lines.push(Line::Feed((*n).min(MAX_FEED))),
        }
        if lines.len() > MAX_LINES {
            return Err(PageError::TooManyLines { max: MAX_LINES });
        }
    }
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_count_cjk_double() {
        assert_eq!(columns("abc", Widths::Unicode), 3);
        assert_eq!(columns("农夫山泉 550ml", Widths::Unicode), 14);
        assert_eq!(columns("¥4.00", Widths::Unicode), 5);
        assert_eq!(columns("¥4.00", Widths::Gb18030), 6);
        assert_eq!(columns("￥4.00", Widths::Unicode), 6);
    }

    #[test]
    fn wrap_cases() {
        let cases: &[(&str, usize, &[&str])] = &[
            ("hello world", 32, &["hello world"]),
            ("hello world again", 11, &["hello world", "again"]),
            ("abcdefghij", 4, &["abcd", "efgh", "ij"]),
            ("上海静安店欢迎您", 6, &["上海静", "安店欢", "迎您"]),
            (
                "青岛啤酒 Tsingtao 500ml",
                12,
                &["青岛啤酒", "Tsingtao", "500ml"],
            ),
            ("谢谢惠顾Thank you", 10, &["谢谢惠顾", "Thank you"]),
            ("a\nb", 10, &["a", "b"]),
            ("  indented", 20, &["  indented"]),
            ("", 10, &[""]),
        ];
        for (text, max, want) in cases {
            assert_eq!(
                &wrap(text, *max, Widths::Unicode),
                want,
                "{text:?} at {max}"
            );
            for line in wrap(text, *max, Widths::Unicode) {
                assert!(columns(&line, Widths::Unicode) <= *max);
            }
        }
    }

    #[test]
    fn clean_removes_commands() {
        assert_eq!(clean("a\x1b@b\tc\r\nd", true), "a @b c\nd");
        assert_eq!(clean("a\nb", false), "a b");
    }

    fn texts(lines: &[Line]) -> Vec<&str> {
        lines
            .iter()
            .filter_map(|l| match l {
                Line::Text(t) => Some(t.text.as_str()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn row_puts_amount_at_the_right_edge() {
        let page = Page {
            blocks: vec![Block::Row {
                left: "Tsingtao Beer 500ml, a long name that wraps".into(),
                right: "12.00".into(),
            }],
        };
        for paper in [Paper::Mm58, Paper::Mm80] {
            let lines = layout(&page, paper, Widths::Unicode).expect("layout");
            let texts = texts(&lines);
            assert_eq!(texts[0].len(), paper.columns(), "{texts:?}");
            assert!(texts[0].ends_with(" 12.00"));
            for t in &texts {
                assert!(t.len() <= paper.columns());
            }
        }
        let lines58 = layout(&page, Paper::Mm58, Widths::Unicode).expect("layout");
        let lines80 = layout(&page, Paper::Mm80, Widths::Unicode).expect("layout");
        let first58 = format!("{:<27}12.00", "Tsingtao Beer 500ml, a");
        assert_eq!(texts(&lines58), [first58.as_str(), "long name that wraps"]);
        let first80 = format!("{:<43}12.00", "Tsingtao Beer 500ml, a long name that");
        assert_eq!(texts(&lines80), [first80.as_str(), "wraps"]);
    }

    #[test]
    fn cjk_row_counts_double_columns() {
        let page = Page {
            blocks: vec![Block::Row {
                left: "农夫山泉 550ml".into(),
                right: "¥4.00".into(),
            }],
        };
        let lines = layout(&page, Paper::Mm58, Widths::Unicode).expect("layout");
        let t = texts(&lines);
        assert_eq!(columns(t[0], Widths::Unicode), 32);
        let lines = layout(&page, Paper::Mm58, Widths::Gb18030).expect("layout");
        let t = texts(&lines);
        assert_eq!(columns(t[0], Widths::Gb18030), 32);
    }

    #[test]
    fn title_wraps_at_half_the_columns() {
        let page = Page {
            blocks: vec![Block::Title("Shanghai Jing'an Store".into())],
        };
        let lines = layout(&page, Paper::Mm58, Widths::Unicode).expect("layout");
        assert_eq!(texts(&lines), ["Shanghai Jing'an", "Store"]);
    }

    #[test]
    fn limits_are_typed_errors() {
        let long = "x".repeat(MAX_BLOCK_CHARS + 1);
        let page = Page {
            blocks: vec![Block::Rule, Block::Text(long)],
        };
        assert_eq!(
            layout(&page, Paper::Mm58, Widths::Unicode),
            Err(PageError::BlockTooLong {
                index: 1,
                chars: MAX_BLOCK_CHARS + 1,
                max: MAX_BLOCK_CHARS
            })
        );
        let page = Page {
            blocks: vec![Block::Qr("h".repeat(MAX_QR_BYTES + 1))],
        };
        assert!(matches!(
            layout(&page, Paper::Mm58, Widths::Unicode),
            Err(PageError::QrTooLong { index: 0, .. })
        ));
        let page = Page {
            blocks: vec![Block::Rule; MAX_BLOCKS + 1],
        };
        assert!(matches!(
            layout(&page, Paper::Mm58, Widths::Unicode),
            Err(PageError::TooManyBlocks { .. })
        ));
        let page = Page {
            blocks: vec![Block::Text("a\n".repeat(600)); 2],
        };
        assert_eq!(
            layout(&page, Paper::Mm58, Widths::Unicode),
            Err(PageError::TooManyLines { max: MAX_LINES })
        );
        let page = Page {
            blocks: vec![Block::Feed(200)],
        };
        assert_eq!(
            layout(&page, Paper::Mm58, Widths::Unicode),
            Ok(vec![Line::Feed(MAX_FEED)])
        );
    }
}
