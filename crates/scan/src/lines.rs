//! 1D codes along scan lines at any angle.
//!
//! A line is sampled from the luma frame with bilinear interpolation, binarised by more than
//! one rule, and each bit row is handed to rxing's row readers in both directions. Every read
//! is a vote; a 1D result is only trusted when enough lines agree (see `Votes`).

use std::collections::HashMap;

use rxing::common::BitArray;
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

/// Runs the 1D row readers on one bit row, forwards then backwards.
/// Returns (symbology, text, middle of the symbol in sample coordinates).
pub fn read_row(
    bits: &mut BitArray,
    hints: &DecodeHints,
    want_upcean: bool,
    want_128: bool,
) -> Option<(Symbology, String, f32)> {
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
            Some(r) => rxing_hit(&r, bits.get_size()),
            None if want_upcean => upcean::read(bits).filter(|(s, t, _)| plausible(*s, t)),
            None => None,
        };
        if reversed {
            bits.reverse();
        }
        if let Some((sym, text, mid)) = hit {
            let mid = if reversed {
                bits.get_size() as f32 - 1.0 - mid
            } else {
                mid
            };
            return Some((sym, text, mid - QUIET as f32));
        }
    }
    None
}

/// A plausible result of one of our symbologies, with the middle of the symbol in bits.
fn rxing_hit(r: &RXingResult, size: usize) -> Option<(Symbology, String, f32)> {
    let sym = symbology_of(*r.getBarcodeFormat())?;
    let text = r.getText().to_owned();
    if !plausible(sym, &text) {
        return None;
    }
    let pts = r.getPoints();
    let mid = if pts.len() >= 2 {
        (pts[0].x + pts[1].x) / 2.0
    } else {
        size as f32 / 2.0
    };
    Some((sym, text, mid))
}

/// Votes of scan lines for 1D results.
#[derive(Debug, Default)]
pub struct Votes {
    map: HashMap<(Symbology, String), (u32, f32, f32)>,
}

impl Votes {
    pub fn add(&mut self, sym: Symbology, text: String, at: (f32, f32)) -> u32 {
        let e = self.map.entry((sym, text)).or_insert((0, 0.0, 0.0));
        e.0 += 1;
        e.1 += at.0;
        e.2 += at.1;
        e.0
    }

    pub fn count(&self, sym: Symbology, text: &str) -> u32 {
        self.map.get(&(sym, text.to_owned())).map_or(0, |e| e.0)
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Results with at least `min` votes, after dropping the weaker of two results read at the
    /// same place (a stretch of a Code 128 read as UPC-E, say).
    pub fn winners(&self, min: u32, near: f32) -> Vec<(Symbology, String, u32, (f32, f32))> {
        let mut all: Vec<_> = self
            .map
            .iter()
            .map(|((s, t), (n, x, y))| (*s, t.clone(), *n, (x / *n as f32, y / *n as f32)))
            .collect();
        all.sort_by(|a, b| {
            b.2.cmp(&a.2)
                .then(strength(b.0).cmp(&strength(a.0)))
                .then(a.1.cmp(&b.1))
        });
        let mut out: Vec<(Symbology, String, u32, (f32, f32))> = Vec::new();
        for cand in all {
            let clash = out.iter().any(|o| {
                let d = ((o.3.0 - cand.3.0).powi(2) + (o.3.1 - cand.3.1).powi(2)).sqrt();
                d < near
            });
            // A close rival with fewer votes is a misread of the winner.
            if clash {
                continue;
            }
            // UPC-E and EAN-8 are short and weakly checked: a stretch of a longer symbol can
            // pass for one, so they need one more agreeing line.
            let need = if matches!(cand.0, Symbology::Upce | Symbology::Ean8) && min > 1 {
                min + 1
            } else {
                min
            };
            if cand.2 >= need {
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
        Symbology::Qr => 5,
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
        for _ in 0..3 {
            v.add(Symbology::Code128, "ABC".into(), (10.0, 10.0));
        }
        v.add(Symbology::Upce, "01234565".into(), (12.0, 10.0));
        v.add(Symbology::Upce, "01234565".into(), (12.0, 10.0));
        let w = v.winners(2, 50.0);
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].1, "ABC");
    }
}
