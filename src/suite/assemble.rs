//! Assemble the results document from the finished runs (pure: same runs, same bytes).

use super::plan::{Role, RunId, SearchPlan};
use super::runner::{Cache, Ctx};
use super::{ReferenceKind, RunRecord};
use crate::net::Mlp;
use crate::results::{Provenance, ReferenceResult, Results, SCHEMA_VERSION, SearchResult, TargetResult};
use crate::search::MStar;
use crate::train::Evaluator;
use std::collections::BTreeMap;

/// Every target's references, without their searches yet.
pub(super) fn references(ctx: &Ctx, cache: &Cache) -> anyhow::Result<Vec<Vec<ReferenceResult>>> {
    let cfg = ctx.cfg;
    let mut all = Vec::new();
    for target in &ctx.targets {
        let mut refs = Vec::new();
        for &kind in &cfg.references {
            let r = match kind {
                ReferenceKind::Constructed => {
                    let net = target.construct_deep()?.net;
                    let e = Evaluator::new(target.as_ref(), cfg.metric).eval(&net)?;
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
    cache: &Cache,
    mut refs: Vec<Vec<ReferenceResult>>,
    plans: &[SearchPlan],
    provenance: Provenance,
) -> anyhow::Result<Results> {
    let cfg = ctx.cfg;
    let largest_floor = cfg.floors.iter().copied().fold(0.0, f64::max);
    let mut targets = Vec::new();
    for (t, target) in ctx.targets.iter().enumerate() {
        let id = target.id();
        // All shallow evidence on this target: width → runs (seed order).
        let mut by_width: BTreeMap<u64, Vec<&RunRecord>> = BTreeMap::new();
        for r in cache.values().filter(|r| r.id.target == id && r.id.role == Role::Shallow && r.stop == ctx.stop[t]) {
            by_width.entry(r.id.hidden[0] as u64).or_default().push(r);
        }
        by_width.values_mut().for_each(|v| v.sort_by_key(|r| r.id.seed));
        let ok = |m: &u64, tau: f64| {
            by_width.get(m).map_or(0, |v| v.iter().filter(|r| r.summary.error.is_some_and(|e| e <= tau)).count()) as u32
        };
        for r in refs[t].iter_mut() {
            for p in plans.iter().filter(|p| p.target == t && p.reference == r.kind) {
                let m_star = p.search.result();
                let tried: Vec<u64> = by_width.keys().copied().collect();
                let non_monotone =
                    tried.iter().any(|a| ok(a, p.tau) > 0 && tried.iter().any(|b| b > a && ok(b, p.tau) == 0));
                let (successes, matched, shallow_params) = match m_star {
                    MStar::Found { m } => {
                        let best = by_width[&m]
                            .iter()
                            .min_by(|a, b| {
                                let e = |r: &RunRecord| r.summary.error.unwrap_or(f64::INFINITY);
                                e(a).total_cmp(&e(b))
                            })
                            .expect("a found width has runs");
                        (ok(&m, p.tau), best.weights.clone(), Some(Mlp::count_params(target.dim(), &[m as usize])))
                    }
                    MStar::Censored { .. } => (0, vec![], None),
                };
                let trained = r.kind == ReferenceKind::Trained;
                let collapsed = trained && r.seeds.iter().filter(|s| s.error == r.error).any(|s| s.collapsed);
                r.searches.push(SearchResult {
                    floor: p.floor,
                    tau: p.tau,
                    m_star,
                    successes,
                    bracket: target.bracket(p.tau, cfg.metric),
                    start_width: p.search.start(),
                    widths_tried: p.search.tried().to_vec(),
                    non_monotone,
                    reference_collapsed: collapsed,
                    reference_unfit: trained && !collapsed && r.error.is_none_or(|e| e > largest_floor),
                    shallow_params,
                    shallow_flops: m_star
                        .width()
                        .map(|m| Mlp::with_hidden(target.dim(), &[m as usize]).map(|n| n.flops_per_forward()))
                        .transpose()?,
                    param_ratio: shallow_params.map(|p| p as f64 / r.params as f64),
                    matched_weights: matched,
                });
            }
        }
        targets.push(TargetResult {
            target: id,
            label: target.label(),
            dim: target.dim(),
            pieces: target.pieces(),
            exact: target.pwl().is_some(),
            data_n: cfg.shallow.train.data_n(target.pieces()),
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
