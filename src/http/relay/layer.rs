//! [`RelayLayer`]: the relay as a tower layer over an HTTP client.

use tower_layer::Layer;

use super::service::RelayService;
use crate::encoding::Encoding;
use crate::relay::RelayOptions;

/// The relay as a [`tower_layer::Layer`]: wraps an HTTP client service so
/// that each `2xx` answer's body is relayed with these settings and a
/// clone of this policy, the way `tower-http`'s `DecompressionLayer` wraps
/// decompression.
///
/// A complete proxy's core: deny an asset, rewrite a status, forward the
/// rest.
///
/// ```
/// use std::convert::Infallible;
/// use std::future::{Ready, ready};
/// use std::pin::pin;
/// use std::task::{Context, Poll, Waker};
///
/// use bytes::Bytes;
/// use getemms::http::{ClientEncoding, RelayLayer};
/// use getemms::relay::{RelayOptions, Verdict};
/// use getemms::{Encoding, Header, LicenseStatus, Transport};
/// use http_body_util::{BodyExt, Full};
/// use tower_layer::Layer;
/// use tower_service::Service;
///
/// /// Stands for the HTTP client (hyper-util's, say): the license server
/// /// answers status 46 ("Unknown code") for the asset the request names.
/// #[derive(Clone)]
/// struct LicenseServer;
///
/// impl Service<http::Request<u32>> for LicenseServer {
///     type Response = http::Response<Full<Bytes>>;
///     type Error = Infallible;
///     type Future = Ready<Result<Self::Response, Infallible>>;
///     fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
///         Poll::Ready(Ok(()))
///     }
///     fn call(&mut self, request: http::Request<u32>) -> Self::Future {
///         let asset_id = *request.body();
///         let body = getemms::Response::new(46, asset_id, 7, b"\xCA\xFE").to_vec();
///         let mut answer = http::Response::new(Full::new(Bytes::from(body)));
///         answer.headers_mut().insert("content-length", "14".parse().unwrap());
///         ready(Ok(answer))
///     }
/// }
///
/// let policy = |header: &Header| match header.asset_id {
///     // denied: the 8-byte short-form refusal replaces the answer
///     13 => Verdict::Reject(Header::short(LicenseStatus::from(600), 13)),
///     // "Unknown code" becomes "Internal error", in place
///     _ if header.license_status == LicenseStatus::from(46) => {
///         Verdict::Rewrite(Header { license_status: LicenseStatus::from(6), ..*header })
///     }
///     _ => Verdict::Forward,
/// };
/// let mut proxy = RelayLayer::new(RelayOptions::new(Transport::Auto), policy).layer(LicenseServer);
/// let mut cx = Context::from_waker(Waker::noop());
///
/// // Asset 42, for a client that wants base64 text: rewritten, then encoded.
/// let mut request = http::Request::new(42);
/// request.extensions_mut().insert(ClientEncoding(Encoding::Base64(getemms::base64::LineWrap::None)));
/// let Poll::Ready(answer) = pin!(proxy.call(request)).poll(&mut cx) else { unreachable!() };
/// let answer = answer?;
/// assert_eq!(answer.headers()["content-length"], "20");
/// assert_eq!(answer.headers()["content-transfer-encoding"], "base64");
/// let Poll::Ready(body) = pin!(answer.into_body().collect()).poll(&mut cx) else { unreachable!() };
/// assert_eq!(body?.to_bytes(), &b"AAAABgAAACoAAAAHyv4="[..]);
///
/// // Asset 13: refused, in the upstream's transport (raw).
/// let Poll::Ready(answer) = pin!(proxy.call(http::Request::new(13))).poll(&mut cx) else { unreachable!() };
/// let answer = answer?;
/// assert_eq!(answer.headers()["content-length"], "8");
/// let Poll::Ready(body) = pin!(answer.into_body().collect()).poll(&mut cx) else { unreachable!() };
/// assert_eq!(body?.to_bytes(), &[0, 0, 2, 0x58, 0, 0, 0, 13][..]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct RelayLayer<P> {
    options: RelayOptions,
    policy: P,
    encoding: Option<Encoding>,
}

impl<P> RelayLayer<P> {
    /// A layer that relays with these settings and this policy. A
    /// [`Transport::Auto`](crate::Transport::Auto) in `options` takes each
    /// answer's transport from its `Content-Transfer-Encoding`, else from
    /// its first byte.
    pub const fn new(options: RelayOptions, policy: P) -> Self {
        Self {
            options,
            policy,
            encoding: None,
        }
    }

    /// Sends every answer to the client as `encoding`
    /// ([`RelayBody::with_encoding`](super::RelayBody::with_encoding)),
    /// unless a request's [`ClientEncoding`](super::ClientEncoding)
    /// extension names another. A proxy whose clients ask for one of a
    /// few encodings keeps one layer for each and inserts nothing per
    /// request (an extension is an allocation or three).
    ///
    /// ```
    /// use getemms::http::RelayLayer;
    /// use getemms::relay::{RelayOptions, Verdict};
    /// use getemms::{Encoding, Header, Transport};
    ///
    /// let forward = |_: &Header| Verdict::Forward;
    /// let options = RelayOptions::new(Transport::Auto);
    /// // Clients that send `Content-Transfer-Encoding: binary` get raw octets.
    /// let to_raw = RelayLayer::new(options, forward).with_encoding(Encoding::Raw);
    /// assert_eq!(to_raw.encoding(), Some(Encoding::Raw));
    /// ```
    #[must_use]
    pub const fn with_encoding(mut self, encoding: Encoding) -> Self {
        self.encoding = Some(encoding);
        self
    }

    /// The encoding every answer is sent in, when set by
    /// [`with_encoding`](Self::with_encoding); `None`: the upstream's
    /// transport.
    pub const fn encoding(&self) -> Option<Encoding> {
        self.encoding
    }
}

impl<S, P: Clone> Layer<S> for RelayLayer<P> {
    type Service = RelayService<S, P>;

    fn layer(&self, inner: S) -> Self::Service {
        let service = RelayService::new(inner, self.options, self.policy.clone());
        match self.encoding {
            Some(encoding) => service.with_encoding(encoding),
            None => service,
        }
    }
}
