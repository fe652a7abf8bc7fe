//! Suites: configuration, the typed plan of runs and searches, the crash-safe run log, and the
//! runner that turns a config into results.

mod assemble;
mod context;
pub mod frontier;
mod log;
pub mod plan;
mod progress;
pub(crate) mod provenance;
mod runner;
pub mod shard;
mod sizes;
mod sufficiency;
mod sweep;

/// Weights are stored (run log, results) only for nets with at most this many parameters: every net
/// a figure draws is far smaller, and the 16k-unit nets of a full suite would otherwise make
/// `reports/` hundreds of megabytes. Larger nets are recorded by shape, exact errors and pieces.
pub const MAX_STORED_PARAMS: usize = 2048;

pub use crate::config::{
    BUILTIN_NAMES, ConfigError, DeepConfig, Depth, PerK, ReferenceKind, ShallowConfig, SuiteConfig, builtin, suggest,
};
pub use assemble::refresh_brackets;
pub use log::{LOG_FORMAT, RunLog, RunRecord};
pub use provenance::{cpu_model, now_rfc3339};
pub use runner::{RunOptions, load_suite, merge_into, run_suite, task_count, write_atomic};
