//! The demo frames in assets/demo-frames/ (for `--camera replay:assets/demo-frames`): this test
//! checks that they still decode; run it with `-- --ignored` to draw them again.

use std::path::{Path, PathBuf};

use smartstore_domain::scan::Symbology;
use smartstore_scan::{Decoder, Effort, LumaFrame};
use smartstore_testkit::scene::{Scene, draw};

const FRAMES: [(&str, Symbology, &str, f32, f32); 5] = [
    ("01-ean13.jpg", Symbology::Ean13, "6921000000019", 2.6, -8.0),
    (
        "02-ean13-tilted.jpg",
        Symbology::Ean13,
        "6931003700045",
        2.4,
        24.0,
    ),
    ("03-upca.jpg", Symbology::Upca, "036004000135", 2.6, 5.0),
    ("04-ean8.jpg", Symbology::Ean8, "69000171", 3.0, -15.0),
    (
        "05-qr-digital-link.jpg",
        Symbology::Qr,
        "https://id.gs1.org/01/06941007400063",
        5.0,
        12.0,
    ),
];

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/demo-frames")
}

#[test]
#[ignore = "writes assets/demo-frames"]
fn draw_demo_frames() {
    std::fs::create_dir_all(dir()).expect("mkdir");
    for (i, (name, sym, text, module_px, angle_deg)) in FRAMES.into_iter().enumerate() {
        let scene = Scene {
            symbology: sym,
            text: text.into(),
            module_px,
            angle_deg,
            width: 1280,
            height: 720,
            noise: 4.0,
            seed: i as u64,
        };
        let frame = draw(&scene).expect("draw");
        let img = image::GrayImage::from_raw(1280, 720, frame.into_data()).expect("size");
        let file = std::fs::File::create(dir().join(name)).expect("create");
        let mut enc =
            image::codecs::jpeg::JpegEncoder::new_with_quality(std::io::BufWriter::new(file), 80);
        enc.encode_image(&img).expect("jpeg");
    }
}

#[test]
fn demo_frames_decode() {
    let d = Decoder::new(Effort::Still);
    for (name, sym, text, _, _) in FRAMES {
        let path = dir().join(name);
        if !path.exists() {
            panic!(
                "{} is missing: run `cargo test --test scan_demo_frames -- --ignored`",
                path.display()
            );
        }
        let frame = LumaFrame::open(&path).expect("readable");
        let found = d.decode(&frame);
        assert!(
            found.iter().any(|f| f.symbology == sym && f.text == text),
            "{name}: {found:?}"
        );
    }
}
