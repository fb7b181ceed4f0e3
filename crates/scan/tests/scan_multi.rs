//! Frames holding several codes: the test card (assets/test-card.png, five codes in two rows
//! and a QR code) and generated frames with two to four codes of mixed formats. Every code is
//! reported, once, with where it is, in a still and in a live frame; through the replay camera
//! the scan worker reports each of the card's codes.

use std::path::{Path, PathBuf};

use smartstore_domain::scan::Symbology;
use smartstore_scan::{
    CameraSpec, Decoder, Detection, Effort, FrameBudget, LumaFrame, WorkerOptions,
};
use smartstore_testkit::scene::{MultiScene, draw_multi};

fn assets() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets")
}

/// The card's codes as assets/test-card.txt lists them: (symbology, text).
fn card_codes() -> Vec<(Symbology, String)> {
    let path = assets().join("test-card.txt");
    let list = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{} cannot be read ({e}): the test card is part of the repository",
            path.display()
        )
    });
    let codes: Vec<(Symbology, String)> = list
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let mut f = l.split('\t');
            let (Some(name), Some(text)) = (f.next(), f.next()) else {
                panic!("bad line in test-card.txt: {l}");
            };
            let sym = [
                Symbology::Ean13,
                Symbology::Ean8,
                Symbology::Upca,
                Symbology::Upce,
                Symbology::Code128,
                Symbology::Qr,
            ]
            .into_iter()
            .find(|s| s.name() == name)
            .unwrap_or_else(|| panic!("unknown symbology {name} in test-card.txt"));
            (sym, text.to_owned())
        })
        .collect();
    assert_eq!(codes.len(), 5, "{list}");
    codes
}

/// GS1-128 is listed with its AI in brackets; the decoder gives the element string.
fn same_text(expected: &str, got: &str) -> bool {
    expected == got || expected.replace(['(', ')'], "") == got
}

fn card() -> LumaFrame {
    let path = assets().join("test-card.png");
    LumaFrame::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Each expected code was read exactly once, nothing else was read, and each read has a box
/// around its centre.
fn assert_all_once(what: &str, expected: &[(Symbology, String)], found: &[Detection]) {
    for (sym, text) in expected {
        let n = found
            .iter()
            .filter(|d| d.symbology == *sym && same_text(text, &d.text))
            .count();
        assert_eq!(n, 1, "{what}: {sym:?} {text} read {n} times in {found:#?}");
    }
    assert_eq!(found.len(), expected.len(), "{what}: {found:#?}");
    for d in found {
        let (Some((x, y)), Some(b)) = (d.at, d.bbox) else {
            panic!("{what}: no position for {d:?}");
        };
        assert!(
            b[0] <= x && x <= b[2] && b[1] <= y && y <= b[3],
            "{what}: {d:?}"
        );
    }
}

/// The card as the file is, and as a camera sees it from further away: resized to `width`
/// pixels across (the 1654-pixel file has 4 pixels a module).
fn card_at(width: u32) -> LumaFrame {
    let frame = card();
    if width as usize == frame.width() {
        return frame;
    }
    let img = image::GrayImage::from_raw(
        frame.width() as u32,
        frame.height() as u32,
        frame.into_data(),
    )
    .expect("size");
    let height = (img.height() * width).div_ceil(img.width());
    let img = image::imageops::resize(&img, width, height, image::imageops::FilterType::Triangle);
    LumaFrame::new(width as usize, height as usize, img.into_raw()).expect("frame")
}

#[test]
fn the_test_card_reads_five_of_five_as_a_still_and_as_a_live_frame() {
    let codes = card_codes();
    for (width, effort) in [1654, 1400, 1280, 1000, 800]
        .into_iter()
        .flat_map(|w| [(w, Effort::Still), (w, Effort::Stream)])
    {
        let frame = card_at(width);
        let found = Decoder::new(effort).decode(&frame);
        assert_all_once(&format!("card at {width} px, {effort:?}"), &codes, &found);
        // The card's layout: the second code of each row is right of the first, the QR code
        // right of both rows.
        let x = |sym: Symbology| {
            found
                .iter()
                .find(|d| d.symbology == sym)
                .and_then(|d| d.bbox)
                .map_or(f32::NAN, |b| b[0])
        };
        assert!(x(Symbology::Ean13) < x(Symbology::Ean8), "{found:#?}");
        assert!(x(Symbology::Upca) < x(Symbology::Code128), "{found:#?}");
        assert!(x(Symbology::Ean8) < x(Symbology::Qr), "{found:#?}");
    }
}

#[test]
fn the_test_card_reads_five_of_five_through_the_replay_camera() {
    let codes = card_codes();
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::copy(assets().join("test-card.png"), dir.path().join("card.png")).expect("copy");
    let spec = CameraSpec::Replay {
        dir: dir.path().to_owned(),
        fps: 50.0,
    };
    // No time budget: what is read must not depend on how fast the test machine is.
    let options = WorkerOptions {
        frame_budget: FrameBudget::Unlimited,
        ..WorkerOptions::default()
    };
    let scans = smartstore_testkit::live::scans(spec, options, 6);
    for (sym, text) in &codes {
        let n = scans
            .iter()
            .filter(|s| s.symbology == *sym && same_text(text, &s.text))
            .count();
        assert_eq!(n, 1, "{sym:?} {text}: {scans:#?}");
    }
    assert_eq!(scans.len(), codes.len(), "{scans:#?}");
    assert!(scans.iter().all(|s| s.bbox.is_some()), "{scans:#?}");
}

/// Seeded frames of 1280×720 with two, three and four codes of mixed formats: scattered, or
/// side by side in a row (goods on a shelf: a scan line across one crosses the others); every
/// third one slightly blurred.
fn generated() -> Vec<MultiScene> {
    (0..32u64)
        .map(|seed| {
            let count = 2 + (seed / 2) as usize % 3;
            let mut scene = if seed % 2 == 0 {
                MultiScene::random(seed, count, 1280, 720)
            } else {
                MultiScene::in_a_row(seed, count, 1280, 720)
            };
            scene.blur = usize::from(seed % 3 == 2);
            scene
        })
        .collect()
}

/// A frame with more codes must not hide any: each code is read in the frame it shares with
/// others whenever it is read alone in the same place (a few codes turned 30° on small
/// modules are read by neither), each once, where it was drawn, and nothing else is read.
#[test]
fn generated_frames_with_two_to_four_codes_read_every_code_once() {
    let (mut codes, mut read) = (0, [0usize; 2]);
    let mut counts = [0usize; 5];
    for scene in generated() {
        counts[scene.codes.len()] += 1;
        let frame = draw_multi(&scene).expect("draw");
        for (e, effort) in [Effort::Still, Effort::Stream].into_iter().enumerate() {
            let decoder = Decoder::new(effort);
            let found = decoder.decode(&frame);
            let what = format!("seed {} {effort:?}", scene.seed);
            let mut expected = Vec::new();
            for c in &scene.codes {
                let is = |d: &Detection| d.symbology == c.symbology && d.text == c.text;
                if found.iter().any(is) {
                    expected.push((c.symbology, c.text.clone()));
                    continue;
                }
                let alone = MultiScene {
                    codes: vec![c.clone()],
                    ..scene.clone()
                };
                let alone = decoder.decode(&draw_multi(&alone).expect("draw"));
                assert!(
                    !alone.iter().any(is),
                    "{what}: {c:?} is read alone but not beside the others: {found:#?}"
                );
            }
            assert_all_once(&what, &expected, &found);
            read[e] += expected.len();
            // Each read is where its code was drawn.
            for c in &scene.codes {
                let at = found
                    .iter()
                    .find(|d| d.symbology == c.symbology && d.text == c.text)
                    .and_then(|d| d.at);
                if let Some((x, y)) = at {
                    let off = ((x - c.cx).powi(2) + (y - c.cy).powi(2)).sqrt();
                    assert!(off < 100.0, "{what}: {c:?} read at {at:?}");
                }
            }
        }
        codes += scene.codes.len();
    }
    assert!(
        counts[2] > 0 && counts[3] > 0 && counts[4] > 0,
        "{counts:?}"
    );
    // Not a test of nothing: nearly all are read.
    for (effort, n) in ["still", "live"].into_iter().zip(read) {
        assert!(n * 100 >= codes * 95, "{effort}: {n} of {codes} codes read");
    }
}

/// Writes the multi-code benchmark set (docs/benchmarks.md, "Several codes in a frame"):
/// the test card as the file is and resized as a camera further away would see it, and
/// generated 1280×720 JPEG frames with two to four codes of mixed formats, each image with a
/// `.txt` listing its codes (`symbology<TAB>text` a line) and a MANIFEST.tsv of the drawing.
/// `MULTI_SET=DIR` (default target/decode-bench/multi), `MULTI_N` frames (default 120),
/// `MULTI_SEED` the first seed (default 5000).
#[test]
#[ignore = "writes the multi-code benchmark set"]
fn write_multi_code_set() {
    use std::fmt::Write as _;
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dir = std::env::var_os("MULTI_SET")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target/decode-bench/multi"));
    let var = |name: &str, default: u64| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let (n, first) = (var("MULTI_N", 120), var("MULTI_SEED", 5000));
    std::fs::create_dir_all(&dir).expect("mkdir");
    let codes = card_codes();
    let card_list: String = codes
        .iter()
        .map(|(s, t)| format!("{}\t{t}\n", s.name()))
        .collect();
    for width in [1654u32, 1400, 1280, 1000, 800] {
        let frame = card_at(width);
        let name = format!("card-{width}");
        image::GrayImage::from_raw(width, frame.height() as u32, frame.into_data())
            .expect("size")
            .save(dir.join(format!("{name}.png")))
            .expect("png");
        std::fs::write(dir.join(format!("{name}.txt")), &card_list).expect("txt");
    }
    let mut manifest =
        String::from("file\tseed\tlayout\tblur\tsymbology\ttext\tmodule_px\tangle_deg\tcx\tcy\n");
    for seed in first..first + n {
        // Scattered and in a row in turn, two to four codes, one frame in four slightly blurred
        // (a 3x3 box blur: more leaves 2-pixel modules to our decoder alone).
        let count = 2 + (seed / 2 % 3) as usize;
        let mut scene = if seed % 2 == 0 {
            MultiScene::random(seed, count, 1280, 720)
        } else {
            MultiScene::in_a_row(seed, count, 1280, 720)
        };
        scene.blur = usize::from(seed % 8 >= 6);
        scene.noise = 2.0 + (seed % 4) as f32;
        let frame = draw_multi(&scene).expect("draw");
        let name = format!("gen-{seed}");
        let img = image::GrayImage::from_raw(1280, 720, frame.into_data()).expect("size");
        let file = std::fs::File::create(dir.join(format!("{name}.jpg"))).expect("create");
        image::codecs::jpeg::JpegEncoder::new_with_quality(std::io::BufWriter::new(file), 85)
            .encode_image(&img)
            .expect("jpeg");
        let mut list = String::new();
        let layout = if seed % 2 == 0 { "scattered" } else { "row" };
        for c in &scene.codes {
            let _ = writeln!(list, "{}\t{}", c.symbology.name(), c.text);
            let _ = writeln!(
                manifest,
                "{name}.jpg\t{seed}\t{layout}\t{}\t{}\t{}\t{:.2}\t{:.1}\t{:.0}\t{:.0}",
                scene.blur,
                c.symbology.name(),
                c.text,
                c.module_px,
                c.angle_deg,
                c.cx,
                c.cy
            );
        }
        std::fs::write(dir.join(format!("{name}.txt")), list).expect("txt");
    }
    std::fs::write(dir.join("MANIFEST.tsv"), manifest).expect("manifest");
    eprintln!("wrote {} images to {}", n + 5, dir.display());
}
