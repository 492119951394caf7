//! A mock `GetEMMs.cgi` license server, for trying `license_proxy` and
//! for its tests and bench: it answers canned bodies chosen by the form
//! field `case` of the request (see [`CASES`] for the well-behaved ones,
//! [`FAULTS`] for the misbehaving ones), echoing the form's `asset_id`.
//!
//! ```text
//! cargo run --example mock_upstream --features http
//! # listening on http://127.0.0.1:PORT/GetEMMs.cgi
//! curl -s -d 'asset_id=42&case=ok_1k' http://127.0.0.1:PORT/GetEMMs.cgi | head -c 60
//! ```
//!
//! A few more form fields shape any case's wire bytes (see [`Shape`]):
//! `split=N` cuts the body into two frames after its `N`th byte, with a
//! pause between them (`pause_ms=MS`, 20 by default) so that the cut
//! survives the sockets; `chunked=1` sends it without `Content-Length`;
//! `answer_asset_id=N` answers for another asset than the one asked.
//!
//! It only ever listens on loopback.

use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use getemms::base64::LineWrap;
use getemms::{LicenseStatus, Response};
use http_body::{Body, Frame, SizeHint};
use http_body_util::BodyExt;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

/// How a canned body travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Delivery {
    /// Raw bytes in one frame, with `Content-Length`.
    Raw,
    /// Base64 text in one frame, with `Content-Length`.
    Base64(LineWrap),
    /// Raw bytes, chunked, in frames of random sizes (1–4096 bytes).
    RawFrames,
    /// Base64 text, chunked, in frames of random sizes.
    Base64Frames(LineWrap),
}

impl Delivery {
    /// Whether the body goes as base64 text.
    pub const fn is_base64(self) -> bool {
        matches!(self, Self::Base64(_) | Self::Base64Frames(_))
    }

    /// The layout of the text, for base64.
    pub const fn wrap(self) -> Option<LineWrap> {
        match self {
            Self::Base64(wrap) | Self::Base64Frames(wrap) => Some(wrap),
            Self::Raw | Self::RawFrames => None,
        }
    }
}

/// What the mock answers for one case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Answer {
    /// A valid body: this status and key id (`None`: the short form), the
    /// request's asset id, and an EMM of `emm_len` bytes of [`emm`].
    Body {
        license_status: u32,
        key_id: Option<u32>,
        emm_len: usize,
        delivery: Delivery,
    },
    /// These exact bytes, with `Content-Length`; `true`: sent as base64
    /// text (`Content-Transfer-Encoding: base64`).
    Bytes(&'static [u8], bool),
    /// An HTTP error status with an empty body.
    HttpStatus(u16),
    /// Headers only after the mock's `slow` delay (past any proxy timeout).
    Slow,
}

/// How the wire bytes of a one-frame answer are sent, besides their
/// content: cut, paused, trickled, corrupted or cut short.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Shape {
    /// The first frame ends after this many bytes; the rest follows after
    /// `pause`.
    pub cut: Option<usize>,
    /// The pause after the first frame of a `cut`.
    pub pause: Duration,
    /// After the first frame (or from the first byte), the body goes out
    /// this many bytes at a time, this far apart.
    pub trickle: Option<(usize, Duration)>,
    /// The connection is cut (the body fails) once this many bytes went
    /// out, whatever the `Content-Length` promised.
    pub close_after: Option<usize>,
    /// The byte at this offset of the wire body becomes `*` (not base64).
    pub corrupt_at: Option<usize>,
    /// No `Content-Length`: chunked, even for a one-frame delivery.
    pub chunked: bool,
}

impl Shape {
    /// No shaping: the delivery's own frames.
    pub const NONE: Shape = Shape {
        cut: None,
        pause: Duration::ZERO,
        trickle: None,
        close_after: None,
        corrupt_at: None,
        chunked: false,
    };
}

/// The canned cases, by the name a request gives in its `case` field:
/// `ok_<size>` is one line of base64, `_raw` raw bytes, `_mime` base64 in
/// 76-column lines, each in one frame with `Content-Length`.
pub const CASES: &[(&str, Answer)] = &[
    ("ok_0", body(1, Some(7), 0, Delivery::Raw)),
    ("ok_1k", body(1, Some(7), 1 << 10, LINE)),
    ("ok_1k_raw", body(1, Some(7), 1 << 10, Delivery::Raw)),
    ("ok_1k_mime", body(1, Some(7), 1 << 10, MIME)),
    ("ok_16k", body(1, Some(7), 16 << 10, LINE)),
    ("ok_16k_raw", body(1, Some(7), 16 << 10, Delivery::Raw)),
    ("ok_16k_mime", body(1, Some(7), 16 << 10, MIME)),
    ("ok_64k", body(1, Some(7), 64 << 10, LINE)),
    ("ok_64k_raw", body(1, Some(7), 64 << 10, Delivery::Raw)),
    ("ok_64k_mime", body(1, Some(7), 64 << 10, MIME)),
    ("ok_256k", body(1, Some(7), 256 << 10, LINE)),
    ("ok_256k_raw", body(1, Some(7), 256 << 10, Delivery::Raw)),
    ("ok_256k_mime", body(1, Some(7), 256 << 10, MIME)),
    ("ok_1m", body(1, Some(7), 1 << 20, LINE)),
    ("ok_1m_raw", body(1, Some(9), 1 << 20, Delivery::Raw)),
    ("ok_1m_mime", body(1, Some(7), 1 << 20, MIME)),
    ("chunked_raw", body(1, Some(7), 5000, Delivery::RawFrames)),
    (
        "chunked_b64",
        body(1, Some(7), 5000, Delivery::Base64Frames(LineWrap::Mime)),
    ),
    (
        "chunked_b64_line",
        body(1, Some(7), 5000, Delivery::Base64Frames(LineWrap::None)),
    ),
    ("asset_not_found", body(2, Some(0), 0, LINE)),
    ("short", body(769, None, 0, LINE)),
    ("short_raw", body(600, None, 0, Delivery::Raw)),
    // status 1, asset id 0, then 2 of the key id's 4 bytes
    (
        "truncated",
        Answer::Bytes(&[0, 0, 0, 1, 0, 0, 0, 0, 0, 0], false),
    ),
    ("bad_base64", Answer::Bytes(b"AAAAAQAA*DkAAAAH", true)),
    (
        "oversized_emm",
        body(1, Some(7), (1 << 20) + 1, Delivery::Raw),
    ),
    (
        "oversized_body",
        body(1, Some(7), 3 << 20, Delivery::RawFrames),
    ),
    ("http_503", Answer::HttpStatus(503)),
    ("slow", Answer::Slow),
];

/// The misbehaving upstreams of the fault tests: a valid body sent badly.
pub const FAULTS: &[(&str, Answer, Shape)] = &[
    // 256 KiB of EMM, raw: 64 KiB, a pause (the proxy is forwarding by
    // then), then the connection is cut at 128 KiB.
    (
        "close_mid_emm",
        body(1, Some(7), 256 << 10, Delivery::Raw),
        Shape {
            cut: Some(64 << 10),
            pause: Duration::from_millis(50),
            close_after: Some(128 << 10),
            ..Shape::NONE
        },
    ),
    // The same as one line of base64, cut at 128 KiB of text.
    (
        "close_mid_emm_b64",
        body(1, Some(7), 256 << 10, LINE),
        Shape {
            cut: Some(64 << 10),
            pause: Duration::from_millis(50),
            close_after: Some(128 << 10),
            ..Shape::NONE
        },
    ),
    // One line of base64 whose letter at 100 KiB is `*`.
    (
        "bad_base64_100k",
        body(1, Some(7), 256 << 10, LINE),
        Shape {
            cut: Some(32 << 10),
            pause: Duration::from_millis(20),
            corrupt_at: Some(100 << 10),
            ..Shape::NONE
        },
    ),
    // The header and 4 KiB, then 256 bytes every 20 ms: 64 KiB of EMM
    // take about 7 s.
    (
        "trickle",
        body(1, Some(7), 64 << 10, LINE),
        Shape {
            cut: Some(4 << 10),
            trickle: Some((256, Duration::from_millis(20))),
            ..Shape::NONE
        },
    ),
    // One byte every 100 ms from the first: the header takes 1.2 s.
    (
        "trickle_header",
        body(1, Some(7), 1 << 10, Delivery::Raw),
        Shape {
            trickle: Some((1, Duration::from_millis(100))),
            ..Shape::NONE
        },
    ),
    // One line of base64 that ends with a lone letter: every group is
    // good but the last, which only the end of the text shows.
    (
        "dangling_letter",
        Answer::Bytes(b"AAAAAQAAACoAAAAHyv4AB", true),
        Shape::NONE,
    ),
    // The header and 16 KiB of EMM, a pause of 500 ms, then the rest.
    (
        "pause_16k",
        body(1, Some(7), 64 << 10, Delivery::Raw),
        Shape {
            cut: Some(12 + (16 << 10)),
            pause: Duration::from_millis(500),
            ..Shape::NONE
        },
    ),
    // The same in one line of base64 (16 + 21,846 letters).
    (
        "pause_16k_b64",
        body(1, Some(7), 64 << 10, LINE),
        Shape {
            cut: Some(16 + (16 << 10) * 4 / 3),
            pause: Duration::from_millis(500),
            ..Shape::NONE
        },
    ),
];

const LINE: Delivery = Delivery::Base64(LineWrap::None);
const MIME: Delivery = Delivery::Base64(LineWrap::Mime);

const fn body(
    license_status: u32,
    key_id: Option<u32>,
    emm_len: usize,
    delivery: Delivery,
) -> Answer {
    Answer::Body {
        license_status,
        key_id,
        emm_len,
        delivery,
    }
}

/// The answer canned for `case`, and how it is sent.
pub fn case(name: &str) -> Option<(Answer, Shape)> {
    CASES
        .iter()
        .find(|(case, _)| *case == name)
        .map(|&(_, answer)| (answer, Shape::NONE))
        .or_else(|| {
            FAULTS
                .iter()
                .find(|(case, ..)| *case == name)
                .map(|&(_, answer, shape)| (answer, shape))
        })
}

/// The answer canned for `case`.
pub fn answer(name: &str) -> Option<Answer> {
    case(name).map(|(answer, _)| answer)
}

/// The EMM bytes of a canned body of `len` bytes (a fixed pattern, so a
/// garbled byte shows).
pub fn emm(len: usize) -> Vec<u8> {
    (0..len)
        .map(|i| (i.wrapping_mul(131) >> 3) as u8 ^ (i >> 11) as u8)
        .collect()
}

/// The value of `name` in an `application/x-www-form-urlencoded` body
/// (names compared case-insensitively; values of the cases and ids here
/// never need percent-decoding).
pub fn form_field<'a>(form: &'a str, name: &str) -> Option<&'a str> {
    form.split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, value)| value)
}

/// What one mock has seen, for the tests: its open connections, and the
/// bodies dropped before their end (the proxy went away mid-body).
#[derive(Debug, Default)]
pub struct Stats {
    /// Connections accepted and not closed yet.
    pub connections: AtomicUsize,
    /// Requests answered (headers sent).
    pub requests: AtomicUsize,
    /// Bodies dropped before all their frames went out.
    pub cut_off: AtomicUsize,
}

/// One step of a body.
enum Step {
    Data(Bytes),
    Pause(Duration),
    /// The body fails: hyper cuts the connection.
    Fail,
}

/// A body of steps given in advance: one type for every case.
pub struct Frames {
    steps: VecDeque<Step>,
    /// `Some` for a `Content-Length` answer, `None` for a chunked one.
    exact: Option<u64>,
    sleep: Option<Pin<Box<tokio::time::Sleep>>>,
    stats: Option<Arc<Stats>>,
}

impl Frames {
    fn new(steps: VecDeque<Step>, exact: Option<u64>) -> Self {
        Self {
            steps,
            exact,
            sleep: None,
            stats: None,
        }
    }

    fn one(body: Bytes) -> Self {
        let exact = Some(body.len() as u64);
        Self::new(VecDeque::from([Step::Data(body)]), exact)
    }

    /// `body` cut in frames of 1–4096 bytes drawn from `seed`.
    fn random(body: Bytes, mut seed: u64) -> VecDeque<Step> {
        let mut steps = VecDeque::new();
        let mut rest = body;
        while !rest.is_empty() {
            // xorshift64: deterministic, no dependency
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let take = (1 + seed % 4096) as usize;
            steps.push_back(Step::Data(rest.split_to(take.min(rest.len()))));
        }
        steps
    }

    /// `body` sent as `shape` says.
    fn shaped(body: Bytes, shape: &Shape) -> VecDeque<Step> {
        let mut steps = VecDeque::new();
        let mut rest = body;
        let cut_short = shape.close_after.filter(|&limit| limit < rest.len());
        if let Some(limit) = cut_short {
            rest.truncate(limit);
        }
        if let Some(cut) = shape.cut {
            steps.push_back(Step::Data(rest.split_to(cut.min(rest.len()))));
            if !shape.pause.is_zero() && !rest.is_empty() {
                steps.push_back(Step::Pause(shape.pause));
            }
        }
        match shape.trickle {
            Some((piece, every)) => {
                while !rest.is_empty() {
                    steps.push_back(Step::Data(rest.split_to(piece.max(1).min(rest.len()))));
                    if !rest.is_empty() {
                        steps.push_back(Step::Pause(every));
                    }
                }
            }
            None => steps.push_back(Step::Data(rest)),
        }
        if cut_short.is_some() {
            steps.push_back(Step::Fail);
        }
        steps
    }
}

impl Body for Frames {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
        loop {
            if let Some(sleep) = self.sleep.as_mut() {
                std::task::ready!(sleep.as_mut().poll(cx));
                self.sleep = None;
            }
            match self.steps.pop_front() {
                None => return Poll::Ready(None),
                Some(Step::Data(data)) if data.is_empty() => {}
                Some(Step::Data(data)) => return Poll::Ready(Some(Ok(Frame::data(data)))),
                Some(Step::Pause(pause)) => self.sleep = Some(Box::pin(tokio::time::sleep(pause))),
                Some(Step::Fail) => {
                    return Poll::Ready(Some(Err(std::io::Error::other(
                        "mock upstream: connection cut mid-body",
                    ))));
                }
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.sleep.is_none()
            && self
                .steps
                .iter()
                .all(|step| matches!(step, Step::Data(data) if data.is_empty()))
    }

    fn size_hint(&self) -> SizeHint {
        self.exact.map_or_else(SizeHint::new, SizeHint::with_exact)
    }
}

impl Drop for Frames {
    fn drop(&mut self) {
        if let Some(stats) = &self.stats
            && !self.is_end_stream()
        {
            stats.cut_off.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// The bytes of a canned body as they go on the wire, and whether they
/// are base64 text.
fn encode(response: &Response<'_>, delivery: Delivery) -> (Bytes, bool) {
    match delivery.wrap() {
        None => (Bytes::from(response.to_vec()), false),
        Some(wrap) => {
            let mut text = Vec::new();
            response.encode_base64(wrap, &mut text);
            (Bytes::from(text), true)
        }
    }
}

/// The body of `answer` for `asset_id` as it goes on the wire, and whether
/// it is base64 text. Each is built on first use and shared after (a
/// `Bytes` clone): a real license server's answers cost the proxy's
/// machine nothing, so the bench measures the proxy and not the mock. The
/// cache holds at most 1,024 bodies; it is emptied when full.
pub fn canned(answer: Answer, asset_id: u32) -> (Bytes, bool) {
    type Cache = HashMap<(Answer, u32), (Bytes, bool)>;
    static CACHE: LazyLock<Mutex<Cache>> = LazyLock::new(Mutex::default);
    let mut cache = CACHE.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(body) = cache.get(&(answer, asset_id)) {
        return body.clone();
    }
    let body = match answer {
        Answer::Body {
            license_status,
            key_id,
            emm_len,
            delivery,
        } => {
            let status = LicenseStatus::from(license_status);
            let emm = emm(emm_len);
            let response = match key_id {
                Some(key_id) => Response::new(status, asset_id, key_id, &emm),
                None => Response::rejection(status, asset_id),
            };
            encode(&response, delivery)
        }
        Answer::Bytes(bytes, base64) => (Bytes::from_static(bytes), base64),
        // Answered with an HTTP status and no body.
        Answer::HttpStatus(_) | Answer::Slow => (Bytes::new(), false),
    };
    if cache.len() >= 1024 {
        cache.clear();
    }
    cache.insert((answer, asset_id), body.clone());
    body
}

/// The wire bytes the mock sends for `case` and `asset_id` (its shape's
/// corruption included, a cut short left out), and whether they are base64.
pub fn wire(case_name: &str, asset_id: u32) -> Option<(Bytes, bool)> {
    let (answer, shape) = case(case_name)?;
    let (bytes, base64) = canned(answer, asset_id);
    Some((corrupt(bytes, &shape), base64))
}

fn corrupt(bytes: Bytes, shape: &Shape) -> Bytes {
    match shape.corrupt_at {
        Some(at) if at < bytes.len() => {
            let mut bad = bytes.to_vec();
            bad[at] = b'*';
            Bytes::from(bad)
        }
        _ => bytes,
    }
}

/// The shape a request's own fields ask for, over the case's.
fn requested_shape(form: &str, mut shape: Shape) -> Shape {
    let number = |name| form_field(form, name).and_then(|v| v.parse::<u64>().ok());
    if let Some(split) = number("split") {
        shape.cut = Some(split as usize);
        shape.pause = Duration::from_millis(number("pause_ms").unwrap_or(20));
    }
    if number("chunked") == Some(1) {
        shape.chunked = true;
    }
    shape
}

/// The HTTP answer for one request.
async fn respond(form: &str, slow: Duration, seed: u64) -> http::Response<Frames> {
    let asset_id = form_field(form, "answer_asset_id")
        .or_else(|| form_field(form, "asset_id"))
        .and_then(|id| id.parse().ok())
        .unwrap_or(0);
    let Some((answer, shape)) = form_field(form, "case").and_then(case) else {
        return status(404);
    };
    let shape = requested_shape(form, shape);
    let delivery = match answer {
        Answer::HttpStatus(code) => return status(code),
        Answer::Slow => {
            tokio::time::sleep(slow).await;
            return status(504);
        }
        Answer::Bytes(..) => Delivery::Raw,
        Answer::Body { delivery, .. } => delivery,
    };
    let (bytes, base64) = canned(answer, asset_id);
    let bytes = corrupt(bytes, &shape);
    let len = bytes.len() as u64;
    let frames = match delivery {
        Delivery::Raw | Delivery::Base64(_) if shape == Shape::NONE => Frames::one(bytes),
        Delivery::Raw | Delivery::Base64(_) => {
            Frames::new(Frames::shaped(bytes, &shape), Some(len))
        }
        Delivery::RawFrames | Delivery::Base64Frames(_) => {
            Frames::new(Frames::random(bytes, seed), None)
        }
    };
    let mut frames = frames;
    if shape.chunked {
        frames.exact = None;
    }
    let mut answer = http::Response::new(frames);
    let headers = answer.headers_mut();
    if base64 {
        headers.insert("content-type", "text/plain".parse().expect("static"));
        headers.insert(
            "content-transfer-encoding",
            "base64".parse().expect("static"),
        );
    } else {
        headers.insert(
            "content-type",
            "application/octet-stream".parse().expect("static"),
        );
    }
    answer
}

fn status(code: u16) -> http::Response<Frames> {
    let mut answer = http::Response::new(Frames::one(Bytes::new()));
    *answer.status_mut() = http::StatusCode::from_u16(code).unwrap_or(http::StatusCode::NOT_FOUND);
    answer
}

/// Serves the canned cases on `listener` until the task is dropped. A
/// `slow` request waits `slow` before its headers.
pub async fn serve(listener: TcpListener, slow: Duration) {
    serve_with(listener, slow, Arc::default()).await;
}

/// [`serve`], counting what happens in `stats`.
pub async fn serve_with(listener: TcpListener, slow: Duration, stats: Arc<Stats>) {
    static REQUESTS: AtomicU64 = AtomicU64::new(0x9E37_79B9_7F4A_7C15);
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let _ = stream.set_nodelay(true);
        stats.connections.fetch_add(1, Ordering::Relaxed);
        let stats = Arc::clone(&stats);
        tokio::spawn(async move {
            let counted = Arc::clone(&stats);
            let service = service_fn(move |request: http::Request<hyper::body::Incoming>| {
                let stats = Arc::clone(&counted);
                async move {
                    let seed = REQUESTS.fetch_add(1, Ordering::Relaxed);
                    let form = match request.into_body().collect().await {
                        Ok(collected) => collected.to_bytes(),
                        Err(_) => Bytes::new(),
                    };
                    let form = std::str::from_utf8(&form).unwrap_or("");
                    let mut answer = respond(form, slow, seed | 1).await;
                    stats.requests.fetch_add(1, Ordering::Relaxed);
                    answer.body_mut().stats = Some(stats);
                    Ok::<_, Infallible>(answer)
                }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
            stats.connections.fetch_sub(1, Ordering::Relaxed);
        });
    }
}

#[allow(dead_code)] // when included as a module by the tests
#[tokio::main]
async fn main() -> std::io::Result<()> {
    let port: u16 = std::env::args()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    let listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], port))).await?;
    println!("listening on http://{}/GetEMMs.cgi", listener.local_addr()?);
    serve(listener, Duration::from_secs(30)).await;
    Ok(())
}
