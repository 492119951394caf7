//! Memory stays flat while a large body streams through the decoders.
//!
//! A counting global allocator (counting per thread, so the test harness's
//! own threads do not interfere) checks that the raw [`Decoder`] allocates
//! nothing at all over a 64 MiB body, and that the base64
//! [`TransportDecoder`] allocates its scratch buffer once, bounded by the
//! chunk, not the body. Chunks are generated on the fly: no test holds the
//! body in memory. This file has its own test binary because a global
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
