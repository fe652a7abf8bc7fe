//! The results document: the schema *is* these structs. JSON is the contract; reports are redrawn
//! from it alone.
//!
//! Everything except `provenance` (and measured `costs`) is a deterministic function of the config:
//! byte-identical across thread counts, run order and interrupted-then-resumed runs.
//!
//! Schema 3 identifies targets by family and parameters ([`TargetId`]), holds one search per shallow
//! trainer (with its evidence interval) and every sweep's width → error curve, records the trainer's
//! failed solves and flags searches against an unfit reference. [`Results::read`] refuses other
//! versions and checks the invariants the report relies on ([`Results::check`]).

use crate::config::{ReferenceKind, SuiteConfig};
use crate::family::{Bracket, TargetId};
use crate::net::{ExactErrors, Mlp};
use crate::search::MStar;
use crate::train::Outcome;
use anyhow::{Context, ensure};
use serde::{Deserialize, Serialize};

/// Current schema version. Version 4 added `depth_profiles`; readers take 3 and 4 (a version-3
/// document is a version-4 one without profiles) and refuse the rest.
pub const SCHEMA_VERSION: u32 = 4;

/// The oldest schema version still read.
pub const OLDEST_READ: u32 = 3;

/// A whole suite's results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Results {
    /// Schema version of this document.
    pub schema_version: u32,
    /// Where and when it was computed (the only non-deterministic part).
    pub provenance: Provenance,
    /// The validated suite configuration.
    pub config: SuiteConfig,
    /// FNV-1a hash of the config's canonical JSON.
    pub config_hash: String,
    /// One entry per target, in config order.
    pub targets: Vec<TargetResult>,
    /// Set on the results of one shard of a suite (`run --shard I/N`); absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<ShardInfo>,
    /// On a merged document: each shard's provenance, by shard index.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shard_provenance: Vec<Provenance>,
    /// Measured time per inference pass and training step (`depthsep costs`); machine-dependent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub costs: Option<Costs>,
    /// The deep references' trainability frontier (`depthsep frontier`); deterministic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frontier: Option<crate::frontier::Frontier>,
    /// Further frontiers (other families, widths, recipes or step budgets), each measured by its
    /// own `depthsep frontier`; deterministic.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub frontiers: Vec<crate::frontier::Frontier>,
    /// The smallest net at every depth per target and tolerance (`depthsep profile`); deterministic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub depth_profiles: Option<crate::profile::Profiles>,
}

impl Results {
    /// Every measured frontier: the first, then the further ones.
    pub fn all_frontiers(&self) -> impl Iterator<Item = &crate::frontier::Frontier> {
        self.frontier.iter().chain(&self.frontiers)
    }

    /// The recipe that trained `t`'s deep reference: the configured one, or `plain` where it does
    /// not apply at the reference's width and depth (a family without a depth parameter, another
    /// depth than the construction's, d > 1 inputs: [`crate::recipe::effective`]).
    pub fn deep_recipe(&self, t: &TargetResult) -> crate::recipe::Recipe {
        let hidden =
            t.references.iter().find(|r| r.kind == crate::config::ReferenceKind::Trained).map(|r| r.hidden.clone());
        let hidden =
            hidden.or_else(|| t.target.build().ok().map(|b| self.config.deep_hidden(b.as_ref()))).unwrap_or_default();
        let (width, depth) = (hidden.first().copied().unwrap_or(0), hidden.len());
        crate::recipe::effective(self.config.deep.recipe_for(t.target.family()), t.target, t.dim, width, depth)
    }

    /// Label every trained reference and frontier recipe with its kind (generic or
    /// structure-aware), where a document written before the labels lacks them.
    pub fn label_recipes(&mut self) {
        let labels: Vec<String> = self.targets.iter().map(|t| Self::label(self.deep_recipe(t))).collect();
        for (t, label) in self.targets.iter_mut().zip(labels) {
            for re in t.references.iter_mut().filter(|re| re.kind == crate::config::ReferenceKind::Trained) {
                re.recipe.get_or_insert_with(|| label.clone());
            }
        }
        for f in self.frontier.iter_mut().chain(self.frontiers.iter_mut()) {
            for spec in &mut f.recipes {
                spec.kind = spec.recipe.kind().to_string();
            }
        }
    }

    /// `"<recipe> (<kind>)"`.
    pub fn label(r: crate::recipe::Recipe) -> String {
        format!("{} ({})", r.name(), r.kind())
    }

    /// Store newly measured depth profiles (replacing any), as a current-schema document.
    pub fn store_profiles(&mut self, p: crate::profile::Profiles) {
        self.depth_profiles = Some(p);
        self.schema_version = SCHEMA_VERSION;
    }

    /// Store a newly measured frontier: it replaces the one of the same family series, recipes
    /// and widths (a remeasurement), else it is the first, else it is added to the further ones.
    pub fn store_frontier(&mut self, f: crate::frontier::Frontier) {
        let same = |o: &crate::frontier::Frontier| o.same_design(&f);
        if self.frontier.is_none() || self.frontier.as_ref().is_some_and(same) {
            self.frontier = Some(f);
        } else if let Some(o) = self.frontiers.iter_mut().find(|o| same(o)) {
            *o = f;
        } else {
            self.frontiers.push(f);
        }
    }
}

/// Measured costs of the nets a report compares.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Costs {
    /// Batch size of every measurement.
    pub batch: usize,
    /// What was measured and how.
    pub source: String,
    /// One entry per distinct net.
    pub nets: Vec<NetCost>,
}

/// Time of one net.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetCost {
    /// Hidden widths (1 input, 1 output).
    pub hidden: Vec<usize>,
    /// Parameters.
    pub params: usize,
    /// FLOPs per forward pass per point.
    pub flops: u64,
    /// Median time of one inference pass over the batch, ns.
    pub infer_ns: Option<f64>,
    /// Median time of one training step (forward, MSE, backward, Adam) on the batch, ns.
    pub train_ns: Option<f64>,
}

impl Costs {
    /// The entry for a net, if measured.
    pub fn get(&self, hidden: &[usize]) -> Option<&NetCost> {
        self.nets.iter().find(|n| n.hidden == hidden)
    }
}

/// Which share of a suite a document holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardInfo {
    /// 0-based shard index.
    pub index: usize,
    /// Number of shards.
    pub count: usize,
}

/// Where, when and with what a document was produced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    /// depthsep version.
    pub crate_version: String,
    /// Git commit of the source, when known.
    pub git_commit: Option<String>,
    /// rustc that built the binary.
    pub rustc: String,
    /// CPU model.
    pub cpu: String,
    /// Worker threads.
    pub threads: usize,
    /// Start time, RFC 3339 UTC.
    pub started: String,
    /// End time, RFC 3339 UTC.
    pub finished: String,
    /// Runs read back from the run log of an earlier, interrupted invocation (absent: none): the
    /// times above then span only the last invocation, not the whole suite.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resumed_runs: Option<usize>,
}

/// One training run, without its weights.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunSummary {
    /// Hidden widths.
    pub hidden: Vec<usize>,
    /// Seed index.
    pub seed: u32,
    /// Metric value of the best checkpoint (`None` when it was not finite).
    pub error: Option<f64>,
    /// Exact L1, MSE, sup errors of the best checkpoint.
    pub errors: Option<ExactErrors>,
    /// Linear pieces of the best checkpoint on \[0,1\].
    pub pieces: Option<usize>,
    /// Steps taken.
    pub steps: usize,
    /// How the run ended.
    pub outcome: Outcome,
    /// Best error within 5% of the best constant predictor's.
    pub collapsed: bool,
    /// Least-squares solves of the trainer that failed (singular or non-finite) and were skipped.
    pub solve_failures: usize,
    /// The trainer (`adam`, `hybrid`, `freeknot`; the deep reference's for deep seeds).
    pub trainer: crate::train::TrainerId,
    /// Half-width of the 95% interval of `error` when it is a Monte Carlo estimate (targets without
    /// a closed form); absent when exact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<f64>,
    /// Training points of a run on a target with d > 1 inputs (the data rule of
    /// [`crate::train::data`] sizes them by the net); absent for 1-D targets, whose size is the
    /// target's `data_n`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_n: Option<usize>,
}

impl RunSummary {
    /// Whether the run reaches τ: the whole 95% interval of its error at or below τ (the error itself
    /// when exact). A Monte Carlo estimate thus never passes on sampling luck.
    pub fn reaches(&self, tau: f64) -> bool {
        self.error.is_some_and(|e| e + self.interval.unwrap_or(0.0) <= tau)
    }
}

/// One seed's sweep: the error at every width a sweep trainer grew through.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepSummary {
    /// The trainer.
    pub trainer: crate::train::TrainerId,
    /// Seed index.
    pub seed: u32,
    /// Error in the suite's metric at width m = 1, 2, … (`None` where not finite).
    pub errors: Vec<Option<f64>>,
    /// Half-widths of the errors' 95% intervals when they are Monte Carlo estimates; empty when exact.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub intervals: Vec<f64>,
    /// Training points (targets with d > 1 inputs; absent in 1-D, where the target's `data_n` holds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_n: Option<usize>,
    /// Whether it stopped at the target's stop tolerance (else at m_max or with nothing to split).
    pub reached: bool,
}

/// All results for one target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetResult {
    /// Family and parameters, e.g. `{"family": "sawtooth", "k": 5}`.
    pub target: TargetId,
    /// The same as text, e.g. `"sawtooth k=5"`.
    pub label: String,
    /// Input dimension.
    pub dim: usize,
    /// Linear pieces of the target on \[0,1\].
    pub pieces: usize,
    /// Errors are exact (closed form on the target's knots) rather than sampled.
    pub exact: bool,
    /// Training points of the first shallow trainer's runs on this 1-D target; on a target with
    /// d > 1 inputs the rule's fewest (`sampled.min`), and every run records its own (`data_n`).
    pub data_n: usize,
    /// The tolerance at which every shallow run stopped early: min τ over all searches.
    pub stop_tolerance: f64,
    /// The deep references and their searches.
    pub references: Vec<ReferenceResult>,
    /// Every shallow run of the step trainers (their searches' evidence), by trainer, width, seed.
    pub shallow_runs: Vec<RunSummary>,
    /// Every sweep (the sweep trainers' evidence), by trainer and seed.
    pub sweeps: Vec<SweepSummary>,
    /// The sufficiency check of the data rule on this target (empty when not checked).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sufficiency: Vec<SufficiencyCheck>,
}

/// One search rerun on `factor` times the training points: every seed's first width reaching τ at
/// both sizes, and the flags ([`crate::suite`]'s sufficiency check).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SufficiencyCheck {
    /// The shallow trainer.
    pub trainer: crate::train::TrainerId,
    /// The reference whose error set τ.
    pub reference: crate::config::ReferenceKind,
    /// The floor of the ladder.
    pub floor: f64,
    /// τ = max(reference error, floor).
    pub tau: f64,
    /// How many times the data rule's points the rerun had.
    pub factor: u32,
    /// Training points at the rule's size and at `factor` times it.
    pub data_n: [Option<usize>; 2],
    /// The narrowest seed's first width (m* for a sweep trainer; for a step trainer the narrowest
    /// width its search tried at which a seed reaches τ) at the rule's size and at `factor` times it.
    pub m_star: [MStar; 2],
    /// Each seed's first width reaching τ (`None`: not within the cap, or for a step trainer at
    /// no width its search tried), at both sizes.
    pub seed_widths: [Vec<Option<u64>>; 2],
    /// The threshold of the shift flag: the smaller of the two sizes' seed spreads.
    pub noise: u64,
    /// The cell is flagged: a shift or a lost seed.
    pub flagged: bool,
    /// Median of the seeds' first widths at both sizes (a seed that never reached τ counting as the
    /// cap + 1).
    #[serde(default)]
    pub medians: [f64; 2],
    /// Seed-to-seed spread (widest − narrowest first width) at both sizes.
    #[serde(default)]
    pub spreads: [u64; 2],
    /// The median moved by more than `noise`.
    #[serde(default)]
    pub shift: bool,
    /// Seeds that reach τ at one size and not at the other.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lost: Vec<u32>,
}

/// A deep reference net and the searches that match its error.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReferenceResult {
    /// Constructed or trained.
    pub kind: ReferenceKind,
    /// Hidden widths.
    pub hidden: Vec<usize>,
    /// Parameter count.
    pub params: usize,
    /// FLOPs per forward pass per point.
    pub flops: u64,
    /// Reference error in the suite's metric (best seed for trained; `None` if no seed was finite).
    pub error: Option<f64>,
    /// Exact errors of the reference net.
    pub errors: Option<ExactErrors>,
    /// Linear pieces of the reference net.
    pub pieces: Option<usize>,
    /// Per-seed runs (trained only).
    pub seeds: Vec<RunSummary>,
    /// Fraction of seeds that collapsed (trained only).
    pub collapse_rate: Option<f64>,
    /// Weights of the reference net (best seed for trained), layer by layer (see `net::Mlp`).
    pub weights: Vec<f64>,
    /// One search per tolerance floor.
    pub searches: Vec<SearchResult>,
    /// A trained reference's recipe and its kind, e.g. `"triangle_curriculum (structure-aware)"`
    /// ([`crate::recipe::Recipe::kind`]); filled on reading documents written before it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipe: Option<String>,
    /// The file name of the user's own net, when the constructed reference is that net (a
    /// `family = "file"` target with `net`): shown as `your net (FILE)`, never as `constructed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub net: Option<String>,
}

/// The minimal shallow width that matches a reference at one tolerance, for one trainer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchResult {
    /// The shallow trainer.
    pub trainer: crate::train::TrainerId,
    /// The floor of the ladder.
    pub floor: f64,
    /// τ = max(reference error, floor).
    pub tau: f64,
    /// Minimal width found, or censored.
    pub m_star: MStar,
    /// Seeds that reached τ at m*.
    pub successes: u32,
    /// Theory bracket on the minimal width for τ.
    pub bracket: Option<Bracket>,
    /// Width the search started at (the certified lower bound when pruning is on).
    pub start_width: u64,
    /// Widths tested, in search order.
    pub widths_tried: Vec<u64>,
    /// Some tested width fails although a narrower one succeeds.
    pub non_monotone: bool,
    /// Evidence below m*: the largest tried width under m* that failed (`None` when m* is the
    /// search's start, the certified lower bound, so narrower widths cannot succeed).
    pub failed_below: Option<u64>,
    /// Evidence above m*: the largest tried width over m* that failed (non-monotone evidence).
    pub failed_above: Option<u64>,
    /// The reference itself is no better than the best constant (its best seed collapsed), so τ is
    /// near the constant's error and m* measures noise more than depth: do not cite it as a separation.
    pub reference_collapsed: bool,
    /// The trained reference did not collapse but its error is above the suite's largest floor, so
    /// τ is its (poor) error: it fits the target to no tolerance the suite asks about, and m* shows
    /// no separation. Kept out of the headline.
    pub reference_unfit: bool,
    /// Parameters of the matched shallow net.
    pub shallow_params: Option<usize>,
    /// FLOPs per forward pass per point of the matched shallow net (5m + 1 for width m).
    pub shallow_flops: Option<u64>,
    /// shallow params / reference params.
    pub param_ratio: Option<f64>,
    /// Weights of the best seed at m*.
    pub matched_weights: Vec<f64>,
    /// A censored sweep search in which a seed stopped growing below its cap (the output solve
    /// accepted no new unit): the narrowest such width. m* is then not known to exceed m_max, and
    /// the tables print `stopped at m` instead of `>m_max`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stopped_early: Option<u64>,
    /// The sufficiency check flagged this search (its m* moved, or a seed was lost, on more data).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub data_flag: bool,
}

impl Results {
    /// Read and check a results document: clear errors for missing, truncated, foreign, older or
    /// newer files, and for documents that break an invariant (naming the field).
    pub fn read(path: &std::path::Path) -> anyhow::Result<Self> {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("cannot read results file {}", path.display()))?;
        let v: serde_json::Value = serde_json::from_str(&text)
            .with_context(|| format!("{} is not valid JSON (truncated or corrupt?)", path.display()))?;
        let version = v
            .get("schema_version")
            .and_then(|s| s.as_u64())
            .with_context(|| format!("{} is not a depthsep results document (no schema_version)", path.display()))?;
        ensure!(
            version <= SCHEMA_VERSION as u64,
            "{} has schema_version {version}, newer than this depthsep understands ({SCHEMA_VERSION}): upgrade depthsep",
            path.display()
        );
        ensure!(
            version >= OLDEST_READ as u64,
            "{} has schema_version {version}, written by an older depthsep; this one reads {OLDEST_READ} to {SCHEMA_VERSION}. \
             Regenerate it: `depthsep run --suite <its suite> --out <a new folder>` (its run log cannot be resumed)",
            path.display()
        );
        let mut r: Results = serde_json::from_value(v)
            .with_context(|| format!("{} does not match the results schema", path.display()))?;
        r.label_recipes();
        r.check().with_context(|| format!("{} is inconsistent", path.display()))?;
        Ok(r)
    }

    /// The invariants the report relies on: every target builds, every net has non-empty hidden
    /// layers, and parameter counts and weight lengths match the nets' shapes. Errors name the field.
    pub fn check(&self) -> anyhow::Result<()> {
        self.config.validate().context("config")?;
        for (i, t) in self.targets.iter().enumerate() {
            let at = format!("targets[{i}]");
            let target = t.target.build().with_context(|| format!("{at}.target"))?;
            ensure!(t.dim == target.dim(), "{at}.dim: {} but the target has {} inputs", t.dim, target.dim());
            for (j, r) in t.references.iter().enumerate() {
                let at = format!("{at}.references[{j}]");
                check_net(&format!("{at}.hidden"), t.dim, &r.hidden, r.params)?;
                check_weights(&format!("{at}.weights"), t.dim, &r.hidden, &r.weights)?;
                for (s, run) in r.seeds.iter().enumerate() {
                    ensure!(
                        run.hidden == r.hidden,
                        "{at}.seeds[{s}].hidden: {:?} differs from {:?}",
                        run.hidden,
                        r.hidden
                    );
                }
                for (s, q) in r.searches.iter().enumerate() {
                    let at = format!("{at}.searches[{s}]");
                    ensure!(q.widths_tried.iter().all(|&m| m >= 1), "{at}.widths_tried: a width of 0");
                    match q.m_star {
                        MStar::Found { m } => {
                            ensure!(m >= 1, "{at}.m_star: width 0");
                            check_weights(&format!("{at}.matched_weights"), t.dim, &[m as usize], &q.matched_weights)?;
                        }
                        MStar::Censored { .. } => {
                            ensure!(q.matched_weights.is_empty(), "{at}.matched_weights: set on a censored search")
                        }
                    }
                }
            }
            for (s, sw) in t.sweeps.iter().enumerate() {
                ensure!(!sw.errors.is_empty(), "{at}.sweeps[{s}].errors: empty");
            }
            for (s, run) in t.shallow_runs.iter().enumerate() {
                ensure!(
                    run.hidden.len() == 1 && run.hidden[0] >= 1,
                    "{at}.shallow_runs[{s}].hidden: {:?} is not one hidden layer",
                    run.hidden
                );
            }
        }
        if let Some(c) = &self.costs {
            for (i, n) in c.nets.iter().enumerate() {
                ensure!(!n.hidden.is_empty() && !n.hidden.contains(&0), "costs.nets[{i}].hidden: {:?}", n.hidden);
            }
        }
        Ok(())
    }

    /// The document without provenance, as JSON: what must be identical across machines and threads.
    pub fn deterministic_json(&self) -> String {
        let mut v = serde_json::to_value(self).expect("results serialise");
        v.as_object_mut().unwrap().remove("provenance");
        v.as_object_mut().unwrap().remove("shard_provenance");
        v.as_object_mut().unwrap().remove("costs");
        serde_json::to_string_pretty(&v).unwrap()
    }
}

/// Hidden widths are non-empty and positive, and `params` is the parameter count of that shape.
fn check_net(at: &str, dim: usize, hidden: &[usize], params: usize) -> anyhow::Result<()> {
    ensure!(!hidden.is_empty() && !hidden.contains(&0), "{at}: {hidden:?} is not a list of widths ≥ 1");
    let want = Mlp::count_params(dim, hidden);
    ensure!(params == want, "{at}: a net of shape {hidden:?} has {want} parameters, the document says {params}");
    Ok(())
}

/// Weights are absent or exactly as many as the net of that shape has.
fn check_weights(at: &str, dim: usize, hidden: &[usize], weights: &[f64]) -> anyhow::Result<()> {
    ensure!(!hidden.is_empty() && !hidden.contains(&0), "{at}: for the invalid shape {hidden:?}");
    let want = Mlp::count_params(dim, hidden);
    ensure!(
        weights.is_empty() || weights.len() == want,
        "{at}: {} values for a net of shape {hidden:?} with {want} parameters",
        weights.len()
    );
    Ok(())
}
