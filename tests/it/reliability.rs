//! The last reliability gaps a new user met (issue 41): sizes refused before anything trains or
//! allocates, a closed pipe ends the printing quietly, an empty run log is started anew, and
//! `RAYON_NUM_THREADS` is honoured.

use depthsep::suite::builtin;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};

fn tiny() -> String {
    builtin("tiny").unwrap().to_string()
}

fn depthsep(args: &[&str], dir: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_depthsep"))
        .args(args)
        .current_dir(dir)
        .env_remove("RAYON_NUM_THREADS")
        .output()
        .unwrap()
}

/// Run the config `text` into `dir/out`; its stderr, after checking the run failed.
fn refused(text: &str, dir: &Path) -> String {
    std::fs::write(dir.join("cfg.toml"), text).unwrap();
    let o = depthsep(&["run", "--suite", "cfg.toml", "--out", "out"], dir);
    assert!(!o.status.success(), "accepted: {text}");
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn absurd_sizes_are_refused_naming_the_field_before_anything_trains_or_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let cases: Vec<(String, &[&str])> = vec![
        // Once an allocation of 16 TB that aborted the process and left its lock behind.
        (
            tiny().replace("metric = \"nmse\"", "metric = \"nmse\"\neval_points = 1000000000000"),
            &["eval_points", "4194304"],
        ),
        // Once refused only after the deep references had trained, naming other fields.
        (tiny().replacen("data_min = 128", "data_min = 1000000000000", 1), &["deep.train.data_min", "16777216"]),
        (tiny().replacen("seeds = 2", "seeds = 100000", 1), &["deep.seeds", "1..=1000"]),
        (tiny().replacen("m_max = 32", "m_max = 10000000", 1), &["shallow[0].m_max", "1..=65536"]),
        (tiny().replacen("steps = 600", "steps = 1000000000000", 1), &["deep.train.steps", "100000000"]),
        // Each field fine alone, the training set too big together: 2^20 points per piece of
        // sawtooth k=3's 8 pieces is 2^23, within the limit; k=3 at 2^22 per piece is not.
        (
            tiny().replacen("data_per_piece = 32, data_min = 256", "data_per_piece = 4194304, data_min = 256", 1),
            &["shallow[0].train.data_per_piece", "sawtooth k=3", "8 pieces", "33554432"],
        ),
    ];
    for (text, needles) in cases {
        let stderr = refused(&text, dir.path());
        for n in needles {
            assert!(stderr.contains(n), "missing `{n}` in: {stderr}");
        }
        let out = dir.path().join("out");
        let left: Vec<_> =
            std::fs::read_dir(&out).map(|d| d.flatten().map(|e| e.file_name()).collect()).unwrap_or_default();
        assert!(left.is_empty(), "{needles:?}: the refused run wrote {left:?}");
    }
}

#[test]
fn a_closed_pipe_ends_the_printing_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let net = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/pytorch/delta3.safetensors");
    for args in [
        vec!["inspect".to_string(), net.display().to_string(), "--figure".into(), "f.svg".into()],
        vec!["bounds".into(), "--k-max".into(), "12".into(), "--eps".into(), "0.1".into()],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_depthsep"))
            .args(&args)
            .current_dir(dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // `| head -c 1`: read one byte, then close the pipe.
        let mut stdout = child.stdout.take().unwrap();
        let mut one = [0u8; 1];
        stdout.read_exact(&mut one).unwrap();
        drop(stdout);
        let mut stderr = String::new();
        child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
        let status = child.wait().unwrap();
        assert!(status.success(), "{args:?}: {status:?}, {stderr}");
        assert!(!stderr.contains("panicked") && !stderr.contains("Broken pipe"), "{args:?}: {stderr}");
    }
    // The command went on after the pipe closed: inspect still wrote its figure.
    assert!(dir.path().join("f.svg").exists());
}

#[test]
fn an_empty_or_torn_header_run_log_is_started_anew_and_anything_else_is_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    assert!(depthsep(&["run", "--suite", "tiny", "--out", "out"], dir.path()).status.success());
    let whole = std::fs::read_to_string(out.join("runs.jsonl")).unwrap();
    let header = whole.lines().next().unwrap().to_string();
    // Killed after creating the log, within or after writing its header line (not its newline).
    for start in [String::new(), header[..10].to_string(), header.clone()] {
        std::fs::write(out.join("runs.jsonl"), &start).unwrap();
        let _ = std::fs::remove_file(out.join("results.json"));
        let o = depthsep(&["run", "--suite", "tiny", "--out", "out"], dir.path());
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert!(o.status.success(), "{start:?}: {stderr}");
        assert!(stderr.contains("no complete header"), "{start:?}: says what it did: {stderr}");
        let log = std::fs::read_to_string(out.join("runs.jsonl")).unwrap();
        assert!(log.starts_with("{\"depthsep_run_log\":") && log.lines().count() > 10, "{start:?}: {log}");
    }
    // A log whose first line is something else is refused and kept.
    let other = "not a log\n{\"x\":1}\n";
    std::fs::write(out.join("runs.jsonl"), other).unwrap();
    std::fs::remove_file(out.join("results.json")).unwrap();
    let o = depthsep(&["run", "--suite", "tiny", "--out", "out"], dir.path());
    assert!(!o.status.success() && String::from_utf8_lossy(&o.stderr).contains("bad header"));
    assert_eq!(std::fs::read_to_string(out.join("runs.jsonl")).unwrap(), other);
}

#[test]
fn rayon_num_threads_is_honoured_and_a_bad_value_names_it_and_the_flag() {
    use depthsep::cli::threads_from;
    let cores = std::thread::available_parallelism().unwrap().get();
    assert_eq!(threads_from(Some(3), Some("5")).unwrap(), 3, "--threads wins");
    assert_eq!(threads_from(None, Some("5")).unwrap(), 5);
    assert_eq!(threads_from(None, Some("0")).unwrap(), cores, "0 is rayon's every core");
    assert_eq!(threads_from(None, None).unwrap(), cores);
    let e = threads_from(None, Some("many")).unwrap_err().to_string();
    assert!(e.contains("RAYON_NUM_THREADS=many") && e.contains("--threads"), "{e}");
    assert!(threads_from(Some(0), None).unwrap_err().to_string().contains("--threads 0"));
    // End to end: the run records the threads it used.
    let dir = tempfile::tempdir().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_depthsep"))
        .args(["run", "--suite", "tiny", "--out", "out"])
        .current_dir(dir.path())
        .env("RAYON_NUM_THREADS", "1")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let r = depthsep::results::Results::read(&dir.path().join("out/results.json")).unwrap();
    assert_eq!(r.provenance.threads, 1);
}
