//! [`build_response`]: an [`http::Response`] that carries an encoded
//! `GetEMMs.cgi` body, raw or base64, with the headers that say which.

use bytes::Bytes;
use http::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderName, HeaderValue};
use std::vec::Vec;

use crate::base64::LineWrap;
use crate::response::Response;

/// How [`build_response`] encodes the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// The body's bytes, `Content-Type: application/octet-stream`.
    Raw,
    /// Base64 text laid out as the [`LineWrap`] says, `Content-Type:
    /// text/plain` and `Content-Transfer-Encoding: base64`, as the public
    /// Widevine Classic license servers answer.
    Base64(LineWrap),
}

impl Encoding {
    /// The `Content-Type` this encoding is sent with.
    #[must_use]
    pub const fn content_type(self) -> &'static str {
        match self {
            Self::Raw => "application/octet-stream",
            Self::Base64(_) => "text/plain",
        }
    }

    /// The body's length once encoded: the `Content-Length`.
    #[must_use]
    pub fn encoded_len(self, response: &Response<'_>) -> usize {
        match self {
            Self::Raw => response.encoded_len(),
            Self::Base64(wrap) => response.base64_len(wrap),
        }
    }
}

/// A `200 OK` [`http::Response`] whose body is `response` encoded as
/// `encoding` (written once into a buffer of exactly its length), with
/// `Content-Type`, `Content-Length` and, for base64,
/// `Content-Transfer-Encoding`.
///
/// The body type is any `B: From<Bytes>`: `axum::body::Body`,
/// `http_body_util::Full<Bytes>`, or `Bytes` itself.
///
/// ```
/// use bytes::Bytes;
/// use getemms::Response;
/// use getemms::base64::LineWrap;
/// use getemms::http::{Encoding, build_response};
///
/// let refusal = Response::rejection(600, 0);
/// let answer: http::Response<Bytes> = build_response(&refusal, Encoding::Base64(LineWrap::None));
/// assert_eq!(answer.headers()["content-type"], "text/plain");
/// assert_eq!(answer.headers()["content-transfer-encoding"], "base64");
/// assert_eq!(answer.headers()["content-length"], "12");
/// assert_eq!(answer.body(), &b"AAACWAAAAAA="[..]);
///
/// let raw: http::Response<Bytes> = build_response(&refusal, Encoding::Raw);
/// assert_eq!(raw.headers()["content-type"], "application/octet-stream");
/// assert_eq!(raw.body(), &[0, 0, 2, 0x58, 0, 0, 0, 0][..]);
/// ```
#[must_use]
pub fn build_response<B: From<Bytes>>(
    response: &Response<'_>,
    encoding: Encoding,
) -> http::Response<B> {
    let len = encoding.encoded_len(response);
    let body = match encoding {
        Encoding::Raw => response.to_vec(),
        Encoding::Base64(wrap) => {
            let mut text = Vec::with_capacity(len);
            response.encode_base64(wrap, &mut text);
            text
        }
    };
    let mut answer = http::Response::new(B::from(Bytes::from(body)));
    let headers = answer.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static(encoding.content_type()),
    );
    headers.insert(CONTENT_LENGTH, HeaderValue::from(len));
    if let Encoding::Base64(_) = encoding {
        headers.insert(
            HeaderName::from_static("content-transfer-encoding"),
            HeaderValue::from_static("base64"),
        );
    }
    answer
}
