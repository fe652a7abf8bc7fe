//! How much training data a run gets, and drawing it.
//!
//! **1-D targets** (exact errors): N = max(`data_min`, `data_per_piece` · pieces of the target), as
//! before; the error is exact over \[0,1\], so the samples only steer the fit.
//!
//! **Sampled targets** (d > 1 inputs, Monte Carlo errors): a fixed 256-point set lets a wide
//! one-hidden-layer net interpolate its data, so its held-out error measured the sample size, not
//! depth (THEORY §9). The rule grows the set with the net being trained:
//!
//! N = max(`sampled.min`, `sampled.per_param` · P),   P = parameters of the net trained
//!
//! (for a sweep trainer, of its widest net), with defaults 65 536 and 20: at least twenty points per
//! parameter, so no net of the run can interpolate them. A fixed set (rather than fresh samples every
//! step) keeps the exact output solves of `hybrid` and `greedy` well posed and the runs comparable;
//! gradient steps on sampled targets draw minibatches of `sampled.batch` (default 1024, what a
//! PyTorch script does) unless the optimizer names its own `batch`. The suite's sufficiency check
//! (`[sufficiency]`) reruns a sample of cells at twice N and flags those whose m* moves.
//!
//! ```
//! use depthsep::train::SampledData;
//! let s = SampledData::default();
//! assert_eq!(s.points(1000), 65_536);          // small nets: the floor
//! assert_eq!(s.points(10_241), 204_820);       // 1024 units on 8 inputs: 20 per parameter
//! ```

use super::Objective;
use super::trainer::Data;
use crate::validate::{Invalid, check};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

/// The data rule of sampled (d > 1) targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SampledData {
    /// Fewest training points.
    #[serde(default = "default_min")]
    pub min: usize,
    /// Training points per parameter of the net trained.
    #[serde(default = "default_per_param")]
    pub per_param: usize,
    /// Minibatch of gradient steps (when the optimizer names none).
    #[serde(default = "default_batch")]
    pub batch: usize,
}

/// Largest training set accepted: 2^24 points (a bigger one would take gigabytes at d = 64).
pub const MAX_POINTS: usize = 1 << 24;

fn default_min() -> usize {
    SampledData::default().min
}
fn default_per_param() -> usize {
    SampledData::default().per_param
}
fn default_batch() -> usize {
    SampledData::default().batch
}

impl Default for SampledData {
    fn default() -> Self {
        Self { min: 1 << 16, per_param: 20, batch: 1024 }
    }
}

impl SampledData {
    /// Whether these are the defaults (not written to a config then, so hashes stay).
    pub fn is_default(&self) -> bool {
        *self == Self::default()
    }

    /// Training points for a net of `params` parameters.
    pub fn points(&self, params: usize) -> usize {
        self.min.max(self.per_param.saturating_mul(params))
    }

    /// Check every field; errors name it under `at`.
    pub fn validate(&self, at: &str) -> Result<(), Invalid> {
        let at = &format!("{at}.sampled");
        check((1024..=MAX_POINTS).contains(&self.min), at, "min", &self.min, "an integer in 1024..=16777216")?;
        check((1..=1000).contains(&self.per_param), at, "per_param", &self.per_param, "an integer in 1..=1000")?;
        check((1..=self.min).contains(&self.batch), at, "batch", &self.batch, "an integer in 1..=min")
    }
}

/// `n` points of `target` from its input distribution ([`Objective::sample`]) and `rng` (coordinates in row order).
pub fn draw(target: &dyn Objective, n: usize, rng: &mut ChaCha8Rng) -> anyhow::Result<Data> {
    let d = target.dim();
    anyhow::ensure!(n >= 1, "a training set needs at least one point");
    anyhow::ensure!(
        n <= MAX_POINTS,
        "{}: a training set of {n} points is past the limit of {MAX_POINTS}; lower the trainer's m_max \
         (or m_max_sampled) or sampled.per_param",
        target.label()
    );
    let xs = target.sample(n, rng);
    let mut ys = vec![0.0; n];
    target.eval_batch(&xs, &mut ys);
    Ok(Data { xs, ys, d })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rule_keeps_twenty_points_per_parameter_above_the_floor() {
        let s = SampledData::default();
        assert_eq!(s.points(0), 65_536);
        assert_eq!(s.points(3276), 65_536);
        assert_eq!(s.points(3277), 65_540);
        assert!(s.points(usize::MAX) == usize::MAX, "saturates instead of wrapping");
    }

    #[test]
    fn zero_or_absurd_sizes_name_their_field() {
        let bad = |s: SampledData| s.validate("shallow[0].train").unwrap_err().field;
        assert_eq!(bad(SampledData { min: 0, ..Default::default() }), "shallow[0].train.sampled.min");
        assert_eq!(bad(SampledData { min: 1 << 30, ..Default::default() }), "shallow[0].train.sampled.min");
        assert_eq!(bad(SampledData { per_param: 0, ..Default::default() }), "shallow[0].train.sampled.per_param");
        assert_eq!(bad(SampledData { batch: 0, ..Default::default() }), "shallow[0].train.sampled.batch");
        assert!(SampledData::default().validate("x").is_ok());
    }
}
