//! The unit ball in R^d (Safran & Shamir, ICML 2017, arXiv:1610.09887): the indicator 1{‖x‖ ≤ 1},
//! or its Lipschitz variant with a ramp of width δ in the squared norm,
//! f(x) = clamp((1 + δ − ‖x‖²)/δ, 0, 1) (1 inside the ball, 0 beyond ‖x‖² = 1 + δ).
//! Member `ball d=4 δ=0.25` is `{ family = "ball", d = 4, ramp_milli = 250 }`; `ramp_milli = 0` is
//! the exact indicator. The paper proves that two hidden layers of width poly(d, 1/ε) approximate
//! the indicator to L2 error ε, while one hidden layer needs width exponential in d for
//! accuracy O(1/d⁴) under a distribution of its choosing; depthsep measures the width one hidden
//! layer needs in practice.
//!
//! **Inputs** ([`norm`]): x = √s·u with s uniform on \[0, 2\] and u uniform on the sphere (or, with
//! `radius_uniform = true` and for the indicator only, the norm r = ‖x‖ uniform on \[0, 2\] as Safran &
//! Shamir sampled it; the construction then uses S = 4 and its claim MSE ≤ η holds since the shell
//! 1 − η < r² < 1 + η has probability (√(1+η) − √(1−η))/2 ≤ η), so half the
//! mass lies inside the ball in every dimension (a uniform cube would put almost all of it outside
//! from d ≈ 6: the ball's share of \[−1, 1\]^8 is 1.6%). Moments (s uniform on \[0, 2\]):
//! E f = (1 + δ/2)/2, E f² = (1 + δ/3)/2; the best constant in L1 is the median 1, with error
//! 1 − E f.
//!
//! **Deep construction, two hidden layers** [derived here]. Layer 1 is the norm block with N pieces
//! per coordinate (ŝ ∈ \[s, s + η\], η = 2d/N²); layer 2 is the ramp (1/δ_c)(σ(1 + δ_c − ŝ) − σ(1 − ŝ)).
//! - With a ramp (δ > 0), δ_c = δ: the ramp is (1/δ)-Lipschitz, so |f̂ − f| ≤ min(1, η/δ) =: e,
//!   and it is 0 unless s ∈ (1 − η, 1 + δ), of probability (δ + η)/2: MSE ≤ e²(δ + η)/2,
//!   L1 ≤ e(δ + η)/2, sup ≤ e.
//! - The indicator (δ = 0), δ_c = η: f̂ = 1 = f when s ≤ 1 − η (then ŝ ≤ 1) and f̂ = 0 = f when
//!   s ≥ 1 + η; elsewhere |f̂ − f| ≤ 1: MSE ≤ L1 ≤ η, sup ≤ 1.
//!
//! N is the fewest pieces whose claimed normalised MSE is at most 10⁻³ (the finest floor of the
//! suites), so the reference error is at most that and searches at the finest floor match it.
//! Errors are Monte Carlo; a test checks the measured error against the claim on fresh samples.
//!
//! ```
//! use depthsep::family::{Objective, Target, ball::Ball};
//! let t = Ball::new(3, 250).unwrap();
//! let mut y = [0.0; 3];
//! t.eval_batch(&[0.5, 0.5, 0.5, 0.0, 1.05, 0.0, 1.2, 0.0, 0.0], &mut y);
//! assert_eq!(y[0], 1.0); // ‖x‖² = 0.75
//! assert!((y[1] - 0.59).abs() < 1e-12); // ‖x‖² = 1.1025: (1.25 − 1.1025)/0.25
//! assert_eq!(y[2], 0.0); // ‖x‖² = 1.44 > 1.25
//! ```

pub mod norm;

use super::{Constructed, FamilyInfo, Objective, Target, TargetError, TargetId};
use crate::net::{ExactErrors, Mlp};
use crate::train::Metric;
use crate::validate::{Invalid, check};
use rand_chacha::ChaCha8Rng;

/// This family's entry in the registry ([`super::FAMILIES`]).
pub static INFO: FamilyInfo = FamilyInfo {
    name: "ball",
    label: "unit ball in R^d",
    params: &["d", "ramp_milli"],
    cli: None,
    many_input: true,
    works: &[(
        "safran2017",
        "@inproceedings{safran2017,\n  author = {Safran, Itay and Shamir, Ohad},\n  title = {Depth-Width Tradeoffs in Approximating Natural Functions with Neural Networks},\n  booktitle = {Proceedings of the 34th International Conference on Machine Learning (ICML)},\n  series = {Proceedings of Machine Learning Research},\n  volume = {70},\n  pages = {2979--2987},\n  year = {2017},\n  eprint = {1610.09887},\n  archivePrefix = {arXiv}\n}",
    )],
    describe: |id, m| {
        let what = match id {
            TargetId::Ball { ramp_milli: 0, .. } => "the indicator of the unit ball".to_string(),
            TargetId::Ball { ramp_milli, .. } => format!(
                "the unit ball with a ramp of width {} in the squared norm",
                m(
                    &format!("δ = {}", *ramp_milli as f64 / 1000.0),
                    &format!("\\delta = {}", *ramp_milli as f64 / 1000.0)
                )
            ),
            _ => "the unit ball".into(),
        };
        if let TargetId::Ball { radius_uniform: true, .. } = id {
            return format!(
                "{what} in {} (inputs {} with the norm {} uniform on [0, 2] and {} uniform on the sphere, as Safran and Shamir sampled them)",
                m("R^d", "\\mathbb{R}^d"),
                m("x = r·u", "x = r\\,u"),
                m("r", "r"),
                m("u", "u")
            );
        }
        format!(
            "{what} in {} (inputs {} with {} uniform on [0, 2] and {} uniform on the sphere)",
            m("R^d", "\\mathbb{R}^d"),
            m("x = √s·u", "x = \\sqrt{s}\\,u"),
            m("s", "s"),
            m("u", "u")
        )
    },
};

/// Largest supported d (Safran & Shamir's experiment is in d = 100).
pub const MAX_D: u32 = 128;
/// The squared norm's range \[0, S\] under the input distribution.
pub const S_MAX: f64 = 2.0;
pub use norm::CONSTRUCTION_NMSE;

/// Check a suite's range: 2 ≤ d_min ≤ d_max ≤ 128, ramp_milli ≤ 1000.
pub fn validate_range(d_min: u32, d_max: u32, ramp_milli: u32) -> Result<(), Invalid> {
    let allowed = "2..=128";
    check((2..=MAX_D).contains(&d_min), "", "d_min", &d_min, allowed)?;
    check((2..=MAX_D).contains(&d_max), "", "d_max", &d_max, allowed)?;
    check(d_min <= d_max, "", "d_max", &d_max, "d_max ≥ d_min (the range is empty)")?;
    check(ramp_milli <= 1000, "", "ramp_milli", &ramp_milli, "0..=1000 (δ = ramp_milli/1000; 0 is the indicator)")
}

/// The unit ball in d dimensions, with a ramp of width δ = ramp_milli/1000 (0: the indicator).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ball {
    d: u32,
    ramp_milli: u32,
    radius_uniform: bool,
}

impl Ball {
    /// 2 ≤ d ≤ 128, ramp_milli ≤ 1000.
    pub fn new(d: u32, ramp_milli: u32) -> Result<Self, TargetError> {
        if !(2..=MAX_D).contains(&d) {
            return Err(TargetError::OutOfRange {
                family: "ball",
                param: "d",
                value: d.to_string(),
                allowed: "2..=128",
            });
        }
        if ramp_milli > 1000 {
            let value = ramp_milli.to_string();
            return Err(TargetError::OutOfRange { family: "ball", param: "ramp_milli", value, allowed: "0..=1000" });
        }
        Ok(Self { d, ramp_milli, radius_uniform: false })
    }

    /// The same ball with inputs whose norm ‖x‖ is uniform on \[0, 2\] (Safran & Shamir's
    /// sampling): ‖x‖² = r² then lies in \[0, 4\]; half the mass is still inside the ball. Only for
    /// the indicator, whose moments (mean 1/2, variance 1/4) do not depend on how the radius is
    /// spread as long as P(‖x‖ ≤ 1) = 1/2.
    pub fn with_radius_uniform(mut self, on: bool) -> Result<Self, TargetError> {
        if on && self.ramp_milli != 0 {
            let value = self.ramp_milli.to_string();
            let allowed = "0 (the indicator) with radius_uniform = true";
            return Err(TargetError::OutOfRange { family: "ball", param: "ramp_milli", value, allowed });
        }
        self.radius_uniform = on;
        Ok(self)
    }

    /// The range \[0, S\] of ‖x‖² under the input distribution.
    fn s_max(&self) -> f64 {
        if self.radius_uniform { 4.0 } else { S_MAX }
    }

    /// The ramp width δ (0 for the indicator).
    pub fn delta(&self) -> f64 {
        f64::from(self.ramp_milli) / 1000.0
    }

    /// f as a function of the squared norm s.
    pub fn of_squared_norm(&self, s: f64) -> f64 {
        let delta = self.delta();
        if delta == 0.0 { f64::from(u8::from(s <= 1.0)) } else { ((1.0 + delta - s) / delta).clamp(0.0, 1.0) }
    }

    /// The claimed errors of the construction with `pieces` per coordinate.
    pub fn claimed(&self, pieces: usize) -> ExactErrors {
        let eta = norm::eta(self.d as usize, self.s_max(), pieces);
        let delta = self.delta();
        if delta == 0.0 {
            ExactErrors { l1: eta, mse: eta, sup: 1.0 }
        } else {
            let e = (eta / delta).min(1.0);
            let p = (delta + eta) / 2.0;
            ExactErrors { l1: e * p, mse: e * e * p, sup: e }
        }
    }

    /// The construction's pieces per coordinate: the fewest with claimed nMSE ≤ 10⁻³.
    pub fn construction_pieces(&self) -> usize {
        norm::fewest_pieces(|n| self.claimed(n).mse / self.variance(), CONSTRUCTION_NMSE)
    }

    /// The construction with `pieces` norm-block pieces per coordinate and its claimed errors.
    fn with_pieces(&self, pieces: usize) -> anyhow::Result<Constructed> {
        let eta = norm::eta(self.d as usize, self.s_max(), pieces);
        let delta_c = if self.ramp_milli == 0 { eta } else { self.delta() };
        let net = norm::compose(self.d as usize, self.s_max(), pieces, &Self::ramp_net(delta_c)?)?;
        Ok(Constructed { net, claimed: self.claimed(pieces) })
    }

    /// The ramp as a one-input net of ŝ (width 2): (1/δ_c)(σ(1 + δ_c − ŝ) − σ(1 − ŝ)).
    fn ramp_net(delta_c: f64) -> anyhow::Result<Mlp> {
        let mut net = Mlp::with_hidden(1, &[2])?;
        net.set_layer(0, &[-1.0, -1.0], &[1.0 + delta_c, 1.0]);
        net.set_layer(1, &[1.0 / delta_c, -1.0 / delta_c], &[0.0]);
        Ok(net)
    }
}

impl Objective for Ball {
    fn dim(&self) -> usize {
        self.d as usize
    }
    fn sample(&self, n: usize, rng: &mut ChaCha8Rng) -> Vec<f64> {
        if self.radius_uniform {
            return norm::sample_radius(self.d as usize, 2.0, n, rng);
        }
        norm::sample(self.d as usize, S_MAX, n, rng)
    }
    fn eval_batch(&self, xs: &[f64], out: &mut [f64]) {
        for (o, s) in out.iter_mut().zip(norm::squared_norms(xs, self.d as usize)) {
            *o = self.of_squared_norm(s);
        }
    }
    fn mean(&self) -> f64 {
        (1.0 + self.delta() / 2.0) / 2.0
    }
    fn variance(&self) -> f64 {
        (1.0 + self.delta() / 3.0) / 2.0 - self.mean().powi(2)
    }
    fn constant_l1(&self) -> Option<f64> {
        Some(1.0 - self.mean())
    }
    fn constant_sup(&self) -> Option<f64> {
        Some(0.5)
    }
    fn pwl(&self) -> Option<crate::net::Pwl> {
        None
    }
    fn pieces(&self) -> usize {
        self.d as usize
    }
    fn label(&self) -> String {
        self.id().to_string()
    }
}

impl Target for Ball {
    fn id(&self) -> TargetId {
        TargetId::Ball { d: self.d, ramp_milli: self.ramp_milli, radius_uniform: self.radius_uniform }
    }
    fn construct_deep(&self) -> anyhow::Result<Constructed> {
        let pieces = self.construction_pieces();
        self.with_pieces(pieces)
    }
    /// At depth 2 only: the same two blocks with the fewest norm-block pieces per coordinate whose
    /// measured error is at most `eps` (the searches' tolerance, not round-off; [`norm::sized`]).
    fn construct_at_depth(&self, depth: usize, eps: f64, metric: Metric) -> Option<anyhow::Result<(Mlp, String)>> {
        if depth != 2 || metric == Metric::Sup {
            return None;
        }
        let proved = norm::fewest_pieces(|n| self.claimed(n).mse / self.variance(), eps.min(1.0));
        Some(norm::sized(self, metric, eps, proved, |n| Ok(self.with_pieces(n)?.net)).map(|(net, n, e)| {
            (
                net,
                format!(
                    "norm block with {n} pieces per coordinate (measured {} {e:.2e}), then the ramp",
                    metric.short()
                ),
            )
        }))
    }
    fn natural_depth(&self) -> usize {
        2
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::run_rng;
    use crate::train::{Evaluator, Metric};

    #[test]
    fn moments_and_the_best_constants_l1_agree_with_sampling() {
        for (d, r) in [(2u32, 0u32), (5, 250), (16, 1000)] {
            let t = Ball::new(d, r).unwrap();
            let n = 400_000;
            let xs = t.sample(n, &mut run_rng(u64::from(d), "ball moments"));
            let mut y = vec![0.0; n];
            t.eval_batch(&xs, &mut y);
            let mean = y.iter().sum::<f64>() / n as f64;
            let var = y.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n as f64;
            let l1 = y.iter().map(|v| (v - 1.0).abs()).sum::<f64>() / n as f64;
            assert!((mean - t.mean()).abs() < 5.0 * (t.variance() / n as f64).sqrt(), "d={d}: mean {mean}");
            assert!((var / t.variance() - 1.0).abs() < 0.01, "d={d}: var {var} vs {}", t.variance());
            assert!((l1 / t.constant_l1().unwrap() - 1.0).abs() < 0.01, "d={d}: L1 {l1}");
        }
        assert!(Ball::new(1, 0).unwrap_err().to_string().contains("`d` = 1"));
        assert!(Ball::new(4, 1001).unwrap_err().to_string().contains("ramp_milli"));
        assert!(
            validate_range(3, 2, 0).is_err() && validate_range(2, 8, 1001).is_err() && validate_range(2, 8, 0).is_ok()
        );
    }

    #[test]
    fn the_two_hidden_layer_construction_stays_within_its_claimed_error_on_fresh_samples() {
        for (d, r) in [(2u32, 0u32), (4, 250), (8, 250), (8, 0)] {
            let t = Ball::new(d, r).unwrap();
            let c = t.construct_deep().unwrap();
            assert_eq!(c.net.hidden().len(), 2, "two hidden layers");
            assert_eq!(c.net.hidden(), &[d as usize * t.construction_pieces(), 2]);
            assert!(c.claimed.mse / t.variance() <= CONSTRUCTION_NMSE);
            // A fresh sample (not the evaluator's): the Monte Carlo error's interval must not lie
            // above the claim.
            let n = 200_000;
            let xs = t.sample(n, &mut run_rng(u64::from(d * 1000 + r), "ball bound check"));
            let mut y = vec![0.0; n];
            let mut out = vec![0.0; n];
            t.eval_batch(&xs, &mut y);
            c.net.forward(&xs, &mut out);
            let sq: Vec<f64> = y.iter().zip(&out).map(|(a, b)| (a - b).powi(2)).collect();
            let mse = sq.iter().sum::<f64>() / n as f64;
            let sd = (sq.iter().map(|v| (v - mse).powi(2)).sum::<f64>() / n as f64).sqrt();
            let sup = y.iter().zip(&out).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
            assert!(
                mse - 2.0 * sd / (n as f64).sqrt() <= c.claimed.mse,
                "d={d} δ={r}: MSE {mse:e} > {:e}",
                c.claimed.mse
            );
            assert!(sup <= c.claimed.sup + 1e-12, "d={d} δ={r}: sup {sup} > {}", c.claimed.sup);
            // And the suite's own evaluator agrees that the reference reaches its claim.
            let e = Evaluator::new(&t, Metric::Nmse).eval(&c.net).unwrap();
            assert!(e.value <= c.claimed.mse / t.variance(), "d={d}: evaluator nMSE {}", e.value);
        }
    }

    #[test]
    fn radius_uniform_inputs_spread_the_norm_evenly_and_keep_the_indicators_moments_and_claim() {
        // Safran & Shamir's sampling: ‖x‖ uniform on [0, 2], so E‖x‖ = 1, E‖x‖² = 4/3, and half the
        // mass inside the ball: the indicator keeps mean 1/2 and variance 1/4.
        let t = Ball::new(3, 0).unwrap().with_radius_uniform(true).unwrap();
        assert_eq!(t.id().to_string(), "ball d=3 δ=0 ‖x‖~U[0,2]");
        let n = 400_000;
        let xs = t.sample(n, &mut run_rng(5, "radius"));
        let r: Vec<f64> = norm::squared_norms(&xs, 3).map(f64::sqrt).collect();
        let se = (4.0 / 12.0 / n as f64).sqrt();
        assert!((r.iter().sum::<f64>() / n as f64 - 1.0).abs() < 5.0 * se);
        assert!((r.iter().map(|v| v * v).sum::<f64>() / n as f64 - 4.0 / 3.0).abs() < 0.01);
        assert!(r.iter().all(|v| (0.0..=2.0).contains(v)));
        let mut y = vec![0.0; n];
        t.eval_batch(&xs, &mut y);
        let mean = y.iter().sum::<f64>() / n as f64;
        assert!((t.mean(), t.variance()) == (0.5, 0.25) && (mean - 0.5).abs() < 5.0 * (0.25 / n as f64).sqrt());
        // The construction (norm block on |x_i| ≤ 2, S = 4) stays within its claim MSE ≤ η: the
        // shell 1 − η < r² < 1 + η has probability (√(1+η) − √(1−η))/2 ≤ η.
        let c = t.construct_deep().unwrap();
        let mut out = vec![0.0; n];
        c.net.forward(&xs, &mut out);
        let mse = y.iter().zip(&out).map(|(a, b)| (a - b).powi(2)).sum::<f64>() / n as f64;
        assert!(mse <= c.claimed.mse, "MSE {mse:e} > claim {:e}", c.claimed.mse);
        // Only the indicator: a ramp's moments would change with the sampling.
        let e = Ball::new(3, 250).unwrap().with_radius_uniform(true).unwrap_err().to_string();
        assert!(e.contains("ramp_milli") && e.contains("radius_uniform"), "{e}");
        let id: TargetId = toml::from_str("family = \"ball\"\nd = 100\nramp_milli = 0\nradius_uniform = true").unwrap();
        assert_eq!(id.build().unwrap().dim(), 100);
    }
}
