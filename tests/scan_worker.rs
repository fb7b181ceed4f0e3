//! Drives the scan worker through the replay source with frames drawn on the fly, and the
//! `smartstore scan` command on good and bad files.

use std::process::Command;
use std::time::Duration;

use smartstore_domain::scan::{ScanKind, Symbology};
use smartstore_scan::{CameraSpec, FrameBudget, ScanEvent, ScanWorker, WorkerOptions, source};
use smartstore_testkit::scene::{Scene, draw};

fn save(dir: &std::path::Path, name: &str, sym: Symbology, text: &str, angle: f32) {
    let scene = Scene {
        symbology: sym,
        text: text.into(),
        module_px: if sym == Symbology::Qr { 5.0 } else { 2.5 },
        angle_deg: angle,
        width: 640,
        height: 480,
        noise: 4.0,
        seed: 11,
    };
    let frame = draw(&scene).expect("draw");
    let img = image::GrayImage::from_raw(640, 480, frame.into_data()).expect("size");
    img.save(dir.join(name)).expect("save");
}

#[test]
fn replay_worker_reports_each_code_once_and_classifies_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    save(dir.path(), "1.png", Symbology::Ean13, "4006381333931", 20.0);
    save(dir.path(), "2.png", Symbology::Qr, "PU1:ORDER-42", -10.0);
    save(
        dir.path(),
        "3.png",
        Symbology::Code128,
        "251234567890123456",
        0.0,
    );
    std::fs::write(dir.path().join("4.png"), b"this is not a png").expect("write");
    let spec = CameraSpec::Replay {
        dir: dir.path().to_owned(),
        // Slow enough that the decoder sees every frame of an image even on a loaded machine
        // (a 1D code is confirmed by two frames).
        fps: 10.0,
    };
    // What is read must not depend on this machine's speed: no clock budget per frame (the
    // budget has its own tests in smartstore-scan), and a code that comes round again never
    // counts twice however slowly the frames go by.
    let options = WorkerOptions {
        frame_budget: FrameBudget::Unlimited,
        debounce_ms: 3_600_000,
        ..WorkerOptions::default()
    };
    let scans = smartstore_testkit::live::scans(spec, options, 24);
    let texts: Vec<&str> = scans.iter().map(|s| s.text.as_str()).collect();
    // Each image is held for 3 frames and comes round again: counted once.
    for want in ["4006381333931", "PU1:ORDER-42", "251234567890123456"] {
        assert_eq!(
            texts.iter().filter(|t| **t == want).count(),
            1,
            "{want} in {texts:?}"
        );
    }
    for s in &scans {
        match (s.symbology, &s.kind) {
            (Symbology::Ean13, ScanKind::Product(_))
            | (Symbology::Qr, ScanKind::Shopper { .. }) => {}
            (Symbology::Code128, ScanKind::Payment { .. }) => {}
            other => panic!("unexpected {other:?}"),
        }
    }
}

#[test]
fn an_empty_replay_folder_is_a_clear_failure() {
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = CameraSpec::Replay {
        dir: dir.path().to_owned(),
        fps: 10.0,
    };
    let (worker, events) =
        ScanWorker::start(move || source::open(&spec), WorkerOptions::default()).expect("start");
    match events.recv_timeout(Duration::from_secs(10)) {
        Ok(ScanEvent::Failed(m)) => assert!(m.contains("has no images"), "{m}"),
        other => panic!("{other:?}"),
    }
    worker.stop();
}

#[test]
fn scan_command_prints_json_lines_and_survives_bad_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    save(
        dir.path(),
        "ean.png",
        Symbology::Ean13,
        "4006381333931",
        25.0,
    );
    let blank = image::GrayImage::from_pixel(320, 240, image::Luma([200u8]));
    blank.save(dir.path().join("blank.png")).expect("save");
    std::fs::write(dir.path().join("bad.jpg"), b"\xff\xd8\xff\xe0 truncated").expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_smartstore"))
        .arg("scan")
        .arg("--json")
        .arg(dir.path().join("ean.png"))
        .arg(dir.path().join("bad.jpg"))
        .arg(dir.path().join("blank.png"))
        .env_remove("DISPLAY")
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("every stdout line is JSON"))
        .collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    assert_eq!(lines[0]["symbology"], "ean13");
    assert_eq!(lines[0]["text"], "4006381333931");
    assert!(lines[0]["decode_us"].as_u64().is_some());
    assert!(lines[1]["symbology"].is_null());
    assert!(
        lines[1]["file"]
            .as_str()
            .is_some_and(|f| f.ends_with("blank.png"))
    );
    assert!(stderr.contains("bad.jpg"), "{stderr}");
    assert_eq!(
        out.status.code(),
        Some(1),
        "an unreadable image makes the exit code 1"
    );
}
