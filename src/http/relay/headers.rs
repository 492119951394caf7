//! [`RelayBody::fix_headers`]: the response headers that match what a
//! relayed body really is.

use bytes::Bytes;
use http::HeaderMap;
use http::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderName, HeaderValue, TRANSFER_ENCODING};
use http_body::Body;

use super::body::RelayBody;
use crate::decoder::Transport;
use crate::encoding::Encoding;
use crate::relay::Policy;

/// The header that names a body's transport.
const CONTENT_TRANSFER_ENCODING: HeaderName = HeaderName::from_static("content-transfer-encoding");

impl<B, P> RelayBody<B, P>
where
    B: Body<Data = Bytes> + Unpin,
    P: Policy + Unpin,
{
    /// Makes the upstream response's `headers` say what this body is, once
    /// [`decide`](Self::decide) has succeeded:
    /// - `Content-Length`: kept for forward and rewrite (the length does
    ///   not change), set to the refusal's for a reject and to the base64
    ///   length for raw to base64, removed for base64 to raw and wherever
    ///   the length is not known (then `Transfer-Encoding` is left to the
    ///   server); `Transfer-Encoding` is removed where a length is set.
    /// - `Content-Transfer-Encoding`: `base64` or `binary`, the transport
    ///   that goes out.
    /// - `Content-Type`: `text/plain` or `application/octet-stream` when
    ///   the transport changes, or when the upstream sent none.
    ///
    /// An untouched body ([`untouched`](Self::untouched)) leaves the headers
    /// as they are.
    pub fn fix_headers(&self, headers: &mut HeaderMap) {
        let Some(relay) = self.relay() else {
            return;
        };
        let upstream = match relay.transport() {
            Transport::Base64 => Transport::Base64,
            Transport::Raw | Transport::Auto => Transport::Raw,
        };
        let out = self.encoding().map_or(upstream, Encoding::transport);
        let hint = self.size_hint();
        match hint.exact() {
            Some(rest) => {
                let len = self.sent().saturating_add(rest);
                // Forward and rewrite keep the upstream's own value: no new
                // value to allocate on every response.
                let same = headers
                    .get(CONTENT_LENGTH)
                    .and_then(|value| value.to_str().ok())
                    .and_then(|value| value.parse::<u64>().ok())
                    == Some(len);
                if !same {
                    headers.insert(CONTENT_LENGTH, HeaderValue::from(len));
                }
                headers.remove(TRANSFER_ENCODING);
            }
            None => {
                headers.remove(CONTENT_LENGTH);
            }
        }
        let (transfer, content_type) = match out {
            Transport::Base64 => ("base64", "text/plain"),
            Transport::Raw | Transport::Auto => ("binary", "application/octet-stream"),
        };
        let named = headers
            .get(CONTENT_TRANSFER_ENCODING)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.eq_ignore_ascii_case(transfer));
        if !named {
            headers.insert(
                CONTENT_TRANSFER_ENCODING,
                HeaderValue::from_static(transfer),
            );
        }
        if out != upstream || !headers.contains_key(CONTENT_TYPE) {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
        }
    }
}
