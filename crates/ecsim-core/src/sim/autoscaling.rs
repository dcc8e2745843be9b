//! Service auto scaling at run time: once a minute each scalable target gets a datapoint of its
//! service's metrics, its policies are evaluated (`crate::autoscaling` has the rules and their
//! sources), and the desired count changes through `update_service`, as Application Auto Scaling
//! calls UpdateService. Scheduled actions change the target's bounds at their times.

use super::event::ScalingEvent;
use super::{Event, Simulation};
use crate::autoscaling::{
    tracked_capacity, AutoScaling, Metric, HIGH_DATAPOINTS, LOW_DATAPOINTS, LOW_FRACTION, PERIOD,
};
use crate::log::LogKind;
use crate::task::TaskState;
use crate::time::SimTime;
use crate::units::ScalerId;
use crate::units::ServiceId;
use std::collections::VecDeque;

/// Datapoints kept per metric: the longest alarm looks back this far.
const KEEP: usize = 60;

/// A scalable target's state.
#[derive(Debug, Clone)]
pub(super) struct Scaler {
    pub spec: AutoScaling,
    /// The bounds now (scheduled actions change them).
    pub min: u32,
    pub max: u32,
    /// The last datapoints (newest last); NaN where the metric had no data (no running task, no
    /// healthy target).
    cpu: VecDeque<f64>,
    memory: VecDeque<f64>,
    per_target: VecDeque<f64>,
    work_at_tick: f64,
    arrived_at_tick: u64,
    last_out: Option<SimTime>,
    last_in: Option<SimTime>,
    step_last: Vec<Option<SimTime>>,
    pub scale_outs: u32,
    pub scale_ins: u32,
    pub desired_peak: u32,
}

impl Scaler {
    pub fn new(spec: &AutoScaling) -> Scaler {
        Scaler {
            min: spec.min,
            max: spec.max,
            cpu: VecDeque::with_capacity(KEEP),
            memory: VecDeque::with_capacity(KEEP),
            per_target: VecDeque::with_capacity(KEEP),
            work_at_tick: 0.0,
            arrived_at_tick: 0,
            last_out: None,
            last_in: None,
            step_last: vec![None; spec.step_scaling.len()],
            scale_outs: 0,
            scale_ins: 0,
            desired_peak: 0,
            spec: spec.clone(),
        }
    }

    fn points(&self, m: Metric) -> &VecDeque<f64> {
        match m {
            Metric::Cpu => &self.cpu,
            Metric::Memory => &self.memory,
            Metric::RequestsPerTarget => &self.per_target,
        }
    }

    /// The last `n` datapoints of `m` all satisfy `f` (and there are `n`).
    fn last_all(&self, m: Metric, n: usize, f: impl Fn(f64) -> bool) -> bool {
        let p = self.points(m);
        p.len() >= n && p.iter().rev().take(n).all(|&v| !v.is_nan() && f(v))
    }

    fn latest(&self, m: Metric) -> f64 {
        self.points(m).back().copied().unwrap_or(f64::NAN)
    }
}

impl Simulation {
    /// Clamps each scaled service's starting desired count into its bounds (RegisterScalableTarget
    /// does so at once) and plans the first tick and the scheduled actions.
    pub(super) fn init_autoscaling(&mut self) {
        if self.scalers.is_empty() {
            return;
        }
        for (k, sc) in self.scalers.iter().enumerate() {
            let si = sc.spec.service;
            let d = self.services[si].desired;
            self.services[si].desired = d.clamp(sc.min, sc.max);
            for (i, a) in sc.spec.scheduled.iter().enumerate() {
                self.engine.schedule(
                    SimTime::ZERO + a.at,
                    Event::Scaling(ScalingEvent::Scheduled {
                        target: ScalerId(k as u32),
                        index: i as u32,
                    }),
                );
            }
        }
        self.engine
            .schedule(SimTime::ZERO + PERIOD, Event::Scaling(ScalingEvent::Tick));
    }

    /// A scheduled action: the target's new bounds, and the desired count moved into them.
    pub(super) fn scheduled_scaling(&mut self, k: usize, i: usize) {
        let a = self.scalers[k].spec.scheduled[i].clone();
        let sc = &mut self.scalers[k];
        sc.min = a.min_capacity.unwrap_or(sc.min);
        sc.max = a.max_capacity.unwrap_or(sc.max);
        // A min above the max (or the reverse) from two partial actions: the last one wins.
        if sc.min > sc.max {
            if a.min_capacity.is_some() {
                sc.max = sc.min;
            } else {
                sc.min = sc.max;
            }
        }
        let (min, max, si) = (sc.min, sc.max, sc.spec.service);
        let name = self.sc.services[si].name.clone();
        let msg = format!("scheduled scaling: service {name} capacity now {min}..={max}");
        self.push_log(LogKind::Scaling, Some(name), None, None, msg);
        let d = self.services[si].desired;
        if !(min..=max).contains(&d) {
            self.update_service(ServiceId(si as u32), d.clamp(min, max));
        }
    }

    /// One minute has passed: each target's datapoints, then its policies.
    pub(super) fn scaling_tick(&mut self) {
        for k in 0..self.scalers.len() {
            self.scaling_datapoints(k);
            self.scaling_decide(k);
        }
        let next = self.engine.now() + PERIOD;
        if next <= self.engine.end() {
            self.engine
                .schedule(next, Event::Scaling(ScalingEvent::Tick));
        }
    }

    fn running_of(&self, si: usize) -> u32 {
        self.services[si]
            .live
            .iter()
            .filter(|t| self.tasks[t.index()].state == TaskState::Running)
            .count() as u32
    }

    /// The minute's `ECSServiceAverageCPUUtilization` (CPU work the service's requests started,
    /// over the CPU its running tasks reserve) and `ALBRequestCountPerTarget` (requests arrived
    /// over healthy targets).
    fn scaling_datapoints(&mut self, k: usize) {
        let si = self.scalers[k].spec.service;
        let running = self.running_of(si);
        let tr = self.requests.traffic.iter().find(|t| t.spec.service == si);
        let (work, arrived, targets) = tr.map_or((0.0, 0, 0), |t| {
            (t.work_started_s, t.arrived, t.targets.len())
        });
        let td = &self.sc.taskdefs[self.services[si].taskdef.index()];
        let reserved_vcpu = running as f64 * td.cpu.0 as f64 / 1024.0;
        let memory = self.service_memory_pct(si).unwrap_or(f64::NAN);
        let sc = &mut self.scalers[k];
        let minute = PERIOD.as_secs_f64();
        let cpu = if reserved_vcpu > 0.0 {
            (work - sc.work_at_tick) / (reserved_vcpu * minute) * 100.0
        } else {
            f64::NAN
        };
        let per_target = if targets > 0 {
            (arrived - sc.arrived_at_tick) as f64 / targets as f64
        } else {
            f64::NAN
        };
        sc.work_at_tick = work;
        sc.arrived_at_tick = arrived;
        for (q, v) in [
            (&mut sc.cpu, cpu),
            (&mut sc.memory, memory),
            (&mut sc.per_target, per_target),
        ] {
            if q.len() == KEEP {
                q.pop_front();
            }
            q.push_back(v);
        }
    }

    /// The policies' verdict: out if any policy asks for more than the desired count; otherwise
    /// in, if every target tracking policy that may scale in agrees and the cooldowns are over.
    fn scaling_decide(&mut self, k: usize) {
        let si = self.scalers[k].spec.service;
        if !self.services[si].active {
            return;
        }
        let desired = self.services[si].desired;
        let running = self.running_of(si);
        let now = self.engine.now();
        let sc = &self.scalers[k];
        let mut out: Option<(u32, String)> = None;
        let mut ins: Vec<(u32, String)> = Vec::new();
        let mut tt_agree = true;
        let mut fired_steps = Vec::new();
        for p in &sc.spec.target_tracking {
            let m = sc.latest(p.metric);
            let why = |dir: &str| {
                format!(
                    "{} {m:.1} {dir} target {} for {} min",
                    p.metric.name(),
                    p.target,
                    if dir == ">" {
                        HIGH_DATAPOINTS
                    } else {
                        LOW_DATAPOINTS
                    }
                )
            };
            if sc.last_all(p.metric, HIGH_DATAPOINTS, |v| v > p.target) {
                let want = tracked_capacity(running, m, p.target);
                if out.as_ref().is_none_or(|(w, _)| want > *w) {
                    out = Some((want, why(">")));
                }
            }
            if p.disable_scale_in {
                continue;
            }
            let cooled = sc.last_out.is_none_or(|t| now >= t + p.scale_out_cooldown)
                && sc.last_in.is_none_or(|t| now >= t + p.scale_in_cooldown);
            if cooled && sc.last_all(p.metric, LOW_DATAPOINTS, |v| v < LOW_FRACTION * p.target) {
                ins.push((tracked_capacity(running, m, p.target), why("<")));
            } else {
                tt_agree = false;
            }
        }
        for (j, p) in sc.spec.step_scaling.iter().enumerate() {
            let cooled = sc.step_last[j].is_none_or(|t| now >= t + p.cooldown);
            if !cooled || !sc.last_all(p.metric, p.datapoints, |v| p.breaches(v)) {
                continue;
            }
            let m = sc.latest(p.metric);
            let Some(want) = p.apply(m, desired) else {
                continue;
            };
            let why = format!(
                "{} {m:.1} breached the step alarm at {}",
                p.metric.name(),
                p.threshold
            );
            fired_steps.push(j);
            if want > desired {
                if out.as_ref().is_none_or(|(w, _)| want > *w) {
                    out = Some((want, why));
                }
            } else if want < desired {
                ins.push((want, why));
            }
        }
        let (min, max) = (sc.min, sc.max);
        let decision = match out {
            Some((want, why)) if want.clamp(min, max) > desired => {
                Some((want.clamp(min, max), why, true))
            }
            // Scale-in waits while a deployment goes on (docs/ecs-facts.md §6 "During deployments").
            _ if tt_agree && !ins.is_empty() && self.services[si].deployment.is_none() => {
                // Every policy must agree: the least reduction of them all.
                let (want, why) = ins
                    .into_iter()
                    .max_by_key(|(w, _)| *w)
                    .unwrap_or((desired, String::new()));
                let want = want.clamp(min, max);
                (want < desired).then_some((want, why, false))
            }
            _ => None,
        };
        let sc = &mut self.scalers[k];
        for j in fired_steps {
            sc.step_last[j] = Some(now);
        }
        let Some((want, why, up)) = decision else {
            return;
        };
        if up {
            sc.last_out = Some(now);
            sc.scale_outs += 1;
        } else {
            sc.last_in = Some(now);
            sc.scale_ins += 1;
        }
        sc.desired_peak = sc.desired_peak.max(want);
        let name = self.sc.services[si].name.clone();
        let msg = format!(
            "auto scaling: {why}: service {name} scales {} to {want} tasks",
            if up { "out" } else { "in" }
        );
        self.push_log(LogKind::Scaling, Some(name), None, None, msg);
        self.update_service(ServiceId(si as u32), want);
    }
}
