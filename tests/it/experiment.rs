//! Experiments: a config error names its field, runs are the same at any thread count, every curve
//! has the whole budget, and results of another config are never overwritten.

use depthsep::experiment::{ExperimentConfig, ExperimentResults, load, run, run_into};

const TINY: &str = r#"
name = "tiny"
about = "a test"
master_seed = 3
target = { family = "ball", d = 3, ramp_milli = 250 }
architectures = [[4], [4, 4]]
seeds = 2
metric = "nmse"
eval_points = 2048
train = { init = "torch", steps = 30, eval_every = 10, sampled = { min = 2048 }, optimizer = { kind = "adam", lr = 1e-2, batch = 64, schedule = { kind = "constant" } } }
"#;

fn in_pool<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap().install(f)
}

#[test]
fn an_experiment_is_the_same_at_one_and_two_threads_and_every_curve_has_the_whole_budget() {
    let cfg = ExperimentConfig::from_toml(TINY).unwrap();
    let a = in_pool(1, || run(&cfg, &|_, _| {}).unwrap());
    let b = in_pool(2, || run(&cfg, &|_, _| {}).unwrap());
    assert_eq!(serde_json::to_string(&a).unwrap(), serde_json::to_string(&b).unwrap());
    assert_eq!(a.runs.len(), 4, "2 architectures × 2 seeds");
    for r in &a.runs {
        let steps: Vec<usize> = r.curve.iter().map(|p| p.0).collect();
        assert_eq!(steps, [10, 20, 30], "{:?} seed {}: one evaluation every 10 steps, none skipped", r.hidden, r.seed);
        assert_eq!(r.last, r.curve[2].1);
        assert!(r.best <= r.last && r.curve.iter().all(|p| p.1 >= r.best));
        assert!(r.data_n >= 2048, "the sampled data rule's floor");
    }
    assert_eq!(a.runs[0].params, 3 * 4 + 4 + 4 + 1);
    assert_eq!(a.runs[2].params, 3 * 4 + 4 + 4 * 4 + 4 + 4 + 1);
    assert_ne!(a.runs[0].curve, a.runs[1].curve, "seeds differ");
}

#[test]
fn a_bad_experiment_config_names_the_field() {
    let cases = [
        (TINY.replace("seeds = 2", "seeds = 0"), "seeds"),
        (TINY.replace("[[4], [4, 4]]", "[[4], []]"), "architectures"),
        (TINY.replace("architectures = [[4], [4, 4]]", "architectures = []"), "architectures"),
        (TINY.replace("d = 3, ramp_milli = 250", "d = 1, ramp_milli = 250"), "target"),
        (TINY.replace("eval_points = 2048", "eval_points = 10"), "eval_points"),
        (
            TINY.replace(
                "kind = \"adam\", lr = 1e-2, batch = 64, schedule = { kind = \"constant\" }",
                "kind = \"greedy\"",
            ),
            "optimizer",
        ),
        (TINY.replace("seeds = 2", "seeds = 2\nsteps = 5"), "steps"),
    ];
    for (text, field) in cases {
        let e = format!("{:#}", ExperimentConfig::from_toml(&text).unwrap_err());
        assert!(e.contains(field), "error for `{field}` does not name it: {e}");
    }
    assert!(load("safran2017").is_ok() && load("safran2017-variant").is_ok(), "the built-in experiments parse");
    assert!(format!("{:#}", load("safran2071").unwrap_err()).contains("safran2017"), "a typo lists the built-in names");
}

#[test]
fn results_of_another_config_are_reported_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = ExperimentConfig::from_toml(&TINY.replace("seeds = 2", "seeds = 1")).unwrap();
    let written = run_into(&cfg, dir.path(), &|_, _| {}).unwrap();
    assert_eq!(written.len(), 3, "results.json, curves.svg, curves.md");
    let md = std::fs::read_to_string(dir.path().join("curves.md")).unwrap();
    assert!(md.contains("| 3→4→1 |") && md.contains("| 3→4→4→1 |"), "{md}");
    let before = std::fs::read(dir.path().join("results.json")).unwrap();
    // The same config again: redrawn from the stored results, not rerun.
    run_into(&cfg, dir.path(), &|_, _| panic!("rerun")).unwrap();
    // Another config: an error, the file untouched.
    let other = ExperimentConfig::from_toml(&TINY.replace("master_seed = 3", "master_seed = 4")).unwrap();
    let e = run_into(&other, dir.path(), &|_, _| {}).unwrap_err().to_string();
    assert!(e.contains("another config") && e.contains("not overwritten"), "{e}");
    std::fs::write(dir.path().join("results.json"), "{ truncated").unwrap();
    let e = format!("{:#}", run_into(&cfg, dir.path(), &|_, _| {}).unwrap_err());
    assert!(e.contains("not an experiment's results"), "{e}");
    assert_eq!(std::fs::read(dir.path().join("results.json")).unwrap(), b"{ truncated");
    let stored: ExperimentResults = serde_json::from_slice(&before).unwrap();
    assert_eq!(stored.config, cfg, "the document records the config it ran");
}

#[test]
fn the_committed_variant_redraws_byte_for_byte_and_shows_what_the_readme_says() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("reports/safran2017-variant");
    let res: ExperimentResults =
        serde_json::from_str(&std::fs::read_to_string(dir.join("results.json")).unwrap()).unwrap();
    assert_eq!(res.config, load("safran2017-variant").unwrap(), "the committed results are of the built-in config");
    for (name, text) in [
        ("curves.svg", depthsep::experiment::figure::svg_text(&res).unwrap()),
        ("curves.md", depthsep::experiment::figure::markdown(&res).unwrap()),
    ] {
        assert!(std::fs::read_to_string(dir.join(name)).unwrap() == text, "{}/{name} is stale", dir.display());
    }
    // The README's reading: the two-hidden-layer net ends below every one-hidden-layer net in every
    // seed, although the widest one-hidden-layer net has more parameters.
    let last = |h: &[usize]| res.runs.iter().filter(|r| r.hidden == h).map(|r| r.last).collect::<Vec<f64>>();
    let deep = last(&[100, 100]);
    let deep_worst = deep.iter().copied().fold(0.0, f64::max);
    for w in [100usize, 200, 400, 800, 1600] {
        let best_shallow = last(&[w]).into_iter().fold(f64::INFINITY, f64::min);
        assert!(deep_worst < best_shallow / 2.0, "width {w}: {best_shallow} vs deep {deep_worst}");
    }
    let p = |h: &[usize]| res.runs.iter().find(|r| r.hidden == h).unwrap().params;
    assert!(p(&[1600]) > p(&[100, 100]));
}

#[test]
fn an_interrupted_experiment_resumes_from_its_run_log_without_redoing_finished_runs() {
    let cfg = ExperimentConfig::from_toml(TINY).unwrap();
    let whole = tempfile::tempdir().unwrap();
    run_into(&cfg, whole.path(), &|_, _| {}).unwrap();
    let log = std::fs::read_to_string(whole.path().join("runs.jsonl")).unwrap();
    let lines: Vec<&str> = log.lines().collect();
    assert_eq!(lines.len(), 1 + 4, "a header and one line per finished run");
    // Interrupted after two runs, the second line torn mid-write: one run is kept, three are redone.
    let cut = tempfile::tempdir().unwrap();
    let torn = format!("{}\n{}\n{}", lines[0], lines[1], &lines[2][..lines[2].len() / 2]);
    std::fs::write(cut.path().join("runs.jsonl"), torn).unwrap();
    let trained = std::sync::atomic::AtomicUsize::new(0);
    run_into(&cfg, cut.path(), &|_, _| {
        trained.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    })
    .unwrap();
    assert_eq!(trained.into_inner(), 4, "progress counts every run");
    let a = std::fs::read(whole.path().join("results.json")).unwrap();
    let b = std::fs::read(cut.path().join("results.json")).unwrap();
    assert_eq!(a, b, "the resumed experiment is the same document");
    let relog = std::fs::read_to_string(cut.path().join("runs.jsonl")).unwrap();
    let good = relog.lines().filter(|l| serde_json::from_str::<depthsep::experiment::CurveRun>(l).is_ok()).count();
    assert_eq!(good, 4, "one kept + three redone runs, the torn line skipped");
    // A log of another config is refused and kept.
    let other = tempfile::tempdir().unwrap();
    std::fs::write(other.path().join("runs.jsonl"), "{\"depthsep_experiment_log\":1,\"config_hash\":\"x\"}\n").unwrap();
    let e = run_into(&cfg, other.path(), &|_, _| {}).unwrap_err().to_string();
    assert!(e.contains("different config"), "{e}");
}

const PAPER_FORM: &str = r#"
name = "tiny-paper"
about = "Safran & Shamir's protocol, shrunk"
master_seed = 3
target = { family = "ball", d = 5, ramp_milli = 0, radius_uniform = true }
architectures = [[8], [8, 4]]
seeds = 2
metric = "nmse"
eval_points = 2048
train_error = true
rmse = true
train = { init = "glorot", steps = 40, eval_every = 10, sampled = { min = 3000, per_param = 1, batch = 100 }, optimizer = { kind = "sgd", lr = 0.1, momentum = 0.95, batch = 100, schedule = { kind = "step", factor = 0.95, every = 10, min_lr = 1e-4 } } }
"#;

#[test]
fn the_published_protocol_records_training_and_validation_rmse_and_draws_them_side_by_side() {
    let cfg = ExperimentConfig::from_toml(PAPER_FORM).unwrap();
    let res = run(&cfg, &|_, _| {}).unwrap();
    assert_eq!(res.variance, 0.25, "the indicator with half the mass inside");
    for r in &res.runs {
        assert_eq!(r.data_n, 3000, "a fixed training set of `min` points");
        assert_eq!(r.train_curve.len(), r.curve.len(), "a training error at every evaluation");
        assert!(r.train_curve.iter().all(|v| v.is_finite() && *v > 0.0 && *v < 2.0), "{:?}", r.train_curve);
    }
    let md = depthsep::experiment::figure::markdown(&res).unwrap();
    assert!(md.contains("final training RMSE") && md.contains("| 5→8→4→1 |"), "{md}");
    // The table's training RMSE is √(nMSE · Var f) of the last training error.
    let r0 = res.runs.iter().find(|r| r.hidden == [8, 4]).unwrap();
    let medians: Vec<f64> = {
        let mut v: Vec<f64> = res
            .runs
            .iter()
            .filter(|r| r.hidden == [8, 4])
            .map(|r| (r.train_curve.last().unwrap() * 0.25).sqrt())
            .collect();
        v.sort_by(f64::total_cmp);
        v
    };
    assert!(md.contains(&format!("{:.4}", (medians[0] + medians[1]) / 2.0)), "{md}");
    assert!(r0.params == 5 * 8 + 8 + 8 * 4 + 4 + 4 + 1);
    let svg = depthsep::experiment::figure::svg_text(&res).unwrap();
    assert!(svg.contains("RMSE on the training set") && svg.contains("RMSE on the validation set"));
    // RMSE needs the nMSE metric; momentum must be below 1: each error names its field.
    for (text, field) in [
        (PAPER_FORM.replace("metric = \"nmse\"", "metric = \"l1\""), "rmse"),
        (PAPER_FORM.replace("momentum = 0.95", "momentum = 1.0"), "momentum"),
        (PAPER_FORM.replace("every = 10, min_lr", "every = 0, min_lr"), "schedule.every"),
        (PAPER_FORM.replace("ramp_milli = 0", "ramp_milli = 250"), "ramp_milli"),
    ] {
        let e = format!("{:#}", ExperimentConfig::from_toml(&text).unwrap_err());
        assert!(e.contains(field), "error for `{field}` does not name it: {e}");
    }
}

#[test]
fn the_committed_published_experiment_redraws_byte_for_byte_and_shows_what_the_readme_says() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("reports/safran2017");
    let res: ExperimentResults =
        serde_json::from_str(&std::fs::read_to_string(dir.join("results.json")).unwrap()).unwrap();
    assert_eq!(res.config, load("safran2017").unwrap(), "the committed results are of the built-in config");
    for (name, text) in [
        ("curves.svg", depthsep::experiment::figure::svg_text(&res).unwrap()),
        ("curves.md", depthsep::experiment::figure::markdown(&res).unwrap()),
    ] {
        assert!(std::fs::read_to_string(dir.join(name)).unwrap() == text, "{}/{name} is stale", dir.display());
    }
    let rmse = |v: f64| (v * res.variance).sqrt();
    let runs = |h: &[usize]| res.runs.iter().filter(move |r| r.hidden == h).collect::<Vec<_>>();
    let val = |h: &[usize]| runs(h).iter().map(|r| rmse(r.last)).collect::<Vec<f64>>();
    let train = |h: &[usize]| runs(h).iter().map(|r| rmse(*r.train_curve.last().unwrap())).collect::<Vec<f64>>();
    let max = |v: Vec<f64>| v.into_iter().fold(0.0, f64::max);
    let min = |v: Vec<f64>| v.into_iter().fold(f64::INFINITY, f64::min);
    // The paper's reading: the 3-layer net (100, 20) beats every 2-layer net, on the training and
    // the validation set, in every seed, although the width-800 net has 81 601 parameters to its 12 141.
    for w in [100usize, 200, 400, 800] {
        assert!(max(val(&[100, 20])) < min(val(&[w])), "validation, width {w}");
        assert!(max(train(&[100, 20])) < min(train(&[w])), "training, width {w}");
    }
    assert_eq!((runs(&[800])[0].params, runs(&[100, 20])[0].params), (81_601, 12_141));
    // Where it differs (README): no diminishing returns in width here; doubling 200 → 400 lowers the
    // median validation RMSE more than doubling 100 → 200.
    let med = |h: &[usize]| {
        let mut v = val(h);
        v.sort_by(f64::total_cmp);
        v[1]
    };
    assert!(med(&[200]) - med(&[400]) > med(&[100]) - med(&[200]));
    assert!(med(&[100]) > med(&[200]) && med(&[200]) > med(&[400]) && med(&[400]) > med(&[800]));
}
