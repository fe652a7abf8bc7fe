//! The one-hidden-layer 1-input kernel: fused forward and gradient of g(x) = c + Σ_j a_j σ(w_j x + b_j).
//!
//! Two passes over the batch, no allocation beyond a reusable residual buffer:
//! 1. forward, unit-major: F_i = c + Σ_j a_j σ(w_j x_i + b_j) (elementwise over i, so the
//!    summation order is the unit order whatever the SIMD width);
//! 2. backward, with D_i = 2(F_i − y_i)/n: ∂/∂a_j = Σ_i D_i σ(z_ij), ∂/∂w_j = a_j Σ_i D_i x_i \[z_ij > 0\],
//!    ∂/∂b_j = a_j Σ_i D_i \[z_ij > 0\], ∂/∂c = Σ_i D_i, reduced in [`Real::LANES`] fixed lanes (8 for
//!    f64, 16 for f32).
//!
//! The same source is compiled for AVX-512, AVX2 and baseline x86-64 and picked at run time; since
//! no operation is fused (no FMA contraction in Rust) and the lane structure is explicit, all three
//! give bit-identical results. One source, instantiated by a macro for f64 and for f32
//! (`dtype = "f32"`) with concrete types and lane counts: written generically over [`Real`], the
//! f64 step was 26–38% slower (the accumulators left registers).

pub use super::real::Isa;
use super::real::Real;

/// Loss and gradient of the batch MSE for a 1→m→1 net with flat parameters
/// `[w (m), b (m), a (m), c]` (the `Mlp` layout). `resid` is scratch of any length.
pub fn loss_grad<T: Shallow>(params: &[T], xs: &[T], ys: &[T], grad: &mut [T], resid: &mut Vec<T>) -> T {
    T::shallow_kernel(Isa::detect(), params, xs, ys, grad, resid)
}

/// Forward pass of a 1→m→1 net into `out` (pass 1 alone): the inference path of such nets.
pub fn forward<T: Shallow>(params: &[T], xs: &[T], out: &mut [T]) {
    let m = (params.len() - 1) / 3;
    let isa = Isa::detect();
    out.fill(params[3 * m]);
    T::shallow_forward(isa, out, xs, &params[..m], &params[m..2 * m], &params[2 * m..3 * m]);
}

/// The fused kernel on a chosen instruction set (panics if the CPU lacks it). All give identical bits.
pub fn loss_grad_on<T: Shallow>(isa: Isa, params: &[T], xs: &[T], ys: &[T], grad: &mut [T], resid: &mut Vec<T>) -> T {
    assert!(isa.supported(), "{isa:?} is not supported by this CPU");
    T::shallow_kernel(isa, params, xs, ys, grad, resid)
}

/// A scalar with an instance of this kernel (f64 and f32, by the `kernels!` macro).
pub trait Shallow: Real {
    /// The fused kernel in this type.
    fn shallow_kernel(
        isa: Isa,
        params: &[Self],
        xs: &[Self],
        ys: &[Self],
        grad: &mut [Self],
        resid: &mut Vec<Self>,
    ) -> Self;
    /// The forward contributions of all units (weights `w`, biases `b`, output weights `a`), added
    /// into `out` in unit order.
    fn shallow_forward(isa: Isa, out: &mut [Self], xs: &[Self], w: &[Self], b: &[Self], a: &[Self]);
}

/// The kernel for one scalar type and lane count, and its [`Shallow`] impl.
macro_rules! kernels {
    ($m:ident, $t:ty, $lanes:expr) => {
        pub(crate) mod $m {
            use super::super::real::sum_lanes;
            use super::Isa;

            const LANES: usize = $lanes;
            /// Units per sweep of the batch.
            const UNITS: usize = 4;

            /// Forward contribution of unit j: F_i += a_j σ(w_j x_i + b_j).
            pub(crate) fn pass1(isa: Isa, resid: &mut [$t], xs: &[$t], wj: $t, bj: $t, aj: $t) {
                pass1_units::<1>(isa, resid, xs, [wj], [bj], [aj])
            }

            /// Forward contribution of U units in one sweep, added in unit order: the same bits as
            /// U sweeps of [`pass1`], with a U-th of the loads and stores of F.
            fn pass1_units<const U: usize>(isa: Isa, resid: &mut [$t], xs: &[$t], w: [$t; U], b: [$t; U], a: [$t; U]) {
                match isa {
                    // SAFETY: `isa` was checked against the CPU by `detect` or `supported`.
                    #[cfg(target_arch = "x86_64")]
                    Isa::Avx512 => unsafe { x86::pass1_avx512(resid, xs, w, b, a) },
                    #[cfg(target_arch = "x86_64")]
                    Isa::Avx2 => unsafe { x86::pass1_avx2(resid, xs, w, b, a) },
                    _ => pass1_body(resid, xs, w, b, a),
                }
            }

            /// Per unit of U, lane sums of D_i σ(z_i), D_i x_i [z_i > 0], D_i [z_i > 0] over whole
            /// chunks of LANES: each unit's lanes add in the order of a sweep of that unit alone.
            fn pass2<const U: usize>(
                isa: Isa,
                xs: &[$t],
                resid: &[$t],
                w: [$t; U],
                b: [$t; U],
            ) -> [[[$t; LANES]; 3]; U] {
                match isa {
                    // SAFETY: as above.
                    #[cfg(target_arch = "x86_64")]
                    Isa::Avx512 => unsafe { x86::pass2_avx512(xs, resid, w, b) },
                    #[cfg(target_arch = "x86_64")]
                    Isa::Avx2 => unsafe { x86::pass2_avx2(xs, resid, w, b) },
                    _ => pass2_body(xs, resid, w, b),
                }
            }

            #[cfg(target_arch = "x86_64")]
            mod x86 {
                use super::{LANES, pass1_body, pass2_body};
                #[target_feature(enable = "avx512f")]
                pub(super) fn pass1_avx512<const U: usize>(
                    r: &mut [$t],
                    xs: &[$t],
                    w: [$t; U],
                    b: [$t; U],
                    a: [$t; U],
                ) {
                    pass1_body(r, xs, w, b, a)
                }
                #[target_feature(enable = "avx2")]
                pub(super) fn pass1_avx2<const U: usize>(r: &mut [$t], xs: &[$t], w: [$t; U], b: [$t; U], a: [$t; U]) {
                    pass1_body(r, xs, w, b, a)
                }
                #[target_feature(enable = "avx512f")]
                pub(super) fn pass2_avx512<const U: usize>(
                    xs: &[$t],
                    r: &[$t],
                    w: [$t; U],
                    b: [$t; U],
                ) -> [[[$t; LANES]; 3]; U] {
                    pass2_body(xs, r, w, b)
                }
                #[target_feature(enable = "avx2")]
                pub(super) fn pass2_avx2<const U: usize>(
                    xs: &[$t],
                    r: &[$t],
                    w: [$t; U],
                    b: [$t; U],
                ) -> [[[$t; LANES]; 3]; U] {
                    pass2_body(xs, r, w, b)
                }
            }

            #[inline(always)]
            fn pass1_body<const U: usize>(resid: &mut [$t], xs: &[$t], w: [$t; U], b: [$t; U], a: [$t; U]) {
                for (f, &x) in resid.iter_mut().zip(xs) {
                    let mut v = *f;
                    for u in 0..U {
                        v += a[u] * relu(w[u] * x + b[u]);
                    }
                    *f = v;
                }
            }

            #[inline(always)]
            fn pass2_body<const U: usize>(xs: &[$t], resid: &[$t], w: [$t; U], b: [$t; U]) -> [[[$t; LANES]; 3]; U] {
                let mut s = [[[0.0; LANES]; 3]; U];
                for (xc, dc) in xs.chunks_exact(LANES).zip(resid.chunks_exact(LANES)) {
                    for u in 0..U {
                        let [sa, sx, s1] = &mut s[u];
                        for l in 0..LANES {
                            let z = w[u] * xc[l] + b[u];
                            let d = dc[l];
                            let on = if z > 0.0 { d } else { 0.0 };
                            sa[l] += d * relu(z);
                            sx[l] += on * xc[l];
                            s1[l] += on;
                        }
                    }
                }
                s
            }

            /// F += Σ_j a_j σ(w_j x + b_j) over all units, in unit order, UNITS per sweep.
            pub(crate) fn forward_units(isa: Isa, out: &mut [$t], xs: &[$t], w: &[$t], b: &[$t], a: &[$t]) {
                let m = w.len();
                let mut j = 0;
                while j + UNITS <= m {
                    let at = |v: &[$t]| -> [$t; UNITS] { v[j..j + UNITS].try_into().unwrap() };
                    pass1_units::<UNITS>(isa, out, xs, at(w), at(b), at(a));
                    j += UNITS;
                }
                for j in j..m {
                    pass1(isa, out, xs, w[j], b[j], a[j]);
                }
            }

            pub(crate) fn kernel(
                isa: Isa,
                params: &[$t],
                xs: &[$t],
                ys: &[$t],
                grad: &mut [$t],
                resid: &mut Vec<$t>,
            ) -> $t {
                let m = (params.len() - 1) / 3;
                let n = ys.len();
                assert_eq!(xs.len(), n);
                assert_eq!(grad.len(), params.len());
                let (w, rest) = params.split_at(m);
                let (b, rest) = rest.split_at(m);
                let (a, c) = rest.split_at(m);
                resid.clear();
                resid.resize(n, c[0]);
                forward_units(isa, resid, xs, w, b, a);
                let scale = (2.0 / n as f64) as $t;
                let mut loss = 0.0;
                for (f, &y) in resid.iter_mut().zip(ys) {
                    let e = *f - y;
                    loss += e * e;
                    *f = scale * e;
                }
                let (gw, rest) = grad.split_at_mut(m);
                let (gb, rest) = rest.split_at_mut(m);
                let (ga, gc) = rest.split_at_mut(m);
                gc[0] = crate::net::real::lane_sum(resid);
                let split = n - n % LANES;
                // Units in blocks of UNITS (one sweep of the batch each), the rest one by one.
                let mut j0 = 0;
                while j0 < m {
                    let u = if j0 + UNITS <= m { UNITS } else { 1 };
                    let mut sums = [[[0.0; LANES]; 3]; UNITS];
                    if u == UNITS {
                        let at = |v: &[$t]| -> [$t; UNITS] { v[j0..j0 + UNITS].try_into().unwrap() };
                        sums = pass2::<UNITS>(isa, &xs[..split], &resid[..split], at(w), at(b));
                    } else {
                        sums[0] = pass2::<1>(isa, &xs[..split], &resid[..split], [w[j0]], [b[j0]])[0];
                    }
                    for (du, [sa, sx, s1]) in sums[..u].iter().enumerate() {
                        let j = j0 + du;
                        let (wj, bj) = (w[j], b[j]);
                        let (mut ta, mut tx, mut t1) = (sum_lanes(sa), sum_lanes(sx), sum_lanes(s1));
                        for i in split..n {
                            let z = wj * xs[i] + bj;
                            if z > 0.0 {
                                ta += resid[i] * z;
                                tx += resid[i] * xs[i];
                                t1 += resid[i];
                            }
                        }
                        ga[j] = ta;
                        gw[j] = a[j] * tx;
                        gb[j] = a[j] * t1;
                    }
                    j0 += u;
                }
                (loss as f64 / n as f64) as $t
            }

            /// σ(z) as a compare-and-select (vectorises to one max; `max` adds NaN handling).
            #[inline(always)]
            fn relu(z: $t) -> $t {
                if z > 0.0 { z } else { 0.0 }
            }
        }
    };
}

kernels!(k64, f64, 8);
kernels!(k32, f32, 16);

/// `impl Shallow` for one type through its instance.
macro_rules! impl_shallow {
    ($t:ty, $k:ident) => {
        impl Shallow for $t {
            fn shallow_kernel(
                isa: Isa,
                params: &[Self],
                xs: &[Self],
                ys: &[Self],
                grad: &mut [Self],
                resid: &mut Vec<Self>,
            ) -> Self {
                $k::kernel(isa, params, xs, ys, grad, resid)
            }
            fn shallow_forward(isa: Isa, out: &mut [Self], xs: &[Self], w: &[Self], b: &[Self], a: &[Self]) {
                $k::forward_units(isa, out, xs, w, b, a)
            }
        }
    };
}

impl_shallow!(f64, k64);
impl_shallow!(f32, k32);
