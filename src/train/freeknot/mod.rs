//! The free-knot trainer for one-hidden-layer nets on 1-D targets: greedy growth with
//! Levenberg–Marquardt on the knots and exact least squares for the outer layer.
//!
//! A 1→m→1 ReLU net is a continuous piecewise-linear function on \[0,1\]; with K interior knots t_i
//! it is g(x) = u_0 + s_0 x + Σ_i (s_i − s_{i−1}) σ(x − t_i), s_i the slope right of t_i: K + 1 units
//! (one per knot and one for the linear part), [`to_mlp`]. The trainer works in that form:
//!
//! 1. start affine (K = 0) with the least-squares line;
//! 2. insert one knot where the best single-hat correction of the residual gains most
//!    ([`grow::best_split`]), never on an existing knot;
//! 3. re-solve the nodal values near it exactly in the hat basis ([`spline`]: tridiagonal, no ridge)
//!    and polish the knots near it by Levenberg–Marquardt ([`lm`]); every time K grows by an eighth
//!    (at least 16 knots) re-solve and polish all knots;
//! 4. report the net of every width m = K + 1 to the caller, which may stop the sweep.
//!
//! One sweep per seed gives the whole width → error curve, so every tolerance of a target is
//! answered by it. It is **data-driven**: it sees only the training samples (x_i, y_i), never the
//! target's knots; the loss is the sampled MSE. Every step keeps or lowers the training error
//! (inserting a knot enlarges the space; polish steps are kept only when the error drops).
//! Deterministic: the seed only draws the samples.

pub mod carry;
pub mod grow;
pub mod lm;
mod spec;
pub mod spline;

pub use super::kind::Control;
use crate::net::Mlp;
use serde::{Deserialize, Serialize};
pub use spec::INFO;
pub use spline::{Samples, Spline};

/// Smallest gap between knots. Closer knots would need slopes so steep that the ReLU form
/// (a sum of slope jumps) loses the function to rounding; every Δ^k with k ≤ 24 has pieces wider.
pub const MIN_GAP: f64 = 1e-9;

/// Settings of a sweep.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FreeknotSettings {
    /// Knots on each side of a new knot that are polished with it.
    pub window: usize,
    /// LM iterations of the local polish after each insertion.
    pub local_iters: usize,
    /// LM iterations of each global polish.
    pub global_iters: usize,
}

impl Default for FreeknotSettings {
    fn default() -> Self {
        Self { window: 4, local_iters: 40, global_iters: 40 }
    }
}

/// Grow from the affine fit to at most `m_max` units, calling `on_width(m, &spline)` for every
/// width m = K + 1 reached (m = 1, 2, …). Returns the last width reached. Stops early when
/// `on_width` says so or when no interval has two samples left to split.
pub fn sweep(
    s: &Samples,
    cfg: &FreeknotSettings,
    m_max: usize,
    mut on_width: impl FnMut(usize, &Spline) -> Control,
) -> usize {
    let mut sp = Spline::affine();
    sp.solve(s, 0, 1);
    if m_max == 0 || on_width(1, &sp) == Control::Stop {
        return 1;
    }
    let mut gains: Vec<Option<(f64, f64)>> = vec![grow::best_split(&sp, s, 0)];
    let mut next_global = 16;
    while sp.interior() + 1 < m_max {
        let Some((j, c)) = gains
            .iter()
            .enumerate()
            .filter_map(|(j, g)| g.map(|(gain, c)| (j, gain, c)))
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
            .map(|(j, _, c)| (j, c))
        else {
            break;
        };
        sp.insert(j, c);
        gains.insert(j + 1, None);
        let (i, k) = (j + 1, sp.interior());
        let (lo, hi) = (i.saturating_sub(cfg.window + 1), (i + cfg.window + 1).min(k + 1));
        sp.solve(s, lo, hi);
        lm::polish(&mut sp, s, i.saturating_sub(cfg.window).max(1), (i + cfg.window).min(k), cfg.local_iters);
        let (glo, ghi) = (lo.saturating_sub(1), (hi + 1).min(k + 1));
        if k >= next_global {
            sp.solve(s, 0, k + 1);
            lm::polish(&mut sp, s, 1, k, cfg.global_iters);
            gains = (0..=k).map(|j| grow::best_split(&sp, s, j)).collect();
            next_global = k + (k / 8).max(16);
        } else {
            for (j, g) in gains.iter_mut().enumerate().take(ghi).skip(glo) {
                *g = grow::best_split(&sp, s, j);
            }
        }
        if on_width(k + 1, &sp) == Control::Stop {
            break;
        }
    }
    sp.interior() + 1
}

/// The spline as ReLU weights: unit 0 is σ(x) with the first slope, unit i is σ(x − t_i) with the
/// slope jump at t_i, the output bias is g(0). The same function on \[0,1\].
pub fn to_mlp(sp: &Spline) -> anyhow::Result<Mlp> {
    let k = sp.interior();
    let slopes: Vec<f64> = (0..=k).map(|j| (sp.u[j + 1] - sp.u[j]) / (sp.t[j + 1] - sp.t[j])).collect();
    let mut net = Mlp::with_hidden(1, &[k + 1])?;
    let w = vec![1.0; k + 1];
    let b: Vec<f64> = (0..=k).map(|i| if i == 0 { 0.0 } else { -sp.t[i] }).collect();
    let a: Vec<f64> = (0..=k).map(|i| if i == 0 { slopes[0] } else { slopes[i] - slopes[i - 1] }).collect();
    net.set_layer(0, &w, &b);
    net.set_layer(1, &a, &[sp.u[0]]);
    Ok(net)
}
