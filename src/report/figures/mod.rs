//! One file per figure.

mod collapse;
mod costs;
mod error_width;
mod functions;
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

/// Rebuild a 1-input net from hidden widths and flat weights.
pub(crate) fn net(hidden: &[usize], weights: &[f64]) -> anyhow::Result<Mlp> {
    let mut dims = vec![1];
    dims.extend_from_slice(hidden);
    dims.push(1);
    Mlp::from_params(&dims, weights)
}

/// Smallest and largest k among the results' targets (1, 1 when there are none).
pub(crate) fn k_range(results: &Results) -> (u32, u32) {
    let ks = results.targets.iter().map(|t| t.k);
    (ks.clone().min().unwrap_or(1), ks.max().unwrap_or(1))
}

/// The target shown in single-k figures: the largest k ≤ 5 in the results.
pub(crate) fn showcase(results: &Results) -> anyhow::Result<&TargetResult> {
    results
        .targets
        .iter()
        .filter(|t| t.k <= 5)
        .max_by_key(|t| t.k)
        .or_else(|| results.targets.first())
        .ok_or_else(|| anyhow::anyhow!("the results hold no targets"))
}
