//! The scalar types the training kernels run in: f64 (the default, and every exact evaluation) and
//! f32 (what PyTorch users train in; `dtype = "f32"`).
//!
//! Reductions run in a fixed number of lanes per type, [`Real::LANES`] (8 for f64, 16 for f32: one
//! AVX-512 register), summed in a fixed pairwise order, so a kernel gives the same bits on every
//! instruction set. Rust never contracts `a * b + c` into an FMA, so the order written is the order
//! computed.

use std::ops::{Add, AddAssign, Div, Mul, Sub};

/// Instruction set of the two inner loops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Isa {
    /// Baseline x86-64 (SSE2) or any other architecture.
    Baseline,
    /// AVX2.
    Avx2,
    /// AVX-512F.
    Avx512,
}

impl Isa {
    /// The widest supported by this CPU.
    pub fn detect() -> Self {
        #[cfg(target_arch = "x86_64")]
        {
            if std::is_x86_feature_detected!("avx512f") {
                return Isa::Avx512;
            }
            if std::is_x86_feature_detected!("avx2") {
                return Isa::Avx2;
            }
        }
        Isa::Baseline
    }

    /// Whether this CPU supports it.
    pub fn supported(self) -> bool {
        match self {
            Isa::Baseline => true,
            #[cfg(target_arch = "x86_64")]
            Isa::Avx2 => std::is_x86_feature_detected!("avx2"),
            #[cfg(target_arch = "x86_64")]
            Isa::Avx512 => std::is_x86_feature_detected!("avx512f"),
            #[allow(unreachable_patterns)]
            _ => false,
        }
    }
}

/// A floating-point scalar of the training kernels.
pub trait Real:
    Copy
    + Default
    + PartialOrd
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + AddAssign
    + Send
    + Sync
    + std::fmt::Debug
    + 'static
{
    /// Reduction lanes (see the module docs).
    const LANES: usize;
    /// Widest hidden layer of a 1-input net that takes the feature-major narrow kernel
    /// ([`super::narrow`]) instead of packed GEMM. f64 keeps 4, the width every result so far was
    /// computed with (a kernel change changes the bits); f32 has no such history and takes the
    /// faster choice measured by `cargo bench -- train_step`.
    const NARROW_MAX: usize;
    /// Lane accumulators: `[Self; LANES]`.
    type Lanes: Copy + Default + AsRef<[Self]> + AsMut<[Self]>;
    /// Zero.
    const ZERO: Self;
    /// Rounded from f64.
    fn from_f64(x: f64) -> Self;
    /// Exactly as f64.
    fn to_f64(self) -> f64;
    /// `max(self, 0)` by the platform's max (NaN → 0).
    fn max0(self) -> Self;
    /// The correctly rounded square root.
    fn sqrt(self) -> Self;
}

/// `impl Real` for one type: its lane count and narrow-kernel limit.
macro_rules! impl_real {
    ($t:ty, $lanes:expr, $narrow:expr) => {
        impl Real for $t {
            const LANES: usize = $lanes;
            const NARROW_MAX: usize = $narrow;
            type Lanes = [$t; $lanes];
            const ZERO: Self = 0.0;
            fn from_f64(x: f64) -> Self {
                x as $t
            }
            fn to_f64(self) -> f64 {
                self as f64
            }
            fn max0(self) -> Self {
                self.max(0.0)
            }
            fn sqrt(self) -> Self {
                <$t>::sqrt(self)
            }
        }
    };
}

impl_real!(f64, 8, 4);
impl_real!(f32, 16, 8);

/// Sum of the lanes by pairwise halving: for 8 lanes ((v0 + v1) + (v2 + v3)) + ((v4 + v5) + (v6 + v7)),
/// for 16 the two halves' sums added. Written out (a recursive version is not inlined and cost
/// 50 ns per unit in the shallow kernel).
#[inline(always)]
pub fn sum_lanes<T: Real>(v: &[T]) -> T {
    #[inline(always)]
    fn sum8<T: Real>(v: &[T]) -> T {
        ((v[0] + v[1]) + (v[2] + v[3])) + ((v[4] + v[5]) + (v[6] + v[7]))
    }
    match v.len() {
        8 => sum8(v),
        16 => sum8(&v[..8]) + sum8(&v[8..]),
        _ => {
            // Any other width: the same halving, iteratively.
            let mut buf = v.to_vec();
            while buf.len() > 1 {
                let h = buf.len() / 2;
                let odd = buf.len() % 2 == 1;
                let mut next: Vec<T> = (0..h).map(|i| buf[2 * i] + buf[2 * i + 1]).collect();
                if odd {
                    next.push(*buf.last().unwrap());
                }
                buf = next;
            }
            buf.first().copied().unwrap_or(T::ZERO)
        }
    }
}

/// Sum in [`Real::LANES`] fixed lanes, then the tail in order: the same bits on every instruction set.
#[inline(always)]
pub fn lane_sum<T: Real>(v: &[T]) -> T {
    let split = v.len() - v.len() % T::LANES;
    let mut s = T::Lanes::default();
    for c in v[..split].chunks_exact(T::LANES) {
        for (acc, &x) in s.as_mut().iter_mut().zip(c) {
            *acc += x;
        }
    }
    v[split..].iter().fold(sum_lanes(s.as_ref()), |t, &x| t + x)
}

/// Σ (o − y)² over the batch, and the output gradient 2(o − y)/n written into `delta`.
pub(crate) fn mse_residual<T: Real>(out: &[T], ys: &[T], delta: &mut Vec<T>) -> T {
    let n = T::from_f64(ys.len() as f64);
    let two = T::from_f64(2.0);
    let mut loss = T::ZERO;
    delta.clear();
    for (&o, &y) in out.iter().zip(ys) {
        let e = o - y;
        loss += e * e;
        delta.push(two * e / n);
    }
    loss
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairwise_lane_sum_of_eight_is_the_fixed_tree() {
        let v: [f64; 8] = [1e16, 1.0, -1e16, 1.0, 3.0, 1e-3, 7.0, -2.5];
        let want = ((v[0] + v[1]) + (v[2] + v[3])) + ((v[4] + v[5]) + (v[6] + v[7]));
        assert_eq!(sum_lanes(&v).to_bits(), want.to_bits());
    }
}
