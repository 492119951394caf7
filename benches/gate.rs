//! The benchmark gate: instruction counts under valgrind's callgrind, which
//! are the same on every run of the same binary, unlike wall time on a
//! shared 2-core machine. `.ci/bench-gate` runs it; see the README's
//! "Performance" section.
//!
//! Why a small harness of our own rather than gungraun: the gate needs
//! ratio rules across benchmarks (parse-and-hold against hand-written, 1 MiB
//! against 0 B, …) in the same run as the baseline comparison, and a
//! baseline a reviewer can read in a diff. Counting is one valgrind call per
//! measurement; the rest is arithmetic. No runner to install in lockstep
//! with a library version, nothing but valgrind.
//!
//! How a benchmark is counted: this binary runs itself under callgrind
//! twice, once doing a benchmark's setup and `ITERATIONS` calls of it, once
//! doing the setup alone; the difference divided by `ITERATIONS` is the cost
//! of one call, setup, process start and valgrind's own noise excluded.
//!
//! ```text
//! cargo bench --bench gate -- check            # compare with the baseline
//! cargo bench --bench gate -- check --update   # write the baseline anew
//! cargo bench --bench gate -- list             # the benchmarks
//! cargo bench --bench gate -- count NAME       # one benchmark's count
//! ```

use std::collections::BTreeMap;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use ::base64::Engine;
use ::base64::engine::general_purpose::STANDARD;
use getemms::base64::LineWrap;
use getemms::decoder::{Decoder, TransportDecoder};
use getemms::relay::{Relay, RelayOptions, Verdict, Verify};
use getemms::status::ftp::FtpError;
use getemms::status::package::IdStatus;
use getemms::{
    ClientStatus, DcpStatus, Header, LicenseStatus, Options, Response, Transport, parse,
};

/// A benchmark: its name, how many calls one count averages over, and the
/// code: `setup` builds the input (not counted), `run` is one call.
struct Bench {
    name: String,
    iterations: u64,
    run: Box<dyn Fn(u64)>,
}

/// Growth over the baseline that fails the gate.
const MAX_GROWTH: f64 = 0.05;

/// EMM sizes of the parse benchmarks.
const EMM_SIZES: [usize; 5] = [0, 64, 1024, 65_536, 1 << 20];

fn body_with_emm(len: usize) -> Vec<u8> {
    let emm: Vec<u8> = (0..len).map(|i| (i * 7) as u8).collect();
    Response::new(1, 12345, 7, &emm).to_vec()
}

#[path = "support/hand_written.rs"]
#[allow(dead_code)] // parse.rs reads the fields; the gate only holds them
mod support;
use support::hand_written;

/// One call of a benchmark, behind a call boundary: the count is what a
/// user's own function doing the same work costs, and every benchmark is
/// measured the same way.
#[inline(never)]
fn measured<I, F: Fn(&I)>(call: &F, input: &I) {
    call(black_box(input));
}

/// Builds a benchmark whose input is made once by `setup`.
fn bench<I: 'static>(
    name: impl Into<String>,
    iterations: u64,
    setup: impl Fn() -> I,
    call: impl Fn(&I) + 'static,
) -> Bench {
    let input = setup();
    Bench {
        name: name.into(),
        iterations,
        run: Box::new(move |n| {
            for _ in 0..n {
                measured(&call, &input);
            }
        }),
    }
}

/// Every benchmark of the gate. Inputs are built lazily: only the selected
/// benchmark's setup runs in a counting process.
fn benches(only: Option<&str>) -> Vec<Bench> {
    type Make = Box<dyn Fn() -> Bench>;
    let mut all: Vec<(String, Make)> = Vec::new();
    let mut add = |name: String, make: Make| all.push((name, make));

    for size in EMM_SIZES {
        add(
            format!("parse_held/getemms/{size}"),
            Box::new(move || {
                bench(
                    format!("parse_held/getemms/{size}"),
                    10_000,
                    move || body_with_emm(size),
                    |body| {
                        let _ = black_box(Response::parse(black_box(body)));
                    },
                )
            }),
        );
        add(
            format!("parse_held/hand_written/{size}"),
            Box::new(move || {
                bench(
                    format!("parse_held/hand_written/{size}"),
                    10_000,
                    move || body_with_emm(size),
                    |body| {
                        black_box(hand_written(black_box(body)));
                    },
                )
            }),
        );
    }
    add(
        "header/getemms_nom".into(),
        Box::new(|| {
            bench(
                "header/getemms_nom",
                10_000,
                || body_with_emm(64),
                |body| {
                    let _ = black_box(parse::header(black_box(body)));
                },
            )
        }),
    );
    add(
        "owned/getemms/65536".into(),
        Box::new(|| {
            bench(
                "owned/getemms/65536",
                10_000,
                || bytes::Bytes::from(body_with_emm(65_536)),
                |body| {
                    let _ = black_box(getemms::OwnedResponse::parse(black_box(body).clone()));
                },
            )
        }),
    );

    // The raw decoder: one chunk, and 64 chunks of two very different sizes.
    add(
        "decoder_raw/one_chunk/65536".into(),
        Box::new(|| {
            bench(
                "decoder_raw/one_chunk/65536",
                10_000,
                || body_with_emm(65_536),
                |body| {
                    // What a proxy does with a body that came in one frame.
                    let mut decoder = Decoder::new(Options::DEFAULT);
                    let progress = decoder
                        .feed(black_box(body))
                        .map(|p| (p.header, p.emm.len()));
                    let _ = black_box(progress);
                    let _ = black_box(decoder.finish().map(|end| end.emm_len));
                },
            )
        }),
    );
    for (name, chunk) in [("64_chunks_of_16", 16), ("64_chunks_of_16384", 16_384)] {
        let name = format!("decoder_raw/{name}");
        add(
            name.clone(),
            Box::new(move || {
                bench(
                    name.clone(),
                    1_000,
                    move || body_with_emm(64 * chunk - 12),
                    move |body| {
                        black_box(decode_raw(black_box(body), chunk));
                    },
                )
            }),
        );
    }
    for (name, chunk) in [("chunks_of_1460", 1460), ("chunks_of_16384", 16_384)] {
        let name = format!("decoder_base64/{name}/65536");
        add(
            name.clone(),
            Box::new(move || {
                bench(
                    name.clone(),
                    20,
                    || base64_text(65_536),
                    move |text| {
                        black_box(decode_base64_stream(black_box(text), chunk));
                    },
                )
            }),
        );
    }

    // Base64 bodies, one line, as PHP sends them.
    add(
        "base64_body/getemms/65536".into(),
        Box::new(|| {
            bench(
                "base64_body/getemms/65536",
                20,
                || base64_text(65_536),
                |text| {
                    let mut scratch = Vec::with_capacity(text.len());
                    let _ = black_box(
                        Response::parse_base64(black_box(text), &mut scratch, &Options::DEFAULT)
                            .map(|r| r.emm().len()),
                    );
                },
            )
        }),
    );
    add(
        "base64_body/base64_crate/65536".into(),
        Box::new(|| {
            bench(
                "base64_body/base64_crate/65536",
                20,
                || base64_text(65_536),
                |text| {
                    let mut out = Vec::with_capacity(text.len());
                    out.resize(text.len() / 4 * 3, 0);
                    let _ = black_box(STANDARD.decode_slice(black_box(text), &mut out));
                },
            )
        }),
    );

    // The relay, forwarding at header level: raw bodies and one-line base64
    // texts of 64 chunks (1 KiB and 1 MiB in all), and whole bodies in one
    // chunk (0 B and 1 MiB EMMs). Each call feeds every chunk, holds the
    // lengths of what it gives to forward, and finishes, as a proxy does.
    for (name, chunk) in [("64_chunks_of_16", 16), ("64_chunks_of_16384", 16_384)] {
        let raw = format!("relay_raw_forward/{name}");
        add(
            raw.clone(),
            Box::new(move || {
                bench(
                    raw.clone(),
                    1_000,
                    move || body_with_emm(64 * chunk - 12),
                    move |body| {
                        black_box(relay_forward(black_box(body), chunk, Transport::Raw));
                    },
                )
            }),
        );
        let text = format!("relay_base64_forward/{name}");
        add(
            text.clone(),
            Box::new(move || {
                bench(
                    text.clone(),
                    1_000,
                    // 64 × chunk letters: the text of a 48 × chunk-byte body.
                    move || base64_text(64 * chunk / 4 * 3 - 12),
                    move |text| {
                        black_box(relay_forward(black_box(text), chunk, Transport::Base64));
                    },
                )
            }),
        );
    }
    for size in [0, 1 << 20] {
        let raw = format!("relay_raw_forward/one_chunk/{size}");
        add(
            raw.clone(),
            Box::new(move || {
                bench(
                    raw.clone(),
                    10_000,
                    move || body_with_emm(size),
                    |body| {
                        black_box(relay_forward(black_box(body), usize::MAX, Transport::Raw));
                    },
                )
            }),
        );
        let text = format!("relay_base64_forward/one_chunk/{size}");
        add(
            text.clone(),
            Box::new(move || {
                bench(
                    text.clone(),
                    10_000,
                    move || base64_text(size),
                    |text| {
                        black_box(relay_forward(
                            black_box(text),
                            usize::MAX,
                            Transport::Base64,
                        ));
                    },
                )
            }),
        );
    }
    // Body-level verification of the very text `base64_body/base64_crate`
    // decodes (`base64_text(65_536)`), in 16 KiB chunks.
    add(
        "relay_base64_verify_body/65536".into(),
        Box::new(|| {
            bench(
                "relay_base64_verify_body/65536",
                20,
                || base64_text(65_536),
                |text| {
                    let options = RelayOptions::new(Transport::Base64).with_verify(Verify::Body);
                    black_box(relay(black_box(text), 16_384, options));
                },
            )
        }),
    );

    // Encoders.
    add(
        "encode/encode_into/65536".into(),
        Box::new(|| {
            bench(
                "encode/encode_into/65536",
                100,
                || (body_with_emm(65_536), vec![0u8; 65_548 + 64]),
                |(body, out)| {
                    let response = Response::parse(body).unwrap_or(Response::rejection(0, 0));
                    let mut out = out.clone();
                    let _ = black_box(response.encode_into(black_box(&mut out[..])));
                },
            )
        }),
    );
    add(
        "encode/to_vec/65536".into(),
        Box::new(|| {
            bench(
                "encode/to_vec/65536",
                100,
                || body_with_emm(65_536),
                |body| {
                    let response = Response::parse(body).unwrap_or(Response::rejection(0, 0));
                    black_box(black_box(response).to_vec());
                },
            )
        }),
    );
    add(
        "encode/base64_one_line/65536".into(),
        Box::new(|| {
            bench(
                "encode/base64_one_line/65536",
                20,
                || body_with_emm(65_536),
                |body| {
                    let response = Response::parse(body).unwrap_or(Response::rejection(0, 0));
                    let mut text = Vec::new();
                    black_box(response).encode_base64(LineWrap::None, &mut text);
                    black_box(text);
                },
            )
        }),
    );

    // Status look-ups over every code of every numeric table.
    add(
        "status/every_code".into(),
        Box::new(|| {
            bench(
                "status/every_code",
                10,
                || (),
                |()| {
                    for row in LicenseStatus::rows() {
                        black_box((row.status().description(), row.status().name()));
                        let _ = black_box(row.const_name().parse::<LicenseStatus>());
                    }
                    for row in ClientStatus::rows() {
                        black_box((row.status().description(), row.status().name()));
                        let _ = black_box(row.const_name().parse::<ClientStatus>());
                    }
                    for row in DcpStatus::rows() {
                        black_box((row.status().description(), row.status().name()));
                        let _ = black_box(row.const_name().parse::<DcpStatus>());
                    }
                    for status in IdStatus::rows() {
                        let _ = black_box(status.as_str().parse::<IdStatus>());
                    }
                    for error in FtpError::rows() {
                        let _ = black_box(error.description().parse::<FtpError>());
                    }
                },
            )
        }),
    );

    all.into_iter()
        .filter(|(name, _)| only.is_none_or(|only| only == name))
        .map(|(_, make)| make())
        .collect()
}

/// A raw decode of `body` in chunks of `chunk` bytes; the EMM length.
#[inline(never)]
fn decode_raw(body: &[u8], chunk: usize) -> Option<usize> {
    let mut decoder = Decoder::new(Options::DEFAULT);
    let mut emm_len = 0;
    for piece in body.chunks(chunk.max(1)) {
        emm_len += decoder.feed(piece).ok()?.emm.len();
    }
    decoder.finish().ok()?;
    Some(emm_len)
}

/// A streaming base64 decode of `text` in chunks of `chunk` bytes.
#[inline(never)]
fn decode_base64_stream(text: &[u8], chunk: usize) -> Option<usize> {
    let mut decoder = TransportDecoder::new(Options::DEFAULT, Transport::Base64);
    let mut emm_len = 0;
    for piece in text.chunks(chunk.max(1)) {
        emm_len += decoder.feed(piece).ok()?.emm.len();
    }
    emm_len += decoder.finish().ok()?.emm.len();
    Some(emm_len)
}

/// A forwarding relay at header level over `body` in chunks of `chunk` bytes.
fn relay_forward(body: &[u8], chunk: usize, transport: Transport) -> Option<u64> {
    relay(body, chunk, RelayOptions::new(transport))
}

/// What a proxy does with a relay: every chunk fed, the lengths of what it
/// gives to forward held (`black_box`), then `finish`; the bytes forwarded.
#[inline(never)]
fn relay(body: &[u8], chunk: usize, options: RelayOptions) -> Option<u64> {
    let mut relay = Relay::new(options, |_: &Header| Verdict::Forward);
    for piece in body.chunks(chunk.max(1)) {
        let relayed = relay.feed(piece).ok()?;
        black_box((relayed.held.len(), relayed.chunk.len()));
    }
    let last = relay.finish().ok()?;
    black_box(last.held.len());
    Some(relay.forwarded())
}

fn base64_text(emm_len: usize) -> Vec<u8> {
    let body = body_with_emm(emm_len);
    let mut text = Vec::new();
    Response::parse(&body)
        .map(|r| r.encode_base64(LineWrap::None, &mut text))
        .ok();
    text
}

/// The ratio rules, checked on every run whatever the baseline says:
/// (name, numerator, denominator, lowest allowed ratio, highest).
fn ratio_rules() -> Vec<(String, String, String, f64, f64)> {
    let mut rules = vec![(
        "a 1 MiB EMM parses at the cost of a 0 B EMM (±2 %)".to_owned(),
        "parse_held/getemms/1048576".to_owned(),
        "parse_held/getemms/0".to_owned(),
        0.98,
        1.02,
    )];
    for size in EMM_SIZES {
        rules.push((
            format!("parse-and-hold at most 1.15× hand-written ({size} B EMM)"),
            format!("parse_held/getemms/{size}"),
            format!("parse_held/hand_written/{size}"),
            0.0,
            1.15,
        ));
    }
    rules.push((
        "the raw decoder's cost follows the chunks, not the bytes (64 chunks: 1 MiB vs 1 KiB, ±2 %)"
            .to_owned(),
        "decoder_raw/64_chunks_of_16384".to_owned(),
        "decoder_raw/64_chunks_of_16".to_owned(),
        0.98,
        1.02,
    ));
    rules.push((
        "a body in one chunk costs the raw decoder at most 2× Response::parse".to_owned(),
        "decoder_raw/one_chunk/65536".to_owned(),
        "parse_held/getemms/65536".to_owned(),
        0.0,
        2.0,
    ));
    rules.push((
        "base64 body → response at most 1.2× the base64 crate's decode".to_owned(),
        "base64_body/getemms/65536".to_owned(),
        "base64_body/base64_crate/65536".to_owned(),
        0.0,
        1.2,
    ));
    // Raw in one chunk, the 1 MiB body counts 6 instructions over the 0 B
    // one (360 / 354 = 1.017): the decoder's EMM length and `max_emm_len`
    // check, which an empty EMM skips. A constant, the same for 1 B, but
    // it leaves the rule about one instruction of room.
    for transport in ["raw", "base64"] {
        rules.push((
            format!(
                "the relay's cost follows the chunks, not the bytes ({transport}: 64 chunks of \
                 16 KiB vs 16 B, forward, header level, ±2 %)"
            ),
            format!("relay_{transport}_forward/64_chunks_of_16384"),
            format!("relay_{transport}_forward/64_chunks_of_16"),
            0.98,
            1.02,
        ));
        rules.push((
            format!(
                "{transport} forward at header level: a 1 MiB body in one chunk within 2 % of \
                 a 0 B body"
            ),
            format!("relay_{transport}_forward/one_chunk/1048576"),
            format!("relay_{transport}_forward/one_chunk/0"),
            0.98,
            1.02,
        ));
    }
    rules.push((
        "body-level verification at most 1.2× the base64 crate's decode of the same text"
            .to_owned(),
        "relay_base64_verify_body/65536".to_owned(),
        "base64_body/base64_crate/65536".to_owned(),
        0.0,
        1.2,
    ));
    rules
}

/// Instructions callgrind counted for `count NAME ITERATIONS`.
fn callgrind_total(exe: &Path, name: &str, iterations: u64) -> Result<u64, String> {
    let out = std::env::temp_dir().join(format!(
        "getemms-gate-{}-{}.callgrind",
        std::process::id(),
        iterations
    ));
    let status = Command::new("valgrind")
        .arg("--tool=callgrind")
        .arg(format!("--callgrind-out-file={}", out.display()))
        .arg("--quiet")
        .arg(exe)
        .args(["run", name, &iterations.to_string()])
        .status()
        .map_err(|e| format!("cannot run valgrind: {e}"))?;
    if !status.success() {
        return Err(format!("valgrind on {name} exited with {status}"));
    }
    let text = std::fs::read_to_string(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    let _ = std::fs::remove_file(&out);
    text.lines()
        .find_map(|line| line.strip_prefix("summary:"))
        .or_else(|| text.lines().find_map(|line| line.strip_prefix("totals:")))
        .and_then(|n| n.trim().parse().ok())
        .ok_or_else(|| format!("no instruction total in the callgrind output of {name}"))
}

/// Instructions of one call of the benchmark `name`.
fn count(exe: &Path, bench: &Bench) -> Result<u64, String> {
    let with = callgrind_total(exe, &bench.name, bench.iterations)?;
    let without = callgrind_total(exe, &bench.name, 0)?;
    Ok(with.saturating_sub(without) / bench.iterations)
}

fn baseline_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/gate-baseline.txt")
}

fn read_baseline() -> BTreeMap<String, u64> {
    std::fs::read_to_string(baseline_path())
        .unwrap_or_default()
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .filter_map(|line| {
            let (name, count) = line.rsplit_once(' ')?;
            Some((name.trim().to_owned(), count.trim().parse().ok()?))
        })
        .collect()
}

fn write_baseline(counts: &BTreeMap<String, u64>) -> Result<(), String> {
    let mut text = String::from(
        "# Instructions per call, counted by `.ci/bench-gate` (callgrind).\n\
         # Refresh on purpose with `.ci/bench-gate --update` (see README, Performance).\n",
    );
    for (name, count) in counts {
        text.push_str(&format!("{name} {count}\n"));
    }
    std::fs::write(baseline_path(), text).map_err(|e| format!("cannot write the baseline: {e}"))
}

fn check(update: bool) -> Result<bool, String> {
    if Command::new("valgrind").arg("--version").output().is_err() {
        return Err(
            "valgrind is not installed: the gate counts instructions with \
                    callgrind. Install it (Debian: `apt-get install valgrind`) and run again."
                .to_owned(),
        );
    }
    let exe = std::env::current_exe().map_err(|e| format!("cannot find this binary: {e}"))?;
    let mut counts = BTreeMap::new();
    for bench in benches(None) {
        let n = count(&exe, &bench)?;
        eprintln!("counted {:<40} {n:>12}", bench.name);
        counts.insert(bench.name, n);
    }
    let baseline = read_baseline();
    let mut ok = true;

    println!("\n| benchmark | baseline | now | change |\n|---|---:|---:|---:|");
    for (name, &now) in &counts {
        match baseline.get(name) {
            Some(&old) => {
                let change = now as f64 / old.max(1) as f64 - 1.0;
                let flag = if change > MAX_GROWTH {
                    "  ← over +5 %"
                } else {
                    ""
                };
                ok &= change <= MAX_GROWTH;
                println!(
                    "| {name} | {old} | {now} | {:+.1} %{flag} |",
                    change * 100.0
                );
            }
            None => {
                ok = false;
                println!("| {name} | (none) | {now} | new: not in the baseline |");
            }
        }
    }
    for name in baseline.keys().filter(|name| !counts.contains_key(*name)) {
        ok = false;
        println!(
            "| {name} | {} | (gone) | in the baseline, not measured |",
            baseline[name]
        );
    }

    println!("\n| rule | ratio | allowed | |\n|---|---:|---:|---|");
    let mut rules_ok = true;
    for (rule, numerator, denominator, low, high) in ratio_rules() {
        let (Some(&n), Some(&d)) = (counts.get(&numerator), counts.get(&denominator)) else {
            return Err(format!(
                "rule {rule:?} names a benchmark that does not exist"
            ));
        };
        let ratio = n as f64 / d.max(1) as f64;
        let holds = (low..=high).contains(&ratio);
        rules_ok &= holds;
        println!(
            "| {rule} | {ratio:.3} ({n} / {d}) | {low:.2}–{high:.2} | {} |",
            if holds { "ok" } else { "FAILS" }
        );
    }

    if update {
        write_baseline(&counts)?;
        println!("\nbaseline written: {}", baseline_path().display());
        return Ok(rules_ok);
    }
    if !ok {
        println!(
            "\nthe gate fails: a count grew by more than 5 % or the benchmarks changed. \
             If the change is intended, refresh the baseline with `.ci/bench-gate --update` \
             and commit it with the reason."
        );
    }
    if !rules_ok {
        println!("\nthe gate fails: a ratio rule does not hold (see the table).");
    }
    Ok(ok && rules_ok)
}

fn main() -> ExitCode {
    // `cargo bench` passes `--bench`; it is not ours.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["run", name, iterations] => {
            let Ok(iterations) = iterations.parse() else {
                eprintln!("gate: not a number of iterations: {iterations}");
                return ExitCode::from(2);
            };
            let Some(bench) = benches(Some(name)).into_iter().next() else {
                eprintln!("gate: no benchmark named {name}");
                return ExitCode::from(2);
            };
            (bench.run)(iterations);
            ExitCode::SUCCESS
        }
        ["list"] => {
            for bench in benches(None) {
                println!("{}", bench.name);
            }
            ExitCode::SUCCESS
        }
        ["count", name] => {
            let exe = std::env::current_exe().expect("the gate binary has a path");
            let Some(bench) = benches(Some(name)).into_iter().next() else {
                eprintln!("gate: no benchmark named {name}");
                return ExitCode::from(2);
            };
            match count(&exe, &bench) {
                Ok(n) => {
                    println!("{name} {n}");
                    ExitCode::SUCCESS
                }
                Err(error) => {
                    eprintln!("gate: {error}");
                    ExitCode::FAILURE
                }
            }
        }
        ["check"] | ["check", "--update"] | [] => match check(args.contains(&"--update")) {
            Ok(true) => ExitCode::SUCCESS,
            Ok(false) => ExitCode::FAILURE,
            Err(error) => {
                eprintln!("gate: {error}");
                ExitCode::FAILURE
            }
        },
        _ => {
            eprintln!("usage: gate [check [--update] | list | count NAME | run NAME ITERATIONS]");
            ExitCode::from(2)
        }
    }
}
