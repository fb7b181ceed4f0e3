//! The live scan worker on a replay folder, as the tests drive it: every scan it reports until
//! it has decoded a number of frames.

use std::time::Duration;

use smartstore_scan::{CameraSpec, ScanEvent, ScanRead, ScanWorker, WorkerOptions, source};

/// Starts the worker on `spec` with `options`, collects its scans until it has decoded
/// `frames` frames (a minute at most), and stops it. Panics when the worker fails or falls
/// silent.
pub fn scans(spec: CameraSpec, options: WorkerOptions, frames: u32) -> Vec<ScanRead> {
    let (worker, events) = ScanWorker::start(move || source::open(&spec), options).expect("start");
    let mut scans = Vec::new();
    let mut seen = 0;
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while seen < frames && std::time::Instant::now() < deadline {
        match events.recv_timeout(Duration::from_secs(20)) {
            Ok(ScanEvent::Frame { .. }) => seen += 1,
            Ok(ScanEvent::Scan(s)) => scans.push(s),
            Ok(ScanEvent::Failed(m)) => panic!("worker failed: {m}"),
            Ok(_) => {}
            Err(e) => panic!("no event: {e}"),
        }
    }
    worker.stop();
    scans
}
