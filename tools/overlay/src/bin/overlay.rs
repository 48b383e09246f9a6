//! `tools/bazel run //tools/helm:overlay -- ...`: `composer overlay` for a person at a
//! terminal, with the Helm library from its runfiles (as import and compare find it) and
//! relative paths taken from where they ran it. Same arguments, same code.

use std::process::ExitCode;

use clap::Parser;
use values_overlay::cli::{run, OverlayArgs};

#[derive(Parser)]
#[command(name = "overlay", about = "Writes a values overlay or full preset from autotuning recommendations")]
struct Cli {
    #[command(flatten)]
    args: OverlayArgs,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli.args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("overlay: error: {error}");
            ExitCode::FAILURE
        }
    }
}
