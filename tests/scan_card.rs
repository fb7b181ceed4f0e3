//! The printed test card through the command line: `smartstore scan --json` prints all five of
//! its codes with their boxes, as a still and through the replay camera, and `doctor`'s camera
//! check names the codes it read, and those it did not.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

/// (symbology, text as `scan --json` prints it, how doctor names it)
const CARD: [(&str, &str, &str); 5] = [
    ("ean13", "6921000000019", "EAN-13 6921000000019"),
    ("ean8", "69000171", "EAN-8 69000171"),
    ("upca", "036004000135", "UPC-A 036004000135"),
    ("code128", "0106921000000026", "Code 128 (01)06921000000026"),
    (
        "qr",
        "https://id.gs1.org/01/06931003700045",
        "QR https://id.gs1.org/01/06931003700045",
    ),
];

fn card() -> PathBuf {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/test-card.png");
    assert!(
        p.is_file(),
        "{} is missing: it is part of the repository",
        p.display()
    );
    p
}

fn smartstore(args: &[&str], data: &Path, camera: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_smartstore"));
    cmd.args(args)
        .env("SMARTSTORE_DATA_DIR", data)
        .env_remove("DISPLAY");
    if let Some(c) = camera {
        cmd.env("SMARTSTORE_CAMERA", c);
    }
    cmd.output().expect("run smartstore")
}

fn json_lines(out: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("every stdout line is JSON"))
        .collect()
}

/// Every code of the card once, each with a box inside the card's 1654×1165 pixels.
fn assert_card(lines: &[Value]) {
    for (sym, text, _) in CARD {
        let n = lines
            .iter()
            .filter(|l| l["symbology"] == sym && l["text"] == text)
            .count();
        assert_eq!(n, 1, "{sym} {text}: {lines:#?}");
    }
    assert_eq!(lines.len(), CARD.len(), "{lines:#?}");
    for l in lines {
        let b: Vec<u64> = l["bbox"]
            .as_array()
            .unwrap_or_else(|| panic!("no bbox: {l}"))
            .iter()
            .filter_map(Value::as_u64)
            .collect();
        assert!(
            b.len() == 4 && b[0] < b[2] && b[1] <= b[3] && b[2] <= 1654 && b[3] <= 1165,
            "{l}"
        );
    }
}

#[test]
fn scan_prints_every_code_of_the_card_with_its_box() {
    let dir = tempfile::tempdir().expect("tempdir");
    let card = card();
    let out = smartstore(
        &["scan", "--json", &card.to_string_lossy()],
        dir.path(),
        None,
    );
    assert!(out.status.success(), "{out:?}");
    let lines = json_lines(&out);
    assert_card(&lines);
    // The time of the image is split over its lines.
    assert!(lines.iter().all(|l| l["decode_us"].as_u64().is_some()));
    // Without --json: one line per code, with where it is.
    let out = smartstore(&["scan", &card.to_string_lossy()], dir.path(), None);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.lines().count(), 5, "{text}");
    assert!(
        text.lines()
            .all(|l| l.contains(" at ") && l.contains(" ms)")),
        "{text}"
    );
}

#[test]
fn the_replay_camera_reads_every_code_of_the_card() {
    let dir = tempfile::tempdir().expect("tempdir");
    let frames = dir.path().join("frames");
    std::fs::create_dir(&frames).expect("mkdir");
    std::fs::copy(card(), frames.join("card.png")).expect("copy");
    let spec = format!("replay:{}@30", frames.display());
    let out = smartstore(
        &["scan", "--json", "--camera", &spec, "--frames", "6"],
        dir.path(),
        None,
    );
    assert!(out.status.success(), "{out:?}");
    let lines = json_lines(&out);
    assert_card(&lines);
    assert!(lines.iter().all(|l| l["kind"].is_string()), "{lines:#?}");
}

fn doctor_camera(data: &Path, camera: &str) -> Value {
    let out = smartstore(&["doctor", "--json"], data, Some(camera));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout
        .lines()
        .find(|l| l.contains("\"check\":\"camera\""))
        .unwrap_or_else(|| panic!("no camera check in {stdout}"));
    serde_json::from_str(line).expect("json")
}

#[test]
fn doctor_names_the_codes_of_the_card_it_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let whole = dir.path().join("whole");
    std::fs::create_dir(&whole).expect("mkdir");
    std::fs::copy(card(), whole.join("card.png")).expect("copy");
    let c = doctor_camera(
        &dir.path().join("data"),
        &format!("replay:{}", whole.display()),
    );
    assert_eq!(c["status"], "pass", "{c}");
    let detail = c["detail"].as_str().unwrap_or("");
    assert!(detail.contains("read the test card: all 5 codes"), "{c}");
    for (_, _, name) in CARD {
        assert!(detail.contains(name), "{name} in {c}");
    }

    // The top row only (the card held too close to the camera, whose frame shows the card at
    // about 3 pixels a module): the two codes seen are named, and the three not seen.
    let top = dir.path().join("top");
    std::fs::create_dir(&top).expect("mkdir");
    let img = image::open(card()).expect("card").to_luma8();
    let seen = image::imageops::resize(&img, 1280, 902, image::imageops::FilterType::Triangle);
    image::imageops::crop_imm(&seen, 0, 0, 1280, 360)
        .to_image()
        .save(top.join("top-row.png"))
        .expect("save");
    let c = doctor_camera(
        &dir.path().join("data"),
        &format!("replay:{}", top.display()),
    );
    assert_eq!(c["status"], "warn", "{c}");
    let detail = c["detail"].as_str().unwrap_or("");
    let (read, missed) = detail
        .split_once("not read:")
        .unwrap_or_else(|| panic!("{c}"));
    assert!(read.contains("read 2 of the test card's 5 codes"), "{c}");
    for (i, (_, _, name)) in CARD.into_iter().enumerate() {
        let (yes, no) = if i < 2 {
            (read, missed)
        } else {
            (missed, read)
        };
        assert!(yes.contains(name) && !no.contains(name), "{name}: {c}");
    }
    assert!(
        c["fix"].as_str().unwrap_or("").contains("every code"),
        "{c}"
    );
}
