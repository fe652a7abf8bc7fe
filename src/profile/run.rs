//! Measuring depth profiles ([`super`]): the certified and constructed columns directly, the
//! trained one by a width search per (target, recipe, depth) over runs that are logged one per line
//! (`profile-runs.jsonl` in the output folder) as they finish, so an interrupted measurement resumes
//! without redoing a run. Each run trains from its own stream
//! `profile/<target>/<recipe>/L<depth>/w<width>/s<seed>` and serves every tolerance at once (it
//! stops at the smallest), so the result is independent of order and thread count.

use super::bound::{min_params, min_uniform_width, min_units, params};
use super::{ConstructedAt, DepthCell, DepthProfile, LowerAt, ProfileConfig, Profiles, TrainedAt, WidthTry};
use crate::family::Target;
use crate::jsonl::JsonLog;
use crate::recipe::{Recipe, train_deep};
use crate::results::Results;
use crate::rng::run_rng;
use crate::search::{MStar, Search};
use crate::train::Evaluator;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Mutex;

/// One logged training run.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Run {
    stream: String,
    /// Best error (`None`: not finite).
    error: Option<f64>,
    /// Whether it reached each of its target's floors, in order.
    reached: Vec<bool>,
}

const LOG: (&str, &str, u32) = ("profile run log", "depthsep_profile_log", 1);

/// Measure every profile of `cfg`. `suite` is the results document whose shallow searches give the
/// trained column at depth 1 (same target, tolerance and metric); `log_dir` holds the run log;
/// `progress` is called with (runs done, runs resumed) after each run.
pub fn measure(
    cfg: &ProfileConfig,
    suite: Option<&Results>,
    log_dir: &std::path::Path,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> anyhow::Result<Profiles> {
    cfg.validate()?;
    let hash = cfg.hash();
    let ids: Vec<_> = cfg.targets.iter().flat_map(|s| s.expand()).collect();
    let targets: Vec<Box<dyn Target>> = ids.iter().map(|id| id.build()).collect::<Result<_, _>>()?;
    let floors: Vec<Vec<f64>> = targets.iter().map(|t| floors_of(cfg, t.as_ref())).collect::<anyhow::Result<_>>()?;
    // A depth no target can be built at is a config error, before anything trains.
    let deepest = targets.iter().map(|t| t.natural_depth()).max().unwrap_or(1);
    crate::validate::check(
        cfg.l_max.is_none_or(|l| l <= deepest),
        "",
        "l_max",
        &cfg.l_max.unwrap_or(0),
        &format!("at most {deepest}: the deepest construction among the targets (each goes to its own)"),
    )?;
    // The log holds runs, whose outcome depends on the seed, metric, floors and trainer settings only
    // (target, recipe, depth, width and seed are in each run's stream name; a target matched at its
    // own error has the same floor whatever the config): it stays valid when targets, depths,
    // recipes, seeds, w_max or max_pieces change.
    let runs_hash = runs_key(cfg);
    let (log, old, skipped) = JsonLog::open::<Run>(&log_dir.join("profile-runs.jsonl"), LOG, &runs_hash)?;
    if skipped > 0 {
        eprintln!("note: {skipped} unreadable line(s) in the profile run log: those runs are redone");
    }
    let mut cache: BTreeMap<String, Run> = old.into_iter().map(|r| (r.stream.clone(), r)).collect();
    let from_doc = suite.map_or(0, |r| from_document(r, &targets, &floors, &runs_hash, &mut cache));
    if from_doc > 0 {
        eprintln!("note: {from_doc} run(s) taken from the input document's depth profiles (not in the run log)");
    }
    let resumed = cache.len();
    let cache = Mutex::new(cache);
    let log = Mutex::new(log);
    let done = std::sync::atomic::AtomicUsize::new(0);

    // The trained searches at L ≥ 2: one job per (target, recipe, depth), every floor within it.
    let mut jobs: Vec<(usize, Recipe, usize)> = Vec::new();
    if let Some(tr) = &cfg.trained {
        // 1-D targets up to `max_pieces` pieces; d-input targets (whose pieces size nothing) only when
        // `families` names them. A recipe that does not apply to the target (the grown ones need one
        // input) is skipped rather than run as `plain` twice.
        let chosen = |t: &dyn Target| tr.families.as_ref().is_none_or(|f| f.iter().any(|f| f == t.id().family()));
        let named = |t: &dyn Target| tr.families.as_ref().is_some_and(|f| f.iter().any(|f| f == t.id().family()));
        for (i, t) in targets.iter().enumerate().filter(|(_, t)| {
            let t = t.as_ref();
            let small = tr.max_dim.is_none_or(|m| t.dim() <= m);
            small && if t.dim() == 1 { t.pieces() <= tr.max_pieces && chosen(t) } else { named(t) }
        }) {
            for &r in &tr.recipes {
                for l in 2..=depth_max(cfg, t.as_ref()) {
                    if crate::recipe::effective(r, t.id(), t.dim(), 2, l) == r {
                        jobs.push((i, r, l));
                    }
                }
            }
        }
    }
    let run_one = |i: usize, recipe: Recipe, depth: usize, width: usize, seed: u32| -> anyhow::Result<Run> {
        let t = targets[i].as_ref();
        let stream = format!("profile/{}/{}/L{depth}/w{width}/s{seed}", t.id(), recipe.name());
        if let Some(r) = cache.lock().unwrap().get(&stream) {
            return Ok(r.clone());
        }
        let tr = cfg.trained.as_ref().expect("trained jobs only with [trained]");
        let mut rng = run_rng(cfg.master_seed, &stream);
        let out = train_deep(
            recipe,
            t.id(),
            width,
            depth,
            &tr.train,
            cfg.metric,
            crate::train::SAMPLE_EVAL_POINTS,
            &floors[i],
            &mut rng,
        )?;
        let rep = out.report;
        let error = rep.best.value.is_finite().then_some(rep.best.value);
        let reached =
            floors[i].iter().zip(&rep.reached).map(|(&f, r)| r.is_some() || error.is_some_and(|e| e <= f)).collect();
        let run = Run { stream: stream.clone(), error, reached };
        log.lock().unwrap().append(&run)?;
        cache.lock().unwrap().insert(stream, run.clone());
        progress(done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1, resumed);
        Ok(run)
    };
    let searched: Vec<Vec<TrainedAt>> = jobs
        .par_iter()
        .map(|&(i, recipe, depth)| {
            let t = targets[i].as_ref();
            let tr = cfg.trained.as_ref().expect("jobs only with [trained]");
            floors[i]
                .iter()
                .enumerate()
                .map(|(f, &floor)| {
                    let start = t.fewest_pieces(floor, cfg.metric).map_or(1, |(p, _)| min_uniform_width(p, depth));
                    let by = format!("{} ({})", recipe.name(), recipe.kind());
                    if start > tr.w_max {
                        return Ok(TrainedAt {
                            by,
                            m_star: MStar::Censored { m_max: tr.w_max as u64 },
                            params: None,
                            tried: vec![],
                        });
                    }
                    let mut s = Search::new(start as u64, tr.w_max as u64);
                    let mut tried = Vec::new();
                    while let Some(w) = s.next_width() {
                        let runs = (0..tr.seeds)
                            .into_par_iter()
                            .map(|seed| run_one(i, recipe, depth, w as usize, seed))
                            .collect::<anyhow::Result<Vec<_>>>()?;
                        let passed = runs.iter().any(|r| r.reached[f]);
                        s.record(w, passed);
                        tried.push(WidthTry {
                            width: w as usize,
                            errors: runs.iter().map(|r| r.error).collect(),
                            passed,
                        });
                    }
                    tried.sort_by_key(|w| w.width);
                    let m_star = s.result();
                    // Parameters count the target's inputs (d + 1 weights per first-layer unit).
                    let params =
                        m_star.width().map(|w| crate::net::Mlp::count_params(t.dim(), &vec![w as usize; depth]) as u64);
                    Ok(TrainedAt { by, m_star, params, tried })
                })
                .collect::<anyhow::Result<Vec<_>>>()
        })
        .collect::<anyhow::Result<Vec<_>>>()?;

    let mut profiles = Vec::new();
    for (i, t) in targets.iter().enumerate() {
        let t = t.as_ref();
        let ev = Evaluator::new(t, cfg.metric);
        for (f, &floor) in floors[i].iter().enumerate() {
            let fewest = t.fewest_pieces(floor, cfg.metric);
            let mut depths = Vec::new();
            for depth in 1..=depth_max(cfg, t) {
                let lower = fewest.as_ref().map(|(p, how)| lower_at(t, *p, how, depth, floor, cfg));
                let constructed = match t.construct_at_depth(depth, floor, cfg.metric) {
                    None => None,
                    Some(built) => {
                        let (net, how) = built?;
                        let error = ev.eval(&net)?.value;
                        // Exact errors must be within the tolerance; a sampled one (d inputs) is
                        // recorded as measured beside the construction's proved bound.
                        anyhow::ensure!(
                            t.dim() > 1 || error <= floor * (1.0 + 1e-9),
                            "{} at depth {depth}: the construction's error {error:e} is above {floor} ({how})",
                            t.label()
                        );
                        let weights = if net.n_params() <= crate::suite::MAX_STORED_PARAMS {
                            net.params().to_vec()
                        } else {
                            vec![]
                        };
                        Some(ConstructedAt {
                            hidden: net.hidden().to_vec(),
                            params: net.n_params() as u64,
                            error,
                            how,
                            weights,
                        })
                    }
                };
                let trained = if depth == 1 {
                    shallow(suite, t, floor, cfg)
                } else {
                    jobs.iter()
                        .zip(&searched)
                        .filter(|((j, _, l), _)| *j == i && *l == depth)
                        .map(|(_, s)| s[f].clone())
                        .collect()
                };
                depths.push(DepthCell { depth, lower, constructed, trained });
            }
            profiles.push(DepthProfile {
                target: t.id(),
                label: t.label(),
                floor,
                own_tolerance: t.own_tolerance(),
                fewest_pieces: fewest,
                depths,
            });
        }
    }
    Ok(Profiles { config: cfg.clone(), config_hash: hash, profiles })
}

/// The key of the run log (and of runs stored in a document): what a run's outcome depends on.
fn runs_key(cfg: &ProfileConfig) -> String {
    let train = cfg.trained.as_ref().map(|t| &t.train);
    crate::rng::config_hash(&(cfg.master_seed, cfg.metric, &cfg.floors, train))
}

/// Put into `cache` the runs the document `r` already holds in its depth profiles (each searched
/// width's per-seed best errors), when they were measured with the same run key, for `targets`;
/// returns how many were added (runs already in the log are kept as logged). A run reaches a floor
/// exactly when its best error is within it (the best is the least of the evaluations, and an
/// evaluation within a floor is what marks it reached), so `reached` is recomputed from the error:
/// a profile whose run log is gone resumes from its committed document without retraining.
fn from_document(
    r: &Results,
    targets: &[Box<dyn Target>],
    floors: &[Vec<f64>],
    runs_hash: &str,
    cache: &mut BTreeMap<String, Run>,
) -> usize {
    let Some(p) = r.depth_profiles.as_ref().filter(|p| runs_key(&p.config) == runs_hash) else { return 0 };
    let mut added = 0;
    for q in &p.profiles {
        let Some(i) = targets.iter().position(|t| t.id() == q.target) else { continue };
        for c in q.depths.iter().filter(|c| c.depth >= 2) {
            for t in &c.trained {
                let recipe = t.by.split(" (").next().unwrap_or_default();
                for w in &t.tried {
                    for (seed, &error) in w.errors.iter().enumerate() {
                        let stream = format!("profile/{}/{recipe}/L{}/w{}/s{seed}", q.target, c.depth, w.width);
                        let reached = floors[i].iter().map(|&f| error.is_some_and(|e| e <= f)).collect();
                        if let std::collections::btree_map::Entry::Vacant(v) = cache.entry(stream.clone()) {
                            v.insert(Run { stream, error, reached });
                            added += 1;
                        }
                    }
                }
            }
        }
    }
    added
}

/// The tolerances `t` is profiled at: the config's floors, or for a family matched at its deep
/// reference's own error ([`Target::own_tolerance`], x²) that error in the config's metric, as the
/// suite's searches do.
fn floors_of(cfg: &ProfileConfig, t: &dyn Target) -> anyhow::Result<Vec<f64>> {
    if !t.own_tolerance() {
        return Ok(cfg.floors.clone());
    }
    let reference = t.construct_deep()?;
    Ok(vec![Evaluator::new(t, cfg.metric).eval(&reference.net)?.value])
}

/// Depths profiled for `t`: 1..=min(l_max, the construction's depth, 24).
fn depth_max(cfg: &ProfileConfig, t: &dyn Target) -> usize {
    cfg.l_max.unwrap_or(super::MAX_DEPTH).min(t.natural_depth()).clamp(1, super::MAX_DEPTH)
}

/// The certified lower bound at `depth` from `pieces` fewest pieces; at depth 1 the shallow
/// bracket's lower end where it is larger (it may use more than the pieces, e.g. in sup).
fn lower_at(t: &dyn Target, pieces: u64, how: &str, depth: usize, floor: f64, cfg: &ProfileConfig) -> LowerAt {
    let (units, _) = min_units(pieces, depth);
    let (prm, _) = min_params(pieces, depth);
    let bracket = (depth == 1).then(|| t.bracket(floor, cfg.metric)).flatten().filter(|b| b.lower > units);
    match bracket {
        Some(b) => LowerAt {
            units: b.lower,
            params: params(&[b.lower as usize]),
            how: "the shallow bracket's lower end".into(),
        },
        None => LowerAt {
            units,
            params: prm,
            how: format!("{pieces} pieces ({how}) against at most ∏(n_i + 1) pieces at depth {depth}"),
        },
    }
}

/// Today's shallow m* for `t` at `floor` from the suite's results, one per trainer (against the
/// constructed reference), when the suite searched that cell in the same metric.
fn shallow(suite: Option<&Results>, t: &dyn Target, floor: f64, cfg: &ProfileConfig) -> Vec<TrainedAt> {
    let Some(r) = suite.filter(|r| r.config.metric == cfg.metric) else { return vec![] };
    let Some(tr) = r.targets.iter().find(|x| x.target == t.id()) else { return vec![] };
    let Some(re) = tr.references.iter().find(|x| x.kind == crate::config::ReferenceKind::Constructed) else {
        return vec![];
    };
    re.searches
        .iter()
        .filter(|s| if t.own_tolerance() { s.floor == 0.0 } else { (s.floor - floor).abs() <= 1e-12 * floor })
        .map(|s| TrainedAt {
            by: format!("{} (shallow search)", s.trainer),
            m_star: s.m_star,
            params: s.m_star.width().map(|m| crate::net::Mlp::count_params(t.dim(), &[m as usize]) as u64),
            tried: vec![],
        })
        .collect()
}
