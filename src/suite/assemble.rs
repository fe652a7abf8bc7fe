//! Assemble the results document from the finished runs (pure: same runs, same bytes).

use super::context::{Cache, Ctx};
use super::plan::{Role, RunId, SearchPlan};
use super::{ReferenceKind, RunRecord};
use crate::net::Mlp;
use crate::results::{Provenance, ReferenceResult, Results, SCHEMA_VERSION, SearchResult, SweepSummary, TargetResult};
use crate::search::MStar;
use std::collections::BTreeMap;

/// Every target's references, without their searches yet.
pub(super) fn references(ctx: &Ctx, cache: &Cache) -> anyhow::Result<Vec<Vec<ReferenceResult>>> {
    let cfg = ctx.cfg;
    let mut all = Vec::new();
    for target in &ctx.targets {
        let mut refs = Vec::new();
        for kind in cfg.references_for(target.as_ref()) {
            let r = match kind {
                ReferenceKind::Constructed => {
                    let net = target.construct_deep()?.net;
                    let e = cfg.evaluator(target.as_ref()).eval(&net)?;
                    ReferenceResult {
                        kind,
                        hidden: net.hidden().to_vec(),
                        params: net.n_params(),
                        flops: net.flops_per_forward(),
                        error: Some(e.value),
                        errors: Some(e.errors),
                        pieces: e.pieces,
                        seeds: vec![],
                        collapse_rate: None,
                        weights: net.params().to_vec(),
                        searches: vec![],
                        recipe: None,
                        net: crate::family::file::net_file_of(target.id()),
                    }
                }
                ReferenceKind::Trained => {
                    let hidden = cfg.deep_hidden(target.as_ref());
                    let runs: Vec<&RunRecord> = (0..cfg.deep.seeds)
                        .map(|seed| {
                            let id = RunId { target: target.id(), role: Role::Deep, hidden: hidden.clone(), seed };
                            let key = ctx.key(&id);
                            cache.get(&key).ok_or_else(|| anyhow::anyhow!("internal: deep run {key:?} missing"))
                        })
                        .collect::<anyhow::Result<_>>()?;
                    let best = runs
                        .iter()
                        .filter(|r| r.summary.error.is_some())
                        .min_by(|a, b| a.summary.error.unwrap().total_cmp(&b.summary.error.unwrap()));
                    let net = Mlp::with_hidden(target.dim(), &hidden)?;
                    let family = target.id().family();
                    let recipe = crate::recipe::effective(
                        cfg.deep.recipe_for(family),
                        target.id(),
                        target.dim(),
                        hidden[0],
                        hidden.len(),
                    );
                    ReferenceResult {
                        kind,
                        params: net.n_params(),
                        flops: net.flops_per_forward(),
                        hidden,
                        error: best.and_then(|b| b.summary.error),
                        errors: best.and_then(|b| b.summary.errors),
                        pieces: best.and_then(|b| b.summary.pieces),
                        collapse_rate: Some(
                            runs.iter().filter(|r| r.summary.collapsed).count() as f64 / runs.len() as f64,
                        ),
                        seeds: runs.iter().map(|r| r.summary.clone()).collect(),
                        weights: best.map(|b| b.weights.clone()).unwrap_or_default(),
                        searches: vec![],
                        recipe: Some(Results::label(recipe)),
                        net: None,
                    }
                }
            };
            refs.push(r);
        }
        all.push(refs);
    }
    Ok(all)
}

/// One search's answer, from whichever evidence its trainer produced.
struct Answer {
    m_star: MStar,
    successes: u32,
    non_monotone: bool,
    failed_below: Option<u64>,
    failed_above: Option<u64>,
    matched: Vec<f64>,
    start: u64,
    tried: Vec<u64>,
    /// Censored sweeps: the narrowest width at which a seed stopped below its cap without
    /// reaching the stop tolerance (no new unit was accepted), so m* is not known to exceed the cap.
    stopped_early: Option<u64>,
}

/// A step trainer's search, from its runs at every tried width (width → runs in seed order).
fn from_runs(search: &crate::search::Search, by_width: &BTreeMap<u64, Vec<&RunRecord>>, tau: f64) -> Answer {
    let ok = |m: &u64| by_width.get(m).map_or(0, |v| v.iter().filter(|r| r.summary.reaches(tau)).count()) as u32;
    let m_star = search.result();
    let tried: Vec<u64> = by_width.keys().copied().collect();
    let failed = |keep: &dyn Fn(u64) -> bool| tried.iter().copied().filter(|&m| keep(m) && ok(&m) == 0).max();
    let (failed_below, failed_above) = match m_star.width() {
        Some(m) => (failed(&|w| w < m), failed(&|w| w > m)),
        None => (None, None),
    };
    let best = m_star.width().and_then(|m| {
        let e = |r: &&RunRecord| r.summary.error.unwrap_or(f64::INFINITY);
        by_width.get(&m)?.iter().min_by(|a, b| e(a).total_cmp(&e(b)))
    });
    Answer {
        m_star,
        successes: m_star.width().map_or(0, |m| ok(&m)),
        non_monotone: tried.iter().any(|a| ok(a) > 0 && tried.iter().any(|b| b > a && ok(b) == 0)),
        failed_below,
        failed_above,
        matched: best.map(|b| b.weights.clone()).unwrap_or_default(),
        start: search.start(),
        tried: search.tried().to_vec(),
        stopped_early: None,
    }
}

/// A sweep trainer's search, from every seed's width → error curve.
fn from_sweeps(sweeps: &[&RunRecord], tau: f64, dim: usize) -> anyhow::Result<Answer> {
    let grown = sweeps.iter().map(|r| r.curve.len()).max().unwrap_or(0);
    // The error at width m, counted at the upper end of its 95% interval when sampled.
    let at = |r: &RunRecord, m: usize| {
        r.curve.get(m - 1).copied().flatten().map(|e| e + r.intervals.get(m - 1).copied().unwrap_or(0.0))
    };
    // A width is evidence against m* only where every seed grew through it: a seed stops at the
    // target's smallest τ, so a seed that already succeeded is not tried at wider widths.
    let tried = |m: usize| !sweeps.is_empty() && sweeps.iter().all(|r| r.curve.len() >= m);
    let ok = |m: usize| sweeps.iter().filter(|r| at(r, m).is_some_and(|e| e <= tau)).count() as u32;
    let Some(m) = (1..=grown).find(|&m| ok(m) > 0) else {
        let m_star = MStar::Censored { m_max: grown as u64 };
        let cap = |r: &RunRecord| r.id.hidden.first().copied().unwrap_or(usize::MAX);
        let stopped_early = sweeps
            .iter()
            .filter(|r| !r.summary.reaches(r.stop) && r.curve.len() < cap(r))
            .map(|r| r.curve.len() as u64)
            .min();
        return Ok(Answer {
            m_star,
            successes: 0,
            non_monotone: false,
            failed_below: None,
            failed_above: None,
            matched: vec![],
            start: 1,
            tried: vec![],
            stopped_early,
        });
    };
    let failed_above = (m + 1..=grown).rev().find(|&w| tried(w) && ok(w) == 0).map(|w| w as u64);
    let best = sweeps
        .iter()
        .filter(|r| at(r, m).is_some_and(|e| e <= tau))
        .min_by(|a, b| at(a, m).unwrap().total_cmp(&at(b, m).unwrap()))
        .expect("m* has a successful seed");
    // Nets above the storage cap are recorded by shape and error only.
    let stored = Mlp::count_params(dim, &[m]) <= super::MAX_STORED_PARAMS;
    let matched = match best.nets.iter().find(|(w, _)| *w == m) {
        Some((_, net)) => net.clone(),
        None if !stored => vec![],
        None => anyhow::bail!("internal: the sweep kept no net at its first width {m} reaching {tau:e}"),
    };
    Ok(Answer {
        m_star: MStar::Found { m: m as u64 },
        successes: ok(m),
        non_monotone: failed_above.is_some(),
        failed_below: (m > 1).then_some(m as u64 - 1),
        failed_above,
        matched,
        start: 1,
        tried: vec![],
        stopped_early: None,
    })
}

/// The whole document.
pub(super) fn results(
    ctx: &Ctx,
    cache: &Cache,
    mut refs: Vec<Vec<ReferenceResult>>,
    plans: &[SearchPlan],
    provenance: Provenance,
) -> anyhow::Result<Results> {
    let cfg = ctx.cfg;
    let mut targets = Vec::new();
    for (t, target) in ctx.targets.iter().enumerate() {
        let id = target.id();
        let mine = |r: &&RunRecord| r.id.target == id && r.stop == ctx.stop[t];
        // Step trainers' evidence: trainer → width → runs (seed order); sweeps: trainer → runs.
        let mut by_width: BTreeMap<&str, BTreeMap<u64, Vec<&RunRecord>>> = BTreeMap::new();
        let mut sweeps: BTreeMap<&str, Vec<&RunRecord>> = BTreeMap::new();
        // The sufficiency check's reruns: sweeps by trainer, step trainers' runs by trainer and width.
        let mut doubled: BTreeMap<&str, Vec<&RunRecord>> = BTreeMap::new();
        let mut doubled_by_width: BTreeMap<&str, BTreeMap<u64, Vec<&RunRecord>>> = BTreeMap::new();
        for r in cache.values().filter(mine) {
            match &r.id.role {
                Role::Shallow { trainer } => {
                    by_width.entry(trainer.name()).or_default().entry(r.id.hidden[0] as u64).or_default().push(r)
                }
                Role::Sweep { trainer } => sweeps.entry(trainer.name()).or_default().push(r),
                Role::Sufficiency { trainer, .. } if trainer.sweeps() => {
                    doubled.entry(trainer.name()).or_default().push(r)
                }
                Role::Sufficiency { trainer, .. } => doubled_by_width
                    .entry(trainer.name())
                    .or_default()
                    .entry(r.id.hidden[0] as u64)
                    .or_default()
                    .push(r),
                Role::Deep => {}
            }
        }
        by_width
            .values_mut()
            .chain(doubled_by_width.values_mut())
            .flat_map(|w| w.values_mut())
            .for_each(|v| v.sort_by_key(|r| r.id.seed));
        sweeps.values_mut().chain(doubled.values_mut()).for_each(|v| v.sort_by_key(|r| r.id.seed));
        let mut sufficiency = Vec::new();
        // A trained reference whose error is above every floor fits the target to no tolerance the
        // suite asks about; a family matched at its reference's own error has no such floor.
        let largest_floor =
            if target.own_tolerance() { f64::INFINITY } else { cfg.floors.iter().copied().fold(0.0, f64::max) };
        for r in refs[t].iter_mut() {
            for p in plans.iter().filter(|p| p.target == t && p.reference == r.kind) {
                let id = cfg.shallow[p.trainer].train.optimizer.id();
                let trainer = id.name();
                let seeds = cfg.shallow[p.trainer].seeds;
                let evidence = match &p.search {
                    None => sweeps.get(trainer).zip(doubled.get(trainer)).map(|(base, more)| {
                        [super::sufficiency::from_sweeps(base, p.tau), super::sufficiency::from_sweeps(more, p.tau)]
                    }),
                    Some(search) => by_width.get(trainer).zip(doubled_by_width.get(trainer)).map(|(base, more)| {
                        let w = search.tried();
                        [base, more].map(|runs| super::sufficiency::from_widths(runs, w, seeds, p.tau))
                    }),
                };
                let mut data_flag = false;
                if let (Some(ev), Some(suf)) = (evidence, &cfg.sufficiency) {
                    let c = super::sufficiency::check(id, r.kind, p.floor, p.tau, suf.factor, ev);
                    data_flag = c.flagged;
                    sufficiency.push(c);
                }
                let a = match &p.search {
                    Some(search) => from_runs(search, by_width.get(trainer).unwrap_or(&BTreeMap::new()), p.tau),
                    None => from_sweeps(sweeps.get(trainer).map_or(&[][..], |v| v), p.tau, target.dim())?,
                };
                let shallow_params = a.m_star.width().map(|m| Mlp::count_params(target.dim(), &[m as usize]));
                let trained = r.kind == ReferenceKind::Trained;
                let collapsed = trained && r.seeds.iter().filter(|s| s.error == r.error).any(|s| s.collapsed);
                r.searches.push(SearchResult {
                    trainer: id,
                    floor: p.floor,
                    tau: p.tau,
                    m_star: a.m_star,
                    successes: a.successes,
                    bracket: target.bracket(p.tau, cfg.metric),
                    start_width: a.start,
                    widths_tried: a.tried,
                    non_monotone: a.non_monotone,
                    failed_below: a.failed_below,
                    failed_above: a.failed_above,
                    reference_collapsed: collapsed,
                    reference_unfit: trained && !collapsed && r.error.is_none_or(|e| e > largest_floor),
                    shallow_params,
                    shallow_flops: a
                        .m_star
                        .width()
                        .map(|m| Mlp::with_hidden(target.dim(), &[m as usize]).map(|n| n.flops_per_forward()))
                        .transpose()?,
                    param_ratio: shallow_params.map(|p| p as f64 / r.params as f64),
                    matched_weights: a.matched,
                    stopped_early: a.stopped_early,
                    data_flag,
                });
            }
        }
        targets.push(TargetResult {
            target: id,
            label: target.label(),
            dim: target.dim(),
            pieces: target.pieces(),
            exact: target.pwl().is_some(),
            data_n: cfg.shallow.first().map_or(0, |s| s.train.points(target.as_ref(), 0)),
            stop_tolerance: ctx.stop[t],
            references: std::mem::take(&mut refs[t]),
            shallow_runs: by_width.values().flat_map(|w| w.values().flatten()).map(|r| r.summary.clone()).collect(),
            sweeps: sweeps
                .values()
                .flatten()
                .map(|r| SweepSummary {
                    trainer: r.summary.trainer,
                    seed: r.id.seed,
                    errors: r.curve.clone(),
                    intervals: r.intervals.clone(),
                    data_n: r.summary.data_n,
                    reached: r.summary.outcome == crate::train::Outcome::Reached,
                })
                .collect(),
            sufficiency,
        });
    }
    Ok(Results {
        schema_version: SCHEMA_VERSION,
        provenance,
        config: cfg.clone(),
        config_hash: cfg.hash(),
        targets,
        shard: ctx.shard,
        shard_provenance: vec![],
        costs: None,
        frontier: None,
        frontiers: vec![],
        depth_profiles: None,
    })
}

/// Recompute every search's certified bracket from today's theory ([`crate::family::Target::certify`]
/// at the search's τ and the suite's metric), in place: no training. Returns one line per search
/// whose bracket changed, and errors (nothing changed) if a width a trainer reached against either
/// reference falls below its new lower end, which would make the bound or the run wrong.
pub fn refresh_brackets(res: &mut Results) -> anyhow::Result<Vec<String>> {
    let metric = res.config.metric;
    let mut changes = Vec::new();
    let mut below = Vec::new();
    let mut targets = res.targets.clone();
    for t in &mut targets {
        let target = t.target.build()?;
        let mut memo: BTreeMap<u64, Option<crate::optimum::Bracket>> = BTreeMap::new();
        for r in &mut t.references {
            for s in &mut r.searches {
                let new = *memo.entry(s.tau.to_bits()).or_insert_with(|| target.bracket(s.tau, metric));
                if new != s.bracket {
                    let show = |b: Option<crate::optimum::Bracket>| {
                        b.map_or("none".to_string(), |b| format!("[{}, {}]", b.lower, b.upper))
                    };
                    changes.push(format!(
                        "{} ({} reference), τ = {:.3e}, {}: {} → {}",
                        t.label,
                        if r.kind == ReferenceKind::Constructed { "constructed" } else { "trained" },
                        s.tau,
                        s.trainer,
                        show(s.bracket),
                        show(new)
                    ));
                    s.bracket = new;
                }
                if let (Some(b), Some(m)) = (s.bracket, s.m_star.width())
                    && m < b.lower
                {
                    below.push(format!("{} τ = {:.3e} {}: m* {m} < lower end {}", t.label, s.tau, s.trainer, b.lower));
                }
            }
        }
    }
    anyhow::ensure!(
        below.is_empty(),
        "a reached width lies below its new certified lower end; nothing was changed:\n  - {}",
        below.join("\n  - ")
    );
    res.targets = targets;
    Ok(changes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::family::TargetId;
    use crate::results::RunSummary;
    use crate::train::{Outcome, TrainerId};

    fn sweep(seed: u32, curve: &[f64]) -> RunRecord {
        let id = RunId {
            target: TargetId::Sawtooth { k: 3 },
            role: Role::Sweep { trainer: TrainerId::Freeknot },
            hidden: vec![64],
            seed,
        };
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
            trainer: TrainerId::Freeknot,
            interval: None,
            data_n: None,
        };
        let nets = (1..=curve.len()).map(|m| (m, vec![0.0; 3 * m + 1])).collect();
        let curve = curve.iter().map(|&e| Some(e)).collect();
        RunRecord { id, stop: 0.1, summary, weights: vec![], curve, intervals: vec![], nets }
    }

    #[test]
    fn a_seed_that_stopped_after_succeeding_is_no_evidence_against_wider_widths() {
        // Seed 0 reaches τ = 0.1 at width 3 and stops; seed 1 grows on and fails at width 4.
        let (a, b) = (sweep(0, &[1.0, 0.5, 0.05]), sweep(1, &[1.0, 0.6, 0.2, 0.15]));
        let ans = from_sweeps(&[&a, &b], 0.1, 1).unwrap();
        assert_eq!(ans.m_star, MStar::Found { m: 3 });
        assert_eq!((ans.failed_below, ans.failed_above, ans.non_monotone), (Some(2), None, false));
        assert_eq!(ans.successes, 1);
    }

    #[test]
    fn a_wider_width_every_seed_grew_through_and_failed_is_non_monotone_evidence() {
        let (a, b) = (sweep(0, &[1.0, 0.05, 0.2, 0.3]), sweep(1, &[1.0, 0.3, 0.3, 0.3]));
        let ans = from_sweeps(&[&a, &b], 0.1, 1).unwrap();
        assert_eq!(ans.m_star, MStar::Found { m: 2 });
        assert_eq!((ans.failed_above, ans.non_monotone), (Some(4), true));
        assert_eq!(ans.matched.len(), 7, "the width-2 net of the successful seed");
    }

    #[test]
    fn a_censored_sweep_with_a_seed_stopped_below_its_cap_says_where_it_stopped() {
        // Cap 64: seed 0 grew through all 64 widths, seed 1 stopped at width 3 without reaching τ.
        let a = sweep(0, &[0.9; 64]);
        let b = sweep(1, &[1.0, 0.8, 0.7]);
        let ans = from_sweeps(&[&a, &b], 0.1, 1).unwrap();
        assert_eq!((ans.m_star, ans.stopped_early), (MStar::Censored { m_max: 64 }, Some(3)));
        // Both grew to their cap: censored, and nothing stopped early.
        let ans = from_sweeps(&[&a, &a], 0.1, 1).unwrap();
        assert_eq!((ans.m_star, ans.stopped_early), (MStar::Censored { m_max: 64 }, None));
    }
}
