//! Where stdout goes: a reader that stops early, a device that refuses
//! every write, a terminal.

use std::process::Stdio;

use crate::run::{getemms, getemms_with};

/// `getemms codes | head -1`: a reader that closes the pipe has all it
/// wants, so the write that fails on it (`EPIPE`) ends the run with exit
/// status 0 and nothing on stderr.
#[test]
fn a_closed_pipe_ends_the_run_silently() {
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    let run = getemms_with(&["codes"], Stdio::null(), writer);
    assert_eq!((run.code, run.stderr.as_str()), (0, ""));
}

/// Any other failed write of stdout (`/dev/full`: no space left) is an I/O
/// error: one line on stderr, exit status 2.
#[cfg(target_os = "linux")]
#[test]
fn a_failed_write_is_reported_with_exit_status_2() {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full");
    let run = getemms_with(&["codes"], Stdio::null(), full);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: cannot write the output: No space left on device (os error 28)\n"
    );
}

/// On a terminal, `codes` prints the same text as to a pipe, with the
/// table's title bold and the header line of its columns dim; the rows stay
/// plain.
#[cfg(unix)]
#[test]
fn codes_on_a_terminal_dims_the_header_line_only() {
    use crate::run::getemms_on_terminal;

    let plain = getemms(&["codes", "--table", "dcp"]);
    let terminal = getemms_on_terminal(&["codes", "--table", "dcp"]);
    assert_eq!(terminal.code, 0, "{}", terminal.stderr);
    let expected: Vec<String> = plain
        .stdout
        .lines()
        .enumerate()
        .map(|(index, line)| match index {
            0 => format!("\x1b[1m{line}\x1b[0m"),
            1 => format!("\x1b[2m{line}\x1b[0m"),
            _ => line.to_owned(),
        })
        .collect();
    assert!(expected.len() > 3, "{}", plain.stdout);
    assert_eq!(terminal.stdout.lines().collect::<Vec<_>>(), expected);
}
