//! What a deep recipe is to the rest of depthsep: its info entry ([`RecipeInfo`]: name, declared
//! kind and why it is of that kind) and its behaviour ([`RecipeSpec`]: where it
//! applies, how it trains, its phrase in the methods paragraph). Each recipe implements
//! [`RecipeSpec`] in its own file or folder under `recipe/`; the registry ([`super::registry`])
//! holds the only `match` over recipes.

use super::{DeepRun, Recipe, Trained};
use crate::family::TargetId;
use crate::train::Prose;
use rand_chacha::ChaCha8Rng;

/// Whether a recipe builds in knowledge of the target's form. Declared by every recipe, never
/// defaulted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Knowledge {
    /// Only the data and a standard ReLU architecture (a curriculum's stages are the family's
    /// shallower members: data of the same kind).
    Generic,
    /// The parametrisation or the start contains the target's form.
    StructureAware,
}

/// A recipe's info entry.
#[derive(Debug, Clone, Copy)]
pub struct RecipeInfo {
    /// Its typed id (what configs and results store).
    pub id: Recipe,
    /// Its name in configs and results.
    pub name: &'static str,
    /// Generic or structure-aware.
    pub knowledge: Knowledge,
    /// Why it is of that kind, as the methods paragraph says it (after a colon).
    pub why: &'static str,
}

/// One recipe's behaviour.
pub trait RecipeSpec: Sync {
    /// Its info entry.
    fn info(&self) -> &'static RecipeInfo;

    /// Whether it applies to target `id` (with `dim` inputs) at `width` and `depth`; where it does
    /// not, `plain` runs instead and the results say so. Uses no randomness.
    fn applies(&self, id: TargetId, dim: usize, width: usize, depth: usize) -> bool;

    /// Train `run` (only called where [`Self::applies`]).
    fn train(&self, run: &DeepRun, rng: &mut ChaCha8Rng) -> anyhow::Result<Trained>;

    /// How it trains, for the methods paragraph: `trained {phrase} (families; …)`.
    fn methods(&self, p: &dyn Prose) -> String;
}
