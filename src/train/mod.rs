//! Training: initialisation, Adam with a learning-rate schedule, and the fit loop.

mod adam;
mod eval;
mod fit;
mod init;
mod lsq;

pub use adam::{Adam, Schedule};
pub use eval::{Evaluator, Metric, shallow_pwl};
pub use fit::{Outcome, RunReport, TrainConfig, fit};
pub use init::Init;
pub use lsq::solve_output_layer;
