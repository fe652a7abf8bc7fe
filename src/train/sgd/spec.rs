//! SGD's settings, info entry and place in the methods paragraph.

use super::SgdTrainer;
use crate::train::kind::{Dims, Mode, Prose, TrainerInfo, TrainerKind};
use crate::train::{GradientSettings, Schedule, TrainSettings, Trainer, TrainerId};
use crate::validate::{Invalid, check};
use serde::{Deserialize, Serialize};

/// `optimizer = { kind = "sgd", lr = …, momentum = …, schedule = …, batch = … }`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SgdSettings {
    /// Base learning rate (finite, > 0).
    pub lr: f64,
    /// Momentum μ in [0, 1).
    pub momentum: f64,
    /// Learning-rate schedule.
    pub schedule: Schedule,
    /// Minibatch size (≥ 1); absent = full batch.
    #[serde(default)]
    pub batch: Option<usize>,
}

/// SGD's info entry.
pub static INFO: TrainerInfo = TrainerInfo {
    id: TrainerId::Sgd,
    name: "sgd",
    dims: Dims::Any,
    mode: Mode::Step,
    gradient: true,
    f32: false,
    cites: &[],
    example: "{ kind = \"sgd\", lr = 0.1, momentum = 0.95, batch = 100, schedule = { kind = \"step\", factor = 0.95, every = 1000, min_lr = 1e-4 } }",
};

impl TrainerKind for SgdSettings {
    fn info(&self) -> &'static TrainerInfo {
        &INFO
    }

    fn validate(&self, at: &str) -> Result<(), Invalid> {
        self.gradient().expect("a gradient trainer").validate(at)?;
        check((0.0..1.0).contains(&self.momentum), at, "momentum", &self.momentum, "a number in [0, 1)")
    }

    fn gradient(&self) -> Option<GradientSettings> {
        Some(GradientSettings { lr: self.lr, schedule: self.schedule, batch: self.batch })
    }

    fn trainer(&self, n_params: usize, g: Option<GradientSettings>, s: &TrainSettings) -> Option<Box<dyn Trainer>> {
        Some(Box::new(SgdTrainer::new(n_params, g?, self.momentum, s.steps)))
    }

    fn methods(&self, p: &dyn Prose, steps: usize, init: &str) -> String {
        format!(
            "{}, SGD with momentum {} on all parameters ({steps} steps, learning rate {} {}, {}; {init})",
            p.code(INFO.name),
            self.momentum,
            self.lr,
            p.schedule(self.schedule),
            p.batch(self.batch),
        )
    }
}
