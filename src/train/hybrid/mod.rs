//! The hybrid least-squares/Adam trainer (Cyr, Gulian, Patel, Perego & Trask 2019, "Robust training
//! and initialization of deep neural networks: an adaptive basis viewpoint"): the output layer is
//! replaced by its exact least-squares fit on the training data (hidden layers fixed,
//! [`super::solve_output_layer`]: hat basis for 1→m→1 nets, QR otherwise, no ridge) before the first
//! step, after every `lsq_every`-th step and after the last one, and Adam moves all parameters in
//! between. The fit loop evaluates the net right after each solve ([`Trainer::just_solved`]), so the
//! solved states are the checkpoints, and the run ends on one.
//!
//! With `dtype = "f32"` the Adam steps run in f32 ([`super::single`]) and the solve (f64) is
//! rounded to f32 right away, so every checkpoint is an f32 net.
//!
//! A solve that fails (rank-deficient system, non-finite solution) leaves the net unchanged and is
//! counted in the run's `solve_failures`.

use super::adam::{AdamTrainer, GradientSettings};
use super::solve_output_layer;
use super::trainer::{Data, Trainer};
use crate::net::{Mlp, Workspace};
use rand_chacha::ChaCha8Rng;

mod spec;
pub use spec::{HybridSettings, INFO};

/// Least-squares output solves between Adam steps.
pub struct HybridTrainer {
    adam: AdamTrainer,
    steps: usize,
    lsq_every: usize,
    failures: usize,
    solved: bool,
    f32: bool,
}

impl HybridTrainer {
    /// A trainer for a net with `n_params` parameters over a budget of `steps`.
    pub fn new(n_params: usize, settings: GradientSettings, steps: usize, lsq_every: usize) -> Self {
        Self {
            adam: AdamTrainer::new(n_params, settings, steps),
            steps,
            lsq_every,
            failures: 0,
            solved: false,
            f32: false,
        }
    }

    /// The same trainer with its Adam steps in `dtype` (the output solves stay in f64).
    pub fn with_dtype(mut self, dtype: super::Dtype) -> Self {
        self.adam = self.adam.with_dtype(dtype);
        self.f32 = dtype == super::Dtype::F32;
        self
    }

    fn solve(&mut self, net: &mut Mlp, data: &Data, ws: &mut Workspace) -> bool {
        let ok = solve_output_layer(net, &data.xs, &data.ys, ws);
        self.failures += usize::from(!ok);
        if self.f32 {
            // The f32 net is what is trained and evaluated: round the solve's weights now.
            net.params_mut().iter_mut().for_each(|p| *p = *p as f32 as f64);
        }
        ok
    }
}

impl Trainer for HybridTrainer {
    fn step(&mut self, net: &mut Mlp, data: &Data, step: usize, rng: &mut ChaCha8Rng, ws: &mut Workspace) -> f64 {
        if step == 0 {
            self.solve(net, data, ws);
        }
        let loss = self.adam.step(net, data, step, rng, ws);
        let done = step + 1;
        self.solved = loss.is_finite()
            && (done.is_multiple_of(self.lsq_every) || done == self.steps)
            && self.solve(net, data, ws);
        loss
    }

    fn solve_failures(&self) -> usize {
        self.failures
    }

    fn just_solved(&self) -> bool {
        self.solved
    }
}
