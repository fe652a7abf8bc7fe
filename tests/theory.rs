//! The THEORY.md §3 bounds against exact constructions, brute force and random nets.

use depthsep::net::Mlp;
use depthsep::rng::run_rng;
use depthsep::target::{Sawtooth, Target};
use depthsep::theory::{Bound, bracket, error_bound, upper_bound_net};
use depthsep::train::{Init, Metric, shallow_pwl};
use proptest::prelude::*;

fn nmse_l1(net: &Mlp, k: u32) -> (f64, f64) {
    let e = shallow_pwl(net).unwrap().errors(&Sawtooth::new(k).unwrap().pwl().unwrap());
    (e.mse * 12.0, e.l1)
}

#[test]
fn upper_bound_construction_reaches_exactly_the_formula() {
    for k in 1..=9 {
        for m in 1..=(1usize << k) {
            let (nmse, l1) = nmse_l1(&upper_bound_net(m, k).unwrap(), k);
            let (ub_n, ub_l1) = (
                error_bound(Bound::Upper, m as u64, k, Metric::Nmse),
                error_bound(Bound::Upper, m as u64, k, Metric::L1),
            );
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
                assert_eq!(b.upper, first(Bound::Upper), "upper k={k} eps={eps} {metric:?}");
                assert!(b.lower <= b.upper);
            }
        }
    }
}

#[test]
fn bracket_at_zero_error_holds_two_to_the_k() {
    for k in 1..=30 {
        for metric in [Metric::Nmse, Metric::L1] {
            let b = bracket(k, 0.0, metric);
            assert!(b.lower <= 1 << k && b.upper == 1 << k, "k={k}: {b:?}");
        }
    }
}

#[test]
fn exact_width_is_two_to_the_k_and_one_fewer_unit_is_not_exact() {
    // Brute force over all sign patterns is out of reach; check the derived claim on the
    // best construction of width 2^k − 1, which must leave a positive error.
    for k in 1..=8 {
        let (nmse, _) = nmse_l1(&upper_bound_net((1 << k) - 1, k).unwrap(), k);
        assert!(nmse > 0.0);
        let (exact, _) = nmse_l1(&upper_bound_net(1 << k, k).unwrap(), k);
        assert!(exact < 1e-24);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn no_random_shallow_net_beats_the_certified_lower_bound(
        k in 1u32..9, m in 1usize..300, seed in any::<u64>(), scale in 0.1f64..3.0
    ) {
        let mut net = Mlp::with_hidden(1, &[m]).unwrap();
        Init::Breakpoint.apply(&mut net, &mut run_rng(seed, "lb"));
        // Rescale the output layer and recentre it: random nets near the target's mean.
        let (a, c) = net.layer_mut(1);
        a.iter_mut().for_each(|v| *v *= scale);
        c[0] = 0.5;
        let (nmse, l1) = nmse_l1(&net, k);
        prop_assert!(nmse >= error_bound(Bound::Lower, m as u64, k, Metric::Nmse) - 1e-12);
        prop_assert!(l1 >= error_bound(Bound::Lower, m as u64, k, Metric::L1) - 1e-12);
    }
}
