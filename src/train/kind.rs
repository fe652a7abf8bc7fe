//! What a trainer is to the rest of depthsep: its info entry ([`TrainerInfo`]: name, the input
//! dimensions it fits, step or sweep, the works it cites) and its behaviour ([`TrainerKind`]: one
//! validation step that names the field, the step trainer or the sweep it runs, its sentence in the
//! methods paragraph). Each trainer implements [`TrainerKind`] on its typed settings in its own
//! folder (`train/<name>/`); the registry ([`super::registry`]) holds the only `match`es over
//! trainers. Suites, searches, shards, results, tables, figures and the methods paragraph go
//! through these two types only.

use super::{Data, Eval, Evaluator, GradientSettings, Objective, Schedule, TrainSettings, Trainer, TrainerId};
use crate::net::Mlp;
use crate::validate::Invalid;
use rand_chacha::ChaCha8Rng;

/// Which input dimensions a trainer fits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dims {
    /// One input only (grows 1-D splines).
    One,
    /// More than one input only.
    Many,
    /// Any number of inputs.
    Any,
}

impl Dims {
    /// Whether a target with `d` inputs is fitted.
    pub fn fits(self, d: usize) -> bool {
        match self {
            Dims::One => d == 1,
            Dims::Many => d > 1,
            Dims::Any => true,
        }
    }

    /// The dimensions in words: `1-D targets only`, `targets with d > 1 inputs only`, `any target`.
    pub fn describe(self) -> &'static str {
        match self {
            Dims::One => "1-D targets only",
            Dims::Many => "targets with d > 1 inputs only",
            Dims::Any => "any target",
        }
    }
}

/// How a trainer produces widths.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// One run trains one net of a fixed width step by step ([`Trainer`]); searches propose widths.
    Step,
    /// One run per seed grows a net and gives the error at every width (the whole curve).
    Sweep,
}

/// A trainer's info entry.
#[derive(Debug, Clone, Copy)]
pub struct TrainerInfo {
    /// Its typed id (what run ids and results store).
    pub id: TrainerId,
    /// Its name in configs and results (`optimizer.kind`).
    pub name: &'static str,
    /// The input dimensions it fits.
    pub dims: Dims,
    /// Step or sweep trainer.
    pub mode: Mode,
    /// Whether it takes gradient steps ([`TrainerKind::gradient`]; what deep references train with).
    pub gradient: bool,
    /// Whether it trains in single precision too (`dtype = "f32"`).
    pub f32: bool,
    /// Keys of the works it cites (in `report::bib`), in the order the methods sentence cites them.
    pub cites: &'static [&'static str],
    /// A minimal `optimizer` table that selects it, as a config writes it (for docs and tests).
    pub example: &'static str,
}

/// How the methods paragraph writes: inline code, citations, dashes and phrases in the report's
/// language (Markdown or LaTeX). Implemented by the report; trainers and recipes only call it.
pub trait Prose {
    /// `name` as inline code.
    fn code(&self, name: &str) -> String;
    /// A citation of `keys` (with its leading space).
    fn cite(&self, keys: &[&str]) -> String;
    /// The en dash (`–`, or `--` in LaTeX).
    fn dash(&self) -> &'static str;
    /// A learning-rate schedule in words.
    fn schedule(&self, s: Schedule) -> String {
        s.describe()
    }
    /// A batch size in words: `full batch` or `minibatches of b`.
    fn batch(&self, batch: Option<usize>) -> String {
        batch.map_or("full batch".into(), |b| format!("minibatches of {b}"))
    }
}

/// What the caller says after seeing a width of a sweep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    /// Grow on.
    Continue,
    /// Stop the sweep.
    Stop,
}

/// Where a sweep trainer reports the widths it reaches (the suite's recorder keeps the curve, the
/// first width reaching each τ and its weights).
pub trait WidthRecorder {
    /// See width `m` with error `e`; `weights` gives the net of that width (called only when it may
    /// reach a new τ, and its own error then replaces `e`).
    fn see(&mut self, m: usize, e: Eval, weights: &mut dyn FnMut() -> anyhow::Result<Mlp>) -> anyhow::Result<Control>;
    /// A second net of width `m` (already seen) with error `e`: kept where it is better.
    fn improve(&mut self, m: usize, e: Eval, net: Mlp);
    /// The first width that reached each τ so far.
    fn firsts(&self) -> Vec<Option<usize>>;
    /// Whether the stop tolerance has been reached.
    fn reached(&self) -> bool;
}

/// One trainer's behaviour, implemented on its typed settings (`optimizer = { kind = …, … }`).
pub trait TrainerKind {
    /// Its info entry.
    fn info(&self) -> &'static TrainerInfo;

    /// Check the trainer's own fields; errors name them under `at` (the optimizer's table).
    fn validate(&self, at: &str) -> Result<(), Invalid>;

    /// Its gradient settings, for a gradient trainer.
    fn gradient(&self) -> Option<GradientSettings> {
        None
    }

    /// The step trainer for a net of `n_params` parameters, under the shared `settings` (budget,
    /// precision); `gradient` is [`Self::gradient`] with the data rule's minibatch filled in.
    /// `None` for a sweep trainer.
    fn trainer(
        &self,
        _n_params: usize,
        _gradient: Option<GradientSettings>,
        _settings: &TrainSettings,
    ) -> Option<Box<dyn Trainer>> {
        None
    }

    /// Run a sweep on one seed's `data` of `target` up to width `m_max`, reporting every width to
    /// `rec` and stopping when it says so. An error for a step trainer.
    fn sweep(
        &self,
        _target: &dyn Objective,
        _data: &Data,
        _ev: &Evaluator,
        _m_max: usize,
        _rng: &mut ChaCha8Rng,
        _rec: &mut dyn WidthRecorder,
    ) -> anyhow::Result<()> {
        anyhow::bail!("{} is not a sweep trainer", self.info().name)
    }

    /// Its sentence in the methods paragraph: what it does and with which settings (`steps` is the
    /// budget of a step trainer, `init` the initialisation in words).
    fn methods(&self, p: &dyn Prose, steps: usize, init: &str) -> String;
}
