//! The depthsep command line: a thin layer over the library.

use anyhow::Context;
use clap::{Parser, Subcommand};
use depthsep::console;
use depthsep::family::{Target, TargetSpec, sawtooth};
use depthsep::suite::{ReferenceKind, RunOptions, load_suite, run_suite};
use depthsep::train::Metric;
use std::path::PathBuf;

/// Measured depth separation: how wide must a one-hidden-layer ReLU net be to match a deep one?
///
/// With no subcommand, runs the quick suite (sawtooth k = 1..=8) into results/quick.
#[derive(Parser)]
#[command(version, about, long_about)]
struct Cli {
    #[command(subcommand)]
    cmd: Option<Cmd>,
}

#[derive(Subcommand)]
enum Cmd {
    /// Run a suite: deep references, minimal shallow width searches, results JSON. Resumes if interrupted.
    #[command(allow_negative_numbers = true)]
    Run {
        /// Built-in suite (quick, full, tiny, families, sup, landmarks) or a TOML file.
        #[arg(long, default_value = "quick")]
        suite: String,
        /// Output folder [default: results/<suite name>].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Worker threads [default: all cores]. Results do not depend on it.
        #[arg(long)]
        threads: Option<usize>,
        /// Run only shard I of N (0 ≤ I < N), for job arrays; combine with `merge`.
        #[arg(long, value_name = "I/N", value_parser = depthsep::suite::shard::parse_shard)]
        shard: Option<depthsep::results::ShardInfo>,
    },
    /// Run an experiment (fixed architectures, error against training step, several seeds) and
    /// draw its figure and table; an experiment already in OUT is redrawn, not rerun.
    #[command(allow_negative_numbers = true)]
    Experiment {
        /// Built-in experiment (safran2017) or a TOML file.
        #[arg(default_value = "safran2017")]
        experiment: String,
        /// Output folder [default: results/experiments/<name>].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Worker threads [default: all cores]. Results do not depend on it.
        #[arg(long)]
        threads: Option<usize>,
    },
    /// Merge shard results (from `run --shard I/N`) into one results document and report.
    Merge {
        /// The shards' results.json files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Output folder for the merged results.json and report.
        #[arg(long)]
        out: PathBuf,
    },
    /// Search the minimal shallow width for one sawtooth Δ^k (the quick suite's settings, overridable).
    #[command(allow_negative_numbers = true)]
    Search {
        /// Number of compositions k of the sawtooth (1..=24: exact errors need the 2^k + 1 knots).
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=sawtooth::MAX_EXACT_K as i64))]
        k: u32,
        /// Tolerance floors, comma-separated.
        #[arg(long, value_delimiter = ',', default_value = "0.1,0.01,0.001")]
        floors: Vec<f64>,
        /// Error metric.
        #[arg(long, value_enum, default_value = "nmse")]
        metric: MetricArg,
        /// Seeds per width.
        #[arg(long, default_value_t = 3)]
        seeds: u32,
        /// Largest width tried.
        #[arg(long, default_value_t = 1024)]
        m_max: usize,
        /// Shallow trainers to run, comma-separated (the quick suite's: freeknot, hybrid, adam).
        #[arg(long, value_delimiter = ',', default_value = "freeknot,hybrid,adam")]
        trainers: Vec<String>,
        /// Also train the deep reference (otherwise only the constructed one).
        #[arg(long)]
        trained: bool,
        /// Output folder [default: results/search-k<K>].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Worker threads [default: all cores].
        #[arg(long)]
        threads: Option<usize>,
    },
    /// Redraw the whole report from a results document (no training): SVG and PDF figures, tables,
    /// headline.md, methods.md/.tex, references.bib and index.html.
    Report {
        /// Results document.
        #[arg(long = "in", default_value = "reports/results.json")]
        input: PathBuf,
        /// Output folder [default: the results document's folder].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Also fill this README's generated headline block (between its `<!-- headline:begin` and
        /// `<!-- headline:end -->` lines) with headline.md.
        #[arg(long, value_name = "README")]
        readme: Option<PathBuf>,
    },
    /// Import criterion's timings (`cargo bench -- matched`) of the deep and matched shallow nets into a
    /// results document, then redraw its report.
    Costs {
        /// Results document to update.
        #[arg(long = "in", default_value = "reports/results.json")]
        input: PathBuf,
        /// Criterion's output folder.
        #[arg(long, default_value = "target/criterion")]
        criterion: PathBuf,
        /// Where the updated results and report go [default: results/costs].
        #[arg(long, conflicts_with = "in_place")]
        out: Option<PathBuf>,
        /// Update the input's own folder (e.g. the committed reports/) instead.
        #[arg(long)]
        in_place: bool,
    },
    /// Measure the deep references' trainability frontier (recipes × widths × k = 1..k_max on the
    /// sawtooth, several seeds each), store it in a results document and redraw its report
    /// (frontier.svg, frontier.md).
    #[command(allow_negative_numbers = true)]
    Frontier {
        /// Results document to update (its master seed and deep training settings are used).
        #[arg(long = "in", default_value = "reports/results.json")]
        input: PathBuf,
        /// Largest k (1..=20).
        #[arg(long, default_value_t = 12)]
        k_max: u32,
        /// Seeds per recipe, width and k.
        #[arg(long, default_value_t = 3)]
        seeds: u32,
        /// Hidden widths, comma-separated.
        #[arg(long, value_delimiter = ',', default_value = "2,8")]
        widths: Vec<usize>,
        /// Family: sawtooth, golden, takagi-a2 (any a ≥ 2), square.
        #[arg(long, default_value = "sawtooth")]
        family: String,
        /// Recipes, comma-separated [default: all of plain, asymmetric, lm, curriculum, triangle,
        /// triangle_curriculum].
        #[arg(long, value_delimiter = ',')]
        recipes: Vec<String>,
        /// Worker threads [default: all cores]. Results do not depend on it.
        #[arg(long)]
        threads: Option<usize>,
        /// Where the updated results and report go [default: results/frontier].
        #[arg(long, conflicts_with = "in_place")]
        out: Option<PathBuf>,
        /// Update the input's own folder (e.g. the committed reports/) instead.
        #[arg(long)]
        in_place: bool,
    },
    /// Print the certified bracket on the minimal shallow width per member and tolerance, and how
    /// each end was obtained.
    #[command(allow_negative_numbers = true)]
    Bounds {
        /// Family: sawtooth, golden, takagi-aA (A ≥ 2) or square (golden and Takagi: sup only).
        #[arg(long, default_value = "sawtooth")]
        family: String,
        /// Largest member (k, t, K or L), from 1.
        #[arg(long, default_value_t = 12, value_parser = clap::value_parser!(u32).range(1..=sawtooth::MAX_K as i64))]
        k_max: u32,
        /// Tolerances, comma-separated.
        #[arg(long, value_delimiter = ',', default_value = "0,0.001,0.01,0.1")]
        eps: Vec<f64>,
        /// Error metric.
        #[arg(long, value_enum, default_value = "nmse")]
        metric: MetricArg,
    },
    /// Print the exact constructions for sawtooth k = 1..=K: pieces, deep and shallow nets, exact errors.
    #[command(allow_negative_numbers = true)]
    Constructions {
        /// Largest k (1..=20).
        #[arg(long, default_value_t = 12, value_parser = clap::value_parser!(u32).range(1..=20))]
        k_max: u32,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum MetricArg {
    /// Normalised MSE: MSE / Var(target).
    Nmse,
    /// L1 error.
    L1,
    /// Sup error max |f − g| (exact 1-D targets only).
    Sup,
}

impl From<MetricArg> for Metric {
    fn from(m: MetricArg) -> Self {
        match m {
            MetricArg::Nmse => Metric::Nmse,
            MetricArg::L1 => Metric::L1,
            MetricArg::Sup => Metric::Sup,
        }
    }
}

fn threads(n: Option<usize>) -> anyhow::Result<usize> {
    let n = n.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    anyhow::ensure!(n >= 1, "--threads must be ≥ 1");
    Ok(n)
}

/// The sawtooth targets k = 1..=k_max (for the sawtooth-specific flags).
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
fn series(family: &str) -> anyhow::Result<depthsep::family::TargetId> {
    depthsep::family::TargetId::parse_series(family).map_err(anyhow::Error::msg)
}

fn sawtooths(k_max: u32) -> anyhow::Result<Vec<Box<dyn Target>>> {
    Ok(TargetSpec::sawtooth(1, k_max).build_all()?)
}

fn run(cli: Cli) -> anyhow::Result<()> {
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
            print!("{}", console::mstar(&res)?);
            if shard.is_some() {
                eprintln!(
                    "shard results: {} (combine the shards with `depthsep merge`)",
                    out.join("results.json").display()
                );
                return Ok(());
            }
            let written = depthsep::report::write_report(&res, &out)?;
            eprintln!(
                "results: {}; report: {} files in {}",
                out.join("results.json").display(),
                written.len(),
                out.display()
            );
        }
        Cmd::Search { k, floors, metric, seeds, m_max, trainers, trained, out, threads: t } => {
            let mut cfg = load_suite("quick")?;
            cfg.name = format!("search-k{k}");
            cfg.targets = vec![TargetSpec::sawtooth(k, k)];
            cfg.floors = floors;
            cfg.metric = metric.into();
            let known: Vec<&str> = cfg.shallow.iter().map(|s| s.train.optimizer.name()).collect();
            if let Some(bad) = trainers.iter().find(|t| !known.contains(&t.as_str())) {
                anyhow::bail!("--trainers: `{bad}` is not one of {}", known.join(", "));
            }
            cfg.shallow.retain(|s| trainers.iter().any(|t| t == s.train.optimizer.name()));
            for sh in &mut cfg.shallow {
                sh.seeds = seeds;
                sh.m_max = m_max;
                sh.max_pieces = None;
            }
            cfg.references = if trained {
                vec![ReferenceKind::Constructed, ReferenceKind::Trained]
            } else {
                vec![ReferenceKind::Constructed]
            };
            cfg.validate()?;
            let out = out.unwrap_or_else(|| PathBuf::from("results").join(&cfg.name));
            let res =
                run_suite(&cfg, &RunOptions { out: out.clone(), threads: threads(t)?, progress: true, shard: None })?;
            print!("{}", console::mstar(&res)?);
            depthsep::report::write_report(&res, &out)?;
        }
        Cmd::Merge { files, out } => {
            let docs = files
                .iter()
                .map(|f| Ok((f.clone(), depthsep::results::Results::read(f)?)))
                .collect::<anyhow::Result<Vec<_>>>()?;
            let res = depthsep::suite::merge_into(docs, &out)?;
            print!("{}", console::mstar(&res)?);
            depthsep::report::write_report(&res, &out)?;
            eprintln!("merged results: {}", out.join("results.json").display());
        }
        Cmd::Costs { input, criterion, out, in_place } => {
            let mut res = depthsep::results::Results::read(&input)?;
            let n = depthsep::costs::import_criterion(&mut res, &criterion)?;
            let dir = destination(&input, out, in_place, "costs")?;
            depthsep::suite::write_atomic(&dir.join("results.json"), &serde_json::to_string_pretty(&res)?)?;
            depthsep::report::write_report(&res, &dir)?;
            eprintln!("{n} nets timed; results with costs and the report written into {}", dir.display());
        }
        Cmd::Frontier { input, k_max, seeds, widths, family, recipes, threads: t, out, in_place } => {
            let dir = destination(&input, out, in_place, "frontier")?;
            let series = series(&family)?;
            let mut res = depthsep::results::Results::read(&input)?;
            let mut specs = depthsep::suite::frontier::default_recipes(&res.config.deep.train);
            if !recipes.is_empty() {
                let known: Vec<String> = specs.iter().map(|s| s.name.clone()).collect();
                if let Some(bad) = recipes.iter().find(|r| !known.contains(r)) {
                    anyhow::bail!("--recipes: unknown recipe `{bad}`; allowed: {}", known.join(", "));
                }
                specs.retain(|s| recipes.contains(&s.name));
            }
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads(t)?).build()?;
            let started = std::time::Instant::now();
            let progress = |done: usize, total: usize| {
                eprint!("\rfrontier: {done}/{total} runs, {:.0} s", started.elapsed().as_secs_f64());
            };
            let f = pool.install(|| {
                depthsep::suite::frontier::measure(
                    res.config.master_seed,
                    series,
                    specs,
                    &widths,
                    k_max,
                    seeds,
                    &progress,
                )
            })?;
            eprintln!();
            res.frontier = Some(f);
            depthsep::suite::write_atomic(&dir.join("results.json"), &serde_json::to_string_pretty(&res)?)?;
            depthsep::report::write_report(&res, &dir)?;
            print!("{}", depthsep::report::frontier_markdown(&res));
            eprintln!(
                "results with the frontier and the report written into {} ({:.0} s)",
                dir.display(),
                started.elapsed().as_secs_f64()
            );
        }
        Cmd::Report { input, out, readme } => {
            let res = depthsep::results::Results::read(&input)?;
            let out = out.unwrap_or_else(|| input.parent().map_or(PathBuf::from("."), |p| p.to_path_buf()));
            // Check the README before writing anything, so a README without the block loses nothing.
            let filled = match &readme {
                Some(path) => {
                    let text = std::fs::read_to_string(path)
                        .with_context(|| format!("cannot read the README {}", path.display()))?;
                    let block = depthsep::report::headline::readme_block(&res);
                    Some(
                        depthsep::report::headline::fill_block(&text, &block)
                            .with_context(|| path.display().to_string())?,
                    )
                }
                None => None,
            };
            for p in depthsep::report::write_report(&res, &out)? {
                println!("{}", p.display());
            }
            if let (Some(path), Some(text)) = (readme, filled) {
                depthsep::durable::write_atomic_via(&path, &path.with_extension("md.tmp"), text)?;
                println!("{} (headline block)", path.display());
            }
        }
        Cmd::Bounds { family, k_max, eps, metric } => {
            anyhow::ensure!(!eps.is_empty(), "--eps: give at least one tolerance");
            if let Some(e) = eps.iter().find(|e| !(e.is_finite() && **e >= 0.0)) {
                anyhow::bail!("--eps {e}: tolerances must be finite numbers ≥ 0");
            }
            let first = series(&family)?;
            let targets = (1..=k_max)
                .map(|v| first.with_axis_value(v).expect("a series member").build())
                .collect::<Result<Vec<_>, _>>()?;
            print!("{}", console::bounds(&targets, &eps, metric.into())?)
        }
        Cmd::Experiment { experiment, out, threads: t } => {
            let cfg = depthsep::experiment::load(&experiment)?;
            let out = out.unwrap_or_else(|| PathBuf::from("results/experiments").join(&cfg.name));
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads(t)?).build()?;
            let started = std::time::Instant::now();
            let progress = |done: usize, total: usize| {
                eprint!("\rexperiment {}: {done}/{total} runs, {:.0} s", cfg.name, started.elapsed().as_secs_f64());
            };
            let written = pool.install(|| depthsep::experiment::run_into(&cfg, &out, &progress))?;
            eprintln!();
            for p in written {
                println!("{}", p.display());
            }
        }
        Cmd::Constructions { k_max } => print!("{}", console::constructions(&sawtooths(k_max)?)?),
    }
    Ok(())
}

fn main() {
    if let Err(e) = run(Cli::parse()) {
        eprintln!("Error: {e:#}");
        std::process::exit(1);
    }
}
