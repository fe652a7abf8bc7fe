//! The [`Target`] a file (or a net) defines: see the module above for what each kind means.

use super::{Function, parse::Samples};
use crate::family::{Bound, Certified, Constructed, Objective, Target, TargetId};
use crate::net::{ExactErrors, Mlp, Pwl};
use crate::train::Metric;
use rand::RngExt;
use rand_chacha::ChaCha8Rng;
use std::collections::HashMap;
use std::sync::Arc;

/// Every `HELD_OUT`-th row of a samples table (rows HELD_OUT, 2·HELD_OUT, … counted from 1) is
/// held out for evaluation.
pub const HELD_OUT: usize = 5;

/// Monte Carlo points for the moments of a d-input net and the claimed error of a sampled reference.
const MOMENT_POINTS: usize = 1 << 16;

/// d-input samples, split into training and held-out rows.
pub(crate) struct Table {
    dim: usize,
    xs: Vec<f64>,
    ys: Vec<f64>,
    /// Row indices drawn for training and for evaluation.
    train: Vec<usize>,
    held_out: Vec<usize>,
    /// Row of each point, by the bits of its coordinates (the first row wins on repeats).
    index: HashMap<Vec<u64>, usize>,
}

impl Table {
    pub(crate) fn new(s: Samples) -> Self {
        let n = s.ys.len();
        let (held_out, train): (Vec<usize>, Vec<usize>) = (0..n).partition(|i| (i + 1) % HELD_OUT == 0);
        let mut index = HashMap::with_capacity(n);
        for i in 0..n {
            index.entry(s.xs[i * s.dim..(i + 1) * s.dim].iter().map(|v| v.to_bits()).collect()).or_insert(i);
        }
        Self { dim: s.dim, xs: s.xs, ys: s.ys, train, held_out, index }
    }

    /// The value at `x`: its row's, or the nearest row's (squared Euclidean distance) between rows.
    fn value(&self, x: &[f64]) -> f64 {
        if let Some(&i) = self.index.get(&x.iter().map(|v| v.to_bits()).collect::<Vec<_>>()) {
            return self.ys[i];
        }
        let dist = |i: usize| {
            self.xs[i * self.dim..(i + 1) * self.dim].iter().zip(x).map(|(a, b)| (a - b).powi(2)).sum::<f64>()
        };
        let best = (0..self.ys.len()).min_by(|&a, &b| dist(a).total_cmp(&dist(b))).expect("rows");
        self.ys[best]
    }

    fn draw(&self, rows: &[usize], n: usize, rng: &mut ChaCha8Rng) -> Vec<f64> {
        let mut out = Vec::with_capacity(n * self.dim);
        for _ in 0..n {
            let i = rows[rng.random_range(0..rows.len())];
            out.extend_from_slice(&self.xs[i * self.dim..(i + 1) * self.dim]);
        }
        out
    }
}

/// A user's target, registered under its fingerprint.
pub struct FileTarget {
    fingerprint: u32,
    name: String,
    function: Function,
    net: Option<Mlp>,
    /// The file name of the net, when one was given: the deep reference is then the user's own.
    net_file: Option<String>,
    dim: usize,
    mean: f64,
    variance: f64,
}

impl FileTarget {
    pub(crate) fn new(
        fingerprint: u32,
        name: String,
        function: Function,
        net: Option<(Mlp, String)>,
    ) -> anyhow::Result<Self> {
        let (net, net_file) = net.map_or((None, None), |(n, f)| (Some(n), Some(f)));
        let dim = match &function {
            Function::Pwl(_) => 1,
            Function::Table(t) => t.dim,
            Function::Net(n) => n.input_dim(),
            Function::Member(m) => m.dim(),
        };
        if let Some(n) = &net {
            anyhow::ensure!(
                n.input_dim() == dim,
                "the net has {} inputs but the target has {dim}: they must agree",
                n.input_dim()
            );
        }
        let (mean, variance) = match &function {
            Function::Pwl(p) => p.moments(),
            Function::Table(t) => {
                let ys: Vec<f64> = t.held_out.iter().map(|&i| t.ys[i]).collect();
                mean_variance(&ys)
            }
            Function::Net(n) => {
                let mut rng = crate::rng::run_rng(0, &format!("file {fingerprint:08x} moments"));
                let xs: Vec<f64> = (0..MOMENT_POINTS * dim).map(|_| rng.random()).collect();
                let mut ys = vec![0.0; MOMENT_POINTS];
                n.forward(&xs, &mut ys);
                mean_variance(&ys)
            }
            Function::Member(m) => (m.mean(), m.variance()),
        };
        anyhow::ensure!(
            variance > 0.0,
            "the target is constant (variance 0): normalised errors are undefined; give a function that varies"
        );
        Ok(Self { fingerprint, name, function, net, net_file, dim, mean, variance })
    }

    /// The file name of the net given with the target (the user's own deep reference), if any.
    pub fn net_file(&self) -> Option<&str> {
        self.net_file.as_deref()
    }

    /// The files (and member) it was read from, e.g. `"delta3.safetensors + sawtooth k=3"`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The deep net given with it, if any.
    pub fn net(&self) -> Option<&Mlp> {
        self.net.as_ref()
    }

    pub(crate) fn dim_value(&self) -> usize {
        self.dim
    }

    fn member(&self) -> Option<&dyn Target> {
        match &self.function {
            Function::Member(m) => Some(m.as_ref()),
            _ => None,
        }
    }

    fn uniform(&self, n: usize, rng: &mut ChaCha8Rng) -> Vec<f64> {
        (0..n * self.dim).map(|_| rng.random()).collect()
    }
}

impl Objective for Arc<FileTarget> {
    fn dim(&self) -> usize {
        self.dim
    }
    fn eval_batch(&self, xs: &[f64], out: &mut [f64]) {
        match &self.function {
            Function::Pwl(p) => xs.iter().zip(out.iter_mut()).for_each(|(x, o)| *o = p.eval(*x)),
            Function::Table(t) => xs.chunks_exact(t.dim).zip(out.iter_mut()).for_each(|(x, o)| *o = t.value(x)),
            Function::Net(n) => n.forward(xs, out),
            Function::Member(m) => m.eval_batch(xs, out),
        }
    }
    fn sample(&self, n: usize, rng: &mut ChaCha8Rng) -> Vec<f64> {
        match &self.function {
            Function::Table(t) => t.draw(&t.train, n, rng),
            Function::Member(m) => m.sample(n, rng),
            _ => self.uniform(n, rng),
        }
    }
    fn sample_heldout(&self, n: usize, rng: &mut ChaCha8Rng) -> Vec<f64> {
        match &self.function {
            Function::Table(t) => t.draw(&t.held_out, n, rng),
            Function::Member(m) => m.sample_heldout(n, rng),
            _ => self.uniform(n, rng),
        }
    }
    fn mean(&self) -> f64 {
        self.mean
    }
    fn variance(&self) -> f64 {
        self.variance
    }
    fn constant_l1(&self) -> Option<f64> {
        self.member().and_then(|m| m.constant_l1())
    }
    fn pwl(&self) -> Option<Pwl> {
        match &self.function {
            Function::Pwl(p) => Some(p.clone()),
            Function::Member(m) => m.pwl(),
            _ => None,
        }
    }
    fn quadratic(&self) -> Option<[f64; 3]> {
        self.member().and_then(|m| m.quadratic())
    }
    fn pieces(&self) -> usize {
        match &self.function {
            Function::Pwl(p) => p.pieces(),
            Function::Member(m) => m.pieces(),
            _ => 1,
        }
    }
    fn label(&self) -> String {
        self.id().to_string()
    }
}

impl Target for Arc<FileTarget> {
    fn id(&self) -> TargetId {
        TargetId::File { fingerprint: self.fingerprint }
    }
    fn own_tolerance(&self) -> bool {
        self.member().is_some_and(|m| m.own_tolerance())
    }
    fn construct_deep(&self) -> anyhow::Result<Constructed> {
        let Some(net) = &self.net else {
            anyhow::bail!(
                "{} ({}) has no deep net: give `net = \"….safetensors\"` in its [[targets]] table, or use references = [\"trained\"]",
                self.label(),
                self.name
            );
        };
        let claimed = match (self.pwl(), self.dim) {
            (Some(p), 1) => p.errors(&crate::net::pieces::pwl_of(net)?),
            _ => {
                let mut rng = crate::rng::run_rng(0, &format!("file {:08x} claimed", self.fingerprint));
                let xs = self.sample_heldout(MOMENT_POINTS, &mut rng);
                let (mut f, mut g) = (vec![0.0; MOMENT_POINTS], vec![0.0; MOMENT_POINTS]);
                self.eval_batch(&xs, &mut f);
                net.forward(&xs, &mut g);
                let d = f.iter().zip(&g).map(|(a, b)| (a - b).abs());
                let n = MOMENT_POINTS as f64;
                ExactErrors {
                    l1: d.clone().sum::<f64>() / n,
                    mse: d.clone().map(|e| e * e).sum::<f64>() / n,
                    sup: d.fold(0.0, f64::max),
                }
            }
        };
        Ok(Constructed { net: net.clone(), claimed })
    }
    fn natural_depth(&self) -> usize {
        match (&self.net, self.member()) {
            (Some(n), _) => n.hidden().len().max(1),
            (None, Some(m)) => m.natural_depth(),
            (None, None) => 2,
        }
    }
    fn certify(&self, eps: f64, metric: Metric) -> Option<Certified> {
        match self.member() {
            Some(m) => m.certify(eps, metric),
            None if self.dim == 1 => {
                let p = self.pwl()?;
                // A sup error s bounds the MSE by s² and the L1 error by s: the sup certificate at
                // the matching s gives explicit weights for the upper end in every metric. Error 0
                // in any norm is equality, so at ε = 0 the sup lower end holds too.
                let s = match metric {
                    Metric::Sup | Metric::L1 => eps,
                    Metric::Nmse => (eps * self.variance).sqrt(),
                };
                let (mut c, _) = match crate::optimum::sup::certify_pwl(&p, s) {
                    Ok(c) => c,
                    Err(_) if s == 0.0 => exact_representation(&p)?,
                    Err(_) => return None,
                };
                if metric != Metric::Sup && s > 0.0 {
                    // The kink-free cells' lower end and the narrower of their refit and the sup
                    // certificates (which include this one's path at s).
                    let scale = if metric == Metric::Nmse { self.variance } else { 1.0 };
                    let (cells, _) = crate::optimum::cells::certify_pwl(&p, eps, metric, scale).ok()?;
                    if cells.bracket.upper <= c.bracket.upper {
                        return Some(cells);
                    }
                    c.upper_how = format!("{} (sup error ≤ {s:.3e}, so {} ≤ ε)", c.upper_how, metric.short());
                    c.bracket.lower = cells.bracket.lower.min(c.bracket.upper);
                    c.lower_how = cells.lower_how;
                }
                Some(c)
            }
            None => None,
        }
    }
    fn error_bound(&self, side: Bound, m: u64, metric: Metric) -> Option<f64> {
        self.member().and_then(|t| t.error_bound(side, m, metric))
    }
    fn expected_cost(&self) -> f64 {
        self.member().map_or((self.pieces() as f64).powi(2), |m| m.expected_cost())
    }
}

/// The bracket on the width that represents `p` exactly when the sup certificate cannot close
/// ε = 0 after rounding (a trained net's knots): K kinks need K units (a unit has one kink), and
/// [`crate::optimum::units::to_relu`] of the merged function gives the upper end's weights, exact up
/// to rounding (their sup error is stated).
fn exact_representation(p: &Pwl) -> Option<(Certified, Mlp)> {
    let merged = p.merged();
    let kinks = merged.xs().len() as u64 - 2;
    let net = crate::optimum::units::to_relu(&merged).ok()?;
    let err = crate::train::shallow_pwl(&net).ok()?.errors(p).sup;
    let c = Certified {
        bracket: crate::optimum::Bracket { lower: kinks.max(1), upper: net.hidden()[0] as u64 },
        lower_how: format!("one kink per unit: {kinks} kinks"),
        upper_how: format!(
            "a unit per kink (plus one for the affine part), exact up to rounding (sup error {err:.1e})"
        ),
    };
    Some((c, net))
}

/// Mean and (population) variance of `ys`.
fn mean_variance(ys: &[f64]) -> (f64, f64) {
    let mean = ys.iter().sum::<f64>() / ys.len() as f64;
    (mean, ys.iter().map(|y| (y - mean).powi(2)).sum::<f64>() / ys.len() as f64)
}
