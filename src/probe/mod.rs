//! Layer probes: how much of each level of a target's hierarchy a hidden layer carries.
//!
//! The claim behind depth is that early layers compute simple functions that later layers compose.
//! For the sawtooth the hierarchy is known: Δ^k = Δ ∘ Δ^{k−1}, so its levels are Δ^1, …, Δ^k, and
//! Telgarsky's construction computes Δ^l *linearly* from hidden layer l: with y = Δ^{l−1}(x), layer
//! l holds σ(2y) and σ(4y − 2), and Δ^l(x) = σ(2y) − σ(4y − 2). A probe asks the same of any net.
//!
//! For hidden layer l with activations h_l(x) ∈ R^{n_l} and level j with values g_j(x):
//! - **linear probe**: the least-squares fit ĝ = h_l·a + c on the fit points (SVD, singular values
//!   below 1e−10 of the largest dropped, so dead units and duplicated units are harmless);
//! - **random-feature probe** (one small hidden layer): the columns of h_l standardised on the fit
//!   points, then [`RANDOM_UNITS`] ReLU units σ(z·w_u + b_u) with He-normal w_u and b_u ~ N(0, 1)
//!   drawn from a ChaCha8 stream of a fixed seed, and the output layer over those units, the
//!   standardised columns and 1 solved by least squares as above. It is nested over the linear
//!   probe (its design contains the linear one's columns), and cannot train its hidden layer: it
//!   measures what a small net reads off the layer easily, not what could be decoded with effort.
//! - **R²** = 1 − Σ(g_j − ĝ)² / Σ(g_j − ḡ_j)² on **held-out** points (fresh from another stream): 1
//!   when the layer carries the level exactly in the probe's class, 0 for no better than the mean;
//!   it can be negative on held-out points.
//!
//! Checked where the answer is known (tests): on constructed sawtooth nets the linear probe of
//! level l from layer l has R² = 1 to round-off; a layer l < j cannot carry Δ^j linearly
//! (its span is piecewise linear on a coarser grid), and R² stays well below 1 there.

pub mod figure;
pub mod run;
pub mod tree;

use crate::net::{Mlp, Workspace};
use nalgebra::{DMatrix, DVector};
use rand::SeedableRng;
use rand_distr::{Distribution, Normal};

/// Hidden units of the random-feature probe.
pub const RANDOM_UNITS: usize = 8;

/// R² of both probes for one layer and one level.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Probe {
    /// The linear probe's held-out R².
    pub linear: f64,
    /// The random-feature probe's held-out R².
    pub random: f64,
}

/// Each hidden layer's activations at `xs` (`n × d` row-major): `n × n_l` row-major, layer by layer.
pub fn activations(net: &Mlp, xs: &[f64]) -> Vec<Vec<f64>> {
    let mut ws = Workspace::default();
    net.forward_ws(xs, &mut ws);
    (0..net.hidden().len()).map(|l| ws.hidden(l).to_vec()).collect()
}

/// The least-squares coefficients of `y` on the columns of `a` (rank-revealing: SVD with singular
/// values below 1e−10 of the largest dropped).
fn least_squares(a: DMatrix<f64>, y: &DVector<f64>) -> Option<DVector<f64>> {
    let svd = a.svd(true, true);
    let top = svd.singular_values.iter().cloned().fold(0.0, f64::max);
    svd.solve(y, (1e-10 * top).max(f64::MIN_POSITIVE)).ok()
}

/// R² of predictions against values.
fn r2(pred: &[f64], y: &[f64]) -> f64 {
    let mean = y.iter().sum::<f64>() / y.len() as f64;
    let sst: f64 = y.iter().map(|v| (v - mean).powi(2)).sum();
    let sse: f64 = pred.iter().zip(y).map(|(p, v)| (p - v).powi(2)).sum();
    if sst > 0.0 { 1.0 - sse / sst } else { f64::NAN }
}

/// The design matrix of a probe: `cols(row)` for every row, then a column of ones.
fn design(n: usize, width: usize, cols: impl Fn(usize, &mut [f64])) -> DMatrix<f64> {
    let mut m = DMatrix::zeros(n, width + 1);
    let mut row = vec![0.0; width];
    for i in 0..n {
        cols(i, &mut row);
        for (j, v) in row.iter().enumerate() {
            m[(i, j)] = *v;
        }
        m[(i, width)] = 1.0;
    }
    m
}

/// The random-feature probe's columns for a row of activations `h` (already standardised).
struct Features {
    w: Vec<f64>,
    b: Vec<f64>,
    mean: Vec<f64>,
    scale: Vec<f64>,
}

impl Features {
    fn new(fit: &[f64], width: usize, seed: u64) -> Self {
        let n = fit.len() / width;
        let mut mean = vec![0.0; width];
        let mut scale = vec![0.0; width];
        for j in 0..width {
            let col = (0..n).map(|i| fit[i * width + j]);
            let m = col.clone().sum::<f64>() / n as f64;
            let var = col.map(|v| (v - m).powi(2)).sum::<f64>() / n as f64;
            mean[j] = m;
            scale[j] = if var > 0.0 { 1.0 / var.sqrt() } else { 0.0 };
        }
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        let he = Normal::new(0.0, (2.0 / width as f64).sqrt()).expect("a valid normal");
        let unit = Normal::new(0.0, 1.0).expect("a valid normal");
        let w = (0..RANDOM_UNITS * width).map(|_| he.sample(&mut rng)).collect();
        let b = (0..RANDOM_UNITS).map(|_| unit.sample(&mut rng)).collect();
        Features { w, b, mean, scale }
    }

    fn columns(&self) -> usize {
        self.mean.len() + RANDOM_UNITS
    }

    fn fill(&self, h: &[f64], out: &mut [f64]) {
        let width = self.mean.len();
        for j in 0..width {
            out[j] = (h[j] - self.mean[j]) * self.scale[j];
        }
        for u in 0..RANDOM_UNITS {
            let z: f64 = (0..width).map(|j| out[j] * self.w[u * width + j]).sum::<f64>() + self.b[u];
            out[width + u] = z.max(0.0);
        }
    }
}

/// Both probes of one level from one layer: activations and values at the fit and held-out points.
pub fn probe(width: usize, fit: (&[f64], &[f64]), test: (&[f64], &[f64]), seed: u64) -> Probe {
    let y = DVector::from_column_slice(fit.1);
    // Held-out R² of the least-squares fit over `cols` columns that `fill` makes from a row.
    let fit_r2 = |cols: usize, fill: &dyn Fn(&[f64], &mut [f64])| {
        let rows = |h: &[f64], n: usize| design(n, cols, |i, row| fill(&h[i * width..(i + 1) * width], row));
        least_squares(rows(fit.0, fit.1.len()), &y)
            .map_or(f64::NAN, |coef| r2((rows(test.0, test.1.len()) * coef).as_slice(), test.1))
    };
    let features = Features::new(fit.0, width, seed);
    Probe {
        linear: fit_r2(width, &|h, row| row.copy_from_slice(h)),
        random: fit_r2(features.columns(), &|h, row| features.fill(h, row)),
    }
}

/// Probes of every level (`levels[j]` at the fit and held-out points) from every hidden layer of
/// `net`: `[layer][level]`.
pub fn probe_net(
    net: &Mlp,
    fit_xs: &[f64],
    test_xs: &[f64],
    levels: &[(Vec<f64>, Vec<f64>)],
    seed: u64,
) -> Vec<Vec<Probe>> {
    let fit = activations(net, fit_xs);
    let test = activations(net, test_xs);
    net.hidden()
        .iter()
        .enumerate()
        .map(|(l, &w)| {
            levels.iter().map(|(yf, yt)| probe(w, (&fit[l], yf), (&test[l], yt), seed ^ (l as u64) << 32)).collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::family::Target;
    use crate::family::sawtooth::Sawtooth;

    fn points(n: usize, offset: f64) -> Vec<f64> {
        (0..n).map(|i| (i as f64 + offset) / n as f64).collect()
    }

    fn levels(k: u32, fit: &[f64], test: &[f64]) -> Vec<(Vec<f64>, Vec<f64>)> {
        (1..=k)
            .map(|j| {
                let s = Sawtooth::new(j).unwrap();
                (fit.iter().map(|&x| s.value(x)).collect(), test.iter().map(|&x| s.value(x)).collect())
            })
            .collect()
    }

    #[test]
    fn each_constructed_sawtooth_layer_carries_its_own_level_linearly_and_not_the_next() {
        let (fit, test) = (points(2048, 0.5), points(1999, 0.3));
        for k in 1..=6 {
            let net = Sawtooth::new(k).unwrap().construct_deep().unwrap().net;
            let p = probe_net(&net, &fit, &test, &levels(k, &fit, &test), 7);
            for (l, row) in p.iter().enumerate() {
                assert!(row[l].linear > 1.0 - 1e-9, "k {k}: layer {} level {}: R² {}", l + 1, l + 1, row[l].linear);
                assert!(row[l].random > 1.0 - 1e-6, "nested (up to the rank cut): {}", row[l].random);
                for (j, q) in row.iter().enumerate().skip(l + 1) {
                    assert!(q.linear < 0.5, "k {k}: layer {} carries Δ^{} linearly: R² {}", l + 1, j + 1, q.linear);
                }
            }
        }
    }

    #[test]
    fn r2_is_one_for_an_exact_fit_and_zero_for_the_mean() {
        let y = [1.0, 2.0, 4.0];
        assert_eq!(r2(&y, &y), 1.0);
        assert!((r2(&[7.0 / 3.0; 3], &y)).abs() < 1e-15);
        // A linear probe of a linear function of the features is exact.
        let h: Vec<f64> = (0..50).flat_map(|i| [i as f64, (i * i) as f64 * 0.01]).collect();
        let g: Vec<f64> = (0..50).map(|i| 3.0 * i as f64 - 2.0 * (i * i) as f64 * 0.01 + 0.5).collect();
        let p = probe(2, (&h, &g), (&h, &g), 1);
        assert!(p.linear > 1.0 - 1e-12 && p.random > 1.0 - 1e-12, "{p:?}");
    }
}
