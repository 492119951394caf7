//! The license proxy example's throughput and tail latency in each of its
//! modes, against the same proxy passing the upstream's bytes through
//! untouched (`--mode passthrough`), in one run on loopback.
//!
//! ```text
//! cargo bench --features tower --bench proxy
//! cargo bench --features tower --bench proxy -- 1k_raw 1m   # those workloads only
//! PROXY_BENCH_ROUNDS=15 PROXY_BENCH_MODES="relay forward" cargo bench --features tower --bench proxy
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
//! relay forwards and never transcodes. A round sends a fixed number of
//! requests, 64 at a time, in each mode in turn, in an order that changes
//! from round to round so that each mode runs in every position and after
//! every other mode equally often (a Williams design: `orders`); nine
//! rounds (`PROXY_BENCH_ROUNDS`: an odd number, at least nine). It prints
//! requests/s, p50 and p99 for each mode, and each mode's cost: the loss
//! of throughput against the passthrough run of the same round, as the
//! median of the rounds and their range. The goal: relay
//! forward and relay rewrite cost at most 2 % at every size and transport;
//! body verification and buffered are reported.

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
use std::sync::atomic::{AtomicUsize, Ordering};
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

/// `requests` requests of `case`, 64 at a time: (elapsed, sorted latencies).
async fn run(
    proxy: SocketAddr,
    case: &str,
    raw: bool,
    expected_len: usize,
    requests: usize,
) -> (Duration, Vec<Duration>) {
    let client: BenchClient = Client::builder(TokioExecutor::new()).build_http();
    let form = Bytes::from(format!("asset_id=42&case={case}"));
    let uri: http::Uri = format!("http://{proxy}/GetEMMs.cgi").parse().expect("uri");
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let workers: Vec<_> = (0..CONCURRENCY)
        .map(|_| {
            let (client, next, form, uri) =
                (client.clone(), Arc::clone(&next), form.clone(), uri.clone());
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                while next.fetch_add(1, Ordering::Relaxed) < requests {
                    let sent = Instant::now();
                    proxy_client::ask(&client, &uri, &form, raw, expected_len).await;
                    latencies.push(sent.elapsed());
                }
                latencies
            })
        })
        .collect();
    let mut latencies = Vec::new();
    for worker in workers {
        latencies.extend(worker.await.expect("worker"));
    }
    let elapsed = started.elapsed();
    latencies.sort_unstable();
    (elapsed, latencies)
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
    elapsed: Duration,
    /// Per round.
    took: Vec<Duration>,
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
    let orders = orders(modes.len());
    let mut proxies = Vec::new();
    for mode in &modes {
        proxies.push(proxy(upstream_addr, mode).await);
    }

    // Requests per round and mode: about 0.3 s of passthrough work at
    // each size (a shorter round moves by more than the 2 % goal: at 160
    // requests of 1 MiB, 0.1 s, single rounds ranged from -63 % to +34 %).
    let sizes = [
        ("1k", 8_000),
        ("16k", 7_000),
        ("64k", 5_000),
        ("256k", 2_000),
        ("1m", 500),
    ];
    let transports = [("raw", "_raw"), ("line", ""), ("mime", "_mime")];
    // `cargo bench --features tower --bench proxy -- 1m 64k_raw`: those only.
    let only: Vec<String> = std::env::args()
        .skip(1)
        .filter(|arg| !arg.starts_with("--"))
        .collect();
    let mut summary = Vec::new();
    for (size, requests) in sizes {
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
            // Warm up connections, caches and the mock's canned body.
            for (addr, &len) in proxies.iter().zip(&lens) {
                run(*addr, &case, raw, len, CONCURRENCY * 2).await;
            }
            let mut figures: Vec<Figures> = modes
                .iter()
                .map(|_| Figures {
                    latencies: Vec::new(),
                    elapsed: Duration::ZERO,
                    took: Vec::new(),
                })
                .collect();
            for round in 0..rounds {
                for &index in &orders[round % orders.len()] {
                    let (took, mut latencies) =
                        run(proxies[index], &case, raw, lens[index], requests).await;
                    let mode = &mut figures[index];
                    mode.took.push(took);
                    mode.elapsed += took;
                    mode.latencies.append(&mut latencies);
                }
            }
            for (mode, figures) in modes.iter().zip(&mut figures) {
                figures.latencies.sort_unstable();
                println!(
                    "{label:9} {:17} {:6} requests  {:8.0} requests/s  p50 {:7.2} ms  p99 {:7.2} ms",
                    mode.name,
                    figures.latencies.len(),
                    figures.latencies.len() as f64 / figures.elapsed.as_secs_f64(),
                    percentile(&figures.latencies, 50),
                    percentile(&figures.latencies, 99),
                );
            }
            let baseline = &figures[0].took;
            let mut medians = Vec::new();
            for (mode, figures) in modes.iter().zip(&figures).skip(1) {
                // Same request count: the throughput ratio is the time ratio.
                let mut costs: Vec<f64> = baseline
                    .iter()
                    .zip(&figures.took)
                    .map(|(pass, took)| (1.0 - pass.as_secs_f64() / took.as_secs_f64()) * 100.0)
                    .collect();
                costs.sort_by(f64::total_cmp);
                let median = costs[rounds / 2];
                let verdict = match (mode.gated, median <= GOAL) {
                    (false, _) => "reported".to_owned(),
                    (true, true) => format!("goal <= {GOAL} %: met"),
                    (true, false) => format!("goal <= {GOAL} %: NOT met"),
                };
                println!(
                    "{label:9} {:17} cost: median {median:+5.1} % of passthrough throughput \
                     ({rounds} paired rounds, {:+.1} % to {:+.1} %), {verdict}",
                    mode.name,
                    costs[0],
                    costs[rounds - 1],
                );
                medians.push(median);
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
    let mut missed = 0;
    for (label, medians) in &summary {
        print!("{label:9}");
        for (mode, median) in modes[1..].iter().zip(medians) {
            let mark = if mode.gated && *median > GOAL {
                missed += 1;
                '!'
            } else {
                ' '
            };
            print!("  {median:>+15.1}%{mark}");
        }
        println!();
    }
    let gated = modes.iter().filter(|mode| mode.gated).count();
    println!(
        "relay forward and rewrite: {} of {} medians within the {GOAL} % goal ('!': not)",
        summary.len() * gated - missed,
        summary.len() * gated
    );
}
