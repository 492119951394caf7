//! The incremental decoders over a 64 KiB-EMM body cut into chunks of 1 B,
//! 16 B, 1460 B (a TCP segment) and 16 KiB, raw and base64 (one line, and
//! wrapped at 76 columns), each beside the hand-written equivalent:
//!
//! - raw: a hand-rolled accumulator that copies the first 12 bytes into an
//!   array across chunks and passes the rest through, as a careful proxy
//!   author writes it;
//! - base64: what a proxy without a streaming decoder does: gather the text,
//!   then one `base64` crate `decode_slice` and `from_be_bytes`.
//!
//! The base64 groups declare a throughput, the bytes of the text: every
//! character is decoded. The raw group declares none: `Decoder::feed`
//! copies at most the 12 header bytes and hands the EMM back as a
//! sub-slice of each chunk, never reading it, so its cost follows the
//! number of chunks, not the bytes.
//!
//! Nothing is optimised away: every closure sums the EMM lengths its feed
//! loop returns into a `black_box`ed result, and the figures follow the
//! work (1-byte chunks cost about a thousand times 1460-byte ones). The
//! disassembly was checked for the parse and encode benches (see there);
//! here the decoders' calls into `Base64Stream` and the `base64` crate are
//! out-of-line and cannot be dropped.
//!
//! `cargo bench --bench decoder`

use std::hint::black_box;
use std::time::Duration;

use ::base64::Engine;
use ::base64::engine::general_purpose::STANDARD;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use getemms::base64::LineWrap;
use getemms::decoder::{Decoder, TransportDecoder};
use getemms::{Options, Response, Transport};

const EMM_LEN: usize = 64 * 1024;
const CHUNKS: [usize; 4] = [1, 16, 1460, 16 * 1024];

fn body() -> Vec<u8> {
    let emm: Vec<u8> = (0..EMM_LEN).map(|i| (i * 7) as u8).collect();
    Response::new(1, 12345, 7, &emm).to_vec()
}

/// The hand-written incremental reader: header bytes into an array, the
/// rest counted as EMM.
fn hand_written_raw(body: &[u8], chunk: usize) -> Option<usize> {
    let mut header = [0u8; 12];
    let mut have = 0;
    let mut emm_len = 0;
    for piece in body.chunks(chunk) {
        let take = (12 - have).min(piece.len());
        header[have..have + take].copy_from_slice(&piece[..take]);
        have += take;
        emm_len += piece.len() - take;
    }
    (have == 12).then(|| {
        let status = u32::from_be_bytes([header[0], header[1], header[2], header[3]]);
        black_box(status);
        emm_len
    })
}

fn raw(c: &mut Criterion) {
    let body = body();
    let mut group = c.benchmark_group("decoder_raw");
    for chunk in CHUNKS {
        group.bench_with_input(BenchmarkId::new("getemms", chunk), &chunk, |b, &chunk| {
            b.iter(|| {
                let mut decoder = Decoder::new(Options::DEFAULT);
                let mut emm_len = 0;
                for piece in black_box(&body[..]).chunks(chunk) {
                    emm_len += decoder.feed(piece).map_or(0, |p| p.emm.len());
                }
                let _ = black_box(decoder.finish().map(|_| emm_len));
            })
        });
        group.bench_with_input(
            BenchmarkId::new("hand_written", chunk),
            &chunk,
            |b, &chunk| {
                b.iter(|| {
                    black_box(hand_written_raw(black_box(&body[..]), chunk));
                })
            },
        );
    }
    group.finish();
}

fn base64(c: &mut Criterion) {
    let body = body();
    let response = Response::parse(&body).unwrap();
    for (name, wrap) in [("one_line", LineWrap::None), ("wrapped_76", LineWrap::Mime)] {
        let mut text = Vec::new();
        response.encode_base64(wrap, &mut text);
        let mut group = c.benchmark_group(format!("decoder_base64_{name}"));
        group.throughput(Throughput::Bytes(text.len() as u64));
        for chunk in CHUNKS {
            let mut decoder = TransportDecoder::new(Options::DEFAULT, Transport::Base64);
            group.bench_with_input(BenchmarkId::new("getemms", chunk), &chunk, |b, &chunk| {
                b.iter(|| {
                    decoder.reset();
                    let mut emm_len = 0;
                    for piece in black_box(&text[..]).chunks(chunk) {
                        emm_len += decoder.feed(piece).map_or(0, |p| p.emm.len());
                    }
                    let _ = black_box(decoder.finish().map(|end| emm_len + end.emm.len()));
                })
            });
            let mut gathered = Vec::with_capacity(text.len());
            let mut decoded = vec![0u8; text.len()];
            group.bench_with_input(
                BenchmarkId::new("hand_written", chunk),
                &chunk,
                |b, &chunk| {
                    b.iter(|| {
                        gathered.clear();
                        for piece in black_box(&text[..]).chunks(chunk) {
                            // MIME line breaks must go before the codec sees the text.
                            gathered.extend(piece.iter().copied().filter(|&b| b != b'\n'));
                        }
                        let len = STANDARD.decode_slice(&gathered, &mut decoded).unwrap_or(0);
                        let status = decoded.first_chunk::<4>().map(|w| u32::from_be_bytes(*w));
                        black_box((status, len.saturating_sub(12)));
                    })
                },
            );
        }
        group.finish();
    }
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(30)
}

criterion_group! {
    name = benches;
    config = config();
    targets = raw, base64
}
criterion_main!(benches);
