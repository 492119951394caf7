//! Prints the fields of `GetEMMs.cgi` bodies stored in files.
//!
//! ```text
//! cargo run --example decode -- testdata/*.bin
//! ```
//!
//! Exits with status 1 if any body does not parse, after printing why.

use std::process::ExitCode;

use getemms::{Form, Response};

fn main() -> ExitCode {
    let paths: Vec<String> = std::env::args().skip(1).collect();
    if paths.is_empty() {
        eprintln!("usage: decode FILE...  (raw GetEMMs.cgi bodies, e.g. testdata/*.bin)");
        return ExitCode::from(2);
    }
    let mut failed = false;
    for path in &paths {
        let body = match std::fs::read(path) {
            Ok(body) => body,
            Err(error) => {
                eprintln!("{path}: cannot read: {error}");
                failed = true;
                continue;
            }
        };
        match Response::parse(&body) {
            Ok(response) => print_response(path, body.len(), &response),
            Err(error) => {
                eprintln!("{path}: {error}");
                failed = true;
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn print_response(path: &str, len: usize, response: &Response<'_>) {
    let form = match response.form() {
        Form::Full => "full form",
        Form::Short => "short form (proxy rejection)",
    };
    println!("{path}: {len} bytes, {form}");
    println!("  license status  {}", response.license_status());
    println!("  asset id        {}", response.asset_id());
    match response.key_id() {
        Some(key_id) => println!("  key id          {key_id}"),
        None => println!("  key id          (none)"),
    }
    let emm = response.emm();
    let shown: Vec<String> = emm.iter().take(16).map(|b| format!("{b:02x}")).collect();
    let more = if emm.len() > 16 { " …" } else { "" };
    println!(
        "  EMM             {} bytes: {}{more}",
        emm.len(),
        shown.join(" ")
    );
}
