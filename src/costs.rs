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

/// The criterion label of a 1-input net: `w{width}xL{depth}`.
pub fn label(hidden: &[usize]) -> String {
    format!("w{}xL{}", hidden[0], hidden.len())
}

/// Every net whose cost the report compares: the constructed references and the matched shallow nets.
pub fn nets(results: &Results) -> Vec<Vec<usize>> {
    let mut v: Vec<Vec<usize>> = Vec::new();
    for t in &results.targets {
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
