//! The live path's coarse look: a frame filled by big modules has no texture at full size and
//! is read at half or quarter size.

use smartstore_domain::scan::Symbology;
use smartstore_scan::regions::find_regions;
use smartstore_scan::{Decoder, Effort};
use smartstore_testkit::scene::{Scene, draw};

#[test]
fn a_live_frame_filled_by_big_modules_is_read_at_a_coarser_scale() {
    // A phone's QR code held close to the camera, and a large printed Code 128 (whose
    // wide spaces split it into several bar regions): at full size the 32-pixel cells see
    // flat module interiors only.
    for (symbology, text, module_px) in [
        (Symbology::Qr, "PU1:close-to-the-camera", 16.0f32),
        (Symbology::Code128, "SS1-BIG", 9.0),
    ] {
        let frame = draw(&Scene {
            symbology,
            text: text.to_owned(),
            module_px,
            angle_deg: 3.0,
            width: 1280,
            height: 720,
            noise: 2.0,
            seed: 5,
        })
        .expect("draw");
        assert!(
            find_regions(&frame).is_empty(),
            "{text}: no texture at full size"
        );
        let found = Decoder::new(Effort::Stream).decode(&frame);
        assert!(found.iter().any(|d| d.text == text), "{text}: {found:?}");
        let at = found[0].at.expect("position");
        assert!(
            (at.0 - 640.0).abs() < 200.0 && (at.1 - 360.0).abs() < 200.0,
            "{at:?}"
        );
    }
}
