//! Measuring the trainability frontier ([`crate::frontier`]): every (recipe, width, k, seed) run in
//! parallel, round by round in k, from its own stream `frontier/<recipe>/w<width>/k<k>/s<seed>`
//! (prefixed by the series for families other than the sawtooth), so the result is independent of
//! order and thread count.

use crate::family::TargetId;
pub use crate::frontier::*;
use crate::recipe::train_deep;
use crate::rng::run_rng;
use crate::train::{Metric, Outcome};
use rayon::prelude::*;

/// Run every (recipe, width, k, seed) on the target of parameter k of `series` (any target of the
/// family); `progress` is called after each run with (done, total).
#[allow(clippy::too_many_arguments)]
pub fn measure(
    master_seed: u64,
    series: TargetId,
    recipes: Vec<RecipeSpec>,
    widths: &[usize],
    k_max: u32,
    seeds: u32,
    give_up: f64,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> anyhow::Result<Frontier> {
    anyhow::ensure!((1..=20).contains(&k_max), "--k-max {k_max}: give 1..=20");
    anyhow::ensure!(seeds >= 1, "--seeds: give at least 1");
    anyhow::ensure!(give_up > 0.0 && give_up.is_finite(), "--give-up {give_up}: give a positive nMSE");
    anyhow::ensure!(!widths.is_empty() && widths.iter().all(|&w| w >= 1), "--widths: give widths ≥ 1");
    let ids: Vec<TargetId> = (1..=k_max)
        .map(|k| series.with_axis_value(k))
        .collect::<Option<_>>()
        .ok_or_else(|| anyhow::anyhow!("the {} family has no depth parameter to grow", series.family()))?;
    let pieces = ids.iter().map(|id| Ok(id.build()?.pieces())).collect::<anyhow::Result<Vec<_>>>()?;
    // Round by round in k; a (recipe, width) pair whose best seed stayed above GIVE_UP at two
    // consecutive k is not run deeper.
    let mut active: Vec<(&RecipeSpec, usize)> =
        recipes.iter().flat_map(|r| widths.iter().map(move |&w| (r, w))).collect();
    let total = active.len() * k_max as usize * seeds as usize;
    let done = std::sync::atomic::AtomicUsize::new(0);
    let mut runs: Vec<FrontierRun> = Vec::new();
    let mut failed_before: Vec<bool> = vec![false; active.len()];
    for k in 1..=k_max {
        let jobs: Vec<(usize, u32)> = (0..active.len()).flat_map(|i| (0..seeds).map(move |s| (i, s))).collect();
        let round = jobs
            .par_iter()
            .map(|&(i, seed)| {
                let (spec, width) = active[i];
                let stream = match series {
                    TargetId::Sawtooth { .. } => format!("frontier/{}/w{width}/k{k}/s{seed}", spec.name),
                    _ => format!("frontier/{}/{}/w{width}/k{k}/s{seed}", series.series(), spec.name),
                };
                let mut rng = run_rng(master_seed, &stream);
                let id = ids[k as usize - 1];
                let depth = id.build()?.natural_depth();
                // Exact targets ignore the point count; sampled ones (d > 1) are measured on it.
                let points = crate::train::SAMPLE_EVAL_POINTS;
                let t =
                    train_deep(spec.recipe, id, width, depth, &spec.train, Metric::Nmse, points, &[1e-12], &mut rng)?;
                let rep = t.report;
                let finite = rep.best.value.is_finite();
                progress(done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1, total);
                Ok(FrontierRun {
                    recipe: spec.name.clone(),
                    width,
                    k,
                    seed,
                    error: finite.then_some(rep.best.value),
                    pieces: rep.best.pieces,
                    collapsed: rep.collapsed,
                    diverged: matches!(rep.outcome, Outcome::Diverged { .. }),
                    steps: t.total_steps,
                })
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        let mut keep = Vec::new();
        let mut failed_now = Vec::new();
        for (i, &(spec, width)) in active.iter().enumerate() {
            let best = round
                .iter()
                .filter(|r| r.recipe == spec.name && r.width == width)
                .filter_map(|r| r.error)
                .fold(f64::INFINITY, f64::min);
            let failed = best.is_nan() || best > give_up;
            if !(failed && failed_before[i]) {
                keep.push((spec, width));
                failed_now.push(failed);
            } else {
                done.fetch_add((k_max - k) as usize * seeds as usize, std::sync::atomic::Ordering::Relaxed);
            }
        }
        runs.extend(round);
        active = keep;
        failed_before = failed_now;
        if active.is_empty() {
            break;
        }
    }
    runs.sort_by(|a, b| (&a.recipe, a.width, a.k, a.seed).cmp(&(&b.recipe, b.width, b.k, b.seed)));
    Ok(Frontier { series: ids[0], pieces, k_max, seeds, widths: widths.to_vec(), recipes, runs, give_up })
}
