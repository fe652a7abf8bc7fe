//! ReLU networks: the multilayer perceptron, its kernels, residuals and Jacobian, and exact 1-D
//! analysis.

mod jacobian;
mod mlp;
pub mod narrow;
pub mod pieces;
mod pwl;
pub mod quadratic;
pub mod shallow1d;

pub use mlp::{Kernel, Mlp, Workspace};
pub use pwl::{ExactErrors, Pwl};
