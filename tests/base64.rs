//! Base64 bodies: the fixtures of `testdata/`, every split of every text
//! (padded or not, line breaks anywhere) against the one-shot parse, error
//! offsets, and arbitrary text that must never panic.

// The collecting and base64 decoders need `alloc`.
#![cfg(feature = "alloc")]

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use getemms::base64::{Base64Stream, LineWrap, decode, decode_into};
use getemms::decoder::TransportDecoder;
use getemms::fuzzing::{
    Outcome, assert_same_outcome as assert_same, decode_transport as stream_pieces, one_shot,
    split_at_cuts as chunks,
};
use getemms::{Error, Header, LicenseStatus, Options, Response, Transport};
use proptest::prelude::*;

const REJECTION_600_B64: &[u8] = include_bytes!("../testdata/rejection_600.b64");
const OK_EMM100_BIN: &[u8] = include_bytes!("../testdata/ok_emm100.bin");
const OK_EMM100_B64: &[u8] = include_bytes!("../testdata/ok_emm100.b64");

#[test]
fn fixture_rejection_600() {
    assert_eq!(REJECTION_600_B64, b"AAACWAAAAAA=");
    let mut body = Vec::new();
    let response = Response::parse_base64(REJECTION_600_B64, &mut body, &Options::new()).unwrap();
    assert_eq!(response.license_status(), LicenseStatus::from(600));
    assert_eq!(response.asset_id(), 0);
    assert_eq!(response.key_id(), None);
    assert!(response.emm().is_empty());
    assert_eq!(
        body,
        [
            0x00, 0x00, 0x02, 0x58, // license status = 600
            0x00, 0x00, 0x00, 0x00, // asset id = 0
        ]
    );

    let mut text = Vec::new();
    Response::rejection(LicenseStatus::from(600), 0).encode_base64(LineWrap::None, &mut text);
    assert_eq!(text, REJECTION_600_B64);
}

#[test]
fn fixture_ok_emm100() {
    let raw = Response::parse(OK_EMM100_BIN).unwrap();
    assert_eq!(raw.license_status(), LicenseStatus::from(1));
    assert_eq!(raw.asset_id(), 12345);
    assert_eq!(raw.key_id(), Some(7));
    assert_eq!(raw.emm(), (0..100).collect::<Vec<u8>>());

    // Decodes to the raw fixture.
    let mut body = Vec::new();
    let decoded = Response::parse_base64(OK_EMM100_B64, &mut body, &Options::new()).unwrap();
    assert_eq!(decoded, raw);
    assert_eq!(decoded.emm().as_ptr(), body[12..].as_ptr());

    // Encodes back to it, wrapped at 76 columns as Perl does…
    let mut text = Vec::new();
    raw.encode_base64(LineWrap::Mime, &mut text);
    assert_eq!(text, OK_EMM100_B64);
    let lines: Vec<&[u8]> = text.split(|&b| b == b'\n').collect();
    assert_eq!(
        lines.iter().map(|l| l.len()).collect::<Vec<_>>(),
        [76, 76, 0]
    );

    // …and on one padded line as PHP does.
    text.clear();
    raw.encode_base64(LineWrap::None, &mut text);
    assert_eq!(text, STANDARD.encode(OK_EMM100_BIN).as_bytes());
    let mut fixed = [0u8; 152];
    assert_eq!(raw.encode_base64_into(LineWrap::None, &mut fixed), Ok(152));
    assert_eq!(
        raw.encode_base64_into(LineWrap::None, &mut fixed[..151]),
        Err(Error::BufferTooSmall {
            needed: 152,
            available: 151
        })
    );
}

#[test]
fn fixture_streams_in_every_chunk_size() {
    for chunk_len in 1..=OK_EMM100_B64.len() {
        for transport in [Transport::Base64, Transport::Auto] {
            let (header, emm) =
                stream(OK_EMM100_B64, chunk_len, transport, Options::new()).unwrap();
            assert_eq!(header, Header::full(LicenseStatus::from(1), 12345, 7));
            assert_eq!(emm, OK_EMM100_BIN[12..]);
        }
    }
}

#[test]
fn no_std_paths_decode_into_a_slice() {
    let mut body = [0u8; 112];
    assert_eq!(decode_into(OK_EMM100_B64, &mut body), Ok(112));
    assert_eq!(body, OK_EMM100_BIN);
    let mut body = [0u8; 112];
    let len = decode_into(OK_EMM100_B64, &mut body).unwrap();
    let response = Response::parse_with(&body[..len], &Options::new()).unwrap();
    assert_eq!(response.emm().len(), 100);
    assert_eq!(
        decode_into(OK_EMM100_B64, &mut [0u8; 111]),
        Err(Error::BufferTooSmall {
            needed: 112,
            available: 111
        })
    );
}

/// A complete body whose transport `Auto` decides, the way a caller that
/// does not know it parses one.
fn parse_auto<'a>(body: &'a [u8], scratch: &'a mut Vec<u8>) -> Result<Response<'a>, Error> {
    match Transport::Auto.resolve(body) {
        Transport::Base64 => Response::parse_base64(body, scratch, &Options::new()),
        Transport::Raw | Transport::Auto => Response::parse(body),
    }
}

#[test]
fn auto_never_takes_a_spec_status_for_base64() {
    let mut scratch = Vec::new();
    let raw = parse_auto(OK_EMM100_BIN, &mut scratch).unwrap();
    assert_eq!(raw.emm().as_ptr(), OK_EMM100_BIN[12..].as_ptr()); // parsed in place
    assert!(scratch.is_empty());
    let text = parse_auto(OK_EMM100_B64, &mut scratch).unwrap();
    assert_eq!(text.to_vec(), OK_EMM100_BIN);
    // An explicit transport is never second-guessed.
    assert_eq!(Transport::Raw.resolve(REJECTION_600_B64), Transport::Raw);
    assert_eq!(
        Response::parse(REJECTION_600_B64)
            .unwrap()
            .license_status()
            .code(),
        u32::from_be_bytes(*b"AAAC")
    );
}

#[test]
fn content_transfer_encoding_names() {
    assert_eq!(
        Transport::from_content_transfer_encoding("base64"),
        Some(Transport::Base64)
    );
    assert_eq!(
        Transport::from_content_transfer_encoding("BASE64\r\n"),
        Some(Transport::Base64)
    );
    for raw in ["binary", "8bit", "7Bit"] {
        assert_eq!(
            Transport::from_content_transfer_encoding(raw),
            Some(Transport::Raw)
        );
    }
    assert_eq!(
        Transport::from_content_transfer_encoding("x-uuencode"),
        None
    );
}

#[test]
fn transport_decoder_misuse_is_an_error() {
    let mut decoder = TransportDecoder::new(Options::new(), Transport::Base64);
    decoder.feed(REJECTION_600_B64).unwrap();
    let end = decoder.finish().unwrap();
    assert!(end.is_short());
    assert_eq!(
        decoder.feed(b"AAAA").map(|p| p.emm.len()),
        Err(Error::AlreadyFinished { offset: 8 })
    );
    assert_eq!(
        decoder.finish().map(|_| ()),
        Err(Error::AlreadyFinished { offset: 8 })
    );
    decoder.reset();
    decoder.feed(b"AAAC*").unwrap_err();
    let error = Error::InvalidBase64 {
        offset: 4,
        byte: b'*',
        expected: getemms::ExpectedBase64::Character,
    };
    assert_eq!(decoder.feed(b"AAAA").map(|_| ()), Err(error));
    assert_eq!(decoder.finish().map(|_| ()), Err(error));
    assert_eq!(decoder.error(), Some(error));
    let message = error.to_string();
    assert!(
        message.contains("got '*' at byte offset 4 of the text"),
        "{message}"
    );
}

#[test]
fn the_last_unpadded_bytes_come_with_finish() {
    // 13-byte body unpadded: "…BA" only settles at the end.
    let text = STANDARD_NO_PAD.encode(&OK_EMM100_BIN[..13]);
    let mut decoder = TransportDecoder::new(Options::new(), Transport::Base64);
    let progress = decoder.feed(text.as_bytes()).unwrap();
    assert!(progress.header.is_some());
    assert!(progress.emm.is_empty());
    let end = decoder.finish().unwrap();
    assert_eq!(end.emm, &[0x00]);
    assert_eq!(end.emm_len, 1);
    assert_eq!(end.header, None);
}

#[test]
fn limit_applies_to_the_decoded_emm() {
    let text = STANDARD.encode(OK_EMM100_BIN);
    for limit in [0, 98, 99, 100] {
        let got = stream(
            text.as_bytes(),
            7,
            Transport::Base64,
            Options::new().with_max_emm_len(limit),
        );
        if limit >= 100 {
            assert!(got.is_ok());
        } else {
            assert!(
                matches!(got, Err(Error::EmmTooLong { len, limit: l }) if l == limit && len > limit),
                "{limit}: {got:?}"
            );
        }
    }
}

/// Feeds `text` in chunks of `chunk_len` to a [`TransportDecoder`] through
/// the split oracle, which checks the header is reported once and the
/// scratch buffer stays within the chunk bound.
fn stream(text: &[u8], chunk_len: usize, transport: Transport, options: Options) -> Outcome {
    let pieces: Vec<&[u8]> = text.chunks(chunk_len.max(1)).collect();
    stream_pieces(&pieces, transport, options)
}

/// Base64 of `body` as a sender might write it: padded or not, `\n` or
/// `\r\n` inserted at the given character positions, trailing whitespace.
fn sender_text(body: &[u8], padded: bool, breaks: &[(usize, bool)], trailing: &str) -> Vec<u8> {
    let encoded = if padded {
        STANDARD.encode(body)
    } else {
        STANDARD_NO_PAD.encode(body)
    };
    let mut breaks: Vec<(usize, bool)> = breaks
        .iter()
        .map(|&(at, crlf)| (at % (encoded.len() + 1), crlf))
        .collect();
    breaks.sort_unstable();
    let mut text = Vec::new();
    let mut start = 0;
    for (at, crlf) in breaks {
        text.extend_from_slice(&encoded.as_bytes()[start..at]);
        text.extend_from_slice(if crlf { b"\r\n" } else { b"\n" });
        start = at;
    }
    text.extend_from_slice(&encoded.as_bytes()[start..]);
    text.extend_from_slice(trailing.as_bytes());
    text
}

fn options() -> impl Strategy<Value = Options> {
    (proptest::option::of(0usize..24), any::<bool>()).prop_map(
        |(max_emm_len, accept_short_form)| Options {
            max_emm_len,
            accept_short_form,
        },
    )
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..=13),
        proptest::collection::vec(any::<u8>(), 0..80),
    ]
}

/// Text that is mostly base64, with the characters that exercise the edges.
fn base64ish_text() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(
        prop_oneof![
            8 => proptest::sample::select(b"AQgwBCDab+/09".to_vec()),
            1 => proptest::sample::select(b"=\r\n \t*\x00\xff".to_vec()),
        ],
        0..40,
    )
}

proptest! {
    #[test]
    fn every_split_of_every_sender_text_gives_the_one_shot_result(
        body in body(),
        padded in any::<bool>(),
        breaks in proptest::collection::vec((any::<usize>(), any::<bool>()), 0..6),
        trailing in proptest::sample::select(vec!["", "\n", "\r\n", " \t\r\n", "  "]),
        cuts in proptest::collection::vec(any::<usize>(), 0..8),
        options in options(),
    ) {
        let text = sender_text(&body, padded, &breaks, trailing);
        let want = one_shot(&body, options);

        // One shot, into a Vec and into a slice.
        let mut buffer = Vec::new();
        let got = Response::parse_base64(&text, &mut buffer, &options).map(|r| (r.header(), r.emm().to_vec()));
        prop_assert_eq!(&got, &want);
        let mut fixed = vec![0u8; body.len()];
        let got = decode_into(&text, &mut fixed)
            .and_then(|len| Response::parse_with(&fixed[..len], &options))
            .map(|r| (r.header(), r.emm().to_vec()));
        prop_assert_eq!(&got, &want);

        // Streamed, explicitly and (when the text starts with a base64
        // character) automatically.
        let pieces = chunks(&text, &cuts);
        assert_same(&stream_pieces(&pieces, Transport::Base64, options), &want);
        if text.first().is_some_and(|&b| Transport::detect(b) == Transport::Base64) {
            assert_same(&stream_pieces(&pieces, Transport::Auto, options), &want);
        }

        // Through Base64Stream and a caller's scratch, without alloc in the path.
        let mut stream = Base64Stream::new();
        let mut decoded = Vec::new();
        for piece in &pieces {
            let mut scratch = vec![0u8; stream.decoded_len_bound(piece.len())];
            let n = stream.decode_chunk(piece, &mut scratch).unwrap();
            decoded.extend_from_slice(&scratch[..n]);
        }
        decoded.extend_from_slice(stream.finish().unwrap());
        prop_assert_eq!(decoded, body);
    }

    #[test]
    fn raw_bodies_of_spec_statuses_stream_the_same_under_auto(
        mut body in body(),
        cuts in proptest::collection::vec(any::<usize>(), 0..8),
        options in options(),
    ) {
        if let Some(first) = body.first_mut() {
            *first = 0; // status < 2^24, as every code of the spec
        }
        let pieces = chunks(&body, &cuts);
        assert_same(&stream_pieces(&pieces, Transport::Auto, options), &one_shot(&body, options));
        assert_same(&stream_pieces(&pieces, Transport::Raw, options), &one_shot(&body, options));
    }

    #[test]
    fn a_bad_character_is_reported_where_it_is(
        body in proptest::collection::vec(any::<u8>(), 8..60),
        breaks in proptest::collection::vec((any::<usize>(), any::<bool>()), 0..4),
        at in any::<usize>(),
        bad in proptest::sample::select(b"*-_.!\"\x00\x7f\x80\xff".to_vec()),
        cuts in proptest::collection::vec(any::<usize>(), 0..6),
    ) {
        let mut text = sender_text(&body, true, &breaks, "\n");
        let at = at % (text.len() + 1);
        text.insert(at, bad);
        let mut buffer = Vec::new();
        let error = decode(&text, &mut buffer).unwrap_err();
        prop_assert!(
            matches!(error, Error::InvalidBase64 { offset, byte, .. } if offset == at && byte == bad),
            "{:?}", error
        );
        prop_assert_eq!(error.offset(), at);
        let streamed = stream_pieces(&chunks(&text, &cuts), Transport::Base64, Options::new());
        prop_assert_eq!(streamed, Err(error));
    }

    #[test]
    fn arbitrary_text_never_panics_and_splits_agree(
        text in prop_oneof![base64ish_text(), proptest::collection::vec(any::<u8>(), 0..40)],
        cuts in proptest::collection::vec(any::<usize>(), 0..6),
    ) {
        let mut whole = Vec::new();
        let one_shot = decode(&text, &mut whole).map(|()| whole.clone());

        let mut stream = Base64Stream::new();
        let mut decoded = Vec::new();
        let mut streamed = Ok(());
        for piece in chunks(&text, &cuts) {
            let mut scratch = vec![0u8; stream.decoded_len_bound(piece.len())];
            match stream.decode_chunk(piece, &mut scratch) {
                Ok(n) => decoded.extend_from_slice(&scratch[..n]),
                Err(error) => {
                    streamed = Err(error);
                    break;
                }
            }
        }
        let streamed = streamed
            .and_then(|()| stream.finish().map(|tail| decoded.extend_from_slice(tail)))
            .map(|()| decoded);
        prop_assert_eq!(&streamed, &one_shot);

        if let Ok(bytes) = &one_shot {
            // What we accept is canonical base64 of what we return.
            let significant: Vec<u8> = text
                .iter()
                .copied()
                .filter(|b| !matches!(b, b'\r' | b'\n' | b' ' | b'\t' | b'='))
                .collect();
            let reencoded = STANDARD_NO_PAD.encode(bytes);
            prop_assert_eq!(reencoded.as_bytes(), &significant[..]);
        }

        // Through the decoder and the one-shot parsers too.
        let mut scratch = Vec::new();
        let parsed = Response::parse_base64(&text, &mut scratch, &Options::new())
            .map(|r| (r.header(), r.emm().to_vec()));
        let pieces = chunks(&text, &cuts);
        assert_same(&stream_pieces(&pieces, Transport::Base64, Options::new()), &parsed);
        let _ = stream_pieces(&pieces, Transport::Auto, Options::new());
    }
}
