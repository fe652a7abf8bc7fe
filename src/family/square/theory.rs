//! The bracket on the minimal one-hidden-layer width for x² in normalised MSE (derivation in the
//! family's module docs): nMSE of the best width-m net lies in [1/(16(m+1)⁴), 1/(16m⁴)].

use crate::family::{Bound, Bracket};
use crate::net::Mlp;

/// The `side` bound on the best normalised MSE of a width-m net (m ≥ 1; m = 0 is the constant, 1).
pub fn error_bound(side: Bound, m: u64) -> f64 {
    if m == 0 {
        return 1.0;
    }
    let m = m as f64;
    match side {
        Bound::Lower => 1.0 / (16.0 * (m + 1.0).powi(4)),
        Bound::Upper => 1.0 / (16.0 * m.powi(4)),
    }
}

/// [n − 1, n] with n = ⌈(16ε)^{−1/4}⌉ the smallest width whose upper bound reaches ε; the lower end
/// is the smallest width whose lower bound does (at least 1).
pub fn bracket(eps: f64) -> Bracket {
    let first = |side: Bound| (1u64..).find(|&m| error_bound(side, m) <= eps).expect("bounds decrease to 0");
    Bracket { lower: first(Bound::Lower), upper: first(Bound::Upper) }
}

/// The explicit width-m net of the upper bound: the interpolant of x² at m uniform pieces shifted
/// down by h²/6. Unit 0 is σ(x) with the first slope h; unit j is σ(x − j/m) with the slope jump 2h.
pub fn upper_net(m: usize) -> anyhow::Result<Mlp> {
    anyhow::ensure!(m >= 1, "upper_net needs m ≥ 1");
    let h = 1.0 / m as f64;
    let mut net = Mlp::with_hidden(1, &[m])?;
    let b: Vec<f64> = (0..m).map(|j| -(j as f64) * h).collect();
    net.set_layer(0, &vec![1.0; m], &b);
    let a: Vec<f64> = (0..m).map(|j| if j == 0 { h } else { 2.0 * h }).collect();
    net.set_layer(1, &a, &[-h * h / 6.0]);
    Ok(net)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::quadratic::errors_vs_quadratic;
    use crate::train::shallow_pwl;

    #[test]
    fn the_upper_bound_weights_reach_their_formula_exactly() {
        for m in [1usize, 2, 3, 7, 64, 1000] {
            let g = shallow_pwl(&upper_net(m).unwrap()).unwrap();
            let nmse = errors_vs_quadratic(&g, [1.0, 0.0, 0.0]).mse / (4.0 / 45.0);
            let want = error_bound(Bound::Upper, m as u64);
            assert!((nmse / want - 1.0).abs() < 1e-6, "m={m}: {nmse:e} vs {want:e}");
        }
    }

    #[test]
    fn the_bracket_is_one_unit_wide_and_brackets_the_deep_nets_error() {
        for l in 1..=12 {
            let eps = 0.375 * 16f64.powi(-l);
            let b = bracket(eps);
            assert!(b.upper - b.lower <= 1 && b.lower >= 1, "L={l}: {b:?}");
            assert!(error_bound(Bound::Upper, b.upper) <= eps && error_bound(Bound::Lower, b.lower) <= eps);
            assert!(b.lower == 1 || error_bound(Bound::Lower, b.lower - 1) > eps);
            // n = ⌈2^L / 6^{1/4}⌉.
            assert_eq!(b.upper, (2f64.powi(l) / 6f64.powf(0.25)).ceil() as u64, "L={l}");
        }
    }

    #[test]
    fn no_width_m_net_on_random_knots_beats_the_lower_bound() {
        // Best output layer (L2 projection on a fine grid) for random knots: never below the bound.
        use crate::rng::run_rng;
        use rand::RngExt;
        for (m, seed) in [(3usize, 1u64), (8, 2), (20, 3)] {
            let mut rng = run_rng(seed, "square lower");
            let mut net = Mlp::with_hidden(1, &[m]).unwrap();
            let t: Vec<f64> = (0..m).map(|j| if j == 0 { 0.0 } else { rng.random::<f64>() }).collect();
            net.set_layer(0, &vec![1.0; m], &t.iter().map(|t| -t).collect::<Vec<_>>());
            let n = 20_000;
            let xs: Vec<f64> = (0..n).map(|i| (i as f64 + 0.5) / n as f64).collect();
            let ys: Vec<f64> = xs.iter().map(|x| x * x).collect();
            assert!(crate::train::solve_output_layer(&mut net, &xs, &ys, &mut Default::default()));
            let g = shallow_pwl(&net).unwrap();
            let nmse = errors_vs_quadratic(&g, [1.0, 0.0, 0.0]).mse / (4.0 / 45.0);
            assert!(nmse >= error_bound(Bound::Lower, m as u64), "m={m}: {nmse:e}");
        }
    }
}
