//! `Response::parse` allocates nothing, checked with a global
//! allocator that counts the allocations of the measuring thread.

use getemms::{Options, Response, parse};
use support::counting_alloc::{CountingAllocator, allocations};

mod support;

// Counts per thread: the harness's other threads cannot reach the measured
// window (a process-wide counter made this test fail about 1 run in 5).
#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

#[test]
fn parsing_allocates_nothing() {
    let mut body = vec![0u8; 12 + 4096];
    body[3] = 1;
    let short = [0u8, 0, 2, 88, 0, 0, 0, 0];
    let strict = Options::new().with_max_emm_len(16).with_short_form(false);

    let before = allocations();
    let mut checksum = 0usize;
    for len in 0..body.len() {
        let prefix = &body[..len];
        checksum += Response::parse(prefix).map_or(1, |r| r.emm().len());
        checksum += Response::parse_with(prefix, &strict).map_or(1, |r| r.emm().len());
        checksum += parse::body(prefix).map_or(1, |(_, r)| r.emm().len());
    }
    checksum += Response::parse(&short).map_or(1, |r| r.asset_id() as usize);
    let mut out = [0u8; 64];
    checksum += Response::parse(&short)
        .unwrap()
        .encode_into(&mut out)
        .unwrap();
    let after = allocations();

    assert_eq!(after - before, 0, "the parse path allocated");
    assert!(checksum > 0);
    // The emm of the full body is the caller's memory.
    assert_eq!(
        Response::parse(&body).unwrap().emm().as_ptr(),
        body[12..].as_ptr()
    );
}
