//! The command line: [`Cli`] parsed by `main.rs`, dispatched here to the library. Each arm reads its
//! inputs, calls the library and prints what it wrote; the work is in the library's modules.

mod args;
mod own;

pub use args::{Cli, Cmd, MetricArg};

use crate::console;
use crate::family::{Target, TargetSpec};
use crate::suite::{RunOptions, load_suite, run_suite};
use anyhow::Context;
use std::path::PathBuf;

/// The worker threads: `--threads`, else `RAYON_NUM_THREADS` (rayon's own variable, which the
/// explicit pools would otherwise ignore), else every core. Results do not depend on it.
fn threads(n: Option<usize>) -> anyhow::Result<usize> {
    threads_from(n, std::env::var("RAYON_NUM_THREADS").ok().as_deref())
}

/// The rule of `threads` with the environment variable's value passed in (testable without touching the
/// process environment).
pub fn threads_from(flag: Option<usize>, env: Option<&str>) -> anyhow::Result<usize> {
    const MAX: usize = 1024;
    if let Some(n) = flag {
        anyhow::ensure!((1..=MAX).contains(&n), "--threads {n}: give an integer in 1..={MAX}");
        return Ok(n);
    }
    match env.map(str::trim).filter(|v| !v.is_empty()) {
        Some(v) => match v.parse::<usize>() {
            Ok(n) if (1..=MAX).contains(&n) => Ok(n),
            // rayon reads 0 as "every core".
            Ok(0) => Ok(std::thread::available_parallelism().map_or(1, |n| n.get())),
            _ => anyhow::bail!(
                "RAYON_NUM_THREADS={v}: give an integer in 0..={MAX} (0 = every core), or unset it and use --threads"
            ),
        },
        None => Ok(std::thread::available_parallelism().map_or(1, |n| n.get())),
    }
}

/// The folder `costs`/`frontier` write into: `out`, the input's own folder with `--in-place`, or
/// `results/<what>` (created); never the committed report unless asked.
fn destination(input: &std::path::Path, out: Option<PathBuf>, in_place: bool, what: &str) -> anyhow::Result<PathBuf> {
    let dir = match (out, in_place) {
        (_, true) => input.parent().map_or(PathBuf::from("."), |p| p.to_path_buf()),
        (Some(d), false) => d,
        (None, false) => PathBuf::from("results").join(what),
    };
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    Ok(dir)
}

/// The first member of the family named on the command line.
fn series(family: &str) -> anyhow::Result<crate::family::TargetId> {
    crate::family::TargetId::parse_series(family).map_err(anyhow::Error::msg)
}

/// The sawtooth targets k = 1..=k_max (for the sawtooth-specific flags).
fn sawtooths(k_max: u32) -> anyhow::Result<Vec<Box<dyn Target>>> {
    Ok(TargetSpec::sawtooth(1, k_max).build_all()?)
}

/// Run the command `cli` names (the quick suite when it names none).
pub fn run(cli: Cli) -> anyhow::Result<()> {
    let cmd = cli.cmd.unwrap_or(Cmd::Run { suite: "quick".into(), out: None, threads: None, shard: None });
    match cmd {
        Cmd::Run { suite, out, threads: t, shard } => {
            let cfg = load_suite(&suite)?;
            let mut out = out.unwrap_or_else(|| PathBuf::from("results").join(&cfg.name));
            if let Some(s) = shard {
                out = out.join(format!("shard-{}-of-{}", s.index, s.count));
            }
            eprintln!("suite `{}` → {}", cfg.name, out.display());
            let res = run_suite(&cfg, &RunOptions { out: out.clone(), threads: threads(t)?, progress: true, shard })?;
            console::out(&console::mstar(&res)?)?;
            if shard.is_some() {
                eprintln!(
                    "shard results: {} (combine the shards with `depthsep merge`)",
                    out.join("results.json").display()
                );
                return Ok(());
            }
            let written = crate::report::write_report(&res, &out)?;
            eprintln!(
                "results: {}; report: {} files in {}",
                out.join("results.json").display(),
                written.len(),
                out.display()
            );
        }
        Cmd::Search { k, net, layers, target, floors, metric, seeds, m_max, trainers, trained, out, threads } => {
            own::search(own::SearchArgs {
                k,
                net,
                layers,
                target,
                floors,
                metric,
                seeds,
                m_max,
                trainers,
                trained,
                out,
                threads,
            })?
        }
        Cmd::Inspect { net, layers, target, points, figure } => {
            own::inspect(&net, layers.as_deref(), target.as_deref(), points as usize, figure)?
        }
        Cmd::Merge { files, out } => {
            let docs = files
                .iter()
                .map(|f| Ok((f.clone(), crate::results::Results::read(f)?)))
                .collect::<anyhow::Result<Vec<_>>>()?;
            let res = crate::suite::merge_into(docs, &out)?;
            console::out(&console::mstar(&res)?)?;
            crate::report::write_report(&res, &out)?;
            eprintln!("merged results: {}", out.join("results.json").display());
        }
        Cmd::Costs { input, criterion, out, in_place } => {
            let mut res = crate::results::Results::read(&input)?;
            let n = crate::costs::import_criterion(&mut res, &criterion)?;
            let dir = destination(&input, out, in_place, "costs")?;
            crate::suite::write_atomic(&dir.join("results.json"), &crate::json::to_string(&res)?)?;
            crate::report::write_report(&res, &dir)?;
            eprintln!("{n} nets timed; results with costs and the report written into {}", dir.display());
        }
        Cmd::Frontier { input, k_max, seeds, widths, family, recipes, budgets, give_up, threads: t, out, in_place } => {
            let dir = destination(&input, out, in_place, "frontier")?;
            let series = series(&family)?;
            let mut res = crate::results::Results::read(&input)?;
            let mut specs = crate::suite::frontier::default_recipes(&res.config.deep.train);
            if recipes == ["generic"] {
                specs.retain(|s| !s.recipe.structure_aware());
            } else if !recipes.is_empty() {
                let known: Vec<String> = specs.iter().map(|s| s.name.clone()).collect();
                if let Some(bad) = recipes.iter().find(|r| !known.contains(r)) {
                    anyhow::bail!("--recipes: unknown recipe `{bad}`; allowed: {}, or generic", known.join(", "));
                }
                specs.retain(|s| recipes.contains(&s.name));
            }
            let specs = crate::suite::frontier::with_budgets(specs, &budgets)?;
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads(t)?).build()?;
            let started = std::time::Instant::now();
            let progress = |done: usize, total: usize| {
                eprint!("\rfrontier: {done}/{total} runs, {:.0} s", started.elapsed().as_secs_f64());
            };
            let f = pool.install(|| {
                crate::suite::frontier::measure(
                    res.config.master_seed,
                    series,
                    specs,
                    &widths,
                    k_max,
                    seeds,
                    give_up,
                    &progress,
                )
            })?;
            eprintln!();
            res.store_frontier(f);
            crate::suite::write_atomic(&dir.join("results.json"), &crate::json::to_string(&res)?)?;
            crate::report::write_report(&res, &dir)?;
            console::out(&crate::report::frontier_markdown(&res))?;
            eprintln!(
                "results with the frontier and the report written into {} ({:.0} s)",
                dir.display(),
                started.elapsed().as_secs_f64()
            );
        }
        Cmd::Profile { config, input, threads: t, out, in_place } => {
            let cfg = crate::profile::load(&config)?;
            let mut res = crate::results::Results::read(&input)?;
            let dir = destination(&input, out, in_place, "profile")?;
            let _lock = crate::lock::DirLock::acquire(&dir, &format!("depth profile `{}`", cfg.name))?;
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads(t)?).build()?;
            let started = std::time::Instant::now();
            let progress = |done: usize, resumed: usize| {
                eprint!(
                    "\rprofile {}: {done} runs trained ({resumed} resumed), {:.0} s",
                    cfg.name,
                    started.elapsed().as_secs_f64()
                );
            };
            let p = pool.install(|| crate::profile::measure(&cfg, Some(&res), &dir, &progress))?;
            eprintln!();
            res.store_profiles(p);
            crate::suite::write_atomic(&dir.join("results.json"), &crate::json::to_string(&res)?)?;
            crate::report::write_report(&res, &dir)?;
            console::out(&crate::report::depth_markdown(&res))?;
            eprintln!(
                "results with the depth profiles and the report written into {} ({:.0} s)",
                dir.display(),
                started.elapsed().as_secs_f64()
            );
        }
        Cmd::Report { input, out, readme, refresh_brackets } => {
            let mut res = crate::results::Results::read(&input)?;
            if refresh_brackets {
                let changes = crate::suite::refresh_brackets(&mut res)?;
                for c in &changes {
                    console::out(&format!("{c}\n"))?;
                }
                console::out(&format!("{} bracket(s) changed in {}\n", changes.len(), input.display()))?;
                if !changes.is_empty() {
                    crate::suite::write_atomic(&input, &crate::json::to_string(&res)?)?;
                }
            }
            let out = out.unwrap_or_else(|| input.parent().map_or(PathBuf::from("."), |p| p.to_path_buf()));
            // Check the README before writing anything, so a README without the block loses nothing.
            let filled = match &readme {
                Some(path) => {
                    let text = std::fs::read_to_string(path)
                        .with_context(|| format!("cannot read the README {}", path.display()))?;
                    let block = crate::report::headline::readme_block(&res);
                    Some(
                        crate::report::headline::fill_block(&text, &block)
                            .with_context(|| path.display().to_string())?,
                    )
                }
                None => None,
            };
            for p in crate::report::write_report(&res, &out)? {
                console::out(&format!("{}\n", p.display()))?;
            }
            if let (Some(path), Some(text)) = (readme, filled) {
                crate::durable::write_atomic_via(&path, &path.with_extension("md.tmp"), text)?;
                console::out(&format!("{} (headline block)\n", path.display()))?;
            }
        }
        Cmd::Bounds { family, target, net, layers, k_max, eps, metric } => {
            anyhow::ensure!(!eps.is_empty(), "--eps: give at least one tolerance");
            if let Some(e) = eps.iter().find(|e| !(e.is_finite() && **e >= 0.0)) {
                anyhow::bail!("--eps {e}: tolerances must be finite numbers ≥ 0");
            }
            let targets = if target.is_some() || net.is_some() {
                vec![own::own_target(net.as_deref(), layers.as_deref(), target.as_deref())?.1]
            } else {
                let first = series(&family)?;
                (1..=k_max)
                    .map(|v| first.with_axis_value(v).expect("a series member").build())
                    .collect::<Result<Vec<_>, _>>()?
            };
            console::out(&console::bounds(&targets, &eps, metric.into())?)?
        }
        Cmd::Experiment { experiment, out, threads: t } => {
            let cfg = crate::experiment::load(&experiment)?;
            let out = out.unwrap_or_else(|| PathBuf::from("results/experiments").join(&cfg.name));
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads(t)?).build()?;
            let started = std::time::Instant::now();
            let progress = |done: usize, total: usize| {
                eprint!("\rexperiment {}: {done}/{total} runs, {:.0} s", cfg.name, started.elapsed().as_secs_f64());
            };
            let written = pool.install(|| crate::experiment::run_into(&cfg, &out, &progress))?;
            eprintln!();
            for p in written {
                console::out(&format!("{}\n", p.display()))?;
            }
        }
        Cmd::Probe { family, d, seeds, widths, out, threads: t, .. } if family == "compositional" => {
            let mut cfg = crate::probe::tree::TreeProbeConfig { d, seeds, ..Default::default() };
            cfg.widths = widths.unwrap_or(cfg.widths);
            let res = crate::probe::tree::run(&cfg, threads(t)?)?;
            crate::probe::tree::write(&res, &out)?;
            console::out(&crate::probe::tree::markdown(&res))?;
            eprintln!("probes: {}", out.join("tree-probes.json").display());
        }
        Cmd::Probe { family, k_max, seeds, widths, out, threads: t, .. } => {
            let mut cfg = crate::probe::run::ProbeConfig { family, k_max, seeds, ..Default::default() };
            cfg.widths = widths.unwrap_or(cfg.widths);
            let res = crate::probe::run::run(&cfg, threads(t)?)?;
            crate::probe::run::write(&res, &out)?;
            console::out(&crate::probe::run::markdown(&res))?;
            let stem = crate::probe::run::stem(&res.config.family);
            eprintln!("probes: {}", out.join(format!("{stem}.json")).display());
        }
        Cmd::Transfer { d, width, seeds, out, threads: t } => {
            let cfg = crate::transfer::TransferConfig { d, width, seeds, ..Default::default() };
            let res = crate::transfer::run(&cfg, threads(t)?)?;
            crate::transfer::write(&res, &out)?;
            console::out(&crate::transfer::markdown(&res))?;
            eprintln!("transfer: {}", out.join("transfer.json").display());
        }
        Cmd::Constructions { k_max } => console::out(&console::constructions(&sawtooths(k_max)?)?)?,
    }
    Ok(())
}
