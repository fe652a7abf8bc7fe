//! The plain Adam trainer: the step a PyTorch script takes (Kingma & Ba 2015, bias-corrected),
//! with a learning-rate schedule, on full batches or minibatches drawn with replacement.
//!
//! m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², θ ← θ − η_t · m̂/(√v̂ + ε), m̂ = m/(1−β₁^t), v̂ = v/(1−β₂^t).

pub use super::gradient::{GradientSettings, Schedule};
use super::trainer::{Data, GradientStep, Trainer};
use crate::net::{Mlp, Workspace};
use rand_chacha::ChaCha8Rng;

mod spec;
pub use spec::{AdamSettings, INFO};

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

/// Adam on all parameters: one minibatch (or full-batch) gradient step per call.
pub struct AdamTrainer {
    adam: Adam,
    g: GradientStep,
    single: Option<Single>,
}

impl AdamTrainer {
    /// A trainer for a net with `n_params` parameters over a budget of `steps`.
    pub fn new(n_params: usize, settings: GradientSettings, steps: usize) -> Self {
        Self { adam: Adam::new(n_params), g: GradientStep::new(n_params, settings, steps), single: None }
    }

    /// The same trainer computing in `dtype` (f32: see [`super::single`]).
    pub fn with_dtype(mut self, dtype: super::Dtype) -> Self {
        self.single = (dtype == super::Dtype::F32).then(|| Single::new(self.g.grad.len()));
        self
    }
}

use super::single::Single;

impl Trainer for AdamTrainer {
    fn step(&mut self, net: &mut Mlp, data: &Data, step: usize, rng: &mut ChaCha8Rng, ws: &mut Workspace) -> f64 {
        if let Some(single) = &mut self.single {
            return single.step(net, data, self.g.settings.batch, self.g.lr(step), rng);
        }
        let Some((loss, lr)) = self.g.take(net, data, step, rng, ws) else { return f64::NAN };
        self.adam.step(net.params_mut(), &self.g.grad, lr);
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
}
