//! `scan --camera` and `cameras`: live frames through the scan worker.

use std::io::Write;
use std::process::ExitCode;

use serde::Serialize;

use smartstore_domain::scan::ScanKind;
use smartstore_scan::{CameraSpec, ScanEvent, ScanWorker, WorkerOptions, camera, source};

#[derive(Serialize)]
struct LiveLine<'a> {
    frame: u64,
    symbology: &'static str,
    text: &'a str,
    kind: &'static str,
    detail: String,
    /// Where the code was in that frame, in pixels: [x0, y0, x1, y1].
    #[serde(skip_serializing_if = "Option::is_none")]
    bbox: Option<[u32; 4]>,
}

fn kind_of(kind: &ScanKind) -> (&'static str, String) {
    match kind {
        ScanKind::Product(g) => ("product", g.as_str()),
        ScanKind::Shopper { kind, .. } => {
            ("shopper", kind.prefix().trim_end_matches(':').to_owned())
        }
        ScanKind::Payment { scheme, .. } => ("payment", format!("{scheme:?}")),
        ScanKind::Unusable { why, .. } => ("unusable", why.to_string()),
    }
}

pub fn run_live(spec: &str, frames: Option<u64>, json: bool) -> anyhow::Result<ExitCode> {
    let spec: CameraSpec = spec.parse().map_err(anyhow::Error::msg)?;
    let opener_spec = spec.clone();
    let (worker, events) =
        ScanWorker::start(move || source::open(&opener_spec), WorkerOptions::default())?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut decoded = 0u64;
    let mut total_us = 0u64;
    let mut code = ExitCode::SUCCESS;
    for event in events.iter() {
        match event {
            ScanEvent::Started(what) => eprintln!("smartstore scan: reading {what}"),
            ScanEvent::Lost(why) => eprintln!("smartstore scan: {why}; trying again"),
            ScanEvent::Preview(_) => {}
            ScanEvent::DecoderFault { seq } => {
                eprintln!("smartstore scan: the decoder failed on frame {seq} and skipped it")
            }
            ScanEvent::Failed(why) => {
                eprintln!("smartstore scan: {why}");
                code = ExitCode::from(1);
                break;
            }
            ScanEvent::Frame { decode_us, .. } => {
                decoded += 1;
                total_us += decode_us;
                if frames.is_some_and(|n| decoded >= n) {
                    break;
                }
            }
            ScanEvent::Scan(read) => {
                let (kind, detail) = kind_of(&read.kind);
                if json {
                    let line = LiveLine {
                        frame: read.frame,
                        symbology: read.symbology.name(),
                        text: &read.text,
                        kind,
                        detail,
                        bbox: read.bbox.map(|b| {
                            [b[0].floor(), b[1].floor(), b[2].ceil(), b[3].ceil()]
                                .map(|v| v.max(0.0) as u32)
                        }),
                    };
                    writeln!(out, "{}", serde_json::to_string(&line)?)?;
                } else {
                    writeln!(
                        out,
                        "frame {}: {} {} -> {kind}: {detail}",
                        read.frame,
                        read.symbology.name(),
                        read.text.escape_debug()
                    )?;
                }
                out.flush()?;
            }
        }
    }
    let dropped = worker.dropped_frames();
    worker.stop();
    if decoded > 0 {
        eprintln!(
            "smartstore scan: {decoded} frames decoded, {:.1} ms each on average, {dropped} dropped",
            total_us as f64 / decoded as f64 / 1000.0
        );
    }
    Ok(code)
}

pub fn run_cameras() -> anyhow::Result<ExitCode> {
    match camera::list() {
        Ok(cams) if cams.is_empty() => {
            eprintln!("no camera found (use --camera replay:DIR to scan from a folder of images)");
            Ok(ExitCode::from(1))
        }
        Ok(cams) => {
            for c in cams {
                println!("{}: {} ({})", c.index, c.name, c.description);
                for f in c.formats {
                    println!("    {f}");
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(why) => {
            eprintln!("cannot list cameras: {why}");
            Ok(ExitCode::from(1))
        }
    }
}
