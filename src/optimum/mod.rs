//! The best possible width, certified: exact optima and explicit weights that bound the minimal
//! one-hidden-layer width from above, with proofs that bound it from below.
//!
//! - [`tube`]: the fewest kinks of a continuous piecewise-linear function within ε of a
//!   piecewise-linear target in the sup norm (minimal-link path, Imai & Iri 1986);
//! - [`units`]: from a piecewise-linear function to ReLU weights, and how many units it needs;
//! - [`sup`]: the certified bracket on the minimal width for the sup norm;
//! - [`exact`]: K or K + 1 decided: the exact sup-norm width with its proof or weights;
//! - [`blocks`]: the cells charged jointly, a block of cells at a time (tighter in L2 and L1);
//! - [`chain`]: the sawtooth's cells charged in one chain linked by g's value and slope at every
//!   cut (tighter still in L2 where many kinks are missing);
//! - [`chain_l1`]: the same chain in L1, each piece's cost bounded by duality;
//! - [`chain_units`]: the same chain at width 2^k − 1 under the condition that 2^k − 1 units carry
//!   2^k − 1 kinks (the slopes must move by one tent slope in all; a Lagrangian, k ≤ 4);
//! - [`minplus`]: min over j of a_j + b_j, the chains' inner step, vectorised (same bits);
//! - [`polygon`]: the least value of a convex quadratic over a polygon (the chains' piece costs);
//! - [`cells`]: the certified bracket in nMSE and L1 for every piecewise-linear target: kink-free
//!   cells below, the costliest kinks kept and refitted above;
//! - [`project`]: exact L2 projection onto continuous piecewise-linear functions with given knots
//!   (the refits behind the optimised L2 certificates).
//!
//! Everything here may use the target's exact form: these are certificates, never trained widths.

pub mod blocks;
pub mod cells;
pub mod chain;
pub mod chain_l1;
pub mod chain_units;
pub mod counted;
pub mod exact;
pub mod joined;
pub mod minplus;
pub mod polygon;
pub mod project;
pub mod sup;
pub mod tube;
pub mod units;

use serde::{Deserialize, Serialize};

/// The theory's bracket on the minimal shallow width that can reach an error ε.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bracket {
    /// Certified: every narrower shallow net has error > ε.
    pub lower: u64,
    /// Constructive: explicit weights of this width reach ε.
    pub upper: u64,
}

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
