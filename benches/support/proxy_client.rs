//! The client side of the proxy benches (`benches/proxy.rs`,
//! `benches/proxy_memory.rs`): one `GetEMMs.cgi` request as the bench
//! sends it, and the length every answer to a case must have. Included
//! with `mock_upstream` in scope as `super::mock_upstream`.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;

pub type BenchClient = Client<HttpConnector, Full<Bytes>>;

/// POSTs `form` to `uri` (raw answers asked for with
/// `Content-Transfer-Encoding: binary` when `raw`) and reads the answer
/// whole, calling `frame` with the length of each of its data frames as
/// it comes; panics unless they add up to `len`, so a refused request
/// never counts as a fast one.
pub async fn ask(
    client: &BenchClient,
    uri: &http::Uri,
    form: &Bytes,
    raw: bool,
    len: usize,
    mut frame: impl FnMut(usize),
) {
    let mut request = http::Request::new(Full::new(form.clone()));
    *request.method_mut() = http::Method::POST;
    *request.uri_mut() = uri.clone();
    let headers = request.headers_mut();
    headers.insert(
        "content-type",
        http::HeaderValue::from_static("application/x-www-form-urlencoded"),
    );
    if raw {
        headers.insert(
            "content-transfer-encoding",
            http::HeaderValue::from_static("binary"),
        );
    }
    let answer = client.request(request).await.expect("an answer");
    let mut body = answer.into_body();
    let mut received = 0;
    while let Some(next) = body.frame().await {
        if let Some(data) = next.expect("a body").data_ref() {
            received += data.len();
            frame(data.len());
        }
    }
    assert_eq!(received, len, "the proxy refused a bench request");
}

/// The length of every answer to `case`: the upstream's own bytes, or,
/// when the proxy decodes and re-encodes (`as_sent` false, buffered mode),
/// its response in base64 on one line.
pub fn answer_len(case: &str, as_sent: bool) -> usize {
    let (wire, base64) = super::mock_upstream::wire(case, 42).expect("a bench case");
    if as_sent || !base64 {
        return wire.len();
    }
    let mut scratch = Vec::new();
    getemms::Response::parse_base64(&wire, &mut scratch, &getemms::Options::DEFAULT)
        .expect("a valid body")
        .base64_len(getemms::base64::LineWrap::None)
}
