//! What a suite runs, as types: the identity of one training run and the plan of one search.
//!
//! A run's RNG stream is named by [`RunId::stream_name`], the same text as before identities were
//! typed (`"sawtooth k=3 shallow hidden=[8] seed=0"`), so every run keeps its stream and its result.

use super::{ReferenceKind, SuiteConfig};
use crate::family::{Target, TargetId};
use crate::search::Search;
use crate::train::TrainerId;
use serde::{Deserialize, Serialize};

/// Which net a run trains.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A seed of the trained deep reference.
    Deep,
    /// A seed of a one-hidden-layer net of one width in a width search, by a step trainer.
    Shallow {
        /// The step trainer (`adam`, `hybrid`).
        trainer: TrainerId,
    },
    /// A seed of a whole width sweep by a sweep trainer (`freeknot`, `greedy`).
    Sweep {
        /// The sweep trainer (`freeknot`, `greedy`).
        trainer: TrainerId,
    },
    /// A seed of the sufficiency check on `factor` times the training points: a sweep trainer's
    /// whole sweep, or a step trainer's run at one width its search tried.
    Sufficiency {
        /// The shallow trainer.
        trainer: TrainerId,
        /// How many times the data rule's points.
        factor: u32,
    },
}

impl Role {
    /// The shallow trainer, if any.
    pub fn trainer(&self) -> Option<TrainerId> {
        match *self {
            Role::Deep => None,
            Role::Shallow { trainer } | Role::Sweep { trainer } | Role::Sufficiency { trainer, .. } => Some(trainer),
        }
    }
}

/// The identity of one training run: everything its randomness and its result depend on, besides
/// the config (whose hash guards the run log). Step trainers share the stream of a (width, seed):
/// `adam` and `hybrid` see the same data and initial weights, so their gap is the method's alone.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct RunId {
    /// The target.
    pub target: TargetId,
    /// Deep reference or shallow search.
    pub role: Role,
    /// Hidden widths.
    pub hidden: Vec<usize>,
    /// Seed index.
    pub seed: u32,
}

impl RunId {
    /// The name of the run's RNG stream (see [`crate::rng::run_rng`]).
    pub fn stream_name(&self) -> String {
        match self.role {
            Role::Deep => format!("{} deep hidden={:?} seed={}", self.target, self.hidden, self.seed),
            Role::Shallow { .. } => format!("{} shallow hidden={:?} seed={}", self.target, self.hidden, self.seed),
            Role::Sweep { .. } => format!("{} sweep seed={}", self.target, self.seed),
            Role::Sufficiency { trainer, factor } if trainer.sweeps() => {
                format!("{} sweep seed={} data={factor}x", self.target, self.seed)
            }
            Role::Sufficiency { factor, .. } => {
                format!("{} shallow hidden={:?} seed={} data={factor}x", self.target, self.hidden, self.seed)
            }
        }
    }

    /// The `seeds` shallow runs of width `m` on `target` by `trainer`.
    pub fn shallow(target: TargetId, trainer: TrainerId, m: u64, seeds: u32) -> Vec<RunId> {
        let role = Role::Shallow { trainer };
        (0..seeds).map(|seed| RunId { target, role: role.clone(), hidden: vec![m as usize], seed }).collect()
    }
}

/// The key of a finished run: its identity and the tolerance at which it stopped early.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RunKey {
    /// The run.
    pub id: RunId,
    /// `f64::to_bits` of its stop tolerance.
    pub stop_bits: u64,
}

impl RunKey {
    /// The key of run `id` stopped at `stop`.
    pub fn new(id: RunId, stop: f64) -> Self {
        Self { id, stop_bits: stop.to_bits() }
    }
}

/// One search: a target's reference at one floor, for one shallow trainer, its tolerance, and its
/// gallop/bisect state (sweep trainers answer from their curves and leave it unused).
#[derive(Debug, Clone)]
pub struct SearchPlan {
    /// Index of the target in the suite's (shard's) target list.
    pub target: usize,
    /// Index of the shallow trainer in the config's `[[shallow]]` list.
    pub trainer: usize,
    /// The reference it matches.
    pub reference: ReferenceKind,
    /// The floor of the ladder.
    pub floor: f64,
    /// τ = max(reference error, floor).
    pub tau: f64,
    /// The gallop/bisect state of a step trainer; `None` for a sweep trainer.
    pub search: Option<Search>,
}

/// The runs of every trained deep reference of `targets`: one per seed.
pub(super) fn deep_runs(cfg: &SuiteConfig, targets: &[Box<dyn Target>]) -> Vec<RunId> {
    let trained = cfg.references.contains(&ReferenceKind::Trained);
    targets
        .iter()
        .filter(|t| trained && cfg.references_for(t.as_ref()).contains(&ReferenceKind::Trained))
        .flat_map(|t| {
            let (target, hidden) = (t.id(), cfg.deep_hidden(t.as_ref()));
            (0..cfg.deep.seeds).map(move |seed| RunId { target, role: Role::Deep, hidden: hidden.clone(), seed })
        })
        .collect()
}

/// The sweep trainers' runs on the targets `keep` selects, one per trainer and seed, each named by
/// `role` (its sweep, or its sufficiency check).
pub(super) fn sweep_runs(
    cfg: &SuiteConfig,
    targets: &[Box<dyn Target>],
    keep: &dyn Fn(&dyn Target) -> bool,
    role: &dyn Fn(TrainerId) -> Role,
) -> Vec<RunId> {
    let mut runs = Vec::new();
    for t in targets.iter().filter(|t| keep(t.as_ref())) {
        for (i, sh) in cfg.shallow.iter().enumerate() {
            if sh.train.optimizer.sweeps() && cfg.searches(i, t.as_ref()) {
                let (target, m_max, role) = (t.id(), cfg.m_max(i, t.as_ref()), role(sh.train.optimizer.id()));
                runs.extend((0..sh.seeds).map(|seed| RunId { target, role: role.clone(), hidden: vec![m_max], seed }));
            }
        }
    }
    runs
}

/// Whether the sufficiency check reruns `t`.
pub(super) fn checked(cfg: &SuiteConfig, t: &dyn Target) -> bool {
    cfg.sufficiency.as_ref().is_some_and(|s| s.targets.contains(&t.id()))
}

/// Every search of the suite, in plan order: (target index, shallow trainer index, reference kind,
/// floor), sweep trainers' included.
pub(super) fn search_cells(cfg: &SuiteConfig, targets: &[Box<dyn Target>]) -> Vec<(usize, usize, ReferenceKind, f64)> {
    let mut cells = Vec::new();
    for (t, target) in targets.iter().enumerate() {
        for i in (0..cfg.shallow.len()).filter(|&i| cfg.searches(i, target.as_ref())) {
            for kind in cfg.references_for(target.as_ref()) {
                cells.extend(cfg.floors_for(target.as_ref()).into_iter().map(|floor| (t, i, kind, floor)));
            }
        }
    }
    cells
}

/// The progress bar's total, known before anything runs: every deep reference run, every sweep
/// run (with the sufficiency check's) and every step-trainer search of `targets`, from the same
/// plan the runner executes. The step trainers' sufficiency runs, whose widths are known only when
/// their searches end, are added to the bar then.
pub fn task_count(cfg: &SuiteConfig, targets: &[Box<dyn Target>]) -> u64 {
    let sweeps = sweep_runs(cfg, targets, &|_| true, &|trainer| Role::Sweep { trainer }).len();
    let factor = cfg.sufficiency.as_ref().map_or(2, |s| s.factor);
    let checks = sweep_runs(cfg, targets, &|t| checked(cfg, t), &|trainer| Role::Sufficiency { trainer, factor });
    let searches =
        search_cells(cfg, targets).iter().filter(|(_, i, _, _)| !cfg.shallow[*i].train.optimizer.sweeps()).count();
    (deep_runs(cfg, targets).len() + sweeps + checks.len() + searches) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_names_keep_the_pre_typed_format() {
        let role = Role::Shallow { trainer: TrainerId::Hybrid };
        let id = RunId { target: TargetId::Sawtooth { k: 3 }, role, hidden: vec![8], seed: 0 };
        assert_eq!(id.stream_name(), "sawtooth k=3 shallow hidden=[8] seed=0");
        let adam = RunId { role: Role::Shallow { trainer: TrainerId::Adam }, ..id.clone() };
        assert_eq!(adam.stream_name(), id.stream_name(), "step trainers share data and initial weights");
        assert_ne!(adam, id, "but are different runs");
        let deep = RunId { target: TargetId::Sawtooth { k: 12 }, role: Role::Deep, hidden: vec![8; 2], seed: 2 };
        assert_eq!(deep.stream_name(), "sawtooth k=12 deep hidden=[8, 8] seed=2");
    }
}
