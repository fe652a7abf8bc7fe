//! `layerwise`: grown like the curriculum, but every stage trains on the target itself (the
//! function-preserving deepening of Net2Net, Chen, Goodfellow & Shlens 2016, with greedy
//! layer-wise growth, Bengio et al. 2007): generic, it needs no family of shallower targets. The
//! prepended layer passes x ≥ 0 on through one unit, so it needs one input.

use super::spec::{Knowledge, RecipeInfo, RecipeSpec};
use super::{DeepRun, Recipe, Trained};
use crate::family::TargetId;
use crate::train::Prose;
use rand_chacha::ChaCha8Rng;

/// The `layerwise` recipe.
pub struct Layerwise;

/// Its info entry.
pub static INFO: RecipeInfo = RecipeInfo {
    id: Recipe::Layerwise,
    name: "layerwise",
    knowledge: Knowledge::Generic,
    why: "only the data and a plain ReLU architecture",
};

impl RecipeSpec for Layerwise {
    fn info(&self) -> &'static RecipeInfo {
        &INFO
    }

    fn applies(&self, _id: TargetId, dim: usize, _width: usize, _depth: usize) -> bool {
        dim == 1
    }

    fn train(&self, run: &DeepRun, rng: &mut ChaCha8Rng) -> anyhow::Result<Trained> {
        let targets = (0..run.depth).map(|_| run.id.build()).collect::<Result<Vec<_>, _>>()?;
        super::grow::grown(run, Recipe::Layerwise, &targets, rng)
    }

    fn methods(&self, _p: &dyn Prose) -> String {
        "grown one function-preserving layer at a time on the target itself".into()
    }
}
