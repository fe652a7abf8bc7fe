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

    /// The depth-`depth` construction of [`Target::construct_at_depth`] (2 ≤ depth ≤ k + 1).
    ///
    /// Every tail that computes Δ^k exactly on \[0, 1\] and is 2^k-Lipschitz beyond it (Telgarsky's
    /// block, and any composition of the exact one-hidden-layer nets Δ^a, which continue their end
    /// pieces' slopes ±2^a) keeps the proved |f̂ − f| ≤ 2^k·η, so the norm block needs at most the
    /// proved pieces. An approximate tail has no such proof: it is kept only when its measured error,
    /// with at most those pieces, is within `eps`.
    fn at_depth(&self, depth: usize, eps: f64, metric: Metric) -> anyhow::Result<(Mlp, String)> {
        use super::iterate::{compose as chain, compositions};
        use super::sawtooth::{construct::exact_shallow, depth::at_depth as saw_at_depth};
        let (d, k) = (self.d as usize, self.k);
        let proved = norm::fewest_pieces(|n| self.claimed(n).mse / self.variance(), eps.min(1.0));
        let mut tails: Vec<(Mlp, String, bool)> = Vec::new();
        if depth == self.natural_depth() {
            tails.push((telgarsky_deep(k)?, format!("Δ^{k} (Telgarsky's width-2 layers)"), true));
        } else {
            // The exact split with the fewest parameters (the first tail layer reads d·n units).
            let params = |parts: &[u32]| {
                let mut hidden = vec![d * proved];
                hidden.extend(parts.iter().map(|&a| 1usize << a));
                Mlp::count_params(d, &hidden)
            };
            let parts = compositions(k, depth - 1).into_iter().min_by_key(|p| params(p)).expect("k ≥ depth − 1 ≥ 1");
            let blocks = parts.iter().map(|&a| exact_shallow(a)).collect::<anyhow::Result<Vec<_>>>()?;
            let names: Vec<String> = parts.iter().map(|a| format!("Δ^{a}")).collect();
            tails.push((chain(&blocks)?, format!("{} exactly", names.join(" ∘ ")), true));
            // nMSE adds as squared errors: a quarter of it is half the RMS error; L1 adds linearly.
            let (share, part) = if metric == Metric::Nmse { (0.25, "a quarter") } else { (0.5, "half") };
            if let Some(approx) = saw_at_depth(k, depth - 1, eps * share, metric) {
                let (net, how) = approx?;
                tails.push((net, format!("Δ^{k} to {part} of the tolerance ({how})"), false));
            }
        }
        let mut best: Option<(Mlp, String)> = None;
        for (tail, how, exact) in tails {
            let (net, n, e) = norm::sized(self, metric, eps, proved, |n| norm::compose(d, 1.0, n, &tail))?;
            if !exact && e > eps {
                continue;
            }
            if best.as_ref().is_none_or(|(b, _)| net.n_params() < b.n_params()) {
                let text = format!(
                    "norm block with {n} pieces per coordinate (measured {} {e:.2e}), then {how}",
                    metric.short()
                );
                best = Some((net, text));
            }
        }
        best.ok_or_else(|| anyhow::anyhow!("{}: no construction at depth {depth}", self.label()))
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
    /// At every depth 2..=k + 1: the norm block with the fewest pieces per coordinate whose measured
    /// error is at most `eps` ([`norm::sized`]), then Δ^k in the remaining depth − 1 hidden layers:
    /// Telgarsky's width-2 block at k + 1; below it the exact blocks Δ^{a_1} ∘ … ∘ Δ^{a_{L−1}}
    /// (2^{a_i} units each, the split with the fewest parameters), or the sawtooth's depth-(L − 1)
    /// net sized to a quarter of the tolerance when that is smaller and its measured error passes.
    fn construct_at_depth(&self, depth: usize, eps: f64, metric: Metric) -> Option<anyhow::Result<(Mlp, String)>> {
        if !(2..=self.natural_depth()).contains(&depth) || metric == Metric::Sup {
            return None;
        }
        Some(self.at_depth(depth, eps, metric))
    }
    fn natural_depth(&self) -> usize {
        self.k as usize + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::run_rng;
    use crate::train::Evaluator;

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
    fn every_depth_from_two_to_k_plus_one_is_built_within_the_tolerance_and_none_outside() {
        for (d, k, eps) in [(2u32, 3u32, 0.1), (2, 4, 0.3), (4, 2, 0.1)] {
            let t = Radial::new(d, k).unwrap();
            let ev = Evaluator::new(&t, Metric::Nmse);
            assert!(t.construct_at_depth(1, eps, Metric::Nmse).is_none(), "no one-hidden-layer construction");
            assert!(t.construct_at_depth(k as usize + 2, eps, Metric::Nmse).is_none());
            assert!(t.construct_at_depth(2, eps, Metric::Sup).is_none(), "sup is not sized");
            for depth in 2..=k as usize + 1 {
                let (net, how) = t.construct_at_depth(depth, eps, Metric::Nmse).unwrap().unwrap();
                assert_eq!(net.hidden().len(), depth, "d={d} k={k}: {how}");
                let e = ev.eval(&net).unwrap().value;
                assert!(e <= eps, "d={d} k={k} L={depth}: measured {e} > {eps} ({how})");
                // Fresh points, not the evaluator's: within the tolerance up to sampling (2·10⁵ points).
                let n = 200_000;
                let xs = t.sample(n, &mut run_rng(u64::from(d * 10 + k) + depth as u64, "radial at depth"));
                let (mut y, mut out) = (vec![0.0; n], vec![0.0; n]);
                t.eval_batch(&xs, &mut y);
                net.forward(&xs, &mut out);
                let mse = y.iter().zip(&out).map(|(a, b)| (a - b).powi(2)).sum::<f64>() / n as f64;
                assert!(mse / t.variance() <= eps * 1.1, "d={d} k={k} L={depth}: fresh nMSE {}", mse / t.variance());
            }
        }
    }

    #[test]
    fn an_exact_tail_of_any_split_keeps_the_proved_two_to_the_k_eta_bound() {
        // Δ^k as Δ^1 ∘ Δ^2 ∘ Δ^1 (k = 4) after a coarse norm block: |f̂ − f| ≤ 2^k·η on fresh points.
        use crate::family::iterate::compose as chain;
        use crate::family::sawtooth::construct::exact_shallow;
        let (d, k, pieces) = (3usize, 4u32, 8usize);
        let t = Radial::new(d as u32, k).unwrap();
        let tail = chain(&[exact_shallow(1).unwrap(), exact_shallow(2).unwrap(), exact_shallow(1).unwrap()]).unwrap();
        let net = norm::compose(d, 1.0, pieces, &tail).unwrap();
        let n = 100_000;
        let xs = t.sample(n, &mut run_rng(5, "radial split bound"));
        let (mut y, mut out) = (vec![0.0; n], vec![0.0; n]);
        t.eval_batch(&xs, &mut y);
        net.forward(&xs, &mut out);
        let sup = y.iter().zip(&out).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
        let bound = t.claimed(pieces).sup;
        assert!(sup <= bound + 1e-12 && bound < 1.0, "sup {sup} against 2^k η = {bound}");
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
