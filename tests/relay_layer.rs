//! `getemms::http::RelayLayer` over a client service: the policy per
//! request, the client's encoding from the request's extensions, the
//! answers that are not relayed, and the errors that leave the caller free
//! to refuse. The inner service answers at once, so no runtime is needed.
#![cfg(feature = "tower")]

use std::future::{Ready, ready};
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use bytes::Bytes;
use getemms::base64::LineWrap;
use getemms::http::{ClientEncoding, RelayBodyError, RelayLayer, RelayServiceError};
use getemms::relay::{RelayError, RelayOptions, Verdict};
use getemms::{Encoding, Error, Header, LicenseStatus, Response, Transport};
use http_body_util::{BodyExt, Full};
use tower_layer::Layer;
use tower_service::Service;

/// What the stand-in license server answers, by the request's body.
#[derive(Clone, Copy)]
enum Answer {
    /// Status 1 for this asset, key 7, EMM CA FE, raw with a
    /// `Content-Length`.
    Raw(u32),
    /// The same as one line of base64, with `Content-Transfer-Encoding`.
    Base64(u32),
    /// These bytes, with this `Content-Transfer-Encoding`.
    Bytes(&'static [u8], &'static str),
    /// An HTTP error.
    Status(u16),
    /// The client failed.
    Refused,
}

#[derive(Clone)]
struct LicenseServer;

impl Service<http::Request<Answer>> for LicenseServer {
    type Response = http::Response<Full<Bytes>>;
    type Error = &'static str;
    type Future = Ready<Result<Self::Response, &'static str>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), &'static str>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<Answer>) -> Self::Future {
        let (body, transfer) = match *request.body() {
            Answer::Raw(asset_id) => (Response::new(1, asset_id, 7, b"\xCA\xFE").to_vec(), None),
            Answer::Base64(asset_id) => {
                let mut text = Vec::new();
                Response::new(1, asset_id, 7, b"\xCA\xFE").encode_base64(LineWrap::None, &mut text);
                (text, Some("base64"))
            }
            Answer::Bytes(bytes, transfer) => (bytes.to_vec(), Some(transfer)),
            Answer::Status(code) => {
                let mut answer = http::Response::new(Full::new(Bytes::from_static(b"busy")));
                *answer.status_mut() = http::StatusCode::from_u16(code).unwrap();
                return ready(Ok(answer));
            }
            Answer::Refused => return ready(Err("connection refused")),
        };
        let len = body.len();
        let mut answer = http::Response::new(Full::new(Bytes::from(body)));
        answer.headers_mut().insert("content-length", len.into());
        if let Some(transfer) = transfer {
            answer
                .headers_mut()
                .insert("content-transfer-encoding", transfer.parse().unwrap());
        }
        ready(Ok(answer))
    }
}

fn policy(header: &Header) -> Verdict {
    match header.asset_id {
        13 => Verdict::Reject(Header::short(LicenseStatus::from(600), 13)),
        5 => Verdict::Rewrite(Header {
            license_status: LicenseStatus::from(2),
            ..*header
        }),
        _ => Verdict::Forward,
    }
}

fn now<F: Future>(future: F) -> F::Output {
    match pin!(future).poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(output) => output,
        Poll::Pending => panic!("a ready service left the relay pending"),
    }
}

type Proxy = getemms::http::RelayService<LicenseServer, fn(&Header) -> Verdict>;

fn proxy(options: RelayOptions) -> Proxy {
    RelayLayer::new(options, policy as fn(&Header) -> Verdict).layer(LicenseServer)
}

/// The proxy's answer: HTTP status, headers and body, or the error.
fn ask(
    proxy: &mut Proxy,
    answer: Answer,
    encoding: Option<Encoding>,
) -> Result<
    (http::StatusCode, http::HeaderMap, Bytes),
    RelayServiceError<&'static str, std::convert::Infallible>,
> {
    assert!(matches!(
        now(std::future::poll_fn(|cx| proxy.poll_ready(cx))),
        Ok(())
    ));
    let mut request = http::Request::new(answer);
    if let Some(encoding) = encoding {
        request.extensions_mut().insert(ClientEncoding(encoding));
    }
    let response = now(proxy.call(request))?;
    let (parts, body) = response.into_parts();
    let body = now(body.collect()).expect("a relayed body").to_bytes();
    Ok((parts.status, parts.headers, body))
}

#[test]
fn test_each_verdict_in_the_upstreams_transport() {
    let mut proxy = proxy(RelayOptions::new(Transport::Auto));
    let (status, headers, body) = ask(&mut proxy, Answer::Raw(42), None).unwrap();
    assert_eq!(status, http::StatusCode::OK);
    assert_eq!(body, Response::new(1, 42, 7, b"\xCA\xFE").to_vec());
    assert_eq!(headers["content-length"], "14");
    // The upstream named no transport, and the body keeps its own: the
    // headers stay as the upstream sent them.
    assert!(headers.get("content-transfer-encoding").is_none());

    let (_, headers, body) = ask(&mut proxy, Answer::Base64(5), None).unwrap();
    assert_eq!(&body[..], b"AAAAAgAAAAUAAAAHyv4=");
    assert_eq!(headers["content-length"], "20");
    assert_eq!(headers["content-transfer-encoding"], "base64");

    let (_, headers, body) = ask(&mut proxy, Answer::Base64(13), None).unwrap();
    assert_eq!(&body[..], b"AAACWAAAAA0=");
    assert_eq!(headers["content-length"], "12");
}

#[test]
fn test_the_clients_encoding_from_the_request_extensions() {
    let mut proxy = proxy(RelayOptions::new(Transport::Auto));
    let mime = Encoding::Base64(LineWrap::Mime);
    let (_, headers, body) = ask(&mut proxy, Answer::Raw(5), Some(mime)).unwrap();
    assert_eq!(&body[..], b"AAAAAgAAAAUAAAAHyv4=\n");
    assert_eq!(headers["content-length"], "21");
    assert_eq!(headers["content-type"], "text/plain");

    // Base64 to raw: the raw length is known only once the text has been
    // read. This upstream's one frame ends it, so the relay had read it all
    // before the head went out, and the length is exact.
    let (_, headers, body) = ask(&mut proxy, Answer::Base64(42), Some(Encoding::Raw)).unwrap();
    assert_eq!(body, Response::new(1, 42, 7, b"\xCA\xFE").to_vec());
    assert_eq!(headers["content-length"], "14");
    assert_eq!(headers["content-type"], "application/octet-stream");

    // A refusal to a raw client: the raw short form.
    let (_, headers, body) = ask(&mut proxy, Answer::Base64(13), Some(Encoding::Raw)).unwrap();
    assert_eq!(&body[..], [0, 0, 2, 0x58, 0, 0, 0, 13]);
    assert_eq!(headers["content-transfer-encoding"], "binary");

    // The same transport in another layout is forwarded as it came.
    let (_, _, body) = ask(&mut proxy, Answer::Base64(42), Some(mime)).unwrap();
    assert_eq!(&body[..], b"AAAAAQAAACoAAAAHyv4=");
}

#[test]
fn test_the_layers_encoding_unless_the_request_names_another() {
    let layer = RelayLayer::new(
        RelayOptions::new(Transport::Auto),
        policy as fn(&Header) -> Verdict,
    )
    .with_encoding(Encoding::Raw);
    assert_eq!(layer.encoding(), Some(Encoding::Raw));
    let mut proxy = layer.layer(LicenseServer);
    // No extension: the layer's encoding, base64 decoded for a raw client.
    let (_, headers, body) = ask(&mut proxy, Answer::Base64(42), None).unwrap();
    assert_eq!(body, Response::new(1, 42, 7, b"\xCA\xFE").to_vec());
    assert_eq!(headers["content-transfer-encoding"], "binary");
    // The request's extension wins.
    let mime = Encoding::Base64(LineWrap::Mime);
    let (_, headers, body) = ask(&mut proxy, Answer::Raw(42), Some(mime)).unwrap();
    assert_eq!(&body[..], b"AAAAAQAAACoAAAAHyv4=\n");
    assert_eq!(headers["content-transfer-encoding"], "base64");
    // A refusal in the layer's encoding.
    let (_, _, body) = ask(&mut proxy, Answer::Base64(13), None).unwrap();
    assert_eq!(&body[..], [0, 0, 2, 0x58, 0, 0, 0, 13]);
}

#[test]
fn test_answers_that_are_not_relayed_and_errors_before_the_verdict() {
    let mut proxy = proxy(RelayOptions::new(Transport::Auto));
    // An HTTP error comes back untouched, for the proxy to refuse.
    let (status, headers, body) = ask(&mut proxy, Answer::Status(503), None).unwrap();
    assert_eq!(status, http::StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(&body[..], b"busy");
    assert!(headers.get("content-transfer-encoding").is_none());

    let error = ask(&mut proxy, Answer::Refused, None).unwrap_err();
    assert_eq!(error, RelayServiceError::Service("connection refused"));
    assert_eq!(
        error.to_string(),
        "upstream request failed: connection refused"
    );

    let error = ask(&mut proxy, Answer::Bytes(b"=", "quoted-printable"), None).unwrap_err();
    assert_eq!(error, RelayServiceError::UnsupportedTransferEncoding);

    // A truncated header: the body's error, nothing sent.
    let truncated: &[u8] = &[0, 0, 0, 1, 0, 0, 0, 42, 0, 0];
    let error = ask(&mut proxy, Answer::Bytes(truncated, "binary"), None).unwrap_err();
    let RelayServiceError::Body(body_error) = error else {
        panic!("{error:?}")
    };
    assert_eq!(body_error.sent(), 0);
    assert_eq!(
        body_error,
        RelayBodyError::Relay {
            error: RelayError::Body(Response::parse(truncated).unwrap_err()),
            sent: 0
        }
    );
    assert!(
        error.to_string().starts_with("truncated GetEMMs body"),
        "{error}"
    );

    // The header says base64 but the text is not: the decoders' error.
    let error = ask(&mut proxy, Answer::Bytes(b"AAAA*AAA", "base64"), None).unwrap_err();
    let RelayServiceError::Body(RelayBodyError::Relay { error, .. }) = error else {
        panic!("{error:?}")
    };
    assert!(matches!(
        error,
        RelayError::Body(Error::InvalidBase64 {
            offset: 4,
            byte: b'*',
            ..
        })
    ));
}

#[test]
fn test_an_explicit_transport_wins_over_the_header() {
    // Told raw, the relay reads base64 letters as raw bytes: a full header.
    let mut proxy = proxy(RelayOptions::new(Transport::Raw));
    let (_, headers, body) = ask(
        &mut proxy,
        Answer::Bytes(b"AAAAAQAAACoAAAAH", "base64"),
        None,
    )
    .unwrap();
    assert_eq!(&body[..], b"AAAAAQAAACoAAAAH");
    assert_eq!(headers["content-transfer-encoding"], "binary");
}

#[test]
fn test_the_header_names_the_transport_where_auto_would_guess_wrong() {
    // A raw body whose license status (0x4100_0001) starts with `A`, a
    // base64 letter: `Auto` alone would read it as base64 text. The
    // upstream's `Content-Transfer-Encoding: binary` decides instead.
    let raw: &[u8] = &[0x41, 0, 0, 1, 0, 0, 0, 42, 0, 0, 0, 7, 0xCA, 0xFE];
    let mut proxy = proxy(RelayOptions::new(Transport::Auto));
    let (_, headers, body) = ask(&mut proxy, Answer::Bytes(raw, "binary"), None).unwrap();
    assert_eq!(&body[..], raw);
    assert_eq!(headers["content-transfer-encoding"], "binary");
}

/// A client that is never ready: its pool is full.
struct Overloaded;

impl Service<http::Request<Answer>> for Overloaded {
    type Response = http::Response<Full<Bytes>>;
    type Error = std::io::Error;
    type Future = Ready<Result<Self::Response, Self::Error>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Err(std::io::Error::other("pool full")))
    }

    fn call(&mut self, _: http::Request<Answer>) -> Self::Future {
        ready(Err(std::io::Error::other("called while not ready")))
    }
}

#[test]
fn test_readiness_and_the_source_are_the_inner_services() {
    let mut service = RelayLayer::new(RelayOptions::new(Transport::Auto), policy).layer(Overloaded);
    let mut cx = Context::from_waker(Waker::noop());
    let Poll::Ready(Err(error)) = service.poll_ready(&mut cx) else {
        panic!("the inner service's readiness was not passed on");
    };
    assert_eq!(error.to_string(), "upstream request failed: pool full");
    assert_eq!(
        std::error::Error::source(&error).map(ToString::to_string),
        Some("pool full".to_owned())
    );
    let body = RelayServiceError::<std::io::Error, std::io::Error>::Body(RelayBodyError::Relay {
        error: RelayError::BodyTooLong { len: 9, limit: 8 },
        sent: 0,
    });
    assert_eq!(
        std::error::Error::source(&body).map(ToString::to_string),
        Some(RelayError::BodyTooLong { len: 9, limit: 8 }.to_string())
    );
    let unsupported =
        RelayServiceError::<std::io::Error, std::io::Error>::UnsupportedTransferEncoding;
    assert!(std::error::Error::source(&unsupported).is_none());
}

/// An upstream body that keeps the relay waiting: one `Pending` before
/// each of its frames.
#[derive(Debug)]
struct Slow {
    frames: std::collections::VecDeque<&'static [u8]>,
    waited: bool,
}

impl http_body::Body for Slow {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, Self::Error>>> {
        if !self.waited {
            self.waited = true;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        self.waited = false;
        let frame = self.frames.pop_front();
        Poll::Ready(frame.map(|bytes| Ok(http_body::Frame::data(Bytes::from_static(bytes)))))
    }

    /// Exact, as a body with a `Content-Length` says.
    fn size_hint(&self) -> http_body::SizeHint {
        http_body::SizeHint::with_exact(self.frames.iter().map(|frame| frame.len() as u64).sum())
    }
}

/// A license server whose answers come in these frames, slowly.
#[derive(Clone, Copy)]
struct SlowServer(&'static [&'static [u8]]);

impl Service<http::Request<()>> for SlowServer {
    type Response = http::Response<Slow>;
    type Error = &'static str;
    type Future = Ready<Result<Self::Response, &'static str>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), &'static str>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _: http::Request<()>) -> Self::Future {
        let mut answer = http::Response::new(Slow {
            frames: self.0.iter().copied().collect(),
            waited: false,
        });
        let len: usize = self.0.iter().map(|frame| frame.len()).sum();
        answer.headers_mut().insert("content-length", len.into());
        ready(Ok(answer))
    }
}

/// Polls `future` to its end with a waker that does nothing: the number
/// of `Pending`s on the way, and the output.
fn waited<F: Future>(future: F) -> (usize, F::Output) {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    for pending in 0..100 {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return (pending, output);
        }
    }
    panic!("still pending after 100 polls");
}

#[test]
fn test_a_body_that_keeps_the_relay_waiting_is_decided_once_its_header_came() {
    // Asset id 5: rewritten to status 2. The header comes in three frames,
    // each after a wait; the EMM in a fourth.
    const FRAMES: &[&[u8]] = &[b"\0\0\0\x01\0", b"\0\0\x05\0\0", b"\0\x07", b"\xCA\xFE"];
    let layer = RelayLayer::new(
        RelayOptions::new(Transport::Raw),
        policy as fn(&Header) -> Verdict,
    );
    let mut service = layer.layer(SlowServer(FRAMES));
    let (pending, response) = waited(service.call(http::Request::new(())));
    assert_eq!(pending, 3, "one wait per frame of the header");
    let response = response.expect("decided");
    assert_eq!(response.headers()["content-length"], "14");
    assert_eq!(
        response.body().verdict(),
        Some(Verdict::Rewrite(Header {
            license_status: LicenseStatus::from(2),
            ..Header::full(LicenseStatus::from(1), 5, 7)
        }))
    );
    let (_, body) = waited(response.into_body().collect());
    assert_eq!(
        body.expect("relayed").to_bytes(),
        Response::new(2, 5, 7, b"\xCA\xFE").to_vec()
    );

    // The upstream ends inside the header, after waits: the body's error,
    // nothing sent; and the future, once done, stays pending.
    const CUT: &[&[u8]] = &[b"\0\0\0\x01\0", b"\0\0\x05\0"];
    let mut service = layer.layer(SlowServer(CUT));
    let mut future = pin!(service.call(http::Request::new(())));
    let (pending, error) = waited(future.as_mut());
    assert_eq!(pending, 3);
    let Err(RelayServiceError::Body(RelayBodyError::Relay { error, sent: 0 })) = error else {
        panic!("{error:?}")
    };
    assert_eq!(
        error,
        RelayError::Body(Response::parse(b"\0\0\0\x01\0\0\0\x05\0").unwrap_err())
    );
    let mut cx = Context::from_waker(Waker::noop());
    assert!(future.as_mut().poll(&mut cx).is_pending());
}
