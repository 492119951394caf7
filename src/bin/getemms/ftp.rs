//! `getemms ftp`: an FTP reply line read by the library's
//! `ReplyLine::parse` and classified by `FtpError::from_reply` into a row of
//! the VOD Dealer FTP error table. A line that does not start with a digit
//! is an error text seen with no reply (the socket's), classified as such.

use std::io::{self, Write};

use getemms::status::{FtpError, ReplyLine};
use serde::Serialize;

use crate::args::{FtpArgs, TextOrJson};
use crate::entry::{Entry, FtpEntry};
use crate::style::Style;
use crate::{Exit, report};

/// The JSON keys, for `ftp --help`.
pub const LONG_HELP: &str = "\
JSON output (--format json), one object:
  reply_code  the line's three-digit code, or null for a text seen with no reply
  text        the text after the code
  multiline   whether the line opens a multi-line reply (NNN-text)
  known_text  the spec's error text the text is (`<file name>` standing for a name), or null
  row         the table's row (description, reply_code, error_texts, retry), or null

Exit status: 0 a row matched; 1 no row did, or the line is not `NNN text`; 2 usage error.";

/// A classified reply.
#[derive(Serialize)]
struct Classified<'a> {
    reply_code: Option<u16>,
    text: &'a str,
    multiline: bool,
    known_text: Option<&'static str>,
    row: Option<FtpEntry>,
}

/// Runs `ftp`.
pub fn run(args: &FtpArgs, out: &mut dyn Write) -> io::Result<Exit> {
    let line = args.line.as_str();
    let (reply_code, text, multiline) = if line.starts_with(|c: char| c.is_ascii_digit()) {
        match ReplyLine::parse(line) {
            Ok(reply) => (Some(reply.code()), reply.text(), reply.is_multiline_start()),
            Err(error) => {
                report(format_args!("{line:?}: {error}"));
                return Ok(Exit::Invalid);
            }
        }
    } else {
        (None, line.trim_end_matches(['\r', '\n']), false)
    };
    let error = FtpError::from_reply(reply_code, text);
    let classified = Classified {
        reply_code,
        text,
        multiline,
        known_text: error.and_then(|error| error.known_text(text)),
        row: error.map(FtpEntry::of),
    };
    match args.format {
        TextOrJson::Json => {
            serde_json::to_writer_pretty(&mut *out, &classified).map_err(io::Error::from)?;
            writeln!(out)?;
        }
        TextOrJson::Text => {
            let style = Style::for_stdout();
            match reply_code {
                Some(code) => style.field(out, "reply code", code)?,
                None => style.field(out, "reply code", "none (no reply came)")?,
            }
            style.field(out, "text", text)?;
            if let Some(known) = classified.known_text {
                style.field(out, "spec text", known)?;
            }
            match error {
                Some(error) => {
                    writeln!(out)?;
                    Entry::Ftp(FtpEntry::of(error)).write_card(out, style)?;
                }
                None => style.field(out, "spec row", "none")?,
            }
        }
    }
    if error.is_none() {
        report(format_args!(
            "{line:?}: no row of the VOD Dealer FTP error table"
        ));
        return Ok(Exit::Invalid);
    }
    Ok(Exit::Success)
}
