//! The context of one suite run: its config, built targets, early-stopping tolerances and the
//! taus its sweeps keep nets for, and how one planned run ([`RunId`]) is trained. The runner
//! ([`super::runner`]) plans and schedules runs through it; the assembly ([`super::assemble`]) reads
//! finished runs back by their keys.

use super::plan::{Role, RunId, RunKey};
use super::{RunRecord, SuiteConfig};
use crate::family::Target;
use crate::recipe::train_deep;
use crate::results::{RunSummary, ShardInfo};
use crate::rng::run_rng;
use crate::train::{TrainSettings, fit};
use anyhow::Context;
use std::collections::BTreeMap;

/// Finished runs by key.
pub(super) type Cache = BTreeMap<RunKey, RunRecord>;

/// A suite run's context.
pub(super) struct Ctx<'a> {
    pub cfg: &'a SuiteConfig,
    pub targets: Vec<Box<dyn Target>>,
    /// Tolerance at which runs on each target stop early.
    pub stop: Vec<f64>,
    /// Every τ of each target's searches (sweeps keep the net that first reaches each).
    pub taus: Vec<Vec<f64>>,
    /// The shard being run, if any.
    pub shard: Option<ShardInfo>,
}

impl Ctx<'_> {
    /// Index of a run's target in `targets`.
    pub fn index(&self, id: &RunId) -> usize {
        self.targets.iter().position(|t| t.id() == id.target).expect("runs are planned on the suite's targets")
    }
    /// The cache key of run `id`.
    pub fn key(&self, id: &RunId) -> RunKey {
        RunKey::new(id.clone(), self.stop[self.index(id)])
    }
    /// The settings run `id` trains with: the deep table's, or its trainer's shallow table's.
    fn settings(&self, id: &RunId) -> anyhow::Result<&TrainSettings> {
        match id.role.trainer() {
            None => Ok(&self.cfg.deep.train),
            Some(trainer) => {
                self.cfg.shallow.iter().find(|s| s.train.optimizer.id() == trainer).map(|s| &s.train).with_context(
                    || format!("run {} names trainer `{trainer}`, which has no [[shallow]] table", id.stream_name()),
                )
            }
        }
    }

    /// Train run `id` (a deep reference, a sweep, a shallow run, or either of the last two on more
    /// data for the sufficiency check) from its own stream.
    pub fn train(&self, id: &RunId) -> anyhow::Result<RunRecord> {
        let t = self.index(id);
        let target = self.targets[t].as_ref();
        let ev = self.cfg.evaluator(target);
        let mut rng = run_rng(self.cfg.master_seed, &id.stream_name());
        let mut settings = std::borrow::Cow::Borrowed(self.settings(id)?);
        if let Role::Sufficiency { factor, .. } = id.role {
            let s = settings.to_mut();
            s.sampled.min = s.sampled.min.saturating_mul(factor as usize);
            s.sampled.per_param = s.sampled.per_param.saturating_mul(factor as usize);
        }
        if id.role.trainer().is_some_and(|t| t.sweeps()) {
            return super::sweep::run(target, id, &settings, &ev, self.stop[t], &self.taus[t], &mut rng);
        }
        let recipe = self.cfg.deep.recipe_for(id.target.family());
        let rep = if id.role == Role::Deep && !recipe.is_plain() {
            let points = self.cfg.eval_points.unwrap_or(crate::train::SAMPLE_EVAL_POINTS);
            let (w, depth) = (id.hidden[0], id.hidden.len());
            train_deep(recipe, id.target, w, depth, &settings, self.cfg.metric, points, &[self.stop[t]], &mut rng)?
                .report
        } else {
            fit(target, &id.hidden, &settings, &ev, &[self.stop[t]], &mut rng)?
        };
        let finite = rep.best.value.is_finite();
        let p = rep.net.params();
        let keep = p.len() <= super::MAX_STORED_PARAMS && p.iter().all(|v| v.is_finite());
        let weights = if keep { p.to_vec() } else { vec![] };
        let summary = RunSummary {
            hidden: id.hidden.clone(),
            seed: id.seed,
            error: finite.then_some(rep.best.value),
            errors: finite.then_some(rep.best.errors),
            pieces: rep.best.pieces,
            steps: rep.steps_used,
            outcome: rep.outcome,
            collapsed: rep.collapsed,
            solve_failures: rep.solve_failures,
            trainer: settings.optimizer.id(),
            interval: rep.best.interval.filter(|_| finite),
            data_n: (target.dim() > 1).then_some(rep.data_n),
        };
        let stop = self.stop[t];
        Ok(RunRecord { id: id.clone(), stop, summary, weights, curve: vec![], intervals: vec![], nets: vec![] })
    }
}
