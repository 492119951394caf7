//! A global allocator that counts the allocations of the *calling thread*.
//!
//! The test harness runs other tests, and its own bookkeeping, on other
//! threads; a process-wide counter picks their allocations up at random and
//! makes an allocation test flaky. A const-initialised thread-local `Cell`
//! counts only what the measuring thread does, deterministically.
//!
//! A test binary that wants it writes `mod support;` and
//! `#[global_allocator] static GLOBAL: CountingAllocator = CountingAllocator;`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

/// Forwards every call to [`System`] and counts `alloc`, `alloc_zeroed` and
/// `realloc` on the calling thread, and the bytes they obtain.
pub struct CountingAllocator;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
    static ALLOCATED_BYTES: Cell<usize> = const { Cell::new(0) };
}

/// Counts one call that obtains `bytes` new bytes.
fn count_one(bytes: usize) {
    // `try_with`: the allocator may run while the thread-locals are torn down.
    let _ = ALLOCATIONS.try_with(|count| count.set(count.get() + 1));
    let _ = ALLOCATED_BYTES.try_with(|total| total.set(total.get().saturating_add(bytes)));
}

/// Allocations made so far by the calling thread.
pub fn allocations() -> usize {
    ALLOCATIONS.with(Cell::get)
}

/// Bytes the calling thread has obtained so far: the size of each
/// allocation, and what each `realloc` added (a shrink adds nothing).
/// Nothing is subtracted on free: the difference over a piece of code is
/// how much memory it asked for, however long it kept it.
#[allow(dead_code)] // not every test binary measures bytes
pub fn allocated_bytes() -> usize {
    ALLOCATED_BYTES.with(Cell::get)
}

// SAFETY: every call is forwarded unchanged to the system allocator; the
// only addition is a counter in a const-initialised thread-local `Cell`,
// which neither allocates nor unwinds.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count_one(layout.size());
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count_one(layout.size());
        // SAFETY: as above.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count_one(new_size.saturating_sub(layout.size()));
        // SAFETY: as above; `ptr` came from this allocator, i.e. from `System`.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }
}
