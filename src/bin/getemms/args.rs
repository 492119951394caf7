//! The command line, as clap reads it: one struct per command, and the
//! value enums their flags take. The long help of `decode`, `explain`,
//! `codes` and `ftp` documents their JSON keys.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Decode Widevine Cypher GetEMMs.cgi bodies and explain the status and
/// error codes of the Cypher components ("Status and Error Codes" 1.3).
#[derive(Debug, Parser)]
#[command(name = "getemms", version, propagate_version = true)]
#[command(
    after_help = "Exit status: 0 success; 1 an input is not a valid body, or a code, \
name or reply line is not in the tables; 2 usage or I/O error."
)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the fields of GetEMMs.cgi bodies from files, directories or stdin.
    Decode(DecodeArgs),
    /// Write a GetEMMs.cgi body (raw or base64) from its fields.
    Encode(EncodeArgs),
    /// Look a code or a name up in every table of the spec.
    Explain(ExplainArgs),
    /// Print the tables of the spec.
    Codes(CodesArgs),
    /// Classify an FTP reply line by the VOD Dealer FTP error table.
    Ftp(FtpArgs),
}

/// `getemms decode`.
#[derive(Debug, Args)]
#[command(after_long_help = crate::decode::LONG_HELP)]
pub struct DecodeArgs {
    /// Files holding one body each, directories (every file directly inside,
    /// sorted by name; `*.md` notes and sub-directories are skipped), or `-`
    /// for stdin. Without a path, stdin is read.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// How the bodies are carried; `auto` takes a body whose first byte is a
    /// base64 letter for base64 (every spec status puts 0x00 first on the
    /// raw wire).
    #[arg(long, value_enum, default_value_t = TransportArg::Auto)]
    pub transport: TransportArg,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DecodeFormat::Text)]
    pub format: DecodeFormat,
    /// Write the raw EMM bytes of the (one) body to FILE instead of showing
    /// them; memory stays bounded whatever the EMM's size.
    #[arg(long, value_name = "FILE")]
    pub emm_out: Option<PathBuf>,
    /// Refuse a body whose EMM is longer than N bytes.
    #[arg(long, value_name = "N")]
    pub max_emm_len: Option<usize>,
}

/// `--transport`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TransportArg {
    /// The body's bytes as they are.
    Raw,
    /// Base64 text, one line or wrapped, padded or not.
    Base64,
    /// Decided per body by its first byte.
    Auto,
}

/// `decode --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DecodeFormat {
    /// Aligned fields, a summary after more than one body.
    Text,
    /// One pretty-printed JSON object per body.
    Json,
    /// One JSON object per line, per body.
    Jsonl,
}

/// `getemms encode`.
#[derive(Debug, Args)]
pub struct EncodeArgs {
    /// The license status: a code (`600`) or a constant name (`ASSET_NOT_FOUND`).
    #[arg(long, value_name = "N|NAME")]
    pub status: String,
    /// The asset id.
    #[arg(long, value_name = "N")]
    pub asset_id: u32,
    /// The key id; without it (and without an EMM) the body is the 8-byte
    /// short form.
    #[arg(long, value_name = "N")]
    pub key_id: Option<u32>,
    /// The EMM: the bytes of FILE.
    #[arg(
        long,
        value_name = "FILE",
        requires = "key_id",
        conflicts_with = "emm_hex"
    )]
    pub emm: Option<PathBuf>,
    /// The EMM, in hex (whitespace and `:` between bytes are ignored).
    #[arg(long, value_name = "HEX", requires = "key_id")]
    pub emm_hex: Option<String>,
    /// Write base64 text on one padded line, as PHP's base64_encode does.
    #[arg(long, conflicts_with = "base64_wrapped")]
    pub base64: bool,
    /// Write base64 text in 76-column lines, as Perl's MIME::Base64 does.
    #[arg(long)]
    pub base64_wrapped: bool,
    /// Write to FILE instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// A table of the spec, for `explain --table` and `codes --table`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TableArg {
    /// Widevine license status (the GetEMMs.cgi header field).
    License,
    /// Widevine client status, WVMKStatus_*.
    Client,
    /// DCP error codes.
    Dcp,
    /// VOD Dealer package status (by id and by name).
    Package,
    /// VOD Dealer FTP errors.
    Ftp,
}

impl TableArg {
    /// Every table: the license status first (the `GetEMMs.cgi` header
    /// field), then the others in the spec's order.
    pub const ALL: [TableArg; 5] = [
        TableArg::License,
        TableArg::Client,
        TableArg::Dcp,
        TableArg::Package,
        TableArg::Ftp,
    ];

    /// The name `--table` takes, also the `table` key of the JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            TableArg::License => "license",
            TableArg::Client => "client",
            TableArg::Dcp => "dcp",
            TableArg::Package => "package",
            TableArg::Ftp => "ftp",
        }
    }
}

/// `explain --format` and `ftp --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TextOrJson {
    /// Aligned fields.
    Text,
    /// One pretty-printed JSON object.
    Json,
}

/// `getemms explain`.
#[derive(Debug, Args)]
#[command(after_long_help = crate::explain::LONG_HELP)]
pub struct ExplainArgs {
    /// A code (`600`, `1008`) or a name, constant or spec text
    /// (`KEY_ERROR`, `WVMKStatus_Key_Error`, `importFailed`, "Pull Failed").
    #[arg(value_name = "CODE_OR_NAME")]
    pub query: String,
    /// Look in this table only.
    #[arg(long, value_enum)]
    pub table: Option<TableArg>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    pub format: TextOrJson,
}

/// `codes --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CodesFormat {
    /// Aligned columns.
    Text,
    /// One JSON object holding every table asked for.
    Json,
    /// The README's markdown tables.
    Markdown,
}

/// `getemms codes`.
#[derive(Debug, Args)]
#[command(after_long_help = crate::codes::LONG_HELP)]
pub struct CodesArgs {
    /// Print this table only.
    #[arg(long, value_enum)]
    pub table: Option<TableArg>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CodesFormat::Text)]
    pub format: CodesFormat,
}

/// `getemms ftp`.
#[derive(Debug, Args)]
#[command(after_long_help = crate::ftp::LONG_HELP)]
pub struct FtpArgs {
    /// An FTP reply line (`550 movie.ts: Disk quota exceeded`), or, when it
    /// does not start with a digit, an error text seen with no reply
    /// (`java.net.ConnectException: Connection refused`).
    #[arg(value_name = "REPLY_LINE")]
    pub line: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    pub format: TextOrJson,
}
