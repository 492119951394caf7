//! `getemms explain`: a code or a name, looked up in every table (or one).
//!
//! A number is a code of the license, client and DCP tables and a reply
//! code of the FTP table; anything else is a name, matched ASCII
//! case-insensitively by the library's look-ups (`codes_named`) for the
//! numeric tables, and against the spec's strings of the package and FTP
//! tables. Every match is shown; a name that stands for two codes of one
//! table also gets the library's `NameError::Ambiguous` text. A code no
//! table knows gets the nearest ranges of codes of each numeric table.

use std::io::{self, Write};
use std::ops::RangeInclusive;

use getemms::status::package::PackageStatusRow;
use getemms::status::{FtpError, NameError, ThirdPartyRange};
use getemms::{ClientStatus, DcpStatus, LicenseStatus};
use serde::Serialize;

use crate::args::{ExplainArgs, TableArg, TextOrJson};
use crate::entry::{ClientEntry, DcpEntry, Entry, FtpEntry, LicenseEntry, PackageEntry, title};
use crate::style::Style;
use crate::{Exit, report};

/// The JSON keys, for `explain --help`.
pub const LONG_HELP: &str = "\
JSON output (--format json), one object:
  query      the argument, as given
  matches    every row found, each with a `table` key (license | client | dcp | package | ftp):
    license  code, name, description, category, stored_license
    client   code, name, const_name, spec_names, sdk_name, source, description, warning,
             stored_license
    dcp      code, name, description
    package  id_statuses, gui_status, description, stage, failure, terminal
    ftp      description, reply_code, error_texts, retry
  ambiguous  the library's message for each table where a name stands for two codes
  nearest    for a code no table knows: per numeric table, the nearest ranges of codes below and
             above ({ table, below: [first, last] | null, above: [first, last] | null })

Exit status: 0 something was found; 1 nothing was; 2 usage error.";

/// What a look-up found.
#[derive(Serialize)]
struct Explanation<'a> {
    query: &'a str,
    matches: Vec<Entry>,
    ambiguous: Vec<String>,
    nearest: Vec<Nearest>,
}

/// The nearest runs of consecutive codes of one table around a code it
/// does not know.
#[derive(Serialize)]
struct Nearest {
    #[serde(skip)]
    of: TableArg,
    table: &'static str,
    below: Option<[u32; 2]>,
    above: Option<[u32; 2]>,
}

/// Runs `explain`.
pub fn run(args: &ExplainArgs, out: &mut dyn Write) -> io::Result<Exit> {
    let query = args.query.trim();
    let tables: Vec<TableArg> = match args.table {
        Some(table) => vec![table],
        None => TableArg::ALL.to_vec(),
    };
    let mut explanation = Explanation {
        query: &args.query,
        matches: Vec::new(),
        ambiguous: Vec::new(),
        nearest: Vec::new(),
    };
    match query.parse::<u32>() {
        Ok(code) => {
            for &table in &tables {
                explanation.matches.extend(by_code(table, code));
            }
            if explanation.matches.is_empty() {
                explanation.nearest = tables
                    .iter()
                    .filter_map(|&table| nearest(table, code))
                    .collect();
            }
        }
        Err(_) => {
            for &table in &tables {
                let (found, ambiguous) = by_name(table, query);
                explanation.matches.extend(found);
                explanation.ambiguous.extend(ambiguous);
            }
        }
    }
    let found = !explanation.matches.is_empty();
    match args.format {
        TextOrJson::Json => {
            serde_json::to_writer_pretty(&mut *out, &explanation).map_err(io::Error::from)?;
            writeln!(out)?;
        }
        TextOrJson::Text => write_text(out, Style::for_stdout(), &explanation)?,
    }
    if !found {
        let scope = match args.table {
            Some(table) => format!("the {} table", title(table)),
            None => "any table".to_owned(),
        };
        match query.parse::<u32>() {
            Ok(code) => report(format_args!("{code}: not a code of {scope}")),
            Err(_) => report(format_args!("{query:?}: not a name of {scope}")),
        }
    }
    Ok(if found { Exit::Success } else { Exit::Invalid })
}

/// The rows of `table` with a meaning for `code`.
fn by_code(table: TableArg, code: u32) -> Vec<Entry> {
    match table {
        TableArg::License => {
            let status = LicenseStatus::new(code);
            (status.is_known() || status.is_third_party())
                .then(|| Entry::License(LicenseEntry::of(status)))
                .into_iter()
                .collect()
        }
        TableArg::Client => {
            let status = ClientStatus::new(code);
            (status.is_known() || status.is_third_party())
                .then(|| Entry::Client(ClientEntry::of(status)))
                .into_iter()
                .collect()
        }
        TableArg::Dcp => {
            let status = DcpStatus::new(code);
            status
                .is_known()
                .then(|| Entry::Dcp(DcpEntry::of(status)))
                .into_iter()
                .collect()
        }
        // The package table has no numeric codes.
        TableArg::Package => Vec::new(),
        // A reply code: its row, or `5XX` for another 5xx.
        TableArg::Ftp => u16::try_from(code)
            .ok()
            .filter(|code| (100..=999).contains(code))
            .and_then(|code| FtpError::from_reply(Some(code), ""))
            .map(|error| Entry::Ftp(FtpEntry::of(error)))
            .into_iter()
            .collect(),
    }
}

/// The rows of `table` that answer to `name`, and the library's message
/// when the name stands for two codes.
fn by_name(table: TableArg, name: &str) -> (Vec<Entry>, Option<String>) {
    fn ambiguity(error: Result<impl Sized, NameError>) -> Option<String> {
        match error {
            Err(error @ NameError::Ambiguous { .. }) => Some(error.to_string()),
            _ => None,
        }
    }
    match table {
        TableArg::License => (
            LicenseStatus::codes_named(name)
                .map(|status| Entry::License(LicenseEntry::of(status)))
                .collect(),
            ambiguity(name.parse::<LicenseStatus>()),
        ),
        TableArg::Client => (
            ClientStatus::codes_named(name)
                .map(|status| Entry::Client(ClientEntry::of(status)))
                .collect(),
            ambiguity(name.parse::<ClientStatus>()),
        ),
        TableArg::Dcp => (
            DcpStatus::codes_named(name)
                .map(|status| Entry::Dcp(DcpEntry::of(status)))
                .collect(),
            ambiguity(name.parse::<DcpStatus>()),
        ),
        TableArg::Package => (
            PackageStatusRow::rows()
                .filter(|row| {
                    row.id_statuses
                        .iter()
                        .map(|id| id.as_str())
                        .chain(row.gui_status.map(|gui| gui.as_str()))
                        .chain([row.description])
                        .any(|spelling| spelling.eq_ignore_ascii_case(name))
                })
                .map(|row| Entry::Package(PackageEntry::of(row)))
                .collect(),
            None,
        ),
        TableArg::Ftp => (
            FtpError::rows()
                .filter(|error| {
                    error.description().eq_ignore_ascii_case(name)
                        || error.reply_code().to_string().eq_ignore_ascii_case(name)
                        || error
                            .error_texts()
                            .iter()
                            .any(|text| text.eq_ignore_ascii_case(name))
                })
                .map(|error| Entry::Ftp(FtpEntry::of(error)))
                .collect(),
            None,
        ),
    }
}

/// The codes of a numeric table as runs of consecutive rows, and its
/// third-party ranges as runs of their own, in ascending order.
fn runs(table: TableArg) -> Vec<RangeInclusive<u32>> {
    let (codes, third_party): (Vec<u32>, &[ThirdPartyRange]) = match table {
        TableArg::License => (
            LicenseStatus::rows().map(|row| row.code()).collect(),
            LicenseStatus::third_party_ranges(),
        ),
        TableArg::Client => (
            ClientStatus::rows().map(|row| row.code()).collect(),
            ClientStatus::third_party_ranges(),
        ),
        TableArg::Dcp => (DcpStatus::rows().map(|row| row.code()).collect(), &[]),
        TableArg::Package | TableArg::Ftp => (Vec::new(), &[]),
    };
    let mut runs: Vec<RangeInclusive<u32>> = Vec::new();
    // `rows()` is in ascending code order.
    for code in codes {
        match runs.last_mut() {
            Some(last) if last.end().checked_add(1) == Some(code) => {
                *last = *last.start()..=code;
            }
            _ => runs.push(code..=code),
        }
    }
    runs.extend(third_party.iter().map(|range| range.first()..=range.last()));
    runs.sort_by_key(|run| *run.start());
    runs
}

/// The runs of `table` just below and just above `code`.
fn nearest(table: TableArg, code: u32) -> Option<Nearest> {
    let runs = runs(table);
    if runs.is_empty() {
        return None;
    }
    let below = runs.iter().rev().find(|run| *run.end() < code);
    let above = runs.iter().find(|run| *run.start() > code);
    Some(Nearest {
        of: table,
        table: table.as_str(),
        below: below.map(|run| [*run.start(), *run.end()]),
        above: above.map(|run| [*run.start(), *run.end()]),
    })
}

fn write_text(out: &mut dyn Write, style: Style, explanation: &Explanation<'_>) -> io::Result<()> {
    for message in &explanation.ambiguous {
        writeln!(out, "{}", style.warn(message))?;
    }
    for (index, entry) in explanation.matches.iter().enumerate() {
        if index > 0 || !explanation.ambiguous.is_empty() {
            writeln!(out)?;
        }
        entry.write_card(out, style)?;
    }
    if !explanation.nearest.is_empty() {
        writeln!(
            out,
            "{}",
            style.bold(format_args!(
                "{}: no table has a meaning for this code",
                explanation.query.trim()
            ))
        )?;
        for nearest in &explanation.nearest {
            let show = |run: Option<[u32; 2]>| match run {
                Some([first, last]) if first == last => first.to_string(),
                Some([first, last]) => format!("{first}–{last}"),
                None => "none".to_owned(),
            };
            style.field(
                out,
                title(nearest.of),
                format_args!(
                    "nearest codes below: {}, above: {}",
                    show(nearest.below),
                    show(nearest.above)
                ),
            )?;
        }
    }
    Ok(())
}
