//! The e-receipt page in a real browser: headless Chromium (Debian's `chromium`) opens a synced
//! receipt's link at a phone's size, the rendered DOM holds the receipt, and its screenshot is
//! not blank. With `WRITE_SHOTS=1` the screenshots go to `docs/screenshots/e-receipt-{zh,en}.png`.
//!
//! `cargo test -p smartstore-hub --test receipt_page_chromium -- --ignored` (CI runs it so).

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use support::{CATALOG, terminal};

const CHROMIUM: &str = "/usr/bin/chromium";
const WIDTH: u32 = 390;
const HEIGHT: u32 = 844;

/// Runs Chromium headless on `url` with `extra` arguments, within two minutes.
fn chromium(profile: &Path, url: &str, extra: &[&str]) -> Output {
    let mut child = Command::new(CHROMIUM)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            &format!("--user-data-dir={}", profile.display()),
            &format!("--window-size={WIDTH},{HEIGHT}"),
        ])
        .args(extra)
        .arg(url)
        .env_remove("DISPLAY")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {CHROMIUM}: {e}"));
    let started = Instant::now();
    loop {
        if child.try_wait().expect("wait").is_some() {
            return child.wait_with_output().expect("output");
        }
        if started.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            let out = child.wait_with_output().expect("output");
            panic!(
                "chromium took more than two minutes on {url}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A PNG's width and height (its IHDR).
fn png_size(png: &[u8]) -> (u32, u32) {
    assert!(
        png.len() > 24 && png.starts_with(b"\x89PNG\r\n\x1a\n") && &png[12..16] == b"IHDR",
        "not a PNG"
    );
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    (be(&png[16..20]), be(&png[20..24]))
}

fn screenshot(profile: &Path, url: &str, file: &Path) -> Vec<u8> {
    let out = chromium(profile, url, &[&format!("--screenshot={}", file.display())]);
    assert!(
        out.status.success() && file.exists(),
        "no screenshot of {url}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::read(file).expect("read screenshot")
}

#[test]
#[ignore = "needs Debian's chromium (apt-get install chromium); CI runs it with --ignored"]
fn the_receipt_page_renders_in_headless_chromium() {
    assert!(
        Path::new(CHROMIUM).exists(),
        "{CHROMIUM} is missing: install it (apt-get install chromium) to run this test"
    );
    let t = terminal(Some(CATALOG));
    let sale = t.sale(
        42,
        &[
            ("06921000000019", "Coca-Cola 330 ml", 2, 350),
            ("06921000000033", "Oolong tea 500 ml", 1, 550),
            ("06921000000026", "Nongfu Spring 550 ml", 3, 200),
        ],
        2000,
    );
    t.sync(&sale);
    let dir = tempfile::tempdir().expect("tempdir");
    let profile = dir.path().join("profile");

    // A blank page's screenshot, to tell a rendered receipt from nothing.
    let blank = screenshot(
        &profile,
        "data:text/html,<!doctype html><title>blank</title>",
        &dir.path().join("blank.png"),
    );

    let shots = std::env::var_os("WRITE_SHOTS").is_some_and(|v| v == "1");
    let docs = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/screenshots");
    for (lang, words) in [("zh", ["合计", "可口可乐"]), ("en", ["Total", "Coca-Cola"])] {
        let url = t.url(&format!("{}?lang={lang}", t.path(&sale)));
        let out = chromium(&profile, &url, &["--dump-dom"]);
        let dom = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "chromium --dump-dom: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        for text in [sale.receipt.as_str(), "¥18.50", words[0], words[1]] {
            assert!(dom.contains(text), "{lang}: {text} not in the DOM: {dom}");
        }

        let file = dir.path().join(format!("e-receipt-{lang}.png"));
        let png = screenshot(&profile, &url, &file);
        assert_eq!(png_size(&png), (WIDTH, HEIGHT), "{lang}");
        // Text, lines and colours compress far worse than an empty page.
        assert!(
            png.len() > 4 * blank.len() && png.len() > 12 * 1024,
            "{lang}: the screenshot looks blank ({} bytes, a blank page {} bytes)",
            png.len(),
            blank.len()
        );
        if shots {
            std::fs::create_dir_all(&docs).expect("docs/screenshots");
            let to = docs.join(format!("e-receipt-{lang}.png"));
            std::fs::write(&to, &png).expect("write screenshot");
            eprintln!("wrote {}", to.display());
        }
    }
}
