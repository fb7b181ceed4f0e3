//! ESC/POS: the commands we send, and a page encoded with them.
//!
//! Every command here is in Epson's ESC/POS reference and understood by the common Chinese
//! thermal printers (Xprinter, Rongta, HPRT, Sunmi): `ESC @`, `ESC a`, `ESC E`, `ESC d`, `GS !`,
//! `GS v 0`, `GS ( k` (QR, function 165/167/169/180/181), `GS V 66`, `ESC p`, `FS &`, `FS .`,
//! `FS !`, `DLE EOT`.

use crate::layout::{self, Align, Line, TextLine, Widths};
use crate::raster::{self, Bitmap, END_FEED_LINES};
use crate::{Page, PageError, Paper};

pub const ESC: u8 = 0x1b;
pub const GS: u8 = 0x1d;
pub const FS: u8 = 0x1c;
pub const DLE: u8 = 0x10;
pub const EOT: u8 = 0x04;
pub const LF: u8 = 0x0a;

/// `ESC @`: clears the buffer and resets every mode.
pub const INIT: [u8; 2] = [ESC, b'@'];
/// `ESC p 0 25 250`: a pulse on drawer pin 2, 50 ms on, 500 ms off.
pub const DRAWER_KICK: [u8; 5] = [ESC, b'p', 0, 25, 250];
/// `GS V 66 0`: feed to the cutter, partial cut.
pub const PARTIAL_CUT: [u8; 4] = [GS, b'V', 66, 0];
/// `FS &`: Chinese (two-byte) character mode on.
pub const CHINESE_ON: [u8; 2] = [FS, b'&'];
/// `FS .`: Chinese character mode off.
pub const CHINESE_OFF: [u8; 2] = [FS, b'.'];
/// `DLE EOT 1`: printer status (online, drawer).
pub const STATUS_PRINTER: [u8; 3] = [DLE, EOT, 1];
/// `DLE EOT 2`: why the printer is offline (cover, paper end, error).
pub const STATUS_OFFLINE_CAUSE: [u8; 3] = [DLE, EOT, 2];
/// `DLE EOT 4`: roll paper sensors (near end, end).
pub const STATUS_PAPER: [u8; 3] = [DLE, EOT, 4];

/// Rows of one `GS v 0` image: printers with small buffers take a tall image in pieces.
pub const MAX_RASTER_ROWS: u32 = 240;

/// `ESC a n`.
pub fn align(a: Align) -> [u8; 3] {
    let n = match a {
        Align::Left => 0,
        Align::Center => 1,
        Align::Right => 2,
    };
    [ESC, b'a', n]
}

/// `ESC E n`.
pub fn bold(on: bool) -> [u8; 3] {
    [ESC, b'E', u8::from(on)]
}

/// `GS ! n`: width and height multipliers, 1 to 8.
pub fn size(width: u8, height: u8) -> [u8; 3] {
    let w = width.clamp(1, 8) - 1;
    let h = height.clamp(1, 8) - 1;
    [GS, b'!', (w << 4) | h]
}

/// `FS ! n`: double width and height of Chinese characters.
pub fn chinese_size(double: bool) -> [u8; 3] {
    [FS, b'!', if double { 0x0c } else { 0 }]
}

/// `ESC d n`: print and feed `n` lines.
pub fn feed(n: u8) -> [u8; 3] {
    [ESC, b'd', n]
}

/// `GS v 0 0 xL xH yL yH d…`, one command per [`MAX_RASTER_ROWS`] rows.
pub fn raster_image(bitmap: &Bitmap) -> Vec<u8> {
    let row_bytes = bitmap.width().div_ceil(8) as usize;
    let packed = bitmap.packed_rows();
    let mut out = Vec::with_capacity(packed.len() + 16);
    for chunk in packed.chunks(row_bytes.max(1) * MAX_RASTER_ROWS as usize) {
        let rows = chunk.len() / row_bytes.max(1);
        out.extend([GS, b'v', b'0', 0]);
        out.extend((row_bytes as u16).to_le_bytes());
        out.extend((rows as u16).to_le_bytes());
        out.extend(chunk);
    }
    out
}

/// `GS ( k` for a QR code: model 2, module size, error correction M, store the data, print it.
pub fn qr_native(text: &str, module: u8) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() + 40);
    let mut function = |f: u8, params: &[u8]| {
        let len = (params.len() + 2) as u16;
        out.extend([GS, b'(', b'k']);
        out.extend(len.to_le_bytes());
        out.extend([49, f]);
        out.extend(params);
    };
    function(65, &[50, 0]); // fn 165: model 2
    function(67, &[module]); // fn 167: module size in dots
    function(69, &[49]); // fn 169: error correction M (48 L, 49 M, 50 Q, 51 H)
    let mut store = vec![48];
    store.extend(text.as_bytes());
    function(80, &store); // fn 180: store the data
    function(81, &[48]); // fn 181: print it
    out
}

/// How text that is not printable ASCII reaches the paper.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum TextMode {
    /// Drawn by us with the bundled font and sent as `GS v 0` images; printable ASCII lines go as
    /// text. Works on every printer, whatever fonts it has.
    #[default]
    Raster,
    /// Sent as GB18030 in the printer's Chinese mode (`FS &` … `FS .`): for printers with a
    /// Chinese font; smaller and faster. Every non-ASCII character takes two columns.
    Gb18030,
}

/// How a QR code reaches the paper.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum QrMode {
    /// The printer draws it (`GS ( k`): a few hundred bytes.
    #[default]
    Native,
    /// We draw it and send it as `GS v 0`, for printers without QR support.
    Raster,
}

/// What [`encode`] does besides the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct EncodeOptions {
    pub mode: TextMode,
    pub qr: QrMode,
    /// Kick the cash drawer (`ESC p`) as the receipt starts printing.
    pub open_drawer: bool,
}

/// The printer's state as far as our commands changed it since `ESC @`.
struct Encoder {
    out: Vec<u8>,
    align: Align,
    bold: bool,
    double: bool,
    chinese_double: bool,
}

impl Encoder {
    fn set_style(&mut self, a: Align, b: bool, double: bool) {
        if a != self.align {
            self.out.extend(align(a));
            self.align = a;
        }
        if b != self.bold {
            self.out.extend(bold(b));
            self.bold = b;
        }
        if double != self.double {
            let m = if double { 2 } else { 1 };
            self.out.extend(size(m, m));
            self.double = double;
        }
    }

    fn text_line(&mut self, line: &TextLine) {
        self.set_style(line.align, line.bold, line.double);
        if line.is_ascii() {
            self.out.extend(line.text.bytes());
        } else {
            if line.double != self.chinese_double {
                self.out.extend(chinese_size(line.double));
                self.chinese_double = line.double;
            }
            let (bytes, _, _) = encoding_rs::GB18030.encode(&line.text);
            self.out.extend(CHINESE_ON);
            self.out.extend(bytes.iter());
            self.out.extend(CHINESE_OFF);
        }
        self.out.push(LF);
    }

    fn raster_lines(&mut self, lines: &mut Vec<&TextLine>, paper: Paper) -> Result<(), PageError> {
        if lines.is_empty() {
            return Ok(());
        }
        let bitmap = raster::text_lines_bitmap(lines, paper)?;
        self.out.extend(raster_image(&bitmap));
        lines.clear();
        Ok(())
    }
}

fn line_rows(line: &TextLine) -> u32 {
    raster::LINE_DOTS * if line.double { 2 } else { 1 }
}

/// The page as ESC/POS bytes for `paper`: `ESC @`, the drawer kick if asked, the lines, the QR
/// codes, a feed and a partial cut. Consecutive lines that go as images share one image (up to
/// [`MAX_RASTER_ROWS`] rows).
pub fn encode(page: &Page, paper: Paper, options: &EncodeOptions) -> Result<Vec<u8>, PageError> {
    let widths = match options.mode {
        TextMode::Raster => Widths::Unicode,
        TextMode::Gb18030 => Widths::Gb18030,
    };
    let lines = layout::layout(page, paper, widths)?;
    let mut e = Encoder {
        out: Vec::new(),
        align: Align::Left,
        bold: false,
        double: false,
        chinese_double: false,
    };
    e.out.extend(INIT);
    if options.open_drawer {
        e.out.extend(DRAWER_KICK);
    }
    let mut pending: Vec<&TextLine> = Vec::new();
    for line in &lines {
        if let Line::Text(t) = line
            && options.mode == TextMode::Raster
            && !t.is_ascii()
        {
            let rows: u32 = pending.iter().map(|l| line_rows(l)).sum();
            if rows + line_rows(t) > MAX_RASTER_ROWS {
                e.raster_lines(&mut pending, paper)?;
            }
            pending.push(t);
            continue;
        }
        e.raster_lines(&mut pending, paper)?;
        match line {
            Line::Text(t) => e.text_line(t),
            Line::Qr { index, text } => match options.qr {
                QrMode::Native => {
                    let (_, width) = raster::qr_modules(text, *index)?;
                    let module = raster::qr_module_dots(width, paper, *index)?;
                    e.set_style(Align::Center, false, false);
                    e.out.extend(qr_native(text, module));
                }
                QrMode::Raster => {
                    let bitmap = raster::qr_bitmap(text, paper, *index)?;
                    e.out.extend(raster_image(&bitmap));
                }
            },
            Line::Feed(n) => e.out.extend(feed(*n)),
        }
    }
    e.raster_lines(&mut pending, paper)?;
    e.out.extend(feed(END_FEED_LINES));
    e.out.extend(PARTIAL_CUT);
    Ok(e.out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Block;

    #[test]
    fn commands_are_the_documented_bytes() {
        assert_eq!(align(Align::Center), [0x1b, 0x61, 1]);
        assert_eq!(bold(true), [0x1b, 0x45, 1]);
        assert_eq!(size(2, 2), [0x1d, 0x21, 0x11]);
        assert_eq!(size(1, 1), [0x1d, 0x21, 0x00]);
        assert_eq!(chinese_size(true), [0x1c, 0x21, 0x0c]);
        assert_eq!(DRAWER_KICK, [0x1b, 0x70, 0x00, 0x19, 0xfa]);
        assert_eq!(PARTIAL_CUT, [0x1d, 0x56, 0x42, 0x00]);
        let qr = qr_native("AB", 4);
        assert_eq!(
            qr,
            [
                0x1d, 0x28, 0x6b, 4, 0, 49, 65, 50, 0, // model 2
                0x1d, 0x28, 0x6b, 3, 0, 49, 67, 4, // module 4
                0x1d, 0x28, 0x6b, 3, 0, 49, 69, 49, // EC M
                0x1d, 0x28, 0x6b, 5, 0, 49, 80, 48, b'A', b'B', // store
                0x1d, 0x28, 0x6b, 3, 0, 49, 81, 48, // print
            ]
        );
    }

    #[test]
    fn raster_is_split_into_pieces() {
        let b = Bitmap::new(384, 500);
        let bytes = raster_image(&b);
        // 240 + 240 + 20 rows, 48 bytes a row, 8 bytes of header each.
        assert_eq!(bytes.len(), 3 * 8 + 48 * 500);
        assert_eq!(&bytes[..8], &[0x1d, 0x76, 0x30, 0, 48, 0, 240, 0]);
        let last = 2 * (8 + 48 * 240);
        assert_eq!(&bytes[last..last + 8], &[0x1d, 0x76, 0x30, 0, 48, 0, 20, 0]);
    }

    #[test]
    fn page_starts_resets_and_ends_with_a_cut() {
        let page = Page {
            blocks: vec![Block::Text("Hello".into())],
        };
        let plain = encode(&page, Paper::Mm58, &EncodeOptions::default()).expect("encode");
        assert_eq!(
            plain,
            [&INIT[..], b"Hello\n", &feed(2), &PARTIAL_CUT].concat()
        );
        let options = EncodeOptions {
            open_drawer: true,
            ..EncodeOptions::default()
        };
        let kick = encode(&page, Paper::Mm58, &options).expect("encode");
        assert_eq!(&kick[..7], &[&INIT[..], &DRAWER_KICK].concat()[..]);
    }

    #[test]
    fn gb18030_mode_sends_chinese_as_text() {
        let page = Page {
            blocks: vec![Block::Text("找零 Change".into())],
        };
        let options = EncodeOptions {
            mode: TextMode::Gb18030,
            ..EncodeOptions::default()
        };
        let bytes = encode(&page, Paper::Mm58, &options).expect("encode");
        let want = [
            &INIT[..],
            &CHINESE_ON,
            &[0xd5, 0xd2, 0xc1, 0xe3],
            b" Change",
            &CHINESE_OFF,
            b"\n",
            &feed(2),
            &PARTIAL_CUT,
        ]
        .concat();
        assert_eq!(bytes, want);
        let raster = encode(&page, Paper::Mm58, &EncodeOptions::default()).expect("encode");
        assert_eq!(&raster[2..6], &[0x1d, 0x76, 0x30, 0]);
        assert!(!raster.windows(2).any(|w| w == CHINESE_ON));
    }

    #[test]
    fn control_characters_cannot_smuggle_commands() {
        let page = Page {
            blocks: vec![Block::Text("a\x1bp\x00\x19\x1dV\x42b".into())],
        };
        let bytes = encode(&page, Paper::Mm58, &EncodeOptions::default()).expect("encode");
        let body = &bytes[2..bytes.len() - 7];
        assert_eq!(body, b"a p   VBb\n");
    }
}
