//! Faults: kill -9 at many points then resume; failing writes; an unwritable run log.

use depthsep::results::Results;
use depthsep::suite::builtin;
use std::process::{Command, Stdio};
use std::time::Duration;

/// The tiny suite made slower (k up to 5, more steps), so that kills land mid-run.
fn slow_config(dir: &std::path::Path) -> std::path::PathBuf {
    let text = builtin("tiny").unwrap().replace("k_max = 3", "k_max = 5").replace("steps = 600", "steps = 1500");
    let p = dir.join("slow.toml");
    std::fs::write(&p, text).unwrap();
    p
}

fn depthsep(args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_depthsep"));
    c.args(args).stdout(Stdio::null()).stderr(Stdio::piped());
    c
}

fn records(log: &str) -> Vec<String> {
    log.lines().skip(1).filter(|l| serde_json::from_str::<serde_json::Value>(l).is_ok()).map(String::from).collect()
}

#[test]
fn kill_9_at_many_points_loses_no_finished_run_and_resumes_to_identical_results() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = slow_config(dir.path());
    let cfg = cfg.to_str().unwrap();
    let whole = dir.path().join("whole");
    assert!(depthsep(&["run", "--suite", cfg, "--out", whole.to_str().unwrap()]).status().unwrap().success());
    let reference = Results::read(&whole.join("results.json")).unwrap().deterministic_json();

    let out = dir.path().join("killed");
    let log = out.join("runs.jsonl");
    // Kill points (ms after start), fixed so the test is repeatable; each rerun resumes the last.
    let kills = [15u64, 40, 70, 110, 160, 60, 220, 90];
    let mut lost = 0;
    let mut mid_run = 0;
    for ms in kills {
        let before = std::fs::read_to_string(&log).map(|s| records(&s)).unwrap_or_default();
        let mut child = depthsep(&["run", "--suite", cfg, "--out", out.to_str().unwrap()]).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(ms));
        let _ = child.kill(); // SIGKILL: no chance to clean up
        let _ = child.wait();
        let after = std::fs::read_to_string(&log).map(|s| records(&s)).unwrap_or_default();
        lost += before.iter().filter(|r| !after.contains(r)).count();
        let total = records(&std::fs::read_to_string(whole.join("runs.jsonl")).unwrap()).len();
        mid_run += usize::from(after.len() < total);
        eprintln!("kill after {ms} ms: {} finished runs in the log (was {})", after.len(), before.len());
    }
    assert_eq!(lost, 0, "finished runs were lost across kills");
    let total = records(&std::fs::read_to_string(whole.join("runs.jsonl")).unwrap()).len();
    assert!(mid_run >= 3, "only {mid_run} kills landed before the suite's {total} runs were done");
    assert!(depthsep(&["run", "--suite", cfg, "--out", out.to_str().unwrap()]).status().unwrap().success());
    assert_eq!(Results::read(&out.join("results.json")).unwrap().deterministic_json(), reference);
    let keys: Vec<String> = records(&std::fs::read_to_string(&log).unwrap())
        .iter()
        .map(|l| {
            let v = serde_json::from_str::<serde_json::Value>(l).unwrap();
            format!("{} {}", v["id"], v["stop"])
        })
        .collect();
    let unique: std::collections::BTreeSet<_> = keys.iter().collect();
    assert_eq!(unique.len(), keys.len(), "a finished run was redone");
}

#[test]
fn a_failing_results_write_is_a_clear_error_and_keeps_the_earlier_results() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = out.to_str().unwrap();
    assert!(depthsep(&["run", "--suite", "tiny", "--out", o]).status().unwrap().success());
    let before = std::fs::read(out.join("results.json")).unwrap();
    // Block the temporary file's path with a directory: the write fails (even for root).
    std::fs::create_dir(out.join("results.json.tmp")).unwrap();
    let r = depthsep(&["run", "--suite", "tiny", "--out", o]).output().unwrap();
    assert!(!r.status.success());
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert!(stderr.contains("cannot write") && stderr.contains("results.json.tmp"), "{stderr}");
    assert_eq!(std::fs::read(out.join("results.json")).unwrap(), before);
}

#[test]
fn an_unwritable_run_log_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir_all(out.join("runs.jsonl")).unwrap(); // a directory where the log should be
    let r = depthsep(&["run", "--suite", "tiny", "--out", out.to_str().unwrap()]).output().unwrap();
    assert!(!r.status.success());
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert!(stderr.contains("run log") && stderr.contains("runs.jsonl"), "{stderr}");
}

#[test]
fn an_output_path_that_is_a_file_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plain-file");
    std::fs::write(&file, "keep me").unwrap();
    let r = depthsep(&["run", "--suite", "tiny", "--out", file.to_str().unwrap()]).output().unwrap();
    assert!(!r.status.success());
    assert!(String::from_utf8_lossy(&r.stderr).contains("cannot create output folder"));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "keep me");
}

#[test]
fn a_run_without_a_terminal_prints_plain_progress_lines_and_a_bad_interval_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = out.to_str().unwrap();
    // A bad interval is refused before anything is created.
    let r = depthsep(&["run", "--suite", "tiny", "--out", o]).env("DEPTHSEP_PROGRESS_EVERY", "soon").output().unwrap();
    assert!(!r.status.success());
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert!(stderr.contains("DEPTHSEP_PROGRESS_EVERY") && stderr.contains("`soon`"), "{stderr}");
    assert!(!out.exists(), "nothing is created for a refused run");
    // Standard error is a pipe here, not a terminal: plain lines, one after every run at interval 0.
    let r = depthsep(&["run", "--suite", "tiny", "--out", o]).env("DEPTHSEP_PROGRESS_EVERY", "0").output().unwrap();
    assert!(r.status.success());
    let stderr = String::from_utf8_lossy(&r.stderr);
    let lines: Vec<&str> = stderr.lines().filter(|l| l.starts_with("[0:") && l.contains(" tasks: ")).collect();
    let runs = records(&std::fs::read_to_string(out.join("runs.jsonl")).unwrap()).len();
    assert!(lines.len() > runs, "{} progress lines for {runs} runs:\n{stderr}", lines.len());
    assert!(lines.iter().any(|l| l.contains("width searches")), "{stderr}");
}
