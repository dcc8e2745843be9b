//! The event loop: the clock, the queue of what is to come, and the trace of what happened.
//!
//! A model owns an `EventLoop` of its own event type, schedules events on it, and asks it for the
//! next one due. Each event popped moves the clock to its time and is folded into the trace
//! (its time, then the three numbers its `Traced::trace_code` gives), and the model folds in the
//! decisions an event led to (`fold`), so two runs with the same `trace_hash` processed the same
//! events and made the same choices in the same order. The loop holds no model state, so a model
//! can hand its handlers the loop alone rather than the whole world.

use crate::hash::Fnv;
use crate::queue::EventQueue;
use crate::time::{SimDuration, SimTime};
use std::fmt;

/// What the trace records of an event: a code per kind and up to two ids.
///
/// The codes are the model's to choose; they must differ between kinds, and a model that wants
/// its trace hashes to stay comparable across versions keeps them fixed.
pub trait Traced {
    fn trace_code(&self) -> (u8, u64, u64);
}

/// An event was due before the clock: a model scheduled into the past (a bug in the model).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeWentBack {
    pub now: SimTime,
    pub event_at: SimTime,
}

impl fmt::Display for TimeWentBack {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "time went back from {} to {}", self.now, self.event_at)
    }
}

impl std::error::Error for TimeWentBack {}

#[derive(Debug)]
pub struct EventLoop<E> {
    now: SimTime,
    end: SimTime,
    queue: EventQueue<E>,
    trace: Fnv,
    events: u64,
}

impl<E: Traced> EventLoop<E> {
    /// A loop at time zero that runs events due up to and including `end`.
    pub fn new(end: SimTime) -> Self {
        EventLoop {
            now: SimTime::ZERO,
            end,
            queue: EventQueue::default(),
            trace: Fnv::default(),
            events: 0,
        }
    }

    #[inline]
    pub fn now(&self) -> SimTime {
        self.now
    }

    #[inline]
    pub fn end(&self) -> SimTime {
        self.end
    }

    /// Events processed so far.
    #[inline]
    pub fn events(&self) -> u64 {
        self.events
    }

    /// Events scheduled and not yet processed (some may lie past the end).
    pub fn pending(&self) -> usize {
        self.queue.len()
    }

    #[inline]
    pub fn schedule(&mut self, at: SimTime, event: E) {
        self.queue.push(at, event);
    }

    /// Schedules `event` at `now + after`.
    #[inline]
    pub fn schedule_in(&mut self, after: SimDuration, event: E) {
        self.queue.push(self.now + after, event);
    }

    /// The next event due by the end, with the clock moved to it and the event in the trace;
    /// `None` when nothing more is due.
    #[inline]
    pub fn next_due(&mut self) -> Result<Option<E>, TimeWentBack> {
        match self.queue.peek_time() {
            Some(t) if t <= self.end => {}
            _ => return Ok(None),
        }
        let Some(ev) = self.queue.pop() else {
            return Ok(None);
        };
        if ev.time < self.now {
            return Err(TimeWentBack {
                now: self.now,
                event_at: ev.time,
            });
        }
        self.now = ev.time;
        self.events += 1;
        let (code, a, b) = ev.event.trace_code();
        self.trace.write_u64(ev.time.0);
        self.trace.write(&[code]);
        self.trace.write_u64(a);
        self.trace.write_u64(b);
        Ok(Some(ev.event))
    }

    /// Moves the clock to the end without processing anything (the run is over; what is still
    /// queued past the end stays unprocessed).
    pub fn clock_to_end(&mut self) {
        self.now = self.now.max(self.end);
    }

    /// Folds a decision an event led to (which of several places was chosen) into the trace.
    #[inline]
    pub fn fold(&mut self, value: u64) {
        self.trace.write_u64(value);
    }

    /// Folds raw bytes (a 16-bit number as two bytes, say) into the trace.
    #[inline]
    pub fn fold_bytes(&mut self, bytes: &[u8]) {
        self.trace.write(bytes);
    }

    /// The trace so far: FNV-1a over every event processed and every decision folded.
    pub fn trace_hash(&self) -> u64 {
        self.trace.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Copy, PartialEq)]
    struct Tick(u8);
    impl Traced for Tick {
        fn trace_code(&self) -> (u8, u64, u64) {
            (self.0, 0, 0)
        }
    }

    fn drain(l: &mut EventLoop<Tick>) -> Vec<(u64, u8)> {
        std::iter::from_fn(|| l.next_due().unwrap().map(|t| (l.now().0, t.0))).collect()
    }

    #[test]
    fn runs_due_events_in_order_and_stops_at_the_end() {
        let mut l = EventLoop::new(SimTime(10));
        l.schedule(SimTime(10), Tick(3));
        l.schedule(SimTime(11), Tick(4));
        l.schedule(SimTime(2), Tick(1));
        l.schedule(SimTime(2), Tick(2));
        assert_eq!(drain(&mut l), vec![(2, 1), (2, 2), (10, 3)]);
        assert_eq!(l.events(), 3);
        assert_eq!(l.pending(), 1, "the event past the end stays queued");
    }

    #[test]
    fn the_trace_tells_order_and_decisions_apart() {
        let run = |order: [u8; 2], decision: u64| {
            let mut l = EventLoop::new(SimTime(5));
            l.schedule(SimTime(1), Tick(order[0]));
            l.schedule(SimTime(1), Tick(order[1]));
            while l.next_due().unwrap().is_some() {
                l.fold(decision);
            }
            l.trace_hash()
        };
        assert_eq!(run([1, 2], 7), run([1, 2], 7));
        assert_ne!(run([1, 2], 7), run([2, 1], 7));
        assert_ne!(run([1, 2], 7), run([1, 2], 8));
    }

    #[test]
    fn an_event_in_the_past_is_reported() {
        let mut l = EventLoop::new(SimTime(10));
        l.schedule(SimTime(5), Tick(1));
        l.next_due().unwrap();
        l.schedule(SimTime(3), Tick(2));
        assert_eq!(
            l.next_due(),
            Err(TimeWentBack {
                now: SimTime(5),
                event_at: SimTime(3)
            })
        );
    }
}
