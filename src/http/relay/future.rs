//! [`ResponseFuture`]: the response of a [`RelayService`](super::RelayService),
//! ready once its body's verdict is known.

use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, ready};

use bytes::Bytes;
use http_body::Body;

use super::body::RelayBody;
use super::error::RelayBodyError;
use super::headers::Said;
use super::service::RelayServiceError;
use crate::decoder::Transport;
use crate::encoding::Encoding;
use crate::relay::{Policy, RelayOptions};

/// The future of [`RelayService::call`](super::RelayService): the inner
/// service's response, its body relayed, handed back once the verdict is
/// known (the header held, nothing sent yet) with its headers fixed.
#[derive(Debug)]
pub struct ResponseFuture<F, B, P> {
    state: State<F, B, P>,
}

// The states follow each other in place, inside the one future; boxing the
// larger one would only add an allocation per request.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
enum State<F, B, P> {
    /// Waiting for the inner service's response.
    Calling {
        future: F,
        options: RelayOptions,
        policy: Option<P>,
        encoding: Option<Encoding>,
    },
    /// Reading the body until its verdict is known.
    Deciding {
        parts: http::response::Parts,
        said: Said,
        body: RelayBody<B, P>,
    },
    /// The response was handed back.
    Done,
}

impl<F, B, P> ResponseFuture<F, B, P> {
    pub(super) const fn new(
        future: F,
        options: RelayOptions,
        policy: P,
        encoding: Option<Encoding>,
    ) -> Self {
        Self {
            state: State::Calling {
                future,
                options,
                policy: Some(policy),
                encoding,
            },
        }
    }
}

/// The transport of an upstream answer: the configured one, else its
/// `Content-Transfer-Encoding` (`None`: one it does not name), else
/// decided by its first byte.
fn transport_of(configured: Transport, said: &Said) -> Option<Transport> {
    if configured != Transport::Auto {
        return Some(configured);
    }
    said.transport.unwrap_or(Some(Transport::Auto))
}

/// What a [`ResponseFuture`] gives: the response, or why there is none.
type Relayed<B, P, E> =
    Result<http::Response<RelayBody<B, P>>, RelayServiceError<E, <B as Body>::Error>>;

/// The response once its body's verdict is known, its headers fixed; or
/// the body's error. (Inlined: the response is built straight into the
/// future's output, not copied there.)
#[inline(always)]
fn respond<B, P, E>(
    decided: Result<(), RelayBodyError<B::Error>>,
    mut parts: http::response::Parts,
    said: &Said,
    body: RelayBody<B, P>,
) -> Relayed<B, P, E>
where
    B: Body<Data = Bytes> + Unpin,
    P: Policy + Unpin,
{
    match decided {
        Ok(()) => {
            body.fix_headers_as_said(&mut parts.headers, said);
            Ok(http::Response::from_parts(parts, body))
        }
        Err(error) => Err(RelayServiceError::Body(error)),
    }
}

impl<F, B, P, E> Future for ResponseFuture<F, B, P>
where
    F: Future<Output = Result<http::Response<B>, E>> + Unpin,
    B: Body<Data = Bytes> + Unpin,
    P: Policy + Unpin,
{
    type Output = Relayed<B, P, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        match &mut this.state {
            State::Calling {
                future,
                options,
                policy,
                encoding,
            } => {
                let response = match ready!(Pin::new(future).poll(cx)) {
                    Ok(response) => response,
                    Err(error) => {
                        this.state = State::Done;
                        return Poll::Ready(Err(RelayServiceError::Service(error)));
                    }
                };
                let (parts, upstream) = response.into_parts();
                let Some(policy) = policy.take() else {
                    this.state = State::Done;
                    return Poll::Ready(Ok(http::Response::from_parts(
                        parts,
                        RelayBody::untouched(upstream),
                    )));
                };
                if !parts.status.is_success() {
                    this.state = State::Done;
                    let body = RelayBody::untouched(upstream);
                    return Poll::Ready(Ok(http::Response::from_parts(parts, body)));
                }
                // One pass over the upstream's headers, for its transport
                // here and for `fix_headers` once decided.
                let said = Said::of(&parts.headers);
                let Some(transport) = transport_of(options.transport, &said) else {
                    this.state = State::Done;
                    return Poll::Ready(Err(RelayServiceError::UnsupportedTransferEncoding));
                };
                let options = RelayOptions {
                    transport,
                    ..*options
                };
                let mut body = RelayBody::new(upstream, options, policy);
                if let Some(encoding) = *encoding {
                    body = body.with_encoding(encoding);
                }
                // A short answer is usually whole in the client's
                // buffer already: decided at once, the response goes
                // back without a stop in the `Deciding` state (two
                // moves of its head and body fewer).
                let Poll::Ready(decided) = body.poll_decide(cx) else {
                    this.state = State::Deciding { parts, said, body };
                    return Poll::Pending;
                };
                this.state = State::Done;
                Poll::Ready(respond(decided, parts, &said, body))
            }
            State::Deciding { body, .. } => {
                let decided = ready!(body.poll_decide(cx));
                let State::Deciding { parts, said, body } =
                    core::mem::replace(&mut this.state, State::Done)
                else {
                    return Poll::Pending;
                };
                Poll::Ready(respond(decided, parts, &said, body))
            }
            State::Done => Poll::Pending,
        }
    }
}
