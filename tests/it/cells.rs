//! The nMSE and L1 brackets of every exact 1-D target (src/optimum/cells.rs): the kink-free-cell
//! lower bound against brute force over knot sets and against the sawtooth's closed form, and every
//! upper end reached by its own weights.

use depthsep::family::Bound;
use depthsep::family::sawtooth::theory::{error_bound, lower_bound_blocks, lower_bound_chain, lower_bound_kinks};
use depthsep::family::{Objective, Target, golden::Golden, sawtooth::Sawtooth, takagi::Takagi};
use depthsep::net::Pwl;
use depthsep::optimum::cells::{CellBound, certify_pwl};
use depthsep::optimum::project::project;
use depthsep::train::{Metric, shallow_pwl};

/// Calls `visit` on every increasing `m`-subset of 0..n.
fn subsets(n: usize, m: usize, visit: &mut dyn FnMut(&[usize])) {
    fn rec(start: usize, n: usize, left: usize, cur: &mut Vec<usize>, visit: &mut dyn FnMut(&[usize])) {
        if left == 0 {
            visit(cur);
            return;
        }
        for i in start..=n - left {
            cur.push(i);
            rec(i + 1, n, left - 1, cur, visit);
            cur.pop();
        }
    }
    rec(0, n, m, &mut Vec::new(), visit);
}

#[test]
fn no_function_with_m_kinks_on_a_grid_beats_the_cell_bound() {
    // The L2-best g for every knot set of a 41-point grid with up to 3 kinks (nMSE), and its L1
    // error (any g bounds the L1 bound from above): never below the bound; and the bound is not
    // vacuous: positive below the target's kink count, exact at m = 0, and the best grid fit is
    // within 7× of it (measured 1.0 at m = 0, 2.0–2.5 at m = 1, up to 6.2 at m = 3).
    let own = Pwl::new(vec![0.0, 0.17, 0.3, 0.52, 0.61, 0.83, 1.0], vec![0.1, 0.9, 0.2, 0.7, -0.3, 0.5, 0.4]);
    let targets: Vec<(String, Pwl, f64)> = vec![
        ("golden t=3".into(), Golden::new(3).unwrap().pwl().unwrap(), Golden::new(3).unwrap().variance()),
        ("takagi a=2 K=2".into(), Takagi::new(2, 2).unwrap().pwl().unwrap(), Takagi::new(2, 2).unwrap().variance()),
        ("a target of five kinks".into(), own.clone(), own.moments().1),
        ("sawtooth k=3".into(), Sawtooth::new(3).unwrap().pwl().unwrap(), 1.0 / 12.0),
    ];
    let grid: Vec<f64> = (1..41).map(|i| i as f64 / 41.0 + 1e-3).collect();
    for (name, f, var) in &targets {
        let l2 = CellBound::new(&f.merged(), Metric::Nmse, *var).unwrap();
        let l1 = CellBound::new(&f.merged(), Metric::L1, 1.0).unwrap();
        for m in 0..=3usize.min(l2.kinks()) {
            let (b2, b1) = (l2.error_at(m), l1.error_at(m));
            let mut best = f64::INFINITY;
            subsets(grid.len(), m, &mut |idx| {
                let knots: Vec<f64> = idx.iter().map(|&i| grid[i]).collect();
                let e = f.errors(&project(f, &knots).unwrap());
                best = best.min(e.mse / var);
                assert!(e.mse / var >= b2, "{name}, {knots:?}: nMSE {} < bound {b2}", e.mse / var);
                assert!(e.l1 >= b1, "{name}, {knots:?}: L1 {} < bound {b1}", e.l1);
            });
            if m < l2.kinks() {
                assert!(b2 > 0.0 && b1 > 0.0, "{name} m={m}: a vacuous bound");
                assert!(best <= 7.0 * b2, "{name} m={m}: best grid fit {best} vs bound {b2}");
            }
        }
    }
}

#[test]
fn on_the_sawtooth_the_cell_bound_is_at_least_the_kink_free_tents() {
    for k in 1..=10u32 {
        let f = Sawtooth::new(k).unwrap().pwl().unwrap();
        let l2 = CellBound::new(&f, Metric::Nmse, 1.0 / 12.0).unwrap();
        let l1 = CellBound::new(&f, Metric::L1, 1.0).unwrap();
        assert_eq!(l2.kinks(), (1 << k) - 1);
        for m in 0..(1usize << k) {
            let (t2, t1) = (lower_bound_kinks(m as f64, k, Metric::Nmse), lower_bound_kinks(m as f64, k, Metric::L1));
            assert!(l2.error_at(m) >= t2 * (1.0 - 1e-6), "k={k} m={m}: {} < tents {t2}", l2.error_at(m));
            assert!(l1.error_at(m) >= t1 * (1.0 - 1e-6), "k={k} m={m}: {} < tents {t1}", l1.error_at(m));
        }
    }
}

#[test]
fn every_nmse_and_l1_upper_end_is_reached_by_its_own_weights() {
    let mut targets: Vec<Box<dyn Target>> = Vec::new();
    for t in [2, 5, 8, 10] {
        targets.push(Box::new(Golden::new(t).unwrap()));
    }
    for (a, k) in [(2, 3), (2, 7), (4, 5), (4, 8)] {
        targets.push(Box::new(Takagi::new(a, k).unwrap()));
    }
    for t in &targets {
        let f = t.pwl().unwrap();
        for (metric, scale) in [(Metric::Nmse, t.variance()), (Metric::L1, 1.0)] {
            for eps in [0.1, 0.01, 0.001] {
                let (c, net) = certify_pwl(&f, eps, metric, scale).unwrap();
                assert_eq!(net.hidden()[0] as u64, c.bracket.upper, "{} {eps}", t.label());
                assert!(c.bracket.lower >= 1 && c.bracket.lower <= c.bracket.upper, "{} {eps}: {:?}", t.label(), c);
                let e = f.errors(&shallow_pwl(&net).unwrap());
                let err = if metric == Metric::L1 { e.l1 } else { e.mse / scale };
                assert!(err <= eps, "{} {metric:?} {eps}: the weights reach {err}", t.label());
                // The family's own bracket is this one.
                assert_eq!(t.bracket(eps, metric), Some(c.bracket));
            }
        }
    }
}

#[test]
fn at_error_zero_the_lower_end_is_the_targets_kink_count() {
    for t in 1..=10u32 {
        let g = Golden::new(t).unwrap();
        let (c, _) = certify_pwl(&g.pwl().unwrap(), 0.0, Metric::Nmse, g.variance()).unwrap();
        let kinks = g.pieces() as u64 - 1;
        assert_eq!(c.bracket.lower, kinks.max(1), "golden t={t}");
        assert!(c.bracket.upper == kinks || c.bracket.upper == kinks + 1, "golden t={t}: {:?}", c.bracket);
    }
}

#[test]
fn the_profile_lower_bound_of_golden_and_takagi_comes_from_the_cells() {
    let g = Golden::new(6).unwrap();
    let (pieces, how) = g.fewest_pieces(0.01, Metric::Nmse).unwrap();
    assert_eq!(pieces, g.bracket(0.01, Metric::Nmse).unwrap().lower + 1);
    assert!(how.contains("kink-free cells"), "{how}");
    let t = Takagi::new(2, 6).unwrap();
    assert!(t.fewest_pieces(0.001, Metric::Nmse).unwrap().0 >= 2);
}

#[test]
fn no_explicit_net_beats_the_block_bound() {
    // Δ^k, k = 2..8, every width m below 2^k: the blocks' lower bound on the error of m kinks never
    // exceeds the exact error of the best explicit width-m net (construction, optimised, carried),
    // in nMSE and L1; and it is tighter than the tents' closed form (strictly, for some m).
    for k in 2..=8u32 {
        for metric in [Metric::Nmse, Metric::L1] {
            let mut tighter = 0;
            for m in 1..(1u64 << k) {
                let (lb, ub) = (lower_bound_blocks(m, k, metric), error_bound(Bound::Upper, m, k, metric));
                assert!(lb <= ub + 1e-12, "k={k} m={m} {metric:?}: blocks {lb} > explicit net {ub}");
                tighter += usize::from(lb > lower_bound_kinks(m as f64, k, metric) * (1.0 + 1e-9));
            }
            assert!(tighter > 0, "k={k} {metric:?}: the blocks never beat the tents");
        }
    }
    // Golden t = 6: every refit with K of its kinks stays above the cell bound at K.
    let g = Golden::new(6).unwrap();
    let f = g.pwl().unwrap().merged();
    let bound = CellBound::new(&f, Metric::Nmse, g.variance()).unwrap();
    let kinks: Vec<f64> = f.kinks().into_iter().map(|(x, _)| x).collect();
    for start in 0..kinks.len() {
        for len in 0..kinks.len() - start {
            let knots = &kinks[start..start + len];
            let e = f.errors(&project(&f, knots).unwrap()).mse / g.variance();
            assert!(
                e >= bound.error_at(len),
                "golden t=6 knots {start}..{}: {e} < {}",
                start + len,
                bound.error_at(len)
            );
        }
    }
}

#[test]
fn no_function_with_m_kinks_on_a_grid_and_no_explicit_net_beats_the_chain_bound() {
    // Δ² and Δ³: the L2-best g on every knot set of a 41-point grid with up to 5 kinks stays above
    // the chain bound at its kink count.
    for k in 2..=3u32 {
        let f = Sawtooth::new(k).unwrap().pwl().unwrap();
        let grid: Vec<f64> = (1..42).map(|i| i as f64 / 42.0 + 1e-3).collect();
        for m in 0..=5usize.min((1 << k) - 2) {
            let lb = lower_bound_chain(m as u64, k, Metric::Nmse);
            let mut best = f64::INFINITY;
            subsets(grid.len(), m, &mut |idx| {
                let knots: Vec<f64> = idx.iter().map(|&i| grid[i]).collect();
                let nmse = f.errors(&project(&f, &knots).unwrap()).mse * 12.0;
                assert!(nmse >= lb, "k={k} {knots:?}: {nmse} < chain {lb}");
                best = best.min(nmse);
            });
            // Not vacuous: with the kinks counted, the end half-cells charged and the pieces
            // joined, above 0.7 of the grid's best (k = 3, m = 5: 0.328 against 0.410).
            eprintln!("k={k} m={m}: best {best}, chain {lb}");
            assert!(lb > 0.7 * best, "k={k} m={m}: best {best}, chain {lb}");
        }
    }
    // Δ^k, k = 2..8, every width m below 2^k, in nMSE and in L1 (optimum::chain_l1): never above the
    // best explicit width-m net's exact error; above the blocks for many m from k = 4 on (a quarter
    // of the widths in nMSE, half in L1).
    for (metric, share) in [(Metric::Nmse, 4), (Metric::L1, 2)] {
        for k in 2..=8u32 {
            let mut above_blocks = 0;
            for m in 1..(1u64 << k) {
                let (lb, ub) = (lower_bound_chain(m, k, metric), error_bound(Bound::Upper, m, k, metric));
                assert!(lb <= ub, "{metric:?} k={k} m={m}: chain {lb} > explicit net {ub}");
                above_blocks += usize::from(lb > lower_bound_blocks(m, k, metric));
            }
            assert!(k < 4 || above_blocks >= (1 << k) / share, "{metric:?} k={k}: above the blocks at {above_blocks}");
        }
    }
    assert_eq!(lower_bound_chain(10, 4, Metric::Sup), 0.0, "no chain in sup");
}
