//! The run's charts: one canvas each, drawn by the worker link (`link.rs`) as the run goes on
//! and when it ends (`outputs::Canvases`), each with its legend beside it (a click hides or
//! shows a line), a crosshair shared by every chart over time (the mouse, or the arrow keys on
//! a focused chart, moves it; the values under it are listed), a log scale where one slow line
//! would flatten the rest (latency), and a data table for screen readers. A resize of the page
//! draws them again at their new size.

use crate::link::use_ctx;
use crate::outputs::SLOTS;
use ecsim_front::metric;
use ecsim_web::chart::Drawn;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// A value with its chart's unit.
fn with_unit(v: Option<f64>, unit: &str) -> String {
    match v {
        None => "—".into(),
        Some(v) => match unit {
            "%" => format!("{} %", metric::round(v)),
            "count" | "tasks" => metric::round(v.round()),
            u => format!("{} {u}", metric::round(v)),
        },
    }
}

/// Rows of the data table: up to 30 sample times, evenly spread.
fn table(d: &Drawn) -> Html {
    let times: Vec<f64> = d
        .lines
        .first()
        .map(|l| l.points.iter().map(|p| p.0).collect())
        .unwrap_or_default();
    let step = times.len().div_ceil(30).max(1);
    html! {
        <table class="chart-data">
            <thead><tr><th>{ "time" }</th>{ for d.lines.iter().map(|l| html! { <th>{ &l.name }</th> }) }</tr></thead>
            <tbody>
                { for times.iter().step_by(step).map(|&t| html! {
                    <tr><td>{ d.time_label(t) }</td>
                        { for d.lines.iter().map(|l| {
                            let v = l.points.iter().find(|p| p.0 == t).map(|p| p.1).filter(|v| v.is_finite());
                            html! { <td>{ with_unit(v, &d.unit) }</td> }
                        }) }
                    </tr>
                }) }
            </tbody>
        </table>
    }
}

#[function_component(ChartPanel)]
pub fn chart_panel() -> Html {
    let ctx = use_ctx();
    let canvases = ctx.link.canvases.clone();
    // The crosshair: a time, and the chart it is read on.
    let hover = use_state(|| None::<(f64, usize)>);
    let tables = use_state(Vec::<usize>::new);
    // Legend clicks redraw a chart without a change of the page's state: a counter re-renders.
    let redrawn = use_state(|| 0u32);
    let box_ref = use_node_ref();
    {
        let (canvases, box_ref) = (canvases.clone(), box_ref.clone());
        use_effect_with((), move |_| {
            let pending = std::rc::Rc::new(std::cell::RefCell::new(
                None::<gloo_timers::callback::Timeout>,
            ));
            let on_resize = Closure::<dyn FnMut()>::new(move || {
                let canvases = canvases.clone();
                // Once the size settles, not at every step of a drag.
                *pending.borrow_mut() = Some(gloo_timers::callback::Timeout::new(150, move || {
                    canvases.redraw()
                }));
            });
            let observer = web_sys::ResizeObserver::new(on_resize.as_ref().unchecked_ref()).ok();
            if let (Some(o), Some(el)) = (&observer, box_ref.cast::<web_sys::Element>()) {
                o.observe(&el);
            }
            move || {
                if let Some(o) = observer {
                    o.disconnect();
                }
                drop(on_resize);
            }
        });
    }
    // After every render: a canvas the render made anew is drawn again.
    {
        let canvases = canvases.clone();
        use_effect(move || canvases.refresh());
    }
    let shown_t = hover.map(|(t, _)| t);
    html! {
        <div class="charts" ref={box_ref} data-redrawn={redrawn.to_string()}>
            { for SLOTS.iter().enumerate().map(|(k, slot)| {
                let drawn = canvases.drawn(k);
                let on_move = {
                    let (hover, drawn) = (hover.clone(), drawn.clone());
                    Callback::from(move |e: MouseEvent| {
                        if let Some(t) = drawn.as_ref().and_then(|d| d.time_at(e.offset_x() as f64)) {
                            hover.set(Some((t, k)));
                        }
                    })
                };
                let on_leave = {
                    let hover = hover.clone();
                    Callback::from(move |_: MouseEvent| hover.set(None))
                };
                let on_key = {
                    let (hover, drawn) = (hover.clone(), drawn.clone());
                    Callback::from(move |e: KeyboardEvent| {
                        let Some(d) = drawn.as_ref().filter(|d| d.t_max > 0.0) else { return };
                        let step = d.t_max / 60.0;
                        let now = hover.map(|(t, _)| t).unwrap_or(0.0);
                        let t = match e.key().as_str() {
                            "ArrowRight" => (now + step).min(d.t_max),
                            "ArrowLeft" => (now - step).max(0.0),
                            "Home" => 0.0,
                            "End" => d.t_max,
                            "Escape" => return hover.set(None),
                            _ => return,
                        };
                        e.prevent_default();
                        hover.set(Some((t, k)));
                    })
                };
                let line_x = drawn.as_ref().zip(shown_t).filter(|_| slot.timed).and_then(|(d, t)| d.x_of(t));
                let values = drawn.as_ref().zip(*hover).filter(|(_, (_, at))| *at == k).map(|(d, (t, _))| {
                    let x = d.x_of(t).unwrap_or(0.0);
                    let flip = x > (d.plot[0] + d.plot[2]) / 2.0;
                    let style = if flip { format!("right: calc(100% - {:.0}px + 8px)", x) } else { format!("left: {:.0}px", x + 8.0) };
                    html! {
                        <div class="crosshair-values" id={format!("{}-values", slot.id)} {style} role="status">
                            <div class="at">{ format!("at {}", d.time_label(t)) }</div>
                            { for d.values_at(t).into_iter().map(|(l, v)| html! {
                                <div><span class="swatch" style={format!("background: {}", l.color)}></span>{ format!("{}: {}", l.name, with_unit(v, &d.unit)) }</div>
                            }) }
                        </div>
                    }
                });
                let legend = drawn.as_ref().filter(|d| !d.lines.is_empty()).map(|d| html! {
                    <ul class="legend" aria-label={format!("lines of {}", slot.label)}>
                        { for d.lines.iter().map(|l| {
                            let onclick = {
                                let (canvases, name, redrawn) = (canvases.clone(), l.name.clone(), redrawn.clone());
                                Callback::from(move |_: MouseEvent| {
                                    canvases.toggle(k, &name);
                                    redrawn.set(*redrawn + 1);
                                })
                            };
                            html! {
                                <li><button class={classes!("legend-item", l.hidden.then_some("hidden"))} aria-pressed={(!l.hidden).to_string()}
                                    title={if l.hidden { "show this line" } else { "hide this line" }} {onclick}>
                                    <span class="swatch" style={format!("background: {}", l.color)}></span>{ &l.name }
                                </button></li>
                            }
                        }) }
                    </ul>
                });
                let table_open = tables.contains(&k);
                let on_toggle = {
                    let tables = tables.clone();
                    Callback::from(move |e: Event| {
                        let open = e.target_dyn_into::<web_sys::HtmlDetailsElement>().is_some_and(|d| d.open());
                        let mut t = (*tables).clone();
                        t.retain(|&x| x != k);
                        if open { t.push(k); }
                        tables.set(t);
                    })
                };
                let log_option = slot.log.then(|| {
                    let onchange = {
                        let (canvases, redrawn) = (canvases.clone(), redrawn.clone());
                        Callback::from(move |e: Event| {
                            let on = e.target_dyn_into::<web_sys::HtmlInputElement>().is_some_and(|i| i.checked());
                            canvases.set_log(k, on);
                            redrawn.set(*redrawn + 1);
                        })
                    };
                    html! {
                        <label class="log-scale small"><input type="checkbox" id={format!("{}-log", slot.id)} checked={canvases.is_log(k)} {onchange} />{ " log scale" }</label>
                    }
                });
                html! {
                    <figure class="chart" data-chart={slot.id}>
                        { for log_option }
                        <div class="chart-box" onmousemove={on_move} onmouseleave={on_leave}>
                            <canvas id={slot.id} role="img" aria-label={slot.label} tabindex="0" onkeydown={on_key}
                                ref={canvases.node(k)} width="540" height="340"></canvas>
                            { for line_x.map(|x| html! { <div class="crosshair" style={format!("left: {x:.0}px")}></div> }) }
                            { for values }
                        </div>
                        { for legend }
                        if drawn.as_ref().is_some_and(|d| !d.lines.is_empty()) {
                            <details class="chart-table" ontoggle={on_toggle}>
                                <summary>{ "Data table" }</summary>
                                if table_open {
                                    { for drawn.as_deref().map(table) }
                                }
                            </details>
                        }
                    </figure>
                }
            }) }
        </div>
    }
}
