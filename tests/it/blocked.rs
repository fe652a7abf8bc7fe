//! The blocked GEMM against packed GEMM: the same bits, so the layered path may pick either.

use depthsep::net::blocked;
use depthsep::net::layered::{Gemm, Product};
use depthsep::rng::run_rng;
use rand::RngExt;

/// C ← A·B (+ C) by both kernels, on random data with A given at strides (rsa, csa).
fn both<T: Gemm>(m: usize, k: usize, n: usize, transposed_a: bool, acc: bool, seed: u64) -> (Vec<T>, Vec<T>) {
    let mut rng = run_rng(seed, "blocked gemm");
    let mut draw = |len: usize| -> Vec<T> { (0..len).map(|_| T::from_f64(rng.random_range(-1.0..1.0))).collect() };
    let (a, b, c0) = (draw(m * k), draw(k * n), draw(m * n));
    let (rsa, csa) = if transposed_a { (1, m as isize) } else { (k as isize, 1) };
    let (mut c1, mut c2) = (c0.clone(), c0);
    // SAFETY: the buffers have exactly the shapes passed.
    unsafe {
        let p = Product { m, k, n, a: a.as_ptr(), rsa, csa, b: b.as_ptr(), ldb: n, acc, c: c1.as_mut_ptr(), ldc: n };
        T::gemm(p);
        T::gemm_packed(Product { c: c2.as_mut_ptr(), ..p });
    }
    (c1, c2)
}

const SHAPES: [(usize, usize, usize); 13] = [
    (1024, 64, 64),
    (64, 1024, 64),
    (1024, 16, 16),
    (16, 1024, 1),
    (1024, 1, 8),
    (1, 1024, 16),
    (1024, 16, 1),
    (37, 700, 19),
    (5, 257, 33),
    (23, 3, 70),
    (13, 256, 48),
    (1000, 8, 8),
    (3, 0, 5),
];

#[test]
#[cfg_attr(depthsep_no_avx512, ignore = "no AVX-512F on this CPU: the blocked kernel never runs here")]
fn blocked_gemm_gives_the_packed_gemms_bits_in_f64_and_f32() {
    assert!(blocked::available(), "built on a CPU with AVX-512F, run on one without: rebuild (touch build.rs)");
    for (s, &(m, k, n)) in SHAPES.iter().enumerate() {
        for (t, acc) in [(false, false), (true, true), (false, true), (true, false)] {
            let seed = s as u64 * 4 + t as u64 * 2 + acc as u64;
            let (x, y) = both::<f64>(m, k, n, t, acc, seed);
            assert!(x.iter().zip(&y).all(|(p, q)| p.to_bits() == q.to_bits()), "f64 {m}×{k}×{n} t={t} acc={acc}");
            let (x, y) = both::<f32>(m, k, n, t, acc, seed);
            assert!(x.iter().zip(&y).all(|(p, q)| p.to_bits() == q.to_bits()), "f32 {m}×{k}×{n} t={t} acc={acc}");
        }
    }
}

#[test]
fn blocked_gemm_is_the_product_within_round_off() {
    // Against a plain triple loop in f64, so the test also fails where the bits-test is skipped
    // (there both sides are the packed GEMM).
    for &(m, k, n) in &SHAPES {
        let (c, _) = both::<f64>(m, k, n, false, false, 99);
        let mut rng = run_rng(99, "blocked gemm");
        let mut draw = |len: usize| -> Vec<f64> { (0..len).map(|_| rng.random_range(-1.0..1.0)).collect() };
        let (a, b) = (draw(m * k), draw(k * n));
        for i in 0..m {
            for j in 0..n {
                let want: f64 = (0..k).map(|p| a[i * k + p] * b[p * n + j]).sum();
                assert!((c[i * n + j] - want).abs() <= 1e-12 * k as f64, "{m}×{k}×{n} at ({i}, {j})");
            }
        }
    }
}
