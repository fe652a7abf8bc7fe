//! The hybrid least-squares/Adam trainer (Cyr, Gulian, Patel, Perego & Trask 2019, "Robust training
//! and initialization of deep neural networks: an adaptive basis viewpoint"): at step 0 and every
//! `lsq_every` steps the output layer is replaced by its least-squares fit on the training data
//! (hidden layers fixed, [`super::solve_output_layer`]), and Adam moves all parameters in between.
//! A solve that fails (singular system, non-finite solution) leaves the net unchanged and is counted
//! in the run's `solve_failures`.

use super::adam::{AdamTrainer, GradientSettings};
use super::solve_output_layer;
use super::trainer::{Data, Trainer};
use crate::net::{Mlp, Workspace};
use rand_chacha::ChaCha8Rng;

/// Least-squares output solves between Adam steps.
pub struct HybridTrainer {
    adam: AdamTrainer,
    lsq_every: usize,
    failures: usize,
}

impl HybridTrainer {
    /// A trainer for a net with `n_params` parameters over a budget of `steps`.
    pub fn new(n_params: usize, settings: GradientSettings, steps: usize, lsq_every: usize) -> Self {
        Self { adam: AdamTrainer::new(n_params, settings, steps), lsq_every, failures: 0 }
    }
}

impl Trainer for HybridTrainer {
    fn step(&mut self, net: &mut Mlp, data: &Data, step: usize, rng: &mut ChaCha8Rng, ws: &mut Workspace) -> f64 {
        if step.is_multiple_of(self.lsq_every) && !solve_output_layer(net, &data.xs, &data.ys, ws) {
            self.failures += 1;
        }
        self.adam.step(net, data, step, rng, ws)
    }

    fn solve_failures(&self) -> usize {
        self.failures
    }
}
