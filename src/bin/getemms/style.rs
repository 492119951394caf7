//! Terminal styling: ANSI colours only when the stream is a terminal and
//! `NO_COLOR` is unset or empty (<https://no-color.org>), and the aligned
//! `label  value` lines of the text outputs.

use std::fmt;
use std::io::{self, IsTerminal};

/// Whether to colour one output stream.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    colour: bool,
}

/// The width of the label column of the text outputs.
pub const LABEL_WIDTH: usize = 16;

/// Text wrapped in an ANSI style, or plain.
pub struct Painted<T> {
    code: Option<&'static str>,
    text: T,
}

impl<T: fmt::Display> fmt::Display for Painted<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.code {
            Some(code) => write!(f, "\x1b[{code}m{}\x1b[0m", self.text),
            None => write!(f, "{}", self.text),
        }
    }
}

impl Style {
    fn new(terminal: bool) -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|value| !value.is_empty());
        Self {
            colour: terminal && !no_color,
        }
    }

    /// The style for stdout.
    pub fn for_stdout() -> Self {
        Self::new(io::stdout().is_terminal())
    }

    /// The style for stderr.
    pub fn for_stderr() -> Self {
        Self::new(io::stderr().is_terminal())
    }

    fn paint<T>(self, code: &'static str, text: T) -> Painted<T> {
        Painted {
            code: self.colour.then_some(code),
            text,
        }
    }

    /// A heading: bold.
    pub fn bold<T>(self, text: T) -> Painted<T> {
        self.paint("1", text)
    }

    /// A secondary fact: dim.
    pub fn dim<T>(self, text: T) -> Painted<T> {
        self.paint("2", text)
    }

    /// Success: green.
    pub fn good<T>(self, text: T) -> Painted<T> {
        self.paint("32", text)
    }

    /// Something to look at: yellow.
    pub fn warn<T>(self, text: T) -> Painted<T> {
        self.paint("33", text)
    }

    /// Failure: bold red.
    pub fn error<T>(self, text: T) -> Painted<T> {
        self.paint("1;31", text)
    }

    /// Writes one `  label           value` line.
    pub fn field(
        self,
        out: &mut dyn io::Write,
        label: &str,
        value: impl fmt::Display,
    ) -> io::Result<()> {
        writeln!(
            out,
            "  {}{:pad$}{value}",
            self.dim(label),
            "",
            pad = LABEL_WIDTH.saturating_sub(label.chars().count())
        )
    }
}
