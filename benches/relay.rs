//! The relay (`getemms::relay`) as a proxy uses it, beside what forwarding
//! costs at the least, at EMM sizes 1 KiB, 64 KiB and 1 MiB, every body in
//! 16 KiB chunks (a raw body, or its one-line base64 text).
//!
//! Each group has one bench function per pair, fed the same chunks:
//!
//! - `getemms`: a [`Relay`] fed every chunk, and what it gives to forward
//!   (`held`, then `chunk`) copied into one preallocated output `Vec`, as a
//!   proxy writes it somewhere; then `finish`, and its bytes too.
//! - `memcpy`: the hand-written reference, "memcpy the frames": every chunk
//!   copied into the same kind of preallocated `Vec`. A proxy that forwards
//!   the bytes and touches them cannot do less.
//! - `base64_crate` (base64 groups only): the `base64` crate decoding the
//!   whole text in one `decode_slice` into a preallocated buffer (encoding
//!   the raw body with `encode_slice`, for `transcode_raw_to_base64`): what
//!   reading every letter costs at the least, without the chunks' carry.
//!
//! The groups:
//!
//! - `relay/raw_forward`, `relay/base64_forward`: a forward verdict, at
//!   header level ([`Verify::Header`]: the EMM is counted, not read).
//! - `relay/base64_rewrite`: a status rewrite on every body (16 letters
//!   re-encoded in place).
//! - `relay/base64_reject`: a short-form refusal replaces the body; the
//!   feed loop stops at the verdict, as a proxy stops reading the upstream.
//!   Nothing of the body is read or written, so the relay has no
//!   throughput there (the references do).
//! - `relay/base64_verify_body`: a forward at [`Verify::Body`] (every letter
//!   checked through a stack buffer).
//! - `relay/transcode_raw_to_base64`, `relay/transcode_base64_to_raw`: a
//!   forwarding relay and a [`Transcoder`] into one reused output buffer.
//!
//! How to read the ratios (printed as a table after the run, from
//! criterion's medians of this run):
//!
//! - `relay / memcpy` is what inspecting the header costs over forwarding
//!   the bytes. At header level it should be close to 1.0 from 64 KiB up
//!   (the relay's work is per chunk, the copy's per byte); at 1 KiB the
//!   relay's fixed cost per body (the header decode, the policy, `finish`:
//!   about 350 instructions raw, 1,100 base64, in the gate) is several
//!   times a 1 KiB copy. Well above 1.0 at 1 MiB, run after run, would
//!   mean the relay reads bytes it should only count; one run's 1.2× there
//!   is usually a noisy `memcpy` (pin the bench to an idle core: `taskset
//!   -c 1`, when a fuzzer or a build holds core 0).
//! - For `base64_verify_body` and the transcoders the relay reads every
//!   byte, so `relay / memcpy` is the price of decoding (or encoding) on
//!   top of the copy, and `relay / base64 crate` says whether the streaming
//!   path keeps up with one decode (encode) of the whole text. For the
//!   transcoders both sides write the output once, so near 1.0 means it
//!   does. `base64_verify_body` checks into a stack buffer *and* copies the
//!   text out, which the crate's decode does not: expect about
//!   `(base64 crate + memcpy) / base64 crate`, not 1.0. (Under callgrind
//!   the gate holds the check alone to at most 1.2× the crate's decode.)
//! - `base64_reject`: the relay's time is the same at every size (the
//!   header, the refusal, one feed), so the ratio falls with the size: a
//!   refusal costs the header, not the body. At 1 KiB it is the fixed cost
//!   over a 1 KiB copy, as above.
//!
//! Wall time on a shared machine moves by several percent between runs;
//! the stable comparison is the instruction counts of `benches/gate.rs`.
//!
//! ```text
//! cargo bench --features http --bench relay
//! cargo bench --features http --bench relay -- --warm-up-time 1 --measurement-time 2
//! ```

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use ::base64::Engine;
use ::base64::engine::general_purpose::STANDARD;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group};
use getemms::base64::LineWrap;
use getemms::relay::{
    HOLD_BACK, Policy, Relay, RelayError, RelayOptions, Transcoder, Verdict, Verify,
};
use getemms::{Encoding, Header, LicenseStatus, Response, Transport};

/// EMM sizes measured: small, typical, large.
const EMM_SIZES: [usize; 3] = [1024, 64 * 1024, 1 << 20];

/// Every body arrives in chunks of this size (a typical HTTP frame).
const CHUNK: usize = 16 * 1024;

fn body_with_emm(len: usize) -> Vec<u8> {
    let emm: Vec<u8> = (0..len).map(|i| (i * 7) as u8).collect();
    Response::new(1, 12345, 7, &emm).to_vec()
}

/// The one-line base64 text of the body, as PHP sends it.
fn base64_text(emm_len: usize) -> Vec<u8> {
    let body = body_with_emm(emm_len);
    let mut text = Vec::new();
    Response::parse(&body)
        .map(|r| r.encode_base64(LineWrap::None, &mut text))
        .ok();
    text
}

fn forward(_: &Header) -> Verdict {
    Verdict::Forward
}

/// "Unknown code" (46) becomes "Internal error" (6), whatever came.
fn rewrite(header: &Header) -> Verdict {
    Verdict::Rewrite(Header {
        license_status: LicenseStatus::from(6),
        ..*header
    })
}

fn reject(header: &Header) -> Verdict {
    Verdict::Reject(Header::short(LicenseStatus::from(600), header.asset_id))
}

/// What a proxy does: every chunk fed, what the relay gives to forward
/// copied into `out`, the end; stops at a reject verdict. Inlined into
/// criterion's loop, as the reference is.
#[inline]
fn relay_into(
    input: &[u8],
    options: RelayOptions,
    policy: impl Policy,
    out: &mut Vec<u8>,
) -> Result<u64, RelayError> {
    out.clear();
    let mut relay = Relay::new(options, policy);
    for chunk in input.chunks(CHUNK) {
        let relayed = relay.feed(chunk)?;
        out.extend_from_slice(relayed.held);
        out.extend_from_slice(relayed.chunk);
        if relay.is_rejected() {
            break;
        }
    }
    out.extend_from_slice(relay.finish()?.held);
    Ok(relay.forwarded())
}

/// The reference: every chunk copied into `out`.
#[inline]
fn memcpy_frames(input: &[u8], out: &mut Vec<u8>) {
    out.clear();
    for chunk in input.chunks(CHUNK) {
        out.extend_from_slice(chunk);
    }
}

/// A forwarding relay and a transcoder, chunk by chunk, into `out`; the
/// bytes written.
#[inline]
fn transcode_into(
    input: &[u8],
    from: Transport,
    to: Encoding,
    out: &mut [u8],
) -> Result<usize, RelayError> {
    let mut relay = Relay::new(RelayOptions::new(from), forward);
    let mut transcoder = Transcoder::new(from, to);
    let mut len = 0;
    for chunk in input.chunks(CHUNK) {
        let relayed = relay.feed(chunk)?;
        len += transcoder.transcode(relayed.held, out.get_mut(len..).unwrap_or_default())?;
        len += transcoder.transcode(relayed.chunk, out.get_mut(len..).unwrap_or_default())?;
    }
    let last = relay.finish()?;
    len += transcoder.transcode(last.held, out.get_mut(len..).unwrap_or_default())?;
    len += transcoder.finish(out.get_mut(len..).unwrap_or_default())?;
    Ok(len)
}

/// The input of a group: a raw body or its one-line text.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Input {
    Raw,
    Base64,
}

impl Input {
    fn make(self, emm_len: usize) -> Vec<u8> {
        match self {
            Self::Raw => body_with_emm(emm_len),
            Self::Base64 => base64_text(emm_len),
        }
    }
}

/// What the `base64_crate` reference of a group does, if it has one.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Reference {
    None,
    /// `decode_slice` of the whole text.
    Decode,
    /// `encode_slice` of the whole body.
    Encode,
}

/// The `memcpy` and `base64_crate` references of one size.
fn references(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    size: usize,
    input: &[u8],
    reference: Reference,
) {
    group.throughput(Throughput::Bytes(input.len() as u64));
    group.bench_with_input(BenchmarkId::new("memcpy", size), input, |b, input| {
        let mut out = Vec::with_capacity(input.len() + HOLD_BACK);
        b.iter(|| {
            memcpy_frames(black_box(input), &mut out);
            black_box(&out);
        })
    });
    match reference {
        Reference::None => {}
        Reference::Decode => {
            group.bench_with_input(BenchmarkId::new("base64_crate", size), input, |b, text| {
                let mut out = vec![0u8; text.len() / 4 * 3];
                b.iter(|| {
                    let _ = black_box(STANDARD.decode_slice(black_box(text), &mut out));
                    black_box(&out);
                })
            });
        }
        Reference::Encode => {
            group.bench_with_input(BenchmarkId::new("base64_crate", size), input, |b, body| {
                let mut out = vec![0u8; body.len().div_ceil(3) * 4];
                b.iter(|| {
                    let _ = black_box(STANDARD.encode_slice(black_box(body), &mut out));
                    black_box(&out);
                })
            });
        }
    }
}

/// A relay group: `getemms` (relay and copy) beside the references.
/// `reads_body`: whether the relay reads or writes the body's bytes (not
/// after a reject), so whether its benches have a throughput.
fn relay_group(
    c: &mut Criterion,
    name: &str,
    input: Input,
    options: RelayOptions,
    policy: impl Fn(&Header) -> Verdict + Copy,
    reads_body: bool,
    reference: Reference,
) {
    let mut group = c.benchmark_group(name);
    let inputs: Vec<(usize, Vec<u8>)> = EMM_SIZES.iter().map(|&s| (s, input.make(s))).collect();
    for (_, input) in &inputs {
        // Once, unmeasured: the relay takes the body and gives it all back
        // (or the 12-letter refusal).
        let mut out = Vec::new();
        let forwarded = relay_into(input, options, policy, &mut out);
        let expected = if reads_body { input.len() } else { 12 };
        assert_eq!(forwarded, Ok(expected as u64), "{name}");
        assert_eq!(out.len(), expected, "{name}");
    }
    let relay_bench = |group: &mut criterion::BenchmarkGroup<'_, _>, size, input: &Vec<u8>| {
        group.bench_with_input(BenchmarkId::new("getemms", size), input, |b, input| {
            let mut out = Vec::with_capacity(input.len() + HOLD_BACK);
            b.iter(|| {
                let _ = black_box(relay_into(black_box(input), options, policy, &mut out));
                black_box(&out);
            })
        });
    };
    if !reads_body {
        // Criterion keeps a group's throughput once it is set: the relay's
        // benches, which have none, come first.
        for (size, input) in &inputs {
            relay_bench(&mut group, *size, input);
        }
    }
    for (size, input) in &inputs {
        if reads_body {
            group.throughput(Throughput::Bytes(input.len() as u64));
            relay_bench(&mut group, *size, input);
        }
        references(&mut group, *size, input, reference);
    }
    group.finish();
}

/// A transcoding group: relay and transcoder beside the references.
fn transcode_group(c: &mut Criterion, name: &str, from: Transport, to: Encoding) {
    let (input, reference) = if from == Transport::Base64 {
        (Input::Base64, Reference::Decode)
    } else {
        (Input::Raw, Reference::Encode)
    };
    let mut group = c.benchmark_group(name);
    for size in EMM_SIZES {
        let input = input.make(size);
        // Once, unmeasured: the output is the base64 crate's.
        let mut out = vec![0u8; input.len() * 2 + HOLD_BACK];
        let len = transcode_into(&input, from, to, &mut out).expect("the bench's body transcodes");
        let expected = if from == Transport::Base64 {
            STANDARD.decode(&input).ok()
        } else {
            Some(STANDARD.encode(&input).into_bytes())
        };
        assert_eq!(out.get(..len), expected.as_deref(), "{name}");
        group.throughput(Throughput::Bytes(input.len() as u64));
        group.bench_with_input(BenchmarkId::new("getemms", size), &input, |b, input| {
            // Room for the whole output, reused by every iteration.
            let len = Transcoder::output_len(from, to, input.len() as u64)
                .map_or(input.len(), |len| len as usize);
            let mut out = vec![0u8; len + HOLD_BACK];
            b.iter(|| {
                let _ = black_box(transcode_into(black_box(input), from, to, &mut out));
                black_box(&out);
            })
        });
        references(&mut group, size, &input, reference);
    }
    group.finish();
}

fn relay(c: &mut Criterion) {
    let header_level = RelayOptions::new;
    relay_group(
        c,
        "relay/raw_forward",
        Input::Raw,
        header_level(Transport::Raw),
        forward,
        true,
        Reference::None,
    );
    relay_group(
        c,
        "relay/base64_forward",
        Input::Base64,
        header_level(Transport::Base64),
        forward,
        true,
        Reference::Decode,
    );
    relay_group(
        c,
        "relay/base64_rewrite",
        Input::Base64,
        header_level(Transport::Base64),
        rewrite,
        true,
        Reference::Decode,
    );
    relay_group(
        c,
        "relay/base64_reject",
        Input::Base64,
        header_level(Transport::Base64),
        reject,
        false,
        Reference::Decode,
    );
    relay_group(
        c,
        "relay/base64_verify_body",
        Input::Base64,
        RelayOptions::new(Transport::Base64).with_verify(Verify::Body),
        forward,
        true,
        Reference::Decode,
    );
    transcode_group(
        c,
        "relay/transcode_raw_to_base64",
        Transport::Raw,
        Encoding::Base64(LineWrap::None),
    );
    transcode_group(
        c,
        "relay/transcode_base64_to_raw",
        Transport::Base64,
        Encoding::Raw,
    );
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
    targets = relay
}

/// Where criterion writes its results, found as criterion finds it
/// (without its `cargo metadata` step).
fn criterion_dir() -> PathBuf {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return PathBuf::from(home);
    }
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"))
        .join("criterion")
}

/// One measurement of this run: (group, function, EMM size, median ns).
fn results(since: SystemTime) -> Vec<(String, String, usize, f64)> {
    let mut rows = Vec::new();
    let Ok(groups) = std::fs::read_dir(criterion_dir()) else {
        return rows;
    };
    for group in groups.flatten() {
        let Ok(functions) = std::fs::read_dir(group.path()) else {
            continue;
        };
        for function in functions.flatten() {
            let Ok(values) = std::fs::read_dir(function.path()) else {
                continue;
            };
            for value in values.flatten() {
                let new = value.path().join("new");
                let fresh = std::fs::metadata(new.join("estimates.json"))
                    .and_then(|m| m.modified())
                    .is_ok_and(|modified| modified >= since);
                if !fresh {
                    continue;
                }
                let read = |file: &str| -> Option<serde_json::Value> {
                    serde_json::from_str(&std::fs::read_to_string(new.join(file)).ok()?).ok()
                };
                let (Some(meta), Some(estimates)) =
                    (read("benchmark.json"), read("estimates.json"))
                else {
                    continue;
                };
                let group_id = meta["group_id"].as_str().unwrap_or_default();
                if !group_id.starts_with("relay/") {
                    continue;
                }
                let (Some(function_id), Some(size), Some(median)) = (
                    meta["function_id"].as_str(),
                    meta["value_str"].as_str().and_then(|v| v.parse().ok()),
                    estimates["median"]["point_estimate"].as_f64(),
                ) else {
                    continue;
                };
                rows.push((group_id.to_owned(), function_id.to_owned(), size, median));
            }
        }
    }
    rows.sort_by(|a, b| (&a.0, a.2, &a.1).cmp(&(&b.0, b.2, &b.1)));
    rows
}

fn fmt_ns(ns: f64) -> String {
    if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{ns:.1} ns")
    }
}

/// The medians of this run and the ratios, as a Markdown table.
fn print_ratios(since: SystemTime) {
    let rows = results(since);
    let median = |group: &str, function: &str, size: usize| {
        rows.iter()
            .find(|r| r.0 == group && r.1 == function && r.2 == size)
            .map(|r| r.3)
    };
    let mut printed = false;
    for (group, function, size, ns) in &rows {
        if function != "getemms" {
            continue;
        }
        if !printed {
            println!(
                "\n| group | EMM | relay | memcpy | relay / memcpy | base64 crate | relay / base64 crate |"
            );
            println!("|---|---:|---:|---:|---:|---:|---:|");
            printed = true;
        }
        let cell = |other: Option<f64>| {
            other.map_or(("—".to_owned(), "—".to_owned()), |o| {
                (fmt_ns(o), format!("{:.2}×", ns / o))
            })
        };
        let (memcpy, to_memcpy) = cell(median(group, "memcpy", *size));
        let (crate_ns, to_crate) = cell(median(group, "base64_crate", *size));
        println!(
            "| {group} | {size} | {} | {memcpy} | {to_memcpy} | {crate_ns} | {to_crate} |",
            fmt_ns(*ns)
        );
    }
    if printed {
        println!("\n(how to read the ratios: the comment at the top of benches/relay.rs)");
    }
}

fn main() {
    let start = SystemTime::now();
    benches();
    Criterion::default().configure_from_args().final_summary();
    print_ratios(start);
}
