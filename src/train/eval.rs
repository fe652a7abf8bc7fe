//! Error evaluation: exact for 1-D piecewise-linear and quadratic targets, sampled otherwise.
//!
//! The error metric of a search is normalised MSE (MSE / Var(target), 1 for the best constant),
//! raw L1 (¼ for the best constant on Δ^k) or the sup error (½ for the best constant on Δ^k).
//!
//! For a 1-input shallow net g(x) = c + Σ a_j σ(w_j x + b_j) the exact piecewise-linear form comes
//! from one sweep over the sorted breakpoints −b_j/w_j (O(m log m)), see [`shallow_pwl`]; deeper
//! nets go through [`crate::net::pieces::pwl_of`].

use super::Objective;
use crate::net::{ExactErrors, Mlp, Pwl, pieces, quadratic};
use crate::rng::run_rng;
use serde::{Deserialize, Serialize};

/// The error a search compares against its tolerance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// MSE / Var(target).
    #[default]
    Nmse,
    /// ∫|f − g|.
    L1,
    /// max |f − g| on \[0,1\] (exact targets only: a sample's maximum only bounds it from below).
    Sup,
}

impl Metric {
    /// Short name for axes, legends and tables: `nMSE` or `L1`.
    pub fn short(self) -> &'static str {
        match self {
            Metric::Nmse => "nMSE",
            Metric::L1 => "L1",
            Metric::Sup => "sup",
        }
    }
    /// Long name for captions: `normalised MSE` or `L1 error`.
    pub fn long(self) -> &'static str {
        match self {
            Metric::Nmse => "normalised MSE",
            Metric::L1 => "L1 error",
            Metric::Sup => "sup error",
        }
    }
}

/// Errors of one net against the target.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Eval {
    /// Raw L1, MSE and sup errors.
    pub errors: ExactErrors,
    /// The chosen metric's value.
    pub value: f64,
    /// Linear pieces of the net on \[0,1\] (1-D only).
    pub pieces: Option<usize>,
    /// Half-width of the 95% interval of `value` when it is a Monte Carlo estimate (1.96 standard
    /// errors); `None` when exact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<f64>,
}

impl Eval {
    /// Whether the net reaches tolerance `tol`: the whole 95% interval at or below it (the value
    /// itself when exact).
    pub fn reaches(&self, tol: f64) -> bool {
        self.value + self.interval.unwrap_or(0.0) <= tol
    }
}

/// Evaluates nets against one target, exactly when it can.
pub struct Evaluator<'a> {
    target: &'a dyn Objective,
    metric: Metric,
    exact: Option<Pwl>,
    /// The target as a quadratic, when it is one (exact errors too).
    quadratic: Option<[f64; 3]>,
    /// Sampled evaluation set (points, values) when no exact form exists.
    sample: Option<(Vec<f64>, Vec<f64>)>,
}

/// A net has collapsed when its best error is not below this fraction of the best constant's.
pub const COLLAPSE_FRACTION: f64 = 0.95;

/// Number of evaluation points for targets without an exact form.
pub const SAMPLE_EVAL_POINTS: usize = 1 << 16;

impl<'a> Evaluator<'a> {
    /// An evaluator for `target` under `metric`.
    pub fn new(target: &'a dyn Objective, metric: Metric) -> Self {
        Self::with_points(target, metric, SAMPLE_EVAL_POINTS)
    }

    /// An evaluator that samples `points` held-out points when the target has no closed form.
    pub fn with_points(target: &'a dyn Objective, metric: Metric, points: usize) -> Self {
        let exact = if target.dim() == 1 { target.pwl() } else { None };
        let quadratic = if target.dim() == 1 && exact.is_none() { target.quadratic() } else { None };
        let sample = (exact.is_none() && quadratic.is_none()).then(|| {
            let mut rng = run_rng(0, &format!("eval set {}", target.label()));
            let xs = target.sample_heldout(points, &mut rng);
            let mut ys = vec![0.0; points];
            target.eval_batch(&xs, &mut ys);
            (xs, ys)
        });
        Self { target, metric, exact, quadratic, sample }
    }

    /// Whether errors are exact (closed form) rather than sampled.
    pub fn is_exact(&self) -> bool {
        self.exact.is_some() || self.quadratic.is_some()
    }

    /// Whether a net whose best error is `best` collapsed to the constant: its error is not below
    /// [`COLLAPSE_FRACTION`] of the best constant's (a NaN error counts as collapsed).
    pub fn collapsed(&self, best: f64) -> bool {
        // Written so that NaN counts as collapsed.
        #[allow(clippy::neg_cmp_op_on_partial_ord)]
        let c = !(best < COLLAPSE_FRACTION * self.constant_baseline());
        c
    }

    /// The metric value of the best constant predictor (1 for normalised MSE).
    pub fn constant_baseline(&self) -> f64 {
        match self.metric {
            Metric::Nmse => 1.0,
            Metric::L1 => self.target.constant_l1().unwrap_or(f64::NAN),
            Metric::Sup => self.target.constant_sup().unwrap_or(f64::NAN),
        }
    }

    /// The evaluation of a net whose errors are already known.
    pub fn from_errors(&self, errors: ExactErrors, pieces: Option<usize>) -> Eval {
        let value = match self.metric {
            Metric::Nmse => errors.mse / self.target.variance(),
            Metric::L1 => errors.l1,
            Metric::Sup => errors.sup,
        };
        Eval { errors, value, pieces, interval: None }
    }

    /// The metric's value of `net` on the given samples (`xs` row-major, `ys` their targets), e.g.
    /// on the training set: MSE/Var f for nMSE, the mean |error| for L1, the largest for sup.
    pub fn on_samples(&self, net: &Mlp, xs: &[f64], ys: &[f64]) -> f64 {
        // In chunks, so that a wide net's activations on a large set stay small in memory.
        const CHUNK: usize = 1 << 14;
        let d = net.dims()[0];
        let mut out = vec![0.0; ys.len()];
        for (o, x) in out.chunks_mut(CHUNK).zip(xs.chunks(CHUNK * d)) {
            net.forward(x, o);
        }
        let n = ys.len().max(1) as f64;
        let errs = out.iter().zip(ys).map(|(o, y)| (o - y).abs());
        match self.metric {
            Metric::Nmse => errs.map(|e| e * e).sum::<f64>() / n / self.target.variance(),
            Metric::L1 => errs.sum::<f64>() / n,
            Metric::Sup => errs.fold(0.0, f64::max),
        }
    }

    /// Errors of `net` against the target.
    pub fn eval(&self, net: &Mlp) -> anyhow::Result<Eval> {
        let (errors, pieces) = if self.is_exact() {
            let g = if net.hidden().len() == 1 { shallow_pwl(net)? } else { pieces::pwl_of(net)? };
            let errors = match (&self.exact, self.quadratic) {
                (Some(t), _) => g.errors(t),
                (None, Some(q)) => quadratic::errors_vs_quadratic(&g, q),
                (None, None) => unreachable!("is_exact"),
            };
            (errors, Some(g.pieces()))
        } else {
            let (xs, ys) = self.sample.as_ref().unwrap();
            let mut out = vec![0.0; ys.len()];
            net.forward(xs, &mut out);
            let n = ys.len() as f64;
            let (mut l1, mut mse, mut sup, mut l1_sq, mut mse_sq) = (0.0, 0.0, 0.0f64, 0.0, 0.0);
            for (o, y) in out.iter().zip(ys) {
                let e = (o - y).abs();
                l1 += e;
                mse += e * e;
                l1_sq += e * e;
                mse_sq += e.powi(4);
                sup = sup.max(e);
            }
            let errors = ExactErrors { l1: l1 / n, mse: mse / n, sup };
            // 1.96 standard errors of the sample mean of |e| or e².
            let half = |sum: f64, sum_sq: f64| 1.96 * ((sum_sq / n - (sum / n).powi(2)).max(0.0) / n).sqrt();
            let interval = match self.metric {
                Metric::Nmse => half(mse, mse_sq) / self.target.variance(),
                Metric::L1 => half(l1, l1_sq),
                // A sample maximum has no such interval; configs refuse sup for sampled targets.
                Metric::Sup => f64::NAN,
            };
            return Ok(Eval { interval: Some(interval), ..self.from_errors(errors, None) });
        };
        Ok(self.from_errors(errors, pieces))
    }
}

/// Exact piecewise-linear form on \[0,1\] of a 1-input, one-hidden-layer net, by a sweep over its
/// sorted breakpoints. Time: O(m log m).
pub fn shallow_pwl(net: &Mlp) -> anyhow::Result<Pwl> {
    anyhow::ensure!(net.input_dim() == 1 && net.hidden().len() == 1, "shallow_pwl needs a 1→m→1 net");
    let (w, b) = net.layer(0);
    let (a, c) = net.layer(1);
    // Slope and intercept of the output on the interval just right of x = 0.
    let (mut slope, mut icpt) = (0.0, c[0]);
    let mut events: Vec<(f64, usize)> = Vec::new();
    for j in 0..w.len() {
        if b[j] > 0.0 || (b[j] == 0.0 && w[j] > 0.0) {
            slope += a[j] * w[j];
            icpt += a[j] * b[j];
        }
        let t = -b[j] / w[j];
        if w[j] != 0.0 && t > 0.0 && t < 1.0 {
            events.push((t, j));
        }
    }
    events.sort_by(|p, q| p.0.total_cmp(&q.0));
    let mut xs = vec![0.0];
    let mut ys = vec![icpt];
    for &(t, j) in &events {
        if t > *xs.last().unwrap() {
            xs.push(t);
            ys.push(icpt + slope * t);
        }
        // Crossing t: a rising unit switches on, a falling one switches off.
        let s = if w[j] > 0.0 { 1.0 } else { -1.0 };
        slope += s * a[j] * w[j];
        icpt += s * a[j] * b[j];
    }
    xs.push(1.0);
    ys.push(icpt + slope);
    Ok(Pwl::new(xs, ys))
}
