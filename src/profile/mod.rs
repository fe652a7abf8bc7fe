//! Depth profiles: the smallest net at each depth L = 1, 2, …, L_max for one target and tolerance,
//! in units and in parameters, with up to three numbers per depth (`depthsep profile`):
//!
//! - **lower bound** (certified, exact 1-D targets): the fewest pieces any function within the
//!   tolerance must have ([`crate::family::Target::fewest_pieces`]) against the most pieces a net of
//!   that depth can have ([`bound`]: ∏ (n_i + 1)); at L = 1 the shallow bracket's lower end, which
//!   may be sharper;
//! - **constructed**: explicit weights with exactly L hidden layers sized to the tolerance
//!   ([`crate::family::Target::construct_at_depth`]), their error computed exactly;
//! - **trained**: the smallest uniform width at depth L that training reaches: at L = 1 the suite's
//!   best-effort shallow search (today's m*, read from the results document), at L ≥ 2 each
//!   configured *generic* recipe with seeds, the same gallop-and-bisect search and pass rule (a width
//!   passes when any seed reaches the tolerance) as the width search ([`crate::search`]), capped at
//!   `w_max` (censored above it). It sees only data: nothing is placed from the target's kinks.
//!
//! The profile is stored in the results document (`depth_profiles`) and drawn by the report
//! (`depth.svg`, `depth.md`, a section of `headline.md`).

pub mod bound;
mod run;

pub use run::measure;

use crate::family::{TargetId, TargetSpec};
use crate::recipe::Recipe;
use crate::search::MStar;
use crate::train::{Metric, TrainSettings};
use crate::validate::{Invalid, check};
use serde::{Deserialize, Serialize};

/// The built-in profile configs.
pub const BUILTIN: [(&str, &str); 2] = [
    ("full", include_str!("../../suites/depth-full.toml")),
    ("landmarks", include_str!("../../suites/depth-landmarks.toml")),
];

/// Largest `l_max`.
pub const MAX_DEPTH: usize = 24;

/// What a depth profile measures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileConfig {
    /// Name (the default output folder).
    pub name: String,
    /// The one seed every training run's stream derives from.
    pub master_seed: u64,
    /// Error metric of the tolerances.
    pub metric: Metric,
    /// Tolerances, one profile per target and tolerance. A family matched at its deep reference's
    /// own error (x²) is profiled at that error instead, as the suite's searches are.
    pub floors: Vec<f64>,
    /// Deepest depth profiled; each target goes to min(`l_max`, its construction's depth, 24).
    /// Absent: every target to its construction's depth (capped at 24).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub l_max: Option<usize>,
    /// Target families and ranges, as in a suite.
    pub targets: Vec<TargetSpec>,
    /// The trained column at L ≥ 2 (absent: none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trained: Option<TrainedConfig>,
}

/// How the trained column is measured at L ≥ 2.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrainedConfig {
    /// Train only 1-D targets with at most this many pieces.
    pub max_pieces: usize,
    /// Train only these families (absent: every 1-D family of the targets; a family of d-input
    /// targets is trained only when named here).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub families: Option<Vec<String>>,
    /// Train only targets with at most this many inputs (absent: any).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_dim: Option<usize>,
    /// Generic recipes, each searched on its own.
    pub recipes: Vec<Recipe>,
    /// Seeds per width.
    pub seeds: u32,
    /// Largest uniform width tried.
    pub w_max: usize,
    /// Trainer settings.
    pub train: TrainSettings,
}

impl ProfileConfig {
    /// Parse and validate TOML.
    pub fn from_toml(text: &str) -> anyhow::Result<Self> {
        let cfg: ProfileConfig = toml::from_str(text).map_err(|e| anyhow::anyhow!("{e}"))?;
        cfg.validate()?;
        Ok(cfg)
    }

    /// Check every field once; errors name the field.
    pub fn validate(&self) -> Result<(), Invalid> {
        check(!self.name.trim().is_empty(), "", "name", &self.name, "a non-empty string")?;
        check(!self.floors.is_empty(), "", "floors", &self.floors, "a non-empty list")?;
        for f in &self.floors {
            check(f.is_finite() && *f > 0.0, "", "floors", f, "finite numbers > 0 (a size for a tolerance)")?;
        }
        if let Some(l) = self.l_max {
            check(
                (1..=MAX_DEPTH).contains(&l),
                "",
                "l_max",
                &l,
                "an integer in 1..=24, or absent for each construction's depth",
            )?;
        }
        check(!self.targets.is_empty(), "", "targets", &0, "at least one [[targets]] table")?;
        for (i, t) in self.targets.iter().enumerate() {
            t.validate().map_err(|e| e.under(&format!("targets[{i}]")))?;
            check(!matches!(t, TargetSpec::File(_)), &format!("targets[{i}]"), "family", &"file", "a built-in family")?;
        }
        if let Some(tr) = &self.trained {
            check(tr.max_pieces >= 1, "trained", "max_pieces", &tr.max_pieces, "an integer ≥ 1")?;
            check(!tr.recipes.is_empty(), "trained", "recipes", &tr.recipes, "a non-empty list of generic recipes")?;
            for r in &tr.recipes {
                check(
                    !r.structure_aware(),
                    "trained",
                    "recipes",
                    &r.name(),
                    "generic recipes: \"plain\", \"layerwise\" (a structure-aware recipe may only add a labelled second number)",
                )?;
            }
            if let Some(fams) = &tr.families {
                let mut present: Vec<&str> = Vec::new();
                for id in self.targets.iter().flat_map(|t| t.expand()) {
                    if !present.contains(&id.family()) {
                        present.push(id.family());
                    }
                }
                for f in fams {
                    check(
                        present.contains(&f.as_str()),
                        "trained",
                        "families",
                        f,
                        &format!("families among the targets: {}", present.join(", ")),
                    )?;
                }
            }
            check((1..=100).contains(&tr.seeds), "trained", "seeds", &tr.seeds, "an integer in 1..=100")?;
            check((1..=4096).contains(&tr.w_max), "trained", "w_max", &tr.w_max, "an integer in 1..=4096")?;
            tr.train.validate("trained.train")?;
            check(
                tr.train.optimizer.gradient().is_some(),
                "trained.train.optimizer",
                "kind",
                &tr.train.optimizer.name(),
                "\"adam\" or \"hybrid\" (deep nets train by gradient steps)",
            )?;
        }
        Ok(())
    }

    /// FNV-1a hash of the canonical JSON form.
    pub fn hash(&self) -> String {
        crate::rng::config_hash(self)
    }
}

/// A built-in profile config by name, or a TOML file.
pub fn load(name_or_path: &str) -> anyhow::Result<ProfileConfig> {
    use anyhow::Context;
    let text = match BUILTIN.iter().find(|(n, _)| *n == name_or_path) {
        Some((_, t)) => t.to_string(),
        None => std::fs::read_to_string(name_or_path).with_context(|| {
            let names: Vec<&'static str> = BUILTIN.iter().map(|(n, _)| *n).collect();
            format!(
                "profile config `{name_or_path}` is neither built in ({}) nor a readable TOML file",
                names.join(", ")
            )
        })?,
    };
    ProfileConfig::from_toml(&text).with_context(|| format!("profile config `{name_or_path}`"))
}

/// The measured depth profiles and the config that measured them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profiles {
    /// The config.
    pub config: ProfileConfig,
    /// Its hash.
    pub config_hash: String,
    /// One profile per target and tolerance, in config order.
    pub profiles: Vec<DepthProfile>,
}

/// One target's profile at one tolerance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DepthProfile {
    /// The target.
    pub target: TargetId,
    /// Its label.
    pub label: String,
    /// The tolerance.
    pub floor: f64,
    /// Whether the tolerance is the target's deep reference's own error (x²), not a config floor.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub own_tolerance: bool,
    /// The fewest pieces of any function within the tolerance, with the argument, where certified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fewest_pieces: Option<(u64, String)>,
    /// Depth 1, 2, …
    pub depths: Vec<DepthCell>,
}

/// The three numbers at one depth.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DepthCell {
    /// Hidden layers.
    pub depth: usize,
    /// Certified: no net of this depth with fewer units, or fewer parameters, reaches the tolerance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lower: Option<LowerAt>,
    /// Explicit weights of this depth that reach it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub constructed: Option<ConstructedAt>,
    /// Trained nets of this depth: the best-effort shallow search at L = 1, each recipe at L ≥ 2.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trained: Vec<TrainedAt>,
}

/// The certified lower bound at one depth.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LowerAt {
    /// Fewest hidden units.
    pub units: u64,
    /// Fewest parameters.
    pub params: u64,
    /// The argument.
    pub how: String,
}

/// The construction at one depth.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConstructedAt {
    /// Hidden widths.
    pub hidden: Vec<usize>,
    /// Parameters.
    pub params: u64,
    /// Its exact error in the config's metric.
    pub error: f64,
    /// How it was built.
    pub how: String,
    /// Its weights (flat, as [`crate::net::Mlp::params`]) when at most
    /// [`crate::suite::MAX_STORED_PARAMS`] parameters.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub weights: Vec<f64>,
}

/// The smallest trained width at one depth by one trainer or recipe.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrainedAt {
    /// Who trained: a shallow trainer's name at L = 1, a recipe's with its kind at L ≥ 2.
    pub by: String,
    /// The smallest (uniform) width reaching the tolerance, or censored.
    pub m_star: MStar,
    /// Parameters at m*.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub params: Option<u64>,
    /// Every width tried, with each seed's best error (`None`: not finite).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tried: Vec<WidthTry>,
}

/// One width of a trained search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WidthTry {
    /// The width.
    pub width: usize,
    /// Each seed's best error.
    pub errors: Vec<Option<f64>>,
    /// Whether some seed reached the tolerance.
    pub passed: bool,
}

impl DepthProfile {
    /// The tolerance as the reports group profiles by: the floor, or 0 for a family matched at its
    /// reference's own error (one panel for all its members).
    pub fn key(&self) -> f64 {
        if self.own_tolerance { 0.0 } else { self.floor }
    }
}

/// A tolerance key ([`DepthProfile::key`]) as text: `nMSE ≤ 0.1`, or `nMSE ≤ its reference's own error`.
pub fn tolerance_text(metric: &str, key: f64) -> String {
    if key == 0.0 { format!("{metric} ≤ its reference's own error") } else { format!("{metric} ≤ {key}") }
}

impl DepthCell {
    /// The fewest parameters any trained column reached at this depth, with who.
    pub fn best_trained(&self) -> Option<(u64, &str)> {
        self.trained.iter().filter_map(|t| t.params.map(|p| (p, t.by.as_str()))).min_by_key(|(p, _)| *p)
    }
}
