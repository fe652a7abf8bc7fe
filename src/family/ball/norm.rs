//! The input distribution and the norm block shared by the radial families (`ball`, `radial`).
//!
//! **Distribution ρ_S.** x = √s · u with s uniform on \[0, S\] and u uniform on the unit sphere
//! S^{d−1} (a normalised standard Gaussian): the squared norm ‖x‖² = s is uniform on \[0, S\] in
//! every dimension, so a radial target h(‖x‖²) has the moments of h under the uniform measure on
//! \[0, S\], whatever d is. Every coordinate satisfies |x_i| ≤ a = √S.
//!
//! **Norm block** (one hidden layer of d·N units). On \[−a, a\] the interpolant p_N of t² at the
//! N + 1 equispaced knots t_j = −a + jh, h = 2a/N, is
//! p_N(t) = a² + (h − 2a)·σ(t + a) + Σ_{j=1}^{N−1} 2h·σ(t − t_j)
//! (σ(t + a) = t + a on the interval; the slope of piece j is t_j + t_{j+1}, so every interior knot
//! adds 2h). The interpolant of a convex function lies above it, and on a piece of length h the gap
//! t² − p_N is −(t − t_j)(t_{j+1} − t), at most h²/4 = S/N² in size. So the block's readout
//! ŝ = Σ_i p_N(x_i) satisfies **s ≤ ŝ ≤ s + η with η = d·S/N²** on the support of ρ_S.

use crate::net::Mlp;
use rand::RngExt;
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;

/// `n` points of ρ_S in d dimensions, row-major.
pub fn sample(d: usize, s_max: f64, n: usize, rng: &mut ChaCha8Rng) -> Vec<f64> {
    let mut xs = vec![0.0; n * d];
    for p in xs.chunks_exact_mut(d) {
        let s: f64 = s_max * rng.random::<f64>();
        on_sphere(p, s.sqrt(), rng);
    }
    xs
}

/// Overwrite `p` with a point of norm `radius` in a direction uniform on the sphere (a normalised
/// standard Gaussian, redrawn in the vanishing case of a zero vector).
fn on_sphere(p: &mut [f64], radius: f64, rng: &mut ChaCha8Rng) {
    loop {
        p.iter_mut().for_each(|v| *v = rng.sample::<f64, _>(StandardNormal));
        let norm = p.iter().map(|v| v * v).sum::<f64>().sqrt();
        if norm > 1e-300 {
            let scale = radius / norm;
            p.iter_mut().for_each(|v| *v *= scale);
            return;
        }
    }
}

/// `n` points with the norm r = ‖x‖ uniform on \[0, r_max\] and the direction uniform on the sphere
/// (Safran & Shamir 2017), row-major: ‖x‖² = r² lies in \[0, r_max²\] and |x_i| ≤ r_max, so the
/// norm block with S = r_max² applies.
pub fn sample_radius(d: usize, r_max: f64, n: usize, rng: &mut ChaCha8Rng) -> Vec<f64> {
    let mut xs = vec![0.0; n * d];
    for p in xs.chunks_exact_mut(d) {
        let r: f64 = r_max * rng.random::<f64>();
        on_sphere(p, r, rng);
    }
    xs
}

/// ‖x‖² of every point.
pub fn squared_norms(xs: &[f64], d: usize) -> impl Iterator<Item = f64> + '_ {
    xs.chunks_exact(d).map(|p| p.iter().map(|v| v * v).sum())
}

/// The norm block's error bound η = d·S/N² (ŝ − s ∈ \[0, η\]).
pub fn eta(d: usize, s_max: f64, pieces: usize) -> f64 {
    d as f64 * s_max / (pieces as f64).powi(2)
}

/// The normalised MSE a construction's claim is chosen to stay under (the suites' finest floor).
pub const CONSTRUCTION_NMSE: f64 = 1e-3;

/// The fewest pieces per coordinate (even, ≥ 2) whose `claimed` error (a non-increasing function of
/// the pieces) is at most `limit`.
pub fn fewest_pieces(claimed: impl Fn(usize) -> f64, limit: f64) -> usize {
    let mut n = 2;
    while claimed(n) > limit {
        n += 2;
    }
    n
}

/// The construction sized to a tolerance by measurement: the fewest even pieces per coordinate
/// (from 2 up to `proved`, the fewest whose proved bound reaches `eps`) whose error in `metric`,
/// measured on the evaluator's 65 536 held-out points, is at most `eps`; returns the net, its pieces
/// and the measured error. `build` makes the net with n pieces.
pub fn sized(
    target: &dyn crate::train::Objective,
    metric: crate::train::Metric,
    eps: f64,
    proved: usize,
    build: impl Fn(usize) -> anyhow::Result<Mlp>,
) -> anyhow::Result<(Mlp, usize, f64)> {
    let ev = crate::train::Evaluator::new(target, metric);
    let mut n = 2;
    loop {
        let net = build(n)?;
        let e = ev.eval(&net)?.value;
        if e <= eps || n >= proved {
            return Ok((net, n, e));
        }
        n += 2;
    }
}

/// The net x ↦ tail(ŝ(x)): the norm block with `pieces` per coordinate as the first hidden layer,
/// then the hidden layers and output of the one-input net `tail`, whose first layer reads ŝ.
pub fn compose(d: usize, s_max: f64, pieces: usize, tail: &Mlp) -> anyhow::Result<Mlp> {
    anyhow::ensure!(tail.input_dim() == 1, "the tail reads one value, ŝ");
    anyhow::ensure!(pieces >= 2, "the norm block needs at least 2 pieces per coordinate");
    let a = s_max.sqrt();
    let h = 2.0 * a / pieces as f64;
    let units = d * pieces;
    // Block i: unit 0 is σ(x_i + a) (readout h − 2a), unit j is σ(x_i − t_j) (readout 2h).
    let mut w = vec![0.0; units * d];
    let mut b = vec![0.0; units];
    let mut c = vec![0.0; units];
    for i in 0..d {
        for j in 0..pieces {
            let u = i * pieces + j;
            w[u * d + i] = 1.0;
            if j == 0 {
                b[u] = a;
                c[u] = h - 2.0 * a;
            } else {
                b[u] = -(-a + j as f64 * h);
                c[u] = 2.0 * h;
            }
        }
    }
    let c0 = d as f64 * a * a;
    let mut hidden = vec![units];
    hidden.extend_from_slice(tail.hidden());
    let mut net = Mlp::with_hidden(d, &hidden)?;
    net.set_layer(0, &w, &b);
    let (tw, tb) = tail.layer(0);
    let first = tail.hidden()[0];
    let mut w1 = vec![0.0; first * units];
    let mut b1 = vec![0.0; first];
    for r in 0..first {
        w1[r * units..(r + 1) * units].iter_mut().zip(&c).for_each(|(x, ci)| *x = tw[r] * ci);
        b1[r] = tw[r] * c0 + tb[r];
    }
    net.set_layer(1, &w1, &b1);
    for l in 1..tail.n_layers() {
        let (tw, tb) = tail.layer(l);
        net.set_layer(l + 1, tw, tb);
    }
    Ok(net)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::run_rng;

    #[test]
    fn the_squared_norm_is_uniform_on_zero_to_s_in_every_dimension() {
        for d in [2usize, 5, 16] {
            let n = 200_000;
            let xs = sample(d, 2.0, n, &mut run_rng(d as u64, "rho"));
            let s: Vec<f64> = squared_norms(&xs, d).collect();
            // Uniform on [0, 2]: mean 1, P(s ≤ 1) = 1/2, P(s ≤ 0.5) = 1/4, max ≤ 2.
            let mean = s.iter().sum::<f64>() / n as f64;
            let below = |t: f64| s.iter().filter(|&&v| v <= t).count() as f64 / n as f64;
            assert!((mean - 1.0).abs() < 0.01, "d={d}: mean {mean}");
            assert!((below(1.0) - 0.5).abs() < 0.005 && (below(0.5) - 0.25).abs() < 0.005, "d={d}");
            assert!(s.iter().all(|&v| v <= 2.0 + 1e-12));
            // The direction is uniform: every coordinate has mean 0 and E x_i² = E s / d.
            let m2 = xs.iter().step_by(d).map(|v| v * v).sum::<f64>() / n as f64;
            assert!((m2 - 1.0 / d as f64).abs() < 0.02 / d as f64 * 5.0, "d={d}: E x_1² = {m2}");
        }
    }

    #[test]
    fn the_norm_block_overestimates_the_squared_norm_by_at_most_eta() {
        // The identity tail: ŝ itself is the output.
        let mut id = Mlp::with_hidden(1, &[1]).unwrap();
        id.set_layer(0, &[1.0], &[0.0]);
        id.set_layer(1, &[1.0], &[0.0]);
        for (d, pieces) in [(2usize, 4usize), (3, 10), (8, 64)] {
            let net = compose(d, 2.0, pieces, &id).unwrap();
            let n = 50_000;
            let xs = sample(d, 2.0, n, &mut run_rng(9, "norm block"));
            let mut out = vec![0.0; n];
            net.forward(&xs, &mut out);
            let e = eta(d, 2.0, pieces);
            let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
            for (s, o) in squared_norms(&xs, d).zip(&out) {
                lo = lo.min(o - s);
                hi = hi.max(o - s);
            }
            assert!(lo >= -1e-12 && hi <= e + 1e-12, "d={d} N={pieces}: ŝ − s in [{lo}, {hi}], η = {e}");
            // The bound is attained up to a factor: the largest gap is at least η/8 here.
            assert!(hi >= e / 8.0, "d={d}: the bound is not loose by more than 8× (max gap {hi}, η {e})");
        }
        assert_eq!(fewest_pieces(|n| eta(8, 2.0, n), 0.01), 40);
        assert!(eta(8, 2.0, 40) <= 0.01 && eta(8, 2.0, 38) > 0.01);
    }
}
