//! `transfer.md`: per d and arm, the parameters trained, the steps to each tolerance (median and
//! range over seeds) and the best nMSE on the sibling.

use super::{ARMS, TOLERANCES, TransferResults};

/// The median of the steps to a tolerance, a seed that never reached it counting as `budget + 1`:
/// `None` when half or more of the seeds missed it (the median is then beyond the budget).
pub fn median_steps(reached: &[Option<usize>], budget: usize) -> Option<usize> {
    let mut v: Vec<usize> = reached.iter().map(|r| r.unwrap_or(budget + 1)).collect();
    v.sort_unstable();
    let m = if v.is_empty() {
        return None;
    } else if v.len() % 2 == 1 {
        v[v.len() / 2]
    } else {
        // The lower median: a step the fit loop actually evaluated.
        v[v.len() / 2 - 1]
    };
    (m <= budget).then_some(m)
}

/// The Markdown table.
pub fn markdown(r: &TransferResults) -> String {
    let budget = toml::from_str::<crate::train::TrainSettings>(super::TRAIN).expect("TRAIN parses").steps;
    let tols: Vec<String> = TOLERANCES.iter().map(|t| format!("steps to {t}")).collect();
    let mut s = format!(
        "Transfer on the compositional tree: lower layers trained on f (the tree of |a − b|), frozen, and only the \
         top hidden layer and the output trained on its sibling g (max(a, b) at the top node), against the same net \
         trained from scratch on g and against frozen random lower layers. Width {}, log₂ d hidden layers, {} seeds, \
         master seed {}; every arm trained by plain Adam (lr 3e-3, cosine, {budget} steps) on the same data and \
         minibatches. Steps to a held-out nMSE on g: median over seeds (min–max of the seeds that reached it; `>{budget}` \
         when half or more did not, `n/s` = seeds that reached it).\n\n\
         | d | arm | parameters trained | {} | best nMSE on g, median (min–max) | source nMSE on f |\n|---|---|---|{}---|---|\n",
        r.config.width,
        r.config.seeds,
        r.config.master_seed,
        tols.join(" | "),
        "---|".repeat(TOLERANCES.len())
    );
    for &d in &r.config.d {
        let runs: Vec<_> = r.runs.iter().filter(|x| x.d == d).collect();
        for (i, arm) in ARMS.iter().enumerate() {
            let arms: Vec<_> = runs.iter().filter_map(|x| x.arms.get(i)).filter(|a| a.arm == *arm).collect();
            let Some(first) = arms.first() else { continue };
            let cells: Vec<String> = (0..TOLERANCES.len())
                .map(|t| {
                    let reached: Vec<Option<usize>> = arms.iter().map(|a| a.reached[t]).collect();
                    let hit: Vec<usize> = reached.iter().flatten().copied().collect();
                    let med = median_steps(&reached, budget).map_or(format!(">{budget}"), |m| m.to_string());
                    let range = match (hit.iter().min(), hit.iter().max()) {
                        (Some(a), Some(b)) if a != b => format!(" ({a}–{b})"),
                        _ => String::new(),
                    };
                    format!("{med}{range} {}/{}", hit.len(), reached.len())
                })
                .collect();
            let mut nmse: Vec<f64> = arms.iter().map(|a| a.nmse).collect();
            nmse.sort_by(f64::total_cmp);
            let source = if i == 1 {
                let mut v: Vec<f64> = runs.iter().map(|x| x.source_nmse).collect();
                v.sort_by(f64::total_cmp);
                format!("{:.2e} ({:.2e}–{:.2e})", v[(v.len() - 1) / 2], v[0], v[v.len() - 1])
            } else {
                "–".into()
            };
            s += &format!(
                "| {d} | {arm} | {} | {} | {:.2e} ({:.2e}–{:.2e}) | {source} |\n",
                first.trained_params,
                cells.join(" | "),
                nmse[(nmse.len() - 1) / 2],
                nmse[0],
                nmse[nmse.len() - 1]
            );
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_counts_misses_as_beyond_the_budget() {
        assert_eq!(median_steps(&[Some(100), Some(300), None], 3000), Some(300));
        assert_eq!(median_steps(&[Some(100), None, None], 3000), None);
        assert_eq!(median_steps(&[Some(100), Some(200)], 3000), Some(100));
        assert_eq!(median_steps(&[None, Some(200)], 3000), Some(200));
        assert_eq!(median_steps(&[], 3000), None);
    }
}
