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
