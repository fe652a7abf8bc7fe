//! Hierarchically compositional functions of d = 2^j inputs (Poggio, Mhaskar, Rosasco, Miranda &
//! Liao, 2017, "Why and when can deep — but not shallow — networks avoid the curse of
//! dimensionality"): a binary tree of one bivariate constituent h, here the piecewise-linear
//!
//! h(a, b) = |a − b| = σ(a − b) + σ(b − a),
//!
//! so f(x_1, …, x_d) = h(h(…h(x_1, x_2)…), …) with d − 1 nodes in j = log₂ d levels, inputs uniform
//! on \[0,1\]^d. h maps \[0,1\]² into \[0,1\], so every node's value lies in \[0,1\]. A tree that mirrors
//! f computes it exactly with j hidden layers of widths d, d/2, …, 2: two units per node
//! ([`tree`]). The constituent is piecewise linear so the construction is exact; a smooth one is
//! not built yet.
//!
//! **Moments, exactly.** The two inputs of a node are independent (disjoint subtrees) and
//! identically distributed, so the density of a level follows from the level below: if Z, Z' ~ p
//! on \[0,1\], then |Z − Z'| has density q(t) = 2∫₀^{1−t} p(z) p(z + t) dz. Starting from p₀ = 1
//! (uniform inputs), every level's density is a polynomial: q₁(t) = 2 − 2t (mean 1/3, variance
//! 1/18), q₂(t) = 8/3 − 4t + 4t³/3 (mean 4/15, variance 1/25), of degree 2^l − 1 at level l. The
//! target's mean and variance are the top level's moments, computed from its coefficients
//! ([`densities`]; tested against these closed forms and Monte Carlo). Errors of nets are Monte
//! Carlo on a fixed held-out set, with a 95% interval; no bracket is known.
//!
//! ```
//! use depthsep::family::{Objective, compositional::Compositional};
//! let t = Compositional::new(4).unwrap();
//! let mut y = [0.0];
//! t.eval_batch(&[0.1, 0.7, 0.3, 0.2], &mut y);
//! assert!((y[0] - 0.5).abs() < 1e-15); // ||0.1 − 0.7| − |0.3 − 0.2|| = |0.6 − 0.1|
//! ```

use super::{Constructed, FamilyInfo, Objective, Target, TargetError, TargetId};
use crate::net::Mlp;
use crate::train::Metric;
use crate::validate::{Invalid, check};

/// This family's entry in the registry ([`super::FAMILIES`]).
pub static INFO: FamilyInfo = FamilyInfo {
    name: "compositional",
    label: "compositional tree of |a − b|",
    params: &["d"],
    cli: None,
    many_input: true,
    works: &[(
        "poggio2017",
        "@article{poggio2017,\n  author = {Poggio, Tomaso and Mhaskar, Hrushikesh and Rosasco, Lorenzo and Miranda, Brando and Liao, Qianli},\n  title = {Why and When Can Deep -- but Not Shallow -- Networks Avoid the Curse of Dimensionality: A Review},\n  journal = {International Journal of Automation and Computing},\n  volume = {14},\n  number = {5},\n  pages = {503--519},\n  year = {2017}\n}",
    )],
    describe: |_, m| {
        format!(
            "a binary tree of h(a, b) = |a − b| over {} inputs on {}",
            m("d = 2^j", "d = 2^j"),
            m("[0,1]^d", "[0,1]^d")
        )
    },
};

/// Largest supported d (the density's degree, 2^j − 1, stays within f64's reach).
pub const MAX_D: u32 = 16;

fn allowed(d: u32) -> bool {
    (2..=MAX_D).contains(&d) && d.is_power_of_two()
}

/// Check a suite's d range: powers of two, 2 ≤ d_min ≤ d_max ≤ 16.
pub fn validate_range(d_min: u32, d_max: u32) -> Result<(), Invalid> {
    let what = "2, 4, 8 or 16 (a power of two: the tree is binary)";
    check(allowed(d_min), "", "d_min", &d_min, what)?;
    check(allowed(d_max), "", "d_max", &d_max, what)?;
    check(d_min <= d_max, "", "d_max", &d_max, "d_max ≥ d_min (the range is empty)")
}

/// The members of a range: the powers of two from d_min to d_max.
pub fn members(d_min: u32, d_max: u32) -> Vec<u32> {
    (1..=MAX_D.trailing_zeros()).map(|j| 1u32 << j).filter(|d| (d_min..=d_max).contains(d)).collect()
}

/// The binary tree of |a − b| over d = 2^j inputs.
#[derive(Debug, Clone, PartialEq)]
pub struct Compositional {
    d: u32,
    mean: f64,
    variance: f64,
}

/// The coefficients (constant first) of the densities of levels 0..=levels: level 0 uniform, level
/// l + 1 of |Z − Z'| for Z, Z' independent with level l's density (module docs).
pub fn densities(levels: u32) -> Vec<Vec<f64>> {
    let binom = |n: usize, k: usize| (0..k).fold(1.0, |c, i| c * (n - i) as f64 / (i + 1) as f64);
    let mut out = vec![vec![1.0]];
    for _ in 0..levels {
        let p = out.last().expect("level 0");
        let n = p.len() - 1;
        // p(z)·p(z + t) = Σ_{m,k,i} p_m p_k C(k, i) z^{m+i} t^{k−i}; ∫₀^{1−t} z^r dz = (1 − t)^{r+1}/(r + 1).
        let mut q = vec![0.0; 2 * n + 2];
        for (m, &pm) in p.iter().enumerate() {
            for (k, &pk) in p.iter().enumerate() {
                for i in 0..=k {
                    let r = m + i;
                    let c = 2.0 * pm * pk * binom(k, i) / (r + 1) as f64;
                    // c · t^{k−i} · (1 − t)^{r+1}
                    for s in 0..=r + 1 {
                        let sign = if s % 2 == 0 { 1.0 } else { -1.0 };
                        q[k - i + s] += c * sign * binom(r + 1, s);
                    }
                }
            }
        }
        while q.len() > 1 && q.last() == Some(&0.0) {
            q.pop();
        }
        out.push(q);
    }
    out
}

/// ∫₀¹ t^power · p(t) dt for a polynomial p.
fn moment(p: &[f64], power: usize) -> f64 {
    p.iter().enumerate().map(|(n, c)| c / (n + power + 1) as f64).sum()
}

impl Compositional {
    /// d inputs, d ∈ {2, 4, 8, 16}.
    pub fn new(d: u32) -> Result<Self, TargetError> {
        if !allowed(d) {
            let allowed = "2, 4, 8 or 16";
            return Err(TargetError::OutOfRange { family: "compositional", param: "d", value: d.to_string(), allowed });
        }
        let top = densities(d.trailing_zeros()).pop().expect("levels");
        let mean = moment(&top, 1);
        Ok(Self { d, mean, variance: moment(&top, 2) - mean * mean })
    }

    /// The value at one point (d coordinates).
    pub fn value(&self, x: &[f64]) -> f64 {
        abs_tree(x)
    }

    /// Every node's value at one point, level by level from the bottom: level l (1..=log₂ d) has
    /// d/2^l nodes, in input order; the last level is the target's value.
    pub fn node_values(&self, x: &[f64]) -> Vec<Vec<f64>> {
        let mut levels = Vec::new();
        let mut v: Vec<f64> = x.to_vec();
        while v.len() > 1 {
            v = v.chunks_exact(2).map(|p| (p[0] - p[1]).abs()).collect();
            levels.push(v.clone());
        }
        levels
    }
}

/// The tree's sibling: the same lower levels of |a − b| with max(a, b) at the top node, g =
/// max(u, v) for the two subtrees' values u, v. It shares every constituent below the top with
/// [`Compositional`] (the transfer experiment's second target, `depthsep transfer`). Its moments
/// are exact: u, v are independent with the level-(j − 1) density p and its distribution function
/// F, so max(u, v) has density 2·p·F, a polynomial ([`densities`]).
#[derive(Debug, Clone, PartialEq)]
pub struct MaxTop {
    d: u32,
    mean: f64,
    variance: f64,
}

impl MaxTop {
    /// d inputs, d ∈ {2, 4, 8, 16}.
    pub fn new(d: u32) -> Result<Self, TargetError> {
        Compositional::new(d)?;
        let p = densities(d.trailing_zeros() - 1).pop().expect("levels");
        // F(t) = Σ c_n t^{n+1}/(n + 1); density 2·p·F.
        let f: Vec<f64> = std::iter::once(0.0).chain(p.iter().enumerate().map(|(n, c)| c / (n + 1) as f64)).collect();
        let mut g = vec![0.0; p.len() + f.len() - 1];
        for (i, a) in p.iter().enumerate() {
            for (j, b) in f.iter().enumerate() {
                g[i + j] += 2.0 * a * b;
            }
        }
        let mean = moment(&g, 1);
        Ok(Self { d, mean, variance: moment(&g, 2) - mean * mean })
    }

    /// The value at one point.
    pub fn value(&self, x: &[f64]) -> f64 {
        let (left, right) = x.split_at(x.len() / 2);
        abs_tree(left).max(abs_tree(right))
    }
}

impl Objective for MaxTop {
    fn dim(&self) -> usize {
        self.d as usize
    }
    fn eval_batch(&self, xs: &[f64], out: &mut [f64]) {
        for (o, p) in out.iter_mut().zip(xs.chunks_exact(self.d as usize)) {
            *o = self.value(p);
        }
    }
    fn mean(&self) -> f64 {
        self.mean
    }
    fn variance(&self) -> f64 {
        self.variance
    }
    fn pwl(&self) -> Option<crate::net::Pwl> {
        None
    }
    fn pieces(&self) -> usize {
        1 << (self.d - 1)
    }
    fn label(&self) -> String {
        format!("compositional d={} with max(a, b) at the top", self.d)
    }
}

/// The tree of |a − b| over the 2^j values `x`.
fn abs_tree(x: &[f64]) -> f64 {
    let mut v: Vec<f64> = x.to_vec();
    while v.len() > 1 {
        v = v.chunks_exact(2).map(|p| (p[0] - p[1]).abs()).collect();
    }
    v[0]
}

/// The exact tree net: two units σ(a − b), σ(b − a) per node, their sum the node's value.
pub fn tree(d: usize) -> anyhow::Result<Mlp> {
    anyhow::ensure!(d >= 2 && d.is_power_of_two(), "tree needs d = 2^j ≥ 2");
    let mut hidden = Vec::new();
    let mut n = d;
    while n > 1 {
        hidden.push(n);
        n /= 2;
    }
    let mut net = Mlp::with_hidden(d, &hidden)?;
    let mut inputs = d; // values below: inputs (layer 0) or sums of unit pairs
    let mut paired = false; // whether a value below is the sum of two units
    for (l, &units) in hidden.iter().enumerate() {
        let mut w = vec![0.0; units * inputs];
        for node in 0..units / 2 {
            // Value v of child c: input c, or units 2c and 2c + 1 of the layer below.
            let mut add = |row: usize, child: usize, sign: f64| {
                let cols: Vec<usize> = if paired { vec![2 * child, 2 * child + 1] } else { vec![child] };
                for col in cols {
                    w[row * inputs + col] += sign;
                }
            };
            let (a, b) = (2 * node, 2 * node + 1);
            add(2 * node, a, 1.0);
            add(2 * node, b, -1.0);
            add(2 * node + 1, b, 1.0);
            add(2 * node + 1, a, -1.0);
        }
        net.set_layer(l, &w, &vec![0.0; units]);
        inputs = units;
        paired = true;
    }
    net.set_layer(hidden.len(), &[1.0, 1.0], &[0.0]);
    Ok(net)
}

impl Objective for Compositional {
    fn dim(&self) -> usize {
        self.d as usize
    }
    fn eval_batch(&self, xs: &[f64], out: &mut [f64]) {
        for (o, p) in out.iter_mut().zip(xs.chunks_exact(self.d as usize)) {
            *o = self.value(p);
        }
    }
    fn mean(&self) -> f64 {
        self.mean
    }
    fn variance(&self) -> f64 {
        self.variance
    }
    fn pwl(&self) -> Option<crate::net::Pwl> {
        None
    }
    /// At most 2^{d−1} linear regions: each of the d − 1 nodes splits its region once.
    fn pieces(&self) -> usize {
        1 << (self.d - 1)
    }
    fn label(&self) -> String {
        self.id().to_string()
    }
}

impl Target for Compositional {
    fn id(&self) -> TargetId {
        TargetId::Compositional { d: self.d }
    }
    fn construct_deep(&self) -> anyhow::Result<Constructed> {
        Ok(Constructed::exact(tree(self.d as usize)?))
    }
    fn natural_depth(&self) -> usize {
        self.d.trailing_zeros() as usize
    }
    /// The exact tree, at its own depth log₂ d only.
    fn construct_at_depth(&self, depth: usize, _eps: f64, _metric: Metric) -> Option<anyhow::Result<(Mlp, String)>> {
        (depth == self.natural_depth())
            .then(|| tree(self.d as usize).map(|n| (n, "the exact tree of |a − b|".to_string())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::run_rng;
    use rand::RngExt;

    #[test]
    fn the_first_two_levels_have_their_closed_form_densities_and_moments() {
        let q = densities(2);
        assert_eq!(q[1], [2.0, -2.0]);
        let want = [8.0 / 3.0, -4.0, 0.0, 4.0 / 3.0];
        assert!(q[2].iter().zip(want).all(|(a, b)| (a - b).abs() < 1e-14), "{:?}", q[2]);
        for (l, (m, v)) in [(1, (1.0 / 3.0, 1.0 / 18.0)), (2, (4.0 / 15.0, 1.0 / 25.0))] {
            let t = Compositional::new(1 << l).unwrap();
            assert!((t.mean() - m).abs() < 1e-14 && (t.variance() - v).abs() < 1e-14, "level {l}: {t:?}");
        }
        for p in densities(4) {
            assert!((moment(&p, 0) - 1.0).abs() < 1e-10, "a density integrates to 1: {p:?}");
        }
    }

    #[test]
    fn moments_agree_with_sampling_and_the_tree_is_exact() {
        for d in [2u32, 4, 8, 16] {
            let t = Compositional::new(d).unwrap();
            let n = 200_000;
            let mut rng = run_rng(u64::from(d), "compositional moments");
            let xs: Vec<f64> = (0..n * d as usize).map(|_| rng.random()).collect();
            let mut y = vec![0.0; n];
            t.eval_batch(&xs, &mut y);
            let mean = y.iter().sum::<f64>() / n as f64;
            let var = y.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n as f64;
            let se = (t.variance() / n as f64).sqrt();
            assert!((mean - t.mean()).abs() < 5.0 * se, "d={d}: mean {mean} vs {}", t.mean());
            assert!((var / t.variance() - 1.0).abs() < 0.02, "d={d}: var {var} vs {}", t.variance());
            let net = tree(d as usize).unwrap();
            assert_eq!(net.hidden().len(), d.trailing_zeros() as usize);
            let mut out = vec![0.0; n];
            net.forward(&xs, &mut out);
            let worst = out.iter().zip(&y).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
            assert!(worst <= 1e-15, "d={d}: the tree's error {worst:e}");
        }
        assert!(Compositional::new(3).is_err() && Compositional::new(32).is_err());
        assert!(validate_range(2, 6).is_err() && validate_range(4, 2).is_err() && validate_range(2, 16).is_ok());
        assert_eq!(members(2, 16), [2, 4, 8, 16]);
    }

    #[test]
    fn the_max_topped_sibling_has_its_closed_form_moments_and_shares_the_lower_levels() {
        // d = 2: max of two uniforms, mean 2/3, variance 1/18. d = 4: max of two |a − b| (density
        // 2 − 2t, F = 2t − t²): E = ∫(1 − F²) = 7/15, E[X²] = ∫2t(1 − F²) = 4/15.
        let closed = [(2, 2.0 / 3.0, 1.0 / 18.0), (4, 7.0 / 15.0, 11.0 / 225.0)];
        for (d, m, v) in closed {
            let t = MaxTop::new(d).unwrap();
            assert!((t.mean() - m).abs() < 1e-14 && (t.variance() - v).abs() < 1e-14, "d={d}: {t:?}");
        }
        for d in [2u32, 4, 8, 16] {
            let (t, f) = (MaxTop::new(d).unwrap(), Compositional::new(d).unwrap());
            let n = 200_000;
            let mut rng = run_rng(u64::from(d), "max-top moments");
            let xs: Vec<f64> = (0..n * d as usize).map(|_| rng.random()).collect();
            let mut y = vec![0.0; n];
            t.eval_batch(&xs, &mut y);
            let mean = y.iter().sum::<f64>() / n as f64;
            let var = y.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n as f64;
            assert!((mean - t.mean()).abs() < 5.0 * (t.variance() / n as f64).sqrt(), "d={d}: {mean} vs {}", t.mean());
            assert!((var / t.variance() - 1.0).abs() < 0.02, "d={d}: var {var} vs {}", t.variance());
            for x in xs.chunks_exact(d as usize).take(100) {
                let levels = f.node_values(x);
                assert_eq!(levels.len(), d.trailing_zeros() as usize);
                assert_eq!(*levels.last().unwrap(), [f.value(x)]);
                let below = if d == 2 { x.to_vec() } else { levels[levels.len() - 2].clone() };
                assert_eq!(t.value(x), below[0].max(below[1]));
            }
        }
    }
}
