//! The free-knot trainer's info entry, validation, methods sentence and its sweep as a suite runs
//! it: the curve's error at width m is the exact error of the spline of that width (closed form on
//! the merged knots) when the target is exactly piecewise linear, else the Monte Carlo error of its
//! weights. A width whose spline may reach a τ not reached before is converted to ReLU weights at
//! once and the weights' own error is recorded instead: a width counts as reaching τ only when its
//! weights do. Where width m first reaches a τ, the last phase ([`super::carry`]) refits the
//! spline's m − 1 knots so that m − 1 units carry them, and that net replaces width m − 1's error
//! when it is lower.

use super::{FreeknotSettings, Samples, sweep, to_mlp};
use crate::net::Pwl;
use crate::net::carried::carried_net;
use crate::train::kind::{Control, Dims, Mode, Prose, TrainerInfo, TrainerKind, WidthRecorder};
use crate::train::{Data, Evaluator, Objective, TrainerId};
use crate::validate::{Invalid, check};
use rand_chacha::ChaCha8Rng;

/// The free-knot trainer's info entry.
pub static INFO: TrainerInfo = TrainerInfo {
    id: TrainerId::Freeknot,
    name: "freeknot",
    dims: Dims::One,
    mode: Mode::Sweep,
    gradient: false,
    f32: false,
    cites: &["jupp1978", "levenberg1944", "marquardt1963", "golub1973"],
    example: "{ kind = \"freeknot\" }",
};

impl TrainerKind for FreeknotSettings {
    fn info(&self) -> &'static TrainerInfo {
        &INFO
    }

    fn validate(&self, at: &str) -> Result<(), Invalid> {
        let iters = |n: &usize| (1..=crate::train::MAX_ITERS).contains(n);
        check(iters(&self.local_iters), at, "local_iters", &self.local_iters, "an integer in 1..=100000")?;
        check(iters(&self.global_iters), at, "global_iters", &self.global_iters, "an integer in 1..=100000")
    }

    fn sweep(
        &self,
        target: &dyn Objective,
        data: &Data,
        ev: &Evaluator,
        m_max: usize,
        _rng: &mut ChaCha8Rng,
        rec: &mut dyn WidthRecorder,
    ) -> anyhow::Result<()> {
        let samples = Samples::new(&data.xs, &data.ys);
        let exact = target.pwl();
        let mut failure = None;
        sweep(&samples, self, m_max, |m, sp| {
            let e = match &exact {
                Some(t) => {
                    let g = Pwl::new(sp.t.clone(), sp.u.clone());
                    Ok(ev.from_errors(g.errors(t), Some(g.pieces())))
                }
                None => to_mlp(sp).and_then(|net| ev.eval(&net)),
            };
            let before = rec.firsts();
            let seen = e.and_then(|e| rec.see(m, e, &mut || to_mlp(sp))).and_then(|c| {
                // The last phase: where width m first reached a τ, m − 1 units carrying the
                // spline's m − 1 knots, refitted to the samples ([`super::carry`]).
                if m >= 2
                    && rec.firsts() != before
                    && let Some((c1, set)) = super::carry::carried(sp, &samples)
                {
                    let net = carried_net(&Pwl::new(c1.t, c1.u), &set)?;
                    rec.improve(m - 1, ev.eval(&net)?, net);
                }
                Ok(if rec.reached() { Control::Stop } else { c })
            });
            match seen {
                Ok(c) => c,
                Err(err) => {
                    failure = Some(err);
                    Control::Stop
                }
            }
        });
        failure.map_or(Ok(()), Err)
    }

    fn methods(&self, p: &dyn Prose, _steps: usize, _init: &str) -> String {
        let FreeknotSettings { window, local_iters, global_iters } = *self;
        format!(
            "{}, greedy free-knot growth (each new knot where the residual needs it, its {window} neighbours \
             on each side polished for {local_iters} Levenberg{}Marquardt iterations, all knots for {global_iters} \
             after each insertion{}) with the output layer solved exactly by variable projection{}; one sweep per \
             seed gives the error at every width",
            p.code(INFO.name),
            p.dash(),
            p.cite(&INFO.cites[..1]),
            p.cite(&INFO.cites[1..]),
        )
    }
}
