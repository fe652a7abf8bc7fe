//! Telgarsky's sawtooth: the k-fold iterated tent map Δ^k on \[0,1\].
//!
//! Δ(x) = 2·min(x, 1−x). Δ^k has exactly 2^k affine pieces with knots at j/2^k where
//! Δ^k(j/2^k) = j mod 2, and the closed form Δ^k(x) = Δ(frac(2^{k−1}·x)).
//! Δ preserves Lebesgue measure, so Δ^k(U) is uniform on \[0,1\]: mean ½, variance 1/12 and best
//! constant L1 error ¼ for every k.
//!
//! The family's construction ([`construct`]: the width-2 depth-k net and the exact width-2^k
//! shallow net) and its theory ([`theory`]: the certified bracket on the minimal shallow width) live
//! beside it.
//!
//! ```
//! use depthsep::family::{Objective, Target, sawtooth::Sawtooth};
//! let t = Sawtooth::new(3).unwrap();
//! let mut y = [0.0; 3];
//! t.eval_batch(&[0.0, 1.0 / 16.0, 0.125], &mut y);
//! assert_eq!(y, [0.0, 0.5, 1.0]);
//! assert_eq!(t.pwl().unwrap().pieces(), 8);
//! ```

pub mod carried;
pub mod construct;
pub mod depth;
pub mod one_unit;
pub mod optimized;
pub mod theory;

use super::{Bound, Certified, Constructed, FamilyInfo, Objective, Target, TargetError, TargetId};
use crate::net::{Mlp, Pwl};
use crate::train::Metric;
use crate::validate::{Invalid, check};

/// This family's entry in the registry ([`super::FAMILIES`]).
pub static INFO: FamilyInfo = FamilyInfo {
    name: "sawtooth",
    label: "sawtooth Δ^k",
    params: &["k"],
    cli: Some("sawtooth"),
    many_input: false,
    works: &[
        (
            "telgarsky2015",
            "@misc{telgarsky2015,\n  author = {Telgarsky, Matus},\n  title = {Representation Benefits of Deep Feedforward Networks},\n  howpublished = {arXiv:1509.08101},\n  year = {2015},\n  eprint = {1509.08101},\n  archivePrefix = {arXiv}\n}",
        ),
        (
            "telgarsky2016",
            "@inproceedings{telgarsky2016,\n  author = {Telgarsky, Matus},\n  title = {Benefits of Depth in Neural Networks},\n  booktitle = {Proceedings of the 29th Conference on Learning Theory (COLT)},\n  series = {Proceedings of Machine Learning Research},\n  volume = {49},\n  pages = {1517--1539},\n  year = {2016},\n  eprint = {1602.04485},\n  archivePrefix = {arXiv}\n}",
        ),
    ],
    describe: |_, m| format!("the iterated tent map {} (sawtooth)", m("Δ^k", "\\Delta^k")),
};

/// Largest supported k.
pub const MAX_K: u32 = 30;
/// Largest k for which the exact knot list (2^k + 1 points) is materialised.
pub const MAX_EXACT_K: u32 = 24;

/// Check a suite's k range: 1 ≤ k_min ≤ k_max ≤ [`MAX_EXACT_K`] (exact errors need the knots).
pub fn validate_range(k_min: u32, k_max: u32) -> Result<(), Invalid> {
    let allowed = "1..=24 (exact errors need 2^k + 1 knots)";
    check((1..=MAX_EXACT_K).contains(&k_min), "", "k_min", &k_min, allowed)?;
    check((1..=MAX_EXACT_K).contains(&k_max), "", "k_max", &k_max, allowed)?;
    check(k_min <= k_max, "", "k_max", &k_max, "k_max ≥ k_min (the range is empty)")
}

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

    /// Δ^k(x) for one x in \[0,1\] (clamped), by the closed form.
    pub fn value(&self, x: f64) -> f64 {
        let x = x.clamp(0.0, 1.0);
        let s = x * (1u64 << (self.k - 1)) as f64;
        let f = s - s.floor();
        // frac(2^{k-1}) = 0 at x = 1 but Δ^k(1) = 0 too, so the formula holds at the end point.
        2.0 * f.min(1.0 - f)
    }
}

impl Objective for Sawtooth {
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
    fn pieces(&self) -> usize {
        1 << self.k
    }
    fn label(&self) -> String {
        self.id().to_string()
    }
}

impl Target for Sawtooth {
    fn id(&self) -> TargetId {
        TargetId::Sawtooth { k: self.k }
    }
    fn construct_deep(&self) -> anyhow::Result<Constructed> {
        Ok(Constructed::exact(construct::telgarsky_deep(self.k)?))
    }
    fn natural_depth(&self) -> usize {
        self.k as usize
    }
    fn certify(&self, eps: f64, metric: Metric) -> Option<Certified> {
        Some(theory::certify(self.k, eps, metric))
    }
    fn error_bound(&self, side: Bound, m: u64, metric: Metric) -> Option<f64> {
        Some(theory::error_bound(side, m, self.k, metric))
    }
    /// Hidden layer l holds (σ(z), σ(z − ½)) with z = Δ^{l−1}(x); its readout 2σ(z) − 4σ(z − ½) is Δ^l.
    fn layer_functions(&self) -> anyhow::Result<Vec<(String, Pwl)>> {
        let layers = crate::net::pieces::propagate(&construct::telgarsky_deep(self.k)?)?;
        Ok(layers[..self.k as usize]
            .iter()
            .enumerate()
            .map(|(l, h)| {
                let f = h.readout(&[2.0, -4.0], 0.0);
                (format!("layer {}: 2·σ(z) − 4·σ(z − ½) = Δ^{} ({} pieces)", l + 1, l + 1, f.pieces()), f)
            })
            .collect())
    }
    fn exact_shallow(&self) -> Option<anyhow::Result<Mlp>> {
        (self.k <= MAX_EXACT_K).then(|| construct::exact_shallow(self.k))
    }
    fn fewest_pieces(&self, eps: f64, metric: Metric) -> Option<(u64, String)> {
        if metric == Metric::Sup {
            let link = crate::optimum::tube::min_link(&self.pwl()?, eps).ok()?;
            return Some((link.kinks as u64 + 1, "minimal-link path (sup)".into()));
        }
        (self.k <= MAX_EXACT_K).then(|| depth::fewest_pieces(self.k, eps, metric)).flatten()
    }
    fn construct_at_depth(&self, depth: usize, eps: f64, metric: Metric) -> Option<anyhow::Result<(Mlp, String)>> {
        if self.k > 16 {
            return None;
        }
        depth::at_depth(self.k, depth, eps, metric)
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
