//! Receipts on paper (issue 15): a page model, our own text layout and 1-bit raster, ESC/POS
//! encoding and the way to a printer.
//!
//! The caller (the terminal) builds a [`Page`] of already-localized strings; this crate holds no
//! words of its own. The same page becomes:
//!
//! - ESC/POS bytes through [`encode`], for a thermal printer 58 mm ([`Paper::Mm58`], 384 dots,
//!   32 columns of font A 12×24) or 80 mm ([`Paper::Mm80`], 576 dots, 48 columns);
//! - a PNG through [`render_png`], drawing the receipt as the paper shows it
//!   (`smartstore receipt png`);
//! - a print through [`send`] to a [`PrinterAddr`]: `tcp:HOST:PORT`, `/dev/usb/lp0`, `file:PATH`.
//!
//! **Layout** is ours ([`layout`]): columns, wrapping and right-aligned amounts are computed here,
//! CJK characters count two columns. **Text that is not printable ASCII** is drawn by us
//! ([`raster`]) and thresholded to one bit, then sent as a `GS v 0` raster image
//! ([`TextMode::Raster`], the default, which works on any ESC/POS printer whatever its fonts), or
//! sent as GB18030 text in the printer's own Chinese mode ([`TextMode::Gb18030`], smaller and
//! faster, for printers with a Chinese font).
//!
//! **Two bundled fonts** draw it: two-column characters with Droid Sans Fallback
//! (`assets/fonts/DroidSansFallbackFull.ttf`, the window's font), one-column characters with
//! DejaVu Sans Mono (`crates/print/assets/fonts`). The Droid font is a fallback font: it has CJK
//! and fullwidth forms but no glyph for `A`, `0` or `¥`, and receipts mix both in one line
//! (`农夫山泉 550ml … ¥4.00`); the monospaced Latin font also looks like the printer's font A.
//!
//! **The rasterizer is `ab_glyph`**: pure Rust, maintained, already in the dependency tree
//! through the window's toolkit, and it reads glyphs lazily from the borrowed font bytes, so the
//! 4 MB CJK font embedded with `include_bytes!` costs nothing until a glyph is drawn.
//!
//! **The ESC/POS commands are written here** ([`escpos`]), not taken from a crate. The `escpos`
//! crate is pure Rust and keeps USB optional, but it is built around its own printer object that
//! writes through its drivers, while we need the bytes of a page ([`encode`]) and the status
//! exchange on our own socket with our own timeouts ([`send`]); its images are loaded from an image
//! file or encoded bytes through the `image` crate (resized, grayed, thresholded), while ours are
//! already 1-bit bitmaps at the printer's dots; and it has no
//! Chinese mode (`FS &` with GB18030). What we would use of it is about twenty fixed byte
//! sequences, which are written and tested (against the test printer's parser in
//! `smartstore-testkit`) in a few lines. `escposify` needs libusb (`rusb`) unconditionally.

pub mod escpos;
pub mod label;
pub mod layout;
pub mod raster;
pub mod transport;

pub use escpos::{EncodeOptions, QrMode, TextMode, encode};
pub use label::{Label, label_escpos, label_png};
pub use layout::Widths;
pub use raster::{render, render_png};
pub use transport::{PrintError, PrinterAddr, PrinterStatus, send};

/// A receipt to print: blocks from top to bottom.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Page {
    pub blocks: Vec<Block>,
}

/// One block of a page. Strings are already localized; `\n` starts a new line, other control
/// characters print as a space (they could otherwise be read as printer commands).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// Big (double width and height), bold, centered; wraps.
    Title(String),
    /// Left-aligned, wraps at the paper's width.
    Text(String),
    /// Centered, wraps.
    Center(String),
    /// `left` wraps in what `right` leaves; `right` ends at the right edge on the first line
    /// (an item's name and its amount).
    Row { left: String, right: String },
    /// A line across the paper.
    Rule,
    /// A centered QR code of the text (model 2, error correction M).
    Qr(String),
    /// Blank lines (at most [`MAX_FEED`]; more are cut to it).
    Feed(u8),
}

/// The paper roll: its printable width.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Paper {
    /// 58 mm roll: 384 dots, 32 columns of font A (12×24).
    #[default]
    Mm58,
    /// 80 mm roll: 576 dots, 48 columns of font A.
    Mm80,
}

impl Paper {
    /// Printable width in dots (203 dpi).
    pub fn dots(self) -> u32 {
        match self {
            Paper::Mm58 => 384,
            Paper::Mm80 => 576,
        }
    }

    /// Columns of font A (12 dots each) across the printable width.
    pub fn columns(self) -> usize {
        match self {
            Paper::Mm58 => 32,
            Paper::Mm80 => 48,
        }
    }
}

/// Limits on what a page may hold: outside input never makes us allocate without bound.
pub const MAX_BLOCKS: usize = 1_000;
/// Characters in one block's text (for a row, left and right together).
pub const MAX_BLOCK_CHARS: usize = 4_000;
/// Lines on one page after wrapping.
pub const MAX_LINES: usize = 1_000;
/// Bytes of a QR code's text (a signed receipt link is about 400).
pub const MAX_QR_BYTES: usize = 1_200;
/// Lines of one [`Block::Feed`].
pub const MAX_FEED: u8 = 16;

/// Why a page cannot be encoded or drawn. Nothing was sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PageError {
    #[error("the page has {blocks} blocks, more than {max}")]
    TooManyBlocks { blocks: usize, max: usize },
    #[error("block {index} has {chars} characters, more than {max}")]
    BlockTooLong {
        index: usize,
        chars: usize,
        max: usize,
    },
    #[error("the page lays out to more than {max} lines")]
    TooManyLines { max: usize },
    #[error("block {index}: a QR code of {bytes} bytes is longer than {max}")]
    QrTooLong {
        index: usize,
        bytes: usize,
        max: usize,
    },
    #[error("a barcode holds printable ASCII only, at most 40 characters: '{text}'")]
    BarcodeText { text: String },
    #[error("the barcode cannot be made: {reason}")]
    BarcodeEncode { reason: String },
    #[error("a barcode of {modules} modules does not fit {dots} dots of paper")]
    BarcodeTooWide { modules: u32, dots: u32 },
    #[error("block {index}: the QR code cannot be made: {reason}")]
    QrEncode { index: usize, reason: String },
    #[error("block {index}: a QR code of {modules} modules does not fit {dots} dots")]
    QrTooWide {
        index: usize,
        modules: u32,
        dots: u32,
    },
    #[error("the bundled font cannot be read")]
    Font,
    #[error("the PNG cannot be written: {0}")]
    Png(String),
}
