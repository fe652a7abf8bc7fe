//! A register-blocked GEMM without packing, for the layer sizes of the trained deep references
//! (widths 8–64): C (m × n) ← A (m × k) · B (k × n) [+ C], B's rows contiguous, C row-major.
//!
//! Each tile of C is MR rows × NV AVX-512 vectors held in 24 registers; per step of k it loads NV
//! vectors of one row of B and broadcasts MR entries of A, MR·NV FMAs. Columns that do not fill a
//! vector are masked, so every shape is handled without copies.
//!
//! **The same bits as the packed path.** Every element of C is one FMA chain over k in ascending
//! order, c = fma(a_k, b_k, c) from 0, restarted every [`KC`] = 256 terms with the partial sum
//! added to C. That is the order of `matrixmultiply`'s kernels on a CPU with FMA: their microkernel
//! chains FMAs over one packed kc-block from zero and ends with C ← AB + βC, and kc is 256 for both
//! precisions (unless matrixmultiply is built with `MATMUL_DGEMM_KC`/`MATMUL_SGEMM_KC` set). So on
//! such a CPU this kernel and dgemm/sgemm give identical bits (tested bit for bit over shapes with
//! k from 0 to 700), and [`super::layered`] takes it wherever it runs without changing any result.
//! It runs only where AVX-512F (which implies FMA) is present; elsewhere the packed path runs.

/// One product C ← A·B (+ C if `acc`): A (m × k) at strides (rsa, csa), B (k × n) row-major with
/// row stride `ldb`, C (m × n) row-major with row stride `ldc`.
#[derive(Debug, Clone, Copy)]
pub struct Product<T> {
    /// Rows of A and C.
    pub m: usize,
    /// Columns of A, rows of B: the length of each sum.
    pub k: usize,
    /// Columns of B and C.
    pub n: usize,
    /// A's first entry.
    pub a: *const T,
    /// A's row stride.
    pub rsa: isize,
    /// A's column stride.
    pub csa: isize,
    /// B's first entry.
    pub b: *const T,
    /// B's row stride (its columns are contiguous).
    pub ldb: usize,
    /// Add the product to C instead of overwriting it.
    pub acc: bool,
    /// C's first entry.
    pub c: *mut T,
    /// C's row stride (its columns are contiguous).
    pub ldc: usize,
}

/// The k-block after which each chain restarts (matrixmultiply's `kc` for f64 and f32).
pub const KC: usize = 256;

/// Whether this CPU runs the blocked kernel (AVX-512F with FMA).
pub fn available() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::is_x86_feature_detected!("avx512f") && std::is_x86_feature_detected!("fma")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// The kernel for one scalar type: its vector type, lane count and intrinsics.
macro_rules! blocked {
    ($m:ident, $t:ty, $v:ty, $mask:ty, $lanes:expr, $set1:ident, $load:ident, $store:ident, $fma:ident, $add:ident, $zero:ident) => {
        #[cfg(target_arch = "x86_64")]
        pub(crate) mod $m {
            use super::{KC, Product};
            use std::arch::x86_64::*;

            const L: usize = $lanes;

            /// One MR × NV tile: rows `p.a`.. of A and `p.c`.. of C, columns `p.b`.. of B, over
            /// `p.k` steps; `p.acc` adds the result to C instead of storing it.
            #[inline(always)]
            unsafe fn tile<const MR: usize, const NV: usize>(p: Product<$t>, masks: &[$mask; 4]) {
                // SAFETY (whole body): the caller guarantees an MR-row tile of A over p.k steps,
                // p.k rows of B with the masked columns in bounds, and MR rows of C.
                unsafe {
                    let mut s = [[$zero(); NV]; MR];
                    let (mut ap, mut bp) = (p.a, p.b);
                    for _ in 0..p.k {
                        let mut bv = [$zero(); NV];
                        for v in 0..NV {
                            bv[v] = $load(masks[v], bp.add(v * L));
                        }
                        for r in 0..MR {
                            let x = $set1(*ap.offset(r as isize * p.rsa));
                            for v in 0..NV {
                                s[r][v] = $fma(x, bv[v], s[r][v]);
                            }
                        }
                        ap = ap.offset(p.csa);
                        bp = bp.add(p.ldb);
                    }
                    for r in 0..MR {
                        for v in 0..NV {
                            let c = p.c.add(r * p.ldc + v * L);
                            let out = if p.acc { $add($load(masks[v], c), s[r][v]) } else { s[r][v] };
                            $store(c, masks[v], out);
                        }
                    }
                }
            }

            /// All `p.m` rows of one column block: tiles of MR rows, the rest in tiles of 8, 4, 2, 1.
            #[inline(always)]
            unsafe fn rows<const MR: usize, const NV: usize>(p: Product<$t>, masks: &[$mask; 4]) {
                // SAFETY: each tile covers rows i.. of A and C inside the p.m rows the caller owns.
                unsafe {
                    let at = |i: usize| Product { a: p.a.offset(i as isize * p.rsa), c: p.c.add(i * p.ldc), ..p };
                    let mut i = 0;
                    while i + MR <= p.m {
                        tile::<MR, NV>(at(i), masks);
                        i += MR;
                    }
                    while i + 8 <= p.m {
                        tile::<8, NV>(at(i), masks);
                        i += 8;
                    }
                    if i + 4 <= p.m {
                        tile::<4, NV>(at(i), masks);
                        i += 4;
                    }
                    if i + 2 <= p.m {
                        tile::<2, NV>(at(i), masks);
                        i += 2;
                    }
                    if i < p.m {
                        tile::<1, NV>(at(i), masks);
                    }
                }
            }

            /// The product `p` ([`Product`]).
            ///
            /// # Safety
            /// The CPU must have AVX-512F and FMA ([`super::available`]); the pointers and strides
            /// must describe valid matrices of those shapes, C not overlapping A or B.
            #[target_feature(enable = "avx512f,fma")]
            pub(crate) unsafe fn gemm(p: Product<$t>) {
                let Product { m, k, n, a, csa, b, ldb, acc, c, ldc, .. } = p;
                // SAFETY: every block below stays inside the shapes the caller vouches for.
                unsafe {
                    if k == 0 && !acc {
                        // An empty sum: C ← 0, as the packed path does.
                        for i in 0..m {
                            std::ptr::write_bytes(c.add(i * ldc), 0, n);
                        }
                    }
                    let mut k0 = 0;
                    while k0 < k {
                        let kc = KC.min(k - k0);
                        let add = acc || k0 > 0;
                        let ak = a.offset(k0 as isize * csa);
                        let bk = b.add(k0 * ldb);
                        let mut j0 = 0;
                        while j0 < n {
                            let cols = (n - j0).min(4 * L);
                            let mut masks: [$mask; 4] = [0; 4];
                            for (v, mk) in masks.iter_mut().enumerate() {
                                let lanes = cols.saturating_sub(v * L).min(L);
                                *mk = ((1u32 << lanes) - 1) as $mask;
                            }
                            let block = Product { k: kc, n: cols, a: ak, b: bk.add(j0), acc: add, c: c.add(j0), ..p };
                            match cols.div_ceil(L) {
                                4 => rows::<6, 4>(block, &masks),
                                3 => rows::<8, 3>(block, &masks),
                                2 => rows::<12, 2>(block, &masks),
                                _ => rows::<24, 1>(block, &masks),
                            }
                            j0 += cols;
                        }
                        k0 += kc;
                    }
                }
            }
        }
    };
}

blocked!(
    k64,
    f64,
    __m512d,
    u8,
    8,
    _mm512_set1_pd,
    _mm512_maskz_loadu_pd,
    _mm512_mask_storeu_pd,
    _mm512_fmadd_pd,
    _mm512_add_pd,
    _mm512_setzero_pd
);
blocked!(
    k32,
    f32,
    __m512,
    u16,
    16,
    _mm512_set1_ps,
    _mm512_maskz_loadu_ps,
    _mm512_mask_storeu_ps,
    _mm512_fmadd_ps,
    _mm512_add_ps,
    _mm512_setzero_ps
);
