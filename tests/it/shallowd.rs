//! The fused d-input one-hidden-layer kernel against the layered path: the same bits for the loss,
//! every gradient entry and the forward pass, so nets of that shape may take either.

use depthsep::net::layered::{self, Gemm, Kernel, Workspace};
use depthsep::net::shallowd::{self, FusedWorkspace};
use depthsep::net::{Mlp, real::Real};
use depthsep::rng::run_rng;
use depthsep::train::Init;
use rand::RngExt;

/// (d, m, n): the chains restart every 256 units (m) and points (n); tails of every lane count.
const SHAPES: [(usize, usize, usize); 12] = [
    (2, 1, 1),
    (2, 7, 33),
    (3, 16, 256),
    (4, 17, 257),
    (8, 256, 1024),
    (5, 300, 700),
    (9, 40, 100),
    (16, 31, 515),
    (17, 64, 64),
    (32, 256, 1024),
    (40, 3, 20),
    (256, 9, 30),
];

/// Loss, gradient and outputs of a d → m → 1 net on n random points, by both paths.
fn both<T: Gemm>(d: usize, m: usize, n: usize, seed: u64) -> [(Vec<T>, Vec<T>); 2] {
    let mut net = Mlp::with_hidden(d, &[m]).unwrap();
    Init::Torch.apply(&mut net, &mut run_rng(seed, "fused net"));
    let p: Vec<T> = net.params().iter().map(|&v| T::from_f64(v)).collect();
    let mut rng = run_rng(seed, "fused data");
    let xs: Vec<T> = (0..n * d).map(|_| T::from_f64(rng.random_range(-1.0..1.0))).collect();
    let ys: Vec<T> = (0..n).map(|_| T::from_f64(rng.random_range(-1.0..1.0))).collect();
    let (mut g1, mut g2) = (vec![T::ZERO; p.len()], vec![T::ZERO; p.len()]);
    let l1 = shallowd::loss_grad_fused(net.dims(), &p, &xs, &ys, &mut g1, &mut FusedWorkspace::default());
    let mut ws = Workspace::default();
    let l2 = layered::loss_grad(net.dims(), &p, &xs, &ys, &mut g2, &mut ws);
    g1.push(l1);
    g2.push(l2);
    let mut f1 = vec![T::ZERO; n];
    shallowd::forward(net.dims(), &p, &xs, &mut f1, &mut FusedWorkspace::default());
    let f2 = layered::forward(net.dims(), &p, &xs, &mut Workspace::default()).to_vec();
    [(g1, g2), (f1, f2)]
}

fn bits<T: Real>(v: &[T]) -> Vec<u64> {
    v.iter().map(|x| x.to_f64().to_bits()).collect()
}

fn check<T: Gemm>(name: &str) {
    for (s, &(d, m, n)) in SHAPES.iter().enumerate() {
        let [(g1, g2), (f1, f2)] = both::<T>(d, m, n, s as u64);
        assert_eq!(bits(&g1), bits(&g2), "{name} loss and gradient differ at d = {d}, m = {m}, n = {n}");
        assert_eq!(bits(&f1), bits(&f2), "{name} forward differs at d = {d}, m = {m}, n = {n}");
        assert!(g1.iter().any(|g| g.to_f64() != 0.0), "{name}: an all-zero gradient proves nothing");
    }
}

#[test]
#[cfg_attr(depthsep_no_avx512, ignore = "no AVX-512F on this CPU: the fused kernel never runs here")]
fn fused_d_input_kernel_gives_the_layered_bits_in_f64() {
    assert!(shallowd::available(), "built on a CPU with AVX-512F, run on one without: rebuild (touch build.rs)");
    check::<f64>("f64");
}

#[test]
#[cfg_attr(depthsep_no_avx512, ignore = "no AVX-512F on this CPU: the fused kernel never runs here")]
fn fused_d_input_kernel_gives_the_layered_bits_in_f32() {
    assert!(shallowd::available(), "built on a CPU with AVX-512F, run on one without: rebuild (touch build.rs)");
    check::<f32>("f32");
}

#[test]
fn one_hidden_layer_d_input_nets_take_the_fused_kernel_where_it_runs() {
    let fused = shallowd::available();
    for (dims, want) in [
        (vec![8, 256, 1], fused),
        (vec![2, 1, 1], fused),
        (vec![16, 4, 1], fused),
        (vec![17, 4, 1], false),
        (vec![8, 16, 16, 1], false),
    ] {
        let k = Kernel::of_in::<f32>(&dims);
        assert_eq!(k == Kernel::ShallowD, want, "{dims:?}: {k:?}");
        assert_eq!(Kernel::of(&dims), k, "{dims:?}: f64 and f32 pick the same kernel");
        assert_eq!(shallowd::runs(&dims), fused && dims.len() == 3, "{dims:?}");
    }
    assert_eq!(Kernel::of(&[1, 64, 1]), Kernel::Shallow1d);
}
