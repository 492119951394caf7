//! `getemms decode`: every body streams through the library's
//! `TransportDecoder` in fixed-size chunks, so memory stays bounded by the
//! chunk size, whatever the body's size, unless the whole EMM is asked for
//! (`emm_hex` in JSON without `--emm-out`).
//!
//! Inputs are decoded in order; an input that fails is reported on stderr
//! (one line, the library's error text) and the batch goes on.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs::{self, File};
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use getemms::decoder::TransportDecoder;
use getemms::{Form, Header, LicenseStatus, Options, Transport};
use serde::Serialize;

use crate::args::{DecodeArgs, DecodeFormat, TransportArg};
use crate::entry::{LicenseEntry, stored_license_line};
use crate::style::Style;
use crate::{Exit, note, report};

/// The JSON keys, for `decode --help`.
pub const LONG_HELP: &str = "\
JSON output (--format json: one pretty object per body; --format jsonl: one object per line):
  file            the path as given, or \"-\" for stdin
  input_len       bytes read (the text's length for base64)
  transport       \"raw\" | \"base64\"
  form            \"full\" | \"short\"
  license_status  { code, name (constant, or null), description (spec text, or null),
                    category, stored_license (\"remove\" | \"retain\" | null) }
  asset_id        number
  key_id          number, or null for the short form
  emm_len         number of EMM bytes
  emm_hex         the whole EMM in lower-case hex, or null with --emm-out
  emm_out         the --emm-out path, or null
A body that fails gives no object, only an error line on stderr. With more than one body the
summary goes to stdout after the bodies in text, to stderr with JSON (so stdout stays one object
per body).

Directories: every regular file directly inside, sorted by name; sub-directories and *.md files
(notes such as testdata/README.md) are skipped with a note. A file named on the command line is
always decoded.

Exit status: 0 every body decoded; 1 some input is not a valid body; 2 usage or I/O error.";

/// Bytes read from an input at a time: the bound on the memory of a body.
const CHUNK_LEN: usize = 64 * 1024;

/// EMM bytes shown by the text output.
const PREVIEW_LEN: usize = 16;

/// One input: a file or stdin.
#[derive(Debug)]
enum Input {
    Stdin,
    File(PathBuf),
}

impl Input {
    fn name(&self) -> String {
        match self {
            Input::Stdin => "-".to_owned(),
            Input::File(path) => path.display().to_string(),
        }
    }
}

/// Why a body was not decoded.
enum Failure {
    /// Not a valid body: exit status 1.
    Body(getemms::Error),
    /// The input or the EMM output failed: exit status 2.
    Io(String),
}

/// A decoded body, with the EMM as the output needs it.
struct Decoded {
    transport: Transport,
    input_len: u64,
    header: Header,
    emm_len: usize,
    preview: Vec<u8>,
    /// The whole EMM, when the JSON output shows it.
    emm: Option<Vec<u8>>,
}

/// Where the EMM goes while it streams.
struct EmmSink {
    preview: Vec<u8>,
    whole: Option<Vec<u8>>,
    file: Option<BufWriter<File>>,
}

impl EmmSink {
    fn take(&mut self, emm: &[u8]) -> io::Result<()> {
        let room = PREVIEW_LEN.saturating_sub(self.preview.len());
        self.preview
            .extend_from_slice(emm.get(..room).unwrap_or(emm));
        if let Some(whole) = &mut self.whole {
            whole.extend_from_slice(emm);
        }
        match &mut self.file {
            Some(file) => file.write_all(emm),
            None => Ok(()),
        }
    }
}

/// Runs `decode`.
pub fn run(args: &DecodeArgs, out: &mut dyn Write) -> io::Result<Exit> {
    let mut exit = Exit::Success;
    let inputs = expand(&args.paths, &mut exit);
    if args.emm_out.is_some() && inputs.len() != 1 {
        report(format_args!(
            "--emm-out takes the EMM of one body, but {} inputs were given",
            inputs.len()
        ));
        return Ok(Exit::Trouble);
    }
    let mut options = Options::new();
    if let Some(limit) = args.max_emm_len {
        options = options.with_max_emm_len(limit);
    }
    let transport = match args.transport {
        TransportArg::Raw => Transport::Raw,
        TransportArg::Base64 => Transport::Base64,
        TransportArg::Auto => Transport::Auto,
    };
    let style = Style::for_stdout();
    let mut summary = Summary::default();
    let mut decoder = TransportDecoder::new(options, transport);
    for (index, input) in inputs.iter().enumerate() {
        decoder.reset();
        let name = input.name();
        match decode_one(input, &mut decoder, args) {
            Ok(decoded) => {
                summary.decoded(decoded.header.license_status);
                match args.format {
                    DecodeFormat::Text => {
                        if index > 0 {
                            writeln!(out)?;
                        }
                        write_text(out, style, &name, &decoded, args.emm_out.as_deref())?;
                    }
                    DecodeFormat::Json | DecodeFormat::Jsonl => {
                        let object = JsonBody::new(&name, &decoded, args.emm_out.as_deref());
                        let written = if args.format == DecodeFormat::Json {
                            serde_json::to_writer_pretty(&mut *out, &object)
                        } else {
                            serde_json::to_writer(&mut *out, &object)
                        };
                        written.map_err(io::Error::from)?;
                        writeln!(out)?;
                    }
                }
            }
            Err(failure) => {
                summary.failed(name.clone());
                let (message, status) = match failure {
                    Failure::Body(error) => (error.to_string(), Exit::Invalid),
                    Failure::Io(message) => (message, Exit::Trouble),
                };
                report(format_args!("{name}: {message}"));
                exit = exit.max(status);
                if let Some(path) = &args.emm_out {
                    // Half an EMM must not pass for one; `/dev/null` and
                    // other special files stay.
                    if fs::metadata(path).is_ok_and(|metadata| metadata.is_file()) {
                        let _ = fs::remove_file(path);
                    }
                }
            }
        }
    }
    if inputs.len() > 1 {
        if args.format == DecodeFormat::Text {
            writeln!(out)?;
            summary.write(out, style)?;
        } else {
            out.flush()?;
            summary.write(&mut io::stderr().lock(), Style::for_stderr())?;
        }
    }
    Ok(exit)
}

/// The inputs the paths stand for: a directory's files, sorted; `-` or
/// no path at all for stdin.
fn expand(paths: &[PathBuf], exit: &mut Exit) -> Vec<Input> {
    if paths.is_empty() {
        return vec![Input::Stdin];
    }
    let mut inputs = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            inputs.push(Input::Stdin);
        } else if path.is_dir() {
            match directory_files(path) {
                Ok(files) => {
                    if files.is_empty() {
                        note(format_args!("{}: no files to decode", path.display()));
                    }
                    inputs.extend(files.into_iter().map(Input::File));
                }
                Err(error) => {
                    report(format_args!("{}: cannot list: {error}", path.display()));
                    *exit = (*exit).max(Exit::Trouble);
                }
            }
        } else {
            // Opening reports a missing or unreadable file, in order.
            inputs.push(Input::File(path.clone()));
        }
    }
    inputs
}

/// The regular files directly inside `dir`, sorted by name, without the
/// sub-directories and the `*.md` notes, each skipped with a note.
fn directory_files(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut entries = fs::read_dir(dir)?
        .map(|entry| entry.map(|entry| entry.path()))
        .collect::<io::Result<Vec<_>>>()?;
    entries.sort();
    let mut files = Vec::new();
    for path in entries {
        if path.is_dir() {
            note(format_args!("{}: skipped, a directory", path.display()));
        } else if path.extension().is_some_and(|ext| ext == "md") {
            note(format_args!("{}: skipped, markdown notes", path.display()));
        } else {
            files.push(path);
        }
    }
    Ok(files)
}

fn decode_one(
    input: &Input,
    decoder: &mut TransportDecoder,
    args: &DecodeArgs,
) -> Result<Decoded, Failure> {
    let mut reader: Box<dyn Read> = match input {
        Input::Stdin => Box::new(io::stdin().lock()),
        Input::File(path) => match File::open(path) {
            Ok(file) => Box::new(file),
            Err(error) => return Err(Failure::Io(format!("cannot open: {error}"))),
        },
    };
    let file = match &args.emm_out {
        Some(path) => match File::create(path) {
            Ok(file) => Some(BufWriter::new(file)),
            Err(error) => {
                return Err(Failure::Io(format!(
                    "cannot create {}: {error}",
                    path.display()
                )));
            }
        },
        None => None,
    };
    let wants_whole = args.format != DecodeFormat::Text && file.is_none();
    let mut sink = EmmSink {
        preview: Vec::with_capacity(PREVIEW_LEN),
        whole: wants_whole.then(Vec::new),
        file,
    };
    let emm_error = |error: io::Error| Failure::Io(format!("cannot write the EMM: {error}"));
    let mut chunk = vec![0u8; CHUNK_LEN];
    let mut input_len = 0u64;
    let mut header = None;
    loop {
        let len = match reader.read(&mut chunk) {
            Ok(0) => break,
            Ok(len) => len,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(Failure::Io(format!("cannot read: {error}"))),
        };
        input_len += len as u64;
        let progress = decoder
            .feed(chunk.get(..len).unwrap_or(&[]))
            .map_err(Failure::Body)?;
        header = header.or(progress.header);
        sink.take(progress.emm).map_err(emm_error)?;
    }
    let transport = decoder.transport();
    let finished = decoder.finish().map_err(Failure::Body)?;
    header = header.or(finished.header);
    sink.take(finished.emm).map_err(emm_error)?;
    let emm_len = finished.emm_len;
    if let Some(file) = &mut sink.file {
        file.flush().map_err(emm_error)?;
    }
    let Some(header) = header else {
        return Err(Failure::Io(
            "the decoder finished without a header".to_owned(),
        ));
    };
    Ok(Decoded {
        // `Auto` only stays undecided for an empty input, which fails above.
        transport,
        input_len,
        header,
        emm_len,
        preview: sink.preview,
        emm: sink.whole,
    })
}

fn transport_name(transport: Transport) -> &'static str {
    match transport {
        Transport::Base64 => "base64",
        Transport::Raw | Transport::Auto => "raw",
    }
}

fn form_name(form: Form) -> &'static str {
    match form {
        Form::Full => "full",
        Form::Short => "short",
    }
}

fn hex(bytes: &[u8], separator: &str) -> String {
    let mut text = String::with_capacity(bytes.len() * (2 + separator.len()));
    for (index, byte) in bytes.iter().enumerate() {
        if index > 0 {
            text.push_str(separator);
        }
        let _ = write!(text, "{byte:02x}");
    }
    text
}

/// `1 OK`, `600 (third party)`, `4242 (not in the table)`: how the summary
/// and the text output name a status.
fn status_label(status: LicenseStatus) -> String {
    match (status.const_name(), status.stored_license_action()) {
        (Some(name), _) => format!("{} {name}", status.code()),
        (None, Some(action)) => format!("{} (third party, {action} stored license)", status.code()),
        (None, None) => format!("{} (not in the table)", status.code()),
    }
}

fn write_text(
    out: &mut dyn Write,
    style: Style,
    name: &str,
    decoded: &Decoded,
    emm_out: Option<&Path>,
) -> io::Result<()> {
    let header = decoded.header;
    let status = header.license_status;
    let form = match header.form() {
        Form::Full => "full form",
        Form::Short => "short form",
    };
    writeln!(
        out,
        "{}: {}, {form}, {} bytes",
        style.bold(name),
        transport_name(decoded.transport),
        decoded.input_len
    )?;
    let label = status_label(status);
    let painted = if status.is_ok() {
        style.good(label).to_string()
    } else if status.is_third_party() {
        style.warn(label).to_string()
    } else {
        style.error(label).to_string()
    };
    style.field(out, "license status", painted)?;
    style.field(out, "description", status.description().unwrap_or("none"))?;
    style.field(out, "category", status.category())?;
    if let Some(action) = status.stored_license_action() {
        style.field(out, "stored license", stored_license_line(action))?;
    }
    style.field(out, "asset id", header.asset_id)?;
    match header.key_id {
        Some(key_id) => style.field(out, "key id", key_id)?,
        None => style.field(out, "key id", "none, short form")?,
    }
    let mut emm = format!("{} bytes", decoded.emm_len);
    if let Some(path) = emm_out {
        let _ = write!(emm, ", written to {}", path.display());
    } else if !decoded.preview.is_empty() {
        let more = if decoded.emm_len > decoded.preview.len() {
            " …"
        } else {
            ""
        };
        let _ = write!(emm, ": {}{more}", hex(&decoded.preview, " "));
    }
    style.field(out, "EMM", emm)
}

/// One body, as `--format json` and `jsonl` print it.
#[derive(Serialize)]
struct JsonBody<'a> {
    file: &'a str,
    input_len: u64,
    transport: &'static str,
    form: &'static str,
    license_status: LicenseEntry,
    asset_id: u32,
    key_id: Option<u32>,
    emm_len: usize,
    emm_hex: Option<String>,
    emm_out: Option<String>,
}

impl<'a> JsonBody<'a> {
    fn new(file: &'a str, decoded: &Decoded, emm_out: Option<&Path>) -> Self {
        let header = decoded.header;
        Self {
            file,
            input_len: decoded.input_len,
            transport: transport_name(decoded.transport),
            form: form_name(header.form()),
            license_status: LicenseEntry::of(header.license_status),
            asset_id: header.asset_id,
            key_id: header.key_id,
            emm_len: decoded.emm_len,
            emm_hex: decoded.emm.as_deref().map(|emm| hex(emm, "")),
            emm_out: emm_out.map(|path| path.display().to_string()),
        }
    }
}

/// The counts a batch ends with.
#[derive(Default)]
struct Summary {
    statuses: BTreeMap<u32, usize>,
    decoded: usize,
    failed: Vec<String>,
}

impl Summary {
    fn decoded(&mut self, status: LicenseStatus) {
        self.decoded += 1;
        *self.statuses.entry(status.code()).or_default() += 1;
    }

    fn failed(&mut self, name: String) {
        self.failed.push(name);
    }

    fn write(&self, out: &mut dyn Write, style: Style) -> io::Result<()> {
        let failed = self.failed.len();
        let counts = format!(
            "{} bodies: {} decoded, {failed} failed",
            self.decoded + failed,
            self.decoded
        );
        writeln!(out, "{}", style.bold(counts))?;
        for (&code, &count) in &self.statuses {
            writeln!(
                out,
                "  {count:>6}  {}",
                status_label(LicenseStatus::new(code))
            )?;
        }
        for name in &self.failed {
            style.field(out, "failed", style.error(name))?;
        }
        Ok(())
    }
}
