//! Claims about the exact constructions of THEORY.md §1, checked by exact 1-D analysis.

use depthsep::family::sawtooth::construct;
use depthsep::family::{Objective, sawtooth::Sawtooth};
use depthsep::net::pieces;
use depthsep::train::shallow_pwl;

#[test]
fn constructed_deep_net_has_sup_error_below_1e_12_for_k_up_to_20() {
    for k in 1..=20 {
        let net = construct::telgarsky_deep(k).unwrap();
        let g = pieces::pwl_of(&net).unwrap();
        let e = g.errors(&Sawtooth::new(k).unwrap().pwl().unwrap());
        assert!(e.sup <= 1e-12, "k={k}: sup error {}", e.sup);
        assert_eq!(net.n_params(), 6 * k as usize + 1);
    }
}

#[test]
fn constructed_deep_net_has_exactly_two_to_the_k_pieces_for_k_up_to_16() {
    for k in 1..=16 {
        let g = pieces::pwl_of(&construct::telgarsky_deep(k).unwrap()).unwrap();
        assert_eq!(g.pieces(), 1 << k, "k={k}");
    }
}

#[test]
fn hidden_layer_l_of_the_deep_net_computes_sawtooth_l() {
    let k = 8;
    let layers = pieces::propagate(&construct::telgarsky_deep(k).unwrap()).unwrap();
    for l in 1..=k {
        let readout = layers[l as usize - 1].readout(&[2.0, -4.0], 0.0);
        let e = readout.errors(&Sawtooth::new(l).unwrap().pwl().unwrap());
        assert!(e.sup <= 1e-12, "layer {l}: sup {}", e.sup);
        assert_eq!(readout.pieces(), 1 << l);
    }
}

#[test]
fn exact_shallow_net_of_width_two_to_the_k_is_exact() {
    for k in 1..=14 {
        let net = construct::exact_shallow(k).unwrap();
        assert_eq!(net.hidden(), &[1usize << k]);
        let t = Sawtooth::new(k).unwrap().pwl().unwrap();
        let fast = shallow_pwl(&net).unwrap();
        let e = fast.errors(&t);
        assert!(e.sup <= 1e-12, "k={k}: sup {}", e.sup);
        assert_eq!(fast.pieces(), 1 << k);
        if k <= 8 {
            // The generic propagation agrees with the shallow sweep.
            assert!(pieces::pwl_of(&net).unwrap().errors(&t).sup <= 1e-12);
        }
    }
}

#[test]
fn forward_pass_agrees_with_the_exact_piecewise_linear_form() {
    for k in [1, 5, 11] {
        let net = construct::telgarsky_deep(k).unwrap();
        let xs: Vec<f64> = (0..=997).map(|i| i as f64 / 997.0).collect();
        let mut out = vec![0.0; xs.len()];
        net.forward(&xs, &mut out);
        let mut want = vec![0.0; xs.len()];
        Sawtooth::new(k).unwrap().eval_batch(&xs, &mut want);
        for (o, w) in out.iter().zip(&want) {
            assert!((o - w).abs() < 1e-12);
        }
    }
}

#[test]
fn constructed_golden_ratio_net_is_exact_with_fibonacci_pieces() {
    use depthsep::family::golden::{Golden, construct::golden_deep};
    // Rounding grows like φ^t·ε: sup 1.1e-12 at t = 17, so the claim is checked to t = 16.
    let (mut a, mut b) = (1usize, 2usize); // F_2, F_3
    for t in 1..=16u32 {
        let net = golden_deep(t).unwrap();
        let g = pieces::pwl_of(&net).unwrap();
        let target = Golden::new(t).unwrap();
        let e = g.errors(&target.pwl().unwrap());
        assert!(e.sup <= 1e-12, "t={t}: sup error {:e}", e.sup);
        // The orbit 0 → 1/φ² → 1 → 0 runs through the bend, so some kinks of f^t fall exactly on 0, 1
        // or on each other; the net's exact analysis puts them a rounding error apart (≈ 1e-16),
        // slivers that are not pieces. Merge knots closer than 1e-12 before counting.
        let n = g.xs().len();
        let mut keep = vec![0];
        for i in 1..n - 1 {
            if g.xs()[i] > g.xs()[*keep.last().unwrap()] + 1e-12 && g.xs()[i] < 1.0 - 1e-12 {
                keep.push(i);
            }
        }
        keep.push(n - 1);
        let merged = depthsep::net::Pwl::new(
            keep.iter().map(|&i| g.xs()[i]).collect(),
            keep.iter().map(|&i| g.ys()[i]).collect(),
        );
        assert_eq!(merged.pieces(), b, "t={t}: pieces of the net (slivers under 1e-12 merged)");
        assert_eq!(target.pieces(), b, "t={t}: pieces of the target");
        assert_eq!(net.n_params(), 6 * t as usize + 1);
        (a, b) = (b, a + b);
    }
    let _ = a;
}
