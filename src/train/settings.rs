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

use super::data::SampledData;
use super::kind::{Mode, TrainerInfo};
use super::trainer::Trainer;
use super::{GradientSettings, Init, Optimizer, TrainerId};
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

impl Optimizer {
    /// The trainer this optimizer is.
    pub fn id(&self) -> TrainerId {
        self.kind().info().id
    }

    /// Name as in the config (`adam`, `hybrid`, `freeknot`, …).
    pub fn name(&self) -> &'static str {
        self.kind().info().name
    }

    /// The gradient settings of a gradient trainer.
    pub fn gradient(&self) -> Option<GradientSettings> {
        self.kind().gradient()
    }

    /// Whether this is a sweep trainer (one run per seed gives every width).
    pub fn sweeps(&self) -> bool {
        self.kind().info().mode == Mode::Sweep
    }

    /// Which input dimensions the trainer fits (`freeknot` grows 1-D splines, `greedy` ridge
    /// units on d > 1 inputs, the others any).
    pub fn fits_dim(&self, d: usize) -> bool {
        self.kind().info().dims.fits(d)
    }
}

impl TrainerId {
    /// Name as in the config.
    pub fn name(self) -> &'static str {
        self.info().name
    }

    /// Whether the trainer is a sweep trainer (one run per seed gives every width).
    pub fn sweeps(self) -> bool {
        self.info().mode == Mode::Sweep
    }

    /// The names of the trainers with `pred`, quoted and joined for an error message:
    /// `"a", "b" or "c"`.
    pub fn names_where(pred: impl Fn(&TrainerInfo) -> bool) -> String {
        let names: Vec<String> =
            Self::ALL.iter().map(|t| t.info()).filter(|i| pred(i)).map(|i| format!("\"{}\"", i.name)).collect();
        match names.split_last() {
            None => String::new(),
            Some((last, [])) => last.clone(),
            Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        }
    }
}

impl std::fmt::Display for TrainerId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.name())
    }
}

impl TrainSettings {
    /// The step trainer this config asks for, for a net with `n_params` parameters and `d` inputs;
    /// `None` for a sweep trainer (`freeknot`, `greedy`), which is not run step by step. On d > 1
    /// inputs the gradient steps take minibatches of `sampled.batch` unless the optimizer names one.
    pub fn trainer(&self, n_params: usize, d: usize) -> Option<Box<dyn Trainer>> {
        let kind = self.optimizer.kind();
        let g = kind.gradient().map(|mut g| {
            if d > 1 {
                g.batch = g.batch.or(Some(self.sampled.batch));
            }
            g
        });
        kind.trainer(n_params, g, self)
    }

    /// The budget in words: `2000 steps` for a step trainer, `sweep` for a sweep trainer.
    pub fn budget(&self) -> String {
        if self.optimizer.sweeps() { "sweep".into() } else { format!("{} steps", self.steps) }
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
        let kind = self.optimizer.kind();
        check(
            self.dtype.is_f64() || kind.info().f32,
            at,
            "dtype",
            &self.dtype.name(),
            &format!("\"f64\", or \"f32\" with optimizer kind {}", TrainerId::names_where(|i| i.f32)),
        )?;
        self.sampled.validate(at)?;
        let opt = &format!("{at}.optimizer");
        if self.optimizer.sweeps() {
            return kind.validate(opt);
        }
        check((1..=MAX_STEPS).contains(&self.steps), at, "steps", &self.steps, "an integer in 1..=100000000")?;
        check(
            (1..=MAX_STEPS).contains(&self.eval_every),
            at,
            "eval_every",
            &self.eval_every,
            "an integer in 1..=100000000",
        )?;
        kind.validate(opt)
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
