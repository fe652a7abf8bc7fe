//! One sweep run: a sweep trainer grows a one-hidden-layer net on one seed's samples, and every
//! width's exact error is kept (the curve), with the weights of the first width that reaches each τ.
//!
//! The curve's error at width m is the exact error of the spline of that width (closed form on the
//! merged knots for 1-D piecewise-linear targets, sampled otherwise). A width whose spline reaches
//! a τ not reached before is converted to ReLU weights at once and the weights' own exact error is
//! recorded instead: a width counts as reaching τ only when its weights do, so every error a search
//! reports is the error of weights it stores.

use super::RunRecord;
use super::plan::RunId;
use crate::family::Target;
use crate::net::Pwl;
use crate::results::RunSummary;
use crate::train::freeknot::{Control, Samples, sweep, to_mlp};
use crate::train::{Eval, Evaluator, Outcome, TrainSettings};
use anyhow::ensure;
use rand::RngExt;
use rand_chacha::ChaCha8Rng;

/// Run the sweep `id` on `target`, stopping at error ≤ `stop`; `id.hidden = [m_max]` caps the width.
pub(super) fn run(
    target: &dyn Target,
    id: &RunId,
    settings: &TrainSettings,
    ev: &Evaluator,
    stop: f64,
    taus: &[f64],
    rng: &mut ChaCha8Rng,
) -> anyhow::Result<RunRecord> {
    let name = settings.optimizer.name();
    let cfg = settings.optimizer.sweep().expect("a sweep trainer");
    ensure!(target.dim() == 1, "the {name} trainer fits 1-D targets; {} has {} inputs", target.label(), target.dim());
    let n = settings.data_n(target.pieces());
    let xs: Vec<f64> = (0..n).map(|_| rng.random()).collect();
    let mut ys = vec![0.0; n];
    target.eval_batch(&xs, &mut ys);
    let samples = Samples::new(&xs, &ys);
    let exact = target.pwl();
    let m_max = id.hidden.first().copied().unwrap_or(usize::MAX);
    let mut curve: Vec<Option<f64>> = Vec::new();
    let mut first: Vec<Option<usize>> = vec![None; taus.len()];
    let mut nets: Vec<(usize, Vec<f64>)> = Vec::new();
    let mut best: Option<(usize, Eval)> = None;
    let mut failure = None;
    sweep(&samples, &cfg, m_max, |m, sp| {
        let e = match &exact {
            Some(t) => {
                let g = Pwl::new(sp.t.clone(), sp.u.clone());
                Ok(ev.from_errors(g.errors(t), Some(g.pieces())))
            }
            None => to_mlp(sp).and_then(|net| ev.eval(&net)),
        };
        let e = match e {
            Ok(e) => e,
            Err(err) => {
                failure = Some(err);
                return Control::Stop;
            }
        };
        let mut v = e.value.is_finite().then_some(e.value);
        let mut net = None;
        if let Some(x) = v
            && first.iter().zip(taus).any(|(f, &tau)| f.is_none() && x <= tau)
        {
            match to_mlp(sp).and_then(|n| Ok((ev.eval(&n)?, n))) {
                Ok((e, n)) => {
                    v = e.value.is_finite().then_some(e.value);
                    net = Some(n);
                }
                Err(err) => {
                    failure = Some(err);
                    return Control::Stop;
                }
            }
        }
        curve.push(v);
        let Some(v) = v else { return Control::Continue };
        let mut keep = false;
        for (f, &tau) in first.iter_mut().zip(taus) {
            if f.is_none() && v <= tau {
                *f = Some(m);
                keep = true;
            }
        }
        if keep && let Some(n) = net.filter(|n| n.n_params() <= super::MAX_STORED_PARAMS) {
            nets.push((m, n.params().to_vec()));
        }
        if best.as_ref().is_none_or(|(_, b)| v < b.value) {
            best = Some((m, e));
        }
        if v <= stop { Control::Stop } else { Control::Continue }
    });
    if let Some(err) = failure {
        return Err(err);
    }
    let reached = curve.last().copied().flatten().is_some_and(|v| v <= stop);
    // Written so that a sweep with no finite error counts as collapsed.
    #[allow(clippy::neg_cmp_op_on_partial_ord)]
    let collapsed = !best.as_ref().is_some_and(|(_, b)| b.value < 0.95 * ev.constant_baseline());
    let summary = RunSummary {
        hidden: vec![best.as_ref().map_or(1, |(m, _)| *m)],
        seed: id.seed,
        error: best.as_ref().map(|(_, b)| b.value),
        errors: best.as_ref().map(|(_, b)| b.errors),
        pieces: best.as_ref().and_then(|(_, b)| b.pieces),
        steps: curve.len(),
        outcome: if reached { Outcome::Reached } else { Outcome::Budget },
        collapsed,
        solve_failures: 0,
        trainer: name.to_string(),
        interval: None,
    };
    Ok(RunRecord { id: id.clone(), stop, summary, weights: vec![], curve, nets })
}
