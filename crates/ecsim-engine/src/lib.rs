//! ecsim-engine: the deterministic discrete-event engine under ecsim's model.
//!
//! Integer time (`time`), an event queue ordered by (time, sequence) (`queue`), one random
//! stream per purpose derived from the seed (`rng`), FNV-1a (`hash`) and the loop that pops
//! events and folds each into the run's trace hash (`event_loop`). It knows nothing of what it
//! simulates (no word of the model appears here; `tests/tidy.rs` keeps it so), so the rules that
//! make a run reproducible live in one small crate that can be read in one sitting
//! (docs/determinism.md).
//!
//! Architecture invariant: no IO, no clock, no threads, no `HashMap` iteration, no platform float
//! transcendental (`libm` only); the same inputs give the same bits natively and in wasm32.

pub mod event_loop;
pub mod hash;
pub mod queue;
pub mod rng;
pub mod time;

pub use event_loop::{EventLoop, Traced};
pub use time::{SimDuration, SimTime};
