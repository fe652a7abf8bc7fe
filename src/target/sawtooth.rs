//! Telgarsky's sawtooth: the k-fold iterated tent map Δ^k on [0,1].
//!
//! Δ(x) = 2·min(x, 1−x). Δ^k has exactly 2^k affine pieces with knots at j/2^k where
//! Δ^k(j/2^k) = j mod 2, and the closed form Δ^k(x) = Δ(frac(2^{k−1}·x)).
//! Δ preserves Lebesgue measure, so Δ^k(U) is uniform on [0,1]: mean ½, variance 1/12 and best
//! constant L1 error ¼ for every k.
//!
//! ```
//! use depthsep::target::{Sawtooth, Target};
//! let t = Sawtooth::new(3).unwrap();
//! let mut y = [0.0; 3];
//! t.eval_batch(&[0.0, 1.0 / 16.0, 0.125], &mut y);
//! assert_eq!(y, [0.0, 0.5, 1.0]);
//! assert_eq!(t.pwl().unwrap().pieces(), 8);
//! ```

use super::{Target, TargetError};
use crate::net::Pwl;

/// Largest supported k.
pub const MAX_K: u32 = 30;
/// Largest k for which the exact knot list (2^k + 1 points) is materialised.
pub const MAX_EXACT_K: u32 = 24;

/// The sawtooth Δ^k, 1 ≤ k ≤ 30.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sawtooth {
    k: u32,
}

impl Sawtooth {
    /// Δ^k; `k = 0` or `k > 30` is an error.
    pub fn new(k: u32) -> Result<Self, TargetError> {
        if k == 0 || k > MAX_K {
            return Err(TargetError::OutOfRange {
                family: "sawtooth",
                param: "k",
                value: k.to_string(),
                allowed: "1..=30",
            });
        }
        Ok(Self { k })
    }

    /// Number of compositions.
    pub fn k(&self) -> u32 {
        self.k
    }

    /// Δ^k(x) for one x in [0,1] (clamped), by the closed form.
    pub fn value(&self, x: f64) -> f64 {
        let x = x.clamp(0.0, 1.0);
        let s = x * (1u64 << (self.k - 1)) as f64;
        let f = s - s.floor();
        // frac(2^{k-1}) = 0 at x = 1 but Δ^k(1) = 0 too, so the formula holds at the end point.
        2.0 * f.min(1.0 - f)
    }
}

impl Target for Sawtooth {
    fn family(&self) -> &'static str {
        "sawtooth"
    }
    fn id(&self) -> String {
        format!("sawtooth k={}", self.k)
    }
    fn dim(&self) -> usize {
        1
    }
    fn eval_batch(&self, xs: &[f64], out: &mut [f64]) {
        for (o, &x) in out.iter_mut().zip(xs) {
            *o = self.value(x);
        }
    }
    fn mean(&self) -> f64 {
        0.5
    }
    fn variance(&self) -> f64 {
        1.0 / 12.0
    }
    fn constant_l1(&self) -> Option<f64> {
        Some(0.25)
    }
    fn pwl(&self) -> Option<Pwl> {
        if self.k > MAX_EXACT_K {
            return None;
        }
        let n = 1usize << self.k;
        let xs = (0..=n).map(|j| j as f64 / n as f64).collect();
        let ys = (0..=n).map(|j| (j % 2) as f64).collect();
        Some(Pwl::new(xs, ys))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn k_zero_and_k_above_30_are_errors() {
        assert!(Sawtooth::new(0).is_err());
        assert!(Sawtooth::new(31).is_err());
        assert!(Sawtooth::new(30).is_ok());
        let msg = Sawtooth::new(0).unwrap_err().to_string();
        assert!(msg.contains("`k`") && msg.contains("1..=30"), "{msg}");
    }

    #[test]
    fn closed_form_equals_iterated_tent_map() {
        let tent = |x: f64| 2.0 * x.min(1.0 - x);
        for k in 1..=12 {
            let t = Sawtooth::new(k).unwrap();
            for i in 0..=1000 {
                let x = i as f64 / 1000.0;
                let mut y = x;
                for _ in 0..k {
                    y = tent(y);
                }
                assert!((t.value(x) - y).abs() < 1e-9, "k={k} x={x}");
            }
        }
    }

    #[test]
    fn knots_alternate_zero_one_and_count_two_to_the_k_pieces() {
        for k in 1..=10 {
            let p = Sawtooth::new(k).unwrap().pwl().unwrap();
            assert_eq!(p.pieces(), 1 << k);
            for (j, &y) in p.ys().iter().enumerate() {
                assert_eq!(y, (j % 2) as f64);
            }
        }
    }
}
