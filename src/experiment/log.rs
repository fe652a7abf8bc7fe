//! An experiment's run log (`runs.jsonl` in its output folder): a [`crate::jsonl::JsonLog`] of
//! finished [`CurveRun`]s, each synced to the disk as it ends. A rerun into the same folder reads
//! them back and trains only the rest (a torn last line is skipped and that run redone); a log of
//! another config is an error and is left untouched.

use super::CurveRun;
use crate::jsonl::JsonLog;
use std::path::Path;

/// Log format version.
pub const FORMAT: u32 = 1;

/// Open (or create) the log at `path` for config `hash`; returns it and the runs already in it.
pub fn open(path: &Path, hash: &str) -> anyhow::Result<(JsonLog, Vec<CurveRun>)> {
    let (log, runs, _) = JsonLog::open(path, ("experiment run log", "depthsep_experiment_log", FORMAT), hash)?;
    Ok((log, runs))
}
