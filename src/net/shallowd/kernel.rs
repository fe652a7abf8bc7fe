//! The fused kernel's two sweeps in AVX-512 intrinsics, one instance per scalar type (f64 with 8
//! lanes, f32 with 16), and their [`Fused`] impls. The maths and the bit-for-bit argument are in
//! the parent module's docs.

use super::{Fused, FusedWorkspace};

/// `$f::<K>(args)` for a run-time feature count `K` in 1..=8 (the chunk widths of the backward
/// sweep), so each chunk's chains are a fixed-size array kept in registers.
macro_rules! by_k {
    ($kk:expr, $f:ident, $($arg:expr),*) => {
        match $kk {
            1 => $f::<1>($($arg),*),
            2 => $f::<2>($($arg),*),
            3 => $f::<3>($($arg),*),
            4 => $f::<4>($($arg),*),
            5 => $f::<5>($($arg),*),
            6 => $f::<6>($($arg),*),
            7 => $f::<7>($($arg),*),
            _ => $f::<8>($($arg),*),
        }
    };
}

/// The kernel for one scalar type: its vector type, lane count and intrinsics.
macro_rules! fused {
    ($m:ident, $t:ty, $v:ty, $mask:ty, $lanes:expr, $set1:ident, $load:ident, $store:ident, $fma:ident,
     $add:ident, $max:ident, $zero:ident, $cmp:ident, $mov:ident) => {
        #[cfg(target_arch = "x86_64")]
        mod $m {
            use super::super::KC;
            use std::arch::x86_64::*;

            const L: usize = $lanes;
            /// Blocks of L points per forward sweep.
            const NB: usize = 2;
            /// Features per backward sweep (their gradient chains stay in registers).
            const CH: usize = 8;

            fn mask(lanes: usize) -> $mask {
                ((1u32 << lanes) - 1) as $mask
            }

            /// See [`super::Fused::fused_forward`].
            #[target_feature(enable = "avx512f,fma")]
            pub(super) unsafe fn forward(d: usize, m: usize, params: &[$t], xt: &[$t], out: &mut [$t]) {
                let n = out.len();
                let (w, rest) = params.split_at(m * d);
                let (b, rest) = rest.split_at(m);
                let (a, c) = rest.split_at(m);
                // SAFETY (whole body): xt holds whole zero-padded blocks of NB·L points; stores are
                // masked to the n points of `out` (pointers past it are never written).
                unsafe {
                    let mut i0 = 0;
                    while i0 < n {
                        let masks: [$mask; NB] = std::array::from_fn(|q| mask((n - i0).saturating_sub(q * L).min(L)));
                        let tile = xt.as_ptr().add(i0 * d);
                        let mut tot = [$set1(c[0]); NB];
                        let mut j0 = 0;
                        while j0 < m {
                            let j1 = (j0 + KC).min(m);
                            let mut s = [$zero(); NB];
                            for j in j0..j1 {
                                let mut z = [$zero(); NB];
                                for k in 0..d {
                                    let wk = $set1(*w.get_unchecked(j * d + k));
                                    let row = tile.add(k * NB * L);
                                    for q in 0..NB {
                                        z[q] = $fma($load(mask(L), row.add(q * L)), wk, z[q]);
                                    }
                                }
                                let (bj, aj) = ($set1(*b.get_unchecked(j)), $set1(*a.get_unchecked(j)));
                                for q in 0..NB {
                                    s[q] = $fma($max($add(bj, z[q]), $zero()), aj, s[q]);
                                }
                            }
                            for q in 0..NB {
                                tot[q] = $add(tot[q], s[q]);
                            }
                            j0 = j1;
                        }
                        for q in 0..NB {
                            $store(out.as_mut_ptr().wrapping_add(i0 + q * L), masks[q], tot[q]);
                        }
                        i0 += NB * L;
                    }
                }
            }

            /// The units j0.. (lanes `mk`): ∂a, ∂b and the features 0..K of ∂w, into the lanes
            /// of `ga`, `gb`, `gw`; Δ at every point into `dp` when `keep`.
            #[inline(always)]
            #[allow(clippy::too_many_arguments)]
            unsafe fn first<const K: usize>(
                d: usize,
                j0: usize,
                mk: $mask,
                (b, a): (&[$t], &[$t]),
                (xs, delta, wt): (&[$t], &[$t], &[$t]),
                keep: bool,
                dp: &mut [$t],
                (ga, gb, gw): (&mut [$t; L], &mut [$t; L], &mut [[$t; L]; CH]),
            ) {
                let n = delta.len();
                // SAFETY (whole body): loads of units are masked to `mk` (inside m), points and
                // features index inside xs (n × d) and dp (n × L).
                unsafe {
                    let bj = $load(mk, b.as_ptr().add(j0));
                    let aj = $load(mk, a.as_ptr().add(j0));
                    let wb = wt.as_ptr().add(j0 * d);
                    let wreg: [$v; K] = std::array::from_fn(|k| $load(mask(L), wb.add(k * L)));
                    let (mut ta, mut tw) = ($zero(), [$zero(); K]);
                    let mut tb = $zero();
                    let mut i0 = 0;
                    while i0 < n {
                        let i1 = (i0 + KC).min(n);
                        let (mut sa, mut sw) = ($zero(), [$zero(); K]);
                        for i in i0..i1 {
                            let xi = xs.as_ptr().add(i * d);
                            let mut z = $zero();
                            for k in 0..K {
                                z = $fma($set1(*xi.add(k)), wreg[k], z);
                            }
                            for k in K..d {
                                z = $fma($set1(*xi.add(k)), $load(mask(L), wb.add(k * L)), z);
                            }
                            let h = $max($add(bj, z), $zero());
                            let di = $set1(*delta.get_unchecked(i));
                            sa = $fma(di, h, sa);
                            let g = $fma(di, aj, $zero());
                            let dpv = $mov(g, $cmp::<_CMP_LE_OQ>(h, $zero()), $zero());
                            tb = $add(tb, dpv);
                            for k in 0..K {
                                sw[k] = $fma(dpv, $set1(*xi.add(k)), sw[k]);
                            }
                            if keep {
                                $store(dp.as_mut_ptr().add(i * L), mask(L), dpv);
                            }
                        }
                        ta = if i0 == 0 { sa } else { $add(ta, sa) };
                        for k in 0..K {
                            tw[k] = if i0 == 0 { sw[k] } else { $add(tw[k], sw[k]) };
                        }
                        i0 = i1;
                    }
                    $store(ga.as_mut_ptr(), mask(L), ta);
                    $store(gb.as_mut_ptr(), mask(L), tb);
                    for k in 0..K {
                        $store(gw[k].as_mut_ptr(), mask(L), tw[k]);
                    }
                }
            }

            /// Features k0..k0 + K of ∂w for the units whose Δ is in `dp`, into `gw`.
            #[inline(always)]
            unsafe fn chunk<const K: usize>(d: usize, k0: usize, xs: &[$t], dp: &[$t], gw: &mut [[$t; L]; CH]) {
                let n = dp.len() / L;
                // SAFETY (whole body): points and features index inside xs (n × d) and dp (n × L).
                unsafe {
                    let mut tw = [$zero(); K];
                    let mut i0 = 0;
                    while i0 < n {
                        let i1 = (i0 + KC).min(n);
                        let mut sw = [$zero(); K];
                        for i in i0..i1 {
                            let dpv = $load(mask(L), dp.as_ptr().add(i * L));
                            let xi = xs.as_ptr().add(i * d + k0);
                            for k in 0..K {
                                sw[k] = $fma(dpv, $set1(*xi.add(k)), sw[k]);
                            }
                        }
                        for k in 0..K {
                            tw[k] = if i0 == 0 { sw[k] } else { $add(tw[k], sw[k]) };
                        }
                        i0 = i1;
                    }
                    for k in 0..K {
                        $store(gw[k].as_mut_ptr(), mask(L), tw[k]);
                    }
                }
            }

            /// See [`super::Fused::fused_backward`].
            #[target_feature(enable = "avx512f,fma")]
            pub(super) unsafe fn backward(
                d: usize,
                m: usize,
                params: &[$t],
                xs: &[$t],
                (delta, wt): (&[$t], &[$t]),
                dp: &mut Vec<$t>,
                grad: &mut [$t],
            ) {
                let n = delta.len();
                let (_, rest) = params.split_at(m * d);
                let (b, rest) = rest.split_at(m);
                let a = &rest[..m];
                let (gw_all, grest) = grad.split_at_mut(m * d);
                let (gb_all, grest) = grest.split_at_mut(m);
                let (ga_all, gc) = grest.split_at_mut(m);
                gc[0] = delta.iter().fold(0.0, |t, &r| t + r);
                let keep = d > CH;
                dp.resize(if keep { n * L } else { 0 }, 0.0);
                let (mut ga, mut gb, mut gw) = ([0.0; L], [0.0; L], [[0.0; L]; CH]);
                let mut j0 = 0;
                while j0 < m {
                    let lanes = (m - j0).min(L);
                    let mk = mask(lanes);
                    let k1 = d.min(CH);
                    // SAFETY: the shapes match (d, m, n) as the callers vouch.
                    unsafe {
                        by_k!(k1, first, d, j0, mk, (b, a), (xs, delta, wt), keep, dp, (&mut ga, &mut gb, &mut gw));
                    }
                    let scatter = |gw: &[[$t; L]; CH], k0: usize, kk: usize, out: &mut [$t]| {
                        for (k, col) in gw.iter().take(kk).enumerate() {
                            for (lane, &g) in col.iter().take(lanes).enumerate() {
                                out[(j0 + lane) * d + k0 + k] = g;
                            }
                        }
                    };
                    scatter(&gw, 0, k1, gw_all);
                    let mut k0 = k1;
                    while k0 < d {
                        let kk = (d - k0).min(CH);
                        // SAFETY: as above.
                        unsafe { by_k!(kk, chunk, d, k0, xs, dp, &mut gw) };
                        scatter(&gw, k0, kk, gw_all);
                        k0 += kk;
                    }
                    ga_all[j0..j0 + lanes].copy_from_slice(&ga[..lanes]);
                    gb_all[j0..j0 + lanes].copy_from_slice(&gb[..lanes]);
                    j0 += L;
                }
            }
        }

        impl Fused for $t {
            unsafe fn fused_forward(d: usize, m: usize, params: &[$t], xt: &[$t], out: &mut [$t]) {
                #[cfg(target_arch = "x86_64")]
                // SAFETY: forwarded from the caller.
                unsafe {
                    $m::forward(d, m, params, xt, out)
                }
                #[cfg(not(target_arch = "x86_64"))]
                unreachable!(
                    "the fused kernel runs only on x86-64 ({d}, {m}, {}, {}, {})",
                    params.len(),
                    xt.len(),
                    out.len()
                )
            }

            unsafe fn fused_backward(
                d: usize,
                m: usize,
                params: &[$t],
                xs: &[$t],
                ws: &mut FusedWorkspace<$t>,
                grad: &mut [$t],
            ) {
                #[cfg(target_arch = "x86_64")]
                // SAFETY: forwarded from the caller.
                unsafe {
                    $m::backward(d, m, params, xs, (&ws.delta, &ws.wt), &mut ws.dp, grad)
                }
                #[cfg(not(target_arch = "x86_64"))]
                unreachable!(
                    "the fused kernel runs only on x86-64 ({d}, {m}, {}, {}, {}, {})",
                    params.len(),
                    xs.len(),
                    ws.delta.len(),
                    grad.len()
                )
            }
        }
    };
}

fused!(
    k64,
    f64,
    __m512d,
    __mmask8,
    8,
    _mm512_set1_pd,
    _mm512_maskz_loadu_pd,
    _mm512_mask_storeu_pd,
    _mm512_fmadd_pd,
    _mm512_add_pd,
    _mm512_max_pd,
    _mm512_setzero_pd,
    _mm512_cmp_pd_mask,
    _mm512_mask_mov_pd
);
fused!(
    k32,
    f32,
    __m512,
    __mmask16,
    16,
    _mm512_set1_ps,
    _mm512_maskz_loadu_ps,
    _mm512_mask_storeu_ps,
    _mm512_fmadd_ps,
    _mm512_add_ps,
    _mm512_max_ps,
    _mm512_setzero_ps,
    _mm512_cmp_ps_mask,
    _mm512_mask_mov_ps
);
