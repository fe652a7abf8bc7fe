//! Your own net and your own target: the committed PyTorch example, `inspect`, `search --net`,
//! `family = "file"` suites, and one clear error per bad file.

use depthsep::family::{Objective, Target, TargetSpec};
use depthsep::net::{Mlp, torch};
use depthsep::suite::{RunOptions, SuiteConfig, run_suite};
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn example() -> PathBuf {
    root().join("examples/pytorch/delta3.safetensors")
}

fn depthsep(args: &[&str], dir: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_depthsep")).args(args).current_dir(dir).output().unwrap()
}

/// `net` has the exact pieces, the values (within 1e-5: PyTorch computed in f32) and the nMSE
/// against Δ³ (within 1% of a grid estimate) that its script printed into `printed_json`.
pub(crate) fn check_what_its_script_printed(net: &Mlp, printed_json: &Path) {
    let printed: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(printed_json).unwrap()).unwrap();
    let pwl = depthsep::net::pieces::pwl_of(net).unwrap();
    assert_eq!(
        pwl.pieces() as u64,
        printed["pieces_on_grid"].as_u64().unwrap(),
        "exact pieces = the script's grid count"
    );
    let probes: Vec<f64> = printed["probes"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
    let mut ys = vec![0.0; probes.len()];
    net.forward(&probes, &mut ys);
    for ((x, y), want) in probes.iter().zip(&ys).zip(printed["values"].as_array().unwrap()) {
        // PyTorch computed in f32; depthsep in f64 from the same f32 weights.
        let want = want.as_f64().unwrap();
        assert!((y - want).abs() <= 1e-5, "f({x}) = {y}, the script printed {want}");
    }
    let target = depthsep::family::sawtooth::Sawtooth::new(3).unwrap();
    let nmse = target.pwl().unwrap().errors(&pwl).mse / target.variance();
    let grid = printed["nmse_on_grid"].as_f64().unwrap();
    assert!((nmse / grid - 1.0).abs() < 0.01, "exact nMSE {nmse:e} against the script's grid estimate {grid:e}");
}

#[test]
fn the_committed_pytorch_net_has_the_pieces_and_values_its_script_printed() {
    let net = torch::load(&example(), None).unwrap();
    assert_eq!(net.dims(), [1, 32, 32, 32, 1]);
    check_what_its_script_printed(&net, &root().join("examples/pytorch/expected.json"));
}

#[test]
fn inspect_prints_the_exact_pieces_against_the_bound_and_the_errors() {
    let dir = tempfile::tempdir().unwrap();
    let fig = dir.path().join("net.svg");
    let out = depthsep(
        &["inspect", example().to_str().unwrap(), "--target", "sawtooth:k=3", "--figure", fig.to_str().unwrap()],
        dir.path(),
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.contains("exact linear pieces on [0, 1]: 33 (depth-width bound ∏(n_l + 1) = 35937)"), "{text}");
    assert!(text.contains("m in [32, 33]"), "{text}");
    assert!(text.contains("errors against sawtooth k=3 (exact"), "{text}");
    assert!(std::fs::read_to_string(&fig).unwrap().starts_with("<svg"));
}

#[test]
fn search_net_prints_mstar_per_trainer_with_the_bracket() {
    let dir = tempfile::tempdir().unwrap();
    let out = depthsep(
        &[
            "search",
            "--net",
            example().to_str().unwrap(),
            "--floors",
            "0.1",
            "--seeds",
            "1",
            "--m-max",
            "64",
            "--out",
            "s",
        ],
        dir.path(),
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    for trainer in ["freeknot", "hybrid", "adam"] {
        let row =
            text.lines().find(|l| l.contains(&format!(" {trainer} "))).unwrap_or_else(|| panic!("{trainer}: {text}"));
        assert!(row.starts_with("delta3.safetensors") && row.contains("[4, 7]"), "{row}");
    }
    // The net is the target: its own error is 0, so τ is the floor.
    let res = depthsep::results::Results::read(&dir.path().join("s/results.json")).unwrap();
    let r = &res.targets[0].references[0];
    assert_eq!((r.error, r.params), (Some(0.0), 2209));
    for s in &r.searches {
        assert_eq!(s.tau, 0.1);
        if let Some(m) = s.m_star.width() {
            assert!(m >= s.bracket.unwrap().lower, "{}: m* {m} below the certified lower end", s.trainer);
        }
    }
}

/// A Telgarsky net of depth 2 (Δ²) saved as PyTorch would, and the knots of Δ².
fn files(dir: &Path) -> (String, String) {
    let t = depthsep::family::sawtooth::Sawtooth::new(2).unwrap();
    let net = dir.join("d2.safetensors");
    std::fs::write(&net, torch::to_bytes(&t.construct_deep().unwrap().net, "").unwrap()).unwrap();
    let knots = dir.join("d2.knots");
    std::fs::write(&knots, "x,y\n0,0\n0.25,1\n0.5,0\n0.75,1\n1,0\n").unwrap();
    (net.to_str().unwrap().to_string(), knots.to_str().unwrap().to_string())
}

const FREEKNOT: &str = r#"
[[shallow]]
seeds = 1
m_max = 16
train = { optimizer = { kind = "freeknot" } }
"#;

fn config(targets: &str, extra: &str) -> SuiteConfig {
    let text = format!(
        r#"name = "own"
master_seed = 3
metric = "nmse"
floors = [1e-1, 1e-2]
references = ["constructed"]
{targets}
[deep]
width = 2
depth = "k"
seeds = 1
train = {{ steps = 100, eval_every = 50, optimizer = {{ kind = "adam", lr = 1e-2, schedule = {{ kind = "constant" }} }} }}
{extra}
[[shallow]]
seeds = 1
m_max = 16
train = {{ steps = 200, eval_every = 50, sampled = {{ min = 1024, per_param = 1, batch = 256 }}, optimizer = {{ kind = "hybrid", lsq_every = 50, lr = 1e-2, schedule = {{ kind = "constant" }} }} }}
"#
    );
    SuiteConfig::from_toml(&text, "test").unwrap()
}

#[test]
fn a_file_family_suite_runs_and_its_results_redraw_like_any_family() {
    let dir = tempfile::tempdir().unwrap();
    let (net, knots) = files(dir.path());
    let cfg = config(&format!("[[targets]]\nfamily = \"file\"\nknots = {knots:?}\nnet = {net:?}\n"), FREEKNOT);
    let out = dir.path().join("run");
    let res = run_suite(&cfg, &RunOptions { out: out.clone(), threads: 2, progress: false, shard: None }).unwrap();
    let t = &res.targets[0];
    assert_eq!((t.dim, t.references[0].error), (1, Some(0.0)), "the Telgarsky net is Δ² exactly");
    let fk = t.references[0].searches.iter().find(|s| s.trainer.name() == "freeknot" && s.floor == 1e-2).unwrap();
    assert_eq!(fk.bracket.map(|b| b.upper), Some(4), "Δ²'s 3 kinks as ReLU weights: 4 units");
    depthsep::report::write_report(&res, &out).unwrap();
    let read = depthsep::results::Results::read(&out.join("results.json")).unwrap();
    let again = dir.path().join("again");
    std::fs::create_dir_all(&again).unwrap();
    depthsep::report::write_report(&read, &again).unwrap();
    for f in ["summary.md", "headline.md", "mstar.svg", "methods.md"] {
        assert_eq!(std::fs::read(out.join(f)).unwrap(), std::fs::read(again.join(f)).unwrap(), "{f} redraws");
    }
    assert!(std::fs::read_to_string(out.join("methods.md")).unwrap().contains("d2.knots + d2.safetensors"));
}

#[test]
fn d_input_samples_hold_out_every_fifth_row_and_are_measured_with_intervals() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("x1,x2,y\n");
    for i in 0..40 {
        for j in 0..40 {
            let (a, b) = (i as f64 / 39.0, j as f64 / 39.0);
            csv += &format!("{a},{b},{}\n", a.max(b));
        }
    }
    let path = dir.path().join("max2.csv");
    std::fs::write(&path, csv).unwrap();
    // max(a, b) = relu(a − b) + relu(b) on [0, 1]²: the deep reference, exact.
    let net = Mlp::from_params(&[2, 2, 1], &[1.0, -1.0, 0.0, 1.0, 0.0, 0.0, 1.0, 1.0, 0.0]).unwrap();
    let net_path = dir.path().join("max.safetensors");
    std::fs::write(&net_path, torch::to_bytes(&net, "net.").unwrap()).unwrap();
    let spec = TargetSpec::File(depthsep::family::file::FileSpec {
        samples: Some(path.to_str().unwrap().into()),
        net: Some(net_path.to_str().unwrap().into()),
        ..Default::default()
    });
    spec.validate().unwrap();
    let target = spec.build_all().unwrap().pop().unwrap();
    assert_eq!(target.dim(), 2);
    let held: Vec<f64> = target.sample_heldout(5000, &mut depthsep::rng::run_rng(0, "h"));
    let train: Vec<f64> = target.sample(5000, &mut depthsep::rng::run_rng(0, "t"));
    let key = |p: &[f64]| (p[0].to_bits(), p[1].to_bits());
    let held: std::collections::HashSet<_> = held.chunks(2).map(key).collect();
    assert!(train.chunks(2).all(|p| !held.contains(&key(p))), "no training point is a held-out row");
    assert!(held.len() > 250, "{} distinct held-out rows of 320", held.len());
    let cfg = config(&format!("[[targets]]\nfamily = \"file\"\nsamples = {path:?}\nnet = {net_path:?}\n"), "");
    let res =
        run_suite(&cfg, &RunOptions { out: dir.path().join("run"), threads: 2, progress: false, shard: None }).unwrap();
    let r = &res.targets[0].references[0];
    assert!(r.error.unwrap() < 1e-20, "the max net is exact on every row: {:?}", r.error);
    let hybrid = r.searches.iter().find(|s| s.trainer.name() == "hybrid").unwrap();
    assert!(
        hybrid.m_star.width().is_some_and(|m| m <= 8),
        "max of 2 inputs to nMSE 0.1 in a few units: {:?}",
        hybrid.m_star
    );
    let run = res.targets[0].shallow_runs.first().expect("hybrid ran");
    assert!(run.interval.is_some(), "sampled errors carry their interval");
}

/// The error of loading `spec` as a suite target, as text.
fn load_err(spec: depthsep::family::file::FileSpec) -> String {
    format!("{:#}", spec.load().unwrap_err())
}

fn bad_net(dir: &Path, name: &str, tensors: &[(&str, Vec<usize>, Vec<f64>)]) -> String {
    use safetensors::tensor::{Dtype, TensorView};
    let bufs: Vec<(String, Vec<usize>, Vec<u8>)> = tensors
        .iter()
        .map(|(n, s, v)| (n.to_string(), s.clone(), v.iter().flat_map(|x| x.to_le_bytes()).collect()))
        .collect();
    let views: Vec<(String, TensorView)> =
        bufs.iter().map(|(n, s, d)| (n.clone(), TensorView::new(Dtype::F64, s.clone(), d).unwrap())).collect();
    let path = dir.join(name);
    std::fs::write(&path, safetensors::serialize(views, None).unwrap()).unwrap();
    path.to_str().unwrap().to_string()
}

#[test]
fn each_bad_file_gives_one_clear_error_naming_the_tensor_or_line() {
    use depthsep::family::file::FileSpec;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let net = |name: &str, t: &[(&str, Vec<usize>, Vec<f64>)]| FileSpec {
        net: Some(bad_net(d, name, t)),
        ..Default::default()
    };
    let w = |n: usize, m: usize| vec![0.5; n * m];
    let cases: Vec<(FileSpec, &str)> = vec![
        (
            net(
                "nobias.st",
                &[("0.weight", vec![2, 1], w(2, 1)), ("2.weight", vec![1, 2], w(1, 2)), ("2.bias", vec![1], w(1, 1))],
            ),
            "tensor `0.weight` has no bias `0.bias`",
        ),
        (
            net(
                "head.st",
                &[
                    ("0.weight", vec![2, 1], w(2, 1)),
                    ("0.bias", vec![2], w(2, 1)),
                    ("2.weight", vec![2, 2], w(2, 2)),
                    ("2.bias", vec![2], w(2, 1)),
                ],
            ),
            "tensor `2.weight`: the last layer has 2 outputs",
        ),
        (
            net(
                "shape.st",
                &[
                    ("0.weight", vec![3, 1], w(3, 1)),
                    ("0.bias", vec![3], w(3, 1)),
                    ("2.weight", vec![1, 2], w(1, 2)),
                    ("2.bias", vec![1], w(1, 1)),
                ],
            ),
            "tensor `2.weight`: shape [1, 2], expected [n_out, 3]",
        ),
        (
            net(
                "nan.st",
                &[
                    ("0.weight", vec![2, 1], vec![0.5, f64::NAN]),
                    ("0.bias", vec![2], w(2, 1)),
                    ("2.weight", vec![1, 2], w(1, 2)),
                    ("2.bias", vec![1], w(1, 1)),
                ],
            ),
            "tensor `0.weight`: entry 1 is NaN",
        ),
        (
            net(
                "keys.st",
                &[
                    ("encoder.weight", vec![1, 1], w(1, 1)),
                    ("encoder.bias", vec![1], w(1, 1)),
                    ("norm.running_mean", vec![1], w(1, 1)),
                ],
            ),
            "`norm.running_mean` is not an nn.Linear's weight or bias: depthsep measures plain ReLU MLPs",
        ),
        (
            FileSpec { knots: Some(write(d, "u.knots", "0,0\n0.6,1\n0.4,0\n1,1\n")), ..Default::default() },
            "line 3: x = 0.4 does not exceed the x = 0.6",
        ),
        (
            FileSpec { samples: Some(write(d, "inf.csv", "a,b,y\n0,0,1\n0.5,0.5,inf\n")), ..Default::default() },
            "line 3: `inf` is not finite",
        ),
        (
            FileSpec { knots: Some(write(d, "empty.knots", "# nothing here\n")), ..Default::default() },
            "the file has no data lines",
        ),
        (
            FileSpec { samples: Some(write(d, "junk.csv", "x,y\n0,1\n0.5,zero\n1,2\n")), ..Default::default() },
            "line 3: `zero` is not a number",
        ),
    ];
    for (spec, want) in cases {
        let e = load_err(spec);
        assert!(e.contains(want), "`{want}` not in: {e}");
    }
    // Through the config: the field is named too.
    let e = TargetSpec::File(FileSpec { knots: Some(write(d, "v.knots", "0,0\n0.5\n1,0\n")), ..Default::default() })
        .validate()
        .unwrap_err()
        .to_string();
    assert!(e.contains("`knots`") && e.contains("line 2: 1 columns"), "{e}");
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.to_str().unwrap().to_string()
}

mod fuzz {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        #[test]
        fn random_bytes_and_truncations_never_panic_the_net_reader(
            bytes in prop::collection::vec(any::<u8>(), 0..512),
            cut in 0usize..10_000,
            header_len in any::<u64>(),
        ) {
            let _ = torch::from_bytes(&bytes, None);
            let good = std::fs::read(example()).unwrap();
            let _ = torch::from_bytes(&good[..cut.min(good.len())], None);
            // A header length past the file (or absurdly large).
            let mut huge = header_len.to_le_bytes().to_vec();
            huge.extend_from_slice(&good[8..good.len().min(200)]);
            let _ = torch::from_bytes(&huge, None);
        }

        #[test]
        fn random_text_never_panics_the_knots_and_samples_parsers(text in "[-0-9.,eE \\nxyinfNa#]{0,300}") {
            let dir = tempfile::tempdir().unwrap();
            let p = write(dir.path(), "f.txt", &text);
            let _ = depthsep::family::file::FileSpec { knots: Some(p.clone()), ..Default::default() }.load();
            let _ = depthsep::family::file::FileSpec { samples: Some(p), ..Default::default() }.load();
        }
    }

    #[test]
    fn binary_and_huge_line_files_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("bin.knots");
        std::fs::write(&p, [0xff, 0xfe, 0x00, 0x41]).unwrap();
        let e = format!(
            "{:#}",
            depthsep::family::file::FileSpec { knots: Some(p.to_str().unwrap().into()), ..Default::default() }
                .load()
                .unwrap_err()
        );
        assert!(e.contains("line 1: not UTF-8"), "{e}");
        let long = write(dir.path(), "long.csv", &format!("{}\n", "1,".repeat(50_000)));
        let e = format!(
            "{:#}",
            depthsep::family::file::FileSpec { samples: Some(long), ..Default::default() }.load().unwrap_err()
        );
        assert!(e.contains("line 1: longer than"), "{e}");
    }
}

#[test]
fn the_example_suite_runs_from_the_repository_root_and_bounds_read_the_net() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("own");
    let run = depthsep(&["run", "--suite", "examples/pytorch/suite.toml", "--out", out.to_str().unwrap()], root());
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let res = depthsep::results::Results::read(&out.join("results.json")).unwrap();
    let errors: Vec<Option<f64>> = res.targets.iter().map(|t| t.references[0].error).collect();
    assert!(errors[0].is_some_and(|e| (e / 1.9937e-6 - 1.0).abs() < 1e-3), "against Δ³: {errors:?}");
    assert_eq!(errors[1], Some(0.0), "the net against itself");
    let b = depthsep(&["bounds", "--net", example().to_str().unwrap(), "--metric", "sup", "--eps", "0,0.01"], root());
    let text = String::from_utf8_lossy(&b.stdout);
    assert!(b.status.success() && text.contains("[32, 33]") && text.contains("[8, 8]"), "{text}");
    let e = depthsep(&["search", "--target", "sawtooth:k=2"], dir.path());
    assert!(String::from_utf8_lossy(&e.stderr).contains("--target without --net: add --trained"));
}
