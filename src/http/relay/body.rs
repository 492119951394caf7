//! [`RelayBody`]: a [`Relay`] over any [`http_body::Body`], yielding the
//! upstream's frames as they arrive.

use alloc::boxed::Box;
use core::future::poll_fn;
use core::pin::Pin;
use core::task::{Context, Poll, ready};

use bytes::{Buf, Bytes, BytesMut};
use http::HeaderMap;
use http_body::{Body, Frame, SizeHint};

use super::error::RelayBodyError;
use crate::encoding::Encoding;
use crate::header::Header;
use crate::relay::{Policy, Relay, RelayOptions, Transcoder, Verdict};

/// A relayed response body: the upstream's frames go out as they arrive,
/// the same `Bytes` (or slices of them), after the [`Relay`] has held back
/// and judged the header.
///
/// - Forward and rewrite: every frame after the header is yielded as it
///   came, nothing is copied or allocated per frame. The header, if it was
///   held across frames or rewritten, goes out as one small frame (at most
///   [`HOLD_BACK`](crate::relay::HOLD_BACK) bytes), followed by a slice of
///   the frame it completed in.
/// - Reject: the refusal is the whole body; the upstream body is dropped
///   (its connection closed) at once.
/// - [`with_encoding`](Self::with_encoding) another transport: each frame
///   is transcoded as it passes ([`Transcoder`]), into one new frame.
/// - Trailers are passed on (not after a reject).
/// - [`size_hint`](Body::size_hint) is exact whenever the length is known:
///   the upstream's for forward and rewrite, computed for raw to base64,
///   the refusal's for a reject; unknown for base64 to raw, and before the
///   verdict.
/// - Any error (the upstream's, the relay's, the transcoder's) is yielded
///   as the body's error, so the server aborts the response: a client
///   never receives a complete-looking bad body. A server stops polling
///   once an announced `Content-Length` is sent, so the relay ends as soon
///   as the upstream reports its end ([`Body::is_end_stream`] after a
///   frame): the end-of-body checks (a base64 text's last group) run
///   before that last frame, and an error replaces it. Call
///   [`decide`](Self::decide) before sending the response head to turn a
///   body that fails before its verdict (or, when its one frame is the
///   whole body, at its end) into a refusal of your own.
///
/// The upstream must be `Unpin` (hyper's `Incoming` and axum's `Body` are);
/// pass `Box::pin(body)` for one that is not.
///
/// ```
/// use std::pin::pin;
/// use std::task::{Context, Poll, Waker};
///
/// use bytes::Bytes;
/// use getemms::http::RelayBody;
/// use getemms::relay::{RelayOptions, Verdict};
/// use getemms::{Header, LicenseStatus, Transport};
/// use http_body_util::{BodyExt, Full};
///
/// // A PHP license server's answer: status 1, asset id 12345, key id 7, EMM CA FE.
/// let upstream = Full::new(Bytes::from_static(b"AAAAAQAAMDkAAAAHyv4="));
/// let policy = |header: &Header| {
///     Verdict::Rewrite(Header { license_status: LicenseStatus::from(2), ..*header })
/// };
/// let mut body = RelayBody::new(upstream, RelayOptions::new(Transport::Base64), policy);
///
/// let mut headers = http::HeaderMap::new();
/// headers.insert("content-length", "20".parse()?);
/// headers.insert("content-transfer-encoding", "8bit".parse()?); // wrong
/// // Any executor drives these futures; this upstream is ready, so one poll does.
/// let mut cx = Context::from_waker(Waker::noop());
/// let Poll::Ready(decided) = pin!(body.decide()).poll(&mut cx) else { unreachable!() };
/// decided?;
/// assert_eq!(body.header().map(|h| h.asset_id), Some(12345));
/// body.fix_headers(&mut headers); // same length: Content-Length kept
/// assert_eq!(headers["content-length"], "20");
/// assert_eq!(headers["content-transfer-encoding"], "base64"); // corrected
///
/// let Poll::Ready(relayed) = pin!(body.collect()).poll(&mut cx) else { unreachable!() };
/// assert_eq!(relayed?.to_bytes(), &b"AAAAAgAAMDkAAAAHyv4="[..]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct RelayBody<B, P> {
    /// The upstream body, until it ended, failed, or was refused.
    upstream: Option<B>,
    /// The rest, boxed (one allocation per body, none per frame): the
    /// response that carries this body is moved several times on its way
    /// to the server, and each move would copy all of it.
    inner: Box<Inner<P>>,
}

/// A [`RelayBody`]'s state besides its upstream.
#[derive(Debug)]
struct Inner<P> {
    /// `None`: an untouched body, passed through without a relay.
    relay: Option<Relay<P>>,
    /// The client's wanted encoding; `None`: the upstream's transport.
    encoding: Option<Encoding>,
    /// Whether, and how, the body changes transport.
    transcode: Transcode,
    /// The upstream's exact length, if its size hint gave one.
    upstream_len: Option<u64>,
    /// Frames ready to go out, in order: at most the held bytes and the
    /// part of one upstream frame, then what the relay's end adds.
    queue: [Option<Bytes>; 3],
    /// The bytes in the queue, counted as it fills and empties: a body's
    /// size is asked for several times on its way (by the headers' fix,
    /// by the server, by any wrapper).
    queued: u64,
    trailers: Option<HeaderMap>,
    /// Upstream data bytes received.
    received: u64,
    /// Bytes yielded downstream.
    sent: u64,
    /// The relay has finished: only the queue and the trailers are left.
    ended: bool,
    /// An error was yielded: nothing more comes.
    failed: bool,
}

impl<P> Inner<P> {
    /// A new state, written straight into its allocation: built on the
    /// stack and then moved into a `Box`, its few hundred bytes would be
    /// copied once more on every body. (Inlined, so that the relay is
    /// built in place too.)
    #[inline]
    fn boxed(upstream_len: Option<u64>, relay: Option<Relay<P>>) -> Box<Self> {
        Box::write(
            Box::new_uninit(),
            Self {
                relay,
                encoding: None,
                transcode: Transcode::Undecided,
                upstream_len,
                queue: [None, None, None],
                queued: 0,
                trailers: None,
                received: 0,
                sent: 0,
                ended: false,
                failed: false,
            },
        )
    }
}

/// Whether a body changes transport on its way.
#[derive(Debug)]
enum Transcode {
    /// Not known yet: no client encoding was checked against the
    /// upstream's transport (`Auto` before its first byte).
    Undecided,
    /// The body goes on in the transport it came in.
    Identity,
    /// Every frame goes through this transcoder.
    Active(Transcoder),
}

impl<B, P> RelayBody<B, P>
where
    B: Body<Data = Bytes> + Unpin,
    P: Policy,
{
    /// Relays `upstream` with these settings and this policy, in the
    /// upstream's own transport.
    #[must_use]
    pub fn new(upstream: B, options: RelayOptions, policy: P) -> Self {
        let upstream_len = upstream.size_hint().exact();
        Self {
            inner: Inner::boxed(upstream_len, Some(Relay::new(options, policy))),
            upstream: Some(upstream),
        }
    }

    /// Passes `upstream` through untouched: no relay, no policy (for an
    /// upstream answer that is not a `GetEMMs.cgi` body, such as an HTTP
    /// error).
    #[must_use]
    pub fn untouched(upstream: B) -> Self {
        Self {
            inner: Inner::boxed(upstream.size_hint().exact(), None),
            upstream: Some(upstream),
        }
    }

    /// Sends the body to the client as `encoding`: a raw upstream to a
    /// base64 client is encoded, a base64 upstream to a raw client decoded,
    /// as each frame passes. A base64 upstream to a base64 client is
    /// forwarded as it came, whatever its layout.
    #[must_use]
    pub fn with_encoding(mut self, encoding: Encoding) -> Self {
        self.inner.encoding = Some(encoding);
        self
    }

    /// Reads the upstream until the verdict is known (or the body fails
    /// first), without yielding anything: what came is queued, at most the
    /// header and one frame's slice. Then the response head can be sent
    /// with the right headers ([`fix_headers`](Self::fix_headers)); an
    /// error here means nothing went downstream, so a refusal can be
    /// answered instead. Returns at once for an untouched body.
    ///
    /// # Errors
    /// As the body's frames would: [`RelayBodyError::Upstream`] and
    /// [`RelayBodyError::Relay`] (a truncated or invalid header, a limit).
    pub async fn decide(&mut self) -> Result<(), RelayBodyError<B::Error>> {
        poll_fn(|cx| self.poll_decide(cx)).await
    }

    /// [`decide`](Self::decide) as a poll function.
    ///
    /// # Errors
    /// As [`decide`](Self::decide).
    pub fn poll_decide(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Result<(), RelayBodyError<B::Error>>> {
        loop {
            let decided = self.inner.relay.as_ref().is_none_or(Relay::is_decided);
            // An ended upstream leaves the relay decided or failed.
            if decided || self.inner.failed {
                return Poll::Ready(Ok(()));
            }
            if let Err(error) = ready!(self.advance(cx)) {
                self.fail();
                return Poll::Ready(Err(error));
            }
        }
    }

    /// Polls the upstream once and takes what it gave.
    fn advance(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), RelayBodyError<B::Error>>> {
        let Some(upstream) = self.upstream.as_mut() else {
            return Poll::Ready(self.end());
        };
        match ready!(Pin::new(upstream).poll_frame(cx)) {
            None => {
                self.upstream = None;
                Poll::Ready(self.end())
            }
            Some(Err(error)) => {
                self.upstream = None;
                Poll::Ready(Err(RelayBodyError::Upstream {
                    error,
                    received: self.inner.received,
                    sent: self.inner.sent,
                }))
            }
            Some(Ok(frame)) => match frame.into_data() {
                Ok(data) => {
                    self.take(data)?;
                    // An upstream that says it has ended (its length
                    // reached) ends the relay now: a consumer that stops at
                    // the announced length, as hyper does, never polls
                    // again, and the relay's last checks (a base64 text's
                    // last group) must run before its last frame goes out.
                    if self.upstream.as_ref().is_some_and(Body::is_end_stream) {
                        self.upstream = None;
                        return Poll::Ready(self.end());
                    }
                    Poll::Ready(Ok(()))
                }
                Err(frame) => {
                    if let Ok(trailers) = frame.into_trailers() {
                        self.inner.trailers = Some(trailers);
                    }
                    Poll::Ready(Ok(()))
                }
            },
        }
    }

    /// One data frame from the upstream.
    fn take(&mut self, data: Bytes) -> Result<(), RelayBodyError<B::Error>> {
        self.inner.received = self.inner.received.saturating_add(data.len() as u64);
        let sent = self.inner.sent;
        let Some(relay) = self.inner.relay.as_mut() else {
            self.push(data);
            return Ok(());
        };
        let (held, skip) = {
            let relayed = relay
                .feed(&data)
                .map_err(|error| RelayBodyError::Relay { error, sent })?;
            let held = (!relayed.held.is_empty()).then(|| Bytes::copy_from_slice(relayed.held));
            // The chunk's part is always its end: the whole frame, what
            // follows the header, or nothing. So the frame itself goes on,
            // its first bytes skipped in place: a slice of it would be a
            // clone (a shared count up and down, or an allocation for a
            // `Vec`'s `Bytes`). An empty rest is dropped by `push`.
            (held, data.len().saturating_sub(relayed.chunk.len()))
        };
        if relay.is_rejected() {
            // Nothing more of the upstream is read: close it now.
            self.upstream = None;
        }
        let mut part = data;
        part.advance(skip);
        self.send(held, Some(part), false)
    }

    /// The upstream has ended (or was refused): the relay's last bytes.
    fn end(&mut self) -> Result<(), RelayBodyError<B::Error>> {
        self.inner.ended = true;
        let sent = self.inner.sent;
        let Some(relay) = self.inner.relay.as_mut() else {
            return Ok(());
        };
        let held = relay
            .finish()
            .map_err(|error| RelayBodyError::Relay { error, sent })?
            .held;
        let held = (!held.is_empty()).then(|| Bytes::copy_from_slice(held));
        if relay.is_rejected() {
            self.inner.trailers = None;
        }
        self.send(held, None, true)
    }

    /// Queues the held bytes and the frame's part, transcoded when the
    /// client wants the other transport; `last`: the transcoder's end too.
    fn send(
        &mut self,
        held: Option<Bytes>,
        part: Option<Bytes>,
        last: bool,
    ) -> Result<(), RelayBodyError<B::Error>> {
        if let Transcode::Undecided = self.inner.transcode {
            self.inner.transcode = self.transcode_for(last);
        }
        // Most bodies keep their transport: their frames are only queued,
        // in a call small enough to inline (the transcoding, out of line).
        if let Transcode::Active(transcoder) = &mut self.inner.transcode {
            let sent = self.inner.sent;
            let frame = transcode(transcoder, held, part, last)
                .map_err(|error| RelayBodyError::Transcode { error, sent })?;
            self.push(frame);
            return Ok(());
        }
        self.push_all(held, part);
        Ok(())
    }

    /// Whether the body changes transport, once the upstream's is known
    /// (once a body).
    #[inline(never)]
    fn transcode_for(&self, last: bool) -> Transcode {
        match (self.inner.encoding, &self.inner.relay) {
            (Some(encoding), Some(relay)) => {
                // `Auto` before its first byte: decided by a later frame.
                if relay.transport() == crate::Transport::Auto && !last {
                    Transcode::Undecided
                } else {
                    let transcoder = Transcoder::new(relay.transport(), encoding);
                    if transcoder.is_identity() {
                        Transcode::Identity
                    } else {
                        Transcode::Active(transcoder)
                    }
                }
            }
            _ => Transcode::Identity,
        }
    }

    fn push_all(&mut self, held: Option<Bytes>, part: Option<Bytes>) {
        if let Some(held) = held {
            self.push(held);
        }
        if let Some(part) = part {
            self.push(part);
        }
    }

    /// Queues a frame (never more than three are waiting: the queue is
    /// emptied before the upstream is polled again).
    fn push(&mut self, bytes: Bytes) {
        if bytes.is_empty() {
            return;
        }
        if let Some(slot) = self.inner.queue.iter_mut().find(|slot| slot.is_none()) {
            self.inner.queued = self.inner.queued.saturating_add(bytes.len() as u64);
            *slot = Some(bytes);
        }
    }

    fn pop(&mut self) -> Option<Bytes> {
        let queue = &mut self.inner.queue;
        let bytes = queue[0].take()?;
        queue[0] = queue[1].take();
        queue[1] = queue[2].take();
        self.inner.queued = self.inner.queued.saturating_sub(bytes.len() as u64);
        Some(bytes)
    }

    /// An error is yielded: nothing queued goes out after it.
    fn fail(&mut self) {
        self.inner.failed = true;
        self.inner.queue = [None, None, None];
        self.inner.queued = 0;
    }

    const fn queued_len(&self) -> u64 {
        self.inner.queued
    }
}

/// The held bytes and a frame's part of a body that changes transport,
/// transcoded into one new frame; `last`: the transcoder's end too. Out
/// of line: most bodies keep their transport, and their frames only
/// pass through the small [`RelayBody::send`].
#[inline(never)]
fn transcode(
    transcoder: &mut Transcoder,
    held: Option<Bytes>,
    part: Option<Bytes>,
    last: bool,
) -> Result<Bytes, crate::Error> {
    let held = held.unwrap_or_default();
    let part = part.unwrap_or_default();
    let mut bound = transcoder.output_bound(held.len().saturating_add(part.len()));
    if last {
        // The end of the text after this frame's bytes: the carry they
        // leave is not known yet, so room for the largest end.
        bound = bound.saturating_add(crate::base64::EncodeStream::FINISH_BOUND);
    }
    let mut out = BytesMut::zeroed(bound);
    let mut len = transcoder.transcode(&held, &mut out)?;
    len += transcoder.transcode(&part, out.get_mut(len..).unwrap_or_default())?;
    if last {
        len += transcoder.finish(out.get_mut(len..).unwrap_or_default())?;
    }
    out.truncate(len);
    Ok(out.freeze())
}

impl<B, P> RelayBody<B, P> {
    /// The upstream's header, once the relay knows it.
    #[must_use]
    pub fn header(&self) -> Option<Header> {
        self.inner.relay.as_ref().and_then(Relay::header)
    }

    /// The policy's verdict, once it was asked.
    #[must_use]
    pub fn verdict(&self) -> Option<Verdict> {
        self.inner.relay.as_ref().and_then(Relay::verdict)
    }

    /// The relay, for its counters and settings (`None` for an untouched
    /// body).
    #[must_use]
    pub const fn relay(&self) -> Option<&Relay<P>> {
        self.inner.relay.as_ref()
    }

    /// The client's wanted encoding, if one was set.
    #[must_use]
    pub const fn encoding(&self) -> Option<Encoding> {
        self.inner.encoding
    }

    /// The upstream's exact length, if its size hint gave one.
    #[must_use]
    pub const fn upstream_len(&self) -> Option<u64> {
        self.inner.upstream_len
    }

    /// Bytes yielded downstream so far.
    #[must_use]
    pub const fn sent(&self) -> u64 {
        self.inner.sent
    }
}

impl<B, P> Body for RelayBody<B, P>
where
    B: Body<Data = Bytes> + Unpin,
    P: Policy + Unpin,
{
    type Data = Bytes;
    type Error = RelayBodyError<B::Error>;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = self.get_mut();
        loop {
            if let Some(bytes) = this.pop() {
                this.inner.sent = this.inner.sent.saturating_add(bytes.len() as u64);
                return Poll::Ready(Some(Ok(Frame::data(bytes))));
            }
            if this.inner.failed {
                return Poll::Ready(None);
            }
            if this.inner.ended {
                return Poll::Ready(this.inner.trailers.take().map(|t| Ok(Frame::trailers(t))));
            }
            if let Err(error) = ready!(this.advance(cx)) {
                this.fail();
                return Poll::Ready(Some(Err(error)));
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        (self.inner.failed || self.inner.ended)
            && self.inner.queue.iter().all(Option::is_none)
            && (self.inner.failed || self.inner.trailers.is_none())
    }

    fn size_hint(&self) -> SizeHint {
        let queued = self.queued_len();
        if self.inner.ended || self.inner.failed {
            return SizeHint::with_exact(queued);
        }
        let Some(relay) = &self.inner.relay else {
            return self
                .upstream
                .as_ref()
                .map_or_else(SizeHint::new, Body::size_hint);
        };
        if !relay.is_decided() {
            return SizeHint::new();
        }
        if relay.is_rejected() {
            return SizeHint::with_exact(queued);
        }
        let from = relay.transport();
        match (self.inner.encoding, &self.inner.transcode) {
            // Forwarded as it comes: what is queued and what is to come.
            (_, Transcode::Undecided | Transcode::Identity) => {
                let rest = self
                    .upstream
                    .as_ref()
                    .map_or_else(|| SizeHint::with_exact(0), Body::size_hint);
                let mut hint = SizeHint::new();
                hint.set_lower(rest.lower().saturating_add(queued));
                if let Some(upper) = rest.upper() {
                    hint.set_upper(upper.saturating_add(queued));
                }
                hint
            }
            (Some(to), Transcode::Active(_)) => self
                .inner
                .upstream_len
                .and_then(|len| Transcoder::output_len(from, to, len))
                .map_or_else(SizeHint::new, |total| {
                    SizeHint::with_exact(total.saturating_sub(self.inner.sent))
                }),
            (None, Transcode::Active(_)) => SizeHint::new(),
        }
    }
}
