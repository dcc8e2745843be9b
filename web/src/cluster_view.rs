//! The cluster view: the container instances as boxes sized by their CPU, the tasks inside
//! them (sized by their reservation, coloured by state, outlined by target health, with their
//! host ports), the image pulls in flight on each, the tasks on Fargate, the tasks waiting for
//! an instance with ECS's reason, and each load balancer with its healthy targets. While a run
//! goes on it follows the worker's live snapshots; after it, a slider scrubs along the run's
//! snapshots (`ecsim_core::sim::ClusterSnapshot`, taken at sample times). Past what boxes can
//! show (`MAX_DRAWN` instances), the instances are a heat map by Availability Zone and a table
//! that sorts and filters (`many_hosts`), so every instance stays reachable; many load
//! balancers are one table.

use crate::many_hosts::ManyHosts;
use ecsim_core::sim::{ClusterSnapshot, HostSnapshot, TaskSnapshot};
use std::rc::Rc;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// What the view shows: nothing yet, the running simulation, or a finished run's snapshots.
#[derive(Clone)]
pub enum ClusterFeed {
    None,
    Live(Rc<ClusterSnapshot>),
    Run(Rc<Vec<ClusterSnapshot>>),
}

impl PartialEq for ClusterFeed {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (ClusterFeed::None, ClusterFeed::None) => true,
            (ClusterFeed::Live(a), ClusterFeed::Live(b)) => Rc::ptr_eq(a, b),
            (ClusterFeed::Run(a), ClusterFeed::Run(b)) => Rc::ptr_eq(a, b),
            _ => false,
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct ClusterProps {
    pub feed: ClusterFeed,
}

#[function_component(ClusterView)]
pub fn cluster_view(p: &ClusterProps) -> Html {
    // The scrubber's position; None: the end of the run.
    let at = use_state(|| None::<usize>);
    {
        let at = at.clone();
        use_effect_with(p.feed.clone(), move |_| at.set(None));
    }
    // The rows of the snapshot shown, copied once per snapshot, not at every render.
    let rows = use_memo((p.feed.clone(), *at), |(feed, at)| match feed {
        ClusterFeed::None => Vec::new(),
        ClusterFeed::Live(s) => s.rows.clone(),
        ClusterFeed::Run(list) => list
            .len()
            .checked_sub(1)
            .map(|last| list[at.unwrap_or(last).min(last)].rows.clone())
            .unwrap_or_default(),
    });
    let (snap, scrubber) = match &p.feed {
        ClusterFeed::None => {
            return html! {
                <section id="cluster-view" class="empty" aria-label="cluster view">
                    <h2>{ "Cluster" }</h2>
                    <p>{ "The instances, tasks, ports, pulls and targets appear here during a run." }</p>
                </section>
            }
        }
        ClusterFeed::Live(s) => (
            s.as_ref(),
            html! { <span id="cluster-time" class="live">{ format!("live: {:.0} s simulated", s.t_s) }</span> },
        ),
        ClusterFeed::Run(list) => {
            let Some(last) = list.len().checked_sub(1) else {
                return html! {};
            };
            let i = at.unwrap_or(last).min(last);
            let on_scrub = {
                let at = at.clone();
                Callback::from(move |e: InputEvent| {
                    if let Some(r) = e.target_dyn_into::<HtmlInputElement>() {
                        at.set(r.value().parse().ok());
                    }
                })
            };
            (
                &list[i],
                html! {
                    <>
                        <label for="scrub">{ "Simulated time " }</label>
                        <input id="scrub" type="range" min="0" max={last.to_string()} value={i.to_string()}
                            oninput={on_scrub} aria-valuetext={format!("{:.0} seconds", list[i].t_s)} />
                        <span id="cluster-time">{ format!("{:.0} s", list[i].t_s) }</span>
                    </>
                },
            )
        }
    };
    let widest = snap.hosts.iter().map(|h| h.cpu).max().unwrap_or(1).max(1);
    html! {
        <section id="cluster-view" aria-label="cluster view" data-t={snap.t_s.to_string()}>
            <h2>{ "Cluster" }</h2>
            <div class="scrubber">{ scrubber }</div>
            <p class="legend">
                <span class="task state-RUNNING">{ "running" }</span>
                <span class="task state-PENDING">{ "pending / provisioning" }</span>
                <span class="task state-ACTIVATING">{ "activating" }</span>
                <span class="task state-STOPPING">{ "stopping" }</span>
                <span class="task target-healthy">{ "healthy target" }</span>
                <span class="task target-initial">{ "health checks under way" }</span>
                <span class="task target-draining">{ "draining" }</span>
            </p>
            if snap.balancers.len() > 3 {
                <div class="scroll">
                <table id="balancers-table">
                    <caption>{ format!("{} load balancers", snap.balancers.len()) }</caption>
                    <thead><tr><th>{ "service" }</th><th>{ "type" }</th><th>{ "healthy targets" }</th><th>{ "requests in flight" }</th><th>{ "routing" }</th></tr></thead>
                    <tbody>{ for snap.balancers.iter().map(|b| html! {
                        <tr data-service={b.service.clone()}>
                            <td>{ &b.service }</td><td>{ if b.kind == "classic" { "Classic" } else { "Application" } }</td>
                            <td>{ b.healthy }</td><td>{ b.requests_in_system }</td><td>{ b.algorithm.replace('_', " ") }</td>
                        </tr>
                    }) }</tbody>
                </table>
                </div>
            } else {
                { for snap.balancers.iter().map(|b| html! {
                    <div class="lb" data-service={b.service.clone()}>
                        { format!("{} load balancer → {}: {} healthy target{}, {} request{} in flight ({})",
                            if b.kind == "classic" { "Classic" } else { "Application" },
                            b.service, b.healthy, plural(b.healthy as u64), b.requests_in_system,
                            plural(b.requests_in_system), b.algorithm.replace('_', " ")) }
                    </div>
                }) }
            }
            if snap.hosts_not_shown > 0 {
                <ManyHosts {rows} />
            } else {
                <div class="hosts">
                    { for snap.hosts.iter().map(|h| host(h, widest)) }
                </div>
            }
            if !snap.fargate.is_empty() {
                <div class="fargate">
                    <div class="host-head">{ "Fargate (a micro-VM per task)" }</div>
                    <div class="slots">{ for snap.fargate.iter().map(|t| task(t, None)) }</div>
                    if snap.fargate_not_shown > 0 {
                        <p class="more">{ format!("and {} more tasks", snap.fargate_not_shown) }</p>
                    }
                </div>
            }
            { for snap.waiting.iter().map(|w| html! {
                <p class="waiting">{ format!("{} task{} of {} waiting for an instance{}",
                    w.tasks, plural(w.tasks as u64), w.service,
                    if w.reason.is_empty() { String::new() } else { format!(": {}", w.reason) }) }</p>
            }) }
        </section>
    }
}

fn plural(n: u64) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn host(h: &HostSnapshot, widest: u32) -> Html {
    // Wider for more CPU, so a bigger instance reads as one.
    let width = 180.0 + 220.0 * h.cpu as f64 / widest as f64;
    html! {
        <div class={classes!("host", format!("host-{}", h.state.replace(' ', "-")))}
            style={format!("width: {width:.0}px")} data-host={h.id.clone()}>
            <div class="host-head">
                <strong>{ &h.id }</strong>{ format!(" {} {} ", h.instance_type, h.zone) }
                <span class="host-state">{ &h.state }</span>
            </div>
            <div class="meter">{ format!("CPU {} / {} units · memory {} / {} MiB · {} dynamic port{}",
                h.cpu_reserved, h.cpu, h.memory_reserved_mib, h.memory_mib,
                h.dynamic_ports_in_use, plural(h.dynamic_ports_in_use as u64)) }</div>
            <div class="slots">{ for h.tasks.iter().map(|t| task(t, Some(h.cpu))) }</div>
            { for h.pulls.iter().map(|p| html! {
                <div class="pull">{ format!("⬇ pulling {} ({}, {} task{} waiting)", p.image,
                    if p.layers == 0 { "fetching the manifest".to_string() } else { format!("{} of {} layers", p.layers_done, p.layers) },
                    p.tasks, plural(p.tasks as u64)) }</div>
            }) }
        </div>
    }
}

fn task(t: &TaskSnapshot, host_cpu: Option<u32>) -> Html {
    let share = host_cpu
        .filter(|&c| c > 0)
        .map_or(0.0, |c| t.cpu as f64 * 100.0 / c as f64);
    let ports = if t.eni {
        "own ENI".to_string()
    } else {
        t.host_ports
            .iter()
            .map(|p| format!(":{p}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let title = format!(
        "{} {}: {} CPU units, {} MiB{}{}{}",
        t.name,
        t.state,
        t.cpu,
        t.memory_mib,
        if ports.is_empty() {
            String::new()
        } else {
            format!(", {ports}")
        },
        t.target
            .as_ref()
            .map(|h| format!(", target {h}"))
            .unwrap_or_default(),
        if t.in_flight > 0 {
            format!(", {} requests", t.in_flight)
        } else {
            String::new()
        }
    );
    html! {
        <div class={classes!("task", format!("state-{}", t.state),
                t.target.as_ref().map(|h| format!("target-{h}")), t.spot.then_some("spot"))}
            style={format!("flex-basis: {share:.1}%")} title={title.clone()} aria-label={title}>
            <span class="task-name">{ &t.name }</span>
            <span class="task-ports">{ ports }</span>
        </div>
    }
}
