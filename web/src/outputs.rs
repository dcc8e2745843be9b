//! What the page makes of a finished run: the charts drawn on its canvases, each chart as PNG,
//! and `blob:` URLs for the downloads, each revoked when the page no longer shows its link (a
//! `BlobUrl` revokes itself when its last holder drops it, so each run's downloads free the
//! last run's).

use ecsim_web::chart;
use ecsim_web::view::{ChartData, RunView};
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

type DrawFn = fn(HtmlCanvasElement, &ChartData) -> Result<(), String>;

/// Draws a chart on a canvas, if the canvas is on the page.
fn on(r: &NodeRef, c: &ChartData, f: DrawFn) -> Result<(), String> {
    r.cast::<HtmlCanvasElement>().map_or(Ok(()), |e| f(e, c))
}

/// The canvases the charts are drawn on.
#[derive(Clone, PartialEq, Default)]
pub struct Canvases {
    pub reservation: NodeRef,
    pub tasks: NodeRef,
    pub requests: NodeRef,
    pub latency: NodeRef,
    pub startup: NodeRef,
    pub cost: NodeRef,
    pub hosts: NodeRef,
    pub hosts_mem: NodeRef,
    pub hosts_cpu_used: NodeRef,
    pub service_tasks: NodeRef,
    pub memory: NodeRef,
}

impl Canvases {
    fn all(&self) -> [&NodeRef; 11] {
        [
            &self.reservation,
            &self.tasks,
            &self.requests,
            &self.latency,
            &self.startup,
            &self.cost,
            &self.hosts,
            &self.hosts_mem,
            &self.hosts_cpu_used,
            &self.service_tasks,
            &self.memory,
        ]
    }

    /// Blanks every chart, so that a new run's charts never show the last run's lines.
    pub fn clear(&self) {
        for c in self
            .all()
            .iter()
            .filter_map(|r| r.cast::<HtmlCanvasElement>())
        {
            // Setting a canvas's width clears it.
            c.set_width(c.width());
        }
    }

    /// The charts of a run still going on (no start-up bars: they need the finished summary).
    pub fn draw_live(&self, c: &ChartData) -> Result<(), String> {
        let draw = |r: &NodeRef, f: DrawFn| on(r, c, f);
        draw(&self.reservation, chart::draw_reservation)?;
        draw(&self.tasks, chart::draw_tasks)?;
        draw(&self.service_tasks, chart::draw_service_tasks)?;
        draw(&self.memory, chart::draw_memory)?;
        draw(&self.requests, chart::draw_requests)?;
        draw(&self.latency, chart::draw_latency)?;
        draw(&self.cost, chart::draw_cost)
    }

    pub fn draw(&self, v: &RunView) -> Result<(), String> {
        let draw = |r: &NodeRef, f: DrawFn| on(r, &v.charts, f);
        draw(&self.reservation, chart::draw_reservation)?;
        draw(&self.tasks, chart::draw_tasks)?;
        draw(&self.requests, chart::draw_requests)?;
        draw(&self.latency, chart::draw_latency)?;
        draw(&self.startup, chart::draw_startup)?;
        draw(&self.cost, chart::draw_cost)?;
        draw(&self.hosts, chart::draw_hosts)?;
        draw(&self.hosts_mem, chart::draw_hosts_mem)?;
        draw(&self.hosts_cpu_used, chart::draw_hosts_cpu_used)?;
        draw(&self.service_tasks, chart::draw_service_tasks)?;
        draw(&self.memory, chart::draw_memory)
    }

    /// Each chart as a PNG data URL, with a file name.
    pub fn pngs(&self) -> Vec<(String, String)> {
        [
            "cpu-memory.png",
            "tasks.png",
            "requests.png",
            "latency.png",
            "startup.png",
            "cost.png",
            "hosts.png",
            "hosts-memory.png",
            "hosts-cpu-used.png",
            "service-tasks.png",
            "memory.png",
        ]
        .into_iter()
        .zip(self.all())
        .filter_map(|(name, r)| {
            let url = r.cast::<HtmlCanvasElement>()?.to_data_url().ok()?;
            Some((name.to_string(), url))
        })
        .collect()
    }
}
