//! The analytic MSE gradient agrees with central finite differences (relative error ≤ 1e-6, f64).

use depthsep::net::{Mlp, Workspace};
use depthsep::rng::run_rng;
use depthsep::train::Init;
use rand::RngExt;

fn check(d: usize, hidden: &[usize], seed: u64) {
    let mut rng = run_rng(seed, "gradient check");
    let mut net = Mlp::with_hidden(d, hidden).unwrap();
    Init::Torch.apply(&mut net, &mut rng);
    let n = 37;
    let xs: Vec<f64> = (0..n * d).map(|_| rng.random()).collect();
    let ys: Vec<f64> = (0..n).map(|_| rng.random()).collect();
    let mut grad = vec![0.0; net.n_params()];
    let mut ws = Workspace::default();
    net.loss_grad(&xs, &ys, &mut grad, &mut ws);
    let h = 1e-6;
    let mut worst: f64 = 0.0;
    let gnorm = grad.iter().fold(0.0f64, |m, g| m.max(g.abs()));
    for i in 0..net.n_params() {
        let mut p = net.clone();
        p.params_mut()[i] += h;
        let up = p.loss_grad(&xs, &ys, &mut vec![0.0; grad.len()], &mut ws);
        p.params_mut()[i] -= 2.0 * h;
        let down = p.loss_grad(&xs, &ys, &mut vec![0.0; grad.len()], &mut ws);
        let fd = (up - down) / (2.0 * h);
        worst = worst.max((fd - grad[i]).abs() / gnorm.max(1e-12));
    }
    assert!(
        worst <= 1e-6,
        "d={d} hidden={hidden:?}: worst relative error {worst:e}"
    );
}

#[test]
fn gradient_matches_finite_differences_on_shallow_nets() {
    check(1, &[1], 1);
    check(1, &[16], 2);
    check(1, &[200], 3);
}

#[test]
fn gradient_matches_finite_differences_on_deep_nets() {
    check(1, &[2, 2, 2, 2], 4);
    check(1, &[8, 5, 7], 5);
}

#[test]
fn gradient_matches_finite_differences_with_several_inputs() {
    check(3, &[6, 4], 6);
    check(5, &[10], 7);
}
