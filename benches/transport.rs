//! The incremental decoder and the base64 transport: throughput over a
//! 64 KiB-EMM body fed in 16 KiB chunks, raw and base64 (one line and
//! wrapped at 76 columns), beside the one-shot paths.
//!
//! `cargo bench --bench transport`

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use getemms::base64::LineWrap;
use getemms::decoder::{Decoder, TransportDecoder};
use getemms::{LicenseStatus, Options, Response, Transport};

const EMM_LEN: usize = 64 * 1024;
const CHUNK: usize = 16 * 1024;

fn body() -> Vec<u8> {
    let emm: Vec<u8> = (0..EMM_LEN).map(|i| (i * 7) as u8).collect();
    Response::new(LicenseStatus::from(1), 12345, 7, &emm).to_vec()
}

fn raw(c: &mut Criterion) {
    let body = body();
    let mut group = c.benchmark_group("raw");
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function("one_shot_parse", |b| {
        b.iter(|| Response::parse(black_box(&body)).map(|r| r.emm().len()))
    });
    group.bench_function("decoder_16k_chunks", |b| {
        b.iter(|| {
            let mut decoder = Decoder::new(Options::DEFAULT);
            let mut emm_len = 0;
            for chunk in black_box(&body).chunks(CHUNK) {
                emm_len += decoder.feed(chunk).map_or(0, |p| p.emm.len());
            }
            decoder.finish().map(|_| emm_len)
        })
    });
    group.finish();
}

fn base64(c: &mut Criterion) {
    let body = body();
    let response = Response::parse(&body).unwrap();
    let mut one_line = Vec::new();
    response.encode_base64(LineWrap::None, &mut one_line);
    let mut wrapped = Vec::new();
    response.encode_base64(LineWrap::Mime, &mut wrapped);

    let mut group = c.benchmark_group("base64");
    for (name, text) in [("one_line", &one_line), ("wrapped_76", &wrapped)] {
        group.throughput(Throughput::Bytes(text.len() as u64));
        let mut scratch = Vec::new();
        group.bench_function(format!("one_shot_parse/{name}"), |b| {
            b.iter(|| {
                Response::parse_base64(black_box(text), &mut scratch, &Options::DEFAULT)
                    .map(|r| r.emm().len())
            })
        });
        group.bench_function(format!("streaming_16k_chunks/{name}"), |b| {
            let mut decoder = TransportDecoder::new(Options::DEFAULT, Transport::Base64);
            b.iter(|| {
                decoder.reset();
                let mut emm_len = 0;
                for chunk in black_box(text).chunks(CHUNK) {
                    emm_len += decoder.feed(chunk).map_or(0, |p| p.emm.len());
                }
                decoder.finish().map(|f| emm_len + f.emm.len())
            })
        });
    }
    let mut out = Vec::with_capacity(one_line.len());
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function("encode_one_line", |b| {
        b.iter(|| {
            out.clear();
            black_box(&response).encode_base64(LineWrap::None, &mut out);
            out.len()
        })
    });
    group.finish();
}

criterion_group!(benches, raw, base64);
criterion_main!(benches);
