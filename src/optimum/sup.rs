//! The certified minimal one-hidden-layer width in the sup norm, exact wherever it can be decided.
//!
//! **Piecewise-linear targets.** Let K(ε) be the fewest interior kinks of a continuous
//! piecewise-linear g with sup |f − g| ≤ ε ([`super::tube::min_link`], exact). A width-m net has at
//! most m kinks in (0,1), so m ≥ K: the **lower end**. The minimal-link path, written as ReLU weights
//! ([`super::units::to_relu`]), has K + 1 units, or K when it has a flat piece (the path's last link
//! is taken flat when it can be, and the mirrored target is tried for the first): the **upper end**.
//! When they differ, [`super::exact`] decides between K and K + 1: a proof that no K-kink path in
//! the tube is carried by K units (the width is K + 1), or K units with explicit weights (it is K).
//! Only when neither is found does the bracket stay [K, K + 1], and it says so. THEORY §8 calls the
//! affine part free; it is not (the tent needs 2 units for every ε < ½ with K = 1).
//!
//! **Rounding.** The lower end is K at ε(1 + 10⁻⁹) (K only falls as ε grows, so this errs low); the
//! weights are built in the tube of ε(1 − 10⁻⁹), and their exact sup error is checked ≤ ε.
//!
//! **x²** (closed form, THEORY §7). A line on an interval of length h is at least h²/8 from x² in
//! sup, and n pieces have one of length ≥ 1/n, so n pieces need ε ≥ 1/(8n²); the interpolant at n
//! uniform pieces shifted down by h²/8 attains it with n − 1 kinks and n units. With
//! n = ⌈(8ε)^{−1/2}⌉ the bracket is [n − 1, n]. To decide it, q = the interpolant of x² at N = 2048
//! pieces shifted down by δ = 1/(8N²) is within δ of x²; if n − 1 units cannot reach ε + δ on q
//! ([`super::exact`], with n − 1 the fewest kinks there), they cannot reach ε on x²; if they reach
//! ε − δ on q, those weights are checked against x² exactly.
//!
//! ```
//! use depthsep::net::Pwl;
//! use depthsep::optimum::sup::certify_pwl;
//! let tent = Pwl::new(vec![0.0, 0.5, 1.0], vec![0.0, 1.0, 0.0]);
//! // The tent: one kink, but 2 units at every ε < ½ (proved).
//! let (c, net) = certify_pwl(&tent, 0.25).unwrap();
//! assert_eq!((c.bracket.lower, c.bracket.upper), (2, 2));
//! assert_eq!(net.hidden(), &[2]);
//! // Δ² at ε = 0.3: 3 kinks and 3 units (explicit weights).
//! let d2 = Pwl::new(vec![0.0, 0.25, 0.5, 0.75, 1.0], vec![0.0, 1.0, 0.0, 1.0, 0.0]);
//! let (c, net) = certify_pwl(&d2, 0.3).unwrap();
//! assert_eq!((c.bracket.lower, c.bracket.upper, net.hidden()[0]), (3, 3, 3));
//! ```

use super::exact::{Decision, decide, mirror};
use super::tube::min_link;
use super::units::{flat_piece, to_relu};
use super::{Bracket, Certified};
use crate::net::{Mlp, Pwl, quadratic};
use crate::train::shallow_pwl;

/// Relative margin for rounding (see the module docs).
const MARGIN: f64 = 1e-9;

/// The minimal-link path in the tube of `inner` (flat piece preferred) and its ReLU weights.
fn relu_path(f: &Pwl, inner: f64) -> anyhow::Result<(Pwl, Mlp)> {
    let mut path = min_link(f, inner)?.path;
    if flat_piece(&path).is_none() {
        let m = mirror(&min_link(&mirror(f), inner)?.path);
        if flat_piece(&m).is_some() && m.xs().len() == path.xs().len() {
            path = m;
        }
    }
    let net =
        if path.xs().len() == 2 && flat_piece(&path).is_some() { constant_net(path.ys()[0])? } else { to_relu(&path)? };
    Ok((path, net))
}

/// The minimal-link path in the tube of `s` as ReLU weights (K + 1 units, K with a flat link): the
/// sup certificate without deciding K against K + 1.
pub(crate) fn path_net(f: &Pwl, s: f64) -> anyhow::Result<Mlp> {
    Ok(relu_path(f, s)?.1)
}

/// A width-1 net computing the constant `c` (widths start at 1).
pub(crate) fn constant_net(c: f64) -> anyhow::Result<Mlp> {
    let mut net = Mlp::with_hidden(1, &[1])?;
    net.set_layer(0, &[0.0], &[0.0]);
    net.set_layer(1, &[0.0], &[c]);
    Ok(net)
}

/// The bracket on the minimal width reaching sup error `eps` against the piecewise-linear target
/// `f`, and the explicit weights of its upper end (their sup error checked exactly).
pub fn certify_pwl(f: &Pwl, eps: f64) -> anyhow::Result<(Certified, Mlp)> {
    anyhow::ensure!(eps.is_finite() && eps >= 0.0, "sup tolerance must be finite and ≥ 0, got {eps}");
    let (lo, hi) = f.ys().iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &y| (l.min(y), h.max(y)));
    if (hi - lo) / 2.0 <= eps {
        let net = constant_net((hi + lo) / 2.0)?;
        let err = shallow_pwl(&net)?.errors(f).sup;
        anyhow::ensure!(err <= eps, "constant certificate misses: {err:e} > {eps:e}");
        return Ok((
            Certified {
                bracket: Bracket { lower: 1, upper: 1 },
                lower_how: "widths start at 1".into(),
                upper_how: "the best constant (max + min)/2".into(),
            },
            net,
        ));
    }
    let lower = min_link(f, eps * (1.0 + MARGIN))?.kinks;
    // The ReLU form sums slope jumps, so steep links lose a little to rounding: build in a slightly
    // narrower tube, narrower again if the exact check fails.
    let mut found = None;
    for margin in [MARGIN, 1e-7, 1e-5, 1e-3] {
        let (path, net) = relu_path(f, eps * (1.0 - margin))?;
        let err = shallow_pwl(&net)?.errors(f).sup;
        if err <= eps {
            found = Some((path, net, err));
            break;
        }
    }
    let (path, net, err) =
        found.ok_or_else(|| anyhow::anyhow!("no sup certificate within ε = {eps:e} after rounding"))?;
    let units = net.hidden()[0] as u64;
    let kinks = path.xs().len() - 2;
    debug_assert!(err <= eps);
    let lower = (lower as u64).max(1);
    let lower_how = "fewest kinks within ε (minimal-link path through the ε-tube)".to_string();
    if units == lower + 1 {
        match decide(f, eps, lower as usize)? {
            Decision::NeedsAffine => {
                return Ok((
                    Certified {
                        bracket: Bracket { lower: units, upper: units },
                        lower_how: "K + 1, K the fewest kinks within ε: no K-kink path in the ε-tube has a vanishing odd alternating slope sum (interval proof)".into(),
                        upper_how: "the minimal-link path as ReLU weights: a unit per kink plus one for the affine part".into(),
                    },
                    net,
                ));
            }
            Decision::Carried(carried) => {
                return Ok((
                    Certified {
                        bracket: Bracket { lower, upper: lower },
                        lower_how,
                        upper_how: "a minimal-link path whose slopes' odd alternating sum vanishes: one ReLU unit per kink (linear program, exact error checked)".into(),
                    },
                    carried,
                ));
            }
            Decision::Open => {}
        }
    }
    let flat =
        if units as usize == kinks { ", a flat link saves the affine unit" } else { " plus one for the affine part" };
    Ok((
        Certified {
            bracket: Bracket { lower, upper: units.max(1) },
            lower_how,
            upper_how: format!("the minimal-link path as ReLU weights: a unit per kink{flat}"),
        },
        net,
    ))
}

/// The bracket for x² on \[0,1\] in sup (closed form) and the weights of its upper end.
pub fn certify_square(eps: f64) -> anyhow::Result<(Certified, Mlp)> {
    anyhow::ensure!(eps.is_finite() && eps > 0.0, "x² needs a sup tolerance > 0, got {eps}");
    let n = (1u64..).find(|&n| 1.0 / (8.0 * (n * n) as f64) <= eps * (1.0 - MARGIN)).expect("1/(8n²) → 0");
    let h = 1.0 / n as f64;
    let mut net = Mlp::with_hidden(1, &[n as usize])?;
    let b: Vec<f64> = (0..n).map(|j| -(j as f64) * h).collect();
    net.set_layer(0, &vec![1.0; n as usize], &b);
    let a: Vec<f64> = (0..n).map(|j| if j == 0 { h } else { 2.0 * h }).collect();
    net.set_layer(1, &a, &[-h * h / 8.0]);
    let err = quadratic::errors_vs_quadratic(&shallow_pwl(&net)?, [1.0, 0.0, 0.0]).sup;
    anyhow::ensure!(err <= eps, "x² sup certificate misses: {err:e} > {eps:e}");
    let lower = (1u64..).find(|&n| 1.0 / (8.0 * (n * n) as f64) <= eps * (1.0 + MARGIN)).expect("→ 0") - 1;
    if lower >= 1 && lower < n {
        // K = lower kinks: decide K or K + 1 on a piecewise-linear q within δ of x² (module docs).
        let grid = 2048usize;
        let delta = 1.0 / (8.0 * (grid * grid) as f64);
        let xs: Vec<f64> = (0..=grid).map(|i| i as f64 / grid as f64).collect();
        let q = Pwl::new(xs.clone(), xs.iter().map(|x| x * x - delta).collect());
        let k = lower as usize;
        let lower_how = "n pieces need ε ≥ 1/(8n²)".to_string();
        if min_link(&q, eps + delta)?.kinks == k && matches!(decide(&q, eps + delta, k)?, Decision::NeedsAffine) {
            return Ok((
                Certified {
                    bracket: Bracket { lower: n, upper: n },
                    lower_how: format!(
                        "n pieces need ε ≥ 1/(8n²), and n − 1 units cannot: interval proof on the interpolant of x² at {grid} pieces within ε + 1/(8·{grid}²)"
                    ),
                    upper_how: "the interpolant at n uniform pieces, shifted down by 1/(8n²)".into(),
                },
                net,
            ));
        }
        if eps > delta
            && min_link(&q, eps - delta)?.kinks == k
            && let Decision::Carried(carried) = decide(&q, eps - delta, k)?
            && quadratic::errors_vs_quadratic(&shallow_pwl(&carried)?, [1.0, 0.0, 0.0]).sup <= eps
        {
            return Ok((
                Certified {
                    bracket: Bracket { lower, upper: lower },
                    lower_how,
                    upper_how: "a path whose slopes' odd alternating sum vanishes: one ReLU unit per kink (linear program on x² interpolated at 2048 pieces, exact error checked)".into(),
                },
                carried,
            ));
        }
    }
    Ok((
        Certified {
            bracket: Bracket { lower: lower.max(1), upper: n },
            lower_how: "n pieces need ε ≥ 1/(8n²)".into(),
            upper_how: "the interpolant at n uniform pieces, shifted down by 1/(8n²)".into(),
        },
        net,
    ))
}
