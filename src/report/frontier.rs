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
    let mut header = vec!["recipe".to_string(), "width".into(), format!("frontier k (nMSE ≤ {FRONTIER_TOL:.0e})")];
    header.extend((1..=f.k_max).map(|k| format!("k = {k}")));
    let mut rows = Vec::new();
    for spec in &f.recipes {
        for &w in &f.widths {
            let mut row = vec![spec.name.clone(), w.to_string(), f.frontier(&spec.name, w).to_string()];
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

/// The Markdown of `frontier.md`.
pub fn markdown(r: &Results) -> String {
    let Some(f) = &r.frontier else {
        return "No trainability frontier measured: run `depthsep frontier --in results.json`.\n".into();
    };
    let recipes: Vec<String> = f
        .recipes
        .iter()
        .map(|s| {
            format!(
                "`{}` ({}, {} init, {} steps per stage)",
                s.name,
                s.train.optimizer.name(),
                init_name(s),
                s.train.steps
            )
        })
        .collect();
    format!(
        "**{}**\n\n{}\nCells: the best of {} seeds' exact nMSE on the target of parameter k; a letter where it misses {FRONTIER_TOL:.0e}: C every seed \
         collapsed to the constant, P the best net has fewer linear pieces than the target, M it has enough pieces but \
         misplaced, D every seed diverged; then the collapse rate over seeds where it is not 0. The frontier is the \
         largest k such that every k' ≤ k reaches nMSE ≤ {FRONTIER_TOL:.0e}. Recipes: {}. Master seed {}, config {}.\n",
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
