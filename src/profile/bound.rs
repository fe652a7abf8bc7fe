//! The certified lower bound of a depth profile: how many pieces a net of given depth and widths
//! can have, and the fewest units and parameters a depth-L net needs to reach a number of pieces.
//!
//! **Pieces of a deep net** (1 input). Let every output of layer i − 1 be continuous and piecewise
//! linear with breakpoints in one common set splitting \[0,1\] into p pieces. A unit of layer i
//! applies σ to an affine combination of them: affine on each of the p pieces, so σ of it adds at
//! most one breakpoint per piece (where an affine function changes sign). Its n_i units add at most
//! n_i·p breakpoints to the common set, which then has at most p(n_i + 1) pieces; the linear output
//! adds none. Starting from p = 1 (the input x), a net with hidden widths n_1, …, n_L computes a
//! function with at most
//!
//! **P(n) = ∏_i (n_i + 1)** pieces on \[0,1\]
//!
//! (the one-hidden-layer case is m + 1 pieces for m units; the bound is checked against the pieces
//! of random nets in the tests). So a target that every function within ε must approximate with at
//! least P_ε pieces ([`crate::family::Target::fewest_pieces`]) needs, at depth L,
//!
//! - **units** U_L = min Σ n_i over integers n_i ≥ 1 with ∏ (n_i + 1) ≥ P_ε ([`min_units`]), and
//! - **parameters** min over the same widths of 2n_1 + Σ_{i≥2} n_i(n_{i−1} + 1) + n_L + 1
//!   ([`min_params`], a dynamic programme over (layer, previous width, pieces still needed), exact:
//!   checked against enumeration of all widths in the tests).
//!
//! A net of uniform width w needs (w + 1)^L ≥ P_ε, i.e. w ≥ ⌈P_ε^{1/L}⌉ − 1 ([`min_uniform_width`]).

use std::collections::HashMap;

/// The most pieces on \[0,1\] of a one-input ReLU net with hidden widths `hidden` (saturating).
pub fn max_pieces(hidden: &[usize]) -> u64 {
    hidden.iter().fold(1u64, |p, &n| p.saturating_mul(n as u64 + 1))
}

/// Parameters of a one-input, one-output net with hidden widths `hidden`.
pub fn params(hidden: &[usize]) -> u64 {
    let mut prev = 1u64;
    let mut total = 0u64;
    for &n in hidden {
        total += n as u64 * (prev + 1);
        prev = n as u64;
    }
    total + prev + 1
}

/// ⌈a / b⌉ for b ≥ 1.
fn ceil_div(a: u64, b: u64) -> u64 {
    a.div_ceil(b)
}

/// The fewest hidden units of a depth-`depth` one-input net with at least `pieces` pieces, and
/// widths attaining it (as even as possible: the product of the (n_i + 1) for a fixed sum is
/// largest when they differ by at most one).
pub fn min_units(pieces: u64, depth: usize) -> (u64, Vec<usize>) {
    assert!(depth >= 1, "depth ≥ 1");
    if pieces <= 1 {
        return (depth as u64, vec![1; depth]);
    }
    // Total S of the factors f_i = n_i + 1 ≥ 2, split as evenly as possible.
    let mut s = 2 * depth as u64;
    loop {
        let (q, r) = (s / depth as u64, (s % depth as u64) as usize);
        let f: Vec<u64> = (0..depth).map(|i| q + u64::from(i < r)).collect();
        if f.iter().fold(1u64, |p, &x| p.saturating_mul(x)) >= pieces {
            let widths: Vec<usize> = f.iter().map(|&x| (x - 1) as usize).collect();
            return (s - depth as u64, widths);
        }
        s += 1;
    }
}

/// The smallest uniform width w with (w + 1)^depth ≥ `pieces`.
pub fn min_uniform_width(pieces: u64, depth: usize) -> usize {
    let mut w = ((pieces as f64).powf(1.0 / depth as f64).ceil() as usize).saturating_sub(1).max(1);
    while w > 1 && max_pieces(&vec![w - 1; depth]) >= pieces {
        w -= 1;
    }
    while max_pieces(&vec![w; depth]) < pieces {
        w += 1;
    }
    w
}

/// The fewest parameters of a depth-`depth` one-input net with at least `pieces` pieces, and widths
/// attaining it.
pub fn min_params(pieces: u64, depth: usize) -> (u64, Vec<usize>) {
    assert!(depth >= 1, "depth ≥ 1");
    let mut memo: HashMap<(usize, u64, u64), (u64, usize)> = HashMap::new();
    let best = go(1, 1, pieces.max(1), depth, &mut memo);
    // Read the widths back from the memo.
    let (mut prev, mut need, mut widths) = (1u64, pieces.max(1), Vec::with_capacity(depth));
    for i in 1..=depth {
        let (_, n) = memo[&(i, prev, need)];
        widths.push(n);
        need = ceil_div(need, n as u64 + 1);
        prev = n as u64;
    }
    (best, widths)
}

/// Fewest parameters of layers i..=depth and the output, given the previous width and the pieces
/// the remaining layers must still multiply by; memoised with the best width of layer i.
fn go(i: usize, prev: u64, need: u64, depth: usize, memo: &mut HashMap<(usize, u64, u64), (u64, usize)>) -> u64 {
    if i > depth {
        return if need <= 1 { prev + 1 } else { u64::MAX };
    }
    if let Some(&(v, _)) = memo.get(&(i, prev, need)) {
        return v;
    }
    // A width with n + 1 ≥ need already suffices; wider only costs more here and in the next layer.
    let top = need.saturating_sub(1).max(1);
    let mut best = (u64::MAX, 1usize);
    for n in 1..=top {
        let own = n * (prev + 1);
        if own >= best.0 {
            break;
        }
        let rest = go(i + 1, n, ceil_div(need, n + 1), depth, memo);
        let total = own.saturating_add(rest);
        if total < best.0 {
            best = (total, n as usize);
        }
    }
    memo.insert((i, prev, need), best);
    best.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::{Mlp, pieces::pwl_of};
    use rand::{RngExt, SeedableRng};

    /// Every width vector of `depth` layers with widths in 1..=w_max.
    fn all_widths(depth: usize, w_max: usize) -> Vec<Vec<usize>> {
        let mut out = vec![vec![]];
        for _ in 0..depth {
            out = out.into_iter().flat_map(|v| (1..=w_max).map(move |n| [v.clone(), vec![n]].concat())).collect();
        }
        out
    }

    #[test]
    fn min_units_and_min_params_equal_enumeration_over_all_widths() {
        for depth in 1..=4 {
            for pieces in 1..=40u64 {
                let w_max = pieces.max(2) as usize;
                let w_max = if depth >= 3 { w_max.min(12) } else { w_max };
                let ok: Vec<Vec<usize>> =
                    all_widths(depth, w_max).into_iter().filter(|h| max_pieces(h) >= pieces).collect();
                let units = ok.iter().map(|h| h.iter().sum::<usize>() as u64).min().unwrap();
                let prm = ok.iter().map(|h| params(h)).min().unwrap();
                let (u, hu) = min_units(pieces, depth);
                let (p, hp) = min_params(pieces, depth);
                assert_eq!(u, units, "units, P = {pieces}, L = {depth}");
                assert_eq!(p, prm, "params, P = {pieces}, L = {depth}");
                assert!(max_pieces(&hu) >= pieces && hu.iter().sum::<usize>() as u64 == u);
                assert!(max_pieces(&hp) >= pieces && params(&hp) == p);
                let w = min_uniform_width(pieces, depth);
                assert!(max_pieces(&vec![w; depth]) >= pieces && (w == 1 || max_pieces(&vec![w - 1; depth]) < pieces));
            }
        }
    }

    #[test]
    fn params_counts_the_mlp_parameters() {
        for h in [vec![1], vec![5], vec![2, 3], vec![4, 1, 7]] {
            assert_eq!(params(&h), Mlp::count_params(1, &h) as u64, "{h:?}");
        }
    }

    #[test]
    fn no_random_net_has_more_pieces_than_the_product_bound_and_the_sawtooth_net_has_two_to_the_l() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
        let mut tight = 0;
        for trial in 0..300 {
            let depth = 1 + trial % 3;
            let hidden: Vec<usize> = (0..depth).map(|_| rng.random_range(1..=4)).collect();
            let mut net = Mlp::with_hidden(1, &hidden).unwrap();
            let p: Vec<f64> = (0..net.n_params()).map(|_| rng.random_range(-3.0..3.0)).collect();
            net = Mlp::from_params(net.dims(), &p).unwrap();
            let got = pwl_of(&net).unwrap().merged().pieces() as u64;
            assert!(got <= max_pieces(&hidden), "{hidden:?}: {got} pieces > {}", max_pieces(&hidden));
            tight += usize::from(got == max_pieces(&hidden));
        }
        assert!(tight > 0, "the bound is attained by some random net");
        for k in 1..=8u32 {
            let net = crate::family::sawtooth::construct::telgarsky_deep(k).unwrap();
            assert_eq!(pwl_of(&net).unwrap().pieces() as u64, 1 << k);
            assert!(1u64 << k <= max_pieces(net.hidden()));
        }
    }

    #[test]
    fn deep_nets_need_far_fewer_parameters_for_many_pieces() {
        // 4096 pieces: one hidden layer needs 4095 units (12 286 parameters); twelve need 2 each.
        assert_eq!(min_params(4096, 1).0, 3 * 4095 + 1);
        assert_eq!(min_units(4096, 12).0, 12);
        assert!(min_params(4096, 12).0 < 100);
    }
}
