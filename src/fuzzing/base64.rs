//! The base64 targets: arbitrary text as a base64 body, and arbitrary raw
//! bodies sent as base64 the way proxies do, one-shot and streamed.

use alloc::vec;
use alloc::vec::Vec;

use super::split::{
    Outcome, assert_same_outcome, chunks, decode_transport, one_shot, options_and_splits,
};
use super::{assert_reportable, capped};
use crate::base64::LineWrap;
use crate::decoder::Transport;
use crate::{Error, Options, Response};

/// Arbitrary text as a base64 body: never a panic; what is accepted
/// re-encodes and decodes to the same response; the streaming decoder over
/// fuzz-chosen splits gives the one-shot result. Reads at most
/// [`MAX_BASE64_INPUT`](super::MAX_BASE64_INPUT) characters of text.
pub fn base64_text(data: &[u8]) {
    let (options, sizes, text) = options_and_splits(data);
    let text = capped(text);
    let mut scratch = vec![];
    let as_text = Response::parse_base64(text, &mut scratch, &options);
    if let Ok(response) = as_text {
        // One byte too few for the decoded body is refused, naming the size.
        let needed = response.encoded_len();
        let mut short = vec![0u8; needed - 1];
        let refused = crate::base64::decode_into(text, &mut short);
        assert_eq!(
            refused,
            Err(Error::BufferTooSmall {
                needed,
                available: needed - 1
            })
        );
        let mut encoded = vec![];
        response.encode_base64(LineWrap::None, &mut encoded);
        let mut again = vec![];
        assert_eq!(
            Response::parse_base64(&encoded, &mut again, &options),
            Ok(response)
        );
    }
    if let Err(error) = as_text {
        assert_reportable(error);
    }
    let as_text = as_text.map(|r| (r.header(), r.emm().to_vec()));
    streaming_matches(text, sizes, Transport::Base64, options, &as_text);
}

/// Arbitrary bytes as a raw body, sent as base64 the way proxies do (one
/// line or wrapped at 76, padded or not): the one-shot and the streaming
/// decoders over fuzz-chosen splits give the raw parse's result, and `Auto`
/// takes the text for base64 when the raw status is below 2^24. Reads at
/// most [`MAX_BASE64_INPUT`](super::MAX_BASE64_INPUT) body bytes.
pub fn base64_body(data: &[u8]) {
    use ::base64::Engine;
    use ::base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};

    let (options, sizes, payload) = options_and_splits(data);
    let payload = capped(payload);
    let flags = data.first().copied().unwrap_or(0);

    let raw = one_shot(payload, options);
    let engine = if flags & 0x40 != 0 {
        &STANDARD_NO_PAD
    } else {
        &STANDARD
    };
    let mut text = engine.encode(payload).into_bytes();
    if flags & 0x80 != 0 {
        let mut wrapped = Vec::with_capacity(text.len() + text.len() / 76 + 1);
        for line in text.chunks(76) {
            wrapped.extend_from_slice(line);
            wrapped.push(b'\n');
        }
        text = wrapped;
    }
    let mut decoded = vec![];
    let via_text = Response::parse_base64(&text, &mut decoded, &options)
        .map(|r| (r.header(), r.emm().to_vec()));
    assert_eq!(via_text, raw);
    // A status below 2^24: `Auto` must take the text for base64, and is
    // what the stream is decoded with then.
    let transport = if payload.first() == Some(&0) {
        assert_eq!(Transport::Auto.resolve(&text), Transport::Base64);
        Transport::Auto
    } else {
        Transport::Base64
    };
    streaming_matches(&text, sizes, transport, options, &via_text);
}

/// The streaming base64 decoder (`transport` is `Base64`, or `Auto` where
/// that must resolve to it) over `sizes`-cut chunks of `text` agrees with
/// the one-shot `expected`.
fn streaming_matches(
    text: &[u8],
    sizes: &[u8],
    transport: Transport,
    options: Options,
    expected: &Outcome,
) {
    let streamed = decode_transport(&chunks(text, sizes), transport, options);
    match (expected, &streamed) {
        // Documented: a stream that crosses max_emm_len stops there, before
        // it can see a bad character further on.
        (
            Err(Error::InvalidBase64 { .. } | Error::TruncatedBase64 { .. }),
            Err(Error::EmmTooLong { .. }),
        ) if options.max_emm_len.is_some() => {}
        _ => assert_same_outcome(&streamed, expected),
    }
}

#[cfg(test)]
mod tests {
    use alloc::vec;

    use super::*;
    use crate::Header;
    use crate::fuzzing::tests::panics;

    #[test]
    fn a_stream_stopped_by_the_limit_may_miss_a_later_bad_character() {
        let text = b"AAAAAQAAAAIAAAADBwgJ*";
        let limited = Options::new().with_max_emm_len(1);
        let invalid = Response::parse_base64(text, &mut vec![], &Options::DEFAULT)
            .map(|r| (r.header(), r.emm().to_vec()));
        assert!(matches!(invalid, Err(Error::InvalidBase64 { .. })));
        // With the limit the stream stops at the EMM first: allowed.
        streaming_matches(text, &[200], Transport::Base64, limited, &invalid);
        // Without a limit the two must agree: a wrong expectation is caught.
        let wrong: Outcome = Ok((Header::short(1.into(), 2), vec![]));
        assert!(panics(|| streaming_matches(
            text,
            &[3],
            Transport::Base64,
            Options::DEFAULT,
            &wrong
        )));
    }
}
