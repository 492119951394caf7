//! The license proxy example over real sockets (`127.0.0.1:0` only): a mock
//! upstream answers canned bodies, a hyper client drives the proxy, every
//! answer is checked byte for byte (or, where the proxy must abort, as an
//! incomplete body whose bytes are a prefix of the relayed one), in relay
//! mode and in buffered mode; then the faults of a relay (an upstream cut
//! mid-EMM, a bad letter at 100 KiB, a trickle past the timeout, a client
//! that goes away, headers split at every offset, the first byte before an
//! upstream pause); then a bounded load run; then the `http` reader against
//! the one-shot parse, for any body in any frames. Every test is bounded
//! in time ([`bounded`]).
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

use bytes::{Bytes, BytesMut};
use getemms::base64::LineWrap;
use getemms::fuzzing::{Outcome, assert_same_outcome};
use getemms::http::{BodyReader, ReadError};
use getemms::{Error, Header, LicenseStatus, Options, Response, Transport};
use http::{HeaderMap, StatusCode};
use http_body::{Body, Frame, SizeHint};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use mock_upstream::{Answer, CASES, Delivery, Stats};
use proptest::prelude::*;
use tokio::net::{TcpListener, TcpStream};

/// The mock's slow case waits this long before its headers: past every
/// proxy timeout below, so that a slow case always times out and (the
/// timeouts being seconds, answers milliseconds) no other case does.
const SLOW: Duration = Duration::from_secs(30);
/// An asset id on the proxy's deny list.
const DENIED: u32 = 13;
/// No test runs longer than this.
const BOUND: Duration = Duration::from_secs(120);

type HttpClient = Client<HttpConnector, Full<Bytes>>;

/// A mock upstream and a proxy in front of it, both on loopback.
struct Setup {
    proxy: SocketAddr,
    in_flight: Arc<AtomicUsize>,
    upstream: Arc<Stats>,
}

impl Setup {
    /// Waits (at most 5 s) until no request is in flight in the proxy.
    async fn settled(&self) -> usize {
        let started = Instant::now();
        while self.in_flight.load(Ordering::Relaxed) != 0 && started.elapsed() < BOUND / 24 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        self.in_flight.load(Ordering::Relaxed)
    }
}

/// A proxy started with `--deny 13 --quiet` and `args`, `timeout` its
/// timeout, in front of a fresh mock.
async fn start(args: &[&str], timeout: Duration) -> Setup {
    let upstream = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let upstream_addr = upstream.local_addr().unwrap();
    let stats = Arc::new(Stats::default());
    tokio::spawn(mock_upstream::serve_with(
        upstream,
        SLOW,
        Arc::clone(&stats),
    ));
    let url = format!("http://{upstream_addr}/GetEMMs.cgi");
    let mut argv: Vec<String> = ["--upstream", &url, "--deny", "13", "--quiet"]
        .map(String::from)
        .into();
    argv.extend(args.iter().map(|arg| arg.to_string()));
    let (_, mut config) = license_proxy::parse_args(argv).unwrap();
    config.timeout = timeout;
    let in_flight = Arc::clone(&config.in_flight);
    let proxy = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let proxy_addr = proxy.local_addr().unwrap();
    tokio::spawn(license_proxy::serve(proxy, config));
    Setup {
        proxy: proxy_addr,
        in_flight,
        upstream: stats,
    }
}

/// Runs `test`, failing it if it takes longer than [`BOUND`].
async fn bounded<T>(test: impl Future<Output = T>) -> T {
    tokio::time::timeout(BOUND, test)
        .await
        .expect("the test took longer than its bound")
}

fn client() -> HttpClient {
    Client::builder(TokioExecutor::new()).build_http()
}

/// One answer of the proxy, as the client got it.
#[derive(Debug)]
struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    /// The body's bytes, all of them or those that came before it failed.
    body: Bytes,
    /// Whether the body ended as HTTP says (not aborted).
    complete: bool,
    /// From the request to the first body byte.
    first_byte: Option<Duration>,
    /// From the request to the end (or failure) of the body.
    took: Duration,
}

/// The proxy's answer to `asset_id` and `case`, raw or base64.
async fn ask(
    client: &HttpClient,
    proxy: SocketAddr,
    case: &str,
    asset_id: u32,
    raw: bool,
) -> Reply {
    let form = format!("asset_id={asset_id}&case={case}");
    ask_form(client, proxy, form, raw.then_some("binary"))
        .await
        .unwrap()
}

/// The proxy's answer to `form`, sent with `Content-Transfer-Encoding:
/// transfer` if any.
async fn ask_form(
    client: &HttpClient,
    proxy: SocketAddr,
    form: String,
    transfer: Option<&str>,
) -> Result<Reply, hyper_util::client::legacy::Error> {
    ask_typed(
        client,
        proxy,
        form,
        transfer,
        "application/x-www-form-urlencoded",
    )
    .await
}

async fn ask_typed(
    client: &HttpClient,
    proxy: SocketAddr,
    form: String,
    transfer: Option<&str>,
    content_type: &str,
) -> Result<Reply, hyper_util::client::legacy::Error> {
    let mut request = http::Request::new(Full::new(Bytes::from(form)));
    *request.method_mut() = http::Method::POST;
    *request.uri_mut() = format!("http://{proxy}/GetEMMs.cgi").parse().unwrap();
    let headers = request.headers_mut();
    headers.insert("content-type", content_type.parse().unwrap());
    if let Some(transfer) = transfer {
        headers.insert("content-transfer-encoding", transfer.parse().unwrap());
    }
    let sent = Instant::now();
    let answer = client.request(request).await?;
    let (parts, mut body) = answer.into_parts();
    let mut bytes = BytesMut::new();
    let mut first_byte = None;
    let complete = loop {
        match body.frame().await {
            None => break true,
            Some(Err(_)) => break false,
            Some(Ok(frame)) => {
                if let Ok(data) = frame.into_data() {
                    if first_byte.is_none() && !data.is_empty() {
                        first_byte = Some(sent.elapsed());
                    }
                    bytes.extend_from_slice(&data);
                }
            }
        }
    };
    Ok(Reply {
        status: parts.status,
        headers: parts.headers,
        body: bytes.freeze(),
        complete,
        first_byte,
        took: sent.elapsed(),
    })
}

/// `response` in the client's transport, base64 on one line.
fn encoded(response: &Response<'_>, raw: bool) -> Vec<u8> {
    if raw {
        response.to_vec()
    } else {
        let mut text = Vec::new();
        response.encode_base64(LineWrap::None, &mut text);
        text
    }
}

fn refusal(status: u32, asset_id: u32, raw: bool) -> Vec<u8> {
    encoded(&Response::rejection(status, asset_id), raw)
}

/// What a relayed case's body is for the client: the upstream's text as it
/// came for a base64 client of a base64 upstream (whatever its layout),
/// its bytes for a raw client of a raw one, else transcoded (base64 on one
/// line, as the proxy's `--wrap none`).
fn relayed(case: &str, asset_id: u32, raw: bool) -> Vec<u8> {
    let (wire, base64) = mock_upstream::wire(case, asset_id).unwrap();
    match (base64, raw) {
        (true, false) | (false, true) => wire.to_vec(),
        (false, false) => encoded(&Response::parse(&wire).unwrap(), false),
        (true, true) => {
            let mut scratch = Vec::new();
            Response::parse_base64(&wire, &mut scratch, &Options::DEFAULT)
                .unwrap()
                .to_vec()
        }
    }
}

/// What the client must get.
#[derive(Debug)]
enum Want {
    /// These bytes, complete.
    Complete(Vec<u8>),
    /// An aborted body: a prefix of these bytes, shorter than them.
    Aborted(Vec<u8>),
}

/// What relay mode answers, from the case table and the policy alone: a
/// short-form refusal (600 denied; 520 an upstream that is not a valid
/// body, or whose `Content-Length` breaks a limit: 1 MiB of EMM, 2 MiB of
/// body), else the relayed body; a chunked body over a limit is aborted.
fn relay_expected(case: &str, asset_id: u32, raw: bool) -> Want {
    match mock_upstream::answer(case).unwrap() {
        _ if asset_id == DENIED => Want::Complete(refusal(600, DENIED, raw)),
        Answer::Body { emm_len, .. } if emm_len <= 1 << 20 => {
            Want::Complete(relayed(case, asset_id, raw))
        }
        Answer::Body {
            delivery: Delivery::RawFrames | Delivery::Base64Frames(_),
            ..
        } => Want::Aborted(relayed(case, asset_id, raw)),
        _ => Want::Complete(refusal(520, asset_id, raw)),
    }
}

/// Whether the load run's client must decode the upstream's own body.
fn forwarded(case: &str, asset_id: u32) -> bool {
    let valid = matches!(
        mock_upstream::answer(case),
        Some(Answer::Body { emm_len, .. }) if emm_len <= 1 << 20
    );
    valid && asset_id != DENIED
}

/// What buffered mode answers: the upstream's body decoded and
/// re-encoded (base64 on one line), or a short-form refusal for anything
/// that is not a valid body within the limits.
fn buffered_expected(case: &str, asset_id: u32, raw: bool) -> Want {
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
    Want::Complete(encoded(&response, raw))
}

/// Checks a reply against what is wanted, and its headers.
fn check(what: &str, raw: bool, reply: &Reply, want: &Want) {
    assert_eq!(reply.status, StatusCode::OK, "{what}");
    match want {
        Want::Complete(want) => {
            assert!(
                reply.complete,
                "{what}: aborted after {} bytes",
                reply.body.len()
            );
            assert!(
                reply.body[..] == want[..],
                "{what} (raw {raw}): garbled answer, {} bytes instead of {}",
                reply.body.len(),
                want.len()
            );
            if let Some(length) = reply.headers.get("content-length") {
                assert_eq!(length, &want.len().to_string(), "{what}");
            }
        }
        Want::Aborted(whole) => {
            assert!(!reply.complete, "{what}: sent complete, must be aborted");
            assert!(reply.body.len() < whole.len(), "{what}");
            assert!(
                whole.starts_with(&reply.body),
                "{what}: the bytes before the abort are not the relayed body's"
            );
        }
    }
    let content_type = if raw {
        "application/octet-stream"
    } else {
        "text/plain"
    };
    assert_eq!(reply.headers["content-type"], content_type, "{what}");
    let transfer = reply.headers.get("content-transfer-encoding");
    if raw {
        assert!(
            transfer.is_none_or(|t| t == "binary"),
            "{what}: {transfer:?}"
        );
    } else {
        assert_eq!(
            transfer.map(|t| t.to_str().unwrap()),
            Some("base64"),
            "{what}"
        );
    }
}

async fn every_case(args: &[&str], expected: fn(&str, u32, bool) -> Want) {
    let setup = start(args, Duration::from_secs(1)).await;
    let client = client();
    for &(case, _) in CASES {
        for raw in [false, true] {
            for asset_id in [42, DENIED] {
                let reply = ask(&client, setup.proxy, case, asset_id, raw).await;
                let what = format!("{case} asset {asset_id} {args:?}");
                check(&what, raw, &reply, &expected(case, asset_id, raw));
            }
        }
    }
    // The refusal a client decodes: status 520, its asset id, no key id.
    let reply = ask(&client, setup.proxy, "truncated", 42, true).await;
    let refusal = Response::parse(&reply.body).unwrap();
    assert_eq!(
        refusal.license_status(),
        LicenseStatus::third_party(520).unwrap()
    );
    assert_eq!((refusal.asset_id(), refusal.key_id()), (42, None));
    assert_eq!(setup.settled().await, 0, "requests left in flight");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_every_case_byte_for_byte() {
    bounded(every_case(&[], relay_expected)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_every_case_byte_for_byte_buffered() {
    bounded(every_case(&["--mode", "buffered"], buffered_expected)).await;
}

/// Found by running the proxy against an independently written upstream:
/// a form field is percent-decoded before the deny list sees it (and its
/// name matched case-insensitively), and only `binary` gets a raw answer
/// (`7bit` and `8bit` promise text).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_escaped_form_fields_and_text_transfer_encodings() {
    bounded(async {
        let setup = start(&[], Duration::from_secs(1)).await;
        let (client, proxy) = (client(), setup.proxy);
        let ask = |form: &str, transfer| {
            let client = client.clone();
            let form = form.to_owned();
            async move { ask_form(&client, proxy, form, transfer).await.unwrap() }
        };
        // %31%33 is 13, on the deny list: the short-form 600, upstream never asked.
        let reply = ask("asset_id=%31%33&case=ok_1k", None).await;
        check(
            "escaped",
            false,
            &reply,
            &relay_expected("ok_1k", DENIED, false),
        );
        assert_eq!(setup.upstream.requests.load(Ordering::Relaxed), 0);
        // So is a second asset_id field that names it (a PHP server takes the last).
        let reply = ask("asset_id=42&case=ok_1k&Asset_Id=13", None).await;
        check(
            "two ids",
            false,
            &reply,
            &relay_expected("ok_1k", DENIED, false),
        );
        assert_eq!(setup.upstream.requests.load(Ordering::Relaxed), 0);
        // An escaped id that upstream fails on is the one the 520 names.
        let reply = ask("ASSET%5FID=%34%32&case=truncated", None).await;
        check(
            "named",
            false,
            &reply,
            &relay_expected("truncated", 42, false),
        );
        // `+` is a space, so "4+2" is no number: the refusal names asset 0.
        let reply = ask("asset_id=4+2&case=truncated", None).await;
        check(
            "plus",
            false,
            &reply,
            &relay_expected("truncated", 0, false),
        );
        for transfer in ["7bit", "8BIT", "base64", "quoted-printable"] {
            let reply = ask("asset_id=42&case=ok_1k", Some(transfer)).await;
            check(transfer, false, &reply, &relay_expected("ok_1k", 42, false));
        }
        let reply = ask("asset_id=42&case=ok_1k", Some(" Binary ")).await;
        check("binary", true, &reply, &relay_expected("ok_1k", 42, true));
        // Not a form: axum's extractor answers 415, upstream is not asked.
        let asked = setup.upstream.requests.load(Ordering::Relaxed);
        let reply = ask_typed(
            &client,
            proxy,
            "asset_id=13&case=ok_1k".into(),
            None,
            "text/plain",
        )
        .await
        .unwrap();
        assert_eq!(reply.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        assert_eq!(setup.upstream.requests.load(Ordering::Relaxed), asked);
        assert_eq!(setup.settled().await, 0);
    })
    .await;
}

/// The relay's policy sees the upstream's header: an answer for a denied
/// asset (whatever the request said) is refused, in the client's transport.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_denied_asset_in_the_upstream_header() {
    bounded(async {
        let setup = start(&[], Duration::from_secs(1)).await;
        let client = client();
        for case in [
            "ok_1k",
            "ok_1k_raw",
            "ok_1k_mime",
            "chunked_b64",
            "short",
            "short_raw",
        ] {
            for raw in [false, true] {
                let form = format!("asset_id=42&answer_asset_id={DENIED}&case={case}");
                let reply = ask_form(&client, setup.proxy, form, raw.then_some("binary"))
                    .await
                    .unwrap();
                let want = Want::Complete(refusal(600, DENIED, raw));
                check(&format!("{case} for asset 13"), raw, &reply, &want);
                assert!(reply.headers.contains_key("content-length"), "{case}");
            }
        }
        assert_eq!(setup.settled().await, 0);
    })
    .await;
}

/// `--map-status`: the header is rewritten in place, in either form and
/// either transport; the body keeps its length and its layout.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_map_status_rewrites_in_place() {
    bounded(async {
        let args = ["--map-status", "1=6", "--map-status", "769=UNKNOWN_CODE"];
        let setup = start(&args, Duration::from_secs(1)).await;
        let client = client();
        for case in [
            "ok_1k",
            "ok_1k_raw",
            "ok_1k_mime",
            "chunked_b64",
            "chunked_raw",
            "short",
            "asset_not_found",
        ] {
            for raw in [false, true] {
                let reply = ask(&client, setup.proxy, case, 42, raw).await;
                let Answer::Body {
                    license_status,
                    key_id,
                    emm_len,
                    delivery,
                } = mock_upstream::answer(case).unwrap()
                else {
                    unreachable!()
                };
                let status = match license_status {
                    1 => 6,
                    769 => 46,
                    other => other,
                };
                let emm = mock_upstream::emm(emm_len);
                let response = match key_id {
                    Some(key_id) => Response::new(status, 42, key_id, &emm),
                    None => Response::rejection(status, 42),
                };
                let want = match (raw, delivery.wrap()) {
                    (false, Some(wrap)) => {
                        let mut text = Vec::new();
                        response.encode_base64(wrap, &mut text);
                        text
                    }
                    _ => encoded(&response, raw),
                };
                check(
                    &format!("{case} rewritten"),
                    raw,
                    &reply,
                    &Want::Complete(want),
                );
            }
        }
        assert_eq!(setup.settled().await, 0);
    })
    .await;
}

/// The upstream cuts its connection mid-EMM, after the proxy began to
/// forward: the client's body is aborted, never complete, whether the
/// upstream announced its length or was chunked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_upstream_closes_mid_emm() {
    bounded(async {
        let setup = start(&[], Duration::from_secs(5)).await;
        let client = client();
        for case in ["close_mid_emm", "close_mid_emm_b64"] {
            for chunked in [false, true] {
                for raw in [false, true] {
                    let form = format!("asset_id=42&case={case}&chunked={}", u8::from(chunked));
                    let reply = ask_form(&client, setup.proxy, form, raw.then_some("binary"))
                        .await
                        .unwrap();
                    let what = format!("{case} chunked {chunked} raw {raw}");
                    let want = Want::Aborted(relayed(case, 42, raw));
                    check(&what, raw, &reply, &want);
                    assert!(!reply.body.is_empty(), "{what}: nothing was forwarded");
                }
            }
        }
        assert_eq!(setup.settled().await, 0);
    })
    .await;
}

/// A `*` at 100 KiB of a one-line base64 text: `--verify body` aborts the
/// body before that chunk goes out; at `--verify header` (the default) the
/// text goes through whole, and the client's own decoder refuses it at
/// the same offset. A raw client's body is aborted either way (its
/// transcoder decodes every letter).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_bad_base64_at_100k() {
    bounded(async {
        let (wire, _) = mock_upstream::wire("bad_base64_100k", 42).unwrap();
        let body = start(&["--verify", "body"], Duration::from_secs(5)).await;
        let header = start(&[], Duration::from_secs(5)).await;
        let client = client();
        for (setup, verify) in [(&body, "body"), (&header, "header")] {
            for raw in [false, true] {
                let what = format!("--verify {verify}, raw {raw}");
                let reply = ask(&client, setup.proxy, "bad_base64_100k", 42, raw).await;
                assert_eq!(reply.status, StatusCode::OK, "{what}");
                if raw || verify == "body" {
                    assert!(!reply.complete, "{what}: sent complete");
                    if raw {
                        let good = Response::new(1, 42, 7, &mock_upstream::emm(256 << 10)).to_vec();
                        assert!(good.starts_with(&reply.body), "{what}");
                        assert!(reply.body.len() <= (100 << 10) / 4 * 3, "{what}");
                    } else {
                        assert!(wire.starts_with(&reply.body), "{what}");
                        assert!(reply.body.len() <= 100 << 10, "{what}");
                    }
                } else {
                    assert!(reply.complete, "{what}");
                    assert!(reply.body == wire, "{what}: not the upstream's text");
                    let mut scratch = Vec::new();
                    let refused =
                        Response::parse_base64(&reply.body, &mut scratch, &Options::DEFAULT)
                            .unwrap_err();
                    assert_eq!(refused.offset(), 100 << 10, "{what}: {refused}");
                }
            }
            assert_eq!(setup.settled().await, 0);
        }
    })
    .await;
}

/// A text whose last group is a lone letter, at `--verify body`: every
/// letter is good until the end of the text shows the group is not, so a
/// bad body is never sent complete. With a `Content-Length`, the relay
/// knows the upstream's end as its last frame comes (hyper stops asking
/// once the length is sent, so the end is checked before that frame goes
/// out): here the body is one frame, so the end is known before the
/// verdict's response head and the client gets the clean refusal. Chunked,
/// the end comes after forwarding began: the body is aborted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_bad_base64_at_the_end_verify_body() {
    bounded(async {
        let setup = start(&["--verify", "body"], Duration::from_secs(5)).await;
        let client = client();
        for chunked in [false, true] {
            let form = format!(
                "asset_id=42&case=dangling_letter&chunked={}",
                u8::from(chunked)
            );
            let reply = ask_form(&client, setup.proxy, form, None).await;
            if chunked {
                // Aborted: an incomplete body, or (the head and the whole
                // body in one write, never flushed) no answer at all.
                if let Ok(reply) = reply {
                    assert!(!reply.complete, "chunked: a bad body sent complete");
                }
            } else {
                let reply = reply.expect("an answer");
                check(
                    "dangling letter, Content-Length",
                    false,
                    &reply,
                    &Want::Complete(refusal(520, 42, false)),
                );
            }
        }
        assert_eq!(setup.settled().await, 0);
    })
    .await;
}

/// An upstream that trickles past the timeout: before its header, the
/// client gets the 520 refusal at the timeout; after forwarding began, its
/// body is aborted at the timeout. Neither waits for the upstream.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_upstream_trickles_past_the_timeout() {
    bounded(async {
        let timeout = Duration::from_millis(300);
        let setup = start(&[], timeout).await;
        let client = client();
        for raw in [false, true] {
            let reply = ask(&client, setup.proxy, "trickle_header", 42, raw).await;
            check(
                "trickle_header",
                raw,
                &reply,
                &Want::Complete(refusal(520, 42, raw)),
            );
            assert!(
                reply.took >= timeout && reply.took < timeout * 3,
                "{:?}",
                reply.took
            );

            let reply = ask(&client, setup.proxy, "trickle", 42, raw).await;
            check(
                "trickle",
                raw,
                &reply,
                &Want::Aborted(relayed("trickle", 42, raw)),
            );
            assert!(
                !reply.body.is_empty(),
                "the header and 4 KiB were forwarded"
            );
            assert!(
                reply.took >= timeout && reply.took < timeout * 3,
                "{:?}",
                reply.took
            );
        }
        assert_eq!(setup.settled().await, 0);
        // The upstream's trickling bodies were dropped, not sent to the end.
        let started = Instant::now();
        while setup.upstream.cut_off.load(Ordering::Relaxed) < 4 && started.elapsed() < BOUND / 24 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert_eq!(setup.upstream.cut_off.load(Ordering::Relaxed), 4);
    })
    .await;
}

/// Passthrough mode, the bench's baseline: the upstream's bytes as they
/// came, whatever the client asked for, under the same deadline and
/// in-flight count as a relayed answer (a trickling body is aborted at
/// the timeout, not waited for).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_passthrough_streams_untouched_under_the_deadline() {
    bounded(async {
        let timeout = Duration::from_millis(300);
        let setup = start(&["--mode", "passthrough"], timeout).await;
        let client = client();
        for case in ["ok_1k", "ok_1k_raw", "ok_64k_mime", "short", "chunked_raw"] {
            let (wire, base64) = mock_upstream::wire(case, 42).unwrap();
            let reply = ask(&client, setup.proxy, case, 42, !base64).await;
            check(case, !base64, &reply, &Want::Complete(wire.to_vec()));
        }
        // Refused before upstream, as in every mode.
        let reply = ask(&client, setup.proxy, "ok_1k", DENIED, true).await;
        check(
            "denied",
            true,
            &reply,
            &Want::Complete(refusal(600, DENIED, true)),
        );

        let (wire, base64) = mock_upstream::wire("trickle", 42).unwrap();
        let reply = ask(&client, setup.proxy, "trickle", 42, !base64).await;
        check("trickle", !base64, &reply, &Want::Aborted(wire.to_vec()));
        assert!(!reply.body.is_empty(), "the first bytes were passed on");
        assert!(
            reply.took >= timeout && reply.took < timeout * 3,
            "{:?}",
            reply.took
        );
        assert_eq!(setup.settled().await, 0, "requests left in flight");
    })
    .await;
}

/// A client that disconnects mid-relay: the proxy drops its upstream
/// connection (the mock's body is cut off, its connection closed) and its
/// in-flight count returns to 0.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_client_disconnects_mid_relay() {
    bounded(async {
        let setup = start(&[], Duration::from_secs(20)).await;
        let form = "asset_id=42&case=trickle";
        let stream = TcpStream::connect(setup.proxy).await.unwrap();
        let request = format!(
            "POST /GetEMMs.cgi HTTP/1.1\r\nhost: proxy\r\n\
             content-type: application/x-www-form-urlencoded\r\n\
             content-length: {}\r\n\r\n{form}",
            form.len()
        );
        let mut request = request.as_bytes();
        while !request.is_empty() {
            stream.writable().await.unwrap();
            match stream.try_write(request) {
                Ok(n) => request = &request[n..],
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
                Err(e) => panic!("{e}"),
            }
        }
        // The head and the first bytes of the body.
        let mut got = Vec::new();
        let mut buf = [0u8; 4096];
        while !got.windows(4).any(|w| w == b"\r\n\r\n") || got.len() < 1024 {
            stream.readable().await.unwrap();
            let n = match stream.try_read(&mut buf) {
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,
                Err(e) => panic!("{e}"),
            };
            assert!(n > 0, "the proxy closed first");
            got.extend_from_slice(&buf[..n]);
        }
        assert!(got.starts_with(b"HTTP/1.1 200 OK\r\n"));
        assert_eq!(setup.in_flight.load(Ordering::Relaxed), 1);
        assert_eq!(setup.upstream.connections.load(Ordering::Relaxed), 1);
        drop(stream);

        assert_eq!(setup.settled().await, 0, "the request stayed in flight");
        let started = Instant::now();
        while setup.upstream.connections.load(Ordering::Relaxed) != 0
            && started.elapsed() < BOUND / 24
        {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        assert_eq!(
            setup.upstream.connections.load(Ordering::Relaxed),
            0,
            "upstream connection kept"
        );
        assert_eq!(
            setup.upstream.cut_off.load(Ordering::Relaxed),
            1,
            "upstream body sent whole"
        );
        // Gone well before the trickle would have ended (about 7 s).
        assert!(started.elapsed() < Duration::from_secs(5));
    })
    .await;
}

/// Every offset of the header, raw (12 bytes, 8 for the short form) or
/// base64 (16 letters, 12 for the short form, the MIME layout too), cut
/// into two frames with a pause between, announced or chunked, for both
/// client transports: the answer is the relayed body, byte for byte.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_header_split_across_frames_at_every_offset() {
    bounded(async {
        let setup = start(&[], Duration::from_secs(5)).await;
        let client = client();
        let mut asks = Vec::new();
        for (case, header_len) in [
            ("ok_1k_raw", 12),
            ("ok_1k", 16),
            ("ok_1k_mime", 16),
            ("short_raw", 8),
            ("short", 12),
        ] {
            for split in 1..=header_len {
                for chunked in [false, true] {
                    for raw in [false, true] {
                        let (client, proxy) = (client.clone(), setup.proxy);
                        asks.push(tokio::spawn(async move {
                            let form = format!(
                                "asset_id=42&case={case}&split={split}&pause_ms=10&chunked={}",
                                u8::from(chunked)
                            );
                            let reply = ask_form(&client, proxy, form, raw.then_some("binary"))
                                .await
                                .unwrap();
                            let what = format!("{case} split at {split}, chunked {chunked}");
                            check(&what, raw, &reply, &relay_expected(case, 42, raw));
                        }));
                    }
                }
            }
        }
        let count = asks.len();
        for ask in asks {
            ask.await.unwrap();
        }
        println!("header split: {count} answers byte for byte");
        assert_eq!(setup.settled().await, 0);
    })
    .await;
}

/// The upstream sends the header and 16 KiB, pauses 500 ms, then the rest:
/// in relay mode the client has its first bytes before 250 ms. Buffered
/// mode waits for the whole body (reported, not asserted).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_first_byte_before_the_upstream_pause() {
    bounded(async {
        let relay = start(&[], Duration::from_secs(5)).await;
        let buffered = start(&["--mode", "buffered"], Duration::from_secs(5)).await;
        let client = client();
        for case in ["pause_16k", "pause_16k_b64"] {
            for raw in [false, true] {
                let reply = ask(&client, relay.proxy, case, 42, raw).await;
                check(case, raw, &reply, &relay_expected(case, 42, raw));
                let first = reply.first_byte.unwrap();
                let late = ask(&client, buffered.proxy, case, 42, raw).await;
                check(case, raw, &late, &buffered_expected(case, 42, raw));
                println!(
                    "first byte, {case:13} raw {raw:5}: relay {:6.1} ms, buffered {:6.1} ms (whole body: {:6.1} / {:6.1} ms)",
                    first.as_secs_f64() * 1e3,
                    late.first_byte.unwrap().as_secs_f64() * 1e3,
                    reply.took.as_secs_f64() * 1e3,
                    late.took.as_secs_f64() * 1e3,
                );
                assert!(first < Duration::from_millis(250), "{case}: first byte at {first:?}");
            }
        }
        assert_eq!(relay.settled().await, 0);
    })
    .await;
}

/// A raw short form, forwarded or refused by the header's asset id, to a
/// base64 client: the refusal or the body, never a 520 (the last frame of
/// a transcoded body once had no room for the encoder's end).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_raw_short_form_to_a_base64_client() {
    bounded(async {
        let setup = start(&[], Duration::from_secs(1)).await;
        let client = client();
        let reply = ask(&client, setup.proxy, "short_raw", 42, false).await;
        check(
            "short_raw",
            false,
            &reply,
            &Want::Complete(refusal(600, 42, false)),
        );
        let form = format!("asset_id=42&answer_asset_id={DENIED}&case=short_raw");
        let reply = ask_form(&client, setup.proxy, form, None).await.unwrap();
        check(
            "short_raw for 13",
            false,
            &reply,
            &Want::Complete(refusal(600, DENIED, false)),
        );
    })
    .await;
}

/// The mix of the load run: EMMs of 1 KiB to 1 MiB, raw, one line and
/// MIME, chunked, the failures, denied ids; 1 in 500 a slow upstream
/// (each holds a worker for one timeout) and a chunked body over the limit.
fn load_case(i: usize) -> (&'static str, u32, bool) {
    const MIX: &[&str] = &[
        "ok_0",
        "ok_1k",
        "ok_1k_raw",
        "ok_1k_mime",
        "ok_16k",
        "ok_16k_raw",
        "ok_16k_mime",
        "chunked_raw",
        "chunked_b64",
        "chunked_b64_line",
        "asset_not_found",
        "short",
        "short_raw",
        "truncated",
        "bad_base64",
        "http_503",
        "ok_64k",
        "ok_64k_raw",
        "ok_64k_mime",
    ];
    const LARGE: &[&str] = &[
        "ok_256k",
        "ok_256k_raw",
        "ok_256k_mime",
        "ok_1m",
        "ok_1m_raw",
        "ok_1m_mime",
        "oversized_emm",
    ];
    let case = match (i % 500, i % 20) {
        (250, _) => "slow",
        (125, _) => "oversized_body",
        (_, 10) => LARGE[(i / 20) % LARGE.len()],
        _ => MIX[i % MIX.len()],
    };
    let asset_id = if i.is_multiple_of(37) {
        DENIED
    } else {
        1000 + (i as u32 % 7)
    };
    (case, asset_id, i.is_multiple_of(3))
}

/// The header and EMM a client must decode for a case: the upstream's
/// canned body, or the refusal.
fn expected_decoded(case: &str, asset_id: u32) -> Option<(Header, Vec<u8>)> {
    let answer = mock_upstream::answer(case).unwrap();
    match answer {
        _ if asset_id == DENIED => {
            Some((Header::short(LicenseStatus::from(600), DENIED), Vec::new()))
        }
        Answer::Body {
            license_status,
            key_id,
            emm_len,
            ..
        } if emm_len <= 1 << 20 => {
            let status = LicenseStatus::from(license_status);
            let header = Header {
                license_status: status,
                asset_id,
                key_id,
            };
            Some((header, mock_upstream::emm(emm_len)))
        }
        // Aborted, nothing to decode.
        Answer::Body {
            delivery: Delivery::RawFrames | Delivery::Base64Frames(_),
            ..
        } => None,
        _ => Some((
            Header::short(LicenseStatus::from(520), asset_id),
            Vec::new(),
        )),
    }
}

/// Decodes a client's answer with the crate.
fn decode(body: &[u8], raw: bool) -> Result<(Header, Vec<u8>), Error> {
    let mut scratch = Vec::new();
    let response = if raw {
        Response::parse(body)?
    } else {
        Response::parse_base64(body, &mut scratch, &Options::DEFAULT)?
    };
    Ok((response.header(), response.emm().to_vec()))
}

/// What happened to one request of the load run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    /// Decoded to the upstream's canned body.
    Forwarded,
    /// Decoded to the refusal the policy gives.
    Refused,
    /// Aborted, as a body over a limit must be.
    Aborted,
    /// No answer, or an aborted one where a whole one was due.
    Lost,
    /// An answer that is not the one due.
    Garbled,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_load_5000_requests_64_concurrent() {
    const REQUESTS: usize = 5000;
    const CONCURRENCY: usize = 64;
    bounded(async {
        let setup = start(&[], Duration::from_secs(5)).await;
        let (client, proxy) = (client(), setup.proxy);
        let next = Arc::new(AtomicUsize::new(0));
        let started = Instant::now();
        let workers: Vec<_> = (0..CONCURRENCY)
            .map(|_| {
                let (client, next) = (client.clone(), Arc::clone(&next));
                tokio::spawn(async move {
                    let mut seen = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= REQUESTS {
                            return seen;
                        }
                        let (case, asset_id, raw) = load_case(i);
                        let form = format!("asset_id={asset_id}&case={case}");
                        let sent = Instant::now();
                        let reply = ask_form(&client, proxy, form, raw.then_some("binary")).await;
                        let fate = match (reply, expected_decoded(case, asset_id)) {
                            (Err(_), _) => Fate::Lost,
                            (Ok(reply), _) if reply.status != StatusCode::OK => Fate::Garbled,
                            (Ok(reply), None) if !reply.complete => Fate::Aborted,
                            (Ok(_), None) => Fate::Garbled,
                            (Ok(reply), Some(_)) if !reply.complete => Fate::Lost,
                            (Ok(reply), Some(want)) => match decode(&reply.body, raw) {
                                Ok(got) if got == want && forwarded(case, asset_id) => {
                                    Fate::Forwarded
                                }
                                Ok(got) if got == want => Fate::Refused,
                                _ => Fate::Garbled,
                            },
                        };
                        if matches!(fate, Fate::Lost | Fate::Garbled) {
                            eprintln!("load: request {i} ({case}, asset {asset_id}, raw {raw}): {fate:?}");
                        }
                        seen.push((fate, sent.elapsed()));
                    }
                })
            })
            .collect();
        let mut seen = Vec::with_capacity(REQUESTS);
        for worker in workers {
            seen.extend(worker.await.unwrap());
        }
        let elapsed = started.elapsed();
        let count = |fate| seen.iter().filter(|(f, _)| *f == fate).count();
        let mut latencies: Vec<_> = seen.iter().map(|(_, l)| *l).collect();
        latencies.sort_unstable();
        let percentile = |p: usize| latencies[(latencies.len() * p / 100).min(latencies.len() - 1)];
        println!(
            "load: {REQUESTS} requests, {CONCURRENCY} concurrent, relay mode: {} forwarded, {} refused, \
             {} aborted (over a limit), {} lost, {} garbled; {:.2} s, {:.0} requests/s, p50 {:.2} ms, p99 {:.2} ms",
            count(Fate::Forwarded),
            count(Fate::Refused),
            count(Fate::Aborted),
            count(Fate::Lost),
            count(Fate::Garbled),
            elapsed.as_secs_f64(),
            REQUESTS as f64 / elapsed.as_secs_f64(),
            percentile(50).as_secs_f64() * 1e3,
            percentile(99).as_secs_f64() * 1e3,
        );
        assert_eq!(seen.len(), REQUESTS, "answers missing");
        assert_eq!((count(Fate::Lost), count(Fate::Garbled)), (0, 0));
        let over_a_limit = (0..REQUESTS)
            .filter(|&i| {
                let (case, asset_id, _) = load_case(i);
                expected_decoded(case, asset_id).is_none()
            })
            .count();
        assert_eq!(count(Fate::Aborted), over_a_limit);
        assert_eq!(setup.settled().await, 0);
    })
    .await;
}

/// The command line: every flag, its default, and the addresses it takes.
#[test]
fn test_command_line() {
    let parse = |args: &[&str]| license_proxy::parse_args(args.iter().map(|a| a.to_string()));
    let (listen, config) = parse(&["--upstream", "http://127.0.0.1:1/GetEMMs.cgi"]).unwrap();
    assert_eq!(listen, "127.0.0.1:0".parse().unwrap());
    assert_eq!(config.mode, license_proxy::Mode::Relay);
    assert_eq!(config.verify, getemms::relay::Verify::Header);
    assert_eq!(config.timeout, Duration::from_secs(2));
    assert_eq!(config.max_body, 2 << 20);
    assert_eq!(config.options.max_emm_len, Some(1 << 20));
    assert_eq!(
        (config.deny_code, config.error_code),
        (LicenseStatus::from(600), LicenseStatus::from(520))
    );
    // Any address: the loopback refusal is gone.
    let (listen, config) = parse(&[
        "--upstream",
        "http://10.0.0.1/GetEMMs.cgi",
        "--listen",
        "0.0.0.0:8080",
        "--mode",
        "passthrough",
        "--verify",
        "body",
        "--deny",
        "1,2 3",
        "--deny",
        "4",
        "--map-status",
        "1=6",
        "--map-status",
        "UNKNOWN_CODE=7",
        "--wrap",
        "mime",
        "--timeout-ms",
        "50",
    ])
    .unwrap();
    assert_eq!(listen, "0.0.0.0:8080".parse().unwrap());
    assert_eq!(config.mode, license_proxy::Mode::Passthrough);
    assert_eq!(config.verify, getemms::relay::Verify::Body);
    assert_eq!(config.deny, [1, 2, 3, 4].into());
    assert_eq!(
        config.map_status[&LicenseStatus::from(1)],
        LicenseStatus::from(6)
    );
    assert_eq!(
        config.map_status[&LicenseStatus::from(46)],
        LicenseStatus::from(7)
    );
    assert_eq!(config.wrap, LineWrap::Mime);
    assert_eq!(config.timeout, Duration::from_millis(50));
    for bad in [
        &["--listen", "127.0.0.1:0"][..],
        &["--upstream", "http://a/", "--deny-code", "42"],
        &["--upstream", "http://a/", "--map-status", "1"],
        &["--upstream", "http://a/", "--mode", "fast"],
        &["--upstream", "http://a/", "--deny", "x"],
        &["--upstream", "http://a/", "--passthrough"],
    ] {
        assert!(parse(bad).is_err(), "{bad:?}");
    }
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
