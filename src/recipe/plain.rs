//! `plain`: the config's initialisation, then its trainer ([`crate::train::fit`]). Every other
//! recipe falls back to it where it does not apply.

use super::spec::{Knowledge, RecipeInfo, RecipeSpec};
use super::{DeepRun, Recipe, Trained};
use crate::family::TargetId;
use crate::train::{Prose, fit};
use rand_chacha::ChaCha8Rng;

/// The `plain` recipe.
pub struct Plain;

/// Its info entry.
pub static INFO: RecipeInfo = RecipeInfo {
    id: Recipe::Plain,
    name: "plain",
    knowledge: Knowledge::Generic,
    why: "only the data and a plain ReLU architecture",
};

impl RecipeSpec for Plain {
    fn info(&self) -> &'static RecipeInfo {
        &INFO
    }

    fn applies(&self, _id: TargetId, _dim: usize, _width: usize, _depth: usize) -> bool {
        true
    }

    fn train(&self, run: &DeepRun, rng: &mut ChaCha8Rng) -> anyhow::Result<Trained> {
        let t = run.id.build()?;
        let hidden = vec![run.width; run.depth];
        let report = fit(t.as_ref(), &hidden, run.settings, &run.evaluator(t.as_ref()), run.tolerances, rng)?;
        Ok(Trained { total_steps: report.steps_used, report, recipe: Recipe::Plain })
    }

    fn methods(&self, _p: &dyn Prose) -> String {
        "from random initialisation".into()
    }
}
