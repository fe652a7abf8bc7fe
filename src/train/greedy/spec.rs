//! The greedy trainer's info entry, validation, methods sentence and its sweep as a suite runs it:
//! it grows the ReLU weights themselves, and every width's Monte Carlo error on the held-out set is
//! recorded with its 95% interval (a width reaches τ only when the whole interval is at or below it).

use super::{GreedySettings, sweep};
use crate::train::kind::{Dims, Mode, Prose, TrainerInfo, TrainerKind, WidthRecorder};
use crate::train::{Data, Evaluator, Objective, TrainerId};
use crate::validate::{Invalid, check};
use rand_chacha::ChaCha8Rng;

/// The greedy trainer's info entry.
pub static INFO: TrainerInfo = TrainerInfo {
    id: TrainerId::Greedy,
    name: "greedy",
    dims: Dims::Many,
    mode: Mode::Sweep,
    gradient: false,
    f32: false,
    cites: &["levenberg1944", "marquardt1963", "golub1973"],
    example: "{ kind = \"greedy\" }",
};

impl TrainerKind for GreedySettings {
    fn info(&self) -> &'static TrainerInfo {
        &INFO
    }

    fn validate(&self, at: &str) -> Result<(), Invalid> {
        check((1..=4096).contains(&self.candidates), at, "candidates", &self.candidates, "an integer in 1..=4096")?;
        let ok = (1..=crate::train::MAX_ITERS).contains(&self.global_iters);
        check(ok, at, "global_iters", &self.global_iters, "an integer in 1..=100000")
    }

    fn sweep(
        &self,
        _target: &dyn Objective,
        data: &Data,
        ev: &Evaluator,
        m_max: usize,
        rng: &mut ChaCha8Rng,
        rec: &mut dyn WidthRecorder,
    ) -> anyhow::Result<()> {
        sweep(&data.xs, &data.ys, data.d, self, m_max, rng, |m, net| {
            let e = ev.eval(net)?;
            rec.see(m, e, &mut || Ok(net.clone()))
        })?;
        Ok(())
    }

    fn methods(&self, p: &dyn Prose, _steps: usize, _init: &str) -> String {
        let GreedySettings { candidates, global_iters } = *self;
        format!(
            "{}, greedy growth one ridge unit at a time (each the best fit to the residual among {candidates} \
             random and several data-driven directions, every bias scored at once, refined by Levenberg{}Marquardt), \
             the output layer solved exactly after each insertion, and every unit polished for {global_iters} \
             Levenberg{}Marquardt iterations with the output layer solved inside{} whenever the width grows by a \
             quarter; one sweep per seed gives the error at every width",
            p.code(INFO.name),
            p.dash(),
            p.dash(),
            p.cite(INFO.cites),
        )
    }
}
