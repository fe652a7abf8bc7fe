//! The inner step of every chain: min over j of a_j + b_j (a min-plus product's entry).
//!
//! The chains' tables ([`super::joined`], [`super::chain`], [`super::counted`]) spend most of their
//! time here, over rows of hundreds to a thousand entries. The minimum of a finite set does not
//! depend on the order it is taken in, so eight running minima (one per SIMD lane, merged at the
//! end) give the same value as one left-to-right fold, bit for bit, and let the compiler vectorise
//! the loop. Entries may be +∞ (no such piece); NaN never arises (all costs are ≥ 0 or +∞).

/// Lanes of running minima.
const LANES: usize = 8;

/// min over j of `a[j] + b[j]` (+∞ when empty). Panics if the lengths differ.
pub fn min_plus(a: &[f64], b: &[f64]) -> f64 {
    assert_eq!(a.len(), b.len(), "min_plus over rows of different lengths");
    let mut acc = [f64::INFINITY; LANES];
    let (ca, cb) = (a.chunks_exact(LANES), b.chunks_exact(LANES));
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for j in 0..LANES {
            let s = x[j] + y[j];
            acc[j] = if s < acc[j] { s } else { acc[j] };
        }
    }
    let mut best = acc.into_iter().fold(f64::INFINITY, f64::min);
    for (x, y) in ra.iter().zip(rb) {
        best = best.min(x + y);
    }
    best
}

/// min over j of `a[j]` (+∞ when empty), by the same lanes.
pub fn min_of(a: &[f64]) -> f64 {
    let mut acc = [f64::INFINITY; LANES];
    let c = a.chunks_exact(LANES);
    let r = c.remainder();
    for x in c {
        for j in 0..LANES {
            acc[j] = if x[j] < acc[j] { x[j] } else { acc[j] };
        }
    }
    r.iter().copied().chain(acc).fold(f64::INFINITY, f64::min)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};

    #[test]
    fn lanes_give_the_left_to_right_minimum_bit_for_bit_with_infinities_and_every_length() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        for n in 0..70 {
            for _ in 0..20 {
                let mut row = |inf: f64| -> Vec<f64> {
                    (0..n)
                        .map(|_| if rng.random::<f64>() < inf { f64::INFINITY } else { rng.random::<f64>() * 10.0 })
                        .collect()
                };
                let (a, b) = (row(0.3), row(0.3));
                let naive = a.iter().zip(&b).map(|(x, y)| x + y).fold(f64::INFINITY, f64::min);
                assert_eq!(min_plus(&a, &b).to_bits(), naive.to_bits(), "n = {n}");
                let naive = a.iter().copied().fold(f64::INFINITY, f64::min);
                assert_eq!(min_of(&a).to_bits(), naive.to_bits(), "n = {n}");
            }
        }
        assert_eq!(min_plus(&[], &[]), f64::INFINITY);
        assert_eq!(min_plus(&[f64::INFINITY; 9], &[1.0; 9]), f64::INFINITY);
    }
}
