//! ReLU networks: the multilayer perceptron, its exact constructions, and exact 1-D analysis.

pub mod construct;
pub mod fast;
mod mlp;
pub mod pieces;
mod pwl;
pub mod small;

pub use mlp::{Mlp, Workspace};
pub use pwl::{ExactErrors, Pwl};
