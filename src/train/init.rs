//! Weight initialisation recipes. Every result records which one it used.
//!
//! - `torch`: PyTorch's `nn.Linear` default, weights and biases uniform in ±1/√fan_in (for comparison
//!   with a PyTorch script). In 1-D a unit's breakpoint −b/w then often falls outside \[0,1\].
//! - `he`: weights N(0, 2/fan_in), biases 0. In 1-D every first-layer breakpoint sits at x = 0.
//! - `breakpoint` (default): He weights; each first-layer unit's hyperplane w·x + b = 0 passes
//!   through a random point u of the target's input distribution (b = −w·u; uniform on \[0,1\]^d
//!   unless the family says otherwise), so in 1-D the breakpoints are spread uniformly over
//!   \[0,1\]; deeper biases 0.

use crate::net::Mlp;
use rand::RngExt;
use rand_distr::StandardNormal;
use serde::{Deserialize, Serialize};

/// Initialisation recipe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Init {
    /// PyTorch `nn.Linear` default: U(±1/√fan_in) for weights and biases.
    Torch,
    /// He normal weights, zero biases.
    He,
    /// He normal weights, first-layer hyperplanes through points of the input distribution.
    #[default]
    Breakpoint,
    /// Randomised asymmetric initialisation against the collapse of deep narrow nets (after Lu,
    /// Shin, Su & Karniadakis 2020): for every unit, one entry of its row (W_l row, b_l), chosen
    /// uniformly, is drawn positive from Beta(2, 1) (as √U), the others N(0, 2/(fan_in + 1)); so
    /// no unit starts with all inputs pointing away and dead on every input.
    Asymmetric,
    /// Glorot (Xavier) uniform weights U(±√(6/(fan_in + fan_out))) and zero biases: TensorFlow's
    /// default for dense layers (Glorot & Bengio 2010).
    Glorot,
}

impl Init {
    /// Overwrite every parameter of `net` from `rng` (`breakpoint` hyperplanes through uniform
    /// points of \[0,1\]^d).
    pub fn apply<R: rand::Rng>(self, net: &mut Mlp, rng: &mut R) {
        self.apply_with(net, rng, |rng, d| (0..d).map(|_| rng.random::<f64>()).collect());
    }

    /// As [`Init::apply`], with `breakpoint` hyperplanes through points of `target`'s input
    /// distribution ([`super::Objective::sample`]); for a target sampled uniformly on
    /// \[0,1\]^d it draws the same numbers in the same order, so the net is the same bit for bit.
    pub fn apply_on(self, net: &mut Mlp, target: &dyn super::Objective, rng: &mut rand_chacha::ChaCha8Rng) {
        self.apply_with(net, rng, |rng, _| target.sample(1, rng));
    }

    fn apply_with<R: rand::Rng>(self, net: &mut Mlp, rng: &mut R, mut point: impl FnMut(&mut R, usize) -> Vec<f64>) {
        let dims = net.dims().to_vec();
        for (l, &fan_in) in dims[..net.n_layers()].iter().enumerate() {
            let fan_out = dims[l + 1];
            let (w, b) = net.layer_mut(l);
            match self {
                Init::Glorot => {
                    let s = (6.0 / (fan_in + fan_out) as f64).sqrt();
                    w.iter_mut().for_each(|p| *p = rng.random_range(-s..s));
                    b.fill(0.0);
                }
                Init::Torch => {
                    let s = 1.0 / (fan_in as f64).sqrt();
                    w.iter_mut().chain(b.iter_mut()).for_each(|p| *p = rng.random_range(-s..s));
                }
                Init::Asymmetric => {
                    let s = (2.0 / (fan_in + 1) as f64).sqrt();
                    for (row, bias) in w.chunks_exact_mut(fan_in).zip(b.iter_mut()) {
                        row.iter_mut()
                            .chain(std::iter::once(&mut *bias))
                            .for_each(|p| *p = s * rng.sample::<f64, _>(StandardNormal));
                        let pick = rng.random_range(0..=fan_in);
                        let positive = rng.random::<f64>().sqrt();
                        if pick == fan_in { *bias = positive } else { row[pick] = positive }
                    }
                }
                Init::He | Init::Breakpoint => {
                    let s = (2.0 / fan_in as f64).sqrt();
                    w.iter_mut().for_each(|p| *p = s * rng.sample::<f64, _>(StandardNormal));
                    b.fill(0.0);
                    if self == Init::Breakpoint && l == 0 {
                        for (row, bias) in w.chunks_exact(fan_in).zip(b.iter_mut()) {
                            let u = point(rng, fan_in);
                            *bias = -row.iter().zip(&u).map(|(wi, ui)| wi * ui).sum::<f64>();
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::run_rng;

    #[test]
    fn breakpoint_init_puts_every_first_layer_breakpoint_inside_the_unit_interval() {
        let mut net = Mlp::with_hidden(1, &[200]).unwrap();
        Init::Breakpoint.apply(&mut net, &mut run_rng(7, "init"));
        let (w, b) = net.layer(0);
        assert!(w.iter().zip(b).all(|(w, b)| (0.0..=1.0).contains(&(-b / w))));
    }

    #[test]
    fn torch_init_stays_within_one_over_root_fan_in() {
        let mut net = Mlp::with_hidden(1, &[16, 16]).unwrap();
        Init::Torch.apply(&mut net, &mut run_rng(7, "init"));
        let (w, b) = net.layer(1);
        assert!(w.iter().chain(b).all(|p| p.abs() <= 0.25));
        assert!(w.iter().any(|p| p.abs() > 0.2), "should fill the range, not sit near 0");
    }

    #[test]
    fn glorot_init_fills_plus_minus_root_six_over_fans_with_zero_biases() {
        let mut net = Mlp::with_hidden(100, &[100, 20]).unwrap();
        Init::Glorot.apply(&mut net, &mut run_rng(7, "init"));
        for (l, (fi, fo)) in [(100usize, 100usize), (100, 20), (20, 1)].into_iter().enumerate() {
            let (w, b) = net.layer(l);
            let s = (6.0 / (fi + fo) as f64).sqrt();
            assert!(w.iter().all(|p| p.abs() < s) && b.iter().all(|p| *p == 0.0), "layer {l}");
            // Uniform on (−s, s): variance s²/3 (checked on the two large layers).
            if w.len() >= 2000 {
                let var = w.iter().map(|p| p * p).sum::<f64>() / w.len() as f64;
                assert!((var / (s * s / 3.0) - 1.0).abs() < 0.1, "layer {l}: variance {var}");
            }
        }
    }
}
