//! `depthsep inspect NET`: what a user's deep ReLU net computes, exactly where it can be.
//!
//! **One input.** The net's exact linear pieces on \[0,1\] ([`crate::net::pieces`]), against the
//! depth–width bound: a unit of hidden layer l is affine on each of the P_{l−1} pieces of the layer
//! below, so its ReLU adds at most one knot per piece, and P_l ≤ (n_l + 1)·P_{l−1}; hence
//! P ≤ ∏_l (n_l + 1). A one-hidden-layer net of m units has at most m + 1 pieces, so the exact
//! representation by one hidden layer needs the width of the certified sup bracket at ε = 0
//! ([`crate::optimum::sup`]), at least P − 1. With a target, its exact errors.
//!
//! **d inputs.** Monte Carlo errors against a target, with 95% intervals, on the target's input
//! distribution (the held-out points of [`crate::family::Objective::sample_heldout`]); without a
//! target, the net's output statistics on uniform \[0,1\]^d.

use crate::family::Target;
use crate::family::file::name_of;
use crate::net::Mlp;
use crate::report::plot::OpaqueGrid;
use crate::report::plot::{FONT, GREY, PALETTE, err, svg};
use crate::train::{Evaluator, Metric};
use plotters::prelude::*;
use std::fmt::Write;

/// The depth–width bound ∏_l (n_l + 1) on the linear pieces of a 1-input net (saturating).
pub fn piece_bound(hidden: &[usize]) -> u128 {
    hidden.iter().fold(1u128, |p, &n| p.saturating_mul(n as u128 + 1))
}

/// The text `inspect` prints.
pub fn describe(net: &Mlp, target: Option<&dyn Target>, points: usize) -> anyhow::Result<String> {
    let mut s = String::new();
    let d = net.input_dim();
    writeln!(
        s,
        "net: {d} input{}, hidden widths {:?} ({} hidden layer{}), {} parameters",
        if d == 1 { "" } else { "s" },
        net.hidden(),
        net.hidden().len(),
        if net.hidden().len() == 1 { "" } else { "s" },
        net.n_params()
    )?;
    if let Some(t) = target {
        anyhow::ensure!(t.dim() == d, "the net has {d} inputs but the target {} has {}", t.label(), t.dim());
    }
    if d == 1 {
        let p = crate::net::pieces::pwl_of(net)?;
        writeln!(
            s,
            "exact linear pieces on [0, 1]: {} (depth-width bound ∏(n_l + 1) = {})",
            p.pieces(),
            piece_bound(net.hidden())
        )?;
        let kinks = p.kinks();
        // Each unit of one hidden layer has one kink, so P − 1 kinks need ≥ P − 1 units; those
        // units plus σ(x) (the first piece's slope) represent it: [P − 1, P]. The sup certificate at
        // ε = 0 decides between them when rounding allows.
        let bracket = match crate::optimum::sup::certify_pwl(&p, 0.0) {
            Ok((c, _)) => format!("{} (sup certificate at ε = 0)", crate::report::cells::bracket(Some(c.bracket))),
            Err(_) => {
                format!("[{}, {}] (one kink per unit; the kinks' units plus σ(x))", kinks.len().max(1), kinks.len() + 1)
            }
        };
        writeln!(s, "one hidden layer represents it exactly with m units, m in {bracket}")?;
        writeln!(s, "knots (x, f(x)) where the slope changes:")?;
        for (x, y) in kinks {
            writeln!(s, "  {x:.9} {y:.9}")?;
        }
    }
    match target {
        Some(t) => {
            let ev = Evaluator::with_points(t, Metric::Nmse, points);
            let e = ev.eval(net)?;
            let l1 = Evaluator::with_points(t, Metric::L1, points).eval(net)?;
            if ev.is_exact() {
                writeln!(s, "errors against {} (exact, uniform on [0, 1]):", name_of(t.id()))?;
                writeln!(
                    s,
                    "  nMSE {:.6e}  MSE {:.6e}  L1 {:.6e}  sup {:.6e}",
                    e.value, e.errors.mse, e.errors.l1, e.errors.sup
                )?;
            } else {
                let pm = |v: Option<f64>| v.map_or(String::new(), |h| format!(" ± {h:.1e}"));
                writeln!(
                    s,
                    "errors against {} (Monte Carlo, {points} held-out points, 95% intervals):",
                    name_of(t.id())
                )?;
                writeln!(
                    s,
                    "  nMSE {:.4e}{}  L1 {:.4e}{}  largest |f − g| seen {:.4e}",
                    e.value,
                    pm(e.interval),
                    l1.value,
                    pm(l1.interval),
                    e.errors.sup
                )?;
            }
        }
        None if d > 1 => {
            let mut rng = crate::rng::run_rng(0, "inspect");
            use rand::RngExt;
            let xs: Vec<f64> = (0..points * d).map(|_| rng.random()).collect();
            let mut ys = vec![0.0; points];
            net.forward(&xs, &mut ys);
            let mean = ys.iter().sum::<f64>() / points as f64;
            let sd = (ys.iter().map(|y| (y - mean).powi(2)).sum::<f64>() / points as f64).sqrt();
            let (lo, hi) = ys.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &y| (l.min(y), h.max(y)));
            writeln!(
                s,
                "output on {points} uniform points of [0, 1]^{d}: mean {mean:.4e}, sd {sd:.4e}, range [{lo:.4e}, {hi:.4e}]"
            )?;
        }
        None => {}
    }
    Ok(s)
}

/// An SVG of a 1-input net on \[0,1\] (and the target, grey, when given).
pub fn figure(net: &Mlp, target: Option<&dyn Target>, title: &str) -> anyhow::Result<String> {
    anyhow::ensure!(net.input_dim() == 1, "the figure draws 1-input nets on [0, 1]");
    let n = 2000;
    let xs: Vec<f64> = (0..=n).map(|i| i as f64 / n as f64).collect();
    let mut ys = vec![0.0; xs.len()];
    net.forward(&xs, &mut ys);
    let mut ts = vec![0.0; xs.len()];
    if let Some(t) = target {
        t.eval_batch(&xs, &mut ts);
    }
    let all = ys.iter().chain(if target.is_some() { &ts[..] } else { &[] });
    let (lo, hi) = all.fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &y| (l.min(y), h.max(y)));
    let pad = 0.05 * (hi - lo).max(1e-9);
    svg((800, 400), |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(title, (FONT, 18))
            .margin(10)
            .x_label_area_size(30)
            .y_label_area_size(60)
            .build_cartesian_2d(0f64..1f64, (lo - pad)..(hi + pad))
            .map_err(err)?;
        chart.configure_mesh().opaque_grid().x_desc("x").y_desc("f(x)").draw().map_err(err)?;
        if target.is_some() {
            chart
                .draw_series(LineSeries::new(xs.iter().copied().zip(ts.iter().copied()), GREY.stroke_width(3)))
                .map_err(err)?;
        }
        chart
            .draw_series(LineSeries::new(xs.iter().copied().zip(ys.iter().copied()), PALETTE[0].stroke_width(1)))
            .map_err(err)?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::family::sawtooth::Sawtooth;

    #[test]
    fn the_telgarsky_net_has_two_to_the_k_pieces_within_the_bound_and_zero_error() {
        let t = Sawtooth::new(3).unwrap();
        let net = t.construct_deep().unwrap().net;
        let text = describe(&net, Some(&t), 1000).unwrap();
        assert!(text.contains("exact linear pieces on [0, 1]: 8 (depth-width bound ∏(n_l + 1) = 27)"), "{text}");
        assert!(text.contains("nMSE 0.000000e0"), "{text}");
        assert_eq!(text.lines().filter(|l| l.starts_with("  0.")).count(), 7, "{text}");
        assert_eq!(piece_bound(&[2, 2, 2]), 27);
    }
}
