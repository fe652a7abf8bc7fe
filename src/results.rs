//! The results document: the schema *is* these structs. JSON is the contract; reports are redrawn
//! from it alone.
//!
//! Everything except `provenance` is a deterministic function of the config: byte-identical across
//! thread counts, run order and interrupted-then-resumed runs.

use crate::net::ExactErrors;
use crate::search::MStar;
use crate::suite::{ReferenceKind, SuiteConfig};
use crate::theory::Bracket;
use crate::train::Outcome;
use serde::{Deserialize, Serialize};

/// Current schema version; readers reject newer documents.
pub const SCHEMA_VERSION: u32 = 1;

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
    /// Linear pieces of the best checkpoint on [0,1].
    pub pieces: Option<usize>,
    /// Steps taken.
    pub steps: usize,
    /// How the run ended.
    pub outcome: Outcome,
    /// Best error within 5% of the best constant predictor's.
    pub collapsed: bool,
}

/// All results for one target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetResult {
    /// Target identity, e.g. "sawtooth k=5".
    pub target: String,
    /// Family name.
    pub family: String,
    /// Family parameter k.
    pub k: u32,
    /// Linear pieces of the target on [0,1].
    pub pieces: usize,
    /// Training points used for every run on this target (shallow runs).
    pub data_n: usize,
    /// The tolerance at which every shallow run stopped early: min τ over all searches.
    pub stop_tolerance: f64,
    /// The deep references and their searches.
    pub references: Vec<ReferenceResult>,
    /// Every shallow run (the evidence of all searches), sorted by width then seed.
    pub shallow_runs: Vec<RunSummary>,
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
}

/// The minimal shallow width that matches a reference at one tolerance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchResult {
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
    /// The reference itself is no better than the best constant (its best seed collapsed), so τ is
    /// near the constant's error and m* measures noise more than depth: do not cite it as a separation.
    #[serde(default)]
    pub reference_collapsed: bool,
    /// Parameters of the matched shallow net.
    pub shallow_params: Option<usize>,
    /// FLOPs per forward pass per point of the matched shallow net (5m + 1 for width m).
    pub shallow_flops: Option<u64>,
    /// shallow params / reference params.
    pub param_ratio: Option<f64>,
    /// Weights of the best seed at m*.
    pub matched_weights: Vec<f64>,
}

impl Results {
    /// Read and check a results document: clear errors for missing, truncated, foreign or newer files.
    pub fn read(path: &std::path::Path) -> anyhow::Result<Self> {
        use anyhow::Context;
        let text =
            std::fs::read_to_string(path).with_context(|| format!("cannot read results file {}", path.display()))?;
        let v: serde_json::Value = serde_json::from_str(&text)
            .with_context(|| format!("{} is not valid JSON (truncated or corrupt?)", path.display()))?;
        let version = v
            .get("schema_version")
            .and_then(|s| s.as_u64())
            .with_context(|| format!("{} is not a depthsep results document (no schema_version)", path.display()))?;
        anyhow::ensure!(
            version <= SCHEMA_VERSION as u64,
            "{} has schema_version {version}, newer than this depthsep understands ({SCHEMA_VERSION}): upgrade depthsep",
            path.display()
        );
        serde_json::from_value(v).with_context(|| format!("{} does not match the results schema", path.display()))
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
