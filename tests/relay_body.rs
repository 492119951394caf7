//! `getemms::http::RelayBody` and `fix_headers`: frames out as they came,
//! nothing allocated per frame, sizes and headers that match the body,
//! errors that abort. The upstream bodies here are always ready, so no
//! runtime is needed; the per-thread counting allocator measures what the
//! relay allocates.
#![cfg(feature = "http")]

mod support;

use std::collections::VecDeque;
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, Waker};

use bytes::Bytes;
use getemms::base64::LineWrap;
use getemms::http::{RelayBody, RelayBodyError};
use getemms::relay::{HOLD_BACK, RelayError, RelayOptions, Verdict, Verify};
use getemms::{Encoding, Error, Header, LicenseStatus, Response, Transport};
use http::HeaderMap;
use http_body::{Body, Frame, SizeHint};
use support::counting_alloc::{CountingAllocator, allocated_bytes, allocations};

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

/// An upstream body of frames given in advance, always ready; it says
/// when it is dropped.
struct Upstream {
    frames: VecDeque<Result<Frame<Bytes>, &'static str>>,
    hint: SizeHint,
    dropped: Arc<AtomicBool>,
}

impl Upstream {
    fn new(frames: impl IntoIterator<Item = Bytes>) -> Self {
        let frames: VecDeque<_> = frames.into_iter().map(|f| Ok(Frame::data(f))).collect();
        let len = frames
            .iter()
            .map(|f| {
                f.as_ref()
                    .ok()
                    .and_then(Frame::data_ref)
                    .map_or(0, |d| d.len() as u64)
            })
            .sum();
        Self {
            frames,
            hint: SizeHint::with_exact(len),
            dropped: Arc::new(AtomicBool::new(false)),
        }
    }

    fn chunked(mut self) -> Self {
        self.hint = SizeHint::new();
        self
    }
}

impl Drop for Upstream {
    fn drop(&mut self) {
        self.dropped.store(true, Ordering::SeqCst);
    }
}

impl Body for Upstream {
    type Data = Bytes;
    type Error = &'static str;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, &'static str>>> {
        let frame = self.frames.pop_front();
        if let Some(Ok(data)) = frame.as_ref().map(|f| f.as_ref().map(Frame::data_ref)) {
            let len = data.map_or(0, |d| d.len() as u64);
            let rest = self.hint.exact().map(|n| n.saturating_sub(len));
            if let Some(rest) = rest {
                self.hint = SizeHint::with_exact(rest);
            }
        }
        Poll::Ready(frame)
    }

    fn size_hint(&self) -> SizeHint {
        self.hint
    }

    /// As hyper's body of a `Content-Length`: ended once that length came.
    fn is_end_stream(&self) -> bool {
        self.frames.is_empty() && self.hint.exact() == Some(0)
    }
}

type Relayed = RelayBody<Upstream, fn(&Header) -> Verdict>;

fn forward(_: &Header) -> Verdict {
    Verdict::Forward
}

fn rewrite(header: &Header) -> Verdict {
    Verdict::Rewrite(Header {
        license_status: LicenseStatus::from(2),
        ..*header
    })
}

fn reject(header: &Header) -> Verdict {
    Verdict::Reject(Header::short(LicenseStatus::from(600), header.asset_id))
}

fn emm(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 31 % 251) as u8).collect()
}

fn body(emm: &[u8], encoding: Encoding) -> Vec<u8> {
    let mut out = Vec::new();
    encoding.encode(&Response::new(1, 12345, 7, emm), &mut out);
    out
}

fn relayed(upstream: Upstream, transport: Transport, policy: fn(&Header) -> Verdict) -> Relayed {
    RelayBody::new(upstream, RelayOptions::new(transport), policy)
}

/// Polls `body` to its end: the data frames, the trailers, or the error.
fn drain<B: Body<Data = Bytes> + Unpin>(
    body: &mut B,
) -> (Vec<Bytes>, Option<HeaderMap>, Option<B::Error>) {
    let mut cx = Context::from_waker(Waker::noop());
    let (mut frames, mut trailers) = (Vec::new(), None);
    loop {
        match Pin::new(&mut *body).poll_frame(&mut cx) {
            Poll::Ready(Some(Ok(frame))) => match frame.into_data() {
                Ok(data) => frames.push(data),
                Err(frame) => trailers = frame.into_trailers().ok(),
            },
            Poll::Ready(Some(Err(error))) => return (frames, trailers, Some(error)),
            Poll::Ready(None) => return (frames, trailers, None),
            Poll::Pending => panic!("a ready upstream left the relay pending"),
        }
    }
}

fn decide<B: Body<Data = Bytes> + Unpin, P: getemms::relay::Policy>(
    body: &mut RelayBody<B, P>,
) -> Result<(), RelayBodyError<B::Error>> {
    match pin!(body.decide()).poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(result) => result,
        Poll::Pending => panic!("a ready upstream left decide pending"),
    }
}

fn concat(frames: &[Bytes]) -> Vec<u8> {
    frames.iter().flat_map(|f| f.iter().copied()).collect()
}

#[test]
fn test_frames_after_the_header_are_the_upstreams_own() {
    let whole = Bytes::from(body(&emm(40_000), Encoding::Raw));
    let frames: Vec<Bytes> = (0..whole.len())
        .step_by(16_384)
        .map(|at| whole.slice(at..(at + 16_384).min(whole.len())))
        .collect();
    let mut relay = relayed(Upstream::new(frames.clone()), Transport::Raw, forward);
    let (out, _, error) = drain(&mut relay);
    assert!(error.is_none());
    assert_eq!(out.len(), frames.len());
    for (got, sent) in out.iter().zip(&frames) {
        assert_eq!(got.as_ptr(), sent.as_ptr(), "a frame was copied");
        assert_eq!(got.len(), sent.len());
    }

    // A header split over frames goes out as one small frame, then a
    // slice of the frame it completed in.
    let split = [whole.slice(..5), whole.slice(5..20), whole.slice(20..)];
    let mut relay = relayed(Upstream::new(split.clone()), Transport::Raw, rewrite);
    let (out, _, error) = drain(&mut relay);
    assert!(error.is_none());
    assert_eq!(out.len(), 3);
    assert_eq!(out[0].len(), 12);
    assert_eq!(out[1].as_ptr(), split[1][7..].as_ptr());
    assert_eq!(out[2].as_ptr(), split[2].as_ptr());
    let got = concat(&out);
    let parsed = Response::parse(&got).unwrap();
    assert_eq!(parsed.license_status(), LicenseStatus::from(2));
    assert_eq!(&got[12..], &whole[12..]);
}

#[test]
fn test_a_header_split_at_every_offset_in_every_transport() {
    let emm = emm(300);
    for encoding in [
        Encoding::Raw,
        Encoding::Base64(LineWrap::None),
        Encoding::Base64(LineWrap::Mime),
    ] {
        let whole = Bytes::from(body(&emm, encoding));
        for cut in 0..=20 {
            for policy in [forward as fn(&Header) -> Verdict, rewrite, reject] {
                let frames = [whole.slice(..cut), whole.slice(cut..)];
                let mut relay = relayed(Upstream::new(frames), Transport::Auto, policy);
                let (out, _, error) = drain(&mut relay);
                assert!(error.is_none(), "{encoding:?} cut {cut}");
                let want = match relay.verdict() {
                    Some(Verdict::Forward) => whole.to_vec(),
                    Some(Verdict::Rewrite(_)) => body_with(&emm, 2, encoding),
                    Some(Verdict::Reject(refusal)) => {
                        let mut out = Vec::new();
                        let one_line = match encoding {
                            Encoding::Raw => Encoding::Raw,
                            Encoding::Base64(_) => Encoding::Base64(LineWrap::None),
                        };
                        one_line.encode(
                            &Response::rejection(refusal.license_status, refusal.asset_id),
                            &mut out,
                        );
                        out
                    }
                    None => panic!("no verdict"),
                };
                assert_eq!(concat(&out), want, "{encoding:?} cut {cut}");
                assert!(out.iter().all(|f| !f.is_empty()));
            }
        }
    }
}

fn body_with(emm: &[u8], status: u32, encoding: Encoding) -> Vec<u8> {
    let mut out = Vec::new();
    encoding.encode(&Response::new(status, 12345, 7, emm), &mut out);
    out
}

/// An upstream of one header frame and `count` frames sharing one 16 KiB
/// allocation: an EMM of `count` × 16 KiB (+ the rest of the first frame).
fn big_upstream(count: usize, base64: bool) -> Upstream {
    let chunk = if base64 {
        // 16 KiB of base64 letters: any 4 letters decode.
        Bytes::from(vec![b'A'; 16_384])
    } else {
        Bytes::from(vec![0xA5; 16_384])
    };
    let head: Bytes = if base64 {
        Bytes::from_static(b"AAAAAQAAMDkAAAAH")
    } else {
        Bytes::from_static(&[0, 0, 0, 1, 0, 0, 0x30, 0x39, 0, 0, 0, 7])
    };
    // Promote the chunk's storage to a shared one before measuring:
    // clones and slices of it then only bump its count.
    let _ = chunk.clone();
    let mut frames = vec![head];
    frames.extend(std::iter::repeat_n(chunk, count));
    Upstream::new(frames)
}

/// Allocations (count, bytes) made while relaying all of `upstream`.
fn measure(
    upstream: Upstream,
    transport: Transport,
    policy: fn(&Header) -> Verdict,
    verify: Verify,
) -> (usize, usize, u64) {
    let options = RelayOptions::new(transport).with_verify(verify);
    let mut relay = RelayBody::new(upstream, options, policy);
    let mut cx = Context::from_waker(Waker::noop());
    let (count, bytes) = (allocations(), allocated_bytes());
    let mut total = 0u64;
    while let Poll::Ready(Some(frame)) = Pin::new(&mut relay).poll_frame(&mut cx) {
        let frame = frame.expect("a valid body");
        total += frame.data_ref().map_or(0, |d| d.len() as u64);
        drop(frame);
    }
    (allocations() - count, allocated_bytes() - bytes, total)
}

#[test]
fn test_relaying_64_mib_allocates_what_1_kib_does() {
    for base64 in [false, true] {
        let transport = if base64 {
            Transport::Base64
        } else {
            Transport::Raw
        };
        // Forward allocates nothing at all; a rewrite, its one header frame.
        for (policy, most) in [(forward as fn(&Header) -> Verdict, 0), (rewrite, 1)] {
            for verify in [Verify::Header, Verify::Body] {
                // 4,096 frames of 16 KiB (64 MiB) against 1 frame.
                let big = measure(big_upstream(4096, base64), transport, policy, verify);
                let small = measure(big_upstream(1, base64), transport, policy, verify);
                assert_eq!(big.2, 16 + 4096 * 16_384 - if base64 { 0 } else { 4 });
                assert_eq!(
                    (big.0, big.1),
                    (small.0, small.1),
                    "base64 {base64}, verify {verify:?}: allocations grew with the body"
                );
                assert!(big.0 <= most, "{big:?}");
            }
        }
    }
}

#[test]
fn test_reject_drops_the_upstream_and_sends_the_refusal_alone() {
    let whole = Bytes::from(body(&emm(5000), Encoding::Base64(LineWrap::Mime)));
    let upstream = Upstream::new([whole.slice(..20), whole.slice(20..)]);
    let dropped = Arc::clone(&upstream.dropped);
    let mut relay = relayed(upstream, Transport::Auto, reject);
    decide(&mut relay).unwrap();
    assert!(dropped.load(Ordering::SeqCst), "the upstream is still held");
    assert_eq!(relay.size_hint().exact(), Some(12));
    let mut headers = HeaderMap::new();
    headers.insert("content-length", whole.len().into());
    headers.insert("transfer-encoding", "chunked".parse().unwrap());
    relay.fix_headers(&mut headers);
    assert_eq!(headers["content-length"], "12");
    assert!(headers.get("transfer-encoding").is_none());
    // The upstream named no transport and the refusal keeps its own: none
    // is added, as a pass-through proxy would answer.
    assert!(headers.get("content-transfer-encoding").is_none());
    let (out, _, error) = drain(&mut relay);
    assert!(error.is_none());
    assert_eq!(concat(&out), b"AAACWAAAMDk=");
    assert!(relay.is_end_stream());
}

#[test]
fn test_transcoding_both_ways_and_the_sizes() {
    let emm = emm(1000);
    let raw = Bytes::from(body(&emm, Encoding::Raw));
    for wrap in [LineWrap::None, LineWrap::Mime] {
        let text = body(&emm, Encoding::Base64(wrap));
        let frames: Vec<Bytes> = raw.chunks(97).map(Bytes::copy_from_slice).collect();
        let mut relay = relayed(Upstream::new(frames), Transport::Raw, forward)
            .with_encoding(Encoding::Base64(wrap));
        decide(&mut relay).unwrap();
        assert_eq!(relay.size_hint().exact(), Some(text.len() as u64));
        let mut headers = HeaderMap::new();
        headers.insert("content-length", raw.len().into());
        headers.insert("content-type", "application/octet-stream".parse().unwrap());
        relay.fix_headers(&mut headers);
        assert_eq!(headers["content-length"], text.len().to_string());
        assert_eq!(headers["content-type"], "text/plain");
        let (out, _, error) = drain(&mut relay);
        assert!(error.is_none());
        assert_eq!(concat(&out), text);

        // And back: base64 to a raw client, in 5-byte frames.
        let frames: Vec<Bytes> = text.chunks(5).map(Bytes::copy_from_slice).collect();
        let mut relay =
            relayed(Upstream::new(frames), Transport::Auto, rewrite).with_encoding(Encoding::Raw);
        decide(&mut relay).unwrap();
        assert_eq!(
            relay.size_hint().exact(),
            None,
            "base64 to raw: length unknown"
        );
        let mut headers = HeaderMap::new();
        headers.insert("content-length", text.len().into());
        relay.fix_headers(&mut headers);
        assert!(headers.get("content-length").is_none());
        assert_eq!(headers["content-transfer-encoding"], "binary");
        let (out, _, error) = drain(&mut relay);
        assert!(error.is_none());
        assert_eq!(concat(&out), body_with(&emm, 2, Encoding::Raw));
    }
}

#[test]
fn test_forward_keeps_the_length_and_the_hint() {
    let whole = Bytes::from(body(&emm(100), Encoding::Base64(LineWrap::None)));
    let mut relay = relayed(
        Upstream::new([whole.slice(..7), whole.slice(7..)]),
        Transport::Base64,
        forward,
    );
    decide(&mut relay).unwrap();
    assert_eq!(relay.size_hint().exact(), Some(whole.len() as u64));
    let mut headers = HeaderMap::new();
    headers.insert("content-length", whole.len().into());
    relay.fix_headers(&mut headers);
    assert_eq!(headers["content-length"], whole.len().to_string());
    assert_eq!(headers["content-type"], "text/plain");

    // Chunked upstream: no length to keep, none invented.
    let chunked = Upstream::new([whole.clone()]).chunked();
    let mut relay = relayed(chunked, Transport::Base64, forward);
    decide(&mut relay).unwrap();
    let mut headers = HeaderMap::new();
    relay.fix_headers(&mut headers);
    assert!(headers.get("content-length").is_none());
    let (out, _, _) = drain(&mut relay);
    assert_eq!(concat(&out), whole);
}

#[test]
fn test_the_first_of_several_lengths_and_labels_is_the_one_checked() {
    let raw = Bytes::from(body(&emm(40), Encoding::Raw));
    let mut relay = relayed(Upstream::new([raw.clone()]), Transport::Raw, forward);
    decide(&mut relay).unwrap();
    let mut headers = HeaderMap::new();
    // The first length is wrong, the second right: one right value goes out.
    headers.append("content-length", "99".parse().unwrap());
    headers.append("content-length", raw.len().into());
    // The first label is wrong, the second right: it is corrected.
    headers.append("content-transfer-encoding", "8bit".parse().unwrap());
    headers.append("content-transfer-encoding", "binary".parse().unwrap());
    relay.fix_headers(&mut headers);
    let lengths: Vec<_> = headers.get_all("content-length").iter().collect();
    assert_eq!(lengths, [raw.len().to_string().as_str()]);
    let labels: Vec<_> = headers
        .get_all("content-transfer-encoding")
        .iter()
        .collect();
    assert_eq!(labels, ["binary"]);
}

#[test]
fn test_the_transport_label_is_added_only_where_it_changes_or_is_wrong() {
    let raw = Bytes::from(body(&emm(40), Encoding::Raw));
    let text = Bytes::from(body(&emm(40), Encoding::Base64(LineWrap::None)));
    /// An upstream body, its label, the client's encoding, the label that
    /// goes out.
    type Case<'a> = (
        &'a Bytes,
        Option<&'a str>,
        Option<Encoding>,
        Option<&'a str>,
    );
    let cases: [Case<'_>; 8] = [
        // Its own transport, unnamed: the upstream's headers stay as they were.
        (&raw, None, None, None),
        (&text, None, None, None),
        (&raw, None, Some(Encoding::Raw), None),
        // Named right (in any case): kept as it was written.
        (&text, Some("BASE64"), None, Some("BASE64")),
        // Named wrong, or with a raw name that is not `binary`: corrected.
        (&raw, Some("8bit"), None, Some("binary")),
        (&text, Some("binary"), None, Some("base64")),
        // Another transport goes out: always named.
        (
            &raw,
            None,
            Some(Encoding::Base64(LineWrap::None)),
            Some("base64"),
        ),
        (&text, Some("base64"), Some(Encoding::Raw), Some("binary")),
    ];
    for (upstream, label, encoding, expected) in cases {
        let mut relay = relayed(Upstream::new([upstream.clone()]), Transport::Auto, forward);
        if let Some(encoding) = encoding {
            relay = relay.with_encoding(encoding);
        }
        decide(&mut relay).unwrap();
        let mut headers = HeaderMap::new();
        if let Some(label) = label {
            headers.insert("content-transfer-encoding", label.parse().unwrap());
        }
        relay.fix_headers(&mut headers);
        assert_eq!(
            headers
                .get("content-transfer-encoding")
                .map(|v| v.to_str().unwrap()),
            expected,
            "{label:?} to {encoding:?}"
        );
    }
}

#[test]
fn test_errors_after_forwarding_began_abort_the_body() {
    // The upstream fails after the header and 100 EMM bytes.
    let whole = Bytes::from(body(&emm(300), Encoding::Raw));
    let mut upstream = Upstream::new([whole.slice(..112)]);
    upstream.frames.push_back(Err("connection reset"));
    let mut relay = relayed(upstream, Transport::Raw, forward);
    let (out, _, error) = drain(&mut relay);
    assert_eq!(concat(&out), &whole[..112]);
    assert_eq!(
        error,
        Some(RelayBodyError::Upstream {
            error: "connection reset",
            received: 112,
            sent: 112
        })
    );
    assert!(
        error
            .unwrap()
            .to_string()
            .contains("112 bytes were already sent")
    );

    // A bad letter at 100 KiB with body verification.
    let mut text = body(&emm(100 << 10), Encoding::Base64(LineWrap::Mime));
    text[100 << 10] = b'*';
    let frames: Vec<Bytes> = text.chunks(16_384).map(Bytes::copy_from_slice).collect();
    let options = RelayOptions::new(Transport::Base64).with_verify(Verify::Body);
    let mut relay = RelayBody::new(
        Upstream::new(frames),
        options,
        forward as fn(&Header) -> Verdict,
    );
    let (out, _, error) = drain(&mut relay);
    let Some(RelayBodyError::Relay {
        error: RelayError::Body(Error::InvalidBase64 { offset, byte, .. }),
        sent,
    }) = error
    else {
        panic!("{error:?}")
    };
    assert_eq!((offset, byte), (100 << 10, b'*'));
    assert_eq!(sent, 6 * 16_384, "the frames before the bad one went out");
    assert_eq!(concat(&out), &text[..6 * 16_384]);

    // A truncated header fails in decide: nothing was sent.
    let mut relay = relayed(Upstream::new([whole.slice(..10)]), Transport::Raw, forward);
    let error = decide(&mut relay).unwrap_err();
    assert_eq!(error.sent(), 0);
    assert_eq!(
        error,
        RelayBodyError::Relay {
            error: RelayError::Body(Response::parse(&whole[..10]).unwrap_err()),
            sent: 0
        }
    );
}

#[test]
fn test_trailers_are_passed_on() {
    let whole = Bytes::from(body(&emm(10), Encoding::Raw));
    let mut upstream = Upstream::new([whole.clone()]);
    let mut trailers = HeaderMap::new();
    trailers.insert("x-checksum", "abc".parse().unwrap());
    upstream
        .frames
        .push_back(Ok(Frame::trailers(trailers.clone())));
    let mut relay = relayed(upstream, Transport::Raw, forward);
    let (out, got, error) = drain(&mut relay);
    assert!(error.is_none());
    assert_eq!(concat(&out), whole);
    assert_eq!(got, Some(trailers));
}

#[test]
fn test_the_short_form_is_decided_at_the_end() {
    let refusal = Bytes::from_static(b"AAACWAAAAAA=\r\n");
    let frames: Vec<Bytes> = refusal.chunks(3).map(Bytes::copy_from_slice).collect();
    let mut relay = relayed(Upstream::new(frames), Transport::Auto, forward);
    decide(&mut relay).unwrap();
    assert_eq!(
        relay.header(),
        Some(Header::short(LicenseStatus::from(600), 0))
    );
    assert!(
        relay
            .size_hint()
            .exact()
            .is_some_and(|n| n <= HOLD_BACK as u64)
    );
    let (out, _, error) = drain(&mut relay);
    assert!(error.is_none());
    assert_eq!(concat(&out), refusal);
}

#[test]
fn test_untouched_bodies_pass_as_they_are() {
    let upstream = Upstream::new([Bytes::from_static(b"<html>503</html>")]);
    let mut relay: RelayBody<Upstream, getemms::relay::ForwardAll> = RelayBody::untouched(upstream);
    decide(&mut relay).unwrap();
    let mut headers = HeaderMap::new();
    headers.insert("content-type", "text/html".parse().unwrap());
    relay.fix_headers(&mut headers);
    assert_eq!(headers.len(), 1);
    let (out, _, error) = drain(&mut relay);
    assert!(error.is_none());
    assert_eq!(concat(&out), b"<html>503</html>");
}

/// A raw short form is decided at the end, where its 8 bytes and the
/// encoder's end go out in one frame: that frame has room for both.
#[test]
fn test_a_raw_short_form_to_a_base64_client() {
    let upstream = Upstream::new([Bytes::from_static(&[0, 0, 2, 0x58, 0, 0, 0, 0])]);
    let mut relay =
        relayed(upstream, Transport::Raw, forward).with_encoding(Encoding::Base64(LineWrap::Mime));
    decide(&mut relay).unwrap();
    let (out, _, error) = drain(&mut relay);
    assert!(error.is_none(), "{error:?}");
    assert_eq!(concat(&out), b"AAACWAAAAAA=\n");
}

#[test]
fn test_decide_reads_the_upstream_only_up_to_the_header() {
    let whole = Bytes::from(body(&emm(3000), Encoding::Raw));
    let frames: Vec<Bytes> = (0..whole.len())
        .step_by(100)
        .map(|at| whole.slice(at..(at + 100).min(whole.len())))
        .collect();
    for policy in [forward as fn(&Header) -> Verdict, rewrite] {
        let mut relay = relayed(Upstream::new(frames.clone()), Transport::Raw, policy);
        decide(&mut relay).unwrap();
        // One frame read, the one with the header; it waits to be sent.
        assert_eq!(relay.relay().map(|r| r.received()), Some(100));
        assert_eq!(relay.sent(), 0);
        assert!(relay.verdict().is_some());
        let (out, _, error) = drain(&mut relay);
        assert!(error.is_none());
        assert_eq!(relay.sent(), whole.len() as u64);
        assert_eq!(out.iter().map(Bytes::len).sum::<usize>(), whole.len());
        assert_eq!(concat(&out)[12..], whole[12..]);
    }
}

/// Frames each in a `Vec` of its own, as `Bytes::from(Vec)` makes them:
/// a clone or slice of one would allocate its shared storage.
fn vec_frames(count: usize, base64: bool) -> Upstream {
    let head: &[u8] = if base64 {
        b"AAAAAQAAMDkAAAAH"
    } else {
        &[0, 0, 0, 1, 0, 0, 0x30, 0x39, 0, 0, 0, 7]
    };
    let fill = if base64 { b'A' } else { 0xA5 };
    let mut frames = vec![Bytes::copy_from_slice(head)];
    frames.extend((0..count).map(|_| Bytes::from(vec![fill; 1024])));
    Upstream::new(frames)
}

#[test]
fn test_whole_frames_go_on_without_a_clone() {
    for base64 in [false, true] {
        let transport = if base64 {
            Transport::Base64
        } else {
            Transport::Raw
        };
        // The client's encoding set to the upstream's is no transcoding.
        let same = if base64 {
            Encoding::Base64(LineWrap::None)
        } else {
            Encoding::Raw
        };
        for encoding in [None, Some(same)] {
            let count = |frames| {
                let options = RelayOptions::new(transport);
                let mut relay = RelayBody::new(vec_frames(frames, base64), options, rewrite);
                if let Some(encoding) = encoding {
                    relay = relay.with_encoding(encoding);
                }
                let mut cx = Context::from_waker(Waker::noop());
                let before = allocations();
                let mut total = 0;
                while let Poll::Ready(Some(frame)) = Pin::new(&mut relay).poll_frame(&mut cx) {
                    total += frame.unwrap().into_data().map_or(0, |d| d.len());
                }
                assert_eq!(total, if base64 { 16 } else { 12 } + frames * 1024);
                allocations() - before
            };
            // The rewritten header's frame, whatever the number of frames.
            assert_eq!(
                (count(1), count(64)),
                (1, 1),
                "base64 {base64}, {encoding:?}"
            );
        }
    }
}

/// Polls `body` as hyper does for a response of `length` bytes: no more
/// once that many are sent. The bytes sent, and the error if one came.
fn send_as_hyper<B: Body<Data = Bytes> + Unpin>(
    body: &mut B,
    length: usize,
) -> (Vec<u8>, Option<B::Error>) {
    let mut cx = Context::from_waker(Waker::noop());
    let mut sent = Vec::new();
    while sent.len() < length {
        match Pin::new(&mut *body).poll_frame(&mut cx) {
            Poll::Ready(Some(Ok(frame))) => {
                sent.extend_from_slice(frame.data_ref().map_or(&[][..], |d| &d[..]));
            }
            Poll::Ready(Some(Err(error))) => return (sent, Some(error)),
            Poll::Ready(None) => break,
            Poll::Pending => panic!("a ready upstream left the relay pending"),
        }
    }
    (sent, None)
}

#[test]
fn test_a_bad_end_aborts_before_the_announced_length_is_sent() {
    // 21 letters: the last group has one letter, an error only the end of
    // the text shows.
    let bad = [&b"AAAAAQAAMDkAAAAH"[..], b"yv4A", b"Q"];
    let good = [&b"AAAAAQAAMDkAAAAH"[..], b"yv4A", b"QQ=="];
    for (frames, fails) in [(bad, true), (good, false)] {
        let length: usize = frames.iter().map(|f| f.len()).sum();
        let upstream = Upstream::new(frames.map(Bytes::from_static));
        let options = RelayOptions::new(Transport::Base64).with_verify(Verify::Body);
        let mut relay = RelayBody::new(upstream, options, forward as fn(&Header) -> Verdict);
        let (sent, error) = send_as_hyper(&mut relay, length);
        if fails {
            assert!(sent.len() < length, "a complete-looking bad body: {sent:?}");
            assert!(
                matches!(
                    error,
                    Some(RelayBodyError::Relay {
                        error: RelayError::Body(Error::TruncatedBase64 { offset: 21, .. }),
                        sent: 20,
                    })
                ),
                "{error:?}"
            );
        } else {
            assert_eq!(error, None);
            assert_eq!(sent, frames.concat());
        }
    }
}

#[test]
fn test_end_of_stream_and_the_upstream_length() {
    let whole = Bytes::from(body(&emm(100), Encoding::Raw));
    let frames = [whole.slice(..5), whole.slice(5..)];
    let mut relay = relayed(Upstream::new(frames.clone()), Transport::Raw, rewrite);
    assert_eq!(relay.upstream_len(), Some(whole.len() as u64));
    assert!(!relay.is_end_stream());
    let mut cx = Context::from_waker(Waker::noop());
    // The header (held over two frames) and the rest of the second frame
    // are queued, and the upstream has ended: one frame still to go.
    let Poll::Ready(Some(Ok(header))) = Pin::new(&mut relay).poll_frame(&mut cx) else {
        panic!("the header frame");
    };
    assert_eq!(header.into_data().unwrap().len(), 12);
    assert!(!relay.is_end_stream(), "a queued frame is left");
    let Poll::Ready(Some(Ok(rest))) = Pin::new(&mut relay).poll_frame(&mut cx) else {
        panic!("the rest");
    };
    assert_eq!(rest.into_data().unwrap(), whole.slice(12..));
    assert!(relay.is_end_stream());
    assert!(matches!(
        Pin::new(&mut relay).poll_frame(&mut cx),
        Poll::Ready(None)
    ));

    // Chunked: no length, and the end comes with the upstream's `None`.
    let relay = relayed(Upstream::new(frames).chunked(), Transport::Raw, forward);
    assert_eq!(relay.upstream_len(), None);
    assert!(!relay.is_end_stream());
}

#[test]
fn test_nothing_comes_after_an_error() {
    // The bad end is found with the last frame queued: it never goes out,
    // and the body has ended.
    let frames = [&b"AAAAAQAAMDkAAAAH"[..], b"yv4AQ"].map(Bytes::from_static);
    let options = RelayOptions::new(Transport::Base64).with_verify(Verify::Body);
    let mut relay = RelayBody::new(
        Upstream::new(frames),
        options,
        forward as fn(&Header) -> Verdict,
    );
    let mut cx = Context::from_waker(Waker::noop());
    let mut sent = Vec::new();
    let error = loop {
        match Pin::new(&mut relay).poll_frame(&mut cx) {
            Poll::Ready(Some(Ok(frame))) => sent.extend_from_slice(&frame.into_data().unwrap()),
            Poll::Ready(Some(Err(error))) => break error,
            other => panic!("{other:?}"),
        }
    };
    assert!(matches!(error, RelayBodyError::Relay { .. }), "{error:?}");
    assert_eq!(sent, b"AAAAAQAAMDkAAAAH");
    assert!(relay.is_end_stream());
    assert!(matches!(
        Pin::new(&mut relay).poll_frame(&mut cx),
        Poll::Ready(None)
    ));
}

#[test]
fn test_auto_waits_for_a_byte_before_choosing_the_transcoding() {
    // An empty first frame says nothing of the transport: the base64 text
    // after it still goes to a raw client decoded.
    let text = Bytes::from(body(&emm(40), Encoding::Base64(LineWrap::None)));
    let frames = [Bytes::new(), text.slice(..3), text.slice(3..)];
    let relay = relayed(Upstream::new(frames), Transport::Auto, forward);
    let mut relay = relay.with_encoding(Encoding::Raw);
    let (out, _, error) = drain(&mut relay);
    assert!(error.is_none(), "{error:?}");
    assert_eq!(concat(&out), body(&emm(40), Encoding::Raw));
}
