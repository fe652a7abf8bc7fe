//! From a continuous piecewise-linear g on \[0,1\] to one-hidden-layer ReLU weights.
//!
//! Let g have interior kinks τ_1 < … < τ_K, slopes σ_0, …, σ_K and slope jumps d_i = σ_i − σ_{i−1}.
//! A width-m net has at most m kinks in (0,1), so g needs **at least K units**. A unit whose kink is
//! in (0,1) faces right, a(x − τ)_+, or left, a(τ − x)_+; a unit whose kink lies outside adds an
//! affine function. So g has **K + 1 units** in every case (σ(x) carries σ_0, σ(x − τ_i) the jump
//! d_i, the output bias g(0)), and **K units exactly when** σ_0 = −Σ_{i∈S} d_i for the set S of
//! left-facing units, i.e. when an odd-length alternating sum σ_{j_1} − σ_{j_2} + σ_{j_3} − … over
//! increasing indices vanishes. A flat piece σ_p = 0 is the simplest case: units left of it face left,
//! the others right ([`to_relu`] uses it). The tent Δ (σ = 2, −2) never qualifies: it needs 2 units
//! for every ε < ½ although it has one kink, so the minimal width is **K or K + 1**, not K.
//!
//! ```
//! use depthsep::net::Pwl;
//! use depthsep::optimum::units::to_relu;
//! let step = Pwl::new(vec![0.0, 0.3, 0.6, 1.0], vec![0.0, 0.6, 0.6, 0.0]); // flat in the middle
//! assert_eq!(to_relu(&step).unwrap().hidden(), &[2]);
//! let tent = Pwl::new(vec![0.0, 0.5, 1.0], vec![0.0, 1.0, 0.0]);
//! assert_eq!(to_relu(&tent).unwrap().hidden(), &[2]);
//! ```

use crate::net::{Mlp, Pwl};

/// Slopes below this, relative to the steepest, count as flat.
const FLAT_RTOL: f64 = 1e-12;

/// The index of a flat piece of g, if it has one.
pub fn flat_piece(g: &Pwl) -> Option<usize> {
    let s = g.slopes();
    let steep = s.iter().fold(1.0f64, |m, s| m.max(s.abs()));
    s.iter().position(|s| s.abs() <= FLAT_RTOL * steep)
}

/// ReLU weights computing g on \[0,1\]: K units when g has a flat piece, else K + 1 (one for the
/// affine part). Every knot of g counts as a kink (collinear knots cost a unit too).
pub fn to_relu(g: &Pwl) -> anyhow::Result<Mlp> {
    let (t, s) = (g.xs(), g.slopes());
    let k = t.len() - 2;
    let jumps: Vec<f64> = s.windows(2).map(|w| w[1] - w[0]).collect();
    let (w, b, a, c) = match flat_piece(g) {
        Some(p) => {
            // Kinks 1..=p face left, the rest right; the output bias is the flat value.
            let (mut w, mut b, mut a) = (vec![0.0; k], vec![0.0; k], vec![0.0; k]);
            for i in 0..k {
                let left = i < p;
                w[i] = if left { -1.0 } else { 1.0 };
                b[i] = if left { t[i + 1] } else { -t[i + 1] };
                a[i] = jumps[i];
            }
            (w, b, a, g.ys()[p])
        }
        None => {
            let mut w = vec![1.0; k + 1];
            let mut b = vec![0.0; k + 1];
            let mut a = vec![s[0]; k + 1];
            for i in 0..k {
                w[i + 1] = 1.0;
                b[i + 1] = -t[i + 1];
                a[i + 1] = jumps[i];
            }
            w[0] = 1.0;
            (w, b, a, g.ys()[0])
        }
    };
    anyhow::ensure!(!w.is_empty(), "a constant needs no unit; widths start at 1");
    let mut net = Mlp::with_hidden(1, &[w.len()])?;
    net.set_layer(0, &w, &b);
    net.set_layer(1, &a, &[c]);
    Ok(net)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::train::shallow_pwl;

    fn check(g: &Pwl, units: usize) {
        let net = to_relu(g).unwrap();
        assert_eq!(net.hidden(), &[units]);
        let h = shallow_pwl(&net).unwrap();
        assert!(g.errors(&h).sup < 1e-12, "{:?} vs {:?}", g, h);
    }

    #[test]
    fn a_flat_piece_saves_the_affine_unit_and_the_weights_compute_g() {
        check(&Pwl::new(vec![0.0, 0.2, 0.5, 0.7, 1.0], vec![1.0, 0.0, 0.0, 2.0, -1.0]), 3);
        check(&Pwl::new(vec![0.0, 0.4, 1.0], vec![0.3, 0.3, 2.0]), 1);
        check(&Pwl::new(vec![0.0, 0.4, 1.0], vec![-2.0, 0.3, 0.3]), 1);
    }

    #[test]
    fn without_a_flat_piece_every_kink_and_the_affine_part_take_a_unit() {
        check(&Pwl::new(vec![0.0, 0.25, 0.5, 0.75, 1.0], vec![0.0, 1.0, 0.0, 1.0, 0.0]), 4);
        check(&Pwl::new(vec![0.0, 1.0], vec![0.0, 3.0]), 1);
    }
}
