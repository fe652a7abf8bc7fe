//! The kernels' seam: which kernel computes a net ([`Kernel`]), their buffers ([`Workspace`]), the
//! dispatch over them in either precision ([`loss_grad_any`]), and the generic layer-by-layer path
//! for any shape: the register-blocked GEMM of [`super::blocked`] where the CPU has AVX-512F, else
//! packed GEMM through `matrixmultiply` (dgemm for f64, sgemm for f32); the two give the same bits.
//!
//! Forward: Z_l (n × b) = H_{l−1} (n × a) · W_lᵀ + b_l, H_l = σ(Z_l). Backward with Δ = ∂loss/∂Z:
//! ∂W_l = Δᵀ H_{l−1}, ∂b_l = Σ_i Δ_i, and Δ_{l−1} = (Δ W_l) ⊙ [H_{l−1} > 0].

pub use super::blocked::Product;
use super::real::{Real, mse_residual};
use super::shallow1d::Shallow;
use super::shallowd::Fused;

/// Which code computes a net's passes; all agree (tested against [`Kernel::Layered`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kernel {
    /// 1 → m → 1: the fused one-hidden-layer kernel of [`super::shallow1d`].
    Shallow1d,
    /// 1 input, every hidden layer at most [`super::narrow::MAX_WIDTH`] wide (f64; f32 see
    /// [`Kernel::of_in`]): the feature-major
    /// kernel of [`super::narrow`].
    Narrow,
    /// 2 ≤ d ≤ [`super::shallowd::FUSED_MAX_D`] inputs → m → 1 on a CPU with AVX-512F: the fused
    /// kernel of [`super::shallowd`].
    ShallowD,
    /// Any shape: layer by layer through GEMM ([`Gemm`]).
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
            if super::shallowd::applies(dims) { Kernel::ShallowD } else { Kernel::Layered }
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
    /// The current layer's weights transposed (the forward GEMM's B).
    pub(super) wt: Vec<T>,
    /// Buffers of the narrow kernel.
    pub(super) small: super::narrow::NarrowWorkspace<T>,
    /// Buffers of the fused d-input kernel.
    pub(super) fused: super::shallowd::FusedWorkspace<T>,
}

/// A scalar with a GEMM ([`Product`]): the blocked kernel ([`super::blocked`]) where the CPU has
/// AVX-512F, else packed GEMM (`matrixmultiply`); both give the same bits on a CPU with FMA.
pub trait Gemm: Shallow + Fused {
    /// C ← A·B (+ C) by the fastest kernel this CPU runs.
    ///
    /// # Safety
    /// The pointers and strides must describe valid m × k, k × n and m × n matrices, C overlapping
    /// neither A nor B.
    unsafe fn gemm(p: Product<Self>);

    /// The same product by packed GEMM alone (`matrixmultiply`), whatever the CPU.
    ///
    /// # Safety
    /// As [`Gemm::gemm`].
    unsafe fn gemm_packed(p: Product<Self>);
}

/// `impl Gemm` for one type: its blocked kernel and its packed GEMM.
macro_rules! impl_gemm {
    ($t:ty, $blocked:ident, $packed:ident) => {
        impl Gemm for $t {
            unsafe fn gemm(p: Product<$t>) {
                #[cfg(target_arch = "x86_64")]
                if super::blocked::available() {
                    // SAFETY: forwarded from the caller; the CPU was checked.
                    unsafe { super::blocked::$blocked::gemm(p) };
                    return;
                }
                // SAFETY: forwarded from the caller.
                unsafe { Self::gemm_packed(p) }
            }

            unsafe fn gemm_packed(p: Product<$t>) {
                let Product { m, k, n, a, rsa, csa, b, ldb, acc, c, ldc } = p;
                let beta = if acc { 1.0 } else { 0.0 };
                // SAFETY: forwarded from the caller.
                unsafe {
                    matrixmultiply::$packed(m, k, n, 1.0, a, rsa, csa, b, ldb as isize, 1, beta, c, ldc as isize, 1)
                }
            }
        }
    };
}

impl_gemm!(f64, k64, dgemm);
impl_gemm!(f32, k32, sgemm);

fn layer<'a, T>(dims: &[usize], params: &'a [T], l: usize) -> (&'a [T], &'a [T]) {
    let o: usize = dims[..l + 1].windows(2).map(|w| (w[0] + 1) * w[1]).sum();
    let (a, b) = (dims[l], dims[l + 1]);
    params[o..o + (a + 1) * b].split_at(a * b)
}

/// Forward pass storing every layer's activations in `ws`; returns the outputs.
pub fn forward<'a, T: Gemm>(dims: &[usize], params: &[T], xs: &[T], ws: &'a mut Workspace<T>) -> &'a [T] {
    #[cfg(target_arch = "x86_64")]
    if super::blocked::available() {
        // SAFETY: the CPU has the features (checked just now).
        unsafe { x86::forward(dims, params, xs, ws) };
        return ws.acts.last().unwrap();
    }
    forward_body(dims, params, xs, ws);
    ws.acts.last().unwrap()
}

/// The elementwise loops of both passes (bias, ReLU, masks, bias gradients) compiled for AVX-512
/// where the blocked GEMM runs; the same bits as the baseline build (no operation here rounds
/// differently when vectorised: each output is one chain in a fixed order, or a select).
#[cfg(target_arch = "x86_64")]
mod x86 {
    use super::{Gemm, Workspace, forward_body, loss_grad_body};
    #[target_feature(enable = "avx512f,fma")]
    pub(super) fn forward<T: Gemm>(dims: &[usize], params: &[T], xs: &[T], ws: &mut Workspace<T>) {
        forward_body(dims, params, xs, ws)
    }
    #[target_feature(enable = "avx512f,fma")]
    pub(super) fn loss_grad<T: Gemm>(
        dims: &[usize],
        params: &[T],
        xs: &[T],
        ys: &[T],
        grad: &mut [T],
        ws: &mut Workspace<T>,
    ) -> T {
        loss_grad_body(dims, params, xs, ys, grad, ws)
    }
}

#[inline(always)]
fn forward_body<T: Gemm>(dims: &[usize], params: &[T], xs: &[T], ws: &mut Workspace<T>) {
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
        fill_rows(z, bias);
        // Z (n×b) += X (n×a) · Wᵀ (a×b); W is b×a row-major, so Wᵀ is copied row-major first.
        ws.wt.resize(a * b, T::ZERO);
        for (j, row) in w.chunks_exact(a).enumerate() {
            for (k, &x) in row.iter().enumerate() {
                ws.wt[k * b + j] = x;
            }
        }
        // SAFETY: the shapes and strides match the buffers above.
        unsafe {
            T::gemm(Product {
                m: n,
                k: a,
                n: b,
                a: input.as_ptr(),
                rsa: a as isize,
                csa: 1,
                b: ws.wt.as_ptr(),
                ldb: b,
                acc: true,
                c: z.as_mut_ptr(),
                ldc: b,
            })
        };
        if l + 1 < layers {
            z.iter_mut().for_each(|v| *v = v.max0());
        }
    }
}

/// Every row of `z` (rows of `row.len()`) set to `row`, by doubling copies (a few long copies
/// instead of one short call per row).
#[inline(always)]
fn fill_rows<T: Copy>(z: &mut [T], row: &[T]) {
    let b = row.len();
    z[..b].copy_from_slice(row);
    let mut done = b;
    while done < z.len() {
        let len = done.min(z.len() - done);
        z.copy_within(..len, done);
        done += len;
    }
}

/// `sums[j] = Σ_i m[i·b + j]`, each column added in row order, 16, 8 or 4 columns at a time in
/// registers (adding into `sums` row by row chains every add through memory).
#[inline(always)]
fn column_sums<T: Real>(m: &[T], b: usize, sums: &mut [T]) {
    #[inline(always)]
    fn block<T: Real, const W: usize>(m: &[T], b: usize, c0: usize, sums: &mut [T]) {
        let mut acc = [T::ZERO; W];
        for row in m.chunks_exact(b) {
            for (a, &r) in acc.iter_mut().zip(&row[c0..c0 + W]) {
                *a += r;
            }
        }
        sums[c0..c0 + W].copy_from_slice(&acc);
    }
    let mut c0 = 0;
    while c0 + 16 <= b {
        block::<T, 16>(m, b, c0, sums);
        c0 += 16;
    }
    if c0 + 8 <= b {
        block::<T, 8>(m, b, c0, sums);
        c0 += 8;
    }
    if c0 + 4 <= b {
        block::<T, 4>(m, b, c0, sums);
        c0 += 4;
    }
    for (j, s) in sums.iter_mut().enumerate().skip(c0) {
        *s = m.iter().skip(j).step_by(b).fold(T::ZERO, |t, &r| t + r);
    }
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
    #[cfg(target_arch = "x86_64")]
    if super::blocked::available() {
        // SAFETY: the CPU has the features (checked just now).
        return unsafe { x86::loss_grad(dims, params, xs, ys, grad, ws) };
    }
    loss_grad_body(dims, params, xs, ys, grad, ws)
}

#[inline(always)]
fn loss_grad_body<T: Gemm>(
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
    forward_body(dims, params, xs, ws);
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
            T::gemm(Product {
                m: b,
                k: n,
                n: a,
                a: ws.delta.as_ptr(),
                rsa: 1,
                csa: b as isize,
                b: input.as_ptr(),
                ldb: a,
                acc: false,
                c: gw.as_mut_ptr(),
                ldc: a,
            })
        };
        column_sums(&ws.delta, b, gb);
        if l == 0 {
            break;
        }
        // dX (n×a) = Δ (n×b) · W (b×a), masked by the ReLU of layer l−1.
        let (w, _) = layer(dims, params, l);
        // Every entry is written by the product below (β = 0).
        ws.delta_prev.resize(n * a, T::ZERO);
        // SAFETY: as above.
        unsafe {
            T::gemm(Product {
                m: n,
                k: b,
                n: a,
                a: ws.delta.as_ptr(),
                rsa: b as isize,
                csa: 1,
                b: w.as_ptr(),
                ldb: a,
                acc: false,
                c: ws.delta_prev.as_mut_ptr(),
                ldc: a,
            })
        };
        for (g, &h) in ws.delta_prev.iter_mut().zip(&ws.acts[l - 1]) {
            *g = if h <= T::ZERO { T::ZERO } else { *g };
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
        Kernel::ShallowD => super::shallowd::loss_grad_fused(dims, params, xs, ys, grad, &mut ws.fused),
        Kernel::Layered => loss_grad(dims, params, xs, ys, grad, ws),
    }
}
