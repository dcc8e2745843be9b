//! What the page makes of a finished run: the charts drawn on its canvases, each chart as PNG,
//! and `blob:` URLs for the downloads, each revoked when the page no longer shows its link (a
//! `BlobUrl` revokes itself when its last holder drops it, so each run's downloads free the
//! last run's).

use ecsim_web::chart::{Drawn, Look};
use ecsim_web::run_charts;
use ecsim_web::view::{ChartData, RunView};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsValue;
use web_sys::{Blob, BlobPropertyBag, HtmlCanvasElement, Url};
use yew::prelude::*;

/// Downloads of a finished run: a share link, the summary JSON, the time series CSV.
#[derive(Clone, PartialEq, Default)]
pub struct Exports {
    pub share: String,
    pub summary: Option<Rc<BlobUrl>>,
    pub timeseries: Option<Rc<BlobUrl>>,
}

/// A `blob:` URL for a download link, revoked when dropped.
#[derive(Debug, PartialEq)]
pub struct BlobUrl(String);

impl BlobUrl {
    /// A URL holding `body`; `None` if the browser refuses.
    pub fn new(body: &str, mime: &str) -> Option<BlobUrl> {
        let parts = js_sys::Array::of1(&JsValue::from_str(body));
        let opts = BlobPropertyBag::new();
        opts.set_type(mime);
        let blob = Blob::new_with_str_sequence_and_options(&parts, &opts).ok()?;
        Url::create_object_url_with_blob(&blob).ok().map(BlobUrl)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Drop for BlobUrl {
    fn drop(&mut self) {
        let _ = Url::revoke_object_url(&self.0);
    }
}

type DrawFn = fn(HtmlCanvasElement, &ChartData, &Look) -> Result<Drawn, String>;

/// One chart of the run: its canvas, what it is, and how it is drawn.
pub struct Slot {
    /// The canvas's element id, its PNG's file name, what a screen reader says of it.
    pub id: &'static str,
    pub png: &'static str,
    pub label: &'static str,
    /// Whether it is drawn while the run goes on (the start-up bars need the finished run).
    live: bool,
    draw: DrawFn,
    /// A line over simulated time (so under the shared crosshair), or bars.
    pub timed: bool,
    /// Whether the page offers a log value axis.
    pub log: bool,
}

/// The run's charts, in the page's order.
pub const SLOTS: [Slot; 11] = [
    Slot {
        id: "chart",
        png: "cpu-memory.png",
        label: "Cluster CPU and memory reserved and CPU used, % of registered, over simulated time",
        live: true,
        draw: run_charts::draw_reservation,
        timed: true,
        log: false,
    },
    Slot {
        id: "tasks-chart",
        png: "tasks.png",
        label: "Tasks by state, registered instances and Auto Scaling groups over simulated time",
        live: true,
        draw: run_charts::draw_tasks,
        timed: true,
        log: false,
    },
    Slot {
        id: "service-tasks-chart",
        png: "service-tasks.png",
        label: "Desired and running tasks per service over simulated time",
        live: true,
        draw: run_charts::draw_service_tasks,
        timed: true,
        log: false,
    },
    Slot {
        id: "memory-chart",
        png: "memory.png",
        label: "Memory used per service, % of what its tasks reserve, over simulated time",
        live: true,
        draw: run_charts::draw_memory,
        timed: true,
        log: false,
    },
    Slot {
        id: "requests-chart",
        png: "requests.png",
        label: "Requests served and failed per second over simulated time",
        live: true,
        draw: run_charts::draw_requests,
        timed: true,
        log: false,
    },
    Slot {
        id: "latency-chart",
        png: "latency.png",
        label: "Latency p50 and p99 per window, ms",
        live: true,
        draw: run_charts::draw_latency,
        timed: true,
        log: true,
    },
    Slot {
        id: "startup-chart",
        png: "startup.png",
        label: "Start-up phases per service: provisioning, pull, start, health, in seconds",
        live: false,
        draw: run_charts::draw_startup,
        timed: false,
        log: false,
    },
    Slot {
        id: "cost-chart",
        png: "cost.png",
        label: "Cost so far in US dollars",
        live: true,
        draw: run_charts::draw_cost,
        timed: true,
        log: false,
    },
    Slot {
        id: "hosts-chart",
        png: "hosts.png",
        label: "CPU reserved per instance, %",
        live: false,
        draw: run_charts::draw_hosts,
        timed: true,
        log: false,
    },
    Slot {
        id: "hosts-memory-chart",
        png: "hosts-memory.png",
        label: "Memory reserved per instance, %",
        live: false,
        draw: run_charts::draw_hosts_mem,
        timed: true,
        log: false,
    },
    Slot {
        id: "hosts-cpu-used-chart",
        png: "hosts-cpu-used.png",
        label: "CPU used per instance, %",
        live: false,
        draw: run_charts::draw_hosts_cpu_used,
        timed: true,
        log: false,
    },
];

/// What the charts were last drawn from and what each drew, and how each is asked for.
#[derive(Default)]
struct Drawing {
    data: Option<Rc<ChartData>>,
    finished: bool,
    drawn: [Option<Rc<Drawn>>; 11],
    looks: [Look; 11],
    /// The canvas's pixel size each was drawn at: a canvas the page made anew since (blank,
    /// at its default size) is drawn again (`refresh`).
    sizes: [(u32, u32); 11],
}

/// The canvases the charts are drawn on, and what is drawn on them.
#[derive(Clone, Default)]
pub struct Canvases {
    nodes: [NodeRef; 11],
    drawing: Rc<RefCell<Drawing>>,
}

impl PartialEq for Canvases {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.drawing, &other.drawing)
    }
}

impl Canvases {
    pub fn node(&self, k: usize) -> NodeRef {
        self.nodes[k].clone()
    }

    /// What chart `k` drew last, if it has been drawn.
    pub fn drawn(&self, k: usize) -> Option<Rc<Drawn>> {
        self.drawing.borrow().drawn[k].clone()
    }

    /// Blanks every chart, so that a new run's charts never show the last run's lines.
    pub fn clear(&self) {
        for c in self
            .nodes
            .iter()
            .filter_map(|r| r.cast::<HtmlCanvasElement>())
        {
            // Setting a canvas's width clears it.
            c.set_width(c.width());
        }
        let mut d = self.drawing.borrow_mut();
        d.data = None;
        d.drawn = Default::default();
    }

    /// Shows every line again (another scenario is loaded); log scales stay as chosen.
    pub fn reset_hidden(&self) {
        for look in &mut self.drawing.borrow_mut().looks {
            look.hidden.clear();
        }
    }

    /// Whether chart `k` is drawn on a log value axis.
    pub fn is_log(&self, k: usize) -> bool {
        self.drawing.borrow().looks[k].log
    }

    /// Draws chart `k` on a log value axis, or a linear one.
    pub fn set_log(&self, k: usize, log: bool) {
        self.drawing.borrow_mut().looks[k].log = log;
        let _ = self.draw_one(k);
    }

    fn draw_one(&self, k: usize) -> Result<(), String> {
        let (data, look, finished) = {
            let d = self.drawing.borrow();
            (d.data.clone(), d.looks[k].clone(), d.finished)
        };
        let Some(data) = data else { return Ok(()) };
        let slot = &SLOTS[k];
        if !finished && !slot.live {
            return Ok(());
        }
        let Some(canvas) = self.nodes[k].cast::<HtmlCanvasElement>() else {
            return Ok(());
        };
        let drawn = (slot.draw)(canvas.clone(), &data, &look)?;
        let mut d = self.drawing.borrow_mut();
        d.drawn[k] = Some(Rc::new(drawn));
        d.sizes[k] = (canvas.width(), canvas.height());
        Ok(())
    }

    /// Draws again any chart whose canvas is no longer the one it was drawn on (after a render
    /// replaced it).
    pub fn refresh(&self) {
        for k in 0..SLOTS.len() {
            let stale = {
                let d = self.drawing.borrow();
                d.drawn[k].is_some()
                    && self.nodes[k]
                        .cast::<HtmlCanvasElement>()
                        .is_some_and(|c| (c.width(), c.height()) != d.sizes[k])
            };
            if stale {
                let _ = self.draw_one(k);
            }
        }
    }

    fn draw_all(&self, data: ChartData, finished: bool) -> Result<(), String> {
        {
            let mut d = self.drawing.borrow_mut();
            d.data = Some(Rc::new(data));
            d.finished = finished;
        }
        (0..SLOTS.len()).try_for_each(|k| self.draw_one(k))
    }

    /// The charts of a run still going on (no start-up bars: they need the finished summary).
    pub fn draw_live(&self, c: &ChartData) -> Result<(), String> {
        self.draw_all(c.clone(), false)
    }

    pub fn draw(&self, v: &RunView) -> Result<(), String> {
        self.draw_all(v.charts.clone(), true)
    }

    /// Draws every chart again at its canvas's size now (the page was resized).
    pub fn redraw(&self) {
        for k in 0..SLOTS.len() {
            let _ = self.draw_one(k);
        }
    }

    /// Shows or hides a line of chart `k` (a click on its legend).
    pub fn toggle(&self, k: usize, line: &str) {
        {
            let mut d = self.drawing.borrow_mut();
            let hidden = &mut d.looks[k].hidden;
            match hidden.iter().position(|h| h == line) {
                Some(i) => {
                    hidden.remove(i);
                }
                None => hidden.push(line.to_string()),
            }
        }
        let _ = self.draw_one(k);
    }

    /// Each chart as a PNG data URL, with a file name.
    pub fn pngs(&self) -> Vec<(String, String)> {
        SLOTS
            .iter()
            .zip(&self.nodes)
            .filter_map(|(slot, r)| {
                let url = r.cast::<HtmlCanvasElement>()?.to_data_url().ok()?;
                Some((slot.png.to_string(), url))
            })
            .collect()
    }
}
