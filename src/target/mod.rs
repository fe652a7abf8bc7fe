//! Targets: functions on the unit cube `[0,1]^d` that a network is asked to fit.
//!
//! A target has a name and parameters, evaluates a batch of points, knows its variance under the
//! uniform measure (the MSE of the best constant predictor, used to normalise errors), and — when it
//! is a 1-D continuous piecewise-linear function — exposes its exact knots, so that errors against a
//! 1-D ReLU net can be computed in closed form (see [`crate::net::pwl`]).

mod sawtooth;

pub use sawtooth::Sawtooth;

use crate::net::Pwl;

/// A function on `[0,1]^dim` to be approximated.
pub trait Target: Send + Sync {
    /// Family name, e.g. `"sawtooth"`.
    fn family(&self) -> &'static str;
    /// Human-readable identity including parameters, e.g. `"sawtooth k=5"`. Stable: it seeds RNG streams.
    fn id(&self) -> String;
    /// Input dimension d ≥ 1.
    fn dim(&self) -> usize;
    /// Evaluate at `n = xs.len() / dim` points stored row-major (point i is `xs[i*dim..(i+1)*dim]`).
    fn eval_batch(&self, xs: &[f64], out: &mut [f64]);
    /// Mean of the target under the uniform measure on `[0,1]^d` (the best constant predictor).
    fn mean(&self) -> f64;
    /// Variance under the uniform measure: the MSE of the best constant predictor.
    fn variance(&self) -> f64;
    /// L1 error of the best constant (median) predictor, when known in closed form.
    fn constant_l1(&self) -> Option<f64>;
    /// The exact continuous piecewise-linear form on [0,1], for 1-D piecewise-linear targets.
    fn pwl(&self) -> Option<Pwl>;
}

/// Error for a target that cannot be built from the given parameters.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum TargetError {
    /// A parameter is outside its allowed range.
    #[error("target `{family}`: parameter `{param}` = {value} is out of range (allowed: {allowed})")]
    OutOfRange { family: &'static str, param: &'static str, value: String, allowed: &'static str },
}
