//! Criterion benchmarks: one training step on the six canonical workloads of shared/bench
//! (batch 1024, f64 and f32), inference of the constructed deep net vs the exact shallow net for Δ^k, and a
//! small end-to-end width search, the f64/f32 GEMM rates and FMA peaks of this machine, and the free-knot trainer (one
//! LM iteration and one whole sweep at k = 10 and 14). Settings live in `config()`.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use depthsep::family::sawtooth::construct;
use depthsep::net::{Mlp, Workspace};
use depthsep::rng::run_rng;
use depthsep::suite::{RunOptions, load_suite, run_suite};
use depthsep::train::single::Single;
use depthsep::train::{Adam, Data, Init};
use rand::RngExt;
use std::hint::black_box;
use std::time::Duration;

const BATCH: usize = depthsep::costs::BATCH;

/// The canonical workloads: (name, hidden widths).
fn workloads() -> Vec<(&'static str, Vec<usize>)> {
    vec![
        ("shallow_m16", vec![16]),
        ("shallow_m256", vec![256]),
        ("shallow_m4096", vec![4096]),
        ("deep_w2_L8", vec![2; 8]),
        ("deep_w16_L8", vec![16; 8]),
        ("deep_w64_L16", vec![64; 16]),
    ]
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(20)
}

fn batch(seed: u64) -> (Vec<f64>, Vec<f64>) {
    let mut rng = run_rng(seed, "bench batch");
    let xs: Vec<f64> = (0..BATCH).map(|_| rng.random()).collect();
    let ys = xs.iter().map(|x| 2.0 * x.min(1.0 - x)).collect();
    (xs, ys)
}

type Group<'a> = criterion::BenchmarkGroup<'a, criterion::measurement::WallTime>;

/// Bench one training step (loss, gradient, Adam update) of `net` on the batch.
fn bench_train(g: &mut Group, id: BenchmarkId, mut net: Mlp, xs: &[f64], ys: &[f64]) {
    let mut grad = vec![0.0; net.n_params()];
    let mut ws = Workspace::default();
    let mut adam = Adam::new(net.n_params());
    g.bench_function(id, |b| {
        b.iter(|| {
            let loss = net.loss_grad(xs, ys, &mut grad, &mut ws);
            adam.step(net.params_mut(), &grad, 1e-3);
            black_box(loss)
        })
    });
}

/// Bench one inference pass of `net` over the batch.
fn bench_infer(g: &mut Group, id: BenchmarkId, net: &Mlp, xs: &[f64]) {
    let mut out = vec![0.0; xs.len()];
    g.bench_function(id, |b| {
        b.iter(|| {
            net.forward(xs, &mut out);
            black_box(out[0])
        })
    });
}

/// Bench one f32 training step as `dtype = "f32"` runs it (train::single: the net's weights read
/// and written back, f32 loss, gradient and Adam update).
fn bench_train_f32(g: &mut Group, id: BenchmarkId, mut net: Mlp, xs: &[f64], ys: &[f64], d: usize) {
    let data = Data { xs: xs.to_vec(), ys: ys.to_vec(), d };
    let mut single = Single::new(net.n_params());
    let mut rng = run_rng(9, "bench f32");
    g.bench_function(id, |b| b.iter(|| black_box(single.step(&mut net, &data, None, 1e-3, &mut rng))));
}

/// The many-input workloads (`torch_step.py --dim D`): (d, name, hidden widths).
fn workloads_many() -> Vec<(usize, &'static str, Vec<usize>)> {
    [8, 32].into_iter().flat_map(|d| [(d, "shallow_m256", vec![256]), (d, "deep_w16_L4", vec![16; 4])]).collect()
}

/// A batch of `d`-input points with the max of the inputs as target (as `torch_step.py --dim`).
fn batch_many(seed: u64, d: usize) -> (Vec<f64>, Vec<f64>) {
    let mut rng = run_rng(seed, "bench batch many");
    let xs: Vec<f64> = (0..BATCH * d).map(|_| rng.random()).collect();
    let ys = xs.chunks_exact(d).map(|p| p.iter().copied().fold(f64::MIN, f64::max)).collect();
    (xs, ys)
}

fn train_step(c: &mut Criterion) {
    let mut g = c.benchmark_group("train_step");
    let (xs, ys) = batch(1);
    for (name, hidden) in workloads() {
        let mut net = Mlp::with_hidden(1, &hidden).unwrap();
        Init::Torch.apply(&mut net, &mut run_rng(2, name));
        bench_train(&mut g, BenchmarkId::new("f64", name), net.clone(), &xs, &ys);
        bench_train_f32(&mut g, BenchmarkId::new("f32", name), net, &xs, &ys, 1);
    }
    for (d, name, hidden) in workloads_many() {
        let (xs, ys) = batch_many(1, d);
        let mut net = Mlp::with_hidden(d, &hidden).unwrap();
        Init::Torch.apply(&mut net, &mut run_rng(2, name));
        let id = format!("d{d}_{name}");
        bench_train(&mut g, BenchmarkId::new("f64", &id), net.clone(), &xs, &ys);
        bench_train_f32(&mut g, BenchmarkId::new("f32", &id), net, &xs, &ys, d);
    }
    g.finish();
}

/// The two f32 paths for deep 1-input nets, loss and gradient only: feature-major narrow vs the
/// layered path (blocked GEMM on AVX-512, else packed sgemm): what sets `Real::NARROW_MAX` for f32.
fn f32_kernels(c: &mut Criterion) {
    use depthsep::net::layered;
    use depthsep::net::narrow::{self, NarrowWorkspace};
    let mut g = c.benchmark_group("f32_kernels");
    let (xs, ys) = batch(1);
    let (xs, ys): (Vec<f32>, Vec<f32>) =
        (xs.iter().map(|&x| x as f32).collect(), ys.iter().map(|&y| y as f32).collect());
    for (w, l) in [(8, 8), (16, 8), (32, 8), (64, 16)] {
        let mut net = Mlp::with_hidden(1, &vec![w; l]).unwrap();
        Init::Torch.apply(&mut net, &mut run_rng(2, "f32 kernels"));
        let p: Vec<f32> = net.params().iter().map(|&v| v as f32).collect();
        let mut grad = vec![0.0f32; p.len()];
        let name = format!("w{w}_L{l}");
        let mut ws = NarrowWorkspace::default();
        g.bench_function(BenchmarkId::new("narrow", &name), |b| {
            b.iter(|| black_box(narrow::loss_grad(net.dims(), &p, &xs, &ys, &mut grad, &mut ws)))
        });
        let mut ws = Workspace::<f32>::default();
        g.bench_function(BenchmarkId::new("layered", &name), |b| {
            b.iter(|| black_box(layered::loss_grad(net.dims(), &p, &xs, &ys, &mut grad, &mut ws)))
        });
    }
    g.finish();
}

/// The two paths for one-hidden-layer d-input nets, loss and gradient only (batch 1024, m = 256,
/// max of the inputs as target): the fused kernel against the layered path, at d = 2..32. The two
/// give the same bits; this measures where the fused one is faster (`shallowd::FUSED_MAX_D`).
fn shallowd_kernels(c: &mut Criterion) {
    use depthsep::net::{layered, shallowd};
    fn one<T: layered::Gemm>(g: &mut Group, ty: &str, d: usize) {
        let (xs, ys) = batch_many(1, d);
        let xs: Vec<T> = xs.iter().map(|&x| T::from_f64(x)).collect();
        let ys: Vec<T> = ys.iter().map(|&y| T::from_f64(y)).collect();
        let mut net = Mlp::with_hidden(d, &[256]).unwrap();
        Init::Torch.apply(&mut net, &mut run_rng(2, "shallowd kernels"));
        let p: Vec<T> = net.params().iter().map(|&v| T::from_f64(v)).collect();
        let mut grad = vec![T::ZERO; p.len()];
        let name = format!("{ty}_d{d}");
        let mut ws = shallowd::FusedWorkspace::<T>::default();
        g.bench_function(BenchmarkId::new("fused", &name), |b| {
            b.iter(|| black_box(shallowd::loss_grad_fused(net.dims(), &p, &xs, &ys, &mut grad, &mut ws)))
        });
        let mut ws = Workspace::<T>::default();
        g.bench_function(BenchmarkId::new("layered", &name), |b| {
            b.iter(|| black_box(layered::loss_grad(net.dims(), &p, &xs, &ys, &mut grad, &mut ws)))
        });
    }
    if !depthsep::net::shallowd::available() {
        return;
    }
    let mut g = c.benchmark_group("shallowd_kernels");
    for d in [2, 4, 8, 12, 16, 24, 32] {
        one::<f64>(&mut g, "f64", d);
        one::<f32>(&mut g, "f32", d);
    }
    g.finish();
}

fn inference(c: &mut Criterion) {
    let mut g = c.benchmark_group("inference");
    let (xs, _) = batch(3);
    for k in 2..=12u32 {
        let deep = construct::telgarsky_deep(k).unwrap();
        let shallow = construct::exact_shallow(k).unwrap();
        bench_infer(&mut g, BenchmarkId::new("deep", k), &deep, &xs);
        bench_infer(&mut g, BenchmarkId::new("shallow", k), &shallow, &xs);
    }
    g.finish();
}

/// The three products of one layer of a deep net at batch 1024 (forward n×a·a×b, weight gradient
/// b×n·n×a, input gradient n×b·b×a), blocked against packed GEMM (the same bits), throughput in
/// FLOPs (2·m·k·n) so criterion prints GFLOP/s.
fn layer_gemm(c: &mut Criterion) {
    use depthsep::net::layered::{Gemm, Product};
    fn one<T: Gemm>(g: &mut Group, ty: &str, (m, k, n): (usize, usize, usize)) {
        let a = vec![T::from_f64(0.5); m * k];
        let b = vec![T::from_f64(0.25); k * n];
        let mut out = vec![T::ZERO; m * n];
        let p = Product {
            m,
            k,
            n,
            a: a.as_ptr(),
            rsa: k as isize,
            csa: 1,
            b: b.as_ptr(),
            ldb: n,
            acc: false,
            c: out.as_mut_ptr(),
            ldc: n,
        };
        g.throughput(criterion::Throughput::Elements((2 * m * k * n) as u64));
        let shape = format!("{ty}_{m}x{k}x{n}");
        g.bench_function(BenchmarkId::new("blocked", &shape), |bch| {
            // SAFETY: the buffers have exactly these shapes.
            bch.iter(|| unsafe { T::gemm(p) })
        });
        g.bench_function(BenchmarkId::new("packed", &shape), |bch| {
            // SAFETY: as above.
            bch.iter(|| unsafe { T::gemm_packed(p) })
        });
    }
    let mut g = c.benchmark_group("layer_gemm");
    for w in [16, 64] {
        for shape in [(BATCH, w, w), (w, BATCH, w)] {
            one::<f64>(&mut g, "f64", shape);
            one::<f32>(&mut g, "f32", shape);
        }
    }
    g.finish();
}

/// The machine's f64 GEMM rate through the same `matrixmultiply` kernel the deep path uses
/// (2·n³ FLOPs per call), to express the train steps as a fraction of a measured peak.
fn gemm_peak(c: &mut Criterion) {
    let mut g = c.benchmark_group("gemm_peak");
    let n = 1024;
    let a = vec![1.0001f64; n * n];
    let b = vec![0.9999f64; n * n];
    let mut out = vec![0.0f64; n * n];
    g.bench_function(BenchmarkId::new("dgemm_f64", n), |bch| {
        bch.iter(|| unsafe {
            matrixmultiply::dgemm(
                n,
                n,
                n,
                1.0,
                a.as_ptr(),
                n as isize,
                1,
                b.as_ptr(),
                n as isize,
                1,
                0.0,
                out.as_mut_ptr(),
                n as isize,
                1,
            );
            black_box(out[0])
        })
    });
    let a32 = vec![1.0001f32; n * n];
    let b32 = vec![0.9999f32; n * n];
    let mut out32 = vec![0.0f32; n * n];
    g.bench_function(BenchmarkId::new("sgemm_f32", n), |bch| {
        bch.iter(|| unsafe {
            matrixmultiply::sgemm(
                n,
                n,
                n,
                1.0,
                a32.as_ptr(),
                n as isize,
                1,
                b32.as_ptr(),
                n as isize,
                1,
                0.0,
                out32.as_mut_ptr(),
                n as isize,
                1,
            );
            black_box(out32[0])
        })
    });
    // What the core can do: 12 independent chains of full-width FMAs (2 FLOPs per lane), so
    // GFLOP/s = 2 · 12 · lanes · FMA_ITERS / time. Lanes: 8 f64 / 16 f32 with AVX-512, else 4 / 8.
    for (name, flops) in [("fma_f64", fma::flops_f64()), ("fma_f32", fma::flops_f32())] {
        g.throughput(criterion::Throughput::Elements(flops));
        g.bench_function(BenchmarkId::new(name, flops), |bch| {
            bch.iter(|| if name == "fma_f64" { black_box(fma::run_f64()) } else { black_box(fma::run_f32() as f64) })
        });
    }
    g.finish();
}

/// The FMA peak loops (x86-64; elsewhere a portable loop the compiler may not keep at full width).
mod fma {
    pub const ITERS: usize = 100_000;
    const CHAINS: usize = 12;

    fn avx512() -> bool {
        #[cfg(target_arch = "x86_64")]
        {
            std::arch::is_x86_feature_detected!("avx512f") && std::arch::is_x86_feature_detected!("fma")
        }
        #[cfg(not(target_arch = "x86_64"))]
        false
    }

    /// FLOPs of one [`run_f64`].
    pub fn flops_f64() -> u64 {
        (2 * CHAINS * if avx512() { 8 } else { 4 } * ITERS) as u64
    }
    /// FLOPs of one [`run_f32`].
    pub fn flops_f32() -> u64 {
        (2 * CHAINS * if avx512() { 16 } else { 8 } * ITERS) as u64
    }

    macro_rules! chains {
        ($name:ident, $t:ty, $lanes:expr) => {
            #[inline(always)]
            fn $name(x: $t, y: $t) -> $t {
                let mut acc = [[1.0 as $t; $lanes]; CHAINS];
                for _ in 0..ITERS {
                    for c in acc.iter_mut() {
                        for v in c.iter_mut() {
                            *v = v.mul_add(x, y);
                        }
                    }
                }
                acc.iter().flatten().sum()
            }
        };
    }
    chains!(f64x8, f64, 8);
    chains!(f64x4, f64, 4);
    #[cfg(not(target_arch = "x86_64"))]
    chains!(f32x8, f32, 8);

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f,fma")]
    fn f64_512(x: f64, y: f64) -> f64 {
        f64x8(x, y)
    }
    // f32 through intrinsics: LLVM did not keep the portable f32 loop in registers (3.2 GFLOP/s).
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f,fma")]
    fn f32_512(x: f32, y: f32) -> f32 {
        use std::arch::x86_64::*;
        let (vx, vy) = (_mm512_set1_ps(x), _mm512_set1_ps(y));
        let mut acc = [_mm512_set1_ps(1.0); CHAINS];
        for _ in 0..ITERS {
            for a in acc.iter_mut() {
                *a = _mm512_fmadd_ps(*a, vx, vy);
            }
        }
        acc.iter().map(|a| _mm512_reduce_add_ps(*a)).sum()
    }
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,fma")]
    fn f64_256(x: f64, y: f64) -> f64 {
        f64x4(x, y)
    }
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,fma")]
    fn f32_256(x: f32, y: f32) -> f32 {
        use std::arch::x86_64::*;
        let (vx, vy) = (_mm256_set1_ps(x), _mm256_set1_ps(y));
        let mut acc = [_mm256_set1_ps(1.0); CHAINS];
        for _ in 0..ITERS {
            for a in acc.iter_mut() {
                *a = _mm256_fmadd_ps(*a, vx, vy);
            }
        }
        let mut total = 0.0;
        for a in acc {
            let mut lanes = [0f32; 8];
            // SAFETY: `lanes` holds 8 f32.
            unsafe { _mm256_storeu_ps(lanes.as_mut_ptr(), a) };
            total += lanes.iter().sum::<f32>();
        }
        total
    }

    /// One run of the f64 loop.
    pub fn run_f64() -> f64 {
        let (x, y) = (std::hint::black_box(0.999_999), std::hint::black_box(1e-6));
        #[cfg(target_arch = "x86_64")]
        // SAFETY: the features were detected at run time.
        unsafe {
            if avx512() { f64_512(x, y) } else { f64_256(x, y) }
        }
        #[cfg(not(target_arch = "x86_64"))]
        f64x4(x, y)
    }

    /// One run of the f32 loop.
    pub fn run_f32() -> f32 {
        let (x, y) = (std::hint::black_box(0.999_9f32), std::hint::black_box(1e-4f32));
        #[cfg(target_arch = "x86_64")]
        // SAFETY: the features were detected at run time.
        unsafe {
            if avx512() { f32_512(x, y) } else { f32_256(x, y) }
        }
        #[cfg(not(target_arch = "x86_64"))]
        f32x8(x, y)
    }
}

/// Whether a long benchmark of `group` was asked for: a filter argument naming the group
/// (`cargo bench -- matched`) or `DEPTHSEP_BENCH_LONG=1`. Plain `cargo bench` skips the long ones so
/// it finishes in under 10 minutes on 2 cores.
fn asked(group: &str) -> bool {
    std::env::args().skip(1).any(|a| a.contains(group)) || std::env::var_os("DEPTHSEP_BENCH_LONG").is_some()
}

/// Inference and one training step of every constructed deep reference and every matched shallow
/// width in the committed `reports/results.json`, named as `depthsep costs` expects. About 20
/// minutes on 2 cores, so it runs only when asked ([`asked`]).
fn matched(c: &mut Criterion) {
    if !asked("matched") {
        eprintln!("matched: skipped by default (about 20 min); run `cargo bench -- matched` to time the matched nets");
        return;
    }
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("reports/results.json");
    let Ok(results) = depthsep::results::Results::read(&path) else {
        eprintln!("matched: no readable {}; skipped", path.display());
        return;
    };
    let mut g = c.benchmark_group("matched");
    g.measurement_time(Duration::from_secs(1)).warm_up_time(Duration::from_millis(300)).sample_size(10);
    let (xs, ys) = batch(4);
    for hidden in depthsep::costs::nets(&results) {
        let label = depthsep::costs::label(&hidden);
        let mut net = Mlp::with_hidden(1, &hidden).unwrap();
        Init::Breakpoint.apply(&mut net, &mut run_rng(5, &label));
        bench_infer(&mut g, BenchmarkId::new("infer", &label), &net, &xs);
        bench_train(&mut g, BenchmarkId::new("train", &label), net, &xs, &ys);
    }
    g.finish();
}

fn search(c: &mut Criterion) {
    let mut g = c.benchmark_group("search");
    g.sample_size(10);
    let cfg = load_suite("tiny").unwrap();
    g.bench_function("tiny_suite", |b| {
        b.iter(|| {
            let dir = tempfile::tempdir().unwrap();
            run_suite(&cfg, &RunOptions { out: dir.path().to_path_buf(), threads: 1, progress: false, shard: None })
                .unwrap()
        })
    });
    g.finish();
}

/// The free-knot trainer on Δ^k (32 samples per piece, as in the suites): one global
/// Levenberg–Marquardt iteration over all knots of a width-2^k fit, and one whole sweep to nMSE 1e-3.
fn freeknot(c: &mut Criterion) {
    use depthsep::family::{Objective, sawtooth::Sawtooth};
    use depthsep::net::Pwl;
    use depthsep::train::freeknot::{Control, FreeknotSettings, Samples, Spline, lm, sweep};
    let setup = |k: u32| {
        let t = Sawtooth::new(k).unwrap();
        let n = 32usize << k;
        let mut rng = run_rng(1, "bench freeknot");
        let xs: Vec<f64> = (0..n).map(|_| rng.random()).collect();
        let mut ys = vec![0.0; n];
        t.eval_batch(&xs, &mut ys);
        (t.pwl().unwrap(), Samples::new(&xs, &ys))
    };
    let cfg = FreeknotSettings::default();
    let mut g = c.benchmark_group("freeknot");
    g.sample_size(10);
    for k in [10u32, 14] {
        let (exact, s) = setup(k);
        let mut at = Spline::affine();
        sweep(&s, &cfg, 1 << k, |m, sp| {
            if m == 1 << k {
                at = sp.clone();
            }
            Control::Continue
        });
        let knots = at.interior();
        g.bench_function(BenchmarkId::new("lm_iteration", format!("k{k}_m{}", knots + 1)), |b| {
            b.iter(|| {
                let mut sp = at.clone();
                black_box(lm::polish(&mut sp, &s, 1, knots, 1))
            })
        });
        // The k = 14 sweep takes about 5 minutes (10 samples of 20 s): only when asked.
        if k == 14 && !asked("freeknot") {
            eprintln!("freeknot/sweep/k14: skipped by default (about 5 min); run `cargo bench -- freeknot`");
            continue;
        }
        g.bench_function(BenchmarkId::new("sweep", format!("k{k}")), |b| {
            b.iter(|| {
                black_box(sweep(&s, &cfg, 4 << k, |_, sp| {
                    let e = Pwl::new(sp.t.clone(), sp.u.clone()).errors(&exact).mse * 12.0;
                    if e <= 1e-3 { Control::Stop } else { Control::Continue }
                }))
            })
        });
    }
    g.finish();
}

criterion_group! { name = benches; config = config(); targets = train_step, f32_kernels, shallowd_kernels, layer_gemm, inference, gemm_peak, matched, search, freeknot }
criterion_main!(benches);
