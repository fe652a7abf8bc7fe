//! The hybrid trainer's settings, info entry and place in the methods paragraph.

use super::HybridTrainer;
use crate::train::kind::{Dims, Mode, Prose, TrainerInfo, TrainerKind};
use crate::train::{GradientSettings, Schedule, TrainSettings, Trainer, TrainerId};
use crate::validate::{Invalid, check};
use serde::{Deserialize, Serialize};

/// `optimizer = { kind = "hybrid", lr = …, schedule = …, batch = …, lsq_every = … }`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HybridSettings {
    /// Base learning rate of the Adam steps (finite, > 0).
    pub lr: f64,
    /// Learning-rate schedule.
    pub schedule: Schedule,
    /// Minibatch size (≥ 1); absent = full batch.
    #[serde(default)]
    pub batch: Option<usize>,
    /// Solve at step 0 and every this many steps (≥ 1).
    pub lsq_every: usize,
}

/// The hybrid trainer's info entry.
pub static INFO: TrainerInfo = TrainerInfo {
    id: TrainerId::Hybrid,
    name: "hybrid",
    dims: Dims::Any,
    mode: Mode::Step,
    gradient: true,
    f32: true,
    cites: &["cyr2020", "kingma2015"],
    example: "{ kind = \"hybrid\", lsq_every = 100, lr = 1e-3, schedule = { kind = \"cosine\", final_frac = 0.01 } }",
};

impl TrainerKind for HybridSettings {
    fn info(&self) -> &'static TrainerInfo {
        &INFO
    }

    fn validate(&self, at: &str) -> Result<(), Invalid> {
        self.gradient().expect("a gradient trainer").validate(at)?;
        check(self.lsq_every >= 1, at, "lsq_every", &self.lsq_every, "an integer ≥ 1")
    }

    fn gradient(&self) -> Option<GradientSettings> {
        Some(GradientSettings { lr: self.lr, schedule: self.schedule, batch: self.batch })
    }

    fn trainer(&self, n_params: usize, g: Option<GradientSettings>, s: &TrainSettings) -> Option<Box<dyn Trainer>> {
        Some(Box::new(HybridTrainer::new(n_params, g?, s.steps, self.lsq_every).with_dtype(s.dtype)))
    }

    fn methods(&self, p: &dyn Prose, steps: usize, init: &str) -> String {
        format!(
            "{}, exact least-squares solves of the output layer at step 0, every {} steps and after \
             the last{} with Adam{} between ({steps} steps, learning rate {} {}, {}; {init})",
            p.code(INFO.name),
            self.lsq_every,
            p.cite(&INFO.cites[..1]),
            p.cite(&INFO.cites[1..]),
            self.lr,
            p.schedule(self.schedule),
            p.batch(self.batch),
        )
    }
}
