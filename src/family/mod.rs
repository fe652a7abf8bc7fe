//! Target families: the seam between what is measured and how.
//!
//! A *target* is one member of a family (e.g. the sawtooth Δ^k with k = 5): a function on
//! `\[0,1\]^d` together with everything the suite needs to know about it: its identity and
//! parameters ([`TargetId`]), how to evaluate it, its exact 1-D piecewise-linear form when it has
//! one (so errors are computed in closed form, see [`crate::net::Pwl`]) or none ("sampled only"),
//! the exact deep net that computes it and that net's known error, the theory's bracket on the
//! minimal shallow width when one exists, and the expected cost of its runs (to balance shards).
//!
//! Suites, searches, results, shards, tables and figures use only the [`Target`] trait and the
//! registry ([`TargetId`], [`TargetSpec`]); each family lives in its own folder with its
//! construction and its theory. Adding a family: see `docs/ARCHITECTURE.md`.

pub mod ball;
pub mod compositional;
pub mod file;
pub mod golden;
mod info;
pub mod iterate;
pub mod levels;
pub mod maxd;
pub mod product;
pub mod radial;
mod registry;
pub mod sawtooth;
pub mod square;
pub mod takagi;

pub use info::{FamilyInfo, Math};
pub use registry::{FAMILIES, TargetId, TargetSpec, family_info, family_names};

use crate::net::{ExactErrors, Mlp, Pwl};
pub use crate::optimum::{Bracket, Certified};
use crate::train::Metric;
pub use crate::train::Objective;

/// A function on `\[0,1\]^dim` to be approximated, with what the theory knows about it: the
/// [`Objective`] training sees, plus its identity, construction and bounds. Its identity fixes the
/// objective's label: implement [`Objective::label`] as `self.id().to_string()`.
pub trait Target: Objective {
    /// Typed identity: family and parameters.
    fn id(&self) -> TargetId;
    /// Whether searches match the reference's own error (τ = reference error, the suite's floors
    /// unused): for families whose separation is in the accuracy, not in a parameter of the target.
    fn own_tolerance(&self) -> bool {
        false
    }
    /// The exact deep construction and its known error against the target.
    fn construct_deep(&self) -> anyhow::Result<Constructed>;
    /// Hidden layers of the construction: what a trained deep reference with `depth = "k"` uses.
    fn natural_depth(&self) -> usize;
    /// Bracket [certified lower, constructive upper] on the minimal one-hidden-layer width that can
    /// reach error `eps` in `metric`, with how each end was obtained, when the theory gives one.
    /// By default, for any 1-D piecewise-linear target: in sup the exact minimal-link bracket
    /// ([`crate::optimum::sup`]), in nMSE and L1 the kink-free-cell lower end and the refitted
    /// upper end ([`crate::optimum::cells`]); otherwise none: a family states one only with a proof
    /// or explicit weights.
    fn certify(&self, eps: f64, metric: Metric) -> Option<Certified> {
        if self.dim() != 1 {
            return None;
        }
        let f = self.pwl()?;
        match metric {
            Metric::Sup => crate::optimum::sup::certify_pwl(&f, eps).ok().map(|(c, _)| c),
            Metric::Nmse => crate::optimum::cells::certify_pwl(&f, eps, metric, self.variance()).ok().map(|(c, _)| c),
            Metric::L1 => crate::optimum::cells::certify_pwl(&f, eps, metric, 1.0).ok().map(|(c, _)| c),
        }
    }
    /// The bracket of [`Target::certify`].
    fn bracket(&self, eps: f64, metric: Metric) -> Option<Bracket> {
        self.certify(eps, metric).map(|c| c.bracket)
    }
    /// The `side` bound on the best error of a width-m one-hidden-layer net, when known.
    fn error_bound(&self, side: Bound, m: u64, metric: Metric) -> Option<f64> {
        let _ = (side, m, metric);
        None
    }
    /// Expected relative cost of the target's runs (balances shards; any positive scale).
    /// The default, pieces², fits every family so far: widths and training data both grow like the
    /// pieces.
    fn expected_cost(&self) -> f64 {
        (self.pieces() as f64).powi(2)
    }
    /// What each hidden layer of the construction computes, as exact functions of x on \[0,1\]
    /// (label, function), for the layer figure; empty when the family has no such reading.
    fn layer_functions(&self) -> anyhow::Result<Vec<(String, Pwl)>> {
        Ok(vec![])
    }
    /// The fewest pieces on \[0,1\] of any continuous piecewise-linear function within `eps` of the
    /// target in `metric`, with the argument: the certified input of a depth profile's lower bound
    /// ([`crate::profile::bound`]). By default, for any 1-D piecewise-linear target: in sup the
    /// minimal-link path ([`crate::optimum::tube::min_link`]), in nMSE and L1 the kink-free cells
    /// ([`crate::optimum::cells`]), plus one; otherwise none: a family states one only with a proof.
    fn fewest_pieces(&self, eps: f64, metric: Metric) -> Option<(u64, String)> {
        if self.dim() != 1 {
            return None;
        }
        let f = self.pwl()?;
        let cells = |scale: f64| {
            let p = crate::optimum::cells::fewest_pieces(&f, eps, metric, scale).ok()?;
            Some((p, "kink-free cells of the target (L2/L1)".to_string()))
        };
        match metric {
            Metric::Sup => {
                let link = crate::optimum::tube::min_link(&f, eps).ok()?;
                Some((link.kinks as u64 + 1, "minimal-link path (sup)".into()))
            }
            Metric::Nmse => cells(self.variance()),
            Metric::L1 => cells(1.0),
        }
    }
    /// Explicit weights with exactly `depth` hidden layers whose error in `metric` is at most
    /// `eps`, sized to that tolerance (not to round-off), with how they were built; `None` where
    /// the family has no such construction at this depth.
    fn construct_at_depth(&self, depth: usize, eps: f64, metric: Metric) -> Option<anyhow::Result<(Mlp, String)>> {
        let _ = (depth, eps, metric);
        None
    }
    /// An exact one-hidden-layer net, when one is known (for the constructions table).
    fn exact_shallow(&self) -> Option<anyhow::Result<Mlp>> {
        None
    }
}

/// An exact deep construction and the error the theory says it has.
#[derive(Debug, Clone)]
pub struct Constructed {
    /// The weights.
    pub net: Mlp,
    /// Its known error against the target (all zero for an exact construction).
    pub claimed: ExactErrors,
}

impl Constructed {
    /// An exact construction: its claimed error is zero in every norm.
    pub fn exact(net: Mlp) -> Self {
        Self { net, claimed: ExactErrors { l1: 0.0, mse: 0.0, sup: 0.0 } }
    }
}

/// Which side of a bracket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    /// Certified: no width-m shallow net does better.
    Lower,
    /// Constructive: explicit width-m weights reach it.
    Upper,
}

/// A target that cannot be built from the given parameters.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum TargetError {
    /// A parameter is outside its allowed range.
    #[error("target `{family}`: parameter `{param}` = {value} is out of range (allowed: {allowed})")]
    OutOfRange { family: &'static str, param: &'static str, value: String, allowed: &'static str },
    /// A file target whose files this process has not read (or whose files changed since).
    #[error(
        "target `file {fingerprint:08x}`: no file read in this run has this fingerprint (were its files changed or moved since the results were written?)"
    )]
    NotLoaded { fingerprint: u32 },
}
