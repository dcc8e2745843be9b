//! The Web Worker binary: registers the simulation worker (`ecsim_web::worker`).

use ecsim_web::worker::SimWorker;
use gloo_worker::Registrable;

fn main() {
    ecsim_web::worker::report_panics();
    SimWorker::registrar().register();
}
