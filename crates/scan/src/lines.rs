//! 1D codes along scan lines at any angle.
//!
//! A line is sampled from the luma frame with bilinear interpolation, binarised by more than
//! one rule, and each bit row is handed to rxing's row readers in both directions. Every read
//! is a vote; a 1D result is only trusted when enough lines agree (see `Votes`).

use std::collections::HashMap;

use rxing::common::BitArray;
use rxing::oned::rss::RSS14Reader;
use rxing::oned::{Code128Reader, MultiFormatUPCEANReader, OneDReader};
use rxing::{DecodeHints, RXingResult};

use super::decode::{plausible, symbology_of};
use super::frame::LumaFrame;
use super::upcean;
use smartstore_domain::scan::Symbology;

/// A straight line through the frame: start point, unit step, number of samples.
#[derive(Debug, Clone, Copy)]
pub struct Line {
    pub x0: f32,
    pub y0: f32,
    pub dx: f32,
    pub dy: f32,
    pub n: usize,
}

impl Line {
    /// The line through (cx, cy) in direction `angle`, `len` pixels long, clipped to the frame.
    pub fn through(
        frame: &LumaFrame,
        cx: f32,
        cy: f32,
        angle: f32,
        len: f32,
        step: f32,
    ) -> Option<Line> {
        let (dx, dy) = (angle.cos() * step, angle.sin() * step);
        let (w, h) = ((frame.width() - 1) as f32, (frame.height() - 1) as f32);
        let half = (len / step / 2.0).floor();
        // Clip t in [-half, half] so that (cx + t dx, cy + t dy) stays inside.
        let (mut lo, mut hi) = (-half, half);
        for (c, d, max) in [(cx, dx, w), (cy, dy, h)] {
            if d.abs() < 1e-6 {
                if c < 0.0 || c > max {
                    return None;
                }
                continue;
            }
            let (a, b) = ((0.0 - c) / d, (max - c) / d);
            let (a, b) = if a < b { (a, b) } else { (b, a) };
            lo = lo.max(a.ceil());
            hi = hi.min(b.floor());
        }
        if hi - lo < 16.0 {
            return None;
        }
        Some(Line {
            x0: cx + lo * dx,
            y0: cy + lo * dy,
            dx,
            dy,
            n: (hi - lo) as usize + 1,
        })
    }

    pub fn point(&self, t: f32) -> (f32, f32) {
        (self.x0 + t * self.dx, self.y0 + t * self.dy)
    }

    /// The position along the line (in samples) nearest to the point (x, y).
    pub fn nearest(&self, x: f32, y: f32) -> f32 {
        let d2 = self.dx * self.dx + self.dy * self.dy;
        if d2 <= 0.0 {
            return 0.0;
        }
        ((x - self.x0) * self.dx + (y - self.y0) * self.dy) / d2
    }

    pub fn sample(&self, frame: &LumaFrame, out: &mut Vec<u8>) {
        out.clear();
        let (w, h) = (frame.width(), frame.height());
        let data = frame.data();
        let on_grid =
            self.x0.fract() == 0.0 && self.y0.fract() == 0.0 && self.x0 >= 0.0 && self.y0 >= 0.0;
        if on_grid && ((self.dx == 1.0 && self.dy == 0.0) || (self.dx == 0.0 && self.dy == 1.0)) {
            let (x0, y0) = (self.x0 as usize, self.y0 as usize);
            let n = if self.dx == 1.0 {
                self.n.min(w.saturating_sub(x0))
            } else {
                self.n.min(h.saturating_sub(y0))
            };
            if self.dx == 1.0 {
                out.extend_from_slice(&data[y0 * w + x0..][..n]);
            } else {
                out.extend((0..n).map(|i| data[(y0 + i) * w + x0]));
            }
            return;
        }
        for i in 0..self.n {
            let (x, y) = self.point(i as f32);
            let (xi, yi) = (
                (x.floor() as usize).min(w - 1),
                (y.floor() as usize).min(h - 1),
            );
            let (fx, fy) = (x - xi as f32, y - yi as f32);
            let (x1, y1) = ((xi + 1).min(w - 1), (yi + 1).min(h - 1));
            let p = |xx: usize, yy: usize| f32::from(data[yy * w + xx]);
            let top = p(xi, yi) * (1.0 - fx) + p(x1, yi) * fx;
            let bottom = p(xi, y1) * (1.0 - fx) + p(x1, y1) * fx;
            out.push((top * (1.0 - fy) + bottom * fy + 0.5) as u8);
        }
    }
}

/// Binarisation rules for one sampled line; each gives a bit row (true = dark).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Threshold {
    /// Halfway between the 5th and 95th percentile of the whole line.
    Global,
    /// Halfway between the darkest and lightest sample within +-`w` samples.
    Local(usize),
    /// `Global`'s midpoint, compared with each sample after sharpening against the samples
    /// `d` away on either side (`c + (2c - l - r) / 2`): narrow bars that blur has washed
    /// towards grey become dark again.
    Sharp(usize),
}

/// Light bits added at both ends of every bit row: a code that touches the edge of the frame
/// (a tight crop, a one-line image) still gets the quiet zone the row readers look for.
pub const QUIET: usize = 16;

/// Binarises `samples` into `out`: bit `QUIET + i` is sample `i`, true = dark.
pub fn binarise(samples: &[u8], rule: Threshold, out: &mut BitArray) {
    *out = BitArray::with_size(samples.len() + 2 * QUIET);
    match rule {
        Threshold::Global | Threshold::Sharp(_) => {
            let mut hist = [0u32; 256];
            for &s in samples {
                hist[s as usize] += 1;
            }
            let n = samples.len() as u32;
            let (mut acc, mut lo, mut hi) = (0u32, 0usize, 255usize);
            for (v, c) in hist.iter().enumerate() {
                acc += c;
                if acc * 20 >= n {
                    lo = v;
                    break;
                }
            }
            acc = 0;
            for (v, c) in hist.iter().enumerate().rev() {
                acc += c;
                if acc * 20 >= n {
                    hi = v;
                    break;
                }
            }
            if hi <= lo + 10 {
                return;
            }
            let t = ((lo + hi) / 2) as i32;
            if let Threshold::Sharp(d) = rule {
                for (i, w) in samples.windows(2 * d + 1).enumerate() {
                    let (l, c, r) = (i32::from(w[0]), i32::from(w[d]), i32::from(w[2 * d]));
                    if c + (2 * c - l - r) / 2 < t {
                        out.set(i + d + QUIET);
                    }
                }
            } else {
                for (i, &s) in samples.iter().enumerate() {
                    if i32::from(s) < t {
                        out.set(i + QUIET);
                    }
                }
            }
        }
        Threshold::Local(w) => {
            // Running min/max over a window via a simple monotone deque per side.
            let n = samples.len();
            let mut maxq: std::collections::VecDeque<usize> = std::collections::VecDeque::new();
            let mut minq: std::collections::VecDeque<usize> = std::collections::VecDeque::new();
            let mut next = 0usize;
            let mut prev_dark = false;
            for i in 0..n {
                let right = (i + w).min(n - 1);
                while next <= right {
                    let v = samples[next];
                    while maxq.back().is_some_and(|&j| samples[j] <= v) {
                        maxq.pop_back();
                    }
                    maxq.push_back(next);
                    while minq.back().is_some_and(|&j| samples[j] >= v) {
                        minq.pop_back();
                    }
                    minq.push_back(next);
                    next += 1;
                }
                let left = i.saturating_sub(w);
                while maxq.front().is_some_and(|&j| j < left) {
                    maxq.pop_front();
                }
                while minq.front().is_some_and(|&j| j < left) {
                    minq.pop_front();
                }
                let (lo, hi) = (
                    minq.front().map_or(0, |&j| samples[j]),
                    maxq.front().map_or(255, |&j| samples[j]),
                );
                let dark = if hi - lo < 16 {
                    // Too flat to tell: keep what we had unless clearly light.
                    prev_dark && samples[i] < hi.saturating_sub(8)
                } else {
                    u16::from(samples[i]) * 2 < u16::from(lo) + u16::from(hi)
                };
                if dark {
                    out.set(i + QUIET);
                }
                prev_dark = dark;
            }
        }
    }
}

/// One 1D symbol read along a bit row: where it starts and ends, in sample coordinates
/// (`start <= end`).
#[derive(Debug, Clone, PartialEq)]
pub struct RowHit {
    pub symbology: Symbology,
    pub text: String,
    pub start: f32,
    pub end: f32,
    /// Light for [`QUIET_MODULES`] modules on both sides of the symbol along this row.
    pub quiet: bool,
}

impl RowHit {
    pub fn mid(&self) -> f32 {
        (self.start + self.end) / 2.0
    }
}

/// At most this many symbols are read along one row.
const MAX_PER_ROW: usize = 4;
/// The shortest symbol we read (a Code 128 of one character) has 25 bars and spaces, so 25
/// edges or more; a row left with fewer after the symbols read on it are blanked holds no other.
const MIN_EDGES: usize = 25;

/// Runs the 1D row readers on one bit row, forwards then backwards, and again after blanking
/// each symbol read, so that every symbol the row crosses is found (a scan line across a shelf
/// label or the test card crosses two). The hits go to `out`, in the order read; `bits` is
/// left with the symbols blanked.
pub fn read_row(
    bits: &mut BitArray,
    hints: &DecodeHints,
    want_upcean: bool,
    want_128: bool,
    out: &mut Vec<RowHit>,
) {
    out.clear();
    // The row as binarised, before any symbol read on it was blanked: a blanked neighbour
    // must not pass for a quiet zone.
    let mut original: Option<BitArray> = None;
    for _ in 0..MAX_PER_ROW {
        let Some((symbology, text, (start, end))) = read_one(bits, hints, want_upcean, want_128)
        else {
            break;
        };
        let quiet = quiet_zones(original.as_ref().unwrap_or(bits), (start, end), symbology);
        if original.is_none() {
            original = Some(bits.clone());
        }
        let size = bits.get_size();
        let (lo, hi) = (start.max(0.0) as usize, (end.ceil() as usize).min(size));
        for i in lo..hi {
            bits.unset(i);
        }
        out.push(RowHit {
            symbology,
            text,
            start: start - QUIET as f32,
            end: end - QUIET as f32,
            quiet,
        });
        if edges(bits) < MIN_EDGES {
            break;
        }
    }
}

/// Modules of light the second check of a 1D read wants on both sides of the symbol: more than
/// the widest space inside an EAN/UPC or Code 128 symbol (4 modules), so a stretch of a longer
/// symbol read as a shorter one (an EAN-8 inside a Code 128) fails it; less than the standard
/// quiet zones (7 to 11 modules), which labels often trim.
pub const QUIET_MODULES: f32 = 5.0;

/// The modules of the symbol from `span.0` to `span.1` in `bits`: fixed for EAN/UPC, from its
/// count of bars and spaces for Code 128 (6 a character, 7 for the stop, 11 modules a
/// character and 13 for the stop).
fn modules(bits: &BitArray, span: (usize, usize), symbology: Symbology) -> f32 {
    match symbology {
        Symbology::Ean13 | Symbology::Upca => 95.0,
        Symbology::Ean8 => 67.0,
        Symbology::Upce => 51.0,
        _ => {
            let runs = run_widths(bits, span.0, span.1).len();
            let chars = runs.saturating_sub(7) as f32 / 6.0;
            11.0 * chars + 13.0
        }
    }
}

/// True when `bits` is light for [`QUIET_MODULES`] modules before `span.0` and after `span.1`
/// (bit coordinates; beyond the row counts as light: the padding is).
pub fn quiet_zones(bits: &BitArray, span: (f32, f32), symbology: Symbology) -> bool {
    if matches!(symbology, Symbology::DataBar | Symbology::DataBarExpanded) {
        // DataBar needs no quiet zone (its finder patterns and checksum stand for it): two
        // lines are its second check.
        return true;
    }
    let (a, b) = span_bits(bits, span);
    if b <= a {
        return false;
    }
    let module = (b - a) as f32 / modules(bits, (a, b), symbology);
    side_clear(bits, a, module, false) && side_clear(bits, b, module, true)
}

/// True when the symbol's edge at `edge` has a quiet zone on its side (`after`: to the right):
/// light for [`QUIET_MODULES`] modules (a speck of one bit forgiven, the line's end counting
/// as light), or light for at least a module and then dark far wider than any bar or up to the
/// line's end (the edge of a label trimmed close, a dark print beside it): a bar of a longer
/// symbol it would be a stretch of is at most 4 modules wide.
fn side_clear(bits: &BitArray, edge: usize, module: f32, after: bool) -> bool {
    // The samples, without the light padding `binarise` adds at both ends.
    let (lo, hi) = (QUIET, bits.get_size().saturating_sub(QUIET));
    // The k-th bit outwards from the symbol's edge (None past the line's end).
    let at = |k: usize| -> Option<bool> {
        let i = if after {
            edge.checked_add(k)?
        } else {
            edge.checked_sub(k + 1)?
        };
        (lo..hi).contains(&i).then(|| bits.get(i))
    };
    // The length of the run of `dark` starting at `k` and where it ends (None: at the row's end).
    let run = |k: usize, dark: bool| -> (usize, bool) {
        let mut j = k;
        while let Some(b) = at(j) {
            if b != dark {
                return (j - k, false);
            }
            j += 1;
        }
        (j - k, true)
    };
    let quiet = (QUIET_MODULES * module).round() as usize;
    let (light, open) = run(0, false);
    if open || light >= quiet {
        return true;
    }
    let (dark, dark_open) = run(light, true);
    if dark_open {
        // Dark up to the end of the line: the symbol's background, not a bar.
        return light as f32 >= module;
    }
    if dark <= 1 {
        // A one-bit speck inside the quiet zone.
        let (more, open) = run(light + dark, false);
        if open || light + dark + more >= quiet {
            return true;
        }
    }
    light as f32 >= module && dark as f32 >= BACKGROUND_MODULES * module
}

/// A dark run this many modules wide or more is background, not a bar.
const BACKGROUND_MODULES: f32 = 6.0;

/// Number of light/dark changes along `bits`.
fn edges(bits: &BitArray) -> usize {
    let size = bits.get_size();
    let (mut n, mut i, mut dark) = (0, 0, false);
    while i < size {
        i = if dark {
            bits.getNextUnset(i)
        } else {
            bits.getNextSet(i)
        };
        if i < size {
            n += 1;
            dark = !dark;
        }
    }
    n
}

/// The first symbol read along `bits` (forwards, else backwards): symbology, text, and where
/// it lies in bit coordinates of the forward row.
fn read_one(
    bits: &mut BitArray,
    hints: &DecodeHints,
    want_upcean: bool,
    want_128: bool,
) -> Option<(Symbology, String, (f32, f32))> {
    for reversed in [false, true] {
        if reversed {
            bits.reverse();
        }
        let mut got: Option<RXingResult> = None;
        if want_upcean {
            got = MultiFormatUPCEANReader::new(hints)
                .decode_row(0, bits, hints)
                .ok();
        }
        if got.is_none() && want_128 {
            got = Code128Reader.decode_row(0, bits, hints).ok();
        }
        // rxing's answer when it has one (kept only if plausible), else our EAN/UPC reader.
        let hit = match got {
            Some(r) => rxing_hit(&r, bits),
            None if want_upcean => upcean::read(bits)
                .filter(|(s, t, span)| plausible(*s, t) && upcean::guards_ok(bits, *span, *s)),
            None => None,
        };
        if reversed {
            bits.reverse();
        }
        if let Some((sym, text, (a, b))) = hit {
            let last = bits.get_size() as f32;
            let span = if reversed {
                (last - b, last - a)
            } else {
                (a, b)
            };
            return Some((sym, text, span));
        }
    }
    None
}

/// GS1 DataBar Omnidirectional on scan lines: rxing's reader wants each half of a symbol seen
/// on two rows before it answers (a tally it keeps), so one reader is fed every line of a
/// decode, and a second one the same lines backwards (a line may cross the symbol either way).
#[derive(Default)]
pub struct DataBarTally {
    forwards: RSS14Reader,
    backwards: RSS14Reader,
}

impl DataBarTally {
    /// Reads `bits` (left as it was) into `out` when the tally completes a symbol there.
    pub fn read(&mut self, bits: &mut BitArray, hints: &DecodeHints, out: &mut Vec<RowHit>) {
        let mut hit = self
            .forwards
            .decode_row(0, bits, hints)
            .ok()
            .and_then(|r| rxing_hit(&r, bits));
        if hit.is_none() {
            bits.reverse();
            let last = bits.get_size() as f32;
            hit = self
                .backwards
                .decode_row(0, bits, hints)
                .ok()
                .and_then(|r| rxing_hit(&r, bits))
                .map(|(s, t, (a, b))| (s, t, (last - b, last - a)));
            bits.reverse();
        }
        if let Some((symbology, text, (start, end))) = hit {
            out.push(RowHit {
                symbology,
                text,
                start: start - QUIET as f32,
                end: end - QUIET as f32,
                quiet: true,
            });
        }
    }
}

/// A plausible result of one of our symbologies, with where the symbol lies in bits.
fn rxing_hit(r: &RXingResult, bits: &BitArray) -> Option<(Symbology, String, (f32, f32))> {
    let sym = symbology_of(*r.getBarcodeFormat())?;
    let text = r.getText().to_owned();
    if !plausible(sym, &text) {
        return None;
    }
    let pts = r.getPoints();
    let span = if pts.len() >= 2 {
        outer_edges(bits, pts[0].x.min(pts[1].x), pts[0].x.max(pts[1].x))
    } else {
        (0.0, bits.get_size() as f32)
    };
    if sym == Symbology::Upce && !upce_end_guard(bits, span) {
        return None;
    }
    if !upcean::guards_ok(bits, span, sym) {
        return None;
    }
    Some((sym, text, span))
}

/// `span` (bits) as whole indexes within the row.
pub(crate) fn span_bits(bits: &BitArray, span: (f32, f32)) -> (usize, usize) {
    let size = bits.get_size();
    (
        (span.0.max(0.0) as usize).min(size),
        (span.1.ceil().max(0.0) as usize).min(size),
    )
}

/// The widths of the bars and spaces from bit `a` to bit `b`.
pub(crate) fn run_widths(bits: &BitArray, a: usize, b: usize) -> Vec<f32> {
    let mut runs = Vec::new();
    let mut i = a;
    while i < b {
        let next = if bits.get(i) {
            bits.getNextUnset(i)
        } else {
            bits.getNextSet(i)
        }
        .min(b);
        runs.push((next - i) as f32);
        i = next;
    }
    runs
}

/// True when the symbol from `span.0` to `span.1` (bits, in reading order) ends as a UPC-E
/// does: six runs of one module each (the end guard, space bar space bar space bar). A UPC-E
/// read backwards can decode to another valid UPC-E (its 6-module end guard then holds the
/// 3-module start guard, and the digits are read 3 modules off), and it ends with the true
/// start guard after the first digit's wider bars and spaces.
fn upce_end_guard(bits: &BitArray, span: (f32, f32)) -> bool {
    let (a, b) = span_bits(bits, (span.0, span.1.floor()));
    let runs = run_widths(bits, a, b);
    // 3 + 6 x 4 + 6 runs over 51 modules.
    if runs.len() < 33 {
        return false;
    }
    let m = (b - a) as f32 / 51.0;
    let end = &runs[runs.len() - 6..];
    let total: f32 = end.iter().sum();
    end.iter().all(|&w| w <= 1.9 * m) && (4.5 * m..=7.5 * m).contains(&total)
}

/// rxing gives the middle of the start and of the stop pattern; the symbol reaches past them to
/// its outer bars. From each middle, walks outwards over bars and spaces until a space at least
/// 2.5 times as wide as the symbol's average bar or space (the quiet zone) or a limit.
fn outer_edges(bits: &BitArray, from: f32, to: f32) -> (f32, f32) {
    let size = bits.get_size();
    let (a, b) = (
        (from.max(0.0) as usize).min(size),
        (to.max(0.0) as usize).min(size),
    );
    let mut runs = 0usize;
    let mut i = a;
    while i < b {
        i = if bits.get(i) {
            bits.getNextUnset(i)
        } else {
            bits.getNextSet(i)
        };
        runs += 1;
    }
    let mean = (b - a) as f32 / runs.max(1) as f32;
    let quiet = (2.5 * mean).max(2.0);
    let limit = (9.0 * mean).max(4.0) as usize;
    // Rightwards.
    let mut end = b;
    while end < size && end - b < limit {
        if bits.get(end) {
            end = bits.getNextUnset(end);
            continue;
        }
        let next = bits.getNextSet(end);
        if (next - end) as f32 >= quiet {
            break;
        }
        end = next;
    }
    // Leftwards: the same on the row seen from the other end.
    let mut start = a;
    while start > 0 && a - start < limit {
        let k = start - 1;
        let dark = bits.get(k);
        let mut j = k;
        while j > 0 && bits.get(j - 1) == dark {
            j -= 1;
        }
        if !dark && (k + 1 - j) as f32 >= quiet {
            break;
        }
        start = j;
    }
    (start as f32, end.min(size) as f32)
}

/// Where one symbol was seen: the first line's direction, and the extent of every reading
/// line's span along it and across it (frame pixels).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Extent {
    origin: (f32, f32),
    u: (f32, f32),
    along: (f32, f32),
    across: (f32, f32),
}

impl Extent {
    fn new(a: (f32, f32), b: (f32, f32)) -> Extent {
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let len = (dx * dx + dy * dy).sqrt();
        let u = if len > 1e-3 {
            (dx / len, dy / len)
        } else {
            (1.0, 0.0)
        };
        Extent {
            origin: a,
            u,
            along: (0.0, len),
            across: (0.0, 0.0),
        }
    }

    fn project(&self, p: (f32, f32)) -> (f32, f32) {
        let (dx, dy) = (p.0 - self.origin.0, p.1 - self.origin.1);
        (
            dx * self.u.0 + dy * self.u.1,
            -dx * self.u.1 + dy * self.u.0,
        )
    }

    fn add(&mut self, p: (f32, f32)) {
        let (a, c) = self.project(p);
        self.along = (self.along.0.min(a), self.along.1.max(a));
        self.across = (self.across.0.min(c), self.across.1.max(c));
    }

    /// Length along the bars' normal (pixels).
    pub fn length(&self) -> f32 {
        self.along.1 - self.along.0
    }

    /// True when `p` lies within the extent grown by `margin` pixels on every side.
    pub fn contains(&self, p: (f32, f32), margin: f32) -> bool {
        let (a, c) = self.project(p);
        a >= self.along.0 - margin
            && a <= self.along.1 + margin
            && c >= self.across.0 - margin
            && c <= self.across.1 + margin
    }

    /// The axis-aligned box around the extent: x0, y0, x1, y1.
    pub fn bbox(&self) -> [f32; 4] {
        let mut b = [f32::MAX, f32::MAX, f32::MIN, f32::MIN];
        for a in [self.along.0, self.along.1] {
            for c in [self.across.0, self.across.1] {
                let x = self.origin.0 + a * self.u.0 - c * self.u.1;
                let y = self.origin.1 + a * self.u.1 + c * self.u.0;
                b = [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)];
            }
        }
        b
    }
}

#[derive(Debug)]
struct Tally {
    n: u32,
    /// Lines that saw the symbol's quiet zones.
    quiet: u32,
    sx: f32,
    sy: f32,
    extent: Extent,
}

/// A 1D result with enough votes: its symbology, text, votes, centre and extent.
#[derive(Debug, Clone, PartialEq)]
pub struct Winner {
    pub symbology: Symbology,
    pub text: String,
    pub votes: u32,
    pub at: (f32, f32),
    pub extent: Extent,
}

/// Votes of scan lines for 1D results.
#[derive(Debug, Default)]
pub struct Votes {
    map: HashMap<(Symbology, String), Tally>,
}

/// A rival read lying within this share of a symbol's length of it (or this many pixels,
/// whichever is more) is the same symbol misread.
const RIVAL_MARGIN: f32 = 0.1;
const RIVAL_MARGIN_PX: f32 = 12.0;

impl Votes {
    /// Counts one line's read of a symbol whose ends are at `a` and `b` (frame pixels); returns
    /// its votes so far.
    pub fn add(
        &mut self,
        sym: Symbology,
        text: String,
        (a, b): ((f32, f32), (f32, f32)),
        quiet: bool,
    ) -> u32 {
        let mid = ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0);
        match self.map.entry((sym, text)) {
            std::collections::hash_map::Entry::Occupied(mut e) => {
                let t = e.get_mut();
                t.n += 1;
                t.quiet += u32::from(quiet);
                t.sx += mid.0;
                t.sy += mid.1;
                t.extent.add(a);
                t.extent.add(b);
                t.n
            }
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(Tally {
                    n: 1,
                    quiet: u32::from(quiet),
                    sx: mid.0,
                    sy: mid.1,
                    extent: Extent::new(a, b),
                });
                1
            }
        }
    }

    pub fn count(&self, sym: Symbology, text: &str) -> u32 {
        self.map.get(&(sym, text.to_owned())).map_or(0, |t| t.n)
    }

    /// Lines that read `text` with both its quiet zones light.
    pub fn quiet(&self, sym: Symbology, text: &str) -> u32 {
        self.map.get(&(sym, text.to_owned())).map_or(0, |t| t.quiet)
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Results with at least `min` votes, one of them from a line that saw both quiet zones
    /// (the second, independent check of a 1D read: two lines alone can agree on a stretch
    /// of a longer symbol), after dropping the weaker of two results read at the
    /// same place (a stretch of a Code 128 read as UPC-E, say). Two symbols side by side or one
    /// above the other are both kept.
    pub fn winners(&self, min: u32) -> Vec<Winner> {
        let mut all: Vec<Winner> = self
            .map
            .iter()
            .filter(|(_, tally)| tally.quiet > 0)
            .map(|((s, t), tally)| Winner {
                symbology: *s,
                text: t.clone(),
                votes: tally.n,
                at: (tally.sx / tally.n as f32, tally.sy / tally.n as f32),
                extent: tally.extent,
            })
            .collect();
        all.sort_by(|a, b| {
            b.votes
                .cmp(&a.votes)
                .then(strength(b.symbology).cmp(&strength(a.symbology)))
                .then(a.text.cmp(&b.text))
        });
        let mut out: Vec<Winner> = Vec::new();
        for cand in all {
            // A rival with fewer votes in the same place is a misread of the winner.
            let clash = out.iter().any(|o| {
                let margin = (o.extent.length() * RIVAL_MARGIN).max(RIVAL_MARGIN_PX);
                o.extent.contains(cand.at, margin) || cand.extent.contains(o.at, margin)
            });
            if clash {
                continue;
            }
            // UPC-E and EAN-8 are short and weakly checked: a stretch of a longer symbol can
            // pass for one, so they need one more agreeing line.
            let need = if matches!(cand.symbology, Symbology::Upce | Symbology::Ean8) && min > 1 {
                min + 1
            } else {
                min
            };
            if cand.votes >= need {
                out.push(cand);
            }
        }
        out
    }
}

fn strength(s: Symbology) -> u8 {
    match s {
        Symbology::Code128 => 4,
        Symbology::Ean13 | Symbology::Upca => 3,
        Symbology::Ean8 => 2,
        Symbology::Upce => 1,
        Symbology::Qr | Symbology::DataMatrix => 5,
        Symbology::DataBar | Symbology::DataBarExpanded => 4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_clipped_to_the_frame() {
        let f = LumaFrame::filled(100, 50, 0);
        let l = Line::through(&f, 50.0, 25.0, 0.0, 1000.0, 1.0).expect("line");
        assert_eq!(l.n, 100);
        let (x, y) = l.point((l.n - 1) as f32);
        assert!(x <= 99.0 && y <= 49.0);
        let d = Line::through(&f, 50.0, 25.0, 0.7, 1000.0, 1.0).expect("diagonal");
        let (x, y) = d.point((d.n - 1) as f32);
        assert!((0.0..=99.0).contains(&x) && (0.0..=49.0).contains(&y));
        assert!(Line::through(&f, 500.0, 25.0, 1.5707964, 10.0, 1.0).is_none());
    }

    #[test]
    fn local_threshold_follows_a_light_gradient() {
        let samples: Vec<u8> = (0..200)
            .map(|i| (i / 2) as u8 + if (i / 4) % 2 == 0 { 0 } else { 60 })
            .collect();
        let mut bits = BitArray::new();
        binarise(&samples, Threshold::Local(8), &mut bits);
        for i in 8..192 {
            assert_eq!(bits.get(i + QUIET), (i / 4) % 2 == 0, "{i}");
        }
    }

    #[test]
    fn close_rivals_lose_to_the_stronger_read() {
        let mut v = Votes::default();
        for y in [0.0, 5.0, 10.0] {
            v.add(
                Symbology::Code128,
                "ABC".into(),
                ((10.0, y), (210.0, y)),
                true,
            );
        }
        for y in [4.0, 8.0, 9.0] {
            v.add(
                Symbology::Upce,
                "01234565".into(),
                ((120.0, y), (200.0, y)),
                true,
            );
        }
        let w = v.winners(2);
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].text, "ABC");
        assert_eq!(w[0].extent.bbox(), [10.0, 0.0, 210.0, 10.0]);
    }

    #[test]
    fn symbols_side_by_side_and_stacked_are_all_winners() {
        let mut v = Votes::default();
        for y in [100.0, 110.0, 120.0] {
            v.add(
                Symbology::Ean13,
                "4006381333931".into(),
                ((10.0, y), (200.0, y)),
                true,
            );
            // Beside it on the same lines, 40 pixels of quiet zone away.
            v.add(
                Symbology::Ean8,
                "96385074".into(),
                ((240.0, y), (380.0, y)),
                true,
            );
            // Below it, 40 pixels under the lowest line.
            v.add(
                Symbology::Upca,
                "036000291452".into(),
                ((10.0, y + 60.0), (200.0, y + 60.0)),
                true,
            );
        }
        let mut w: Vec<String> = v.winners(2).into_iter().map(|w| w.text).collect();
        w.sort();
        assert_eq!(w, ["036000291452", "4006381333931", "96385074"]);
    }

    /// A bit row of `runs` (module widths, the first dark), `px` pixels a module.
    fn bit_row(runs: &[(usize, usize)], px: usize) -> BitArray {
        let total: usize = runs.iter().map(|(w, gap)| w + gap).sum::<usize>() * px;
        let mut bits = BitArray::with_size(total);
        let mut x = 0;
        for &(w, gap) in runs {
            for i in x..x + w * px {
                bits.set(i);
            }
            x += (w + gap) * px;
        }
        bits
    }

    #[test]
    fn a_read_no_line_saw_quiet_zones_for_is_not_a_winner() {
        let mut v = Votes::default();
        for y in [0.0, 5.0, 10.0] {
            v.add(
                Symbology::Ean13,
                "4006381333931".into(),
                ((10.0, y), (200.0, y)),
                false,
            );
        }
        assert!(v.winners(2).is_empty());
        v.add(
            Symbology::Ean13,
            "4006381333931".into(),
            ((10.0, 12.0), (200.0, 12.0)),
            true,
        );
        assert_eq!(v.winners(2).len(), 1);
    }

    #[test]
    fn quiet_zones_table() {
        // An EAN-13 of 95 modules, 2 bits a module, between `before` and `after` (runs in
        // modules: light, dark, light, ...), on a row padded as `binarise` pads it.
        let row = |before: &[usize], after: &[usize]| {
            let body: Vec<bool> = (0..95).map(|i| i % 2 == 0 || i == 94).collect();
            let mut modules: Vec<bool> = Vec::new();
            for (k, &w) in before.iter().enumerate() {
                // `before` is listed outwards from the symbol: the first run touches it.
                let dark = k % 2 == 1;
                modules.splice(0..0, std::iter::repeat_n(dark, w));
            }
            let start = modules.len();
            modules.extend(&body);
            for (k, &w) in after.iter().enumerate() {
                modules.extend(std::iter::repeat_n(k % 2 == 1, w));
            }
            let mut bits = BitArray::with_size(2 * modules.len() + 2 * QUIET);
            for (i, &d) in modules.iter().enumerate() {
                if d {
                    bits.set(QUIET + 2 * i);
                    bits.set(QUIET + 2 * i + 1);
                }
            }
            let span = (
                (QUIET + 2 * start) as f32,
                (QUIET + 2 * (start + 95)) as f32,
            );
            quiet_zones(&bits, span, Symbology::Ean13)
        };
        // Light to the line's end on both sides, or 5 modules and more before other print.
        assert!(row(&[3], &[2]));
        assert!(row(&[5, 2, 1], &[6, 1, 1]));
        // A bar of another symbol within 5 modules on either side.
        assert!(!row(&[4, 2, 9], &[7]));
        assert!(!row(&[7], &[2, 3, 9]));
        // A label trimmed close to dark packaging: a module of light, then wide dark.
        assert!(row(&[1, 12, 9], &[2, 8, 3]));
        assert!(row(&[2, 30], &[2, 30]));
        // No light at all before the dark.
        assert!(!row(&[0, 12, 9], &[7]));
    }

    #[test]
    fn outer_edges_stop_at_the_quiet_zone() {
        // Quiet zone of 10, bars 1 2 1 3 1 with 1-module spaces, quiet zone of 10.
        let bits = bit_row(&[(0, 10), (1, 1), (2, 1), (1, 1), (3, 1), (1, 10)], 2);
        // Inner points, as rxing gives the middles of the start and stop patterns.
        let (start, end) = outer_edges(&bits, 23.0, 37.0);
        assert_eq!((start, end), (20.0, 44.0));
    }

    #[test]
    fn a_upc_e_read_backwards_is_refused() {
        use rxing::Writer;
        let m = rxing::MultiFormatWriter
            .encode("02232247", &rxing::BarcodeFormat::UPC_E, 0, 0)
            .expect("encode");
        let row: Vec<bool> = (0..m.getWidth()).map(|x| m.get(x, 0)).collect();
        let first = row.iter().position(|&d| d).expect("a bar");
        let last = row.iter().rposition(|&d| d).expect("a bar");
        let mut bits = BitArray::with_size(row.len() * 2);
        for (i, &dark) in row.iter().enumerate() {
            if dark {
                bits.set(2 * i);
                bits.set(2 * i + 1);
            }
        }
        let span = ((2 * first) as f32, (2 * last + 2) as f32);
        assert!(upce_end_guard(&bits, span));
        bits.reverse();
        let size = bits.get_size() as f32;
        assert!(!upce_end_guard(&bits, (size - span.1, size - span.0)));
    }

    #[test]
    fn every_symbol_along_a_row_is_read() {
        use rxing::Writer;
        let hints = DecodeHints::default();
        let row = |text: &str, format: rxing::BarcodeFormat| {
            let m = rxing::MultiFormatWriter
                .encode(text, &format, 0, 0)
                .expect("encode");
            (0..m.getWidth())
                .map(|x| m.get(x, 0))
                .collect::<Vec<bool>>()
        };
        let mut line = vec![false; 30];
        line.extend(row("4006381333931", rxing::BarcodeFormat::EAN_13));
        line.extend(vec![false; 20]);
        line.extend(row("96385074", rxing::BarcodeFormat::EAN_8));
        line.extend(vec![false; 20]);
        line.extend(row("SS1-ABC", rxing::BarcodeFormat::CODE_128));
        line.extend(vec![false; 30]);
        let samples: Vec<u8> = line
            .iter()
            .flat_map(|&dark| [if dark { 20 } else { 220 }; 3])
            .collect();
        let mut bits = BitArray::new();
        binarise(&samples, Threshold::Global, &mut bits);
        let mut hits = Vec::new();
        read_row(&mut bits, &hints, true, true, &mut hits);
        let mut texts: Vec<&str> = hits.iter().map(|h| h.text.as_str()).collect();
        texts.sort_unstable();
        assert_eq!(texts, ["4006381333931", "96385074", "SS1-ABC"], "{hits:?}");
        for h in &hits {
            assert!(h.start >= 0.0 && h.end <= samples.len() as f32, "{h:?}");
        }
    }
}
