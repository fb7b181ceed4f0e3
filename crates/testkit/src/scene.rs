//! Drawing codes into frames: for tests, the demo frames and the fuzz seeds. Not a printer
//! driver: the output is a webcam-like luma frame with the code on a white label.

use rxing::{BarcodeFormat, Writer};

use smartstore_domain::scan::Symbology;
use smartstore_scan::LumaFrame;

fn format_of(s: Symbology) -> BarcodeFormat {
    match s {
        Symbology::Ean13 => BarcodeFormat::EAN_13,
        Symbology::Ean8 => BarcodeFormat::EAN_8,
        Symbology::Upca => BarcodeFormat::UPC_A,
        Symbology::Upce => BarcodeFormat::UPC_E,
        Symbology::Code128 => BarcodeFormat::CODE_128,
        Symbology::Qr => BarcodeFormat::QR_CODE,
        Symbology::DataMatrix => BarcodeFormat::DATA_MATRIX,
        Symbology::DataBar => BarcodeFormat::RSS_14,
        Symbology::DataBarExpanded => BarcodeFormat::RSS_EXPANDED,
    }
}

/// A scene to draw: one code, its module size in pixels, its rotation, the frame size.
#[derive(Debug, Clone)]
pub struct Scene {
    pub symbology: Symbology,
    pub text: String,
    pub module_px: f32,
    pub angle_deg: f32,
    pub width: usize,
    pub height: usize,
    /// Standard deviation of the added sensor noise (grey levels).
    pub noise: f32,
    pub seed: u64,
}

/// One code on its own label, centred at (`cx`, `cy`) in the frame.
#[derive(Debug, Clone, PartialEq)]
pub struct Placed {
    pub symbology: Symbology,
    pub text: String,
    pub module_px: f32,
    pub angle_deg: f32,
    pub cx: f32,
    pub cy: f32,
}

/// A frame holding several codes, each on a label (labels do not overlap): products side by
/// side in front of the camera, a shelf label, the test card.
#[derive(Debug, Clone)]
pub struct MultiScene {
    pub codes: Vec<Placed>,
    pub width: usize,
    pub height: usize,
    /// Standard deviation of the added sensor noise (grey levels).
    pub noise: f32,
    /// Passes of a 3×3 box blur before the noise (a camera slightly out of focus).
    pub blur: usize,
    pub seed: u64,
}

/// Draws `scene`. Errors when the text cannot be encoded in that symbology.
pub fn draw(scene: &Scene) -> Result<LumaFrame, String> {
    draw_multi(&MultiScene {
        codes: vec![Placed {
            symbology: scene.symbology,
            text: scene.text.clone(),
            module_px: scene.module_px,
            angle_deg: scene.angle_deg,
            cx: scene.width as f32 / 2.0,
            cy: scene.height as f32 / 2.0,
        }],
        width: scene.width,
        height: scene.height,
        noise: scene.noise,
        blur: 0,
        seed: scene.seed,
    })
}

/// A code's label: the encoded symbol and its size in modules.
struct Label {
    m: rxing::common::BitMatrix,
    linear: bool,
    sym_w: f32,
    sym_h: f32,
    margin: f32,
    /// Label size in modules, quiet margins included.
    lw: f32,
    lh: f32,
    module_px: f32,
    sin: f32,
    cos: f32,
    cx: f32,
    cy: f32,
}

impl Label {
    fn new(p: &Placed) -> Result<Label, String> {
        let m = rxing::MultiFormatWriter
            .encode(&p.text, &format_of(p.symbology), 0, 0)
            .map_err(|e| format!("cannot encode '{}' as {}: {e}", p.text, p.symbology.name()))?;
        let (mw, mh) = (m.getWidth() as f32, m.getHeight() as f32);
        let linear = p.symbology.is_linear();
        // 1D writers give one row; make the bars as tall as a third of their width (plus quiet zone).
        let (sym_w, sym_h) = if linear {
            (mw, (mw * 0.35).max(20.0))
        } else {
            (mw, mh)
        };
        let margin = if linear { 12.0 } else { 4.0 };
        let (sin, cos) = p.angle_deg.to_radians().sin_cos();
        Ok(Label {
            m,
            linear,
            sym_w,
            sym_h,
            margin,
            lw: sym_w + 2.0 * margin,
            lh: sym_h + 2.0 * margin,
            module_px: p.module_px,
            sin,
            cos,
            cx: p.cx,
            cy: p.cy,
        })
    }

    /// Reflectance at frame point (x, y): 0 (ink) .. 1 (paper), None off the label.
    fn at(&self, x: f32, y: f32) -> Option<f32> {
        let (dx, dy) = (x - self.cx, y - self.cy);
        let u = (dx * self.cos + dy * self.sin) / self.module_px + self.lw / 2.0;
        let v = (-dx * self.sin + dy * self.cos) / self.module_px + self.lh / 2.0;
        if !(u >= 0.0 && v >= 0.0 && u < self.lw && v < self.lh) {
            return None;
        }
        let (x, y) = (u - self.margin, v - self.margin);
        if x < 0.0 || y < 0.0 || x >= self.sym_w || y >= self.sym_h {
            return Some(1.0);
        }
        let row = if self.linear { 0 } else { y as u32 };
        Some(if self.m.get(x as u32, row) { 0.0 } else { 1.0 })
    }

    /// Half the label's diagonal, in pixels.
    fn radius(&self) -> f32 {
        (self.lw * self.lw + self.lh * self.lh).sqrt() * self.module_px / 2.0
    }
}

/// Draws `scene`. Errors when a text cannot be encoded in its symbology.
pub fn draw_multi(scene: &MultiScene) -> Result<LumaFrame, String> {
    let labels = scene
        .codes
        .iter()
        .map(Label::new)
        .collect::<Result<Vec<_>, _>>()?;
    let mut rng = scene
        .seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut noise = || {
        // Sum of uniforms: close enough to Gaussian for sensor noise.
        let mut s = 0.0f32;
        for _ in 0..4 {
            rng = rng
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            s += (rng >> 40) as f32 / (1u64 << 24) as f32 - 0.5;
        }
        s * scene.noise * 1.7
    };
    let (w, h) = (scene.width, scene.height);
    let mut clean = vec![0f32; w * h];
    for py in 0..h {
        for px in 0..w {
            // With 2x2 supersampling for anti-aliasing.
            let mut acc = 0.0f32;
            for (ox, oy) in [(0.25f32, 0.25f32), (0.75, 0.25), (0.25, 0.75), (0.75, 0.75)] {
                let (x, y) = (px as f32 + ox, py as f32 + oy);
                acc += match labels.iter().find_map(|l| l.at(x, y)) {
                    Some(r) => 40.0 + 185.0 * r,
                    None => 110.0 + 20.0 * ((px / 40 + py / 40) % 2) as f32,
                };
            }
            clean[py * w + px] = acc / 4.0;
        }
    }
    for _ in 0..scene.blur {
        let src = clean.clone();
        for y in 1..h.saturating_sub(1) {
            for x in 1..w - 1 {
                let mut sum = 0.0;
                for yy in y - 1..=y + 1 {
                    sum += src[yy * w + x - 1] + src[yy * w + x] + src[yy * w + x + 1];
                }
                clean[y * w + x] = sum / 9.0;
            }
        }
    }
    let data = clean
        .iter()
        .map(|&v| (v + noise()).clamp(0.0, 255.0) as u8)
        .collect();
    LumaFrame::new(w, h, data).map_err(|e| e.to_string())
}

/// A random text of `symbology` (valid check digits; a Code 128 or QR text of the shop's kind).
pub fn random_text(symbology: Symbology, rng: &mut fastrand::Rng) -> String {
    let digits =
        |rng: &mut fastrand::Rng, n: usize| -> Vec<u8> { (0..n).map(|_| rng.u8(0..10)).collect() };
    let with_check = |body: Vec<u8>| {
        let c = smartstore_domain::gtin::check_digit(&body);
        body.iter()
            .chain(std::iter::once(&c))
            .map(|d| char::from(b'0' + d))
            .collect::<String>()
    };
    match symbology {
        Symbology::Ean13 => {
            let mut body = digits(rng, 12);
            // A leading 0 would make it a UPC-A.
            body[0] = rng.u8(1..10);
            with_check(body)
        }
        Symbology::Ean8 => with_check(digits(rng, 7)),
        Symbology::Upca => with_check(digits(rng, 11)),
        Symbology::Upce => loop {
            let body: String = std::iter::once('0')
                .chain(digits(rng, 6).into_iter().map(|d| char::from(b'0' + d)))
                .collect();
            if let Some(text) = (0..10)
                .map(|c| format!("{body}{c}"))
                .find(|t| smartstore_domain::gtin::Gtin::from_upce(t).is_ok())
            {
                break text;
            }
        },
        Symbology::Code128 => {
            let n = rng.usize(4..10);
            let tail: String = (0..n)
                .map(|_| char::from(b"ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"[rng.usize(0..34)]))
                .collect();
            format!("SS1-{tail}")
        }
        // GS1: a GTIN-14 (DataBar), with a weight (DataBar Expanded, DataMatrix).
        Symbology::DataBar => with_check(digits(rng, 13)),
        Symbology::DataBarExpanded | Symbology::DataMatrix => {
            let gtin = with_check(digits(rng, 13));
            format!("01{gtin}3103{:06}", rng.u32(1..100_000))
        }
        Symbology::Qr => {
            let n = rng.usize(8..40);
            let tail: String = (0..n)
                .map(|_| char::from(b"abcdefghijklmnopqrstuvwxyz0123456789"[rng.usize(0..36)]))
                .collect();
            format!("https://example.com/p/{tail}")
        }
    }
}

const KINDS: [Symbology; 6] = [
    Symbology::Ean13,
    Symbology::Ean8,
    Symbology::Upca,
    Symbology::Upce,
    Symbology::Code128,
    Symbology::Qr,
];

/// A code of a random symbology, with a text none of `others` has, a random size (1D modules
/// of 2 to 3 px, QR of 3.5 to 5 px) and turn (up to ±30°), not placed yet.
fn random_code(rng: &mut fastrand::Rng, others: &[Placed]) -> Placed {
    let symbology = KINDS[rng.usize(0..KINDS.len())];
    let text = loop {
        let t = random_text(symbology, rng);
        if !others.iter().any(|c| c.text == t) {
            break t;
        }
    };
    let module_px = if symbology == Symbology::Qr {
        3.5 + 1.5 * rng.f32()
    } else {
        2.0 + rng.f32()
    };
    Placed {
        symbology,
        text,
        module_px,
        angle_deg: 60.0 * rng.f32() - 30.0,
        cx: 0.0,
        cy: 0.0,
    }
}

impl MultiScene {
    /// `count` random codes (see `random_code`) on labels placed at random where they neither
    /// overlap nor leave the frame. Fewer when they do not fit.
    pub fn random(seed: u64, count: usize, width: usize, height: usize) -> MultiScene {
        let mut rng = fastrand::Rng::with_seed(seed);
        let mut codes: Vec<Placed> = Vec::new();
        let mut placed: Vec<(f32, f32, f32)> = Vec::new();
        for _ in 0..count {
            let mut p = random_code(&mut rng, &codes);
            let Ok(label) = Label::new(&p) else { continue };
            let r = label.radius();
            if 2.0 * r >= width.min(height) as f32 {
                continue;
            }
            let spot = (0..400).find_map(|_| {
                let x = r + rng.f32() * (width as f32 - 2.0 * r);
                let y = r + rng.f32() * (height as f32 - 2.0 * r);
                placed
                    .iter()
                    .all(|&(qx, qy, qr)| {
                        ((qx - x).powi(2) + (qy - y).powi(2)).sqrt() > r + qr + 8.0
                    })
                    .then_some((x, y))
            });
            if let Some((x, y)) = spot {
                (p.cx, p.cy) = (x, y);
                placed.push((x, y, r));
                codes.push(p);
            }
        }
        MultiScene {
            codes,
            width,
            height,
            noise: 3.0,
            blur: 0,
            seed,
        }
    }

    /// `count` random codes side by side in one row, all turned the same way (up to ±30°),
    /// 10 to 40 px apart, across the middle of the frame: goods on a shelf, the rows of the
    /// test card. A scan line across one crosses the others. Fewer when they do not fit.
    pub fn in_a_row(seed: u64, count: usize, width: usize, height: usize) -> MultiScene {
        let mut rng = fastrand::Rng::with_seed(seed);
        let angle_deg = 60.0 * rng.f32() - 30.0;
        let mut codes: Vec<Placed> = Vec::new();
        for _ in 0..count {
            let mut p = random_code(&mut rng, &codes);
            p.angle_deg = angle_deg;
            codes.push(p);
        }
        let gaps: Vec<f32> = codes.iter().map(|_| 10.0 + 30.0 * rng.f32()).collect();
        let (sin, cos) = angle_deg.to_radians().sin_cos();
        while !codes.is_empty() {
            let Ok(labels) = codes.iter().map(Label::new).collect::<Result<Vec<_>, _>>() else {
                codes.clear();
                break;
            };
            let along: Vec<f32> = labels.iter().map(|l| l.lw * l.module_px).collect();
            let total = along.iter().sum::<f32>() + gaps[..codes.len() - 1].iter().sum::<f32>();
            let mut start = -total / 2.0;
            let mut fits = true;
            for (i, (c, l)) in codes.iter_mut().zip(&labels).enumerate() {
                let off = start + along[i] / 2.0;
                start += along[i] + gaps[i];
                c.cx = width as f32 / 2.0 + off * cos;
                c.cy = height as f32 / 2.0 + off * sin;
                let (a, b) = (along[i] / 2.0, l.lh * l.module_px / 2.0);
                let (hx, hy) = (cos.abs() * a + sin.abs() * b, sin.abs() * a + cos.abs() * b);
                fits &= c.cx - hx >= 0.0
                    && c.cx + hx <= width as f32
                    && c.cy - hy >= 0.0
                    && c.cy + hy <= height as f32;
            }
            if fits {
                break;
            }
            codes.pop();
        }
        MultiScene {
            codes,
            width,
            height,
            noise: 3.0,
            blur: 0,
            seed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use smartstore_scan::{Decoder, Effort};

    #[test]
    fn drawn_codes_decode_at_any_angle() {
        let d = Decoder::new(Effort::Still);
        let cases = [
            (Symbology::Ean13, "4006381333931", 2.0, 0.0),
            (Symbology::Ean13, "4006381333931", 2.0, 25.0),
            (Symbology::Code128, "SS1-ABC123", 2.0, -28.0),
            (Symbology::Code128, "SS1-ABC123", 2.5, 45.0),
            (Symbology::Ean8, "96385074", 2.5, 90.0),
            (Symbology::Upca, "036000291452", 2.0, 15.0),
            (Symbology::Upce, "01234565", 4.0, 10.0),
            (Symbology::Qr, "PU1:HELLO", 4.0, 30.0),
        ];
        for (sym, text, module_px, angle_deg) in cases {
            let scene = Scene {
                symbology: sym,
                text: text.into(),
                module_px,
                angle_deg,
                width: 640,
                height: 480,
                noise: 3.0,
                seed: 7,
            };
            let frame = draw(&scene).expect("draw");
            let got = d.decode(&frame);
            assert!(
                got.iter().any(|g| g.symbology == sym && g.text == text),
                "{sym:?} {text} at {angle_deg}°: {got:?}"
            );
        }
    }

    #[test]
    fn codes_in_a_row_fit_the_frame_side_by_side() {
        let mut sizes = [0usize; 5];
        for seed in 0..40 {
            let scene = MultiScene::in_a_row(seed, 2 + seed as usize % 3, 1280, 720);
            sizes[scene.codes.len()] += 1;
            let angles: Vec<f32> = scene.codes.iter().map(|c| c.angle_deg).collect();
            assert!(angles.windows(2).all(|w| w[0] == w[1]), "{angles:?}");
            for pair in scene.codes.windows(2) {
                let l: Vec<Label> = pair.iter().map(|c| Label::new(c).expect("label")).collect();
                let d =
                    ((pair[0].cx - pair[1].cx).powi(2) + (pair[0].cy - pair[1].cy).powi(2)).sqrt();
                let half = (l[0].lw * l[0].module_px + l[1].lw * l[1].module_px) / 2.0;
                assert!(d >= half + 9.9, "seed {seed}: labels overlap");
            }
        }
        assert!(sizes[2] > 0 && sizes[3] > 0, "{sizes:?}");
    }

    #[test]
    fn random_scenes_place_every_code_on_the_frame_without_overlap() {
        for seed in 0..20 {
            let scene = MultiScene::random(seed, 4, 1280, 720);
            assert!(scene.codes.len() >= 2, "seed {seed}: {:?}", scene.codes);
            for c in &scene.codes {
                assert!(
                    smartstore_scan::decode::plausible(c.symbology, &c.text),
                    "{c:?}"
                );
                assert!((0.0..1280.0).contains(&c.cx) && (0.0..720.0).contains(&c.cy));
            }
            let labels: Vec<Label> = scene
                .codes
                .iter()
                .map(|c| Label::new(c).expect("label"))
                .collect();
            for (i, a) in labels.iter().enumerate() {
                let (r, x, y) = (a.radius(), a.cx, a.cy);
                assert!(r <= x && x <= 1280.0 - r && r <= y && y <= 720.0 - r);
                for b in &labels[i + 1..] {
                    let d = ((a.cx - b.cx).powi(2) + (a.cy - b.cy).powi(2)).sqrt();
                    assert!(d > a.radius() + b.radius(), "seed {seed}: labels overlap");
                }
            }
        }
    }
}
