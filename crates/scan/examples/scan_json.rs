//! `scan --json` of the decoder alone, for benchmarks that should not wait for the whole
//! terminal to build: one JSON line per code (`file`, `symbology`, `text`, `decode_us`), one
//! line with `symbology: null` for an image with nothing, as `smartstore scan --json` prints.
//!
//! `--live` decodes each image as the live worker does: `Effort::Stream` within one frame
//! interval (`--interval-ms`, 33.3 by default), and adds `gave_up` and `steps` to each line.
//!
//!     cargo run -p smartstore-scan --release --example scan_json -- [--live] IMAGE...

use std::time::{Duration, Instant};

use smartstore_scan::worker::{DEFAULT_INTERVAL, FrameBudget};
use smartstore_scan::{Budget, Decoder, Effort, LumaFrame};

fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn main() -> std::process::ExitCode {
    let mut live = false;
    let mut interval = DEFAULT_INTERVAL;
    let mut files = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--live" => live = true,
            "--interval-ms" => {
                let Some(ms) = args.next().and_then(|v| v.parse::<f64>().ok()) else {
                    eprintln!("scan_json: --interval-ms wants a number");
                    return std::process::ExitCode::from(2);
                };
                interval = Duration::from_secs_f64(ms / 1000.0);
            }
            _ => files.push(a),
        }
    }
    let decoder = Decoder::new(if live { Effort::Stream } else { Effort::Still });
    let mut failed = false;
    for file in &files {
        let frame = match LumaFrame::open(std::path::Path::new(file)) {
            Ok(f) => f,
            Err(e) => {
                eprintln!("scan_json: {e}");
                failed = true;
                continue;
            }
        };
        let budget = if live {
            FrameBudget::Interval { cap: interval }.for_frame(Some(interval))
        } else {
            Budget::unlimited()
        };
        let started = Instant::now();
        let d = decoder.decode_within(&frame, budget);
        let us = started.elapsed().as_micros() as u64;
        let extra = if live {
            format!(", \"gave_up\": {}, \"steps\": {}", d.gave_up, d.steps)
        } else {
            String::new()
        };
        if d.found.is_empty() {
            println!(
                "{{\"file\": {}, \"symbology\": null, \"text\": null, \"decode_us\": {us}{extra}}}",
                quote(file)
            );
        }
        let n = d.found.len().max(1) as u64;
        for (i, c) in d.found.iter().enumerate() {
            let share = if i == 0 {
                us - us / n * (n - 1)
            } else {
                us / n
            };
            println!(
                "{{\"file\": {}, \"symbology\": {}, \"text\": {}, \"decode_us\": {share}{extra}}}",
                quote(file),
                quote(c.symbology.name()),
                quote(&c.text)
            );
        }
    }
    if failed {
        std::process::ExitCode::from(1)
    } else {
        std::process::ExitCode::SUCCESS
    }
}
