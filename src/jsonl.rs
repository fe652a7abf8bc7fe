//! An append-only log of JSON lines with a header, shared by the suite's run log and an
//! experiment's: the first line names the log's kind, its format and the config hash; a log of
//! another config or format is refused and left untouched. On reopening, every complete record is
//! read back; an unparseable line (typically the torn last line of a killed run) is skipped and
//! counted, so its run is redone. A log that is empty or holds only part of its own header (a run
//! killed between creating the file and writing its first line) holds no record and is started anew;
//! any other log without a readable header is refused and left untouched. Each record is synced to the disk (`fdatasync`) as it is appended,
//! so a power cut loses at most the record being written.

use anyhow::{Context, bail};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::io::Write;
use std::path::{Path, PathBuf};

/// An open log, appending.
pub struct JsonLog {
    path: PathBuf,
    file: std::fs::File,
    what: String,
}

impl JsonLog {
    /// Open (or create) the log at `path` whose header is `{"<kind>": format, "config_hash": hash}`
    /// (`what` names it in errors, e.g. "run log"); returns it, the records already in it, and the
    /// number of unreadable lines skipped.
    pub fn open<R: DeserializeOwned>(
        path: &Path,
        (what, kind, format): (&str, &str, u32),
        hash: &str,
    ) -> anyhow::Result<(Self, Vec<R>, usize)> {
        let mut records = Vec::new();
        let mut skipped = 0;
        let header_line = format!("{{\"{kind}\":{format},\"config_hash\":{}}}\n", serde_json::to_string(hash)?);
        let mut exists = path.exists();
        if exists {
            let bytes = std::fs::read(path).with_context(|| format!("cannot read {what} {}", path.display()))?;
            if !bytes.contains(&b'\n') && header_line.as_bytes().starts_with(&bytes) {
                // Empty, or a header torn by a kill between creating the log and writing its first
                // line: no record can be in it, so it is written anew.
                eprintln!(
                    "note: {what} {} has no complete header (a run killed as it started); starting it anew",
                    path.display()
                );
                std::fs::remove_file(path).with_context(|| format!("cannot remove {}", path.display()))?;
                exists = false;
            }
        }
        if exists {
            let bytes = std::fs::read(path).with_context(|| format!("cannot read {what} {}", path.display()))?;
            let text = String::from_utf8_lossy(&bytes);
            let mut lines = text.lines();
            let header: serde_json::Value = lines
                .next()
                .and_then(|l| serde_json::from_str(l).ok())
                .filter(|h: &serde_json::Value| h.get(kind).is_some())
                .with_context(|| {
                    format!("{} is not a depthsep {what} (bad header); it was left untouched", path.display())
                })?;
            let found = header[kind].as_u64().unwrap_or(0);
            if found != u64::from(format) {
                bail!(
                    "{what} {} has format {found} (this depthsep reads format {format}): it was written by another \
                     version and cannot be resumed; move it away (with its results.json) and rerun. Nothing was changed",
                    path.display()
                );
            }
            let theirs = header["config_hash"].as_str().unwrap_or("?");
            if theirs != hash {
                bail!(
                    "{what} {} belongs to a different config (hash {theirs}, this one is {hash}); choose another --out. \
                     Nothing was changed",
                    path.display()
                );
            }
            for line in lines {
                match serde_json::from_str::<R>(line) {
                    Ok(r) => records.push(r),
                    Err(_) => skipped += 1,
                }
            }
        }
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .with_context(|| format!("cannot open {what} {} for appending", path.display()))?;
        if !exists {
            file.write_all(header_line.as_bytes())
                .with_context(|| format!("cannot write {what} {}", path.display()))?;
            file.sync_data().with_context(|| format!("cannot sync {what} {}", path.display()))?;
            crate::durable::sync_dir(path)?;
        } else if !std::fs::read(path)?.ends_with(b"\n") {
            // A torn last line: end it so the next record starts on a line of its own.
            file.write_all(b"\n").with_context(|| format!("cannot write {}", path.display()))?;
        }
        Ok((Self { path: path.to_path_buf(), file, what: what.to_string() }, records, skipped))
    }

    /// Append one record as a single line and sync it to the disk.
    pub fn append<R: Serialize>(&mut self, record: &R) -> anyhow::Result<()> {
        let mut line = serde_json::to_string(record)?;
        line.push('\n');
        let ctx = || format!("cannot append to {} {}", self.what, self.path.display());
        self.file.write_all(line.as_bytes()).with_context(ctx)?;
        self.file.sync_data().with_context(ctx)
    }
}
