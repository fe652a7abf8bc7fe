//! x² on \[0,1\] by accuracy (Yarotsky, "Error bounds for approximations with deep ReLU networks",
//! Neural Networks 94, 2017, arXiv:1610.01145; THEORY.md §4, §7). Member L is the pair (x², f_L):
//! the target is always x²; the deep reference is f_L(x) = x − Σ_{s=1..L} 4^{−s} Δ^s(x), the
//! piecewise-linear interpolant of x² at j/2^L, computed exactly by a width-3 depth-L net
//! ([`crate::family::takagi::construct::sum_net`]: the partial sums are interpolants of x², ≥ 0).
//!
//! Here the separation is in the error, not in the target: searches match the deep net's own error
//! (τ = reference error, [`Target::own_tolerance`]). With h = 2^{−L} its errors are sup h²/4,
//! MSE h⁴/30 and L1 h²/6 (closed forms, checked against [`crate::net::quadratic`]); Var(x²) = 4/45,
//! so its normalised MSE is 0.375·16^{−L}.
//!
//! **Bracket (normalised MSE)** [derived here]. On an interval of length h the best affine
//! approximation of x² (L2) leaves h²(t² − t + 1/6), t ∈ \[0,1\], of squared norm h⁵/180, wherever
//! the interval lies. A width-m one-hidden-layer net is continuous and piecewise linear with at most
//! m + 1 pieces on \[0,1\], and Σ h_i⁵ over m + 1 parts of \[0,1\] is at least (m + 1)^{−4} (power
//! means), so MSE ≥ 1/(180(m + 1)⁴): nMSE ≥ 1/(16(m + 1)⁴), the certified lower bound. Explicit
//! weights reach 1/(180 m⁴): the interpolant at m uniform pieces shifted down by h²/6 (the mean of
//! h²t(1 − t)), whose difference from x² is h²(t(1 − t) − 1/6) on every piece, needs m − 1 kinks and
//! a linear unit, m units ([`theory::upper_net`]). So for a tolerance ε, with n = ⌈(16ε)^{−1/4}⌉, the
//! minimal width lies in [n − 1, n].
//!
//! ```
//! use depthsep::family::{Target, square::Square};
//! let t = Square::new(3).unwrap();
//! let deep = t.construct_deep().unwrap();
//! assert_eq!(deep.net.hidden(), &[3, 3, 3]);
//! assert!((deep.claimed.sup - 1.0 / 256.0).abs() < 1e-18); // 2^{−2L−2}
//! ```

pub mod depth;
pub mod theory;

use super::takagi::construct::sum_net;
use super::{Bound, Certified, Constructed, FamilyInfo, Objective, Target, TargetError, TargetId};
use crate::net::{ExactErrors, Pwl};
use crate::train::Metric;
use crate::validate::{Invalid, check};

/// This family's entry in the registry ([`super::FAMILIES`]).
pub static INFO: FamilyInfo = FamilyInfo {
    name: "square",
    label: "x² (Yarotsky)",
    params: &["l"],
    cli: Some("square"),
    many_input: false,
    works: &[(
        "yarotsky2017",
        "@article{yarotsky2017,\n  author = {Yarotsky, Dmitry},\n  title = {Error Bounds for Approximations with Deep {ReLU} Networks},\n  journal = {Neural Networks},\n  volume = {94},\n  pages = {103--114},\n  year = {2017},\n  eprint = {1610.01145},\n  archivePrefix = {arXiv}\n}",
    )],
    describe: |_, m| {
        format!("{} on [0, 1], matched at the error of Yarotsky's depth-{} net", m("x²", "x^2"), m("L", "L"))
    },
};

/// Largest supported L (the deep error 0.375·16^{−L} stays far above rounding).
pub const MAX_L: u32 = 12;

/// Check a suite's L range: 1 ≤ l_min ≤ l_max ≤ 12.
pub fn validate_range(l_min: u32, l_max: u32) -> Result<(), Invalid> {
    check((1..=MAX_L).contains(&l_min), "", "l_min", &l_min, "1..=12")?;
    check((1..=MAX_L).contains(&l_max), "", "l_max", &l_max, "1..=12")?;
    check(l_min <= l_max, "", "l_max", &l_max, "l_max ≥ l_min (the range is empty)")
}

/// x² with Yarotsky's depth-L net as the reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Square {
    l: u32,
}

impl Square {
    /// Member L, 1 ≤ L ≤ 12.
    pub fn new(l: u32) -> Result<Self, TargetError> {
        if !(1..=MAX_L).contains(&l) {
            return Err(TargetError::OutOfRange {
                family: "square",
                param: "l",
                value: l.to_string(),
                allowed: "1..=12",
            });
        }
        Ok(Self { l })
    }

    /// The deep net's errors against x²: sup h²/4, MSE h⁴/30, L1 h²/6 with h = 2^{−L}.
    pub fn deep_errors(&self) -> ExactErrors {
        let h = 0.5f64.powi(self.l as i32);
        ExactErrors { l1: h * h / 6.0, mse: h.powi(4) / 30.0, sup: h * h / 4.0 }
    }
}

impl Objective for Square {
    fn dim(&self) -> usize {
        1
    }
    fn eval_batch(&self, xs: &[f64], out: &mut [f64]) {
        for (o, &x) in out.iter_mut().zip(xs) {
            let x = x.clamp(0.0, 1.0);
            *o = x * x;
        }
    }
    fn mean(&self) -> f64 {
        1.0 / 3.0
    }
    fn variance(&self) -> f64 {
        4.0 / 45.0
    }
    /// The median of x² is ¼ and E|x² − ¼| = 1/12 + 1/6.
    fn constant_l1(&self) -> Option<f64> {
        Some(0.25)
    }
    /// x² spans [0, 1]: the constant ½ is ½ away at both ends.
    fn constant_sup(&self) -> Option<f64> {
        Some(0.5)
    }
    fn pwl(&self) -> Option<Pwl> {
        None
    }
    fn quadratic(&self) -> Option<[f64; 3]> {
        Some([1.0, 0.0, 0.0])
    }
    /// The deep reference's pieces, 2^L: training data scale with the accuracy asked for.
    fn pieces(&self) -> usize {
        1 << self.l
    }
    fn label(&self) -> String {
        self.id().to_string()
    }
}

impl Target for Square {
    fn id(&self) -> TargetId {
        TargetId::Square { l: self.l }
    }
    fn own_tolerance(&self) -> bool {
        true
    }
    fn construct_deep(&self) -> anyhow::Result<Constructed> {
        let net = sum_net(self.l, |s| -(4f64.powi(-(s as i32))), true)?;
        Ok(Constructed { net, claimed: self.deep_errors() })
    }
    fn natural_depth(&self) -> usize {
        self.l as usize
    }
    fn certify(&self, eps: f64, metric: Metric) -> Option<Certified> {
        match metric {
            Metric::Nmse => Some(Certified {
                bracket: theory::bracket(eps),
                lower_how: "power means: nMSE ≥ 1/(16(m+1)⁴)".into(),
                upper_how: "shifted uniform interpolant: nMSE 1/(16m⁴)".into(),
            }),
            Metric::Sup => crate::optimum::sup::certify_square(eps).ok().map(|(c, _)| c),
            Metric::L1 => None,
        }
    }
    fn error_bound(&self, side: Bound, m: u64, metric: Metric) -> Option<f64> {
        (metric == Metric::Nmse).then(|| theory::error_bound(side, m))
    }
    /// nMSE: on a piece of length h the best affine function leaves h⁵/180 (module docs), and t
    /// pieces have Σ h_i⁵ ≥ t^{−4}: nMSE ≥ 1/(16 t⁴). Sup: the minimal-link path of the default.
    fn fewest_pieces(&self, eps: f64, metric: Metric) -> Option<(u64, String)> {
        match metric {
            Metric::Nmse => {
                let t = (1u64..).find(|&t| 1.0 / (16.0 * (t as f64).powi(4)) <= eps * (1.0 + 1e-12))?;
                Some((t, "best affine fit on each piece: nMSE ≥ 1/(16 t⁴)".into()))
            }
            _ => None,
        }
    }
    /// nMSE: exact tent blocks carrying Yarotsky's interpolant, then the shifted interpolant of y²
    /// ([`depth`]); its error is exactly 16^{−S}/(16m⁴).
    fn construct_at_depth(
        &self,
        depth: usize,
        eps: f64,
        metric: Metric,
    ) -> Option<anyhow::Result<(crate::net::Mlp, String)>> {
        depth::at_depth(depth, eps, metric)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::{pieces::pwl_of, quadratic::errors_vs_quadratic};

    #[test]
    fn the_depth_l_net_is_the_interpolant_with_its_closed_form_errors() {
        for l in 1..=MAX_L {
            let t = Square::new(l).unwrap();
            let c = t.construct_deep().unwrap();
            assert_eq!(c.net.hidden().iter().sum::<usize>(), 3 * l as usize);
            assert_eq!(c.net.n_params(), 12 * l as usize - 2);
            let g = pwl_of(&c.net).unwrap();
            assert_eq!(g.pieces(), 1 << l, "L={l}");
            let n = 1usize << l;
            for j in 0..=n {
                let x = j as f64 / n as f64;
                assert!((g.eval(x) - x * x).abs() < 1e-14, "L={l}: f_L({x}) is not x²");
            }
            let e = errors_vs_quadratic(&g, [1.0, 0.0, 0.0]);
            let want = t.deep_errors();
            assert!((e.mse / want.mse - 1.0).abs() < 1e-6, "L={l}: MSE {:e} vs {:e}", e.mse, want.mse);
            assert!((e.sup / want.sup - 1.0).abs() < 1e-9 && (e.l1 / want.l1 - 1.0).abs() < 1e-9);
        }
    }

    #[test]
    fn moments_and_parameters_are_checked() {
        // Var(x²) = 1/5 − 1/9, best constant L1 = 1/4 (sampled oracle at 10⁶ midpoints).
        let n = 1_000_000;
        let l1: f64 =
            (0..n).map(|i| ((i as f64 + 0.5) / n as f64).powi(2) - 0.25).map(f64::abs).sum::<f64>() / n as f64;
        assert!((l1 - 0.25).abs() < 1e-9);
        let t = Square::new(2).unwrap();
        assert!((t.variance() - (0.2 - 1.0 / 9.0)).abs() < 1e-16);
        assert!(Square::new(0).unwrap_err().to_string().contains("`l` = 0"));
        assert!(Square::new(13).is_err() && validate_range(2, 1).is_err() && validate_range(1, 6).is_ok());
    }
}
