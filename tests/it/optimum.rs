//! The best possible width, certified (src/optimum, THEORY §8 and the sawtooth's tightened
//! bounds): minimal-link sup brackets against closed forms and brute force, ReLU forms of paths,
//! the kink-free-tent L2/L1 lower bound against brute force over knot sets, and the optimised
//! L2 certificates against the construction.

use depthsep::family::sawtooth::optimized::certificate;
use depthsep::family::sawtooth::theory::{construction_error, lower_bound_kinks, lower_bound_pieces};
use depthsep::family::{Objective, Target, golden::Golden, sawtooth::Sawtooth, takagi::Takagi};
use depthsep::net::Pwl;
use depthsep::optimum::{project::project, sup, tube::min_link};
use depthsep::rng::run_rng;
use depthsep::train::{Evaluator, Metric, shallow_pwl};
use rand::RngExt;

#[test]
fn the_sawtooth_needs_two_to_the_k_minus_one_kinks_for_every_sup_eps_below_half() {
    for k in 1..=9 {
        let f = Sawtooth::new(k).unwrap().pwl().unwrap();
        for eps in [1e-3, 0.01, 0.1, 0.25, 0.3, 0.45, 0.49, 0.499] {
            let ml = min_link(&f, eps).unwrap();
            assert_eq!(ml.kinks, (1 << k) - 1, "k={k} eps={eps}");
            assert!(f.errors(&ml.path).sup <= eps + 1e-12, "k={k} eps={eps}");
        }
        assert_eq!(min_link(&f, 0.5).unwrap().kinks, 0);
        // Exact at ε = 0.3 (src/optimum/exact.rs): the tent needs its affine unit, from k = 2 the
        // 2^k − 1 kinks carry it.
        let c = Sawtooth::new(k).unwrap().certify(0.3, Metric::Sup).unwrap();
        let m = if k == 1 { 2 } else { (1 << k) - 1 };
        assert_eq!((c.bracket.lower, c.bracket.upper), (m, m), "k={k}");
    }
}

/// Whether a continuous piecewise-linear g with interior kinks `kinks` fits in the ε-tube of f:
/// propagate the interval of feasible values knot by knot (each link's feasible (start, end)
/// values form a convex polygon; project it on the end value). Independent of src/optimum.
fn fits_with_kinks(f: &Pwl, eps: f64, kinks: &[f64]) -> bool {
    let mut nodes = vec![0.0];
    nodes.extend_from_slice(kinks);
    nodes.push(1.0);
    let (mut lo, mut hi) = (f.eval(0.0) - eps, f.eval(0.0) + eps);
    for w in nodes.windows(2) {
        let (p, q) = (w[0], w[1]);
        // Polygon in (u, v) = (g(p), g(q)): u ∈ [lo, hi], v ∈ f(q) ± ε, and at every target knot
        // t in (p, q): |u + (v − u)(t − p)/(q − p) − f(t)| ≤ ε.
        let mut poly = vec![(lo, f.eval(q) - eps), (hi, f.eval(q) - eps), (hi, f.eval(q) + eps), (lo, f.eval(q) + eps)];
        for &t in f.xs().iter().filter(|&&t| t > p && t < q) {
            let s = (t - p) / (q - p);
            for sign in [1.0, -1.0] {
                // sign·((1 − s)u + s v − f(t)) ≤ ε
                let val = |(u, v): (f64, f64)| sign * ((1.0 - s) * u + s * v - f.eval(t)) - eps;
                let mut out = Vec::new();
                for i in 0..poly.len() {
                    let (a, b) = (poly[i], poly[(i + 1) % poly.len()]);
                    let (va, vb) = (val(a), val(b));
                    if va <= 0.0 {
                        out.push(a);
                    }
                    if (va < 0.0) != (vb < 0.0) && va != 0.0 && vb != 0.0 {
                        let r = va / (va - vb);
                        out.push((a.0 + r * (b.0 - a.0), a.1 + r * (b.1 - a.1)));
                    }
                }
                poly = out;
                if poly.is_empty() {
                    return false;
                }
            }
        }
        lo = poly.iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
        hi = poly.iter().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max);
    }
    true
}

fn subsets(n: usize, r: usize, mut visit: impl FnMut(&[usize]) -> bool) -> bool {
    fn go(start: usize, n: usize, r: usize, cur: &mut Vec<usize>, visit: &mut dyn FnMut(&[usize]) -> bool) -> bool {
        if cur.len() == r {
            return visit(cur);
        }
        for i in start..n {
            cur.push(i);
            if go(i + 1, n, r, cur, visit) {
                return true;
            }
            cur.pop();
        }
        false
    }
    go(0, n, r, &mut Vec::new(), &mut visit)
}

#[test]
fn minimal_link_paths_are_feasible_and_no_grid_path_with_one_kink_fewer_exists() {
    let mut rng = run_rng(7, "random tubes");
    let (mut cases, mut grid_reaches) = (0, 0);
    while cases < 60 {
        let n = rng.random_range(2..=6);
        let mut xs: Vec<f64> = (0..n - 1).map(|_| rng.random_range(0.05..0.95)).collect();
        xs.sort_by(f64::total_cmp);
        if xs.windows(2).any(|w| w[1] - w[0] < 0.02) {
            continue;
        }
        let xs: Vec<f64> = std::iter::once(0.0).chain(xs).chain(std::iter::once(1.0)).collect();
        let ys: Vec<f64> = xs.iter().map(|_| rng.random_range(0.0..1.0)).collect();
        let f = Pwl::new(xs, ys);
        let eps = rng.random_range(0.02..0.25);
        let ml = min_link(&f, eps).unwrap();
        if ml.kinks > 3 {
            continue;
        }
        cases += 1;
        assert_eq!(ml.path.xs().len(), ml.kinks + 2);
        assert!(f.errors(&ml.path).sup <= eps * (1.0 + 1e-9), "path leaves the tube: {f:?} eps={eps}");
        assert!(fits_with_kinks(&f, eps * (1.0 + 1e-9), &ml.path.xs()[1..=ml.kinks]), "checker disagrees");
        let grid: Vec<f64> = (1..160).map(|i| i as f64 / 160.0).collect();
        if ml.kinks >= 1 {
            let fewer = subsets(grid.len(), ml.kinks - 1, |idx| {
                let kinks: Vec<f64> = idx.iter().map(|&i| grid[i]).collect();
                fits_with_kinks(&f, eps, &kinks)
            });
            assert!(!fewer, "a path with {} kinks fits: {f:?} eps={eps}", ml.kinks - 1);
        }
        // Kinks restricted to a grid need a little slack to reach the optimum.
        if subsets(grid.len(), ml.kinks, |idx| {
            let kinks: Vec<f64> = idx.iter().map(|&i| grid[i]).collect();
            fits_with_kinks(&f, eps * 1.05, &kinks)
        }) {
            grid_reaches += 1;
        }
    }
    assert!(grid_reaches >= 55, "grid paths with the optimal kink count at 1.05 ε: {grid_reaches} of 60");
}

#[test]
fn sup_certificates_hold_exactly_and_bracket_the_fewest_kinks() {
    let targets: Vec<Box<dyn Target>> = vec![
        Box::new(Golden::new(5).unwrap()),
        Box::new(Golden::new(8).unwrap()),
        Box::new(Takagi::new(2, 4).unwrap()),
        Box::new(Takagi::new(4, 6).unwrap()),
    ];
    for t in &targets {
        let f = t.pwl().unwrap();
        for eps in [1e-3, 0.01, 0.05, 0.1, 0.2] {
            let (c, net) = sup::certify_pwl(&f, eps).unwrap();
            let err = shallow_pwl(&net).unwrap().errors(&f).sup;
            assert!(err <= eps, "{} eps={eps}: {err}", t.label());
            assert_eq!(net.hidden()[0] as u64, c.bracket.upper);
            let k = min_link(&f, eps).unwrap().kinks as u64;
            let (lo, hi) = (c.bracket.lower, c.bracket.upper);
            assert!(lo <= hi && (k.max(1)..=k + 1).contains(&lo) && hi <= k + 1, "{} eps={eps}: {c:?}", t.label());
            assert!(lo == k.max(1) || c.lower_how.contains("interval proof"), "{c:?}");
            assert_eq!(t.certify(eps, Metric::Sup).unwrap(), c);
            // The exact evaluator agrees with the certificate's sup error.
            let ev = Evaluator::new(t.as_ref(), Metric::Sup).eval(&net).unwrap();
            assert_eq!(ev.value, err);
        }
    }
}

#[test]
fn a_plateau_lets_the_minimal_path_drop_the_affine_unit() {
    // Down, up, then a plateau to the end: the last link is taken flat, so K units do; mirrored,
    // the first link is.
    let f = Pwl::new(vec![0.0, 0.2, 0.5, 1.0], vec![0.6, 0.0, 1.0, 1.0]);
    let m = Pwl::new(vec![0.0, 0.5, 0.8, 1.0], vec![1.0, 1.0, 0.0, 0.6]);
    for f in [f, m] {
        let (c, net) = sup::certify_pwl(&f, 0.05).unwrap();
        assert_eq!((c.bracket.lower, c.bracket.upper), (2, 2), "{c:?}");
        assert!(shallow_pwl(&net).unwrap().errors(&f).sup <= 0.05);
    }
    // A plateau in the middle: the minimal-link path's links are not flat, the linear program
    // finds one that is, so K units.
    let f = Pwl::new(vec![0.0, 0.2, 0.8, 1.0], vec![0.0, 1.0, 1.0, 0.0]);
    let (c, net) = sup::certify_pwl(&f, 0.05).unwrap();
    assert_eq!((c.bracket.lower, c.bracket.upper), (2, 2), "{c:?}");
    assert!(shallow_pwl(&net).unwrap().errors(&f).sup <= 0.05);
    // The tent has no flat piece and needs 2 units at every ε < ½ (module docs of units): proved.
    let tent = Pwl::new(vec![0.0, 0.5, 1.0], vec![0.0, 1.0, 0.0]);
    for eps in [0.01, 0.2, 0.49] {
        let (c, _) = sup::certify_pwl(&tent, eps).unwrap();
        assert_eq!((c.bracket.lower, c.bracket.upper), (2, 2));
    }
}

#[test]
fn x_squared_sup_bracket_is_the_equioscillation_closed_form() {
    for eps in [0.2, 0.05, 0.01, 1e-3, 1e-4, 3e-6] {
        let (c, net) = sup::certify_square(eps).unwrap();
        let n = (1.0 / (8.0 * eps)).sqrt().ceil() as u64;
        // [n − 1, n], or one end of it when src/optimum/exact.rs decides.
        let (lo, hi) = (c.bracket.lower, c.bracket.upper);
        assert!(lo <= hi && (lo, hi) != (n, n - 1) && lo >= (n - 1).max(1) && hi <= n, "eps={eps}: {c:?}");
        assert_eq!(net.hidden()[0] as u64, hi, "eps={eps}");
        let err = depthsep::net::quadratic::errors_vs_quadratic(&shallow_pwl(&net).unwrap(), [1.0, 0.0, 0.0]).sup;
        assert!(err <= eps && (hi < n || err >= 0.99 / (8.0 * (n * n) as f64)), "eps={eps}: {err}");
        if n > 1 {
            assert!(1.0 / (8.0 * ((n - 1) * (n - 1)) as f64) > eps, "n − 1 pieces would reach eps={eps}");
        }
    }
}

#[test]
fn kink_free_tent_bound_holds_against_brute_force_over_knot_sets() {
    // Every knot set of a grid (k = 2, 3; up to 4 kinks): the L2-best g with those knots stays above
    // both lower bounds in nMSE, and in L1 too (any g does).
    for k in 2..=3u32 {
        let f = Sawtooth::new(k).unwrap().pwl().unwrap();
        let grid: Vec<f64> = (1..48).map(|i| i as f64 / 48.0 + 1e-3).collect();
        for m in 0..=4usize.min((1 << k) - 1) {
            let mut best = f64::INFINITY;
            subsets(grid.len(), m, |idx| {
                let knots: Vec<f64> = idx.iter().map(|&i| grid[i]).collect();
                let g = project(&f, &knots).unwrap();
                let e = f.errors(&g);
                let nmse = e.mse * 12.0;
                best = best.min(nmse);
                assert!(nmse >= lower_bound_kinks(m as f64, k, Metric::Nmse) - 1e-12, "k={k} {knots:?}: {nmse}");
                assert!(nmse >= lower_bound_pieces(m as f64 + 1.0, k, Metric::Nmse) - 1e-12);
                assert!(e.l1 >= lower_bound_kinks(m as f64, k, Metric::L1) - 1e-12, "k={k} {knots:?}: {}", e.l1);
                false
            });
            // Not vacuous: the best grid fit is within 4× of the bound where the bound is positive.
            let lb =
                lower_bound_kinks(m as f64, k, Metric::Nmse).max(lower_bound_pieces(m as f64 + 1.0, k, Metric::Nmse));
            assert!(
                best >= lb && best <= 4.0 * lb.max(1e-3) + construction_error(m as u64 + 1, k, Metric::Nmse),
                "k={k} m={m}: best {best}, bound {lb}"
            );
        }
    }
}

#[test]
fn optimised_weights_never_lose_to_the_construction_and_their_errors_are_exact() {
    for k in 2..=8u32 {
        let target = Sawtooth::new(k).unwrap();
        let ev = Evaluator::new(&target, Metric::Nmse);
        for m in 2..(1u64 << k) {
            let (net, e) = certificate(k, m).unwrap();
            assert!(net.hidden()[0] as u64 <= m);
            let c = construction_error(m, k, Metric::Nmse);
            assert!(e.mse * 12.0 <= c + 1e-12, "k={k} m={m}: {} > construction {c}", e.mse * 12.0);
            assert!((ev.eval(&net).unwrap().value - e.mse * 12.0).abs() < 1e-12);
            assert!(e.mse * 12.0 >= lower_bound_kinks(m as f64, k, Metric::Nmse) - 1e-12);
        }
    }
}
