//! `curriculum`: a warm start. Train depth 1 on the family's first target, then for j = 2..L
//! prepend one layer to the trained depth-(j−1) net ([`super::grow::prepend_layer`], which computes
//! the same function exactly) and train it on target j. Δ^j = Δ^{j−1} ∘ Δ, so the new first layer
//! has to learn Δ. Needs one input and a family whose construction depth is its parameter, at that
//! depth. Generic: the stages are the family's shallower members, data of the same kind.

use super::spec::{Knowledge, RecipeInfo, RecipeSpec};
use super::{DeepRun, Recipe, Trained};
use crate::family::TargetId;
use crate::train::Prose;
use rand_chacha::ChaCha8Rng;

/// The `curriculum` recipe.
pub struct Curriculum;

/// Its info entry.
pub static INFO: RecipeInfo = RecipeInfo {
    id: Recipe::Curriculum,
    name: "curriculum",
    knowledge: Knowledge::Generic,
    why: "only the data and a plain ReLU architecture",
};

impl RecipeSpec for Curriculum {
    fn info(&self) -> &'static RecipeInfo {
        &INFO
    }

    fn applies(&self, id: TargetId, dim: usize, _width: usize, depth: usize) -> bool {
        dim == 1 && super::staged(id, depth)
    }

    fn train(&self, run: &DeepRun, rng: &mut ChaCha8Rng) -> anyhow::Result<Trained> {
        let targets = super::stages(run.id, run.depth)?.ok_or_else(|| anyhow::anyhow!("no curriculum here"))?;
        super::grow::grown(run, Recipe::Curriculum, &targets, rng)
    }

    fn methods(&self, _p: &dyn Prose) -> String {
        "by a warm-start curriculum, one layer prepended per depth".into()
    }
}
