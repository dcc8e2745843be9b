//! What a finished run shows on the page, built in the worker from `ecsim_core`'s outputs and sent
//! to the page: the report text, the objectives, the event log, and the series the charts draw.
//! Plain vectors and strings only (the worker codec is bincode: no untagged enums, no skipped
//! fields).

use ecsim_core::metrics::{ObjectiveResult, Summary, TimeSeries};
use ecsim_core::scenario::ObjectiveSpec;
use ecsim_core::{RunOutput, Scenario};
use ecsim_front::comparison::{self, MetricComparison};
use ecsim_front::metric;
use ecsim_front::stats::Estimate;
use ecsim_front::sweep;
use serde::{Deserialize, Serialize};

/// One objective after the run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObjectiveView {
    pub name: String,
    pub held: bool,
    /// What was measured against what it must be, in words, rounded, with units.
    pub detail: String,
    /// The objective as written (`metric op value`): what tells one lesson's objectives apart.
    pub rule: String,
    /// The lesson's explanation of the outcome, and its hint for when it fails ("" if none).
    pub explain: String,
    pub hint: String,
}

/// One event log entry, with what the page filters on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogLine {
    pub t_s: f64,
    pub kind: String,
    /// The service, task and host it concerns, as one searchable string.
    pub about: String,
    pub message: String,
}

impl LogLine {
    /// The line as the log panel shows it.
    pub fn text(&self) -> String {
        format!("{:>8.1} s  {}", self.t_s, self.message)
    }
}

/// An objective as written, `metric op value`: the same for the scenario's objectives before a
/// run (`Checked::rules`) and for its results.
pub fn rule(metric: &str, op: ecsim_core::metrics::Comparison, value: f64) -> String {
    format!("{metric} {op} {value}")
}

/// A lesson's teaching text: the concept and the things to try, each with the settings that
/// do it (empty when it is words only) and whether it has a checkpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LessonView {
    pub concept: String,
    pub tries: Vec<TryView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TryView {
    pub what: String,
    pub set: Vec<String>,
    pub checkpoint: bool,
}

impl LessonView {
    pub fn of(sc: &Scenario) -> Option<LessonView> {
        sc.spec.lesson.as_ref().map(|l| LessonView {
            concept: l.concept.clone(),
            tries: l
                .try_this
                .iter()
                .map(|t| TryView {
                    what: t.what().to_string(),
                    set: t.set().to_vec(),
                    checkpoint: !t.expect().is_empty(),
                })
                .collect(),
        })
    }
}

/// A lesson step's checkpoint after a run: reached when every condition held.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckpointView {
    /// The step, from 1.
    pub step: usize,
    pub reached: bool,
    pub expect: Vec<ObjectiveView>,
}

/// An objective's result as the page shows it: in words, rounded, with units.
fn objective_view(o: &ObjectiveResult, spec: &ObjectiveSpec) -> ObjectiveView {
    let m = match o.measured {
        Some(m) => metric::value(&o.metric, m),
        None => "not measured".into(),
    };
    ObjectiveView {
        name: o.name.clone(),
        held: o.held,
        detail: format!(
            "{}: {m}; must be {}",
            metric::describe(&o.metric),
            metric::requirement(&o.metric, o.op, o.target)
        ),
        rule: rule(&o.metric, o.op, o.target),
        explain: spec.explain.clone().unwrap_or_default(),
        hint: spec.hint.clone().unwrap_or_default(),
    }
}

/// A latency per window, with no value (NaN: a gap in the line, not a 0) for a window in which
/// no request was served.
fn timed(latency: &[f64], served_per_s: &[f64]) -> Vec<f64> {
    latency
        .iter()
        .zip(served_per_s.iter().chain(std::iter::repeat(&0.0)))
        .map(|(&l, &n)| if n > 0.0 { l } else { f64::NAN })
        .collect()
}

/// Instances drawn one line each on the per-instance chart.
const MAX_HOST_LINES: usize = 12;

/// One line per instance (the first dozen) of one of its series.
fn per_host(
    ts: &TimeSeries,
    pick: fn(&ecsim_core::metrics::HostSeries) -> &Vec<f64>,
) -> Vec<Series> {
    ts.hosts
        .iter()
        .take(MAX_HOST_LINES)
        .map(|h| Series {
            name: h.id.clone(),
            values: pick(h).clone(),
        })
        .collect()
}

/// A named series over the sample times.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Series {
    pub name: String,
    pub values: Vec<f64>,
}

/// The series the charts draw.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ChartData {
    pub t_s: Vec<f64>,
    pub cpu_reserved_pct: Vec<f64>,
    pub mem_reserved_pct: Vec<f64>,
    pub cpu_used_pct: Vec<f64>,
    /// Tasks in each lifecycle state that held any during the run.
    pub tasks: Vec<Series>,
    pub instances: Vec<f64>,
    /// Requests served and failed per second, per service with traffic.
    pub requests: Vec<Series>,
    /// CPU reserved, memory reserved and CPU used per instance (%), for the first instances.
    pub hosts: Vec<Series>,
    pub hosts_mem: Vec<Series>,
    pub hosts_cpu_used: Vec<Series>,
    /// Latency p50 and p99 per sampling window, per service with traffic (ms).
    pub latency: Vec<Series>,
    /// Desired and running tasks per service.
    pub service_tasks: Vec<Series>,
    /// Memory used ÷ reserved (%) per service whose memory use the scenario models.
    pub memory: Vec<Series>,
    /// Instances and desired capacity of each EC2 capacity provider's Auto Scaling group.
    pub providers: Vec<Series>,
    /// Cost so far (USD).
    pub cost_usd: Vec<f64>,
    /// Mean start-up phases per service: provisioning, pull, start, health (s).
    pub startup: Vec<(String, [f64; 4])>,
    /// The objectives a chart can show as a line: a latency, tasks running, memory used.
    pub limits: Vec<Limit>,
}

/// Which chart a limit is drawn on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LimitChart {
    Latency,
    ServiceTasks,
    Memory,
}

/// An objective's limit, as a chart draws it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Limit {
    pub chart: LimitChart,
    pub label: String,
    pub value: f64,
}

impl Limit {
    /// The limits of a scenario's objectives that a chart has a line for.
    pub fn of(objectives: &[ObjectiveSpec]) -> Vec<Limit> {
        objectives
            .iter()
            .filter_map(|o| {
                let segs = ecsim_core::metrics::segments(&o.metric)?;
                let rest = segs.get(2..)?.join(".");
                let chart = match rest.as_str() {
                    "latency_ms.p99" | "latency_ms.p50" => LimitChart::Latency,
                    "tasks.running_end" => LimitChart::ServiceTasks,
                    "memory.used_pct.peak" | "memory.used_pct.mean" => LimitChart::Memory,
                    _ => return None,
                };
                (segs.first()? == "services").then(|| Limit {
                    chart,
                    label: format!(
                        "objective: {} {}",
                        metric::describe(&o.metric),
                        metric::requirement(&o.metric, o.op, o.value)
                    ),
                    value: o.value,
                })
            })
            .collect()
    }
}

/// A finished run as the page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunView {
    /// The worker's run number (each Run, from 1): tells one finished run from the next.
    pub run: u32,
    /// The seed the run used (the scenario's, or the one asked for).
    pub seed: u64,
    pub report: String,
    pub trace_hash: String,
    pub objectives: Vec<ObjectiveView>,
    /// The lesson's checkpoints, one per step that has one.
    pub checkpoints: Vec<CheckpointView>,
    /// What the scenario runs with but may not mean (`Summary::warnings`), shown above the numbers.
    pub warnings: Vec<String>,
    /// Tasks RUNNING at the end, over all services, and how many they want.
    pub running: u32,
    pub desired: u32,
    /// The results bar's numbers: the highest p99 latency of a service that served requests
    /// (and which), requests failed of those that arrived, and the cost per hour.
    pub worst_p99_ms: Option<(String, f64)>,
    pub requests_failed: u64,
    pub requests_arrived: u64,
    pub cost_per_hour: f64,
    /// The first entries of the event log.
    pub log: Vec<LogLine>,
    pub log_total: usize,
    pub charts: ChartData,
    /// For export: the summary JSON and the time series CSV, as the CLI writes them.
    pub summary_json: String,
    pub timeseries_csv: String,
    /// The cluster at sample times, for the cluster view's time scrubber.
    pub snapshots: Vec<ecsim_core::sim::ClusterSnapshot>,
}

/// What a metric is of: its first two names (`services.web`, `cluster.instances_never_joined`).
fn subject(rule: &str) -> String {
    metric::subject(rule.split(' ').next().unwrap_or_default())
}

impl RunView {
    /// The step whose reached checkpoint explains why `o` no longer holds: a failed objective
    /// about the same service (or thing) as one of that checkpoint's conditions. Such an
    /// objective held as given and the Try changed it, as it should; any other failure is one.
    pub fn moved_by(&self, o: &ObjectiveView) -> Option<usize> {
        if o.held {
            return None;
        }
        let about = subject(&o.rule);
        self.checkpoints
            .iter()
            .filter(|k| k.reached)
            .find(|k| k.expect.iter().any(|e| subject(&e.rule) == about))
            .map(|k| k.step)
    }

    pub fn new(sc: &Scenario, out: &RunOutput, run: u32) -> RunView {
        let s = &out.summary;
        RunView {
            run,
            seed: s.seed,
            report: ecsim_front::report::text(sc, s),
            trace_hash: s.trace_hash.clone(),
            warnings: s.warnings.iter().map(ToString::to_string).collect(),
            objectives: s
                .objectives
                .iter()
                .zip(&sc.spec.objectives)
                .map(|(o, spec)| objective_view(o, spec))
                .collect(),
            checkpoints: s
                .tries
                .iter()
                .filter_map(|r| {
                    let lesson = sc.spec.lesson.as_ref()?;
                    let specs = lesson.try_this.get(r.step - 1)?.expect();
                    Some(CheckpointView {
                        step: r.step,
                        reached: r.reached,
                        expect: r
                            .expect
                            .iter()
                            .zip(specs)
                            .map(|(o, spec)| objective_view(o, spec))
                            .collect(),
                    })
                })
                .collect(),
            running: s.services.values().map(|v| v.tasks.running_end).sum(),
            desired: s.services.values().map(|v| v.tasks.desired).sum(),
            worst_p99_ms: s
                .services
                .iter()
                .filter(|(_, v)| v.requests.served > 0)
                .map(|(k, v)| (k.clone(), v.latency_ms.p99))
                .max_by(|a, b| a.1.total_cmp(&b.1)),
            requests_failed: s.services.values().map(|v| v.requests.failed).sum(),
            requests_arrived: s.services.values().map(|v| v.requests.arrived).sum(),
            cost_per_hour: s.cost_usd.per_hour,
            log: out
                .log
                .entries
                .iter()
                .take(2000)
                .map(|e| LogLine {
                    t_s: e.t_s,
                    kind: e.kind.to_string(),
                    about: [&e.service, &e.task, &e.host]
                        .into_iter()
                        .flatten()
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(" "),
                    message: e.message.clone(),
                })
                .collect(),
            log_total: out.log.entries.len(),
            charts: ChartData {
                limits: Limit::of(&sc.spec.objectives),
                ..ChartData::new(&out.timeseries, s)
            },
            summary_json: serde_json::to_string_pretty(s).unwrap_or_default(),
            timeseries_csv: out.timeseries.to_csv(),
            snapshots: out.snapshots.clone(),
        }
    }
}

impl ChartData {
    /// A finished run's series and start-up bars.
    pub fn new(ts: &TimeSeries, s: &Summary) -> ChartData {
        let mut c = ChartData::series(ts);
        c.startup = s
            .services
            .iter()
            .map(|(name, v)| {
                let b = &v.startup_breakdown_s;
                let p = |x: Option<f64>| x.unwrap_or(0.0);
                (
                    name.clone(),
                    [p(b.provisioning), p(b.pull), p(b.start), p(b.health)],
                )
            })
            .collect();
        c
    }

    /// Every `k`-th sample and the last, so that at most `max` remain (for the live charts of a
    /// long run, redrawn while it goes on).
    pub fn thinned(mut self, max: usize) -> ChartData {
        let n = self.t_s.len();
        let k = n.div_ceil(max.max(1)).max(1);
        if k == 1 {
            return self;
        }
        let keep = |v: &mut Vec<f64>| {
            let last = v.last().copied();
            let mut out: Vec<f64> = v.iter().copied().step_by(k).collect();
            if (n - 1) % k != 0 {
                out.extend(last);
            }
            *v = out;
        };
        keep(&mut self.t_s);
        for v in [
            &mut self.cpu_reserved_pct,
            &mut self.mem_reserved_pct,
            &mut self.cpu_used_pct,
            &mut self.instances,
            &mut self.cost_usd,
        ] {
            keep(v);
        }
        for s in self
            .tasks
            .iter_mut()
            .chain(&mut self.requests)
            .chain(&mut self.hosts)
            .chain(&mut self.hosts_mem)
            .chain(&mut self.hosts_cpu_used)
            .chain(&mut self.latency)
            .chain(&mut self.service_tasks)
            .chain(&mut self.memory)
            .chain(&mut self.providers)
        {
            keep(&mut s.values);
        }
        self
    }

    /// The time series as charts draw them (no start-up bars: those need the summary).
    pub fn series(ts: &TimeSeries) -> ChartData {
        let f = |v: &[u32]| v.iter().map(|&x| x as f64).collect::<Vec<f64>>();
        ChartData {
            t_s: ts.t_s.clone(),
            cpu_reserved_pct: ts.cpu_reserved_pct.clone(),
            mem_reserved_pct: ts.mem_reserved_pct.clone(),
            cpu_used_pct: ts.cpu_used_pct.clone(),
            tasks: ts
                .tasks
                .iter()
                .filter(|(_, v)| v.iter().any(|&n| n > 0))
                .map(|(name, v)| Series {
                    name: name.to_string(),
                    values: f(v),
                })
                .collect(),
            instances: f(&ts.instances_active),
            requests: ts
                .services
                .iter()
                .flat_map(|v| {
                    let failed = v.failed_per_s.iter().any(|&x| x > 0.0).then(|| Series {
                        name: format!("{} failed/s", v.name),
                        values: v.failed_per_s.clone(),
                    });
                    std::iter::once(Series {
                        name: format!("{} req/s", v.name),
                        values: v.requests_per_s.clone(),
                    })
                    .chain(failed)
                })
                .collect(),
            // A chart stays readable with a dozen lines; the CSV export has every host.
            hosts: per_host(ts, |h| &h.cpu_reserved_pct),
            hosts_mem: per_host(ts, |h| &h.mem_reserved_pct),
            hosts_cpu_used: per_host(ts, |h| &h.cpu_used_pct),
            latency: ts
                .services
                .iter()
                .flat_map(|v| {
                    [
                        Series {
                            name: format!("{} p50", v.name),
                            values: timed(&v.latency_p50_ms, &v.requests_per_s),
                        },
                        Series {
                            name: format!("{} p99", v.name),
                            values: timed(&v.latency_p99_ms, &v.requests_per_s),
                        },
                    ]
                })
                .collect(),
            memory: ts
                .service_tasks
                .iter()
                .filter(|v| v.memory_used_pct.iter().any(|&p| p > 0.0))
                .map(|v| Series {
                    name: format!("{} memory used", v.name),
                    values: v.memory_used_pct.clone(),
                })
                .collect(),
            service_tasks: ts
                .service_tasks
                .iter()
                .flat_map(|v| {
                    [
                        Series {
                            name: format!("{} desired", v.name),
                            values: f(&v.desired),
                        },
                        Series {
                            name: format!("{} running", v.name),
                            values: f(&v.running),
                        },
                    ]
                })
                .collect(),
            providers: ts
                .capacity_providers
                .iter()
                .flat_map(|v| {
                    [
                        Series {
                            name: format!("{} instances", v.name),
                            values: f(&v.instances),
                        },
                        Series {
                            name: format!("{} desired capacity", v.name),
                            values: f(&v.desired),
                        },
                    ]
                })
                .collect(),
            cost_usd: ts.cost_usd.clone(),
            startup: Vec::new(),
            limits: Vec::new(),
        }
    }
}

/// The variants of a what-if, in order: A is the scenario, B and C are made from it.
pub const VARIANTS: [&str; 3] = ["A", "B", "C"];

/// Variants A, B (and C) over the same seeds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompareView {
    pub seeds: Vec<u64>,
    /// How many variants were run (2 or 3), named by `VARIANTS`.
    pub variants: usize,
    /// Per metric, each variant against A.
    pub rows: Vec<MetricRow>,
    /// Each variant's run on the first seed, drawn overlaid.
    pub charts: Vec<ChartData>,
    /// Each objective of any variant: on how many of the seeds it held in each.
    pub objectives: Vec<ObjectiveTally>,
    /// Each variant's cost per hour against its worst p99 latency, for the trade-off plot.
    pub tradeoff: Vec<Tradeoff>,
}

/// One metric of a what-if.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricRow {
    pub metric: String,
    /// B against A, then C against A: each variant's estimate and the paired difference with
    /// its verdict (`ecsim_front::comparison`, the statistics `ecsim compare` prints).
    pub against_a: Vec<MetricComparison>,
}

impl MetricRow {
    /// Variant `k`'s estimate (0 is A).
    pub fn estimate(&self, k: usize) -> Option<Estimate> {
        match k {
            0 => self.against_a.first().and_then(|c| c.a),
            k => self.against_a.get(k - 1).and_then(|c| c.b),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObjectiveTally {
    pub name: String,
    /// Per variant, the seeds on which it held (None: the variant has no such objective).
    pub held: Vec<Option<u32>>,
}

/// A variant's place on the cost-against-latency plot: the mean over the seeds, with 95 %
/// intervals, of its cost per hour and of the highest p99 latency among its services (the
/// one a latency objective would fail on first).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tradeoff {
    pub cost_per_hour: Option<Estimate>,
    pub worst_p99_ms: Option<Estimate>,
}

impl Tradeoff {
    fn of(runs: &[Summary]) -> Tradeoff {
        let costs: Vec<f64> = runs.iter().map(|s| s.cost_usd.per_hour).collect();
        // A seed on which a service with traffic served nothing has no worst p99: leaving that
        // service out would make the variant that broke it look faster.
        let p99s: Vec<f64> = runs
            .iter()
            .filter_map(|s| {
                let traffic = s.services.values().filter(|v| v.requests.arrived > 0);
                if traffic.clone().any(|v| v.requests.served == 0) {
                    return None;
                }
                traffic
                    .filter(|v| v.latency_ms.p99.is_finite())
                    .map(|v| v.latency_ms.p99)
                    .max_by(f64::total_cmp)
            })
            .collect();
        Tradeoff {
            cost_per_hour: Estimate::of(&costs, 0.95),
            // Only when every seed served requests: a mean over some seeds would flatter.
            worst_p99_ms: (p99s.len() == runs.len())
                .then(|| Estimate::of(&p99s, 0.95))
                .flatten(),
        }
    }
}

impl CompareView {
    /// The metrics a what-if is usually about: cost, utilisation, and per service the tasks
    /// running, p99 latency, failed requests and start-up. `runs[k]` holds variant k's
    /// summaries, seed by seed in the order of `seeds` (A first).
    pub fn new(seeds: Vec<u64>, runs: &[Vec<Summary>]) -> CompareView {
        let mut services: Vec<String> = runs
            .iter()
            .flatten()
            .flat_map(|s| s.services.keys().cloned())
            .collect();
        services.sort();
        services.dedup();
        let mut metrics: Vec<String> = [
            "cost_usd.total",
            "cost_usd.per_hour",
            "cluster.cpu_reserved_pct.mean",
            "cluster.cpu_used_pct.mean",
        ]
        .map(String::from)
        .to_vec();
        for s in &services {
            for m in [
                "tasks.running_end",
                "latency_ms.p99",
                "requests.failed",
                "startup_s.p50",
            ] {
                metrics.push(format!("services.{s}.{m}"));
            }
        }
        // Run k of every variant shares seed k: the comparison pairs them.
        let values = |list: &[Summary]| -> Vec<Vec<Option<f64>>> {
            list.iter()
                .map(|s| sweep::metric_values(s, &metrics))
                .collect()
        };
        let a = runs.first().map(Vec::as_slice).unwrap_or_default();
        let a_values = values(a);
        let per_variant: Vec<Vec<MetricComparison>> = runs
            .iter()
            .skip(1)
            .map(|v| comparison::compare(&metrics, &a_values, &values(v), 0.95))
            .collect();
        let rows = metrics
            .iter()
            .enumerate()
            .map(|(m, name)| MetricRow {
                metric: name.clone(),
                against_a: per_variant.iter().map(|v| v[m].clone()).collect(),
            })
            .filter(|r| (0..runs.len()).any(|k| r.estimate(k).is_some()))
            .collect();
        let mut names: Vec<String> = Vec::new();
        for o in runs.iter().flatten().flat_map(|s| &s.objectives) {
            if !names.contains(&o.name) {
                names.push(o.name.clone());
            }
        }
        let tally = |list: &[Summary], name: &str| {
            let has = list
                .first()
                .is_some_and(|s| s.objectives.iter().any(|o| o.name == name));
            has.then(|| {
                list.iter()
                    .filter(|s| s.objectives.iter().any(|o| o.name == name && o.held))
                    .count() as u32
            })
        };
        let objectives = names
            .iter()
            .map(|n| ObjectiveTally {
                name: n.clone(),
                held: runs.iter().map(|v| tally(v, n)).collect(),
            })
            .collect();
        CompareView {
            seeds,
            variants: runs.len(),
            rows,
            charts: Vec::new(),
            objectives,
            tradeoff: runs.iter().map(|v| Tradeoff::of(v)).collect(),
        }
    }
}
