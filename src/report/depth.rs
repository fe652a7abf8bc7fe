//! `depth.md`: the depth profiles as a table, one row per target, tolerance and depth: the
//! certified lower bound (units, parameters), the construction (widths, parameters, exact error)
//! and the smallest trained width (best over the trained columns, with who trained it), then a
//! summary per target and tolerance: parameters at depth 1 over parameters at the best depth.

use super::Artifact;
use super::grid::Grid;
use crate::profile::{DepthProfile, Profiles};
use crate::results::Results;

/// The long table: one row per (target, tolerance, depth).
pub fn grid(p: &Profiles) -> Grid {
    let header = [
        "target",
        "tolerance",
        "depth L",
        "lower bound: units",
        "lower bound: params",
        "constructed: widths",
        "constructed: params",
        "constructed: error",
        "trained: m* (uniform width)",
        "trained: params",
        "trained by",
    ]
    .map(String::from)
    .to_vec();
    let mut rows = Vec::new();
    for prof in &p.profiles {
        for c in &prof.depths {
            let (lu, lp) =
                c.lower.as_ref().map_or(("–".into(), "–".into()), |l| (l.units.to_string(), l.params.to_string()));
            let (cw, cp, ce) = c.constructed.as_ref().map_or(("–".into(), "–".into(), "–".into()), |k| {
                (widths(&k.hidden), k.params.to_string(), format!("{:.2e}", k.error))
            });
            let best = c.trained.iter().min_by_key(|t| t.params.unwrap_or(u64::MAX));
            let (tm, tp, tb) = best.map_or(("–".into(), "–".into(), "–".into()), |t| {
                (t.m_star.to_string(), t.params.map_or("–".into(), |p| p.to_string()), t.by.clone())
            });
            rows.push(vec![
                prof.label.clone(),
                tolerance(prof.floor),
                c.depth.to_string(),
                lu,
                lp,
                cw,
                cp,
                ce,
                tm,
                tp,
                tb,
            ]);
        }
    }
    Grid { header, rows }
}

/// A tolerance as written in a config (`0.1`), or to four digits when below 10⁻³ (x²'s own errors).
fn tolerance(f: f64) -> String {
    if f < 1e-3 { format!("{f:.3e}") } else { f.to_string() }
}

/// `[2, 2, 5]` as `2·2·5`, runs of equal widths as `2^3`: `2×3, 5`.
fn widths(h: &[usize]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < h.len() {
        let j = (i..h.len()).find(|&j| h[j] != h[i]).unwrap_or(h.len());
        parts.push(if j - i > 1 { format!("{}×{}", h[i], j - i) } else { h[i].to_string() });
        i = j;
    }
    parts.join(", ")
}

/// Parameters at depth 1 and at the depth with the fewest, for one column (`pick` reads a cell's
/// parameters): (params at L = 1, best L, params there).
pub fn saving(
    prof: &DepthProfile,
    pick: impl Fn(&crate::profile::DepthCell) -> Option<u64>,
) -> Option<(u64, usize, u64)> {
    let one = pick(prof.depths.first()?)?;
    let (l, best) = best_depth(prof, pick)?;
    Some((one, l, best))
}

/// The depth with the fewest parameters in one column (the shallowest on a tie) and its parameters.
fn best_depth(prof: &DepthProfile, pick: impl Fn(&crate::profile::DepthCell) -> Option<u64>) -> Option<(usize, u64)> {
    prof.depths.iter().filter_map(|c| pick(c).map(|p| (c.depth, p))).min_by_key(|&(l, p)| (p, l))
}

/// The parameters of a one-hidden-layer net on `dim` inputs at a censored search's cap (its m* is
/// wider), or `None` when the search reached the tolerance.
fn censored_params(t: &crate::profile::TrainedAt, dim: usize) -> Option<u64> {
    match t.m_star {
        crate::search::MStar::Censored { m_max } => Some(crate::net::Mlp::count_params(dim, &[m_max as usize]) as u64),
        _ => None,
    }
}

/// The summary: per target and tolerance, depth 1 against the best depth, constructed and trained.
pub fn summary(p: &Profiles) -> Grid {
    let header = [
        "target",
        "tolerance",
        "fewest pieces",
        "constructed: params at L = 1 → best L: params (ratio)",
        "trained: params at L = 1 → best L: params (ratio)",
        "lower bound: params at L = 1 → best L",
    ]
    .map(String::from)
    .to_vec();
    let fmt = |s: Option<(u64, usize, u64)>| {
        s.map_or("–".into(), |(one, l, best)| format!("{one} → L = {l}: {best} ({:.1}×)", one as f64 / best as f64))
    };
    // Where depth 1 has no size (every shallow search censored) but a deeper net was trained: the
    // censored bound against the best depth, as a lower bound on the ratio.
    let censored = |prof: &DepthProfile| -> Option<String> {
        let first = prof.depths.first()?;
        let dim = prof.target.build().map_or(1, |t| t.dim());
        let cap =
            first.trained.iter().map(|t| censored_params(t, dim)).collect::<Option<Vec<_>>>()?.into_iter().min()?;
        let (l, best) = best_depth(prof, |c| c.best_trained().map(|(p, _)| p))?;
        let ratio = cap as f64 / best as f64;
        Some(if ratio >= 1.0 {
            format!("> {cap} (censored) → L = {l}: {best} (> {ratio:.1}×)")
        } else {
            format!("> {cap} (censored) → L = {l}: {best} (not compared)")
        })
    };
    let rows = p
        .profiles
        .iter()
        .map(|prof| {
            vec![
                prof.label.clone(),
                tolerance(prof.floor),
                prof.fewest_pieces.as_ref().map_or("–".into(), |(n, _)| n.to_string()),
                saving(prof, |c| c.constructed.as_ref().map(|k| k.params)).map_or_else(
                    || {
                        // No construction at depth 1 (max of d ≥ 3, the ball, radial): the best depth alone.
                        best_depth(prof, |c| c.constructed.as_ref().map(|k| k.params))
                            .map_or("–".into(), |(l, p)| format!("none at L = 1 → L = {l}: {p}"))
                    },
                    |s| fmt(Some(s)),
                ),
                saving(prof, |c| c.best_trained().map(|(p, _)| p))
                    .map(|s| fmt(Some(s)))
                    .or_else(|| censored(prof))
                    .unwrap_or_else(|| "–".into()),
                fmt(saving(prof, |c| c.lower.as_ref().map(|l| l.params))),
            ]
        })
        .collect();
    Grid { header, rows }
}

/// The Markdown of `depth.md`.
pub fn markdown(r: &Results) -> String {
    let Some(p) = &r.depth_profiles else {
        return "No depth profiles measured: run `depthsep profile --in results.json`.\n".into();
    };
    let c = &p.config;
    let mut floors: Vec<String> = c.floors.iter().map(|f| f.to_string()).collect();
    if p.profiles.iter().any(|q| q.own_tolerance) {
        floors.push("for x² its depth-L reference's own error".into());
    }
    let trained = c.trained.as_ref().map_or("no trained column at L ≥ 2".to_string(), |t| {
        let rec: Vec<String> = t.recipes.iter().map(|r| format!("`{}` ({})", r.name(), r.kind())).collect();
        format!(
            "trained at L ≥ 2 by {} for {}: {} seeds per width, uniform widths up to {} \
             (gallop then bisect from the certified uniform width; a width passes when any seed reaches the \
             tolerance; `>w` is censored), {}",
            rec.join(" and "),
            trained_which(t),
            t.seeds,
            t.w_max,
            t.train.budget()
        )
    });
    format!(
        "# Depth profiles\n\nThe smallest net at every depth L = 1..{} (capped at each target's construction depth and at {}), \
         {} ≤ tolerance ∈ {{{}}}. Lower bound: the fewest pieces any function within the tolerance has, against the \
         at most ∏(n_i + 1) pieces of a depth-L net (units and parameters, certified; at L = 1 the shallow bracket's \
         lower end). Constructed: explicit weights with L hidden layers sized to the tolerance, exact error. Trained: \
         at L = 1 the suite's best-effort shallow search (today's m*), {trained}.\n\n## Depth 1 against the best \
         depth\n\n{}\n{}## Every depth\n\n{}",
        c.l_max.map_or("its construction's depth".to_string(), |l| l.to_string()),
        crate::profile::MAX_DEPTH,
        c.metric.short(),
        floors.join(", "),
        summary(p).markdown(),
        crossover_section(r),
        grid(p).markdown()
    )
}

/// The crossover section of `depth.md` (empty without crossovers).
fn crossover_section(r: &Results) -> String {
    let lines = crossover_lines(r);
    if lines.is_empty() {
        return lines;
    }
    format!("## Where depth starts to pay, per shallow trainer\n\n{lines}\n")
}

/// `depth.md`.
pub struct DepthTable;

impl Artifact for DepthTable {
    fn file_name(&self) -> &'static str {
        "depth.md"
    }
    fn render(&self, r: &Results) -> anyhow::Result<String> {
        Ok(markdown(r))
    }
}

/// Where depth starts to pay, per family series, tolerance and shallow trainer: the smallest value
/// of the series' parameter from which (for every larger member with both numbers) the construction
/// at some depth ≥ 2 has fewer parameters than that trainer's one-hidden-layer m* (a censored m*
/// counts as more than the cap's parameters). `None`: depth never pays within the members.
pub struct Crossover {
    /// Family series, e.g. `ball δ=0.25` ([`crate::family::TargetId::series`]).
    pub series: String,
    /// The axis name, e.g. `d`.
    pub axis: &'static str,
    /// The tolerance ([`crate::profile::DepthProfile::key`]: 0 for the reference's own error).
    pub floor: f64,
    /// The shallow trainer (`greedy (shallow search)`, …).
    pub trainer: String,
    /// The crossover value and the members compared (axis value, deep params, shallow params or the
    /// cap's as `>p`).
    pub from: Option<u32>,
    /// Every member compared: (axis value, deep parameters, shallow parameters as text).
    pub members: Vec<(u32, u64, String)>,
}

/// Every crossover of the profiles (see [`Crossover`]), with the constructed nets as the deep side.
pub fn crossovers(p: &Profiles) -> Vec<Crossover> {
    crossovers_of(p, |c| c.constructed.as_ref().map(|k| k.params))
}

/// The same with the best trained net of depth ≥ 2 (generic recipes) as the deep side: where
/// training alone, not only a construction, finds the deep saving.
pub fn trained_crossovers(p: &Profiles) -> Vec<Crossover> {
    crossovers_of(p, |c| c.best_trained().map(|(p, _)| p))
}

fn crossovers_of(p: &Profiles, deep_at: impl Fn(&crate::profile::DepthCell) -> Option<u64>) -> Vec<Crossover> {
    let mut out: Vec<Crossover> = Vec::new();
    for prof in &p.profiles {
        let (axis, value) = prof.target.axis();
        let deep = prof.depths.iter().filter(|c| c.depth >= 2).filter_map(&deep_at).min();
        let Some(deep) = deep else { continue };
        let Some(first) = prof.depths.first() else { continue };
        for t in &first.trained {
            let (shallow, wins) = match t.params {
                Some(s) => (s.to_string(), deep < s),
                None => match censored_params(t, prof.target.build().map_or(1, |b| b.dim())) {
                    Some(cap) => (format!(">{cap}"), deep <= cap),
                    None => continue,
                },
            };
            let series = prof.target.series();
            let i = match out.iter().position(|c| c.series == series && c.floor == prof.key() && c.trainer == t.by) {
                Some(i) => i,
                None => {
                    out.push(Crossover {
                        series,
                        axis,
                        floor: prof.key(),
                        trainer: t.by.clone(),
                        from: None,
                        members: vec![],
                    });
                    out.len() - 1
                }
            };
            out[i].members.push((value as u32, deep, shallow));
            // The crossover moves up past every member where depth does not pay.
            let c = &mut out[i];
            if wins {
                c.from.get_or_insert(value as u32);
            } else {
                c.from = None;
            }
        }
    }
    out
}

/// One sentence per family series and tolerance naming the crossover per trainer, e.g.
/// `ball δ=0.25, nMSE ≤ 0.1: depth pays from d = 3 for greedy, …`.
pub fn crossover_lines(r: &Results) -> String {
    let Some(p) = &r.depth_profiles else { return String::new() };
    let mut s = lines_of(p, &crossovers(p), "a constructed net");
    s += &lines_of(p, &trained_crossovers(p), "a trained net (generic recipes)");
    s
}

fn lines_of(p: &Profiles, cs: &[Crossover], deep: &str) -> String {
    let mut keys: Vec<(String, f64)> = Vec::new();
    for c in cs {
        if !keys.contains(&(c.series.clone(), c.floor)) {
            keys.push((c.series.clone(), c.floor));
        }
    }
    let mut s = String::new();
    for (series, floor) in keys {
        let parts: Vec<String> = cs
            .iter()
            .filter(|c| c.series == series && c.floor == floor)
            .map(|c| {
                let trainer = c.trainer.trim_end_matches(" (shallow search)");
                let last = c.members.last().map_or(0, |m| m.0);
                match c.from {
                    Some(v) => format!("from {} = {v} against `{trainer}`", c.axis),
                    None => format!("not up to {} = {last} against `{trainer}`", c.axis),
                }
            })
            .collect();
        s += &format!(
            "- {series}, {}: {deep} of depth ≥ 2 has fewer parameters than the trained one-hidden-layer m* {}.\n",
            crate::profile::tolerance_text(p.config.metric.short(), floor),
            parts.join(", ")
        );
    }
    s
}

/// Which targets the trained column covers, in words: one-input targets up to `max_pieces` pieces
/// (of the named families, if any) and d-input targets of the named families (up to `max_dim`).
fn trained_which(t: &crate::profile::TrainedConfig) -> String {
    let dims = t.max_dim.map_or(String::new(), |m| format!(" with at most {m} inputs"));
    match &t.families {
        None => format!("one-input targets of at most {} pieces{dims}", t.max_pieces),
        Some(f) => format!(
            "the families {}{dims} (one-input targets of at most {} pieces)",
            f.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>().join(", "),
            t.max_pieces
        ),
    }
}
