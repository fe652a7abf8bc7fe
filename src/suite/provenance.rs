//! Provenance: version, commit, compiler, CPU, threads, times.

use crate::results::Provenance;

/// The current time as RFC 3339 UTC, to the second.
pub fn now_rfc3339() -> String {
    humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()
}

pub(crate) fn git_commit() -> Option<String> {
    let out = std::process::Command::new("git").args(["rev-parse", "HEAD"]).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// The CPU model from /proc/cpuinfo (the architecture name where it has none).
pub fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|s| s.trim().to_string())
        })
        .unwrap_or_else(|| std::env::consts::ARCH.to_string())
}

/// Provenance for a run that started at `started` from source commit `git_commit` (read at start).
pub fn collect(threads: usize, started: String, git_commit: Option<String>) -> Provenance {
    Provenance {
        crate_version: env!("CARGO_PKG_VERSION").to_string(),
        git_commit,
        rustc: env!("DEPTHSEP_RUSTC").to_string(),
        cpu: cpu_model(),
        threads,
        started,
        finished: now_rfc3339(),
        resumed_runs: None,
    }
}
