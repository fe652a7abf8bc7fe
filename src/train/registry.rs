//! The trainers' registry: the only place that lists them. A config's `optimizer` is one of
//! [`Optimizer`]'s variants, each holding its trainer's typed settings (tagged by `kind`); results
//! and run ids store its [`TrainerId`]. Everything else asks the trainer through
//! [`TrainerKind`] ([`Optimizer::kind`]) or reads its [`TrainerInfo`] ([`TrainerId::info`]).
//!
//! Adding a trainer: its folder `train/<name>/` (settings, info entry, implementation, tests), then
//! here a variant of [`Optimizer`], a variant of [`TrainerId`] (in the names' alphabetical order:
//! run ids sort by it), its arm in [`Optimizer::kind`] and in [`TrainerId::info`], and its entry in
//! [`TrainerId::ALL`]. The compiler finds any arm left out.

use super::adam::AdamSettings;
use super::freeknot::FreeknotSettings;
use super::greedy::GreedySettings;
use super::hybrid::HybridSettings;
use super::kind::{TrainerInfo, TrainerKind};
use super::lm::LmSettings;
use super::rmsprop::RmspropSettings;
use super::sgd::SgdSettings;
use serde::{Deserialize, Serialize};

/// The trainer and its own settings, as the config writes it: `{ kind = "adam", lr = …, … }`.
/// Serialised exactly as the former struct variants were, so config hashes are unchanged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Optimizer {
    /// Plain Adam on all parameters ([`super::adam`]).
    Adam(AdamSettings),
    /// Least-squares output solves with Adam between ([`super::hybrid`]).
    Hybrid(HybridSettings),
    /// Levenberg–Marquardt on every parameter ([`super::lm`]).
    Lm(LmSettings),
    /// SGD with heavy-ball momentum ([`super::sgd`]).
    Sgd(SgdSettings),
    /// RMSprop as PyTorch runs it ([`super::rmsprop`]).
    Rmsprop(RmspropSettings),
    /// Greedy free-knot growth in 1-D, one sweep per seed ([`super::freeknot`]).
    Freeknot(FreeknotSettings),
    /// Greedy ridge-unit growth on d > 1 inputs, one sweep per seed ([`super::greedy`]).
    Greedy(GreedySettings),
}

impl Optimizer {
    /// The trainer's behaviour.
    pub fn kind(&self) -> &dyn TrainerKind {
        match self {
            Optimizer::Adam(s) => s,
            Optimizer::Hybrid(s) => s,
            Optimizer::Lm(s) => s,
            Optimizer::Sgd(s) => s,
            Optimizer::Rmsprop(s) => s,
            Optimizer::Freeknot(s) => s,
            Optimizer::Greedy(s) => s,
        }
    }
}

/// Which trainer a run or a search used, as run ids and results name it. Serialised as the config's
/// name (`"adam"`, …); the variants are in the names' alphabetical order, so sorting run ids sorts
/// by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TrainerId {
    /// [`Optimizer::Adam`].
    Adam,
    /// [`Optimizer::Freeknot`].
    Freeknot,
    /// [`Optimizer::Greedy`].
    Greedy,
    /// [`Optimizer::Hybrid`].
    Hybrid,
    /// [`Optimizer::Lm`].
    Lm,
    /// [`Optimizer::Rmsprop`].
    Rmsprop,
    /// [`Optimizer::Sgd`].
    Sgd,
}

impl TrainerId {
    /// Every trainer, in the names' order.
    pub const ALL: [TrainerId; 7] = [
        TrainerId::Adam,
        TrainerId::Freeknot,
        TrainerId::Greedy,
        TrainerId::Hybrid,
        TrainerId::Lm,
        TrainerId::Rmsprop,
        TrainerId::Sgd,
    ];

    /// Its info entry.
    pub fn info(self) -> &'static TrainerInfo {
        match self {
            TrainerId::Adam => &super::adam::INFO,
            TrainerId::Freeknot => &super::freeknot::INFO,
            TrainerId::Greedy => &super::greedy::INFO,
            TrainerId::Hybrid => &super::hybrid::INFO,
            TrainerId::Lm => &super::lm::INFO,
            TrainerId::Rmsprop => &super::rmsprop::INFO,
            TrainerId::Sgd => &super::sgd::INFO,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_trainer_is_listed_once_in_name_order_and_its_info_names_itself() {
        let names: Vec<&str> = TrainerId::ALL.iter().map(|t| t.name()).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(names, sorted, "ALL is in the names' order, each once");
        let mut ids = TrainerId::ALL.to_vec();
        ids.sort();
        assert_eq!(ids, TrainerId::ALL, "the variants sort as their names");
        for t in TrainerId::ALL {
            assert_eq!(t.info().id, t);
            assert_eq!(serde_json::to_value(t).unwrap(), t.name());
        }
    }
}
