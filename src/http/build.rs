//! [`build_response`]: an [`http::Response`] that carries an encoded
//! `GetEMMs.cgi` body, raw or base64, with the headers that say which.

use bytes::Bytes;
use http::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderName, HeaderValue};
use std::vec::Vec;

use crate::encoding::Encoding;
use crate::response::Response;

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
/// use getemms::Encoding;
/// use getemms::http::build_response;
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
    let mut body = Vec::with_capacity(len);
    encoding.encode(response, &mut body);
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
