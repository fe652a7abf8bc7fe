//! The kernels' seam: which kernel computes a net ([`Kernel`]), their buffers ([`Workspace`]), the
//! dispatch over them in either precision ([`loss_grad_any`]), and the generic layer-by-layer path
//! (packed GEMM through `matrixmultiply`: dgemm for f64, sgemm for f32), for any shape.
//!
//! Forward: Z_l (n × b) = H_{l−1} (n × a) · W_lᵀ + b_l, H_l = σ(Z_l). Backward with Δ = ∂loss/∂Z:
//! ∂W_l = Δᵀ H_{l−1}, ∂b_l = Σ_i Δ_i, and Δ_{l−1} = (Δ W_l) ⊙ [H_{l−1} > 0].

use super::real::{Real, mse_residual};
use super::shallow1d::Shallow;

/// Which code computes a net's passes; all agree (tested against [`Kernel::Layered`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kernel {
    /// 1 → m → 1: the fused one-hidden-layer kernel of [`super::shallow1d`].
    Shallow1d,
    /// 1 input, every hidden layer at most [`super::narrow::MAX_WIDTH`] wide (f64; f32 see
    /// [`Kernel::of_in`]): the feature-major
    /// kernel of [`super::narrow`].
    Narrow,
    /// Any shape: layer by layer through packed GEMM.
    Layered,
}

impl Kernel {
    /// The kernel for an f64 net with layer sizes `dims` (`[d, n_1, …, n_L, 1]`).
    pub fn of(dims: &[usize]) -> Kernel {
        Self::of_in::<f64>(dims)
    }

    /// The kernel for a net with layer sizes `dims` computing in `T` (the narrow kernel's width
    /// limit is [`Real::NARROW_MAX`]).
    pub fn of_in<T: Real>(dims: &[usize]) -> Kernel {
        if dims[0] != 1 {
            Kernel::Layered
        } else if dims.len() == 3 {
            Kernel::Shallow1d
        } else if dims[1..dims.len() - 1].iter().all(|&w| w <= T::NARROW_MAX) {
            Kernel::Narrow
        } else {
            Kernel::Layered
        }
    }
}

/// Buffers reused across forward/backward passes so a training step allocates nothing.
#[derive(Debug, Default, Clone)]
pub struct Workspace<T = f64> {
    /// Post-activation of each layer (index 0 = input copy is not stored; index l = layer l output).
    pub(super) acts: Vec<Vec<T>>,
    /// Gradient w.r.t. the current layer's pre-activation.
    pub(super) delta: Vec<T>,
    /// Gradient w.r.t. the previous layer's activation.
    pub(super) delta_prev: Vec<T>,
    /// Buffers of the narrow kernel.
    pub(super) small: super::narrow::NarrowWorkspace<T>,
}

/// A scalar with a packed GEMM: C ← α·A·B + β·C with explicit row and column strides.
pub trait Gemm: Shallow {
    /// # Safety
    /// The pointers and strides must describe valid m × k, k × n and m × n matrices.
    #[allow(clippy::too_many_arguments)]
    unsafe fn gemm(
        m: usize,
        k: usize,
        n: usize,
        a: *const Self,
        rsa: isize,
        csa: isize,
        b: *const Self,
        rsb: isize,
        csb: isize,
        beta: Self,
        c: *mut Self,
        rsc: isize,
        csc: isize,
    );
}

impl Gemm for f64 {
    unsafe fn gemm(
        m: usize,
        k: usize,
        n: usize,
        a: *const f64,
        rsa: isize,
        csa: isize,
        b: *const f64,
        rsb: isize,
        csb: isize,
        beta: f64,
        c: *mut f64,
        rsc: isize,
        csc: isize,
    ) {
        // SAFETY: forwarded from the caller.
        unsafe { matrixmultiply::dgemm(m, k, n, 1.0, a, rsa, csa, b, rsb, csb, beta, c, rsc, csc) }
    }
}

impl Gemm for f32 {
    unsafe fn gemm(
        m: usize,
        k: usize,
        n: usize,
        a: *const f32,
        rsa: isize,
        csa: isize,
        b: *const f32,
        rsb: isize,
        csb: isize,
        beta: f32,
        c: *mut f32,
        rsc: isize,
        csc: isize,
    ) {
        // SAFETY: forwarded from the caller.
        unsafe { matrixmultiply::sgemm(m, k, n, 1.0, a, rsa, csa, b, rsb, csb, beta, c, rsc, csc) }
    }
}

fn layer<'a, T>(dims: &[usize], params: &'a [T], l: usize) -> (&'a [T], &'a [T]) {
    let o: usize = dims[..l + 1].windows(2).map(|w| (w[0] + 1) * w[1]).sum();
    let (a, b) = (dims[l], dims[l + 1]);
    params[o..o + (a + 1) * b].split_at(a * b)
}

/// Forward pass storing every layer's activations in `ws`; returns the outputs.
pub fn forward<'a, T: Gemm>(dims: &[usize], params: &[T], xs: &[T], ws: &'a mut Workspace<T>) -> &'a [T] {
    let d = dims[0];
    let layers = dims.len() - 1;
    assert_eq!(xs.len() % d, 0, "input length is not a multiple of d = {d}");
    let n = xs.len() / d;
    ws.acts.resize_with(layers, Vec::new);
    for l in 0..layers {
        let (a, b) = (dims[l], dims[l + 1]);
        let (w, bias) = layer(dims, params, l);
        let (done, rest) = ws.acts.split_at_mut(l);
        let input: &[T] = if l == 0 { xs } else { &done[l - 1] };
        let z = &mut rest[0];
        z.resize(n * b, T::ZERO);
        for row in z.chunks_exact_mut(b) {
            row.copy_from_slice(bias);
        }
        // Z (n×b) += X (n×a) · Wᵀ (a×b); W is b×a row-major, so Wᵀ has strides (1, a).
        // SAFETY: the shapes and strides match the buffers above.
        unsafe {
            T::gemm(
                n,
                a,
                b,
                input.as_ptr(),
                a as isize,
                1,
                w.as_ptr(),
                1,
                a as isize,
                T::from_f64(1.0),
                z.as_mut_ptr(),
                b as isize,
                1,
            );
        }
        if l + 1 < layers {
            z.iter_mut().for_each(|v| *v = v.max0());
        }
    }
    ws.acts.last().unwrap()
}

/// Batch MSE loss and its exact gradient by the layered path, for any shape.
pub fn loss_grad<T: Gemm>(
    dims: &[usize],
    params: &[T],
    xs: &[T],
    ys: &[T],
    grad: &mut [T],
    ws: &mut Workspace<T>,
) -> T {
    assert_eq!(grad.len(), params.len());
    let n = ys.len();
    let layers = dims.len() - 1;
    forward(dims, params, xs, ws);
    let loss = mse_residual(ws.acts.last().unwrap(), ys, &mut ws.delta);
    let loss = T::from_f64(loss.to_f64() / n as f64);
    let mut offs = params.len();
    for l in (0..layers).rev() {
        let (a, b) = (dims[l], dims[l + 1]);
        offs -= (a + 1) * b;
        let (gw, gb) = grad[offs..offs + (a + 1) * b].split_at_mut(a * b);
        let input: &[T] = if l == 0 { xs } else { &ws.acts[l - 1] };
        // dW (b×a) = Δᵀ (b×n) · X (n×a); Δ is n×b row-major.
        // SAFETY: as above.
        unsafe {
            T::gemm(
                b,
                n,
                a,
                ws.delta.as_ptr(),
                1,
                b as isize,
                input.as_ptr(),
                a as isize,
                1,
                T::ZERO,
                gw.as_mut_ptr(),
                a as isize,
                1,
            );
        }
        gb.fill(T::ZERO);
        for row in ws.delta.chunks_exact(b) {
            gb.iter_mut().zip(row).for_each(|(g, &r)| *g += r);
        }
        if l == 0 {
            break;
        }
        // dX (n×a) = Δ (n×b) · W (b×a), masked by the ReLU of layer l−1.
        let (w, _) = layer(dims, params, l);
        ws.delta_prev.clear();
        ws.delta_prev.resize(n * a, T::ZERO);
        // SAFETY: as above.
        unsafe {
            T::gemm(
                n,
                b,
                a,
                ws.delta.as_ptr(),
                b as isize,
                1,
                w.as_ptr(),
                a as isize,
                1,
                T::ZERO,
                ws.delta_prev.as_mut_ptr(),
                a as isize,
                1,
            );
        }
        for (g, &h) in ws.delta_prev.iter_mut().zip(&ws.acts[l - 1]) {
            if h <= T::ZERO {
                *g = T::ZERO;
            }
        }
        std::mem::swap(&mut ws.delta, &mut ws.delta_prev);
    }
    loss
}

/// Loss and gradient of the net with layer sizes `dims` and flat `params` in either precision, by
/// the kernel [`Kernel::of_in`] picks for that shape and precision (for f64 the one
/// [`super::Mlp::kernel`] picks).
pub fn loss_grad_any<T: Gemm>(
    dims: &[usize],
    params: &[T],
    xs: &[T],
    ys: &[T],
    grad: &mut [T],
    ws: &mut Workspace<T>,
) -> T {
    match Kernel::of_in::<T>(dims) {
        Kernel::Shallow1d => super::shallow1d::loss_grad(params, xs, ys, grad, &mut ws.delta),
        Kernel::Narrow => super::narrow::loss_grad(dims, params, xs, ys, grad, &mut ws.small),
        Kernel::Layered => loss_grad(dims, params, xs, ys, grad, ws),
    }
}
