//! The best possible width, certified: exact optima and explicit weights that bound the minimal
//! one-hidden-layer width from above, with proofs that bound it from below.
//!
//! - [`tube`]: the fewest kinks of a continuous piecewise-linear function within ε of a
//!   piecewise-linear target in the sup norm (minimal-link path, Imai & Iri 1986);
//! - [`units`]: from a piecewise-linear function to ReLU weights, and how many units it needs;
//! - [`sup`]: the certified bracket on the minimal width for the sup norm;
//! - [`project`]: exact L2 projection onto continuous piecewise-linear functions with given knots
//!   (the refits behind the optimised L2 certificates).
//!
//! Everything here may use the target's exact form: these are certificates, never trained widths.

pub mod project;
pub mod sup;
pub mod tube;
pub mod units;

use crate::family::Bracket;
use serde::{Deserialize, Serialize};

/// A certified bracket on the minimal width and how each end was obtained.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Certified {
    /// [certified lower, constructive upper].
    pub bracket: Bracket,
    /// The argument behind the lower end.
    pub lower_how: String,
    /// The weights behind the upper end.
    pub upper_how: String,
}
