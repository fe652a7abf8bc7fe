//! Training in f32 (`dtype = "f32"`): the f32 kernel against f64, the documented summation order
//! of both (bits), identical bits on every instruction set, and f32 Adam runs that are
//! deterministic and reach what f64 reaches.

use depthsep::family::sawtooth::Sawtooth;
use depthsep::net::layered::loss_grad_any;
use depthsep::net::real::Real;
use depthsep::net::shallow1d::{Isa, loss_grad, loss_grad_on};
use depthsep::net::{Kernel, Mlp, Workspace};
use depthsep::rng::run_rng;
use depthsep::train::{Dtype, Evaluator, Init, Metric, TrainSettings, fit};
use rand::RngExt;

fn problem(m: usize, n: usize, seed: u64) -> (Mlp, Vec<f64>, Vec<f64>) {
    let mut rng = run_rng(seed, "single precision");
    let mut net = Mlp::with_hidden(1, &[m]).unwrap();
    Init::Breakpoint.apply(&mut net, &mut rng);
    let xs: Vec<f64> = (0..n).map(|_| rng.random()).collect();
    let ys: Vec<f64> = xs.iter().map(|&x| (7.0 * x).sin()).collect();
    (net, xs, ys)
}

/// The fused kernel written out in the order its docs state: units in order for the forward pass,
/// then per unit the three sums in `T::LANES` lanes (whole chunks), pairwise lane sums, then the tail.
fn reference<T: Real>(params: &[T], xs: &[T], ys: &[T]) -> (T, Vec<T>) {
    let m = (params.len() - 1) / 3;
    let n = xs.len();
    let relu = |z: T| if z > T::ZERO { z } else { T::ZERO };
    let pair = |v: &[T]| depthsep::net::real::sum_lanes(v);
    let mut r: Vec<T> = vec![params[3 * m]; n];
    for j in 0..m {
        for i in 0..n {
            r[i] += params[2 * m + j] * relu(params[j] * xs[i] + params[m + j]);
        }
    }
    let scale = T::from_f64(2.0 / n as f64);
    let mut loss = T::ZERO;
    for i in 0..n {
        let e = r[i] - ys[i];
        loss += e * e;
        r[i] = scale * e;
    }
    let lanes = T::LANES;
    let split = n - n % lanes;
    let mut g = vec![T::ZERO; 3 * m + 1];
    let mut s = vec![T::ZERO; lanes];
    for c in r[..split].chunks(lanes) {
        for l in 0..lanes {
            s[l] += c[l];
        }
    }
    g[3 * m] = r[split..].iter().fold(pair(&s), |t, &x| t + x);
    for j in 0..m {
        let (w, b) = (params[j], params[m + j]);
        let (mut sa, mut sx, mut s1) = (vec![T::ZERO; lanes], vec![T::ZERO; lanes], vec![T::ZERO; lanes]);
        for i in 0..split {
            let z = w * xs[i] + b;
            let on = if z > T::ZERO { r[i] } else { T::ZERO };
            sa[i % lanes] += r[i] * relu(z);
            sx[i % lanes] += on * xs[i];
            s1[i % lanes] += on;
        }
        let (mut ta, mut tx, mut t1) = (pair(&sa), pair(&sx), pair(&s1));
        for i in split..n {
            let z = w * xs[i] + b;
            if z > T::ZERO {
                ta += r[i] * z;
                tx += r[i] * xs[i];
                t1 += r[i];
            }
        }
        g[2 * m + j] = ta;
        g[j] = params[2 * m + j] * tx;
        g[m + j] = params[2 * m + j] * t1;
    }
    (T::from_f64(loss.to_f64() / n as f64), g)
}

fn bits<T: Real>(v: &[T]) -> Vec<u64> {
    v.iter().map(|x| x.to_f64().to_bits()).collect()
}

#[test]
fn both_precisions_sum_in_the_documented_order_on_every_instruction_set() {
    for (m, n) in [(1, 5), (13, 1000), (40, 1037)] {
        let (net, xs, ys) = problem(m, n, m as u64);
        let p32: Vec<f32> = net.params().iter().map(|&p| p as f32).collect();
        let (x32, y32): (Vec<f32>, Vec<f32>) =
            (xs.iter().map(|&x| x as f32).collect(), ys.iter().map(|&y| y as f32).collect());
        let (l64, g64) = reference(net.params(), &xs, &ys);
        let (l32, g32) = reference(&p32, &x32, &y32);
        for isa in [Isa::Baseline, Isa::Avx2, Isa::Avx512].into_iter().filter(|i| i.supported()) {
            let mut g = vec![0.0f64; net.n_params()];
            let l = loss_grad_on(isa, net.params(), &xs, &ys, &mut g, &mut Vec::new());
            assert_eq!((l.to_bits(), bits(&g)), (l64.to_bits(), bits(&g64)), "f64 {isa:?} m={m}");
            let mut g = vec![0.0f32; net.n_params()];
            let l = loss_grad_on(isa, &p32, &x32, &y32, &mut g, &mut Vec::new());
            assert_eq!((l.to_bits(), bits(&g)), (l32.to_bits(), bits(&g32)), "f32 {isa:?} m={m}");
        }
    }
}

#[test]
fn f32_loss_and_gradient_agree_with_f64_to_single_precision() {
    for (m, n) in [(4, 256), (64, 1024), (512, 2048)] {
        let (net, xs, ys) = problem(m, n, 100 + m as u64);
        let mut g64 = vec![0.0; net.n_params()];
        let l64 = loss_grad(net.params(), &xs, &ys, &mut g64, &mut Vec::new());
        let p32: Vec<f32> = net.params().iter().map(|&p| p as f32).collect();
        let (x32, y32): (Vec<f32>, Vec<f32>) =
            (xs.iter().map(|&x| x as f32).collect(), ys.iter().map(|&y| y as f32).collect());
        let mut g32 = vec![0.0f32; net.n_params()];
        let l32 = loss_grad(&p32, &x32, &y32, &mut g32, &mut Vec::new());
        assert!(((l32 as f64) - l64).abs() <= 1e-4 * l64.abs().max(1e-3), "m={m}: loss {l32} vs {l64}");
        let scale = g64.iter().fold(1e-6f64, |s, g| s.max(g.abs()));
        for (q, (&a, &b)) in g32.iter().zip(&g64).enumerate() {
            assert!(((a as f64) - b).abs() <= 1e-4 * scale, "m={m} param {q}: {a} vs {b}");
        }
    }
}

fn settings(dtype: &str, kind: &str) -> TrainSettings {
    let extra = if kind == "hybrid" { ", lsq_every = 100" } else { "" };
    toml::from_str(&format!(
        "init = \"breakpoint\"\nsteps = 1500\neval_every = 100\ndata_per_piece = 32\ndata_min = 256\ndtype = \"{dtype}\"\n\
         optimizer = {{ kind = \"{kind}\", lr = 1e-2{extra}, schedule = {{ kind = \"cosine\", final_frac = 0.01 }} }}"
    ))
    .unwrap()
}

#[test]
fn f32_training_is_deterministic_and_reaches_what_f64_reaches() {
    let t = Sawtooth::new(2).unwrap();
    let ev = Evaluator::new(&t, Metric::Nmse);
    for kind in ["adam", "hybrid"] {
        let s32 = settings("f32", kind);
        assert_eq!(s32.dtype, Dtype::F32);
        let run = |s: &TrainSettings| fit(&t, &[12], s, &ev, &[1e-9], &mut run_rng(3, "f32 fit")).unwrap();
        let (a, b) = (run(&s32), run(&s32));
        assert_eq!(a.best.errors.mse.to_bits(), b.best.errors.mse.to_bits(), "{kind}: f32 runs differ");
        assert_eq!(a.net.params(), b.net.params());
        // Every weight of the f32 run is an f32 (the net the evaluator saw is the f32 net).
        assert!(a.net.params().iter().all(|&p| (p as f32) as f64 == p), "{kind}");
        let f64run = run(&settings("f64", kind));
        let (e32, e64) = (a.best.value, f64run.best.value);
        assert!(e32 <= 3.0 * e64 + 1e-3, "{kind}: f32 nMSE {e32} vs f64 {e64}");
        if kind == "hybrid" {
            assert!(e32 <= 0.05, "hybrid in f32 fits Δ² with 12 units: nMSE {e32} (f64 {e64})");
        }
    }
}

#[test]
fn every_kernel_in_f32_agrees_with_f64_to_single_precision() {
    // Narrow (width ≤ 4), layered through sgemm (wider, and d > 1), fused shallow.
    for (d, hidden, kernel) in [
        (1, vec![2; 8], Kernel::Narrow),
        (1, vec![3, 1, 4], Kernel::Narrow),
        (1, vec![16; 8], Kernel::Layered),
        (1, vec![64; 4], Kernel::Layered),
        (3, vec![32, 8], Kernel::Layered),
        (1, vec![64], Kernel::Shallow1d),
    ] {
        let mut rng = run_rng(17, "f32 kernels");
        let mut net = Mlp::with_hidden(d, &hidden).unwrap();
        Init::Torch.apply(&mut net, &mut rng);
        assert_eq!(net.kernel(), kernel, "the f64 kernel");
        let k32 = Kernel::of_in::<f32>(net.dims());
        assert_eq!(k32 == Kernel::Narrow, d == 1 && hidden.len() > 1 && hidden.iter().all(|&w| w <= 8), "{k32:?}");
        let n = 1000;
        let xs: Vec<f64> = (0..n * d).map(|_| rng.random()).collect();
        let ys: Vec<f64> = (0..n).map(|i| (5.0 * xs[i * d]).cos()).collect();
        let mut g64 = vec![0.0; net.n_params()];
        let l64 = loss_grad_any(net.dims(), net.params(), &xs, &ys, &mut g64, &mut Workspace::default());
        let mut g = vec![0.0; net.n_params()];
        assert_eq!(l64.to_bits(), net.loss_grad(&xs, &ys, &mut g, &mut Workspace::default()).to_bits());
        assert_eq!(bits(&g), bits(&g64), "{hidden:?}: the dispatch is Mlp::loss_grad");
        let f = |v: &[f64]| v.iter().map(|&x| x as f32).collect::<Vec<f32>>();
        let mut g32 = vec![0.0f32; net.n_params()];
        let l32 = loss_grad_any(net.dims(), &f(net.params()), &f(&xs), &f(&ys), &mut g32, &mut Workspace::default());
        assert!(((l32 as f64) - l64).abs() <= 1e-4 * l64.max(1e-3), "{hidden:?}: loss {l32} vs {l64}");
        let scale = g64.iter().fold(1e-6f64, |s, g| s.max(g.abs()));
        for (q, (&a, &b)) in g32.iter().zip(&g64).enumerate() {
            assert!(((a as f64) - b).abs() <= 2e-4 * scale, "{hidden:?} param {q}: {a} vs {b}");
        }
    }
}

#[test]
fn f32_deep_training_is_deterministic() {
    let t = Sawtooth::new(3).unwrap();
    let ev = Evaluator::new(&t, Metric::Nmse);
    let s = settings("f32", "hybrid");
    for hidden in [vec![2; 3], vec![8; 3]] {
        let run = || fit(&t, &hidden, &s, &ev, &[1e-9], &mut run_rng(5, "f32 deep")).unwrap();
        let (a, b) = (run(), run());
        assert_eq!(a.net.params(), b.net.params(), "{hidden:?}");
        assert!(a.net.params().iter().all(|&p| (p as f32) as f64 == p), "{hidden:?}: not an f32 net");
        assert!(a.best.value < 1.0, "{hidden:?}: nMSE {}", a.best.value);
    }
}
