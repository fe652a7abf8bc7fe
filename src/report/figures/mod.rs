//! One file per figure.

mod collapse;
mod costs;
mod error_width;
mod functions;
mod gap;
mod layers;
mod mstar;
mod pieces;

use super::Artifact;
use crate::net::Mlp;
use crate::results::{ReferenceResult, Results, TargetResult};
use crate::suite::ReferenceKind;

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
        Box::new(costs::CostVsK),
    ]
}

/// The reference of `kind` for a target, if the suite had it.
pub(crate) fn reference(t: &TargetResult, kind: ReferenceKind) -> Option<&ReferenceResult> {
    t.references.iter().find(|r| r.kind == kind)
}

/// Rebuild a net of a `dim`-input target from hidden widths and flat weights.
pub(crate) fn net(dim: usize, hidden: &[usize], weights: &[f64]) -> anyhow::Result<Mlp> {
    let mut dims = vec![dim];
    dims.extend_from_slice(hidden);
    dims.push(1);
    Mlp::from_params(&dims, weights)
}

/// The targets that figures with a parameter axis draw: those of the first family in the results.
pub(crate) fn family_targets(results: &Results) -> Vec<&TargetResult> {
    let family = results.targets.first().map(|t| t.target.family());
    results.targets.iter().filter(|t| Some(t.target.family()) == family).collect()
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
    let v: Vec<f64> = family_targets(results).into_iter().map(axis).collect();
    if v.is_empty() {
        return (1.0, 1.0);
    }
    (v.iter().copied().fold(f64::INFINITY, f64::min), v.iter().copied().fold(f64::NEG_INFINITY, f64::max))
}

/// The target shown in single-target figures: the drawn family's largest axis value ≤ 5.
pub(crate) fn showcase(results: &Results) -> anyhow::Result<&TargetResult> {
    let targets = family_targets(results);
    targets
        .iter()
        .copied()
        .filter(|t| axis(t) <= 5.0)
        .max_by(|a, b| axis(a).total_cmp(&axis(b)))
        .or_else(|| targets.first().copied())
        .ok_or_else(|| anyhow::anyhow!("the results hold no targets"))
}
