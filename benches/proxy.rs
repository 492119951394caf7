//! The license proxy example's throughput and tail latency in each of its
//! modes, against the same proxy passing the upstream's bytes through
//! untouched (`--mode passthrough`), in one run on loopback.
//!
//! ```text
//! cargo bench --features tower --bench proxy
//! cargo bench --features tower --bench proxy -- 1k_raw 1m   # those workloads only
//! PROXY_BENCH_ROUNDS=21 PROXY_BENCH_MODES="relay forward" cargo bench --features tower --bench proxy
//! PROXY_BENCH_WINDOW_MS=200 PROXY_BENCH_VERBOSE=1 cargo bench --features tower --bench proxy -- 1k
//! ```
//!
//! The modes: `passthrough` (the baseline), `passthrough again` (a second
//! proxy in the same mode: an A/A control, whose "cost" is the bench's own
//! noise and bias, read beside the gated modes'), `relay forward` (`--mode
//! relay`, every answer forwarded), `relay rewrite` (`--map-status 1=2`:
//! every answer's header rewritten in place), `relay verify body`
//! (`--verify body`: every base64 letter checked as it passes) and
//! `buffered` (the whole body read, decoded and re-encoded). Each workload
//! is an EMM size (1 KiB to 1 MiB) and an upstream transport (raw, one line
//! of base64, MIME base64) from the mock upstream, whose canned bodies cost
//! nothing after the first; the client asks for the upstream's own
//! transport (`Content-Transfer-Encoding: binary` for raw), so that the
//! relay forwards and never transcodes.
//!
//! Each workload starts six proxies and six clients per mode, taken in
//! turn from round to round (`INSTANCES`), so every connection is made
//! once, in the warm-up, and kept, no workload inherits another's state,
//! and no one proxy's luck stands for its mode. 64 workers send requests
//! back to back, as `wrk` does, and never stop during a workload: time is
//! cut into windows, and each request goes to the mode of the window it is
//! sent in. A window counts the bytes of its mode's answers that arrive
//! after its guard (twice the 99th percentile latency of the mode before
//! it, 5 to 500 ms, so that the answers of that window have come) and
//! within its counted span, 50 ms ± 25 % drawn afresh for each window
//! (`PROXY_BENCH_WINDOW_MS` sets the mean; never less than the baseline's
//! guard). Windows come in pairs, every other pair passthrough's; a round
//! gives every other mode one pair (`schedule`), and the mode's cost in
//! the round is its loss of throughput in its pair against the
//! passthrough windows on either side of it. 41 rounds by default, some
//! 25 minutes (`PROXY_BENCH_ROUNDS`: an odd number, at least nine). It
//! prints requests/s, p50 and p99 for each mode, and each mode's cost as
//! the median of the rounds, a distribution-free 95 % interval of that
//! median, and the range. `PROXY_BENCH_VERBOSE` prints every window's
//! count. The goal: relay forward and relay rewrite cost at most 2 % at
//! every size and transport; body verification and buffered are reported.
//!
//! Why so: on a shared 2-core VM the host's speed wanders at every time
//! scale, by some 2 % between two 50 ms windows side by side and more the
//! further apart they are, whatever their length. So short windows, many
//! rounds and passthrough windows on each side of every measured pair
//! make the median steady, and the pairs weigh the switch from one proxy
//! to another alike on both sides. Stopping and restarting the workers
//! between windows doubled the spread, and counting whole answers made a
//! 1 MiB window move by one answer's worth. The spans are drawn so that
//! nothing periodic can fall on the passthrough windows throughout a
//! workload: in one proxy's series cut into windows of exactly 50 ms,
//! every other window ran faster than the rest by about 1 % at 1 KiB.

#[path = "../examples/license_proxy.rs"]
#[allow(dead_code)]
mod license_proxy;
#[path = "../examples/mock_upstream.rs"]
#[allow(dead_code)]
mod mock_upstream;
#[path = "support/proxy_client.rs"]
mod proxy_client;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use proxy_client::BenchClient;
use tokio::net::TcpListener;

const CONCURRENCY: usize = 64;
/// Rounds of each mode by default; odd, so that the median is one round.
/// `PROXY_BENCH_ROUNDS` sets another odd count of at least `MIN_ROUNDS`.
const ROUNDS: usize = 41;
const MIN_ROUNDS: usize = 9;
/// The most a gated mode may cost, in % of passthrough throughput.
const GOAL: f64 = 2.0;
/// Each window's counted span, on average (`PROXY_BENCH_WINDOW_MS` sets
/// another), but never shorter than the baseline's guard; each window's
/// own is drawn within 25 % of it (`spans`).
const WINDOW: Duration = Duration::from_millis(50);
/// The least and the most of a window's guard, the time before it counts:
/// twice the 99th percentile latency in the warm-up of the mode of the
/// window before, within these bounds.
const GUARD: (Duration, Duration) = (Duration::from_millis(5), Duration::from_millis(500));
/// The warm-up window of each proxy before a workload's rounds.
const WARM_UP: Duration = Duration::from_millis(150);
/// Proxies (each with its own client) per mode and workload, taken in
/// turn from round to round: two proxies in the same mode, started alike,
/// can differ by a few % for a whole workload (their connections, their
/// buffers' places in memory), and with one proxy a mode that difference
/// was the cost the bench read (at 256 KiB base64 on one line, every
/// mode and the control -3 to -9 % against passthrough).
const INSTANCES: usize = 6;
/// A mode of the proxy: its name, its flags, whether the goal gates it.
struct Mode {
    name: &'static str,
    args: &'static [&'static str],
    gated: bool,
    /// Whether it answers the upstream's bytes as they came (else decoded
    /// and re-encoded, base64 on one line).
    as_sent: bool,
}

const MODES: &[Mode] = &[
    Mode {
        name: "passthrough",
        args: &["--mode", "passthrough"],
        gated: false,
        as_sent: true,
    },
    // The control: the same proxy as the baseline, so its median cost
    // would be 0 on a quiet machine.
    Mode {
        name: "passthrough again",
        args: &["--mode", "passthrough"],
        gated: false,
        as_sent: true,
    },
    Mode {
        name: "relay forward",
        args: &["--mode", "relay"],
        gated: true,
        as_sent: true,
    },
    Mode {
        name: "relay rewrite",
        args: &["--mode", "relay", "--map-status", "1=2"],
        gated: true,
        as_sent: true,
    },
    Mode {
        name: "relay verify body",
        args: &["--mode", "relay", "--verify", "body"],
        gated: false,
        as_sent: true,
    },
    Mode {
        name: "buffered",
        args: &["--mode", "buffered"],
        gated: false,
        as_sent: false,
    },
];

/// The proxy in `mode`: its address, and its task, to stop it.
async fn proxy(upstream: SocketAddr, mode: &Mode) -> (SocketAddr, tokio::task::AbortHandle) {
    let url = format!("http://{upstream}/GetEMMs.cgi");
    let mut args = vec!["--upstream".to_owned(), url, "--quiet".to_owned()];
    args.extend(mode.args.iter().map(|arg| arg.to_string()));
    let (_, config) = license_proxy::parse_args(args).expect("bench arguments");
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("loopback");
    let addr = listener.local_addr().expect("bound");
    let task = tokio::spawn(license_proxy::serve(listener, config));
    (addr, task.abort_handle())
}

/// What a run of windows measured.
struct Measured {
    /// The answers' bytes that arrived in each window's counted span.
    bytes: Vec<u64>,
    /// Each mode's latencies: the answers sent and completed within one
    /// of its windows' counted spans.
    latencies: Vec<Vec<Duration>>,
}

/// The requests of `case` to a proxy in each mode, in windows one after
/// the other, each for the mode `order` gives it: first a guard, as long
/// as `guards` gives for the mode of the window before (the first window:
/// the longest), then its counted span, as long as `spans` gives. 64 workers send requests back to back, as
/// `wrk` does, for the whole run: each request goes to the proxy of the
/// window it is sent in, through that mode's client. What arrives for that
/// mode after the window's guard is counted: the answers' bytes, frame by
/// frame, and the latencies of the answers sent and completed within the
/// counted span. A guard is the time the answers sent in the window before
/// still take (twice their 99th percentile), so that a window counts its
/// own mode at full load and nothing of a slower mode before it. The load
/// never stops between windows: stopping and starting the 64 workers every
/// window made the windows differ by twice as much. Counting bytes rather
/// than whole answers keeps a window that holds a few dozen 1 MiB answers
/// from moving by one answer's worth as they happen to end just inside or
/// just outside it.
async fn run(
    proxies: &[(SocketAddr, BenchClient)],
    order: &[usize],
    case: &str,
    raw: bool,
    lens: &[usize],
    guards: &[Duration],
    counted: &[Duration],
) -> Measured {
    let form = Bytes::from(format!("asset_id=42&case={case}"));
    let targets: Vec<(http::Uri, BenchClient)> = proxies
        .iter()
        .map(|(proxy, client)| {
            let uri = format!("http://{proxy}/GetEMMs.cgi").parse().expect("uri");
            (uri, client.clone())
        })
        .collect();
    let longest = guards.iter().copied().max().unwrap_or_default();
    // Each window's start and the start of its counted span, from the
    // start of the run; the run's end last.
    let mut spans = Vec::with_capacity(order.len() + 1);
    let mut time = Duration::ZERO;
    for (at, span) in counted.iter().enumerate().take(order.len()) {
        let guard = at
            .checked_sub(1)
            .map_or(longest, |before| guards[order[before]]);
        spans.push((time, time + guard));
        time += guard + *span;
    }
    spans.push((time, time));
    let targets: Arc<[(http::Uri, BenchClient)]> = targets.into();
    let spans: Arc<[(Duration, Duration)]> = spans.into();
    let (order, lens): (Arc<[usize]>, Arc<[usize]>) = (order.into(), lens.into());
    let start = Instant::now();
    // The window an instant falls in, and whether it is past the guard.
    let at = move |instant: Instant, spans: &[(Duration, Duration)]| {
        let since = instant - start;
        let index = spans.partition_point(|&(begins, _)| begins <= since) - 1;
        (index, since >= spans[index].1)
    };
    let workers: Vec<_> = (0..CONCURRENCY)
        .map(|_| {
            let (targets, order, lens, spans, form) = (
                targets.clone(),
                order.clone(),
                lens.clone(),
                spans.clone(),
                form.clone(),
            );
            tokio::spawn(async move {
                let mut bytes = vec![0_u64; order.len()];
                let mut latencies: Vec<Vec<Duration>> =
                    targets.iter().map(|_| Vec::new()).collect();
                loop {
                    let sent = Instant::now();
                    let (window, counted) = at(sent, &spans);
                    let Some(&mode) = order.get(window) else {
                        break;
                    };
                    let (uri, client) = &targets[mode];
                    let count = |len: usize| match at(Instant::now(), &spans) {
                        (index, true) if order.get(index) == Some(&mode) => {
                            bytes[index] += len as u64;
                        }
                        _ => {}
                    };
                    proxy_client::ask(client, uri, &form, raw, lens[mode], count).await;
                    let done = Instant::now();
                    if counted && at(done, &spans) == (window, true) {
                        latencies[mode].push(done - sent);
                    }
                }
                (bytes, latencies)
            })
        })
        .collect();
    let mut measured = Measured {
        bytes: vec![0; order.len()],
        latencies: proxies.iter().map(|_| Vec::new()).collect(),
    };
    for worker in workers {
        let (bytes, latencies) = worker.await.expect("worker");
        for (total, bytes) in measured.bytes.iter_mut().zip(bytes) {
            *total += bytes;
        }
        for (all, mut latencies) in measured.latencies.iter_mut().zip(latencies) {
            all.append(&mut latencies);
        }
    }
    for latencies in &mut measured.latencies {
        latencies.sort_unstable();
    }
    measured
}

/// `n` counted spans, each drawn evenly between 3/4 and 5/4 of `window`
/// (from a fixed seed: the same in every run), so that nothing on the host
/// that comes back at a steady period can fall on the passthrough
/// windows, every other one, round after round.
fn spans(window: Duration, n: usize) -> Vec<Duration> {
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15; // xorshift64
    (0..n)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let unit = (state >> 11) as f64 / (1_u64 << 53) as f64;
            window.mul_f64(0.75 + 0.5 * unit)
        })
        .collect()
}

/// The ranks (from 0) in `n` sorted paired costs that bound a
/// distribution-free interval of at least 95 % for their median: the
/// `r`-th smallest and the `r`-th largest, `r` the largest with
/// P(Binomial(n, 1/2) < r) <= 2.5 %, so that the interval misses the
/// median with at most twice that chance (21 rounds: the 6th and the
/// 16th, 97.3 %; 9 rounds: the 2nd and the 8th, 96.1 %).
fn median_interval(n: usize) -> (usize, usize) {
    let mut below = 0.0; // P(X < r), X ~ Binomial(n, 1/2)
    let mut pmf = 0.5_f64.powi(i32::try_from(n).expect("a round count")); // P(X = r)
    let mut r = 0;
    while r < n / 2 && below + pmf <= 0.025 {
        below += pmf;
        pmf *= (n - r) as f64 / (r + 1) as f64;
        r += 1;
    }
    let r = r.max(1);
    (r - 1, n - r)
}

/// The `p`-th percentile of `sorted`, in ms (NaN if there is none).
fn percentile(sorted: &[Duration], p: usize) -> f64 {
    let at = (sorted.len() * p / 100).min(sorted.len().saturating_sub(1));
    sorted.get(at).map_or(f64::NAN, |d| d.as_secs_f64() * 1e3)
}

/// The windows of a workload, in order, as indices into the modes (0:
/// passthrough): pairs of windows, every other pair passthrough's,
/// P P X X P P Y Y P P ..., each round giving every other mode one pair
/// in an order that turns by one from round to round. A mode's cost in a
/// round is its pair against the two passthrough windows beside it:
/// - the two sides are centred on the same instant, so a host whose
///   speed drifts steadily moves them alike;
/// - each side has two windows, so a stall of the host is as likely to
///   fall on either (a single window between two passthrough windows
///   puts twice the passthrough time at risk, and as the host only ever
///   slows down, the median of such rounds leans below the true cost:
///   in one proxy's series relabelled as P X P X ..., by about -0.25 %
///   on average at 1 KiB and 64 KiB);
/// - each side has one window just after a switch of proxy and one
///   window that carries on from its own mode, so the switch weighs on
///   both alike (the second of a pair ran 0.7 % faster than the first at
///   1 KiB and 16 KiB raw, the first after a switch; in P X X P ... the
///   passthrough windows, every one of them first after a switch, read
///   the modes' costs low by about 1 %).
///
/// Each round opens with a passthrough pair of its own, so that all its
/// windows can go to one set of proxies (`INSTANCES`).
fn schedule(modes: usize, rounds: usize) -> Vec<usize> {
    let others = modes - 1;
    let mut windows = Vec::with_capacity(rounds * (2 + 4 * others));
    for round in 0..rounds {
        windows.extend([0, 0]);
        for j in 0..others {
            let mode = 1 + (j + round) % others;
            windows.extend([mode, mode, 0, 0]);
        }
    }
    windows
}

#[tokio::main]
async fn main() {
    let upstream = TcpListener::bind("127.0.0.1:0").await.expect("loopback");
    let upstream_addr = upstream.local_addr().expect("bound");
    tokio::spawn(mock_upstream::serve(upstream, Duration::from_secs(30)));
    // `PROXY_BENCH_MODES="relay forward,buffered"`: those modes only
    // (passthrough, the baseline, always runs).
    let wanted = std::env::var("PROXY_BENCH_MODES").ok();
    let modes: Vec<&Mode> = MODES
        .iter()
        .filter(|mode| {
            mode.name == "passthrough"
                || wanted
                    .as_deref()
                    .is_none_or(|list| list.split(',').any(|name| name.trim() == mode.name))
        })
        .collect();
    let rounds = match std::env::var("PROXY_BENCH_ROUNDS") {
        Err(_) => ROUNDS,
        Ok(value) => match value.parse::<usize>() {
            Ok(n) if n >= MIN_ROUNDS && n % 2 == 1 => n,
            _ => panic!(
                "PROXY_BENCH_ROUNDS={value}: expected an odd number of at least {MIN_ROUNDS}"
            ),
        },
    };
    let window = match std::env::var("PROXY_BENCH_WINDOW_MS") {
        Err(_) => WINDOW,
        Ok(value) => match value.parse::<u64>() {
            Ok(ms) if ms >= 20 => Duration::from_millis(ms),
            _ => panic!("PROXY_BENCH_WINDOW_MS={value}: expected milliseconds, at least 20"),
        },
    };
    // `PROXY_BENCH_VERBOSE=1`: every round's count, as it comes.
    let verbose = std::env::var_os("PROXY_BENCH_VERBOSE").is_some();
    assert_eq!(median_interval(9), (1, 7), "the 2nd and 8th of 9");
    assert_eq!(median_interval(21), (5, 15), "the 6th and 16th of 21");
    assert_eq!(
        schedule(3, 2),
        [0, 0, 1, 1, 0, 0, 2, 2, 0, 0, 0, 0, 2, 2, 0, 0, 1, 1, 0, 0],
        "pairs of windows, every other pair passthrough's, turning"
    );
    let sizes = ["1k", "16k", "64k", "256k", "1m"];
    let transports = [("raw", "_raw"), ("line", ""), ("mime", "_mime")];
    // `cargo bench --features tower --bench proxy -- 1m 64k_raw`: those only.
    let only: Vec<String> = std::env::args()
        .skip(1)
        .filter(|arg| !arg.starts_with("--"))
        .collect();
    let mut summary = Vec::new();
    for size in sizes {
        for (transport, suffix) in transports {
            let case = format!("ok_{size}{suffix}");
            let label = format!("{size}_{transport}");
            if !only.is_empty() && !only.iter().any(|name| label.contains(name.as_str())) {
                continue;
            }
            let raw = transport == "raw";
            // `INSTANCES` proxies and clients per mode for the workload
            // (mode `m`'s `k`-th is target `m * INSTANCES + k`): their
            // connections are made in the warm-up and kept, and no
            // workload inherits the state of another. (New ones every
            // round put their set-up in the rounds, and a fresh proxy and
            // client per round left some 25,000 sockets in TIME_WAIT, near
            // the 28,232 local ports.)
            let mut proxies = Vec::new();
            let mut tasks = Vec::new();
            for mode in &modes {
                for _ in 0..INSTANCES {
                    let client: BenchClient = Client::builder(TokioExecutor::new()).build_http();
                    let (addr, task) = proxy(upstream_addr, mode).await;
                    proxies.push((addr, client));
                    tasks.push(task);
                }
            }
            let targets = proxies.len();
            let lens: Vec<usize> = modes
                .iter()
                .map(|m| proxy_client::answer_len(&case, m.as_sent))
                .collect();
            let target_lens: Vec<usize> = (0..targets).map(|t| lens[t / INSTANCES]).collect();
            // Warm up the connections, the caches and the mock's canned
            // body, a window each; each mode's slowest answers set the
            // guard of the window after it.
            let warm_up: Vec<usize> = (0..targets).collect();
            let warm_guards = vec![WARM_UP / 2; targets];
            let warm_spans = vec![WARM_UP; targets];
            let warm = run(
                &proxies,
                &warm_up,
                &case,
                raw,
                &target_lens,
                &warm_guards,
                &warm_spans,
            )
            .await;
            let per_mode = |latencies: &[Vec<Duration>]| -> Vec<Vec<Duration>> {
                latencies
                    .chunks(INSTANCES)
                    .map(|chunk| {
                        let mut all: Vec<Duration> = chunk.concat();
                        all.sort_unstable();
                        all
                    })
                    .collect()
            };
            let guards: Vec<Duration> = per_mode(&warm.latencies)
                .iter()
                .map(|latencies| match percentile(latencies, 99) {
                    // No answer both sent and done in its warm-up window:
                    // slower than any guard.
                    slow if slow.is_nan() => GUARD.1,
                    slow => Duration::from_secs_f64(slow * 2e-3).clamp(GUARD.0, GUARD.1),
                })
                .collect();
            let window = window.max(guards[0]);
            let shown: Vec<String> = guards.iter().map(|g| g.as_millis().to_string()).collect();
            println!(
                "{label:9} guards {} ms (after each mode), windows {} ms +-25 %, {rounds} rounds",
                shown.join("/"),
                window.as_millis()
            );
            let order = schedule(modes.len(), rounds);
            let round_len = order.len() / rounds;
            // Round `r` goes to the `r % INSTANCES`-th proxy of each mode.
            let order_targets: Vec<usize> = order
                .iter()
                .enumerate()
                .map(|(at, &mode)| mode * INSTANCES + (at / round_len) % INSTANCES)
                .collect();
            let target_guards: Vec<Duration> =
                (0..targets).map(|t| guards[t / INSTANCES]).collect();
            let counted = spans(window, order.len());
            let measured = run(
                &proxies,
                &order_targets,
                &case,
                raw,
                &target_lens,
                &target_guards,
                &counted,
            )
            .await;
            for task in tasks {
                task.abort();
            }
            drop(proxies);
            let latencies = per_mode(&measured.latencies);
            // Each window's answers, and its throughput in answers a second.
            let answers: Vec<f64> = order
                .iter()
                .zip(&measured.bytes)
                .map(|(&index, &bytes)| bytes as f64 / lens[index] as f64)
                .collect();
            let rates: Vec<f64> = answers
                .iter()
                .zip(&counted)
                .map(|(count, span)| count / span.as_secs_f64())
                .collect();
            if verbose {
                for (at, (&index, count)) in order.iter().zip(&answers).enumerate() {
                    println!(
                        "{label:9} window {at:4} {:17} {count:8.1} answers in {:3} ms",
                        modes[index].name,
                        counted[at].as_millis()
                    );
                }
            }
            let mut costs: Vec<Vec<f64>> = modes.iter().map(|_| Vec::new()).collect();
            // Each other mode's pair of windows, at `at` and `at + 1`,
            // with a passthrough window on either side.
            for at in (0..order.len()).filter(|at| at % round_len >= 2).step_by(4) {
                let (mode, beside) = (rates[at] + rates[at + 1], rates[at - 1] + rates[at + 2]);
                costs[order[at]].push((1.0 - mode / beside) * 100.0);
            }
            for (index, mode) in modes.iter().enumerate() {
                let (mut total, mut time) = (0.0, 0.0);
                for ((_, count), span) in order
                    .iter()
                    .zip(&answers)
                    .zip(&counted)
                    .filter(|((i, _), _)| **i == index)
                {
                    total += count;
                    time += span.as_secs_f64();
                }
                let sorted = &latencies[index];
                println!(
                    "{label:9} {:17} {:8.0} answers  {:8.0} requests/s  p50 {:7.2} ms  p99 {:7.2} ms",
                    mode.name,
                    total,
                    total / time,
                    percentile(sorted, 50),
                    percentile(sorted, 99),
                );
            }
            let mut medians = Vec::new();
            for (mode, costs) in modes.iter().zip(&mut costs).skip(1) {
                costs.sort_by(f64::total_cmp);
                let median = costs[rounds / 2];
                let (low, high) = median_interval(rounds);
                let interval = (costs[low], costs[high]);
                let verdict = match (mode.gated, median <= GOAL) {
                    (false, _) => "reported".to_owned(),
                    (true, true) => format!("goal <= {GOAL} %: met"),
                    (true, false) => format!("goal <= {GOAL} %: NOT met"),
                };
                println!(
                    "{label:9} {:17} cost: median {median:+5.1} % of passthrough throughput \
                     (95 % interval {:+.1} to {:+.1} %; {rounds} rounds, {:+.1} % to \
                     {:+.1} %), {verdict}",
                    mode.name,
                    interval.0,
                    interval.1,
                    costs[0],
                    costs[rounds - 1],
                );
                medians.push((median, interval));
            }
            summary.push((label, medians));
        }
    }
    println!();
    print!("{:9}", "workload");
    for mode in &modes[1..] {
        print!("  {:>17}", mode.name);
    }
    println!("   (median cost, % of passthrough throughput)");
    let (mut missed, mut surely_under, mut surely_over) = (0, 0, 0);
    for (label, medians) in &summary {
        print!("{label:9}");
        for (mode, (median, (low, high))) in modes[1..].iter().zip(medians) {
            let mark = if mode.gated && *median > GOAL {
                missed += 1;
                '!'
            } else {
                ' '
            };
            if mode.gated {
                surely_under += usize::from(*high <= GOAL);
                surely_over += usize::from(*low > GOAL);
            }
            print!("  {median:>+15.1}%{mark}");
        }
        println!();
    }
    let gated = summary.len() * modes.iter().filter(|mode| mode.gated).count();
    println!(
        "relay forward and rewrite: {} of {gated} medians within the {GOAL} % goal ('!': not); \
         the 95 % interval of the median wholly within it for {surely_under}, wholly over it \
         for {surely_over}",
        gated - missed,
    );
}
