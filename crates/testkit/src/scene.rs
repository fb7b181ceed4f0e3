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

/// Draws `scene`. Errors when the text cannot be encoded in that symbology.
pub fn draw(scene: &Scene) -> Result<LumaFrame, String> {
    let m = rxing::MultiFormatWriter
        .encode(&scene.text, &format_of(scene.symbology), 0, 0)
        .map_err(|e| {
            format!(
                "cannot encode '{}' as {}: {e}",
                scene.text,
                scene.symbology.name()
            )
        })?;
    let (mw, mh) = (m.getWidth() as f32, m.getHeight() as f32);
    // 1D writers give one row; make the bars as tall as a third of their width (plus quiet zone).
    let (sym_w, sym_h) = if scene.symbology.is_linear() {
        (mw, (mw * 0.35).max(20.0))
    } else {
        (mw, mh)
    };
    let margin = if scene.symbology.is_linear() {
        12.0
    } else {
        4.0
    };
    let (lw, lh) = (sym_w + 2.0 * margin, sym_h + 2.0 * margin);
    let (cx, cy) = (scene.width as f32 / 2.0, scene.height as f32 / 2.0);
    let (sin, cos) = scene.angle_deg.to_radians().sin_cos();
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
    let mut data = vec![0u8; scene.width * scene.height];
    let sample = |u: f32, v: f32| -> f32 {
        // u, v in label modules; returns reflectance 0 (ink) .. 1 (paper) or None outside.
        let (x, y) = (u - margin, v - margin);
        if x < 0.0 || y < 0.0 || x >= sym_w || y >= sym_h {
            return 1.0;
        }
        let row = if scene.symbology.is_linear() {
            0
        } else {
            y as u32
        };
        if m.get(x as u32, row) { 0.0 } else { 1.0 }
    };
    for py in 0..scene.height {
        for px in 0..scene.width {
            // Into label coordinates (modules), with 2x2 supersampling for anti-aliasing.
            let mut acc = 0.0f32;
            let mut inside = 0;
            for (ox, oy) in [(0.25f32, 0.25f32), (0.75, 0.25), (0.25, 0.75), (0.75, 0.75)] {
                let (dx, dy) = (px as f32 + ox - cx, py as f32 + oy - cy);
                let u = (dx * cos + dy * sin) / scene.module_px + lw / 2.0;
                let v = (-dx * sin + dy * cos) / scene.module_px + lh / 2.0;
                if u >= 0.0 && v >= 0.0 && u < lw && v < lh {
                    inside += 1;
                    acc += 40.0 + 185.0 * sample(u, v);
                } else {
                    acc += 110.0 + 20.0 * ((px / 40 + py / 40) % 2) as f32;
                }
            }
            let _ = inside;
            data[py * scene.width + px] = (acc / 4.0 + noise()).clamp(0.0, 255.0) as u8;
        }
    }
    LumaFrame::new(scene.width, scene.height, data).map_err(|e| e.to_string())
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
}
