//! One sweep run: a sweep trainer grows a one-hidden-layer net on one seed's samples, and every
//! width's error is kept (the curve), with the weights of the first width that reaches each τ.
//!
//! `freeknot` (1-D) grows splines: the curve's error at width m is the exact error of the spline of
//! that width (closed form on the merged knots), and a width whose spline reaches a τ not reached
//! before is converted to ReLU weights at once and the weights' own exact error is recorded instead:
//! a width counts as reaching τ only when its weights do. Where width m first reaches a τ, the
//! last phase ([`freeknot::carry`]) refits the spline's m − 1 knots so that m − 1 units carry them,
//! and that net replaces width m − 1's error when it is lower. `greedy` (d > 1 inputs) grows the ReLU
//! weights themselves; their Monte Carlo error on the held-out set is recorded with its 95%
//! interval, and a width reaches τ only when the whole interval is at or below it. Either way, every
//! error a search reports is the error of weights it stores.

use super::RunRecord;
use super::plan::RunId;
use crate::family::Target;
use crate::net::carried::carried_net;
use crate::net::{Mlp, Pwl};
use crate::results::RunSummary;
use crate::train::freeknot::{self, Control, Samples, to_mlp};
use crate::train::{Eval, Evaluator, Outcome, Sweep, TrainSettings, TrainerId, greedy};
use anyhow::ensure;
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
    let sweep = settings.optimizer.sweep().expect("a sweep trainer");
    let d = target.dim();
    ensure!(settings.optimizer.fits_dim(d), "the {name} trainer does not fit {} ({d} inputs)", target.label());
    let m_max = id.hidden.first().copied().unwrap_or(usize::MAX);
    let data = crate::train::data::draw(target, settings.points(target, Mlp::count_params(d, &[m_max])), rng)?;
    let mut rec = Recorder {
        ev,
        taus,
        stop,
        curve: vec![],
        intervals: vec![],
        first: vec![None; taus.len()],
        nets: vec![],
        best: None,
        reached: false,
    };
    match sweep {
        Sweep::Freeknot(cfg) => {
            let samples = Samples::new(&data.xs, &data.ys);
            let exact = target.pwl();
            let mut failure = None;
            freeknot::sweep(&samples, &cfg, m_max, |m, sp| {
                let e = match &exact {
                    Some(t) => {
                        let g = Pwl::new(sp.t.clone(), sp.u.clone());
                        Ok(ev.from_errors(g.errors(t), Some(g.pieces())))
                    }
                    None => to_mlp(sp).and_then(|net| ev.eval(&net)),
                };
                let before = rec.first.clone();
                let seen = e.and_then(|e| rec.see(m, e, || to_mlp(sp))).and_then(|c| {
                    // The last phase: where width m first reached a τ, m − 1 units carrying the
                    // spline's m − 1 knots, refitted to the samples ([`freeknot::carry`]).
                    if m >= 2
                        && rec.first != before
                        && let Some((c1, set)) = freeknot::carry::carried(sp, &samples)
                    {
                        let net = carried_net(&Pwl::new(c1.t, c1.u), &set)?;
                        rec.improve(m - 1, ev.eval(&net)?, net);
                    }
                    Ok(if rec.reached { Control::Stop } else { c })
                });
                match seen {
                    Ok(c) => c,
                    Err(err) => {
                        failure = Some(err);
                        Control::Stop
                    }
                }
            });
            if let Some(err) = failure {
                return Err(err);
            }
        }
        Sweep::Greedy(cfg) => {
            greedy::sweep(&data.xs, &data.ys, d, &cfg, m_max, rng, |m, net| {
                let e = ev.eval(net)?;
                rec.see(m, e, || Ok(net.clone()))
            })?;
        }
    }
    Ok(rec.finish(id, settings.optimizer.id(), (d > 1).then_some(data.ys.len())))
}

/// What a sweep has seen so far.
struct Recorder<'a> {
    ev: &'a Evaluator<'a>,
    taus: &'a [f64],
    stop: f64,
    curve: Vec<Option<f64>>,
    intervals: Vec<f64>,
    first: Vec<Option<usize>>,
    nets: Vec<(usize, Vec<f64>)>,
    best: Option<(usize, Eval)>,
    /// The last width seen reached the stop tolerance.
    reached: bool,
}

impl Recorder<'_> {
    /// See width `m` with error `e`; `weights` gives the net of that width (called only when it may
    /// reach a new τ, and its own error then replaces `e`).
    fn see(&mut self, m: usize, e: Eval, weights: impl FnOnce() -> anyhow::Result<Mlp>) -> anyhow::Result<Control> {
        let new_tau = |e: &Eval, first: &[Option<usize>]| {
            e.value.is_finite() && first.iter().zip(self.taus).any(|(f, &tau)| f.is_none() && e.reaches(tau))
        };
        let (mut e, mut net) = (e, None);
        // The best width's summary keeps the error as first seen (for freeknot the spline's, equal to
        // its weights' to round-off), so that run logs stay byte-identical to earlier versions.
        let seen = e;
        if new_tau(&e, &self.first) {
            let n = weights()?;
            e = self.ev.eval(&n)?;
            net = Some(n);
        }
        let finite = e.value.is_finite();
        self.curve.push(finite.then_some(e.value));
        if let Some(iv) = e.interval {
            self.intervals.push(if finite { iv } else { f64::INFINITY });
        }
        if !finite {
            return Ok(Control::Continue);
        }
        let mut keep = false;
        for (f, &tau) in self.first.iter_mut().zip(self.taus) {
            if f.is_none() && e.reaches(tau) {
                *f = Some(m);
                keep = true;
            }
        }
        if keep && let Some(n) = net.filter(|n| n.n_params() <= super::MAX_STORED_PARAMS) {
            self.nets.push((m, n.params().to_vec()));
        }
        if self.best.as_ref().is_none_or(|(_, b)| e.value < b.value) {
            self.best = Some((m, seen));
        }
        self.reached = e.reaches(self.stop);
        Ok(if self.reached { Control::Stop } else { Control::Continue })
    }

    /// A second net of width `m` (already seen) with error `e`: it replaces the curve's error at m
    /// when lower, and takes every τ it reaches whose first width was larger, with its weights.
    fn improve(&mut self, m: usize, e: Eval, net: Mlp) {
        if !e.value.is_finite() || self.curve.get(m - 1).copied().flatten().is_some_and(|c| c <= e.value) {
            return;
        }
        self.curve[m - 1] = Some(e.value);
        let mut keep = false;
        for (f, &tau) in self.first.iter_mut().zip(self.taus) {
            if e.reaches(tau) && f.is_none_or(|w| w > m) {
                *f = Some(m);
                keep = true;
            }
        }
        if keep && net.n_params() <= super::MAX_STORED_PARAMS {
            self.nets.retain(|(w, _)| *w != m);
            self.nets.push((m, net.params().to_vec()));
            self.nets.sort_by_key(|(w, _)| *w);
        }
        if self.best.as_ref().is_none_or(|(_, b)| e.value < b.value) {
            self.best = Some((m, e));
        }
        self.reached |= e.reaches(self.stop);
    }

    fn finish(self, id: &RunId, trainer: TrainerId, data_n: Option<usize>) -> RunRecord {
        // Written so that a sweep with no finite error counts as collapsed.
        #[allow(clippy::neg_cmp_op_on_partial_ord)]
        let collapsed = self.best.as_ref().is_none_or(|(_, b)| self.ev.collapsed(b.value));
        let best = self.best.as_ref();
        let summary = RunSummary {
            hidden: vec![best.map_or(1, |(m, _)| *m)],
            seed: id.seed,
            error: best.map(|(_, b)| b.value),
            errors: best.map(|(_, b)| b.errors),
            pieces: best.and_then(|(_, b)| b.pieces),
            steps: self.curve.len(),
            outcome: if self.reached { Outcome::Reached } else { Outcome::Budget },
            collapsed,
            solve_failures: 0,
            trainer,
            interval: best.and_then(|(_, b)| b.interval),
            data_n,
        };
        RunRecord {
            id: id.clone(),
            stop: self.stop,
            summary,
            weights: vec![],
            curve: self.curve,
            intervals: self.intervals,
            nets: self.nets,
        }
    }
}
