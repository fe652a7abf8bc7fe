//! What every gradient trainer (`adam`, `hybrid`, `sgd`) shares: the base learning rate, its
//! schedule over the step budget and the minibatch size, with one validation step and one sentence
//! for the methods paragraph.
//!
//! Schedules: constant η_t = η; cosine η_t = η·(f + (1 − f)·½(1 + cos(πt/T))) from η to f·η over
//! the budget T; step η_t = max(η·factor^⌊t/every⌋, min_lr).

use crate::validate::{Invalid, check};
use serde::{Deserialize, Serialize};

/// Learning-rate schedule over a budget of `steps` steps.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", deny_unknown_fields)]
pub enum Schedule {
    /// η_t = η.
    Constant,
    /// Cosine decay from η to `final_frac`·η over the budget.
    Cosine {
        /// Final learning rate as a fraction of the initial one, in [0, 1].
        final_frac: f64,
    },
    /// Staircase exponential decay, η_t = max(η·factor^⌊t/every⌋, min_lr): Safran & Shamir's
    /// (2017) "starting at 0.1, decaying by a multiplicative factor of 0.95 every 1000 batches, and
    /// stopping at 10⁻⁴".
    Step {
        /// Multiplier per stair, in (0, 1].
        factor: f64,
        /// Steps per stair (≥ 1).
        every: usize,
        /// The rate never goes below this (≥ 0).
        min_lr: f64,
    },
}

impl Schedule {
    /// Learning rate at `step` (0-based) of `total`.
    pub fn lr(&self, base: f64, step: usize, total: usize) -> f64 {
        match *self {
            Schedule::Constant => base,
            Schedule::Cosine { final_frac } => {
                let p = step as f64 / total.max(1) as f64;
                let c = 0.5 * (1.0 + (std::f64::consts::PI * p).cos());
                base * (final_frac + (1.0 - final_frac) * c)
            }
            Schedule::Step { factor, every, min_lr } => {
                let stairs = i32::try_from(step / every.max(1)).unwrap_or(i32::MAX);
                (base * factor.powi(stairs)).max(min_lr)
            }
        }
    }
}

/// The gradient settings every gradient trainer shares (Adam's learning rate, schedule, batch).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GradientSettings {
    /// Base learning rate.
    pub lr: f64,
    /// Learning-rate schedule.
    pub schedule: Schedule,
    /// Minibatch size; `None` is full batch.
    pub batch: Option<usize>,
}

impl GradientSettings {
    /// Check the learning rate, the batch and the schedule's fields; errors name them under `at`
    /// (the optimizer's table, e.g. `shallow[0].train.optimizer`).
    pub fn validate(&self, at: &str) -> Result<(), Invalid> {
        check(self.lr.is_finite() && self.lr > 0.0, at, "lr", &self.lr, "a finite number > 0")?;
        check(
            self.batch.is_none_or(|b| (1..=super::data::MAX_POINTS).contains(&b)),
            at,
            "batch",
            &self.batch.unwrap_or(0),
            "an integer in 1..=16777216, or absent for full batch",
        )?;
        if let Schedule::Step { factor, every, min_lr } = self.schedule {
            check(factor > 0.0 && factor <= 1.0, at, "schedule.factor", &factor, "a number in (0, 1]")?;
            check(every >= 1, at, "schedule.every", &every, "an integer ≥ 1 (steps per stair)")?;
            check(min_lr.is_finite() && min_lr >= 0.0, at, "schedule.min_lr", &min_lr, "a number ≥ 0")?;
        }
        if let Schedule::Cosine { final_frac } = self.schedule {
            check((0.0..=1.0).contains(&final_frac), at, "schedule.final_frac", &final_frac, "a number in [0, 1]")?;
        }
        Ok(())
    }
}

impl Schedule {
    /// The schedule in words, for the methods paragraph: `constant`, `cosine-decayed to 0`, …
    pub fn describe(&self) -> String {
        match *self {
            Schedule::Constant => "constant".into(),
            Schedule::Cosine { final_frac: 0.0 } => "cosine-decayed to 0".into(),
            Schedule::Cosine { final_frac } => format!("cosine-decayed to {final_frac} of it"),
            Schedule::Step { factor, every, min_lr } => {
                format!("multiplied by {factor} every {every} steps, down to {min_lr}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cosine_schedule_runs_from_base_to_final_fraction() {
        let s = Schedule::Cosine { final_frac: 0.1 };
        assert_eq!(s.lr(1.0, 0, 100), 1.0);
        assert!((s.lr(1.0, 100, 100) - 0.1).abs() < 1e-15);
        assert!((s.lr(1.0, 50, 100) - 0.55).abs() < 1e-12);
    }

    #[test]
    fn the_step_schedule_is_safran_and_shamirs_staircase_with_its_floor() {
        let s = Schedule::Step { factor: 0.95, every: 1000, min_lr: 1e-4 };
        assert_eq!((s.lr(0.1, 0, 1), s.lr(0.1, 999, 1)), (0.1, 0.1));
        assert!((s.lr(0.1, 1000, 1) - 0.095).abs() < 1e-15);
        assert!((s.lr(0.1, 10_500, 1) - 0.1 * 0.95f64.powi(10)).abs() < 1e-15);
        // 0.1 · 0.95^134 = 1.03e-4 > 1e-4 ≥ 0.1 · 0.95^135 = 9.8e-5: the floor holds from stair 135.
        assert!(s.lr(0.1, 134_999, 1) > 1e-4 && s.lr(0.1, 135_000, 1) == 1e-4 && s.lr(0.1, 10_000_000, 1) == 1e-4);
    }
}
