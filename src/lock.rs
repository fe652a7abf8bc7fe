//! A lock on an output folder: one writer at a time. `run` and `experiment` hold it while they
//! write, so a second run started into the same folder (an easy job-array mistake) is refused with
//! an error naming the holder instead of redoing all the work beside it.
//!
//! The lock is the file `.depthsep.lock`, created exclusively (`O_EXCL`) and holding the holder's
//! process id, host and start time; it is removed when the holder ends, even on an error. A lock
//! left by a process that no longer runs on this host (a `kill -9`, a power cut) is stale: it is
//! taken over, with a note.

use anyhow::Context;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The lock file's name inside the folder.
pub const LOCK_FILE: &str = ".depthsep.lock";

/// A held lock; dropping it releases the folder.
#[derive(Debug)]
pub struct DirLock {
    path: PathBuf,
}

fn host() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname").map_or_else(|_| "this host".into(), |h| h.trim().to_string())
}

/// Whether process `pid` runs on this host (Linux: /proc; elsewhere assumed alive).
fn alive(pid: u32) -> bool {
    if cfg!(target_os = "linux") { Path::new(&format!("/proc/{pid}")).exists() } else { true }
}

impl DirLock {
    /// Lock `dir` (which must exist) for `what` (e.g. "run of suite `quick`").
    pub fn acquire(dir: &Path, what: &str) -> anyhow::Result<Self> {
        let path = dir.join(LOCK_FILE);
        let me = format!(
            "{} {} {} {}",
            std::process::id(),
            host(),
            humantime::format_rfc3339_seconds(std::time::SystemTime::now()),
            what
        );
        for _ in 0..2 {
            match std::fs::OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(mut f) => {
                    f.write_all(me.as_bytes()).with_context(|| format!("cannot write {}", path.display()))?;
                    return Ok(Self { path });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let holder = std::fs::read_to_string(&path).unwrap_or_default();
                    let mut parts = holder.splitn(4, ' ');
                    let pid = parts.next().and_then(|p| p.parse::<u32>().ok());
                    let (h, since, job) = (parts.next(), parts.next(), parts.next());
                    let same_host = h == Some(host().as_str());
                    if let (Some(pid), true) = (pid, same_host)
                        && !alive(pid)
                    {
                        eprintln!(
                            "note: {} was left by process {pid}, which no longer runs; taking it over",
                            path.display()
                        );
                        std::fs::remove_file(&path)
                            .with_context(|| format!("cannot remove stale {}", path.display()))?;
                        continue;
                    }
                    anyhow::bail!(
                        "output folder {} is in use by another depthsep ({}, process {} on {}, since {}); wait for it to \
                         finish or choose another --out (if no such process runs, delete {})",
                        dir.display(),
                        job.unwrap_or("unknown job"),
                        pid.map_or("?".into(), |p| p.to_string()),
                        h.unwrap_or("?"),
                        since.unwrap_or("?"),
                        path.display()
                    );
                }
                Err(e) => return Err(e).with_context(|| format!("cannot create {}", path.display())),
            }
        }
        anyhow::bail!("cannot lock {}: the lock file keeps reappearing", dir.display())
    }
}

impl Drop for DirLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_writer_is_refused_naming_the_holder_and_a_stale_lock_is_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        let held = DirLock::acquire(dir.path(), "run of suite `tiny`").unwrap();
        let e = DirLock::acquire(dir.path(), "run of suite `tiny`").unwrap_err().to_string();
        assert!(
            e.contains("in use") && e.contains(&std::process::id().to_string()) && e.contains("suite `tiny`"),
            "{e}"
        );
        drop(held);
        assert!(!dir.path().join(LOCK_FILE).exists(), "released on drop");
        // A lock of a process that is gone (pid 0 is never a user process: /proc/0 does not exist).
        std::fs::write(dir.path().join(LOCK_FILE), format!("0 {} 2026-01-01T00:00:00Z old job", host())).unwrap();
        let taken = DirLock::acquire(dir.path(), "new job").unwrap();
        assert!(std::fs::read_to_string(dir.path().join(LOCK_FILE)).unwrap().contains("new job"));
        drop(taken);
    }
}
