//! Takagi-type sums T_{a,K}(x) = Σ_{s=1..K} a^{−s} Δ^s(x) on \[0,1\] (THEORY.md §7; Daubechies,
//! DeVore, Foucart, Hanin & Petrova, "Nonlinear approximation and (deep) ReLU networks", Constr.
//! Approx. 2022, arXiv:1905.02199). a = 2 gives the partial sums of the Takagi (blancmange)
//! function, a = 4 those of x − x² (Yarotsky's construction, THEORY.md §4).
//!
//! **Pieces.** Every Δ^s, s ≤ K, is affine between the points j/2^K, so T_{a,K} is too; its slope
//! on (j/2^K, (j+1)/2^K) is Σ_s ±(2/a)^s. Neighbouring slopes can be equal — for a = 2 they are
//! integers and cancel often (T_{2,2} is flat on (¼, ¾): 3 pieces, not 4) — so the knots are the
//! grid points where the slope changes, found from the values on the grid. For a ≥ 3 the sum of
//! ±(2/a)^s never cancels, so T_{a,K} has exactly 2^K pieces (tested by brute-force counting).
//!
//! **Mean.** ∫Δ^s = ½ for every s (Δ preserves Lebesgue measure), so the mean is
//! ½·Σ_s a^{−s} = (1 − a^{−K}) / (2(a − 1)); the variance is integrated exactly from the knots.
//!
//! **Deep construction** ([`construct`]): width 2 then 3, depth K, exact. No certified bracket is
//! known, so searches report none.
//!
//! ```
//! use depthsep::family::{Objective, Target, takagi::Takagi};
//! let t = Takagi::new(2, 2).unwrap();
//! assert_eq!(t.pieces(), 3); // flat on (1/4, 3/4)
//! assert_eq!(Takagi::new(4, 5).unwrap().pieces(), 32);
//! ```

pub mod construct;
pub mod depth;

use super::{Constructed, FamilyInfo, Objective, Target, TargetError, TargetId, sawtooth::Sawtooth};
use crate::net::Pwl;
use crate::validate::{Invalid, check};

/// This family's entry in the registry ([`super::FAMILIES`]).
pub static INFO: FamilyInfo = FamilyInfo {
    name: "takagi",
    label: "Takagi sum T_{a,K}",
    params: &["a", "k"],
    cli: Some("takagi-aA (A ≥ 2)"),
    many_input: false,
    works: &[(
        "daubechies2022",
        "@article{daubechies2022,\n  author = {Daubechies, Ingrid and DeVore, Ronald and Foucart, Simon and Hanin, Boris and Petrova, Guergana},\n  title = {Nonlinear Approximation and (Deep) {ReLU} Networks},\n  journal = {Constructive Approximation},\n  volume = {55},\n  pages = {127--172},\n  year = {2022},\n  eprint = {1905.02199},\n  archivePrefix = {arXiv}\n}",
    )],
    describe: |id, m| {
        let a = match id {
            TargetId::Takagi { a, .. } => a.to_string(),
            _ => "a".into(),
        };
        format!(
            "the Takagi sum {}",
            m(
                &format!("T_{{{a},K}} = Σ_{{s≤K}} {a}^(−s) Δ^s"),
                &format!("T_{{{a},K}} = \\sum_{{s\\le K}} {a}^{{-s}}\\Delta^s")
            )
        )
    },
};

/// Largest supported K (2^K + 1 grid points).
pub const MAX_K: u32 = 20;
/// Largest supported base a.
pub const MAX_A: u32 = 64;

/// Check a suite's table: 2 ≤ a ≤ 64, 1 ≤ k_min ≤ k_max ≤ 20.
pub fn validate_range(a: u32, k_min: u32, k_max: u32) -> Result<(), Invalid> {
    check((2..=MAX_A).contains(&a), "", "a", &a, "an integer in 2..=64 (a ≤ 1 does not decay)")?;
    check((1..=MAX_K).contains(&k_min), "", "k_min", &k_min, "1..=20")?;
    check((1..=MAX_K).contains(&k_max), "", "k_max", &k_max, "1..=20")?;
    check(k_min <= k_max, "", "k_max", &k_max, "k_max ≥ k_min (the range is empty)")
}

/// T_{a,K}, 2 ≤ a ≤ 64, 1 ≤ K ≤ 20, with its exact knots.
#[derive(Debug, Clone)]
pub struct Takagi {
    a: u32,
    k: u32,
    pwl: Pwl,
    var: f64,
}

impl Takagi {
    /// T_{a,K}; a out of 2..=64 or K out of 1..=20 is an error naming the parameter.
    pub fn new(a: u32, k: u32) -> Result<Self, TargetError> {
        if !(2..=MAX_A).contains(&a) {
            return Err(TargetError::OutOfRange {
                family: "takagi",
                param: "a",
                value: a.to_string(),
                allowed: "2..=64",
            });
        }
        if !(1..=MAX_K).contains(&k) {
            return Err(TargetError::OutOfRange {
                family: "takagi",
                param: "k",
                value: k.to_string(),
                allowed: "1..=20",
            });
        }
        let n = 1usize << k;
        let grid: Vec<f64> = (0..=n).map(|j| j as f64 / n as f64).collect();
        let vals: Vec<f64> = grid.iter().map(|&x| value(a, k, x)).collect();
        let pwl = merge_collinear(grid, vals);
        let (_, var) = pwl.moments();
        Ok(Self { a, k, pwl, var })
    }

    /// The base a.
    pub fn a(&self) -> u32 {
        self.a
    }
}

/// T_{a,K}(x) = Σ_{s=1..K} a^{−s} Δ^s(x), x clamped to \[0,1\].
pub fn value(a: u32, k: u32, x: f64) -> f64 {
    (1..=k).map(|s| Sawtooth::new(s).expect("1 ≤ s ≤ 20").value(x) / f64::from(a).powi(s as i32)).sum()
}

/// Drop the grid points where the slope does not change. Slopes are Σ ±(2/a)^s, exact dyadic for
/// a = 2, 4, …; they count as equal within 1e-9 relative (as [`Pwl::pieces`] does).
fn merge_collinear(xs: Vec<f64>, ys: Vec<f64>) -> Pwl {
    let slope = |i: usize, j: usize| (ys[j] - ys[i]) / (xs[j] - xs[i]);
    let (mut kx, mut ky) = (vec![xs[0]], vec![ys[0]]);
    for i in 1..xs.len() - 1 {
        let (l, r) = (slope(i - 1, i), slope(i, i + 1));
        if (r - l).abs() > 1e-9 * l.abs().max(r.abs()).max(1.0) {
            kx.push(xs[i]);
            ky.push(ys[i]);
        }
    }
    kx.push(xs[xs.len() - 1]);
    ky.push(ys[ys.len() - 1]);
    Pwl::new(kx, ky)
}

impl Objective for Takagi {
    fn dim(&self) -> usize {
        1
    }
    fn eval_batch(&self, xs: &[f64], out: &mut [f64]) {
        for (o, &x) in out.iter_mut().zip(xs) {
            *o = self.pwl.eval(x.clamp(0.0, 1.0));
        }
    }
    fn mean(&self) -> f64 {
        let a = f64::from(self.a);
        (1.0 - a.powi(-(self.k as i32))) / (2.0 * (a - 1.0))
    }
    fn variance(&self) -> f64 {
        self.var
    }
    fn pwl(&self) -> Option<Pwl> {
        Some(self.pwl.clone())
    }
    fn pieces(&self) -> usize {
        self.pwl.pieces()
    }
    fn label(&self) -> String {
        self.id().to_string()
    }
}

impl Target for Takagi {
    fn id(&self) -> TargetId {
        TargetId::Takagi { a: self.a, k: self.k }
    }
    fn construct_deep(&self) -> anyhow::Result<Constructed> {
        Ok(Constructed::exact(construct::takagi_deep(self.a, self.k)?))
    }
    fn natural_depth(&self) -> usize {
        self.k as usize
    }
    /// Exact tent blocks carrying the partial sum, then the tail or a sup certificate of it
    /// ([`depth`]).
    fn construct_at_depth(
        &self,
        depth: usize,
        eps: f64,
        metric: crate::train::Metric,
    ) -> Option<anyhow::Result<(crate::net::Mlp, String)>> {
        depth::at_depth(self, depth, eps, metric)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pieces by brute force: slopes on a grid 8 times finer than 2^K, from direct evaluation of
    /// the sum, counting changes.
    fn brute_pieces(a: u32, k: u32) -> usize {
        let n = 8usize << k;
        let v: Vec<f64> = (0..=n).map(|j| value(a, k, j as f64 / n as f64)).collect();
        let s: Vec<f64> = v.windows(2).map(|w| (w[1] - w[0]) * n as f64).collect();
        1 + s.windows(2).filter(|w| (w[1] - w[0]).abs() > 1e-6 * w[0].abs().max(w[1].abs()).max(1.0)).count()
    }

    #[test]
    fn piece_counts_agree_with_brute_force_counting_and_are_2_to_the_k_for_a_at_least_3() {
        for a in [2, 3, 4, 8] {
            for k in 1..=10 {
                let t = Takagi::new(a, k).unwrap();
                assert_eq!(t.pieces(), brute_pieces(a, k), "a={a} k={k}");
                assert_eq!(t.pwl.xs().len(), t.pieces() + 1, "a={a} k={k}: every knot is a kink");
                if a >= 3 {
                    assert_eq!(t.pieces(), 1 << k, "a={a} k={k}");
                }
            }
        }
        assert_eq!(Takagi::new(2, 2).unwrap().pieces(), 3);
    }

    #[test]
    fn the_knots_agree_with_the_sum_at_dense_points_and_a_4_is_the_yarotsky_partial_sum() {
        for (a, k) in [(2, 1), (2, 7), (3, 5), (4, 9)] {
            let t = Takagi::new(a, k).unwrap();
            for i in 0..=20_000 {
                let x = i as f64 / 20_000.0;
                assert!((t.pwl.eval(x) - value(a, k, x)).abs() < 1e-12, "a={a} k={k} x={x}");
            }
        }
        // THEORY §4: x − T_{4,K} interpolates x² at j/2^K, so on the grid T_{4,K} = x − x².
        let t = Takagi::new(4, 6).unwrap();
        for j in 0..=64 {
            let x = j as f64 / 64.0;
            assert!((t.pwl.eval(x) - (x - x * x)).abs() < 1e-15, "x={x}");
        }
    }

    #[test]
    fn the_mean_is_the_closed_form_and_bad_parameters_name_the_field() {
        for (a, k) in [(2, 3), (4, 8), (5, 6)] {
            let t = Takagi::new(a, k).unwrap();
            let (m, v) = t.pwl.moments();
            assert!((m - t.mean()).abs() < 1e-14, "a={a} k={k}: {m} vs {}", t.mean());
            assert!(v > 0.0 && v == t.variance());
        }
        assert!(Takagi::new(1, 3).unwrap_err().to_string().contains("`a` = 1"));
        assert!(Takagi::new(2, 0).unwrap_err().to_string().contains("`k` = 0"));
        assert!(validate_range(1, 1, 3).unwrap_err().to_string().contains("a"));
        assert!(validate_range(2, 4, 3).is_err() && validate_range(4, 1, 12).is_ok());
    }
}
