//! The trainer seam: the training set and the [`Trainer`] trait every step trainer implements. The
//! config's `optimizer` picks one ([`super::TrainSettings::trainer`]); [`super::fit`] runs it.

use crate::net::{Mlp, Workspace};
use rand::RngExt;
use rand_chacha::ChaCha8Rng;

/// The training set: `ys.len()` points of dimension `d`, row-major in `xs`.
#[derive(Debug, Clone)]
pub struct Data {
    /// Points, `n × d` row-major.
    pub xs: Vec<f64>,
    /// Target values.
    pub ys: Vec<f64>,
    /// Input dimension.
    pub d: usize,
}

/// One trainer: advances the net by one step of its method. The fit loop around it (evaluation,
/// best checkpoint, tolerance ladder, divergence, collapse) is shared by every trainer.
pub trait Trainer {
    /// Take step `step` (0-based); returns the training loss it saw, or NaN when the loss or its
    /// gradient was not finite (the net is then left as it was).
    fn step(&mut self, net: &mut Mlp, data: &Data, step: usize, rng: &mut ChaCha8Rng, ws: &mut Workspace) -> f64;
    /// Least-squares solves that failed and were skipped.
    fn solve_failures(&self) -> usize {
        0
    }
    /// Whether the last step ended on a solve, so the fit loop evaluates the net right then.
    fn just_solved(&self) -> bool {
        false
    }
}

/// Draw a minibatch of `b` points with replacement (one `random_range` per point, in order) into
/// `xb`, `yb`: the same draws in every precision.
pub(crate) fn draw_batch<T: Copy + Default>(
    xs: &[T],
    ys: &[T],
    d: usize,
    b: usize,
    rng: &mut ChaCha8Rng,
    xb: &mut Vec<T>,
    yb: &mut Vec<T>,
) {
    let n = ys.len();
    xb.resize(b * d, T::default());
    yb.resize(b, T::default());
    for i in 0..b {
        let j = rng.random_range(0..n);
        xb[i * d..(i + 1) * d].copy_from_slice(&xs[j * d..(j + 1) * d]);
        yb[i] = ys[j];
    }
}

/// What every plain gradient step (`adam`, `sgd`, `rmsprop`) shares: its settings and budget, the
/// gradient and the minibatch buffers.
pub(crate) struct GradientStep {
    /// Learning rate, schedule and batch.
    pub settings: super::GradientSettings,
    /// The step budget the schedule runs over.
    pub steps: usize,
    /// The gradient of the last [`GradientStep::take`].
    pub grad: Vec<f64>,
    xb: Vec<f64>,
    yb: Vec<f64>,
}

impl GradientStep {
    /// For a net of `n_params` parameters over a budget of `steps`.
    pub fn new(n_params: usize, settings: super::GradientSettings, steps: usize) -> Self {
        Self { settings, steps, grad: vec![0.0; n_params], xb: vec![], yb: vec![] }
    }

    /// The learning rate at `step`.
    pub fn lr(&self, step: usize) -> f64 {
        self.settings.schedule.lr(self.settings.lr, step, self.steps)
    }

    /// The loss and gradient (into `grad`) of `net` on one minibatch of `batch` points drawn with
    /// replacement, or on all of `data` when `batch` is absent or not smaller than the data, and the
    /// learning rate at `step`; `None` when the loss or the gradient is not finite.
    pub fn take(
        &mut self,
        net: &crate::net::Mlp,
        data: &Data,
        step: usize,
        rng: &mut ChaCha8Rng,
        ws: &mut crate::net::Workspace,
    ) -> Option<(f64, f64)> {
        let loss = match self.settings.batch.filter(|&b| b < data.ys.len()) {
            Some(b) => {
                draw_batch(&data.xs, &data.ys, data.d, b, rng, &mut self.xb, &mut self.yb);
                net.loss_grad(&self.xb, &self.yb, &mut self.grad, ws)
            }
            None => net.loss_grad(&data.xs, &data.ys, &mut self.grad, ws),
        };
        (loss.is_finite() && self.grad.iter().all(|g| g.is_finite())).then(|| (loss, self.lr(step)))
    }
}
