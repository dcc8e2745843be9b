//! What the page makes of a finished run: the charts drawn on its canvases, each chart as PNG,
//! and `blob:` URLs for the downloads.

use ecsim_web::chart;
use ecsim_web::view::RunView;
use wasm_bindgen::JsValue;
use web_sys::{Blob, BlobPropertyBag, HtmlCanvasElement, Url};
use yew::prelude::*;

/// Downloads of a finished run: a share link, the summary JSON, the time series CSV, each chart
/// as PNG.
#[derive(Clone, PartialEq, Default)]
pub struct Exports {
    pub share: String,
    pub summary: Option<String>,
    pub timeseries: Option<String>,
}

/// A `blob:` URL holding `body`, for a download link.
pub fn blob_url(body: &str, mime: &str) -> Option<String> {
    let parts = js_sys::Array::of1(&JsValue::from_str(body));
    let opts = BlobPropertyBag::new();
    opts.set_type(mime);
    let blob = Blob::new_with_str_sequence_and_options(&parts, &opts).ok()?;
    Url::create_object_url_with_blob(&blob).ok()
}

/// The canvases the charts are drawn on.
#[derive(Clone, PartialEq)]
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
}

impl Canvases {
    pub fn draw(&self, v: &RunView) -> Result<(), String> {
        let c = &v.charts;
        let draw = |r: &NodeRef, f: fn(HtmlCanvasElement, &ecsim_web::view::ChartData) -> Result<(), String>| {
            r.cast::<HtmlCanvasElement>().map_or(Ok(()), |e| f(e, c))
        };
        draw(&self.reservation, chart::draw_reservation)?;
        draw(&self.tasks, chart::draw_tasks)?;
        draw(&self.requests, chart::draw_requests)?;
        draw(&self.latency, chart::draw_latency)?;
        draw(&self.startup, chart::draw_startup)?;
        draw(&self.cost, chart::draw_cost)?;
        draw(&self.hosts, chart::draw_hosts)?;
        draw(&self.hosts_mem, chart::draw_hosts_mem)?;
        draw(&self.hosts_cpu_used, chart::draw_hosts_cpu_used)
    }

    /// Each chart as a PNG data URL, with a file name.
    pub fn pngs(&self) -> Vec<(String, String)> {
        [
            ("cpu-memory.png", &self.reservation),
            ("tasks.png", &self.tasks),
            ("requests.png", &self.requests),
            ("latency.png", &self.latency),
            ("startup.png", &self.startup),
            ("cost.png", &self.cost),
            ("hosts.png", &self.hosts),
            ("hosts-memory.png", &self.hosts_mem),
            ("hosts-cpu-used.png", &self.hosts_cpu_used),
        ]
        .into_iter()
        .filter_map(|(name, r)| {
            let url = r.cast::<HtmlCanvasElement>()?.to_data_url().ok()?;
            Some((name.to_string(), url))
        })
        .collect()
    }
}
