//! `depthsep transfer`: do the lower layers a deep net learns on one compositional target serve a
//! sibling that shares them?
//!
//! **Targets.** f is the binary tree of |a − b| over d = 2^j inputs ([`Compositional`]); its
//! sibling g has the same j − 1 lower levels and max(a, b) at the top node ([`MaxTop`]). A net that
//! computes f's level j − 1 in its hidden layer j − 1 needs only a new top layer for g.
//!
//! **Protocol**, per d and seed (each from its own ChaCha8 stream of the master seed):
//! 1. *source*: a net of j hidden layers of `width` is trained on f by the generic `plain` recipe
//!    with the compositional suite's deep trainer (`hybrid`, 3000 steps); nothing of the tree's
//!    construction is used.
//! 2. One initial net N₀ of the same shape for g (the trainer's initialisation) and one training
//!    set of g (the many-input data rule for N₀'s parameter count) are drawn; then three arms are
//!    trained on g with the same trainer (plain Adam, `TRAIN`) and the same data:
//!    - **scratch**: N₀, every parameter trained;
//!    - **transfer**: the source's lower j − 1 hidden layers, frozen ([`crate::train::fit_frozen`]),
//!      under N₀'s top hidden layer and output layer, which alone are trained;
//!    - **frozen random**: N₀ with its lower j − 1 layers frozen at their initial values (the
//!      control: as few trained parameters as transfer, but features that know nothing of f).
//! 3. Each arm records its held-out nMSE on g every 100 steps and the first step at which it
//!    reaches each tolerance of [`TOLERANCES`] (Monte Carlo with its 95% interval, as everywhere).
//!
//! The table (`transfer.md`) gives, per d and arm, the parameters trained, the median and range
//! over seeds of the steps to each tolerance (`–` when a seed never reaches it; the median counts
//! such seeds as the budget + 1, and is `>` the budget when half or more of them miss) and the best
//! nMSE reached.

use crate::family::compositional::{Compositional, MaxTop};
use crate::family::{Target, TargetId};
use crate::net::Mlp;
use crate::recipe::Recipe;
use crate::rng::run_rng;
use crate::train::{Evaluator, Metric, TrainSettings, fit_from, fit_frozen, sample};
use anyhow::Context;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::path::Path;

mod table;
pub use table::markdown;

/// The tolerances (nMSE on g) whose first-reaching steps are recorded.
pub const TOLERANCES: [f64; 4] = [0.1, 0.03, 0.01, 0.003];

/// The trainer of the three arms on g: plain Adam, lr 3e-3 with cosine decay to 1%, 3000 steps.
pub const TRAIN: &str = "steps = 3000\neval_every = 100\noptimizer = { kind = \"adam\", lr = 3e-3, schedule = { kind = \"cosine\", final_frac = 0.01 } }";

/// What `depthsep transfer` runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransferConfig {
    /// Input dimensions (4, 8 or 16: the tree needs a level below the top).
    pub d: Vec<u32>,
    /// Hidden width of every layer.
    pub width: usize,
    /// Seeds per d.
    pub seeds: u32,
    /// The master seed.
    pub master_seed: u64,
}

impl Default for TransferConfig {
    fn default() -> Self {
        TransferConfig { d: vec![4, 8], width: 32, seeds: 3, master_seed: 1 }
    }
}

/// One arm's run on g.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArmRun {
    /// `scratch`, `transfer` or `frozen random`.
    pub arm: String,
    /// Parameters trained (all for scratch; the top hidden layer and the output otherwise).
    pub trained_params: usize,
    /// First step reaching each of [`TOLERANCES`], or `None`.
    pub reached: Vec<Option<usize>>,
    /// The best held-out nMSE on g.
    pub nmse: f64,
    /// Steps taken (the run stops at the smallest tolerance).
    pub steps: usize,
    /// Held-out nMSE every 100 steps: (step, nMSE).
    pub curve: Vec<(usize, f64)>,
}

/// One d and seed: the source net's fit of f and the three arms on g.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransferRun {
    /// Inputs.
    pub d: u32,
    /// The seed.
    pub seed: u32,
    /// Hidden widths of every net.
    pub hidden: Vec<usize>,
    /// The source net's held-out nMSE on f.
    pub source_nmse: f64,
    /// The arms, in the order scratch, transfer, frozen random.
    pub arms: Vec<ArmRun>,
}

/// The document `depthsep transfer` writes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransferResults {
    /// What was run.
    pub config: TransferConfig,
    /// Where and when.
    pub provenance: crate::results::Provenance,
    /// Every d and seed.
    pub runs: Vec<TransferRun>,
}

/// The three arms' names, in order.
pub const ARMS: [&str; 3] = ["scratch", "transfer", "frozen random"];

/// Run the experiment on `threads` workers, a line on stderr per finished (d, seed).
pub fn run(cfg: &TransferConfig, threads: usize) -> anyhow::Result<TransferResults> {
    if let Some(d) = cfg.d.iter().find(|d| ![4, 8, 16].contains(*d)) {
        anyhow::bail!("--d {d}: allowed 4, 8 or 16 (the tree needs a level below its top node)");
    }
    anyhow::ensure!(!cfg.d.is_empty(), "--d: give at least one dimension");
    anyhow::ensure!((2..=256).contains(&cfg.width), "--width {}: allowed 2..=256", cfg.width);
    anyhow::ensure!((1..=16).contains(&cfg.seeds), "--seeds {}: allowed 1..=16", cfg.seeds);
    let started = crate::suite::provenance::now_rfc3339();
    let commit = crate::suite::provenance::git_commit();
    let source_settings = crate::suite::load_suite("compositional")?.deep.train;
    let arm_settings: TrainSettings = toml::from_str(TRAIN).expect("TRAIN parses");
    let jobs: Vec<(u32, u32)> = cfg.d.iter().flat_map(|&d| (0..cfg.seeds).map(move |s| (d, s))).collect();
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build()?;
    let done = std::sync::atomic::AtomicUsize::new(0);
    let runs = pool.install(|| {
        jobs.par_iter()
            .map(|&(d, seed)| {
                let run = one(cfg, d, seed, &source_settings, &arm_settings)?;
                let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                let arms: Vec<String> = run.arms.iter().map(|a| format!("{} {:.2e}", a.arm, a.nmse)).collect();
                eprintln!(
                    "[{n}/{}] d={d} seed {seed}: source {:.2e}; {}",
                    jobs.len(),
                    run.source_nmse,
                    arms.join(", ")
                );
                Ok(run)
            })
            .collect::<anyhow::Result<Vec<_>>>()
    })?;
    let provenance = crate::suite::provenance::collect(threads, started, commit);
    Ok(TransferResults { config: cfg.clone(), provenance, runs })
}

/// One d and seed.
fn one(
    cfg: &TransferConfig,
    d: u32,
    seed: u32,
    source_settings: &TrainSettings,
    arm_settings: &TrainSettings,
) -> anyhow::Result<TransferRun> {
    let f = Compositional::new(d)?;
    let g = MaxTop::new(d)?;
    let depth = f.natural_depth();
    let hidden = vec![cfg.width; depth];
    let stream = format!("transfer/d{d}/s{seed}");
    let mut rng = run_rng(cfg.master_seed, &format!("{stream}/source"));
    let source = crate::recipe::train_deep(
        Recipe::Plain,
        TargetId::Compositional { d },
        cfg.width,
        depth,
        source_settings,
        Metric::Nmse,
        crate::train::SAMPLE_EVAL_POINTS,
        &[0.0],
        &mut rng,
    )
    .with_context(|| format!("training the source net, {stream}"))?;
    let source_nmse = source.report.best.value;
    let source = source.report.net;

    let mut rng = run_rng(cfg.master_seed, &format!("{stream}/sibling"));
    let mut start = Mlp::with_hidden(d as usize, &hidden)?;
    arm_settings.init.apply_on(&mut start, &g, &mut rng);
    let data = sample(&g, arm_settings, start.n_params(), &mut rng)?;
    let ev = Evaluator::new(&g, Metric::Nmse);
    let frozen = depth - 1;
    let mut transfer = start.clone();
    for l in 0..frozen {
        let (w, b) = source.layer(l);
        transfer.set_layer(l, w, b);
    }
    let top: usize = start.dims()[frozen..].windows(2).map(|w| (w[0] + 1) * w[1]).sum();
    let mut arms = Vec::new();
    for arm in ARMS {
        // Every arm sees the same minibatch draws.
        let mut rng = run_rng(cfg.master_seed, &format!("{stream}/arm"));
        let (rep, trained_params) = match arm {
            "scratch" => (fit_from(start.clone(), &data, arm_settings, &ev, &TOLERANCES, &mut rng)?, start.n_params()),
            "transfer" => (fit_frozen(transfer.clone(), frozen, &data, arm_settings, &ev, &TOLERANCES, &mut rng)?, top),
            _ => (fit_frozen(start.clone(), frozen, &data, arm_settings, &ev, &TOLERANCES, &mut rng)?, top),
        };
        arms.push(ArmRun {
            arm: arm.into(),
            trained_params,
            reached: rep.reached,
            nmse: rep.best.value,
            steps: rep.steps_used,
            curve: rep.curve,
        });
    }
    Ok(TransferRun { d, seed, hidden, source_nmse, arms })
}

/// Write `transfer.json` and `transfer.md` into `dir`.
pub fn write(r: &TransferResults, dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    crate::durable::write_atomic(&dir.join("transfer.json"), &crate::json::to_string(r)?)?;
    crate::durable::write_atomic(&dir.join("transfer.md"), &markdown(r))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frozen_layers_stay_put_and_the_top_learns_as_if_trained_alone_on_the_features() {
        // Training the top of a 2-hidden-layer net with its first layer frozen takes the same path
        // as training a 1-hidden-layer net on that layer's activations: same draws, same Adam. One
        // evaluation, at the end, so each run returns its last net.
        let g = MaxTop::new(4).unwrap();
        let settings: TrainSettings = toml::from_str(
            &TRAIN.replace("steps = 3000", "steps = 200").replace("eval_every = 100", "eval_every = 200"),
        )
        .unwrap();
        let mut rng = run_rng(3, "frozen test");
        let mut net = Mlp::with_hidden(4, &[6, 5]).unwrap();
        settings.init.apply_on(&mut net, &g, &mut rng);
        let data = sample(&g, &settings, net.n_params(), &mut rng).unwrap();
        let ev = Evaluator::with_points(&g, Metric::Nmse, 4096);
        let rep = fit_frozen(net.clone(), 1, &data, &settings, &ev, &[0.0], &mut run_rng(3, "steps")).unwrap();
        assert_eq!(rep.net.layer(0), net.layer(0), "the frozen layer did not move");
        assert_ne!(rep.net.layer(1), net.layer(1), "the layer above it learned");
        let before = ev.eval(&net).unwrap().value;
        assert!(rep.best.value < 0.5 * before, "and its error fell: {before} → {}", rep.best.value);

        // The same top trained alone on the frozen layer's activations (any 6-input evaluator).
        let feats = crate::probe::activations(&net, &data.xs).swap_remove(0);
        let top_data = crate::train::Data { xs: feats, ys: data.ys.clone(), d: 6 };
        let mut top = Mlp::with_hidden(6, &[5]).unwrap();
        for l in 0..2 {
            let (w, b) = net.layer(l + 1);
            top.set_layer(l, w, b);
        }
        let six = TargetId::Max { d: 6 }.build().unwrap();
        let ev6 = Evaluator::with_points(six.as_ref(), Metric::Nmse, 256);
        let alone = fit_from(top, &top_data, &settings, &ev6, &[0.0], &mut run_rng(3, "steps")).unwrap();
        for l in 0..2 {
            let (a, b) = (rep.net.layer(l + 1), alone.net.layer(l));
            let diff = a.0.iter().chain(a.1).zip(b.0.iter().chain(b.1)).map(|(x, y)| (x - y).abs()).fold(0.0, f64::max);
            assert!(diff < 1e-9, "layer {l} differs by {diff:e}");
        }

        // A trainer that couples the layers is refused.
        let hybrid: TrainSettings = crate::suite::load_suite("compositional").unwrap().deep.train;
        let e = fit_frozen(net, 1, &data, &hybrid, &ev, &[0.0], &mut rng).unwrap_err().to_string();
        assert!(e.contains("plain gradient trainer (adam, sgd or rmsprop), not hybrid"), "{e}");
    }

    #[test]
    fn bad_settings_are_refused_with_the_field_and_its_values() {
        let bad = |cfg: TransferConfig| run(&cfg, 1).unwrap_err().to_string();
        assert!(bad(TransferConfig { d: vec![2], ..Default::default() }).contains("--d 2: allowed 4, 8 or 16"));
        assert!(bad(TransferConfig { width: 1, ..Default::default() }).contains("--width 1: allowed 2..=256"));
        assert!(bad(TransferConfig { seeds: 0, ..Default::default() }).contains("--seeds 0: allowed 1..=16"));
    }
}
