//! `frontier.md`: the trainability frontier as a table, one row per recipe and width: the frontier
//! k, then per k the best seed's exact nMSE, the failure mode where it misses the tolerance
//! (C collapse to the constant, P fewer pieces than Δ^k, M misplaced pieces, D divergence) and the
//! collapse rate over seeds.

use super::Artifact;
use super::grid::Grid;
use crate::results::Results;
use crate::suite::frontier::{FRONTIER_TOL, Frontier};

/// The table of a measured frontier.
pub fn grid(f: &Frontier) -> Grid {
    let mut header =
        vec!["recipe".to_string(), "kind".into(), "width".into(), format!("frontier k (nMSE ≤ {FRONTIER_TOL:.0e})")];
    header.extend((1..=f.k_max).map(|k| format!("k = {k}")));
    let mut rows = Vec::new();
    for spec in ordered(f) {
        for &w in &f.widths {
            let mut row = vec![
                spec.name.clone(),
                spec.recipe.kind().into(),
                w.to_string(),
                f.frontier(&spec.name, w).to_string(),
            ];
            for k in 1..=f.k_max {
                row.push(f.cell(&spec.name, w, k).map_or("–".into(), |c| {
                    let mut s = c.best.map_or("n/a".into(), |b| format!("{b:.1e}"));
                    if let Some(fail) = c.failure {
                        s += &format!(" {}", fail.letter());
                    }
                    if c.collapse_rate > 0.0 {
                        s += &format!(", {:.0}%", 100.0 * c.collapse_rate);
                    }
                    s
                }));
            }
            rows.push(row);
        }
    }
    Grid { header, rows }
}

/// The recipes, generic ones first (in measured order), then the structure-aware ones.
pub fn ordered(f: &Frontier) -> Vec<&crate::suite::frontier::RecipeSpec> {
    let mut v: Vec<_> = f.recipes.iter().collect();
    v.sort_by_key(|s| s.recipe.structure_aware());
    v
}

/// The best generic recipe: the largest frontier k over generic recipes and widths, with its
/// recipe name and width (ties: the first in measured order, the narrower width).
pub fn best_generic(f: &Frontier) -> Option<(u32, &str, usize)> {
    let mut best: Option<(u32, &str, usize)> = None;
    for spec in f.recipes.iter().filter(|s| !s.recipe.structure_aware()) {
        for &w in &f.widths {
            let k = f.frontier(&spec.name, w);
            if best.is_none_or(|b| k > b.0) {
                best = Some((k, &spec.name, w));
            }
        }
    }
    best
}

/// The Markdown of `frontier.md`: every measured frontier, in order.
pub fn markdown(r: &Results) -> String {
    if r.frontier.is_none() {
        return "No trainability frontier measured: run `depthsep frontier --in results.json`.\n".into();
    }
    r.all_frontiers().map(|f| section(r, f)).collect::<Vec<_>>().join("\n")
}

/// One frontier's section.
fn section(r: &Results, f: &Frontier) -> String {
    let recipes: Vec<String> = ordered(f)
        .iter()
        .map(|s| {
            format!(
                "`{}` ({}; {}, {} init, {} steps per stage)",
                s.name,
                s.recipe.kind(),
                s.train.optimizer.name(),
                init_name(s),
                s.train.steps
            )
        })
        .collect();
    let generic = match best_generic(f) {
        Some((k, name, w)) => format!("The best generic recipe reaches k = {k} (`{name}`, width {w}). "),
        None => String::new(),
    };
    let aware = if f.recipes.iter().any(|s| s.recipe.structure_aware()) {
        "The structure-aware recipes parametrise every layer as a tent map, a family that contains the sawtooth's layers \
         exactly, so their frontier is not evidence that generic training finds deep solutions. "
    } else {
        ""
    };
    let stop = if f.give_up == crate::suite::frontier::GIVE_UP {
        String::new()
    } else {
        format!(
            " A recipe and width were not run past two consecutive k whose best seed was above nMSE {:.0e} (`–`).",
            f.give_up
        )
    };
    format!(
        "**{}**\n\n{}\nCells: the best of {} seeds' exact nMSE on the target of parameter k; a letter where it misses {FRONTIER_TOL:.0e}: C every seed \
         collapsed to the constant, P the best net has fewer linear pieces than the target, M it has enough pieces but \
         misplaced, D every seed diverged; then the collapse rate over seeds where it is not 0. The frontier is the \
         largest k such that every k' ≤ k reaches nMSE ≤ {FRONTIER_TOL:.0e}.{stop} {generic}{aware}Kind: *generic* recipes use only the \
         data and a plain ReLU architecture; *structure-aware* ones build in the target's form. Recipes: {}. Master seed {}, config {}.\n",
        f.series.series(),
        grid(f).markdown(),
        f.seeds,
        recipes.join("; "),
        r.config.master_seed,
        r.config_hash
    )
}

fn init_name(s: &crate::suite::frontier::RecipeSpec) -> String {
    serde_json::to_value(s.train.init).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

/// `frontier.md`.
pub struct FrontierTable;

impl Artifact for FrontierTable {
    fn file_name(&self) -> &'static str {
        "frontier.md"
    }

    fn render(&self, r: &Results) -> anyhow::Result<String> {
        Ok(markdown(r))
    }
}
