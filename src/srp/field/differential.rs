//! Randomized differential tests of the field against crypto-bigint (the oracle): long
//! random sequences of every operation on values that stay in play (so unreduced values near
//! 2N feed later steps), and exponentiations of every exponent length up to 130 bytes with
//! edge bit patterns. Natively and in headless Chromium (tests/wasm/run.sh, with and without
//! wasm SIMD), fewer in the browser.
//!
//! Deterministic: the seed is fixed unless `FIELD_SEED` is set when building the tests
//! (`FIELD_SEED=<n> cargo test differential`; read at compile time, so that the browser run
//! takes it too), and every failure message carries the seed and the step to replay.

use alloc::vec::Vec;

use super::tests::{
    bytes_of, edge_values, near_modulus, power_of_two, reference, small, Bytes, Reference,
};
use super::*;
use crypto_bigint::U3072;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

/// Operations of [`operations_match_reference`]: 100,000 natively, 50,000 in the browser.
const OPERATIONS: usize = if cfg!(target_arch = "wasm32") {
    50_000
} else {
    100_000
};
/// Exponentiations of [`powers_match_reference`]: 1,000 natively, 500 in the browser.
const POWERS: usize = if cfg!(target_arch = "wasm32") {
    500
} else {
    1_000
};

/// The seed, printed (natively) so that a run can be repeated.
fn seed() -> u64 {
    let seed = option_env!("FIELD_SEED")
        .and_then(|text| text.parse().ok())
        .unwrap_or(0x5eed_2026);
    std::println!("differential: seed {seed} (FIELD_SEED={seed} repeats this run)");
    seed
}

impl Bytes {
    /// A number below `bound` (bias-free enough for choosing test cases).
    fn below(&mut self, bound: usize) -> usize {
        let mut word = [0u8; 8];
        self.fill(&mut word);
        (u64::from_le_bytes(word) % bound as u64) as usize
    }
}

/// Limbs within 28 bits and the value below 2N: what every operation must leave.
fn assert_invariants(value: &Element, context: &dyn Fn() -> String) {
    assert!(
        value.0.iter().all(|&limb| u64::from(limb) <= MASK),
        "limb past 28 bits: {}",
        context()
    );
    assert!(sub_limbs(&value.0, &TWO_N).1, "not below 2N: {}", context());
}

/// A value for an operand: mostly random, sometimes an edge value or 2^3072 − small.
fn operand(random: &mut Bytes, edges: &[[u8; BYTES]]) -> [u8; BYTES] {
    match random.below(8) {
        0 => edges[random.below(edges.len())],
        1 => near_modulus(-(random.below(300) as i16)),
        _ => random.value(),
    }
}

#[test]
fn operations_match_reference() {
    let seed = seed();
    let mut random = Bytes(seed);
    let edges = edge_values();
    // Eight values in play: each operation replaces one with a result of the others.
    let mut ours: Vec<Element> = Vec::new();
    let mut theirs: Vec<Reference> = Vec::new();
    for i in 0..8 {
        let start = edges[i % edges.len()];
        ours.push(Element::from_be_bytes(&start));
        theirs.push(reference(&start));
    }
    for step in 0..OPERATIONS {
        let (x, y, to) = (random.below(8), random.below(8), random.below(8));
        let kind = random.below(7);
        let context = || alloc::format!("seed {seed}, step {step}, operation {kind}");
        let (result, expected) = match kind {
            0 => (ours[x].mul(&ours[y]), theirs[x].mul(&theirs[y])),
            1 => (ours[x].square(), theirs[x].square()),
            2 => (ours[x].add(&ours[y]), theirs[x].add(&theirs[y])),
            3 => (ours[x].sub(&ours[y]), theirs[x].sub(&theirs[y])),
            4 => {
                let shift = random.below(32) as u32;
                (
                    ours[x].shifted(shift),
                    theirs[x].mul(&reference(&power_of_two(shift))),
                )
            }
            5 => {
                // Bytes in: any 384-byte value, reduced mod N.
                let value = operand(&mut random, &edges);
                (Element::from_be_bytes(&value), reference(&value))
            }
            _ => {
                // Bytes out and back in.
                let be = ours[x].to_be_bytes();
                (Element::from_be_bytes(&be), theirs[x])
            }
        };
        assert_invariants(&result, &context);
        assert_eq!(result.to_be_bytes(), bytes_of(&expected), "{}", context());
        ours[to] = result;
        theirs[to] = expected;
    }
}

/// An exponent of `len` bytes in one of the shapes where windowed code goes wrong: zero,
/// all ones, one bit, a top bit only, alternating bits, sparse bytes or plain random.
fn exponent(random: &mut Bytes, len: usize) -> Vec<u8> {
    let mut e = alloc::vec![0u8; len];
    match random.below(8) {
        0 => {}
        1 => e.fill(0xff),
        2 if len > 0 => {
            let bit = random.below(8 * len);
            e[len - 1 - bit / 8] = 1 << (bit % 8);
        }
        3 if len > 0 => e[0] = 0x80,
        4 => e.iter_mut().for_each(|b| *b = 0xaa),
        5 => {
            random.fill(&mut e);
            e.iter_mut()
                .for_each(|b| *b &= if random.below(2) == 0 { 0 } else { 0xff });
        }
        _ => random.fill(&mut e),
    }
    e
}

#[test]
fn powers_match_reference() {
    let seed = seed();
    let mut random = Bytes(seed ^ 0x9e37_79b9);
    let edges = edge_values();
    for case in 0..POWERS {
        // Every length 0..=130 comes up; the comb's 128 bytes and its neighbours more often.
        let len = match random.below(4) {
            0 => [0, 1, 31, 32, 33, 127, 128, 129, 130][random.below(9)],
            _ => random.below(131),
        };
        let e = exponent(&mut random, len);
        let mut padded = [0u8; BYTES];
        padded[BYTES - len..].copy_from_slice(&e);
        let wide = U3072::from_be_slice(&padded);
        let bits = 8 * len as u32;
        let generator = random.below(3) == 0;
        let base = if generator {
            small(2)
        } else {
            operand(&mut random, &edges)
        };
        let context = || alloc::format!("seed {seed}, case {case}, exponent {e:02x?}");
        let ours = if generator {
            Element::generator_pow(&e)
        } else {
            Element::from_be_bytes(&base).pow(&e)
        };
        assert_invariants(&ours, &context);
        assert_eq!(
            ours.to_be_bytes(),
            bytes_of(&reference(&base).pow_bounded_exp(&wide, bits)),
            "{}",
            context()
        );
    }
}
