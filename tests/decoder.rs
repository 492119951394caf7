//! The incremental decoder against the one-shot parser: every split of
//! every body gives the same header, the same EMM bytes and the same error;
//! limits trip at exactly `max_emm_len + 1`; misuse is an error, never a
//! panic.

// The split oracle (`getemms::fuzzing`) and the collecting decoder need
// `alloc`; the raw decoder's own tests run without it.

#[cfg(feature = "alloc")]
use getemms::Transport;
#[cfg(feature = "alloc")]
use getemms::decoder::Collector;
use getemms::decoder::{Decoder, Progress};
use getemms::{Error, Header, LicenseStatus, Options, Response};
use proptest::prelude::*;

/// A full-form body: status 1 (OK), asset id 12345, key id 7, EMM CA FE BA BE.
const FULL: [u8; 16] = [
    0x00, 0x00, 0x00, 0x01, // license status = 1
    0x00, 0x00, 0x30, 0x39, // asset id = 12345
    0x00, 0x00, 0x00, 0x07, // key id = 7
    0xCA, 0xFE, 0xBA, 0xBE, // EMM
];

/// The short form: status 600, asset id 0.
const REJECTION_600: [u8; 8] = [
    0x00, 0x00, 0x02, 0x58, // license status = 600
    0x00, 0x00, 0x00, 0x00, // asset id = 0
];

/// The split oracle, shared with the fuzz targets: `decode` runs the raw
/// decoder with its checks, `assert_same` compares with the one-shot parse.
#[cfg(feature = "alloc")]
use getemms::fuzzing::{
    assert_same_outcome as assert_same, collect, decode_raw as decode, one_shot,
    split_at_cuts as chunks,
};

fn options() -> impl Strategy<Value = Options> {
    (proptest::option::of(0usize..24), any::<bool>()).prop_map(
        |(max_emm_len, accept_short_form)| Options {
            max_emm_len,
            accept_short_form,
        },
    )
}

#[cfg(feature = "alloc")]
fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..=13),
        proptest::collection::vec(any::<u8>(), 0..64),
    ]
}

#[cfg(feature = "alloc")]
proptest! {
    #[test]
    fn every_split_gives_the_one_shot_result(
        body in body(),
        cuts in proptest::collection::vec(any::<usize>(), 0..8),
        options in options(),
    ) {
        let pieces = chunks(&body, &cuts);
        assert_same(&decode(&pieces, options), &one_shot(&body, options));
    }

    #[test]
    fn byte_by_byte_gives_the_one_shot_result(body in body(), options in options()) {
        let pieces: Vec<&[u8]> = body.chunks(1).collect();
        assert_same(&decode(&pieces, options), &one_shot(&body, options));
    }

    #[test]
    fn collector_gives_the_one_shot_response(
        body in body(),
        cuts in proptest::collection::vec(any::<usize>(), 0..8),
        options in options(),
    ) {
        // `collect` also checks that the buffer never grows past 12 + limit.
        let pieces = chunks(&body, &cuts);
        assert_same(&collect(&pieces, Transport::Raw, options), &one_shot(&body, options));
    }
}

proptest! {
    #[test]
    fn misuse_is_an_error_never_a_panic(
        ops in proptest::collection::vec(
            prop_oneof![
                proptest::collection::vec(any::<u8>(), 0..16).prop_map(Op::Feed),
                Just(Op::Finish),
                Just(Op::Reset),
            ],
            0..12,
        ),
        options in options(),
    ) {
        let mut decoder = Decoder::new(options);
        // The model: `None` while receiving, `Some(Ok(len))` once finished,
        // `Some(Err(e))` once failed.
        let mut model: Option<Result<usize, Error>> = None;
        for op in ops {
            let outcome = match &op {
                Op::Feed(chunk) => decoder.feed(chunk).map(|_| ()),
                Op::Finish => decoder.finish().map(|_| ()),
                Op::Reset => {
                    decoder.reset();
                    model = None;
                    continue;
                }
            };
            match model {
                Some(Ok(len)) => {
                    prop_assert_eq!(outcome, Err(Error::AlreadyFinished { offset: len }));
                }
                Some(Err(error)) => prop_assert_eq!(outcome, Err(error)),
                None => match outcome {
                    Ok(()) if op == Op::Finish => model = Some(Ok(decoder.body_len())),
                    Ok(()) => {}
                    Err(error) => model = Some(Err(error)),
                },
            }
            prop_assert_eq!(decoder.is_finished(), matches!(model, Some(Ok(_))));
            prop_assert_eq!(decoder.error(), model.and_then(Result::err));
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Op {
    Feed(Vec<u8>),
    Finish,
    Reset,
}

#[test]
fn limit_trips_at_exactly_max_emm_len_plus_one() {
    for limit in 0..20 {
        let body: Vec<u8> = FULL[..12].iter().copied().chain(0..=limit as u8).collect();
        // EMM of exactly `limit` bytes: accepted.
        let options = Options::new().with_max_emm_len(limit);
        let fits = &body[..12 + limit];
        let mut decoder = Decoder::new(options);
        let mut emm_len = 0;
        for byte in fits {
            emm_len += decoder.feed(std::slice::from_ref(byte)).unwrap().emm.len();
        }
        assert_eq!(decoder.finish().map(|end| end.emm_len), Ok(limit));
        assert_eq!(emm_len, limit);
        let one_shot = Response::parse_with(fits, &options).unwrap();
        assert_eq!(decoder.header(), Some(one_shot.header()));
        assert_eq!(one_shot.emm().len(), limit);

        // One more byte, fed one at a time: refused at that byte.
        let mut decoder = Decoder::new(options);
        for (offset, byte) in body.iter().enumerate() {
            let result = decoder.feed(std::slice::from_ref(byte));
            if offset < 12 + limit {
                assert!(result.is_ok(), "limit {limit}, offset {offset}");
            } else {
                let error = Error::EmmTooLong {
                    len: limit + 1,
                    limit,
                };
                assert_eq!(result, Err(error));
                assert_eq!(error.offset(), 12 + limit);
                assert_eq!(decoder.emm_len(), limit);
            }
        }
    }
}

#[test]
fn the_crossing_chunk_yields_nothing() {
    let mut decoder = Decoder::new(Options::new().with_max_emm_len(3));
    // Header plus one EMM byte: accepted.
    let first = decoder.feed(&FULL[..13]).unwrap();
    assert_eq!(first.emm, &[0xCA]);
    assert!(first.header.is_some());
    // Three more EMM bytes take it to 4 > 3: refused whole.
    let error = Error::EmmTooLong { len: 4, limit: 3 };
    assert_eq!(decoder.feed(&FULL[13..]), Err(error));
    assert_eq!(decoder.emm_len(), 1);
    assert_eq!(decoder.feed(&[]), Err(error));
    assert_eq!(decoder.finish(), Err(error));
    // The header stays readable for logging.
    assert_eq!(
        decoder.header(),
        Some(Header::full(LicenseStatus::from(1), 12345, 7))
    );
}

#[test]
fn header_crossing_the_limit_in_one_chunk_is_still_readable() {
    let mut decoder = Decoder::new(Options::new().with_max_emm_len(0));
    assert_eq!(
        decoder.feed(&FULL),
        Err(Error::EmmTooLong { len: 4, limit: 0 })
    );
    assert_eq!(decoder.header().map(|h| h.key_id), Some(Some(7)));
}

#[test]
fn short_form_is_held_back_until_the_end() {
    let mut decoder = Decoder::new(Options::new());
    assert_eq!(decoder.feed(&REJECTION_600).unwrap(), Progress::default());
    assert_eq!(decoder.header(), None);
    assert_eq!(decoder.header_missing(), 4);
    let end = decoder.finish().unwrap();
    assert!(end.is_short());
    assert_eq!(end.header, Some(Header::short(LicenseStatus::from(600), 0)));
    assert_eq!(end.emm_len, 0);
}

#[test]
fn short_form_refused_when_not_accepted() {
    let mut decoder = Decoder::new(Options::new().with_short_form(false));
    decoder.feed(&REJECTION_600).unwrap();
    let error = Error::Truncated {
        received: 8,
        missing: 4,
        license_status: Some(LicenseStatus::from(600)),
    };
    assert_eq!(decoder.finish(), Err(error));
    assert_eq!(decoder.error(), Some(error));
}

#[test]
fn every_truncation_length_is_the_one_shot_error() {
    for len in (0..8).chain(9..12) {
        let mut decoder = Decoder::new(Options::new());
        for byte in &FULL[..len] {
            decoder.feed(std::slice::from_ref(byte)).unwrap();
        }
        let got = decoder.finish().map(|_| ());
        let want = Response::parse(&FULL[..len]).map(|_| ());
        assert!(want.is_err());
        assert_eq!(got, want, "{len} bytes");
        // The status is carried once four bytes came.
        assert_eq!(
            got.unwrap_err().license_status().is_some(),
            len >= 4,
            "{len} bytes"
        );
    }
}

#[cfg(feature = "alloc")]
#[test]
fn collector_reuses_its_buffer_across_bodies() {
    let mut buffer = Vec::with_capacity(64);
    let pointer = buffer.as_ptr();
    for body in [&FULL[..], &REJECTION_600[..], &FULL[..]] {
        let mut collector = Collector::new(&mut buffer, Options::new());
        for piece in body.chunks(3) {
            collector.push(piece).unwrap();
        }
        let response = collector.finish().unwrap();
        assert_eq!(response, Response::parse(body).unwrap());
        assert_eq!(response.to_vec(), body);
    }
    assert_eq!(buffer.as_ptr(), pointer, "the buffer was reallocated");
    assert_eq!(buffer.capacity(), 64);
}

#[cfg(feature = "alloc")]
#[test]
fn collector_fills_a_buffer_of_exactly_the_body_without_growing_it() {
    let mut buffer = Vec::with_capacity(FULL.len());
    let pointer = buffer.as_ptr();
    let mut collector = Collector::new(&mut buffer, Options::new());
    collector.push(&FULL).unwrap();
    assert_eq!(collector.finish().unwrap(), Response::parse(&FULL).unwrap());
    assert_eq!(buffer.as_ptr(), pointer, "the buffer was reallocated");
    assert_eq!(buffer.capacity(), FULL.len());
}

#[cfg(feature = "alloc")]
#[test]
fn collector_grows_by_doubling_without_a_limit() {
    let mut buffer = Vec::new();
    let mut collector = Collector::new(&mut buffer, Options::new());
    // The header lands in one append of 12 bytes; the first EMM bytes then
    // double the buffer to 24 rather than growing it to 15.
    for piece in FULL.chunks(3) {
        collector.push(piece).unwrap();
    }
    assert_eq!(collector.finish().unwrap(), Response::parse(&FULL).unwrap());
    assert!(buffer.capacity() >= 24, "{}", buffer.capacity());
}

#[cfg(feature = "alloc")]
#[test]
fn collector_never_grows_past_header_plus_limit() {
    let emm = vec![0xAB; 1000];
    let body: Vec<u8> = FULL[..12].iter().chain(&emm).copied().collect();
    for limit in [0, 1, 13, 999, 1000] {
        let mut buffer = Vec::new();
        let mut collector = Collector::new(&mut buffer, Options::new().with_max_emm_len(limit));
        let mut result = Ok(());
        for piece in body.chunks(7) {
            result = collector.push(piece);
            if result.is_err() {
                break;
            }
        }
        match result.and_then(|()| collector.finish()) {
            Ok(response) => {
                assert_eq!(limit, 1000);
                assert_eq!(response.emm(), &emm[..]);
            }
            Err(error) => {
                assert!(limit < 1000);
                assert!(matches!(error, Error::EmmTooLong { limit: l, .. } if l == limit));
            }
        }
        assert!(
            buffer.capacity() <= 12 + limit,
            "limit {limit}: {}",
            buffer.capacity()
        );
    }
}

#[cfg(feature = "bytes")]
#[test]
fn collector_into_bytes_mut() {
    let mut buffer = bytes::BytesMut::new();
    for _ in 0..2 {
        let mut collector = Collector::new(&mut buffer, Options::new().with_max_emm_len(4));
        for piece in FULL.chunks(5) {
            collector.push(piece).unwrap();
        }
        let response = collector.finish().unwrap();
        assert_eq!(response.emm(), &[0xCA, 0xFE, 0xBA, 0xBE]);
        assert_eq!(response.emm().as_ptr(), buffer[12..].as_ptr());
        assert!(buffer.capacity() <= 16);
    }
}

#[cfg(feature = "bytes")]
#[test]
fn collector_into_bytes_mut_grows_by_doubling_without_a_limit() {
    let mut buffer = bytes::BytesMut::new();
    let mut collector = Collector::new(&mut buffer, Options::new());
    for piece in FULL.chunks(3) {
        collector.push(piece).unwrap();
    }
    assert_eq!(collector.finish().unwrap(), Response::parse(&FULL).unwrap());
    assert!(buffer.capacity() >= 24, "{}", buffer.capacity());
}

#[cfg(feature = "alloc")]
#[test]
fn collector_decodes_base64() {
    let mut buffer = Vec::new();
    let mut collector = Collector::with_transport(&mut buffer, Options::new(), Transport::Auto);
    for piece in b"AAAAAQAAMDkAAAAH\r\nyv66vg==\r\n".chunks(5) {
        collector.push(piece).unwrap();
    }
    assert_eq!(collector.finish().unwrap(), Response::parse(&FULL).unwrap());
}

#[test]
fn error_messages_say_expected_got_and_offset() {
    let mut decoder = Decoder::new(Options::new());
    decoder.feed(&FULL).unwrap();
    decoder.finish().unwrap();
    let error = decoder.feed(&[0]).unwrap_err();
    assert_eq!(error, Error::AlreadyFinished { offset: 16 });
    assert_eq!(error.offset(), 16);
    let message = error.to_string();
    assert!(
        message.contains("expected no more calls after finish()"),
        "{message}"
    );
    assert!(message.contains("byte offset 16"), "{message}");
}
