//! `getemms encode`: a body from its fields, raw or base64, through the
//! library's encoders (`Response::to_vec`, `Response::encode_base64`).

use std::fs;
use std::io::{self, IsTerminal, Write};

use getemms::base64::LineWrap;
use getemms::{LicenseStatus, Response};

use crate::args::EncodeArgs;
use crate::{Exit, report};

/// Runs `encode`.
pub fn run(args: &EncodeArgs, stdout: &mut dyn Write) -> io::Result<Exit> {
    let status = match args.status.parse::<LicenseStatus>() {
        Ok(status) => status,
        Err(error) => {
            report(format_args!("--status {}: {error}", args.status));
            return Ok(Exit::Trouble);
        }
    };
    let emm = match (&args.emm, &args.emm_hex) {
        (Some(path), _) => match fs::read(path) {
            Ok(emm) => Some(emm),
            Err(error) => {
                report(format_args!("{}: cannot read: {error}", path.display()));
                return Ok(Exit::Trouble);
            }
        },
        (None, Some(text)) => match parse_hex(text) {
            Ok(emm) => Some(emm),
            Err(message) => {
                report(format_args!("--emm-hex: {message}"));
                return Ok(Exit::Trouble);
            }
        },
        (None, None) => None,
    };
    let response = match args.key_id {
        Some(key_id) => Response::new(status, args.asset_id, key_id, emm.as_deref().unwrap_or(&[])),
        // clap requires --key-id with an EMM, so this is the short form.
        None => Response::rejection(status, args.asset_id),
    };
    let wrap = if args.base64 {
        Some(LineWrap::None)
    } else if args.base64_wrapped {
        Some(LineWrap::Mime)
    } else {
        None
    };
    let body = match wrap {
        Some(wrap) => {
            let mut text = Vec::with_capacity(response.base64_len(wrap));
            response.encode_base64(wrap, &mut text);
            text
        }
        None => response.to_vec(),
    };
    match &args.output {
        Some(path) => {
            if let Err(error) = fs::write(path, &body) {
                report(format_args!("{}: cannot write: {error}", path.display()));
                return Ok(Exit::Trouble);
            }
        }
        None => {
            if wrap.is_none() && io::stdout().is_terminal() {
                report(
                    "refusing to write a binary body to a terminal: \
                     use -o FILE, --base64, or a pipe",
                );
                return Ok(Exit::Trouble);
            }
            stdout.write_all(&body)?;
        }
    }
    Ok(Exit::Success)
}

/// Bytes from hex digits; ASCII whitespace and `:` between bytes are ignored.
fn parse_hex(text: &str) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::with_capacity(text.len() / 2);
    let mut high: Option<u8> = None;
    for (offset, c) in text.char_indices() {
        if c.is_ascii_whitespace() || c == ':' {
            if high.is_some() {
                return Err(format!(
                    "expected a second hex digit at offset {offset}, got {c:?}"
                ));
            }
            continue;
        }
        let Some(digit) = c.to_digit(16).and_then(|digit| u8::try_from(digit).ok()) else {
            return Err(format!(
                "expected a hex digit at offset {offset}, got {c:?}"
            ));
        };
        match high.take() {
            Some(high) => bytes.push(high << 4 | digit),
            None => high = Some(digit),
        }
    }
    if high.is_some() {
        return Err(format!(
            "expected an even number of hex digits, the last byte misses a digit at offset {}",
            text.len()
        ));
    }
    Ok(bytes)
}
