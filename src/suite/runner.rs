//! The suite runner: deep references, then all width searches in parallel rounds.
//!
//! Round structure (deterministic whatever the thread count): first every trained deep reference
//! run of every target; then, repeatedly, each unfinished search proposes its next width, the union
//! of (target, width, seed) runs not yet done is trained in parallel (rayon), and every search whose
//! width is complete advances. A run depends only on (master seed, its identity) and its result only
//! on the config, so the assembled results are identical for any thread count or run order, and
//! after an interruption (runs already in the log are read back, not redone).

use super::context::{Cache, Ctx};
pub use super::plan::task_count;
use super::plan::{self, Role, RunId, SearchPlan};
use super::{RunLog, RunRecord, SuiteConfig, builtin, provenance};
use crate::family::Target;
use crate::results::{Results, ShardInfo};
use crate::search::Search;
use crate::train::TrainerId;
use anyhow::{Context, bail};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Mutex;

/// How to run a suite.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Output folder (results.json, runs.jsonl).
    pub out: PathBuf,
    /// Worker threads (≥ 1).
    pub threads: usize,
    /// Show a progress bar (only drawn when stderr is a terminal).
    pub progress: bool,
    /// Run only shard `index` of `count` (see [`super::shard`]).
    pub shard: Option<ShardInfo>,
}

/// Load a suite by built-in name (`quick`, `full`, `tiny`, `families`) or TOML file path.
pub fn load_suite(name_or_path: &str) -> anyhow::Result<SuiteConfig> {
    if let Some(text) = builtin(name_or_path) {
        return Ok(SuiteConfig::from_toml(text, &format!("built-in suite `{name_or_path}`"))?);
    }
    let text = std::fs::read_to_string(name_or_path).with_context(|| {
        let hint = crate::config::suggest(name_or_path, &crate::config::BUILTIN_NAMES)
            .map_or(String::new(), |n| format!(" (did you mean `{n}`?)"));
        format!(
            "`{name_or_path}` is neither a built-in suite ({}) nor a readable TOML file{hint}",
            crate::config::BUILTIN_NAMES.join(", ")
        )
    })?;
    Ok(SuiteConfig::from_toml(&text, name_or_path)?)
}

/// Run a suite, resuming from whatever `opts.out` already holds for the same config.
pub fn run_suite(cfg: &SuiteConfig, opts: &RunOptions) -> anyhow::Result<Results> {
    let started = provenance::now_rfc3339();
    let commit = provenance::git_commit();
    let hash = cfg.hash();
    // The targets, and the training-set sizes they imply, before anything is locked, trained or allocated.
    let mut targets = super::shard::expand_targets(cfg)?;
    if let Some(s) = opts.shard {
        let owner = super::shard::assign(cfg, &targets, s.count)?;
        targets = targets.into_iter().zip(owner).filter(|(_, o)| *o == s.index).map(|(t, _)| t).collect();
        let names: Vec<String> = targets.iter().map(|t| t.to_string()).collect();
        eprintln!("shard {}/{}: {} target(s): {}", s.index, s.count, targets.len(), names.join("; "));
    }
    let targets: Vec<Box<dyn Target>> = targets.iter().map(|id| id.build()).collect::<Result<_, _>>()?;
    super::sizes::check_sizes(cfg, &targets)?;
    let terminal = std::io::stderr().is_terminal();
    let plain = super::progress::Plain::new(opts.progress && !terminal)?;
    std::fs::create_dir_all(&opts.out)
        .with_context(|| format!("cannot create output folder {}", opts.out.display()))?;
    let _lock = crate::lock::DirLock::acquire(&opts.out, &format!("run of suite `{}`", cfg.name))?;
    let results_path = opts.out.join("results.json");
    if results_path.exists() {
        let old = Results::read(&results_path).with_context(|| {
            format!("refusing to overwrite {}; move it away or choose another --out", results_path.display())
        })?;
        if old.config_hash != hash {
            bail!(
                "{} holds results of a different config (hash {}, this one is {hash}); choose another --out. Nothing was changed",
                results_path.display(),
                old.config_hash
            );
        }
    }
    let (log, mut cache, skipped) = RunLog::open(&opts.out.join("runs.jsonl"), &hash)?;
    let resumed = cache.len();
    if skipped > 0 {
        eprintln!(
            "note: {skipped} unreadable line(s) in the run log (torn by an interruption?): those runs are redone"
        );
    }
    let log = Mutex::new(log);
    let pool = rayon::ThreadPoolBuilder::new().num_threads(opts.threads).build()?;
    let pb = if opts.progress && terminal { ProgressBar::new(0) } else { ProgressBar::hidden() };
    // A fixed total of tasks, known before anything runs: every deep reference run, every sweep run
    // and every width search (a search counts when it ends; how many runs it takes is not known in
    // advance, so runs are reported beside the bar).
    pb.set_style(ProgressStyle::with_template(
        "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} tasks, about {eta} left  {msg}",
    )?);

    let min_floor = |t: &dyn Target| cfg.floors_for(t).into_iter().fold(f64::INFINITY, f64::min);
    let n = targets.len();
    let stop = targets.iter().map(|t| min_floor(t.as_ref())).collect();
    let mut ctx = Ctx { cfg, stop, taus: vec![vec![]; n], targets, shard: opts.shard };
    pb.set_length(task_count(cfg, &ctx.targets));
    let phase = std::sync::Mutex::new("deep references");
    let trained_runs = std::sync::atomic::AtomicUsize::new(0);
    let show = |pb: &ProgressBar| {
        let runs = trained_runs.load(std::sync::atomic::Ordering::Relaxed);
        let msg = format!("{} ({runs} runs trained, {resumed} read back)", phase.lock().unwrap());
        plain.line(pb.position(), pb.length().unwrap_or(0), &msg);
        pb.set_message(msg);
    };

    // Runs `ids`; `counted`: each run is one task of the bar (deep references and sweeps).
    let execute = |ctx: &Ctx, ids: Vec<RunId>, cache: &mut Cache, counted: bool| -> anyhow::Result<()> {
        let todo: Vec<RunId> = ids.iter().filter(|id| !cache.contains_key(&ctx.key(id))).cloned().collect();
        if counted {
            pb.inc((ids.len() - todo.len()) as u64);
        }
        let done: Vec<RunRecord> = pool.install(|| {
            todo.par_iter()
                .map(|r| {
                    let rec = ctx.train(r)?;
                    log.lock().unwrap().append(&rec)?;
                    trained_runs.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    if counted {
                        pb.inc(1);
                    }
                    show(&pb);
                    Ok(rec)
                })
                .collect::<anyhow::Result<_>>()
        })?;
        cache.extend(done.into_iter().map(|r| (r.key(), r)));
        Ok(())
    };

    // Phase 1: trained deep references.
    show(&pb);
    let deep_runs = plan::deep_runs(cfg, &ctx.targets);
    execute(&ctx, deep_runs, &mut cache, true)?;

    // Reference errors fix each target's tolerances and hence its stop tolerance.
    let refs = super::assemble::references(&ctx, &cache)?;
    for (t, r) in refs.iter().enumerate() {
        let floors = cfg.floors_for(ctx.targets[t].as_ref());
        let mut taus: Vec<f64> = r.iter().flat_map(|r| floors.iter().map(|f| tau(r.error, *f))).collect();
        taus.sort_by(f64::total_cmp);
        taus.dedup();
        ctx.stop[t] = taus.first().copied().unwrap_or(ctx.stop[t]);
        ctx.taus[t] = taus;
    }

    // The search plans: one per target, shallow trainer, reference and floor.
    let mut plans: Vec<SearchPlan> = Vec::new();
    for (t, i, kind, floor) in plan::search_cells(cfg, &ctx.targets) {
        let (target, sh) = (ctx.targets[t].as_ref(), &cfg.shallow[i]);
        let r = refs[t].iter().find(|r| r.kind == kind).expect("one reference per kind");
        let tau = tau(r.error, floor);
        let lower = target.bracket(tau, cfg.metric).map(|b| b.lower);
        let start = if sh.prune_with_theory { lower.unwrap_or(1) } else { 1 };
        let search = (!sh.train.optimizer.sweeps()).then(|| Search::new(start, cfg.m_max(i, target) as u64));
        plans.push(SearchPlan { target: t, trainer: i, reference: kind, floor, tau, search });
    }

    // Phase 2: sweep trainers, one run per target and seed (`role` names the trainer's run).
    let sweep_runs = |keep: &dyn Fn(&dyn Target) -> bool, role: &dyn Fn(TrainerId) -> Role| {
        plan::sweep_runs(cfg, &ctx.targets, keep, role)
    };
    *phase.lock().unwrap() = "width sweeps";
    show(&pb);
    let sweeps = sweep_runs(&|_| true, &|trainer| Role::Sweep { trainer });
    execute(&ctx, sweeps, &mut cache, true)?;

    // The sufficiency check of the sweep trainers: the same sweeps on `factor` times the data, for
    // the listed targets.
    if let Some(suf) = &cfg.sufficiency {
        *phase.lock().unwrap() = "sufficiency check";
        show(&pb);
        let runs = sweep_runs(&|t| plan::checked(cfg, t), &|trainer| Role::Sufficiency { trainer, factor: suf.factor });
        execute(&ctx, runs, &mut cache, true)?;
    }

    // Phase 3: step trainers' searches, advanced in rounds.
    *phase.lock().unwrap() = "width searches";
    show(&pb);
    let mut ended = vec![false; plans.len()];
    // The runs of width m of a plan's trainer on its target.
    let runs_of = |target: usize, trainer: usize, m: u64| {
        let sh = &cfg.shallow[trainer];
        RunId::shallow(ctx.targets[target].id(), sh.train.optimizer.id(), m, sh.seeds)
    };
    loop {
        for (p, ended) in plans.iter_mut().zip(ended.iter_mut()) {
            let (target, trainer, tau) = (p.target, p.trainer, p.tau);
            let Some(search) = p.search.as_mut() else { continue };
            while let Some(m) = search.next_width() {
                let ids = runs_of(target, trainer, m);
                let runs: Option<Vec<&RunRecord>> = ids.iter().map(|id| cache.get(&ctx.key(id))).collect();
                let Some(runs) = runs else { break };
                search.record(m, runs.iter().any(|r| r.summary.reaches(tau)));
            }
            if !*ended && search.next_width().is_none() {
                *ended = true;
                pb.inc(1);
            }
        }
        let mut need: Vec<RunId> = plans
            .iter()
            .filter_map(|p| p.search.as_ref().and_then(|s| s.next_width()).map(|m| runs_of(p.target, p.trainer, m)))
            .flatten()
            .collect();
        if need.is_empty() {
            break;
        }
        need.sort();
        need.dedup();
        execute(&ctx, need, &mut cache, false)?;
    }
    // The sufficiency check of the step trainers: every width each search tried, on `factor` times
    // the data, for the listed targets.
    if let Some(suf) = &cfg.sufficiency {
        *phase.lock().unwrap() = "sufficiency check";
        show(&pb);
        let mut runs: Vec<RunId> = plans
            .iter()
            .filter(|p| suf.targets.contains(&ctx.targets[p.target].id()))
            .filter_map(|p| p.search.as_ref().map(|s| (p, s)))
            .flat_map(|(p, s)| {
                let (sh, target) = (&cfg.shallow[p.trainer], ctx.targets[p.target].id());
                let role = Role::Sufficiency { trainer: sh.train.optimizer.id(), factor: suf.factor };
                s.tried().iter().flat_map(move |&m| {
                    let role = role.clone();
                    (0..sh.seeds).map(move |seed| RunId { target, role: role.clone(), hidden: vec![m as usize], seed })
                })
            })
            .collect();
        runs.sort();
        runs.dedup();
        pb.inc_length(runs.len() as u64);
        execute(&ctx, runs, &mut cache, true)?;
    }
    pb.finish_and_clear();

    let mut prov = provenance::collect(opts.threads, started, commit);
    prov.resumed_runs = (resumed > 0).then_some(resumed);
    let results = super::assemble::results(&ctx, &cache, refs, &plans, prov)?;
    write_atomic(&results_path, &crate::json::to_string(&results)?)?;
    Ok(results)
}

/// Merge shard documents (see [`super::shard::merge`]) and write the result to `out/results.json`,
/// refusing to replace an unreadable or foreign document there.
pub fn merge_into(docs: Vec<(PathBuf, Results)>, out: &std::path::Path) -> anyhow::Result<Results> {
    let started = provenance::now_rfc3339();
    let merged = super::shard::merge(docs, provenance::collect(0, started, provenance::git_commit()))?;
    std::fs::create_dir_all(out).with_context(|| format!("cannot create output folder {}", out.display()))?;
    let path = out.join("results.json");
    if path.exists() {
        let old = Results::read(&path).with_context(|| {
            format!("refusing to overwrite {}; move it away or choose another --out", path.display())
        })?;
        if old.config_hash != merged.config_hash {
            bail!("{} holds results of a different config; choose another --out. Nothing was changed", path.display());
        }
    }
    write_atomic(&path, &crate::json::to_string(&merged)?)?;
    Ok(merged)
}

/// τ = max(reference error, floor); a reference without a finite error leaves only the floor.
pub(super) fn tau(reference: Option<f64>, floor: f64) -> f64 {
    reference.map_or(floor, |e| e.max(floor))
}

/// Write via a temporary file and rename, durably (see [`crate::durable`]).
pub fn write_atomic(path: &std::path::Path, text: &str) -> anyhow::Result<()> {
    crate::durable::write_atomic(path, text)
}
