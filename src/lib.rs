//! # depthsep: measured depth separation
//!
//! The pipeline: a [`target::Target`] (Telgarsky's sawtooth Δ^k first) → a deep reference net
//! (exact construction in [`net::construct`], or trained by [`train`]) → the minimal shallow width
//! that matches its error → results → report.
//!
//! Exact 1-D analysis ([`net::pieces`], [`net::Pwl`]) computes a 1-input net's linear pieces and its
//! L1/MSE/sup errors against a piecewise-linear target in closed form, without sampling.

pub mod costs;
pub mod net;
pub mod report;
pub mod results;
pub mod rng;
pub mod search;
pub mod suite;
pub mod tables;
pub mod target;
pub mod theory;
pub mod train;
