//! The column dot products with wasm SIMD (built only with `-C target-feature=+simd128`):
//! `i64x2.extmul_{low,high}_i32x4_u` multiply two pairs of 32-bit limbs into 64-bit lanes,
//! four products per pair of instructions.
//!
//! A window x[p..p+4c] must be whole vectors, but p can have any alignment, so each operand is
//! kept four times, shifted by 0..3 limbs: copy r, vector q holds limbs 4q+r..4q+r+4 (zero
//! past the end). Safe code throughout: vectors are array elements, never pointer loads.

use core::arch::wasm32::{
    u32x4, u32x4_replace_lane, u64x2_add, u64x2_extmul_high_u32x4, u64x2_extmul_low_u32x4,
    u64x2_extract_lane, u64x2_splat, v128,
};

use super::{Limbs, LIMBS};

/// Vectors per copy: enough for every window that ends at or before limb 109.
const VECTORS: usize = LIMBS.div_ceil(4);

/// An operand as vectors at the four alignments.
pub(super) struct Lanes([[v128; VECTORS]; 4]);

impl Lanes {
    pub(super) const fn new(limbs: &Limbs) -> Self {
        // Zero-padded, so every vector reads four in-range limbs.
        let mut padded = [0u32; 4 * VECTORS + 3];
        let mut i = 0;
        while i < LIMBS {
            padded[i] = limbs[i];
            i += 1;
        }
        let mut lanes = [[u32x4(0, 0, 0, 0); VECTORS]; 4];
        let mut shift = 0;
        while shift < 4 {
            let mut q = 0;
            while q < VECTORS {
                let at = 4 * q + shift;
                lanes[shift][q] = u32x4(padded[at], padded[at + 1], padded[at + 2], padded[at + 3]);
                q += 1;
            }
            shift += 1;
        }
        Self(lanes)
    }

    /// Writes limb `index` into every copy that holds it.
    pub(super) fn set(&mut self, index: usize, value: u32) {
        for (shift, copy) in self.0.iter_mut().enumerate() {
            let Some(at) = index.checked_sub(shift) else {
                continue;
            };
            let vector = &mut copy[at / 4];
            *vector = match at % 4 {
                0 => u32x4_replace_lane::<0>(*vector, value),
                1 => u32x4_replace_lane::<1>(*vector, value),
                2 => u32x4_replace_lane::<2>(*vector, value),
                _ => u32x4_replace_lane::<3>(*vector, value),
            };
        }
    }
}

/// Σ x[p+t]·y[s+t] for t < 4·chunks (an indexed loop, inlined: see `dot_limbs`).
#[inline(always)]
pub(super) fn dot(x: &Lanes, p: usize, y: &Lanes, s: usize, chunks: usize) -> u64 {
    let (xs, ys) = (&x.0[p % 4], &y.0[s % 4]);
    let (p, s) = (p / 4, s / 4);
    let mut sum = u64x2_splat(0);
    for i in 0..chunks {
        let (a, b) = (xs[p + i], ys[s + i]);
        sum = u64x2_add(sum, u64x2_extmul_low_u32x4(a, b));
        sum = u64x2_add(sum, u64x2_extmul_high_u32x4(a, b));
    }
    u64x2_extract_lane::<0>(sum) + u64x2_extract_lane::<1>(sum)
}
