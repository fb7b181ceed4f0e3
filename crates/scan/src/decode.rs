//! Turning a luma frame into the codes it shows.
//!
//! The passes, cheapest first (docs/scanning.md tells the whole story):
//! 1. the region finder: where is bar or block texture, at full, half or quarter size;
//! 2. scan lines across each bar region at its angle, binarised several ways, read by rxing's
//!    row readers and our own EAN/UPC width reader, with votes across lines. Every symbol a
//!    line crosses is read (each one read is blanked and the row read again), and a region
//!    whose lines read no confirmed symbol where it lies gets more lines further along its bars;
//! 3. QR where blocks were seen, then around block texture that no QR code read covers; stills
//!    add whole rows and columns and rxing's own scanner.
//!
//! Every distinct code (symbology and text) is reported once, with where it was seen.

use std::cell::Cell;
use std::collections::HashSet;
use std::time::{Duration, Instant};

use rxing::common::{GlobalHistogramBinarizer, HybridBinarizer};
use rxing::{
    BarcodeFormat, Binarizer, BinaryBitmap, DecodeHints, Luma8Source, MultiFormatReader,
    RXingResult, Reader,
};

use super::databar::ExpandedTally;
use super::dm;
use super::frame::LumaFrame;
use super::lines::{DataBarTally, Line, QUIET, RowHit, Threshold, Votes, binarise, read_row};
use super::omni::OmniTally;
use super::regions::{CELL, Region, RegionKind, find_regions, reach};
use rxing::common::BitArray;
use rxing::datamatrix::DataMatrixReader;
use rxing::datamatrix::decoder::Decoder as DmDecoder;
use rxing::qrcode::QRCodeReader;
use rxing::qrcode::cpp_port::QrReader;
use smartstore_domain::gtin::{Gtin, check_digit};
use smartstore_domain::scan::Symbology;

/// One code found in a frame.
#[derive(Debug, Clone, PartialEq)]
pub struct Detection {
    pub symbology: Symbology,
    /// The text as the symbol carries it (12 digits for UPC-A, 8 for UPC-E).
    pub text: String,
    /// Where it was seen (frame pixels, roughly its centre), when known.
    pub at: Option<(f32, f32)>,
    /// The box it was seen in (frame pixels: x0, y0, x1, y1), when known. For a 1D code, its
    /// length from the first bar to the last, across the scan lines that read it; for a QR
    /// code, around the corners the reader located.
    pub bbox: Option<[f32; 4]>,
}

/// How hard to look. Both look for codes the same way, at every scale (the region finder at full,
/// half and quarter size, lines and the QR reader at full size); a still then adds its "try
/// harder" passes (whole rows and columns, rxing's own row scanner) when nothing was read. A
/// live stream spends at most its [`Budget`] on a frame: the next frame is another chance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effort {
    Stream,
    Still,
}

/// How much work one frame may take: a deadline (the live worker's frame interval) and/or a
/// number of steps (a step is one scan line read, one QR search, one rxing row scan). Steps
/// let tests stop a decode at a known point without looking at a clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Budget {
    pub deadline: Option<Instant>,
    pub steps: Option<u64>,
}

impl Budget {
    pub fn unlimited() -> Budget {
        Budget::default()
    }

    /// Until `d` from now.
    pub fn within(d: Duration) -> Budget {
        Budget {
            deadline: Instant::now().checked_add(d),
            steps: None,
        }
    }

    pub fn steps(n: u64) -> Budget {
        Budget {
            deadline: None,
            steps: Some(n),
        }
    }
}

/// What one decode found, and what it cost.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Decoded {
    pub found: Vec<Detection>,
    /// The budget ran out before every pass was tried (what was found so far is kept).
    pub gave_up: bool,
    /// Steps taken (see [`Budget`]).
    pub steps: u64,
}

/// The budget of the decode under way.
#[derive(Default)]
struct Meter {
    budget: Cell<Budget>,
    used: Cell<u64>,
    gave_up: Cell<bool>,
}

impl Meter {
    fn start(&self, budget: Budget) {
        self.budget.set(budget);
        self.used.set(0);
        self.gave_up.set(false);
    }

    /// Takes a step; false (from then on) once the budget is spent.
    fn step(&self) -> bool {
        if self.gave_up.get() {
            return false;
        }
        let b = self.budget.get();
        let over = b.steps.is_some_and(|n| self.used.get() >= n)
            || b.deadline.is_some_and(|d| Instant::now() >= d);
        if over {
            self.gave_up.set(true);
            return false;
        }
        self.used.set(self.used.get() + 1);
        true
    }

    fn spent(&self) -> bool {
        self.gave_up.get()
    }
}

pub struct Decoder {
    effort: Effort,
    meter: Meter,
    hints: DecodeHints,
    /// QR: the quick finder-pattern search, and "try harder".
    qr_quick: DecodeHints,
    qr_hard: DecodeHints,
    /// DataMatrix: rxing's detector (the zxing-cpp port) looks along more lines "harder",
    /// and finds rectangular symbols and turned ones it misses otherwise.
    dm_hard: DecodeHints,
    /// DataMatrix: rxing's reader on a pure symbol (the last resort of its "harder" look).
    dm_pure: DecodeHints,
    dm: DmDecoder,
}

/// Frames up to this many pixels skip the "nothing here" shortcut: they are cheap anyway, and
/// a close-up photo of a code can fill a small frame with one texture.
const SMALL_FRAME: usize = 400 * 400;
const MAX_REGIONS: usize = 8;
/// A region at least this big (full-size cells of its area) that read nothing gets a QR look
/// whatever its texture: the finder patterns of a code of big modules can be all a coarse
/// scale sees of it.
const BIG_REGION: usize = 16;
const ROW_LINES: usize = 128;
/// DataBar Expanded pairs remembered per decode (see `near_databar`).
const MAX_DATABAR_SEEN: usize = 512;
/// Scan lines across a bar region are at least this long (pixels): blur hides the outer
/// bars from the region finder, so a region can be much shorter than its symbol.
const MIN_LINE: f32 = 400.0;
/// A bar region's Sobel slant this far (radians) from its angle is worth lines of its own.
const SLANT_DIFF: f32 = 0.03;
/// After a QR code is read, more are looked for in up to this many places (block texture that
/// no code read covers).
const MORE_QR: usize = 3;
const RULES: [Threshold; 5] = [
    Threshold::Local(10),
    Threshold::Global,
    Threshold::Local(28),
    Threshold::Sharp(2),
    Threshold::Sharp(1),
];

/// What the lines across one bar region read: the symbols read where the region is, and
/// whether anything was read at all.
#[derive(Default)]
struct Focus {
    /// Position along the current line nearest to the region's centre (samples).
    at: f32,
    covering: Vec<(Symbology, String)>,
    any: bool,
    /// The most votes a symbol read there has.
    best: u32,
    /// Whether the current line read a symbol there.
    here: bool,
}

#[derive(Default)]
struct Scratch {
    samples: Vec<u8>,
    bits: BitArray,
    hits: Vec<RowHit>,
    /// The symbols the current line has voted for.
    voted: Vec<(Symbology, String)>,
    /// rxing's DataBar reader counts each half of a symbol over the rows it is given: one
    /// for the lines read forwards, one for them backwards, across the whole decode.
    databar: DataBarTally,
    /// DataBar Expanded: the pairs read on every line of the decode (see `databar`).
    expanded: ExpandedTally,
    /// DataBar Omnidirectional and Stacked: the halves read on every line of the decode.
    omni: OmniTally,
    /// Where DataBar Expanded pairs read on two lines or more were read (frame pixels, from
    /// one end to the other).
    databar_seen: Vec<((f32, f32), (f32, f32))>,
}

fn formats() -> HashSet<BarcodeFormat> {
    [
        BarcodeFormat::EAN_13,
        BarcodeFormat::EAN_8,
        BarcodeFormat::UPC_A,
        BarcodeFormat::UPC_E,
        BarcodeFormat::CODE_128,
        BarcodeFormat::QR_CODE,
        BarcodeFormat::DATA_MATRIX,
        BarcodeFormat::RSS_14,
        BarcodeFormat::RSS_EXPANDED,
    ]
    .into_iter()
    .collect()
}

pub(crate) fn symbology_of(format: BarcodeFormat) -> Option<Symbology> {
    Some(match format {
        BarcodeFormat::EAN_13 => Symbology::Ean13,
        BarcodeFormat::EAN_8 => Symbology::Ean8,
        BarcodeFormat::UPC_A => Symbology::Upca,
        BarcodeFormat::UPC_E => Symbology::Upce,
        BarcodeFormat::CODE_128 => Symbology::Code128,
        BarcodeFormat::QR_CODE => Symbology::Qr,
        BarcodeFormat::DATA_MATRIX => Symbology::DataMatrix,
        BarcodeFormat::RSS_14 => Symbology::DataBar,
        BarcodeFormat::RSS_EXPANDED => Symbology::DataBarExpanded,
        _ => return None,
    })
}

/// True when `text` is a well-formed payload for `symbology`: the right number of digits and a
/// valid check digit for the EAN/UPC family, something non-empty otherwise.
pub fn plausible(symbology: Symbology, text: &str) -> bool {
    let digits = |n: usize| text.len() == n && text.bytes().all(|b| b.is_ascii_digit());
    let check_ok = || {
        let d: Vec<u8> = text.bytes().map(|b| b - b'0').collect();
        d.split_last()
            .is_some_and(|(last, body)| check_digit(body) == *last)
    };
    match symbology {
        Symbology::Ean13 => digits(13) && check_ok(),
        Symbology::Ean8 => digits(8) && check_ok(),
        Symbology::Upca => digits(12) && check_ok(),
        Symbology::Upce => digits(8) && Gtin::from_upce(text).is_ok(),
        Symbology::DataBar => digits(14) && check_ok(),
        // A DataMatrix of a few codewords found in noise can pass its error correction: what
        // a real one carries is text, GS1 element strings and ISO/IEC 15434 envelopes (GS,
        // RS, EOT), not other control characters.
        Symbology::DataMatrix => {
            !text.is_empty()
                && text.chars().all(|c| {
                    !c.is_control() || matches!(c, '\x1d' | '\x1e' | '\x04' | '\t' | '\n' | '\r')
                })
        }
        Symbology::Code128 | Symbology::Qr | Symbology::DataBarExpanded => !text.is_empty(),
    }
}

impl Decoder {
    pub fn new(effort: Effort) -> Decoder {
        let hints = DecodeHints {
            PossibleFormats: Some(formats()),
            ..DecodeHints::default()
        };
        let qr_quick = DecodeHints {
            PossibleFormats: Some([BarcodeFormat::QR_CODE].into_iter().collect()),
            ..DecodeHints::default()
        };
        let qr_hard = DecodeHints {
            TryHarder: Some(true),
            ..qr_quick.clone()
        };
        let dm_hard = DecodeHints {
            TryHarder: Some(true),
            PossibleFormats: Some([BarcodeFormat::DATA_MATRIX].into_iter().collect()),
            ..DecodeHints::default()
        };
        let dm_pure = DecodeHints {
            PureBarcode: Some(true),
            ..dm_hard.clone()
        };
        Decoder {
            effort,
            meter: Meter::default(),
            dm_hard,
            dm_pure,
            dm: DmDecoder::new(),
            hints,
            qr_quick,
            qr_hard,
        }
    }

    pub fn effort(&self) -> Effort {
        self.effort
    }

    /// Every code found in `frame`, each once, with no limit on the work.
    pub fn decode(&self, frame: &LumaFrame) -> Vec<Detection> {
        self.decode_within(frame, Budget::unlimited()).found
    }

    /// Every code found in `frame` within `budget`.
    pub fn decode_within(&self, frame: &LumaFrame, budget: Budget) -> Decoded {
        self.meter.start(budget);
        let small = frame.width() * frame.height() <= SMALL_FRAME;
        let regions = regions_at_every_scale(frame);
        let found = if regions.is_empty() && !small {
            Vec::new()
        } else {
            self.decode_in(frame, regions)
        };
        Decoded {
            found,
            gave_up: self.meter.spent(),
            steps: self.meter.used.get(),
        }
    }

    /// Decodes `frame`, whose textured regions are `regions`.
    fn decode_in(&self, frame: &LumaFrame, regions: Vec<Region>) -> Vec<Detection> {
        let mut found = Vec::new();
        let small = frame.width() * frame.height() <= SMALL_FRAME;
        tracing::debug!(
            regions = ?regions.iter().map(|r| (r.kind, r.cells, r.cx as i32, r.cy as i32)).collect::<Vec<_>>(),
            "regions"
        );
        let min_votes = if frame.height() < 8 || frame.width() < 8 {
            1
        } else {
            2
        };
        let mut votes = Votes::default();
        let mut scratch = Scratch::default();
        let min_cells = if self.effort == Effort::Still { 1 } else { 2 };
        let bar_regions = regions
            .iter()
            .filter(|r| r.kind == RegionKind::Bars && r.cells >= min_cells)
            .take(MAX_REGIONS);
        let mut looked = Vec::new();
        for r in bar_regions {
            let focus = self.scan_region(frame, r, &regions, &mut votes, &mut scratch, min_votes);
            looked.push((r, focus));
        }
        // A bar region whose own lines read no confirmed symbol there may have been crossed
        // only at the edge of its bars (texture shows most where bars meet printed text), or
        // its lines found another symbol further along: lines further out along its bars. A
        // live frame does this only where its lines read something (not for text or a
        // pattern, where they read nothing).
        let winners = votes.winners(min_votes);
        for (r, focus) in looked {
            let read_here = winners.iter().any(|w| {
                focus
                    .covering
                    .iter()
                    .any(|(s, t)| *s == w.symbology && *t == w.text)
            });
            if !read_here && r.cells >= 2 && (focus.any || self.effort == Effort::Still) {
                self.scan_beside(frame, r, &regions, &mut votes, &mut scratch, min_votes);
            }
        }
        let barlike = regions
            .iter()
            .any(|r| r.kind == RegionKind::Bars && r.cells >= 3);
        let has_blocks = regions
            .iter()
            .any(|r| r.kind == RegionKind::Blocks && r.cells >= 2);
        let still = self.effort == Effort::Still;
        // Bars seen but not read: whole rows and columns before anything else.
        let rows_first = still && barlike && votes.winners(min_votes).is_empty();
        if rows_first {
            self.scan_rows(frame, &mut votes, &mut scratch, min_votes);
        }
        push_winners(&votes, min_votes, &mut found);
        // Big QR modules can look like bars at a coarse scale: a large region that read
        // nothing is worth a QR look too.
        let big_unread = found.is_empty() && regions.iter().any(|r| r.cells >= BIG_REGION);
        if has_blocks || small || big_unread {
            self.qr_all(frame, Some(&regions), &mut found);
            if !found.iter().any(|d| !d.symbology.is_linear()) {
                self.datamatrix_pass(frame, &regions, &mut found);
            }
        }
        if still && found.is_empty() && (small || !regions.is_empty()) {
            // Texture, but nothing read: whole rows and columns (a blurred code can leave no
            // bar cell at all), then QR over the whole frame.
            if !rows_first {
                self.scan_rows(frame, &mut votes, &mut scratch, min_votes);
                push_winners(&votes, min_votes, &mut found);
            }
            if found.is_empty() && !(has_blocks || small || big_unread) {
                self.qr_all(frame, Some(&regions), &mut found);
            }
        }
        if found.is_empty() && self.effort == Effort::Still && (!votes.is_empty() || barlike)
            || (found.is_empty() && small)
        {
            // Something bar-like was read once but never confirmed, or bars were seen that no
            // line read (a stacked DataBar): let rxing's own row scanner have a go over the
            // whole frame.
            // One read by rxing alone is not trusted: see rxing_1d_pass.
            self.rxing_1d_pass(frame, &votes, &mut found);
        }
        // A short 1D symbol read where DataBar pairs were (by any line, rule or rxing's own
        // scanner) is a stretch of the DataBar.
        found.retain(|d| {
            !d.symbology.is_linear()
                || matches!(d.symbology, Symbology::DataBar | Symbology::DataBarExpanded)
                || !d.at.is_some_and(|p| near_databar(p, &scratch.databar_seen))
        });
        found
    }

    /// rxing's own row scanner over the whole frame, once per binariser. A 1D read is kept
    /// when our lines saw it too, or when one of our lines beside rxing's row reads the same.
    fn rxing_1d_pass(&self, frame: &LumaFrame, votes: &Votes, found: &mut Vec<Detection>) {
        if !self.meter.step() {
            return;
        }
        let Ok(source) =
            Luma8Source::new_with_slice(frame.data(), frame.width() as u32, frame.height() as u32)
        else {
            return;
        };
        let hints = DecodeHints {
            TryHarder: Some(true),
            ..self.hints.clone()
        };
        // rxing's row and one of our lines, one of the two with both quiet zones.
        let trusted = |d: &Detection| votes.quiet(d.symbology, &d.text) >= 1;
        let mut bitmap = BinaryBitmap::new(HybridBinarizer::new(source.clone()));
        let first = MultiFormatReader::default()
            .decode_with_hints(&mut bitmap, &hints)
            .ok();
        let mut bitmap = BinaryBitmap::new(GlobalHistogramBinarizer::new(source));
        let second = || {
            MultiFormatReader::default()
                .decode_with_hints(&mut bitmap, &hints)
                .ok()
        };
        for r in first
            .into_iter()
            .chain(std::iter::once_with(second).flatten())
        {
            let mut one = Vec::new();
            if !push_result(&r, &mut one, Points::Corners) {
                continue;
            }
            let d = one.remove(0);
            // A 2D code (DataMatrix) carries error correction of its own; rxing's DataBar
            // scanner (the stacked kinds, which no single line reads) counts a symbol only
            // when its halves were read on two rows and their checksum agrees.
            let own_check = !d.symbology.is_linear()
                || matches!(d.symbology, Symbology::DataBar | Symbology::DataBarExpanded);
            if own_check || trusted(&d) || self.confirm_beside(frame, &r, &d) {
                found.push(d);
                return;
            }
        }
    }

    /// Reads lines parallel to the row rxing decoded `r` on, a few pixels to each side; true
    /// when one of them gives the same text.
    fn confirm_beside(&self, frame: &LumaFrame, r: &RXingResult, d: &Detection) -> bool {
        let pts = r.getPoints();
        if pts.len() < 2 {
            return false;
        }
        let (a, b) = (pts[0], pts[pts.len() - 1]);
        let (dx, dy) = (b.x - a.x, b.y - a.y);
        let len = (dx * dx + dy * dy).sqrt();
        if len < 8.0 {
            return false;
        }
        let angle = dy.atan2(dx);
        let (nx, ny) = (-dy / len, dx / len);
        let (cx, cy) = ((a.x + b.x) / 2.0, (a.y + b.y) / 2.0);
        let mut scratch = Scratch::default();
        for off in [3.0f32, -3.0, 6.0, -6.0, 10.0, -10.0] {
            let Some(line) = Line::through(
                frame,
                cx + nx * off,
                cy + ny * off,
                angle,
                len * 1.5 + 40.0,
                0.5,
            ) else {
                continue;
            };
            line.sample(frame, &mut scratch.samples);
            for rule in RULES {
                binarise(&scratch.samples, rule, &mut scratch.bits);
                read_row(
                    &mut scratch.bits,
                    &self.hints,
                    true,
                    true,
                    &mut scratch.hits,
                );
                if scratch
                    .hits
                    .iter()
                    .any(|h| h.symbology == d.symbology && h.text == d.text && h.quiet)
                {
                    return true;
                }
            }
        }
        false
    }

    /// Parallel lines across bar region `r`, until a symbol read where the region is has more
    /// than `min_votes` votes.
    fn scan_region(
        &self,
        frame: &LumaFrame,
        r: &Region,
        all: &[Region],
        votes: &mut Votes,
        s: &mut Scratch,
        min_votes: u32,
    ) -> Focus {
        let n = ((r.across / 8.0) as usize).clamp(3, 12);
        let offsets = (0..n).map(|k| ((k as f32 + 0.5) / n as f32 - 0.5) * 0.8 * r.across);
        self.lines_across(frame, r, all, offsets, votes, s, min_votes)
    }

    /// More lines across bar region `r`: when its Sobel slant differs from its angle, the
    /// first pass's lines again at the slant; then lines one to three times its width out
    /// along its bars on either side.
    fn scan_beside(
        &self,
        frame: &LumaFrame,
        r: &Region,
        all: &[Region],
        votes: &mut Votes,
        s: &mut Scratch,
        min_votes: u32,
    ) {
        let mut r = r.clone();
        if (r.slant - r.angle).abs() > SLANT_DIFF {
            r.angle = r.slant;
            if self.scan_region(frame, &r, all, votes, s, min_votes).best > min_votes {
                return;
            }
        }
        let step = r.across.max(CELL as f32);
        let offsets = [1.0f32, -1.0, 2.0, -2.0, 3.0, -3.0].map(|k| k * step);
        self.lines_across(frame, &r, all, offsets.into_iter(), votes, s, min_votes);
    }

    /// Lines at `r`'s angle through its centre moved by each of `offsets` along its bars.
    #[allow(clippy::too_many_arguments)]
    fn lines_across(
        &self,
        frame: &LumaFrame,
        r: &Region,
        all: &[Region],
        offsets: impl Iterator<Item = f32>,
        votes: &mut Votes,
        s: &mut Scratch,
        min_votes: u32,
    ) -> Focus {
        let len = (reach(all, r) * 3.2 + 64.0).max(MIN_LINE);
        // The line spans the other bar regions of the band; the region alone needs this much.
        let own = (r.along * 3.2 + 64.0).max(MIN_LINE);
        let (bx, by) = (-r.angle.sin(), r.angle.cos());
        let mut focus = Focus::default();
        for off in offsets {
            if self.meter.spent() {
                break;
            }
            let (cx, cy) = (r.cx + bx * off, r.cy + by * off);
            let Some(line) = Line::through(frame, cx, cy, r.angle, len, 0.5) else {
                continue;
            };
            focus.at = line.nearest(cx, cy);
            focus.here = false;
            let mut best = self.read_line(frame, &line, votes, s, Some(&mut focus), true);
            // rxing's EAN/UPC reader decodes from the first start guard it meets only, and
            // another print further along the line (a QR code's modules) can offer one: when
            // the long line read nothing here, the region's own stretch of it is read too.
            if !focus.here
                && len > 1.5 * own
                && let Some(short) = Line::through(frame, cx, cy, r.angle, own, 0.5)
            {
                focus.at = short.nearest(cx, cy);
                best = best.max(self.read_line(frame, &short, votes, s, Some(&mut focus), false));
            }
            focus.best = focus.best.max(best);
            if best > min_votes {
                break;
            }
        }
        focus
    }

    /// Whole rows and columns, from the middle outwards, as rxing's "try harder" does.
    fn scan_rows(&self, frame: &LumaFrame, votes: &mut Votes, s: &mut Scratch, min_votes: u32) {
        let (w, h) = (frame.width() as f32, frame.height() as f32);
        for (angle, across, extent) in [(0.0f32, h, w), (std::f32::consts::FRAC_PI_2, w, h)] {
            let lines = (across as usize).min(ROW_LINES);
            let step = across / lines as f32;
            for i in 0..lines {
                if self.meter.spent() {
                    return;
                }
                let k = i.div_ceil(2) as f32 * if i % 2 == 0 { 1.0 } else { -1.0 };
                let pos = (across / 2.0 + k * step).clamp(0.0, across - 1.0).floor();
                let line = if angle == 0.0 {
                    Line {
                        x0: 0.0,
                        y0: pos,
                        dx: 1.0,
                        dy: 0.0,
                        n: extent as usize,
                    }
                } else {
                    Line {
                        x0: pos,
                        y0: 0.0,
                        dx: 0.0,
                        dy: 1.0,
                        n: extent as usize,
                    }
                };
                if self.read_line(frame, &line, votes, s, None, true) > min_votes {
                    return;
                }
            }
        }
    }

    /// Reads one line with each threshold rule until one reads something; every symbol read
    /// along it is a vote (one per line, whatever the rules that read it). Returns the highest
    /// vote count reached. With a `focus` (a position along the line), only symbols read across
    /// it count and are noted there, and the rules go on until one of them reads a symbol across
    /// it: a symbol further along the line, read by an earlier rule, does not end the look.
    /// Not `fresh`: a part of the line read before, whose symbols have had their vote.
    fn read_line(
        &self,
        frame: &LumaFrame,
        line: &Line,
        votes: &mut Votes,
        s: &mut Scratch,
        mut focus: Option<&mut Focus>,
        fresh: bool,
    ) -> u32 {
        if !self.meter.step() {
            return 0;
        }
        line.sample(frame, &mut s.samples);
        let mut best = 0;
        if fresh {
            s.voted.clear();
        }
        for rule in RULES {
            binarise(&s.samples, rule, &mut s.bits);
            // Before the row readers blank what they read.
            let expanded = s.expanded.read(&s.bits);
            let (runs, likely) = s.expanded.last_row();
            let omni = s
                .omni
                .read_runs(runs, likely, |b| line.point(b - QUIET as f32));
            read_row(&mut s.bits, &self.hints, true, true, &mut s.hits);
            // What the other readers read across DataBar pairs or halves is a stretch of
            // DataBar.
            let pairs: Vec<(f32, f32)> = s
                .expanded
                .pairs_read()
                .chain(s.omni.halves_read())
                .map(|(a, b)| (a as f32 - QUIET as f32, b as f32 - QUIET as f32))
                .collect();
            s.hits
                .retain(|h| !pairs.iter().any(|&(a, b)| h.start < b && a < h.end));
            for (a, b) in s
                .expanded
                .pairs_confirmed()
                .chain(s.omni.halves_confirmed())
            {
                if s.databar_seen.len() < MAX_DATABAR_SEEN {
                    let (a, b) = (a as f32 - QUIET as f32, b as f32 - QUIET as f32);
                    s.databar_seen.push((line.point(a), line.point(b)));
                }
            }
            if let Some(h) = expanded {
                s.hits.push(RowHit {
                    symbology: Symbology::DataBarExpanded,
                    text: h.text,
                    start: h.span.0 as f32 - QUIET as f32,
                    end: h.span.1 as f32 - QUIET as f32,
                    quiet: true,
                });
            }
            if let Some(h) = omni {
                s.hits.push(RowHit {
                    symbology: Symbology::DataBar,
                    text: h.text,
                    start: h.span.0 as f32 - QUIET as f32,
                    end: h.span.1 as f32 - QUIET as f32,
                    quiet: true,
                });
            }
            if s.hits.is_empty() {
                s.databar.read(&mut s.bits, &self.hints, &mut s.hits);
            }
            if s.hits.is_empty() {
                continue;
            }
            let mut at_focus = false;
            for h in s.hits.drain(..) {
                let key = (h.symbology, h.text);
                if s.voted.contains(&key) {
                    continue;
                }
                let (a, b) = (line.point(h.start), line.point(h.end));
                let n = votes.add(key.0, key.1.clone(), (a, b), h.quiet);
                match &mut focus {
                    None => best = best.max(n),
                    Some(f) => {
                        f.any = true;
                        if (h.start..=h.end).contains(&f.at) {
                            at_focus = true;
                            f.here = true;
                            best = best.max(n);
                            if !f.covering.contains(&key) {
                                f.covering.push(key.clone());
                            }
                        }
                    }
                }
                s.voted.push(key);
            }
            if focus.is_none() || at_focus {
                break;
            }
        }
        best
    }

    /// The QR pass; when it read a code, more are looked for: around each block region that
    /// no code read covers (`regions`), or, without regions (a still read at full size though
    /// its texture showed only coarser), on the frame with the codes read blanked.
    fn qr_all(&self, frame: &LumaFrame, regions: Option<&[Region]>, found: &mut Vec<Detection>) {
        let from = found.len();
        // Live, only the part of the frame with texture is searched: binarising and searching
        // a whole frame is most of what a cluttered frame without a code costs.
        let area = match (self.effort, regions) {
            (Effort::Stream, Some(r)) => textured_area(frame, r).and_then(|a| frame.crop(a)),
            _ => None,
        };
        let (looked, at) = match &area {
            Some((crop, at)) => (crop, *at),
            None => (frame, (0.0, 0.0)),
        };
        self.qr_pass(looked, found, true);
        if found.len() == from {
            self.qr_half(looked, found);
        }
        shift(&mut found[from..], at);
        if found.len() == from {
            return;
        }
        let Some(regions) = regions else {
            self.qr_blanked(frame, from, found);
            return;
        };
        let blocks = regions
            .iter()
            .filter(|r| r.kind == RegionKind::Blocks && r.cells >= 2);
        let mut looked = 0;
        for r in blocks {
            if looked == MORE_QR {
                break;
            }
            let covered = found
                .iter()
                .filter(|d| d.symbology == Symbology::Qr)
                .filter_map(|d| d.bbox)
                .any(|b| inside(&b, (r.cx, r.cy), 0.1));
            if covered {
                continue;
            }
            looked += 1;
            let Some((mut crop, (ox, oy))) = frame.crop(grown_region(r)) else {
                continue;
            };
            // Codes read already are blanked, or the reader finds the first of them again.
            for b in found
                .iter()
                .filter(|d| d.symbology == Symbology::Qr)
                .filter_map(|d| d.bbox)
            {
                let g = grown(&b, 0.1);
                crop.fill_rect([g[0] - ox, g[1] - oy, g[2] - ox, g[3] - oy], 255);
            }
            let before = found.len();
            self.qr_pass(&crop, found, false);
            shift(&mut found[before..], (ox, oy));
        }
    }

    /// The quick QR search on `frame` at half size (a step): big modules drawn as round dots,
    /// or with gaps between them, leave finder patterns the full-size search does not take for
    /// ones; at half size the dots run together into the squares it looks for.
    fn qr_half(&self, frame: &LumaFrame, found: &mut Vec<Detection>) {
        if frame.width().min(frame.height()) < 64 || !self.meter.step() {
            return;
        }
        let half = frame.half();
        let Ok(source) =
            Luma8Source::new_with_slice(half.data(), half.width() as u32, half.height() as u32)
        else {
            return;
        };
        let before = found.len();
        let mut bitmap = BinaryBitmap::new(HybridBinarizer::new(source));
        if self.try_first(&mut bitmap, found, &self.qr_quick) {
            for d in &mut found[before..] {
                d.at = d.at.map(|(x, y)| (2.0 * x, 2.0 * y));
                d.bbox = d.bbox.map(|b| b.map(|v| 2.0 * v));
            }
        }
    }

    /// Looks for more QR codes with the ones read (`found[from..]`) blanked, one at a time.
    fn qr_blanked(&self, frame: &LumaFrame, mut from: usize, found: &mut Vec<Detection>) {
        let mut copy = frame.clone();
        for _ in 0..MORE_QR {
            if found.len() == from {
                return;
            }
            for d in &found[from..] {
                if let (Symbology::Qr, Some(b)) = (d.symbology, d.bbox) {
                    copy.fill_rect(grown(&b, 0.1), 255);
                }
            }
            from = found.len();
            self.qr_pass(&copy, found, false);
        }
    }

    /// DataMatrix around the largest block regions (its detector looks from the middle of what
    /// it is given outwards; the whole frame had its look in the QR pass). Each a step.
    fn datamatrix_pass(&self, frame: &LumaFrame, regions: &[Region], found: &mut Vec<Detection>) {
        // Harder where nothing was read yet (see `dm_hard`); beside a code read, as quick as
        // the rest of the frame's look.
        let hints = if found.is_empty() {
            &self.dm_hard
        } else {
            &self.hints
        };
        let read_as =
            |f: &LumaFrame, found: &mut Vec<Detection>, (ox, oy): (f32, f32), global: bool| {
                if !self.meter.step() {
                    return false;
                }
                let Ok(source) =
                    Luma8Source::new_with_slice(f.data(), f.width() as u32, f.height() as u32)
                else {
                    return false;
                };
                let before = found.len();
                let read = if global {
                    let mut bitmap = BinaryBitmap::new(GlobalHistogramBinarizer::new(source));
                    self.datamatrix_on(f, &mut bitmap, hints, found)
                } else {
                    let mut bitmap = BinaryBitmap::new(HybridBinarizer::new(source));
                    self.datamatrix_on(f, &mut bitmap, hints, found)
                };
                if !read {
                    return false;
                }
                shift(&mut found[before..], (ox, oy));
                true
            };
        let read = |f: &LumaFrame, found: &mut Vec<Detection>, at: (f32, f32)| {
            read_as(f, found, at, false)
        };
        let blocks = regions
            .iter()
            .filter(|r| r.kind == RegionKind::Blocks && r.cells >= 2)
            .take(MORE_QR);
        for r in blocks {
            let (x0, y0, x1, y1) = r.bbox;
            let grow = ((x1 - x0).max(y1 - y0) as f32 / 2.0).max(CELL as f32);
            let area = [
                x0 as f32 - grow,
                y0 as f32 - grow,
                x1 as f32 + grow,
                y1 as f32 + grow,
            ];
            if let Some((crop, at)) = frame.crop(area)
                && read(&crop, found, at)
            {
                return;
            }
        }
        // A still where nothing was read: the whole frame sharpened (blur of about half a
        // module leaves the detector's edges and the sampled modules grey).
        if self.effort == Effort::Still && found.is_empty() {
            let sharp = frame.sharpened(2);
            let _ = read(&sharp, found, (0.0, 0.0)) || read_as(&sharp, found, (0.0, 0.0), true);
        }
    }

    /// rxing's quick finder-pattern search first (most codes, at every module size of the
    /// sweep test), then on a global threshold; a still searches "harder" for those two. Each
    /// search is a step of the budget.
    /// With `datamatrix` (the frame's first look), rxing's DataMatrix reader also looks at the
    /// frame, on the same binarised bitmap (binarising a whole frame costs as much as a
    /// search), and the QR search looks for light-on-dark codes on its negative.
    fn qr_pass(&self, frame: &LumaFrame, found: &mut Vec<Detection>, datamatrix: bool) {
        if !self.meter.step() {
            return;
        }
        let Ok(source) =
            Luma8Source::new_with_slice(frame.data(), frame.width() as u32, frame.height() as u32)
        else {
            return;
        };
        let mut bitmap = BinaryBitmap::new(HybridBinarizer::new(source.clone()));
        if self.try_hints(&mut bitmap, found, &self.qr_quick) {
            return;
        }
        // The whole frame gets the harder look in a still where nothing was read yet; live or
        // beside a code read, the quick one (the harder costs several times as much on a
        // cluttered frame): the block regions get the harder one in `datamatrix_pass`.
        let dm = if self.effort == Effort::Still && found.is_empty() {
            &self.dm_hard
        } else {
            &self.hints
        };
        if datamatrix && self.meter.step() && self.datamatrix_on(frame, &mut bitmap, dm, found) {
            return;
        }
        let second = match self.effort {
            Effort::Still => &self.qr_hard,
            Effort::Stream => &self.qr_quick,
        };
        if self.effort == Effort::Still
            && (!self.meter.step() || self.try_hints(&mut bitmap, found, &self.qr_hard))
        {
            return;
        }
        // Light modules on a dark ground (dark packaging, a phone in dark mode): the same
        // bitmap turned negative (no second binarisation), the quick search.
        if datamatrix {
            if !self.meter.step() {
                return;
            }
            bitmap.invert();
            if self.try_first(&mut bitmap, found, &self.qr_quick) {
                return;
            }
            if self.effort == Effort::Still
                && (!self.meter.step() || self.try_hints(&mut bitmap, found, &self.qr_hard))
            {
                return;
            }
        }
        if !self.meter.step() {
            return;
        }
        let mut bitmap = BinaryBitmap::new(GlobalHistogramBinarizer::new(source));
        // Live, the zxing-cpp port alone on the global threshold (the ZXing port's second
        // search there seldom adds a read, and costs as much).
        let global = match self.effort {
            Effort::Still => self.try_hints(&mut bitmap, found, second),
            Effort::Stream => self.try_first(&mut bitmap, found, second),
        };
        if global {
            return;
        }
        if datamatrix && self.effort == Effort::Still && self.meter.step() {
            bitmap.invert();
            let hit = self.try_hints(&mut bitmap, found, second);
            bitmap.invert();
            if hit {
                return;
            }
        }
        // A still's DataMatrix on the global threshold too: on a blurred symbol the local one
        // can break the modules' edges where the global one keeps them.
        if datamatrix && self.effort == Effort::Still && self.meter.step() {
            self.datamatrix_on(frame, &mut bitmap, dm, found);
        }
    }

    /// rxing's DataMatrix reader on `bitmap` (`grey` binarised), a symbol whose sampled bits
    /// do not decode read again from `grey` (see `dm`). True when a new code was added.
    fn datamatrix_on<B: Binarizer>(
        &self,
        grey: &LumaFrame,
        bitmap: &mut BinaryBitmap<B>,
        hints: &DecodeHints,
        found: &mut Vec<Detection>,
    ) -> bool {
        let harder = hints.TryHarder == Some(true);
        if let Some(r) = dm::read(&self.dm, grey, bitmap.get_black_matrix(), harder) {
            return push_dm(r, found);
        }
        harder
            && DataMatrixReader
                .decode_with_hints(bitmap, &self.dm_pure)
                .is_ok_and(|r| push_result(&r, found, Points::Corners))
    }

    /// The zxing-cpp port's QR reader alone (half the cost of [`try_hints`](Self::try_hints)):
    /// for the searches that seldom pay.
    fn try_first<B: Binarizer>(
        &self,
        bitmap: &mut BinaryBitmap<B>,
        found: &mut Vec<Detection>,
        hints: &DecodeHints,
    ) -> bool {
        QrReader
            .decode_with_hints(bitmap, hints)
            .is_ok_and(|r| push_result(&r, found, Points::Corners))
    }

    fn try_hints<B: Binarizer>(
        &self,
        bitmap: &mut BinaryBitmap<B>,
        found: &mut Vec<Detection>,
        hints: &DecodeHints,
    ) -> bool {
        // What rxing's MultiFormatReader does for QR alone, the zxing-cpp port first and the
        // ZXing port after, called here to know which points come back: the first gives the
        // symbol's corners, the second the finder patterns' centres.
        if let Ok(r) = QrReader.decode_with_hints(bitmap, hints) {
            return push_result(&r, found, Points::Corners);
        }
        match QRCodeReader.decode_with_hints(bitmap, hints) {
            Ok(r) => push_result(&r, found, Points::Finders),
            Err(_) => false,
        }
    }
}

/// Adds the 1D results with enough votes.
fn push_winners(votes: &Votes, min_votes: u32, found: &mut Vec<Detection>) {
    for w in votes.winners(min_votes) {
        if !found
            .iter()
            .any(|d| d.symbology == w.symbology && d.text == w.text)
        {
            found.push(Detection {
                symbology: w.symbology,
                text: w.text,
                at: Some(w.at),
                bbox: Some(w.extent.bbox()),
            });
        }
    }
}

/// True when `p` lies within half a pair's length of where a DataBar Expanded pair was read.
fn near_databar(p: (f32, f32), seen: &[((f32, f32), (f32, f32))]) -> bool {
    seen.iter().any(|&(a, b)| {
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let len2 = dx * dx + dy * dy;
        if len2 < 1.0 {
            return false;
        }
        let t = (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / len2).clamp(0.0, 1.0);
        let (qx, qy) = (a.0 + t * dx - p.0, a.1 + t * dy - p.1);
        qx * qx + qy * qy <= len2 / 4.0
    })
}

/// Detections made on a crop whose top left corner is at `(ox, oy)`, in the frame's pixels.
fn shift(found: &mut [Detection], (ox, oy): (f32, f32)) {
    for d in found {
        d.at = d.at.map(|(x, y)| (x + ox, y + oy));
        d.bbox = d.bbox.map(|b| [b[0] + ox, b[1] + oy, b[2] + ox, b[3] + oy]);
    }
}

/// Region `r`'s box grown by its own size, at least two cells, on every side: big modules leave
/// a code's inside flat, so its region may be a part of it.
fn grown_region(r: &Region) -> [f32; 4] {
    let (x0, y0, x1, y1) = r.bbox;
    let grow = ((x1 - x0).max(y1 - y0) as f32).max(2.0 * CELL as f32);
    [
        x0 as f32 - grow,
        y0 as f32 - grow,
        x1 as f32 + grow,
        y1 as f32 + grow,
    ]
}

/// A frame's part worth a 2D search: the box around its regions of two cells or more, each
/// grown as [`grown_region`] does. None when that is most of the frame anyway.
fn textured_area(frame: &LumaFrame, regions: &[Region]) -> Option<[f32; 4]> {
    let mut area: Option<[f32; 4]> = None;
    for r in regions.iter().filter(|r| r.cells >= 2) {
        let b = grown_region(r);
        area = Some(area.map_or(b, |a| {
            [
                a[0].min(b[0]),
                a[1].min(b[1]),
                a[2].max(b[2]),
                a[3].max(b[3]),
            ]
        }));
    }
    let a = area?;
    let (w, h) = (frame.width() as f32, frame.height() as f32);
    let inside = (a[2].min(w) - a[0].max(0.0)) * (a[3].min(h) - a[1].max(0.0));
    (inside < 0.6 * w * h).then_some(a)
}

/// `b` grown by `share` of its width and height on every side.
fn grown(b: &[f32; 4], share: f32) -> [f32; 4] {
    let (gx, gy) = ((b[2] - b[0]) * share, (b[3] - b[1]) * share);
    [b[0] - gx, b[1] - gy, b[2] + gx, b[3] + gy]
}

/// True when `p` lies in `b` grown by `share` of its size.
fn inside(b: &[f32; 4], p: (f32, f32), share: f32) -> bool {
    let g = grown(b, share);
    p.0 >= g[0] && p.0 <= g[2] && p.1 >= g[1] && p.1 <= g[3]
}

/// The textured regions of `frame` at full, half, quarter and eighth size, in this frame's pixels,
/// largest first. Big modules (a code held close to the lens) leave a cell's inside flat at
/// full size and show as texture only coarser; a coarser region where a finer one already is
/// adds nothing and is left out. A coarse region's `cells` counts full-size cells of its area.
fn regions_at_every_scale(frame: &LumaFrame) -> Vec<Region> {
    let mut all = find_regions(frame);
    let mut level = frame.clone();
    for factor in [2.0f32, 4.0, 8.0] {
        level = level.half();
        let fine = all.len();
        for r in find_regions(&level) {
            let up = Region {
                cells: r.cells * (factor * factor) as usize,
                cx: r.cx * factor,
                cy: r.cy * factor,
                along: r.along * factor,
                across: r.across * factor,
                bbox: (
                    (r.bbox.0 as f32 * factor) as usize,
                    (r.bbox.1 as f32 * factor) as usize,
                    (r.bbox.2 as f32 * factor) as usize,
                    (r.bbox.3 as f32 * factor) as usize,
                ),
                ..r
            };
            let seen = all[..fine].iter().any(|q| {
                q.kind == up.kind
                    && 2 * q.cells >= up.cells
                    && up.cx >= q.bbox.0 as f32
                    && up.cx <= q.bbox.2 as f32
                    && up.cy >= q.bbox.1 as f32
                    && up.cy <= q.bbox.3 as f32
            });
            if !seen {
                all.push(up);
            }
        }
    }
    all.sort_by_key(|r| std::cmp::Reverse(r.cells));
    all
}

fn centre(r: &RXingResult) -> Option<(f32, f32)> {
    let pts = r.getPoints();
    if pts.is_empty() {
        return None;
    }
    let n = pts.len() as f32;
    Some((
        pts.iter().map(|p| p.x).sum::<f32>() / n,
        pts.iter().map(|p| p.y).sum::<f32>() / n,
    ))
}

/// What the points of an rxing result are.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Points {
    /// The symbol's corners (the zxing-cpp port's QR reader), or the ends of a 1D symbol.
    Corners,
    /// The QR finder patterns' centres, bottom left, top left, top right (and perhaps an
    /// alignment pattern): the ZXing port's QR reader.
    Finders,
}

/// The box around the points rxing located. From finder patterns' centres, the fourth corner
/// is added and the box grown by a finder pattern's half width (3.5 of the 14 or more modules
/// between the centres).
fn bbox_of(r: &RXingResult, points: Points) -> Option<[f32; 4]> {
    let pts = r.getPoints();
    if pts.is_empty() {
        return None;
    }
    let mut b = [f32::MAX, f32::MAX, f32::MIN, f32::MIN];
    let mut add = |x: f32, y: f32| b = [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)];
    for p in pts {
        add(p.x, p.y);
    }
    if points == Points::Finders && pts.len() >= 3 {
        let (bl, tl, tr) = (pts[0], pts[1], pts[2]);
        add(bl.x + tr.x - tl.x, bl.y + tr.y - tl.y);
        b = grown(&b, 3.5 / 14.0);
    }
    Some(b)
}

/// Adds the DataMatrix `r` to `found` when plausible and new. True when added.
fn push_dm(r: dm::DmRead, found: &mut Vec<Detection>) -> bool {
    if !plausible(Symbology::DataMatrix, &r.text)
        || found
            .iter()
            .any(|d| d.symbology == Symbology::DataMatrix && d.text == r.text)
    {
        return false;
    }
    let n = r.corners.len().max(1) as f32;
    let at = (
        r.corners.iter().map(|p| p.x).sum::<f32>() / n,
        r.corners.iter().map(|p| p.y).sum::<f32>() / n,
    );
    let mut b = [f32::MAX, f32::MAX, f32::MIN, f32::MIN];
    for p in &r.corners {
        b = [b[0].min(p.x), b[1].min(p.y), b[2].max(p.x), b[3].max(p.y)];
    }
    found.push(Detection {
        symbology: Symbology::DataMatrix,
        text: r.text,
        at: (!r.corners.is_empty()).then_some(at),
        bbox: (!r.corners.is_empty()).then_some(b),
    });
    true
}

/// Adds `r` to `found` when it is one of our symbologies, plausible and new. True when added.
fn push_result(r: &RXingResult, found: &mut Vec<Detection>, points: Points) -> bool {
    let Some(symbology) = symbology_of(*r.getBarcodeFormat()) else {
        return false;
    };
    let text = r.getText().to_owned();
    if !plausible(symbology, &text)
        || found
            .iter()
            .any(|d| d.symbology == symbology && d.text == text)
    {
        return false;
    }
    found.push(Detection {
        symbology,
        text,
        at: centre(r),
        bbox: bbox_of(r, points),
    });
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plausibility_table() {
        let cases = [
            (Symbology::Ean13, "4006381333931", true),
            (Symbology::Ean13, "4006381333932", false),
            (Symbology::Ean13, "400638133393", false),
            (Symbology::Ean8, "96385074", true),
            (Symbology::Ean8, "96385075", false),
            (Symbology::Upca, "036000291452", true),
            (Symbology::Upca, "036000291453", false),
            (Symbology::Upce, "01234565", true),
            (Symbology::Upce, "01234566", false),
            (Symbology::Code128, "SS1-ABC", true),
            (Symbology::Code128, "", false),
            (Symbology::Qr, "MB1:x", true),
            (
                Symbology::DataMatrix,
                "(01)09501101530003(3103)001250",
                true,
            ),
            (Symbology::DataMatrix, "[)>\x1e06\x1dP1234\x1e\x04", true),
            (Symbology::DataMatrix, "\x13\x7f/", false),
        ];
        for (s, t, want) in cases {
            assert_eq!(plausible(s, t), want, "{s:?} {t}");
        }
    }

    #[test]
    fn blank_frames_hold_nothing() {
        let d = Decoder::new(Effort::Still);
        for level in [0, 128, 255] {
            assert!(d.decode(&LumaFrame::filled(640, 480, level)).is_empty());
        }
        assert!(d.decode(&LumaFrame::filled(1, 1, 0)).is_empty());
    }
}
