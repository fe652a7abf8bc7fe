//! RMSprop's settings, info entry and place in the methods paragraph.

use super::RmspropTrainer;
use crate::train::kind::{Dims, Mode, Prose, TrainerInfo, TrainerKind};
use crate::train::{GradientSettings, Schedule, TrainSettings, Trainer, TrainerId};
use crate::validate::{Invalid, check};
use serde::{Deserialize, Serialize};

/// `optimizer = { kind = "rmsprop", lr = …, schedule = …, batch = …, alpha = …, eps = … }`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RmspropSettings {
    /// Base learning rate (finite, > 0; PyTorch's default is 0.01).
    pub lr: f64,
    /// Learning-rate schedule.
    pub schedule: Schedule,
    /// Minibatch size (≥ 1); absent = full batch.
    #[serde(default)]
    pub batch: Option<usize>,
    /// Smoothing constant α in [0, 1) (absent = 0.99, PyTorch's default).
    #[serde(default = "default_alpha")]
    pub alpha: f64,
    /// Added to √v, > 0 (absent = 1e-8, PyTorch's default).
    #[serde(default = "default_eps")]
    pub eps: f64,
}

fn default_alpha() -> f64 {
    0.99
}
fn default_eps() -> f64 {
    1e-8
}

/// RMSprop's info entry.
pub static INFO: TrainerInfo = TrainerInfo {
    id: TrainerId::Rmsprop,
    name: "rmsprop",
    dims: Dims::Any,
    mode: Mode::Step,
    gradient: true,
    f32: false,
    cites: &["paszke2019"],
    example: "{ kind = \"rmsprop\", lr = 1e-2, schedule = { kind = \"cosine\", final_frac = 0.0 } }",
};

impl TrainerKind for RmspropSettings {
    fn info(&self) -> &'static TrainerInfo {
        &INFO
    }

    fn validate(&self, at: &str) -> Result<(), Invalid> {
        self.gradient().expect("a gradient trainer").validate(at)?;
        check((0.0..1.0).contains(&self.alpha), at, "alpha", &self.alpha, "a number in [0, 1)")?;
        check(self.eps.is_finite() && self.eps > 0.0, at, "eps", &self.eps, "a finite number > 0")
    }

    fn gradient(&self) -> Option<GradientSettings> {
        Some(GradientSettings { lr: self.lr, schedule: self.schedule, batch: self.batch })
    }

    fn trainer(&self, n_params: usize, g: Option<GradientSettings>, s: &TrainSettings) -> Option<Box<dyn Trainer>> {
        Some(Box::new(RmspropTrainer::new(n_params, g?, self.alpha, self.eps, s.steps)))
    }

    fn methods(&self, p: &dyn Prose, steps: usize, init: &str) -> String {
        format!(
            "{}, RMSprop as PyTorch runs it{} (smoothing {}, ε {:e}; {steps} steps, learning rate {} {}, {}; {init})",
            p.code(INFO.name),
            p.cite(INFO.cites),
            self.alpha,
            self.eps,
            self.lr,
            p.schedule(self.schedule),
            p.batch(self.batch),
        )
    }
}
