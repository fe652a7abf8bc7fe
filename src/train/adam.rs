//! The plain Adam trainer: the step a PyTorch script takes (Kingma & Ba 2015, bias-corrected),
//! with a learning-rate schedule, on full batches or minibatches drawn with replacement.
//!
//! m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², θ ← θ − η_t · m̂/(√v̂ + ε), m̂ = m/(1−β₁^t), v̂ = v/(1−β₂^t).

use super::trainer::{Data, Trainer, minibatch_loss_grad};
use crate::net::{Mlp, Workspace};
use rand_chacha::ChaCha8Rng;
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

/// Adam state for a flat parameter vector.
#[derive(Debug, Clone)]
pub struct Adam {
    m: Vec<f64>,
    v: Vec<f64>,
    t: i32,
    beta1: f64,
    beta2: f64,
    eps: f64,
}

impl Adam {
    /// Adam with the usual defaults β₁ = 0.9, β₂ = 0.999, ε = 1e−8.
    pub fn new(n: usize) -> Self {
        Self {
            m: vec![0.0; n],
            v: vec![0.0; n],
            t: 0,
            beta1: super::adam_update::BETA1,
            beta2: super::adam_update::BETA2,
            eps: 1e-8,
        }
    }

    /// One update of `params` with gradient `grad` and learning rate `lr`.
    pub fn step(&mut self, params: &mut [f64], grad: &[f64], lr: f64) {
        self.t += 1;
        let c1 = 1.0 - self.beta1.powi(self.t);
        let c2 = 1.0 - self.beta2.powi(self.t);
        let (b1, b2, eps) = (self.beta1, self.beta2, self.eps);
        let coef = super::adam_update::Coefficients::new(b1, b2, (c1, c2), eps, lr);
        super::adam_update::update(params, grad, &mut self.m, &mut self.v, coef);
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

/// Adam on all parameters: one minibatch (or full-batch) gradient step per call.
pub struct AdamTrainer {
    adam: Adam,
    grad: Vec<f64>,
    xb: Vec<f64>,
    yb: Vec<f64>,
    settings: GradientSettings,
    steps: usize,
    single: Option<Single>,
}

impl AdamTrainer {
    /// A trainer for a net with `n_params` parameters over a budget of `steps`.
    pub fn new(n_params: usize, settings: GradientSettings, steps: usize) -> Self {
        Self {
            adam: Adam::new(n_params),
            grad: vec![0.0; n_params],
            xb: vec![],
            yb: vec![],
            settings,
            steps,
            single: None,
        }
    }

    /// The same trainer computing in `dtype` (f32: see [`super::single`]).
    pub fn with_dtype(mut self, dtype: super::Dtype) -> Self {
        self.single = (dtype == super::Dtype::F32).then(|| Single::new(self.grad.len()));
        self
    }
}

use super::single::Single;

impl Trainer for AdamTrainer {
    fn step(&mut self, net: &mut Mlp, data: &Data, step: usize, rng: &mut ChaCha8Rng, ws: &mut Workspace) -> f64 {
        if let Some(single) = &mut self.single {
            let lr = self.settings.schedule.lr(self.settings.lr, step, self.steps);
            return single.step(net, data, self.settings.batch, lr, rng);
        }
        let (batch, buf) = (self.settings.batch, (&mut self.xb, &mut self.yb));
        let loss = minibatch_loss_grad(net, data, batch, rng, buf, &mut self.grad, ws);
        if !loss.is_finite() || self.grad.iter().any(|g| !g.is_finite()) {
            return f64::NAN;
        }
        let lr = self.settings.schedule.lr(self.settings.lr, step, self.steps);
        self.adam.step(net.params_mut(), &self.grad, lr);
        loss
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_adam_step_moves_each_parameter_by_lr_against_the_gradient_sign() {
        let mut p = vec![1.0, 1.0];
        Adam::new(2).step(&mut p, &[3.0, -0.5], 0.1);
        assert!((p[0] - 0.9).abs() < 1e-7 && (p[1] - 1.1).abs() < 1e-7);
    }

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
