//! Timing and allocation counting.
#![allow(unsafe_code)] // a counting global allocator forwards to the system one

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// Counts allocations and live bytes on top of the system allocator.
pub struct CountingAllocator;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);
static ALLOCATED_BYTES: AtomicU64 = AtomicU64::new(0);
static LIVE_BYTES: AtomicU64 = AtomicU64::new(0);

// SAFETY: forwards to the system allocator unchanged; only counts.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        ALLOCATED_BYTES.fetch_add(layout.size() as u64, Ordering::Relaxed);
        LIVE_BYTES.fetch_add(layout.size() as u64, Ordering::Relaxed);
        // SAFETY: same contract as ours.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE_BYTES.fetch_sub(layout.size() as u64, Ordering::Relaxed);
        // SAFETY: same contract as ours.
        unsafe { System.dealloc(ptr, layout) }
    }
}

/// Bytes currently allocated and not freed.
pub fn live_bytes() -> u64 {
    LIVE_BYTES.load(Ordering::Relaxed)
}

/// One measured operation.
pub struct Measurement {
    /// Median time per operation, microseconds.
    pub micros: f64,
    /// Allocations per operation.
    pub allocations: f64,
    /// Bytes allocated per operation.
    pub bytes: f64,
}

/// Runs `op` in batches for about `seconds`, after a warm-up; reports the
/// median batch's time per operation and the allocations per operation.
pub fn measure(seconds: f64, mut op: impl FnMut()) -> Measurement {
    let warm_up = Instant::now();
    let mut per_batch = 0u32;
    while warm_up.elapsed().as_secs_f64() < seconds / 10.0 || per_batch < 3 {
        op();
        per_batch += 1;
    }
    let per_batch = per_batch.max(1);
    let (allocs_before, bytes_before) = (
        ALLOCATIONS.load(Ordering::Relaxed),
        ALLOCATED_BYTES.load(Ordering::Relaxed),
    );
    let mut batches = Vec::new();
    let mut operations = 0u64;
    let start = Instant::now();
    while start.elapsed().as_secs_f64() < seconds || batches.len() < 5 {
        let batch = Instant::now();
        for _ in 0..per_batch {
            op();
        }
        batches.push(batch.elapsed().as_secs_f64() * 1e6 / f64::from(per_batch));
        operations += u64::from(per_batch);
    }
    batches.sort_by(f64::total_cmp);
    let ops = operations as f64;
    Measurement {
        micros: batches[batches.len() / 2],
        allocations: (ALLOCATIONS.load(Ordering::Relaxed) - allocs_before) as f64 / ops,
        bytes: (ALLOCATED_BYTES.load(Ordering::Relaxed) - bytes_before) as f64 / ops,
    }
}
