//! Auto Scaling groups and ECS cluster auto scaling at run time.
//!
//! An instance group with `max_size` is an Auto Scaling group: it holds `max_size` instance
//! slots, launches into empty ones to reach its desired capacity (a new instance boots and
//! registers like any other), and replaces an instance that is lost. A capacity provider with
//! managed scaling computes `CapacityProviderReservation` once a minute and moves its group's
//! desired capacity (`crate::capacity_provider` has the rules and their sources): out at once,
//! in after 15 minutes below the target, terminating empty instances only when managed
//! termination protection is on.

use super::event::{InstanceEvent, ScalingEvent};
use super::{Event, Simulation};
use crate::capacity::Capacity;
use crate::capacity_provider::{
    instances_needed, reservation, scale_in_to, GroupView, Need, Room, PERIOD, SCALE_IN_DATAPOINTS,
};
use crate::image_cache::ImageCache;
use crate::instance::{Instance, InstanceState};
use crate::log::LogKind;
use crate::metrics::{ProviderSeries, ProviderSummary};
use crate::taskdef::{HostPortNeed, NetworkMode};
use crate::time::SimTime;
use crate::units::HostId;
use std::collections::BTreeMap;

/// An Auto Scaling group's state.
#[derive(Clone)]
pub(super) struct AsgState {
    pub desired: u32,
    /// Delays from a scale-out decision to the group's launches.
    pub reaction: crate::rng::Stream,
    pub launched: u32,
    pub terminated: u32,
    pub peak: u32,
}

/// A capacity provider's managed scaling state.
#[derive(Debug, Clone, Default)]
pub(super) struct ProviderState {
    /// Consecutive minutes the reservation asked for fewer instances than the group has.
    pub low_minutes: u32,
    /// The last `CapacityProviderReservation` (%), and its extremes.
    pub reservation_pct: Option<f64>,
    pub reservation_max: f64,
    pub scale_outs: u32,
    pub scale_ins: u32,
    /// Tasks killed when the group scaled in (no managed termination protection).
    pub tasks_killed: u32,
}

/// Cluster scaling's state: each group's boot-time stream and Auto Scaling state, and each
/// capacity provider's.
pub(super) struct ClusterScaling {
    pub(super) boot_rngs: Vec<crate::rng::Stream>,
    pub(super) asgs: Vec<AsgState>,
    pub(super) providers: Vec<ProviderState>,
}

impl Simulation {
    pub(super) fn init_cluster_scaling(&mut self) {
        self.cluster.asgs = self
            .sc
            .groups
            .iter()
            .map(|g| AsgState {
                desired: g.count,
                reaction: crate::rng::Stream::new(self.seed, &format!("asg/{}", g.name)),
                launched: 0,
                terminated: 0,
                peak: g.count,
            })
            .collect();
        self.cluster.providers = vec![ProviderState::default(); self.sc.providers.len()];
        let samples = self.series.t_s.capacity();
        self.series.capacity_providers = self
            .sc
            .providers
            .iter()
            .map(|p| ProviderSeries {
                name: p.name.clone(),
                instances: Vec::with_capacity(samples),
                desired: Vec::with_capacity(samples),
                reservation_pct: Vec::with_capacity(samples),
            })
            .collect();
        if self.sc.providers.iter().any(|p| p.scaling.is_some()) {
            self.engine.schedule(
                SimTime::ZERO + PERIOD,
                Event::Scaling(ScalingEvent::CapacityTick),
            );
        }
    }

    /// The group's instances launched and not terminated.
    pub(super) fn in_service(&self, gi: usize) -> impl Iterator<Item = &Instance> {
        self.instances
            .iter()
            .filter(move |i| i.group == gi && i.in_service())
    }

    /// Launches instances into the group's empty slots until it has its desired capacity.
    pub(super) fn asg_fill(&mut self, gi: usize, why: &str) {
        if !self.sc.groups[gi].asg {
            return;
        }
        while (self.in_service(gi).count() as u32) < self.cluster.asgs[gi].desired {
            if self.asg_launch(gi, why).is_none() {
                break;
            }
        }
        let n = self.in_service(gi).count() as u32;
        self.cluster.asgs[gi].peak = self.cluster.asgs[gi].peak.max(n);
    }

    /// A new instance in the group's first empty slot, in the zone with the fewest of its
    /// instances (EC2 Auto Scaling balances zones) among those not down (`zone_outage`).
    fn asg_launch(&mut self, gi: usize, why: &str) -> Option<HostId> {
        let slot = self
            .instances
            .iter()
            .position(|i| i.group == gi && !i.in_service())?;
        let g = &self.sc.groups[gi];
        let zone_count = |z: &String| {
            self.in_service(gi)
                .filter(|i| i.attributes.get("ecs.availability-zone") == Some(z))
                .count()
        };
        let Some(az) = g
            .availability_zones
            .iter()
            .filter(|z| !self.faults.zone_down(z))
            .min_by_key(|z| zone_count(z))
            .cloned()
        else {
            let msg = format!(
                "Auto Scaling group {} cannot launch ({why}): every one of its Availability Zones is down",
                g.name
            );
            self.push_log(LogKind::Fault, None, None, None, msg);
            return None;
        };
        // A mixed instances policy: the type the group has fewest of.
        let (type_name, spec) = g
            .types
            .iter()
            .min_by_key(|(n, _)| self.in_service(gi).filter(|i| &i.type_name == n).count())
            .cloned()
            .unwrap_or_else(|| g.types[0].clone());
        let (past, past_credits) = self.instance_cost(slot, self.engine.now());
        let life = self.instances[slot].life + 1;
        let mut inst = Instance::new(
            HostId(slot as u32),
            gi,
            &type_name,
            spec,
            g.agent.clone(),
            self.sc.spec.model.os_memory_overhead_pct,
            &az,
            self.sc.services.len(),
            self.engine.now(),
            g.eni_trunking,
        );
        inst.past_cost = past;
        inst.past_credit_cost = past_credits;
        inst.life = life;
        self.instances[slot] = inst;
        let mut cache = ImageCache::new(&self.sc.images);
        for &im in &g.cached_images {
            cache.preload(&self.sc.images, im);
        }
        self.pulls.nets[slot].new_host(cache, self.engine.now());
        self.requests.host_cpu[slot] = super::requests::HostCpu::of(&self.instances[slot]);
        let boot = self
            .sc
            .spec
            .model
            .boot_time
            .sample(&mut self.cluster.boot_rngs[gi]);
        let host = HostId(slot as u32);
        self.engine.schedule(
            self.engine.now() + boot,
            Event::instance(host, life, InstanceEvent::Registers),
        );
        self.cluster.asgs[gi].launched += 1;
        self.engine.fold(slot as u64);
        let msg = format!(
            "Auto Scaling group {} launched instance {host} in {az} ({why}; launch {life} in this slot)",
            g.name
        );
        self.push_log(LogKind::InstanceLaunched, None, None, Some(host), msg);
        Some(host)
    }

    pub(super) fn provider_summaries(&self) -> BTreeMap<String, ProviderSummary> {
        self.sc
            .providers
            .iter()
            .zip(&self.cluster.providers)
            .map(|(cp, st)| {
                let gi = cp.group;
                let s = ProviderSummary {
                    auto_scaling_group: self.sc.groups[gi].name.clone(),
                    managed_scaling: cp.scaling.is_some(),
                    scale_outs: st.scale_outs,
                    scale_ins: st.scale_ins,
                    instances_launched: self.cluster.asgs[gi].launched,
                    instances_terminated: self.cluster.asgs[gi].terminated,
                    instances_peak: self.cluster.asgs[gi].peak,
                    instances_end: self.in_service(gi).count() as u32,
                    reservation_pct_max: st.reservation_max,
                    tasks_stopped_by_scale_in: st.tasks_killed,
                };
                (cp.name.clone(), s)
            })
            .collect()
    }

    /// Once a minute: each managed capacity provider's reservation, and its group's response.
    pub(super) fn capacity_tick(&mut self) {
        for k in 0..self.sc.providers.len() {
            self.managed_scaling(k);
        }
        let next = self.engine.now() + PERIOD;
        if next <= self.engine.end() {
            self.engine
                .schedule(next, Event::Scaling(ScalingEvent::CapacityTick));
        }
    }

    /// The provider's waiting tasks, as the binpack estimate sees them.
    fn waiting_needs(&self, k: usize) -> Vec<Need> {
        let mut needs = Vec::new();
        for st in &self.services {
            for &t in &st.waiting {
                let task = &self.tasks[t.index()];
                if task.capacity != Capacity::Provider(k as u16) {
                    continue;
                }
                let td = &self.sc.taskdefs[task.taskdef.index()];
                needs.push(Need {
                    cpu: td.cpu,
                    memory: td.memory,
                    eni: td.network_mode == NetworkMode::Awsvpc,
                    static_ports: td
                        .host_ports
                        .iter()
                        .filter_map(|p| match p {
                            HostPortNeed::Static(p) => Some(*p),
                            HostPortNeed::Dynamic => None,
                        })
                        .collect(),
                });
            }
        }
        needs
    }

    fn managed_scaling(&mut self, k: usize) {
        let cp = self.sc.providers[k].clone();
        let Some(ms) = cp.scaling else {
            return;
        };
        let gi = cp.group;
        let needs = self.waiting_needs(k);
        // With a mixed instances policy the estimate assumes the smallest type (an assumption:
        // AWS does not say which type ECS binpacks against).
        let slot = self
            .instances
            .iter()
            .filter(|i| i.group == gi)
            .min_by_key(|i| (i.registered_cpu.0, i.registered_memory.0));
        let room = slot.map_or(
            Room {
                cpu: crate::units::CpuUnits(0),
                memory: crate::units::MiB(0),
                enis: 0,
            },
            |i| Room {
                cpu: i.registered_cpu,
                memory: i.registered_memory,
                enis: i.eni_budget,
            },
        );
        let now = self.engine.now();
        // Instances the group is about to launch (its desired capacity is raised) count as
        // booting: the group's capacity already includes them.
        let running = self.in_service(gi).count() as u32;
        let coming = self.cluster.asgs[gi].desired.saturating_sub(running);
        let view = GroupView {
            in_service: running + coming,
            busy: coming
                + self
                    .in_service(gi)
                    .filter(|i| !i.tasks.is_empty() || now < i.launched_at + ms.warmup)
                    .count() as u32,
            booting: coming
                + self
                    .in_service(gi)
                    .filter(|i| i.state == InstanceState::Pending)
                    .count() as u32,
            waiting_need: instances_needed(room, &needs),
            waiting_tasks: needs.len() as u32,
        };
        let r = reservation(&ms, view);
        let st = &mut self.cluster.providers[k];
        st.reservation_pct = Some(r.pct);
        st.reservation_max = st.reservation_max.max(r.pct);
        self.engine.fold(r.needed as u64);
        let g = &self.sc.groups[gi];
        let target = r.desired.clamp(g.min_size, g.max_size);
        let n = view.in_service;
        if target > n {
            self.cluster.providers[k].low_minutes = 0;
            self.cluster.providers[k].scale_outs += 1;
            self.cluster.asgs[gi].desired = target;
            let msg = format!(
                "capacity provider {}: CapacityProviderReservation {:.0} % (M = {}, N = {n}, {} tasks waiting): desired capacity {n} -> {target}",
                cp.name, r.pct, r.needed, view.waiting_tasks
            );
            self.push_log(LogKind::ClusterScaleOut, None, None, None, msg);
            let d = self
                .sc
                .spec
                .model
                .asg_scale_out_delay
                .sample(&mut self.cluster.asgs[gi].reaction);
            self.engine.schedule(
                now + d,
                Event::Scaling(ScalingEvent::AsgLaunch {
                    group: crate::units::GroupId(gi as u32),
                }),
            );
        } else if target < n {
            self.cluster.providers[k].low_minutes += 1;
            if self.cluster.providers[k].low_minutes >= SCALE_IN_DATAPOINTS {
                let to = scale_in_to(n, target, g.min_size);
                self.asg_scale_in(k, n - to, r.pct);
            }
        } else {
            self.cluster.providers[k].low_minutes = 0;
        }
    }

    /// Terminates up to `count` instances of the provider's group: empty ones only under managed
    /// termination protection; otherwise as EC2 Auto Scaling picks them (the zone with the most
    /// instances, then the newest), with whatever runs on them.
    fn asg_scale_in(&mut self, k: usize, count: u32, pct: f64) {
        let cp = self.sc.providers[k].clone();
        let gi = cp.group;
        // Instances per zone, counted once and lowered as instances are picked.
        let zone_of = |i: &Instance| i.attributes.get("ecs.availability-zone").cloned();
        let mut per_zone: BTreeMap<Option<String>, usize> = BTreeMap::new();
        for i in self.in_service(gi) {
            *per_zone.entry(zone_of(i)).or_insert(0) += 1;
        }
        let mut candidates: Vec<_> = self
            .in_service(gi)
            .filter(|i| !cp.termination_protection || i.tasks.is_empty())
            .map(|i| (zone_of(i), i.launched_at, i.id))
            .collect();
        let mut picked = Vec::new();
        for _ in 0..count {
            let best = candidates
                .iter()
                .enumerate()
                .max_by_key(|(_, (z, at, id))| (per_zone.get(z).copied(), *at, id.0))
                .map(|(j, _)| j);
            let Some(j) = best else {
                break;
            };
            let (z, _, h) = candidates.swap_remove(j);
            if let Some(n) = per_zone.get_mut(&z) {
                *n -= 1;
            }
            picked.push(h);
        }
        if picked.is_empty() {
            return;
        }
        let n = self.in_service(gi).count() as u32;
        let to = n - picked.len() as u32;
        self.cluster.asgs[gi].desired = to;
        self.cluster.providers[k].scale_ins += 1;
        let protected = if cp.termination_protection {
            "managed termination protection: empty instances only"
        } else {
            "no termination protection: their tasks stop"
        };
        let names: Vec<String> = picked.iter().map(|h| h.to_string()).collect();
        let msg = format!(
            "capacity provider {}: CapacityProviderReservation {pct:.0} % for {} minutes: desired capacity {n} -> {to}, terminating {} ({protected})",
            cp.name,
            self.cluster.providers[k].low_minutes,
            names.join(", ")
        );
        self.push_log(LogKind::ClusterScaleIn, None, None, None, msg);
        for h in picked {
            self.engine.fold(h.0 as u64);
            let live = self.instances[h.index()].tasks.len() as u32;
            self.cluster.providers[k].tasks_killed += live;
            self.cluster.asgs[gi].terminated += 1;
            self.instance_terminated(h, &format!("scale-in by capacity provider {}", cp.name));
        }
    }
}
