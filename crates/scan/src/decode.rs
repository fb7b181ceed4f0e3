//! Turning a luma frame into the codes it shows.
//!
//! The passes, cheapest first (docs/scanning.md tells the whole story):
//! 1. the region finder: where is bar or block texture, at full, half or quarter size;
//! 2. scan lines across each bar region at its angle, binarised several ways, read by rxing's
//!    row readers and our own EAN/UPC width reader, with votes across lines;
//! 3. QR where blocks were seen; stills add whole rows and columns and rxing's own scanner.

use std::collections::HashSet;

use rxing::common::{GlobalHistogramBinarizer, HybridBinarizer};
use rxing::{
    BarcodeFormat, Binarizer, BinaryBitmap, DecodeHints, Luma8Source, MultiFormatReader,
    RXingResult, Reader,
};

use super::frame::LumaFrame;
use super::lines::{Line, Threshold, Votes, binarise, read_row};
use super::regions::{Region, RegionKind, find_regions, reach};
use rxing::common::BitArray;
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
}

/// How hard to look. A live stream uses `Stream` (a time budget per frame; the next frame is
/// another chance), still images use `Still`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effort {
    Stream,
    Still,
}

pub struct Decoder {
    effort: Effort,
    hints: DecodeHints,
    /// QR: the quick finder-pattern search, and "try harder".
    qr_quick: DecodeHints,
    qr_hard: DecodeHints,
}

/// Frames up to this many pixels skip the "nothing here" shortcut: they are cheap anyway, and
/// a close-up photo of a code can fill a small frame with one texture.
const SMALL_FRAME: usize = 400 * 400;
const MAX_REGIONS: usize = 8;
const ROW_LINES: usize = 128;
/// Scan lines across a bar region are at least this long (pixels): blur hides the outer
/// bars from the region finder, so a region can be much shorter than its symbol.
const MIN_LINE: f32 = 400.0;
/// Two 1D reads closer than this (pixels) are the same symbol.
const NEAR: f32 = 120.0;
const RULES: [Threshold; 5] = [
    Threshold::Local(10),
    Threshold::Global,
    Threshold::Local(28),
    Threshold::Sharp(2),
    Threshold::Sharp(1),
];

#[derive(Default)]
struct Scratch {
    samples: Vec<u8>,
    bits: BitArray,
}

fn formats() -> HashSet<BarcodeFormat> {
    [
        BarcodeFormat::EAN_13,
        BarcodeFormat::EAN_8,
        BarcodeFormat::UPC_A,
        BarcodeFormat::UPC_E,
        BarcodeFormat::CODE_128,
        BarcodeFormat::QR_CODE,
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
        Symbology::Code128 | Symbology::Qr => !text.is_empty(),
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
        Decoder {
            effort,
            hints,
            qr_quick,
            qr_hard,
        }
    }

    pub fn effort(&self) -> Effort {
        self.effort
    }

    /// Every code found in `frame`, each once.
    pub fn decode(&self, frame: &LumaFrame) -> Vec<Detection> {
        let small = frame.width() * frame.height() <= SMALL_FRAME;
        let regions = find_regions(frame);
        if regions.is_empty() && !small {
            // Big modules (a close-up code, a phone's QR held to the camera) leave cells flat
            // at full size: look at half and quarter size before calling the frame empty.
            let Some((coarse, coarse_regions, factor)) = coarser_texture(frame) else {
                return Vec::new();
            };
            return match self.effort {
                // A still gets the full search at full size.
                Effort::Still => self.decode_scaled(frame),
                // A live frame is decoded at the coarser size instead: a quarter of the cost or
                // less, the next frame being another chance.
                Effort::Stream => scaled(self.decode_in(&coarse, coarse_regions), factor),
            };
        }
        self.decode_in(frame, regions)
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
        for r in bar_regions {
            self.scan_region(frame, r, &regions, &mut votes, &mut scratch, min_votes);
        }
        let barlike = regions
            .iter()
            .any(|r| r.kind == RegionKind::Bars && r.cells >= 3);
        let has_blocks = regions
            .iter()
            .any(|r| r.kind == RegionKind::Blocks && r.cells >= 2);
        let still = self.effort == Effort::Still;
        // Bars seen but not read: whole rows and columns before anything else.
        let rows_first = still && barlike && votes.winners(min_votes, NEAR).is_empty();
        if rows_first {
            self.scan_rows(frame, &mut votes, &mut scratch, min_votes);
        }
        push_winners(&votes, min_votes, &mut found);
        if has_blocks || small {
            self.qr_pass(frame, &mut found);
        }
        if still && found.is_empty() && (small || !regions.is_empty()) {
            // Texture, but nothing read: whole rows and columns (a blurred code can leave no
            // bar cell at all), then QR over the whole frame.
            if !rows_first {
                self.scan_rows(frame, &mut votes, &mut scratch, min_votes);
                push_winners(&votes, min_votes, &mut found);
            }
            if found.is_empty() && !(has_blocks || small) {
                self.qr_pass(frame, &mut found);
            }
        }
        if found.is_empty() && self.effort == Effort::Still && !votes.is_empty()
            || (found.is_empty() && small)
        {
            // Something bar-like was read once but never confirmed: let rxing's own row
            // scanner have a go over the whole frame.
            // One read by rxing alone is not trusted: see rxing_1d_pass.
            self.rxing_1d_pass(frame, &votes, min_votes, &mut found);
        }
        found
    }

    /// rxing's own row scanner over the whole frame, once per binariser. A 1D read is kept
    /// when our lines saw it too, or when one of our lines beside rxing's row reads the same.
    fn rxing_1d_pass(
        &self,
        frame: &LumaFrame,
        votes: &Votes,
        min_votes: u32,
        found: &mut Vec<Detection>,
    ) {
        let Ok(source) =
            Luma8Source::new_with_slice(frame.data(), frame.width() as u32, frame.height() as u32)
        else {
            return;
        };
        let hints = DecodeHints {
            TryHarder: Some(true),
            ..self.hints.clone()
        };
        let trusted = |d: &Detection| min_votes == 1 || votes.count(d.symbology, &d.text) >= 1;
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
            if !push_result(&r, &mut one) {
                continue;
            }
            let d = one.remove(0);
            if trusted(&d) || self.confirm_beside(frame, &r, &d) {
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
                if let Some((sym, text, _)) = read_row(&mut scratch.bits, &self.hints, true, true)
                    && sym == d.symbology
                    && text == d.text
                {
                    return true;
                }
            }
        }
        false
    }

    /// The full still-image search, for frames whose texture only shows at a coarser scale.
    fn decode_scaled(&self, frame: &LumaFrame) -> Vec<Detection> {
        let mut found = Vec::new();
        let mut votes = Votes::default();
        let mut scratch = Scratch::default();
        self.scan_rows(frame, &mut votes, &mut scratch, 2);
        push_winners(&votes, 2, &mut found);
        self.qr_pass(frame, &mut found);
        if found.is_empty() && !votes.is_empty() {
            self.rxing_1d_pass(frame, &votes, 2, &mut found);
        }
        found
    }

    fn scan_region(
        &self,
        frame: &LumaFrame,
        r: &Region,
        all: &[Region],
        votes: &mut Votes,
        s: &mut Scratch,
        min_votes: u32,
    ) {
        let len = (reach(all, r) * 3.2 + 64.0).max(MIN_LINE);
        let n = ((r.across / 8.0) as usize).clamp(3, 12);
        let (bx, by) = (-r.angle.sin(), r.angle.cos());
        for k in 0..n {
            let off = ((k as f32 + 0.5) / n as f32 - 0.5) * 0.8 * r.across;
            let (cx, cy) = (r.cx + bx * off, r.cy + by * off);
            let Some(line) = Line::through(frame, cx, cy, r.angle, len, 0.5) else {
                continue;
            };
            if self.read_line(frame, &line, votes, s) > min_votes {
                return;
            }
        }
    }

    /// Whole rows and columns, from the middle outwards, as rxing's "try harder" does.
    fn scan_rows(&self, frame: &LumaFrame, votes: &mut Votes, s: &mut Scratch, min_votes: u32) {
        let (w, h) = (frame.width() as f32, frame.height() as f32);
        for (angle, across, extent) in [(0.0f32, h, w), (std::f32::consts::FRAC_PI_2, w, h)] {
            let lines = (across as usize).min(ROW_LINES);
            let step = across / lines as f32;
            for i in 0..lines {
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
                if self.read_line(frame, &line, votes, s) > min_votes {
                    return;
                }
            }
        }
    }

    /// Reads one line with every threshold rule; returns the highest vote count reached.
    fn read_line(&self, frame: &LumaFrame, line: &Line, votes: &mut Votes, s: &mut Scratch) -> u32 {
        line.sample(frame, &mut s.samples);
        let mut best = 0;
        for rule in RULES {
            binarise(&s.samples, rule, &mut s.bits);
            if let Some((sym, text, mid)) = read_row(&mut s.bits, &self.hints, true, true) {
                best = best.max(votes.add(sym, text, line.point(mid)));
                break;
            }
        }
        best
    }

    fn qr_pass(&self, frame: &LumaFrame, found: &mut Vec<Detection>) {
        let Ok(source) =
            Luma8Source::new_with_slice(frame.data(), frame.width() as u32, frame.height() as u32)
        else {
            return;
        };
        let mut bitmap = BinaryBitmap::new(HybridBinarizer::new(source.clone()));
        // Stills: the quick finder-pattern search first (most codes), "try harder" after.
        if self.effort == Effort::Still && self.try_hints(&mut bitmap, found, &self.qr_quick) {
            return;
        }
        if self.try_reader(&mut bitmap, found) {
            return;
        }
        let mut bitmap = BinaryBitmap::new(GlobalHistogramBinarizer::new(source));
        self.try_reader(&mut bitmap, found);
    }

    fn try_hints<B: Binarizer>(
        &self,
        bitmap: &mut BinaryBitmap<B>,
        found: &mut Vec<Detection>,
        hints: &DecodeHints,
    ) -> bool {
        match MultiFormatReader::default().decode_with_hints(bitmap, hints) {
            Ok(r) => push_result(&r, found),
            Err(_) => false,
        }
    }

    fn try_reader<B: Binarizer>(
        &self,
        bitmap: &mut BinaryBitmap<B>,
        found: &mut Vec<Detection>,
    ) -> bool {
        // Stills look hard; so do small frames, which are cheap; large live frames do not.
        let small = bitmap.get_width() * bitmap.get_height() <= SMALL_FRAME;
        let hints = if self.effort == Effort::Still || small {
            &self.qr_hard
        } else {
            &self.qr_quick
        };
        self.try_hints(bitmap, found, hints)
    }
}

/// Adds the 1D results with enough votes.
fn push_winners(votes: &Votes, min_votes: u32, found: &mut Vec<Detection>) {
    for (symbology, text, _, at) in votes.winners(min_votes, NEAR) {
        if !found
            .iter()
            .any(|d| d.symbology == symbology && d.text == text)
        {
            found.push(Detection {
                symbology,
                text,
                at: Some(at),
            });
        }
    }
}

/// The first of the half- and quarter-size frames that shows texture, with its regions and
/// its scale factor.
fn coarser_texture(frame: &LumaFrame) -> Option<(LumaFrame, Vec<Region>, f32)> {
    let half = frame.half();
    let regions = find_regions(&half);
    if !regions.is_empty() {
        return Some((half, regions, 2.0));
    }
    let quarter = half.half();
    let regions = find_regions(&quarter);
    (!regions.is_empty()).then_some((quarter, regions, 4.0))
}

/// Detections made on a frame `factor` times smaller, in this frame's pixels.
fn scaled(mut found: Vec<Detection>, factor: f32) -> Vec<Detection> {
    for d in &mut found {
        d.at = d.at.map(|(x, y)| (x * factor, y * factor));
    }
    found
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

/// Adds `r` to `found` when it is one of our symbologies, plausible and new. True when added.
fn push_result(r: &RXingResult, found: &mut Vec<Detection>) -> bool {
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
