use std::process::ExitCode;

use clap::{Parser, Subcommand};
use smartstore::cli;

#[derive(Parser)]
#[command(
    name = "smartstore",
    version,
    about = "The in-store terminal of a smart store"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Read the codes in image files, or from a camera
    Scan(cli::scan::ScanArgs),
    /// List cameras and their formats
    Cameras,
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("SMARTSTORE_LOG")
                .unwrap_or_else(|_| "warn".into()),
        )
        .init();
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Scan(args) => cli::scan::run_scan(args),
        Command::Cameras => cli::scan::run_cameras(),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("smartstore: {e:#}");
            ExitCode::from(1)
        }
    }
}
