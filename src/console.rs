//! Plain-text tables printed by the CLI (cells shared with the report's tables).

use crate::family::Target;
use crate::report::cells;
use crate::train::{Evaluator, Metric};
use anyhow::Context;
use std::fmt::Write;

/// Print `text` on standard output. A closed pipe (`depthsep inspect NET | head -1`) ends the
/// printing quietly: this and every later call print nothing and return `Ok`, so the command goes
/// on and writes its files; any other write error is returned.
pub fn out(text: &str) -> anyhow::Result<()> {
    use std::io::Write as _;
    use std::sync::atomic::{AtomicBool, Ordering};
    static CLOSED: AtomicBool = AtomicBool::new(false);
    if CLOSED.load(Ordering::Relaxed) {
        return Ok(());
    }
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            CLOSED.store(true, Ordering::Relaxed);
            Ok(())
        }
        r => r.context("cannot write to standard output"),
    }
}

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
    let names: Vec<String> = results.targets.iter().map(|t| crate::family::file::name_of(t.target)).collect();
    let w = names.iter().map(|n| n.chars().count()).max().unwrap_or(0).max(14);
    let refs = results.targets.iter().flat_map(|t| &t.references);
    let rw = refs.map(|r| cells::reference(r).chars().count()).max().unwrap_or(0).max(16);
    writeln!(
        s,
        "{:<w$} {:<rw$} {:>9} {:>7} {:>5} {:>9} {:>9} {:<9} {:>8} {:>5} {:>15} {:>8} {:>9}",
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
    for (t, name) in results.targets.iter().zip(&names) {
        for r in &t.references {
            let collapse = r.collapse_rate.map_or("-".into(), |c| format!("{:.0}%", 100.0 * c));
            for q in &r.searches {
                writeln!(
                    s,
                    "{:<w$} {:<rw$} {:>9} {:>7} {:>5} {:>9.1e} {:>9.2e} {:<9} {:>8} {:>5} {:>15} {:>8} {:>9}",
                    name,
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
        "bracket = [certified lower bound, constructive upper bound] on the best possible width (equal ends: exact); coll = collapse rate;"
    )?;
    writeln!(s, "{}.", cells::MARKERS)?;
    Ok(s)
}

/// The certified bracket on the minimal shallow width for each target and ε, each end marked with
/// how it was obtained (a letter for the lower end's argument, a digit for the upper end's weights).
pub fn bounds(targets: &[Box<dyn Target>], eps: &[f64], metric: Metric) -> anyhow::Result<String> {
    anyhow::ensure!(!targets.is_empty(), "no targets to bound");
    let (mut lows, mut highs): (Vec<String>, Vec<String>) = (vec![], vec![]);
    let mark = |list: &mut Vec<String>, how: &str| {
        list.iter().position(|h| h == how).unwrap_or_else(|| {
            list.push(how.to_string());
            list.len() - 1
        })
    };
    let mut s = String::new();
    write!(s, "{:<16}", "target")?;
    for e in eps {
        write!(s, " {:>22}", format!("eps={e:.0e}"))?;
    }
    writeln!(s)?;
    for t in targets {
        write!(s, "{:<16}", crate::family::file::name_of(t.id()))?;
        for &e in eps {
            let c = t.certify(e, metric).with_context(|| {
                format!(
                    "{} has no certified bracket in {} (every exact 1-D target has one in every metric)",
                    t.label(),
                    metric.long()
                )
            })?;
            let (l, u) = (mark(&mut lows, &c.lower_how), mark(&mut highs, &c.upper_how));
            let cell = format!("{} {}{}", cells::bracket(Some(c.bracket)), (b'a' + l as u8) as char, u + 1);
            write!(s, " {cell:>22}")?;
        }
        writeln!(s)?;
    }
    writeln!(
        s,
        "[certified lower, constructive upper] bound on the minimal one-hidden-layer width reaching error eps ({}).",
        metric.long()
    )?;
    writeln!(s, "Lower ends (letter):")?;
    for (i, h) in lows.iter().enumerate() {
        writeln!(s, "  {} = {h}", (b'a' + i as u8) as char)?;
    }
    writeln!(s, "Upper ends (digit; explicit weights, error computed exactly):")?;
    for (i, h) in highs.iter().enumerate() {
        writeln!(s, "  {} = {h}", i + 1)?;
    }
    Ok(s)
}
