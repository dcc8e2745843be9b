//! The cluster view of many instances: a heat map of CPU reserved, one square per instance, a
//! row per Availability Zone or per instance group (a square picks its instance: its row in
//! the table, and its tasks by service), and a table of every instance that sorts by any
//! column and filters by id, group, type, zone or state. Built for the hundreds to thousands
//! of instances boxes cannot show.

use ecsim_core::sim::HostRow;
use std::collections::BTreeMap;
use std::rc::Rc;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

#[derive(Properties)]
pub struct ManyProps {
    pub rows: Rc<Vec<HostRow>>,
}

impl PartialEq for ManyProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.rows, &other.rows)
    }
}

/// The columns the table sorts by.
#[derive(Clone, Copy, PartialEq)]
enum Sort {
    Id,
    CpuReserved,
    MemoryReserved,
    Tasks,
    Zone,
    State,
}

const SORTS: [(Sort, &str, &str); 6] = [
    (Sort::Id, "id", "instance id"),
    (Sort::CpuReserved, "cpu", "CPU reserved, most first"),
    (
        Sort::MemoryReserved,
        "memory",
        "memory reserved, most first",
    ),
    (Sort::Tasks, "tasks", "tasks, most first"),
    (Sort::Zone, "zone", "Availability Zone"),
    (Sort::State, "state", "state"),
];

fn pct(used: u32, of: u32) -> f64 {
    if of == 0 {
        0.0
    } else {
        used as f64 * 100.0 / of as f64
    }
}

/// The instance's place in id order (`i-07` → 7), so `i-100` sorts after `i-99`.
fn id_number(id: &str) -> u64 {
    id.trim_start_matches("i-").parse().unwrap_or(u64::MAX)
}

/// A heat map colour for a share reserved: light grey when empty, to deep green when full.
fn heat(p: f64) -> String {
    let p = p.clamp(0.0, 100.0) / 100.0;
    let (r, g, b) = (230.0 - 200.0 * p, 235.0 - 110.0 * p, 235.0 - 185.0 * p);
    format!("rgb({r:.0},{g:.0},{b:.0})")
}

#[function_component(ManyHosts)]
pub fn many_hosts(p: &ManyProps) -> Html {
    let filter = use_state(String::new);
    let sort = use_state(|| Sort::Id);
    let picked = use_state(|| None::<String>);
    // The heat map's rows: by Availability Zone, or by instance group.
    let by_group = use_state(|| false);
    let rows = &p.rows;
    let needle = filter.trim().to_lowercase();
    // An instance's whole id picks that instance alone (`i-10`, not also `i-100`…).
    let exact = rows.iter().any(|r| r.id.to_lowercase() == needle);
    let mut shown: Vec<&HostRow> = rows
        .iter()
        .filter(|r| {
            if exact {
                return r.id.to_lowercase() == needle;
            }
            needle.is_empty()
                || [&r.id, &r.group, &r.instance_type, &r.zone, &r.state]
                    .iter()
                    .any(|f| f.to_lowercase().contains(&needle))
        })
        .collect();
    match *sort {
        Sort::Id => shown.sort_by_key(|r| id_number(&r.id)),
        Sort::CpuReserved => {
            shown.sort_by(|a, b| pct(b.cpu_reserved, b.cpu).total_cmp(&pct(a.cpu_reserved, a.cpu)))
        }
        Sort::MemoryReserved => shown.sort_by(|a, b| {
            pct(b.memory_reserved_mib, b.memory_mib)
                .total_cmp(&pct(a.memory_reserved_mib, a.memory_mib))
        }),
        Sort::Tasks => shown.sort_by_key(|r| std::cmp::Reverse(r.tasks)),
        Sort::Zone => shown.sort_by(|a, b| a.zone.cmp(&b.zone)),
        Sort::State => shown.sort_by(|a, b| a.state.cmp(&b.state)),
    }
    // The instance a square picked, while the table shows it alone: its tasks by service.
    let detail = picked
        .as_deref()
        .filter(|id| exact && needle == id.to_lowercase())
        .and_then(|id| rows.iter().find(|r| r.id == id));
    let mut zones: BTreeMap<&str, Vec<&HostRow>> = BTreeMap::new();
    for r in rows.iter() {
        let key = if *by_group {
            r.group.as_str()
        } else {
            r.zone.as_str()
        };
        zones.entry(key).or_default().push(r);
    }
    let on_by = {
        let by_group = by_group.clone();
        Callback::from(move |e: Event| {
            if let Some(s) = e.target_dyn_into::<HtmlSelectElement>() {
                by_group.set(s.value() == "group");
            }
        })
    };
    let on_filter = {
        let filter = filter.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(i) = e.target_dyn_into::<HtmlInputElement>() {
                filter.set(i.value());
            }
        })
    };
    let on_sort = {
        let sort = sort.clone();
        Callback::from(move |e: Event| {
            if let Some(s) = e.target_dyn_into::<HtmlSelectElement>() {
                if let Some((k, _, _)) = SORTS.iter().find(|(_, v, _)| *v == s.value()) {
                    sort.set(*k);
                }
            }
        })
    };
    let pick = |id: &str| {
        let (picked, filter, id) = (picked.clone(), filter.clone(), id.to_string());
        Callback::from(move |_: MouseEvent| {
            filter.set(id.clone());
            picked.set(Some(id.clone()));
        })
    };
    let active = rows.iter().filter(|r| r.state == "ACTIVE").count();
    let tasks: u32 = rows.iter().map(|r| r.tasks).sum();
    html! {
        <div id="many-hosts" data-rows={rows.len().to_string()}>
            <p class="small">{ format!("{} instances ({} ACTIVE) with {} tasks: too many to draw one by one. The heat map shows each one's CPU reserved by zone; pick a square, or sort and filter the table.", rows.len(), active, tasks) }</p>
            <label class="small">{ "Rows of the heat map " }
                <select id="heat-by" onchange={on_by}>
                    <option value="zone" selected={!*by_group}>{ "by Availability Zone" }</option>
                    <option value="group" selected={*by_group}>{ "by instance group" }</option>
                </select>
            </label>
            <div id="heat-map" aria-label={if *by_group { "CPU reserved per instance, by instance group" } else { "CPU reserved per instance, by Availability Zone" }}>
                { for zones.iter().map(|(zone, list)| html! {
                    <div class="heat-zone" data-zone={zone.to_string()}>
                        <span class="heat-label">{ if zone.is_empty() { "(none)" } else { zone } }{ format!(" · {}", list.len()) }</span>
                        <div class="heat-cells">
                            { for list.iter().map(|r| {
                                let p = pct(r.cpu_reserved, r.cpu);
                                let title = format!("{} {} {}: CPU {:.0} % reserved, {} tasks", r.id, r.instance_type, r.state, p, r.tasks);
                                html! {
                                    <button class={classes!("heat", (r.state != "ACTIVE").then_some("inactive"), picked.as_deref().is_some_and(|x| x == r.id).then_some("picked"))}
                                        data-host={r.id.clone()} style={format!("background: {}", heat(p))}
                                        title={title.clone()} aria-label={title} onclick={pick(&r.id)}></button>
                                }
                            }) }
                        </div>
                    </div>
                }) }
            </div>
            <div class="host-tools">
                <label>{ "Filter " }<input id="hosts-filter" type="search" placeholder="id, group, type, zone or state" value={(*filter).clone()} oninput={on_filter} /></label>
                <label>{ "Sort by " }
                    <select id="hosts-sort" onchange={on_sort}>
                        { for SORTS.iter().map(|(k, v, label)| html! { <option value={*v} selected={*k == *sort}>{ *label }</option> }) }
                    </select>
                </label>
                <span id="hosts-count">{ format!("{} of {} shown", shown.len(), rows.len()) }</span>
            </div>
            { for detail.map(|r| html! {
                <div id="host-detail" data-host={r.id.clone()} role="status">
                    <strong>{ &r.id }</strong>
                    { format!(" ({}, {}, {}, {}): CPU {} of {} reserved, memory {} of {} MiB, {} dynamic port{} in use", r.group, r.instance_type, r.zone, r.state,
                        r.cpu_reserved, r.cpu, r.memory_reserved_mib, r.memory_mib, r.dynamic_ports_in_use, if r.dynamic_ports_in_use == 1 { "" } else { "s" }) }
                    if r.services.is_empty() {
                        <p class="small">{ "No task on it at this time." }</p>
                    } else {
                        <ul>{ for r.services.iter().map(|s| html! {
                            <li data-service={s.service.clone()}>{ match s.other {
                                0 => format!("{}: {} running", s.service, s.running),
                                o => format!("{}: {} running, {o} starting or stopping", s.service, s.running),
                            } }</li>
                        }) }</ul>
                    }
                </div>
            }) }
            <div class="scroll hosts-table-box">
                <table id="hosts-table">
                    <thead><tr>
                        <th>{ "instance" }</th><th>{ "group" }</th><th>{ "type" }</th><th>{ "zone" }</th><th>{ "state" }</th>
                        <th>{ "CPU reserved" }</th><th>{ "memory reserved" }</th><th>{ "tasks" }</th><th>{ "dynamic ports" }</th>
                    </tr></thead>
                    <tbody>
                        { for shown.iter().map(|r| html! {
                            <tr data-host={r.id.clone()} class={classes!(picked.as_deref().is_some_and(|x| x == r.id).then_some("picked"))}>
                                <td>{ &r.id }</td><td>{ &r.group }</td><td>{ &r.instance_type }</td><td>{ &r.zone }</td><td>{ &r.state }</td>
                                <td>{ format!("{} / {} ({:.0} %)", r.cpu_reserved, r.cpu, pct(r.cpu_reserved, r.cpu)) }</td>
                                <td>{ format!("{} / {} MiB ({:.0} %)", r.memory_reserved_mib, r.memory_mib, pct(r.memory_reserved_mib, r.memory_mib)) }</td>
                                <td>{ r.tasks }</td><td>{ r.dynamic_ports_in_use }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            </div>
        </div>
    }
}
