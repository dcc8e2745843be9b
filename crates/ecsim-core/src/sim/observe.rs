//! Observing a run: sampling the time series and the summary. The state rules are checked
//! apart, in `sim/invariants.rs`.

use super::{RunOutput, Simulation};
use crate::instance::InstanceState;
use crate::metrics::{
    self, ClusterSummary, CostSummary, DeploymentSummary, DeploymentTotals, ImageSummary,
    LatencySummary, LogSummary, ObjectiveResult, RequestSummary, ScalingSummary, ServiceCpu,
    ServiceSummary, StartupBreakdown, StartupSummary, Stat, Summary, TaskCounts, TaskRecord,
};
use crate::scenario::Capacity;
use crate::task::{Task, TaskState};
use crate::time::SimTime;
use std::collections::BTreeMap;

impl Simulation {
    fn request_summary(&self, si: usize, tasks: &[&Task]) -> RequestSummary {
        let Some(ti) = self.traffic_of(si) else {
            return RequestSummary::default();
        };
        let tr = &self.requests.traffic[ti];
        let mut by = BTreeMap::new();
        for (k, v) in [
            ("no_target", tr.no_target),
            ("queue_full", tr.queue_full),
            ("task_stopped", tr.task_stopped),
            ("target_unhealthy", tr.target_unhealthy),
        ] {
            if v > 0 {
                by.insert(k.to_string(), v);
            }
        }
        let span = self.engine.end().since(tr.spec.start).as_secs_f64();
        let area = tr.in_system_area
            + tr.in_system as f64 * self.engine.end().since(tr.last_change).as_secs_f64();
        RequestSummary {
            arrived: tr.arrived,
            served: tr.served,
            failed: tr.failed(),
            failed_by_reason: by,
            in_flight_end: tr.in_system,
            in_system_mean: if span > 0.0 { area / span } else { 0.0 },
            served_by_task: tasks
                .iter()
                .filter(|t| self.requests.loads[t.id.index()].served > 0)
                .map(|t| {
                    (
                        self.task_name(t.id),
                        self.requests.loads[t.id.index()].served,
                    )
                })
                .collect(),
            arrival_rate_per_s: if span > 0.0 {
                tr.arrived as f64 / span
            } else {
                0.0
            },
        }
    }

    fn latency_summary(&self, si: usize) -> LatencySummary {
        let Some(ti) = self.traffic_of(si) else {
            return LatencySummary::default();
        };
        let h = &self.requests.traffic[ti].latency;
        LatencySummary {
            mean: h.mean() / 1e6,
            p50: h.quantile(0.5) / 1e6,
            p90: h.quantile(0.9) / 1e6,
            p99: h.quantile(0.99) / 1e6,
            max: h.max() as f64 / 1e6,
        }
    }

    pub(super) fn sample(&mut self) {
        self.keep_snapshot();
        let now = self.engine.now();
        // Summed before the series is borrowed: a sample allocates nothing (tests/alloc.rs).
        let cost = (0..self.instances.len())
            .map(|h| self.instance_cost(h, now).0)
            .sum::<f64>();
        let s = &mut self.series;
        s.t_s.push(now.as_secs_f64());
        let (mut reg_cpu, mut res_cpu, mut reg_mem, mut res_mem) = (0u64, 0u64, 0u64, 0u64);
        let (mut active, mut ports) = (0u32, 0u32);
        for (inst, hs) in self.instances.iter().zip(s.hosts.iter_mut()) {
            let pct = |a: u32, b: u32| {
                if b == 0 {
                    0.0
                } else {
                    a as f64 * 100.0 / b as f64
                }
            };
            if inst.is_active() {
                active += 1;
                reg_cpu += inst.registered_cpu.0 as u64;
                res_cpu += inst.reserved_cpu.0 as u64;
                reg_mem += inst.registered_memory.0 as u64;
                res_mem += inst.reserved_memory.0 as u64;
                ports += inst.ports.dynamic_in_use();
                hs.cpu_reserved_pct
                    .push(pct(inst.reserved_cpu.0, inst.registered_cpu.0));
                hs.mem_reserved_pct
                    .push(pct(inst.reserved_memory.0, inst.registered_memory.0));
            } else {
                hs.cpu_reserved_pct.push(0.0);
                hs.mem_reserved_pct.push(0.0);
            }
            hs.dynamic_ports_in_use.push(inst.ports.dynamic_in_use());
        }
        let pct = |a: u64, b: u64| {
            if b == 0 {
                0.0
            } else {
                a as f64 * 100.0 / b as f64
            }
        };
        s.instances_active.push(active);
        s.cpu_reserved_pct.push(pct(res_cpu, reg_cpu));
        s.mem_reserved_pct.push(pct(res_mem, reg_mem));
        s.dynamic_ports_in_use.push(ports);
        // The ALBs' LCUs over the window that ends now.
        let window_s = match self.series.t_s.len() {
            n if n >= 2 => self.series.t_s[n - 1] - self.series.t_s[n - 2],
            _ => 0.0,
        };
        if window_s > 0.0 {
            let alb = &self.sc.spec.model.alb;
            for tr in self.requests.traffic.iter_mut().filter(|t| !t.spec.classic) {
                let rps = (tr.arrived - tr.arrived_at_lcu) as f64 / window_s;
                tr.arrived_at_lcu = tr.arrived;
                tr.lcu_hours += alb.lcus(rps, tr.in_system as f64) * window_s / 3600.0;
            }
        }
        let cost = cost + self.fargate_cost(self.engine.now()) + self.alb_cost(self.engine.now());
        let s = &mut self.series;
        s.cost_usd.push(cost);
        // CPU used over the window that ends now.
        let n = s.t_s.len();
        let window = if n >= 2 {
            s.t_s[n - 1] - s.t_s[n - 2]
        } else {
            0.0
        };
        let (mut used, mut vcpus) = (0.0, 0.0);
        for ((inst, cpu), hs) in self
            .instances
            .iter()
            .zip(self.requests.host_cpu.iter_mut())
            .zip(s.hosts.iter_mut())
        {
            cpu.account(self.engine.now());
            let u = cpu.area - cpu.area_at_sample;
            cpu.area_at_sample = cpu.area;
            let cap = inst.spec.vcpu as f64 * window;
            hs.cpu_used_pct.push(if cap > 0.0 && inst.is_active() {
                u * 100.0 / cap
            } else {
                0.0
            });
            if inst.is_active() {
                used += u;
                vcpus += cap;
            }
        }
        s.cpu_used_pct.push(if vcpus > 0.0 {
            used * 100.0 / vcpus
        } else {
            0.0
        });
        for (tr, vs) in self.requests.traffic.iter_mut().zip(s.services.iter_mut()) {
            vs.requests_per_s.push(if window > 0.0 {
                (tr.served - tr.served_at_sample) as f64 / window
            } else {
                0.0
            });
            tr.served_at_sample = tr.served;
            let failed = tr.failed();
            vs.failed_per_s.push(if window > 0.0 {
                (failed - tr.failed_at_sample) as f64 / window
            } else {
                0.0
            });
            tr.failed_at_sample = failed;
            vs.latency_p50_ms.push(tr.window.quantile(0.5) / 1e6);
            vs.latency_p99_ms.push(tr.window.quantile(0.99) / 1e6);
            tr.window.clear();
            vs.healthy_targets.push(tr.targets.len() as u32);
            vs.in_system.push(tr.in_system);
        }
        let mut counts = [0u32; 8];
        for t in &self.tasks {
            counts[t.state as usize] += 1;
        }
        for si in 0..self.services.len() {
            let pct = self.service_memory_pct(si);
            let running = self.services[si]
                .live
                .iter()
                .filter(|t| self.tasks[t.index()].state == TaskState::Running)
                .count() as u32;
            let st = &mut self.services[si];
            if let Some(p) = pct {
                st.memory_pct.add(p);
            }
            let v = &mut self.series.service_tasks[si];
            v.memory_used_pct.push(pct.unwrap_or(0.0));
            v.desired.push(st.desired);
            v.running.push(running);
        }
        let s = &mut self.series;
        for st in TaskState::ALL {
            if let Some(v) = s.tasks.get_mut(st.name()) {
                v.push(counts[st as usize]);
            }
        }
        for (k, v) in s.capacity_providers.iter_mut().enumerate() {
            let gi = self.sc.providers[k].group;
            let n = self
                .instances
                .iter()
                .filter(|i| i.group == gi && i.in_service())
                .count() as u32;
            v.instances.push(n);
            v.desired.push(self.cluster.asgs[gi].desired);
            v.reservation_pct
                .push(self.cluster.providers[k].reservation_pct.unwrap_or(0.0));
        }
    }

    /// vCPU-hours the service's tasks held while RUNNING (to their stop or the end), and what
    /// its requests used.
    fn service_cpu(&self, si: usize, tasks: &[&Task]) -> ServiceCpu {
        let reserved: f64 = tasks
            .iter()
            .filter_map(|t| {
                let from = t.running_at?;
                let to = t
                    .stopped_at
                    .unwrap_or(self.engine.end())
                    .min(self.engine.end());
                let cpu = self.sc.taskdefs[t.taskdef.index()].cpu.0 as f64 / 1024.0;
                Some(cpu * to.since(from).as_secs_f64() / 3600.0)
            })
            .sum();
        let traffic = self.traffic_of(si);
        let used = traffic.map_or(0.0, |ti| self.requests.traffic[ti].work_started_s / 3600.0);
        ServiceCpu {
            reserved_vcpu_hours: reserved,
            used_vcpu_hours: used,
            // Without traffic the model knows nothing of the tasks' own CPU use.
            used_pct: (reserved > 0.0 && traffic.is_some()).then(|| 100.0 * used / reserved),
        }
    }

    /// Time to first healthy of the service's tasks, wanted → healthy.
    fn startup_summary(&self, tasks: &[&Task]) -> StartupSummary {
        let mut v: Vec<f64> = tasks
            .iter()
            .filter_map(|t| t.healthy_at.map(|h| h.since(t.created_at).as_secs_f64()))
            .collect();
        v.sort_by(|a, b| a.total_cmp(b));
        // Nearest-rank percentiles.
        let q = |p: f64| {
            let k = ((p * v.len() as f64).ceil() as usize).clamp(1, v.len().max(1));
            v.get(k - 1).copied()
        };
        StartupSummary {
            count: v.len() as u32,
            min: v.first().copied(),
            p50: q(0.5),
            p90: q(0.9),
            max: v.last().copied(),
        }
    }

    /// Mean seconds per start-up phase over the service's tasks that reached each phase's end.
    fn startup_breakdown(&self, tasks: &[&Task]) -> StartupBreakdown {
        let mean = |f: &dyn Fn(&Task) -> Option<f64>| {
            let (n, sum) = tasks
                .iter()
                .filter_map(|t| f(t))
                .fold((0u32, 0.0), |(n, s), x| (n + 1, s + x));
            (n > 0).then(|| sum / n as f64)
        };
        let gap = |a: Option<SimTime>, b: Option<SimTime>| Some(b?.since(a?).as_secs_f64());
        StartupBreakdown {
            provisioning: mean(&|t| gap(Some(t.created_at), t.placed_at)),
            pull: mean(&|t| gap(t.placed_at, t.pull_done_at)),
            start: mean(&|t| gap(t.pull_done_at, t.running_at)),
            health: mean(&|t| gap(t.running_at, t.healthy_at)),
        }
    }

    /// What the instances in slot `h` have cost up to `now`, and of that the surplus CPU credits
    /// of a burstable type (`cost::cpu_credit_surplus_cost`, over each instance's own life).
    pub(super) fn instance_cost(&self, h: usize, now: SimTime) -> (f64, f64) {
        let inst = &self.instances[h];
        let surplus = match inst.spec.cpu_baseline_pct {
            Some(baseline)
                if inst.state != InstanceState::NotLaunched && inst.launched_at <= now =>
            {
                let until = inst.terminated_at.map_or(now, |t| t.min(now));
                let cpu = &self.requests.host_cpu[h];
                let used = cpu.area + cpu.busy * until.since(cpu.last_change).as_secs_f64();
                crate::cost::cpu_credit_surplus_cost(
                    inst.spec.vcpu,
                    baseline,
                    until.since(inst.launched_at),
                    used,
                )
            }
            _ => 0.0,
        };
        (inst.bill(now) + surplus, inst.past_credit_cost + surplus)
    }

    /// The cost per hour between the first sample of the run's last quarter and the last
    /// sample, from the sampled cumulative cost; `None` with fewer than two samples.
    fn cost_rate_end(&self) -> Option<f64> {
        let s = &self.series;
        let n = s.t_s.len();
        if n < 2 {
            return None;
        }
        let end = s.t_s[n - 1];
        let k = s.t_s.iter().position(|&t| t >= end * 0.75)?.min(n - 2);
        let dt = end - s.t_s[k];
        (dt > 0.0).then(|| (s.cost_usd[n - 1] - s.cost_usd[k]) / dt * 3600.0)
    }

    /// What the Application Load Balancers cost up to `now`: one per service with traffic through
    /// an ALB, billed by the hour from the start, and the LCU-hours sampled so far. (A Classic
    /// Load Balancer's prices are not in docs/ecs-facts.md: it is not billed.)
    pub(super) fn alb_cost(&self, now: SimTime) -> f64 {
        let alb = &self.sc.spec.model.alb;
        let hours = now.as_secs_f64() / 3600.0;
        self.requests
            .traffic
            .iter()
            .filter(|t| !t.spec.classic)
            .map(|t| hours * alb.hour_usd + t.lcu_hours * alb.lcu_hour_usd)
            .sum::<f64>()
            + 0.0
    }

    /// The summary, time series and log of the run so far (normally called at the end).
    pub fn finish(mut self) -> RunOutput {
        // A last sample at the end of the run, if the step did not land on it.
        if self.series.t_s.last().copied() != Some(self.engine.end().as_secs_f64()) {
            self.engine.clock_to_end();
            self.sample();
        }
        // The end is always in the snapshots, whatever the stride.
        if self.snapshots.stride > 0
            && self.snapshots.list.last().map(|s| s.t_s) != Some(self.engine.end().as_secs_f64())
        {
            let s = self.snapshot();
            self.snapshots.list.push(s);
        }
        let summary = self.summary();
        let tasks = self.task_records();
        RunOutput {
            summary,
            timeseries: self.series,
            log: self.log,
            tasks,
            snapshots: self.snapshots.list,
        }
    }

    /// Every task's timeline, in creation order.
    pub fn task_records(&self) -> Vec<TaskRecord> {
        let s = |t: Option<SimTime>| t.map(SimTime::as_secs_f64);
        self.tasks
            .iter()
            .map(|t| TaskRecord {
                task: self.task_name(t.id),
                service: self.sc.services[t.service.index()].name.clone(),
                capacity: match t.capacity {
                    Capacity::Ec2 => "EC2".to_string(),
                    Capacity::Fargate => "FARGATE".to_string(),
                    Capacity::FargateSpot => "FARGATE_SPOT".to_string(),
                    Capacity::Provider(k) => self.sc.providers[k as usize].name.clone(),
                },
                host: t.host.map(|h| h.to_string()),
                last_status: t.state.name(),
                wanted_s: t.created_at.as_secs_f64(),
                placed_s: s(t.placed_at),
                pulled_s: s(t.pull_done_at),
                running_s: s(t.running_at),
                healthy_s: s(t.healthy_at),
                stopped_s: s(t.stopped_at),
                stop_code: t.stop_code,
                stopped_reason: t.stopped_reason.clone(),
                health_status: t.health,
            })
            .collect()
    }

    pub(super) fn summary(&self) -> Summary {
        let mut services = BTreeMap::new();
        // Each service's tasks, in task order, found in one pass (not one pass per service).
        let mut by_service: Vec<Vec<&Task>> = vec![Vec::new(); self.sc.services.len()];
        for t in &self.tasks {
            by_service[t.service.index()].push(t);
        }
        for (si, svc) in self.sc.services.iter().enumerate() {
            let st = &self.services[si];
            let mut pending_reasons = BTreeMap::new();
            let mut per_instance = BTreeMap::new();
            let (mut running, mut pending) = (0, 0);
            for t in by_service[si].iter().copied() {
                match t.state {
                    TaskState::Running => {
                        running += 1;
                        if let Some(h) = t.host {
                            *per_instance.entry(h.to_string()).or_insert(0) += 1;
                        }
                    }
                    TaskState::Provisioning | TaskState::Pending | TaskState::Activating => {
                        pending += 1
                    }
                    _ => {}
                }
                if let Some(r) = t.pending_reason {
                    *pending_reasons.entry(r.code().to_string()).or_insert(0) += 1;
                }
            }
            let deployments: Vec<DeploymentSummary> = st
                .deployments
                .iter()
                .cloned()
                .chain(self.open_deployment(si))
                .collect();
            services.insert(
                svc.name.clone(),
                ServiceSummary {
                    tasks: TaskCounts {
                        desired: st.desired,
                        running_end: running,
                        pending_end: pending,
                        started: st.started,
                        failed: st.failed,
                        stopped: st.stopped,
                        spot_interrupted: st.spot_interrupted,
                        lost_with_instance: st.lost,
                        failed_health_checks: st.health_check_failures,
                        failed_container_health_checks: st.container_health_failures,
                        oom_killed: st.oom_killed,
                    },
                    pending_reasons,
                    failed_reasons: st.failed_reasons.clone(),
                    stop_codes: st
                        .stop_codes
                        .iter()
                        .map(|(k, v)| (k.to_string(), *v))
                        .collect(),
                    tasks_per_instance: per_instance,
                    time_to_steady_state_s: st.steady_at.map(|t| t.as_secs_f64()),
                    batch: self.sc.services[si].batch.as_ref().map(|b| {
                        crate::metrics::BatchSummary {
                            tasks: b.count,
                            completed: st.batch.completed,
                            interrupted: st.batch.interrupted,
                            gave_up: st.batch.gave_up,
                            makespan_s: st.batch.finished_at.map(|t| {
                                t.since(SimTime::ZERO + self.sc.services[si].start_at)
                                    .as_secs_f64()
                            }),
                        }
                    }),
                    fargate_cost_usd: by_service[si]
                        .iter()
                        .filter(|t| t.capacity.is_fargate())
                        .map(|t| {
                            self.fargate_task_cost(t.id, t.stopped_at.unwrap_or(self.engine.end()))
                        })
                        .sum::<f64>()
                        + 0.0,
                    scale_up_s: crate::metrics::ScaleUpSummary {
                        count: st.scale_ups.len() as u32,
                        first: st.scale_ups.first().copied(),
                        max: st.scale_ups.iter().copied().reduce(f64::max),
                        unfinished: st.scale_up_since.is_some(),
                    },
                    startup_s: self.startup_summary(&by_service[si]),
                    startup_breakdown_s: self.startup_breakdown(&by_service[si]),
                    cpu: self.service_cpu(si, &by_service[si]),
                    memory: self.service_memory_modelled(si).then(|| {
                        crate::metrics::ServiceMemory {
                            used_pct: st.memory_pct.stat(),
                        }
                    }),
                    requests: self.request_summary(si, &by_service[si]),
                    deployments: deployments.clone(),
                    deployment: self
                        .sc
                        .actions
                        .iter()
                        .any(|a| a.service.index() == si && a.taskdef.is_some())
                        .then(|| DeploymentTotals {
                            started: deployments.len() as u32,
                            completed: deployments
                                .iter()
                                .filter(|d| d.completed_s.is_some())
                                .count() as u32,
                            failed_requests: deployments.iter().map(|d| d.failed_requests).sum(),
                            min_healthy_targets: deployments
                                .iter()
                                .map(|d| d.min_healthy_targets)
                                .min()
                                .unwrap_or(0),
                            longest_s: deployments
                                .iter()
                                .filter_map(|d| d.duration_s)
                                .fold(0.0, f64::max),
                        }),
                    scaling: self.scalers.iter().find(|k| k.spec.service == si).map(|k| {
                        ScalingSummary {
                            scale_outs: k.scale_outs,
                            scale_ins: k.scale_ins,
                            desired_peak: k.desired_peak,
                            min_capacity_end: k.min,
                            max_capacity_end: k.max,
                        }
                    }),
                    latency_ms: self.latency_summary(si),
                },
            );
        }
        let launched = self
            .instances
            .iter()
            .filter(|i| i.launched_at <= self.engine.end())
            .map(|i| i.launches())
            .sum::<u32>();
        let never = self
            .instances
            .iter()
            .filter(|i| i.state == InstanceState::NeverJoined)
            .count() as u32;
        let active = self.instances.iter().filter(|i| i.is_active()).count() as u32;
        let (mut ec2, mut cpu_credits) = (0.0, 0.0);
        for h in 0..self.instances.len() {
            let (c, credits) = self.instance_cost(h, self.engine.end());
            ec2 += c;
            cpu_credits += credits;
        }
        let mut summary = Summary {
            scenario: self.sc.spec.name.clone(),
            scenario_hash: format!("{:016x}", self.sc.hash),
            seed: self.seed,
            engine_version: env!("CARGO_PKG_VERSION"),
            trace_hash: format!("{:016x}", self.engine.trace_hash()),
            events: self.engine.events(),
            sim_seconds: self.engine.end().as_secs_f64(),
            services,
            cluster: ClusterSummary {
                name: self.sc.spec.cluster.name.clone(),
                instances_launched: launched,
                instances_end: active,
                instances_never_joined: never,
                cpu_reserved_pct: Stat::of(&self.series.cpu_reserved_pct),
                mem_reserved_pct: Stat::of(&self.series.mem_reserved_pct),
                // The first sample (t = 0) has no window behind it.
                cpu_used_pct: Stat::of(self.series.cpu_used_pct.get(1..).unwrap_or(&[])),
                dynamic_ports_in_use_end: self
                    .instances
                    .iter()
                    .map(|i| i.ports.dynamic_in_use())
                    .sum(),
            },
            cost_usd: {
                let fargate = self.fargate_cost(self.engine.end());
                let alb = self.alb_cost(self.engine.end());
                let hours = self.engine.end().as_secs_f64() / 3600.0;
                let total = ec2 + fargate + alb;
                CostSummary {
                    total,
                    ec2,
                    cpu_credits,
                    fargate,
                    alb,
                    per_hour: if hours > 0.0 { total / hours } else { 0.0 },
                    per_hour_end: self.cost_rate_end().unwrap_or(if hours > 0.0 {
                        total / hours
                    } else {
                        0.0
                    }),
                }
            },
            images: {
                let p = &self.pulls.stats;
                ImageSummary {
                    pulls: p.pulls,
                    pulls_joined: p.joined,
                    cache_hits: p.cache_hits,
                    layers_downloaded: p.layers_downloaded,
                    mib_downloaded: p.mib_downloaded,
                    mib_from_cache: p.mib_from_cache,
                    auth_tokens: p.auth_tokens,
                    retries: p.retries,
                    failed: p.failed,
                    fell_back_to_cache: p.fell_back_to_cache,
                    images_cleaned: p.images_cleaned,
                }
            },
            objectives: Vec::new(),
            tries: Vec::new(),
            log: LogSummary {
                entries: self.log.entries.len(),
                dropped: self.log.dropped,
            },
            capacity_providers: self.provider_summaries(),
            warnings: self.sc.warnings.clone(),
        };
        let value = serde_json::to_value(&summary).unwrap_or(serde_json::Value::Null);
        summary.objectives = evaluate(&self.sc.spec.objectives, &value);
        summary.tries = self
            .sc
            .spec
            .lesson
            .iter()
            .flat_map(|l| l.try_this.iter().enumerate())
            .filter(|(_, step)| !step.expect().is_empty())
            .map(|(k, step)| {
                let expect = evaluate(step.expect(), &value);
                metrics::TryResult {
                    step: k + 1,
                    reached: expect.iter().all(|o| o.held),
                    expect,
                }
            })
            .collect();
        summary
    }
}

/// Conditions judged against the summary (as JSON).
fn evaluate(
    specs: &[crate::scenario::ObjectiveSpec],
    value: &serde_json::Value,
) -> Vec<ObjectiveResult> {
    specs
        .iter()
        .map(|o| {
            let found = metrics::lookup(value, &o.metric);
            let measured = found.and_then(|v| v.as_f64());
            let error = match (found, measured) {
                (None, _) => Some(format!("the summary has no metric {:?}", o.metric)),
                (Some(_), None) => Some(format!("metric {:?} is not a number", o.metric)),
                _ => None,
            };
            ObjectiveResult {
                name: o.name.clone(),
                metric: o.metric.clone(),
                op: o.op,
                target: o.value,
                measured,
                held: measured.is_some_and(|m| o.op.holds(m, o.value)),
                error,
            }
        })
        .collect()
}
