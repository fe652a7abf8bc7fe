//! Training: settings, initialisation, the trainers (one folder each) and the fit loop they share.
//!
//! A trainer is chosen by the config's tagged `optimizer` ([`Optimizer`], listed in [`registry`]):
//! `adam` ([`adam`]) is the plain step a PyTorch script takes; `sgd` ([`sgd`]) is SGD with
//! momentum; `hybrid` ([`hybrid`]) adds least-squares output solves; `lm` ([`lm`]) is
//! Levenberg–Marquardt for small deep nets; `freeknot` ([`freeknot`], 1-D) and `greedy`
//! ([`greedy`], d > 1 inputs) grow whole width sweeps. Each is its typed settings implementing
//! [`TrainerKind`] with an info entry ([`TrainerInfo`]). How much data a run gets is [`data`]'s
//! rule. [`fit`] runs any step trainer with the same evaluation, checkpointing, tolerance ladder,
//! divergence and collapse rules.

pub mod adam;
pub mod adam_update;
pub mod damping;
pub mod data;
mod eval;
mod fit;
pub mod freeknot;
pub mod gradient;
pub mod greedy;
pub mod hybrid;
mod init;
pub mod kind;
pub mod lm;
mod lsq;
mod objective;
pub mod registry;
pub mod rmsprop;
mod settings;
pub mod sgd;
pub mod single;
mod trainer;

pub use adam::Adam;
pub use data::{MAX_POINTS, SampledData};
pub use eval::{COLLAPSE_FRACTION, Eval, Evaluator, Metric, SAMPLE_EVAL_POINTS, shallow_pwl};
pub use fit::{Outcome, RunReport, fit, fit_from, fit_frozen, fit_recording, sample};
pub use gradient::{GradientSettings, Schedule};
pub use init::Init;
pub use kind::{Control, Dims, Mode, Prose, TrainerInfo, TrainerKind, WidthRecorder};
pub use lsq::solve_output_layer;
pub use objective::Objective;
pub use registry::{Optimizer, TrainerId};
pub use settings::{Dtype, MAX_ITERS, MAX_STEPS, TrainSettings};
pub use trainer::{Data, Trainer};
