//! Suite configuration (TOML), validated once with errors that name the field and allowed values.
//!
//! ```toml
//! name = "quick"
//! master_seed = 1
//! metric = "nmse"                 # nmse | l1
//! floors = [1e-1, 1e-2, 1e-3]     # tolerance ladder: τ = max(reference error, floor)
//! references = ["constructed", "trained"]
//!
//! [[targets]]
//! family = "sawtooth"
//! k_min = 1
//! k_max = 8
//!
//! [deep]                          # the trained deep reference
//! width = 2
//! depth = "k"                     # "k" (one hidden layer per composition) or a number
//! seeds = 3
//! train = { lr = 1e-2, schedule = { kind = "cosine", final_frac = 0.01 }, steps = 4000, eval_every = 100, data_per_piece = 16, data_min = 256 }
//!
//! [shallow]
//! seeds = 3
//! m_max = 1024
//! train = { lr = 1e-2, schedule = { kind = "constant" }, steps = 4000, eval_every = 100, data_per_piece = 16, data_min = 256 }
//! ```

use crate::train::{Init, Metric, Schedule, TrainConfig};
use serde::{Deserialize, Serialize};

/// A whole suite.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SuiteConfig {
    /// Suite name (used for the default output folder).
    pub name: String,
    /// The one master seed every run's stream derives from.
    pub master_seed: u64,
    /// Error metric of the tolerance.
    #[serde(default)]
    pub metric: Metric,
    /// Tolerance floors, one search per floor and reference.
    pub floors: Vec<f64>,
    /// Which deep references to search against.
    pub references: Vec<ReferenceKind>,
    /// Target families and parameter ranges.
    pub targets: Vec<TargetSpec>,
    /// The trained deep reference.
    pub deep: DeepConfig,
    /// The shallow width search.
    pub shallow: ShallowConfig,
}

/// Kind of deep reference net.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferenceKind {
    /// The exact construction of the theory.
    Constructed,
    /// Trained from random initialisation, best of `deep.seeds`.
    Trained,
}

/// A family and its parameter range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "family", rename_all = "snake_case", deny_unknown_fields)]
pub enum TargetSpec {
    /// Δ^k for k_min ≤ k ≤ k_max.
    Sawtooth {
        /// Smallest k (≥ 1).
        k_min: u32,
        /// Largest k (≤ 30, and ≤ 24 for exact errors).
        k_max: u32,
    },
}

/// Depth of the trained deep net.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Depth {
    /// The string "k": as many hidden layers as compositions.
    PerK(PerK),
    /// A fixed number of hidden layers.
    Fixed(usize),
}

/// The literal `"k"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PerK {
    /// Depth = k.
    #[serde(rename = "k")]
    K,
}

/// Settings of the trained deep reference.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeepConfig {
    /// Width of every hidden layer.
    pub width: usize,
    /// Number of hidden layers.
    pub depth: Depth,
    /// Seeds; the reference error is the best seed's.
    pub seeds: u32,
    /// Training settings.
    pub train: TrainSettings,
}

fn yes() -> bool {
    true
}

/// Settings of the shallow search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShallowConfig {
    /// Seeds per width; a width succeeds when any seed reaches τ.
    pub seeds: u32,
    /// Largest width tried; beyond it the result is censored.
    pub m_max: usize,
    /// Start each search at the certified lower bound (narrower widths cannot succeed).
    #[serde(default = "yes")]
    pub prune_with_theory: bool,
    /// Training settings.
    pub train: TrainSettings,
}

/// Training settings; the data size grows with the number of pieces of the target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrainSettings {
    /// Initialisation recipe: breakpoint | torch | he.
    #[serde(default)]
    pub init: Init,
    /// Base learning rate (finite, > 0).
    pub lr: f64,
    /// Learning-rate schedule.
    pub schedule: Schedule,
    /// Step budget (≥ 1).
    pub steps: usize,
    /// Evaluate every this many steps (≥ 1).
    pub eval_every: usize,
    /// Minibatch size (≥ 1); absent = full batch.
    #[serde(default)]
    pub batch: Option<usize>,
    /// Training points per linear piece of the target: N = max(data_min, data_per_piece · 2^k).
    pub data_per_piece: usize,
    /// Minimum number of training points.
    pub data_min: usize,
    /// Hybrid least squares/Adam: re-solve the output layer by least squares every this many steps
    /// (see `train::fit`); absent = plain Adam.
    #[serde(default)]
    pub lsq_every: Option<usize>,
}

impl TrainSettings {
    /// The trainer's configuration for a target with `pieces` linear pieces.
    pub fn for_pieces(&self, pieces: usize) -> TrainConfig {
        TrainConfig {
            init: self.init,
            lr: self.lr,
            schedule: self.schedule,
            steps: self.steps,
            batch: self.batch,
            data_n: self.data_min.max(self.data_per_piece.saturating_mul(pieces)),
            eval_every: self.eval_every,
            lsq_every: self.lsq_every,
        }
    }

    fn validate(&self, at: &str) -> Result<(), ConfigError> {
        check(self.lr.is_finite() && self.lr > 0.0, at, "lr", &self.lr, "a finite number > 0")?;
        check(self.steps >= 1, at, "steps", &self.steps, "an integer ≥ 1")?;
        check(self.eval_every >= 1, at, "eval_every", &self.eval_every, "an integer ≥ 1")?;
        check(
            self.batch.is_none_or(|b| b >= 1),
            at,
            "batch",
            &self.batch.unwrap_or(0),
            "an integer ≥ 1, or absent for full batch",
        )?;
        check(self.data_per_piece >= 1, at, "data_per_piece", &self.data_per_piece, "an integer ≥ 1")?;
        check(
            self.lsq_every.is_none_or(|n| n >= 1),
            at,
            "lsq_every",
            &self.lsq_every.unwrap_or(0),
            "an integer ≥ 1, or absent for plain Adam",
        )?;
        check(self.data_min >= 1, at, "data_min", &self.data_min, "an integer ≥ 1")?;
        if let Schedule::Cosine { final_frac } = self.schedule {
            check((0.0..=1.0).contains(&final_frac), at, "schedule.final_frac", &final_frac, "a number in [0, 1]")?;
        }
        Ok(())
    }
}

/// A configuration that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// TOML syntax or a field of the wrong type, unknown field or unknown value.
    #[error("config {origin}: {message}")]
    Parse { origin: String, message: String },
    /// A field with a value outside its allowed range.
    #[error("config field `{field}` = {value} is invalid: allowed {allowed}")]
    Invalid { field: String, value: String, allowed: String },
}

fn check(ok: bool, at: &str, field: &str, value: &dyn std::fmt::Debug, allowed: &str) -> Result<(), ConfigError> {
    if ok {
        return Ok(());
    }
    let field = if at.is_empty() { field.to_string() } else { format!("{at}.{field}") };
    Err(ConfigError::Invalid { field, value: format!("{value:?}"), allowed: allowed.to_string() })
}

impl SuiteConfig {
    /// Parse and validate TOML; `origin` names the source in errors.
    pub fn from_toml(text: &str, origin: &str) -> Result<Self, ConfigError> {
        let cfg: SuiteConfig = toml::from_str(text)
            .map_err(|e| ConfigError::Parse { origin: origin.to_string(), message: e.to_string() })?;
        cfg.validate()?;
        Ok(cfg)
    }

    /// Check every field once; after this the config is trusted.
    pub fn validate(&self) -> Result<(), ConfigError> {
        check(!self.name.trim().is_empty(), "", "name", &self.name, "a non-empty string")?;
        check(!self.floors.is_empty(), "", "floors", &self.floors, "a non-empty list")?;
        for f in &self.floors {
            check(f.is_finite() && *f >= 0.0, "", "floors", f, "finite numbers ≥ 0")?;
        }
        check(
            !self.references.is_empty(),
            "",
            "references",
            &self.references,
            "a non-empty list of \"constructed\", \"trained\"",
        )?;
        check(!self.targets.is_empty(), "", "targets", &self.targets.len(), "at least one [[targets]] table")?;
        for (i, t) in self.targets.iter().enumerate() {
            let TargetSpec::Sawtooth { k_min, k_max } = *t;
            let at = format!("targets[{i}]");
            check((1..=24).contains(&k_min), &at, "k_min", &k_min, "1..=24 (exact errors need 2^k + 1 knots)")?;
            check((1..=24).contains(&k_max), &at, "k_max", &k_max, "1..=24 (exact errors need 2^k + 1 knots)")?;
            check(k_min <= k_max, &at, "k_max", &k_max, "k_max ≥ k_min (the range is empty)")?;
        }
        check(self.deep.width >= 1, "deep", "width", &self.deep.width, "an integer ≥ 1")?;
        check(!matches!(self.deep.depth, Depth::Fixed(0)), "deep", "depth", &0, "\"k\" or an integer ≥ 1")?;
        check(self.deep.seeds >= 1, "deep", "seeds", &self.deep.seeds, "an integer ≥ 1")?;
        self.deep.train.validate("deep.train")?;
        check(self.shallow.seeds >= 1, "shallow", "seeds", &self.shallow.seeds, "an integer ≥ 1")?;
        check(self.shallow.m_max >= 1, "shallow", "m_max", &self.shallow.m_max, "an integer ≥ 1")?;
        self.shallow.train.validate("shallow.train")
    }

    /// FNV-1a hash of the canonical JSON form, as 16 hex digits.
    pub fn hash(&self) -> String {
        let json = serde_json::to_string(self).expect("config serialises");
        format!("{:016x}", crate::rng::fnv1a64(json.as_bytes()))
    }

    /// Hidden widths of the trained deep reference for Δ^k.
    pub fn deep_hidden(&self, k: u32) -> Vec<usize> {
        let depth = match self.deep.depth {
            Depth::PerK(PerK::K) => k as usize,
            Depth::Fixed(d) => d,
        };
        vec![self.deep.width; depth]
    }
}

/// The suites embedded in the binary.
pub fn builtin(name: &str) -> Option<&'static str> {
    match name {
        "quick" => Some(include_str!("../../suites/quick.toml")),
        "full" => Some(include_str!("../../suites/full.toml")),
        "tiny" => Some(include_str!("../../suites/tiny.toml")),
        _ => None,
    }
}
