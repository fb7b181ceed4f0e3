//! Our own raster: text drawn with the bundled font on the printer's grid and thresholded to one
//! bit, QR codes drawn module by module, and the whole page drawn as the paper shows it.

use std::sync::OnceLock;

use ab_glyph::{Font, FontRef, PxScale, ScaleFont, point};
use image::{GrayImage, Luma};
use qrcode::{EcLevel, QrCode};

use crate::layout::{self, Align, Line, TextLine, Widths, char_columns};
use crate::{PageError, Paper};

/// Droid Sans Fallback (Apache 2.0, `assets/fonts/README.md`): CJK and fullwidth forms, but no
/// ASCII or Latin-1 glyphs.
static CJK_FONT: &[u8] = include_bytes!("../../../assets/fonts/DroidSansFallbackFull.ttf");
/// DejaVu Sans Mono (Bitstream Vera license, `crates/print/assets/fonts/README.md`): Latin,
/// Greek, Cyrillic and symbols, monospaced like the printer's font A.
static LATIN_FONT: &[u8] = include_bytes!("../assets/fonts/DejaVuSansMono.ttf");

/// Dots per column of font A at normal width.
pub const CELL_DOTS: u32 = 12;
/// Dots from one normal line to the next (the printer's default line spacing).
pub const LINE_DOTS: u32 = 30;
/// Glyph height in dots at normal size (font A is 12×24).
pub const GLYPH_DOTS: u32 = 24;
/// White paper left and right of the printable width in a drawn receipt.
pub const PAPER_MARGIN: u32 = 16;
/// Quiet zone drawn above and below a QR code, in modules.
pub const QR_QUIET_MODULES: u32 = 4;
/// Smallest module a phone reads from thermal paper, and the largest worth the paper.
pub const QR_MIN_MODULE: u8 = 3;
pub const QR_MAX_MODULE: u8 = 6;
/// The baseline's place in the glyph box, from its top.
const BASELINE: f32 = 0.8;
/// Blank lines fed before the cut.
pub const END_FEED_LINES: u8 = 2;

/// The two bundled fonts, parsed once.
pub struct Fonts {
    pub cjk: FontRef<'static>,
    pub latin: FontRef<'static>,
}

impl Fonts {
    /// The font for `c` in a character cell `cols` columns wide: one-column characters in the
    /// monospaced Latin font, two-column ones in the CJK font, each falling back on the other;
    /// a character neither has is the CJK font's missing-glyph box.
    pub fn pick(&self, c: char, cols: u32) -> &FontRef<'static> {
        let (first, second) = if cols >= 2 {
            (&self.cjk, &self.latin)
        } else {
            (&self.latin, &self.cjk)
        };
        if first.glyph_id(c).0 != 0 {
            first
        } else if second.glyph_id(c).0 != 0 {
            second
        } else {
            &self.cjk
        }
    }
}

/// The bundled fonts.
pub fn fonts() -> Result<&'static Fonts, PageError> {
    static FONTS: OnceLock<Option<Fonts>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            Some(Fonts {
                cjk: FontRef::try_from_slice(CJK_FONT).ok()?,
                latin: FontRef::try_from_slice(LATIN_FONT).ok()?,
            })
        })
        .as_ref()
        .ok_or(PageError::Font)
}

/// The scale at which one em of `font` is `em_x` by `em_y` pixels.
fn em_scale(font: &FontRef<'static>, em_x: f32, em_y: f32) -> PxScale {
    let upem = font.units_per_em().unwrap_or(1000.0);
    let k = font.height_unscaled() / upem;
    PxScale {
        x: em_x * k,
        y: em_y * k,
    }
}

/// A 1-bit image: `true` is a black dot.
#[derive(Clone, PartialEq, Eq)]
pub struct Bitmap {
    width: u32,
    height: u32,
    dots: Vec<bool>,
}

impl std::fmt::Debug for Bitmap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Bitmap({}x{}, {} black)",
            self.width,
            self.height,
            self.black_dots()
        )
    }
}

impl Bitmap {
    /// A white bitmap.
    pub fn new(width: u32, height: u32) -> Bitmap {
        Bitmap {
            width,
            height,
            dots: vec![false; width as usize * height as usize],
        }
    }

    pub fn width(&self) -> u32 {
        self.width
    }

    pub fn height(&self) -> u32 {
        self.height
    }

    /// Whether the dot is black; outside the bitmap is white.
    pub fn get(&self, x: u32, y: u32) -> bool {
        x < self.width && y < self.height && self.dots[(y * self.width + x) as usize]
    }

    /// Blackens or whitens a dot; outside the bitmap does nothing.
    pub fn set(&mut self, x: i64, y: i64, black: bool) {
        if x >= 0 && y >= 0 && x < i64::from(self.width) && y < i64::from(self.height) {
            let i = y as usize * self.width as usize + x as usize;
            self.dots[i] = black;
        }
    }

    pub fn black_dots(&self) -> usize {
        self.dots.iter().filter(|d| **d).count()
    }

    /// Copies the black dots of `other` with its top left at (x, y).
    pub fn blit(&mut self, other: &Bitmap, x: i64, y: i64) {
        for oy in 0..other.height {
            for ox in 0..other.width {
                if other.get(ox, oy) {
                    self.set(x + i64::from(ox), y + i64::from(oy), true);
                }
            }
        }
    }

    /// The rows packed eight dots a byte, most significant bit first, each row padded to whole
    /// bytes: the data of `GS v 0`.
    pub fn packed_rows(&self) -> Vec<u8> {
        let row_bytes = self.width.div_ceil(8);
        let mut out = vec![0u8; (row_bytes * self.height) as usize];
        for y in 0..self.height {
            for x in 0..self.width {
                if self.get(x, y) {
                    out[(y * row_bytes + x / 8) as usize] |= 0x80 >> (x % 8);
                }
            }
        }
        out
    }

    /// The inverse of [`Bitmap::packed_rows`]; `None` when `data` is not `row_bytes × height`.
    pub fn from_packed_rows(row_bytes: u32, height: u32, data: &[u8]) -> Option<Bitmap> {
        if data.len() as u64 != u64::from(row_bytes) * u64::from(height) {
            return None;
        }
        let mut b = Bitmap::new(row_bytes * 8, height);
        for y in 0..height {
            for x in 0..row_bytes * 8 {
                let byte = data[(y * row_bytes + x / 8) as usize];
                if byte & (0x80 >> (x % 8)) != 0 {
                    b.set(i64::from(x), i64::from(y), true);
                }
            }
        }
        Some(b)
    }

    /// Black on white, with `margin` white dots left and right.
    pub fn to_gray(&self, margin: u32) -> GrayImage {
        GrayImage::from_fn(self.width + 2 * margin, self.height, |x, y| {
            let black = x >= margin && self.get(x - margin, y);
            Luma([if black { 0 } else { 255 }])
        })
    }
}

/// How a run of text is drawn: the printer's character size and emphasis, and how wide its
/// characters are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextStyle {
    /// 1 to 8, as `GS !` sets it.
    pub width_mul: u32,
    pub height_mul: u32,
    pub bold: bool,
    pub widths: Widths,
}

impl TextStyle {
    pub fn normal(widths: Widths) -> TextStyle {
        TextStyle {
            width_mul: 1,
            height_mul: 1,
            bold: false,
            widths,
        }
    }

    /// Dots one column takes.
    pub fn cell(&self) -> u32 {
        CELL_DOTS * self.width_mul
    }

    /// Dots from this line to the next.
    pub fn line_dots(&self) -> u32 {
        LINE_DOTS * self.height_mul
    }
}

/// Width of `text` in dots at `style`.
pub fn text_dots(text: &str, style: &TextStyle) -> u32 {
    layout::columns(text, style.widths) as u32 * style.cell()
}

/// Draws `text` on the grid with its line box's top left at (x, y): each character centered in
/// its one or two cells (a CJK em fills two cells, a Latin glyph is as tall as the printer's
/// font A), narrowed if wider than them, the coverage thresholded at one half.
pub fn draw_text(
    canvas: &mut Bitmap,
    x: i64,
    y: i64,
    text: &str,
    style: &TextStyle,
) -> Result<(), PageError> {
    let fonts = fonts()?;
    let glyph_h = (GLYPH_DOTS * style.height_mul) as f32;
    let pad = ((LINE_DOTS - GLYPH_DOTS) / 2 * style.height_mul) as f32;
    let baseline = y as f32 + pad + BASELINE * glyph_h;
    let mut cell_x = x as f32;
    let mut last_cell = (cell_x, 0.0f32);
    for c in text.chars() {
        let cols = char_columns(c, style.widths) as u32;
        let (cx, cw) = if cols == 0 {
            last_cell
        } else {
            (cell_x, (cols * style.cell()) as f32)
        };
        if !c.is_whitespace() {
            let font = fonts.pick(c, cols.max(1));
            let id = font.glyph_id(c);
            // A CJK em is square, two cells wide; a Latin glyph's advance is one cell and its
            // em as tall as the CJK one, like font A's 12×24.
            let mut scale = if std::ptr::eq(font, &fonts.cjk) {
                em_scale(font, (GLYPH_DOTS * style.width_mul) as f32, glyph_h)
            } else {
                let upem = font.units_per_em().unwrap_or(1000.0);
                let advance_em = font.h_advance_unscaled(id) / upem;
                let cell = style.cell() as f32;
                let em_x = if advance_em > 0.0 {
                    cell / advance_em
                } else {
                    cell
                };
                em_scale(font, em_x, glyph_h)
            };
            let mut advance = font.as_scaled(scale).h_advance(id);
            if advance > cw && advance > 0.0 {
                scale.x *= cw / advance;
                advance = cw;
            }
            let gx = cx + (cw - advance) / 2.0;
            let glyph = id.with_scale_and_position(scale, point(gx, baseline));
            if let Some(outlined) = font.outline_glyph(glyph) {
                let b = outlined.px_bounds();
                let (left, top) = (b.min.x as i64, b.min.y as i64);
                outlined.draw(|px, py, coverage| {
                    if coverage >= 0.5 {
                        let (dx, dy) = (left + i64::from(px), top + i64::from(py));
                        canvas.set(dx, dy, true);
                        if style.bold {
                            canvas.set(dx + 1, dy, true);
                        }
                    }
                });
            }
        }
        if cols > 0 {
            last_cell = (cx, cw);
            cell_x += cw;
        }
    }
    Ok(())
}

/// Left edge of a line `width` dots wide on paper `dots` wide.
pub fn align_x(align: Align, width: u32, dots: u32) -> i64 {
    let free = i64::from(dots) - i64::from(width);
    match align {
        Align::Left => 0,
        Align::Center => (free / 2).max(0),
        Align::Right => free.max(0),
    }
}

fn line_style(line: &TextLine, widths: Widths) -> TextStyle {
    let mul = if line.double { 2 } else { 1 };
    TextStyle {
        width_mul: mul,
        height_mul: mul,
        bold: line.bold,
        widths,
    }
}

/// Laid-out text lines drawn one under the other on a bitmap as wide as the paper: what the
/// encoder sends as `GS v 0` for lines the printer's font cannot print.
pub fn text_lines_bitmap(lines: &[&TextLine], paper: Paper) -> Result<Bitmap, PageError> {
    let height = lines
        .iter()
        .map(|l| line_style(l, Widths::Unicode).line_dots())
        .sum();
    let mut canvas = Bitmap::new(paper.dots(), height);
    let mut y = 0i64;
    for line in lines {
        let style = line_style(line, Widths::Unicode);
        let x = align_x(line.align, text_dots(&line.text, &style), paper.dots());
        draw_text(&mut canvas, x, y, &line.text, &style)?;
        y += i64::from(style.line_dots());
    }
    Ok(canvas)
}

/// The QR code of `text`, model 2, error correction M: its modules (`true` dark) and width.
pub fn qr_modules(text: &str, index: usize) -> Result<(Vec<bool>, u32), PageError> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).map_err(|e| {
        PageError::QrEncode {
            index,
            reason: e.to_string(),
        }
    })?;
    let width = code.width() as u32;
    let modules = code
        .to_colors()
        .into_iter()
        .map(|c| c == qrcode::Color::Dark)
        .collect();
    Ok((modules, width))
}

/// The module size (dots) for a QR code of `modules` on `paper`: the largest up to
/// [`QR_MAX_MODULE`] that fits with its quiet zone, refused below [`QR_MIN_MODULE`].
pub fn qr_module_dots(modules: u32, paper: Paper, index: usize) -> Result<u8, PageError> {
    let fit = paper.dots() / (modules + 2 * QR_QUIET_MODULES);
    if fit < u32::from(QR_MIN_MODULE) {
        return Err(PageError::QrTooWide {
            index,
            modules,
            dots: paper.dots(),
        });
    }
    Ok(fit.min(u32::from(QR_MAX_MODULE)) as u8)
}

/// A QR code as wide as the paper, centered, with its quiet zone above and below.
pub fn qr_bitmap(text: &str, paper: Paper, index: usize) -> Result<Bitmap, PageError> {
    let (modules, width) = qr_modules(text, index)?;
    let module = u32::from(qr_module_dots(width, paper, index)?);
    Ok(qr_draw(&modules, width, module, paper.dots()))
}

/// Draws QR modules (`width` a side, `module` dots each) centered on a bitmap `dots` wide.
pub fn qr_draw(modules: &[bool], width: u32, module: u32, dots: u32) -> Bitmap {
    let quiet = QR_QUIET_MODULES * module;
    let side = width * module;
    let mut canvas = Bitmap::new(dots, side + 2 * quiet);
    let left = align_x(Align::Center, side, dots);
    for my in 0..width {
        for mx in 0..width {
            if modules[(my * width + mx) as usize] {
                for dy in 0..module {
                    for dx in 0..module {
                        canvas.set(
                            left + i64::from(mx * module + dx),
                            i64::from(quiet + my * module + dy),
                            true,
                        );
                    }
                }
            }
        }
    }
    canvas
}

/// A dashed line across, where the cutter cuts.
pub fn draw_cut_mark(canvas: &mut Bitmap, y: i64) {
    for x in 0..canvas.width() {
        if x % 12 < 6 {
            canvas.set(i64::from(x), y, true);
        }
    }
}

/// The whole receipt as the paper shows it after [`crate::TextMode::Raster`]: every line drawn
/// with the bundled font (ASCII too, in the printer font's 12×24 grid), the QR code, the feed and
/// the cut, with white paper left and right.
pub fn render(page: &crate::Page, paper: Paper) -> Result<GrayImage, PageError> {
    let lines = layout::layout(page, paper, Widths::Unicode)?;
    let mut blocks: Vec<Bitmap> = Vec::new();
    for line in &lines {
        match line {
            Line::Text(t) => blocks.push(text_lines_bitmap(&[t], paper)?),
            Line::Qr { index, text } => blocks.push(qr_bitmap(text, paper, *index)?),
            Line::Feed(n) => blocks.push(Bitmap::new(paper.dots(), u32::from(*n) * LINE_DOTS)),
        }
    }
    let end = u32::from(END_FEED_LINES) * LINE_DOTS;
    let top = LINE_DOTS / 2;
    let height = top + blocks.iter().map(Bitmap::height).sum::<u32>() + end + top;
    let mut canvas = Bitmap::new(paper.dots(), height);
    let mut y = i64::from(top);
    for b in &blocks {
        canvas.blit(b, 0, y);
        y += i64::from(b.height());
    }
    draw_cut_mark(&mut canvas, y + i64::from(end));
    Ok(canvas.to_gray(PAPER_MARGIN))
}

/// [`render`] as PNG bytes.
pub fn render_png(page: &crate::Page, paper: Paper) -> Result<Vec<u8>, PageError> {
    png(&render(page, paper)?)
}

/// A gray image as PNG bytes.
pub fn png(image: &GrayImage) -> Result<Vec<u8>, PageError> {
    let mut out = std::io::Cursor::new(Vec::new());
    image
        .write_to(&mut out, image::ImageFormat::Png)
        .map_err(|e| PageError::Png(e.to_string()))?;
    Ok(out.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_rows_round_trip() {
        let mut b = Bitmap::new(13, 3);
        for (x, y) in [(0, 0), (7, 0), (8, 1), (12, 2)] {
            b.set(x, y, true);
        }
        let packed = b.packed_rows();
        assert_eq!(packed, [0x81, 0x00, 0x00, 0x80, 0x00, 0x08]);
        let back = Bitmap::from_packed_rows(2, 3, &packed).expect("size");
        assert_eq!(back.width(), 16);
        for y in 0..3 {
            for x in 0..13 {
                assert_eq!(back.get(x, y), b.get(x, y));
            }
        }
        assert!(Bitmap::from_packed_rows(2, 3, &packed[1..]).is_none());
    }

    #[test]
    fn cjk_and_latin_glyphs_are_drawn_in_their_cells() {
        let style = TextStyle::normal(Widths::Unicode);
        let mut canvas = Bitmap::new(96, LINE_DOTS);
        draw_text(&mut canvas, 0, 0, "农A", &style).expect("draw");
        let ink = |x0: u32, x1: u32| {
            (x0..x1)
                .flat_map(|x| (0..LINE_DOTS).map(move |y| (x, y)))
                .filter(|&(x, y)| canvas.get(x, y))
                .count()
        };
        // 农 fills two cells (24 dots), A one (12 dots), nothing after.
        assert!(ink(0, 24) > 60, "{}", ink(0, 24));
        assert!(ink(24, 36) > 20, "{}", ink(24, 36));
        assert_eq!(ink(37, 96), 0);
    }

    #[test]
    fn qr_module_fits_the_paper() {
        let text = format!("https://platform.example/r/{}", "A".repeat(380));
        let (_, width) = qr_modules(&text, 0).expect("qr");
        let m58 = qr_module_dots(width, Paper::Mm58, 0).expect("fits 58");
        let m80 = qr_module_dots(width, Paper::Mm80, 0).expect("fits 80");
        assert!((QR_MIN_MODULE..=QR_MAX_MODULE).contains(&m58));
        assert!(m80 >= m58);
        assert!((width + 8) * u32::from(m58) <= 384);
        assert_eq!(
            qr_module_dots(200, Paper::Mm58, 3),
            Err(PageError::QrTooWide {
                index: 3,
                modules: 200,
                dots: 384
            })
        );
    }
}
