//! Experiments: fixed architectures trained on one target, with their held-out error recorded at
//! every evaluation, several seeds each. Where a suite searches the minimal shallow width, an
//! experiment replays a published comparison as it was run: shallow nets of growing width against
//! a deeper one, error against training step (`experiments/safran2017.toml` rebuilds Safran &
//! Shamir's unit-ball experiment as published, `safran2017-variant.toml` is a variant of it).
//!
//! Every run (architecture × seed) trains from its own ChaCha8 stream
//! `experiment <name> hidden=<h> seed=<s>` of the master seed, on the target's input distribution
//! and the train table's data rule, so the document is the same bit for bit at any thread count.
//! The held-out error is the suite's Monte Carlo estimate with its 95% interval.

pub mod figure;
mod log;

use crate::family::{Target, TargetId};
use crate::rng::run_rng;
use crate::train::{Evaluator, Metric, TrainSettings, fit};
use crate::validate::{Invalid, check};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// An experiment's config (TOML).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExperimentConfig {
    /// Name: names the RNG streams and the output.
    pub name: String,
    /// What the experiment rebuilds, in one line (printed in the table's header).
    pub about: String,
    /// Master seed.
    pub master_seed: u64,
    /// The target, e.g. `{ family = "ball", d = 8, ramp_milli = 0 }`.
    pub target: TargetId,
    /// Hidden widths of each architecture, e.g. `[[100], [200], [100, 100]]`.
    pub architectures: Vec<Vec<usize>>,
    /// Seeds per architecture.
    pub seeds: u32,
    /// Error metric of the curves.
    pub metric: Metric,
    /// Held-out Monte Carlo points.
    pub eval_points: usize,
    /// How every architecture is trained (the same for all).
    pub train: TrainSettings,
    /// Also record the error on the whole training set at every evaluation (the paper's left panel).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub train_error: bool,
    /// Plot and tabulate the root mean square error √MSE = √(nMSE · Var f) instead of the metric
    /// (needs `metric = "nmse"`), as Safran & Shamir plot it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub rmse: bool,
}

impl ExperimentConfig {
    /// Parse and check a TOML config; errors name the field.
    pub fn from_toml(text: &str) -> anyhow::Result<Self> {
        let cfg: Self = toml::from_str(text)?;
        cfg.validate()?;
        Ok(cfg)
    }

    /// Check every field.
    pub fn validate(&self) -> Result<(), Invalid> {
        check(!self.name.is_empty(), "", "name", &self.name, "a non-empty name")?;
        check((1..=100).contains(&self.seeds), "", "seeds", &self.seeds, "1..=100")?;
        check((1024..=1 << 22).contains(&self.eval_points), "", "eval_points", &self.eval_points, "1024..=4194304")?;
        if let Err(e) = self.target.build() {
            check(false, "", "target", &self.target.to_string(), &format!("a target the registry builds ({e})"))?;
        }
        check(!self.architectures.is_empty(), "", "architectures", &"[]", "at least one list of hidden widths")?;
        for (i, a) in self.architectures.iter().enumerate() {
            let ok = !a.is_empty() && a.len() <= 16 && a.iter().all(|&w| (1..=8192).contains(&w));
            check(ok, "architectures", &i.to_string(), &format!("{a:?}"), "1..=16 hidden widths, each 1..=8192")?;
        }
        check(
            !self.train.optimizer.sweeps(),
            "train",
            "optimizer",
            &self.train.optimizer.name(),
            &format!(
                "a step-by-step trainer: {}",
                crate::train::TrainerId::names_where(|t| t.mode == crate::train::Mode::Step)
            ),
        )?;
        check(
            !self.rmse || self.metric == Metric::Nmse,
            "",
            "rmse",
            &self.rmse,
            "false, or true with metric = \"nmse\"",
        )?;
        self.train.validate("train")
    }

    /// FNV-1a hash of the canonical JSON form.
    pub fn hash(&self) -> String {
        crate::rng::config_hash(self)
    }
}

/// One architecture × seed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CurveRun {
    /// Hidden widths.
    pub hidden: Vec<usize>,
    /// Seed index.
    pub seed: u32,
    /// Parameters of the net.
    pub params: usize,
    /// Training points.
    pub data_n: usize,
    /// (steps taken, held-out error) at every evaluation.
    pub curve: Vec<(usize, f64)>,
    /// Held-out error after the last step.
    pub last: f64,
    /// The lowest held-out error over the evaluations.
    pub best: f64,
    /// Its 95% interval half-width (Monte Carlo).
    pub best_interval: Option<f64>,
    /// With `train_error`: the error on the training set at every evaluation (same metric).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub train_curve: Vec<f64>,
}

/// An experiment's results document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExperimentResults {
    /// The config, as run.
    pub config: ExperimentConfig,
    /// Its hash.
    pub config_hash: String,
    /// The target's variance (the error of the best constant, for nMSE 1).
    pub variance: f64,
    /// CPU model the runs took place on (times are not recorded: the curves are per step).
    pub cpu: String,
    /// Every run, architectures in config order, seeds ascending.
    pub runs: Vec<CurveRun>,
}

/// Run every architecture × seed (in parallel on the current rayon pool); `progress(done, total)`
/// after each run.
pub fn run(cfg: &ExperimentConfig, progress: &(dyn Fn(usize, usize) + Sync)) -> anyhow::Result<ExperimentResults> {
    run_resuming(cfg, Vec::new(), &|_| Ok(()), progress)
}

/// [`run`], taking the runs in `done` as finished and calling `finished` on each new run as it ends.
fn run_resuming(
    cfg: &ExperimentConfig,
    done: Vec<CurveRun>,
    finished: &(dyn Fn(&CurveRun) -> anyhow::Result<()> + Sync),
    progress: &(dyn Fn(usize, usize) + Sync),
) -> anyhow::Result<ExperimentResults> {
    cfg.validate()?;
    let target = cfg.target.build()?;
    let evaluator = Evaluator::with_points(target.as_ref(), cfg.metric, cfg.eval_points);
    let jobs: Vec<(Vec<usize>, u32)> =
        cfg.architectures.iter().flat_map(|h| (0..cfg.seeds).map(move |s| (h.clone(), s))).collect();
    let total = jobs.len();
    let count = std::sync::atomic::AtomicUsize::new(0);
    let runs = jobs
        .par_iter()
        .map(|(hidden, seed)| {
            if let Some(r) = done.iter().find(|r| &r.hidden == hidden && r.seed == *seed) {
                progress(count.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1, total);
                return Ok(r.clone());
            }
            let r = one(cfg, target.as_ref(), &evaluator, hidden, *seed)?;
            finished(&r)?;
            progress(count.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1, total);
            Ok(r)
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok(ExperimentResults {
        config: cfg.clone(),
        config_hash: cfg.hash(),
        variance: target.variance(),
        cpu: crate::suite::cpu_model(),
        runs,
    })
}

fn one(
    cfg: &ExperimentConfig,
    target: &dyn Target,
    evaluator: &Evaluator,
    hidden: &[usize],
    seed: u32,
) -> anyhow::Result<CurveRun> {
    let label = hidden.iter().map(|w| w.to_string()).collect::<Vec<_>>().join("x");
    let mut rng = run_rng(cfg.master_seed, &format!("experiment {} hidden={label} seed={seed}", cfg.name));
    // Tolerance 0: no run stops early, every curve has the whole budget.
    let rep = if cfg.train_error {
        crate::train::fit_recording(target, hidden, &cfg.train, evaluator, &[0.0], &mut rng)?
    } else {
        fit(target, hidden, &cfg.train, evaluator, &[0.0], &mut rng)?
    };
    let (last_step, last) = *rep.curve.last().ok_or_else(|| anyhow::anyhow!("{label}: no evaluation"))?;
    anyhow::ensure!(last_step == rep.steps_used, "{label} seed {seed}: the run diverged at step {last_step}");
    Ok(CurveRun {
        hidden: hidden.to_vec(),
        seed,
        params: crate::net::Mlp::count_params(target.dim(), hidden),
        data_n: rep.data_n,
        curve: rep.curve,
        last,
        best: rep.best.value,
        best_interval: rep.best.interval,
        train_curve: rep.train_curve,
    })
}

/// The built-in experiments, by name.
pub const BUILTIN: &[(&str, &str)] = &[
    ("safran2017", include_str!("../../experiments/safran2017.toml")),
    ("safran2017-variant", include_str!("../../experiments/safran2017-variant.toml")),
];

/// Load a built-in experiment by name, or a TOML file.
pub fn load(name_or_path: &str) -> anyhow::Result<ExperimentConfig> {
    use anyhow::Context;
    let text = match BUILTIN.iter().find(|(n, _)| *n == name_or_path) {
        Some((_, t)) => t.to_string(),
        None => std::fs::read_to_string(name_or_path).with_context(|| {
            let names: Vec<&'static str> = BUILTIN.iter().map(|(n, _)| *n).collect();
            let hint = crate::suite::suggest(name_or_path, &names)
                .map_or(String::new(), |n| format!(" (did you mean `{n}`?)"));
            format!(
                "experiment `{name_or_path}` is neither built in ({}) nor a readable TOML file{hint}",
                names.join(", ")
            )
        })?,
    };
    ExperimentConfig::from_toml(&text).with_context(|| format!("experiment config `{name_or_path}`"))
}

/// Run `cfg` into `out` (`results.json`, `curves.svg`, `curves.md`) and return the files written.
/// Results already in `out` for the same config are redrawn, not rerun; results of another config
/// (or a file that does not parse) are an error and are left untouched. Each finished run is
/// logged in `out/runs.jsonl` as it ends, so an interrupted experiment resumes where it stopped.
pub fn run_into(
    cfg: &ExperimentConfig,
    out: &std::path::Path,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> anyhow::Result<Vec<std::path::PathBuf>> {
    use anyhow::Context;
    let path = out.join("results.json");
    let res = match std::fs::read_to_string(&path) {
        Ok(text) => {
            let old: ExperimentResults = serde_json::from_str(&text).with_context(|| {
                format!("{} exists but is not an experiment's results; not overwritten", path.display())
            })?;
            anyhow::ensure!(
                old.config_hash == cfg.hash(),
                "{} holds results of another config (hash {} ≠ {}); not overwritten: choose another --out",
                path.display(),
                old.config_hash,
                cfg.hash()
            );
            old
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
            let _lock = crate::lock::DirLock::acquire(out, &format!("experiment `{}`", cfg.name))?;
            let (log, done) = log::open(&out.join("runs.jsonl"), &cfg.hash())?;
            let log = std::sync::Mutex::new(log);
            let finished = |r: &CurveRun| log.lock().map_err(|_| anyhow::anyhow!("run log lock poisoned"))?.append(r);
            let res = run_resuming(cfg, done, &finished, progress)?;
            crate::suite::write_atomic(&path, &crate::json::to_string(&res)?)?;
            res
        }
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    let mut written = vec![path];
    for (name, text) in [("curves.svg", figure::svg_text(&res)?), ("curves.md", figure::markdown(&res)?)] {
        let p = out.join(name);
        crate::suite::write_atomic(&p, &text)?;
        written.push(p);
    }
    Ok(written)
}
