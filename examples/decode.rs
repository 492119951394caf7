//! Prints the fields of `GetEMMs.cgi` bodies stored in files, raw or base64
//! (told apart by `Transport::Auto`: a raw body of any spec status starts
//! with a zero byte, its base64 with `A`).
//!
//! ```text
//! cargo run --example decode -- testdata/*.bin testdata/*.b64
//! ```
//!
//! Exits with status 1 if any body does not parse, after printing why.

use std::process::ExitCode;

use getemms::{Form, Options, Response, Transport};

fn main() -> ExitCode {
    let paths: Vec<String> = std::env::args().skip(1).collect();
    if paths.is_empty() {
        eprintln!(
            "usage: decode FILE...  (GetEMMs.cgi bodies, raw or base64, e.g. testdata/*.bin)"
        );
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
        let transport = Transport::Auto.resolve(&body);
        let mut scratch = Vec::new();
        let parsed = match transport {
            Transport::Base64 => Response::parse_base64(&body, &mut scratch, &Options::DEFAULT),
            Transport::Raw | Transport::Auto => Response::parse(&body),
        };
        match parsed {
            Ok(response) => print_response(path, body.len(), transport, &response),
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

fn print_response(path: &str, len: usize, transport: Transport, response: &Response<'_>) {
    let form = match response.form() {
        Form::Full => "full form",
        Form::Short => "short form (proxy rejection)",
    };
    let transport = match transport {
        Transport::Base64 => "base64",
        _ => "raw",
    };
    println!("{path}: {len} bytes {transport}, {form}");
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
