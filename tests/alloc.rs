//! The engine allocates nothing per event in the steady state (docs/determinism.md "Speed"): once the
//! cluster has started, thousands of further events run without a single heap allocation.
//! A counting global allocator measures it; this file is its own test binary, so no other test
//! allocates concurrently.

use ecsim_core::{RunOptions, SimTime, Simulation};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, Ordering};

struct Counting;
static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, n: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.realloc(p, l, n) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
fn no_allocation_per_event_in_the_steady_state() {
    let text = ecsim_core::DEFAULT_SCENARIO
        .replace("duration = \"10m\"", "duration = \"2h\"")
        .replace("sample_step = \"5s\"", "sample_step = \"1s\"");
    let sc = ecsim_core::Scenario::parse(&text, "steady.toml").unwrap();
    // Invariant checks allocate scratch space; they are not part of the engine's hot path.
    let opts = RunOptions::default();
    let mut sim = Simulation::new(&sc, &opts);
    sim.set_invariant_checks(false);
    while sim.now() < SimTime(300_000_000_000) {
        assert!(sim.step().unwrap());
    }
    let (events, allocs) = (sim.events(), ALLOCATIONS.load(Ordering::Relaxed));
    sim.run_to_end().unwrap();
    let steady_events = sim.events() - events;
    let steady_allocs = ALLOCATIONS.load(Ordering::Relaxed) - allocs;
    assert!(steady_events > 6000, "{steady_events} events");
    assert_eq!(
        steady_allocs, 0,
        "{steady_allocs} allocations in {steady_events} steady-state events"
    );
    // And the run is still whole: all 8 tasks ran.
    assert_eq!(sim.finish().summary.services["web"].tasks.running_end, 8);
}
