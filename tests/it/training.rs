//! Real (small) training runs: convergence, determinism, divergence, the least-squares solve.

use depthsep::family::sawtooth::Sawtooth;
use depthsep::rng::run_rng;
use depthsep::train::adam::AdamSettings;
use depthsep::train::hybrid::HybridSettings;
use depthsep::train::{Evaluator, Init, Metric, Optimizer, Outcome, Schedule, TrainSettings, fit};

fn settings(lr: f64) -> TrainSettings {
    TrainSettings {
        init: Init::Breakpoint,
        steps: 4000,
        eval_every: 50,
        data_per_piece: 1,
        data_min: 256,
        optimizer: Optimizer::Adam(AdamSettings { lr, schedule: Schedule::Cosine { final_frac: 0.01 }, batch: None }),
        dtype: Default::default(),
        sampled: Default::default(),
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
    c.optimizer =
        Optimizer::Hybrid(HybridSettings { lr: 5e-3, schedule: Schedule::Constant, batch: Some(64), lsq_every: 100 });
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
    c.optimizer = Optimizer::Adam(AdamSettings { lr: 1e300, schedule: Schedule::Constant, batch: None });
    let r = fit(&t, &[16, 16], &c, &ev, &[1e-3], &mut run_rng(3, "diverge")).unwrap();
    let Outcome::Diverged { step } = r.outcome else { panic!("expected divergence, got {:?}", r.outcome) };
    assert!(step < c.steps && r.steps_used == step + 1, "stopped at the divergence: {step}, {}", r.steps_used);
    assert!(r.collapsed, "a diverged run never fitted: it counts as collapsed");
    // What is reported is a finite checkpoint from before the divergence, or nothing finite at all.
    assert!(r.best.value.is_nan() || r.net.params().iter().all(|p| p.is_finite()));
}
