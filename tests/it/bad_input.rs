//! Bad configs and results files: one clear error naming the field or file; nothing written is lost.

use depthsep::suite::{SuiteConfig, builtin};
use std::process::Command;

fn tiny() -> String {
    builtin("tiny").unwrap().to_string()
}

fn err(text: &str) -> String {
    SuiteConfig::from_toml(text, "test.toml").expect_err("config must be rejected").to_string()
}

#[test]
fn each_bad_config_names_its_field_and_the_allowed_values() {
    let cases: Vec<(String, &[&str])> = vec![
        (tiny().replace("family = \"sawtooth\"", "family = \"spiral\""), &["spiral", "sawtooth"]),
        (tiny().replace("master_seed = 7", "master_seed = 7\ncolour = 3"), &["colour", "unknown field"]),
        (tiny().replace("k_min = 1", "k_min = 0"), &["targets[0].k_min", "1..=24"]),
        (tiny().replace("k_max = 3", "k_max = 25"), &["targets[0].k_max", "1..=24"]),
        (tiny().replace("k_min = 1\nk_max = 3", "k_min = 3\nk_max = 2"), &["targets[0].k_max", "empty"]),
        (tiny().replace("width = 2", "width = 0"), &["deep.width", "1..=65536"]),
        (tiny().replace("depth = \"k\"", "depth = 0"), &["deep.depth"]),
        (tiny().replace("depth = \"k\"", "depth = \"n\""), &["depth"]),
        (tiny().replacen("lr = 1e-2", "lr = -1e-2", 1), &["deep.train.optimizer.lr", "> 0"]),
        (tiny().replacen("lr = 1e-2", "lr = nan", 2), &["deep.train.optimizer.lr", "finite"]),
        (tiny().replacen("kind = \"hybrid\"", "kind = \"nadam\"", 1), &["nadam", "adam", "hybrid", "sgd", "rmsprop"]),
        (tiny().replacen("lsq_every = 100", "lsq_every = 0", 2), &["deep.train.optimizer.lsq_every", "≥ 1"]),
        (tiny().replacen("lsq_every = 100, ", "", 1), &["lsq_every"]),
        (tiny().replace("floors = [1e-1, 1e-2]", "floors = [1e-1, -1e-2]"), &["floors", "≥ 0"]),
        (tiny().replace("floors = [1e-1, 1e-2]", "floors = []"), &["floors", "non-empty"]),
        (tiny().replacen("m_max = 32", "m_max = 0", 1), &["shallow[0].m_max", "1..=65536"]),
        (
            tiny().replacen("kind = \"adam\"", "kind = \"hybrid\", lsq_every = 10", 1),
            &["shallow[2].train.optimizer.kind", "one [[shallow]] table per trainer"],
        ),
        (
            tiny().replacen(
                "optimizer = { kind = \"hybrid\", lsq_every = 100,",
                "optimizer = { kind = \"freeknot\",",
                1,
            ),
            &["lr", "unknown field"],
        ),
        (
            tiny().replace("kind = \"freeknot\"", "kind = \"freeknot\", local_iters = 0"),
            &["shallow[0].train.optimizer.local_iters"],
        ),
        (
            tiny().replace("max_pieces", "max_piece").replacen("[[shallow]]", "[[shallow]]\nmax_pieces = 0", 1),
            &["shallow[0].max_pieces"],
        ),
        (tiny().replace("metric = \"nmse\"", "metric = \"mae\""), &["mae", "nmse", "l1", "sup"]),
        (
            tiny().replace(
                "data_min = 256, optimizer = { kind = \"freeknot\" }",
                "data_min = 256, dtype = \"f32\", optimizer = { kind = \"freeknot\" }",
            ),
            &["shallow[0].train.dtype", "f32", "adam"],
        ),
        (
            tiny().replacen("data_min = 128, optimizer", "data_min = 128, dtype = \"f16\", optimizer", 1),
            &["f16", "f64", "f32"],
        ),
        (
            tiny()
                .replace("metric = \"nmse\"", "metric = \"sup\"")
                .replace("family = \"sawtooth\"\nk_min = 1\nk_max = 3", "family = \"max\"\nd_min = 2\nd_max = 3"),
            &["metric", "sup", "family \"max\""],
        ),
        (
            tiny().replace("references = [\"constructed\", \"trained\"]", "references = [\"magic\"]"),
            &["magic", "constructed"],
        ),
        (tiny().replacen("steps = 600", "steps = 0", 1), &["deep.train.steps"]),
        (tiny().replacen("[[shallow]]", "[[shallow]]\nseeds_ = 1", 1), &["seeds_"]),
        ("this is = = not toml".to_string(), &["test.toml"]),
    ];
    for (text, needles) in cases {
        let e = err(&text);
        for n in needles {
            assert!(e.contains(n), "error `{e}` should mention `{n}`");
        }
    }
}

fn depthsep(args: &[&str], dir: &std::path::Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_depthsep")).args(args).current_dir(dir).output().unwrap()
}

#[test]
fn a_bad_config_file_loses_nothing_already_written() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    assert!(depthsep(&["run", "--suite", "tiny", "--out", "out"], dir.path()).status.success());
    let before = std::fs::read(out.join("results.json")).unwrap();
    std::fs::write(dir.path().join("bad.toml"), tiny().replace("width = 2", "width = 0")).unwrap();
    let o = depthsep(&["run", "--suite", "bad.toml", "--out", "out"], dir.path());
    assert!(!o.status.success());
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("deep.width"), "{stderr}");
    assert_eq!(std::fs::read(out.join("results.json")).unwrap(), before);
}

#[test]
fn a_broken_results_file_is_reported_and_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    for broken in ["{\"schema_version\": 1, \"provenance\":", "[1, 2, 3]", "{\"schema_version\": 99}"] {
        std::fs::write(out.join("results.json"), broken).unwrap();
        let o = depthsep(&["run", "--suite", "tiny", "--out", "out"], dir.path());
        assert!(!o.status.success());
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert!(stderr.contains("results.json") && stderr.contains("refusing to overwrite"), "{stderr}");
        assert_eq!(std::fs::read_to_string(out.join("results.json")).unwrap(), broken);
    }
}

#[test]
fn results_of_another_config_are_not_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    assert!(depthsep(&["run", "--suite", "tiny", "--out", "out"], dir.path()).status.success());
    let before = std::fs::read(dir.path().join("out/results.json")).unwrap();
    std::fs::write(dir.path().join("other.toml"), tiny().replace("master_seed = 7", "master_seed = 8")).unwrap();
    let o = depthsep(&["run", "--suite", "other.toml", "--out", "out"], dir.path());
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("different config"));
    assert_eq!(std::fs::read(dir.path().join("out/results.json")).unwrap(), before);
}

#[test]
fn cli_argument_errors_name_the_argument() {
    let dir = tempfile::tempdir().unwrap();
    let o = depthsep(&["run", "--threads", "zero"], dir.path());
    assert!(!o.status.success() && String::from_utf8_lossy(&o.stderr).contains("--threads"));
    for args in [&["search", "--k", "0"][..], &["search", "--k", "25"], &["bounds", "--k-max", "0"]] {
        let o = depthsep(args, dir.path());
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert!(!o.status.success() && stderr.contains(args[1]) && !stderr.contains("targets["), "{args:?}: {stderr}");
    }
    let o = depthsep(&["bounds", "--eps=0.1,-1"], dir.path());
    assert!(!o.status.success() && String::from_utf8_lossy(&o.stderr).contains("--eps"));
    let o = depthsep(&["run", "--shard", "5/2"], dir.path());
    assert!(!o.status.success() && String::from_utf8_lossy(&o.stderr).contains("--shard"));
    let o = depthsep(&["merge", "--out", "x"], dir.path());
    assert!(!o.status.success() && String::from_utf8_lossy(&o.stderr).contains("FILES"));
    let o = depthsep(&["run", "--suite", "nosuch"], dir.path());
    assert!(!o.status.success() && String::from_utf8_lossy(&o.stderr).contains("nosuch"));
    // A mistyped built-in name gets a suggestion; a far one does not.
    let o = depthsep(&["run", "--suite", "quik"], dir.path());
    assert!(String::from_utf8_lossy(&o.stderr).contains("did you mean `quick`?"));
    assert!(
        !String::from_utf8_lossy(&depthsep(&["run", "--suite", "nosuch"], dir.path()).stderr).contains("did you mean")
    );
    let o = depthsep(&["experiment", "safran2071"], dir.path());
    assert!(String::from_utf8_lossy(&o.stderr).contains("did you mean `safran2017`?"));
    // A negative number is a bad value of its flag, not an unknown argument.
    for args in
        [&["search", "--k", "3", "--m-max", "-4"][..], &["run", "--threads", "-2"], &["bounds", "--k-max", "-1"]]
    {
        let o = depthsep(args, dir.path());
        let stderr = String::from_utf8_lossy(&o.stderr);
        let flag = args[args.len() - 2];
        assert!(
            !o.status.success() && stderr.contains(flag) && !stderr.contains("unexpected argument"),
            "{args:?}: {stderr}"
        );
    }
    // A target with no bracket in a metric says so (x² has none in L1); an unknown family lists the known.
    let o = depthsep(&["bounds", "--family", "square", "--metric", "l1", "--k-max", "3"], dir.path());
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        !o.status.success() && stderr.contains("square L=1") && stderr.contains("no certified bracket"),
        "{stderr}"
    );
    let o = depthsep(&["bounds", "--family", "spiral"], dir.path());
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success() && stderr.contains("spiral") && stderr.contains("sawtooth, golden"), "{stderr}");
}

#[test]
fn bounds_prints_each_end_with_how_it_was_obtained() {
    let dir = tempfile::tempdir().unwrap();
    let o = depthsep(&["bounds", "--family", "golden", "--metric", "sup", "--k-max", "5", "--eps", "0.1"], dir.path());
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // f^5 has 13 pieces alternating between 0 or 1/φ² and 1: 12 kinks at ε = 0.1, and 12 units
    // carry them (exact); f^3 stays open at [4, 5]; f^2 needs its affine unit (proved).
    assert!(out.contains("golden t=5") && out.contains("[12, 12] b2") && out.contains("[4, 5] b1"), "{out}");
    assert!(
        out.contains("a = K + 1") && out.contains("b = fewest kinks") && out.contains("1 = the minimal-link path"),
        "{out}"
    );
    let o = depthsep(&["bounds", "--k-max", "8", "--eps", "0.1"], dir.path());
    let out = String::from_utf8_lossy(&o.stdout);
    // Δ^8 at nMSE 0.1: the upper end is 231 units carrying 231 kinks (one fewer than the optimised 232),
    // the lower end from the cells chained by value and slope (blocks gave 205); Δ³ closed by the
    // chain with its kinks counted (blocks gave 6).
    assert!(
        out.contains("[223, 231] c2")
            && out.contains("[7, 7] c2")
            && out.contains("blocks of 2–4 cells")
            && out.contains("chained by g's value and slope")
            && out.contains("m units carrying m kinks"),
        "{out}"
    );
}

#[test]
fn a_run_log_or_results_file_of_the_previous_format_is_refused_with_how_to_regenerate() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    let hash = depthsep::suite::load_suite("tiny").unwrap().hash();
    let old_log = format!("{{\"depthsep_run_log\":1,\"config_hash\":\"{hash}\"}}\n");
    std::fs::write(out.join("runs.jsonl"), &old_log).unwrap();
    let o = depthsep(&["run", "--suite", "tiny", "--out", "out"], dir.path());
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success() && stderr.contains("format 1") && stderr.contains("rerun"), "{stderr}");
    assert_eq!(std::fs::read_to_string(out.join("runs.jsonl")).unwrap(), old_log, "left untouched");
    std::fs::remove_file(out.join("runs.jsonl")).unwrap();
    std::fs::write(out.join("results.json"), "{\"schema_version\": 1, \"targets\": []}").unwrap();
    let o = depthsep(&["run", "--suite", "tiny", "--out", "out"], dir.path());
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success() && stderr.contains("older depthsep") && stderr.contains("Regenerate"), "{stderr}");
}

#[test]
fn golden_ratio_parameters_out_of_range_name_their_field() {
    let text =
        tiny().replace("family = \"sawtooth\"\nk_min = 1\nk_max = 3", "family = \"golden\"\nt_min = 0\nt_max = 5");
    let e = err(&text);
    assert!(e.contains("targets[0].t_min") && e.contains("1..=30"), "{e}");
    let text =
        tiny().replace("family = \"sawtooth\"\nk_min = 1\nk_max = 3", "family = \"golden\"\nk_min = 1\nk_max = 5");
    let e = err(&text);
    assert!(e.contains("unknown field") && e.contains("t_min"), "a sawtooth field on the golden family: {e}");
}

#[test]
fn takagi_square_and_max_parameters_out_of_range_name_their_field() {
    let swap = |to: &str| tiny().replace("family = \"sawtooth\"\nk_min = 1\nk_max = 3", to);
    let e = err(&swap("family = \"takagi\"\na = 1\nk_min = 1\nk_max = 3"));
    assert!(e.contains("targets[0].a") && e.contains("2..=64"), "{e}");
    let e = err(&swap("family = \"takagi\"\na = 2\nk_min = 1\nk_max = 21"));
    assert!(e.contains("targets[0].k_max") && e.contains("1..=20"), "{e}");
    let e = err(&swap("family = \"takagi\"\nk_min = 1\nk_max = 3"));
    assert!(e.contains("missing field") && e.contains("`a`"), "the base has no default: {e}");
    let e = err(&swap("family = \"square\"\nl_min = 0\nl_max = 3"));
    assert!(e.contains("targets[0].l_min") && e.contains("1..=12"), "{e}");
    let e = err(&swap("family = \"max\"\nd_min = 1\nd_max = 3"));
    assert!(e.contains("targets[0].d_min") && e.contains("2..=64"), "{e}");
    let e = err(&swap("family = \"max\"\nd_min = 2\nd_max = 65"));
    assert!(e.contains("targets[0].d_max") && e.contains("2..=64"), "{e}");
    let e = err(&tiny().replacen("floors =", "eval_points = 10\nfloors =", 1));
    assert!(e.contains("eval_points") && e.contains("100..=4194304"), "{e}");
}

#[test]
fn a_many_input_suite_refuses_one_d_trainers_and_absurd_data_sizes_naming_the_field() {
    let max = |to: &str| {
        tiny().replace("family = \"sawtooth\"\nk_min = 1\nk_max = 3", "family = \"max\"\nd_min = 2\nd_max = 4") + to
    };
    // freeknot grows 1-D splines: with only d-input targets it is refused, with the trainers that fit.
    let e = err(&max(""));
    assert!(e.contains("shallow[0].train.optimizer.kind") && e.contains("greedy"), "{e}");
    // greedy with only 1-D targets is refused too.
    let e = err(&tiny().replacen("kind = \"freeknot\"", "kind = \"greedy\"", 1));
    assert!(e.contains("shallow[0].train.optimizer.kind") && e.contains("d > 1"), "{e}");
    let ok = max("").replacen("kind = \"freeknot\"", "kind = \"greedy\"", 1);
    assert!(SuiteConfig::from_toml(&ok, "t.toml").is_ok());
    // A zero or absurd data size, and a bad sufficiency check.
    let e = err(&ok.replacen(
        "optimizer = { kind = \"greedy\" }",
        "sampled = { min = 0 }, optimizer = { kind = \"greedy\" }",
        1,
    ));
    assert!(e.contains("shallow[0].train.sampled.min") && e.contains("1024..=16777216"), "{e}");
    let e = err(&ok.replacen(
        "optimizer = { kind = \"greedy\" }",
        "sampled = { per_param = 100000 }, optimizer = { kind = \"greedy\" }",
        1,
    ));
    assert!(e.contains("shallow[0].train.sampled.per_param"), "{e}");
    let e = err(&format!("{ok}\n[sufficiency]\ntargets = [{{ family = \"max\", d = 9 }}]\n"));
    assert!(e.contains("sufficiency.targets") && e.contains("max d=9"), "{e}");
    let e = err(&format!("{ok}\n[sufficiency]\ntargets = [{{ family = \"max\", d = 3 }}]\nfactor = 1\n"));
    assert!(e.contains("sufficiency.factor") && e.contains("2..=8"), "{e}");
}
