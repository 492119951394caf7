//! Parsing as a proxy uses it, beside what a careful engineer writes by hand
//! (`u32::from_be_bytes` on slices), at EMM sizes 0 B, 64 B, 1 KiB, 64 KiB
//! and 1 MiB. Every group measures ours and the hand-written equivalent the
//! same way, so the report shows the ratio:
//!
//! - `parse_held`: the whole result kept (`black_box` of the `Result` /
//!   `Option`), parse inlined into the caller;
//! - `parse_returned`: through a non-inlined function that returns it;
//! - `parse_read`: parse, then read every field;
//! - `header`: `parse::header` (nom) against three `from_be_bytes`;
//! - `owned`: `OwnedResponse::parse` of a `bytes::Bytes` against
//!   `bytes::Buf::get_u32` on a clone of it.
//!
//! No group declares a throughput: none of them reads the EMM. Parsing
//! reads the 12 header bytes and returns the rest as a sub-slice
//! (`Response::parse` is a zerocopy `ref_from_prefix` and a length check;
//! `parse::header` splits off the first 12 bytes; `OwnedResponse::parse`
//! moves the start of the `Bytes` past the header), so its cost does not
//! depend on the EMM's size and bytes per second would mean nothing.
//!
//! Nothing is optimised away: the disassembly of this bench (`cargo bench
//! --no-run`, `objdump -d --no-show-raw-insn target/release/deps/parse-*`)
//! was checked once, and every measured closure loads the body's bytes,
//! byte-swaps the three words and stores the result to the `black_box`
//! slot (or, for `parse_read`, sums it).
//!
//! `cargo bench --bench parse`; compare two runs with criterion baselines
//! (`-- --save-baseline before`, then `-- --baseline before`).

use std::hint::black_box;
use std::time::Duration;

use bytes::{Buf, Bytes};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use getemms::{Error, OwnedResponse, Response, parse};

/// EMM sizes measured: empty (a rejection), small, typical, large, huge.
const EMM_SIZES: [usize; 5] = [0, 64, 1024, 65_536, 1 << 20];

#[path = "support/hand_written.rs"]
#[allow(dead_code)] // parse.rs reads the fields; the gate only holds them
mod support;
use support::{HandResponse, hand_written};

#[inline(never)]
fn hand_written_call(body: &[u8]) -> Option<HandResponse<'_>> {
    hand_written(body)
}

#[inline(never)]
fn getemms_call(body: &[u8]) -> Result<Response<'_>, Error> {
    Response::parse(body)
}

fn body_with_emm(len: usize) -> Vec<u8> {
    let emm: Vec<u8> = (0..len).map(|i| i as u8).collect();
    Response::new(1, 12345, 7, &emm).to_vec()
}

/// One group: ours and the hand-written equivalent over every EMM size.
/// Generic, so each closure is inlined into criterion's loop.
fn compare(c: &mut Criterion, name: &str, ours: impl Fn(&[u8]), hand: impl Fn(&[u8])) {
    let mut group = c.benchmark_group(name);
    for size in EMM_SIZES {
        let body = body_with_emm(size);
        group.bench_with_input(BenchmarkId::new("getemms", size), &body, |b, body| {
            b.iter(|| ours(body))
        });
        group.bench_with_input(BenchmarkId::new("hand_written", size), &body, |b, body| {
            b.iter(|| hand(body))
        });
    }
    group.finish();
}

fn parse(c: &mut Criterion) {
    compare(
        c,
        "parse_held",
        |body| {
            let _ = black_box(Response::parse(black_box(body)));
        },
        |body| {
            black_box(hand_written(black_box(body)));
        },
    );
    compare(
        c,
        "parse_returned",
        |body| {
            let _ = black_box(getemms_call(black_box(body)));
        },
        |body| {
            black_box(hand_written_call(black_box(body)));
        },
    );
    compare(
        c,
        "parse_read",
        |body| {
            let sum = Response::parse(black_box(body)).map_or(0, |r| {
                u64::from(r.license_status().code())
                    + u64::from(r.asset_id())
                    + u64::from(r.key_id().unwrap_or(0))
                    + r.emm().len() as u64
            });
            black_box(sum);
        },
        |body| {
            let sum = hand_written(black_box(body)).map_or(0, |r| {
                u64::from(r.license_status)
                    + u64::from(r.asset_id)
                    + u64::from(r.key_id.unwrap_or(0))
                    + r.emm.len() as u64
            });
            black_box(sum);
        },
    );
}

fn header(c: &mut Criterion) {
    let mut group = c.benchmark_group("header");
    let body = body_with_emm(64);
    // Each closure passes its result to `black_box` itself and returns
    // `()`: a value returned to criterion's loop is copied once more, with
    // wide loads of narrow stores, which would time the copy.
    group.bench_function("getemms_nom", |b| {
        b.iter(|| {
            let _ = black_box(parse::header(black_box(&body[..])));
        })
    });
    group.bench_function("hand_written", |b| {
        b.iter(|| {
            let body = black_box(&body[..]);
            let word = |at: usize| {
                body.get(at..)
                    .and_then(<[u8]>::first_chunk::<4>)
                    .map(|w| u32::from_be_bytes(*w))
            };
            black_box((word(0), word(4), word(8), body.get(12..)));
        })
    });
    group.finish();
}

fn owned(c: &mut Criterion) {
    let mut group = c.benchmark_group("owned");
    for size in EMM_SIZES {
        let body = Bytes::from(body_with_emm(size));
        group.bench_with_input(BenchmarkId::new("getemms", size), &body, |b, body| {
            b.iter(|| {
                let _ = black_box(OwnedResponse::parse(black_box(body).clone()));
            })
        });
        group.bench_with_input(BenchmarkId::new("bytes_get_u32", size), &body, |b, body| {
            b.iter(|| {
                let mut rest = black_box(body).clone();
                if rest.len() < 12 {
                    black_box(None::<((u32, u32, u32), Bytes)>);
                    return;
                }
                let fields = (rest.get_u32(), rest.get_u32(), rest.get_u32());
                black_box(Some((fields, rest)));
            })
        });
    }
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(60)
}

criterion_group! {
    name = benches;
    config = config();
    targets = parse, header, owned
}
criterion_main!(benches);
