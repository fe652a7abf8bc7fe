//! The exact sup-norm width (src/optimum/exact.rs) against brute force: K or K + 1 decided, never
//! contradicted by a search over K-unit nets, and the headline cells of issue 25.

use depthsep::net::Pwl;
use depthsep::optimum::exact::{Decision, alternating_zero, carried_net, decide, fit};
use depthsep::optimum::sup::certify_pwl;
use depthsep::optimum::tube::min_link;
use depthsep::train::shallow_pwl;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn sawtooth(k: u32) -> Pwl {
    let s = 1usize << k;
    Pwl::new((0..=s).map(|i| i as f64 / s as f64).collect(), (0..=s).map(|i| (i % 2) as f64).collect())
}

/// Every increasing odd-length index set over `n` links.
fn odd_sets(n: usize) -> Vec<Vec<usize>> {
    (1u32..1 << n).filter(|m| m.count_ones() % 2 == 1).map(|m| (0..n).filter(|i| m >> i & 1 == 1).collect()).collect()
}

/// The smallest sup error of a K-unit net found by brute force: random kinks, every index set
/// (every orientation of the units), the optimal values by linear program, then kink moves.
fn brute_force(f: &Pwl, k: usize, samples: usize, rng: &mut ChaCha8Rng) -> f64 {
    let sets = odd_sets(k + 1);
    let mut best = (f64::INFINITY, vec![], 0);
    for _ in 0..samples {
        let mut t: Vec<f64> = (0..k).map(|_| rng.random::<f64>()).collect();
        t.sort_by(f64::total_cmp);
        for (i, s) in sets.iter().enumerate() {
            if let Some((_, e)) = fit(f, &t, s)
                && e < best.0
            {
                best = (e, t.clone(), i);
            }
        }
    }
    let (mut e, mut t, i) = best;
    let mut step = 0.02;
    while step > 1e-6 {
        let mut moved = false;
        for j in 0..k {
            for d in [-step, step] {
                let mut u = t.clone();
                u[j] += d;
                if u.windows(2).any(|w| w[1] <= w[0]) || u[0] <= 0.0 || u[k - 1] >= 1.0 {
                    continue;
                }
                if let Some((_, eu)) = fit(f, &u, &sets[i])
                    && eu < e
                {
                    (e, t, moved) = (eu, u, true);
                }
            }
        }
        if !moved {
            step /= 2.0;
        }
    }
    e
}

#[test]
fn tiny_eps_needs_2_to_the_k_units_for_the_sawtooth_k_1_to_8() {
    for k in 1..=8 {
        let (c, net) = certify_pwl(&sawtooth(k), 1e-9).unwrap();
        assert_eq!((c.bracket.lower, c.bracket.upper), (1 << k, 1 << k), "k = {k}: {c:?}");
        assert!(shallow_pwl(&net).unwrap().errors(&sawtooth(k)).sup <= 1e-9);
    }
}

#[test]
fn at_eps_0_3_three_units_carry_delta_2_and_seven_carry_delta_3() {
    for (k, m) in [(2, 3), (3, 7), (4, 15)] {
        let (c, net) = certify_pwl(&sawtooth(k), 0.3).unwrap();
        assert_eq!((c.bracket.lower, c.bracket.upper), (m, m), "k = {k}: {c:?}");
        assert_eq!(net.hidden(), &[m as usize]);
        assert!(shallow_pwl(&net).unwrap().errors(&sawtooth(k)).sup <= 0.3);
    }
}

#[test]
fn a_proof_that_k_units_fail_is_never_beaten_by_brute_force() {
    let mut rng = ChaCha8Rng::seed_from_u64(25);
    let mut targets = vec![sawtooth(1), sawtooth(2)];
    for _ in 0..6 {
        let n = rng.random_range(3..=5usize);
        let mut xs: Vec<f64> = (0..n - 1).map(|_| rng.random_range(0.05..0.95)).collect();
        xs.extend([0.0, 1.0]);
        xs.sort_by(f64::total_cmp);
        let ys = (0..=n).map(|_| rng.random_range(-1.0..1.0)).collect();
        targets.push(Pwl::new(xs, ys));
    }
    let (mut proofs, mut carried) = (0, 0);
    for f in &targets {
        let range = f.ys().iter().fold(0.0f64, |m, y| m.max(y.abs()));
        for frac in [0.02, 0.08, 0.15, 0.16, 0.2, 0.25, 0.35] {
            let eps = frac * range;
            let k = min_link(f, eps * (1.0 + 1e-9)).unwrap().kinks;
            if k == 0 || k > 4 {
                continue;
            }
            match decide(f, eps, k).unwrap() {
                Decision::NeedsAffine => {
                    let best = brute_force(f, k, 60, &mut rng);
                    assert!(best > eps, "proof says {k} units fail at ε = {eps}, brute force reaches {best} on {f:?}");
                    proofs += 1;
                }
                Decision::Carried(net) => {
                    assert_eq!(net.hidden(), &[k]);
                    assert!(shallow_pwl(&net).unwrap().errors(f).sup <= eps);
                    carried += 1;
                }
                Decision::Open => {}
            }
        }
    }
    assert!(proofs >= 10 && carried >= 5, "too few decided cells: {proofs} proofs, {carried} constructions");
}

#[test]
fn the_interval_sums_agree_with_enumerating_every_index_set() {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    for _ in 0..300 {
        let n = rng.random_range(1..=7usize);
        let r: Vec<(f64, f64)> = (0..n)
            .map(|_| {
                let c = rng.random_range(-3.0..3.0);
                (c, c + rng.random_range(0.0..0.6))
            })
            .collect();
        let brute = odd_sets(n).iter().any(|s| {
            let (lo, hi) = s.iter().enumerate().fold((0.0, 0.0), |(l, h), (m, &i)| {
                if m % 2 == 0 { (l + r[i].0, h + r[i].1) } else { (l - r[i].1, h - r[i].0) }
            });
            lo <= 0.0 && 0.0 <= hi
        });
        assert_eq!(alternating_zero(&r), brute, "{r:?}");
    }
}

#[test]
fn a_carried_net_computes_its_path_with_one_unit_per_kink() {
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    for _ in 0..200 {
        let k = rng.random_range(1..=7usize);
        let sets = odd_sets(k + 1);
        let set = sets[rng.random_range(0..sets.len())].clone();
        let mut xs: Vec<f64> =
            (0..k).map(|i| (i as f64 + 1.0 + rng.random_range(-0.4..0.4)) / (k as f64 + 1.0)).collect();
        xs.insert(0, 0.0);
        xs.push(1.0);
        let mut s: Vec<f64> = (0..=k).map(|_| rng.random_range(-5.0..5.0)).collect();
        // Make the alternating sum over `set` vanish by adjusting its last slope.
        let sum: f64 = set.iter().enumerate().map(|(m, &i)| if m % 2 == 0 { s[i] } else { -s[i] }).sum();
        s[*set.last().unwrap()] -= sum;
        let mut ys = vec![rng.random_range(-1.0..1.0)];
        for j in 0..=k {
            ys.push(ys[j] + s[j] * (xs[j + 1] - xs[j]));
        }
        let g = Pwl::new(xs, ys);
        let net = carried_net(&g, &set).unwrap();
        assert_eq!(net.hidden(), &[k]);
        assert!(shallow_pwl(&net).unwrap().errors(&g).sup < 1e-9, "{g:?} {set:?}");
    }
}

#[test]
fn the_square_bracket_closes_where_the_sandwich_decides() {
    let mut closed = 0;
    for eps in [0.3, 0.1, 0.03, 0.01, 0.003, 0.02, 0.005] {
        let (c, net) = depthsep::optimum::sup::certify_square(eps).unwrap();
        let err = depthsep::net::quadratic::errors_vs_quadratic(&shallow_pwl(&net).unwrap(), [1.0, 0.0, 0.0]).sup;
        assert!(err <= eps && net.hidden()[0] as u64 == c.bracket.upper, "{eps}: {c:?}");
        println!("x² at ε = {eps}: {:?} {}", c.bracket, c.upper_how);
        closed += usize::from(c.bracket.lower == c.bracket.upper);
    }
    assert!(closed >= 5, "only {closed} of 7 x² cells decided");
}
