//! Training settings as written in a suite (`deep.train`, `shallow.train`): what is shared by every
//! trainer (initialisation, budget, evaluation, data) and the trainer itself, a tagged choice:
//!
//! ```toml
//! train = { steps = 2000, eval_every = 100, data_per_piece = 8, data_min = 256,
//!           optimizer = { kind = "hybrid", lsq_every = 250, lr = 1e-3, schedule = { kind = "cosine", final_frac = 0.01 } } }
//! ```
//!
//! `kind = "adam"` is the plain step a PyTorch script takes; `kind = "hybrid"` adds the
//! least-squares solve of the output layer every `lsq_every` steps (see [`super::hybrid`]).
//! The fit loop reads these settings directly: nothing is copied field by field.

use super::adam::{AdamTrainer, GradientSettings};
use super::data::SampledData;
use super::freeknot::FreeknotSettings;
use super::greedy::GreedySettings;
use super::hybrid::HybridTrainer;
use super::trainer::Trainer;
use super::{Init, Schedule};
use crate::validate::{Invalid, check};
use serde::{Deserialize, Serialize};

/// How to train one net.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrainSettings {
    /// Initialisation: breakpoint | torch | he | asymmetric ([`Init`]).
    #[serde(default)]
    pub init: Init,
    /// Step budget (≥ 1 for the gradient trainers; unused by `freeknot`).
    #[serde(default)]
    pub steps: usize,
    /// Evaluate the error every this many steps (≥ 1 for the gradient trainers), and after the last.
    #[serde(default)]
    pub eval_every: usize,
    /// Training points per linear piece of a 1-D target: N = max(data_min, data_per_piece · pieces)
    /// (absent = 32; unused by targets with d > 1 inputs, which follow `sampled`).
    #[serde(default = "default_data_per_piece")]
    pub data_per_piece: usize,
    /// Minimum number of training points of a 1-D target (absent = 256).
    #[serde(default = "default_data_min")]
    pub data_min: usize,
    /// The trainer.
    pub optimizer: Optimizer,
    /// Precision of the training arithmetic (`f64`, or `f32` for `adam` and `hybrid`);
    /// evaluation is exact in f64 on the checkpoint's weights either way. Absent = f64, and not
    /// written then, so f64 configs keep their hashes.
    #[serde(default, skip_serializing_if = "Dtype::is_f64")]
    pub dtype: Dtype,
    /// The data rule of targets with d > 1 inputs (see [`super::data`]): N = max(min, per_param ·
    /// parameters), minibatches of `batch`. Absent = the defaults, and not written then.
    #[serde(default, skip_serializing_if = "SampledData::is_default")]
    pub sampled: SampledData,
}

/// Precision of a trainer's arithmetic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dtype {
    /// Double precision (the default).
    #[default]
    F64,
    /// Single precision: parameters, data, gradients and Adam's moments in f32 (what PyTorch
    /// users train in); the output solves of `hybrid` stay in f64.
    F32,
}

impl Dtype {
    /// Whether this is the default, f64.
    pub fn is_f64(&self) -> bool {
        *self == Dtype::F64
    }
    /// The config's spelling.
    pub fn name(self) -> &'static str {
        match self {
            Dtype::F64 => "f64",
            Dtype::F32 => "f32",
        }
    }
}

/// The trainer and its own settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Optimizer {
    /// Plain Adam on all parameters (see [`super::adam`]).
    Adam {
        /// Base learning rate (finite, > 0).
        lr: f64,
        /// Learning-rate schedule.
        schedule: Schedule,
        /// Minibatch size (≥ 1); absent = full batch.
        #[serde(default)]
        batch: Option<usize>,
    },
    /// Least-squares solve of the output layer every `lsq_every` steps, Adam in between
    /// (see [`super::hybrid`]).
    Hybrid {
        /// Base learning rate of the Adam steps (finite, > 0).
        lr: f64,
        /// Learning-rate schedule.
        schedule: Schedule,
        /// Minibatch size (≥ 1); absent = full batch.
        #[serde(default)]
        batch: Option<usize>,
        /// Solve at step 0 and every this many steps (≥ 1).
        lsq_every: usize,
    },
    /// Levenberg–Marquardt on every parameter (see [`super::lm`]); for small deep nets, with
    /// `steps` in the hundreds.
    Lm {},
    /// Stochastic gradient descent with heavy-ball momentum on all parameters (see [`super::sgd`]),
    /// as Safran & Shamir (2017) trained.
    Sgd {
        /// Base learning rate (finite, > 0).
        lr: f64,
        /// Momentum μ in [0, 1).
        momentum: f64,
        /// Learning-rate schedule.
        schedule: Schedule,
        /// Minibatch size (≥ 1); absent = full batch.
        #[serde(default)]
        batch: Option<usize>,
    },
    /// Greedy free-knot growth of a one-hidden-layer 1-D net with Levenberg–Marquardt on the knots
    /// and exact least squares for the outer layer (see [`super::freeknot`]); one sweep per seed
    /// gives the whole width → error curve. Shallow 1-D searches only.
    Freeknot {
        /// Knots on each side of a new knot polished with it.
        #[serde(default = "default_window")]
        window: usize,
        /// LM iterations after each insertion.
        #[serde(default = "default_local")]
        local_iters: usize,
        /// LM iterations of each global polish.
        #[serde(default = "default_global")]
        global_iters: usize,
    },
    /// Greedy growth of a one-hidden-layer net on d inputs, one ridge unit σ(w·x − b) at a time
    /// chosen from many candidate directions, with exact least squares for the output layer and
    /// Levenberg–Marquardt on every unit (see [`super::greedy`]); one sweep per seed gives the whole
    /// width → error curve. Shallow searches of targets with d > 1 inputs only.
    Greedy {
        /// Random candidate directions per insertion.
        #[serde(default = "default_candidates")]
        candidates: usize,
        /// LM iterations of each global polish.
        #[serde(default = "default_greedy_global")]
        global_iters: usize,
    },
}

fn default_candidates() -> usize {
    GreedySettings::default().candidates
}
fn default_greedy_global() -> usize {
    GreedySettings::default().global_iters
}

fn default_window() -> usize {
    FreeknotSettings::default().window
}
fn default_local() -> usize {
    FreeknotSettings::default().local_iters
}
fn default_global() -> usize {
    FreeknotSettings::default().global_iters
}

/// Which trainer a run or a search used: the kind of its [`Optimizer`], as run ids and results
/// name it. Serialised as the config's name (`"adam"`, …), so run logs read the same as when the
/// name was a string; the variants are in the names' alphabetical order, so sorting run ids is
/// unchanged too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TrainerId {
    /// [`Optimizer::Adam`].
    Adam,
    /// [`Optimizer::Freeknot`].
    Freeknot,
    /// [`Optimizer::Greedy`].
    Greedy,
    /// [`Optimizer::Hybrid`].
    Hybrid,
    /// [`Optimizer::Lm`].
    Lm,
    /// [`Optimizer::Sgd`].
    Sgd,
}

impl TrainerId {
    /// Name as in the config.
    pub fn name(self) -> &'static str {
        match self {
            TrainerId::Adam => "adam",
            TrainerId::Freeknot => "freeknot",
            TrainerId::Greedy => "greedy",
            TrainerId::Hybrid => "hybrid",
            TrainerId::Lm => "lm",
            TrainerId::Sgd => "sgd",
        }
    }
}

impl TrainerId {
    /// Whether the trainer is a sweep trainer (one run per seed gives every width).
    pub fn sweeps(self) -> bool {
        matches!(self, TrainerId::Freeknot | TrainerId::Greedy)
    }
}

impl std::fmt::Display for TrainerId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.name())
    }
}

impl Optimizer {
    /// The trainer this optimizer is.
    pub fn id(&self) -> TrainerId {
        match self {
            Optimizer::Adam { .. } => TrainerId::Adam,
            Optimizer::Hybrid { .. } => TrainerId::Hybrid,
            Optimizer::Freeknot { .. } => TrainerId::Freeknot,
            Optimizer::Greedy { .. } => TrainerId::Greedy,
            Optimizer::Lm {} => TrainerId::Lm,
            Optimizer::Sgd { .. } => TrainerId::Sgd,
        }
    }

    /// Name as in the config: `adam`, `hybrid`, `freeknot`, `greedy`, `lm`, `sgd`.
    pub fn name(&self) -> &'static str {
        self.id().name()
    }

    /// The gradient settings of a gradient trainer.
    pub fn gradient(&self) -> Option<GradientSettings> {
        match *self {
            Optimizer::Adam { lr, schedule, batch }
            | Optimizer::Hybrid { lr, schedule, batch, .. }
            | Optimizer::Sgd { lr, schedule, batch, .. } => Some(GradientSettings { lr, schedule, batch }),
            Optimizer::Freeknot { .. } | Optimizer::Greedy { .. } | Optimizer::Lm {} => None,
        }
    }

    /// The settings of a sweep trainer (one run per seed gives every width).
    pub fn sweep(&self) -> Option<Sweep> {
        match *self {
            Optimizer::Freeknot { window, local_iters, global_iters } => {
                Some(Sweep::Freeknot(FreeknotSettings { window, local_iters, global_iters }))
            }
            Optimizer::Greedy { candidates, global_iters } => {
                Some(Sweep::Greedy(GreedySettings { candidates, global_iters }))
            }
            _ => None,
        }
    }

    /// Which input dimensions the trainer fits: `freeknot` grows 1-D splines, `greedy` ridge units
    /// on d > 1 inputs, the others any.
    pub fn fits_dim(&self, d: usize) -> bool {
        match self {
            Optimizer::Freeknot { .. } => d == 1,
            Optimizer::Greedy { .. } => d > 1,
            _ => true,
        }
    }
}

/// A sweep trainer's settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Sweep {
    /// 1-D free-knot growth.
    Freeknot(FreeknotSettings),
    /// d-input greedy ridge-unit growth.
    Greedy(GreedySettings),
}

impl TrainSettings {
    /// The step trainer this config asks for, for a net with `n_params` parameters and `d` inputs;
    /// `None` for a sweep trainer (`freeknot`, `greedy`), which is not run step by step. On d > 1
    /// inputs the gradient steps take minibatches of `sampled.batch` unless the optimizer names one.
    pub fn trainer(&self, n_params: usize, d: usize) -> Option<Box<dyn Trainer>> {
        if self.optimizer == (Optimizer::Lm {}) {
            return Some(Box::new(super::lm::LmTrainer::default()));
        }
        let mut g = self.optimizer.gradient()?;
        if d > 1 {
            g.batch = g.batch.or(Some(self.sampled.batch));
        }
        Some(match self.optimizer {
            Optimizer::Adam { .. } => Box::new(AdamTrainer::new(n_params, g, self.steps).with_dtype(self.dtype)),
            Optimizer::Hybrid { lsq_every, .. } => {
                Box::new(HybridTrainer::new(n_params, g, self.steps, lsq_every).with_dtype(self.dtype))
            }
            Optimizer::Sgd { momentum, .. } => Box::new(super::sgd::SgdTrainer::new(n_params, g, momentum, self.steps)),
            Optimizer::Freeknot { .. } | Optimizer::Greedy { .. } | Optimizer::Lm {} => return None,
        })
    }

    /// The budget in words: `2000 steps` for a step trainer, `sweep` for a sweep trainer.
    pub fn budget(&self) -> String {
        match self.optimizer.sweep() {
            Some(_) => "sweep".into(),
            None => format!("{} steps", self.steps),
        }
    }

    /// Training points for a 1-D target with `pieces` linear pieces.
    pub fn data_n(&self, pieces: usize) -> usize {
        self.data_min.max(self.data_per_piece.saturating_mul(pieces))
    }

    /// Training points for a net of `params` parameters on `target` (see [`super::data`]): the
    /// pieces rule in 1-D, the sampled rule on d > 1 inputs.
    pub fn points(&self, target: &dyn super::Objective, params: usize) -> usize {
        if target.dim() > 1 { self.sampled.points(params) } else { self.data_n(target.pieces()) }
    }

    /// Check every field; errors name the field under `at` (e.g. `shallow.train`).
    pub fn validate(&self, at: &str) -> Result<(), Invalid> {
        let points = |n: &usize| (1..=super::data::MAX_POINTS).contains(n);
        check(points(&self.data_per_piece), at, "data_per_piece", &self.data_per_piece, "an integer in 1..=16777216")?;
        check(points(&self.data_min), at, "data_min", &self.data_min, "an integer in 1..=16777216 (training points)")?;
        check(
            self.dtype.is_f64() || matches!(self.optimizer, Optimizer::Adam { .. } | Optimizer::Hybrid { .. }),
            at,
            "dtype",
            &self.dtype.name(),
            "\"f64\", or \"f32\" with optimizer kind \"adam\" or \"hybrid\"",
        )?;
        self.sampled.validate(at)?;
        match self.optimizer.sweep() {
            Some(Sweep::Freeknot(f)) => {
                let at = &format!("{at}.optimizer");
                let iters = |n: &usize| (1..=MAX_ITERS).contains(n);
                check(iters(&f.local_iters), at, "local_iters", &f.local_iters, "an integer in 1..=100000")?;
                return check(iters(&f.global_iters), at, "global_iters", &f.global_iters, "an integer in 1..=100000");
            }
            Some(Sweep::Greedy(g)) => {
                let at = &format!("{at}.optimizer");
                check((1..=4096).contains(&g.candidates), at, "candidates", &g.candidates, "an integer in 1..=4096")?;
                let ok = (1..=MAX_ITERS).contains(&g.global_iters);
                return check(ok, at, "global_iters", &g.global_iters, "an integer in 1..=100000");
            }
            None => {}
        }
        check((1..=MAX_STEPS).contains(&self.steps), at, "steps", &self.steps, "an integer in 1..=100000000")?;
        check(
            (1..=MAX_STEPS).contains(&self.eval_every),
            at,
            "eval_every",
            &self.eval_every,
            "an integer in 1..=100000000",
        )?;
        let at = &format!("{at}.optimizer");
        let Some(g) = self.optimizer.gradient() else { return Ok(()) };
        check(g.lr.is_finite() && g.lr > 0.0, at, "lr", &g.lr, "a finite number > 0")?;
        check(
            g.batch.is_none_or(|b| (1..=super::data::MAX_POINTS).contains(&b)),
            at,
            "batch",
            &g.batch.unwrap_or(0),
            "an integer in 1..=16777216, or absent for full batch",
        )?;
        if let Schedule::Step { factor, every, min_lr } = g.schedule {
            check(factor > 0.0 && factor <= 1.0, at, "schedule.factor", &factor, "a number in (0, 1]")?;
            check(every >= 1, at, "schedule.every", &every, "an integer ≥ 1 (steps per stair)")?;
            check(min_lr.is_finite() && min_lr >= 0.0, at, "schedule.min_lr", &min_lr, "a number ≥ 0")?;
        }
        if let Schedule::Cosine { final_frac } = g.schedule {
            check((0.0..=1.0).contains(&final_frac), at, "schedule.final_frac", &final_frac, "a number in [0, 1]")?;
        }
        if let Optimizer::Sgd { momentum, .. } = self.optimizer {
            check((0.0..1.0).contains(&momentum), at, "momentum", &momentum, "a number in [0, 1)")?;
        }
        if let Optimizer::Hybrid { lsq_every, .. } = self.optimizer {
            check(lsq_every >= 1, at, "lsq_every", &lsq_every, "an integer ≥ 1")?;
        }
        Ok(())
    }
}

/// Most steps (and `eval_every`) of a step trainer.
pub const MAX_STEPS: usize = 100_000_000;
/// Most iterations of a sweep trainer's phases.
pub const MAX_ITERS: usize = 100_000;

fn default_data_per_piece() -> usize {
    32
}

fn default_data_min() -> usize {
    256
}
