//! Suites: configuration, the typed plan of runs and searches, the crash-safe run log, and the
//! runner that turns a config into results.

mod assemble;
mod config;
mod log;
pub mod plan;
mod provenance;
mod runner;
mod sweep;
pub mod shard;

pub use config::{ConfigError, DeepConfig, Depth, PerK, ReferenceKind, ShallowConfig, SuiteConfig, builtin};
pub use log::{LOG_FORMAT, RunLog, RunRecord};
pub use provenance::now_rfc3339;
pub use runner::{RunOptions, load_suite, merge_into, run_suite, write_atomic};
