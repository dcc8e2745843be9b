//! Host ports on one container instance, given out as the ECS agent does (docs/ecs-facts.md §2):
//! - `hostPort` 0 or absent (bridge mode) takes a port of the dynamic range, searching
//!   *sequentially* from the port after the last one assigned and wrapping to the start of the
//!   range, skipping reserved ports and ports in use;
//! - a static `hostPort` can be held by one task at a time, so one such task per instance;
//! - reserved ports (`ECS_RESERVED_PORTS`) are never given; reserved plus static ports are capped at
//!   100 per instance ("Reserved-port cap per instance").

use crate::units::Port;

/// docs/ecs-facts.md §2 "Reserved-port cap per instance".
pub const RESERVED_PORT_CAP: usize = 100;

#[derive(Debug, Clone)]
pub struct HostPorts {
    range: (Port, Port),
    reserved: Vec<Port>,
    /// One bit per port: in use by a task.
    in_use: Vec<u64>,
    /// Ports in use that lie inside the dynamic range.
    in_use_in_range: u32,
    /// Reserved ports inside the dynamic range (they never become free).
    reserved_in_range: u32,
    static_in_use: u32,
    dynamic_in_use: u32,
    last_dynamic: Option<Port>,
}

/// Why a set of host ports cannot be had.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PortShortage {
    /// A static port is reserved or already held.
    StaticTaken(Port),
    /// Not enough free ports in the dynamic range.
    RangeExhausted,
    /// The instance already holds 100 reserved and static ports.
    ReservedCap,
}

impl HostPorts {
    pub fn new(range: (Port, Port), reserved: &[Port]) -> Self {
        let mut reserved = reserved.to_vec();
        reserved.sort_unstable();
        reserved.dedup();
        let reserved_in_range = reserved
            .iter()
            .filter(|&&p| p >= range.0 && p <= range.1)
            .count() as u32;
        HostPorts {
            range,
            reserved,
            in_use: vec![0; 1024],
            in_use_in_range: 0,
            reserved_in_range,
            static_in_use: 0,
            dynamic_in_use: 0,
            last_dynamic: None,
        }
    }

    fn used(&self, p: Port) -> bool {
        self.in_use[p as usize / 64] & (1 << (p % 64)) != 0
    }

    fn mark(&mut self, p: Port, on: bool) {
        let (w, b) = (p as usize / 64, 1u64 << (p % 64));
        if on {
            self.in_use[w] |= b;
        } else {
            self.in_use[w] &= !b;
        }
        if self.in_range(p) {
            if on {
                self.in_use_in_range += 1;
            } else {
                self.in_use_in_range -= 1;
            }
        }
    }

    fn in_range(&self, p: Port) -> bool {
        p >= self.range.0 && p <= self.range.1
    }

    pub fn is_reserved(&self, p: Port) -> bool {
        self.reserved.binary_search(&p).is_ok()
    }

    /// Free for a task to take: not reserved, not in use.
    pub fn is_free(&self, p: Port) -> bool {
        !self.is_reserved(p) && !self.used(p)
    }

    /// Free ports left in the dynamic range.
    pub fn dynamic_free(&self) -> u32 {
        let size = self.range.1 as u32 - self.range.0 as u32 + 1;
        size - self.reserved_in_range - self.in_use_in_range
    }

    /// Ports in use by tasks, static and dynamic.
    pub fn in_use_count(&self) -> usize {
        (self.static_in_use + self.dynamic_in_use) as usize
    }

    pub fn dynamic_in_use(&self) -> u32 {
        self.dynamic_in_use
    }

    pub fn static_in_use(&self) -> u32 {
        self.static_in_use
    }

    pub fn range(&self) -> (Port, Port) {
        self.range
    }

    /// Whether a task needing these static ports and `dynamic` dynamic ports fits now.
    pub fn check(&self, statics: &[Port], dynamic: u32) -> Result<(), PortShortage> {
        let mut statics_in_range = 0;
        for &p in statics {
            if !self.is_free(p) {
                return Err(PortShortage::StaticTaken(p));
            }
            if self.in_range(p) {
                statics_in_range += 1;
            }
        }
        if !statics.is_empty()
            && self.reserved.len() + self.static_in_use as usize + statics.len() > RESERVED_PORT_CAP
        {
            return Err(PortShortage::ReservedCap);
        }
        if dynamic + statics_in_range > self.dynamic_free() {
            return Err(PortShortage::RangeExhausted);
        }
        Ok(())
    }

    /// Takes a static port; the caller has checked it is free.
    pub fn take_static(&mut self, p: Port) {
        debug_assert!(self.is_free(p), "static port {p} taken twice");
        self.mark(p, true);
        self.static_in_use += 1;
    }

    /// The next free port of the dynamic range, searching from after the last one given.
    pub fn take_dynamic(&mut self) -> Option<Port> {
        let (lo, hi) = self.range;
        let start = match self.last_dynamic {
            Some(p) if p < hi => p + 1,
            _ => lo,
        };
        let size = hi as u32 - lo as u32 + 1;
        let mut p = start;
        for _ in 0..size {
            if self.is_free(p) {
                self.mark(p, true);
                self.dynamic_in_use += 1;
                self.last_dynamic = Some(p);
                return Some(p);
            }
            p = if p == hi { lo } else { p + 1 };
        }
        None
    }

    pub fn release(&mut self, p: Port, dynamic: bool) {
        debug_assert!(self.used(p), "port {p} released but not in use");
        self.mark(p, false);
        if dynamic {
            self.dynamic_in_use -= 1;
        } else {
            self.static_in_use -= 1;
        }
    }

    /// Every port in use, ascending (for invariant checks and the live view).
    pub fn in_use(&self) -> impl Iterator<Item = Port> + '_ {
        (0..=Port::MAX).filter(move |&p| self.used(p))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agent_config::DEFAULT_RESERVED_PORTS;

    #[test]
    fn dynamic_ports_are_sequential_and_skip_reserved_ones() {
        // 51678 and 51679 are reserved by default and lie in this range.
        let mut h = HostPorts::new((51676, 51682), &DEFAULT_RESERVED_PORTS);
        let got: Vec<Port> = (0..5).map(|_| h.take_dynamic().unwrap()).collect();
        assert_eq!(got, vec![51676, 51677, 51680, 51681, 51682]);
        assert_eq!(h.take_dynamic(), None, "range exhausted");
        assert_eq!(h.dynamic_free(), 0);
    }

    #[test]
    fn search_continues_after_the_last_port_and_wraps() {
        let mut h = HostPorts::new((100, 104), &[]);
        assert_eq!(h.take_dynamic(), Some(100));
        assert_eq!(h.take_dynamic(), Some(101));
        h.release(100, true);
        // Not 100 again: the agent searches from after the last port it gave.
        assert_eq!(h.take_dynamic(), Some(102));
        assert_eq!(h.take_dynamic(), Some(103));
        assert_eq!(h.take_dynamic(), Some(104));
        assert_eq!(
            h.take_dynamic(),
            Some(100),
            "wraps to the start of the range"
        );
    }

    #[test]
    fn a_static_port_is_held_once() {
        let mut h = HostPorts::new((32768, 60999), &DEFAULT_RESERVED_PORTS);
        assert_eq!(h.check(&[80], 0), Ok(()));
        h.take_static(80);
        assert_eq!(h.check(&[80], 0), Err(PortShortage::StaticTaken(80)));
        assert_eq!(h.check(&[22], 0), Err(PortShortage::StaticTaken(22)));
        h.release(80, false);
        assert_eq!(h.check(&[80], 1), Ok(()));
    }

    #[test]
    fn a_static_port_inside_the_range_counts_against_it() {
        let h = HostPorts::new((100, 101), &[]);
        assert_eq!(h.check(&[100], 1), Ok(()));
        assert_eq!(h.check(&[100], 2), Err(PortShortage::RangeExhausted));
    }
}
