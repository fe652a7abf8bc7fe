//! The Adam update rule in either precision, the one Adam of the crate: the f64 trainer
//! ([`super::adam::Adam`]), the f32 path ([`super::single`]) and the triangle recipe's pretraining
//! ([`crate::recipe::triangle::pretrain`]) all step through [`update`]:
//! m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², θ ← θ − η (m/(1−β₁^t)) / (√(v/(1−β₂^t)) + ε).
//!
//! The factors 1−β₁ and 1−β₂ are given, not computed: in f64, 1 − 0.9 = 0.09999999999999998 and
//! 1 − 0.999 = 0.0010000000000000009, while the triangle recipe has always used the literals 0.1 and
//! 0.001. Each caller passes the factors it was computed with, so one rule serves all of them with
//! the bits of every committed result.

use crate::net::real::{Isa, Real};

/// Adam's β₁ (PyTorch's default), the one constant every Adam of the crate uses.
pub const BETA1: f64 = 0.9;
/// Adam's β₂ (PyTorch's default).
pub const BETA2: f64 = 0.999;

/// The coefficients of one Adam step.
#[derive(Debug, Clone, Copy)]
pub struct Coefficients<T> {
    /// β₁ and the factor 1 − β₁ of the gradient in the first moment.
    pub beta1: (T, T),
    /// β₂ and the factor 1 − β₂ of the squared gradient in the second moment.
    pub beta2: (T, T),
    /// The bias corrections 1 − β₁^t and 1 − β₂^t.
    pub correction: (T, T),
    /// ε, added to the root of the corrected second moment.
    pub eps: T,
    /// The learning rate η.
    pub lr: T,
}

impl<T: Real> Coefficients<T> {
    /// The coefficients for β₁, β₂ with the factors 1 − β computed in `T`, as the trainers do.
    pub fn new(beta1: T, beta2: T, correction: (T, T), eps: T, lr: T) -> Self {
        let one = T::from_f64(1.0);
        Self { beta1: (beta1, one - beta1), beta2: (beta2, one - beta2), correction, eps, lr }
    }
}

/// The Adam update of every parameter, in either precision. Compiled for AVX-512 where the CPU
/// has it: every operation here is correctly rounded (no contraction, IEEE division and square
/// root), so the bits do not depend on the build.
pub fn update<T: Real>(params: &mut [T], grad: &[T], m: &mut [T], v: &mut [T], coef: Coefficients<T>) {
    #[inline(always)]
    fn body<T: Real>(params: &mut [T], grad: &[T], m: &mut [T], v: &mut [T], k: Coefficients<T>) {
        let ((b1, f1), (b2, f2), (c1, c2)) = (k.beta1, k.beta2, k.correction);
        for (((p, &g), m), v) in params.iter_mut().zip(grad).zip(m).zip(v) {
            *m = b1 * *m + f1 * g;
            *v = b2 * *v + f2 * g * g;
            *p = *p - k.lr * (*m / c1) / ((*v / c2).sqrt() + k.eps);
        }
    }
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f")]
    fn avx512<T: Real>(params: &mut [T], grad: &[T], m: &mut [T], v: &mut [T], coef: Coefficients<T>) {
        body(params, grad, m, v, coef)
    }
    #[cfg(target_arch = "x86_64")]
    if Isa::detect() == Isa::Avx512 {
        // SAFETY: the CPU has AVX-512F (checked just now).
        return unsafe { avx512(params, grad, m, v, coef) };
    }
    body(params, grad, m, v, coef)
}

#[cfg(test)]
mod tests {

    #[test]
    fn the_one_set_of_adam_constants_rounds_to_the_f32_literals() {
        assert_eq!(BETA1 as f32, 0.9f32);
        assert_eq!(BETA2 as f32, 0.999f32);
        assert_eq!((BETA1, BETA2), (0.9, 0.999));
    }
    use super::*;

    /// The triangle recipe's former inline Adam (literals 0.1 and 0.001), written out.
    fn inline_triangle(a: &mut [f64], g: &[f64], m: &mut [f64], v: &mut [f64], t: i32) {
        for i in 0..a.len() {
            m[i] = 0.9 * m[i] + 0.1 * g[i];
            v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
            let (mh, vh) = (m[i] / (1.0 - 0.9f64.powi(t)), v[i] / (1.0 - 0.999f64.powi(t)));
            a[i] -= 1e-2 * mh / (vh.sqrt() + 1e-12);
        }
    }

    #[test]
    fn shared_update_with_the_recipes_factors_gives_its_former_inline_bits() {
        let n = 37;
        let g: Vec<f64> = (0..n).map(|i| ((i * 7919) % 113) as f64 / 17.0 - 3.1).collect();
        let (mut a1, mut m1, mut v1) = (vec![0.5; n], vec![0.0; n], vec![0.0; n]);
        let (mut a2, mut m2, mut v2) = (a1.clone(), m1.clone(), v1.clone());
        for t in 1..=20 {
            inline_triangle(&mut a1, &g, &mut m1, &mut v1, t);
            let correction = (1.0 - 0.9f64.powi(t), 1.0 - 0.999f64.powi(t));
            let coef = Coefficients { beta1: (0.9, 0.1), beta2: (0.999, 0.001), correction, eps: 1e-12, lr: 1e-2 };
            update(&mut a2, &g, &mut m2, &mut v2, coef);
        }
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&a1), bits(&a2));
        assert_eq!(bits(&m1), bits(&m2));
        // The factors matter: 1 − β computed in f64 is not 0.1, and gives other bits.
        let mut a3 = vec![0.5; n];
        let (mut m3, mut v3) = (vec![0.0; n], vec![0.0; n]);
        for t in 1..=20 {
            let correction = (1.0 - 0.9f64.powi(t), 1.0 - 0.999f64.powi(t));
            update(&mut a3, &g, &mut m3, &mut v3, Coefficients::new(0.9, 0.999, correction, 1e-12, 1e-2));
        }
        assert_ne!(bits(&a1), bits(&a3));
    }
}
