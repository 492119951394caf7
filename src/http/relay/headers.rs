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
    ///   that goes out, when it changes or when the upstream named another
    ///   (or named none and the body changes transport); an upstream that
    ///   named none keeps none for a body that goes out in its own
    ///   transport, as a pass-through proxy would answer.
    /// - `Content-Type`: `text/plain` or `application/octet-stream` when
    ///   the transport changes, or when the upstream sent none.
    ///
    /// An untouched body ([`untouched`](Self::untouched)) leaves the headers
    /// as they are.
    pub fn fix_headers(&self, headers: &mut HeaderMap) {
        let said = Said::of(headers);
        self.fix_headers_as_said(headers, &said);
    }

    /// [`fix_headers`](Self::fix_headers) with what `headers` say, read
    /// before (by the layer's future, which reads them once for the
    /// upstream's transport too).
    pub(super) fn fix_headers_as_said(&self, headers: &mut HeaderMap, said: &Said) {
        let Some(relay) = self.relay() else {
            return;
        };
        let upstream = match relay.transport() {
            Transport::Base64 => Transport::Base64,
            Transport::Raw | Transport::Auto => Transport::Raw,
        };
        let out = self.encoding().map_or(upstream, Encoding::transport);
        let (transfer, content_type, named) = match out {
            Transport::Base64 => ("base64", "text/plain", said.named_base64),
            Transport::Raw | Transport::Auto => {
                ("binary", "application/octet-stream", said.named_binary)
            }
        };
        match self.size_hint().exact() {
            Some(rest) => {
                let len = self.sent().saturating_add(rest);
                // Forward and rewrite keep the upstream's own value: no new
                // value to allocate on every response.
                if said.length != Some(len) {
                    headers.insert(CONTENT_LENGTH, HeaderValue::from(len));
                }
                if said.transfer_encoding {
                    headers.remove(TRANSFER_ENCODING);
                }
            }
            None => {
                if said.any_length {
                    headers.remove(CONTENT_LENGTH);
                }
            }
        }
        let names_other = said.transport.is_some() && !named;
        if names_other || (out != upstream && !named) {
            headers.insert(
                CONTENT_TRANSFER_ENCODING,
                HeaderValue::from_static(transfer),
            );
        }
        if out != upstream || !said.content_type {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
        }
    }
}

/// What the upstream's headers already say, read in one pass over them
/// (an answer has a handful): each lookup by name would hash it.
#[derive(Debug, Default)]
pub(super) struct Said {
    /// Some `Content-Length`.
    any_length: bool,
    /// The first `Content-Length`, as a number.
    length: Option<u64>,
    transfer_encoding: bool,
    content_type: bool,
    /// The first `Content-Transfer-Encoding`, if any: the transport it
    /// names, if it names one (`Transport::from_content_transfer_encoding`).
    pub(super) transport: Option<Option<Transport>>,
    /// It is `base64`, exactly (case aside).
    named_base64: bool,
    /// It is `binary`, exactly (case aside).
    named_binary: bool,
}

impl Said {
    pub(super) fn of(headers: &HeaderMap) -> Self {
        let mut said = Self::default();
        for (name, value) in headers {
            if *name == CONTENT_LENGTH {
                if !said.any_length {
                    said.length = decimal(value.as_bytes());
                }
                said.any_length = true;
            } else if *name == TRANSFER_ENCODING {
                said.transfer_encoding = true;
            } else if *name == CONTENT_TYPE {
                said.content_type = true;
            } else if said.transport.is_none()
                && name.as_str() == CONTENT_TRANSFER_ENCODING.as_str()
            {
                let bytes = value.as_bytes();
                said.named_base64 = bytes.eq_ignore_ascii_case(b"base64");
                said.named_binary = bytes.eq_ignore_ascii_case(b"binary");
                said.transport = Some(
                    value
                        .to_str()
                        .ok()
                        .and_then(Transport::from_content_transfer_encoding),
                );
            }
        }
        said
    }
}

/// A `Content-Length` value as a number: ASCII digits only, as RFC 9110
/// (8.6) has it, and no more than a `u64` holds.
fn decimal(digits: &[u8]) -> Option<u64> {
    if digits.is_empty() {
        return None;
    }
    digits.iter().try_fold(0_u64, |n, &digit| {
        let digit = digit.wrapping_sub(b'0');
        if digit > 9 {
            return None;
        }
        n.checked_mul(10)?.checked_add(u64::from(digit))
    })
}

#[cfg(test)]
mod tests {
    use super::decimal;

    #[test]
    fn test_decimal_reads_digits_only_and_refuses_overflow() {
        assert_eq!(decimal(b"0"), Some(0));
        assert_eq!(decimal(b"1036"), Some(1036));
        assert_eq!(decimal(b"18446744073709551615"), Some(u64::MAX));
        assert_eq!(decimal(b"18446744073709551616"), None);
        assert_eq!(decimal(b"99999999999999999999"), None);
        for bad in [
            &b""[..],
            b"+12",
            b"-1",
            b"1 2",
            b" 12",
            b"12 ",
            b"0x10",
            b"1/",
            b"1:",
        ] {
            assert_eq!(decimal(bad), None, "{bad:?}");
        }
    }
}
