//! The free-knot trainer: exact recovery, monotone growth, exact conversion to ReLU weights, and
//! the certified lower bound, on the sawtooth.

use depthsep::family::{Bound, Objective, Target, sawtooth::Sawtooth};
use depthsep::net::Pwl;
use depthsep::rng::run_rng;
use depthsep::train::freeknot::{Control, FreeknotSettings, Samples, Spline, sweep, to_mlp};
use depthsep::train::{Metric, shallow_pwl};
use rand::RngExt;

/// `per_piece` uniform samples per linear piece of Δ^k, sorted.
fn samples(k: u32, per_piece: usize, seed: u64) -> Samples {
    let t = Sawtooth::new(k).unwrap();
    let n = (per_piece << k).max(256);
    let mut rng = run_rng(seed, "freeknot test");
    let xs: Vec<f64> = (0..n).map(|_| rng.random()).collect();
    let mut ys = vec![0.0; n];
    t.eval_batch(&xs, &mut ys);
    Samples::new(&xs, &ys)
}

fn nmse(sp: &Spline, k: u32) -> f64 {
    Pwl::new(sp.t.clone(), sp.u.clone()).errors(&Sawtooth::new(k).unwrap().pwl().unwrap()).mse * 12.0
}

#[test]
fn the_sweep_recovers_an_exact_fit_once_its_width_reaches_the_targets_kinks() {
    for k in 1..=8u32 {
        let s = samples(k, 32, k as u64);
        let (mut best, mut near) = ((usize::MAX, f64::INFINITY), None);
        sweep(&s, &FreeknotSettings::default(), 2 << k, |m, sp| {
            let e = nmse(sp, k);
            if e < best.1 {
                best = (m, e);
            }
            if e <= 1e-3 && near.is_none() {
                near = Some(m);
            }
            if e < 1e-9 { Control::Stop } else { Control::Continue }
        });
        // Exact up to the knots' last digits (nMSE ≤ 1e-9) within twice the 2^k units it needs.
        assert!(best.1 < 1e-9, "k={k}: best nMSE {:e} at width {}", best.1, best.0);
        assert!(best.0 >= 1 << k, "k={k}: exact below 2^k units contradicts THEORY §1");
        // And nMSE 1e-3 within 10% of 2^k.
        let near = near.unwrap();
        assert!(near as f64 <= 1.1 * (1 << k) as f64, "k={k}: nMSE 1e-3 first at width {near}");
    }
}

#[test]
fn training_error_never_rises_when_a_knot_is_inserted() {
    for (k, seed) in [(4u32, 1u64), (6, 2), (7, 3)] {
        let s = samples(k, 16, seed);
        let mut last = f64::INFINITY;
        let mut widths = 0;
        sweep(&s, &FreeknotSettings::default(), 3 << k, |m, sp| {
            let sse = sp.sse(&s, 0, sp.t.len() - 1);
            // Up to rounding: sums of ~10^4 squares of residuals near 1e-13 carry noise near 1e-26.
            assert!(sse <= last * (1.0 + 1e-9) + 1e-20, "k={k}: width {m}: {sse:e} > {last:e}");
            last = sse;
            widths += 1;
            Control::Continue
        });
        assert!(widths > 1 << k, "k={k}: the sweep stopped after {widths} widths");
    }
}

#[test]
fn conversion_to_relu_weights_preserves_the_function_exactly() {
    for k in [3u32, 5, 7] {
        let s = samples(k, 8, 9);
        let target = Sawtooth::new(k).unwrap().pwl().unwrap();
        sweep(&s, &FreeknotSettings::default(), 1 << k, |m, sp| {
            let net = to_mlp(sp).unwrap();
            assert_eq!(net.hidden(), &[m], "width m is m units");
            let g = Pwl::new(sp.t.clone(), sp.u.clone());
            let h = shallow_pwl(&net).unwrap();
            // Equal up to the rounding of the ReLU sum c + Σ a_i σ(x − t_i): a few ulps of Σ |a_i|.
            let (a, c) = net.layer(1);
            let scale = c[0].abs() + a.iter().map(|v| v.abs()).sum::<f64>();
            let d = g.errors(&h);
            assert!(d.sup <= 1e-13 * scale, "width {m}: {d:?} (scale {scale:e})");
            let (e1, e2) = (g.errors(&target).sup, h.errors(&target).sup);
            assert!((e1 - e2).abs() <= 1e-13 * scale, "width {m}: {e1:e} vs {e2:e}");
            Control::Continue
        });
    }
}

#[test]
fn no_width_of_a_sweep_beats_the_certified_lower_bound() {
    for k in [5u32, 7, 9] {
        let t = Sawtooth::new(k).unwrap();
        let s = samples(k, 32, 4);
        let mut checked = 0;
        sweep(&s, &FreeknotSettings::default(), 1 << k, |m, sp| {
            let lb = t.error_bound(Bound::Lower, m as u64, Metric::Nmse).unwrap();
            assert!(nmse(sp, k) >= lb - 1e-12, "k={k} width {m}: {} < {lb}", nmse(sp, k));
            checked += 1;
            Control::Continue
        });
        assert!(checked >= 1 << (k - 1));
    }
}

#[test]
fn the_sweep_is_deterministic() {
    let run = || {
        let s = samples(6, 16, 5);
        let mut out = Vec::new();
        sweep(&s, &FreeknotSettings::default(), 70, |_, sp| {
            out.push(sp.t.iter().chain(&sp.u).map(|v| v.to_bits()).collect::<Vec<_>>());
            Control::Continue
        });
        out
    };
    assert_eq!(run(), run());
}
