//! Suite configuration (TOML), validated once with errors that name the field and allowed values.
//!
//! ```toml
//! name = "quick"
//! master_seed = 1
//! metric = "nmse"                 # nmse | l1 | sup (sup: exact 1-D targets only)
//! # any train table may add dtype = "f32" (adam and hybrid train in single precision); f64 if absent
//! floors = [1e-1, 1e-2, 1e-3]     # tolerance ladder: τ = max(reference error, floor)
//! references = ["constructed", "trained"]
//!
//! [[targets]]                     # one table per family and parameter range (see family::TargetSpec)
//! family = "sawtooth"
//! k_min = 1
//! k_max = 8
//!
//! [deep]                          # the trained deep reference
//! width = 8
//! depth = "k"                     # "k": the depth of the family's construction; or a number
//! seeds = 3
//! train = { steps = 3000, eval_every = 100, data_per_piece = 8, data_min = 256, optimizer = { kind = "hybrid", lsq_every = 100, lr = 3e-3, schedule = { kind = "cosine", final_frac = 0.01 } } }
//!
//! [[shallow]]                     # one table per shallow trainer
//! seeds = 3
//! m_max = 1024
//! train = { steps = 2000, eval_every = 100, data_per_piece = 8, data_min = 256, optimizer = { kind = "adam", lr = 1e-2, schedule = { kind = "constant" } } }
//!
//! [[shallow]]
//! seeds = 3
//! m_max = 4096
//! train = { data_per_piece = 32, data_min = 256, optimizer = { kind = "freeknot" } }
//! ```

use crate::family::{Target, TargetSpec, family_info, family_names};
use crate::recipe::Recipe;
use crate::train::{Metric, TrainSettings, TrainerId};
use crate::validate::{Invalid, check};
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
    /// The shallow width searches, one per trainer (`[[shallow]]` tables; names unique).
    pub shallow: Vec<ShallowConfig>,
    /// Monte Carlo evaluation points for targets without a closed-form error (max of d inputs);
    /// absent = [`crate::train::SAMPLE_EVAL_POINTS`] (65 536).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eval_points: Option<usize>,
    /// The sufficiency check of the data rule (absent: none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sufficiency: Option<Sufficiency>,
}

/// The sufficiency check: every shallow trainer's searches of `targets` rerun on `factor` times the
/// training points ([`crate::train::data`]: sweeps whole, step trainers at every width their search
/// tried); a search whose seeds' median first width moves by more than their spread at either size,
/// or in which a seed reaches τ at one size only, is flagged ([`crate::suite`]'s sufficiency module).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sufficiency {
    /// Targets with d > 1 inputs of this suite, e.g. `{ family = "max", d = 4 }`.
    pub targets: Vec<crate::family::TargetId>,
    /// How many times the data (2..=8).
    #[serde(default = "two")]
    pub factor: u32,
}

fn two() -> u32 {
    2
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

/// Depth of the trained deep net.
///
/// `"k"` is the depth of the family's exact construction (one hidden layer per composition for the
/// sawtooth), so the trained and constructed deep nets have the same depth.
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
    /// Train the reference only for targets with at most this many linear pieces (absent: all);
    /// larger targets are searched against the constructed reference only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_pieces: Option<usize>,
    /// How the deep net is trained: plain | curriculum | layerwise (generic), triangle |
    /// triangle_curriculum (structure-aware; see [`crate::recipe`]); absent = plain.
    #[serde(default, skip_serializing_if = "Recipe::is_plain")]
    pub recipe: Recipe,
    /// Per-family exceptions to `recipe`, e.g. `{ takagi = "curriculum" }` (keys: family names).
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub recipe_by_family: std::collections::BTreeMap<String, Recipe>,
    /// Per-family exceptions to `width`, e.g. `{ max = 32 }` (keys: family names).
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub width_by_family: std::collections::BTreeMap<String, usize>,
    /// Training settings.
    pub train: TrainSettings,
}

impl DeepConfig {
    /// The recipe for targets of `family`.
    pub fn recipe_for(&self, family: &str) -> Recipe {
        self.recipe_by_family.get(family).copied().unwrap_or(self.recipe)
    }
    /// The hidden width for targets of `family`.
    pub fn width_for(&self, family: &str) -> usize {
        self.width_by_family.get(family).copied().unwrap_or(self.width)
    }
}

fn yes() -> bool {
    true
}

/// Settings of one shallow trainer's width searches.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShallowConfig {
    /// Seeds per width; a width succeeds when any seed reaches τ.
    pub seeds: u32,
    /// Largest width tried; beyond it the result is censored.
    pub m_max: usize,
    /// Largest width tried on targets with d > 1 inputs, whose training sets grow with the net
    /// ([`crate::train::data`]); absent = `m_max`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub m_max_sampled: Option<usize>,
    /// Start each search at the certified lower bound (narrower widths cannot succeed).
    #[serde(default = "yes")]
    pub prune_with_theory: bool,
    /// Search only targets with at most this many linear pieces (absent: every target); larger
    /// targets are left out for this trainer and say so in the tables.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_pieces: Option<usize>,
    /// Training settings.
    pub train: TrainSettings,
}

/// A configuration that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// TOML syntax or a field of the wrong type, unknown field or unknown value.
    #[error("config {origin}: {message}")]
    Parse { origin: String, message: String },
    /// A field with a value outside its allowed range.
    #[error(transparent)]
    Invalid(#[from] Invalid),
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
        if let Some(n) = self.eval_points {
            check(
                (100..=MAX_EVAL_POINTS).contains(&n),
                "",
                "eval_points",
                &n,
                "an integer in 100..=4194304, or absent for 65536",
            )?;
        }
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
            t.validate().map_err(|e| e.under(&format!("targets[{i}]")))?;
            if let TargetSpec::File(f) = t {
                check(
                    f.net.is_some() || !self.references.contains(&ReferenceKind::Constructed),
                    "",
                    "references",
                    &self.references,
                    &format!("[\"trained\"]: targets[{i}] has no `net`, so there is no constructed deep net to match"),
                )?;
            }
            // A sample's maximum only bounds the sup error from below: sup needs exact errors.
            let family = t.expand().first().map_or("", |id| id.family());
            check(
                self.metric != Metric::Sup || !t.is_many_input(),
                "",
                "metric",
                &"sup",
                &format!("\"nmse\" or \"l1\" with family \"{family}\" (sampled errors; sup needs an exact 1-D target)"),
            )?;
        }
        check(
            (1..=MAX_WIDTH).contains(&self.deep.width),
            "deep",
            "width",
            &self.deep.width,
            "an integer in 1..=65536",
        )?;
        if let Depth::Fixed(d) = self.deep.depth {
            check((1..=MAX_DEPTH).contains(&d), "deep", "depth", &d, "\"k\" or an integer in 1..=1024")?;
        }
        check((1..=MAX_SEEDS).contains(&self.deep.seeds), "deep", "seeds", &self.deep.seeds, "an integer in 1..=1000")?;
        check(
            self.deep.max_pieces.is_none_or(|p| p >= 1),
            "deep",
            "max_pieces",
            &self.deep.max_pieces,
            "an integer ≥ 1 or absent",
        )?;
        for (family, w) in &self.deep.width_by_family {
            check(family_info(family).is_some(), "deep.width_by_family", family, family, &family_names())?;
            check((1..=MAX_WIDTH).contains(w), "deep.width_by_family", family, w, "an integer in 1..=65536")?;
        }
        for family in self.deep.recipe_by_family.keys() {
            check(family_info(family).is_some(), "deep.recipe_by_family", family, family, &family_names())?;
        }
        self.deep.train.validate("deep.train")?;
        check(
            self.deep.train.optimizer.gradient().is_some(),
            "deep.train.optimizer",
            "kind",
            &self.deep.train.optimizer.name(),
            &format!("a gradient trainer: {}", TrainerId::names_where(|t| t.gradient)),
        )?;
        if let Some(suf) = &self.sufficiency {
            check((2..=8).contains(&suf.factor), "sufficiency", "factor", &suf.factor, "an integer in 2..=8")?;
            for t in &suf.targets {
                let ok = self.targets.iter().any(|spec| spec.is_many_input() && spec.expand().contains(t));
                check(ok, "sufficiency", "targets", &t.to_string(), "targets of this suite with d > 1 inputs")?;
            }
        }
        check(!self.shallow.is_empty(), "", "shallow", &0, "at least one [[shallow]] table")?;
        for (i, sh) in self.shallow.iter().enumerate() {
            let at = format!("shallow[{i}]");
            check((1..=MAX_SEEDS).contains(&sh.seeds), &at, "seeds", &sh.seeds, "an integer in 1..=1000")?;
            check((1..=MAX_WIDTH).contains(&sh.m_max), &at, "m_max", &sh.m_max, "an integer in 1..=65536")?;
            let ms = sh.m_max_sampled;
            let ok = ms.is_none_or(|m| (1..=MAX_WIDTH).contains(&m));
            check(ok, &at, "m_max_sampled", &ms, "an integer in 1..=65536, or absent for m_max")?;
            let many = self.targets.iter().any(|t| t.is_many_input());
            let one = self.targets.iter().any(|t| !t.is_many_input());
            let opt = &sh.train.optimizer;
            check(
                (one && opt.fits_dim(1)) || (many && opt.fits_dim(2)),
                &format!("{at}.train.optimizer"),
                "kind",
                &opt.name(),
                &if many && !one {
                    format!(
                        "a trainer that fits targets with d > 1 inputs: {} (\"{}\" fits {})",
                        TrainerId::names_where(|t| t.dims.fits(2)),
                        opt.name(),
                        opt.kind().info().dims.describe()
                    )
                } else {
                    format!(
                        "a trainer that fits 1-D targets: {} (\"{}\" fits {})",
                        TrainerId::names_where(|t| t.dims.fits(1)),
                        opt.name(),
                        opt.kind().info().dims.describe()
                    )
                },
            )?;
            check(sh.max_pieces.is_none_or(|p| p >= 1), &at, "max_pieces", &sh.max_pieces, "an integer ≥ 1 or absent")?;
            sh.train.validate(&format!("{at}.train"))?;
            let name = sh.train.optimizer.name();
            let dup = self.shallow[..i].iter().any(|o| o.train.optimizer.name() == name);
            check(!dup, &format!("{at}.train.optimizer"), "kind", &name, "one [[shallow]] table per trainer")?;
        }
        Ok(())
    }

    /// FNV-1a hash of the canonical JSON form, as 16 hex digits.
    pub fn hash(&self) -> String {
        crate::rng::config_hash(self)
    }

    /// The evaluator of `target` under the suite's metric (and Monte Carlo sample size).
    pub fn evaluator<'a>(&self, target: &'a dyn Target) -> crate::train::Evaluator<'a> {
        let n = self.eval_points.unwrap_or(crate::train::SAMPLE_EVAL_POINTS);
        crate::train::Evaluator::with_points(target, self.metric, n)
    }

    /// The `[[shallow]]` table of the trainer named `name`.
    pub fn shallow_trainer(&self, name: &str) -> Option<&ShallowConfig> {
        self.shallow.iter().find(|s| s.train.optimizer.name() == name)
    }

    /// The reference kinds used for `target` (a trained reference only up to `deep.max_pieces`).
    pub fn references_for(&self, target: &dyn Target) -> Vec<ReferenceKind> {
        let trained = self.deep.max_pieces.is_none_or(|p| target.pieces() <= p);
        self.references.iter().copied().filter(|&k| k != ReferenceKind::Trained || trained).collect()
    }

    /// The tolerance floors of `target`'s searches: the suite's, or `[0]` (τ = the reference's own
    /// error) for a family that separates by accuracy ([`Target::own_tolerance`]).
    pub fn floors_for(&self, target: &dyn Target) -> Vec<f64> {
        if target.own_tolerance() { vec![0.0] } else { self.floors.clone() }
    }

    /// Whether shallow trainer `i` searches `target`: `freeknot` fits 1-D targets only and `greedy`
    /// targets with d > 1 inputs only ([`crate::train::Optimizer::fits_dim`]); `max_pieces` caps the rest.
    pub fn searches(&self, i: usize, target: &dyn Target) -> bool {
        let fits = self.shallow[i].train.optimizer.fits_dim(target.dim());
        fits && self.shallow[i].max_pieces.is_none_or(|p| target.pieces() <= p)
    }

    /// The largest width shallow trainer `i` tries on `target`.
    pub fn m_max(&self, i: usize, target: &dyn Target) -> usize {
        let sh = &self.shallow[i];
        if target.dim() > 1 { sh.m_max_sampled.unwrap_or(sh.m_max) } else { sh.m_max }
    }

    /// Hidden widths of the trained deep reference for `target`.
    pub fn deep_hidden(&self, target: &dyn Target) -> Vec<usize> {
        let depth = match self.deep.depth {
            Depth::PerK(PerK::K) => target.natural_depth(),
            Depth::Fixed(d) => d,
        };
        vec![self.deep.width_for(target.id().family()); depth]
    }
}

/// Largest `eval_points` (2^22: 2 GiB of inputs at d = 64).
pub const MAX_EVAL_POINTS: usize = 1 << 22;
/// Largest hidden width anywhere (deep `width`, shallow `m_max`).
pub const MAX_WIDTH: usize = 1 << 16;
/// Largest fixed deep `depth`.
pub const MAX_DEPTH: usize = 1024;
/// Most seeds of one reference or search.
pub const MAX_SEEDS: u32 = 1000;

/// The built-in suites' names.
pub const BUILTIN_NAMES: [&str; 9] =
    ["quick", "full", "tiny", "families", "sup", "landmarks", "landmarks-xl", "compositional", "product"];

/// The built-in name closest to a mistyped `name` (at most two edits away), if any.
pub fn suggest(name: &str, names: &[&'static str]) -> Option<&'static str> {
    names.iter().copied().map(|n| (strsim::levenshtein(name, n), n)).filter(|(d, _)| *d <= 2).min().map(|(_, n)| n)
}

/// The suites embedded in the binary.
pub fn builtin(name: &str) -> Option<&'static str> {
    match name {
        "quick" => Some(include_str!("../suites/quick.toml")),
        "full" => Some(include_str!("../suites/full.toml")),
        "tiny" => Some(include_str!("../suites/tiny.toml")),
        "families" => Some(include_str!("../suites/families.toml")),
        "sup" => Some(include_str!("../suites/sup.toml")),
        "landmarks" => Some(include_str!("../suites/landmarks.toml")),
        "landmarks-xl" => Some(include_str!("../suites/landmarks-xl.toml")),
        "compositional" => Some(include_str!("../suites/compositional.toml")),
        "product" => Some(include_str!("../suites/product.toml")),
        _ => None,
    }
}
