//! Exact 1-D analysis against independent oracles: dense sampling, and the piece-count bounds of
//! THEORY.md §2 (≤ m + 1 for width m; ≤ 2^L Π n_l for hidden widths n_1..n_L).

use depthsep::family::{Objective, sawtooth::Sawtooth};
use depthsep::net::{Mlp, Pwl, pieces};
use depthsep::rng::run_rng;
use depthsep::train::{Init, shallow_pwl};
use proptest::prelude::*;

fn random_net(hidden: &[usize], seed: u64, init: Init) -> Mlp {
    let mut net = Mlp::with_hidden(1, hidden).unwrap();
    init.apply(&mut net, &mut run_rng(seed, "random net"));
    net
}

/// Midpoint-rule estimates of L1, MSE and the sampled max over a fine grid.
fn sampled_errors(net: &Mlp, target: &Pwl, n: usize) -> (f64, f64, f64) {
    let xs: Vec<f64> = (0..n).map(|i| (i as f64 + 0.5) / n as f64).collect();
    let mut out = vec![0.0; n];
    net.forward(&xs, &mut out);
    let (mut l1, mut mse, mut sup) = (0.0, 0.0, 0.0f64);
    for (x, o) in xs.iter().zip(&out) {
        let e = (o - target.eval(*x)).abs();
        l1 += e;
        mse += e * e;
        sup = sup.max(e);
    }
    (l1 / n as f64, mse / n as f64, sup)
}

fn init_strategy() -> impl Strategy<Value = Init> {
    prop_oneof![Just(Init::Torch), Just(Init::He), Just(Init::Breakpoint)]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn exact_errors_agree_with_dense_sampling(
        hidden in prop::collection::vec(1usize..12, 1..4), seed in any::<u64>(), k in 1u32..6, init in init_strategy()
    ) {
        let net = random_net(&hidden, seed, init);
        let target = Sawtooth::new(k).unwrap().pwl().unwrap();
        let exact = pieces::pwl_of(&net).unwrap().errors(&target);
        let n = 200_000;
        let (l1, mse, sup) = sampled_errors(&net, &target, n);
        // Midpoint rule on a piecewise-smooth integrand: error ≲ (#kinks)·h·max|slope|·h.
        let scale = 1.0 + exact.sup;
        prop_assert!((exact.l1 - l1).abs() <= 1e-3 * scale, "L1 {} vs {}", exact.l1, l1);
        prop_assert!((exact.mse - mse).abs() <= 1e-3 * scale * scale, "MSE {} vs {}", exact.mse, mse);
        prop_assert!(sup <= exact.sup + 1e-9 && exact.sup - sup <= 1e-2 * scale, "sup {} vs {}", exact.sup, sup);
    }

    #[test]
    fn shallow_sweep_equals_generic_propagation(m in 1usize..64, seed in any::<u64>(), init in init_strategy()) {
        let net = random_net(&[m], seed, init);
        let a = shallow_pwl(&net).unwrap();
        let b = pieces::pwl_of(&net).unwrap();
        prop_assert!(a.errors(&b).sup <= 1e-9 * (1.0 + b.ys().iter().fold(0.0f64, |s, y| s.max(y.abs()))));
        prop_assert_eq!(a.pieces(), b.pieces());
    }

    #[test]
    fn shallow_net_of_width_m_has_at_most_m_plus_1_pieces(m in 1usize..200, seed in any::<u64>(), init in init_strategy()) {
        let net = random_net(&[m], seed, init);
        prop_assert!(shallow_pwl(&net).unwrap().pieces() <= m + 1);
    }

    #[test]
    fn deep_net_has_at_most_two_to_the_l_times_product_of_widths_pieces(
        hidden in prop::collection::vec(1usize..9, 1..6), seed in any::<u64>(), init in init_strategy()
    ) {
        let net = random_net(&hidden, seed, init);
        let bound = (1usize << hidden.len()) * hidden.iter().product::<usize>();
        let p = pieces::pwl_of(&net).unwrap().pieces();
        prop_assert!(p <= bound, "{p} pieces > bound {bound} for {hidden:?}");
    }
}
