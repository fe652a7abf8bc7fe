//! Adam in single precision (`dtype = "f32"`): what a PyTorch user's default training computes.
//!
//! Each step reads the net's parameters (f64, exactly representable once rounded to f32), computes
//! the loss and gradient with the f32 instance of the net's kernel ([`crate::net::layered::loss_grad_any`]:
//! the fused one-hidden-layer kernel and the narrow kernel with reductions in 16 fixed lanes, or the
//! layered path through sgemm), takes the Adam step with f32 moments,
//! and writes the f32 parameters back into the net as f64. So the net the fit loop evaluates (exactly,
//! in f64) is the f32 net itself, and `hybrid`'s output solves (f64) are rounded to f32 at the next
//! step. The training data are rounded to f32 once per data set. Minibatches are drawn from the
//! run's stream exactly as in f64, so the two paths see the same points.

use super::trainer::{Data, draw_batch};
use crate::net::layered::loss_grad_any;
use crate::net::{Mlp, Workspace};
use rand_chacha::ChaCha8Rng;

/// The f32 state of one run: parameters, gradient, Adam moments, the data in f32.
#[derive(Debug, Clone)]
pub struct Single {
    params: Vec<f32>,
    grad: Vec<f32>,
    m: Vec<f32>,
    v: Vec<f32>,
    t: i32,
    data_key: (usize, usize),
    xs: Vec<f32>,
    ys: Vec<f32>,
    xb: Vec<f32>,
    yb: Vec<f32>,
    ws: Workspace<f32>,
}

impl Single {
    /// State for a net with `n` parameters.
    pub fn new(n: usize) -> Self {
        Self {
            params: vec![0.0; n],
            grad: vec![0.0; n],
            m: vec![0.0; n],
            v: vec![0.0; n],
            t: 0,
            data_key: (0, usize::MAX),
            xs: vec![],
            ys: vec![],
            xb: vec![],
            yb: vec![],
            ws: Workspace::default(),
        }
    }

    /// One Adam step in f32 with learning rate `lr`; the loss it saw, or NaN (net unchanged) when the
    /// loss or the gradient is not finite.
    pub fn step(&mut self, net: &mut Mlp, data: &Data, batch: Option<usize>, lr: f64, rng: &mut ChaCha8Rng) -> f64 {
        let key = (data.xs.as_ptr() as usize, data.xs.len());
        if key != self.data_key {
            self.xs = data.xs.iter().map(|&x| x as f32).collect();
            self.ys = data.ys.iter().map(|&y| y as f32).collect();
            self.data_key = key;
        }
        for (p, &q) in self.params.iter_mut().zip(net.params()) {
            *p = q as f32;
        }
        let (n, d) = (self.ys.len(), data.d);
        let dims = net.dims();
        let loss = match batch.filter(|&b| b < n) {
            Some(b) => {
                draw_batch(&self.xs, &self.ys, d, b, rng, &mut self.xb, &mut self.yb);
                loss_grad_any(dims, &self.params, &self.xb, &self.yb, &mut self.grad, &mut self.ws)
            }
            None => loss_grad_any(dims, &self.params, &self.xs, &self.ys, &mut self.grad, &mut self.ws),
        };
        if !loss.is_finite() || self.grad.iter().any(|g| !g.is_finite()) {
            return f64::NAN;
        }
        self.t += 1;
        use super::adam_update::{BETA1, BETA2};
        // β as f32 are the literals 0.9f32 and 0.999f32 (locked by a test in adam_update).
        let (b1, b2, eps) = (BETA1 as f32, BETA2 as f32, 1e-8f32);
        let c1 = (1.0 - BETA1.powi(self.t)) as f32;
        let c2 = (1.0 - BETA2.powi(self.t)) as f32;
        let lr = lr as f32;
        let coef = super::adam_update::Coefficients::new(b1, b2, (c1, c2), eps, lr);
        super::adam_update::update(&mut self.params, &self.grad, &mut self.m, &mut self.v, coef);
        for (q, &p) in net.params_mut().iter_mut().zip(&self.params) {
            *q = p as f64;
        }
        loss as f64
    }
}
