//! An experiment's run log (`runs.jsonl` in its output folder): a header line naming the config
//! hash, then one finished [`CurveRun`] per line, each synced to the disk as it ends. A rerun into
//! the same folder reads the finished runs back and trains only the rest; a torn last line (a kill
//! mid-write) is skipped and that run redone; a log of another config is an error and is left
//! untouched.

use super::CurveRun;
use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Log format version.
pub const FORMAT: u32 = 1;

#[derive(Serialize, Deserialize)]
struct Header {
    depthsep_experiment_log: u32,
    config_hash: String,
}

/// An open log, appending.
pub struct ExperimentLog {
    path: PathBuf,
    file: std::fs::File,
}

impl ExperimentLog {
    /// Open (or create) the log at `path` for config `hash`; returns it and the runs already in it.
    pub fn open(path: &Path, hash: &str) -> anyhow::Result<(Self, Vec<CurveRun>)> {
        let mut runs = Vec::new();
        let exists = path.exists();
        if exists {
            let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
            let mut lines = text.lines();
            let header: Header = lines
                .next()
                .and_then(|l| serde_json::from_str(l).ok())
                .with_context(|| format!("{} is not an experiment run log; it was left untouched", path.display()))?;
            if header.depthsep_experiment_log != FORMAT || header.config_hash != hash {
                bail!(
                    "{} belongs to another config or format (hash {}, this one is {hash}); choose another --out. Nothing was changed",
                    path.display(),
                    header.config_hash
                );
            }
            runs.extend(lines.filter_map(|l| serde_json::from_str::<CurveRun>(l).ok()));
        }
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .with_context(|| format!("cannot open {} for appending", path.display()))?;
        if !exists {
            let h = serde_json::to_string(&Header { depthsep_experiment_log: FORMAT, config_hash: hash.to_string() })?;
            file.write_all(format!("{h}\n").as_bytes()).with_context(|| format!("cannot write {}", path.display()))?;
            file.sync_data()?;
        } else if !std::fs::read(path)?.ends_with(b"\n") {
            file.write_all(b"\n").with_context(|| format!("cannot write {}", path.display()))?;
        }
        Ok((Self { path: path.to_path_buf(), file }, runs))
    }

    /// Append one finished run and sync it.
    pub fn append(&mut self, run: &CurveRun) -> anyhow::Result<()> {
        let mut line = serde_json::to_string(run)?;
        line.push('\n');
        let ctx = || format!("cannot append to {}", self.path.display());
        self.file.write_all(line.as_bytes()).with_context(ctx)?;
        self.file.sync_data().with_context(ctx)
    }
}
