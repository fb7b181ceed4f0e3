//! A test receipt printer: a TCP server on a loopback port that answers `DLE EOT` status queries
//! like an ESC/POS printer in a chosen state and keeps every connection's bytes; a strict ESC/POS
//! parser (an unknown or truncated command is an error, never skipped); and a renderer that draws
//! what it parsed as the paper would show it.
//!
//! It is written from the ESC/POS reference, not from `smartstore-print`'s encoder: the parser
//! does not share its constants. The renderer draws text with the print crate's fonts and grid
//! ([`smartstore_print::raster::draw_text`]), so a printed receipt and `smartstore receipt png`
//! look alike; QR codes it draws itself with the `qrcode` crate.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use image::GrayImage;
use smartstore_print::layout::{Align, Widths};
use smartstore_print::raster::{
    Bitmap, LINE_DOTS, PAPER_MARGIN, TextStyle, align_x, draw_cut_mark, draw_text, text_dots,
};
use smartstore_print::{PageError, Paper, PrinterAddr};

/// What the printer answers to status queries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PrinterState {
    Ready,
    /// The roll is empty: offline, paper end in the offline cause and the roll sensor.
    PaperOut,
    /// The cover is open: offline, cover open in the offline cause.
    CoverOpen,
    /// Accepts connections and never answers.
    Offline,
}

impl PrinterState {
    /// The real-time status byte (`0xx1xx10`) answering `DLE EOT n`, if any.
    pub fn answer(self, n: u8) -> Option<u8> {
        const BASE: u8 = 0b0001_0010;
        const OFFLINE: u8 = 1 << 3;
        const COVER_OPEN: u8 = 1 << 2;
        const STOPPED_AT_PAPER_END: u8 = 1 << 5;
        const ROLL_NEAR_END: u8 = 0b0000_1100;
        const ROLL_END: u8 = 0b0110_0000;
        let byte = match (self, n) {
            (PrinterState::Offline, _) => return None,
            (PrinterState::Ready, _) => BASE,
            (PrinterState::PaperOut | PrinterState::CoverOpen, 1) => BASE | OFFLINE,
            (PrinterState::PaperOut, 2) => BASE | STOPPED_AT_PAPER_END,
            (PrinterState::PaperOut, 4) => BASE | ROLL_NEAR_END | ROLL_END,
            (PrinterState::CoverOpen, 2) => BASE | COVER_OPEN,
            (PrinterState::PaperOut | PrinterState::CoverOpen, _) => BASE,
        };
        Some(byte)
    }
}

/// One connection: every byte it sent, and the first parse error the printer met (the printer
/// parses as the bytes come, to answer status queries).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub bytes: Vec<u8>,
    pub error: Option<ParseError>,
}

type Jobs = Arc<(Mutex<Vec<Job>>, Condvar)>;

/// The test printer: stops accepting when dropped.
pub struct TestPrinter {
    addr: SocketAddr,
    state: Arc<Mutex<PrinterState>>,
    jobs: Jobs,
    stop: Arc<AtomicBool>,
    accept: Option<JoinHandle<()>>,
}

impl TestPrinter {
    /// A printer on a free port of 127.0.0.1 in `state`.
    pub fn start(state: PrinterState) -> TestPrinter {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the test printer");
        let addr = listener.local_addr().expect("test printer address");
        let state = Arc::new(Mutex::new(state));
        let jobs: Jobs = Arc::default();
        let stop = Arc::new(AtomicBool::new(false));
        let accept = {
            let (state, jobs, stop) = (state.clone(), jobs.clone(), stop.clone());
            std::thread::Builder::new()
                .name("test-printer".into())
                .spawn(move || {
                    for conn in listener.incoming() {
                        if stop.load(Ordering::SeqCst) {
                            break;
                        }
                        let Ok(conn) = conn else { continue };
                        let (state, jobs) = (state.clone(), jobs.clone());
                        let _ = std::thread::Builder::new()
                            .name("test-printer-conn".into())
                            .spawn(move || serve(conn, &state, &jobs));
                    }
                })
                .expect("spawn the test printer")
        };
        TestPrinter {
            addr,
            state,
            jobs,
            stop,
            accept: Some(accept),
        }
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// `tcp:127.0.0.1:PORT`.
    pub fn address(&self) -> PrinterAddr {
        PrinterAddr::Tcp {
            host: self.addr.ip().to_string(),
            port: self.addr.port(),
        }
    }

    pub fn set_state(&self, state: PrinterState) {
        *self.state.lock().expect("printer state") = state;
    }

    /// The finished connections so far.
    pub fn jobs(&self) -> Vec<Job> {
        self.jobs.0.lock().expect("jobs").clone()
    }

    /// Waits until `n` connections have finished (or `timeout` passed), then returns them all.
    pub fn wait_for_jobs(&self, n: usize, timeout: Duration) -> Vec<Job> {
        let deadline = Instant::now() + timeout;
        let (lock, cvar) = &*self.jobs;
        let mut jobs = lock.lock().expect("jobs");
        while jobs.len() < n {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            jobs = cvar.wait_timeout(jobs, left).expect("jobs").0;
        }
        jobs.clone()
    }
}

impl Drop for TestPrinter {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(h) = self.accept.take() {
            let _ = h.join();
        }
    }
}

/// One connection: reads until the client closes, parsing as bytes come and answering status
/// queries in the state of the moment.
fn serve(mut conn: TcpStream, state: &Mutex<PrinterState>, jobs: &Jobs) {
    let _ = conn.set_read_timeout(Some(Duration::from_secs(20)));
    let mut bytes = Vec::new();
    let mut pos = 0;
    let mut parser = Parser::default();
    let mut error = None;
    let mut chunk = [0u8; 8192];
    loop {
        match conn.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => bytes.extend_from_slice(&chunk[..n]),
        }
        while error.is_none() {
            match parser.next(&bytes[pos..], pos, false) {
                Ok(Some((item, used))) => {
                    pos += used;
                    if let Item::StatusQuery(n) = item {
                        let answer = state.lock().map(|s| s.answer(n)).ok().flatten();
                        if let Some(b) = answer {
                            let _ = conn.write_all(&[b]);
                        }
                    }
                }
                Ok(None) => break,
                Err(e) => error = Some(e),
            }
        }
    }
    while error.is_none() {
        match parser.next(&bytes[pos..], pos, true) {
            Ok(Some((_, used))) => pos += used,
            Ok(None) => break,
            Err(e) => error = Some(e),
        }
    }
    let (lock, cvar) = &**jobs;
    if let Ok(mut jobs) = lock.lock() {
        jobs.push(Job { bytes, error });
        cvar.notify_all();
    }
}

/// One command or run of text, as the printer understood it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// `ESC @`
    Init,
    /// `ESC a n`
    Align(Align),
    /// `ESC E n`
    Bold(bool),
    /// `GS ! n`: multipliers 1 to 8.
    Size { width: u8, height: u8 },
    /// `FS &` (true), `FS .` (false)
    ChineseMode(bool),
    /// `FS ! n`
    ChineseSize {
        double_width: bool,
        double_height: bool,
    },
    /// Printable ASCII, or GB18030 decoded in Chinese mode.
    Text(String),
    /// `LF`
    LineFeed,
    /// `ESC d n`
    Feed(u8),
    /// `GS v 0`: the bitmap is `row bytes × 8` dots wide.
    Raster(Bitmap),
    /// `GS ( k`, function 165: model 1 or 2.
    QrModel(u8),
    /// Function 167: module size in dots.
    QrModuleSize(u8),
    /// Function 169: `L`, `M`, `Q` or `H`.
    QrErrorCorrection(char),
    /// Function 180: the data stored for the next print.
    QrStore(String),
    /// Function 181.
    QrPrint,
    /// `GS V m [n]`
    Cut { partial: bool, feed: u8 },
    /// `ESC p m t1 t2`: pin 2 (`pin` 0) or pin 5 (1), times in milliseconds.
    DrawerKick { pin: u8, on_ms: u16, off_ms: u16 },
    /// `DLE EOT n`
    StatusQuery(u8),
}

/// Why bytes are not the ESC/POS we understand. `offset` is where the command starts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("{command} at byte {offset} is cut short")]
    Truncated {
        offset: usize,
        command: &'static str,
    },
    #[error("unknown command {bytes:02x?} at byte {offset}")]
    Unknown { offset: usize, bytes: Vec<u8> },
    #[error("{command} at byte {offset} has a bad parameter {value}")]
    BadParameter {
        offset: usize,
        command: &'static str,
        value: u32,
    },
    #[error("text at byte {offset} is not {encoding}")]
    BadText {
        offset: usize,
        encoding: &'static str,
    },
}

/// Largest `GS v 0` image we take: 4096 dots wide, 4095 rows.
const MAX_RASTER_ROW_BYTES: u32 = 512;
const MAX_RASTER_ROWS: u32 = 4095;

/// The parser's state between commands: only Chinese mode changes how bytes read.
#[derive(Debug, Clone, Default)]
pub struct Parser {
    chinese: bool,
}

impl Parser {
    /// The next item at the start of `bytes` and the bytes it took. `Ok(None)` when `bytes` is
    /// empty, or holds the start of a command that is not complete yet and `at_eof` is false.
    pub fn next(
        &mut self,
        bytes: &[u8],
        offset: usize,
        at_eof: bool,
    ) -> Result<Option<(Item, usize)>, ParseError> {
        if bytes.is_empty() {
            return Ok(None);
        }
        macro_rules! need {
            ($n:expr, $command:expr) => {
                if bytes.len() < $n {
                    return if at_eof {
                        Err(ParseError::Truncated {
                            offset,
                            command: $command,
                        })
                    } else {
                        Ok(None)
                    };
                }
            };
        }
        let bad = |command: &'static str, value: u32| ParseError::BadParameter {
            offset,
            command,
            value,
        };
        let unknown = |n: usize| ParseError::Unknown {
            offset,
            bytes: bytes[..n.min(bytes.len())].to_vec(),
        };
        let item = match bytes[0] {
            0x0a => (Item::LineFeed, 1),
            0x1b => {
                need!(2, "ESC");
                match bytes[1] {
                    b'@' => (Item::Init, 2),
                    b'a' => {
                        need!(3, "ESC a");
                        let a = match bytes[2] {
                            0 | 48 => Align::Left,
                            1 | 49 => Align::Center,
                            2 | 50 => Align::Right,
                            n => return Err(bad("ESC a", n.into())),
                        };
                        (Item::Align(a), 3)
                    }
                    b'E' => {
                        need!(3, "ESC E");
                        (Item::Bold(bytes[2] & 1 == 1), 3)
                    }
                    b'd' => {
                        need!(3, "ESC d");
                        (Item::Feed(bytes[2]), 3)
                    }
                    b'p' => {
                        need!(5, "ESC p");
                        let pin = match bytes[2] {
                            0 | 48 => 0,
                            1 | 49 => 1,
                            n => return Err(bad("ESC p", n.into())),
                        };
                        let on_ms = u16::from(bytes[3]) * 2;
                        let off_ms = u16::from(bytes[4]) * 2;
                        (Item::DrawerKick { pin, on_ms, off_ms }, 5)
                    }
                    _ => return Err(unknown(2)),
                }
            }
            0x1d => {
                need!(2, "GS");
                match bytes[1] {
                    b'!' => {
                        need!(3, "GS !");
                        let n = bytes[2];
                        if n >> 4 > 7 || n & 0x0f > 7 {
                            return Err(bad("GS !", n.into()));
                        }
                        (
                            Item::Size {
                                width: (n >> 4) + 1,
                                height: (n & 0x0f) + 1,
                            },
                            3,
                        )
                    }
                    b'v' => {
                        need!(3, "GS v");
                        if bytes[2] != b'0' {
                            return Err(unknown(3));
                        }
                        need!(8, "GS v 0");
                        let m = bytes[3];
                        if !matches!(m, 0..=3 | 48..=51) {
                            return Err(bad("GS v 0 m", m.into()));
                        }
                        let x = u32::from(u16::from_le_bytes([bytes[4], bytes[5]]));
                        let y = u32::from(u16::from_le_bytes([bytes[6], bytes[7]]));
                        if x == 0 || x > MAX_RASTER_ROW_BYTES {
                            return Err(bad("GS v 0 width", x));
                        }
                        if y == 0 || y > MAX_RASTER_ROWS {
                            return Err(bad("GS v 0 height", y));
                        }
                        let len = 8 + (x * y) as usize;
                        need!(len, "GS v 0 data");
                        let bitmap = Bitmap::from_packed_rows(x, y, &bytes[8..len])
                            .ok_or_else(|| bad("GS v 0 data", x * y))?;
                        (Item::Raster(bitmap), len)
                    }
                    b'(' => {
                        need!(3, "GS (");
                        if bytes[2] != b'k' {
                            return Err(unknown(3));
                        }
                        need!(5, "GS ( k");
                        let len = usize::from(u16::from_le_bytes([bytes[3], bytes[4]]));
                        if len < 2 {
                            return Err(bad("GS ( k length", len as u32));
                        }
                        need!(5 + len, "GS ( k data");
                        let (cn, f, params) = (bytes[5], bytes[6], &bytes[7..5 + len]);
                        if cn != 49 {
                            return Err(bad("GS ( k symbol (49 is QR)", cn.into()));
                        }
                        (qr_function(f, params, offset)?, 5 + len)
                    }
                    b'V' => {
                        need!(3, "GS V");
                        match bytes[2] {
                            0 | 48 => (
                                Item::Cut {
                                    partial: false,
                                    feed: 0,
                                },
                                3,
                            ),
                            1 | 49 => (
                                Item::Cut {
                                    partial: true,
                                    feed: 0,
                                },
                                3,
                            ),
                            m @ (65 | 66) => {
                                need!(4, "GS V m n");
                                (
                                    Item::Cut {
                                        partial: m == 66,
                                        feed: bytes[3],
                                    },
                                    4,
                                )
                            }
                            m => return Err(bad("GS V", m.into())),
                        }
                    }
                    _ => return Err(unknown(2)),
                }
            }
            0x1c => {
                need!(2, "FS");
                match bytes[1] {
                    b'&' => {
                        self.chinese = true;
                        (Item::ChineseMode(true), 2)
                    }
                    b'.' => {
                        self.chinese = false;
                        (Item::ChineseMode(false), 2)
                    }
                    b'!' => {
                        need!(3, "FS !");
                        let n = bytes[2];
                        (
                            Item::ChineseSize {
                                double_width: n & 0x04 != 0,
                                double_height: n & 0x08 != 0,
                            },
                            3,
                        )
                    }
                    _ => return Err(unknown(2)),
                }
            }
            0x10 => {
                need!(3, "DLE EOT");
                if bytes[1] != 0x04 {
                    return Err(unknown(2));
                }
                match bytes[2] {
                    n @ 1..=4 => (Item::StatusQuery(n), 3),
                    n => return Err(bad("DLE EOT", n.into())),
                }
            }
            b if b >= 0x20 && b != 0x7f && (b < 0x80 || self.chinese) => {
                let end = bytes
                    .iter()
                    .position(|&b| b < 0x20 || b == 0x7f || (b >= 0x80 && !self.chinese))
                    .unwrap_or(bytes.len());
                if end == bytes.len() && !at_eof {
                    // More of this run may be on its way (and a GB18030 character may be split).
                    return Ok(None);
                }
                let run = &bytes[..end];
                let text = if self.chinese {
                    encoding_rs::GB18030
                        .decode_without_bom_handling_and_without_replacement(run)
                        .ok_or(ParseError::BadText {
                            offset,
                            encoding: "GB18030",
                        })?
                        .into_owned()
                } else {
                    String::from_utf8(run.to_vec()).map_err(|_| ParseError::BadText {
                        offset,
                        encoding: "ASCII",
                    })?
                };
                (Item::Text(text), end)
            }
            _ => return Err(unknown(1)),
        };
        Ok(Some(item))
    }
}

fn qr_function(f: u8, params: &[u8], offset: usize) -> Result<Item, ParseError> {
    let bad = |command: &'static str, value: u32| ParseError::BadParameter {
        offset,
        command,
        value,
    };
    match (f, params) {
        (65, [n1 @ (49 | 50), 0]) => Ok(Item::QrModel(n1 - 48)),
        (65, _) => Err(bad("QR model", params.first().copied().unwrap_or(0).into())),
        (67, [n @ 1..=16]) => Ok(Item::QrModuleSize(*n)),
        (67, _) => Err(bad(
            "QR module size",
            params.first().copied().unwrap_or(0).into(),
        )),
        (69, [n @ 48..=51]) => Ok(Item::QrErrorCorrection(
            ['L', 'M', 'Q', 'H'][usize::from(n - 48)],
        )),
        (69, _) => Err(bad(
            "QR error correction",
            params.first().copied().unwrap_or(0).into(),
        )),
        (80, [48, data @ ..]) => {
            String::from_utf8(data.to_vec())
                .map(Item::QrStore)
                .map_err(|_| ParseError::BadText {
                    offset,
                    encoding: "UTF-8",
                })
        }
        (81, [48]) => Ok(Item::QrPrint),
        (f, _) => Err(bad("QR function", f.into())),
    }
}

/// Parses a whole job; an unknown, malformed or cut-short command is an error.
pub fn parse(bytes: &[u8]) -> Result<Vec<Item>, ParseError> {
    let mut parser = Parser::default();
    let mut items = Vec::new();
    let mut pos = 0;
    while let Some((item, used)) = parser.next(&bytes[pos..], pos, true)? {
        items.push(item);
        pos += used;
    }
    Ok(items)
}

/// The printed text lines: the text runs between line feeds (a feed ends a line that has text).
pub fn text_lines(items: &[Item]) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for item in items {
        match item {
            Item::Text(t) => line.push_str(t),
            Item::LineFeed => lines.push(std::mem::take(&mut line)),
            Item::Feed(_) | Item::Cut { .. } if !line.is_empty() => {
                lines.push(std::mem::take(&mut line));
            }
            _ => {}
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// The raster images, in order.
pub fn rasters(items: &[Item]) -> Vec<&Bitmap> {
    items
        .iter()
        .filter_map(|i| match i {
            Item::Raster(b) => Some(b),
            _ => None,
        })
        .collect()
}

/// The text of every QR code printed (the data stored when the print came).
pub fn printed_qr_texts(items: &[Item]) -> Vec<String> {
    let mut stored: Option<&String> = None;
    let mut out = Vec::new();
    for item in items {
        match item {
            Item::QrStore(t) => stored = Some(t),
            Item::QrPrint => out.extend(stored.cloned()),
            _ => {}
        }
    }
    out
}

/// The text of the codes the terminal's own decoder finds in an image (a rendered receipt).
pub fn decode_codes(image: &GrayImage) -> Vec<String> {
    let (w, h) = image.dimensions();
    let Ok(frame) = smartstore_scan::LumaFrame::new(w as usize, h as usize, image.to_vec()) else {
        return Vec::new();
    };
    smartstore_scan::Decoder::new(smartstore_scan::Effort::Still)
        .decode(&frame)
        .into_iter()
        .map(|d| d.text)
        .collect()
}

/// The printer's state while drawing.
struct Pen {
    align: Align,
    bold: bool,
    width: u8,
    height: u8,
    chinese: bool,
    chinese_double_width: bool,
    chinese_double_height: bool,
    qr_module: u8,
    qr_level: qrcode::EcLevel,
    qr_data: Option<String>,
}

impl Pen {
    fn new() -> Pen {
        Pen {
            align: Align::Left,
            bold: false,
            width: 1,
            height: 1,
            chinese: false,
            chinese_double_width: false,
            chinese_double_height: false,
            qr_module: 3,
            qr_level: qrcode::EcLevel::L,
            qr_data: None,
        }
    }

    fn style(&self, text: &str) -> TextStyle {
        let (mut w, mut h) = (u32::from(self.width), u32::from(self.height));
        if self.chinese && !text.is_ascii() {
            w = w.max(if self.chinese_double_width { 2 } else { 1 });
            h = h.max(if self.chinese_double_height { 2 } else { 1 });
        }
        TextStyle {
            width_mul: w,
            height_mul: h,
            bold: self.bold,
            widths: if self.chinese {
                Widths::Gb18030
            } else {
                Widths::Unicode
            },
        }
    }
}

/// Draws parsed items as the paper shows them: text lines on the 12×24 grid (with the print
/// crate's fonts), raster images dot for dot, QR codes from their stored data, the cut.
pub fn render(items: &[Item], paper: Paper) -> Result<GrayImage, PageError> {
    let dots = paper.dots();
    let mut strips: Vec<Bitmap> = vec![Bitmap::new(dots, LINE_DOTS / 2)];
    let mut pen = Pen::new();
    let mut line: Vec<(String, TextStyle)> = Vec::new();

    let end_line = |line: &mut Vec<(String, TextStyle)>,
                    align: Align,
                    strips: &mut Vec<Bitmap>|
     -> Result<(), PageError> {
        let height = line
            .iter()
            .map(|(_, s)| s.line_dots())
            .max()
            .unwrap_or(LINE_DOTS);
        let width: u32 = line.iter().map(|(t, s)| text_dots(t, s)).sum();
        let mut strip = Bitmap::new(dots, height);
        let mut x = align_x(align, width, dots);
        for (text, style) in line.iter() {
            // Every part of a line shares its baseline.
            let y = i64::from(height - style.line_dots());
            draw_text(&mut strip, x, y, text, style)?;
            x += i64::from(text_dots(text, style));
        }
        line.clear();
        strips.push(strip);
        Ok(())
    };

    for item in items {
        match item {
            Item::Init => pen = Pen::new(),
            Item::Align(a) => pen.align = *a,
            Item::Bold(b) => pen.bold = *b,
            Item::Size { width, height } => (pen.width, pen.height) = (*width, *height),
            Item::ChineseMode(on) => pen.chinese = *on,
            Item::ChineseSize {
                double_width,
                double_height,
            } => {
                pen.chinese_double_width = *double_width;
                pen.chinese_double_height = *double_height;
            }
            Item::Text(t) => line.push((t.clone(), pen.style(t))),
            Item::LineFeed => end_line(&mut line, pen.align, &mut strips)?,
            Item::Feed(n) => {
                if !line.is_empty() {
                    end_line(&mut line, pen.align, &mut strips)?;
                }
                strips.push(Bitmap::new(dots, u32::from(*n) * LINE_DOTS));
            }
            Item::Raster(b) => {
                let mut strip = Bitmap::new(dots, b.height());
                strip.blit(b, align_x(pen.align, b.width(), dots), 0);
                strips.push(strip);
            }
            Item::QrModel(_) => {}
            Item::QrModuleSize(m) => pen.qr_module = *m,
            Item::QrErrorCorrection(c) => {
                pen.qr_level = match c {
                    'L' => qrcode::EcLevel::L,
                    'Q' => qrcode::EcLevel::Q,
                    'H' => qrcode::EcLevel::H,
                    _ => qrcode::EcLevel::M,
                };
            }
            Item::QrStore(t) => pen.qr_data = Some(t.clone()),
            Item::QrPrint => {
                if let Some(data) = &pen.qr_data {
                    strips.push(draw_qr(data, pen.qr_level, pen.qr_module, pen.align, dots)?);
                }
            }
            Item::Cut { feed, .. } => {
                if !line.is_empty() {
                    end_line(&mut line, pen.align, &mut strips)?;
                }
                let mut strip = Bitmap::new(dots, u32::from(*feed) + LINE_DOTS);
                draw_cut_mark(&mut strip, i64::from(u32::from(*feed) + LINE_DOTS / 2));
                strips.push(strip);
            }
            Item::DrawerKick { .. } | Item::StatusQuery(_) => {}
        }
    }
    if !line.is_empty() {
        end_line(&mut line, pen.align, &mut strips)?;
    }
    let height = strips.iter().map(Bitmap::height).sum();
    let mut paper_roll = Bitmap::new(dots, height);
    let mut y = 0i64;
    for s in &strips {
        paper_roll.blit(s, 0, y);
        y += i64::from(s.height());
    }
    Ok(paper_roll.to_gray(PAPER_MARGIN))
}

/// A QR code as a printer draws it: `module` dots a module, four modules of quiet zone above and
/// below, placed by the alignment.
fn draw_qr(
    data: &str,
    level: qrcode::EcLevel,
    module: u8,
    align: Align,
    dots: u32,
) -> Result<Bitmap, PageError> {
    let code =
        qrcode::QrCode::with_error_correction_level(data.as_bytes(), level).map_err(|e| {
            PageError::QrEncode {
                index: 0,
                reason: e.to_string(),
            }
        })?;
    let (width, module) = (code.width() as u32, u32::from(module));
    let quiet = 4 * module;
    let mut strip = Bitmap::new(dots, width * module + 2 * quiet);
    let left = align_x(align, width * module, dots);
    for (i, color) in code.to_colors().into_iter().enumerate() {
        if color != qrcode::Color::Dark {
            continue;
        }
        let (mx, my) = (i as u32 % width, i as u32 / width);
        for dy in 0..module {
            for dx in 0..module {
                strip.set(
                    left + i64::from(mx * module + dx),
                    i64::from(quiet + my * module + dy),
                    true,
                );
            }
        }
    }
    Ok(strip)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printer_parses_every_command() {
        let mut bytes = vec![0x10, 0x04, 1, 0x1b, b'@', 0x1b, b'p', 0, 25, 250];
        bytes.extend([0x1b, b'a', 1, 0x1b, b'E', 1, 0x1d, b'!', 0x11]);
        bytes.extend(b"TOTAL\n");
        bytes.extend([
            0x1c, b'!', 0x0c, 0x1c, b'&', 0xd5, 0xd2, 0xc1, 0xe3, 0x1c, b'.', b'\n',
        ]);
        bytes.extend([0x1d, b'v', b'0', 0, 1, 0, 2, 0, 0x80, 0x01]);
        bytes.extend([0x1d, b'(', b'k', 4, 0, 49, 65, 50, 0]);
        bytes.extend([0x1d, b'(', b'k', 3, 0, 49, 67, 4]);
        bytes.extend([0x1d, b'(', b'k', 3, 0, 49, 69, 49]);
        bytes.extend([0x1d, b'(', b'k', 5, 0, 49, 80, 48, b'h', b'i']);
        bytes.extend([0x1d, b'(', b'k', 3, 0, 49, 81, 48]);
        bytes.extend([0x1b, b'd', 2, 0x1d, b'V', 66, 0]);
        let items = parse(&bytes).expect("parse");
        let mut raster = Bitmap::new(8, 2);
        raster.set(0, 0, true);
        raster.set(7, 1, true);
        assert_eq!(
            items,
            [
                Item::StatusQuery(1),
                Item::Init,
                Item::DrawerKick {
                    pin: 0,
                    on_ms: 50,
                    off_ms: 500
                },
                Item::Align(Align::Center),
                Item::Bold(true),
                Item::Size {
                    width: 2,
                    height: 2
                },
                Item::Text("TOTAL".into()),
                Item::LineFeed,
                Item::ChineseSize {
                    double_width: true,
                    double_height: true
                },
                Item::ChineseMode(true),
                Item::Text("找零".into()),
                Item::ChineseMode(false),
                Item::LineFeed,
                Item::Raster(raster),
                Item::QrModel(2),
                Item::QrModuleSize(4),
                Item::QrErrorCorrection('M'),
                Item::QrStore("hi".into()),
                Item::QrPrint,
                Item::Feed(2),
                Item::Cut {
                    partial: true,
                    feed: 0
                },
            ]
        );
        assert_eq!(text_lines(&items), ["TOTAL", "找零"]);
        assert_eq!(printed_qr_texts(&items), ["hi"]);
    }

    #[test]
    fn printer_refuses_what_it_does_not_know() {
        let cases: &[(&[u8], ParseError)] = &[
            (
                &[0x1b, b'@', 0x1b],
                ParseError::Truncated {
                    offset: 2,
                    command: "ESC",
                },
            ),
            (
                &[0x1b, b'Z'],
                ParseError::Unknown {
                    offset: 0,
                    bytes: vec![0x1b, b'Z'],
                },
            ),
            (
                &[b'a', 0x07],
                ParseError::Unknown {
                    offset: 1,
                    bytes: vec![0x07],
                },
            ),
            (
                &[b'a', 0x0d],
                ParseError::Unknown {
                    offset: 1,
                    bytes: vec![0x0d],
                },
            ),
            (
                &[0xd5, 0xd2],
                ParseError::Unknown {
                    offset: 0,
                    bytes: vec![0xd5],
                },
            ),
            (
                &[0x1b, b'a', 7],
                ParseError::BadParameter {
                    offset: 0,
                    command: "ESC a",
                    value: 7,
                },
            ),
            (
                &[0x1d, b'!', 0x88],
                ParseError::BadParameter {
                    offset: 0,
                    command: "GS !",
                    value: 0x88,
                },
            ),
            (
                &[0x1d, b'v', b'0', 0, 1, 0, 2, 0, 0x80],
                ParseError::Truncated {
                    offset: 0,
                    command: "GS v 0 data",
                },
            ),
            (
                &[0x1d, b'v', b'0', 0, 0, 0, 2, 0],
                ParseError::BadParameter {
                    offset: 0,
                    command: "GS v 0 width",
                    value: 0,
                },
            ),
            (
                &[0x1d, b'(', b'k', 3, 0, 50, 67, 4],
                ParseError::BadParameter {
                    offset: 0,
                    command: "GS ( k symbol (49 is QR)",
                    value: 50,
                },
            ),
            (
                &[0x1d, b'(', b'k', 3, 0, 49, 67, 40],
                ParseError::BadParameter {
                    offset: 0,
                    command: "QR module size",
                    value: 40,
                },
            ),
            (
                &[0x1d, b'(', b'k', 9, 0, 49, 80, 48],
                ParseError::Truncated {
                    offset: 0,
                    command: "GS ( k data",
                },
            ),
            (
                &[0x1d, b'V', 66],
                ParseError::Truncated {
                    offset: 0,
                    command: "GS V m n",
                },
            ),
            (
                &[0x10, 0x04, 9],
                ParseError::BadParameter {
                    offset: 0,
                    command: "DLE EOT",
                    value: 9,
                },
            ),
            (
                &[0x1c, b'&', 0xd5],
                ParseError::BadText {
                    offset: 2,
                    encoding: "GB18030",
                },
            ),
        ];
        for (bytes, want) in cases {
            assert_eq!(parse(bytes).as_ref(), Err(want), "{bytes:02x?}");
        }
    }

    #[test]
    fn printer_answers_status_by_state() {
        assert_eq!(PrinterState::Ready.answer(1), Some(0x12));
        assert_eq!(PrinterState::PaperOut.answer(1), Some(0x1a));
        assert_eq!(PrinterState::PaperOut.answer(2), Some(0x32));
        assert_eq!(PrinterState::PaperOut.answer(4), Some(0x7e));
        assert_eq!(PrinterState::CoverOpen.answer(2), Some(0x16));
        assert_eq!(PrinterState::Offline.answer(1), None);
    }

    #[test]
    fn printer_serves_a_connection() {
        let printer = TestPrinter::start(PrinterState::Ready);
        let mut conn = TcpStream::connect(printer.local_addr()).expect("connect");
        conn.set_read_timeout(Some(Duration::from_secs(5)))
            .expect("timeout");
        conn.write_all(&[0x10, 0x04, 1]).expect("write");
        let mut answer = [0u8; 1];
        conn.read_exact(&mut answer).expect("answer");
        assert_eq!(answer, [0x12]);
        // A command split across writes is put back together.
        conn.write_all(&[0x1b]).expect("write");
        conn.flush().expect("flush");
        std::thread::sleep(Duration::from_millis(50));
        conn.write_all(b"@hi\n").expect("write");
        drop(conn);
        let jobs = printer.wait_for_jobs(1, Duration::from_secs(5));
        assert_eq!(jobs.len(), 1);
        assert_eq!(jobs[0].error, None);
        assert_eq!(text_lines(&parse(&jobs[0].bytes).expect("parse")), ["hi"]);
    }
}
