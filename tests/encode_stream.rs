//! The streaming encoder `EncodeStream` against references it shares no
//! code with: the `base64` crate's one-shot text (with `\n` inserted every
//! 76 characters and at the end, for MIME) and `Response::encode_base64`,
//! for any bytes cut anywhere, in both layouts.

// The references and the streamed text are `Vec`s.
#![cfg(feature = "alloc")]

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use getemms::base64::{Base64Stream, EncodeStream, LineWrap};
use getemms::{Error, Response};
use proptest::prelude::*;

const OK_EMM100_BIN: &[u8] = include_bytes!("../testdata/ok_emm100.bin");
const OK_EMM100_B64: &[u8] = include_bytes!("../testdata/ok_emm100.b64");

/// The text of `bytes`: one padded line, or lines of 76 characters each
/// ending in `\n` (none for an empty body).
fn reference(bytes: &[u8], wrap: LineWrap) -> Vec<u8> {
    let line = STANDARD.encode(bytes).into_bytes();
    match wrap {
        LineWrap::None => line,
        LineWrap::Mime => line
            .chunks(76)
            .flat_map(|chars| chars.iter().copied().chain([b'\n']))
            .collect(),
    }
}

/// The pieces of `bytes` cut at `cuts` (each taken modulo `len + 1`,
/// sorted): every piece, empty ones included.
fn pieces<'a>(bytes: &'a [u8], cuts: &[usize]) -> Vec<&'a [u8]> {
    let mut cuts: Vec<usize> = cuts.iter().map(|c| c % (bytes.len() + 1)).collect();
    cuts.sort_unstable();
    let mut pieces = Vec::new();
    let mut start = 0;
    for end in cuts.into_iter().chain([bytes.len()]) {
        pieces.push(&bytes[start..end]);
        start = end;
    }
    pieces
}

/// Streams `pieces` into a `Vec`, each call given exactly
/// `encoded_len_bound` bytes (and `finish` exactly `finish_len_bound`),
/// checking that each call fills what it was given.
fn stream(pieces: &[&[u8]], wrap: LineWrap) -> Vec<u8> {
    let mut stream = EncodeStream::new(wrap);
    let mut text = Vec::new();
    let mut taken = 0;
    for piece in pieces {
        let bound = stream.encoded_len_bound(piece.len());
        let start = text.len();
        text.resize(start + bound, 0);
        let written = stream.encode_chunk(piece, &mut text[start..]).unwrap();
        assert_eq!(written, bound);
        taken += piece.len();
        assert_eq!(stream.input_len(), taken);
    }
    let bound = stream.finish_len_bound();
    assert!(bound <= EncodeStream::FINISH_BOUND);
    let mut last = [0u8; EncodeStream::FINISH_BOUND];
    let written = stream.finish(&mut last).unwrap();
    assert_eq!(written, bound);
    text.extend_from_slice(&last[..written]);
    assert!(stream.is_finished());
    assert_eq!(
        stream.finish(&mut last),
        Err(Error::AlreadyFinished { offset: taken })
    );
    text
}

#[test]
fn fixture_ok_emm100_in_every_chunk_size() {
    assert_eq!(reference(OK_EMM100_BIN, LineWrap::Mime), OK_EMM100_B64);
    for size in 1..=OK_EMM100_BIN.len() {
        let chunks: Vec<&[u8]> = OK_EMM100_BIN.chunks(size).collect();
        assert_eq!(stream(&chunks, LineWrap::Mime), OK_EMM100_B64, "{size}");
        assert_eq!(
            stream(&chunks, LineWrap::None),
            STANDARD.encode(OK_EMM100_BIN).as_bytes(),
            "{size}"
        );
    }
}

#[test]
fn empty_body_is_empty_text() {
    for wrap in [LineWrap::None, LineWrap::Mime] {
        assert_eq!(stream(&[], wrap), b"");
        assert_eq!(stream(&[b"", b""], wrap), b"");
    }
}

/// A relay's transcoding: the streamed text decodes back, chunk by chunk,
/// to the body.
#[test]
fn streamed_text_decodes_back() {
    for wrap in [LineWrap::None, LineWrap::Mime] {
        let text = stream(&[&OK_EMM100_BIN[..50], &OK_EMM100_BIN[50..]], wrap);
        let mut decoder = Base64Stream::new();
        let mut body = vec![0u8; decoder.decoded_len_bound(text.len())];
        let n = decoder.decode_chunk(&text, &mut body).unwrap();
        body.truncate(n);
        body.extend_from_slice(decoder.finish().unwrap());
        assert_eq!(body, OK_EMM100_BIN);
    }
}

fn wraps() -> impl Strategy<Value = LineWrap> {
    prop_oneof![Just(LineWrap::None), Just(LineWrap::Mime)]
}

/// Bodies of a valid length: exactly 8, or 12 and more.
fn valid_body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 8..=8),
        proptest::collection::vec(any::<u8>(), 12..600),
    ]
}

proptest! {
    #[test]
    fn any_split_is_the_one_shot_text(
        bytes in proptest::collection::vec(any::<u8>(), 0..600),
        cuts in proptest::collection::vec(any::<usize>(), 0..8),
        wrap in wraps(),
    ) {
        let pieces = pieces(&bytes, &cuts);
        prop_assert_eq!(stream(&pieces, wrap), reference(&bytes, wrap));
    }

    #[test]
    fn any_split_of_a_body_is_encode_base64(
        body in valid_body(),
        cuts in proptest::collection::vec(any::<usize>(), 0..8),
        wrap in wraps(),
    ) {
        let response = Response::parse(&body).unwrap();
        let mut text = Vec::new();
        response.encode_base64(wrap, &mut text);
        prop_assert_eq!(text.len(), response.base64_len(wrap));
        prop_assert_eq!(stream(&pieces(&body, &cuts), wrap), text);
    }

    /// A buffer one byte short of the bound is refused, whatever the state,
    /// and the stream then goes on to the same text.
    #[test]
    fn a_short_buffer_is_refused_and_changes_nothing(
        bytes in proptest::collection::vec(any::<u8>(), 0..300),
        cuts in proptest::collection::vec(any::<usize>(), 0..6),
        wrap in wraps(),
    ) {
        let mut stream = EncodeStream::new(wrap);
        let mut text = Vec::new();
        for piece in pieces(&bytes, &cuts) {
            let bound = stream.encoded_len_bound(piece.len());
            if bound > 0 {
                let before = stream.clone();
                let mut short = vec![0u8; bound - 1];
                prop_assert_eq!(
                    stream.encode_chunk(piece, &mut short),
                    Err(Error::BufferTooSmall { needed: bound, available: bound - 1 })
                );
                prop_assert_eq!(&stream, &before);
            }
            let start = text.len();
            text.resize(start + bound, 0);
            prop_assert_eq!(stream.encode_chunk(piece, &mut text[start..]), Ok(bound));
        }
        let mut last = [0u8; EncodeStream::FINISH_BOUND];
        let n = stream.finish(&mut last).unwrap();
        text.extend_from_slice(&last[..n]);
        prop_assert_eq!(text, reference(&bytes, wrap));
    }
}
