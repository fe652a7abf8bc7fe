//! What a suite runs, as types: the identity of one training run and the plan of one search.
//!
//! A run's RNG stream is named by [`RunId::stream_name`], the same text as before identities were
//! typed (`"sawtooth k=3 shallow hidden=[8] seed=0"`), so every run keeps its stream and its result.

use super::ReferenceKind;
use crate::family::TargetId;
use crate::search::Search;
use serde::{Deserialize, Serialize};

/// Which net a run trains.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A seed of the trained deep reference.
    Deep,
    /// A seed of a one-hidden-layer net in a width search.
    Shallow,
}

/// The identity of one training run: everything its randomness and its result depend on, besides
/// the config (whose hash guards the run log).
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
        let role = match self.role {
            Role::Deep => "deep",
            Role::Shallow => "shallow",
        };
        format!("{} {role} hidden={:?} seed={}", self.target, self.hidden, self.seed)
    }

    /// The `seeds` shallow runs of width `m` on `target`.
    pub fn shallow(target: TargetId, m: u64, seeds: u32) -> Vec<RunId> {
        (0..seeds).map(|seed| RunId { target, role: Role::Shallow, hidden: vec![m as usize], seed }).collect()
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

/// One search: a target's reference at one floor, its tolerance, and its gallop/bisect state.
#[derive(Debug, Clone)]
pub struct SearchPlan {
    /// Index of the target in the suite's (shard's) target list.
    pub target: usize,
    /// The reference it matches.
    pub reference: ReferenceKind,
    /// The floor of the ladder.
    pub floor: f64,
    /// τ = max(reference error, floor).
    pub tau: f64,
    /// The search state.
    pub search: Search,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_names_keep_the_pre_typed_format() {
        let id = RunId { target: TargetId::Sawtooth { k: 3 }, role: Role::Shallow, hidden: vec![8], seed: 0 };
        assert_eq!(id.stream_name(), "sawtooth k=3 shallow hidden=[8] seed=0");
        let deep = RunId { target: TargetId::Sawtooth { k: 12 }, role: Role::Deep, hidden: vec![8; 2], seed: 2 };
        assert_eq!(deep.stream_name(), "sawtooth k=12 deep hidden=[8, 8] seed=2");
    }
}
