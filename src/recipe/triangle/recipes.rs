//! The two recipes in the triangle-wave parametrisation ([`super`]), both *structure-aware*: every
//! layer starts as a tent map T_a, a family that contains the sawtooth's layers exactly (a = ½).
//!
//! - `triangle`: the a's (from U(0.2, 0.8)) trained by Adam on the target with the output scale
//!   and offset solved exactly, then the net written as a plain ReLU net ([`super::to_mlp`]) and
//!   trained freely.
//! - `triangle_curriculum`: the same grown one layer at a time: stage j keeps the a's trained on
//!   target j − 1 fixed and trains a new a_j on target j (training them jointly moved the earlier
//!   a's by Adam's step size, and depth amplifies that: measured, it failed from k = 7).
//!
//! Both need one input, width ≥ 2 and a family whose construction depth is its parameter, at that
//! depth.

use crate::family::{Target, TargetId};
use crate::net::Mlp;
use crate::recipe::spec::{Knowledge, RecipeInfo, RecipeSpec};
use crate::recipe::{DeepRun, Recipe, Trained, keep_start, staged, stages};
use crate::train::{Prose, sample};
use rand::RngExt;
use rand_chacha::ChaCha8Rng;

/// The `triangle` recipe.
pub struct Triangle;
/// The `triangle_curriculum` recipe.
pub struct TriangleCurriculum;

const WHY: &str = "every layer starts as a tent map, a family that contains the sawtooth's layers exactly, so this \
                   recipe builds in the target's form";

/// `triangle`'s info entry.
pub static TRIANGLE: RecipeInfo =
    RecipeInfo { id: Recipe::Triangle, name: "triangle", knowledge: Knowledge::StructureAware, why: WHY };
/// `triangle_curriculum`'s info entry.
pub static TRIANGLE_CURRICULUM: RecipeInfo = RecipeInfo {
    id: Recipe::TriangleCurriculum,
    name: "triangle_curriculum",
    knowledge: Knowledge::StructureAware,
    why: WHY,
};

fn applies(id: TargetId, dim: usize, width: usize, depth: usize) -> bool {
    dim == 1 && width >= 2 && staged(id, depth)
}

impl RecipeSpec for Triangle {
    fn info(&self) -> &'static RecipeInfo {
        &TRIANGLE
    }
    fn applies(&self, id: TargetId, dim: usize, width: usize, depth: usize) -> bool {
        applies(id, dim, width, depth)
    }
    fn train(&self, run: &DeepRun, rng: &mut ChaCha8Rng) -> anyhow::Result<Trained> {
        pretrained(run, Recipe::Triangle, false, rng)
    }
    fn methods(&self, p: &dyn Prose) -> String {
        format!("in the triangle-wave parametrisation{}, then freely", p.cite(&["milkert2025"]))
    }
}

impl RecipeSpec for TriangleCurriculum {
    fn info(&self) -> &'static RecipeInfo {
        &TRIANGLE_CURRICULUM
    }
    fn applies(&self, id: TargetId, dim: usize, width: usize, depth: usize) -> bool {
        applies(id, dim, width, depth)
    }
    fn train(&self, run: &DeepRun, rng: &mut ChaCha8Rng) -> anyhow::Result<Trained> {
        pretrained(run, Recipe::TriangleCurriculum, true, rng)
    }
    fn methods(&self, p: &dyn Prose) -> String {
        format!(
            "in the triangle-wave parametrisation{} grown one layer per depth, then freely",
            p.cite(&["milkert2025"])
        )
    }
}

/// Pretrain the a's (on every stage's target when `every_stage`, else on the last only), solve
/// the output, write the ReLU net and train it freely.
fn pretrained(run: &DeepRun, recipe: Recipe, every_stage: bool, rng: &mut ChaCha8Rng) -> anyhow::Result<Trained> {
    let targets: Vec<Box<dyn Target>> =
        stages(run.id, run.depth)?.ok_or_else(|| anyhow::anyhow!("no triangle stages here"))?;
    let (settings, last) = (run.settings, targets.len() - 1);
    let mut total = 0;
    let mut a: Vec<f64> = Vec::new();
    let mut data = None;
    for (j, t) in targets.iter().enumerate() {
        if !every_stage && j < last {
            continue;
        }
        let d = sample(t.as_ref(), settings, Mlp::count_params(t.dim(), &vec![run.width; j + 1]), rng)?;
        let from = a.len();
        while a.len() < j + 1 {
            a.push(rng.random_range(0.2..0.8));
        }
        total += super::pretrain(&mut a, from, &d, settings.steps.max(1));
        data = Some(d);
    }
    let data = data.expect("the last stage ran");
    let (s, c) = super::output_fit(&a, &data);
    let net = super::to_mlp(&a, s, c, run.width, rng)?;
    let ev = run.evaluator(targets[last].as_ref());
    let rep = keep_start(net, &data, settings, &ev, run.tolerances, rng)?;
    total += rep.steps_used;
    Ok(Trained { report: rep, recipe, total_steps: total })
}
