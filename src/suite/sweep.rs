//! One sweep run: a sweep trainer grows a one-hidden-layer net on one seed's samples, and every
//! width's error is kept (the curve), with the weights of the first width that reaches each τ.
//!
//! The trainer grows the net and reports each width ([`crate::train::TrainerKind::sweep`]: `freeknot`
//! in 1-D, `greedy` on d > 1 inputs, each documented in its folder); the [`Recorder`] here keeps the
//! curve, the first width that reaches each τ and its weights. A width whose error may reach a τ not
//! reached before is converted to weights at once and the weights' own error is recorded instead, so
//! every error a search reports is the error of weights it stores. On d > 1 inputs the error is
//! Monte Carlo with its 95% interval, and a width reaches τ only when the whole interval is at or
//! below it.

use super::RunRecord;
use super::plan::RunId;
use crate::family::Target;
use crate::net::Mlp;
use crate::results::RunSummary;
use crate::train::{Control, Eval, Evaluator, Outcome, TrainSettings, TrainerId, WidthRecorder};
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
    let kind = settings.optimizer.kind();
    let name = kind.info().name;
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
    kind.sweep(target, &data, ev, m_max, rng, &mut rec)?;
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

impl WidthRecorder for Recorder<'_> {
    fn see(&mut self, m: usize, e: Eval, weights: &mut dyn FnMut() -> anyhow::Result<Mlp>) -> anyhow::Result<Control> {
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

    fn firsts(&self) -> Vec<Option<usize>> {
        self.first.clone()
    }

    fn reached(&self) -> bool {
        self.reached
    }
}

impl Recorder<'_> {
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
