//! The Adam update rule in either precision, shared by the f64 trainer ([`super::adam::Adam`]) and
//! the f32 path ([`super::single`]): m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g²,
//! θ ← θ − η (m/(1−β₁^t)) / (√(v/(1−β₂^t)) + ε).

use crate::net::real::{Isa, Real};

/// The Adam update of every parameter, given `[β₁, β₂, 1−β₁^t, 1−β₂^t, ε, η]`, in either precision.
/// Compiled for AVX-512 where the CPU has it: every operation here is correctly rounded
/// (no contraction, IEEE division and square root), so the bits do not depend on the build.
pub fn update<T: Real>(params: &mut [T], grad: &[T], m: &mut [T], v: &mut [T], coef: [T; 6]) {
    #[inline(always)]
    fn body<T: Real>(params: &mut [T], grad: &[T], m: &mut [T], v: &mut [T], [b1, b2, c1, c2, eps, lr]: [T; 6]) {
        let one = T::from_f64(1.0);
        for (((p, &g), m), v) in params.iter_mut().zip(grad).zip(m).zip(v) {
            *m = b1 * *m + (one - b1) * g;
            *v = b2 * *v + (one - b2) * g * g;
            *p = *p - lr * (*m / c1) / ((*v / c2).sqrt() + eps);
        }
    }
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f")]
    fn avx512<T: Real>(params: &mut [T], grad: &[T], m: &mut [T], v: &mut [T], coef: [T; 6]) {
        body(params, grad, m, v, coef)
    }
    #[cfg(target_arch = "x86_64")]
    if Isa::detect() == Isa::Avx512 {
        // SAFETY: the CPU has AVX-512F (checked just now).
        return unsafe { avx512(params, grad, m, v, coef) };
    }
    body(params, grad, m, v, coef)
}
