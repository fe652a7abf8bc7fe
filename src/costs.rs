//! Measured costs of the deep references and their matched shallow nets, imported from criterion.
//!
//! `cargo bench -- matched` times one inference pass and one training step (batch 1024, f64) of every
//! constructed deep reference and every matched shallow width found in `reports/results.json`;
//! [`import_criterion`] reads criterion's per-benchmark estimates (the median, as critcmp does) into
//! the results document's `costs`, which the report turns into a figure and table columns. Costs are
//! machine-dependent, so — like provenance — they are left out of the deterministic part.

use crate::results::{Costs, NetCost, Results};
use crate::search::MStar;
use crate::suite::ReferenceKind;
use std::path::Path;

/// Batch size of the cost benchmarks.
pub const BATCH: usize = 1024;

/// The criterion label of a 1-input net: `w{width}xL{depth}`, or runs of equal widths joined by `-`.
pub fn label(hidden: &[usize]) -> String {
    if hidden.iter().all(|&w| w == hidden[0]) {
        return format!("w{}xL{}", hidden[0], hidden.len());
    }
    // Mixed widths (e.g. the Takagi net, 2 then 3): runs of equal widths, `w2xL1-w3xL11`.
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for &w in hidden {
        match runs.last_mut() {
            Some((v, n)) if *v == w => *n += 1,
            _ => runs.push((w, 1)),
        }
    }
    runs.iter().map(|(w, n)| format!("w{w}xL{n}")).collect::<Vec<_>>().join("-")
}

/// Every net whose cost the report compares: the constructed references and the matched shallow nets
/// of the 1-input targets (the benchmark times 1-input nets; d-input families are not timed yet).
pub fn nets(results: &Results) -> Vec<Vec<usize>> {
    let mut v: Vec<Vec<usize>> = Vec::new();
    for t in results.targets.iter().filter(|t| t.dim == 1) {
        for r in t.references.iter().filter(|r| r.kind == ReferenceKind::Constructed) {
            v.push(r.hidden.clone());
            v.extend(r.searches.iter().filter_map(|s| match s.m_star {
                MStar::Found { m } => Some(vec![m as usize]),
                MStar::Censored { .. } => None,
            }));
        }
    }
    v.sort();
    v.dedup();
    v
}

fn median_ns(dir: &Path, group: &str, label: &str) -> Option<f64> {
    let p = dir.join("matched").join(group).join(label).join("new").join("estimates.json");
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(p).ok()?).ok()?;
    v["median"]["point_estimate"].as_f64()
}

/// Read criterion's estimates under `criterion_dir` into `results.costs`; returns how many nets had
/// both timings. Nets without a measurement keep `None`.
pub fn import_criterion(results: &mut Results, criterion_dir: &Path) -> anyhow::Result<usize> {
    anyhow::ensure!(
        criterion_dir.join("matched").is_dir(),
        "no criterion measurements in {}/matched: run `cargo bench -- matched` first",
        criterion_dir.display()
    );
    let nets: Vec<NetCost> = nets(results)
        .into_iter()
        .map(|hidden| {
            let net = crate::net::Mlp::with_hidden(1, &hidden).expect("checked by Results::check");
            let l = label(&hidden);
            NetCost {
                infer_ns: median_ns(criterion_dir, "infer", &l),
                train_ns: median_ns(criterion_dir, "train", &l),
                params: net.n_params(),
                flops: net.flops_per_forward(),
                hidden,
            }
        })
        .collect();
    let complete = nets.iter().filter(|n| n.infer_ns.is_some() && n.train_ns.is_some()).count();
    results.costs = Some(Costs { batch: BATCH, source: "criterion median, f64, 1 thread".into(), nets });
    Ok(complete)
}

#[cfg(test)]
mod tests {
    use super::label;

    #[test]
    fn labels_tell_apart_every_shape_the_families_build() {
        // The sawtooth and golden nets are w2 × L, the Takagi net 2 then 3 × (K − 1), x² 3 × L.
        let shapes: Vec<Vec<usize>> = vec![vec![2, 2, 2], vec![2, 3, 3], vec![3, 3, 3], vec![2, 3], vec![929]];
        let labels: Vec<String> = shapes.iter().map(|h| label(h)).collect();
        assert_eq!(labels, ["w2xL3", "w2xL1-w3xL2", "w3xL3", "w2xL1-w3xL1", "w929xL1"]);
    }
}
