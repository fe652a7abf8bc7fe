//! One unit against the tent Δ = Δ¹: the least error, exactly, in L2 and L1.
//!
//! One unit c + a·relu(wx + b) is monotone on \[0, 1\], so its error is at least the best monotone
//! fit's; Δ is symmetric about ½, so take g nondecreasing.
//!
//! - **L2.** The best nondecreasing fit is the slope of the greatest convex minorant of
//!   F(x) = ∫₀ˣ Δ (isotonic regression; Barlow, Bartholomew, Bremner and Brunk 1972). F is convex up
//!   to ½ and concave after, so the minorant follows F up to some a and then is the chord to
//!   (1, F(1)), tangent at a: Δ(a) = (F(1) − F(a))/(1 − a), i.e. 2a(1 − a) = ½ − a²,
//!   a = 1 − 1/√2. With c = Δ(a) = 2 − √2 the fit is Δ on \[0, a\] and c after, MSE
//!   ∫_a^1 (Δ − c)² = (2(1 − c)³ + c³)/6, nMSE (× 12) 4(√2 − 1)³ + 2(2 − √2)³ ≈ 0.6863.
//! - **L1.** The best nondecreasing fit is Δ on \[0, a\] and then a median of Δ on \[a, 1\] equal
//!   to Δ(a) = 2a: Δ ≥ 2a on \[a, 1 − a\] and below on (1 − a, 1\], so 1 − 2a = a, a = ⅓, c = ⅔,
//!   and the error is ∫_{1/3}^{1/2} (2x − ⅔) + ∫_{1/2}^1 |4/3 − 2x| = 1/36 + 5/36 = 1/6.
//!
//! Both fits are one unit (Δ up to a, then flat: c − 2·relu(a − x)), so these are the optima, and
//! with them one unit is ruled out for k = 1 at every tolerance below them (the tests check both
//! against brute force).

use crate::train::Metric;

/// The least error of one unit against the tent Δ (module docs), shrunk by 1e-12 relative; 0 in
/// sup (decided elsewhere).
pub fn one_unit_error(metric: Metric) -> f64 {
    let r2 = std::f64::consts::SQRT_2;
    let v = match metric {
        Metric::Nmse => 4.0 * (r2 - 1.0).powi(3) + 2.0 * (2.0 - r2).powi(3),
        Metric::L1 => 1.0 / 6.0,
        Metric::Sup => 0.0,
    };
    v * (1.0 - 1e-12)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::Pwl;
    use rand::RngExt;
    use rand_chacha::ChaCha8Rng;
    use rand_chacha::rand_core::SeedableRng;

    fn tent() -> Pwl {
        Pwl::new(vec![0.0, 0.5, 1.0], vec![0.0, 1.0, 0.0])
    }

    /// nMSE and L1 of g against Δ, exactly.
    fn errors(g: &Pwl) -> (f64, f64) {
        let e = tent().errors(g);
        (e.mse * 12.0, e.l1)
    }

    #[test]
    fn the_closed_forms_are_reached_by_one_unit() {
        // Δ up to a, then flat at c: c − 2·relu(a − x).
        let unit = |a: f64| Pwl::new(vec![0.0, a, 1.0], vec![0.0, 2.0 * a, 2.0 * a]);
        let (nmse, _) = errors(&unit(1.0 - 0.5f64.sqrt()));
        let (_, l1) = errors(&unit(1.0 / 3.0));
        assert!((nmse - one_unit_error(Metric::Nmse)).abs() < 1e-12, "{nmse}");
        assert!((l1 - one_unit_error(Metric::L1)).abs() < 1e-12, "{l1}");
        assert!((nmse - 0.686292).abs() < 1e-6);
    }

    #[test]
    fn no_one_unit_function_and_no_monotone_one_beats_the_bound() {
        // Every unit: a kink at t, a slope on one side, the best constant (fine grids), both sides.
        let (b2, b1) = (one_unit_error(Metric::Nmse), one_unit_error(Metric::L1));
        let (mut best2, mut best1) = (f64::INFINITY, f64::INFINITY);
        for i in 1..200 {
            let t = i as f64 / 200.0;
            for j in -20..=20 {
                let s = j as f64 / 5.0;
                for c in 0..=20 {
                    let c = c as f64 / 20.0;
                    for g in [
                        Pwl::new(vec![0.0, t, 1.0], vec![c - s * t, c, c]),
                        Pwl::new(vec![0.0, t, 1.0], vec![c, c, c + s * (1.0 - t)]),
                    ] {
                        let (e2, e1) = errors(&g);
                        assert!(e2 >= b2 && e1 >= b1, "t={t} s={s} c={c}: {e2} {e1}");
                        best2 = best2.min(e2);
                        best1 = best1.min(e1);
                    }
                }
            }
        }
        assert!(best2 < b2 + 0.01 && best1 < b1 + 0.005, "grid best {best2} {best1}");
        // Random nondecreasing and nonincreasing functions with up to 6 kinks.
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        for _ in 0..5000 {
            let n = rng.random_range(1..7usize);
            let mut xs: Vec<f64> = (0..n).map(|_| rng.random_range(0.0..1.0)).collect();
            xs.extend([0.0, 1.0]);
            xs.sort_by(f64::total_cmp);
            xs.dedup();
            let mut ys: Vec<f64> = xs.iter().map(|_| rng.random_range(-0.2..1.2)).collect();
            ys.sort_by(f64::total_cmp);
            if rng.random_bool(0.5) {
                ys.reverse();
            }
            let (e2, e1) = errors(&Pwl::new(xs, ys));
            assert!(e2 >= b2 && e1 >= b1, "{e2} {e1}");
        }
    }
}
