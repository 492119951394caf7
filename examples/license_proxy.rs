//! A license proxy in front of a `GetEMMs.cgi` server: it forwards
//! `POST /GetEMMs.cgi` (the form body passed through as sent) to the
//! upstream URL and relays the answer: the header is inspected as it
//! streams in, the EMM forwarded as it came, one line is logged per
//! response, and the answer goes out in the transport the client used.
//!
//! ```text
//! cargo run --features http --example mock_upstream             # prints its URL
//! cargo run --features tower --example license_proxy -- --upstream http://127.0.0.1:PORT/GetEMMs.cgi --deny 13
//! curl -s -d 'asset_id=42&case=ok_1k' http://127.0.0.1:PROXY_PORT/GetEMMs.cgi
//! ```
//!
//! # Modes (`--mode`)
//! - `relay`, the default: the upstream answer goes through the crate's
//!   relay as a tower layer over the HTTP client
//!   ([`getemms::http::RelayLayer`]): the response head goes out once the
//!   header is known and judged, then every frame as it arrives.
//! - `buffered`: the whole answer is read and decoded
//!   ([`getemms::http::BodyReader`]), then re-encoded: kept for comparison.
//! - `passthrough`: the upstream's status, headers and bytes, unread
//!   (the bench's baseline), with the same deadline over the body, the
//!   same in-flight count and a log line like every other mode's
//!   (`outcome=passed`).
//!
//! # Policy
//! - An `asset_id` form field (percent-decoded, its name matched
//!   case-insensitively; every `asset_id` field of the form is checked) on
//!   the deny list never reaches upstream: the client gets the 8-byte
//!   short-form refusal with `--deny-code` (600 by default: the client
//!   removes its stored license). In relay mode a denied asset id in the
//!   upstream's *header* is refused the same way.
//! - `--map-status FROM=TO` (repeatable; codes or names): an upstream
//!   header with license status `FROM` goes out with `TO`, rewritten in
//!   place (the header keeps its form, the body its length).
//! - An upstream answer that is not `2xx`, an upstream that does not
//!   answer, a body that fails before its header is complete (truncated,
//!   not base64), a `Content-Length` over the limits, or the timeout
//!   reached before the verdict: the short-form refusal with
//!   `--error-code` (520 by default), logged.
//! - An error **after forwarding has begun** (the upstream cut mid-EMM, a
//!   bad base64 letter at `--verify body`, the EMM or the body over a
//!   limit, the timeout): the client's response is aborted (the
//!   connection closed before the end of the body) and logged. It is
//!   never sent complete. In buffered mode every error is a refusal.
//!
//! The client's transport: a request with `Content-Transfer-Encoding:
//! binary` gets a raw answer, every other one base64 (`--wrap none|mime`
//! for the answers the proxy encodes; in relay mode a base64 upstream's
//! text goes on in its own layout). A request whose `Content-Type` is not
//! `application/x-www-form-urlencoded` is answered `415` by axum's form
//! extractor and never reaches upstream.
//!
//! Options (`--help`): `--listen ADDR` (default `127.0.0.1:0`; any
//! address), `--mode relay|buffered|passthrough`, `--verify header|body`,
//! `--deny ID[,ID…]`, `--deny-file PATH` (one id a line, `#` comments),
//! `--deny-code N` (512–999), `--error-code N` (512–999),
//! `--map-status FROM=TO`, `--timeout-ms N` (2000: the whole exchange,
//! the relayed body included), `--max-body N` (bytes as sent, 2 MiB),
//! `--max-emm N` (1 MiB), `--wrap none|mime`, `--quiet`.

use std::collections::{HashMap, HashSet};
use std::future::{Future, poll_fn};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::rejection::RawFormRejection;
use axum::extract::{Form, FromRequest, RawForm, Request, State};
use axum::response::IntoResponse;
use axum::routing::post;
use bytes::Bytes;
use clap::{Parser, ValueEnum};
use getemms::Encoding;
use getemms::base64::LineWrap;
use getemms::http::{
    BodyReader, ReadError, RelayBody, RelayLayer, RelayServiceError, build_response,
};
use getemms::relay::{Policy, RelayOptions, Verdict, Verify};
use getemms::{Header, LicenseStatus, Options, Response, Transport};
use http::header::{self, HeaderName};
use http::{HeaderMap, StatusCode, Uri};
use http_body::{Frame, SizeHint};
use http_body_util::Full;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use tokio::net::TcpListener;
use tokio::time::{Instant, Sleep};
use tower_layer::Layer;
use tower_service::Service;

/// What the proxy does with an upstream answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Mode {
    /// Inspect the header, forward the body as it streams.
    Relay,
    /// Read and decode the whole body, then re-encode it.
    Buffered,
    /// Forward the upstream's answer untouched.
    Passthrough,
}

/// How much of a relayed body is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum VerifyArg {
    /// The header only; the EMM is counted.
    Header,
    /// Every base64 letter, as it passes.
    Body,
}

/// The layout of the base64 answers the proxy writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum WrapArg {
    /// One line, as PHP writes it.
    None,
    /// 76 columns, as Perl writes it.
    Mime,
}

/// Asset ids from one `--deny` or `--deny-file`.
#[derive(Debug, Clone)]
struct Ids(Vec<u32>);

/// The command line.
#[derive(Debug, Parser)]
#[command(
    name = "license_proxy",
    about = "A GetEMMs.cgi license proxy: inspects each upstream answer's header and relays it"
)]
struct Args {
    /// The upstream GetEMMs.cgi URL.
    #[arg(long)]
    upstream: Uri,
    /// The address to listen on.
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: SocketAddr,
    /// What is done with an upstream answer.
    #[arg(long, value_enum, default_value_t = Mode::Relay)]
    mode: Mode,
    /// How much of a relayed body is checked.
    #[arg(long, value_enum, default_value_t = VerifyArg::Header)]
    verify: VerifyArg,
    /// Asset ids refused without asking upstream, separated by commas.
    #[arg(long, value_name = "ID[,ID…]", value_parser = ids)]
    deny: Vec<Ids>,
    /// A file of asset ids to refuse: one a line, `#` comments.
    #[arg(long, value_name = "PATH", value_parser = deny_file)]
    deny_file: Vec<Ids>,
    /// The license status of a denial (a third-party code, 512–999).
    #[arg(long, value_name = "N", default_value = "600", value_parser = third_party)]
    deny_code: LicenseStatus,
    /// The license status of a refusal for an upstream failure (512–999).
    #[arg(long, value_name = "N", default_value = "520", value_parser = third_party)]
    error_code: LicenseStatus,
    /// Rewrite an upstream license status (a code or a name) in place.
    #[arg(long, value_name = "FROM=TO", value_parser = mapping)]
    map_status: Vec<(LicenseStatus, LicenseStatus)>,
    /// The whole exchange with the upstream, relayed body included.
    #[arg(long, value_name = "MS", default_value_t = 2000)]
    timeout_ms: u64,
    /// The longest upstream body, in bytes as sent.
    #[arg(long, value_name = "N", default_value_t = 2 << 20)]
    max_body: u64,
    /// The longest EMM, in bytes.
    #[arg(long, value_name = "N", default_value_t = 1 << 20)]
    max_emm: usize,
    /// The layout of the base64 answers the proxy writes.
    #[arg(long, value_enum, default_value_t = WrapArg::None)]
    wrap: WrapArg,
    /// Log nothing.
    #[arg(long)]
    quiet: bool,
}

/// Everything the proxy is told on its command line, and its in-flight
/// counter.
#[derive(Debug, Clone)]
pub struct Config {
    pub upstream: Uri,
    pub mode: Mode,
    pub deny: HashSet<u32>,
    pub deny_code: LicenseStatus,
    pub error_code: LicenseStatus,
    /// Upstream license status → the one sent instead.
    pub map_status: HashMap<LicenseStatus, LicenseStatus>,
    pub timeout: Duration,
    /// The longest upstream body, in bytes as sent.
    pub max_body: u64,
    /// `max_emm_len` and the short form.
    pub options: Options,
    pub verify: Verify,
    pub wrap: LineWrap,
    pub quiet: bool,
    /// Requests being answered: from the request's arrival until its
    /// response body is dropped (sent, aborted, or the client gone).
    pub in_flight: Arc<AtomicUsize>,
}

impl Config {
    /// The defaults, for `upstream`.
    pub fn new(upstream: Uri) -> Self {
        Self {
            upstream,
            mode: Mode::Relay,
            deny: HashSet::new(),
            deny_code: LicenseStatus::from(600),
            error_code: LicenseStatus::from(520),
            map_status: HashMap::new(),
            timeout: Duration::from_secs(2),
            max_body: 2 << 20,
            options: Options::new().with_max_emm_len(1 << 20),
            verify: Verify::Header,
            wrap: LineWrap::None,
            quiet: false,
            in_flight: Arc::default(),
        }
    }

    /// The reader of the buffered mode.
    pub fn reader(&self) -> BodyReader {
        BodyReader::new(self.max_body).with_options(self.options)
    }

    /// The settings of each relayed body: the transport from each answer's
    /// `Content-Transfer-Encoding` (else its first byte).
    ///
    /// At `--verify header` the relay holds a base64 EMM against an upper
    /// bound, 3/4 of its text with the padding and the line breaks (no
    /// scan): a one-line EMM of exactly `--max-emm` bytes would count 2
    /// over, a MIME one 1.3 % (`\n`) or 2.6 % (`\r\n`) over. So the relay
    /// gets that slack, `max_emm + max_emm / 38 + 8`, and a valid EMM of
    /// `--max-emm` bytes passes in every layout. The limit is exact for a
    /// raw answer with a `Content-Length` (checked before the relay
    /// forwards anything) and at `--verify body`; a chunked raw answer may
    /// carry the slack.
    pub fn relay_options(&self) -> RelayOptions {
        let mut options = self.options;
        if self.verify == Verify::Header
            && let Some(limit) = options.max_emm_len
        {
            options.max_emm_len = Some(limit.saturating_add(limit / 38).saturating_add(8));
        }
        RelayOptions::new(Transport::Auto)
            .with_options(options)
            .with_max_body_len(self.max_body)
            .with_verify(self.verify)
            .with_refusal_wrap(self.wrap)
    }
}

/// The command line: `(listen address, config)`. `args` leaves out the
/// program's name.
pub fn parse_args(
    args: impl IntoIterator<Item = String>,
) -> Result<(SocketAddr, Config), clap::Error> {
    let args = Args::try_parse_from(std::iter::once("license_proxy".to_owned()).chain(args))?;
    let mut config = Config::new(args.upstream);
    config.mode = args.mode;
    config.deny = args
        .deny
        .into_iter()
        .chain(args.deny_file)
        .flat_map(|ids| ids.0)
        .collect();
    config.deny_code = args.deny_code;
    config.error_code = args.error_code;
    config.map_status = args.map_status.into_iter().collect();
    config.timeout = Duration::from_millis(args.timeout_ms);
    config.max_body = args.max_body;
    config.options = config.options.with_max_emm_len(args.max_emm);
    config.verify = match args.verify {
        VerifyArg::Header => Verify::Header,
        VerifyArg::Body => Verify::Body,
    };
    config.wrap = match args.wrap {
        WrapArg::None => LineWrap::None,
        WrapArg::Mime => LineWrap::Mime,
    };
    config.quiet = args.quiet;
    Ok((args.listen, config))
}

/// A third-party license status from the command line.
fn third_party(value: &str) -> Result<LicenseStatus, String> {
    let code: u32 = value
        .parse()
        .map_err(|_| format!("not a number: {value}"))?;
    LicenseStatus::third_party(code).map_err(|error| error.to_string())
}

/// `FROM=TO`, each a license status code or name.
fn mapping(value: &str) -> Result<(LicenseStatus, LicenseStatus), String> {
    let (from, to) = value
        .split_once('=')
        .ok_or_else(|| format!("expected FROM=TO, got {value}"))?;
    let status = |text: &str| {
        text.trim()
            .parse::<LicenseStatus>()
            .map_err(|error| error.to_string())
    };
    Ok((status(from)?, status(to)?))
}

/// Asset ids separated by commas, spaces or lines; `#` starts a comment.
fn ids(list: &str) -> Result<Ids, String> {
    list.lines()
        .flat_map(|line| {
            line.split('#')
                .next()
                .unwrap_or("")
                .split(|c: char| c == ',' || c.is_whitespace())
        })
        .filter(|id| !id.is_empty())
        .map(|id| id.parse().map_err(|_| format!("not an asset id: {id}")))
        .collect::<Result<_, _>>()
        .map(Ids)
}

fn deny_file(path: &str) -> Result<Ids, String> {
    let path = PathBuf::from(path);
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    ids(&text)
}

/// The relay's policy: the deny list on the upstream's header, then the
/// status rewrites. Cloned per request: a copy of one reference. The rules
/// live as long as the program (leaked once per router); an `Arc` would
/// be counted up and down on every request, its count's cache line
/// passing between the cores that serve them.
#[derive(Debug, Clone, Copy)]
pub struct ProxyPolicy(&'static Rules);

#[derive(Debug)]
struct Rules {
    deny: HashSet<u32>,
    deny_code: LicenseStatus,
    /// `Config::map_status` as pairs: a scan of the few rules a proxy has
    /// costs less than hashing the status with SipHash on every answer.
    map_status: Box<[(LicenseStatus, LicenseStatus)]>,
}

impl Policy for ProxyPolicy {
    fn verdict(&mut self, header: &Header) -> Verdict {
        let rules = self.0;
        if rules.deny.contains(&header.asset_id) {
            return Verdict::Reject(Header::short(rules.deny_code, header.asset_id));
        }
        let rule = rules
            .map_status
            .iter()
            .find(|(from, _)| *from == header.license_status);
        match rule {
            // Same form: the rewrite keeps the body's length.
            Some(&(_, to)) => Verdict::Rewrite(Header {
                license_status: to,
                ..*header
            }),
            None => Verdict::Forward,
        }
    }
}

type HttpClient = Client<HttpConnector, Full<Bytes>>;

struct Proxy {
    config: Config,
    client: HttpClient,
    /// Applied per request to the borrowed client (`&Client` is a tower
    /// service too): a clone of the policy, no clone of the client. One
    /// layer per client encoding, so that no request carries an extension.
    relay: RelayLayer<ProxyPolicy>,
    relay_raw: RelayLayer<ProxyPolicy>,
}

/// The proxy's routes: `POST /GetEMMs.cgi`.
pub fn router(config: Config) -> Router {
    let client = Client::builder(TokioExecutor::new()).build_http();
    // One small allocation per router, for the program's lifetime.
    let policy = ProxyPolicy(Box::leak(Box::new(Rules {
        deny: config.deny.clone(),
        deny_code: config.deny_code,
        map_status: config
            .map_status
            .iter()
            .map(|(&from, &to)| (from, to))
            .collect(),
    })));
    let relay = RelayLayer::new(config.relay_options(), policy);
    let relay_raw = relay.clone().with_encoding(Encoding::Raw);
    let relay = relay.with_encoding(Encoding::Base64(config.wrap));
    let proxy = Arc::new(Proxy {
        config,
        client,
        relay,
        relay_raw,
    });
    Router::new()
        .route("/GetEMMs.cgi", post(get_emms))
        .with_state(proxy)
}

/// Serves the proxy on `listener` until the task is dropped; the number of
/// requests in flight is `config.in_flight`.
pub async fn serve(listener: TcpListener, config: Config) -> std::io::Result<()> {
    axum::serve(listener, router(config)).await
}

/// The fields of the form the proxy reads, decoded by axum's `Form`: every
/// `asset_id` field (name matched case-insensitively, as a PHP server's
/// `$_POST` would not, so that `ASSET_ID=13` cannot slip past the list).
#[derive(Debug, Default, serde::Deserialize)]
#[serde(from = "Vec<(String, String)>")]
pub struct Query {
    asset_ids: Vec<String>,
}

impl From<Vec<(String, String)>> for Query {
    fn from(pairs: Vec<(String, String)>) -> Self {
        let asset_ids = pairs
            .into_iter()
            .filter(|(name, _)| name.eq_ignore_ascii_case("asset_id"))
            .map(|(_, value)| value)
            .collect();
        Self { asset_ids }
    }
}

impl Query {
    /// The asset id the request names: its first `asset_id` field, if it
    /// is a number (`+` is a space, so `4+2` is none).
    pub fn asset_id(&self) -> Option<u32> {
        self.asset_ids.first().and_then(|id| id.parse().ok())
    }

    /// An asset id of the form on `deny`, whichever field names it.
    pub fn denied(&self, deny: &HashSet<u32>) -> Option<u32> {
        self.asset_ids
            .iter()
            .filter_map(|id| id.parse().ok())
            .find(|id| deny.contains(id))
    }
}

/// The request's form: its bytes as sent (forwarded upstream) and the
/// fields the proxy reads.
struct GetEmmsForm {
    raw: Bytes,
    query: Query,
}

impl<S: Send + Sync> FromRequest<S> for GetEmmsForm {
    type Rejection = RawFormRejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        // `RawForm` checks the content type and keeps the bytes; `Form`
        // then decodes the same bytes (a `Bytes` clone, no copy).
        let RawForm(raw) = RawForm::from_request(request, state).await?;
        let mut again = Request::new(Body::from(raw.clone()));
        *again.method_mut() = http::Method::POST;
        again.headers_mut().insert(
            header::CONTENT_TYPE,
            header::HeaderValue::from_static("application/x-www-form-urlencoded"),
        );
        // Pairs of strings always deserialize; kept total all the same.
        let query = Form::<Query>::from_request(again, state)
            .await
            .map(|Form(query)| query)
            .unwrap_or_default();
        Ok(Self { raw, query })
    }
}

/// Counts a request in flight until dropped.
struct InFlight(Arc<AtomicUsize>);

impl InFlight {
    fn enter(counter: &Arc<AtomicUsize>) -> Self {
        counter.fetch_add(1, Ordering::Relaxed);
        Self(Arc::clone(counter))
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Why an upstream answer was refused rather than forwarded.
enum Failure {
    Request(hyper_util::client::legacy::Error),
    HttpStatus(StatusCode),
    Read(ReadError<hyper::Error>),
    Relay(RelayServiceError<hyper_util::client::legacy::Error, hyper::Error>),
    Limit(String),
    Timeout(Duration),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Request(error) => write!(f, "upstream request failed: {error}"),
            Self::HttpStatus(status) => write!(f, "upstream answered HTTP {status}"),
            Self::Read(error) => write!(f, "upstream body refused: {error}"),
            Self::Relay(error) => write!(f, "upstream body refused: {error}"),
            Self::Limit(limit) => write!(f, "upstream body refused: {limit}"),
            Self::Timeout(limit) => write!(f, "upstream took longer than {} ms", limit.as_millis()),
        }
    }
}

/// One request on its way: what its answer and its log line need.
struct Exchange {
    started: Instant,
    /// `started` plus the timeout: the whole exchange's end.
    deadline: Instant,
    /// The form's asset id: the one a refusal names.
    asset_id: Option<u32>,
    encoding: Encoding,
    /// The request's place in the in-flight count, until its answer is
    /// sent (a streamed body takes it along).
    in_flight: InFlight,
}

async fn get_emms(
    State(proxy): State<Arc<Proxy>>,
    headers: HeaderMap,
    form: Result<GetEmmsForm, RawFormRejection>,
) -> http::Response<Body> {
    let in_flight = InFlight::enter(&proxy.config.in_flight);
    let started = Instant::now();
    let config = &proxy.config;
    let form = match form {
        Ok(form) => form,
        Err(rejection) => {
            let error = rejection.body_text();
            log(&Line {
                outcome: "bad_request",
                error: Some(&error),
                ..Line::default()
            });
            return rejection.into_response();
        }
    };
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
    if let Some(id) = form.query.denied(&config.deny) {
        let rejection = Response::rejection(config.deny_code, id);
        log(&Line::of("denied", &rejection));
        return build_response(&rejection, encoding);
    }

    let mut request = http::Request::new(Full::new(form.raw));
    *request.method_mut() = http::Method::POST;
    *request.uri_mut() = config.upstream.clone();
    if let Some(content_type) = headers.get(header::CONTENT_TYPE) {
        request
            .headers_mut()
            .insert(header::CONTENT_TYPE, content_type.clone());
    }
    let exchange = Exchange {
        started,
        deadline: started + config.timeout,
        asset_id: form.query.asset_id(),
        encoding,
        in_flight,
    };
    match config.mode {
        Mode::Passthrough => passthrough(&proxy, request, exchange).await,
        Mode::Buffered => buffered(&proxy, request, &exchange).await,
        Mode::Relay => relay(&proxy, request, exchange).await,
    }
}

/// The short-form refusal for an upstream failure, logged.
fn refuse(config: &Config, exchange: &Exchange, failure: &Failure) -> http::Response<Body> {
    let rejection = Response::rejection(config.error_code, exchange.asset_id.unwrap_or(0));
    let error = failure.to_string();
    log(&Line {
        latency: Some(exchange.started.elapsed()),
        error: Some(&error),
        ..Line::of("rejected", &rejection)
    });
    build_response(&rejection, exchange.encoding)
}

/// Relay mode: the relay layer reads the answer up to its verdict (under
/// the timeout), then the body streams through a deadline.
async fn relay(
    proxy: &Proxy,
    request: http::Request<Full<Bytes>>,
    exchange: Exchange,
) -> http::Response<Body> {
    let config = &proxy.config;
    let layer = match exchange.encoding {
        Encoding::Raw => &proxy.relay_raw,
        Encoding::Base64(_) => &proxy.relay,
    };
    let mut service = layer.layer(&proxy.client);
    // hyper's client is always ready: the deadline only has to cover the
    // call, and it wraps the relay's own future with nothing in between.
    if let Err(error) = poll_fn(|cx| service.poll_ready(cx)).await {
        return refuse(config, &exchange, &Failure::Relay(error));
    }
    let answer = match tokio::time::timeout_at(exchange.deadline, service.call(request)).await {
        Ok(Ok(answer)) => answer,
        Ok(Err(error)) => return refuse(config, &exchange, &Failure::Relay(error)),
        Err(_) => return refuse(config, &exchange, &Failure::Timeout(config.timeout)),
    };
    if !answer.status().is_success() {
        let failure = Failure::HttpStatus(answer.status());
        return refuse(config, &exchange, &failure);
    }
    let (mut parts, body) = answer.into_parts();
    if let Some(Verdict::Reject(refusal)) = body.verdict() {
        // The policy refused the upstream's header (a denied asset id):
        // the refusal is written for the client's transport, the upstream
        // body dropped unread.
        let rejection = Response::from_parts(refusal, &[])
            .unwrap_or_else(|_| Response::rejection(refusal.license_status, refusal.asset_id));
        log(&Line {
            latency: Some(exchange.started.elapsed()),
            ..Line::of("denied", &rejection)
        });
        return build_response(&rejection, exchange.encoding);
    }
    if let Some(limit) = over_limit(config, &body) {
        return refuse(config, &exchange, &Failure::Limit(limit));
    }
    remove_hop_by_hop(&mut parts.headers);
    let body = Streamed::new(body, exchange);
    http::Response::from_parts(parts, Body::new(body))
}

/// Removes the headers that belong to the upstream connection: one pass
/// over the few headers, a removal only for those present.
fn remove_hop_by_hop(headers: &mut HeaderMap) {
    if headers.keys().any(is_hop_by_hop) {
        let names: Vec<HeaderName> = headers
            .keys()
            .filter(|name| is_hop_by_hop(name))
            .cloned()
            .collect();
        for name in names {
            headers.remove(name);
        }
    }
}

/// Whether a header belongs to one connection, not to the answer (RFC 9110,
/// 7.6.1).
fn is_hop_by_hop(name: &HeaderName) -> bool {
    matches!(
        name.as_str(),
        "connection" | "keep-alive" | "te" | "trailer" | "transfer-encoding" | "upgrade"
    )
}

/// A limit an announced length already breaks, known before anything is
/// sent: the body over `--max-body`, or a raw EMM over `--max-emm`. (The
/// relay would find it too, after forwarding up to the limit.)
fn over_limit(
    config: &Config,
    body: &RelayBody<hyper::body::Incoming, ProxyPolicy>,
) -> Option<String> {
    let len = body.upstream_len()?;
    if len > config.max_body {
        return Some(format!(
            "Content-Length {len} over the {} byte limit",
            config.max_body
        ));
    }
    let raw = body.relay().map(|relay| relay.transport()) == Some(Transport::Raw);
    let full = body.header().is_some_and(|h| h.key_id.is_some());
    let emm = usize::try_from(len.saturating_sub(12)).unwrap_or(usize::MAX);
    match config.options.max_emm_len {
        Some(limit) if raw && full && emm > limit => Some(format!(
            "Content-Length {len}: an EMM of {emm} bytes, over the {limit} byte limit"
        )),
        _ => None,
    }
}

/// A streamed answer's body on its way to the client, relayed or passed
/// through: the total deadline over the frames, the in-flight count, and
/// the log line once it ends (sent whole, aborted, or dropped with the
/// client gone). Every mode that streams pays the same for these, so that
/// what the relay adds over passthrough is the relay alone.
struct Streamed<B: http_body::Body + Logged> {
    body: Option<B>,
    /// The body's length, when the response announces it: hyper stops
    /// asking for frames once it is sent.
    length: Option<u64>,
    /// Bytes yielded.
    sent: u64,
    deadline: Instant,
    /// Armed the first time the upstream keeps the body waiting (most
    /// small answers never do).
    sleep: Option<Pin<Box<Sleep>>>,
    started: Instant,
    logged: bool,
    _in_flight: InFlight,
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The deadline passed while the body was still coming.
#[derive(Debug)]
struct TimedOut(Duration);

impl std::fmt::Display for TimedOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "upstream took longer than {} ms: the response is aborted",
            self.0.as_millis()
        )
    }
}

impl std::error::Error for TimedOut {}

/// What a streamed body's log line says of it.
trait Logged {
    /// The line, `ended` if the body was sent whole, `error` if it failed.
    fn line<'a>(&'a self, error: Option<&'a str>, ended: bool) -> Line<'a>;
}

/// A relayed body: its verdict, its header, the EMM's length when counted.
impl Logged for RelayBody<hyper::body::Incoming, ProxyPolicy> {
    fn line<'a>(&'a self, error: Option<&'a str>, ended: bool) -> Line<'a> {
        let (outcome, header, from) = match self.verdict() {
            _ if error.is_some() => ("aborted", self.header(), None),
            _ if !ended => ("cancelled", self.header(), None),
            Some(Verdict::Reject(refusal)) => ("denied", Some(refusal), None),
            Some(Verdict::Rewrite(header)) => (
                "rewritten",
                Some(header),
                self.header().map(|h| u32::from(h.license_status)),
            ),
            Some(Verdict::Forward) | None => ("forwarded", self.header(), None),
        };
        let relay = self.relay();
        let raw = relay.map(|relay| relay.transport()) == Some(Transport::Raw);
        let emm_len = match (header, relay) {
            (Some(header), Some(relay)) if raw && ended && header.key_id.is_some() => {
                Some(relay.received().saturating_sub(12))
            }
            (Some(header), _) if header.key_id.is_none() => Some(0),
            _ => None,
        };
        Line {
            outcome,
            header,
            emm_len,
            error,
            rewritten_from: from,
            ..Line::default()
        }
    }
}

/// A body passed through: nothing of it was read.
impl Logged for hyper::body::Incoming {
    fn line<'a>(&'a self, error: Option<&'a str>, ended: bool) -> Line<'a> {
        let outcome = match error {
            Some(_) => "aborted",
            None if !ended => "cancelled",
            None => "passed",
        };
        Line {
            outcome,
            error,
            ..Line::default()
        }
    }
}

impl<B: http_body::Body + Logged> Streamed<B> {
    fn new(body: B, exchange: Exchange) -> Self {
        Self {
            length: body.size_hint().exact(),
            body: Some(body),
            deadline: exchange.deadline,
            sleep: None,
            started: exchange.started,
            sent: 0,
            logged: false,
            _in_flight: exchange.in_flight,
        }
    }

    /// The one log line of a streamed answer.
    fn log(&mut self, error: Option<&str>) {
        if self.logged {
            return;
        }
        self.logged = true;
        if !tracing::enabled!(tracing::Level::INFO) {
            return;
        }
        let Some(body) = &self.body else {
            return;
        };
        let ended = error.is_none() && (body.is_end_stream() || self.length == Some(self.sent));
        log(&Line {
            latency: Some(self.started.elapsed()),
            sent: Some(self.sent),
            ..body.line(error, ended)
        });
    }
}

impl<B> http_body::Body for Streamed<B>
where
    B: http_body::Body<Data = Bytes> + Logged + Unpin,
    B::Error: std::error::Error + Send + Sync + 'static,
{
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = self.get_mut();
        let Some(body) = this.body.as_mut() else {
            return Poll::Ready(None);
        };
        // `RelayBody` runs its end-of-body checks before the frame that
        // reaches an announced length: an error there means that frame
        // never goes out.
        match Pin::new(body).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                this.sent += frame.data_ref().map_or(0, |data| data.len() as u64);
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Ready(Some(Err(error))) => {
                this.log(Some(&error.to_string()));
                Poll::Ready(Some(Err(Box::new(error))))
            }
            Poll::Ready(None) => {
                this.log(None);
                Poll::Ready(None)
            }
            Poll::Pending => {
                let deadline = this.deadline;
                let sleep = this
                    .sleep
                    .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
                if sleep.as_mut().poll(cx).is_pending() {
                    return Poll::Pending;
                }
                let error = TimedOut(this.deadline - this.started);
                this.log(Some(&error.to_string()));
                // Drops the upstream body: its connection is closed.
                this.body = None;
                Poll::Ready(Some(Err(Box::new(error))))
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.body
            .as_ref()
            .is_none_or(http_body::Body::is_end_stream)
    }

    fn size_hint(&self) -> SizeHint {
        self.body
            .as_ref()
            .map_or_else(|| SizeHint::with_exact(0), http_body::Body::size_hint)
    }
}

impl<B: http_body::Body + Logged> Drop for Streamed<B> {
    fn drop(&mut self) {
        // Sent whole (hyper stops at the end without asking again), or the
        // client went away before the end.
        self.log(None);
    }
}

/// Buffered mode: the whole answer read and decoded, then re-encoded.
async fn buffered(
    proxy: &Proxy,
    request: http::Request<Full<Bytes>>,
    exchange: &Exchange,
) -> http::Response<Body> {
    let config = &proxy.config;
    let reader = config.reader();
    let read = async {
        let answer = proxy
            .client
            .request(request)
            .await
            .map_err(Failure::Request)?;
        if !answer.status().is_success() {
            return Err(Failure::HttpStatus(answer.status()));
        }
        let (parts, body) = answer.into_parts();
        reader
            .read(&parts.headers, body)
            .await
            .map_err(Failure::Read)
    };
    let outcome = tokio::time::timeout_at(exchange.deadline, read)
        .await
        .unwrap_or(Err(Failure::Timeout(config.timeout)));
    match outcome {
        Ok(owned) => {
            let response = owned.as_response();
            log(&Line {
                latency: Some(exchange.started.elapsed()),
                ..Line::of("forwarded", &response)
            });
            build_response(&response, exchange.encoding)
        }
        Err(failure) => refuse(config, exchange, &failure),
    }
}

/// Passthrough mode, the bench's baseline: the upstream answer's status,
/// headers (less those of its connection) and bytes, streamed through
/// unread, with the same deadline, in-flight count and log line as a
/// relayed answer. No answer in time: `502 Bad Gateway`, logged.
async fn passthrough(
    proxy: &Proxy,
    request: http::Request<Full<Bytes>>,
    exchange: Exchange,
) -> http::Response<Body> {
    let answer = tokio::time::timeout_at(exchange.deadline, proxy.client.request(request));
    let failure = match answer.await {
        Ok(Ok(answer)) => {
            let (mut parts, body) = answer.into_parts();
            remove_hop_by_hop(&mut parts.headers);
            let body = Streamed::new(body, exchange);
            return http::Response::from_parts(parts, Body::new(body));
        }
        Ok(Err(error)) => Failure::Request(error),
        Err(_) => Failure::Timeout(proxy.config.timeout),
    };
    let error = failure.to_string();
    log(&Line {
        outcome: "failed",
        latency: Some(exchange.started.elapsed()),
        error: Some(&error),
        ..Line::default()
    });
    let mut failed = http::Response::new(Body::empty());
    *failed.status_mut() = StatusCode::BAD_GATEWAY;
    failed
}

/// The fields of one log line.
#[derive(Default)]
struct Line<'a> {
    outcome: &'a str,
    /// The header the client got.
    header: Option<Header>,
    emm_len: Option<u64>,
    latency: Option<Duration>,
    error: Option<&'a str>,
    /// The upstream's license status, when it was rewritten.
    rewritten_from: Option<u32>,
    /// Body bytes sent to the client (relay mode).
    sent: Option<u64>,
}

impl<'a> Line<'a> {
    fn of(outcome: &'a str, response: &Response<'_>) -> Self {
        Self {
            outcome,
            header: Some(response.header()),
            emm_len: Some(response.emm().len() as u64),
            ..Self::default()
        }
    }
}

/// One line per response: `key=value` pairs, strings quoted, through
/// `tracing` (nothing is formatted when no subscriber listens).
fn log(line: &Line<'_>) {
    if !tracing::enabled!(tracing::Level::INFO) {
        return;
    }
    let dash = || "-".to_owned();
    let status = line.header.map(|h| h.license_status);
    let key_id = line
        .header
        .and_then(|h| h.key_id)
        .map_or_else(dash, |id| id.to_string());
    let latency = line
        .latency
        .map_or_else(dash, |l| format!("{:.3}", l.as_secs_f64() * 1e3));
    tracing::info!(
        outcome = %line.outcome,
        license_status = %status.map_or_else(dash, |s| u32::from(s).to_string()),
        status_name = ?status.map_or("-", |s| s.name().or(s.description()).unwrap_or("unknown")),
        asset_id = %line.header.map_or_else(dash, |h| h.asset_id.to_string()),
        key_id = %key_id,
        emm_len = %line.emm_len.map_or_else(dash, |len| len.to_string()),
        upstream_ms = %latency,
        upstream_license_status = line.rewritten_from,
        sent_bytes = line.sent,
        error = line.error.map(tracing::field::debug),
    );
}

#[allow(dead_code)] // when included as a module by the tests
#[tokio::main]
async fn main() -> std::process::ExitCode {
    let (listen, config) = match parse_args(std::env::args().skip(1)) {
        Ok(parsed) => parsed,
        Err(error) => error.exit(),
    };
    let level = if config.quiet {
        tracing_subscriber::filter::LevelFilter::OFF
    } else {
        tracing_subscriber::filter::LevelFilter::INFO
    };
    tracing_subscriber::fmt()
        .with_max_level(level)
        .with_writer(std::io::stderr)
        // Colours for a terminal only: a log file gets plain key=value.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let listener = match TcpListener::bind(listen).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("license_proxy: cannot listen on {listen}: {error}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match listener.local_addr() {
        Ok(addr) => println!(
            "listening on http://{addr}/GetEMMs.cgi -> {} ({:?} mode)",
            config.upstream, config.mode
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
