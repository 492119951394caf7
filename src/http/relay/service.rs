//! [`RelayService`]: an HTTP client service whose responses come back as
//! [`RelayBody`]s, and [`ClientEncoding`], the request extension that
//! names the client's transport.

use core::fmt;
use core::task::{Context, Poll};

use bytes::Bytes;
use http_body::Body;
use tower_service::Service;

use super::body::RelayBody;
use super::error::RelayBodyError;
use super::future::ResponseFuture;
use crate::encoding::Encoding;
use crate::relay::{Policy, RelayOptions};

/// The encoding the client wants its answer in, set per request as an
/// [`http::Extensions`] entry; without it the answer is sent in the
/// service's own encoding ([`RelayLayer::with_encoding`](super::RelayLayer::with_encoding)),
/// else in the upstream's transport.
///
/// ```
/// use getemms::Encoding;
/// use getemms::http::ClientEncoding;
///
/// let mut request = http::Request::new(());
/// request.extensions_mut().insert(ClientEncoding(Encoding::Raw));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClientEncoding(pub Encoding);

/// Wraps an HTTP client service: each `2xx` answer's body is relayed
/// ([`RelayBody`]) with the layer's settings and a clone of its policy,
/// and the response is handed back once the verdict is known, with its
/// headers fixed ([`RelayBody::fix_headers`]). Any other answer comes back
/// untouched ([`RelayBody::untouched`]). Made by
/// [`RelayLayer`](super::RelayLayer).
///
/// The inner service's future and the response body must be `Unpin`
/// (hyper-util's client's are).
#[derive(Debug, Clone)]
pub struct RelayService<S, P> {
    inner: S,
    options: RelayOptions,
    policy: P,
    encoding: Option<Encoding>,
}

impl<S, P> RelayService<S, P> {
    /// Wraps `inner`.
    pub const fn new(inner: S, options: RelayOptions, policy: P) -> Self {
        Self {
            inner,
            options,
            policy,
            encoding: None,
        }
    }

    /// Sends every answer as `encoding` unless a request's
    /// [`ClientEncoding`] names another (see
    /// [`RelayLayer::with_encoding`](super::RelayLayer::with_encoding)).
    #[must_use]
    pub const fn with_encoding(mut self, encoding: Encoding) -> Self {
        self.encoding = Some(encoding);
        self
    }

    /// The wrapped service.
    pub const fn get_ref(&self) -> &S {
        &self.inner
    }

    /// The wrapped service, mutably.
    pub const fn get_mut(&mut self) -> &mut S {
        &mut self.inner
    }

    /// The wrapped service, unwrapped.
    pub fn into_inner(self) -> S {
        self.inner
    }
}

impl<S, P, ReqBody, B> Service<http::Request<ReqBody>> for RelayService<S, P>
where
    S: Service<http::Request<ReqBody>, Response = http::Response<B>>,
    S::Future: Unpin,
    B: Body<Data = Bytes> + Unpin,
    P: Policy + Clone + Unpin,
{
    type Response = http::Response<RelayBody<B, P>>;
    type Error = RelayServiceError<S::Error, B::Error>;
    type Future = ResponseFuture<S::Future, B, P>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner
            .poll_ready(cx)
            .map_err(RelayServiceError::Service)
    }

    fn call(&mut self, request: http::Request<ReqBody>) -> Self::Future {
        let encoding = request
            .extensions()
            .get::<ClientEncoding>()
            .map_or(self.encoding, |e| Some(e.0));
        let future = self.inner.call(request);
        ResponseFuture::new(future, self.options, self.policy.clone(), encoding)
    }
}

/// Why a [`RelayService`] gave no response. Each of these happened
/// before anything of the body was sent: the caller can answer a refusal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RelayServiceError<S, E> {
    /// The inner service failed (connection refused, …).
    Service(S),
    /// The body failed before its verdict: upstream error, truncated or
    /// invalid header, a limit.
    Body(RelayBodyError<E>),
    /// The upstream's `Content-Transfer-Encoding` names neither `base64`
    /// nor a raw encoding (`binary`, `8bit`, `7bit`).
    UnsupportedTransferEncoding,
}

impl<S: fmt::Display, E: fmt::Display> fmt::Display for RelayServiceError<S, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Service(error) => write!(f, "upstream request failed: {error}"),
            Self::Body(error) => fmt::Display::fmt(error, f),
            Self::UnsupportedTransferEncoding => f.write_str(
                "unsupported upstream Content-Transfer-Encoding: expected base64, binary, 8bit or 7bit",
            ),
        }
    }
}

impl<S, E> core::error::Error for RelayServiceError<S, E>
where
    S: core::error::Error + 'static,
    E: core::error::Error + 'static,
{
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            Self::Service(error) => Some(error),
            Self::Body(error) => Some(error),
            Self::UnsupportedTransferEncoding => None,
        }
    }
}
