//! DataMatrix: rxing's detector and decoder, with the modules read again from the grey frame
//! when the bits the detector sampled do not decode.
//!
//! rxing's reader (the zxing-cpp port of the detector) samples each module's centre on the
//! binarised bitmap. On a blurred symbol the local threshold breaks up the modules beside a
//! dark or light run, and the Reed-Solomon code cannot mend that many; zxing-cpp reads some of
//! those. Here the symbol the detector located (its four outer corners and its size) is
//! sampled once more, on the grey frame about each module's centre, against a threshold
//! halfway between the symbol's dark and light modules, then against one that follows the
//! modules around. The error correction is the check: the text comes from rxing's decoder
//! only when the codewords correct, and only symbols with enough of them are read again.

use rxing::common::{BitMatrix, DetectorRXingResult, PerspectiveTransform, Quadrilateral};
use rxing::datamatrix::decoder::Decoder as DmDecoder;
use rxing::datamatrix::detector::Detector as OldDetector;
use rxing::datamatrix::detector::zxing_cpp_detector::detect;
use rxing::{Point, point};

use super::frame::LumaFrame;

/// A symbol read: its text and its four corners (frame pixels).
pub(crate) struct DmRead {
    pub text: String,
    pub corners: Vec<Point>,
}

/// Reads the first DataMatrix symbol `matrix` (a binarised `grey`, same size) shows: as rxing's
/// reader does (its new detector, then "harder" its old one), each symbol located being read
/// from the bitmap and, when that fails, from the grey frame.
pub(crate) fn read(
    decoder: &DmDecoder,
    grey: &LumaFrame,
    matrix: &BitMatrix,
    harder: bool,
) -> Option<DmRead> {
    if let Ok(symbols) = detect(matrix, harder, true) {
        for s in &symbols {
            if let Some(r) = decoded(decoder, grey, s.getBits(), s.getPoints()) {
                return Some(r);
            }
        }
    }
    if harder
        && let Ok(s) = OldDetector::new(matrix).and_then(|d| d.detect())
        && let Some(r) = decoded(decoder, grey, s.getBits(), s.getPoints())
    {
        return Some(r);
    }
    None
}

/// The symbol of sampled `bits` located at `corners`: decoded from the bits, else from the
/// grey frame sampled again.
fn decoded(
    decoder: &DmDecoder,
    grey: &LumaFrame,
    bits: &BitMatrix,
    corners: &[Point],
) -> Option<DmRead> {
    let text = match decoder.decode(bits) {
        Ok(d) => d.getText().to_owned(),
        Err(_) => {
            let (w, h) = (bits.getWidth(), bits.getHeight());
            if w * h < MIN_MODULES {
                return None;
            }
            [false, true].into_iter().find_map(|spread| {
                let levels = levels(grey, w, h, corners, spread)?;
                [false, true].into_iter().find_map(|local| {
                    let again = thresholded(&levels, w, h, local)?;
                    Some(decoder.decode(&again).ok()?.getText().to_owned())
                })
            })?
        }
    };
    Some(DmRead {
        text,
        corners: corners.to_vec(),
    })
}

/// Symbols of fewer modules are not read again: their few error correction codewords (5 on a
/// 10 x 10 symbol) can mend noise into a symbol (a GS1 element string needs 16 x 16 anyway).
const MIN_MODULES: u32 = 256;

/// The grey levels of the `w` x `h` modules of the symbol whose outer corners are `corners`
/// (top left, top right, bottom right, bottom left in the symbol's own orientation), each the
/// level at its centre, or (`spread`) the mean of five points about it (its centre and four a
/// fifth of a module away: corners a little off move the centre less than a point).
fn levels(grey: &LumaFrame, w: u32, h: u32, corners: &[Point], spread: bool) -> Option<Vec<f32>> {
    if corners.len() != 4 || w < 8 || h < 8 || grey.width() < 2 || grey.height() < 2 {
        return None;
    }
    let quad = Quadrilateral([corners[0], corners[1], corners[2], corners[3]]);
    let to_frame = PerspectiveTransform::squareToQuadrilateral(quad);
    let (fw, fh) = (grey.width() as f32, grey.height() as f32);
    let mut levels = Vec::with_capacity((w * h) as usize);
    for y in 0..h {
        for x in 0..w {
            let mut sum = 0.0;
            let points = if spread { 5 } else { 1 };
            for (dx, dy) in [(0.0, 0.0), (-0.2, 0.0), (0.2, 0.0), (0.0, -0.2), (0.0, 0.2)]
                .into_iter()
                .take(points)
            {
                let p = to_frame.transform_point(point(
                    (x as f32 + 0.5 + dx) / w as f32,
                    (y as f32 + 0.5 + dy) / h as f32,
                ));
                if !(0.0..fw - 1.0).contains(&p.x) || !(0.0..fh - 1.0).contains(&p.y) {
                    return None;
                }
                sum += bilinear(grey, p.x, p.y);
            }
            levels.push(sum / points as f32);
        }
    }
    Some(levels)
}

/// The modules of `levels` darker than halfway between the symbol's dark and light levels (the
/// 10th and 90th percentiles of its modules) set; `local`: than halfway between that and the
/// mean of the 5 x 5 modules around (blur greys a light module among dark ones, and a dark
/// one among light ones).
fn thresholded(levels: &[f32], w: u32, h: u32, local: bool) -> Option<BitMatrix> {
    let mut sorted = levels.to_vec();
    sorted.sort_by(f32::total_cmp);
    let (dark, light) = (sorted[sorted.len() / 10], sorted[sorted.len() * 9 / 10]);
    if light - dark < 16.0 {
        return None;
    }
    let mid = (dark + light) / 2.0;
    let mut bits = BitMatrix::new(w, h).ok()?;
    for y in 0..h {
        for x in 0..w {
            let t = if local {
                let (mut sum, mut n) = (0.0, 0.0);
                for yy in y.saturating_sub(2)..(y + 3).min(h) {
                    for xx in x.saturating_sub(2)..(x + 3).min(w) {
                        sum += levels[(yy * w + xx) as usize];
                        n += 1.0;
                    }
                }
                (mid + sum / n) / 2.0
            } else {
                mid
            };
            if levels[(y * w + x) as usize] < t {
                bits.set(x, y);
            }
        }
    }
    Some(bits)
}

/// The grey level at (x, y), between the four pixels around it.
fn bilinear(f: &LumaFrame, x: f32, y: f32) -> f32 {
    let (x0, y0) = (x as usize, y as usize);
    let (x1, y1) = ((x0 + 1).min(f.width() - 1), (y0 + 1).min(f.height() - 1));
    let (fx, fy) = (x - x0 as f32, y - y0 as f32);
    let p = |a: usize, b: usize| f32::from(f.at(a, b));
    (p(x0, y0) * (1.0 - fx) + p(x1, y0) * fx) * (1.0 - fy)
        + (p(x0, y1) * (1.0 - fx) + p(x1, y1) * fx) * fy
}
