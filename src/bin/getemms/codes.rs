//! `getemms codes`: the tables of the spec, from the library's data. The
//! markdown is the library's `status::markdown_tables` (the README's tables)
//! or one table's `render_markdown`; text and JSON are built from the same
//! `rows()`.

use std::io::{self, Write};

use getemms::status::package::PackageStatusRow;
use getemms::status::{self, FtpError};
use getemms::{ClientStatus, DcpStatus, LicenseCategory, LicenseStatus};
use serde::Serialize;

use crate::Exit;
use crate::args::{CodesArgs, CodesFormat, TableArg};
use crate::entry::{
    ClientEntry, DcpEntry, Entry, FtpEntry, LicenseEntry, PackageEntry, RangeEntry, title,
};
use crate::style::Style;

/// The JSON keys, for `codes --help`.
pub const LONG_HELP: &str = "\
JSON output (--format json): an array with one object per table:
  table               license | client | dcp | package | ftp
  title               the table's name
  rows                the rows, with the keys `explain --help` lists for the table
  third_party_ranges  license and client: { first, last, description, stored_license }

--format markdown prints exactly the tables of the README (getemms::status::markdown_tables).";

/// One table, as JSON.
#[derive(Serialize)]
struct JsonTable {
    table: &'static str,
    title: &'static str,
    rows: Vec<Entry>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    third_party_ranges: Vec<RangeEntry>,
}

/// Runs `codes`.
pub fn run(args: &CodesArgs, out: &mut dyn Write) -> io::Result<Exit> {
    let tables: Vec<TableArg> = match args.table {
        Some(table) => vec![table],
        None => TableArg::ALL.to_vec(),
    };
    match args.format {
        CodesFormat::Markdown => {
            let mut markdown = String::new();
            let rendered = match args.table {
                None => status::markdown_tables(&mut markdown),
                Some(TableArg::License) => status::license::render_markdown(&mut markdown),
                Some(TableArg::Client) => status::client::render_markdown(&mut markdown),
                Some(TableArg::Dcp) => status::dcp::render_markdown(&mut markdown),
                Some(TableArg::Package) => status::package::render_markdown(&mut markdown),
                Some(TableArg::Ftp) => status::ftp::render_markdown(&mut markdown),
            };
            rendered.map_err(|_| io::Error::other("the markdown renderer failed"))?;
            out.write_all(markdown.as_bytes())?;
        }
        CodesFormat::Json => {
            let json: Vec<JsonTable> = tables.iter().map(|&table| json_table(table)).collect();
            serde_json::to_writer_pretty(&mut *out, &json).map_err(io::Error::from)?;
            writeln!(out)?;
        }
        CodesFormat::Text => {
            let style = Style::for_stdout();
            for (index, &table) in tables.iter().enumerate() {
                if index > 0 {
                    writeln!(out)?;
                }
                write_text(out, style, table)?;
            }
        }
    }
    Ok(Exit::Success)
}

fn json_table(table: TableArg) -> JsonTable {
    let (rows, third_party_ranges): (Vec<Entry>, Vec<RangeEntry>) = match table {
        TableArg::License => (
            LicenseStatus::rows()
                .map(|row| Entry::License(LicenseEntry::of(row.status())))
                .collect(),
            LicenseStatus::third_party_ranges()
                .iter()
                .map(RangeEntry::of)
                .collect(),
        ),
        TableArg::Client => (
            ClientStatus::rows()
                .map(|row| Entry::Client(ClientEntry::of(row.status())))
                .collect(),
            ClientStatus::third_party_ranges()
                .iter()
                .map(RangeEntry::of)
                .collect(),
        ),
        TableArg::Dcp => (
            DcpStatus::rows()
                .map(|row| Entry::Dcp(DcpEntry::of(row.status())))
                .collect(),
            Vec::new(),
        ),
        TableArg::Package => (
            PackageStatusRow::rows()
                .map(|row| Entry::Package(PackageEntry::of(row)))
                .collect(),
            Vec::new(),
        ),
        TableArg::Ftp => (
            FtpError::rows()
                .map(|error| Entry::Ftp(FtpEntry::of(error)))
                .collect(),
            Vec::new(),
        ),
    };
    JsonTable {
        table: table.as_str(),
        title: title(table),
        rows,
        third_party_ranges,
    }
}

/// The cells of one table's text lines: a header, then one line per row.
fn text_lines(table: TableArg) -> Vec<Vec<String>> {
    let mut lines: Vec<Vec<String>> = Vec::new();
    let ranges = |ranges: &[status::ThirdPartyRange], columns: usize| {
        ranges
            .iter()
            .map(|range| {
                let mut line = vec![format!("{}–{}", range.first(), range.last())];
                line.resize(columns - 1, String::new());
                line.push(range.description().to_owned());
                line
            })
            .collect::<Vec<_>>()
    };
    match table {
        TableArg::License => {
            lines.push(
                ["code", "constant", "category", "description"]
                    .map(str::to_owned)
                    .to_vec(),
            );
            lines.extend(LicenseStatus::rows().map(|row| {
                vec![
                    row.code().to_string(),
                    row.const_name().to_owned(),
                    row.status().category().to_string(),
                    row.description().to_owned(),
                ]
            }));
            lines.extend(
                ranges(LicenseStatus::third_party_ranges(), 4)
                    .into_iter()
                    .map(|mut line| {
                        if let Some(category) = line.get_mut(2) {
                            *category = LicenseCategory::ThirdParty.to_string();
                        }
                        line
                    }),
            );
        }
        TableArg::Client => {
            lines.push(
                ["code", "constant", "SDK name", "description"]
                    .map(str::to_owned)
                    .to_vec(),
            );
            lines.extend(ClientStatus::rows().map(|row| {
                vec![
                    row.code().to_string(),
                    row.const_name().to_owned(),
                    row.status().sdk_name().unwrap_or("").to_owned(),
                    row.description().to_owned(),
                ]
            }));
            lines.extend(ranges(ClientStatus::third_party_ranges(), 4));
        }
        TableArg::Dcp => {
            lines.push(
                ["code", "constant", "description"]
                    .map(str::to_owned)
                    .to_vec(),
            );
            lines.extend(DcpStatus::rows().map(|row| {
                vec![
                    row.code().to_string(),
                    row.const_name().to_owned(),
                    row.description().to_owned(),
                ]
            }));
        }
        TableArg::Package => {
            lines.push(
                ["by id", "by name (GUI)", "description"]
                    .map(str::to_owned)
                    .to_vec(),
            );
            lines.extend(PackageStatusRow::rows().map(|row| {
                vec![
                    row.id_statuses
                        .iter()
                        .map(|id| id.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                    row.gui_status
                        .map(|gui| gui.as_str())
                        .unwrap_or("")
                        .to_owned(),
                    row.description.to_owned(),
                ]
            }));
        }
        TableArg::Ftp => {
            lines.push(
                ["code", "description", "error texts"]
                    .map(str::to_owned)
                    .to_vec(),
            );
            lines.extend(FtpError::rows().map(|error| {
                vec![
                    error.reply_code().to_string(),
                    error.description().to_owned(),
                    error.error_texts().join(" | "),
                ]
            }));
        }
    }
    lines
}

/// One table as aligned columns under a bold title; the last column is
/// not padded.
fn write_text(out: &mut dyn Write, style: Style, table: TableArg) -> io::Result<()> {
    let lines = text_lines(table);
    let columns = lines.first().map_or(0, Vec::len);
    let widths: Vec<usize> = (0..columns)
        .map(|column| {
            lines
                .iter()
                .filter_map(|line| line.get(column))
                .map(|cell| cell.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    writeln!(out, "{}", style.bold(title(table)))?;
    for (index, line) in lines.iter().enumerate() {
        let mut text = String::from(" ");
        for (column, cell) in line.iter().enumerate() {
            text.push(' ');
            text.push_str(cell);
            if column + 1 < line.len() {
                let width = widths.get(column).copied().unwrap_or(0);
                text.extend(std::iter::repeat_n(
                    ' ',
                    width.saturating_sub(cell.chars().count()) + 1,
                ));
            }
        }
        let text = text.trim_end();
        if index == 0 {
            writeln!(out, "{}", style.dim(text))?;
        } else {
            writeln!(out, "{text}")?;
        }
    }
    Ok(())
}
