//! The fit loop shared by every trainer: seeded data, the trainer's steps, periodic exact
//! evaluation, early stop, divergence and collapse.
//!
//! A run draws `data_n` uniform training points from its own stream, initialises the net, then takes
//! up to `steps` steps of its [`Trainer`] (chosen by the config's `optimizer`). Every
//! `eval_every` steps, right after every least-squares solve, and at the end, the error against the target is evaluated — exactly for 1-D
//! piecewise-linear targets — the best checkpoint is kept, and the first step at which each
//! tolerance of the ladder was met is recorded, so one run answers every tolerance. The run stops as
//! soon as the smallest tolerance is met. A non-finite loss or error ends the run as `Diverged`
//! (never a panic). The run is *collapsed* when its best error is within 5% of the best constant
//! predictor's (normalised MSE ≥ [`super::COLLAPSE_FRACTION`] = 0.95).

use super::Objective;
use super::settings::TrainSettings;
use super::trainer::Data;
use super::{Evaluator, eval::Eval};
use crate::net::{Mlp, Workspace};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Outcome {
    /// The smallest tolerance was met; the run stopped early.
    Reached,
    /// The step budget ran out first.
    Budget,
    /// The loss or error became NaN or infinite at `step`.
    Diverged {
        /// The step at which it happened.
        step: usize,
    },
}

/// What one training run produced.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RunReport {
    /// The best checkpoint's net.
    pub net: Mlp,
    /// The best checkpoint's errors.
    pub best: Eval,
    /// Steps taken.
    pub steps_used: usize,
    /// First step at which each tolerance was met (same order as the ladder given to [`fit`]).
    pub reached: Vec<Option<usize>>,
    /// How the run ended.
    pub outcome: Outcome,
    /// Best error within 5% of the best constant predictor's.
    pub collapsed: bool,
    /// Least-squares solves that failed (singular or non-finite) and were skipped.
    pub solve_failures: usize,
    /// Training points.
    pub data_n: usize,
    /// Every evaluation of the run: (steps taken, error in the evaluator's metric).
    pub curve: Vec<(usize, f64)>,
    /// With [`fit_recording`]: the error on the training set at every evaluation (same metric).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub train_curve: Vec<f64>,
}

/// Train a net with `d = target.dim()` inputs and the given hidden widths on
/// `settings.points(target, parameters)` uniform points ([`super::data`]).
pub fn fit(
    target: &dyn Objective,
    hidden: &[usize],
    settings: &TrainSettings,
    evaluator: &Evaluator,
    tolerances: &[f64],
    rng: &mut ChaCha8Rng,
) -> anyhow::Result<RunReport> {
    let (net, data) = start(target, hidden, settings, rng)?;
    fit_loop(net, &data, settings, evaluator, tolerances, rng, false)
}

/// A run's training set and initial net, drawn from its stream in that order.
fn start(
    target: &dyn Objective,
    hidden: &[usize],
    settings: &TrainSettings,
    rng: &mut ChaCha8Rng,
) -> anyhow::Result<(Mlp, Data)> {
    let data = sample(target, settings, Mlp::count_params(target.dim(), hidden), rng)?;
    let mut net = Mlp::with_hidden(data.d, hidden)?;
    settings.init.apply_on(&mut net, target, rng);
    Ok((net, data))
}

/// The training set of a net of `params` parameters on `target` ([`super::data`]'s rule), drawn
/// uniformly from `rng`.
pub fn sample(
    target: &dyn Objective,
    settings: &TrainSettings,
    params: usize,
    rng: &mut ChaCha8Rng,
) -> anyhow::Result<Data> {
    super::data::draw(target, settings.points(target, params), rng)
}

/// [`fit`], also recording the error on the whole training set at every evaluation
/// ([`RunReport::train_curve`]; one more forward pass over the training set each time).
pub fn fit_recording(
    target: &dyn Objective,
    hidden: &[usize],
    settings: &TrainSettings,
    evaluator: &Evaluator,
    tolerances: &[f64],
    rng: &mut ChaCha8Rng,
) -> anyhow::Result<RunReport> {
    let (net, data) = start(target, hidden, settings, rng)?;
    fit_loop(net, &data, settings, evaluator, tolerances, rng, true)
}

/// Train `net` as it is (no initialisation) on `data`: the loop of [`fit`].
pub fn fit_from(
    net: Mlp,
    data: &Data,
    settings: &TrainSettings,
    evaluator: &Evaluator,
    tolerances: &[f64],
    rng: &mut ChaCha8Rng,
) -> anyhow::Result<RunReport> {
    fit_loop(net, data, settings, evaluator, tolerances, rng, false)
}

/// [`fit_from`] with the first `frozen` affine layers of `net` held fixed: after every step their
/// weights and biases are put back, so only the layers above them learn. The trainer still steps
/// the frozen parameters (its gradient is over the whole net); each step's gradient is taken with
/// them at their frozen values, and a plain gradient trainer (`adam`, `sgd`, `rmsprop`) updates a
/// parameter from its own gradient history only, so the layers above follow the same path as if
/// only they were trained. Trainers that couple parameters (`lm`'s joint solve, `hybrid`'s output
/// solve on the moved hidden layers) are refused. Used by the transfer experiment
/// ([`crate::transfer`]).
pub fn fit_frozen(
    net: Mlp,
    frozen: usize,
    data: &Data,
    settings: &TrainSettings,
    evaluator: &Evaluator,
    tolerances: &[f64],
    rng: &mut ChaCha8Rng,
) -> anyhow::Result<RunReport> {
    anyhow::ensure!(frozen < net.n_layers(), "{frozen} frozen layers leave nothing to train in {:?}", net.dims());
    use super::Optimizer::{Adam, Rmsprop, Sgd};
    anyhow::ensure!(
        matches!(settings.optimizer, Adam(_) | Sgd(_) | Rmsprop(_)),
        "frozen layers need a plain gradient trainer (adam, sgd or rmsprop), not {}",
        settings.optimizer.name()
    );
    let prefix: usize = net.dims()[..=frozen].windows(2).map(|w| (w[0] + 1) * w[1]).sum();
    fit_loop_frozen(net, data, settings, evaluator, tolerances, rng, false, prefix)
}

fn fit_loop(
    net: Mlp,
    data: &Data,
    settings: &TrainSettings,
    evaluator: &Evaluator,
    tolerances: &[f64],
    rng: &mut ChaCha8Rng,
    record_train: bool,
) -> anyhow::Result<RunReport> {
    fit_loop_frozen(net, data, settings, evaluator, tolerances, rng, record_train, 0)
}

#[allow(clippy::too_many_arguments)]
fn fit_loop_frozen(
    mut net: Mlp,
    data: &Data,
    settings: &TrainSettings,
    evaluator: &Evaluator,
    tolerances: &[f64],
    rng: &mut ChaCha8Rng,
    record_train: bool,
    frozen_prefix: usize,
) -> anyhow::Result<RunReport> {
    let frozen = net.params()[..frozen_prefix].to_vec();
    let (steps, eval_every) = (settings.steps, settings.eval_every);
    anyhow::ensure!(steps >= 1 && eval_every >= 1, "steps and eval_every must be ≥ 1");
    let Some(mut trainer) = settings.trainer(net.n_params(), data.d) else {
        anyhow::bail!(
            "the {} trainer grows whole width sweeps; it does not train one net step by step",
            settings.optimizer.name()
        );
    };
    let mut ws = Workspace::default();
    let min_tol = tolerances.iter().copied().fold(f64::INFINITY, f64::min);

    let mut best: Option<(Eval, Mlp)> = None;
    let mut reached = vec![None; tolerances.len()];
    let mut outcome = Outcome::Budget;
    let mut steps_used = 0;
    let mut curve = Vec::new();
    let mut train_curve = Vec::new();
    for step in 0..steps {
        let loss = trainer.step(&mut net, data, step, rng, &mut ws);
        net.params_mut()[..frozen_prefix].copy_from_slice(&frozen);
        steps_used = step + 1;
        if !loss.is_finite() {
            outcome = Outcome::Diverged { step };
            break;
        }
        if !steps_used.is_multiple_of(eval_every) && steps_used != steps && !trainer.just_solved() {
            continue;
        }
        let e = evaluator.eval(&net)?;
        curve.push((steps_used, e.value));
        if record_train {
            train_curve.push(evaluator.on_samples(&net, &data.xs, &data.ys));
        }
        if !e.value.is_finite() {
            outcome = Outcome::Diverged { step };
            break;
        }
        for (r, &tol) in reached.iter_mut().zip(tolerances) {
            if r.is_none() && e.reaches(tol) {
                *r = Some(steps_used);
            }
        }
        if best.as_ref().is_none_or(|(b, _)| e.value < b.value) {
            best = Some((e, net.clone()));
        }
        if e.reaches(min_tol) {
            outcome = Outcome::Reached;
            break;
        }
    }
    let (best, net) = match best {
        Some(b) => b,
        None => (evaluator.eval(&net)?, net), // diverged before the first evaluation
    };
    let collapsed = evaluator.collapsed(best.value);
    let data_n = data.ys.len();
    Ok(RunReport {
        net,
        best,
        steps_used,
        reached,
        outcome,
        collapsed,
        solve_failures: trainer.solve_failures(),
        data_n,
        curve,
        train_curve,
    })
}
