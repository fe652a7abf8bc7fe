//! The run log: one JSON line per finished training run, appended and synced as it finishes.
//!
//! The first line is a header naming the log format and the config hash; a log of another config or
//! format is refused, never overwritten. On reopening, every complete record is read back (those runs
//! are not redone); an unparseable line — typically the torn last line of a killed run — is skipped
//! and counted, and its run is redone. Each record is flushed to the disk (`fdatasync`) before the
//! run counts as done, so a power cut loses at most the run being written.

use super::plan::{RunId, RunKey};
use crate::results::RunSummary;
use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

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

#[derive(Serialize, Deserialize)]
struct Header {
    depthsep_run_log: u32,
    config_hash: String,
}

/// An append-only run log.
pub struct RunLog {
    path: PathBuf,
    file: std::fs::File,
}

impl RunLog {
    /// Open (or create) the log at `path` for config `hash`; returns it, the records already in it,
    /// and the number of unreadable lines skipped.
    pub fn open(path: &Path, hash: &str) -> anyhow::Result<(Self, BTreeMap<RunKey, RunRecord>, usize)> {
        let mut records = BTreeMap::new();
        let mut skipped = 0;
        if path.exists() {
            let text = std::fs::read(path).with_context(|| format!("cannot read run log {}", path.display()))?;
            let text = String::from_utf8_lossy(&text);
            let mut lines = text.lines();
            let header: Header = lines.next().and_then(|l| serde_json::from_str(l).ok()).with_context(|| {
                format!("{} is not a depthsep run log (bad header); it was left untouched", path.display())
            })?;
            if header.depthsep_run_log != LOG_FORMAT {
                bail!(
                    "run log {} has format {} (this depthsep reads format {LOG_FORMAT}): it was written by another \
                     version and cannot be resumed; move it away (with its results.json) and rerun. Nothing was changed",
                    path.display(),
                    header.depthsep_run_log
                );
            }
            if header.config_hash != hash {
                bail!(
                    "run log {} belongs to a different config (hash {}, this one is {hash}); choose another --out. Nothing was changed",
                    path.display(),
                    header.config_hash
                );
            }
            for line in lines {
                match serde_json::from_str::<RunRecord>(line) {
                    Ok(r) => {
                        records.insert(r.key(), r);
                    }
                    Err(_) => skipped += 1,
                }
            }
        }
        let fresh = !path.exists();
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .with_context(|| format!("cannot open run log {} for appending", path.display()))?;
        if fresh {
            let h = serde_json::to_string(&Header { depthsep_run_log: LOG_FORMAT, config_hash: hash.to_string() })?;
            file.write_all(format!("{h}\n").as_bytes()).with_context(|| format!("cannot write {}", path.display()))?;
            file.sync_data().with_context(|| format!("cannot sync {}", path.display()))?;
            crate::durable::sync_dir(path)?;
        } else if !std::fs::read(path)?.ends_with(b"\n") {
            // A torn last line: end it so the next record starts on a line of its own.
            file.write_all(b"\n").with_context(|| format!("cannot write {}", path.display()))?;
        }
        Ok((Self { path: path.to_path_buf(), file }, records, skipped))
    }

    /// Append one record as a single line and sync it to the disk.
    pub fn append(&mut self, record: &RunRecord) -> anyhow::Result<()> {
        let mut line = serde_json::to_string(record)?;
        line.push('\n');
        let ctx = || format!("cannot append to run log {}", self.path.display());
        self.file.write_all(line.as_bytes()).with_context(ctx)?;
        self.file.sync_data().with_context(ctx)
    }
}
