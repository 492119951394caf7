//! A license proxy in front of a `GetEMMs.cgi` server: it forwards
//! `POST /GetEMMs.cgi` (the form body passed through) to the upstream
//! URL, decodes the answer with `getemms::http` as it streams in, logs
//! one line per response and answers in the transport the client used.
//!
//! Policy, written with the crate's serializer:
//! - an `asset_id` (form field, percent-decoded) on the deny list never
//!   reaches upstream: the client gets the 8-byte short-form rejection
//!   with `--deny-code` (600 by default: the client removes its stored
//!   license);
//! - an upstream answer that is not `2xx`, fails to parse, exceeds a limit
//!   or times out becomes a short-form rejection with `--error-code` (520
//!   by default), and is logged. It is never forwarded half-read.
//!
//! The client's transport: a request with `Content-Transfer-Encoding:
//! binary` gets a raw answer, every other one base64 (one line, or
//! `--wrap mime`).
//!
//! ```text
//! cargo run --features http --example mock_upstream             # prints its URL
//! cargo run --features http --example license_proxy -- --upstream http://127.0.0.1:PORT/GetEMMs.cgi --deny 13
//! curl -s -d 'asset_id=42&case=ok_1k' http://127.0.0.1:PROXY_PORT/GetEMMs.cgi
//! ```
//!
//! Options: `--listen ADDR` (default `127.0.0.1:0`, loopback only),
//! `--deny ID[,ID…]`, `--deny-file PATH` (one id a line, `#` comments),
//! `--deny-code N` (512–999), `--error-code N` (512–999),
//! `--timeout-ms N` (2000), `--max-body N` (bytes as sent, 2 MiB),
//! `--max-emm N` (1 MiB), `--wrap none|mime`, `--passthrough` (forward
//! the upstream bytes untouched: the baseline of the bench), `--quiet`.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::routing::post;
use bytes::Bytes;
use getemms::Encoding;
use getemms::base64::LineWrap;
use getemms::http::{BodyReader, ReadError, build_response};
use getemms::{LicenseStatus, Options, Response};
use http::{HeaderMap, StatusCode, Uri};
use http_body_util::Full;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use tokio::net::TcpListener;

/// Everything the proxy is told on its command line.
#[derive(Debug, Clone)]
pub struct Config {
    pub upstream: Uri,
    pub deny: HashSet<u32>,
    pub deny_code: LicenseStatus,
    pub error_code: LicenseStatus,
    pub timeout: Duration,
    pub reader: BodyReader,
    pub wrap: LineWrap,
    pub passthrough: bool,
    pub quiet: bool,
}

impl Config {
    /// The defaults, for `upstream`.
    pub fn new(upstream: Uri) -> Self {
        Self {
            upstream,
            deny: HashSet::new(),
            deny_code: LicenseStatus::from(600),
            error_code: LicenseStatus::from(520),
            timeout: Duration::from_secs(2),
            reader: BodyReader::new(2 << 20).with_options(Options::new().with_max_emm_len(1 << 20)),
            wrap: LineWrap::None,
            passthrough: false,
            quiet: false,
        }
    }
}

struct Proxy {
    config: Config,
    client: Client<HttpConnector, Full<Bytes>>,
}

/// The proxy's routes: `POST /GetEMMs.cgi`.
pub fn router(config: Config) -> Router {
    let client = Client::builder(TokioExecutor::new()).build_http();
    let proxy = Arc::new(Proxy { config, client });
    Router::new()
        .route("/GetEMMs.cgi", post(get_emms))
        .with_state(proxy)
}

/// Serves the proxy on `listener` until the task is dropped.
pub async fn serve(listener: TcpListener, config: Config) -> std::io::Result<()> {
    axum::serve(listener, router(config)).await
}

/// Why an upstream answer was not forwarded.
enum Failure {
    Request(hyper_util::client::legacy::Error),
    HttpStatus(StatusCode),
    Read(ReadError<hyper::Error>),
    Timeout(Duration),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Request(error) => write!(f, "upstream request failed: {error}"),
            Self::HttpStatus(status) => write!(f, "upstream answered HTTP {status}"),
            Self::Read(error) => write!(f, "upstream body refused: {error}"),
            Self::Timeout(limit) => write!(f, "upstream took longer than {} ms", limit.as_millis()),
        }
    }
}

async fn get_emms(
    State(proxy): State<Arc<Proxy>>,
    headers: HeaderMap,
    form: Bytes,
) -> http::Response<Body> {
    let config = &proxy.config;
    // Only `binary` may carry any octet: `7bit` and `8bit` promise text
    // lines, so a client that names them gets base64 like every other.
    let binary = headers
        .get("content-transfer-encoding")
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.trim().eq_ignore_ascii_case("binary"));
    let encoding = if binary {
        Encoding::Raw
    } else {
        Encoding::Base64(config.wrap)
    };
    let asset_id = std::str::from_utf8(&form)
        .ok()
        .and_then(|form| form_field(form, "asset_id"))
        .and_then(|id| id.parse::<u32>().ok());
    if let Some(id) = asset_id.filter(|id| config.deny.contains(id)) {
        let rejection = Response::rejection(config.deny_code, id);
        log(config, "denied", &rejection, None, None);
        return build_response(&rejection, encoding);
    }

    let started = Instant::now();
    let mut request = http::Request::new(Full::new(form));
    *request.method_mut() = http::Method::POST;
    *request.uri_mut() = config.upstream.clone();
    if let Some(content_type) = headers.get(http::header::CONTENT_TYPE) {
        request
            .headers_mut()
            .insert(http::header::CONTENT_TYPE, content_type.clone());
    }
    if config.passthrough {
        return passthrough(&proxy, request).await;
    }
    let exchange = async {
        let answer = proxy
            .client
            .request(request)
            .await
            .map_err(Failure::Request)?;
        if !answer.status().is_success() {
            return Err(Failure::HttpStatus(answer.status()));
        }
        let (parts, body) = answer.into_parts();
        config
            .reader
            .read(&parts.headers, body)
            .await
            .map_err(Failure::Read)
    };
    let outcome = tokio::time::timeout(config.timeout, exchange)
        .await
        .unwrap_or(Err(Failure::Timeout(config.timeout)));
    let latency = started.elapsed();
    match outcome {
        Ok(owned) => {
            let response = owned.as_response();
            log(config, "forwarded", &response, Some(latency), None);
            build_response(&response, encoding)
        }
        Err(failure) => {
            let rejection = Response::rejection(config.error_code, asset_id.unwrap_or(0));
            log(
                config,
                "rejected",
                &rejection,
                Some(latency),
                Some(&failure),
            );
            build_response(&rejection, encoding)
        }
    }
}

/// The bench's baseline: the upstream answer's status, headers and bytes,
/// streamed through untouched.
async fn passthrough(proxy: &Proxy, request: http::Request<Full<Bytes>>) -> http::Response<Body> {
    let answer = tokio::time::timeout(proxy.config.timeout, proxy.client.request(request)).await;
    match answer {
        Ok(Ok(answer)) => answer.map(Body::new),
        _ => {
            let mut failed = http::Response::new(Body::empty());
            *failed.status_mut() = StatusCode::BAD_GATEWAY;
            failed
        }
    }
}

/// One line per response: `key=value` pairs, strings quoted.
fn log(
    config: &Config,
    outcome: &str,
    response: &Response<'_>,
    latency: Option<Duration>,
    failure: Option<&Failure>,
) {
    if config.quiet {
        return;
    }
    let status = response.license_status();
    let key_id = response
        .key_id()
        .map_or_else(|| "-".to_owned(), |id| id.to_string());
    let latency = latency.map_or_else(
        || "-".to_owned(),
        |l| format!("{:.3}", l.as_secs_f64() * 1e3),
    );
    let mut line = format!(
        "outcome={outcome} license_status={} status_name={:?} asset_id={} key_id={key_id} emm_len={} upstream_ms={latency}",
        u32::from(status),
        status.name().or(status.description()).unwrap_or("unknown"),
        response.asset_id(),
        response.emm().len(),
    );
    if let Some(failure) = failure {
        line.push_str(&format!(" error={:?}", failure.to_string()));
    }
    eprintln!("{line}");
}

/// The value of `name` in an `application/x-www-form-urlencoded` body
/// (names case-insensitive), percent-decoded: `asset_id=%31%33` is 13, so
/// escaping the digits does not get a denied id past the list. `None` when
/// the field is absent or its escapes are not UTF-8 text.
fn form_field(form: &str, name: &str) -> Option<String> {
    form.split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| form_decode(key).is_some_and(|key| key.eq_ignore_ascii_case(name)))
        .and_then(|(_, value)| form_decode(value))
}

/// `+` is a space and `%XY` the byte 0xXY; a `%` without two hex digits
/// is kept as it is, as browsers do.
fn form_decode(text: &str) -> Option<String> {
    let mut bytes = Vec::with_capacity(text.len());
    let mut rest = text.as_bytes();
    while let Some((&byte, tail)) = rest.split_first() {
        rest = tail;
        match byte {
            b'+' => bytes.push(b' '),
            b'%' => match rest
                .get(..2)
                .and_then(|hex| std::str::from_utf8(hex).ok())
                .and_then(|hex| u8::from_str_radix(hex, 16).ok())
            {
                Some(decoded) => {
                    bytes.push(decoded);
                    rest = &rest[2..];
                }
                None => bytes.push(b'%'),
            },
            _ => bytes.push(byte),
        }
    }
    String::from_utf8(bytes).ok()
}

/// A third-party license status from the command line.
fn third_party(value: &str) -> Result<LicenseStatus, String> {
    let code: u32 = value
        .parse()
        .map_err(|_| format!("not a number: {value}"))?;
    LicenseStatus::third_party(code).map_err(|error| error.to_string())
}

/// Asset ids separated by commas, spaces or lines; `#` starts a comment.
fn parse_ids(list: &str) -> Result<Vec<u32>, String> {
    list.lines()
        .flat_map(|line| {
            line.split('#')
                .next()
                .unwrap_or("")
                .split(|c: char| c == ',' || c.is_whitespace())
        })
        .filter(|id| !id.is_empty())
        .map(|id| id.parse().map_err(|_| format!("not an asset id: {id}")))
        .collect()
}

/// The command line: `(listen address, config)`.
pub fn parse_args(args: impl IntoIterator<Item = String>) -> Result<(SocketAddr, Config), String> {
    let mut args = args.into_iter();
    let mut listen = SocketAddr::from(([127, 0, 0, 1], 0));
    let mut config = Config::new(Uri::from_static("http://127.0.0.1:1/GetEMMs.cgi"));
    let mut upstream = None;
    let (mut max_body, mut options) = (config.reader.max_body_len(), *config.reader.options());
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--upstream" => upstream = Some(value()?.parse::<Uri>().map_err(|e| e.to_string())?),
            "--listen" => listen = value()?.parse().map_err(|e| format!("--listen: {e}"))?,
            "--deny" => config.deny.extend(parse_ids(&value()?)?),
            "--deny-file" => {
                let path = value()?;
                let text = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
                config.deny.extend(parse_ids(&text)?);
            }
            "--deny-code" => config.deny_code = third_party(&value()?)?,
            "--error-code" => config.error_code = third_party(&value()?)?,
            "--timeout-ms" => {
                config.timeout = Duration::from_millis(
                    value()?.parse().map_err(|_| "--timeout-ms: not a number")?,
                )
            }
            "--max-body" => max_body = value()?.parse().map_err(|_| "--max-body: not a number")?,
            "--max-emm" => {
                options = options
                    .with_max_emm_len(value()?.parse().map_err(|_| "--max-emm: not a number")?)
            }
            "--wrap" => {
                config.wrap = match value()?.as_str() {
                    "none" => LineWrap::None,
                    "mime" => LineWrap::Mime,
                    other => return Err(format!("--wrap: none or mime, not {other}")),
                }
            }
            "--passthrough" => config.passthrough = true,
            "--quiet" => config.quiet = true,
            other => return Err(format!("unknown option {other}")),
        }
    }
    if !listen.ip().is_loopback() {
        return Err(format!("--listen: {listen} is not a loopback address"));
    }
    config.upstream = upstream.ok_or("--upstream URL is required")?;
    config.reader = BodyReader::new(max_body).with_options(options);
    Ok((listen, config))
}

#[allow(dead_code)] // when included as a module by the tests
#[tokio::main]
async fn main() -> std::process::ExitCode {
    let (listen, config) = match parse_args(std::env::args().skip(1)) {
        Ok(parsed) => parsed,
        Err(error) => {
            eprintln!("license_proxy: {error}");
            return std::process::ExitCode::from(2);
        }
    };
    let listener = match TcpListener::bind(listen).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("license_proxy: cannot listen on {listen}: {error}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match listener.local_addr() {
        Ok(addr) => println!(
            "listening on http://{addr}/GetEMMs.cgi -> {}",
            config.upstream
        ),
        Err(_) => println!("listening"),
    }
    match serve(listener, config).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("license_proxy: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}
