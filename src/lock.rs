//! A lock on an output folder: one writer at a time. `run` and `experiment` hold it while they
//! write, so a second run started into the same folder (an easy job-array mistake) is refused with
//! an error naming the holder instead of redoing all the work beside it.
//!
//! The lock is the file `.depthsep.lock` under an exclusive advisory lock (`flock`, through
//! [`std::fs::File::try_lock`]) held for as long as the writer runs; the file holds the holder's
//! process id, host and start time, so a refusal can name it. The kernel releases the lock when its
//! holder ends in any way (an error, `kill -9`, a crash), so a lock file left behind (stale, empty,
//! or naming a process that is gone or another program that got its pid) is simply taken over, with
//! a note; there is no guess about whether a process is alive, and two runs that start at once on a
//! stale file cannot both win: the loser is refused naming the winner. The holder removes the file
//! as it ends; a process that locked a file just removed checks that its file is still the one at
//! the path and otherwise tries again.

use anyhow::Context;
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

/// The lock file's name inside the folder.
pub const LOCK_FILE: &str = ".depthsep.lock";

/// A held lock; dropping it releases the folder.
#[derive(Debug)]
pub struct DirLock {
    path: PathBuf,
    /// The locked file: the lock lives as long as this handle.
    _file: std::fs::File,
}

fn host() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname").map_or_else(|_| "this host".into(), |h| h.trim().to_string())
}

/// How long a locked lock file is given to receive its holder's line (it is locked, then written)
/// before a refusal names whatever it holds.
const EMPTY_GRACE: std::time::Duration = std::time::Duration::from_millis(500);

/// Whether `file` is still the file at `path` (same device and inode): a process that locked a
/// file its holder removed meanwhile must try again on the new one.
fn same_file(file: &std::fs::File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
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
        for _ in 0..16 {
            let mut file = std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .with_context(|| format!("cannot create {}", path.display()))?;
            match file.try_lock() {
                Ok(()) => {
                    if !same_file(&file, &path) {
                        continue;
                    }
                    let mut old = String::new();
                    let _ = file.read_to_string(&mut old);
                    if !old.trim().is_empty() {
                        let pid = old.split(' ').next().unwrap_or("?");
                        eprintln!(
                            "note: {} was left by process {pid}, which holds it no longer; taking it over",
                            path.display()
                        );
                    }
                    let ctx = || format!("cannot write {}", path.display());
                    file.set_len(0).with_context(ctx)?;
                    file.rewind().with_context(ctx)?;
                    file.write_all(me.as_bytes()).with_context(ctx)?;
                    return Ok(Self { path, _file: file });
                }
                Err(std::fs::TryLockError::WouldBlock) => {
                    let holder = read_holder(&mut file);
                    let mut parts = holder.splitn(4, ' ');
                    let pid = parts.next().filter(|p| !p.trim().is_empty());
                    let (h, since, job) = (parts.next(), parts.next(), parts.next());
                    anyhow::bail!(
                        "output folder {} is in use by another depthsep ({}, process {} on {}, since {}); wait for it to \
                         finish or choose another --out",
                        dir.display(),
                        job.unwrap_or("unknown job"),
                        pid.unwrap_or("?"),
                        h.unwrap_or("?"),
                        since.unwrap_or("?"),
                    );
                }
                Err(std::fs::TryLockError::Error(e)) => {
                    return Err(e).with_context(|| format!("cannot lock {}", path.display()));
                }
            }
        }
        anyhow::bail!("cannot lock {}: the lock file keeps being replaced", dir.display())
    }
}

/// The holder's line of a locked file. A holder writes its line just after locking, so for up to
/// [`EMPTY_GRACE`] the file may still be empty or hold the line of the process it took over from;
/// this waits while it does (a line naming a process of this host that no longer runs).
fn read_holder(file: &mut std::fs::File) -> String {
    let start = std::time::Instant::now();
    loop {
        let mut t = String::new();
        let read = file.rewind().and_then(|()| file.read_to_string(&mut t));
        if read.is_err() || !previous(&t) || start.elapsed() >= EMPTY_GRACE {
            return t;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

/// Whether `line` cannot be the current holder's: empty, or naming a process of this host that is
/// gone (Linux; elsewhere only an empty line).
fn previous(line: &str) -> bool {
    let mut parts = line.split(' ');
    let (pid, h) = (parts.next().and_then(|p| p.trim().parse::<u32>().ok()), parts.next());
    match pid {
        None => true,
        Some(pid) => {
            cfg!(target_os = "linux") && h == Some(host().as_str()) && !Path::new(&format!("/proc/{pid}")).exists()
        }
    }
}

impl Drop for DirLock {
    fn drop(&mut self) {
        // Removed while still locked, so a waiting process that then locks the removed file sees
        // it is no longer the one at the path and tries again.
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

    #[test]
    fn an_empty_lock_file_or_one_naming_a_live_process_that_holds_no_lock_is_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        let lock = dir.path().join(LOCK_FILE);
        std::fs::write(&lock, "").unwrap();
        let taken = DirLock::acquire(dir.path(), "after an empty lock").unwrap();
        assert!(std::fs::read_to_string(&lock).unwrap().contains("after an empty lock"));
        drop(taken);
        // Process 1 runs (it always does) but holds no lock on the file.
        std::fs::write(&lock, format!("1 {} 2026-01-01T00:00:00Z old job", host())).unwrap();
        let taken = DirLock::acquire(dir.path(), "after pid 1").unwrap();
        assert!(std::fs::read_to_string(&lock).unwrap().contains("after pid 1"));
        drop(taken);
    }

    #[test]
    fn writers_racing_for_one_stale_lock_leave_one_holder_and_name_it_to_the_others() {
        let dir = tempfile::tempdir().unwrap();
        for round in 0..20 {
            std::fs::write(dir.path().join(LOCK_FILE), format!("0 {} 2026-01-01T00:00:00Z gone", host())).unwrap();
            let barrier = std::sync::Barrier::new(4);
            let outcomes: Vec<anyhow::Result<DirLock>> = std::thread::scope(|s| {
                let handles: Vec<_> = (0..4)
                    .map(|i| {
                        let (b, d) = (&barrier, dir.path());
                        s.spawn(move || {
                            b.wait();
                            DirLock::acquire(d, &format!("racer {i}"))
                        })
                    })
                    .collect();
                handles.into_iter().map(|h| h.join().unwrap()).collect()
            });
            let held = outcomes.iter().filter(|o| o.is_ok()).count();
            assert_eq!(held, 1, "round {round}: {held} holders");
            for e in outcomes.iter().filter_map(|o| o.as_ref().err()) {
                let e = e.to_string();
                assert!(e.contains("in use") && e.contains("racer "), "round {round}: {e}");
            }
        }
    }
}
