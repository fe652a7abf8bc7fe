//! The one-hidden-layer kernel for d ≥ 2 inputs: fused loss and gradient of
//! g(x) = c + Σ_j a_j σ(w_j·x + b_j), x ∈ ℝ^d, on CPUs with AVX-512F.
//!
//! Two sweeps, each vectorised along the axis its sums do not run over:
//! 1. **forward, lanes over points** (X copied feature-major once per call):
//!    z_ij = b_j + Σ_k w_jk x_ik, h_ij = σ(z_ij), F_i = c + Σ_j a_j h_ij;
//! 2. **backward, lanes over units, points in order**: with D_i = 2(F_i − y_i)/n and
//!    Δ_ij = \[h_ij > 0\]·D_i a_j, ∂a_j = Σ_i D_i h_ij, ∂b_j = Σ_i Δ_ij, ∂w_jk = Σ_i Δ_ij x_ik and
//!    ∂c = Σ_i D_i. h_ij is recomputed there (d FMAs per point and unit) instead of being stored
//!    and transposed.
//!
//! The layered path ([`super::layered`]) spends the same step in five GEMMs and four elementwise
//! sweeps over the n × m activations; two of its products are degenerate here (an n × 1 output
//! and an outer product), and its weight gradient runs with d ≤ 16 columns in one AVX-512 vector.
//!
//! **The same bits as the layered path.** Its products are FMA chains in ascending order restarted
//! every [`KC`] terms ([`super::blocked`]). So here: each z_ij is the chain over k from 0, added
//! to b_j; F_i is c plus one chain over j per block of 256 units; each entry of ∂a and ∂w is a
//! chain over points, one partial sum per block of 256 points added in order; ∂b_j and ∂c are plain
//! running sums over points. These are the layered path's operations in its order, so every
//! output agrees bit for bit (tested over shapes in both precisions, `tests/it/shallowd.rs`). The
//! kernel can run where [`available`] says so for 2 ≤ d ≤ [`KC`] ([`runs`]); it is chosen for
//! 2 ≤ d ≤ [`FUSED_MAX_D`], where it is the faster of the two ([`applies`]); elsewhere the layered
//! path runs.

use super::blocked::KC;
use super::real::{Real, mse_residual};

/// Whether this CPU runs the fused kernel (AVX-512F with FMA, as the blocked GEMM).
pub fn available() -> bool {
    super::blocked::available()
}

/// Widest input the kernel takes. Recomputing h costs d FMAs per point and unit, so past this the
/// layered path (whose products have full-width tiles there) is faster: measured by
/// `cargo bench -- shallowd_kernels` (fused against layered at d = 2..32, both precisions).
pub const FUSED_MAX_D: usize = 16;

/// Whether a net with layer sizes `dims` takes this kernel on this CPU.
pub fn applies(dims: &[usize]) -> bool {
    dims.len() == 3 && (2..=FUSED_MAX_D).contains(&dims[0]) && available()
}

/// Whether the kernel can compute a net with layer sizes `dims` on this CPU at all (any
/// 2 ≤ d ≤ [`KC`]), faster or not ([`applies`] is where it is chosen).
pub fn runs(dims: &[usize]) -> bool {
    dims.len() == 3 && (2..=KC).contains(&dims[0]) && available()
}

/// Scratch buffers of the fused kernel, reused across calls.
#[derive(Debug, Clone)]
pub struct FusedWorkspace<T = f64> {
    /// The inputs in blocks of [`Fused::POINTS`] points, feature-major in each ([`blocks_into`]).
    xt: Vec<T>,
    /// The hidden weights in blocks of [`Real::LANES`] units, feature-major in each.
    wt: Vec<T>,
    /// Net outputs (n).
    out: Vec<T>,
    /// D_i = 2(F_i − y_i)/n.
    delta: Vec<T>,
    /// Δ of one block of units at every point, for the feature chunks after the first.
    dp: Vec<T>,
}

impl<T> Default for FusedWorkspace<T> {
    fn default() -> Self {
        Self { xt: vec![], wt: vec![], out: vec![], delta: vec![], dp: vec![] }
    }
}

/// A scalar with an instance of the fused kernel (f64 and f32).
pub trait Fused: Real {
    /// Points per forward block (two vectors).
    const POINTS: usize = 2 * Self::LANES;

    /// Pass 1: F for all n points into `out` (`xt` in blocks of [`Fused::POINTS`] points).
    ///
    /// # Safety
    /// [`available`] must hold; `params` has the layout of a d → m → 1 net, `xt` d·n entries,
    /// `out` n.
    unsafe fn fused_forward(d: usize, m: usize, params: &[Self], xt: &[Self], out: &mut [Self]);

    /// Pass 2: the gradient of every parameter into `grad`, from the points `xs` (row-major,
    /// n × d) and, in `ws`, D and the hidden weights in blocks of [`Real::LANES`] units.
    ///
    /// # Safety
    /// As [`Fused::fused_forward`]; `grad` has the parameters' length.
    unsafe fn fused_backward(
        d: usize,
        m: usize,
        params: &[Self],
        xs: &[Self],
        ws: &mut FusedWorkspace<Self>,
        grad: &mut [Self],
    );
}

/// Rows of `a` (r × d, row-major) in blocks of `bs` rows, each block stored feature-major
/// (d × bs, zero-padded past r): every feature of one block is one contiguous run, so a sweep over
/// the d features of a block reads d · bs consecutive entries (a plain d × r transpose puts them
/// r apart, and at r = 1024 all d rows fall into the same L1 sets).
fn blocks_into<T: Copy + Default>(a: &[T], d: usize, bs: usize, out: &mut Vec<T>) {
    let r = a.len() / d;
    out.clear();
    out.resize(r.div_ceil(bs) * d * bs, T::default());
    for (i, row) in a.chunks_exact(d).enumerate() {
        let (blk, p) = (i / bs, i % bs);
        for (k, &x) in row.iter().enumerate() {
            out[(blk * d + k) * bs + p] = x;
        }
    }
}

/// Forward pass of a d → m → 1 net (`dims = [d, m, 1]`, [`runs`] true) into `out`.
pub fn forward<T: Fused>(dims: &[usize], params: &[T], xs: &[T], out: &mut [T], ws: &mut FusedWorkspace<T>) {
    assert!(runs(dims), "the fused kernel does not run {dims:?} on this CPU");
    let (d, m) = (dims[0], dims[1]);
    blocks_into(xs, d, T::POINTS, &mut ws.xt);
    // SAFETY: checked above; the buffers have the shapes the kernel needs.
    unsafe { T::fused_forward(d, m, params, &ws.xt, out) };
}

/// Batch MSE loss and its exact gradient for a d → m → 1 net ([`runs`] true): the same bits
/// as [`super::layered::loss_grad`].
pub fn loss_grad_fused<T: Fused>(
    dims: &[usize],
    params: &[T],
    xs: &[T],
    ys: &[T],
    grad: &mut [T],
    ws: &mut FusedWorkspace<T>,
) -> T {
    assert!(runs(dims), "the fused kernel does not run {dims:?} on this CPU");
    assert_eq!(grad.len(), params.len());
    let (d, m, n) = (dims[0], dims[1], ys.len());
    assert_eq!(xs.len(), n * d, "input length is not n × d");
    blocks_into(xs, d, T::POINTS, &mut ws.xt);
    blocks_into(&params[..m * d], d, T::LANES, &mut ws.wt);
    ws.out.resize(n, T::ZERO);
    // SAFETY: checked above; the buffers have the shapes the kernel needs.
    unsafe { T::fused_forward(d, m, params, &ws.xt, &mut ws.out) };
    let loss = mse_residual(&ws.out, ys, &mut ws.delta);
    // SAFETY: as above.
    unsafe { T::fused_backward(d, m, params, xs, ws, grad) };
    T::from_f64(loss.to_f64() / n as f64)
}

mod kernel;
