//! The command line's searches and inspections: the sawtooth search, and your own net and target
//! (`search --net/--target`, `inspect`, `bounds --net/--target`).

use super::{MetricArg, threads};
use crate::console;
use crate::family::file::{FileSpec, arg};
use crate::family::{Target, TargetSpec};
use crate::suite::{ReferenceKind, RunOptions, SuiteConfig, load_suite, run_suite};
use anyhow::Context;
use std::path::{Path, PathBuf};

/// `search`'s arguments.
pub(super) struct SearchArgs {
    pub k: Option<u32>,
    pub net: Option<PathBuf>,
    pub layers: Option<Vec<String>>,
    pub target: Option<String>,
    pub floors: Vec<f64>,
    pub metric: MetricArg,
    pub seeds: u32,
    pub m_max: Option<usize>,
    pub trainers: Vec<String>,
    pub trained: bool,
    pub out: Option<PathBuf>,
    pub threads: Option<usize>,
}

fn path_str(p: &Path) -> anyhow::Result<String> {
    p.to_str().map(str::to_string).with_context(|| format!("{}: the path is not UTF-8", p.display()))
}

/// The file target of `--net`/`--target`, read and built.
pub(super) fn own_target(
    net: Option<&Path>,
    layers: Option<&[String]>,
    target: Option<&str>,
) -> anyhow::Result<(FileSpec, Box<dyn Target>)> {
    let net = net.map(path_str).transpose()?;
    let mut spec = arg::spec(net.as_deref(), target)?;
    spec.layers = layers.map(<[String]>::to_vec);
    let id = spec.load()?;
    Ok((spec, id.build()?))
}

/// The folder name of a search: the net's file stem, then the target's (file stem, or member).
fn stem(a: &SearchArgs) -> String {
    let from_path = |p: &str| Path::new(p).file_stem().map(|s| s.to_string_lossy().into_owned());
    let net = a.net.as_deref().and_then(|p| from_path(&p.to_string_lossy()));
    let target = a.target.as_deref().map(|t| match t.split_once(':') {
        Some(("knots" | "samples", p)) => from_path(p).unwrap_or_else(|| "target".into()),
        _ => t.to_string(),
    });
    let name = match (net, target) {
        (Some(n), Some(t)) => format!("{n}-vs-{t}"),
        (Some(n), None) => n,
        (None, Some(t)) => t,
        (None, None) => "own".into(),
    };
    name.replace([':', '=', ',', ' ', '/'], "-")
}

/// The config of a search: the quick suite's for the sawtooth, the full suite's trainers (those
/// that fit the target's dimension) for your own net or target.
fn config(a: &SearchArgs) -> anyhow::Result<SuiteConfig> {
    let mut cfg;
    if let Some(k) = a.k {
        cfg = load_suite("quick")?;
        cfg.name = format!("search-k{k}");
        cfg.targets = vec![TargetSpec::sawtooth(k, k)];
    } else {
        let (spec, target) = own_target(a.net.as_deref(), a.layers.as_deref(), a.target.as_deref())?;
        cfg = load_suite("full")?;
        cfg.name = format!("search-{}", stem(a));
        cfg.sufficiency = None;
        cfg.targets = vec![TargetSpec::File(spec.clone())];
        cfg.shallow.retain(|s| s.train.optimizer.fits_dim(target.dim()));
        // Without a net there is no constructed reference: the trained one is the reference.
        anyhow::ensure!(
            spec.net.is_some() || a.trained,
            "--target without --net: add --trained (the deep reference is then trained)"
        );
    }
    cfg.floors = a.floors.clone();
    cfg.metric = a.metric.into();
    let known: Vec<&str> = cfg.shallow.iter().map(|s| s.train.optimizer.name()).collect();
    if let Some(bad) = a.trainers.iter().find(|t| !known.contains(&t.as_str())) {
        anyhow::bail!("--trainers: `{bad}` is not one of {} (the trainers that fit this target)", known.join(", "));
    }
    if !a.trainers.is_empty() {
        cfg.shallow.retain(|s| a.trainers.iter().any(|t| t == s.train.optimizer.name()));
    }
    let has_net = a.k.is_some() || a.net.is_some();
    for sh in &mut cfg.shallow {
        sh.seeds = a.seeds;
        if let Some(m) = a.m_max.or(a.k.map(|_| 1024)) {
            sh.m_max = m;
            sh.m_max_sampled = None;
        }
        sh.max_pieces = None;
    }
    cfg.references = match (has_net, a.trained) {
        (true, true) => vec![ReferenceKind::Constructed, ReferenceKind::Trained],
        (true, false) => vec![ReferenceKind::Constructed],
        (false, _) => vec![ReferenceKind::Trained],
    };
    cfg.deep.max_pieces = None;
    cfg.validate()?;
    Ok(cfg)
}

/// `depthsep search`.
pub(super) fn search(a: SearchArgs) -> anyhow::Result<()> {
    let cfg = config(&a)?;
    let out = a.out.clone().unwrap_or_else(|| PathBuf::from("results").join(&cfg.name));
    eprintln!("search `{}` → {}", cfg.name, out.display());
    let res =
        run_suite(&cfg, &RunOptions { out: out.clone(), threads: threads(a.threads)?, progress: true, shard: None })?;
    console::out(&crate::console::mstar(&res)?)?;
    crate::report::write_report(&res, &out)?;
    eprintln!("results: {}; report in {}", out.join("results.json").display(), out.display());
    Ok(())
}

/// `depthsep inspect`.
pub(super) fn inspect(
    net_path: &Path,
    layers: Option<&[String]>,
    target: Option<&str>,
    points: usize,
    figure: Option<PathBuf>,
) -> anyhow::Result<()> {
    let net = crate::net::torch::load(net_path, layers)?;
    let built = match target {
        Some(t) => Some(own_target(None, None, Some(t))?.1),
        None => None,
    };
    console::out(&crate::inspect::describe(&net, built.as_deref(), points)?)?;
    if net.input_dim() == 1 {
        let name = net_path.file_stem().map_or("net".into(), |s| s.to_string_lossy().into_owned());
        let path = figure.unwrap_or_else(|| PathBuf::from("results/inspect").join(format!("{name}.svg")));
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        }
        let title = format!("{} on [0, 1]{}", name, if built.is_some() { " (target grey)" } else { "" });
        let svg = crate::inspect::figure(&net, built.as_deref(), &title)?;
        crate::durable::write_atomic_via(&path, &path.with_extension("svg.tmp"), svg)?;
        console::out(&format!("figure: {}\n", path.display()))?;
    }
    Ok(())
}
