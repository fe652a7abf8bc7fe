//! The output-layer least-squares solve (hat basis for 1→m→1 nets, blocked QR otherwise) against an
//! independent oracle, the SVD least-squares solution of G = [H 1]; and the hybrid trainer's use
//! of it (evaluated right after each solve, ending on one).

use depthsep::family::{Objective, sawtooth::Sawtooth};
use depthsep::net::{Mlp, Workspace};
use depthsep::rng::run_rng;
use depthsep::train::{Evaluator, Init, Metric, Optimizer, Schedule, TrainSettings, fit, solve_output_layer};
use nalgebra::{DMatrix, DVector};
use proptest::prelude::*;
use rand::RngExt;

/// Σ (f − y)² of the net on the data.
fn rss(net: &Mlp, xs: &[f64], ys: &[f64]) -> f64 {
    let mut r = Vec::new();
    net.residuals(xs, ys, &mut r);
    r.iter().map(|v| v * v).sum()
}

/// The oracle: the least-squares residual of G = [H 1] by SVD (pseudo-inverse, singular values
/// below 1e-13·σ_max dropped), with H the last hidden layer's activations.
fn oracle_rss(net: &Mlp, xs: &[f64], ys: &[f64]) -> f64 {
    let n = ys.len();
    let l = net.n_layers() - 1;
    let w = net.dims()[l];
    let mut ws = Workspace::default();
    net.forward_ws(xs, &mut ws);
    let h = ws.hidden(l - 1).to_vec();
    let g = DMatrix::from_fn(n, w + 1, |i, j| if j < w { h[i * w + j] } else { 1.0 });
    let y = DVector::from_column_slice(ys);
    let svd = g.clone().svd(true, true);
    let tol = 1e-13 * svd.singular_values.max();
    let theta = svd.solve(&y, tol).unwrap();
    (g * theta - y).norm_squared()
}

/// A 1→m→1 net with the given knots t_j and slope signs, plus `linear` extra units active on all
/// of [0, 1] and `dead` ones zero there.
fn shallow(knots: &[(f64, f64)], linear: bool, dead: bool) -> Mlp {
    let mut units: Vec<(f64, f64)> = knots.iter().map(|&(t, w)| (w, -w * t)).collect();
    if linear {
        units.push((0.7, 0.3)); // 0.7x + 0.3 > 0 on [0,1]
    }
    if dead {
        units.push((-1.3, -0.2)); // negative on [0,1]
    }
    let mut net = Mlp::with_hidden(1, &[units.len()]).unwrap();
    let (w, b): (Vec<f64>, Vec<f64>) = units.into_iter().unzip();
    net.set_layer(0, &w, &b);
    net
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn the_hat_solve_reaches_the_svd_least_squares_optimum_for_every_sign_pattern(
        raw in prop::collection::vec((0.01f64..0.99, prop::bool::ANY, 0.2f64..3.0), 1..12),
        shared in prop::bool::ANY, linear in prop::bool::ANY, dead in prop::bool::ANY,
        n in 60usize..400, seed in any::<u64>()
    ) {
        // Sign patterns: all positive, all negative, mixed; a knot shared by both signs; a unit
        // linear on [0,1] or none (then the span lacks x and the solve is constrained).
        let mut knots: Vec<(f64, f64)> = raw.iter().map(|&(t, s, w)| (t, if s { w } else { -w })).collect();
        if shared {
            knots.push((knots[0].0, -knots[0].1 * 0.5));
        }
        let mut rng = run_rng(seed, "lsq prop");
        let xs: Vec<f64> = (0..n).map(|_| rng.random()).collect();
        let ys: Vec<f64> = xs.iter().map(|x: &f64| (9.0 * x).sin() + 3.0 * x * x - x).collect();
        // The solve drops a knot with no sample between it and its left neighbour (the data cannot
        // see it): compare only where every knot is seen.
        let mut ts: Vec<f64> = knots.iter().map(|k| k.0).collect();
        ts.sort_by(f64::total_cmp);
        ts.dedup();
        let mut edges = vec![0.0];
        edges.extend(&ts);
        edges.push(1.0);
        let seen = edges.windows(2).all(|e| xs.iter().any(|&x| x > e[0] && x < e[1]));
        prop_assume!(seen);
        let mut net = shallow(&knots, linear, dead);
        net.layer_mut(1).0.fill(0.37);
        prop_assert!(solve_output_layer(&mut net, &xs, &ys, &mut Workspace::default()));
        let (got, best) = (rss(&net, &xs, &ys), oracle_rss(&net, &xs, &ys));
        let scale: f64 = ys.iter().map(|y| y * y).sum();
        prop_assert!(got <= best * (1.0 + 1e-7) + 1e-11 * scale, "hat {got:e} vs SVD optimum {best:e}");
    }
}

#[test]
fn the_qr_solve_reaches_the_svd_optimum_on_deep_nets_and_two_dimensional_inputs() {
    for (d, hidden, seed) in [(1, vec![2, 2, 2], 1), (1, vec![8, 5], 2), (2, vec![16], 3), (3, vec![6, 4], 4)] {
        let mut rng = run_rng(seed, "qr");
        let mut net = Mlp::with_hidden(d, &hidden).unwrap();
        Init::Torch.apply(&mut net, &mut rng);
        let n = 1500; // three blocks of the TSQR
        let xs: Vec<f64> = (0..n * d).map(|_| rng.random()).collect();
        let ys: Vec<f64> = xs.chunks(d).map(|p| p.iter().map(|v| (5.0 * v).cos()).sum::<f64>()).collect();
        assert!(solve_output_layer(&mut net, &xs, &ys, &mut Workspace::default()));
        let (got, best) = (rss(&net, &xs, &ys), oracle_rss(&net, &xs, &ys));
        assert!(got <= best * (1.0 + 1e-9) + 1e-12, "d={d} {hidden:?}: QR {got:e} vs SVD {best:e}");
        // And a perturbed output layer does worse.
        let mut worse = net.clone();
        worse.layer_mut(hidden.len()).1[0] += 1e-3; // the output bias: never a dead column
        assert!(rss(&worse, &xs, &ys) > got);
    }
}

#[test]
fn the_exact_hidden_layer_gives_an_exact_fit_where_the_ridge_capped_the_error() {
    // TRAINERS.md §1: the ridge-stabilised normal equations left nMSE 2.8e-3, 0.094, 0.61 at
    // k = 9, 10, 11 from the perfect hidden layer with 8 samples per piece; the exact fit is 0.
    for k in [4u32, 9, 10, 11] {
        let t = Sawtooth::new(k).unwrap();
        let mut net = depthsep::family::sawtooth::construct::exact_shallow(k).unwrap();
        net.layer_mut(1).0.fill(0.0);
        let n = 8 << k;
        let mut rng = run_rng(u64::from(k), "exact hidden");
        let xs: Vec<f64> = (0..n).map(|_| rng.random()).collect();
        let mut ys = vec![0.0; n];
        t.eval_batch(&xs, &mut ys);
        assert!(solve_output_layer(&mut net, &xs, &ys, &mut Workspace::default()));
        let e = Evaluator::new(&t, Metric::Nmse).eval(&net).unwrap();
        assert!(e.value < 1e-12, "k={k}: exact hidden layer, solved output: nMSE {:e}", e.value);
    }
}

#[test]
fn a_failed_solve_reports_failure_and_leaves_the_net_unchanged() {
    let mut rng = run_rng(9, "lsq fail");
    let xs: Vec<f64> = (0..200).map(|_| rng.random()).collect();
    // Non-finite data, on either path.
    for hidden in [vec![4], vec![3, 3]] {
        let mut net = Mlp::with_hidden(1, &hidden).unwrap();
        Init::Torch.apply(&mut net, &mut rng);
        let before = net.clone();
        let ys = vec![f64::NAN; xs.len()];
        assert!(!solve_output_layer(&mut net, &xs, &ys, &mut Workspace::default()));
        assert_eq!(net, before);
    }
}

#[test]
fn a_rank_deficient_deep_output_solve_still_reaches_the_optimum() {
    // Two last-layer units identical on the data: G = [H 1] has rank 2 of 3.
    let mut rng = run_rng(10, "lsq rank");
    let xs: Vec<f64> = (0..700).map(|_| rng.random()).collect();
    let ys: Vec<f64> = xs.iter().map(|x| x * x).collect();
    let mut net = Mlp::with_hidden(1, &[2, 2]).unwrap();
    net.set_layer(0, &[1.0, -1.0], &[0.0, 0.5]);
    net.set_layer(1, &[1.0, 1.0, 1.0, 1.0], &[0.1, 0.1]);
    assert!(solve_output_layer(&mut net, &xs, &ys, &mut Workspace::default()));
    let (got, best) = (rss(&net, &xs, &ys), oracle_rss(&net, &xs, &ys));
    assert!(got <= best * (1.0 + 1e-9), "QR {got:e} vs SVD {best:e}");
}

#[test]
fn the_hybrid_run_is_evaluated_after_its_solves_and_ends_on_one() {
    let t = Sawtooth::new(3).unwrap();
    let s = TrainSettings {
        init: Init::Torch,
        steps: 137,       // the last step is not a multiple of lsq_every: the run still ends on a solve
        eval_every: 1000, // so the only evaluations are the solves' and the last step's
        data_per_piece: 16,
        data_min: 128,
        optimizer: Optimizer::Hybrid(depthsep::train::hybrid::HybridSettings {
            lr: 1e-2,
            schedule: Schedule::Cosine { final_frac: 0.01 },
            batch: None,
            lsq_every: 50,
        }),
        dtype: Default::default(),
        sampled: Default::default(),
    };
    let ev = Evaluator::new(&t, Metric::Nmse);
    let rng = run_rng(4, "hybrid ends on a solve");
    let r = fit(&t, &[6], &s, &ev, &[1e-9], &mut rng.clone()).unwrap();
    assert_eq!(r.steps_used, 137);
    assert_eq!(r.solve_failures, 0);
    // The data the run drew, from the same stream.
    let mut rng = rng;
    let n = s.data_n(t.pieces());
    let xs: Vec<f64> = (0..n).map(|_| rng.random()).collect();
    let mut ys = vec![0.0; n];
    t.eval_batch(&xs, &mut ys);
    // The best checkpoint is a solved state: solving again changes nothing.
    let mut again = r.net.clone();
    assert!(solve_output_layer(&mut again, &xs, &ys, &mut Workspace::default()));
    let (before, after) = (rss(&r.net, &xs, &ys), rss(&again, &xs, &ys));
    assert!((before - after).abs() <= 1e-9 * before, "checkpoint RSS {before:e}, re-solved {after:e}");
}
