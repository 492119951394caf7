//! Borrowed parse beside hand-written `u32::from_be_bytes` slicing, and the
//! serializers, at EMM sizes from 0 B to 1 MiB.
//!
//! `cargo bench --bench parse`; compare runs with criterion baselines
//! (`-- --save-baseline before`, then `-- --baseline before`).

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use getemms::{Error, LicenseStatus, Response};

/// EMM sizes measured: empty, typical, and the large end.
const EMM_SIZES: [usize; 6] = [0, 16, 256, 4096, 65_536, 1 << 20];

/// What a careful engineer writes by hand: slice and `from_be_bytes`.
#[inline(never)]
fn hand_written(body: &[u8]) -> Option<(u32, u32, Option<u32>, &[u8])> {
    let word = |at: usize| -> Option<u32> {
        Some(u32::from_be_bytes(body.get(at..at + 4)?.try_into().ok()?))
    };
    match body.len() {
        8 => Some((word(0)?, word(4)?, None, &[])),
        n if n >= 12 => Some((word(0)?, word(4)?, Some(word(8)?), body.get(12..)?)),
        _ => None,
    }
}

#[inline(never)]
fn getemms_parse(body: &[u8]) -> Result<Response<'_>, Error> {
    Response::parse(body)
}

fn body_with_emm(len: usize) -> Vec<u8> {
    let emm: Vec<u8> = (0..len).map(|i| i as u8).collect();
    Response::new(LicenseStatus::from(1), 12345, 7, &emm).to_vec()
}

fn parse(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse");
    for size in EMM_SIZES {
        let body = body_with_emm(size);
        group.throughput(Throughput::Bytes(body.len() as u64));
        group.bench_with_input(BenchmarkId::new("getemms", size), &body, |b, body| {
            b.iter(|| getemms_parse(black_box(body)))
        });
        group.bench_with_input(BenchmarkId::new("hand_written", size), &body, |b, body| {
            b.iter(|| hand_written(black_box(body)))
        });
    }
    let short = Response::rejection(LicenseStatus::from(600), 0).to_vec();
    group.throughput(Throughput::Bytes(8));
    group.bench_function("getemms/short_form", |b| {
        b.iter(|| getemms_parse(black_box(&short)))
    });
    group.bench_function("hand_written/short_form", |b| {
        b.iter(|| hand_written(black_box(&short)))
    });
    group.finish();
}

fn encode(c: &mut Criterion) {
    let mut group = c.benchmark_group("encode");
    for size in [0usize, 256, 65_536] {
        let body = body_with_emm(size);
        let response = Response::parse(&body).unwrap();
        let mut out = vec![0u8; body.len()];
        group.throughput(Throughput::Bytes(body.len() as u64));
        group.bench_with_input(BenchmarkId::new("encode_into", size), &response, |b, r| {
            b.iter(|| black_box(r).encode_into(black_box(&mut out)))
        });
        let mut vec = Vec::with_capacity(body.len());
        group.bench_with_input(BenchmarkId::new("write_to_vec", size), &response, |b, r| {
            b.iter(|| {
                vec.clear();
                black_box(r).write_to(black_box(&mut vec))
            })
        });
    }
    group.finish();
}

criterion_group!(benches, parse, encode);
criterion_main!(benches);
