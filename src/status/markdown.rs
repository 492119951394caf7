//! The one markdown renderer of the status tables: every table's
//! `render_markdown` writes its heading with [`write_head`] and each line
//! with [`write_line`], so that every cell of every table follows the same
//! escaping rule:
//!
//! - [`Cell::Text`] is backslash-escaped wherever markdown would read
//!   markup or a cell boundary: before each backslash, pipe, backtick, `*`,
//!   `_`, `<`, `>`, `[` and `]`;
//! - [`Cell::Code`] is written as code spans, joined by a separator, inside
//!   which only the cell boundary `|` is escaped (`\|`, as GFM tables
//!   require); a text holding a backtick gets a double-backtick fence.
//!
//! An empty cell is written `| |`. Nothing is allocated.

use core::fmt::{self, Write as _};

use super::vocabulary::Vocabulary;

/// A column of a table: its header and whether it is right-aligned
/// (numbers).
pub(crate) type Column<'a> = (&'a str, Align);

/// How a column is aligned.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Align {
    /// `---`.
    Left,
    /// `---:`, for codes.
    Right,
}

/// One cell of a table line.
#[derive(Clone, Copy)]
pub(crate) enum Cell<'a> {
    /// Words, escaped.
    Text(&'a dyn fmt::Display),
    /// Code spans (names, constants, error texts), joined by the separator
    /// (`", "` or `"<br>"`); empty when the list is.
    Code(&'a dyn CodeSpans, &'static str),
}

/// What a [`Cell::Code`] holds: a list of names.
pub(crate) trait CodeSpans {
    /// The `i`-th name, if there are that many.
    fn span(&self, i: usize) -> Option<&str>;
}

impl CodeSpans for &str {
    fn span(&self, i: usize) -> Option<&str> {
        (i == 0).then_some(self)
    }
}

impl CodeSpans for &[&str] {
    fn span(&self, i: usize) -> Option<&str> {
        self.get(i).copied()
    }
}

impl CodeSpans for Option<&str> {
    fn span(&self, i: usize) -> Option<&str> {
        self.filter(|_| i == 0)
    }
}

impl<T: Vocabulary> CodeSpans for &[T] {
    fn span(&self, i: usize) -> Option<&str> {
        self.get(i).map(|value| value.as_str())
    }
}

/// `### title`, the note (when not empty), the header line and the
/// alignment line.
pub(crate) fn write_head<W: fmt::Write + ?Sized>(
    out: &mut W,
    title: &str,
    note: &str,
    columns: &[Column<'_>],
) -> fmt::Result {
    write!(out, "### {title}\n\n")?;
    if !note.is_empty() {
        write!(out, "{note}\n\n")?;
    }
    out.write_char('|')?;
    for (header, _) in columns {
        write_cell(out, Cell::Text(header))?;
    }
    out.write_str("\n|")?;
    for (_, align) in columns {
        out.write_str(match align {
            Align::Left => "---|",
            Align::Right => "---:|",
        })?;
    }
    out.write_char('\n')
}

/// One table line: `| a | b |`, each cell through [`write_cell`].
pub(crate) fn write_line<W: fmt::Write + ?Sized>(out: &mut W, cells: &[Cell<'_>]) -> fmt::Result {
    out.write_char('|')?;
    for &cell in cells {
        write_cell(out, cell)?;
    }
    out.write_char('\n')
}

/// ` content |`, or ` |` when the cell is empty.
fn write_cell<W: fmt::Write + ?Sized>(out: &mut W, cell: Cell<'_>) -> fmt::Result {
    match cell {
        Cell::Text(text) => write!(
            Escaped {
                out,
                started: false
            },
            "{text}"
        )?,
        Cell::Code(spans, separator) => {
            let spans = (0..).map_while(|i| spans.span(i));
            for (i, span) in spans.enumerate() {
                out.write_str(if i == 0 { " " } else { separator })?;
                let fence = if span.contains('`') { "``" } else { "`" };
                let pad = if fence.len() > 1 { " " } else { "" };
                write!(out, "{fence}{pad}")?;
                for c in span.chars() {
                    if c == '|' {
                        out.write_char('\\')?;
                    }
                    out.write_char(c)?;
                }
                write!(out, "{pad}{fence}")?;
            }
        }
    }
    out.write_str(" |")
}

/// Writes text escaped, with a space before the first character.
struct Escaped<'w, W: ?Sized> {
    out: &'w mut W,
    started: bool,
}

impl<W: fmt::Write + ?Sized> fmt::Write for Escaped<'_, W> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        for c in text.chars() {
            if !self.started {
                self.out.write_char(' ')?;
                self.started = true;
            }
            if matches!(c, '\\' | '|' | '`' | '*' | '_' | '<' | '>' | '[' | ']') {
                self.out.write_char('\\')?;
            }
            self.out.write_char(c)?;
        }
        Ok(())
    }
}

#[cfg(all(test, feature = "alloc"))]
mod tests {
    use alloc::string::String;

    use super::{Cell, write_line};

    #[test]
    fn test_one_escaping_rule() {
        let mut out = String::new();
        let names: &[&str] = &["a|b", "c`d"];
        write_line(
            &mut out,
            &[
                Cell::Text(&"x|y <z> *w*"),
                Cell::Text(&""),
                Cell::Code(&names, "<br>"),
            ],
        )
        .unwrap();
        assert_eq!(out, "| x\\|y \\<z\\> \\*w\\* | | `a\\|b`<br>`` c`d `` |\n");
    }
}
