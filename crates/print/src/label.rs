//! A shipping label (issue 16): the order's lines of text (number, address) and its parcel id
//! as a Code 128 barcode with the id printed under it, drawn by us on a 1-bit bitmap. The same
//! bitmap becomes a PNG ([`label_png`]) or ESC/POS bytes ([`label_escpos`], a `GS v 0` raster
//! image, which every ESC/POS printer prints whatever barcode commands it knows).
//!
//! The bars come from rxing's Code 128 writer (already in the tree for the scanner): it picks the
//! code sets (C for runs of digits) and the check character.

use rxing::oned::{Code128Writer, OneDimensionalCodeWriter};

use crate::layout::{Align, TextLine, Widths, wrap};
use crate::raster::{Bitmap, png, text_lines_bitmap};
use crate::{PageError, Paper, escpos};

/// Modules of white each side of the bars (Code 128 asks for at least 10).
pub const QUIET_MODULES: u32 = 10;
/// The narrowest module drawn, in printer dots (0.25 mm at 203 dpi).
pub const MIN_MODULE_DOTS: u32 = 2;
/// The widest module drawn.
pub const MAX_MODULE_DOTS: u32 = 4;
/// Bar height, in dots (15 mm at 8 dots/mm).
pub const BAR_DOTS: u32 = 120;
/// The longest parcel id, in bytes.
pub const MAX_PARCEL_ID: usize = 40;

/// A label to print: `title` big on top (the order's number), `lines` under it (address, store,
/// items), then the parcel's barcode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub title: String,
    pub lines: Vec<String>,
    pub parcel_id: String,
}

/// The Code 128 modules of `text` (`true` dark), start to stop, without quiet zones.
pub fn code128_modules(text: &str) -> Result<Vec<bool>, PageError> {
    if text.is_empty()
        || text.len() > MAX_PARCEL_ID
        || !text.bytes().all(|b| (0x20..0x7f).contains(&b))
    {
        return Err(PageError::BarcodeText {
            text: text.chars().take(MAX_PARCEL_ID).collect(),
        });
    }
    Code128Writer
        .encode_oned(text)
        .map_err(|e| PageError::BarcodeEncode {
            reason: e.to_string(),
        })
}

/// A Code 128 barcode of `text` centered on a bitmap `dots` wide, as wide a module as fits.
pub fn code128_bitmap(text: &str, dots: u32) -> Result<Bitmap, PageError> {
    let modules = code128_modules(text)?;
    let total = modules.len() as u32 + 2 * QUIET_MODULES;
    let module = (dots / total).min(MAX_MODULE_DOTS);
    if module < MIN_MODULE_DOTS {
        return Err(PageError::BarcodeTooWide {
            modules: total,
            dots,
        });
    }
    let mut canvas = Bitmap::new(dots, BAR_DOTS);
    let left = i64::from((dots - modules.len() as u32 * module) / 2);
    for (i, dark) in modules.iter().enumerate() {
        if !dark {
            continue;
        }
        for dx in 0..module {
            let x = left + i64::from(i as u32 * module + dx);
            for y in 0..BAR_DOTS {
                canvas.set(x, i64::from(y), true);
            }
        }
    }
    Ok(canvas)
}

fn text_block(text: &str, paper: Paper, align: Align, double: bool) -> Result<Bitmap, PageError> {
    let max = if double {
        paper.columns() / 2
    } else {
        paper.columns()
    };
    let lines: Vec<TextLine> = text
        .split('\n')
        .flat_map(|t| wrap(&crate::layout::clean(t, false), max, Widths::Unicode))
        .map(|text| TextLine {
            text,
            align,
            bold: double,
            double,
        })
        .collect();
    let refs: Vec<&TextLine> = lines.iter().collect();
    text_lines_bitmap(&refs, paper)
}

/// The whole label as the paper shows it.
pub fn label_bitmap(label: &Label, paper: Paper) -> Result<Bitmap, PageError> {
    let gap = Bitmap::new(paper.dots(), 16);
    let mut blocks = vec![
        gap.clone(),
        text_block(&label.title, paper, Align::Left, true)?,
    ];
    for line in &label.lines {
        blocks.push(text_block(line, paper, Align::Left, false)?);
    }
    blocks.push(gap.clone());
    blocks.push(code128_bitmap(&label.parcel_id, paper.dots())?);
    blocks.push(text_block(&label.parcel_id, paper, Align::Center, false)?);
    blocks.push(gap);
    let height = blocks.iter().map(Bitmap::height).sum();
    let mut canvas = Bitmap::new(paper.dots(), height);
    let mut y = 0i64;
    for b in &blocks {
        canvas.blit(b, 0, y);
        y += i64::from(b.height());
    }
    Ok(canvas)
}

/// The label as a PNG, white paper around it.
pub fn label_png(label: &Label, paper: Paper) -> Result<Vec<u8>, PageError> {
    png(&label_bitmap(label, paper)?.to_gray(crate::raster::PAPER_MARGIN))
}

/// The label as ESC/POS: initialise, the raster image, feed, cut.
pub fn label_escpos(label: &Label, paper: Paper) -> Result<Vec<u8>, PageError> {
    let bitmap = label_bitmap(label, paper)?;
    let mut out = Vec::new();
    out.extend(escpos::INIT);
    out.extend(escpos::raster_image(&bitmap));
    out.extend(escpos::feed(4));
    out.extend(escpos::PARTIAL_CUT);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_parcel_id_becomes_code_128_with_its_start_and_stop() {
        let m = code128_modules("OL0000012-A").expect("encodes");
        // Start B or C (11 modules), …, stop (13 modules ending in two bars).
        assert!(m.len() > 11 + 13);
        assert_eq!(m.len() % 11, 2);
        assert!(m[0] && m[1]);
        assert!(m[m.len() - 1] && m[m.len() - 2]);
        assert!(code128_modules("").is_err());
        assert!(code128_modules("名字").is_err());
        assert!(code128_modules(&"9".repeat(MAX_PARCEL_ID + 1)).is_err());
    }

    #[test]
    fn a_too_long_code_for_the_paper_is_refused_not_squeezed() {
        let long = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.$/";
        assert!(matches!(
            code128_bitmap(long, Paper::Mm58.dots()),
            Err(PageError::BarcodeTooWide { .. })
        ));
        let ok = code128_bitmap("OL0000012-A", Paper::Mm80.dots()).expect("fits");
        assert_eq!(ok.width(), Paper::Mm80.dots());
        assert!(ok.black_dots() > 0);
    }
}
