//! The web app's shared half: what the simulation worker and the page say to each other, and the
//! worker itself. Both binaries (`ecsim-web`, the page, and `worker`, the Web Worker) are built
//! from these same types, as the worker codec (bincode) is positional.

pub mod chart;
pub mod compare_chart;
pub mod run_charts;
pub mod view;
pub mod worker;
