//! Serializing a response as a proxy does, beside the hand-written
//! equivalent (`Vec::with_capacity` + `extend_from_slice` of the header's
//! big-endian words and the EMM), at EMM sizes 0 B, 64 B, 1 KiB, 64 KiB and
//! 1 MiB: `encode_into` a caller's buffer, `write_to` a reused `Vec`
//! (`BufMut`), and `to_vec`. Throughput counts the body's bytes: every one
//! is written (the EMM is copied).
//!
//! Buffer placement: glibc's `memcpy` slows down several-fold when the
//! destination lies a small distance *after* the source modulo 4 KiB
//! ("4K aliasing": a load appears to depend on an earlier store to the same
//! low 12 address bits). Whether that happens would depend on where the
//! allocator put two buffers, not on the code measured. So every output
//! buffer here is placed at `src + 2 KiB (mod 4 KiB)`: `Placed` allocates
//! 4 KiB more than needed and starts the output where the distance is
//! exactly 2048 bytes, the same for ours and the hand-written code. (`to_vec`
//! and the hand-written `Vec::with_capacity` allocate their own buffer, as
//! users' code does; both sit in the same allocator size class.)
//!
//! Every closure passes its result to `black_box` and returns `()`, so
//! criterion's loop does not copy it once more. Nothing is optimised away:
//! checked once in the disassembly (`objdump -d -C` of the bench binary,
//! the byte swaps and stores of the header words are in the measured
//! loops) and in the figures (the time grows with the EMM, the `memcpy`).
//!
//! `cargo bench --bench encode`

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use getemms::Response;

const EMM_SIZES: [usize; 5] = [0, 64, 1024, 65_536, 1 << 20];

fn body_with_emm(len: usize) -> Vec<u8> {
    let emm: Vec<u8> = (0..len).map(|i| i as u8).collect();
    Response::new(1, 12345, 7, &emm).to_vec()
}

/// An output buffer of `len` bytes that starts 2 KiB after `source`,
/// modulo 4 KiB (see the module docs).
struct Placed {
    storage: Vec<u8>,
    start: usize,
    len: usize,
}

/// The offset into `storage` where an output starts 2 KiB after `source`,
/// modulo 4 KiB.
fn two_kib_after(source: *const u8, storage: *const u8) -> usize {
    let source_page = source as usize % 4096;
    let storage_page = storage as usize % 4096;
    (source_page + 2048 + 4096 - storage_page) % 4096
}

impl Placed {
    fn new(source: &[u8], len: usize) -> Self {
        let storage = vec![0u8; len + 4096];
        let start = two_kib_after(source.as_ptr(), storage.as_ptr());
        Self {
            storage,
            start,
            len,
        }
    }

    fn slice(&mut self) -> &mut [u8] {
        &mut self.storage[self.start..self.start + self.len]
    }
}

/// The hand-written serializer: the three words, then the EMM.
fn hand_written_into(out: &mut Vec<u8>, status: u32, asset_id: u32, key_id: u32, emm: &[u8]) {
    out.extend_from_slice(&status.to_be_bytes());
    out.extend_from_slice(&asset_id.to_be_bytes());
    out.extend_from_slice(&key_id.to_be_bytes());
    out.extend_from_slice(emm);
}

fn encode(c: &mut Criterion) {
    let mut group = c.benchmark_group("encode");
    for size in EMM_SIZES {
        let body = body_with_emm(size);
        let response = Response::parse(&body).unwrap();
        let emm = response.emm();
        group.throughput(Throughput::Bytes(body.len() as u64));

        let mut placed = Placed::new(emm, body.len());
        group.bench_function(BenchmarkId::new("encode_into/getemms", size), |b| {
            b.iter(|| {
                let _ = black_box(black_box(&response).encode_into(placed.slice()));
            })
        });
        let mut placed = Placed::new(emm, body.len());
        group.bench_function(BenchmarkId::new("encode_into/hand_written", size), |b| {
            b.iter(|| {
                // The fields come from a value, as ours do, not from constants.
                let (status, asset_id, key_id, emm) = black_box((1u32, 12345u32, 7u32, emm));
                let out = placed.slice();
                if out.len() < 12 + emm.len() {
                    black_box(None::<usize>);
                    return;
                }
                let (header, rest) = out.split_at_mut(12);
                header[0..4].copy_from_slice(&status.to_be_bytes());
                header[4..8].copy_from_slice(&asset_id.to_be_bytes());
                header[8..12].copy_from_slice(&key_id.to_be_bytes());
                rest[..emm.len()].copy_from_slice(emm);
                black_box(Some(12 + emm.len()));
            })
        });

        // A reused Vec, placed the same way: the bytes before `keep` stay,
        // the body is written after them on every iteration.
        let mut reused = Vec::with_capacity(body.len() + 4096);
        let keep = two_kib_after(emm.as_ptr(), reused.as_ptr());
        reused.resize(keep, 0);
        group.bench_function(BenchmarkId::new("write_to/getemms", size), |b| {
            b.iter(|| {
                reused.truncate(keep);
                black_box(black_box(&response).write_to(&mut reused)).ok();
                black_box(reused.len());
            })
        });
        group.bench_function(BenchmarkId::new("write_to/hand_written", size), |b| {
            b.iter(|| {
                reused.truncate(keep);
                hand_written_into(&mut reused, 1, 12345, 7, black_box(emm));
                black_box(reused.len());
            })
        });

        group.bench_function(BenchmarkId::new("to_vec/getemms", size), |b| {
            b.iter(|| {
                black_box(black_box(&response).to_vec());
            })
        });
        group.bench_function(BenchmarkId::new("to_vec/hand_written", size), |b| {
            b.iter(|| {
                let emm = black_box(emm);
                let mut out = Vec::with_capacity(12 + emm.len());
                hand_written_into(&mut out, 1, 12345, 7, emm);
                black_box(out);
            })
        });
    }
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(50)
}

criterion_group! {
    name = benches;
    config = config();
    targets = encode
}
criterion_main!(benches);
