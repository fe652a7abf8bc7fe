//! The sufficiency check of the data rule ([`crate::train::data`]): every shallow trainer's searches
//! of a target with d > 1 inputs, rerun on `factor` times the training points.
//!
//! **Evidence per seed.** A sweep trainer (`greedy`) gives each seed's first width w_s at which its
//! net reaches τ, anywhere up to the cap C. A step trainer (`adam`, `hybrid`) is rerun at every
//! width W its search tried at the rule's size, each seed at each width, and w_s is the narrowest
//! width of W at which seed s reaches τ, at either size alike. A seed that reaches τ nowhere
//! (within C, or within W) counts as C + 1 (C = max W): a lower bound.
//!
//! **Flags.** With the seeds' widths at the rule's size n and at `factor`·n, the median M_n, M_2n
//! and the seed-to-seed spread S_n, S_2n (widest − narrowest), a cell is flagged when
//!
//! - *shift*: |M_2n − M_n| > min(S_n, S_2n): the median moved by more than the spread at either size
//!   (a uniform shift, every seed moving alike, is caught however wide one size's spread is);
//! - *lost seed*: some seed reaches τ at one size and not at the other.
//!
//! A flagged cell's m* depends on the sample size, not on the target alone. A cell censored at
//! both sizes has equal medians and no lost seed: it says nothing and is not flagged.

use super::RunRecord;
use crate::results::SufficiencyCheck;
use crate::search::MStar;
use std::collections::BTreeMap;

/// One size's evidence: each seed's first width reaching τ (seed order) and the cap.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Evidence {
    first: Vec<Option<u64>>,
    cap: u64,
    data_n: Option<usize>,
}

/// The first width at which sweep `r` reaches τ (its error's 95% interval at or below τ).
fn first_width(r: &RunRecord, tau: f64) -> Option<u64> {
    r.curve.iter().enumerate().find_map(|(i, e)| {
        let iv = r.intervals.get(i).copied().unwrap_or(0.0);
        e.is_some_and(|e| e + iv <= tau).then_some(i as u64 + 1)
    })
}

/// A sweep trainer's evidence: its seeds' sweeps in seed order, each capped at `id.hidden[0]`.
pub(super) fn from_sweeps(runs: &[&RunRecord], tau: f64) -> Evidence {
    let cap = |r: &&RunRecord| r.id.hidden.first().copied().unwrap_or(r.curve.len()) as u64;
    Evidence {
        first: runs.iter().map(|r| first_width(r, tau)).collect(),
        cap: runs.iter().map(cap).max().unwrap_or(0),
        data_n: runs.first().and_then(|r| r.summary.data_n),
    }
}

/// A step trainer's evidence at `widths` (a search's tried widths): `by_width` holds each width's
/// runs in seed order (`seeds` of them); a missing run counts as not reaching τ.
pub(super) fn from_widths(by_width: &BTreeMap<u64, Vec<&RunRecord>>, widths: &[u64], seeds: u32, tau: f64) -> Evidence {
    let mut sorted = widths.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let passes = |m: u64, s: u32| {
        by_width.get(&m).and_then(|rs| rs.iter().find(|r| r.id.seed == s)).is_some_and(|r| r.summary.reaches(tau))
    };
    let data_n = sorted.iter().find_map(|m| by_width.get(m)?.first()?.summary.data_n);
    Evidence {
        first: (0..seeds).map(|s| sorted.iter().copied().find(|&m| passes(m, s))).collect(),
        cap: sorted.last().copied().unwrap_or(0),
        data_n,
    }
}

/// The median of `v` (the mean of the middle two for an even count); 0 when empty.
fn median(v: &[u64]) -> f64 {
    let mut s = v.to_vec();
    s.sort_unstable();
    match s.len() {
        0 => 0.0,
        n if n % 2 == 1 => s[n / 2] as f64,
        n => (s[n / 2 - 1] + s[n / 2]) as f64 / 2.0,
    }
}

/// The check of one search from its evidence at both sizes (`[0]`: the rule's, `[1]`: `factor`
/// times it).
pub(super) fn check(
    trainer: crate::train::TrainerId,
    reference: super::ReferenceKind,
    floor: f64,
    tau: f64,
    factor: u32,
    ev: [Evidence; 2],
) -> SufficiencyCheck {
    let m_star = ev.clone().map(|e| match e.first.iter().flatten().min() {
        Some(&m) => MStar::Found { m },
        None => MStar::Censored { m_max: e.cap },
    });
    // A seed that never reached τ counts as its cap + 1.
    let bounded = |e: &Evidence| -> Vec<u64> { e.first.iter().map(|w| w.unwrap_or(e.cap + 1)).collect() };
    let (lo, hi) = (bounded(&ev[0]), bounded(&ev[1]));
    let spread = |w: &[u64]| w.iter().max().zip(w.iter().min()).map_or(0, |(a, b)| a - b);
    let spreads = [spread(&lo), spread(&hi)];
    let medians = [median(&lo), median(&hi)];
    let noise = spreads[0].min(spreads[1]);
    let shift = (medians[1] - medians[0]).abs() > noise as f64;
    let lost: Vec<u32> = (0..ev[0].first.len().min(ev[1].first.len()))
        .filter(|&s| ev[0].first[s].is_some() != ev[1].first[s].is_some())
        .map(|s| s as u32)
        .collect();
    SufficiencyCheck {
        trainer,
        reference,
        floor,
        tau,
        factor,
        data_n: [ev[0].data_n, ev[1].data_n],
        flagged: shift || !lost.is_empty(),
        m_star,
        seed_widths: ev.map(|e| e.first),
        noise,
        medians,
        spreads,
        shift,
        lost,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::family::TargetId;
    use crate::results::RunSummary;
    use crate::suite::ReferenceKind::Constructed;
    use crate::suite::plan::{Role, RunId};
    use crate::train::{Outcome, TrainerId};

    fn summary(seed: u32, hidden: usize, error: Option<f64>) -> RunSummary {
        RunSummary {
            hidden: vec![hidden],
            seed,
            error,
            errors: None,
            pieces: None,
            steps: 1,
            outcome: Outcome::Budget,
            collapsed: false,
            solve_failures: 0,
            trainer: TrainerId::Greedy,
            interval: error.map(|_| 0.01),
            data_n: Some(65536),
        }
    }

    /// A greedy sweep capped at `cap` whose net first reaches τ = 0.1 (with its interval 0.01) at
    /// width `first`, or never.
    fn sweep(seed: u32, first: Option<usize>, cap: usize) -> RunRecord {
        let id = RunId {
            target: TargetId::Max { d: 4 },
            role: Role::Sweep { trainer: TrainerId::Greedy },
            hidden: vec![cap],
            seed,
        };
        let curve: Vec<Option<f64>> = match first {
            Some(w) => (1..=w).map(|m| Some(if m == w { 0.05 } else { 0.5 })).collect(),
            None => vec![Some(0.5); cap],
        };
        let intervals = vec![0.01; curve.len()];
        RunRecord { id, stop: 0.1, summary: summary(seed, cap, None), weights: vec![], curve, intervals, nets: vec![] }
    }

    fn sweeps(first: &[Option<usize>], cap: usize) -> Evidence {
        let runs: Vec<RunRecord> = first.iter().enumerate().map(|(s, &f)| sweep(s as u32, f, cap)).collect();
        from_sweeps(&runs.iter().collect::<Vec<_>>(), 0.1)
    }

    fn judge(n: Evidence, n2: Evidence) -> SufficiencyCheck {
        check(TrainerId::Greedy, Constructed, 0.1, 0.1, 2, [n, n2])
    }

    #[test]
    fn a_uniform_shift_of_every_seed_is_flagged_although_one_size_spreads_as_wide() {
        // max of d = 4 at nMSE 0.01 in the full suite: 90, 90, 58 at n and 140, 140, 90 at 2n. The
        // median moves by 50, the spread is 32 at n and 50 at 2n: more than the spread at n.
        let c = judge(sweeps(&[Some(90), Some(90), Some(58)], 256), sweeps(&[Some(140), Some(140), Some(90)], 256));
        assert_eq!((c.medians, c.spreads, c.noise), ([90.0, 140.0], [32, 50], 32));
        assert!(c.shift && c.lost.is_empty() && c.flagged);
        assert_eq!(c.m_star, [MStar::Found { m: 58 }, MStar::Found { m: 90 }]);
    }

    #[test]
    fn a_seed_lost_on_more_data_is_flagged_even_when_the_median_moves_less_than_the_spread() {
        // Radial d = 2, k = 2 at 0.1 as the landmarks suite had it: 72, 65, 102 at n; 58, none, 90
        // at 2n (none counts as 257): medians 72 → 90 within the spread 37, but seed 1 is lost.
        let c = judge(sweeps(&[Some(72), Some(65), Some(102)], 256), sweeps(&[Some(58), None, Some(90)], 256));
        assert_eq!((c.medians, c.spreads), ([72.0, 90.0], [37, 199]));
        assert!(!c.shift && c.lost == vec![1] && c.flagged);
    }

    #[test]
    fn a_move_within_the_seed_spread_is_not_flagged() {
        // Ball d = 3 at 0.1: 31, 31, 31 at n and 35, 31, 31 at 2n: the median holds.
        let c = judge(sweeps(&[Some(31), Some(31), Some(31)], 256), sweeps(&[Some(35), Some(31), Some(31)], 256));
        assert!(!c.shift && c.lost.is_empty() && !c.flagged, "{c:?}");
        // A move of the median by exactly the smaller spread is not more than it.
        let c = judge(sweeps(&[Some(10), Some(12)], 64), sweeps(&[Some(12), Some(14)], 64));
        assert_eq!((c.medians, c.noise, c.flagged), ([11.0, 13.0], 2, false));
    }

    #[test]
    fn a_search_censored_at_both_sizes_says_nothing_and_is_not_flagged() {
        let c = judge(sweeps(&[None, None], 64), sweeps(&[None, None], 64));
        assert_eq!(c.m_star, [MStar::Censored { m_max: 64 }; 2]);
        assert!(!c.flagged && c.medians == [65.0, 65.0]);
    }

    #[test]
    fn a_step_trainer_is_judged_at_the_widths_its_search_tried_at_both_sizes() {
        // Widths tried 4, 8, 6, 5 (gallop, bisect); seed s passes from width `from[s]` on.
        let runs = |from: [u64; 2]| -> Vec<RunRecord> {
            [4u64, 8, 6, 5]
                .iter()
                .flat_map(|&m| {
                    (0..2u32).map(move |s| {
                        let id = RunId {
                            target: TargetId::Max { d: 4 },
                            role: Role::Shallow { trainer: TrainerId::Adam },
                            hidden: vec![m as usize],
                            seed: s,
                        };
                        let e = if m >= from[s as usize] { 0.05 } else { 0.5 };
                        let summary = summary(s, m as usize, Some(e));
                        RunRecord {
                            id,
                            stop: 0.1,
                            summary,
                            weights: vec![],
                            curve: vec![],
                            intervals: vec![],
                            nets: vec![],
                        }
                    })
                })
                .collect()
        };
        fn by_width(rs: &[RunRecord]) -> BTreeMap<u64, Vec<&RunRecord>> {
            let mut b: BTreeMap<u64, Vec<&RunRecord>> = BTreeMap::new();
            rs.iter().for_each(|r| b.entry(r.id.hidden[0] as u64).or_default().push(r));
            b
        }
        let (n, n2, lost) = (runs([5, 6]), runs([8, 8]), runs([5, 9]));
        let ev = |rs: &[RunRecord]| from_widths(&by_width(rs), &[4, 8, 6, 5], 2, 0.1);
        assert_eq!(ev(&n).first, vec![Some(5), Some(6)]);
        let c = check(TrainerId::Adam, Constructed, 0.1, 0.1, 2, [ev(&n), ev(&n2)]);
        assert_eq!((c.medians, c.spreads, c.shift), ([5.5, 8.0], [1, 0], true));
        assert_eq!(c.m_star, [MStar::Found { m: 5 }, MStar::Found { m: 8 }]);
        // Seed 1 passes at no tried width at 2n (counted as 9): lost.
        let c = check(TrainerId::Adam, Constructed, 0.1, 0.1, 2, [ev(&n), ev(&lost)]);
        assert_eq!((c.seed_widths[1].clone(), c.lost.clone()), (vec![Some(5), None], vec![1]));
        assert!(c.flagged);
    }
}
