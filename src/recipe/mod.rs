//! Recipes for training a deep reference net, none of which copies a constructed net's weights:
//!
//! - `plain`: the config's initialisation, then its trainer ([`crate::train::fit`]).
//! - `curriculum`: a warm start. Train depth 1 on the family's first target, then for j = 2..L
//!   prepend one layer to the trained depth-(j−1) net ([`grow::prepend_layer`], which computes the
//!   same function exactly: its first unit passes x ≥ 0 on, the others start with zero outgoing
//!   weights) and train it on target j. Δ^j = Δ^{j−1} ∘ Δ, so the new first layer has to learn Δ.
//! - `triangle`: the triangle-wave reparametrisation of Milkert, Hyde & Laine (ICML 2025,
//!   arXiv:2311.18022). Every layer computes a triangle wave T_a(y) = y/a for y < a,
//!   (1 − y)/(1 − a) above, so a depth-L net has exactly 2^L pieces for every a ∈ (0,1)^L; the a's
//!   (from U(0.2, 0.8)) are trained by Adam with the output scale and offset solved exactly, then
//!   the net is written as a plain ReLU net ([`triangle::to_mlp`]) and trained freely.
//! - `triangle_curriculum`: the same parametrisation grown one layer at a time: stage j keeps the
//!   a's trained on target j − 1 fixed and trains a new a_j (drawn from U(0.2, 0.8)) on target j
//!   (training them jointly moved the earlier a's by Adam's step size, and depth amplifies that:
//!   measured, it failed from k = 7).
//!
//! - `layerwise`: grown like the curriculum, but every stage trains on the target itself (the
//!   function-preserving deepening of Net2Net, Chen, Goodfellow & Shlens 2016, with greedy
//!   layer-wise growth, Bengio et al. 2007): generic, it needs no family of shallower targets.
//!
//! `triangle` and `triangle_curriculum` are *structure-aware* (a tent-map layer contains the
//! sawtooth's); the rest are *generic*. Each recipe declares its kind in its info entry
//! ([`RecipeInfo`]) and lives in its own file or folder; the registry ([`registry`]) lists them.
//!
//! Curricula need a family whose construction depth is its parameter (sawtooth, golden, Takagi,
//! x²) and the depth "k"; the triangle needs one input. Elsewhere a recipe falls back to `plain`
//! and says so in [`Trained::recipe`].

pub mod curriculum;
pub mod grow;
pub mod layerwise;
pub mod net2deeper;
pub mod plain;
pub mod registry;
pub mod spec;
pub mod triangle;

pub use registry::Recipe;
pub use spec::{Knowledge, RecipeInfo, RecipeSpec};

use crate::family::{Target, TargetId};
use crate::net::Mlp;
use crate::train::{Data, Evaluator, Metric, RunReport, TrainSettings, fit_from};
use rand_chacha::ChaCha8Rng;

/// The recipe that trains a deep reference of target `id` (with `dim` inputs) at `width` and
/// `depth` when `configured` is asked for: itself where it applies ([`RecipeSpec::applies`]), else
/// `plain`, exactly as [`train_deep`] falls back.
pub fn effective(configured: Recipe, id: TargetId, dim: usize, width: usize, depth: usize) -> Recipe {
    if configured.spec().applies(id, dim, width, depth) { configured } else { Recipe::Plain }
}

/// The label of a recipe that knows the target's form ([`Recipe::structure_aware`]).
pub const STRUCTURE_AWARE: &str = "structure-aware";

/// A trained deep net and the recipe that actually ran.
pub struct Trained {
    /// The fit of the last stage.
    pub report: RunReport,
    /// The recipe used (the requested one, or `plain` where it does not apply).
    pub recipe: Recipe,
    /// Steps taken over all stages (pretraining included).
    pub total_steps: usize,
}

/// One deep reference to train: the target, the net's shape, the trainer's settings, how each stage
/// is evaluated and the tolerances of the ladder ([`crate::train::fit`]).
pub struct DeepRun<'a> {
    /// The target.
    pub id: TargetId,
    /// Hidden width of every layer.
    pub width: usize,
    /// Hidden layers.
    pub depth: usize,
    /// The trainer's settings.
    pub settings: &'a TrainSettings,
    /// The metric of every stage's evaluation.
    pub metric: Metric,
    /// Monte Carlo points of that evaluation on sampled targets.
    pub eval_points: usize,
    /// The tolerance ladder of the last stage.
    pub tolerances: &'a [f64],
}

impl DeepRun<'_> {
    /// The evaluator of one stage's target.
    pub fn evaluator<'t>(&self, t: &'t dyn Target) -> Evaluator<'t> {
        Evaluator::with_points(t, self.metric, self.eval_points)
    }
}

/// The stages of a curriculum for `id` at depth `depth`: the targets of parameter 1..=its own, or
/// `None` when the family's depth is not its parameter or the depth is not the construction's.
pub(crate) fn stages(id: TargetId, depth: usize) -> anyhow::Result<Option<Vec<Box<dyn Target>>>> {
    let Some(last) = id.with_axis_value(id.axis().1 as u32) else { return Ok(None) };
    let target = last.build()?;
    if target.natural_depth() != depth || target.dim() != 1 {
        return Ok(None);
    }
    let mut out = Vec::new();
    for j in 1..=id.axis().1 as u32 {
        let t = id.with_axis_value(j).expect("same family").build()?;
        if t.natural_depth() != j as usize {
            return Ok(None);
        }
        out.push(t);
    }
    Ok(Some(out))
}

/// Whether [`stages`] exist for `id` at `depth`.
pub(crate) fn staged(id: TargetId, depth: usize) -> bool {
    stages(id, depth).is_ok_and(|s| s.is_some())
}

/// Train a deep net of `depth` hidden layers of `width` on target `id` by `recipe`, or by `plain`
/// where it does not apply ([`effective`]). Each stage's target is evaluated in `metric` (Monte
/// Carlo targets on `eval_points` points); `tolerances` as in [`crate::train::fit`].
#[allow(clippy::too_many_arguments)]
pub fn train_deep(
    recipe: Recipe,
    id: TargetId,
    width: usize,
    depth: usize,
    settings: &TrainSettings,
    metric: Metric,
    eval_points: usize,
    tolerances: &[f64],
    rng: &mut ChaCha8Rng,
) -> anyhow::Result<Trained> {
    let dim = id.build()?.dim();
    let run = DeepRun { id, width, depth, settings, metric, eval_points, tolerances };
    effective(recipe, id, dim, width, depth).spec().train(&run, rng)
}

/// [`fit_from`], except that the starting net counts as a checkpoint: when free training never
/// beats it (Adam can wreck a pretrained net in its first steps), the start is the result.
pub(crate) fn keep_start(
    start: Mlp,
    data: &Data,
    settings: &TrainSettings,
    ev: &Evaluator,
    tolerances: &[f64],
    rng: &mut ChaCha8Rng,
) -> anyhow::Result<RunReport> {
    let e0 = ev.eval(&start)?;
    let mut rep = fit_from(start.clone(), data, settings, ev, tolerances, rng)?;
    if e0.value.is_finite() && (rep.best.value.is_nan() || rep.best.value > e0.value) {
        for (r, &tol) in rep.reached.iter_mut().zip(tolerances) {
            if e0.reaches(tol) {
                *r = Some(0);
            }
        }
        let collapsed = ev.collapsed(e0.value);
        rep = RunReport { net: start, best: e0, collapsed, ..rep };
    }
    Ok(rep)
}

#[cfg(test)]
mod label_tests {
    use super::*;

    #[test]
    fn effective_names_the_recipe_train_deep_runs_at_every_width_and_depth() {
        use crate::train::Metric;
        let settings: TrainSettings = toml::from_str(
            "steps = 1\neval_every = 1\ndata_per_piece = 8\ndata_min = 64\noptimizer = { kind = \"hybrid\", lsq_every = 1, lr = 1e-2, schedule = { kind = \"constant\" } }",
        )
        .unwrap();
        let all = Recipe::ALL;
        let mut fallbacks = 0;
        for id in [TargetId::Sawtooth { k: 3 }, TargetId::Golden { t: 2 }, TargetId::Max { d: 2 }] {
            let dim = id.build().unwrap().dim();
            for (width, depth) in [(2, 3), (2, 2), (1, 3), (3, 1)] {
                for r in all {
                    let mut rng = crate::rng::run_rng(1, "effective");
                    let ran =
                        train_deep(r, id, width, depth, &settings, Metric::Nmse, 256, &[0.0], &mut rng).unwrap().recipe;
                    assert_eq!(effective(r, id, dim, width, depth), ran, "{id} {r:?} width {width} depth {depth}");
                    fallbacks += usize::from(ran != r);
                }
            }
        }
        // The cases the former rule mislabelled: a fixed depth other than the construction's, width 1.
        assert!(fallbacks > 10, "{fallbacks}");
        assert_eq!(effective(Recipe::Curriculum, TargetId::Sawtooth { k: 3 }, 1, 8, 2), Recipe::Plain);
        assert_eq!(effective(Recipe::TriangleCurriculum, TargetId::Sawtooth { k: 3 }, 1, 1, 3), Recipe::Plain);
        assert_eq!(
            effective(Recipe::TriangleCurriculum, TargetId::Sawtooth { k: 3 }, 1, 8, 3),
            Recipe::TriangleCurriculum
        );
    }

    #[test]
    fn the_triangle_recipes_are_structure_aware_and_the_rest_generic_and_names_match_the_config() {
        for r in Recipe::ALL {
            assert_eq!(serde_json::to_value(r).unwrap(), r.name());
            assert_eq!(r.structure_aware(), r.name().starts_with("triangle"), "{}", r.name());
        }
    }
}
