//! Training: initialisation, Adam with a learning-rate schedule, and the fit loop.

mod adam;
mod eval;
mod fit;
mod init;

pub use adam::{Adam, Schedule};
pub use eval::{Evaluator, Metric, shallow_pwl};
pub use fit::{Outcome, RunReport, TrainConfig, fit};
pub use init::Init;
