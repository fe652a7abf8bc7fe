//! Real (small) training runs: convergence, determinism, divergence, the least-squares solve.

use depthsep::family::{Target, sawtooth::Sawtooth};
use depthsep::net::{Mlp, Workspace};
use depthsep::rng::run_rng;
use depthsep::train::{Evaluator, Init, Metric, Optimizer, Outcome, Schedule, TrainSettings, fit, solve_output_layer};
use rand::RngExt;

fn settings(lr: f64) -> TrainSettings {
    TrainSettings {
        init: Init::Breakpoint,
        steps: 4000,
        eval_every: 50,
        data_per_piece: 1,
        data_min: 256,
        optimizer: Optimizer::Adam { lr, schedule: Schedule::Cosine { final_frac: 0.01 }, batch: None },
    }
}

#[test]
fn width_8_shallow_net_learns_sawtooth_2_to_nmse_1e_3() {
    let t = Sawtooth::new(2).unwrap();
    let ev = Evaluator::new(&t, Metric::Nmse);
    let r = fit(&t, &[8], &settings(1e-2), &ev, &[1e-1, 1e-2, 1e-3], &mut run_rng(1, "train test")).unwrap();
    assert!(r.best.value <= 1e-3, "normalised MSE {} after {} steps", r.best.value, r.steps_used);
    assert_eq!(r.outcome, Outcome::Reached);
    assert!(!r.collapsed);
    // The ladder is met in order: looser tolerances no later than tighter ones.
    let steps: Vec<usize> = r.reached.iter().map(|s| s.unwrap()).collect();
    assert!(steps.windows(2).all(|w| w[0] <= w[1]), "{steps:?}");
}

#[test]
fn the_same_run_twice_gives_byte_identical_weights() {
    let t = Sawtooth::new(3).unwrap();
    let ev = Evaluator::new(&t, Metric::Nmse);
    let mut c = settings(5e-3);
    c.steps = 300;
    c.optimizer = Optimizer::Hybrid { lr: 5e-3, schedule: Schedule::Constant, batch: Some(64), lsq_every: 100 };
    let a = fit(&t, &[3, 3, 3], &c, &ev, &[1e-3], &mut run_rng(9, "det")).unwrap();
    let b = fit(&t, &[3, 3, 3], &c, &ev, &[1e-3], &mut run_rng(9, "det")).unwrap();
    let bits = |p: &[f64]| p.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
    assert_eq!(bits(a.net.params()), bits(b.net.params()));
    assert_eq!(a.best.value.to_bits(), b.best.value.to_bits());
    let c2 = fit(&t, &[3, 3, 3], &c, &ev, &[1e-3], &mut run_rng(10, "det")).unwrap();
    assert_ne!(bits(a.net.params()), bits(c2.net.params()), "a different seed must give a different run");
}

#[test]
fn an_absurd_learning_rate_ends_as_diverged_without_panic() {
    let t = Sawtooth::new(4).unwrap();
    let ev = Evaluator::new(&t, Metric::Nmse);
    let mut c = settings(1e300);
    c.init = Init::Torch;
    c.optimizer = Optimizer::Adam { lr: 1e300, schedule: Schedule::Constant, batch: None };
    let r = fit(&t, &[16, 16], &c, &ev, &[1e-3], &mut run_rng(3, "diverge")).unwrap();
    let Outcome::Diverged { step } = r.outcome else { panic!("expected divergence, got {:?}", r.outcome) };
    assert!(step < c.steps && r.steps_used == step + 1, "stopped at the divergence: {step}, {}", r.steps_used);
    assert!(r.collapsed, "a diverged run never fitted: it counts as collapsed");
    // What is reported is a finite checkpoint from before the divergence, or nothing finite at all.
    assert!(r.best.value.is_nan() || r.net.params().iter().all(|p| p.is_finite()));
}

/// Random 1→m→1 hidden layer and data; returns (net, xs, ys).
fn problem(m: usize, n: usize, seed: u64) -> (Mlp, Vec<f64>, Vec<f64>) {
    let mut rng = run_rng(seed, "lsq");
    let mut net = Mlp::with_hidden(1, &[m]).unwrap();
    Init::Breakpoint.apply(&mut net, &mut rng);
    let xs: Vec<f64> = (0..n).map(|_| rng.random()).collect();
    let ys: Vec<f64> = xs.iter().map(|x: &f64| (7.0 * x).sin() + x * x).collect();
    (net, xs, ys)
}

#[test]
fn output_solve_satisfies_the_documented_ridge_normal_equations_and_beats_perturbations() {
    // (GᵀG + λI)θ = Gᵀy with G = [H 1], λ = 1e-10·tr(GᵀG)/(m+1): so Gᵀ(y − Gθ) = λθ exactly.
    for (m, seed) in [(3, 1), (10, 2), (40, 3)] {
        let (mut net, xs, ys) = problem(m, 500, seed);
        assert!(solve_output_layer(&mut net, &xs, &ys, &mut Workspace::default()));
        let mut r = Vec::new();
        net.residuals(&xs, &ys, &mut r); // f − y = −(y − Gθ)
        let (w, b) = net.layer(0);
        let cols: Vec<Vec<f64>> = (0..m)
            .map(|j| xs.iter().map(|x| (w[j] * x + b[j]).max(0.0)).collect())
            .chain(std::iter::once(vec![1.0; xs.len()]))
            .collect();
        let trace: f64 = cols.iter().map(|c| c.iter().map(|v| v * v).sum::<f64>()).sum();
        let lambda = 1e-10 * trace / (m + 1) as f64;
        let (a, c) = net.layer(1);
        let theta: Vec<f64> = a.iter().copied().chain(std::iter::once(c[0])).collect();
        let gty: f64 =
            cols.iter().map(|c| c.iter().zip(&ys).map(|(c, y)| c * y).sum::<f64>().abs()).fold(0.0, f64::max);
        for (j, col) in cols.iter().enumerate() {
            let gtr: f64 = -col.iter().zip(&r).map(|(c, r)| c * r).sum::<f64>();
            assert!(
                (gtr - lambda * theta[j]).abs() <= 1e-9 * gty,
                "m={m} column {j}: {gtr:e} vs λθ {:e}",
                lambda * theta[j]
            );
        }
        // And a perturbed output layer does worse.
        let rss = |net: &Mlp| {
            let mut r = Vec::new();
            net.residuals(&xs, &ys, &mut r);
            r.iter().map(|v| v * v).sum::<f64>()
        };
        let mut worse = net.clone();
        worse.layer_mut(1).0[0] += 1e-3;
        assert!(rss(&worse) > rss(&net));
    }
}

#[test]
fn output_solve_recovers_the_exact_shallow_construction_from_its_hidden_layer() {
    let k = 4;
    let exact = depthsep::family::sawtooth::construct::exact_shallow(k).unwrap();
    let t = Sawtooth::new(k).unwrap();
    let xs: Vec<f64> = (0..1000).map(|i| (i as f64 + 0.5) / 1000.0).collect();
    let mut ys = vec![0.0; xs.len()];
    t.eval_batch(&xs, &mut ys);
    let mut net = exact.clone();
    net.layer_mut(1).0.fill(0.0);
    assert!(solve_output_layer(&mut net, &xs, &ys, &mut Workspace::default()));
    let e = Evaluator::new(&t, Metric::Nmse).eval(&net).unwrap();
    // Exact up to the ridge's bias (TRAINERS.md §1: it grows with k and caps the error from k ≈ 9).
    assert!(e.value < 1e-10, "exact hidden layer, solved output: nMSE {:e}", e.value);
}

#[test]
fn a_singular_output_solve_reports_failure_and_leaves_the_net_unchanged() {
    let (mut net, xs, _) = problem(4, 50, 9);
    let before = net.clone();
    let ys = vec![f64::NAN; xs.len()];
    assert!(!solve_output_layer(&mut net, &xs, &ys, &mut Workspace::default()));
    assert_eq!(net, before);
}
