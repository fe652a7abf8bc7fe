//! Plain Adam's settings, info entry and place in the methods paragraph.

use super::AdamTrainer;
use crate::train::kind::{Dims, Mode, Prose, TrainerInfo, TrainerKind};
use crate::train::{GradientSettings, Schedule, TrainSettings, Trainer, TrainerId};
use crate::validate::Invalid;
use serde::{Deserialize, Serialize};

/// `optimizer = { kind = "adam", lr = …, schedule = …, batch = … }`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdamSettings {
    /// Base learning rate (finite, > 0).
    pub lr: f64,
    /// Learning-rate schedule.
    pub schedule: Schedule,
    /// Minibatch size (≥ 1); absent = full batch.
    #[serde(default)]
    pub batch: Option<usize>,
}

/// Plain Adam's info entry.
pub static INFO: TrainerInfo = TrainerInfo {
    id: TrainerId::Adam,
    name: "adam",
    dims: Dims::Any,
    mode: Mode::Step,
    gradient: true,
    f32: true,
    cites: &["kingma2015"],
    example: "{ kind = \"adam\", lr = 1e-2, schedule = { kind = \"cosine\", final_frac = 0.0 } }",
};

impl TrainerKind for AdamSettings {
    fn info(&self) -> &'static TrainerInfo {
        &INFO
    }

    fn validate(&self, at: &str) -> Result<(), Invalid> {
        self.gradient().expect("a gradient trainer").validate(at)
    }

    fn gradient(&self) -> Option<GradientSettings> {
        Some(GradientSettings { lr: self.lr, schedule: self.schedule, batch: self.batch })
    }

    fn trainer(&self, n_params: usize, g: Option<GradientSettings>, s: &TrainSettings) -> Option<Box<dyn Trainer>> {
        Some(Box::new(AdamTrainer::new(n_params, g?, s.steps).with_dtype(s.dtype)))
    }

    fn methods(&self, p: &dyn Prose, steps: usize, init: &str) -> String {
        format!(
            "{}, plain Adam{} on all parameters as a PyTorch user runs it ({steps} steps, learning rate {} {}, {}; {init})",
            p.code(INFO.name),
            p.cite(INFO.cites),
            self.lr,
            p.schedule(self.schedule),
            p.batch(self.batch),
        )
    }
}
