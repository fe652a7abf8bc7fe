//! The golden-ratio map, a map of period 3 (THEORY.md §7; Chatziafratis, Nagarajan, Panageas, Wang,
//! ICLR 2020, arXiv:1912.04378): f(x) = min(φx + 1/φ², φ(1 − x)) on \[0,1\], φ = (1 + √5)/2.
//!
//! f(0) = 1/φ², its peak f(1/φ²) = 1, f(1) = 0, so 0 → 1/φ² → 1 → 0 is an orbit of period 3. The
//! t-fold iterate f^t has exactly F_{t+2} linear pieces (Fibonacci: 2, 3, 5, 8, …): a width-2
//! depth-t ReLU net computes it exactly ([`construct`]), while a one-hidden-layer net needs about
//! F_{t+2} units, a separation with base φ ≈ 1.618 instead of the sawtooth's 2. No certified bracket
//! is known, so searches report none; mean and variance are integrated exactly from the knots.
//!
//! The knots of f^t are found without the net: those of f^{t−1} plus, on each of its linear
//! pieces, the point where f^{t−1} crosses 1/φ² (where f bends); values come from iterating f.
//!
//! ```
//! use depthsep::family::{Objective, Target, golden::Golden};
//! let t = Golden::new(4).unwrap();
//! assert_eq!(t.pieces(), 8); // F_6
//! ```

pub mod construct;

use super::{Constructed, FamilyInfo, Objective, Target, TargetError, TargetId};
use crate::net::Pwl;
use crate::validate::{Invalid, check};

/// This family's entry in the registry ([`super::FAMILIES`]).
pub static INFO: FamilyInfo = FamilyInfo {
    name: "golden",
    label: "golden-ratio map f^t",
    params: &["t"],
    cli: Some("golden"),
    many_input: false,
    works: &[
        (
            "chatziafratis2020sharkovsky",
            "@inproceedings{chatziafratis2020sharkovsky,\n  author = {Chatziafratis, Vaggos and Nagarajan, Sai Ganesh and Panageas, Ioannis and Wang, Xiao},\n  title = {Depth-Width Trade-offs for {ReLU} Networks via {Sharkovsky}'s Theorem},\n  booktitle = {International Conference on Learning Representations (ICLR)},\n  year = {2020},\n  eprint = {1912.04378},\n  archivePrefix = {arXiv}\n}",
        ),
        (
            "chatziafratis2020dynamical",
            "@inproceedings{chatziafratis2020dynamical,\n  author = {Chatziafratis, Vaggos and Nagarajan, Sai Ganesh and Panageas, Ioannis},\n  title = {Better Depth-Width Trade-offs for Neural Networks through the Lens of Dynamical Systems},\n  booktitle = {Proceedings of the 37th International Conference on Machine Learning (ICML)},\n  year = {2020},\n  eprint = {2003.00777},\n  archivePrefix = {arXiv}\n}",
        ),
    ],
    describe: |_, m| format!("the golden-ratio map {} (a map of period 3)", m("f^t", "f^t")),
};

/// φ = (1 + √5)/2.
pub const PHI: f64 = 1.618_033_988_749_895;
/// Largest supported t (F_32 ≈ 2.2 million pieces).
pub const MAX_T: u32 = 30;

/// f(x) = min(φx + 1/φ², φ(1 − x)).
pub fn map(x: f64) -> f64 {
    (PHI * x + 1.0 / (PHI * PHI)).min(PHI * (1.0 - x))
}

/// Check a suite's t range: 1 ≤ t_min ≤ t_max ≤ [`MAX_T`].
pub fn validate_range(t_min: u32, t_max: u32) -> Result<(), Invalid> {
    check((1..=MAX_T).contains(&t_min), "", "t_min", &t_min, "1..=30")?;
    check((1..=MAX_T).contains(&t_max), "", "t_max", &t_max, "1..=30")?;
    check(t_min <= t_max, "", "t_max", &t_max, "t_max ≥ t_min (the range is empty)")
}

/// The iterate f^t, 1 ≤ t ≤ 30, with its exact knots.
#[derive(Debug, Clone)]
pub struct Golden {
    t: u32,
    pwl: Pwl,
    mean: f64,
    var: f64,
}

impl Golden {
    /// f^t; t = 0 or t > 30 is an error.
    pub fn new(t: u32) -> Result<Self, TargetError> {
        if t == 0 || t > MAX_T {
            return Err(TargetError::OutOfRange {
                family: "golden",
                param: "t",
                value: t.to_string(),
                allowed: "1..=30",
            });
        }
        let pwl = knots(t);
        let (mean, var) = pwl.moments();
        Ok(Self { t, pwl, mean, var })
    }

    /// f^t(x) by iterating f.
    pub fn value(&self, x: f64) -> f64 {
        (0..self.t).fold(x.clamp(0.0, 1.0), |y, _| map(y))
    }
}

/// The exact knots of f^t: those of f^{t−1} and its crossings of 1/φ².
fn knots(t: u32) -> Pwl {
    let bend = 1.0 / (PHI * PHI);
    let (mut xs, mut ys) = (vec![0.0, 1.0], vec![0.0, 1.0]); // f^0 = identity
    for _ in 0..t {
        let (mut nx, mut ny) = (vec![xs[0]], vec![map(ys[0])]);
        for i in 1..xs.len() {
            let (y0, y1) = (ys[i - 1], ys[i]);
            if (y0 - bend) * (y1 - bend) < 0.0 {
                let x = xs[i - 1] + (xs[i] - xs[i - 1]) * (bend - y0) / (y1 - y0);
                nx.push(x);
                ny.push(1.0);
            }
            nx.push(xs[i]);
            ny.push(map(y1));
        }
        (xs, ys) = (nx, ny);
    }
    Pwl::new(xs, ys)
}

impl Objective for Golden {
    fn dim(&self) -> usize {
        1
    }
    fn eval_batch(&self, xs: &[f64], out: &mut [f64]) {
        for (o, &x) in out.iter_mut().zip(xs) {
            *o = self.value(x);
        }
    }
    fn mean(&self) -> f64 {
        self.mean
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

impl Target for Golden {
    fn id(&self) -> TargetId {
        TargetId::Golden { t: self.t }
    }
    fn construct_deep(&self) -> anyhow::Result<Constructed> {
        Ok(Constructed::exact(construct::golden_deep(self.t)?))
    }
    fn natural_depth(&self) -> usize {
        self.t as usize
    }
    /// Exact blocks f^{a_i}, then f^j or a sup certificate of it, the composite's error exact
    /// ([`super::iterate`]).
    fn construct_at_depth(
        &self,
        depth: usize,
        eps: f64,
        metric: crate::train::Metric,
    ) -> Option<anyhow::Result<(crate::net::Mlp, String)>> {
        super::iterate::at_depth(self, self.t, depth, eps, metric, &|a| Ok(Golden::new(a)?.pwl.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iterates_have_fibonacci_many_pieces() {
        let (mut a, mut b) = (1usize, 2usize); // F_2, F_3
        for t in 1..=20 {
            assert_eq!(Golden::new(t).unwrap().pieces(), b, "t={t}");
            (a, b) = (b, a + b);
        }
    }

    #[test]
    fn the_knots_agree_with_iterating_the_map_at_dense_points() {
        for t in [1, 2, 5, 9] {
            let g = Golden::new(t).unwrap();
            for i in 0..=10_000 {
                let x = i as f64 / 10_000.0;
                assert!((g.pwl.eval(x) - g.value(x)).abs() < 1e-9, "t={t} x={x}");
            }
        }
    }

    #[test]
    fn the_orbit_has_period_three_and_the_parameters_are_checked() {
        let x = map(map(map(0.0)));
        assert!(x.abs() < 1e-12 && (map(1.0 / (PHI * PHI)) - 1.0).abs() < 1e-12);
        assert!(Golden::new(0).is_err() && Golden::new(31).is_err());
        assert!(validate_range(3, 2).is_err() && validate_range(1, 12).is_ok());
    }
}
