//! Assemble the results document from the finished runs (pure: same runs, same bytes).

use super::runner::{Ctx, Request};
use super::{ReferenceKind, RunRecord};
use crate::results::{Provenance, ReferenceResult, Results, SCHEMA_VERSION, SearchResult, TargetResult};
use crate::search::{MStar, Search};
use crate::target::Target;
use crate::theory;
use crate::train::Evaluator;
use std::collections::BTreeMap;

/// Every target's references, without their searches yet.
pub(super) fn references(ctx: &Ctx, cache: &BTreeMap<String, RunRecord>) -> anyhow::Result<Vec<Vec<ReferenceResult>>> {
    let cfg = ctx.cfg;
    let mut all = Vec::new();
    for (t, target) in ctx.targets.iter().enumerate() {
        let mut refs = Vec::new();
        for &kind in &cfg.references {
            let r = match kind {
                ReferenceKind::Constructed => {
                    let net = crate::net::construct::telgarsky_deep(target.k())?;
                    let e = Evaluator::new(target, cfg.metric).eval(&net)?;
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
                    }
                }
                ReferenceKind::Trained => {
                    let hidden = cfg.deep_hidden(target.k());
                    let runs: Vec<&RunRecord> = (0..cfg.deep.seeds)
                        .map(|seed| {
                            let key = ctx.key(&Request { target: t, deep: true, hidden: hidden.clone(), seed });
                            cache.get(&key).ok_or_else(|| anyhow::anyhow!("internal: deep run {key} missing"))
                        })
                        .collect::<anyhow::Result<_>>()?;
                    let best = runs
                        .iter()
                        .filter(|r| r.summary.error.is_some())
                        .min_by(|a, b| a.summary.error.unwrap().total_cmp(&b.summary.error.unwrap()));
                    let net = crate::net::Mlp::with_hidden(1, &hidden)?;
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
                    }
                }
            };
            refs.push(r);
        }
        all.push(refs);
    }
    Ok(all)
}

/// The whole document.
pub(super) fn results(
    ctx: &Ctx,
    cache: &BTreeMap<String, RunRecord>,
    mut refs: Vec<Vec<ReferenceResult>>,
    searches: &[(usize, f64, Search)],
    provenance: Provenance,
) -> anyhow::Result<Results> {
    let cfg = ctx.cfg;
    let mut it = searches.iter();
    let mut targets = Vec::new();
    for (t, target) in ctx.targets.iter().enumerate() {
        // All shallow evidence on this target: width → runs (seed order).
        let mut by_width: BTreeMap<u64, Vec<&RunRecord>> = BTreeMap::new();
        let prefix = format!("{} shallow ", target.id());
        for r in
            cache.values().filter(|r| r.key.starts_with(&prefix) && r.key.ends_with(&format!("stop={:e}", ctx.stop[t])))
        {
            by_width.entry(r.summary.hidden[0] as u64).or_default().push(r);
        }
        by_width.values_mut().for_each(|v| v.sort_by_key(|r| r.summary.seed));
        for r in refs[t].iter_mut() {
            for &floor in &cfg.floors {
                let (st, tau, s) = it.next().expect("one search per target, reference and floor");
                debug_assert_eq!(*st, t);
                let ok =
                    |m: &u64| by_width[m].iter().filter(|r| r.summary.error.is_some_and(|e| e <= *tau)).count() as u32;
                let m_star = s.result();
                let tried: Vec<u64> = by_width.keys().copied().collect();
                let non_monotone = tried.iter().any(|a| ok(a) > 0 && tried.iter().any(|b| b > a && ok(b) == 0));
                let (successes, matched, shallow_params) = match m_star {
                    MStar::Found { m } => {
                        let best = by_width[&m]
                            .iter()
                            .min_by(|a, b| {
                                a.summary
                                    .error
                                    .unwrap_or(f64::INFINITY)
                                    .total_cmp(&b.summary.error.unwrap_or(f64::INFINITY))
                            })
                            .unwrap();
                        (ok(&m), best.weights.clone(), Some(3 * m as usize + 1))
                    }
                    MStar::Censored { .. } => (0, vec![], None),
                };
                r.searches.push(SearchResult {
                    floor,
                    tau: *tau,
                    m_star,
                    successes,
                    bracket: Some(theory::bracket(target.k(), *tau, cfg.metric)),
                    start_width: s.start(),
                    widths_tried: s.tried().to_vec(),
                    non_monotone,
                    reference_collapsed: r.kind == ReferenceKind::Trained
                        && r.seeds.iter().filter(|s| s.error == r.error).any(|s| s.collapsed),
                    shallow_params,
                    shallow_flops: m_star
                        .width()
                        .map(|m| crate::net::Mlp::with_hidden(1, &[m as usize]).unwrap().flops_per_forward()),
                    param_ratio: shallow_params.map(|p| p as f64 / r.params as f64),
                    matched_weights: matched,
                });
            }
        }
        targets.push(TargetResult {
            target: target.id(),
            family: target.family().to_string(),
            k: target.k(),
            pieces: 1 << target.k(),
            data_n: cfg.shallow.train.for_pieces(1 << target.k()).data_n,
            stop_tolerance: ctx.stop[t],
            references: std::mem::take(&mut refs[t]),
            shallow_runs: by_width.values().flatten().map(|r| r.summary.clone()).collect(),
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
    })
}
