//! `scan --camera` and `cameras`: live frames through the scan worker.

use std::process::ExitCode;

pub fn run_live(spec: &str, frames: Option<u64>, json: bool) -> anyhow::Result<ExitCode> {
    let _ = (spec, frames, json);
    anyhow::bail!("live scanning is not built yet")
}

pub fn run_cameras() -> anyhow::Result<ExitCode> {
    anyhow::bail!("camera listing is not built yet")
}
