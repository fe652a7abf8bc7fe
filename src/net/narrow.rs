//! The narrow kernel: forward pass and gradient of 1-input nets whose hidden layers all have at most
//! [`MAX_WIDTH`] units, stored feature-major.
//!
//! GEMM libraries pack their operands, which dominates when a layer is 2 × 2: the width-2
//! Telgarsky architecture spends almost all of its step in packing. Here every activation is stored
//! as one row per unit over the batch, so each layer is a handful of `y += a·x` sweeps and dot
//! products over the batch, which vectorise across points:
//! z_j = b_j + Σ_k W_jk h_k; ∂W_jk = ⟨δ_j, h_k⟩; ∂b_j = Σ_i δ_j\[i\]; δ_prev_k = \[h_k > 0\]·Σ_j W_jk δ_j.
//! Dot products reduce in fixed lanes ([`Real::LANES`]), so the bits do not depend on the
//! instruction set. Generic over the scalar: f64, or f32 for `dtype = "f32"`.

use super::real::{Isa, Real, lane_sum, mse_residual, sum_lanes};

/// Widest layer handled by this path in f64 (f32: [`Real::NARROW_MAX`]).
pub const MAX_WIDTH: usize = <f64 as Real>::NARROW_MAX;

/// Scratch buffers (feature-major activations and deltas).
#[derive(Debug, Clone)]
pub struct NarrowWorkspace<T = f64> {
    acts: Vec<Vec<T>>,
    delta: Vec<T>,
    delta_prev: Vec<T>,
}

impl<T> Default for NarrowWorkspace<T> {
    fn default() -> Self {
        Self { acts: vec![], delta: vec![], delta_prev: vec![] }
    }
}

/// Forward pass of a narrow 1-input net: fills the feature-major activations of every layer and
/// returns the per-layer parameter offsets.
fn forward_into<T: Real>(isa: Isa, dims: &[usize], params: &[T], xs: &[T], ws: &mut NarrowWorkspace<T>) -> Vec<usize> {
    let n = xs.len();
    let layers = dims.len() - 1;
    ws.acts.resize_with(layers, Vec::new);
    let mut off = 0;
    let mut offsets = Vec::with_capacity(layers);
    for l in 0..layers {
        let (a, b) = (dims[l], dims[l + 1]);
        offsets.push(off);
        let (w, bias) = params[off..off + (a + 1) * b].split_at(a * b);
        off += (a + 1) * b;
        let (done, rest) = ws.acts.split_at_mut(l);
        let input: &[T] = if l == 0 { xs } else { &done[l - 1] };
        let z = &mut rest[0];
        z.clear();
        z.resize(b * n, T::ZERO);
        for j in 0..b {
            let zj = &mut z[j * n..(j + 1) * n];
            zj.fill(bias[j]);
            for k in 0..a {
                axpy(isa, zj, w[j * a + k], &input[k * n..(k + 1) * n]);
            }
            if l + 1 < layers {
                zj.iter_mut().for_each(|v| *v = if *v > T::ZERO { *v } else { T::ZERO });
            }
        }
    }
    offsets
}

/// Inference: the outputs of a narrow 1-input net for `xs`, written into `out`.
pub fn forward<T: Real>(dims: &[usize], params: &[T], xs: &[T], out: &mut [T], ws: &mut NarrowWorkspace<T>) {
    forward_into(Isa::detect(), dims, params, xs, ws);
    out.copy_from_slice(ws.acts.last().unwrap());
}

/// Batch MSE loss and gradient for a 1-input net with layer sizes `dims` and flat `params`
/// (the `Mlp` layout), `xs` of length n.
pub fn loss_grad<T: Real>(
    dims: &[usize],
    params: &[T],
    xs: &[T],
    ys: &[T],
    grad: &mut [T],
    ws: &mut NarrowWorkspace<T>,
) -> T {
    let isa = Isa::detect();
    let n = ys.len();
    let layers = dims.len() - 1;
    let offsets = forward_into(isa, dims, params, xs, ws);
    let loss = mse_residual(&ws.acts[layers - 1], ys, &mut ws.delta);
    for l in (0..layers).rev() {
        let (a, b) = (dims[l], dims[l + 1]);
        let o = offsets[l];
        let (gw, gb) = grad[o..o + (a + 1) * b].split_at_mut(a * b);
        let input: &[T] = if l == 0 { xs } else { &ws.acts[l - 1] };
        for j in 0..b {
            let dj = &ws.delta[j * n..(j + 1) * n];
            for k in 0..a {
                gw[j * a + k] = dot(isa, dj, &input[k * n..(k + 1) * n]);
            }
            gb[j] = lane_sum(dj);
        }
        if l == 0 {
            break;
        }
        let w = &params[o..o + a * b];
        ws.delta_prev.clear();
        ws.delta_prev.resize(a * n, T::ZERO);
        for k in 0..a {
            let dk = &mut ws.delta_prev[k * n..(k + 1) * n];
            for j in 0..b {
                axpy(isa, dk, w[j * a + k], &ws.delta[j * n..(j + 1) * n]);
            }
            for (d, &h) in dk.iter_mut().zip(&ws.acts[l - 1][k * n..(k + 1) * n]) {
                if h <= T::ZERO {
                    *d = T::ZERO;
                }
            }
        }
        std::mem::swap(&mut ws.delta, &mut ws.delta_prev);
    }
    T::from_f64(loss.to_f64() / n as f64)
}

fn axpy<T: Real>(isa: Isa, y: &mut [T], a: T, x: &[T]) {
    match isa {
        // SAFETY: `Isa::detect` checked the CPU.
        #[cfg(target_arch = "x86_64")]
        Isa::Avx512 => unsafe { x86::axpy_avx512(y, a, x) },
        #[cfg(target_arch = "x86_64")]
        Isa::Avx2 => unsafe { x86::axpy_avx2(y, a, x) },
        _ => axpy_body(y, a, x),
    }
}

fn dot<T: Real>(isa: Isa, x: &[T], y: &[T]) -> T {
    let split = x.len() - x.len() % T::LANES;
    let lanes = match isa {
        // SAFETY: as above.
        #[cfg(target_arch = "x86_64")]
        Isa::Avx512 => unsafe { x86::dot_avx512(&x[..split], &y[..split]) },
        #[cfg(target_arch = "x86_64")]
        Isa::Avx2 => unsafe { x86::dot_avx2(&x[..split], &y[..split]) },
        _ => dot_body(&x[..split], &y[..split]),
    };
    x[split..].iter().zip(&y[split..]).fold(sum_lanes(lanes.as_ref()), |s, (&a, &b)| s + a * b)
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use super::{Real, axpy_body, dot_body};
    #[target_feature(enable = "avx512f")]
    pub(super) fn axpy_avx512<T: Real>(y: &mut [T], a: T, x: &[T]) {
        axpy_body(y, a, x)
    }
    #[target_feature(enable = "avx2")]
    pub(super) fn axpy_avx2<T: Real>(y: &mut [T], a: T, x: &[T]) {
        axpy_body(y, a, x)
    }
    #[target_feature(enable = "avx512f")]
    pub(super) fn dot_avx512<T: Real>(x: &[T], y: &[T]) -> T::Lanes {
        dot_body(x, y)
    }
    #[target_feature(enable = "avx2")]
    pub(super) fn dot_avx2<T: Real>(x: &[T], y: &[T]) -> T::Lanes {
        dot_body(x, y)
    }
}

#[inline(always)]
fn axpy_body<T: Real>(y: &mut [T], a: T, x: &[T]) {
    for (v, &u) in y.iter_mut().zip(x) {
        *v += a * u;
    }
}

#[inline(always)]
fn dot_body<T: Real>(x: &[T], y: &[T]) -> T::Lanes {
    let mut s = T::Lanes::default();
    let acc = s.as_mut();
    for (a, b) in x.chunks_exact(T::LANES).zip(y.chunks_exact(T::LANES)) {
        for l in 0..T::LANES {
            acc[l] += a[l] * b[l];
        }
    }
    s
}
