//! The license proxy example's throughput and tail latency in each of its
//! modes, against the same proxy passing the upstream's bytes through
//! untouched (`--mode passthrough`), in one run on loopback.
//!
//! ```text
//! cargo bench --features tower --bench proxy
//! cargo bench --features tower --bench proxy -- 1k_raw 1m   # those workloads only
//! PROXY_BENCH_ROUNDS=41 PROXY_BENCH_MODES="relay forward" cargo bench --features tower --bench proxy
//! PROXY_BENCH_WINDOW_MS=500 PROXY_BENCH_VERBOSE=1 cargo bench --features tower --bench proxy -- 1k
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
//! Each mode has its own proxy and its own client for the whole bench, so
//! every connection is made once and kept. A round gives each mode a
//! window of 300 ms (`PROXY_BENCH_WINDOW_MS`) in turn, in an order that
//! changes from round to round so that each mode runs in every position
//! and right after every other mode equally often (a Williams design:
//! `orders`). In its window 64 workers send requests back to back, as
//! `wrk` does; a mode's throughput in the round is the count of requests
//! that complete within the window, which opens 50 ms after they start and
//! closes on whatever is still under way. Nine rounds by default
//! (`PROXY_BENCH_ROUNDS`: an odd number, at least nine). It prints
//! requests/s, p50 and p99 for each mode, and each mode's cost: the loss
//! of throughput against the passthrough window of the same round, as the
//! median of the rounds, a distribution-free 95 % interval of that median,
//! and the range. `PROXY_BENCH_VERBOSE` prints every window's count. The
//! goal: relay forward and relay rewrite cost at most 2 % at every size and
//! transport; body verification and buffered are reported.

#[path = "../examples/license_proxy.rs"]
#[allow(dead_code)]
mod license_proxy;
#[path = "../examples/mock_upstream.rs"]
#[allow(dead_code)]
mod mock_upstream;
#[path = "support/proxy_client.rs"]
mod proxy_client;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use proxy_client::BenchClient;
use tokio::net::TcpListener;

const CONCURRENCY: usize = 64;
/// Rounds of each mode by default; odd, so that the median is one round.
/// `PROXY_BENCH_ROUNDS` sets another odd count of at least 9.
const ROUNDS: usize = 9;
/// The most a gated mode may cost, in % of passthrough throughput.
const GOAL: f64 = 2.0;
/// Each mode's measured window in a round (`PROXY_BENCH_WINDOW_MS` sets
/// another). At 1 MiB it holds some 400 to 700 passthrough answers.
const WINDOW: Duration = Duration::from_millis(300);
/// Before a window opens: every worker has its first answer under way
/// (a 1 MiB answer takes some 30 to 45 ms at 64 at a time).
const RAMP: Duration = Duration::from_millis(50);
/// The warm-up run of each mode before a workload's rounds.
const WARM_UP: Duration = Duration::from_millis(200);

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

/// The proxy in `mode`, serving until the bench ends: its address.
async fn proxy(upstream: SocketAddr, mode: &Mode) -> SocketAddr {
    let url = format!("http://{upstream}/GetEMMs.cgi");
    let mut args = vec!["--upstream".to_owned(), url, "--quiet".to_owned()];
    args.extend(mode.args.iter().map(|arg| arg.to_string()));
    let (_, config) = license_proxy::parse_args(args).expect("bench arguments");
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("loopback");
    let addr = listener.local_addr().expect("bound");
    tokio::spawn(license_proxy::serve(listener, config));
    addr
}

/// One mode's share of a round: 64 workers send requests of `case` back
/// to back through the mode's client, and the requests that complete
/// within `window`, after `RAMP`, are counted: their latencies, sorted
/// (so the count is their length). A request still running when the window closes is not
/// counted and its worker stops, as `wrk` does: the last stragglers do
/// not stretch the window (with a fixed count of requests, one slow
/// answer at the end could add a tenth to a round).
async fn run(
    client: &BenchClient,
    proxy: SocketAddr,
    case: &str,
    raw: bool,
    expected_len: usize,
    window: Duration,
) -> Vec<Duration> {
    let form = Bytes::from(format!("asset_id=42&case={case}"));
    let uri: http::Uri = format!("http://{proxy}/GetEMMs.cgi").parse().expect("uri");
    let opens = Instant::now() + RAMP;
    let closes = opens + window;
    let workers: Vec<_> = (0..CONCURRENCY)
        .map(|_| {
            let (client, form, uri) = (client.clone(), form.clone(), uri.clone());
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                loop {
                    let sent = Instant::now();
                    if sent >= closes {
                        break;
                    }
                    proxy_client::ask(&client, &uri, &form, raw, expected_len).await;
                    let done = Instant::now();
                    if (opens..closes).contains(&done) {
                        latencies.push(done - sent);
                    }
                }
                latencies
            })
        })
        .collect();
    let mut latencies = Vec::new();
    for worker in workers {
        latencies.extend(worker.await.expect("worker"));
    }
    latencies.sort_unstable();
    latencies
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

fn percentile(sorted: &[Duration], p: usize) -> f64 {
    sorted[(sorted.len() * p / 100).min(sorted.len() - 1)].as_secs_f64() * 1e3
}

/// The order of the modes in each round: a Williams design, in which every
/// mode runs once in each position and right after every other mode
/// equally often over the rows (n rows for an even count of modes, 2n for
/// an odd one). Round `r` takes row `r % rows`, so the balance is exact
/// when the rounds are a multiple of the rows (21 rounds of six modes:
/// three full cycles and half of one). A plain rotation would
/// have each mode always follow the same one, so whatever a mode leaves
/// behind (the allocator's heap, caches, the connection pools) would
/// always weigh on the same successor.
fn orders(n: usize) -> Vec<Vec<usize>> {
    // 0, 1, n-1, 2, n-2, 3, ...: the differences between neighbours are
    // all distinct modulo n (for even n).
    let first: Vec<usize> = (0..n)
        .map(|j| match j {
            0 => 0,
            _ if j % 2 == 1 => j.div_ceil(2),
            _ => n - j / 2,
        })
        .collect();
    let mut rows: Vec<Vec<usize>> = (0..n)
        .map(|r| first.iter().map(|&m| (m + r) % n).collect())
        .collect();
    if n % 2 == 1 {
        let mirrored: Vec<Vec<usize>> = rows
            .iter()
            .map(|row| row.iter().rev().copied().collect())
            .collect();
        rows.extend(mirrored);
    }
    // The design's promise, checked: each row holds every mode once, and
    // every ordered pair of two modes is neighbours equally often.
    let mut pairs = vec![0_usize; n * n];
    for row in &rows {
        let mut seen = row.clone();
        seen.sort_unstable();
        assert!(
            seen.iter().copied().eq(0..n),
            "row {row:?}: not every mode once"
        );
        for pair in row.windows(2) {
            pairs[pair[0] * n + pair[1]] += 1;
        }
    }
    let off_diagonal = |i: usize| i / n != i % n;
    let counts: Vec<usize> = (0..n * n)
        .filter(|&i| off_diagonal(i))
        .map(|i| pairs[i])
        .collect();
    assert!(
        counts.windows(2).all(|w| w[0] == w[1]),
        "{n} modes: neighbours not balanced: {counts:?}"
    );
    rows
}

/// One mode's figures over the rounds of a workload.
struct Figures {
    latencies: Vec<Duration>,
    /// Requests completed in each round's window.
    counted: Vec<usize>,
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
            Ok(n) if n >= ROUNDS && n % 2 == 1 => n,
            _ => panic!("PROXY_BENCH_ROUNDS={value}: expected an odd number of at least {ROUNDS}"),
        },
    };
    let window = match std::env::var("PROXY_BENCH_WINDOW_MS") {
        Err(_) => WINDOW,
        Ok(value) => match value.parse::<u64>() {
            Ok(ms) if ms >= 100 => Duration::from_millis(ms),
            _ => panic!("PROXY_BENCH_WINDOW_MS={value}: expected milliseconds, at least 100"),
        },
    };
    // `PROXY_BENCH_VERBOSE=1`: every round's count, as it comes.
    let verbose = std::env::var_os("PROXY_BENCH_VERBOSE").is_some();
    let orders = orders(modes.len());
    assert_eq!(median_interval(9), (1, 7), "the 2nd and 8th of 9");
    assert_eq!(median_interval(21), (5, 15), "the 6th and 16th of 21");
    // One proxy and one client per mode for the whole bench: their
    // connections are made once and kept. (New ones every round put their
    // set-up in the rounds, and a fresh proxy and client per round left
    // some 25,000 sockets in TIME_WAIT, near the 28,232 local ports.)
    let mut proxies = Vec::new();
    for mode in &modes {
        let client: BenchClient = Client::builder(TokioExecutor::new()).build_http();
        proxies.push((proxy(upstream_addr, mode).await, client));
    }
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
            let lens: Vec<usize> = modes
                .iter()
                .map(|m| proxy_client::answer_len(&case, m.as_sent))
                .collect();
            // Warm up the connections, the caches and the mock's canned body.
            for ((proxy, client), &len) in proxies.iter().zip(&lens) {
                run(client, *proxy, &case, raw, len, WARM_UP).await;
            }
            let mut figures: Vec<Figures> = modes
                .iter()
                .map(|_| Figures {
                    latencies: Vec::new(),
                    counted: Vec::new(),
                })
                .collect();
            for round in 0..rounds {
                for &index in &orders[round % orders.len()] {
                    let (proxy, client) = &proxies[index];
                    let mut latencies = run(client, *proxy, &case, raw, lens[index], window).await;
                    let counted = latencies.len();
                    if verbose {
                        println!(
                            "{label:9} round {round:2} {:17} {counted:6} requests",
                            modes[index].name
                        );
                    }
                    let mode = &mut figures[index];
                    mode.counted.push(counted);
                    mode.latencies.append(&mut latencies);
                }
            }
            for (mode, figures) in modes.iter().zip(&mut figures) {
                figures.latencies.sort_unstable();
                println!(
                    "{label:9} {:17} {:6} requests  {:8.0} requests/s  p50 {:7.2} ms  p99 {:7.2} ms",
                    mode.name,
                    figures.latencies.len(),
                    figures.latencies.len() as f64 / (window.as_secs_f64() * rounds as f64),
                    percentile(&figures.latencies, 50),
                    percentile(&figures.latencies, 99),
                );
            }
            let baseline = &figures[0].counted;
            let mut medians = Vec::new();
            for (mode, figures) in modes.iter().zip(&figures).skip(1) {
                // Same window: the throughput ratio is the count ratio.
                let mut costs: Vec<f64> = baseline
                    .iter()
                    .zip(&figures.counted)
                    .map(|(&pass, &counted)| (1.0 - counted as f64 / pass as f64) * 100.0)
                    .collect();
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
                     (95 % interval {:+.1} to {:+.1} %; {rounds} paired rounds, {:+.1} % to \
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
