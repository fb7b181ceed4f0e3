//! `smartstore scan` and `smartstore cameras`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use serde::Serialize;

use smartstore_scan::{Decoder, Detection, Effort, LumaFrame};

mod live;

#[derive(Debug, Clone, clap::Args)]
pub struct ScanArgs {
    /// One JSON object per line: file, symbology, text, bbox, decode_us
    #[arg(long)]
    pub json: bool,
    /// Read from a camera instead of files: `auto`, an index, a device path, or `replay:DIR[@FPS]`
    #[arg(long, value_name = "SPEC", conflicts_with = "images")]
    pub camera: Option<String>,
    /// With --camera: stop after this many frames (default: run until interrupted)
    #[arg(long, value_name = "N", requires = "camera")]
    pub frames: Option<u64>,
    /// Image files (PNG, JPEG, WebP, BMP, GIF)
    #[arg(value_name = "IMAGE", required_unless_present = "camera")]
    pub images: Vec<PathBuf>,
}

#[derive(Serialize)]
struct ImageLine<'a> {
    file: &'a str,
    symbology: Option<&'static str>,
    text: Option<&'a str>,
    /// Where the code is in the image, in pixels: [x0, y0, x1, y1] (left, top, right, bottom).
    #[serde(skip_serializing_if = "Option::is_none")]
    bbox: Option<[u32; 4]>,
    decode_us: u64,
}

/// A detection's box in whole pixels, the edges rounded outwards and kept inside the image.
fn pixel_box(d: &Detection, width: usize, height: usize) -> Option<[u32; 4]> {
    let b = d.bbox?;
    let clamp = |v: f32, max: usize| v.clamp(0.0, max as f32) as u32;
    Some([
        clamp(b[0].floor(), width),
        clamp(b[1].floor(), height),
        clamp(b[2].ceil(), width),
        clamp(b[3].ceil(), height),
    ])
}

/// Splits `total` microseconds over `n` lines so that they add up exactly.
fn split_time(total: u64, n: usize) -> Vec<u64> {
    let n = n.max(1) as u64;
    let each = total / n;
    (0..n)
        .map(|i| if i == 0 { total - each * (n - 1) } else { each })
        .collect()
}

/// Decodes each image and prints what it holds. An image that cannot be read is reported on
/// stderr and the others are still decoded; the exit code is then 1.
pub fn run_scan(args: &ScanArgs) -> anyhow::Result<ExitCode> {
    if let Some(spec) = &args.camera {
        return live::run_live(spec, args.frames, args.json);
    }
    let decoder = Decoder::new(Effort::Still);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut failed = 0usize;
    for path in &args.images {
        let shown = path.to_string_lossy();
        let frame = match LumaFrame::open(path) {
            Ok(f) => f,
            Err(e) => {
                eprintln!("smartstore scan: {e}");
                failed += 1;
                continue;
            }
        };
        let started = Instant::now();
        let found = decoder.decode(&frame);
        let total_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
        let size = (frame.width(), frame.height());
        print_image(&mut out, &shown, &found, size, total_us, args.json)?;
    }
    out.flush()?;
    if failed > 0 {
        eprintln!(
            "smartstore scan: {failed} of {} images could not be read",
            args.images.len()
        );
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

fn print_image(
    out: &mut impl Write,
    file: &str,
    found: &[Detection],
    (width, height): (usize, usize),
    total_us: u64,
    json: bool,
) -> anyhow::Result<()> {
    let times = split_time(total_us, found.len());
    if found.is_empty() {
        if json {
            let line = ImageLine {
                file,
                symbology: None,
                text: None,
                bbox: None,
                decode_us: total_us,
            };
            writeln!(out, "{}", serde_json::to_string(&line)?)?;
        } else {
            writeln!(
                out,
                "{file}: nothing found ({:.1} ms)",
                total_us as f64 / 1000.0
            )?;
        }
        return Ok(());
    }
    for (d, us) in found.iter().zip(times) {
        let bbox = pixel_box(d, width, height);
        if json {
            let line = ImageLine {
                file,
                symbology: Some(d.symbology.name()),
                text: Some(&d.text),
                bbox,
                decode_us: us,
            };
            writeln!(out, "{}", serde_json::to_string(&line)?)?;
        } else {
            let at = bbox
                .map(|[x0, y0, x1, y1]| format!(" at {x0},{y0}-{x1},{y1}"))
                .unwrap_or_default();
            writeln!(
                out,
                "{file}: {} {}{at} ({:.1} ms)",
                d.symbology.name(),
                d.text.escape_debug(),
                us as f64 / 1000.0
            )?;
        }
    }
    Ok(())
}

/// Lists the cameras the system offers, with their formats.
pub fn run_cameras() -> anyhow::Result<ExitCode> {
    live::run_cameras()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boxes_are_whole_pixels_inside_the_image() {
        let d = Detection {
            symbology: smartstore_domain::scan::Symbology::Ean8,
            text: "96385074".into(),
            at: None,
            bbox: Some([-3.5, 10.2, 99.1, 480.7]),
        };
        assert_eq!(pixel_box(&d, 640, 480), Some([0, 10, 100, 480]));
        let none = Detection { bbox: None, ..d };
        assert_eq!(pixel_box(&none, 640, 480), None);
    }

    #[test]
    fn times_add_up() {
        for (total, n) in [(0, 1), (7, 3), (1000, 4), (5, 0), (u64::MAX, 2)] {
            let parts = split_time(total, n);
            assert_eq!(parts.len(), n.max(1));
            assert_eq!(parts.iter().fold(0u64, |a, b| a.wrapping_add(*b)), total);
        }
    }
}
