//! The analytic MSE gradient agrees with central finite differences (relative error ≤ 1e-6, f64).

use depthsep::net::{Mlp, Workspace};
use depthsep::rng::run_rng;
use depthsep::train::Init;
use rand::RngExt;

/// A torch-initialised net with `d` inputs and `n` random points and values.
fn random_problem(d: usize, hidden: &[usize], n: usize, seed: u64, tag: &str) -> (Mlp, Vec<f64>, Vec<f64>) {
    let mut rng = run_rng(seed, tag);
    let mut net = Mlp::with_hidden(d, hidden).unwrap();
    Init::Torch.apply(&mut net, &mut rng);
    let xs: Vec<f64> = (0..n * d).map(|_| rng.random()).collect();
    let ys: Vec<f64> = (0..n).map(|_| rng.random()).collect();
    (net, xs, ys)
}

fn check(d: usize, hidden: &[usize], seed: u64) {
    let (net, xs, ys) = random_problem(d, hidden, 37, seed, "gradient check");
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
    assert!(worst <= 1e-6, "d={d} hidden={hidden:?}: worst relative error {worst:e}");
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

/// The dispatched fast path (`forward`, `loss_grad`) agrees with the generic GEMM path.
fn assert_fast_path_agrees_with_layered(hidden: &[usize], n: usize, init: Init) {
    let mut rng = run_rng(hidden.iter().sum::<usize>() as u64 + n as u64, "fast vs layered");
    let mut net = Mlp::with_hidden(1, hidden).unwrap();
    init.apply(&mut net, &mut rng);
    let xs: Vec<f64> = (0..n).map(|_| rng.random()).collect();
    let ys: Vec<f64> = (0..n).map(|_| rng.random()).collect();
    let (mut g1, mut g2) = (vec![0.0; net.n_params()], vec![0.0; net.n_params()]);
    let mut ws = Workspace::default();
    let l1 = net.loss_grad(&xs, &ys, &mut g1, &mut ws);
    let l2 = net.loss_grad_layered(&xs, &ys, &mut g2, &mut ws);
    assert!((l1 - l2).abs() <= 1e-12 * l2.abs().max(1.0), "{hidden:?} n={n}: loss {l1} vs {l2}");
    let mut fast = vec![0.0; n];
    net.forward(&xs, &mut fast);
    let layered = net.forward_ws(&xs, &mut ws).to_vec();
    for (a, b) in fast.iter().zip(&layered) {
        assert!((a - b).abs() <= 1e-12 * b.abs().max(1.0), "{hidden:?}: forward {a} vs {b}");
    }
    let scale = g2.iter().fold(1e-300f64, |s, g| s.max(g.abs()));
    for (i, (a, b)) in g1.iter().zip(&g2).enumerate() {
        assert!((a - b).abs() <= 1e-11 * scale, "{hidden:?} n={n} param {i}: {a} vs {b}");
    }
}

#[test]
fn fused_shallow_kernel_agrees_with_the_layered_path() {
    for (m, n) in [(1, 1), (3, 7), (16, 64), (257, 1000), (64, 4099)] {
        assert_fast_path_agrees_with_layered(&[m], n, Init::Breakpoint);
    }
}

#[test]
fn fused_kernel_gives_identical_bits_on_every_instruction_set() {
    use depthsep::net::shallow1d::{Isa, loss_grad_on};
    let mut rng = run_rng(5, "isa");
    let mut net = Mlp::with_hidden(1, &[37]).unwrap();
    Init::Breakpoint.apply(&mut net, &mut rng);
    let xs: Vec<f64> = (0..1001).map(|_| rng.random()).collect();
    let ys: Vec<f64> = (0..1001).map(|_| rng.random()).collect();
    let run = |isa| {
        let mut g = vec![0.0; net.n_params()];
        let l = loss_grad_on(isa, net.params(), &xs, &ys, &mut g, &mut Vec::new());
        (l.to_bits(), g.iter().map(|v| v.to_bits()).collect::<Vec<_>>())
    };
    let base = run(Isa::Baseline);
    for isa in [Isa::Avx2, Isa::Avx512].into_iter().filter(|i| i.supported()) {
        assert_eq!(run(isa), base, "{isa:?} differs from baseline");
    }
}

#[test]
fn fused_kernel_adds_units_in_unit_order_whatever_the_blocking() {
    // The kernel sweeps the batch once per block of units; the forward pass and the loss must be
    // the bits of the plain unit-by-unit sum c + a_0 σ(w_0 x + b_0) + a_1 σ(…) + … (m = 1..=9 covers
    // whole blocks, remainders and both).
    for m in 1..=9 {
        let mut rng = run_rng(m as u64, "unit order");
        let mut net = Mlp::with_hidden(1, &[m]).unwrap();
        Init::Breakpoint.apply(&mut net, &mut rng);
        let xs: Vec<f64> = (0..203).map(|_| rng.random()).collect();
        let p = net.params();
        let want: Vec<f64> = xs
            .iter()
            .map(|&x| {
                (0..m).fold(p[3 * m], |f, j| {
                    let z = p[j] * x + p[m + j];
                    f + p[2 * m + j] * if z > 0.0 { z } else { 0.0 }
                })
            })
            .collect();
        let mut out = vec![0.0; xs.len()];
        net.forward(&xs, &mut out);
        assert!(out.iter().zip(&want).all(|(a, b)| a.to_bits() == b.to_bits()), "m = {m}");
    }
}

#[test]
fn narrow_net_kernel_agrees_with_the_layered_path() {
    for (hidden, n) in [(vec![2; 8], 1024), (vec![3, 1, 4], 77), (vec![4; 12], 1000), (vec![1, 1], 5)] {
        assert_fast_path_agrees_with_layered(&hidden, n, Init::Torch);
    }
}

/// Residuals and their Jacobian for Gauss–Newton: Jᵀr·2/n is the MSE gradient, and each column is
/// the central finite difference of the residuals.
fn check_jacobian(d: usize, hidden: &[usize], seed: u64) {
    let n = 23;
    let (net, xs, ys) = random_problem(d, hidden, n, seed, "jacobian check");
    let p = net.n_params();
    let (mut r, mut jac, mut ws) = (Vec::new(), Vec::new(), Workspace::default());
    net.residuals(&xs, &ys, &mut r);
    net.jacobian(&xs, &mut jac, &mut ws);
    assert_eq!(jac.len(), n * p);
    let mut grad = vec![0.0; p];
    net.loss_grad(&xs, &ys, &mut grad, &mut ws);
    let scale = grad.iter().fold(1e-12f64, |m, g| m.max(g.abs()));
    for q in 0..p {
        let jtr: f64 = (0..n).map(|i| jac[i * p + q] * r[i]).sum::<f64>() * 2.0 / n as f64;
        assert!((jtr - grad[q]).abs() <= 1e-10 * scale, "{hidden:?} param {q}: Jᵀr {jtr} vs grad {}", grad[q]);
        let (mut up, mut down) = (net.clone(), net.clone());
        up.params_mut()[q] += 1e-6;
        down.params_mut()[q] -= 1e-6;
        let (mut ru, mut rd) = (Vec::new(), Vec::new());
        up.residuals(&xs, &ys, &mut ru);
        down.residuals(&xs, &ys, &mut rd);
        for i in 0..n {
            let fd = (ru[i] - rd[i]) / 2e-6;
            assert!((fd - jac[i * p + q]).abs() <= 1e-6 * (1.0 + fd.abs()), "{hidden:?} J[{i},{q}]");
        }
    }
}

#[test]
fn jacobian_of_the_residuals_matches_the_gradient_and_finite_differences() {
    check_jacobian(1, &[5], 11);
    check_jacobian(1, &[4, 6, 3], 12);
    check_jacobian(3, &[7, 2], 13);
}
