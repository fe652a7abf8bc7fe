//! `depthsep probe --family compositional`: the layer probes of nets on the compositional tree of
//! |a − b| ([`Compositional`]), written as `tree-probes.json`, `.md` and `.svg` (+ `.pdf`).
//!
//! The hierarchy's levels are the tree's levels: level l (1..=j, j = log₂ d) has d/2^l nodes, each
//! |a − b| of two nodes of the level below; the exact tree net computes level l linearly from its
//! hidden layer l (two units per node, their sum). For every hidden layer and every level the probe
//! ([`super::probe`]) is run for each node of that level, and the level's entry is the mean of its
//! nodes' held-out R² (the table also gives the smallest). Nets: the exact tree, and nets of j
//! hidden layers of each width trained by the compositional suite's deep trainer (`hybrid`, 3000
//! steps) under the generic `plain` recipe (the only generic recipe that applies to d > 1 inputs),
//! best of `seeds` seeds by held-out nMSE. Points are uniform on \[0,1\]^d, fit and held-out sets
//! from two ChaCha8 streams of the master seed.

use super::{Probe, probe_net};
use crate::family::compositional::Compositional;
use crate::family::{Target, TargetId};
use crate::recipe::Recipe;
use crate::rng::run_rng;
use crate::train::Metric;
use anyhow::Context;
use rand::RngExt;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// What `depthsep probe --family compositional` runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TreeProbeConfig {
    /// Input dimensions (powers of two, 2..=16).
    pub d: Vec<u32>,
    /// Widths of the trained nets.
    pub widths: Vec<usize>,
    /// Seeds per d and width (the best by nMSE is probed).
    pub seeds: u32,
    /// Fit points and held-out points, each.
    pub points: usize,
    /// The master seed.
    pub master_seed: u64,
}

impl Default for TreeProbeConfig {
    fn default() -> Self {
        TreeProbeConfig { d: vec![4, 8], widths: vec![8, 32], seeds: 3, points: 4096, master_seed: 1 }
    }
}

/// The probes of one net: `[layer][level]`, the mean over the level's nodes, and the smallest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TreeNetProbes {
    /// Inputs.
    pub d: u32,
    /// `constructed`, or `w<width> plain (generic)`.
    pub net: String,
    /// Hidden widths.
    pub hidden: Vec<usize>,
    /// Held-out nMSE against the tree (Monte Carlo, 65 536 points).
    pub nmse: f64,
    /// The seed probed (`None` for the constructed net).
    pub seed: Option<u32>,
    /// `[layer][level]`: mean over the level's nodes of each probe's R².
    pub probes: Vec<Vec<Probe>>,
    /// `[layer][level]`: the smallest linear R² over the level's nodes.
    pub min_linear: Vec<Vec<f64>>,
}

/// The document written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TreeProbeResults {
    /// What was run.
    pub config: TreeProbeConfig,
    /// Where and when.
    pub provenance: crate::results::Provenance,
    /// Every net's probes, by d, the constructed net first.
    pub nets: Vec<TreeNetProbes>,
}

/// Run the probes on `threads` workers, a line on stderr per trained net.
pub fn run(cfg: &TreeProbeConfig, threads: usize) -> anyhow::Result<TreeProbeResults> {
    if let Some(d) = cfg.d.iter().find(|&&d| Compositional::new(d).is_err()) {
        anyhow::bail!("--d {d}: allowed 2, 4, 8 or 16 (a power of two: the tree is binary)");
    }
    anyhow::ensure!(!cfg.d.is_empty(), "--d: give at least one dimension");
    if let Some(w) = cfg.widths.iter().find(|w| !(1..=256).contains(*w)) {
        anyhow::bail!("--widths {w}: allowed 1..=256");
    }
    anyhow::ensure!(!cfg.widths.is_empty(), "--widths: give at least one width");
    anyhow::ensure!((1..=16).contains(&cfg.seeds), "--seeds {}: allowed 1..=16", cfg.seeds);
    anyhow::ensure!((64..=1 << 20).contains(&cfg.points), "--points {}: allowed 64..=1048576", cfg.points);
    let started = crate::suite::provenance::now_rfc3339();
    let commit = crate::suite::provenance::git_commit();
    let settings = crate::suite::load_suite("compositional")?.deep.train;
    let jobs: Vec<(u32, usize, u32)> = cfg
        .d
        .iter()
        .flat_map(|&d| cfg.widths.iter().flat_map(move |&w| (0..cfg.seeds).map(move |s| (d, w, s))))
        .collect();
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build()?;
    let done = std::sync::atomic::AtomicUsize::new(0);
    let trained: Vec<(u32, usize, u32, crate::net::Mlp, f64)> = pool.install(|| {
        jobs.par_iter()
            .map(|&(d, width, seed)| {
                let id = TargetId::Compositional { d };
                let stream = format!("probe/{id}/plain/w{width}/s{seed}");
                let mut rng = run_rng(cfg.master_seed, &stream);
                let depth = d.trailing_zeros() as usize;
                let points = crate::train::SAMPLE_EVAL_POINTS;
                let out = crate::recipe::train_deep(
                    Recipe::Plain,
                    id,
                    width,
                    depth,
                    &settings,
                    Metric::Nmse,
                    points,
                    &[0.0],
                    &mut rng,
                )
                .with_context(|| format!("training {stream}"))?;
                let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                eprintln!("[{n}/{}] {stream}: nMSE {:.3e}", jobs.len(), out.report.best.value);
                Ok((d, width, seed, out.report.net, out.report.best.value))
            })
            .collect::<anyhow::Result<Vec<_>>>()
    })?;
    let mut nets = Vec::new();
    for &d in &cfg.d {
        let target = Compositional::new(d)?;
        let draw = |stream: &str| {
            let mut rng = run_rng(cfg.master_seed, &format!("probe/{}/points/{stream}", target.id()));
            (0..cfg.points * d as usize).map(|_| rng.random::<f64>()).collect::<Vec<f64>>()
        };
        let (fit, test) = (draw("fit"), draw("held-out"));
        // nodes[level][node] = (values at the fit points, at the held-out points).
        let values = |xs: &[f64]| -> Vec<Vec<Vec<f64>>> {
            let per_point: Vec<Vec<Vec<f64>>> = xs.chunks_exact(d as usize).map(|x| target.node_values(x)).collect();
            (0..per_point[0].len())
                .map(|l| (0..per_point[0][l].len()).map(|n| per_point.iter().map(|p| p[l][n]).collect()).collect())
                .collect()
        };
        let (vf, vt) = (values(&fit), values(&test));
        let probe_seed = crate::rng::fnv1a64(format!("probe/features/{}", target.id()).as_bytes());
        let ev = crate::train::Evaluator::new(&target, Metric::Nmse);
        let probe_one = |name: String, net: &crate::net::Mlp, seed: Option<u32>| -> anyhow::Result<TreeNetProbes> {
            // One probe_net call per level, over that level's nodes.
            let per_level: Vec<Vec<Vec<Probe>>> = vf
                .iter()
                .zip(&vt)
                .map(|(lf, lt)| {
                    let nodes: Vec<(Vec<f64>, Vec<f64>)> = lf.iter().cloned().zip(lt.iter().cloned()).collect();
                    probe_net(net, &fit, &test, &nodes, probe_seed)
                })
                .collect();
            let layers = net.hidden().len();
            let mean = |l: usize, lev: usize| {
                let ps = &per_level[lev][l];
                let m = |f: fn(&Probe) -> f64| ps.iter().map(f).sum::<f64>() / ps.len() as f64;
                Probe { linear: m(|p| p.linear), random: m(|p| p.random) }
            };
            let low = |l: usize, lev: usize| per_level[lev][l].iter().map(|p| p.linear).fold(f64::INFINITY, f64::min);
            Ok(TreeNetProbes {
                d,
                net: name,
                hidden: net.hidden().to_vec(),
                nmse: ev.eval(net)?.value,
                seed,
                probes: (0..layers).map(|l| (0..vf.len()).map(|lev| mean(l, lev)).collect()).collect(),
                min_linear: (0..layers).map(|l| (0..vf.len()).map(|lev| low(l, lev)).collect()).collect(),
            })
        };
        nets.push(probe_one("constructed".into(), &target.construct_deep()?.net, None)?);
        for &width in &cfg.widths {
            let best = trained
                .iter()
                .filter(|t| t.0 == d && t.1 == width && t.4.is_finite())
                .min_by(|a, b| a.4.total_cmp(&b.4).then(a.2.cmp(&b.2)));
            let Some((_, _, seed, net, _)) = best else { continue };
            let label = format!("w{width} {}", crate::results::Results::label(Recipe::Plain));
            nets.push(probe_one(label, net, Some(*seed))?);
        }
    }
    let provenance = crate::suite::provenance::collect(threads, started, commit);
    Ok(TreeProbeResults { config: cfg.clone(), provenance, nets })
}

/// The Markdown table: one row per net and layer, one column per tree level (mean linear R² /
/// mean random-feature R², and the smallest linear R² over the level's nodes).
pub fn markdown(r: &TreeProbeResults) -> String {
    let mut s = format!(
        "Held-out R² of a linear probe / a random-feature probe ({} random ReLU units) for tree level l' (the \
         d/2^l' nodes |a − b| at that level, mean over the nodes; the smallest node's linear R² in brackets) from \
         hidden layer l of nets on the compositional tree of |a − b|. Constructed: the exact tree net; trained: \
         nets of width {} and log₂ d hidden layers, `plain` recipe with the compositional suite's deep trainer, best of \
         {} seeds by nMSE; {} fit and {} held-out points, master seed {}.\n\n",
        super::RANDOM_UNITS,
        r.config.widths.iter().map(|w| w.to_string()).collect::<Vec<_>>().join(" and "),
        r.config.seeds,
        r.config.points,
        r.config.points,
        r.config.master_seed
    );
    for &d in &r.config.d {
        let levels = d.trailing_zeros() as usize;
        let header: Vec<String> = (1..=levels).map(|l| format!("level {l} ({} nodes)", d >> l)).collect();
        s += &format!(
            "**d = {d}**\n\n| net (nMSE) | layer | {} |\n|---|---|{}\n",
            header.join(" | "),
            "---|".repeat(levels)
        );
        for n in r.nets.iter().filter(|n| n.d == d) {
            for (l, row) in n.probes.iter().enumerate() {
                let cells: Vec<String> = row
                    .iter()
                    .zip(&n.min_linear[l])
                    .map(|(p, m)| format!("{:.2} / {:.2} [{m:.2}]", p.linear, p.random))
                    .collect();
                let name = if l == 0 { format!("{} ({:.1e})", n.net, n.nmse) } else { String::new() };
                s += &format!("| {name} | {} | {} |\n", l + 1, cells.join(" | "));
            }
        }
        s += "\n";
    }
    s
}

/// The heatmaps: one row of panels per d (each net's linear probe, then its random-feature probe),
/// hidden layer down, tree level across.
pub fn heatmap(r: &TreeProbeResults) -> anyhow::Result<String> {
    use super::figure::{CELL, cells};
    use crate::report::plot::{FONT, err, svg};
    use plotters::prelude::*;
    let lmax = r.config.d.iter().map(|d| d.trailing_zeros() as i32).max().unwrap_or(1);
    let per_d = |d: u32| r.nets.iter().filter(|n| n.d == d).count() as i32;
    let columns = 2 * r.config.d.iter().map(|&d| per_d(d)).max().unwrap_or(1);
    let (left, top, gap) = (60, 40, 56);
    let width = left + columns * (CELL * lmax + gap) + 10;
    let height = top + r.config.d.iter().map(|&d| CELL * d.trailing_zeros() as i32 + gap + 16).sum::<i32>() + 10;
    svg((width as u32, height as u32), |root| {
        let title =
            "Held-out R² of tree level l' (across; mean over its nodes) from hidden layer l (down), tree of |a − b|";
        root.draw(&Text::new(title, (left, 8), (FONT, 18))).map_err(err)?;
        let mut y0 = top + gap;
        for &d in &r.config.d {
            let nets: Vec<_> = r.nets.iter().filter(|n| n.d == d).collect();
            let panels = nets.iter().flat_map(|n| [(n, "linear"), (n, "random-feature")]);
            for (col, (n, probe)) in panels.enumerate() {
                let x0 = left + col as i32 * (CELL * lmax + gap);
                let head = [format!("d={d}, {probe} probe"), format!("{} ({:.1e})", n.net, n.nmse)];
                for (i, line) in head.into_iter().enumerate() {
                    root.draw(&Text::new(line, (x0, y0 - 48 + 14 * i as i32), (FONT, 11))).map_err(err)?;
                }
                let values: Vec<Vec<f64>> = n
                    .probes
                    .iter()
                    .map(|row| row.iter().map(|p| if probe == "linear" { p.linear } else { p.random }).collect())
                    .collect();
                cells(root, (x0, y0), &values, col == 0)?;
                for j in 0..d.trailing_zeros() as i32 {
                    let at = (x0 + j * CELL + 10, y0 - 14);
                    root.draw(&Text::new(format!("l'={}", j + 1), at, (FONT, 11))).map_err(err)?;
                }
            }
            y0 += CELL * d.trailing_zeros() as i32 + gap + 16;
        }
        Ok(())
    })
}

/// Write `tree-probes.json`, `.md`, `.svg` and `.pdf` into `dir`.
pub fn write(r: &TreeProbeResults, dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    crate::durable::write_atomic(&dir.join("tree-probes.json"), &crate::json::to_string(r)?)?;
    crate::durable::write_atomic(&dir.join("tree-probes.md"), &markdown(r))?;
    let svg = heatmap(r)?;
    crate::durable::write_atomic(&dir.join("tree-probes.svg"), &svg)?;
    let pdf = crate::report::pdf::from_svg(&svg)?;
    crate::durable::write_atomic_via(&dir.join("tree-probes.pdf"), &dir.join("tree-probes.pdf.tmp"), pdf)?;
    Ok(())
}
