//! `depthsep probe`: the layer probes of trained and constructed sawtooth nets, written as
//! `probes.json`, `probes.md` and `probes.svg` (+ `.pdf`); with `--family golden` or `takagi-aA`,
//! the same for the 1-D families whose construction depth is their parameter, each member's levels
//! being the family's members 1..k (the golden map's iterates f^1 … f^t, the Takagi partial sums
//! T_1 … T_K), written as `<family>-probes.*`.
//!
//! For k = 2..=k_max the trained nets are w × k for each width w (one hidden layer per composition,
//! as the full suite's deep reference; width 8 is the suite's, width 4 cannot hold Δ^k's 2^k − 1
//! kinks in one layer from k = 3, so a net that fits must compose), trained by the full suite's deep trainer (`hybrid`, 3000 steps) under
//! each **generic** recipe (`plain`, `curriculum`: neither knows the target's structure), best of
//! `seeds` seeds by nMSE; beside them, Telgarsky's constructed net. Each net's every hidden layer
//! is probed for every level Δ^1 … Δ^k ([`super`]) on `points` fit points and `points` held-out
//! points, drawn uniformly on \[0,1\] from two ChaCha8 streams of the master seed.

use super::{Probe, probe_net};
use crate::family::TargetId;
use crate::recipe::Recipe;
use crate::rng::run_rng;
use crate::train::Metric;
use anyhow::Context;
use rand::RngExt;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// What `depthsep probe` runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProbeConfig {
    /// The series probed, as `--family` names it (`sawtooth`, `golden`, `takagi-a2`); absent in
    /// documents written before it existed, which are the sawtooth's.
    #[serde(default = "sawtooth", skip_serializing_if = "is_sawtooth")]
    pub family: String,
    /// Largest number of compositions k (from 2).
    pub k_max: u32,
    /// Widths of the trained nets.
    pub widths: Vec<usize>,
    /// Seeds per recipe and k (the best by nMSE is probed).
    pub seeds: u32,
    /// The generic recipes trained.
    pub recipes: Vec<Recipe>,
    /// Fit points and held-out points, each.
    pub points: usize,
    /// The master seed.
    pub master_seed: u64,
}

fn sawtooth() -> String {
    "sawtooth".into()
}

fn is_sawtooth(f: &String) -> bool {
    f == "sawtooth"
}

/// The level j of a series' member k (its member j): `Δ^j`, `f^j` (golden), `T_j` (Takagi).
pub fn level_label(family: &str, j: impl std::fmt::Display) -> String {
    match family {
        "sawtooth" => format!("Δ^{j}"),
        "golden" => format!("f^{j}"),
        _ => format!("T_{j}"),
    }
}

/// What the levels and the constructed net are, for the table's and the figure's text.
pub(super) fn describe(family: &str) -> (String, String) {
    match family {
        "sawtooth" => ("the sawtooth Δ^k".into(), "Telgarsky's width-2 net".into()),
        "golden" => ("the golden-ratio map's iterate f^k".into(), "the exact width-2 net of depth k".into()),
        f => {
            (format!("the Takagi sum T_k = Σ_{{s ≤ k}} a^{{−s}} Δ^s ({f})"), "the exact width-3 net of depth k".into())
        }
    }
}

/// Where `probes.*` of a series go: `probes` for the sawtooth, `<family>-probes` otherwise.
pub fn stem(family: &str) -> String {
    if family == "sawtooth" { "probes".into() } else { format!("{family}-probes") }
}

impl Default for ProbeConfig {
    fn default() -> Self {
        ProbeConfig {
            family: sawtooth(),
            k_max: 6,
            widths: vec![4, 8],
            seeds: 3,
            recipes: vec![Recipe::Plain, Recipe::Curriculum],
            points: 4096,
            master_seed: 1,
        }
    }
}

/// The probes of one net.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetProbes {
    /// Compositions of the target Δ^k.
    pub k: u32,
    /// `constructed`, or the recipe's label (e.g. `plain (generic)`).
    pub net: String,
    /// Hidden widths.
    pub hidden: Vec<usize>,
    /// The net's exact nMSE against Δ^k.
    pub nmse: f64,
    /// The seed probed (the best of the seeds; `None` for the constructed net).
    pub seed: Option<u32>,
    /// `[layer][level]`: R² of level Δ^{j+1} from hidden layer l + 1.
    pub probes: Vec<Vec<Probe>>,
}

/// The document `depthsep probe` writes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProbeResults {
    /// What was run.
    pub config: ProbeConfig,
    /// Where and when.
    pub provenance: crate::results::Provenance,
    /// Every net's probes, by k, then constructed before the recipes.
    pub nets: Vec<NetProbes>,
}

/// Run the probes (`threads` workers), with a line on stderr per trained net.
pub fn run(cfg: &ProbeConfig, threads: usize) -> anyhow::Result<ProbeResults> {
    anyhow::ensure!((2..=12).contains(&cfg.k_max), "--k-max {}: allowed 2..=12", cfg.k_max);
    if let Some(w) = cfg.widths.iter().find(|w| !(1..=64).contains(*w)) {
        anyhow::bail!("--widths {w}: allowed 1..=64");
    }
    anyhow::ensure!(!cfg.widths.is_empty(), "--widths: give at least one width");
    anyhow::ensure!((1..=16).contains(&cfg.seeds), "--seeds {}: allowed 1..=16", cfg.seeds);
    anyhow::ensure!((64..=1 << 20).contains(&cfg.points), "--points {}: allowed 64..=1048576", cfg.points);
    if let Some(r) = cfg.recipes.iter().find(|r| r.structure_aware()) {
        anyhow::bail!("recipe `{}` is structure-aware: the probes measure what generic training learns", r.name());
    }
    let f = cfg.family.as_str();
    anyhow::ensure!(
        f == "sawtooth" || f == "golden" || f.starts_with("takagi-a"),
        "--family {f}: allowed sawtooth, golden, takagi-aA (A ≥ 2) or compositional"
    );
    let series = TargetId::parse_series(f).map_err(anyhow::Error::msg)?;
    let member = |k: u32| series.with_axis_value(k).expect("a series with an axis");
    for k in 2..=cfg.k_max {
        let depth = member(k).build()?.natural_depth();
        anyhow::ensure!(
            crate::recipe::staged(member(k), depth),
            "--family {}: its members' construction depths are not 1, 2, …, k (allowed: sawtooth, golden, takagi-aA)",
            cfg.family
        );
    }
    let started = crate::suite::provenance::now_rfc3339();
    let commit = crate::suite::provenance::git_commit();
    let settings = crate::suite::load_suite("full")?.deep.train;
    let draw = |stream: &str| {
        let mut rng = run_rng(cfg.master_seed, stream);
        (0..cfg.points).map(|_| rng.random::<f64>()).collect::<Vec<f64>>()
    };
    let (fit, test) = (draw("probe/points/fit"), draw("probe/points/held-out"));
    let jobs: Vec<(u32, usize, Recipe, u32)> = (2..=cfg.k_max)
        .flat_map(|k| {
            cfg.widths
                .iter()
                .flat_map(move |&w| cfg.recipes.iter().flat_map(move |&r| (0..cfg.seeds).map(move |s| (k, w, r, s))))
        })
        .collect();
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build()?;
    let done = std::sync::atomic::AtomicUsize::new(0);
    let trained: Vec<(u32, usize, Recipe, u32, crate::net::Mlp, f64)> = pool.install(|| {
        jobs.par_iter()
            .map(|&(k, width, recipe, seed)| {
                let id = member(k);
                let stream = format!("probe/{id}/{}/w{width}/s{seed}", recipe.name());
                let mut rng = run_rng(cfg.master_seed, &stream);
                let out = crate::recipe::train_deep(
                    recipe,
                    id,
                    width,
                    k as usize,
                    &settings,
                    Metric::Nmse,
                    4096,
                    &[0.0],
                    &mut rng,
                )
                .with_context(|| format!("training {stream}"))?;
                let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                eprintln!("[{n}/{}] {stream}: nMSE {:.3e}", jobs.len(), out.report.best.value);
                Ok((k, width, recipe, seed, out.report.net, out.report.best.value))
            })
            .collect::<anyhow::Result<Vec<_>>>()
    })?;
    let mut nets = Vec::new();
    for k in 2..=cfg.k_max {
        let target = member(k).build()?;
        let levels: Vec<(Vec<f64>, Vec<f64>)> = (1..=k)
            .map(|j| {
                let s = member(j).build()?;
                let at = |xs: &[f64]| {
                    let mut y = vec![0.0; xs.len()];
                    s.eval_batch(xs, &mut y);
                    y
                };
                Ok((at(&fit), at(&test)))
            })
            .collect::<anyhow::Result<_>>()?;
        let ev = crate::train::Evaluator::new(target.as_ref(), Metric::Nmse);
        let nmse = |net: &crate::net::Mlp| -> anyhow::Result<f64> { Ok(ev.eval(net)?.value) };
        let constructed = target.construct_deep()?.net;
        let probe_seed = crate::rng::fnv1a64(format!("probe/features/k{k}").as_bytes());
        nets.push(NetProbes {
            k,
            net: "constructed".into(),
            hidden: constructed.hidden().to_vec(),
            nmse: nmse(&constructed)?,
            seed: None,
            probes: probe_net(&constructed, &fit, &test, &levels, probe_seed),
        });
        for (&width, &recipe) in cfg.widths.iter().flat_map(|w| cfg.recipes.iter().map(move |r| (w, r))) {
            let best = trained
                .iter()
                .filter(|t| t.0 == k && t.1 == width && t.2 == recipe && t.5.is_finite())
                .min_by(|a, b| a.5.total_cmp(&b.5).then(a.3.cmp(&b.3)));
            let Some((_, _, _, seed, net, _)) = best else { continue };
            nets.push(NetProbes {
                k,
                net: format!("w{width} {}", crate::results::Results::label(recipe)),
                hidden: net.hidden().to_vec(),
                nmse: nmse(net)?,
                seed: Some(*seed),
                probes: probe_net(net, &fit, &test, &levels, probe_seed),
            });
        }
    }
    let provenance = crate::suite::provenance::collect(threads, started, commit);
    Ok(ProbeResults { config: cfg.clone(), provenance, nets })
}

/// The Markdown table: one row per net and layer, one column per level (linear R² / random R²).
pub fn markdown(r: &ProbeResults) -> String {
    let f = r.config.family.as_str();
    let (target, constructed) = describe(f);
    let mut s = format!(
        "Held-out R² of a linear probe / a random-feature probe (one hidden layer of {} random ReLU units, output \
         solved by least squares) for level {} of {target} from hidden layer l. Constructed: {constructed}; trained: \
         nets of width {} trained by generic recipes (best of {} seeds by nMSE), {} fit and {} held-out points, \
         master seed {}.\n\n",
        super::RANDOM_UNITS,
        level_label(f, "j"),
        r.config.widths.iter().map(|w| w.to_string()).collect::<Vec<_>>().join(" and "),
        r.config.seeds,
        r.config.points,
        r.config.points,
        r.config.master_seed
    );
    for k in 2..=r.config.k_max {
        let header: Vec<String> = (1..=k).map(|j| level_label(f, j)).collect();
        s += &format!(
            "**{}**\n\n| net (nMSE) | layer | {} |\n|---|---|{}\n",
            level_label(f, k),
            header.join(" | "),
            "---|".repeat(k as usize)
        );
        for n in r.nets.iter().filter(|n| n.k == k) {
            for (l, row) in n.probes.iter().enumerate() {
                let cells: Vec<String> = row.iter().map(|p| format!("{:.2} / {:.2}", p.linear, p.random)).collect();
                let name = if l == 0 { format!("{} ({:.1e})", n.net, n.nmse) } else { String::new() };
                s += &format!("| {name} | {} | {} |\n", l + 1, cells.join(" | "));
            }
        }
        s += "\n";
    }
    s
}

/// Where each probed net carries its own composition: the mean over layers l of layer l's linear
/// R² for Δ^l (1 for the construction).
pub fn diagonal(n: &NetProbes) -> f64 {
    let d: Vec<f64> = n.probes.iter().enumerate().filter_map(|(l, row)| row.get(l).map(|p| p.linear)).collect();
    d.iter().sum::<f64>() / d.len().max(1) as f64
}

/// Write `probes.json`, `probes.md`, `probes.svg` and `probes.pdf` into `dir` (`<family>-probes.*`
/// for a series other than the sawtooth).
pub fn write(r: &ProbeResults, dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let stem = stem(&r.config.family);
    let json = crate::json::to_string(r)?;
    crate::durable::write_atomic(&dir.join(format!("{stem}.json")), &json)?;
    crate::durable::write_atomic(&dir.join(format!("{stem}.md")), &markdown(r))?;
    let svg = super::figure::heatmap(r)?;
    crate::durable::write_atomic(&dir.join(format!("{stem}.svg")), &svg)?;
    let pdf = crate::report::pdf::from_svg(&svg)?;
    crate::durable::write_atomic_via(&dir.join(format!("{stem}.pdf")), &dir.join(format!("{stem}.pdf.tmp")), pdf)?;
    Ok(())
}
