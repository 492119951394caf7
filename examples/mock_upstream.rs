//! A mock `GetEMMs.cgi` license server, for trying `license_proxy` and
//! for its tests and bench: it answers canned bodies chosen by the form
//! field `case` of the request (see [`CASES`]), echoing the form's
//! `asset_id`.
//!
//! ```text
//! cargo run --example mock_upstream --features http
//! # listening on http://127.0.0.1:PORT/GetEMMs.cgi
//! curl -s -d 'asset_id=42&case=ok_1k' http://127.0.0.1:PORT/GetEMMs.cgi | head -c 60
//! ```
//!
//! It only ever listens on loopback.

use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{LazyLock, Mutex, PoisonError};
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

/// The canned cases, by the name a request gives in its `case` field.
pub const CASES: &[(&str, Answer)] = &[
    ("ok_0", body(1, Some(7), 0, Delivery::Raw)),
    (
        "ok_1k",
        body(1, Some(7), 1024, Delivery::Base64(LineWrap::None)),
    ),
    ("ok_1k_raw", body(1, Some(7), 1024, Delivery::Raw)),
    (
        "ok_1k_mime",
        body(1, Some(7), 1024, Delivery::Base64(LineWrap::Mime)),
    ),
    (
        "ok_16k",
        body(1, Some(7), 16 << 10, Delivery::Base64(LineWrap::None)),
    ),
    (
        "ok_64k",
        body(1, Some(7), 64 << 10, Delivery::Base64(LineWrap::None)),
    ),
    (
        "ok_256k",
        body(1, Some(7), 256 << 10, Delivery::Base64(LineWrap::None)),
    ),
    (
        "ok_1m",
        body(1, Some(7), 1 << 20, Delivery::Base64(LineWrap::None)),
    ),
    ("ok_1m_raw", body(1, Some(9), 1 << 20, Delivery::Raw)),
    ("chunked_raw", body(1, Some(7), 5000, Delivery::RawFrames)),
    (
        "chunked_b64",
        body(1, Some(7), 5000, Delivery::Base64Frames(LineWrap::Mime)),
    ),
    (
        "chunked_b64_line",
        body(1, Some(7), 5000, Delivery::Base64Frames(LineWrap::None)),
    ),
    (
        "asset_not_found",
        body(2, Some(0), 0, Delivery::Base64(LineWrap::None)),
    ),
    (
        "short",
        body(769, None, 0, Delivery::Base64(LineWrap::None)),
    ),
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

/// The answer canned for `case`.
pub fn answer(case: &str) -> Option<Answer> {
    CASES
        .iter()
        .find(|(name, _)| *name == case)
        .map(|&(_, answer)| answer)
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

/// A body of frames given in advance: one type for every case.
pub struct Frames {
    frames: VecDeque<Bytes>,
    /// `Some` for a `Content-Length` answer, `None` for a chunked one.
    exact: Option<u64>,
}

impl Frames {
    fn one(body: Bytes) -> Self {
        Self {
            exact: Some(body.len() as u64),
            frames: VecDeque::from([body]),
        }
    }

    /// `body` cut in frames of 1–4096 bytes drawn from `seed`.
    fn random(body: Bytes, mut seed: u64) -> Self {
        let mut frames = VecDeque::new();
        let mut rest = body;
        while !rest.is_empty() {
            // xorshift64: deterministic, no dependency
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let take = (1 + seed % 4096) as usize;
            frames.push_back(rest.split_to(take.min(rest.len())));
        }
        Self {
            frames,
            exact: None,
        }
    }
}

impl Body for Frames {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        Poll::Ready(self.frames.pop_front().map(|frame| Ok(Frame::data(frame))))
    }

    fn is_end_stream(&self) -> bool {
        self.frames.is_empty()
    }

    fn size_hint(&self) -> SizeHint {
        self.exact.map_or_else(SizeHint::new, SizeHint::with_exact)
    }
}

/// The bytes of a canned body as they go on the wire, and whether they
/// are base64 text.
fn encode(response: &Response<'_>, delivery: Delivery) -> (Bytes, bool) {
    match delivery {
        Delivery::Raw | Delivery::RawFrames => (Bytes::from(response.to_vec()), false),
        Delivery::Base64(wrap) | Delivery::Base64Frames(wrap) => {
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
fn canned(answer: Answer, asset_id: u32) -> (Bytes, bool) {
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

/// The HTTP answer for one request.
async fn respond(form: &str, slow: Duration, seed: u64) -> http::Response<Frames> {
    let asset_id = form_field(form, "asset_id")
        .and_then(|id| id.parse().ok())
        .unwrap_or(0);
    let Some(answer) = form_field(form, "case").and_then(answer) else {
        return status(404);
    };
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
    let frames = match delivery {
        Delivery::Raw | Delivery::Base64(_) => Frames::one(bytes),
        Delivery::RawFrames | Delivery::Base64Frames(_) => Frames::random(bytes, seed),
    };
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
    static REQUESTS: AtomicU64 = AtomicU64::new(0x9E37_79B9_7F4A_7C15);
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        tokio::spawn(async move {
            let service = service_fn(
                move |request: http::Request<hyper::body::Incoming>| async move {
                    let seed = REQUESTS.fetch_add(1, Ordering::Relaxed);
                    let form = match request.into_body().collect().await {
                        Ok(collected) => collected.to_bytes(),
                        Err(_) => Bytes::new(),
                    };
                    let form = std::str::from_utf8(&form).unwrap_or("");
                    Ok::<_, Infallible>(respond(form, slow, seed | 1).await)
                },
            );
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
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
