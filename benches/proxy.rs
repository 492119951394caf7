//! The license proxy example's throughput and tail latency, decoding and
//! re-encoding every answer, against the same proxy passing the upstream's
//! bytes through untouched (`--passthrough`), in one run on loopback.
//!
//! ```text
//! cargo bench --features http --bench proxy
//! ```
//!
//! Each workload (EMMs of 1 KiB to 1 MiB, one line of base64 from the
//! mock upstream, whose canned bodies cost nothing after the first) sends
//! a fixed number of requests, 64 at a time, to a proxy in front of the
//! mock, alternating the two modes over nine rounds so that both see the
//! same machine. It prints requests/s, p50 and p99 for each mode, and the
//! decode + re-encode cost: the loss of throughput against the passthrough
//! round next to it, as the median of the nine and their range (the goal:
//! at most 5 %).

#[path = "../examples/license_proxy.rs"]
#[allow(dead_code)]
mod license_proxy;
#[path = "../examples/mock_upstream.rs"]
#[allow(dead_code)]
mod mock_upstream;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use tokio::net::TcpListener;

const CONCURRENCY: usize = 64;
/// Rounds of each mode, alternated; odd, so that the median is one round.
const ROUNDS: usize = 9;

async fn proxy(upstream: SocketAddr, passthrough: bool) -> SocketAddr {
    let url = format!("http://{upstream}/GetEMMs.cgi");
    let mut args = vec!["--upstream".to_owned(), url, "--quiet".to_owned()];
    if passthrough {
        args.push("--passthrough".to_owned());
    }
    let (_, config) = license_proxy::parse_args(args).expect("bench arguments");
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("loopback");
    let addr = listener.local_addr().expect("bound");
    tokio::spawn(license_proxy::serve(listener, config));
    addr
}

/// `requests` requests of `case`, 64 at a time: (elapsed, sorted latencies).
async fn run(proxy: SocketAddr, case: &str, requests: usize) -> (Duration, Vec<Duration>) {
    // Both modes answer the upstream's text: one line of base64.
    let emm_len = match mock_upstream::answer(case) {
        Some(mock_upstream::Answer::Body { emm_len, .. }) => emm_len,
        _ => panic!("bench cases are valid bodies"),
    };
    let expected_len = getemms::Response::new(1, 42, 7, &mock_upstream::emm(emm_len))
        .base64_len(getemms::base64::LineWrap::None);
    let client: Client<HttpConnector, Full<Bytes>> =
        Client::builder(TokioExecutor::new()).build_http();
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
                    let mut request = http::Request::new(Full::new(form.clone()));
                    *request.method_mut() = http::Method::POST;
                    *request.uri_mut() = uri.clone();
                    let answer = client.request(request).await.expect("answer");
                    let body = answer.into_body().collect().await.expect("body").to_bytes();
                    assert_eq!(
                        body.len(),
                        expected_len,
                        "the proxy refused a bench request"
                    );
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

#[tokio::main]
async fn main() {
    let upstream = TcpListener::bind("127.0.0.1:0").await.expect("loopback");
    let upstream_addr = upstream.local_addr().expect("bound");
    tokio::spawn(mock_upstream::serve(upstream, Duration::from_secs(30)));
    let decoding = proxy(upstream_addr, false).await;
    let passing = proxy(upstream_addr, true).await;

    // Requests per round: about a third of a second of work in each mode.
    let workloads = [
        ("ok_1k", 12_000),
        ("ok_16k", 6_000),
        ("ok_64k", 3_000),
        ("ok_256k", 1_000),
        ("ok_1m", 300),
    ];
    // `cargo bench --features http --bench proxy -- 1m 64k`: those only.
    let only: Vec<String> = std::env::args()
        .skip(1)
        .filter(|arg| !arg.starts_with("--"))
        .collect();
    for (case, requests) in workloads {
        if !only.is_empty() && !only.iter().any(|name| case.contains(name.as_str())) {
            continue;
        }
        // Warm up connections, caches and the mock's canned body, then
        // alternate the modes round by round.
        run(decoding, case, CONCURRENCY * 2).await;
        run(passing, case, CONCURRENCY * 2).await;
        let mut modes = [
            ("decode+re-encode", decoding, Vec::new(), Duration::ZERO),
            ("passthrough", passing, Vec::new(), Duration::ZERO),
        ];
        // The cost of each round against the passthrough round next to it.
        let mut costs = Vec::new();
        for _ in 0..ROUNDS {
            let mut took = [Duration::ZERO; 2];
            for (mode, (_, addr, latencies, elapsed)) in modes.iter_mut().enumerate() {
                let (round_took, mut round) = run(*addr, case, requests).await;
                took[mode] = round_took;
                *elapsed += round_took;
                latencies.append(&mut round);
            }
            // Same request count: the throughput ratio is the time ratio.
            costs.push((1.0 - took[1].as_secs_f64() / took[0].as_secs_f64()) * 100.0);
        }
        for (name, _, latencies, elapsed) in &mut modes {
            latencies.sort_unstable();
            println!(
                "{case:7} {name:17} {:6} requests  {:8.0} requests/s  p50 {:7.2} ms  p99 {:7.2} ms",
                latencies.len(),
                latencies.len() as f64 / elapsed.as_secs_f64(),
                percentile(latencies, 50),
                percentile(latencies, 99),
            );
        }
        costs.sort_by(f64::total_cmp);
        println!(
            "{case:7} decode + re-encode cost: median {:+.1} % of passthrough throughput \
             ({ROUNDS} paired rounds, {:+.1} % to {:+.1} %)",
            costs[ROUNDS / 2],
            costs[0],
            costs[ROUNDS - 1],
        );
    }
}
