//! The sufficiency check of the data rule ([`crate::train::data`]): a sweep trainer's searches of a
//! target with d > 1 inputs, rerun on `factor` times the training points.
//!
//! Every seed of a sweep gives the first width w_s at which its net reaches τ; a seed that grew to
//! its cap C without reaching τ counts as C + 1 (a lower bound). With S seeds at the rule's size and
//! S at `factor` times it, m* = min_s w_s at each size, and the seed-to-seed spread is noise = max
//! over both sizes of (max_s w_s − min_s w_s). A cell is **flagged** when its m* moves by more than
//! that noise between the sizes: its m* was then set by the sample size, not by the target. An
//! unflagged cell's m* does not depend on the data size within the trainer's own seed noise (a cell
//! censored at both sizes says nothing and is not flagged).

use super::RunRecord;
use crate::results::SufficiencyCheck;
use crate::search::MStar;

/// The first width at which sweep `r` reaches τ (its error's 95% interval at or below τ).
fn first_width(r: &RunRecord, tau: f64) -> Option<u64> {
    r.curve.iter().enumerate().find_map(|(i, e)| {
        let iv = r.intervals.get(i).copied().unwrap_or(0.0);
        e.is_some_and(|e| e + iv <= tau).then_some(i as u64 + 1)
    })
}

/// The check of one search from its sweeps at both sizes (`runs[0]`: the rule's, `runs[1]`:
/// `factor` times it), each in seed order.
pub(super) fn check(
    trainer: &str,
    reference: super::ReferenceKind,
    floor: f64,
    tau: f64,
    factor: u32,
    runs: [&[&RunRecord]; 2],
) -> SufficiencyCheck {
    let widths = runs.map(|rs| rs.iter().map(|r| first_width(r, tau)).collect::<Vec<_>>());
    let m_star = [0, 1].map(|i| match widths[i].iter().flatten().min() {
        Some(&m) => MStar::Found { m },
        None => MStar::Censored { m_max: runs[i].iter().map(|r| r.curve.len() as u64).max().unwrap_or(0) },
    });
    // A seed that never reached τ counts as its cap + 1.
    let bounded = |i: usize| -> Vec<u64> {
        widths[i].iter().zip(runs[i]).map(|(w, r)| w.unwrap_or(r.curve.len() as u64 + 1)).collect()
    };
    let (lo, hi) = (bounded(0), bounded(1));
    let spread = |w: &[u64]| w.iter().max().zip(w.iter().min()).map_or(0, |(a, b)| a - b);
    let noise = spread(&lo).max(spread(&hi));
    let (a, b) = (lo.iter().min(), hi.iter().min());
    let flagged = a.zip(b).is_some_and(|(a, b)| a.abs_diff(*b) > noise);
    let data_n = runs.map(|rs| rs.first().and_then(|r| r.summary.data_n));
    SufficiencyCheck {
        trainer: trainer.to_string(),
        reference,
        floor,
        tau,
        factor,
        data_n,
        m_star,
        seed_widths: widths,
        noise,
        flagged,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::family::TargetId;
    use crate::results::RunSummary;
    use crate::suite::plan::{Role, RunId};
    use crate::train::{Outcome, TrainerId};

    fn sweep(seed: u32, curve: &[f64]) -> RunRecord {
        let role = Role::Sweep { trainer: TrainerId::Greedy };
        let id = RunId { target: TargetId::Max { d: 4 }, role, hidden: vec![64], seed };
        let summary = RunSummary {
            hidden: vec![curve.len()],
            seed,
            error: None,
            errors: None,
            pieces: None,
            steps: curve.len(),
            outcome: Outcome::Budget,
            collapsed: false,
            solve_failures: 0,
            trainer: "greedy".into(),
            interval: None,
            data_n: Some(65536),
        };
        let curve = curve.iter().map(|&e| Some(e)).collect();
        RunRecord { id, stop: 0.1, summary, weights: vec![], curve, intervals: vec![0.01; 8], nets: vec![] }
    }

    #[test]
    fn a_move_within_the_seed_spread_is_not_flagged_and_beyond_it_is() {
        // τ = 0.1 counted at the interval's upper end (+0.01): seeds reach it at widths 3 and 4;
        // 0.095 + 0.01 does not reach it.
        let base = [sweep(0, &[1.0, 0.5, 0.08, 0.05]), sweep(1, &[1.0, 0.5, 0.095, 0.05])];
        let b: Vec<&RunRecord> = base.iter().collect();
        let near = [sweep(0, &[1.0, 0.5, 0.3, 0.05]), sweep(1, &[1.0, 0.5, 0.3, 0.05])];
        let n: Vec<&RunRecord> = near.iter().collect();
        let c = check("greedy", crate::suite::ReferenceKind::Constructed, 0.1, 0.1, 2, [&b, &n]);
        assert_eq!(c.seed_widths, [vec![Some(3), Some(4)], vec![Some(4), Some(4)]]);
        assert_eq!((c.m_star, c.noise, c.flagged), ([MStar::Found { m: 3 }, MStar::Found { m: 4 }], 1, false));
        assert_eq!(c.data_n, [Some(65536); 2]);
        let far = [sweep(0, &[0.05]), sweep(1, &[0.05])];
        let f: Vec<&RunRecord> = far.iter().collect();
        let c = check("greedy", crate::suite::ReferenceKind::Constructed, 0.1, 0.1, 2, [&b, &f]);
        assert!(c.flagged && c.noise == 1, "m* 3 → 1 is beyond the spread 1");
        // Censored at the cap 5 at 2n: counted as 6, so m* moved by at least 3 > the spread 1.
        let none = [sweep(0, &[0.5; 5]), sweep(1, &[0.5; 5])];
        let z: Vec<&RunRecord> = none.iter().collect();
        assert!(check("greedy", crate::suite::ReferenceKind::Constructed, 0.1, 0.1, 2, [&b, &z]).flagged);
        // Found just below a cap of 4 at n by one seed, censored at 2n: a move of 1 within the spread 1.
        let edge = [sweep(0, &[1.0, 0.5, 0.3, 0.05]), sweep(1, &[0.5; 4])];
        let e: Vec<&RunRecord> = edge.iter().collect();
        let cut = [sweep(0, &[0.5; 4]), sweep(1, &[0.5; 4])];
        let c2: Vec<&RunRecord> = cut.iter().collect();
        let c = check("greedy", crate::suite::ReferenceKind::Constructed, 0.1, 0.1, 2, [&e, &c2]);
        assert_eq!((c.m_star[1], c.noise, c.flagged), (MStar::Censored { m_max: 4 }, 1, false));
        // Censored at both sizes: no evidence either way.
        let c = check("greedy", crate::suite::ReferenceKind::Constructed, 0.1, 0.1, 2, [&c2, &c2]);
        assert!(!c.flagged);
    }
}
