//! A radial oscillation in the spirit of Eldan & Shamir (COLT 2016, arXiv:1512.03965):
//! f(x) = Δ^k(‖x‖²) on the ball ‖x‖ ≤ 1 of R^d, the sawtooth of the squared radius, a function of
//! ‖x‖ with 2^{k−1} oscillations. Eldan & Shamir's radial function needs width exponential in d
//! for one hidden layer and polynomial width for two; here the oscillation count 2^k is a second
//! parameter, so the width one hidden layer needs can be measured against both d and k. Member
//! `radial d=4 k=3` is `{ family = "radial", d = 4, k = 3 }`; a series fixes d and grows k.
//!
//! **Inputs** ([`crate::family::ball::norm`]): x = √s·u with s uniform on \[0, 1\] and u uniform on
//! the sphere, so s = ‖x‖² is uniform and f(x) = Δ^k(s) has the sawtooth's moments in every
//! dimension: mean 1/2, variance 1/12, best constant's L1 error 1/4 and sup error 1/2.
//!
//! **Deep construction, k + 1 hidden layers** [derived here]. Layer 1 is the norm block with N
//! pieces per coordinate (ŝ ∈ \[s, s + η\], η = d/N²); layers 2..k+1 are Telgarsky's width-2
//! sawtooth net reading ŝ ([`crate::family::sawtooth::construct::telgarsky_deep`]). On inputs
//! t > 1 that net computes 2 − 2t for k = 1 and 0 for k ≥ 2 (its first layer's readout is then ≤ 0,
//! and σ(z), σ(z − ½) vanish for z ≤ 0), so on \[0, ∞) it is continuous and 2^k-Lipschitz, and
//! **|f̂ − f| ≤ 2^k·η** everywhere: sup ≤ 2^k η, L1 ≤ 2^k η, MSE ≤ (2^k η)². N is the fewest
//! pieces whose claimed normalised MSE 12·(2^k η)² is at most 10⁻³.
//!
//! ```
//! use depthsep::family::{Objective, Target, radial::Radial};
//! let t = Radial::new(2, 2).unwrap();
//! let mut y = [0.0; 2];
//! t.eval_batch(&[0.5, 0.0, 0.0, 0.6], &mut y); // s = 0.25 and 0.36
//! assert!((y[0] - 1.0).abs() < 1e-12); // Δ²(1/4) = 1
//! assert!((y[1] - 0.56).abs() < 1e-12); // Δ²(0.36) = Δ(0.72) = 0.56
//! ```

use super::ball::norm;
use super::sawtooth::{Sawtooth, construct::telgarsky_deep};
use super::{Constructed, FamilyInfo, Objective, Target, TargetError, TargetId};
use crate::net::{ExactErrors, Mlp};
use crate::train::Metric;
use crate::validate::{Invalid, check};
use rand_chacha::ChaCha8Rng;

/// This family's entry in the registry ([`super::FAMILIES`]).
pub static INFO: FamilyInfo = FamilyInfo {
    name: "radial",
    label: "radial sawtooth Δ^k(‖x‖²)",
    params: &["d", "k"],
    cli: Some("radial-dD (D ≥ 2)"),
    many_input: true,
    works: &[(
        "eldan2016",
        "@inproceedings{eldan2016,\n  author = {Eldan, Ronen and Shamir, Ohad},\n  title = {The Power of Depth for Feedforward Neural Networks},\n  booktitle = {Proceedings of the 29th Conference on Learning Theory (COLT)},\n  series = {Proceedings of Machine Learning Research},\n  volume = {49},\n  pages = {907--940},\n  year = {2016},\n  eprint = {1512.03965},\n  archivePrefix = {arXiv}\n}",
    )],
    describe: |id, m| {
        let d = match id {
            TargetId::Radial { d, .. } => m(&d.to_string(), &d.to_string()),
            _ => m("d", "d"),
        };
        format!(
            "the radial sawtooth {} on the unit ball of {} with {d} inputs (inputs {} with {} uniform on [0, 1] and {} uniform on the sphere)",
            m("Δ^k(‖x‖²)", "\\Delta^k(\\|x\\|^2)"),
            m("R^d", "\\mathbb{R}^d"),
            m("x = √s·u", "x = \\sqrt{s}\\,u"),
            m("s", "s"),
            m("u", "u")
        )
    },
};

/// Largest supported d.
pub const MAX_D: u32 = 64;
/// Largest supported k.
pub const MAX_K: u32 = 12;
pub use super::ball::norm::CONSTRUCTION_NMSE;

/// Check a suite's range: 2 ≤ d ≤ 64, 1 ≤ k_min ≤ k_max ≤ 12.
pub fn validate_range(d: u32, k_min: u32, k_max: u32) -> Result<(), Invalid> {
    check((2..=MAX_D).contains(&d), "", "d", &d, "2..=64")?;
    check((1..=MAX_K).contains(&k_min), "", "k_min", &k_min, "1..=12")?;
    check((1..=MAX_K).contains(&k_max), "", "k_max", &k_max, "1..=12")?;
    check(k_min <= k_max, "", "k_max", &k_max, "k_max ≥ k_min (the range is empty)")
}

/// Δ^k(‖x‖²) on the unit ball of R^d.
#[derive(Debug, Clone, PartialEq)]
pub struct Radial {
    d: u32,
    k: u32,
    saw: Sawtooth,
}

impl Radial {
    /// 2 ≤ d ≤ 64, 1 ≤ k ≤ 12.
    pub fn new(d: u32, k: u32) -> Result<Self, TargetError> {
        if !(2..=MAX_D).contains(&d) {
            return Err(TargetError::OutOfRange {
                family: "radial",
                param: "d",
                value: d.to_string(),
                allowed: "2..=64",
            });
        }
        if !(1..=MAX_K).contains(&k) {
            return Err(TargetError::OutOfRange {
                family: "radial",
                param: "k",
                value: k.to_string(),
                allowed: "1..=12",
            });
        }
        Ok(Self { d, k, saw: Sawtooth::new(k)? })
    }

    /// The claimed errors of the construction with `pieces` per coordinate.
    pub fn claimed(&self, pieces: usize) -> ExactErrors {
        let e = (2f64.powi(self.k as i32) * norm::eta(self.d as usize, 1.0, pieces)).min(1.0);
        ExactErrors { l1: e, mse: e * e, sup: e }
    }

    /// The construction's pieces per coordinate: the fewest with claimed nMSE ≤ 10⁻³.
    pub fn construction_pieces(&self) -> usize {
        norm::fewest_pieces(|n| self.claimed(n).mse / self.variance(), CONSTRUCTION_NMSE)
    }
}

impl Objective for Radial {
    fn dim(&self) -> usize {
        self.d as usize
    }
    fn sample(&self, n: usize, rng: &mut ChaCha8Rng) -> Vec<f64> {
        norm::sample(self.d as usize, 1.0, n, rng)
    }
    fn eval_batch(&self, xs: &[f64], out: &mut [f64]) {
        for (o, s) in out.iter_mut().zip(norm::squared_norms(xs, self.d as usize)) {
            *o = self.saw.value(s);
        }
    }
    // s = ‖x‖² is uniform on [0, 1], so f = Δ^k(s) has the sawtooth's moments.
    fn mean(&self) -> f64 {
        self.saw.mean()
    }
    fn variance(&self) -> f64 {
        self.saw.variance()
    }
    fn constant_l1(&self) -> Option<f64> {
        self.saw.constant_l1()
    }
    fn constant_sup(&self) -> Option<f64> {
        self.saw.constant_sup()
    }
    fn pwl(&self) -> Option<crate::net::Pwl> {
        None
    }
    /// The pieces of the radial profile Δ^k (in s = ‖x‖²): 2^k.
    fn pieces(&self) -> usize {
        1 << self.k
    }
    fn label(&self) -> String {
        self.id().to_string()
    }
}

impl Target for Radial {
    fn id(&self) -> TargetId {
        TargetId::Radial { d: self.d, k: self.k }
    }
    /// Runs grow with the profile's pieces and the dimension.
    fn expected_cost(&self) -> f64 {
        (f64::from(self.d) * self.pieces() as f64).powi(2)
    }
    fn construct_deep(&self) -> anyhow::Result<Constructed> {
        let pieces = self.construction_pieces();
        let net = norm::compose(self.d as usize, 1.0, pieces, &telgarsky_deep(self.k)?)?;
        Ok(Constructed { net, claimed: self.claimed(pieces) })
    }
    /// At depth k + 1 only: the norm block with the fewest pieces per coordinate whose measured
    /// error is at most `eps` ([`norm::sized`]), then Telgarsky's block.
    fn construct_at_depth(&self, depth: usize, eps: f64, metric: Metric) -> Option<anyhow::Result<(Mlp, String)>> {
        if depth != self.natural_depth() || metric == Metric::Sup {
            return None;
        }
        let proved = norm::fewest_pieces(|n| self.claimed(n).mse / self.variance(), eps.min(1.0));
        let build = |n: usize| norm::compose(self.d as usize, 1.0, n, &telgarsky_deep(self.k)?);
        Some(norm::sized(self, metric, eps, proved, build).map(|(net, n, e)| {
            (
                net,
                format!(
                    "norm block with {n} pieces per coordinate (measured {} {e:.2e}), then Δ^{}",
                    metric.short(),
                    self.k
                ),
            )
        }))
    }
    fn natural_depth(&self) -> usize {
        self.k as usize + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::run_rng;

    #[test]
    fn the_radial_sawtooth_has_the_sawtooth_moments_in_every_dimension() {
        for (d, k) in [(2u32, 1u32), (5, 3), (16, 6)] {
            let t = Radial::new(d, k).unwrap();
            let n = 400_000;
            let xs = t.sample(n, &mut run_rng(u64::from(d), "radial moments"));
            let mut y = vec![0.0; n];
            t.eval_batch(&xs, &mut y);
            let mean = y.iter().sum::<f64>() / n as f64;
            let var = y.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n as f64;
            assert!((mean - 0.5).abs() < 5.0 * (t.variance() / n as f64).sqrt(), "d={d} k={k}: mean {mean}");
            assert!((var * 12.0 - 1.0).abs() < 0.01, "d={d} k={k}: var {var}");
        }
        assert!(Radial::new(1, 2).is_err() && Radial::new(4, 13).unwrap_err().to_string().contains("`k` = 13"));
        assert!(
            validate_range(4, 3, 2).is_err() && validate_range(65, 1, 2).is_err() && validate_range(4, 1, 6).is_ok()
        );
    }

    #[test]
    fn the_norm_then_sawtooth_net_stays_within_its_claimed_error_on_fresh_samples() {
        for (d, k) in [(2u32, 1u32), (3, 4), (8, 3), (4, 6)] {
            let t = Radial::new(d, k).unwrap();
            let c = t.construct_deep().unwrap();
            let pieces = t.construction_pieces();
            let mut hidden = vec![d as usize * pieces];
            hidden.extend(std::iter::repeat_n(2, k as usize));
            assert_eq!(c.net.hidden(), &hidden[..], "d={d} k={k}: the norm block, then width 2 for k layers");
            let n = 100_000;
            let xs = t.sample(n, &mut run_rng(u64::from(d * 100 + k), "radial bound check"));
            let mut y = vec![0.0; n];
            let mut out = vec![0.0; n];
            t.eval_batch(&xs, &mut y);
            c.net.forward(&xs, &mut out);
            let sup = y.iter().zip(&out).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
            assert!(sup <= c.claimed.sup + 1e-12, "d={d} k={k}: sup {sup} > claimed {}", c.claimed.sup);
            assert!(c.claimed.mse * 12.0 <= CONSTRUCTION_NMSE);
        }
    }

    #[test]
    fn the_sawtooth_net_is_continuous_and_two_to_the_k_lipschitz_past_one() {
        // The claim behind |f̂ − f| ≤ 2^k η: the width-2 net extended to t ∈ [1, 1.1].
        for k in 1..=5u32 {
            let net = telgarsky_deep(k).unwrap();
            let ts: Vec<f64> = (0..=1100).map(|i| i as f64 / 1000.0).collect();
            let mut out = vec![0.0; ts.len()];
            net.forward(&ts, &mut out);
            let lip = 2f64.powi(k as i32);
            for w in out.windows(2) {
                assert!((w[1] - w[0]).abs() <= lip * 1e-3 * (1.0 + 1e-9), "k={k}: slope above 2^k");
            }
            assert!(out[1000].abs() < 1e-12, "k={k}: Δ^k(1) = 0");
        }
    }
}
