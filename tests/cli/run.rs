//! Running the built binary and reading what it printed.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// What one run printed, and how it exited.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub stdout_bytes: Vec<u8>,
}

impl Run {
    fn from(output: Output) -> Self {
        Self {
            // A signal (no code) must fail every assertion on the code.
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            stdout_bytes: output.stdout,
        }
    }

    /// The stdout of a `--format json` run, parsed.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|error| panic!("not JSON ({error}): {}", self.stdout))
    }

    /// The stdout of a `--format jsonl` run, one value per line.
    pub fn json_lines(&self) -> Vec<serde_json::Value> {
        self.stdout
            .lines()
            .map(|line| serde_json::from_str(line).expect("one JSON object per line"))
            .collect()
    }
}

pub fn binary() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_getemms"));
    command.current_dir(env!("CARGO_MANIFEST_DIR"));
    command
}

/// Runs `getemms args…` with no stdin.
pub fn getemms(args: &[&str]) -> Run {
    let output = binary()
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("the binary runs");
    Run::from(output)
}

/// Runs `getemms args…` with `input` on stdin.
pub fn getemms_with_stdin(args: &[&str], input: &[u8]) -> Run {
    let mut child = binary()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let mut stdin = child.stdin.take().expect("piped stdin");
    let input = input.to_vec();
    let writer = std::thread::spawn(move || {
        // The binary may stop reading early on an error; that is its right.
        let _ = stdin.write_all(&input);
    });
    let output = child.wait_with_output().expect("the binary ends");
    writer.join().expect("the writer thread ends");
    Run::from(output)
}

/// Runs `getemms args…` with the given stdin and stdout; only stderr is
/// read (`stdout` of the result is empty unless `stdout` is a pipe).
pub fn getemms_with(args: &[&str], stdin: impl Into<Stdio>, stdout: impl Into<Stdio>) -> Run {
    let output = binary()
        .args(args)
        .stdin(stdin)
        .stdout(stdout)
        .output()
        .expect("the binary runs");
    Run::from(output)
}

/// Runs `getemms args…` with stdout on a pseudo-terminal, as an operator
/// at a terminal sees it, with `NO_COLOR` unset. The terminal's `\r\n`
/// line ends are given back as `\n`.
#[cfg(unix)]
pub fn getemms_on_terminal(args: &[&str]) -> Run {
    use std::fs::File;
    use std::io::Read;
    use std::os::fd::{FromRawFd, OwnedFd};

    let (mut controller, mut terminal) = (-1, -1);
    // SAFETY: `openpty` writes the two descriptors it opens; it takes null
    // for the name, the terminal settings and the window size.
    let opened = unsafe {
        libc::openpty(
            &mut controller,
            &mut terminal,
            std::ptr::null_mut(),
            std::ptr::null(),
            std::ptr::null(),
        )
    };
    assert_eq!(opened, 0, "openpty: {}", std::io::Error::last_os_error());
    // SAFETY: both descriptors were just opened, and nothing else owns them.
    let (controller, terminal) = unsafe {
        (
            OwnedFd::from_raw_fd(controller),
            OwnedFd::from_raw_fd(terminal),
        )
    };
    // The command, and with it this process's copy of the terminal side, is
    // dropped once the child runs: the child's exit then ends the reads.
    let child = binary()
        .args(args)
        .env_remove("NO_COLOR")
        .stdin(Stdio::null())
        .stdout(terminal)
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let mut stdout_bytes = Vec::new();
    match File::from(controller).read_to_end(&mut stdout_bytes) {
        Ok(_) => {}
        // Linux ends the controller side with EIO once the terminal side is
        // closed; what was read before it is kept.
        Err(error) if error.raw_os_error() == Some(libc::EIO) => {}
        Err(error) => panic!("reading the terminal: {error}"),
    }
    let output = child.wait_with_output().expect("the binary ends");
    let stdout = String::from_utf8_lossy(&stdout_bytes).replace("\r\n", "\n");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout_bytes: stdout.clone().into_bytes(),
        stdout,
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// A fresh, empty scratch directory for one test.
pub fn scratch(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("cli")
        .join(test);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch directory");
    dir
}

pub fn path_str(path: &Path) -> &str {
    path.to_str().expect("scratch paths are UTF-8")
}
