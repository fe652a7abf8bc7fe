//! The THEORY.md §3 bounds against exact constructions, brute force and near-optimal nets.

use depthsep::family::sawtooth::construct::exact_shallow;
use depthsep::family::sawtooth::theory::{bracket, construction_error, error_bound, upper_bound_net};
use depthsep::family::{Bound, Objective, sawtooth::Sawtooth};
use depthsep::net::{Mlp, Workspace};
use depthsep::rng::run_rng;
use depthsep::train::{Metric, shallow_pwl, solve_output_layer};
use proptest::prelude::*;
use rand::seq::SliceRandom;

fn nmse_l1(net: &Mlp, k: u32) -> (f64, f64) {
    let e = shallow_pwl(net).unwrap().errors(&Sawtooth::new(k).unwrap().pwl().unwrap());
    (e.mse * 12.0, e.l1)
}

#[test]
fn upper_bound_construction_reaches_exactly_the_formula() {
    for k in 1..=9 {
        for m in 1..=(1usize << k) {
            let (nmse, l1) = nmse_l1(&upper_bound_net(m, k).unwrap(), k);
            let (ub_n, ub_l1) =
                (construction_error(m as u64, k, Metric::Nmse), construction_error(m as u64, k, Metric::L1));
            assert!(error_bound(Bound::Upper, m as u64, k, Metric::Nmse) <= ub_n + 1e-15);
            assert!((nmse - ub_n).abs() < 1e-12, "k={k} m={m}: nmse {nmse} vs {ub_n}");
            assert!((l1 - ub_l1).abs() < 1e-12, "k={k} m={m}: l1 {l1} vs {ub_l1}");
            assert!(nmse >= error_bound(Bound::Lower, m as u64, k, Metric::Nmse) - 1e-12);
        }
    }
}

#[test]
fn closed_form_bracket_equals_brute_force_search_over_widths() {
    for metric in [Metric::Nmse, Metric::L1] {
        for k in 1..=12 {
            for eps in [0.0, 1e-4, 1e-3, 1e-2, 0.03, 0.1, 0.2, 0.25, 0.5, 0.99, 1.0, 2.0] {
                let first = |side| (1..=(1u64 << k)).find(|&m| error_bound(side, m, k, metric) <= eps).unwrap();
                let b = bracket(k, eps, metric);
                assert_eq!(b.lower, first(Bound::Lower), "lower k={k} eps={eps} {metric:?}");
                // The upper bound at every width runs an optimised certificate: k ≤ 9 keeps it quick.
                if k <= 9 {
                    assert_eq!(b.upper, first(Bound::Upper), "upper k={k} eps={eps} {metric:?}");
                }
                assert!(b.lower <= b.upper);
            }
        }
    }
}

#[test]
fn bracket_at_zero_error_is_the_smallest_width_whose_built_weights_are_exact() {
    // Independent of the bracket formula: evaluate the explicit nets exactly and find the first
    // width whose construction has zero error.
    for k in 1..=12 {
        let n = 1usize << k;
        let exact_width = (n - 1..=n).find(|&m| nmse_l1(&upper_bound_net(m, k).unwrap(), k).0 < 1e-24).unwrap();
        assert_eq!(exact_width, n, "k={k}: the construction is exact first at width {exact_width}");
        assert!(nmse_l1(&exact_shallow(k).unwrap(), k).0 < 1e-24, "k={k}: exact shallow net is not exact");
        for metric in [Metric::Nmse, Metric::L1] {
            let b = bracket(k, 0.0, metric);
            assert_eq!(b.upper, exact_width as u64, "k={k} {metric:?}: {b:?}");
            assert!(b.lower <= b.upper, "k={k} {metric:?}: {b:?}");
        }
    }
}

#[test]
fn no_width_below_two_to_the_k_is_exact_by_exhaustive_orientation_count() {
    // An exact net needs a kink at each of the 2^k − 1 interior knots of Δ^k, so width 2^k − 1 has
    // exactly one unit per knot, with slope jump J_j = a|w| fixed by the target. A unit facing left
    // (w < 0) adds a·w = −J_j to the slope of the first piece, one facing right adds nothing; so
    // the first slope is −Σ_{left} J_j. Enumerate every orientation (k ≤ 4: 2^15 of them) with the
    // jumps read from the target's exact knots: none gives the target's first slope.
    for k in 1..=4u32 {
        let slopes = Sawtooth::new(k).unwrap().pwl().unwrap().slopes();
        let jumps: Vec<f64> = slopes.windows(2).map(|w| w[1] - w[0]).collect();
        assert_eq!(jumps.len(), (1 << k) - 1);
        let first = slopes[0];
        for left in 0u32..(1 << jumps.len()) {
            let s: f64 = jumps.iter().enumerate().filter(|(j, _)| left >> j & 1 == 1).map(|(_, jj)| -jj).sum();
            assert!((s - first).abs() > 0.5, "k={k}: orientation {left:b} gives first slope {s} = {first}");
        }
    }
}

/// A near-optimal width-m net: m units of the exact width-2^k net (chosen by `seed`), with the
/// output layer refitted by least squares on a fine grid (nearly the continuous L2 projection).
fn best_fit_on_exact_knots(k: u32, m: usize, seed: u64) -> Mlp {
    let exact = exact_shallow(k).unwrap();
    let (w, b) = exact.layer(0);
    let mut idx: Vec<usize> = (0..1 << k).collect();
    idx.shuffle(&mut run_rng(seed, "subset"));
    idx.truncate(m);
    idx.sort();
    let mut net = Mlp::with_hidden(1, &[m]).unwrap();
    let (wi, bi): (Vec<f64>, Vec<f64>) = idx.iter().map(|&i| (w[i], b[i])).unzip();
    net.set_layer(0, &wi, &bi);
    let n = 64 << k;
    let xs: Vec<f64> = (0..n).map(|i| (i as f64 + 0.5) / n as f64).collect();
    let mut ys = vec![0.0; n];
    Sawtooth::new(k).unwrap().eval_batch(&xs, &mut ys);
    assert!(solve_output_layer(&mut net, &xs, &ys, &mut Workspace::default()));
    net
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn no_near_optimal_shallow_net_beats_the_certified_lower_bound(
        k in 3u32..9, frac in 0.02f64..0.5, seed in any::<u64>()
    ) {
        let m = ((frac * (1u64 << k) as f64) as usize).max(1);
        for net in [best_fit_on_exact_knots(k, m, seed), upper_bound_net(m, k).unwrap()] {
            let (nmse, l1) = nmse_l1(&net, k);
            let width = net.hidden()[0] as u64;
            prop_assert!(nmse >= error_bound(Bound::Lower, width, k, Metric::Nmse) - 1e-12, "k={} m={} nmse={}", k, m, nmse);
            prop_assert!(l1 >= error_bound(Bound::Lower, width, k, Metric::L1) - 1e-12, "k={} m={} l1={}", k, m, l1);
        }
    }
}
