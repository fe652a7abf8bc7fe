//! RMSprop as PyTorch's `torch.optim.RMSprop` takes it with its defaults (Tieleman & Hinton's lecture 6.5;
//! α = 0.99, ε = 10⁻⁸, no momentum, not centred):
//!
//! v ← α·v + (1 − α)·g²,   θ ← θ − η_t·g / (√v + ε)
//!
//! on minibatches drawn with replacement (full batch when `batch` is absent), with a learning-rate
//! [`Schedule`](super::Schedule). One of the optimisers a PyTorch user reaches for besides Adam and
//! SGD; the state v starts at zero (no bias correction, as in PyTorch).

use super::GradientSettings;
use super::trainer::{Data, GradientStep, Trainer};
use crate::net::{Mlp, Workspace};
use rand_chacha::ChaCha8Rng;

mod spec;
pub use spec::{INFO, RmspropSettings};

/// RMSprop on all parameters: one minibatch step per call.
pub struct RmspropTrainer {
    alpha: f64,
    eps: f64,
    square_avg: Vec<f64>,
    g: GradientStep,
}

impl RmspropTrainer {
    /// A trainer for a net with `n_params` parameters over a budget of `steps`, smoothing constant
    /// `alpha` and `eps` added to √v.
    pub fn new(n_params: usize, settings: GradientSettings, alpha: f64, eps: f64, steps: usize) -> Self {
        Self { alpha, eps, square_avg: vec![0.0; n_params], g: GradientStep::new(n_params, settings, steps) }
    }
}

impl Trainer for RmspropTrainer {
    fn step(&mut self, net: &mut Mlp, data: &Data, step: usize, rng: &mut ChaCha8Rng, ws: &mut Workspace) -> f64 {
        let Some((loss, lr)) = self.g.take(net, data, step, rng, ws) else { return f64::NAN };
        let (alpha, eps) = (self.alpha, self.eps);
        for ((p, v), g) in net.params_mut().iter_mut().zip(&mut self.square_avg).zip(&self.g.grad) {
            *v = alpha * *v + (1.0 - alpha) * g * g;
            *p -= lr * g / (v.sqrt() + eps);
        }
        loss
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::train::{Evaluator, Metric, Schedule, TrainSettings, fit};

    #[test]
    fn steps_follow_pytorchs_rmsprop_recursion() {
        let mut net = Mlp::with_hidden(1, &[2]).unwrap();
        net.set_layer(0, &[0.5, -0.8], &[0.1, 0.6]);
        net.set_layer(1, &[0.7, 0.3], &[0.0]);
        let data = Data { xs: vec![0.2, 0.9, 0.4], ys: vec![1.0, 0.0, 0.5], d: 1 };
        let settings = GradientSettings { lr: 0.01, schedule: Schedule::Constant, batch: None };
        let mut t = RmspropTrainer::new(net.n_params(), settings, 0.99, 1e-8, 10);
        let (mut ws, mut rng) = (Workspace::default(), crate::rng::run_rng(1, "rmsprop"));
        let mut expect = net.params().to_vec();
        let (mut v, mut g) = (vec![0.0; expect.len()], vec![0.0; expect.len()]);
        for step in 0..3 {
            let mut probe = net.clone();
            probe.params_mut().copy_from_slice(&expect);
            probe.loss_grad(&data.xs, &data.ys, &mut g, &mut ws);
            for i in 0..expect.len() {
                v[i] = 0.99 * v[i] + (1.0 - 0.99) * g[i] * g[i];
                expect[i] -= 0.01 * g[i] / (v[i].sqrt() + 1e-8);
            }
            let before = net.params().to_vec();
            t.step(&mut net, &data, step, &mut rng, &mut ws);
            assert_eq!(net.params(), &expect[..], "step {step}");
            if step == 0 {
                // The first step moves every parameter by lr/√(1 − α) = 0.1 against its gradient.
                for ((b, a), gi) in before.iter().zip(net.params()).zip(&g) {
                    assert!(*gi != 0.0 && ((b - a) * gi.signum() - 0.1).abs() < 1e-5, "{b} → {a}, gradient {gi}");
                }
            }
        }
    }

    #[test]
    fn it_fits_a_tent_from_the_config_and_is_deterministic() {
        let settings: TrainSettings = toml::from_str(&format!(
            "steps = 1500\neval_every = 100\ninit = \"breakpoint\"\noptimizer = {}",
            INFO.example
        ))
        .unwrap();
        settings.validate("train").unwrap();
        let t = crate::family::TargetId::Sawtooth { k: 1 }.build().unwrap();
        let ev = Evaluator::new(t.as_ref(), Metric::Nmse);
        let run = |seed| fit(t.as_ref(), &[8], &settings, &ev, &[1e-2], &mut crate::rng::run_rng(seed, "rms")).unwrap();
        let (a, b) = (run(3), run(3));
        assert_eq!(a.net.params(), b.net.params(), "same seed, same bits");
        assert!(a.best.value <= 1e-2, "the tent Δ (2 pieces) at width 8: nMSE {}", a.best.value);
    }
}
