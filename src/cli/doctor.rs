//! `smartstore doctor`: the diagnostics, one line (or one JSON object) per check.

use std::process::ExitCode;

use super::{Context, print_json};
use crate::diagnostics::{Status, run_checks};

#[derive(Debug, clap::Args)]
pub struct DoctorArgs {
    #[arg(long)]
    pub json: bool,
    /// Check the clock and the network against this platform before the terminal is enrolled
    /// (an enrolled terminal checks the platform it is enrolled with).
    #[arg(long, value_name = "URL")]
    pub platform: Option<String>,
}

pub fn run(ctx: &Context, args: &DoctorArgs) -> anyhow::Result<ExitCode> {
    let checks = run_checks(ctx, args.platform.as_deref());
    for c in &checks {
        if args.json {
            print_json(c)?;
        } else {
            let mark = match c.status {
                Status::Pass => "ok  ",
                Status::Warn => "warn",
                Status::Fail => "FAIL",
            };
            println!("[{mark}] {:10} {}", c.check, c.detail);
            if !c.fix.is_empty() {
                println!("       fix: {}", c.fix);
            }
        }
    }
    Ok(if checks.iter().any(|c| c.status == Status::Fail) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
