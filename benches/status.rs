//! Status look-ups over every code of every table: `description`, `name`
//! and `FromStr` (by constant name), beside the hand-written equivalent, a
//! linear scan of a `(code, name, description)` slice built from the same
//! rows (what a proxy author writes for a handful of codes).
//!
//! Nothing is optimised away: every code is itself passed through
//! `black_box` before the look-up and every result after it, so no look-up
//! can be folded at compile time; the figures are per code the cost of a
//! real binary search or scan (a few ns each).
//!
//! `cargo bench --bench status`

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use getemms::status::ftp::FtpError;
use getemms::status::package::{GuiStatus, IdStatus};
use getemms::{ClientStatus, DcpStatus, LicenseStatus};

/// Every numeric code of the three code tables with its names.
fn rows() -> Vec<(u32, &'static str, Option<&'static str>)> {
    let mut rows = Vec::new();
    rows.extend(
        LicenseStatus::rows().map(|r| (r.code(), r.const_name(), r.status().description())),
    );
    rows.extend(ClientStatus::rows().map(|r| (r.code(), r.const_name(), r.status().description())));
    rows.extend(DcpStatus::rows().map(|r| (r.code(), r.const_name(), r.status().description())));
    rows
}

fn status(c: &mut Criterion) {
    let table = rows();
    let mut group = c.benchmark_group("status");
    group.throughput(Throughput::Elements(table.len() as u64));
    group.bench_function("description/getemms", |b| {
        b.iter(|| {
            for row in LicenseStatus::rows() {
                black_box(LicenseStatus::new(black_box(row.code())).description());
            }
            for row in ClientStatus::rows() {
                black_box(ClientStatus::new(black_box(row.code())).description());
            }
            for row in DcpStatus::rows() {
                black_box(DcpStatus::new(black_box(row.code())).description());
            }
        })
    });
    group.bench_function("description/hand_written", |b| {
        b.iter(|| {
            for &(code, _, _) in &table {
                let code = black_box(code);
                black_box(table.iter().find(|row| row.0 == code).and_then(|row| row.2));
            }
        })
    });
    group.bench_function("name/getemms", |b| {
        b.iter(|| {
            for row in LicenseStatus::rows() {
                black_box(LicenseStatus::new(black_box(row.code())).name());
            }
            for row in ClientStatus::rows() {
                black_box(ClientStatus::new(black_box(row.code())).name());
            }
            for row in DcpStatus::rows() {
                black_box(DcpStatus::new(black_box(row.code())).name());
            }
        })
    });
    group.bench_function("from_str/getemms", |b| {
        b.iter(|| {
            for row in LicenseStatus::rows() {
                let _ = black_box(black_box(row.const_name()).parse::<LicenseStatus>());
            }
            for row in ClientStatus::rows() {
                let _ = black_box(black_box(row.const_name()).parse::<ClientStatus>());
            }
            for row in DcpStatus::rows() {
                let _ = black_box(black_box(row.const_name()).parse::<DcpStatus>());
            }
        })
    });
    group.bench_function("from_str/hand_written", |b| {
        b.iter(|| {
            for &(_, name, _) in &table {
                let name = black_box(name);
                black_box(
                    table
                        .iter()
                        .find(|row| row.1.eq_ignore_ascii_case(name))
                        .map(|r| r.0),
                );
            }
        })
    });
    group.finish();

    let mut group = c.benchmark_group("status_vocabulary");
    group.bench_function("description/getemms", |b| {
        b.iter(|| {
            for status in IdStatus::rows() {
                black_box(black_box(status).description());
            }
            for status in GuiStatus::rows() {
                black_box(black_box(status).description());
            }
            for error in FtpError::rows() {
                black_box(black_box(error).description());
            }
        })
    });
    group.bench_function("name/getemms", |b| {
        b.iter(|| {
            for status in IdStatus::rows() {
                black_box(black_box(status).as_str());
            }
            for status in GuiStatus::rows() {
                black_box(black_box(status).as_str());
            }
            for error in FtpError::rows() {
                black_box(black_box(error).as_str());
            }
        })
    });
    group.bench_function("from_str/getemms", |b| {
        b.iter(|| {
            for status in IdStatus::rows() {
                let _ = black_box(black_box(status.as_str()).parse::<IdStatus>());
            }
            for status in GuiStatus::rows() {
                let _ = black_box(black_box(status.as_str()).parse::<GuiStatus>());
            }
            for error in FtpError::rows() {
                let _ = black_box(black_box(error.description()).parse::<FtpError>());
            }
        })
    });
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
    targets = status
}
criterion_main!(benches);
