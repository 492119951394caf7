//! Memory stays flat while a large body streams through the decoders.
//!
//! A counting global allocator (counting per thread, so the test harness's
//! own threads do not interfere) checks that the raw [`Decoder`] allocates
//! nothing at all over a 64 MiB body, and that the base64
//! [`TransportDecoder`] allocates its scratch buffer once, bounded by the
//! chunk, not the body. Chunks are generated on the fly: no test holds the
//! body in memory. With `http`, the `BodyReader` asks for a base64 body's
//! EMM bytes once. This file has its own test binary because a global
//! allocator is binary-wide.

// The collecting and base64 decoders need `alloc`.
#![cfg(feature = "alloc")]

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use getemms::decoder::{Decoder, TransportDecoder};

use getemms::{Header, LicenseStatus, Options, Transport};
use support::counting_alloc::{CountingAllocator, allocations};

mod support;

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

#[test]
fn the_counter_counts() {
    let before = allocations();
    let boxed = std::hint::black_box(Box::new(1u64));
    assert_eq!(allocations(), before + 1);
    drop(boxed);
}

const CHUNK_LEN: usize = 16 * 1024;
const BODY_LEN: usize = 64 * 1024 * 1024;

#[test]
fn raw_decoder_allocates_nothing_over_64_mib() {
    let header = [
        0x00, 0x00, 0x00, 0x01, // license status = 1
        0x00, 0x00, 0x00, 0x02, // asset id = 2
        0x00, 0x00, 0x00, 0x03, // key id = 3
    ];
    let mut chunk = vec![0u8; CHUNK_LEN];
    let mut decoder = Decoder::new(Options::new().with_max_emm_len(BODY_LEN));
    let mut emm_len = 0;
    let mut headers = 0;

    let before = allocations();
    for index in 0..BODY_LEN / CHUNK_LEN {
        // New content for every chunk, the header in the first one; a
        // 5-byte split keeps the header straddling two feeds.
        chunk.fill(index as u8);
        if index == 0 {
            chunk[..12].copy_from_slice(&header);
        }
        let (front, back) = chunk.split_at(5);
        for piece in [front, back] {
            let progress = decoder.feed(piece).expect("a valid body");
            headers += usize::from(progress.header.is_some());
            emm_len += progress.emm.len();
            if let (Some(&first), Some(&last)) = (progress.emm.first(), progress.emm.last()) {
                assert_eq!((first, last), (index as u8, index as u8));
            }
        }
    }
    let end = decoder.finish().expect("a complete body");
    assert_eq!(allocations(), before, "the raw decoder allocated");

    assert_eq!(headers, 1);
    assert_eq!(end.emm_len, BODY_LEN - 12);
    assert_eq!(emm_len, BODY_LEN - 12);
    assert_eq!(
        decoder.header(),
        Some(Header::full(LicenseStatus::from(1), 2, 3))
    );
}

#[test]
fn base64_decoder_scratch_is_bounded_by_the_chunk() {
    // A Perl-style text (76 columns, `\n`) of an ~8.5 MB body built so that
    // every line after the first is the same: the EMM repeats a 57-byte
    // pattern (one line's worth) and ends 45 bytes into it, so that the
    // 12-byte header and the EMM fill whole lines.
    const LINES: usize = 150_000;
    let pattern: Vec<u8> = (0..57u8)
        .map(|i| i.wrapping_mul(7).wrapping_add(3))
        .collect();
    let header = [0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3];
    let first_line = [&header[..], &pattern[..45]].concat();
    let other_line = [&pattern[45..], &pattern[..45]].concat();
    let first_line = format!("{}\n", STANDARD.encode(first_line)).into_bytes();
    let other_line = format!("{}\n", STANDARD.encode(other_line)).into_bytes();
    assert_eq!((first_line.len(), other_line.len()), (77, 77));
    let text_len = 77 * (LINES + 1);
    let emm_len = 57 * LINES + 45;

    let mut decoder = TransportDecoder::new(Options::new(), Transport::Base64);
    let mut chunk = vec![0u8; CHUNK_LEN];
    let mut position = 0;
    let mut emm_seen = 0;
    let mut allocations_after_first_chunk = None;
    while position < text_len {
        // The next chunk of the text, generated: chunks end mid-line and
        // mid-group, so partial groups are carried across.
        let len = CHUNK_LEN.min(text_len - position);
        for (offset, byte) in chunk[..len].iter_mut().enumerate() {
            let at = position + offset;
            *byte = if at < 77 {
                first_line[at]
            } else {
                other_line[(at - 77) % 77]
            };
        }
        let progress = decoder.feed(&chunk[..len]).expect("valid base64");
        for byte in progress.emm {
            assert_eq!(*byte, pattern[emm_seen % 57]);
            emm_seen += 1;
        }
        position += len;
        assert!(decoder.scratch_capacity() <= CHUNK_LEN * 3 / 4 + 3);
        match allocations_after_first_chunk {
            None => allocations_after_first_chunk = Some(allocations()),
            Some(count) => assert_eq!(allocations(), count, "the scratch grew again"),
        }
    }
    let end = decoder.finish().expect("a complete body");
    assert!(end.emm.is_empty()); // 57 × (LINES + 1) bytes: no partial group
    assert_eq!(end.emm_len, emm_len);
    assert_eq!(emm_seen, emm_len);
}

/// The `http` reader decodes base64 straight into the EMM's buffer: for a
/// 1 MiB EMM sent with a `Content-Length`, padded or not, in one frame or
/// in hyper's 16 KiB frames, it asks for the EMM's bytes once (the
/// reservation; the final shrink to the exact length obtains nothing),
/// where decoding into a scratch buffer and copying out would ask for
/// twice as much.
#[cfg(feature = "http")]
#[test]
fn http_reader_decodes_base64_into_one_buffer() {
    use std::collections::VecDeque;
    use std::pin::{Pin, pin};
    use std::task::{Context, Poll, Waker};

    use bytes::Bytes;
    use getemms::Response;
    use getemms::base64::LineWrap;
    use getemms::http::BodyReader;
    use http_body::{Body, Frame, SizeHint};
    use support::counting_alloc::allocated_bytes;

    /// Frames given in advance, with the body's exact length as its hint.
    struct Announced(VecDeque<Bytes>, u64);

    impl Body for Announced {
        type Data = Bytes;
        type Error = std::convert::Infallible;

        fn poll_frame(
            self: Pin<&mut Self>,
            _: &mut Context<'_>,
        ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
            Poll::Ready(self.get_mut().0.pop_front().map(|f| Ok(Frame::data(f))))
        }

        fn size_hint(&self) -> SizeHint {
            SizeHint::with_exact(self.1)
        }
    }

    const EMM_LEN: usize = 1 << 20;
    let emm: Vec<u8> = (0..EMM_LEN).map(|i| ((i * 131) >> 3) as u8).collect();
    let mut text = Vec::new();
    Response::new(1, 2, 3, &emm).encode_base64(LineWrap::None, &mut text);
    // 1 MiB + 12 bytes leave one byte over whole groups: `==` padding.
    assert!(text.ends_with(b"=="));
    let padded = Bytes::from(text);
    let unpadded = padded.slice(..padded.len() - 2);
    let mut headers = http::HeaderMap::new();
    headers.insert("content-transfer-encoding", "base64".parse().unwrap());
    let reader = BodyReader::new(2 << 20);

    for (text, frame_len) in [
        (&padded, padded.len()),
        (&unpadded, unpadded.len()),
        (&padded, 16 * 1024),
        (&unpadded, 1000),
    ] {
        let frames: VecDeque<Bytes> = (0..text.len())
            .step_by(frame_len)
            .map(|at| text.slice(at..text.len().min(at + frame_len)))
            .collect();
        let body = Announced(frames, text.len() as u64);
        let (count, bytes) = (allocations(), allocated_bytes());
        let mut read = pin!(reader.read(&headers, body));
        let Poll::Ready(owned) = read.as_mut().poll(&mut Context::from_waker(Waker::noop())) else {
            panic!("a ready body left the reader pending");
        };
        let owned = owned.expect("a valid body");
        let (count, bytes) = (allocations() - count, allocated_bytes() - bytes);
        assert_eq!(&owned.emm()[..], &emm[..], "frames of {frame_len}");
        assert_eq!(owned.header().key_id, Some(3));
        assert!(
            bytes <= EMM_LEN + 2,
            "frames of {frame_len}: {bytes} bytes asked for, for an EMM of {EMM_LEN}"
        );
        assert!(count <= 2, "frames of {frame_len}: {count} allocations");
    }
}
