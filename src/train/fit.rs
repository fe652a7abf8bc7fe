//! The fit loop: seeded data, Adam, periodic exact evaluation, early stop, divergence and collapse.
//!
//! A run draws `data_n` uniform training points from its own stream, initialises the net, then takes
//! up to `steps` Adam steps on the MSE (full batch, or minibatches drawn with replacement). Every
//! `eval_every` steps (and at the end) the error against the target is evaluated — exactly for 1-D
//! piecewise-linear targets — the best checkpoint is kept, and the first step at which each
//! tolerance of the ladder was met is recorded, so one run answers every tolerance. The run stops as
//! soon as the smallest tolerance is met. A non-finite loss or error ends the run as `Diverged`
//! (never a panic). The run is *collapsed* when its best error is within 5% of the best constant
//! predictor's (normalised MSE ≥ 0.95).
//!
//! With `lsq_every = n` the output layer is re-solved by least squares on the training data at step 0
//! and every n steps (the hidden layers fixed), and Adam moves all parameters in between.

use super::{Adam, Evaluator, Init, Schedule, eval::Eval, solve_output_layer};
use crate::net::{Mlp, Workspace};
use crate::target::Target;
use rand::RngExt;
use serde::{Deserialize, Serialize};

/// How to train one net.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrainConfig {
    /// Initialisation recipe.
    #[serde(default)]
    pub init: Init,
    /// Base learning rate (> 0).
    pub lr: f64,
    /// Learning-rate schedule.
    pub schedule: Schedule,
    /// Step budget.
    pub steps: usize,
    /// Minibatch size; `None` (or ≥ data_n) is full batch.
    #[serde(default)]
    pub batch: Option<usize>,
    /// Number of uniform training points.
    pub data_n: usize,
    /// Evaluate the error every this many steps.
    pub eval_every: usize,
    /// Hybrid least squares/Adam: solve the output layer by least squares on the training data at
    /// step 0 and every this many steps, between Adam steps on all parameters. `None`: plain Adam.
    #[serde(default)]
    pub lsq_every: Option<usize>,
}

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
}

/// Train a net with `d = target.dim()` inputs and the given hidden widths.
pub fn fit<R: rand::Rng>(
    target: &dyn Target,
    hidden: &[usize],
    cfg: &TrainConfig,
    evaluator: &Evaluator,
    tolerances: &[f64],
    rng: &mut R,
) -> anyhow::Result<RunReport> {
    let d = target.dim();
    let n = cfg.data_n;
    anyhow::ensure!(n >= 1 && cfg.steps >= 1 && cfg.eval_every >= 1, "data_n, steps and eval_every must be ≥ 1");
    let xs: Vec<f64> = (0..n * d).map(|_| rng.random()).collect();
    let mut ys = vec![0.0; n];
    target.eval_batch(&xs, &mut ys);
    let mut net = Mlp::with_hidden(d, hidden)?;
    cfg.init.apply(&mut net, rng);

    let batch = cfg.batch.filter(|&b| b < n);
    let (mut xb, mut yb) = (vec![0.0; batch.unwrap_or(0) * d], vec![0.0; batch.unwrap_or(0)]);
    let mut grad = vec![0.0; net.n_params()];
    let mut ws = Workspace::default();
    let mut adam = Adam::new(net.n_params());
    let min_tol = tolerances.iter().copied().fold(f64::INFINITY, f64::min);

    let mut best: Option<(Eval, Mlp)> = None;
    let mut reached = vec![None; tolerances.len()];
    let mut outcome = Outcome::Budget;
    let mut steps_used = 0;
    for step in 0..cfg.steps {
        if cfg.lsq_every.is_some_and(|n| step % n == 0) {
            solve_output_layer(&mut net, &xs, &ys, &mut ws);
        }
        let loss = if let Some(b) = batch {
            for i in 0..b {
                let j = rng.random_range(0..n);
                xb[i * d..(i + 1) * d].copy_from_slice(&xs[j * d..(j + 1) * d]);
                yb[i] = ys[j];
            }
            net.loss_grad(&xb, &yb, &mut grad, &mut ws)
        } else {
            net.loss_grad(&xs, &ys, &mut grad, &mut ws)
        };
        steps_used = step + 1;
        if !loss.is_finite() || grad.iter().any(|g| !g.is_finite()) {
            outcome = Outcome::Diverged { step };
            break;
        }
        adam.step(net.params_mut(), &grad, cfg.schedule.lr(cfg.lr, step, cfg.steps));
        if !steps_used.is_multiple_of(cfg.eval_every) && steps_used != cfg.steps {
            continue;
        }
        let e = evaluator.eval(&net)?;
        if !e.value.is_finite() {
            outcome = Outcome::Diverged { step };
            break;
        }
        for (r, &tol) in reached.iter_mut().zip(tolerances) {
            if r.is_none() && e.value <= tol {
                *r = Some(steps_used);
            }
        }
        if best.as_ref().is_none_or(|(b, _)| e.value < b.value) {
            best = Some((e, net.clone()));
        }
        if e.value <= min_tol {
            outcome = Outcome::Reached;
            break;
        }
    }
    let (best, net) = match best {
        Some(b) => b,
        None => (evaluator.eval(&net)?, net), // diverged before the first evaluation
    };
    // Written so that a NaN error (a net that never had a finite evaluation) counts as collapsed.
    #[allow(clippy::neg_cmp_op_on_partial_ord)]
    let collapsed = !(best.value < 0.95 * evaluator.constant_baseline());
    Ok(RunReport { net, best, steps_used, reached, outcome, collapsed })
}
