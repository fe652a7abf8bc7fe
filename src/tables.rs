//! Plain-text tables printed by the CLI.

use crate::net::{construct, pieces};
use crate::target::{Sawtooth, Target};
use crate::train::shallow_pwl;
use std::fmt::Write;

/// For each k: pieces of Δ^k, the constructed deep net's size and exact error, and the exact
/// shallow net's width and size (all errors computed exactly, not sampled).
pub fn constructions(ks: impl IntoIterator<Item = u32>) -> anyhow::Result<String> {
    let mut s = String::new();
    writeln!(
        s,
        "{:>3} {:>8} | {:>6} {:>7} {:>10} {:>10} {:>9} | {:>7} {:>7} {:>10}",
        "k", "pieces", "depth", "params", "deep sup", "deep MSE", "net pcs", "width", "params", "sup"
    )?;
    for k in ks {
        let t = Sawtooth::new(k)?;
        let exact = t.pwl().ok_or_else(|| anyhow::anyhow!("k = {k} is beyond the exact analysis limit"))?;
        let deep = construct::telgarsky_deep(k)?;
        let g = pieces::pwl_of(&deep)?;
        let e = g.errors(&exact);
        let shallow = construct::exact_shallow(k)?;
        let es = shallow_pwl(&shallow)?.errors(&exact);
        writeln!(
            s,
            "{:>3} {:>8} | {:>6} {:>7} {:>10.2e} {:>10.2e} {:>9} | {:>7} {:>7} {:>10.2e}",
            k,
            exact.pieces(),
            deep.hidden().len(),
            deep.n_params(),
            e.sup,
            e.mse,
            g.pieces(),
            shallow.hidden()[0],
            shallow.n_params(),
            es.sup
        )?;
    }
    Ok(s)
}

/// The m* table of a results document: one row per target, reference and tolerance.
pub fn mstar(results: &crate::results::Results) -> anyhow::Result<String> {
    let mut s = String::new();
    let metric = format!("{:?}", results.config.metric).to_lowercase();
    writeln!(
        s,
        "{:>3} {:<12} {:>9} {:>7} {:>9} {:>9} {:>8} {:>5} {:>15} {:>8} {:>9}",
        "k", "reference", "ref err", "params", "floor", "tau", "m*", "ok", "bracket", "params", "ratio"
    )?;
    for t in &results.targets {
        for r in &t.references {
            let kind = match r.kind {
                crate::suite::ReferenceKind::Constructed => "constructed".to_string(),
                crate::suite::ReferenceKind::Trained => {
                    format!("trained {:.0}%c", 100.0 * r.collapse_rate.unwrap_or(0.0))
                }
            };
            for q in &r.searches {
                let br = q.bracket.map_or("-".into(), |b| format!("[{}, {}]", b.lower, b.upper));
                writeln!(
                    s,
                    "{:>3} {:<12} {:>9} {:>7} {:>9.1e} {:>9.2e} {:>8} {:>5} {:>15} {:>8} {:>9}",
                    t.k,
                    kind,
                    r.error.map_or("-".into(), |e| format!("{e:.2e}")),
                    r.params,
                    q.floor,
                    q.tau,
                    format!(
                        "{}{}{}",
                        q.m_star,
                        if q.non_monotone { "*" } else { "" },
                        if q.reference_collapsed { "†" } else { "" }
                    ),
                    format!("{}/{}", q.successes, results.config.shallow.seeds),
                    br,
                    q.shallow_params.map_or("-".into(), |p| p.to_string()),
                    q.param_ratio.map_or("-".into(), |p| format!("{p:.1}"))
                )?;
            }
        }
    }
    writeln!(
        s,
        "metric: {metric}; m* = minimal trained shallow width reaching tau = max(ref err, floor); ok = seeds reaching tau at m*;"
    )?;
    writeln!(
        s,
        "bracket = [certified lower bound, constructive upper bound] on the best possible width; '>M' = censored at m_max; c = collapse rate."
    )?;
    Ok(s)
}

/// The theory's bracket on m*(k, ε) for each k and ε.
pub fn bounds(ks: impl IntoIterator<Item = u32>, eps: &[f64], metric: crate::train::Metric) -> anyhow::Result<String> {
    let mut s = String::new();
    write!(s, "{:>3}", "k")?;
    for e in eps {
        write!(s, " {:>19}", format!("eps={e:.0e}"))?;
    }
    writeln!(s)?;
    for k in ks {
        Sawtooth::new(k)?;
        write!(s, "{k:>3}")?;
        for &e in eps {
            let b = crate::theory::bracket(k, e, metric);
            write!(s, " {:>19}", format!("[{}, {}]", b.lower, b.upper))?;
        }
        writeln!(s)?;
    }
    writeln!(
        s,
        "[certified lower, constructive upper] bound on the minimal one-hidden-layer width reaching error eps ({metric:?}) on the sawtooth."
    )?;
    Ok(s)
}
