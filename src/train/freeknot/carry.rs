//! The last phase of a sweep: one unit fewer by carrying the affine part in the kinks.
//!
//! A spline with K knots is K + 1 units ([`super::to_mlp`]: one per knot and σ(x) for the first
//! slope). K units compute a K-knot path exactly when an odd-length alternating sum of its slopes
//! vanishes ([`crate::optimum::units`]); then every unit is a kink ([`crate::net::carried`]). This
//! phase keeps the trained knots and refits the nodal values on the *training samples* subject to
//! such a sum vanishing: it sees only the data, as the rest of the trainer.
//!
//! **The refit.** The sum over a set of links is linear in the nodal values, a·u = 0. With the
//! samples' normal equations G u = r (tridiagonal, [`super::spline`]) and u₀ their solution, the
//! constrained least-squares values are u = u₀ − z (a·u₀)/(a·z) with G z = a, and the sum of squared
//! residuals grows by exactly (a·u₀)²/(a·z) (Lagrange). So every candidate set costs one tridiagonal
//! solve, O(K), and the best is kept. Candidates: each single link (a flat link), and the alternating
//! sum over every link (K + 1 odd) or every link but one (K + 1 even, each link left out in turn):
//! O(K²) in all, run once per tolerance reached.

use super::spline::{Samples, Spline, thomas};

/// The vector a of the constraint "the alternating slope sum over `set` vanishes" on nodal values.
fn constraint(t: &[f64], set: impl Iterator<Item = usize>) -> Vec<f64> {
    let mut a = vec![0.0; t.len()];
    for (pos, i) in set.enumerate() {
        let c = if pos % 2 == 0 { 1.0 } else { -1.0 } / (t[i + 1] - t[i]);
        a[i + 1] += c;
        a[i] -= c;
    }
    a
}

/// The spline `sp`'s knots with nodal values refitted to the samples so that K units carry it, and
/// the link set whose alternating slope sum vanishes; `None` without knots or when the normal
/// equations are singular.
pub fn carried(sp: &Spline, s: &Samples) -> Option<(Spline, Vec<usize>)> {
    let k = sp.interior();
    if k == 0 || !sp.solvable(s, 0, k + 1) {
        return None;
    }
    let sys = sp.normal_equations(s, 0, k + 1);
    let mut u0 = sys.rhs.clone();
    thomas(&sys.diag, &sys.off, &mut u0)?;
    let links = k + 1;
    // Candidate n: a flat link n (n < links); then the alternating sum over every link (links odd)
    // or over every link but n − links (links even). Built one at a time: O(K) memory.
    let count = if links % 2 == 1 { links + 1 } else { 2 * links };
    let set = |n: usize| -> Vec<usize> {
        match n.checked_sub(links) {
            None => vec![n],
            Some(_) if links % 2 == 1 => (0..links).collect(),
            Some(d) => (0..links).filter(|&i| i != d).collect(),
        }
    };
    let dot = |x: &[f64], y: &[f64]| x.iter().zip(y).map(|(x, y)| x * y).sum::<f64>();
    let mut best: Option<(f64, Vec<f64>, Vec<f64>, usize)> = None;
    for n in 0..count {
        let a = constraint(&sp.t, set(n).into_iter());
        let mut z = a.clone();
        if thomas(&sys.diag, &sys.off, &mut z).is_none() {
            continue;
        }
        let (au, az) = (dot(&a, &u0), dot(&a, &z));
        if az.is_nan() || az <= 0.0 {
            continue;
        }
        let growth = au * au / az;
        if best.as_ref().is_none_or(|(g, ..)| growth < *g) {
            best = Some((growth, z, a, n));
        }
    }
    let (_, z, a, n) = best?;
    let scale = dot(&a, &u0) / dot(&a, &z);
    let u: Vec<f64> = u0.iter().zip(&z).map(|(u, z)| u - z * scale).collect();
    u.iter().all(|v| v.is_finite()).then(|| (Spline { t: sp.t.clone(), u }, set(n)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn samples(f: impl Fn(f64) -> f64, n: usize) -> Samples {
        let xs: Vec<f64> = (0..n).map(|i| (i as f64 + 0.5) / n as f64).collect();
        let ys: Vec<f64> = xs.iter().map(|&x| f(x)).collect();
        Samples::new(&xs, &ys)
    }

    #[test]
    fn a_path_with_a_flat_link_is_refitted_to_itself_and_carried_by_one_unit_per_knot() {
        // Rise to ½ at 0.3, flat to 0.6, fall: K = 2 knots, 2 units suffice (not 3).
        let f = |x: f64| {
            if x < 0.3 {
                x / 0.6
            } else if x < 0.6 {
                0.5
            } else {
                0.5 - (x - 0.6)
            }
        };
        let s = samples(f, 2000);
        let mut sp = Spline { t: vec![0.0, 0.3, 0.6, 1.0], u: vec![0.0; 4] };
        assert!(sp.solve(&s, 0, 3));
        let (c, set) = carried(&sp, &s).unwrap();
        assert_eq!(set, vec![1], "the flat link");
        assert!(c.u.iter().zip(&sp.u).all(|(a, b)| (a - b).abs() < 1e-9), "{:?} vs {:?}", c.u, sp.u);
        let net = crate::net::carried::carried_net(&crate::net::Pwl::new(c.t.clone(), c.u.clone()), &set).unwrap();
        assert_eq!(net.hidden(), &[2]);
        let mut out = [0.0; 3];
        net.forward(&[0.1, 0.45, 0.9], &mut out);
        for (o, x) in out.iter().zip([0.1, 0.45, 0.9]) {
            assert!((o - f(x)).abs() < 1e-9, "at {x}: {o} vs {}", f(x));
        }
    }

    #[test]
    fn the_constrained_refit_meets_its_sum_and_no_flat_link_fits_better_by_brute_force() {
        // A tent on knots that are not its own: the chosen refit's alternating sum vanishes, it is no
        // better than the free fit, and no flat-link candidate fits the samples better.
        let f = |x: f64| 1.0 - (2.0 * x - 1.0).abs();
        let s = samples(f, 1000);
        let mut sp = Spline { t: vec![0.0, 0.25, 0.5, 0.8, 1.0], u: vec![0.0; 5] };
        assert!(sp.solve(&s, 0, 4));
        let free = sp.sse(&s, 0, 4);
        let (c, set) = carried(&sp, &s).unwrap();
        let slopes: Vec<f64> = (0..4).map(|j| (c.u[j + 1] - c.u[j]) / (c.t[j + 1] - c.t[j])).collect();
        let sum: f64 = set.iter().enumerate().map(|(p, &i)| if p % 2 == 0 { slopes[i] } else { -slopes[i] }).sum();
        assert!(sum.abs() < 1e-9, "set {set:?}: sum {sum}");
        let got = c.sse(&s, 0, 4);
        assert!(got >= free - 1e-12);
        // Brute force: for each flat link j, the least squares over the basis with the hats j and
        // j + 1 merged (dense normal equations); the chosen refit is no worse than any of them.
        let hat = |i: usize, x: f64| {
            let mut e = vec![0.0; 5];
            e[i] = 1.0;
            crate::net::Pwl::new(sp.t.clone(), e).eval(x)
        };
        for j in 0..4 {
            let cols: Vec<Vec<usize>> =
                (0..5).filter(|&i| i != j + 1).map(|i| if i == j { vec![j, j + 1] } else { vec![i] }).collect();
            let design = nalgebra::DMatrix::from_fn(s.xs.len(), cols.len(), |p, c| {
                cols[c].iter().map(|&i| hat(i, s.xs[p])).sum::<f64>()
            });
            let y = nalgebra::DVector::from_vec(s.ys.clone());
            let coef = (design.transpose() * &design).lu().solve(&(design.transpose() * &y)).unwrap();
            let best = (&design * coef - y).norm_squared();
            assert!(got <= best * (1.0 + 1e-9) + 1e-12, "flat link {j}: {best} beats {got}");
        }
    }
}
