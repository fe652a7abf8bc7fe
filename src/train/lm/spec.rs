//! Levenberg–Marquardt's settings (none), info entry and place in the methods paragraph.

use super::LmTrainer;
use crate::train::kind::{Dims, Mode, Prose, TrainerInfo, TrainerKind};
use crate::train::{GradientSettings, TrainSettings, Trainer, TrainerId};
use crate::validate::Invalid;
use serde::{Deserialize, Serialize};

/// `optimizer = { kind = "lm" }`: no settings of its own (the budget is `steps`).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LmSettings {}

/// Levenberg–Marquardt's info entry.
pub static INFO: TrainerInfo = TrainerInfo {
    id: TrainerId::Lm,
    name: "lm",
    dims: Dims::Any,
    mode: Mode::Step,
    gradient: false,
    f32: false,
    cites: &["levenberg1944", "marquardt1963"],
    example: "{ kind = \"lm\" }",
};

impl TrainerKind for LmSettings {
    fn info(&self) -> &'static TrainerInfo {
        &INFO
    }

    fn validate(&self, _at: &str) -> Result<(), Invalid> {
        Ok(())
    }

    fn trainer(&self, _: usize, _: Option<GradientSettings>, _: &TrainSettings) -> Option<Box<dyn Trainer>> {
        Some(Box::new(LmTrainer::default()))
    }

    fn methods(&self, p: &dyn Prose, steps: usize, init: &str) -> String {
        format!(
            "{}, Levenberg{}Marquardt on all parameters{} ({steps} steps; {init})",
            p.code(INFO.name),
            p.dash(),
            p.cite(INFO.cites),
        )
    }
}
