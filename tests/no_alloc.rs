//! `Response::parse` allocates nothing (DESIGN.md invariant 4), checked with
//! a counting global allocator.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use getemms::{Options, Response, parse};

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::SeqCst);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::SeqCst);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
fn parsing_allocates_nothing() {
    let mut body = vec![0u8; 12 + 4096];
    body[3] = 1;
    let short = [0u8, 0, 2, 88, 0, 0, 0, 0];
    let strict = Options::new().with_max_emm_len(16).with_short_form(false);

    let before = ALLOCATIONS.load(Ordering::SeqCst);
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
    let after = ALLOCATIONS.load(Ordering::SeqCst);

    assert_eq!(after - before, 0, "the parse path allocated");
    assert!(checksum > 0);
    // The emm of the full body is the caller's memory.
    assert_eq!(
        Response::parse(&body).unwrap().emm().as_ptr(),
        body[12..].as_ptr()
    );
}
