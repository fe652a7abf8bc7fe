//! Training: settings, initialisation, the trainers (one file each) and the fit loop they share.
//!
//! A trainer is chosen by the config's tagged `optimizer` ([`Optimizer`]): `adam` ([`adam`]) is the
//! plain step a PyTorch script takes; `sgd` ([`sgd`]) is SGD with momentum; `hybrid` ([`hybrid`])
//! adds least-squares output solves;
//! `freeknot` ([`freeknot`], 1-D) and `greedy` ([`greedy`], d > 1 inputs) grow whole width sweeps.
//! How much data a run gets is [`data`]'s rule.
//! [`fit`] runs any of them with the same evaluation, checkpointing, tolerance ladder, divergence
//! and collapse rules.

pub mod adam;
pub mod adam_update;
pub mod data;
mod eval;
mod fit;
pub mod freeknot;
pub mod greedy;
pub mod hybrid;
mod init;
pub mod lm;
mod lsq;
mod objective;
mod settings;
pub mod sgd;
pub mod single;
mod trainer;

pub use adam::{Adam, GradientSettings, Schedule};
pub use data::{MAX_POINTS, SampledData};
pub use eval::{COLLAPSE_FRACTION, Eval, Evaluator, Metric, SAMPLE_EVAL_POINTS, shallow_pwl};
pub use fit::{Outcome, RunReport, fit, fit_from, fit_recording, sample};
pub use init::Init;
pub use lsq::solve_output_layer;
pub use objective::Objective;
pub use settings::{Dtype, Optimizer, Sweep, TrainSettings, TrainerId};
pub use trainer::{Data, Trainer};
