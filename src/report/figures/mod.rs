//! One file per figure.

mod collapse;
mod costs;
mod crossover;
mod depth;
mod error_width;
mod frontier;
mod functions;
mod gap;
mod layers;
mod mstar;
mod pieces;

use super::Artifact;
use super::plot::svg;
use crate::net::Mlp;
use crate::results::{ReferenceResult, Results, TargetResult};
use crate::suite::ReferenceKind;
use plotters::coord::Shift;
use plotters::prelude::{DrawingArea, SVGBackend};

/// Every figure.
pub fn all() -> Vec<Box<dyn Artifact>> {
    vec![
        Box::new(mstar::MStarVsK),
        Box::new(gap::Gap),
        Box::new(error_width::ErrorVsWidth),
        Box::new(functions::Functions),
        Box::new(layers::Layers),
        Box::new(pieces::PiecesVsParams),
        Box::new(collapse::CollapseRate),
        Box::new(frontier::FrontierFigure),
        Box::new(depth::DepthFigure),
        Box::new(crossover::CrossoverFigure),
        Box::new(costs::CostVsK),
    ]
}

/// The reference of `kind` for a target, if the suite had it.
pub(crate) fn reference(t: &TargetResult, kind: ReferenceKind) -> Option<&ReferenceResult> {
    t.references.iter().find(|r| r.kind == kind)
}

/// What the constructed references of these targets are called: `your net` when every one is a
/// net of the user's own (a `family = "file"` target with `net`), else `constructed deep net`.
pub(crate) fn constructed_name<'a>(targets: impl IntoIterator<Item = &'a TargetResult>) -> &'static str {
    let refs: Vec<&ReferenceResult> =
        targets.into_iter().filter_map(|t| reference(t, ReferenceKind::Constructed)).collect();
    if !refs.is_empty() && refs.iter().all(|r| r.net.is_some()) { "your net" } else { "constructed deep net" }
}

/// Rebuild a net of a `dim`-input target from hidden widths and flat weights.
pub(crate) fn net(dim: usize, hidden: &[usize], weights: &[f64]) -> anyhow::Result<Mlp> {
    let mut dims = vec![dim];
    dims.extend_from_slice(hidden);
    dims.push(1);
    Mlp::from_params(&dims, weights)
}

/// One family's targets (one series: family and fixed parameters) in a results document, in order, with its parameter axis.
pub(crate) struct Family<'a> {
    /// Family and fixed parameters, e.g. `"sawtooth"`, `"takagi a=2"` ([`crate::family::TargetId::series`]).
    pub name: String,
    /// The axis parameter's name, e.g. `"k"`.
    pub axis: &'static str,
    /// Its targets.
    pub targets: Vec<&'a TargetResult>,
}

impl Family<'_> {
    /// The tolerance floors of its searches, in the order first met.
    pub fn floors(&self) -> Vec<f64> {
        let mut out: Vec<f64> = Vec::new();
        for s in self.targets.iter().flat_map(|t| &t.references).flat_map(|r| &r.searches) {
            if !out.contains(&s.floor) {
                out.push(s.floor);
            }
        }
        out
    }

    /// Smallest and largest axis value.
    pub fn range(&self) -> (f64, f64) {
        let v = self.targets.iter().map(|t| axis(t));
        (v.clone().fold(f64::INFINITY, f64::min), v.fold(f64::NEG_INFINITY, f64::max))
    }
}

/// Every family of the results, in order of first appearance (figures with a panel per family).
pub(crate) fn families(results: &Results) -> Vec<Family<'_>> {
    let mut out: Vec<Family> = Vec::new();
    for t in &results.targets {
        let name = t.target.series();
        match out.iter_mut().find(|f| f.name == name) {
            Some(f) => f.targets.push(t),
            None => out.push(Family { name, axis: t.target.axis().0, targets: vec![t] }),
        }
    }
    out
}

/// A figure of one 900 × 600 panel per family, stacked, each drawn by `panel`.
pub(crate) fn per_family(
    results: &Results,
    panel: impl Fn(&DrawingArea<SVGBackend, Shift>, &Family) -> anyhow::Result<()>,
) -> anyhow::Result<String> {
    let families = families(results);
    anyhow::ensure!(!families.is_empty(), "the results hold no targets");
    svg((900, 600 * families.len() as u32), |root| {
        for (area, fam) in root.split_evenly((families.len(), 1)).iter().zip(&families) {
            panel(area, fam)?;
        }
        Ok(())
    })
}

/// The targets that single-panel figures with a parameter axis draw: the first family's.
pub(crate) fn family_targets(results: &Results) -> Vec<&TargetResult> {
    families(results).into_iter().next().map_or_else(Vec::new, |f| f.targets)
}

/// A target's position on its family's parameter axis.
pub(crate) fn axis(t: &TargetResult) -> f64 {
    t.target.axis().1
}

/// The axis parameter's name and family, e.g. `("k", "sawtooth")`.
pub(crate) fn axis_name(results: &Results) -> (&'static str, &'static str) {
    results.targets.first().map_or(("k", "sawtooth"), |t| (t.target.axis().0, t.target.family()))
}

/// Smallest and largest axis value of the drawn family (1, 1 when there are none).
pub(crate) fn axis_range(results: &Results) -> (f64, f64) {
    families(results).first().map_or((1.0, 1.0), Family::range)
}

/// The target shown for a family in single-target panels: its largest axis value ≤ 5.
pub(crate) fn showcase_of<'a>(family: &Family<'a>) -> Option<&'a TargetResult> {
    let targets = &family.targets;
    targets
        .iter()
        .copied()
        .filter(|t| axis(t) <= 5.0)
        .max_by(|a, b| axis(a).total_cmp(&axis(b)))
        .or_else(|| targets.first().copied())
}

/// The target shown in single-target figures: the first family's showcase.
pub(crate) fn showcase(results: &Results) -> anyhow::Result<&TargetResult> {
    families(results).first().and_then(showcase_of).ok_or_else(|| anyhow::anyhow!("the results hold no targets"))
}
