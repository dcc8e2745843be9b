//! The run's charts: one canvas each, drawn by the worker link (`link.rs`) as the run goes on
//! and when it ends (`outputs::Canvases`).

use crate::link::use_ctx;
use yew::prelude::*;

#[function_component(ChartPanel)]
pub fn chart_panel() -> Html {
    let c = use_ctx().link.canvases;
    // (element id, canvas, what a screen reader says)
    let charts = [
        (
            "chart",
            &c.reservation,
            "Cluster CPU and memory reserved and CPU used, % of registered, over simulated time",
        ),
        (
            "tasks-chart",
            &c.tasks,
            "Tasks by state, registered instances and Auto Scaling groups over simulated time",
        ),
        (
            "service-tasks-chart",
            &c.service_tasks,
            "Desired and running tasks per service over simulated time",
        ),
        (
            "memory-chart",
            &c.memory,
            "Memory used per service, % of what its tasks reserve, over simulated time",
        ),
        (
            "requests-chart",
            &c.requests,
            "Requests served and failed per second over simulated time",
        ),
        (
            "latency-chart",
            &c.latency,
            "Latency p50 and p99 per window, ms",
        ),
        (
            "startup-chart",
            &c.startup,
            "Start-up phases per service: provisioning, pull, start, health, in seconds",
        ),
        ("cost-chart", &c.cost, "Cost so far in US dollars"),
        ("hosts-chart", &c.hosts, "CPU reserved per instance, %"),
        (
            "hosts-memory-chart",
            &c.hosts_mem,
            "Memory reserved per instance, %",
        ),
        (
            "hosts-cpu-used-chart",
            &c.hosts_cpu_used,
            "CPU used per instance, %",
        ),
    ];
    html! {
        <div class="charts">
            { for charts.into_iter().map(|(id, r, label)| html! {
                <canvas {id} role="img" aria-label={label} ref={r.clone()} width="540" height="340"></canvas>
            }) }
        </div>
    }
}
