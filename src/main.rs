use std::process::ExitCode;

use clap::Parser;
use smartstore::cli::{Cli, describe_error, lang, run};

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("SMARTSTORE_LOG")
                .unwrap_or_else(|_| "warn".into()),
        )
        .init();
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {}", describe_error(&e, lang()));
            ExitCode::FAILURE
        }
    }
}
