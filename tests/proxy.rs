//! The license proxy example over real sockets (`127.0.0.1:0` only): a mock
//! upstream answers canned bodies, a hyper client drives the proxy, every
//! answer is checked byte for byte; then a bounded load run; then the
//! `http` reader against the one-shot parse, for any body in any frames.
#![cfg(feature = "http")]

#[path = "../examples/license_proxy.rs"]
#[allow(dead_code)]
mod license_proxy;
#[path = "../examples/mock_upstream.rs"]
#[allow(dead_code)]
mod mock_upstream;

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use bytes::Bytes;
use getemms::base64::LineWrap;
use getemms::fuzzing::{Outcome, assert_same_outcome};
use getemms::http::{BodyReader, ReadError};
use getemms::{Error, LicenseStatus, Options, Response, Transport};
use http::{HeaderMap, StatusCode};
use http_body::{Body, Frame, SizeHint};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use mock_upstream::{Answer, CASES};
use proptest::prelude::*;
use tokio::net::TcpListener;

/// The mock's slow case waits this long before its headers: past every
/// proxy timeout below, so that a slow case always times out and (the
/// timeouts being seconds, answers milliseconds) no other case does.
const SLOW: Duration = Duration::from_secs(30);
/// An asset id on the proxy's deny list.
const DENIED: u32 = 13;

type HttpClient = Client<HttpConnector, Full<Bytes>>;

/// A mock upstream and a proxy in front of it, both on loopback.
async fn start(timeout: Duration) -> SocketAddr {
    let upstream = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let upstream_addr = upstream.local_addr().unwrap();
    tokio::spawn(mock_upstream::serve(upstream, SLOW));
    let url = format!("http://{upstream_addr}/GetEMMs.cgi");
    let (_, mut config) = license_proxy::parse_args(
        ["--upstream", &url, "--deny", "13", "--quiet"].map(String::from),
    )
    .unwrap();
    config.timeout = timeout;
    let proxy = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let proxy_addr = proxy.local_addr().unwrap();
    tokio::spawn(license_proxy::serve(proxy, config));
    proxy_addr
}

fn client() -> HttpClient {
    Client::builder(TokioExecutor::new()).build_http()
}

/// One answer of the proxy: HTTP status, headers, body.
async fn ask(
    client: &HttpClient,
    proxy: SocketAddr,
    case: &str,
    asset_id: u32,
    raw: bool,
) -> (StatusCode, HeaderMap, Bytes) {
    let form = format!("asset_id={asset_id}&case={case}");
    ask_form(client, proxy, form, raw.then_some("binary")).await
}

/// The proxy's answer to `form`, sent with `Content-Transfer-Encoding:
/// transfer` if any.
async fn ask_form(
    client: &HttpClient,
    proxy: SocketAddr,
    form: String,
    transfer: Option<&str>,
) -> (StatusCode, HeaderMap, Bytes) {
    let mut request = http::Request::new(Full::new(Bytes::from(form)));
    *request.method_mut() = http::Method::POST;
    *request.uri_mut() = format!("http://{proxy}/GetEMMs.cgi").parse().unwrap();
    let headers = request.headers_mut();
    headers.insert(
        "content-type",
        "application/x-www-form-urlencoded".parse().unwrap(),
    );
    if let Some(transfer) = transfer {
        headers.insert("content-transfer-encoding", transfer.parse().unwrap());
    }
    let answer = client.request(request).await.unwrap();
    let (parts, body) = answer.into_parts();
    (
        parts.status,
        parts.headers,
        body.collect().await.unwrap().to_bytes(),
    )
}

/// What the proxy must answer, derived from the case table and the
/// policy alone: the upstream's body re-encoded, or a short-form
/// rejection (600 denied, 520 anything that is not a valid body within
/// the limits: 1 MiB of EMM, 2 MiB of body).
fn expected(case: &str, asset_id: u32, raw: bool) -> Vec<u8> {
    let emm;
    let response = match mock_upstream::answer(case).unwrap() {
        _ if asset_id == DENIED => Response::rejection(600, DENIED),
        Answer::Body {
            license_status,
            key_id,
            emm_len,
            ..
        } if emm_len <= 1 << 20 => {
            emm = mock_upstream::emm(emm_len);
            match key_id {
                Some(key_id) => Response::new(license_status, asset_id, key_id, &emm),
                None => Response::rejection(license_status, asset_id),
            }
        }
        _ => Response::rejection(520, asset_id),
    };
    if raw {
        response.to_vec()
    } else {
        let mut text = Vec::new();
        response.encode_base64(LineWrap::None, &mut text);
        text
    }
}

fn check(case: &str, asset_id: u32, raw: bool, answer: &(StatusCode, HeaderMap, Bytes)) {
    let (status, headers, body) = answer;
    assert_eq!(*status, StatusCode::OK, "{case}");
    let want = expected(case, asset_id, raw);
    assert!(
        body[..] == want[..],
        "{case} (raw {raw}): garbled answer, {} bytes instead of {}",
        body.len(),
        want.len()
    );
    assert_eq!(headers["content-length"], want.len().to_string(), "{case}");
    let content_type = if raw {
        "application/octet-stream"
    } else {
        "text/plain"
    };
    assert_eq!(headers["content-type"], content_type, "{case}");
    assert_eq!(
        headers.get("content-transfer-encoding").is_some(),
        !raw,
        "{case}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_every_case_byte_for_byte() {
    let proxy = start(Duration::from_secs(1)).await;
    let client = client();
    for &(case, _) in CASES {
        for raw in [false, true] {
            for asset_id in [42, DENIED] {
                let answer = ask(&client, proxy, case, asset_id, raw).await;
                check(case, asset_id, raw, &answer);
            }
        }
    }
    // The rejection a client decodes: status 520, its asset id, no key id.
    let (_, _, body) = ask(&client, proxy, "truncated", 42, true).await;
    let refusal = Response::parse(&body).unwrap();
    assert_eq!(
        refusal.license_status(),
        LicenseStatus::third_party(520).unwrap()
    );
    assert_eq!((refusal.asset_id(), refusal.key_id()), (42, None));
}

/// Found by running the proxy against an independently written upstream:
/// a form field is percent-decoded before the deny list sees it, and only
/// `binary` gets a raw answer (`7bit` and `8bit` promise text).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_escaped_form_fields_and_text_transfer_encodings() {
    let proxy = start(Duration::from_secs(1)).await;
    let client = client();
    // %31%33 is 13, on the deny list: the short-form 600, upstream never asked.
    let answer = ask_form(&client, proxy, "asset_id=%31%33&case=ok_1k".into(), None).await;
    check("ok_1k", DENIED, false, &answer);
    // An escaped id that upstream fails on is the one the 520 names.
    let answer = ask_form(
        &client,
        proxy,
        "ASSET%5FID=%34%32&case=truncated".into(),
        None,
    )
    .await;
    check("truncated", 42, false, &answer);
    // `+` is a space, so "4+2" is no number: the refusal names asset 0.
    let answer = ask_form(&client, proxy, "asset_id=4+2&case=truncated".into(), None).await;
    check("truncated", 0, false, &answer);
    for transfer in ["7bit", "8BIT", "base64", "quoted-printable"] {
        let form = "asset_id=42&case=ok_1k".to_owned();
        let answer = ask_form(&client, proxy, form, Some(transfer)).await;
        check("ok_1k", 42, false, &answer);
    }
    let answer = ask_form(
        &client,
        proxy,
        "asset_id=42&case=ok_1k".into(),
        Some(" Binary "),
    )
    .await;
    check("ok_1k", 42, true, &answer);
}

/// The mix of the load run: mostly small answers, some of each failure,
/// 1 in 50 a 1 MiB EMM, and 1 in 500 a slow upstream (each holds a
/// worker for one timeout).
fn load_case(i: usize) -> (&'static str, u32, bool) {
    const MIX: &[&str] = &[
        "ok_0",
        "ok_1k",
        "ok_1k_raw",
        "ok_1k_mime",
        "chunked_raw",
        "chunked_b64",
        "chunked_b64_line",
        "asset_not_found",
        "short",
        "short_raw",
        "truncated",
        "bad_base64",
        "http_503",
        "ok_1k",
        "ok_0",
        "ok_1k_raw",
    ];
    let case = match (i % 500, i % 100) {
        (25, _) => "slow",
        (_, 0) => "ok_1m",
        (_, 50) => "oversized_emm",
        (_, 75) => "ok_1m_raw",
        _ => MIX[i % MIX.len()],
    };
    let asset_id = if i.is_multiple_of(37) {
        DENIED
    } else {
        1000 + (i as u32 % 7)
    };
    (case, asset_id, i.is_multiple_of(3))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_load_5000_requests_64_concurrent() {
    const REQUESTS: usize = 5000;
    const CONCURRENCY: usize = 64;
    let proxy = start(Duration::from_secs(5)).await;
    let client = client();
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let workers: Vec<_> = (0..CONCURRENCY)
        .map(|_| {
            let (client, next) = (client.clone(), Arc::clone(&next));
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= REQUESTS {
                        return latencies;
                    }
                    let (case, asset_id, raw) = load_case(i);
                    let sent = Instant::now();
                    let answer = ask(&client, proxy, case, asset_id, raw).await;
                    latencies.push(sent.elapsed());
                    check(case, asset_id, raw, &answer);
                }
            })
        })
        .collect();
    let mut latencies = Vec::with_capacity(REQUESTS);
    for worker in workers {
        // A worker that panicked (garbled answer) fails the test here.
        latencies.extend(worker.await.unwrap());
    }
    let elapsed = started.elapsed();
    assert_eq!(latencies.len(), REQUESTS, "lost answers");
    latencies.sort_unstable();
    let percentile = |p: usize| latencies[(latencies.len() * p / 100).min(latencies.len() - 1)];
    println!(
        "load: {REQUESTS} requests, {CONCURRENCY} concurrent, {:.2} s, {:.0} requests/s, p50 {:.2} ms, p99 {:.2} ms",
        elapsed.as_secs_f64(),
        REQUESTS as f64 / elapsed.as_secs_f64(),
        percentile(50).as_secs_f64() * 1e3,
        percentile(99).as_secs_f64() * 1e3,
    );
}

/// A body of frames given in advance, always ready: the reader under test
/// needs no runtime. `E` is the body's own error.
struct Frames<E> {
    frames: VecDeque<Result<Bytes, E>>,
    hint: SizeHint,
}

/// Frames whose error is a plain message.
type Plain = Frames<&'static str>;

impl<E> Frames<E> {
    fn new(pieces: &[&[u8]]) -> Self {
        Self {
            frames: pieces
                .iter()
                .map(|p| Ok(Bytes::copy_from_slice(p)))
                .collect(),
            hint: SizeHint::new(),
        }
    }
}

impl<E: Unpin> Body for Frames<E> {
    type Data = Bytes;
    type Error = E;

    fn poll_frame(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, E>>> {
        let frames = &mut self.get_mut().frames;
        Poll::Ready(frames.pop_front().map(|frame| frame.map(Frame::data)))
    }

    fn size_hint(&self) -> SizeHint {
        self.hint
    }
}

/// Drives a future whose body is always ready: one poll must finish it.
fn ready<T>(future: impl Future<Output = T>) -> T {
    match pin!(future).poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(value) => value,
        Poll::Pending => panic!("a ready body left the reader pending"),
    }
}

fn headers(transport: Transport) -> HeaderMap {
    let mut headers = HeaderMap::new();
    let value = match transport {
        Transport::Raw => "binary",
        Transport::Base64 => "base64",
        Transport::Auto => return headers,
    };
    headers.insert("content-transfer-encoding", value.parse().unwrap());
    headers
}

/// The one-shot parse of the whole body in its transport.
fn one_shot(body: &[u8], transport: Transport, options: Options) -> Outcome {
    let mut scratch = Vec::new();
    let parsed = match transport.resolve(body) {
        Transport::Base64 => Response::parse_base64(body, &mut scratch, &options),
        Transport::Raw | Transport::Auto => Response::parse_with(body, &options),
    };
    parsed.map(|r| (r.header(), r.emm().to_vec()))
}

/// `announced`: the body's exact length as its size hint (a
/// `Content-Length`), else no hint (chunked).
fn read(pieces: &[&[u8]], transport: Transport, options: Options, announced: bool) -> Outcome {
    let reader = BodyReader::new(u64::MAX).with_options(options);
    let mut body = Plain::new(pieces);
    if announced {
        let len = pieces.iter().map(|piece| piece.len() as u64).sum();
        body.hint = SizeHint::with_exact(len);
    }
    match ready(reader.read(&headers(transport), body)) {
        Ok(owned) => Ok((owned.header(), owned.emm().to_vec())),
        Err(ReadError::Decode(error)) => Err(error),
        Err(other) => panic!("unexpected {other:?}"),
    }
}

fn transports() -> impl Strategy<Value = Transport> {
    prop_oneof![
        Just(Transport::Raw),
        Just(Transport::Base64),
        Just(Transport::Auto)
    ]
}

fn bodies() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        // raw bytes, the header's first byte often 0
        proptest::collection::vec(any::<u8>(), 0..64),
        // valid bodies, raw or as base64 text in either layout
        (
            any::<u32>(),
            proptest::collection::vec(any::<u8>(), 0..200),
            0..3_u8
        )
            .prop_map(|(asset_id, emm, layout)| {
                let response = Response::new(1, asset_id, 7, &emm);
                let mut text = Vec::new();
                match layout {
                    0 => return response.to_vec(),
                    1 => response.encode_base64(LineWrap::None, &mut text),
                    _ => response.encode_base64(LineWrap::Mime, &mut text),
                }
                text
            }),
    ]
}

proptest! {
    #[test]
    fn prop_any_frames_read_as_the_whole_body(
        body in bodies(),
        cuts in proptest::collection::vec(any::<usize>(), 0..8),
        transport in transports(),
        max_emm_len in proptest::option::of(0..160_usize),
        accept_short_form in any::<bool>(),
        announced in any::<bool>(),
    ) {
        let options = Options { max_emm_len, accept_short_form };
        let pieces = getemms::fuzzing::split_at_cuts(&body, &cuts);
        let got = read(&pieces, transport, options, announced);
        assert_same_outcome(&got, &one_shot(&body, transport, options));
    }
}

#[test]
fn test_one_raw_frame_is_not_copied() {
    let body = Bytes::from(Response::new(1, 2, 3, &[0xEE; 64]).to_vec());
    let frames = Plain {
        frames: VecDeque::from([Ok(body.clone())]),
        hint: SizeHint::with_exact(body.len() as u64),
    };
    let owned = ready(BodyReader::new(1024).read(&HeaderMap::new(), frames)).unwrap();
    assert_eq!(owned.emm().as_ptr(), body[12..].as_ptr());
}

#[test]
fn test_limits_hold_before_the_frames_are_kept() {
    // Content-Length over the limit: refused before any frame is polled.
    let announced = Plain {
        frames: VecDeque::from([Err("must not be polled")]),
        hint: SizeHint::with_exact(1 << 20),
    };
    let refused = ready(BodyReader::new(1000).read(&HeaderMap::new(), announced));
    assert_eq!(
        refused,
        Err(ReadError::BodyTooLong {
            len: 1 << 20,
            limit: 1000
        })
    );

    // Chunked: the frame that crosses the limit is refused, the rest unread.
    let body = Response::new(1, 2, 3, &[0; 100]).to_vec();
    let mut chunked = Plain::new(&[&body[..60], &body[60..]]);
    chunked.frames.push_back(Err("must not be polled"));
    let refused = ready(BodyReader::new(100).read(&HeaderMap::new(), chunked));
    assert_eq!(
        refused,
        Err(ReadError::BodyTooLong {
            len: 112,
            limit: 100
        })
    );

    // Exactly at the limit is within it, announced or counted frame by frame.
    let at_limit = Plain {
        frames: VecDeque::from([
            Ok(Bytes::copy_from_slice(&body[..60])),
            Ok(Bytes::copy_from_slice(&body[60..])),
        ]),
        hint: SizeHint::with_exact(112),
    };
    let owned = ready(BodyReader::new(112).read(&HeaderMap::new(), at_limit)).unwrap();
    assert_eq!(owned.emm(), &[0; 100][..]);
    let unannounced = Plain::new(&[&body[..60], &body[60..]]);
    let owned = ready(BodyReader::new(112).read(&HeaderMap::new(), unannounced)).unwrap();
    assert_eq!(owned.emm(), &[0; 100][..]);

    // max_emm_len as frames arrive.
    let mut chunked = Plain::new(&[&body[..60]]);
    chunked.frames.push_back(Err("must not be polled"));
    let reader = BodyReader::new(1000).with_options(Options::new().with_max_emm_len(10));
    let refused = ready(reader.read(&HeaderMap::new(), chunked));
    assert_eq!(
        refused,
        Err(ReadError::Decode(Error::EmmTooLong { len: 48, limit: 10 }))
    );
}

#[test]
fn test_body_error_and_transfer_encoding() {
    let mut broken = Plain::new(&[&[0, 0, 0, 1, 0]]);
    broken.frames.push_back(Err("connection reset"));
    let failed = ready(BodyReader::new(1000).read(&HeaderMap::new(), broken));
    assert_eq!(
        failed,
        Err(ReadError::Body {
            error: "connection reset",
            offset: 5
        })
    );
    // The body's own error, and the parse error, are each the error's
    // source; a limit or an unknown transfer encoding has none.
    let source = |error: &ReadError<std::io::Error>| {
        std::error::Error::source(error).map(ToString::to_string)
    };
    let mut reset = Frames::new(&[b"AAAA"]);
    reset
        .frames
        .push_back(Err(std::io::Error::other("connection reset")));
    let failed = ready(BodyReader::new(1000).read(&HeaderMap::new(), reset));
    assert_eq!(
        source(&failed.unwrap_err()).as_deref(),
        Some("connection reset")
    );
    let short = Frames::new(&[&[0, 0, 0, 1]]);
    let truncated = ready(BodyReader::new(1000).read(&HeaderMap::new(), short));
    let parse_error = Response::parse(&[0, 0, 0, 1]).unwrap_err().to_string();
    assert_eq!(source(&truncated.unwrap_err()), Some(parse_error));
    let long = Frames::new(&[&[0; 9]]);
    let too_long = ready(BodyReader::new(8).read(&HeaderMap::new(), long));
    assert_eq!(source(&too_long.unwrap_err()), None);

    let mut headers = HeaderMap::new();
    headers.insert(
        "content-transfer-encoding",
        "quoted-printable".parse().unwrap(),
    );
    let refused = ready(BodyReader::new(1000).read(&headers, Frames::<std::io::Error>::new(&[])));
    let refused = refused.unwrap_err();
    assert!(matches!(refused, ReadError::UnsupportedTransferEncoding));
    assert!(std::error::Error::source(&refused).is_none());

    // An explicit transport wins over the header.
    let reader = BodyReader::new(1000).with_transport(Transport::Base64);
    let owned = ready(reader.read(&headers, Plain::new(&[b"AAACWAAA", b"AAA="]))).unwrap();
    assert_eq!(owned.header().license_status, LicenseStatus::from(600));
}
