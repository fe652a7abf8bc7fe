//! Plain-text tables printed by the CLI (cells shared with the report's tables).

use crate::family::Target;
use crate::report::cells;
use crate::train::{Evaluator, Metric};
use anyhow::Context;
use std::fmt::Write;

/// For each target: its pieces, the constructed deep net's size and exact errors, and the exact
/// shallow net's width, size and error where one is known (all errors exact, not sampled).
pub fn constructions(targets: &[Box<dyn Target>]) -> anyhow::Result<String> {
    let mut s = String::new();
    writeln!(
        s,
        "{:<14} {:>8} | {:>6} {:>7} {:>10} {:>10} {:>9} | {:>7} {:>7} {:>10}",
        "target", "pieces", "depth", "params", "deep sup", "deep MSE", "net pcs", "width", "params", "sup"
    )?;
    for t in targets {
        let ev = Evaluator::new(t.as_ref(), Metric::Nmse);
        let deep = t.construct_deep()?.net;
        let e = ev.eval(&deep)?;
        let shallow = t.exact_shallow().transpose()?;
        let es = shallow.as_ref().map(|n| ev.eval(n)).transpose()?;
        writeln!(
            s,
            "{:<14} {:>8} | {:>6} {:>7} {:>10.2e} {:>10.2e} {:>9} | {:>7} {:>7} {:>10}",
            t.label(),
            t.pieces(),
            deep.hidden().len(),
            deep.n_params(),
            e.errors.sup,
            e.errors.mse,
            e.pieces.map_or("-".into(), |p| p.to_string()),
            shallow.as_ref().map_or("-".into(), |n| n.hidden()[0].to_string()),
            shallow.as_ref().map_or("-".into(), |n| n.n_params().to_string()),
            es.map_or("-".into(), |e| format!("{:.2e}", e.errors.sup)),
        )?;
    }
    Ok(s)
}

/// The m* table of a results document: one row per target, reference and tolerance.
pub fn mstar(results: &crate::results::Results) -> anyhow::Result<String> {
    let mut s = String::new();
    writeln!(
        s,
        "{:<14} {:<16} {:>9} {:>7} {:>5} {:>9} {:>9} {:<9} {:>8} {:>5} {:>15} {:>8} {:>9}",
        "target",
        "reference",
        "ref err",
        "params",
        "coll",
        "floor",
        "tau",
        "trainer",
        "m*",
        "ok",
        "bracket",
        "params",
        "ratio"
    )?;
    for t in &results.targets {
        for r in &t.references {
            let collapse = r.collapse_rate.map_or("-".into(), |c| format!("{:.0}%", 100.0 * c));
            for q in &r.searches {
                writeln!(
                    s,
                    "{:<14} {:<16} {:>9} {:>7} {:>5} {:>9.1e} {:>9.2e} {:<9} {:>8} {:>5} {:>15} {:>8} {:>9}",
                    t.label,
                    cells::reference(r),
                    cells::error(r.error),
                    r.params,
                    collapse,
                    q.floor,
                    q.tau,
                    q.trainer,
                    cells::mstar(q),
                    cells::seeds_ok(results, q),
                    cells::bracket(q.bracket),
                    q.shallow_params.map_or("-".into(), |p| p.to_string()),
                    q.param_ratio.map_or("-".into(), |p| format!("{p:.1}"))
                )?;
            }
        }
    }
    writeln!(
        s,
        "metric: {}; m* = minimal trained shallow width reaching tau = max(ref err, floor); ok = seeds reaching tau at m*;",
        results.config.metric.short()
    )?;
    writeln!(
        s,
        "bracket = [certified lower bound, constructive upper bound] on the best possible width; coll = collapse rate;"
    )?;
    writeln!(s, "{}.", cells::MARKERS)?;
    Ok(s)
}

/// The theory's bracket on the minimal shallow width for each target and ε.
pub fn bounds(targets: &[Box<dyn Target>], eps: &[f64], metric: Metric) -> anyhow::Result<String> {
    anyhow::ensure!(!targets.is_empty(), "no targets to bound");
    let mut s = String::new();
    write!(s, "{:<14}", "target")?;
    for e in eps {
        write!(s, " {:>19}", format!("eps={e:.0e}"))?;
    }
    writeln!(s)?;
    for t in targets {
        write!(s, "{:<14}", t.label())?;
        for &e in eps {
            let b = t.bracket(e, metric).with_context(|| format!("{} has no theory bracket", t.label()))?;
            write!(s, " {:>19}", cells::bracket(Some(b)))?;
        }
        writeln!(s)?;
    }
    writeln!(
        s,
        "[certified lower, constructive upper] bound on the minimal one-hidden-layer width reaching error eps ({}).",
        metric.long()
    )?;
    Ok(s)
}
