//! The relay core allocates nothing: relaying a 64 MiB body, raw or
//! base64, forwarded or rewritten, at either verification level, in
//! 16 KiB chunks, and a 1 KiB body, with a global allocator that counts
//! the allocations of the measuring thread.

// The inputs are built with the `Vec` encoders.
#![cfg(feature = "alloc")]

use getemms::base64::LineWrap;
use getemms::relay::{Relay, RelayOptions, Verdict, Verify};
use getemms::{Header, LicenseStatus, Response, Transport};
use support::counting_alloc::{CountingAllocator, allocations};

mod support;

// Counts per thread: the harness's other threads cannot reach the measured
// window.
#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

const CHUNK: usize = 16 * 1024;
/// 4096 chunks of 16 KiB: 64 MiB.
const CHUNKS: usize = 4096;

/// A body as its first chunk (the header and the start of the EMM) and
/// the chunk every later piece repeats.
struct Body {
    transport: Transport,
    first: Vec<u8>,
    rest: Vec<u8>,
}

/// Raw: status 1, asset 12345, key 7, then EMM bytes.
fn raw() -> Body {
    let mut first = Response::new(1, 12345, 7, &[]).to_vec();
    first.extend((0..CHUNK - first.len()).map(|i| i as u8));
    let rest = (0..CHUNK).map(|i| (i * 7) as u8).collect();
    Body {
        transport: Transport::Raw,
        first,
        rest,
    }
}

/// Base64: the same header as text, then whole groups of letters (so that
/// any number of chunks is a complete, valid text).
fn text() -> Body {
    let mut first = Vec::new();
    Response::new(1, 12345, 7, &[]).encode_base64(LineWrap::None, &mut first);
    assert_eq!(first, b"AAAAAQAAMDkAAAAH");
    let letters = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    first.extend((0..CHUNK - first.len()).map(|i| letters[i % 64]));
    let rest = (0..CHUNK).map(|i| letters[(i * 5) % 64]).collect();
    Body {
        transport: Transport::Base64,
        first,
        rest,
    }
}

/// Relays `first`, then `rest` `repeat` times; returns the bytes forwarded
/// and a checksum of the held ones, so that nothing is optimised away.
fn relay(body: &Body, repeat: usize, verify: Verify, rewrite: bool) -> (u64, u64) {
    let options = RelayOptions::new(body.transport).with_verify(verify);
    let mut relay = Relay::new(options, |header: &Header| {
        if rewrite {
            Verdict::Rewrite(Header {
                license_status: LicenseStatus::from(2),
                ..*header
            })
        } else {
            Verdict::Forward
        }
    });
    let mut sum = 0u64;
    let relayed = relay.feed(&body.first).expect("the first chunk");
    sum += relayed.held.iter().map(|&b| u64::from(b)).sum::<u64>();
    for _ in 0..repeat {
        let relayed = relay.feed(&body.rest).expect("a later chunk");
        assert_eq!(relayed.chunk.len(), body.rest.len());
    }
    let last = relay.finish().expect("the end");
    assert!(last.is_empty());
    (relay.forwarded(), sum)
}

/// Every combination relayed `repeat + 1` chunks long: allocations made.
fn allocations_relaying(bodies: &[Body], repeat: usize) -> usize {
    let before = allocations();
    let mut total = 0u64;
    for body in bodies {
        for verify in [Verify::Header, Verify::Body] {
            for rewrite in [false, true] {
                let (forwarded, sum) = relay(body, repeat, verify, rewrite);
                total += forwarded + sum;
                let len = body.first.len() + repeat * body.rest.len();
                assert_eq!(forwarded, len as u64);
            }
        }
    }
    let after = allocations();
    assert!(total > 0);
    after - before
}

#[test]
fn relaying_64_mib_allocates_nothing() {
    let bodies = [raw(), text()];
    assert_eq!(
        allocations_relaying(&bodies, CHUNKS - 1),
        0,
        "the relay allocated"
    );
}

#[test]
fn relaying_1_kib_allocates_nothing() {
    let emm: Vec<u8> = (0..1024 - 12).map(|i| i as u8).collect();
    let response = Response::new(1, 12345, 7, &emm);
    let raw = response.to_vec();
    let mut mime = Vec::new();
    response.encode_base64(LineWrap::Mime, &mut mime);
    let bodies = [(Transport::Raw, &raw), (Transport::Base64, &mime)];
    let before = allocations();
    let mut forwarded = 0u64;
    for (transport, body) in bodies {
        for verify in [Verify::Header, Verify::Body] {
            for rewrite in [false, true] {
                for size in [1, 7, 64, 1024, 2048] {
                    let options = RelayOptions::new(transport).with_verify(verify);
                    let mut relay = Relay::new(options, |header: &Header| {
                        if rewrite {
                            Verdict::Rewrite(Header {
                                asset_id: 13,
                                ..*header
                            })
                        } else {
                            Verdict::Forward
                        }
                    });
                    for chunk in body.chunks(size) {
                        relay.feed(chunk).expect("a chunk");
                    }
                    relay.finish().expect("the end");
                    assert_eq!(relay.forwarded(), body.len() as u64);
                    forwarded += relay.forwarded();
                }
            }
        }
    }
    let after = allocations();
    assert!(forwarded > 0);
    assert_eq!(after - before, 0, "the relay allocated");
}
