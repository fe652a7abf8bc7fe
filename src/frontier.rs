//! The trainability frontier of the deep references: for each recipe and width, train nets of the
//! construction's depth on the family's target of parameter k (the sawtooth Δ^k by default;
//! k = 1..k_max, `seeds` seeds each) and record every run's exact error,
//! pieces and collapse. The frontier of a recipe and width is the largest k such that the best seed
//! reaches nMSE ≤ [`FRONTIER_TOL`] at every k' ≤ k.
//!
//! `depthsep frontier` runs it ([`crate::suite::frontier::measure`]) and stores the result in a results document (field `frontier`,
//! deterministic given the master seed), whose report then draws `frontier.svg` and `frontier.md`.
//! Every run has its own stream, `frontier/<recipe>/w<width>/k<k>/s<seed>`, so the runs are
//! independent of order and thread count.

use crate::family::TargetId;
use crate::recipe::Recipe;
use crate::train::TrainSettings;
use serde::{Deserialize, Serialize};

/// The nMSE a best seed must reach for its k to count towards the frontier.
pub const FRONTIER_TOL: f64 = 1e-2;

/// By default, a (recipe, width) pair whose best seed is above this nMSE at two consecutive k is
/// not run at larger k (its cells there are `–`): deeper runs cost the most and would only repeat
/// the failure. `depthsep frontier --give-up` sets another threshold (e.g. the tolerance itself).
pub const GIVE_UP: f64 = 0.5;

/// One named way to train the deep net: a recipe and its training settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecipeSpec {
    /// Name in tables and figures, e.g. `asymmetric`.
    pub name: String,
    /// The recipe.
    pub recipe: Recipe,
    /// Its training settings (initialisation, trainer, budget) for each stage.
    pub train: TrainSettings,
    /// `"generic"` or `"structure-aware"` ([`Recipe::kind`]).
    #[serde(default)]
    pub kind: String,
}

/// One training run of the frontier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FrontierRun {
    /// Recipe name.
    pub recipe: String,
    /// Hidden width.
    pub width: usize,
    /// Depth = k of the target Δ^k.
    pub k: u32,
    /// Seed index.
    pub seed: u32,
    /// Best exact nMSE (`None` if never finite).
    pub error: Option<f64>,
    /// Linear pieces of the best net on \[0,1\].
    pub pieces: Option<usize>,
    /// Best error within 5% of the constant's.
    pub collapsed: bool,
    /// The run diverged (non-finite loss).
    pub diverged: bool,
    /// Steps over all stages.
    pub steps: usize,
}

/// A measured frontier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Frontier {
    /// The family of targets (depth k is trained on its target of parameter k), e.g. `sawtooth`.
    pub series: TargetId,
    /// Linear pieces of the target of each k = 1..=k_max.
    pub pieces: Vec<usize>,
    /// Largest k.
    pub k_max: u32,
    /// Seeds per (recipe, width, k).
    pub seeds: u32,
    /// Widths.
    pub widths: Vec<usize>,
    /// The recipes compared.
    pub recipes: Vec<RecipeSpec>,
    /// Every run.
    pub runs: Vec<FrontierRun>,
    /// The stopping threshold: a (recipe, width) whose best seed was above it at two consecutive k
    /// was not run deeper.
    #[serde(default = "give_up_default", skip_serializing_if = "is_give_up_default")]
    pub give_up: f64,
}

fn give_up_default() -> f64 {
    GIVE_UP
}

fn is_give_up_default(g: &f64) -> bool {
    *g == GIVE_UP
}

impl Frontier {
    /// Whether `other` measures the same family series, recipes and widths.
    pub fn same_design(&self, other: &Frontier) -> bool {
        let names = |f: &Frontier| f.recipes.iter().map(|r| r.name.clone()).collect::<Vec<_>>();
        self.series.series() == other.series.series() && self.widths == other.widths && names(self) == names(other)
    }
}

/// Each recipe at each step budget: `×1` keeps the recipe (and its name), `×n` multiplies its
/// steps per stage by n and names it `<name> ×n`.
pub fn with_budgets(recipes: Vec<RecipeSpec>, factors: &[usize]) -> anyhow::Result<Vec<RecipeSpec>> {
    anyhow::ensure!(
        !factors.is_empty() && factors.iter().all(|&f| (1..=100).contains(&f)),
        "--budgets: give factors in 1..=100"
    );
    let mut out = Vec::new();
    for r in recipes {
        for &f in factors {
            let mut s = r.clone();
            if f != 1 {
                s.name = format!("{} ×{f}", r.name);
                s.train.steps = r.train.steps * f;
            }
            out.push(s);
        }
    }
    Ok(out)
}

/// Why a (recipe, width, k) cell misses the tolerance, from its best run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// Every seed collapsed to the constant.
    Collapse,
    /// The best net has fewer linear pieces than the target.
    FewerPieces,
    /// Every seed diverged.
    Divergence,
    /// Enough pieces, but misplaced.
    Misfit,
}

impl Failure {
    /// One letter for tables: C, P, D, M.
    pub fn letter(self) -> char {
        match self {
            Failure::Collapse => 'C',
            Failure::FewerPieces => 'P',
            Failure::Divergence => 'D',
            Failure::Misfit => 'M',
        }
    }
}

/// Summary of one (recipe, width, k) cell.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cell {
    /// Best error over seeds.
    pub best: Option<f64>,
    /// Fraction of seeds that collapsed.
    pub collapse_rate: f64,
    /// Why the best seed misses [`FRONTIER_TOL`], if it does.
    pub failure: Option<Failure>,
}

impl Frontier {
    /// The cell of (recipe, width, k), if measured.
    pub fn cell(&self, recipe: &str, width: usize, k: u32) -> Option<Cell> {
        let runs: Vec<&FrontierRun> =
            self.runs.iter().filter(|r| r.recipe == recipe && r.width == width && r.k == k).collect();
        if runs.is_empty() {
            return None;
        }
        let best_run = runs
            .iter()
            .filter(|r| r.error.is_some())
            .min_by(|a, b| a.error.unwrap_or(f64::INFINITY).total_cmp(&b.error.unwrap_or(f64::INFINITY)));
        let best = best_run.and_then(|r| r.error);
        let collapse_rate = runs.iter().filter(|r| r.collapsed).count() as f64 / runs.len() as f64;
        let failure = match best_run {
            _ if best.is_some_and(|b| b <= FRONTIER_TOL) => None,
            None => Some(Failure::Divergence),
            Some(_) if runs.iter().all(|r| r.collapsed) => Some(Failure::Collapse),
            Some(r) if r.pieces.is_some_and(|p| p < self.pieces[k as usize - 1]) => Some(Failure::FewerPieces),
            Some(_) => Some(Failure::Misfit),
        };
        Some(Cell { best, collapse_rate, failure })
    }

    /// The largest k such that every k' ≤ k reaches [`FRONTIER_TOL`] with its best seed (0: none).
    pub fn frontier(&self, recipe: &str, width: usize) -> u32 {
        (1..=self.k_max)
            .take_while(|&k| self.cell(recipe, width, k).is_some_and(|c| c.failure.is_none()))
            .last()
            .unwrap_or(0)
    }
}

/// The recipes compared by default, built on the suite's deep training settings `base`:
/// plain (its init and trainer), asymmetric initialisation, Levenberg–Marquardt (100 steps,
/// evaluated every 10), then every other recipe in the registry's order ([`Recipe::ALL`]:
/// curriculum, triangle, triangle grown a layer at a time, layer-wise growth on the target itself).
pub fn default_recipes(base: &TrainSettings) -> Vec<RecipeSpec> {
    let with = |name: &str, recipe: Recipe, train: TrainSettings| RecipeSpec {
        name: name.into(),
        recipe,
        train,
        kind: recipe.kind().into(),
    };
    let mut asym = base.clone();
    asym.init = crate::train::Init::Asymmetric;
    let mut lm = base.clone();
    lm.optimizer = crate::train::Optimizer::Lm(crate::train::lm::LmSettings {});
    lm.steps = 100;
    lm.eval_every = 10;
    // Plain with its two variations first, then every other recipe of the registry in its order.
    let mut out = vec![
        with("plain", Recipe::Plain, base.clone()),
        with("asymmetric", Recipe::Plain, asym),
        with("lm", Recipe::Plain, lm),
    ];
    out.extend(Recipe::ALL.into_iter().filter(|r| !r.is_plain()).map(|r| with(r.name(), r, base.clone())));
    out
}
