//! The run log: one JSON line per finished training run, appended and synced as it finishes.
//!
//! The first line is a header naming the log format and the config hash; a log of another config or
//! format is refused, never overwritten. On reopening, every complete record is read back (those runs
//! are not redone); an unparseable line — typically the torn last line of a killed run — is skipped
//! and counted, and its run is redone. Each record is flushed to the disk (`fdatasync`) before the
//! run counts as done, so a power cut loses at most the run being written.

use super::plan::{RunId, RunKey};
use crate::jsonl::JsonLog;
use crate::results::RunSummary;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// Format of the run log this depthsep writes.
pub const LOG_FORMAT: u32 = 3;

/// One finished run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunRecord {
    /// The run.
    pub id: RunId,
    /// The tolerance at which it stopped early.
    pub stop: f64,
    /// What it measured.
    pub summary: RunSummary,
    /// Weights of its best checkpoint (empty when not finite).
    pub weights: Vec<f64>,
    /// A sweep's error at every width m = 1, 2, … (`None` where not finite); empty otherwise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub curve: Vec<Option<f64>>,
    /// Half-widths of the 95% intervals of `curve` when its errors are Monte Carlo estimates
    /// (infinite where the error was not finite); empty when exact.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub intervals: Vec<f64>,
    /// A sweep's nets kept for the report: (width, weights) of the first width reaching each τ.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub nets: Vec<(usize, Vec<f64>)>,
}

impl RunRecord {
    /// Its key in the run cache.
    pub fn key(&self) -> RunKey {
        RunKey::new(self.id.clone(), self.stop)
    }
}

/// An append-only run log ([`crate::jsonl::JsonLog`] of [`RunRecord`]s).
pub struct RunLog(JsonLog);

impl RunLog {
    /// Open (or create) the log at `path` for config `hash`; returns it, the records already in it,
    /// and the number of unreadable lines skipped.
    pub fn open(path: &Path, hash: &str) -> anyhow::Result<(Self, BTreeMap<RunKey, RunRecord>, usize)> {
        let (log, records, skipped) =
            JsonLog::open::<RunRecord>(path, ("run log", "depthsep_run_log", LOG_FORMAT), hash)?;
        Ok((Self(log), records.into_iter().map(|r| (r.key(), r)).collect(), skipped))
    }

    /// Append one record as a single line and sync it to the disk.
    pub fn append(&mut self, record: &RunRecord) -> anyhow::Result<()> {
        self.0.append(record)
    }
}
