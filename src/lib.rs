//! # depthsep: measured depth separation
//!
//! The pipeline: a [`family`] target (Telgarsky's sawtooth Δ^k first) → a deep reference net
//! (its family's exact construction, or trained by [`train`]) → the minimal shallow width that
//! matches its error ([`search`]) → [`results`] → [`report`]. A suite ([`suite`]) runs it for a
//! config: families and parameter ranges, trainers, tolerances, seeds.
//!
//! Exact 1-D analysis ([`net::pieces`], [`net::Pwl`]) computes a 1-input net's linear pieces and its
//! L1/MSE/sup errors against a piecewise-linear target in closed form, without sampling.
//! `docs/ARCHITECTURE.md` has the data path and how to add a family or a trainer.

pub mod cli;
pub mod config;
pub mod console;
pub mod costs;
pub mod durable;
pub mod experiment;
pub mod family;
pub mod frontier;
pub mod inspect;
pub mod json;
pub mod jsonl;
pub mod lock;
pub mod net;
pub mod optimum;
pub mod probe;
pub mod profile;
pub mod recipe;
pub mod report;
pub mod results;
pub mod rng;
pub mod search;
pub mod suite;
pub mod train;
pub mod transfer;
pub mod validate;
