//! ReLU networks: the multilayer perceptron, its kernels, residuals and Jacobian, and exact 1-D
//! analysis.

pub mod blocked;
pub mod carried;
mod jacobian;
pub mod layered;
mod mlp;
pub mod narrow;
pub mod pieces;
mod pwl;
pub mod quadratic;
pub mod real;
pub mod shallow1d;
pub mod shallowd;
pub mod torch;

pub use layered::{Kernel, Workspace};
pub use mlp::Mlp;
pub use pwl::{ExactErrors, Pwl};
