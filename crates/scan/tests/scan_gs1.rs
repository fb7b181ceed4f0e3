//! GS1 codes (issue 18): GS1 DataBar (Omnidirectional, Stacked, Expanded) from the fixtures
//! zxing-cpp's writer drew (`tests/fixtures/`, see benches/make-gs1-frames.py for the recipe),
//! and DataMatrix drawn by the test kit, read and parsed into the same fields.

use std::path::Path;

use smartstore_domain::gs1;
use smartstore_domain::gtin::Gtin;
use smartstore_domain::scan::Symbology;
use smartstore_scan::{Decoder, Effort, LumaFrame};
use smartstore_testkit::scene::{Scene, draw};

fn fixture(name: &str) -> LumaFrame {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    LumaFrame::open(&p).unwrap_or_else(|e| panic!("the fixture {}: {e}", p.display()))
}

#[test]
fn databar_of_every_kind_is_read_as_a_still() {
    let still = Decoder::new(Effort::Still);
    let gtin = Gtin::from_digits("09501101530003").expect("GTIN");
    for name in ["databar-omni.png", "databar-stacked.png"] {
        let found = still.decode(&fixture(name));
        assert_eq!(found.len(), 1, "{name}: {found:?}");
        assert_eq!(found[0].symbology, Symbology::DataBar, "{name}");
        assert_eq!(Gtin::parse(&found[0].text), Ok(gtin), "{name}");
    }
    let found = still.decode(&fixture("databar-expanded.png"));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].symbology, Symbology::DataBarExpanded);
    let g = gs1::parse(&found[0].text).expect("a GS1 element string");
    assert_eq!(g.gtin, Some(gtin));
    assert_eq!(g.weight_g, Some(1250));
    assert_eq!(g.expiry, gs1::Date::new(2027, 12, 31));
}

#[test]
fn databar_is_read_live_too() {
    let live = Decoder::new(Effort::Stream);
    for (name, symbology) in [
        ("databar-omni.png", Symbology::DataBar),
        ("databar-stacked.png", Symbology::DataBar),
        ("databar-expanded.png", Symbology::DataBarExpanded),
    ] {
        let found = live.decode(&fixture(name));
        assert!(
            found.iter().any(|d| d.symbology == symbology),
            "{name}: {found:?}"
        );
    }
}

#[test]
fn datamatrix_is_read_as_a_still_and_live() {
    let text = "0109501101530003310300125017271231";
    let frame = draw(&Scene {
        symbology: Symbology::DataMatrix,
        text: text.into(),
        module_px: 5.0,
        angle_deg: 8.0,
        width: 1280,
        height: 720,
        noise: 2.0,
        seed: 3,
    })
    .expect("draw");
    for effort in [Effort::Still, Effort::Stream] {
        let found = Decoder::new(effort).decode(&frame);
        assert!(
            found
                .iter()
                .any(|d| d.symbology == Symbology::DataMatrix && d.text == text),
            "{effort:?}: {found:?}"
        );
    }
    let g = gs1::parse(text).expect("element string");
    assert_eq!(g.weight_g, Some(1250));
}

/// `symbol` (one pixel a module, as zxing-cpp's writer draws it) on a white label in a grey
/// 1280x720 frame: `module_px` pixels a module, turned by `angle_deg`, each pixel the mean of
/// 4x4 samples (a soft edge) plus noise of +-`noise` levels.
fn placed(symbol: &LumaFrame, module_px: f32, angle_deg: f32, noise: i32) -> LumaFrame {
    let (w, h) = (1280usize, 720usize);
    let (sw, sh) = (symbol.width() as f32, symbol.height() as f32);
    let (sin, cos) = angle_deg.to_radians().sin_cos();
    let quiet = 6.0;
    let mut data = Vec::with_capacity(w * h);
    let mut state = 7u32;
    for y in 0..h {
        for x in 0..w {
            let mut sum = 0.0;
            for k in 0..16 {
                let px = x as f32 + (k % 4) as f32 / 4.0 - w as f32 / 2.0;
                let py = y as f32 + (k / 4) as f32 / 4.0 - h as f32 / 2.0;
                // Into the symbol's modules, its centre at the frame's.
                let u = (cos * px + sin * py) / module_px + sw / 2.0;
                let v = (-sin * px + cos * py) / module_px + sh / 2.0;
                sum += if u >= 0.0 && v >= 0.0 && u < sw && v < sh {
                    if symbol.at(u as usize, v as usize) < 128 {
                        35.0
                    } else {
                        225.0
                    }
                } else if u >= -quiet && v >= -quiet && u < sw + quiet && v < sh + quiet {
                    225.0
                } else {
                    110.0
                };
            }
            state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            let n = (state >> 16) as i32 % (2 * noise + 1) - noise;
            data.push((sum / 16.0 + n as f32).clamp(0.0, 255.0) as u8);
        }
    }
    LumaFrame::new(w, h, data).expect("frame")
}

/// A six-pair DataBar Expanded (weight and expiry, the last pair half), long and stacked, turned
/// and soft at 2.6 to 3.4 pixels a module: read live and as a still. (rxing's row reader, which
/// wants every pair of a row read in one go, read neither.)
#[test]
fn a_turned_databar_expanded_of_six_pairs_is_read() {
    let text = "(01)06316999349025(3103)002655(17)280212";
    for (name, module_px, angle) in [
        ("databar-expanded-6pairs.png", 3.4, 7.0),
        ("databar-expanded-6pairs.png", 2.6, -12.0),
        ("databar-expanded-stacked-6pairs.png", 3.0, 9.0),
    ] {
        let frame = placed(&fixture(name), module_px, angle, 6);
        for effort in [Effort::Stream, Effort::Still] {
            let found = Decoder::new(effort).decode(&frame);
            assert!(
                found
                    .iter()
                    .any(|d| d.symbology == Symbology::DataBarExpanded && d.text == text),
                "{name} at {module_px} px, {angle} deg, {effort:?}: {found:?}"
            );
            assert_eq!(found.len(), 1, "{name}: {found:?}");
        }
    }
}

/// A DataBar Omnidirectional and a Stacked Omnidirectional symbol, turned and soft at 2.6 to
/// 3.4 pixels a module, are read live and as a still (our own pooled reader of their halves;
/// rxing's row tally alone, the fallback, misses the symbol turned by -17 degrees live).
#[test]
fn a_turned_soft_databar_omni_and_stacked_are_read() {
    let gtin = "07612345678900";
    for (name, module_px, angle) in [
        ("databar-omni-1px.png", 2.6, 11.0),
        ("databar-omni-1px.png", 3.4, -17.0),
        ("databar-stacked-omni-1px.png", 3.0, 8.0),
    ] {
        let frame = placed(&fixture(name), module_px, angle, 6);
        for effort in [Effort::Stream, Effort::Still] {
            let found = Decoder::new(effort).decode(&frame);
            assert!(
                found
                    .iter()
                    .any(|d| d.symbology == Symbology::DataBar && d.text == gtin),
                "{name} at {module_px} px, {angle} deg, {effort:?}: {found:?}"
            );
            assert_eq!(found.len(), 1, "{name}: {found:?}");
        }
    }
}

/// A QR code printed light on dark (the frame's negative) is read live and as a still.
#[test]
fn a_light_on_dark_qr_code_is_read() {
    let text = "SS1:PICKUP:ORD-004711:ST-012";
    let mut frame = draw(&Scene {
        symbology: Symbology::Qr,
        text: text.into(),
        module_px: 6.0,
        angle_deg: 12.0,
        width: 1280,
        height: 720,
        noise: 3.0,
        seed: 5,
    })
    .expect("draw");
    for v in frame.data_mut() {
        *v = 255 - *v;
    }
    for effort in [Effort::Stream, Effort::Still] {
        let found = Decoder::new(effort).decode(&frame);
        assert!(
            found
                .iter()
                .any(|d| d.symbology == Symbology::Qr && d.text == text),
            "{effort:?}: {found:?}"
        );
    }
}
