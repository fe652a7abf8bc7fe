//! A fully connected ReLU network with `d` inputs, hidden widths `n_1..n_L` and one linear output.
//!
//! f(x) = a·h_L + c with h_l = σ(W_l h_{l−1} + b_l), h_0 = x, σ(z) = max(0, z).
//!
//! All parameters live in one flat vector (layer by layer: W_l row-major `n_l × n_{l−1}`, then b_l),
//! so the optimiser and gradient are plain slices. Parameter count: Σ_l (n_{l−1}+1)·n_l.
//! FLOPs per forward, per point (the model of `shared/bench/torch_step.py`): Σ_l (2·n_{l−1}·n_l + n_l)
//! over all affine layers, plus n_l per hidden layer for the ReLU.
//!
//! The backward pass computes the exact gradient of the batch MSE, (1/B)·Σ_i (f(x_i) − y_i)².

use super::layered::{Kernel, Workspace};
use serde::{Deserialize, Serialize};

/// A ReLU MLP with one output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mlp {
    /// Layer sizes `[d, n_1, …, n_L, 1]`.
    dims: Vec<usize>,
    /// All weights and biases, layer by layer.
    params: Vec<f64>,
}

impl Workspace {
    /// Activations of hidden layer `l` (0-based) from the last forward pass, `n × n_{l+1}` row-major.
    pub fn hidden(&self, l: usize) -> &[f64] {
        &self.acts[l]
    }
}

impl Mlp {
    /// A net with all parameters zero. `dims = [d, n_1, …, n_L, 1]`; every entry must be ≥ 1.
    pub fn zeros(dims: &[usize]) -> anyhow::Result<Self> {
        anyhow::ensure!(dims.len() >= 2, "an MLP needs an input and an output layer");
        anyhow::ensure!(dims.iter().all(|&n| n >= 1), "every layer width must be ≥ 1, got {dims:?}");
        anyhow::ensure!(*dims.last().unwrap() == 1, "depthsep nets have one output");
        let n = dims.windows(2).map(|w| (w[0] + 1) * w[1]).sum();
        Ok(Self { dims: dims.to_vec(), params: vec![0.0; n] })
    }

    /// A net with layer sizes `dims` and the given flat parameters (as stored in results documents).
    pub fn from_params(dims: &[usize], params: &[f64]) -> anyhow::Result<Self> {
        let mut net = Self::zeros(dims)?;
        anyhow::ensure!(
            params.len() == net.params.len(),
            "{} parameters given for a net of shape {dims:?}, which has {}",
            params.len(),
            net.params.len()
        );
        net.params.copy_from_slice(params);
        Ok(net)
    }

    /// A net with `d` inputs and the given hidden widths.
    pub fn with_hidden(d: usize, hidden: &[usize]) -> anyhow::Result<Self> {
        let mut dims = vec![d];
        dims.extend_from_slice(hidden);
        dims.push(1);
        Self::zeros(&dims)
    }

    /// Parameter count of a net with `d` inputs and the given hidden widths, without building it.
    pub fn count_params(d: usize, hidden: &[usize]) -> usize {
        let mut dims = vec![d];
        dims.extend_from_slice(hidden);
        dims.push(1);
        dims.windows(2).map(|w| (w[0] + 1) * w[1]).sum()
    }

    /// Layer sizes `[d, n_1, …, n_L, 1]`.
    pub fn dims(&self) -> &[usize] {
        &self.dims
    }
    /// Input dimension.
    pub fn input_dim(&self) -> usize {
        self.dims[0]
    }
    /// Hidden widths `n_1..n_L`.
    pub fn hidden(&self) -> &[usize] {
        &self.dims[1..self.dims.len() - 1]
    }
    /// Number of affine layers (hidden layers + output).
    pub fn n_layers(&self) -> usize {
        self.dims.len() - 1
    }
    /// Total parameter count Σ (n_{l−1}+1)·n_l.
    pub fn n_params(&self) -> usize {
        self.params.len()
    }
    /// FLOPs of one forward pass for one point (matmul, bias and ReLU, as in torch_step.py).
    pub fn flops_per_forward(&self) -> u64 {
        let affine: usize = self.dims.windows(2).map(|w| 2 * w[0] * w[1] + w[1]).sum();
        (affine + self.hidden().iter().sum::<usize>()) as u64
    }
    /// All parameters.
    pub fn params(&self) -> &[f64] {
        &self.params
    }
    /// All parameters, mutable.
    pub fn params_mut(&mut self) -> &mut [f64] {
        &mut self.params
    }

    /// The kernel that computes this net's forward pass and gradient.
    pub fn kernel(&self) -> Kernel {
        Kernel::of(&self.dims)
    }

    pub(super) fn offset(&self, layer: usize) -> usize {
        self.dims[..layer + 1].windows(2).map(|w| (w[0] + 1) * w[1]).sum()
    }

    /// (W, b) of affine layer `layer` (0-based; the last is the output layer).
    pub fn layer(&self, layer: usize) -> (&[f64], &[f64]) {
        let (a, b) = (self.dims[layer], self.dims[layer + 1]);
        let o = self.offset(layer);
        self.params[o..o + (a + 1) * b].split_at(a * b)
    }

    /// Mutable (W, b) of affine layer `layer`.
    pub fn layer_mut(&mut self, layer: usize) -> (&mut [f64], &mut [f64]) {
        let (a, b) = (self.dims[layer], self.dims[layer + 1]);
        let o = self.offset(layer);
        self.params[o..o + (a + 1) * b].split_at_mut(a * b)
    }

    /// Set affine layer `layer` from row-major W (`n_out × n_in`) and b.
    pub fn set_layer(&mut self, layer: usize, w: &[f64], b: &[f64]) {
        let (lw, lb) = self.layer_mut(layer);
        assert_eq!((lw.len(), lb.len()), (w.len(), b.len()), "layer {layer} shape");
        lw.copy_from_slice(w);
        lb.copy_from_slice(b);
    }

    /// Forward pass over `xs` (row-major, `n × d`) into `out` (length n).
    pub fn forward(&self, xs: &[f64], out: &mut [f64]) {
        let mut ws = Workspace::default();
        match self.kernel() {
            Kernel::Shallow1d => super::shallow1d::forward(&self.params, xs, out),
            Kernel::Narrow => super::narrow::forward(&self.dims, &self.params, xs, out, &mut ws.small),
            Kernel::ShallowD => super::shallowd::forward(&self.dims, &self.params, xs, out, &mut ws.fused),
            Kernel::Layered => out.copy_from_slice(self.forward_ws(xs, &mut ws)),
        }
    }

    /// Forward pass storing every layer's activations in `ws`; returns the outputs.
    pub fn forward_ws<'a>(&self, xs: &[f64], ws: &'a mut Workspace) -> &'a [f64] {
        super::layered::forward(&self.dims, &self.params, xs, ws)
    }

    /// Batch MSE loss (1/n)·Σ (f(x_i) − y_i)² and its exact gradient, written into `grad`, by the
    /// net's [`Kernel`].
    pub fn loss_grad(&self, xs: &[f64], ys: &[f64], grad: &mut [f64], ws: &mut Workspace) -> f64 {
        match self.kernel() {
            Kernel::Shallow1d => super::shallow1d::loss_grad(&self.params, xs, ys, grad, &mut ws.delta),
            Kernel::Narrow => super::narrow::loss_grad(&self.dims, &self.params, xs, ys, grad, &mut ws.small),
            Kernel::ShallowD => super::shallowd::loss_grad_fused(&self.dims, &self.params, xs, ys, grad, &mut ws.fused),
            Kernel::Layered => self.loss_grad_layered(xs, ys, grad, ws),
        }
    }

    /// The generic layer-by-layer loss and gradient (GEMM-based), for any shape.
    pub fn loss_grad_layered(&self, xs: &[f64], ys: &[f64], grad: &mut [f64], ws: &mut Workspace) -> f64 {
        super::layered::loss_grad(&self.dims, &self.params, xs, ys, grad, ws)
    }
}
