//! Stochastic gradient descent with heavy-ball momentum, as TensorFlow's `MomentumOptimizer` and
//! PyTorch's `SGD(momentum=μ)` take it (no dampening, no Nesterov):
//!
//! v ← μ·v + g,   θ ← θ − η_t·v
//!
//! on minibatches drawn with replacement (full batch when `batch` is absent), with a learning-rate
//! [`Schedule`](super::Schedule). Safran & Shamir (2017) train their ball-indicator nets this way
//! (μ = 0.95, batches of 100, η from 0.1 decaying by 0.95 every 1000 batches down to 10⁻⁴).

use super::GradientSettings;
use super::trainer::{Data, GradientStep, Trainer};
use crate::net::{Mlp, Workspace};
use rand_chacha::ChaCha8Rng;

mod spec;
pub use spec::{INFO, SgdSettings};

/// SGD with momentum on all parameters: one minibatch step per call.
pub struct SgdTrainer {
    momentum: f64,
    velocity: Vec<f64>,
    g: GradientStep,
}

impl SgdTrainer {
    /// A trainer for a net with `n_params` parameters over a budget of `steps`.
    pub fn new(n_params: usize, settings: GradientSettings, momentum: f64, steps: usize) -> Self {
        Self { momentum, velocity: vec![0.0; n_params], g: GradientStep::new(n_params, settings, steps) }
    }
}

impl Trainer for SgdTrainer {
    fn step(&mut self, net: &mut Mlp, data: &Data, step: usize, rng: &mut ChaCha8Rng, ws: &mut Workspace) -> f64 {
        let Some((loss, lr)) = self.g.take(net, data, step, rng, ws) else { return f64::NAN };
        for ((p, v), g) in net.params_mut().iter_mut().zip(&mut self.velocity).zip(&self.g.grad) {
            *v = self.momentum * *v + g;
            *p -= lr * *v;
        }
        loss
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::train::Schedule;

    #[test]
    fn momentum_steps_follow_the_heavy_ball_recursion_on_a_one_parameter_fit() {
        // A net with no hidden units... use the smallest net: 1 → 1 → 1, and check the update
        // against the recursion computed by hand from the gradients the net reports.
        let mut net = Mlp::with_hidden(1, &[1]).unwrap();
        net.set_layer(0, &[0.5], &[0.1]);
        net.set_layer(1, &[0.7], &[0.0]);
        let data = Data { xs: vec![0.2, 0.9], ys: vec![1.0, 0.0], d: 1 };
        let settings = GradientSettings { lr: 0.1, schedule: Schedule::Constant, batch: None };
        let mut t = SgdTrainer::new(net.n_params(), settings, 0.9, 10);
        let (mut ws, mut rng) = (Workspace::default(), crate::rng::run_rng(1, "sgd"));
        let mut expect = net.params().to_vec();
        let mut v = vec![0.0; expect.len()];
        let mut g = vec![0.0; expect.len()];
        for step in 0..3 {
            let mut probe = net.clone();
            probe.params_mut().copy_from_slice(&expect);
            probe.loss_grad(&data.xs, &data.ys, &mut g, &mut ws);
            for i in 0..expect.len() {
                v[i] = 0.9 * v[i] + g[i];
                expect[i] -= 0.1 * v[i];
            }
            t.step(&mut net, &data, step, &mut rng, &mut ws);
            assert_eq!(net.params(), &expect[..], "step {step}");
        }
        assert!(v.iter().any(|x| *x != 0.0));
    }
}
