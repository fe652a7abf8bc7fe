//! max(x_1, …, x_d) on \[0,1\]^d, 2 ≤ d ≤ 64 (THEORY.md §7; Safran, Reichman & Valiant, SODA 2024,
//! arXiv:2307.09212): a binary tree of max(a, b) = a + σ(b − a) computes it exactly with ⌈log₂ d⌉
//! hidden layers ([`construct`]), while one hidden layer cannot be exact.
//!
//! Under the uniform measure M = max has density d·x^{d−1}: mean d/(d+1), variance
//! d/(d+2) − d²/(d+1)², median m = 2^{−1/d} and E|M − m| = d(1 − m)/(d+1) (the best constant's L1
//! error). It has d linear pieces (the regions where x_i is the largest), which set the training
//! data size. Errors are sampled (Monte Carlo on a fixed held-out set, with a 95% interval); no
//! bracket is known.
//!
//! ```
//! use depthsep::family::{Objective, Target, maxd::MaxD};
//! let t = MaxD::new(4).unwrap();
//! let mut y = [0.0];
//! t.eval_batch(&[0.1, 0.7, 0.3, 0.2], &mut y);
//! assert_eq!(y[0], 0.7);
//! ```

pub mod construct;

use super::{Constructed, FamilyInfo, Objective, Target, TargetError, TargetId};
use crate::net::Mlp;
use crate::train::Metric;
use crate::validate::{Invalid, check};

/// This family's entry in the registry ([`super::FAMILIES`]).
pub static INFO: FamilyInfo = FamilyInfo {
    name: "max",
    label: "max of d inputs",
    params: &["d"],
    cli: None,
    many_input: true,
    works: &[(
        "safran2024",
        "@inproceedings{safran2024,\n  author = {Safran, Itay and Reichman, Daniel and Valiant, Paul},\n  title = {How Many Neurons Does It Take to Approximate the Maximum?},\n  booktitle = {Proceedings of the 2024 ACM-SIAM Symposium on Discrete Algorithms (SODA)},\n  year = {2024},\n  eprint = {2307.09212},\n  archivePrefix = {arXiv}\n}",
    )],
    describe: |_, m| format!("the maximum of {} inputs on {}", m("d", "d"), m("[0,1]^d", "[0,1]^d")),
};

/// Largest supported d.
pub const MAX_D: u32 = 64;

/// Check a suite's d range: 2 ≤ d_min ≤ d_max ≤ 64.
pub fn validate_range(d_min: u32, d_max: u32) -> Result<(), Invalid> {
    let allowed = "2..=64 (d = 1 is the identity)";
    check((2..=MAX_D).contains(&d_min), "", "d_min", &d_min, allowed)?;
    check((2..=MAX_D).contains(&d_max), "", "d_max", &d_max, allowed)?;
    check(d_min <= d_max, "", "d_max", &d_max, "d_max ≥ d_min (the range is empty)")
}

/// max of d inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MaxD {
    d: u32,
}

impl MaxD {
    /// d inputs, 2 ≤ d ≤ 64.
    pub fn new(d: u32) -> Result<Self, TargetError> {
        if !(2..=MAX_D).contains(&d) {
            return Err(TargetError::OutOfRange { family: "max", param: "d", value: d.to_string(), allowed: "2..=64" });
        }
        Ok(Self { d })
    }
}

impl Objective for MaxD {
    fn dim(&self) -> usize {
        self.d as usize
    }
    fn eval_batch(&self, xs: &[f64], out: &mut [f64]) {
        for (o, p) in out.iter_mut().zip(xs.chunks_exact(self.d as usize)) {
            *o = p.iter().copied().fold(f64::MIN, f64::max);
        }
    }
    fn mean(&self) -> f64 {
        let d = f64::from(self.d);
        d / (d + 1.0)
    }
    fn variance(&self) -> f64 {
        let d = f64::from(self.d);
        d / (d + 2.0) - (d / (d + 1.0)).powi(2)
    }
    fn constant_l1(&self) -> Option<f64> {
        let d = f64::from(self.d);
        Some(d * (1.0 - 0.5f64.powf(1.0 / d)) / (d + 1.0))
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

impl Target for MaxD {
    fn id(&self) -> TargetId {
        TargetId::Max { d: self.d }
    }
    fn construct_deep(&self) -> anyhow::Result<Constructed> {
        Ok(Constructed::exact(construct::max_tree(self.d as usize)?))
    }
    fn natural_depth(&self) -> usize {
        (f64::from(self.d)).log2().ceil() as usize
    }
    /// The exact tree, at its own depth ⌈log₂ d⌉ only.
    fn construct_at_depth(&self, depth: usize, _eps: f64, _metric: Metric) -> Option<anyhow::Result<(Mlp, String)>> {
        (depth == self.natural_depth())
            .then(|| construct::max_tree(self.d as usize).map(|n| (n, "the exact tree of pairwise maxima".to_string())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::run_rng;
    use rand::RngExt;

    #[test]
    fn moments_and_the_best_constants_l1_agree_with_sampling() {
        for d in [2u32, 5, 16, 64] {
            let t = MaxD::new(d).unwrap();
            let n = 400_000;
            let mut rng = run_rng(u64::from(d), "max moments");
            let xs: Vec<f64> = (0..n * d as usize).map(|_| rng.random()).collect();
            let mut y = vec![0.0; n];
            t.eval_batch(&xs, &mut y);
            let mean = y.iter().sum::<f64>() / n as f64;
            let var = y.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n as f64;
            let med = 0.5f64.powf(1.0 / f64::from(d));
            let l1 = y.iter().map(|v| (v - med).abs()).sum::<f64>() / n as f64;
            // Standard errors are below 1e-3 · scale here; 5 of them.
            let se = (t.variance() / n as f64).sqrt();
            assert!((mean - t.mean()).abs() < 5.0 * se, "d={d}: mean {mean} vs {}", t.mean());
            assert!((var / t.variance() - 1.0).abs() < 0.02, "d={d}: var {var} vs {}", t.variance());
            assert!((l1 / t.constant_l1().unwrap() - 1.0).abs() < 0.02, "d={d}: L1 {l1}");
        }
        assert!(MaxD::new(1).unwrap_err().to_string().contains("`d` = 1"));
        assert!(MaxD::new(65).is_err() && validate_range(3, 2).is_err() && validate_range(2, 16).is_ok());
    }

    #[test]
    fn the_monte_carlo_interval_covers_the_true_error_of_the_best_constant() {
        use crate::net::Mlp;
        use crate::train::{Evaluator, Metric};
        // A net that outputs the mean: its true nMSE is exactly 1 and its L1 error E|M − mean|.
        for d in [3u32, 8] {
            let t = MaxD::new(d).unwrap();
            let mut net = Mlp::with_hidden(d as usize, &[1]).unwrap();
            net.set_layer(0, &vec![0.0; d as usize], &[0.0]);
            net.set_layer(1, &[0.0], &[t.mean()]);
            let e = Evaluator::new(&t, Metric::Nmse).eval(&net).unwrap();
            let half = e.interval.unwrap();
            assert!((e.value - 1.0).abs() <= half, "d={d}: nMSE {} ± {half} misses 1", e.value);
            assert!(half / e.value < 0.05, "d={d}: interval {half} is not under 5% of the error");
            assert!(e.reaches(1.0 + 2.0 * half) && !e.reaches(e.value), "the whole interval must be below τ");
        }
    }
}
