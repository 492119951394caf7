//! `getemms`: look at `GetEMMs.cgi` bodies and at the codes of the Cypher
//! components from a shell.
//!
//! Each command lives in its own module (`decode`, `encode`, `explain`,
//! `codes`, `ftp`); the arguments are in `args`, the per-row facts that
//! `explain` and `codes` share in `entry`, and the terminal styling in
//! `style`. Everything printed about a code comes from the library's tables.
//!
//! Exit status: 0 for success, 1 when an input is not a valid body (or a
//! code, name or reply line is not in the tables), 2 for usage and I/O
//! errors. Errors go to stderr, one line each.

use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser;

mod args;
mod codes;
mod decode;
mod encode;
mod entry;
mod explain;
mod ftp;
mod style;

use args::{Cli, Command};

/// How a run ended; when several things happen in one run, the worst one
/// is the exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exit {
    /// Everything asked for was done: exit status 0.
    Success,
    /// An input is not a valid body, or a look-up found nothing: 1.
    Invalid,
    /// A usage or I/O error: 2 (clap's convention).
    Trouble,
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> Self {
        match exit {
            Exit::Success => ExitCode::SUCCESS,
            Exit::Invalid => ExitCode::from(1),
            Exit::Trouble => ExitCode::from(2),
        }
    }
}

/// Prints one error line to stderr, `error: ` in red on a terminal.
pub fn report(message: impl std::fmt::Display) {
    let style = style::Style::for_stderr();
    // Nothing sensible is left to do when stderr itself fails.
    let _ = writeln!(io::stderr().lock(), "{}: {message}", style.error("error"));
}

/// Prints one note to stderr: something skipped, not an error.
pub fn note(message: impl std::fmt::Display) {
    let style = style::Style::for_stderr();
    let _ = writeln!(io::stderr().lock(), "{}: {message}", style.dim("note"));
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut stdout = io::BufWriter::new(io::stdout().lock());
    let result = match cli.command {
        Command::Decode(args) => decode::run(&args, &mut stdout),
        Command::Encode(args) => encode::run(&args, &mut stdout),
        Command::Explain(args) => explain::run(&args, &mut stdout),
        Command::Codes(args) => codes::run(&args, &mut stdout),
        Command::Ftp(args) => ftp::run(&args, &mut stdout),
    };
    let result = result.and_then(|exit| stdout.flush().map(|()| exit));
    match result {
        Ok(exit) => exit.into(),
        // `getemms codes | head`: the reader has all it wants.
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(error) => {
            report(format_args!("cannot write the output: {error}"));
            Exit::Trouble.into()
        }
    }
}
