//! Arithmetic modulo the group prime N, written for this one modulus.
//!
//! * **Limbs**: 110 limbs of 28 bits in `u32`, products summed in `u64`. wasm32 multiplies
//!   64-bit integers but has no 64×64→128 product; with 28-bit limbs a whole column of a
//!   product — at most 2·110 terms below 2^56 plus a carry below 2^37 — stays below 2^64, so
//!   each inner step is one multiply and one add, with no carry handling.
//! * **Montgomery form**: an [`Element`] holds x·R mod N with R = 2^3080 (110·28 bits).
//!   Multiplication is Montgomery's REDC in product-scanning order. N ≡ −1 (mod 2^64), so
//!   −N⁻¹ ≡ 1 (mod 2^28) and each reduction digit is simply the low 28 bits of the column.
//! * **Lazy reduction**: R > 4N, so REDC of two inputs below 2N is below
//!   (4N² + R·N)/R < 2N (Walter). Elements stay below 2N; only [`Element::to_be_bytes`]
//!   reduces fully. No step branches on or indexes by a value.
//! * **g = 2**: g^e multiplies by 2^digit between squarings, a shift and one word-sized
//!   reduction instead of a full product ([`Element::generator_pow`]); for SRP's 1024-bit
//!   `a` a fixed-base comb over precomputed g^(2^256j) needs a quarter of the squarings
//!   ([`Powers::Comb`]).
//! * **Slices**: an [`Exponentiation`] advances a few steps at a time, so that the browser
//!   shell can yield to the page between slices.

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::hint::black_box;

use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod simd;

/// Bytes of N, and of every value this module takes or gives.
pub(crate) const BYTES: usize = 384;
const LIMB_BITS: u32 = 28;
const MASK: u64 = (1 << LIMB_BITS) - 1;
const LIMBS: usize = 110;
/// Exponent bits consumed per step of an exponentiation (32-entry table).
const WINDOW: usize = 5;

type Limbs = [u32; LIMBS];

/// N: the RFC 5054 / RFC 3526 3072-bit safe prime Cognito uses, big-endian.
pub(crate) const MODULUS: [u8; BYTES] = hex_be(
    b"FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3BE39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA051015728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200CBBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF",
);
/// N's limbs. `static`s, read in place, where a `const` is a copy at each use (75 bytes less
/// gzip in the package).
static N: Limbs = limbs_from_be(&MODULUS);
/// 2N, the bound every [`Element`] stays below.
static TWO_N: Limbs = double(&limbs_from_be(&MODULUS));

/// Bytes of the exponents [`Powers::Comb`] takes: SRP's 1024-bit `a` (and `b`).
const COMB_BYTES: usize = 128;
/// Bits per comb row: the exponent is read as four 256-bit quarters side by side.
const COMB_ROW_BITS: usize = 8 * COMB_BYTES / 4;
/// g^(2^256), g^(2^512) and g^(2^768) mod N, big-endian: the comb's other rows (g itself is
/// the first). Fixed by N and g, so written out here; a test recomputes them.
const COMB_ROWS: [[u8; BYTES]; 3] = [
    hex_be(b"C8BE99F3D54D5AD0BD02283135F14FC354362D7B6F62BD2B0CBDB784DEF4B49B984691EEDFB837E67FD1A1217B2BAC44566329BAFC322074A7D1E447C90B393256F879F75CDC0FD99824D80593A1C08B4745FBDBD72C947F92927D0668BDCDD934284F0465C484CE638A724E02731827FC1453D3305F4B1A4697127A2F4BABEDCBBB9583663AC4DA699EB3951E9F85F943362374F229E189EB3802C66268E516F0D842F9FB19659EADF08F3E67FB4F0464B07E310F561AA177A773CAF657408ABA80E90D9DC520EBB3ED104AB7A72650B373C6D96A80093B3CCD1D2F02E343DE0B37C7F242D2B300A82E5F662EEFB2428C038CC88751E2CD3A80E4E7A0E5157D9314215B1B2BCC95FFA475DD2D857FC13514011ED25A1082E03F5932534A83D347F9931FC823C8B9296BA9427BBC241F092117F226B9CDB7E5BB5775C6DA162E646D4BC1540713D76C91AE7217890C7DF67638AE648151DBB696AF70168441D75AE68BC3DA5A4F1806C8C9352F11CEB4F8161DFE9394F8995F13516A40C6F15F"),
    hex_be(b"CEDBA5E798C6DF14275244FF17332131382F10B3921B2F83E1DF46EFD383B408CDA7A6D4C61B47D27D037A94106D752C2E4ED1CAA8C782D24B0E5B025FCED3DAE6A711139562358910E6752D1BDB97BAE370917174ED455DC232D6A6803323EDFD706C995918AE9A20521F1C0E5C5352E7AB5587305E981F000FD1E16B65D9660C4ED419333601E9BF98604A84E4A63E2F24922DBE454402D18EDFEC7BE64E7E84839563C1B8DDB46B47D5E83796A71A36EDDC598797889FDD3A5E356D95082BDEC3BD28FFD44ACE2238F73ACD5AB9F4138F558C0E040631779F00B68C17E030B60F174340480092358E0FF64E91D8BD37F45B155E6A721B69752C2504A951F22436F47F593027C5C14EE2BB4A5B2AF36E441000B44A9CC9779B0D3E14F9591CD3B0A333F75681E35D9A5786B0CB8AEE1121393F06AB24E1BEF679AC27BD927B1CCC63B29578EE29995E23450B042E0FDDB655C0E659BF199158198669ED794C3DF8A248ECE01371D3F16B443D37848B268BBA3B7434E53F0FC13A7C4114AA1A"),
    hex_be(b"44FC639B3DEE08F5C3425E4D4F76DDF69554BAC287F0A21BE24873CED6DEE8CEA1918DF7B1EAEDE1E780AF945C8AFA70EAFD08E50DC3A7E9C3E6872237778BF66A28F7DAAF3AE0DEDB616AA03D25292DE521A67DE11A2BB83E782C62D04282287652C87B06D22186EFFA67B9D63F897225771F88CC7F2D278BBDEDE2A71EC9DC92EC9E885006C6C74B20FC8075B1F1C8137A53A178ADB7748F6535C80F83128CFE53F72B8E0BC3E3D4E225D90BE07C2A7DAEC97733575E9A65DB2EFAD7531B4DC9BC7C807AFA3F8D881F59118E07F35606CDD729A7D53524BBEF39F57A4B21F8BE4C45ADFD70F0BF859F50D97C634CA5E88B0EDCAEE04F07B6D0863CA7D90003071A38CD9304F3D9CE54467FC7EC12C804C5BDED625533AAC4345AC015134570A4A511023EC4CBEF9369D2544FBBF8C931FBF02182695CEE7A983485C1C01C83D179D5408BA6F83C2D0199694D060DC43EA4BA98391C555F86A083BDAC3AB0AFAF72011F7772FE9779D3B4745FE3C7F42E62F2183D80B42E4F53BA025F3EAD05"),
];

/// The 384 big-endian bytes that a 768-digit hex literal denotes.
#[allow(
    clippy::panic,
    reason = "only evaluated at compile time: a bad digit fails the build"
)]
const fn hex_be(hex: &[u8; 2 * BYTES]) -> [u8; BYTES] {
    const fn nibble(digit: u8) -> u8 {
        match digit {
            b'0'..=b'9' => digit - b'0',
            b'A'..=b'F' => digit - b'A' + 10,
            _ => panic!("N is written in uppercase hex"),
        }
    }
    let mut out = [0u8; BYTES];
    let mut i = 0;
    while i < BYTES {
        out[i] = nibble(hex[2 * i]) << 4 | nibble(hex[2 * i + 1]);
        i += 1;
    }
    out
}

/// Big-endian bytes into 28-bit little-endian limbs. Byte `i` from the end is bits
/// 8i..8i+8, which straddle at most two limbs.
const fn limbs_from_be(be: &[u8; BYTES]) -> Limbs {
    let mut limbs = [0u32; LIMBS];
    let mut i = 0;
    while i < BYTES {
        let bit = 8 * i as u32;
        let limb = (bit / LIMB_BITS) as usize;
        let spread = (be[BYTES - 1 - i] as u64) << (bit % LIMB_BITS);
        limbs[limb] |= (spread & MASK) as u32;
        if limb + 1 < LIMBS {
            limbs[limb + 1] |= (spread >> LIMB_BITS) as u32;
        }
        i += 1;
    }
    limbs
}

/// 2x, for x below 2^3079.
const fn double(x: &Limbs) -> Limbs {
    let mut out = [0u32; LIMBS];
    let mut carry = 0;
    let mut i = 0;
    while i < LIMBS {
        let v = (x[i] as u64) << 1 | carry;
        out[i] = (v & MASK) as u32;
        carry = v >> LIMB_BITS;
        i += 1;
    }
    out
}

/// Σ x[p+t]·y[s+t] for t < len: where nearly all of the SRP time goes. A plain indexed loop,
/// inlined by force: the crate is built at opt-level "z", which leaves iterator adapters,
/// closures and array slicing out of line, a call per step (measured twice as slow in V8).
#[inline(always)]
fn dot_limbs(x: &Limbs, p: usize, y: &Limbs, s: usize, len: usize) -> u64 {
    let mut sum = 0;
    for i in 0..len {
        sum += u64::from(x[p + i]) * u64::from(y[s + i]);
    }
    sum
}

/// A product operand laid out for column sums: its limbs in order (or reversed, so that
/// Σ x[i]·y[k−i] reads both operands forwards) and, with wasm SIMD, the same limbs as
/// 128-bit vectors at all four alignments.
struct Operand {
    limbs: Limbs,
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    lanes: simd::Lanes,
}

impl Operand {
    const fn new(limbs: Limbs) -> Self {
        Self {
            #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
            lanes: simd::Lanes::new(&limbs),
            limbs,
        }
    }

    const fn reversed(x: &Limbs) -> Self {
        let mut limbs = [0u32; LIMBS];
        let mut i = 0;
        while i < LIMBS {
            limbs[i] = x[LIMBS - 1 - i];
            i += 1;
        }
        Self::new(limbs)
    }

    /// Sets one limb (the REDC digits are written as they are found).
    fn set(&mut self, index: usize, value: u32) {
        self.limbs[index] = value;
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        self.lanes.set(index, value);
    }
}

/// Σ x[p+t]·y[s+t] for t < len: whole groups of four as SIMD products when built with wasm
/// SIMD, the rest (or everything) limb by limb.
#[inline(always)]
fn dot(x: &Operand, p: usize, y: &Operand, s: usize, len: usize) -> u64 {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    let (vector_sum, done) = (simd::dot(&x.lanes, p, &y.lanes, s, len / 4), len / 4 * 4);
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    let (vector_sum, done) = (0, 0);
    vector_sum + dot_limbs(&x.limbs, p + done, &y.limbs, s + done, len - done)
}

/// The columns of a 220-limb product, for [`redc`]: `column(lo, hi)` is Σ a[i]·b[k−i] over
/// lo ≤ i ≤ hi, for column k = lo + hi.
trait Columns {
    fn column(&self, lo: usize, hi: usize) -> u64;
}

/// a·b, with b reversed so that b[k−i] sits at LIMBS−1−hi+(i−lo).
struct Product {
    a: Operand,
    b_reversed: Operand,
}

impl Columns for Product {
    #[inline(always)]
    fn column(&self, lo: usize, hi: usize) -> u64 {
        dot(&self.a, lo, &self.b_reversed, LIMBS - 1 - hi, hi + 1 - lo)
    }
}

/// a²: each cross product a[i]·a[k−i] (i < k−i) once, doubled, plus the middle square.
struct Square {
    a: Operand,
    reversed: Operand,
}

impl Columns for Square {
    #[inline(always)]
    fn column(&self, lo: usize, hi: usize) -> u64 {
        let len = hi + 1 - lo;
        let cross = dot(&self.a, lo, &self.reversed, LIMBS - 1 - hi, len / 2);
        let middle = u64::from(self.a.limbs[lo + len / 2]);
        2 * cross + if len % 2 == 1 { middle * middle } else { 0 }
    }
}

/// x·1: REDC of x alone, which takes it out of Montgomery form.
struct Plain<'a>(&'a Limbs);

impl Columns for Plain<'_> {
    fn column(&self, lo: usize, hi: usize) -> u64 {
        if lo == 0 {
            u64::from(self.0[hi])
        } else {
            0
        }
    }
}

/// Montgomery's REDC of the product given by its columns: (a·b + m·N)/R, where the digits m
/// are chosen so the low 110 limbs vanish; below 2N for inputs below 2N.
#[inline(always)]
fn redc(product: &impl Columns) -> Limbs {
    /// N reversed (and vectorised), built at compile time.
    static REVERSED: Operand = Operand::reversed(&limbs_from_be(&MODULUS));
    let modulus = &REVERSED;
    let mut m = Operand::new([0; LIMBS]);
    let mut out = [0u32; LIMBS];
    let mut acc = 0u64;
    for k in 0..LIMBS {
        // m[i]·N[k−i] for i < k; the reversed N puts N[k−i] at LIMBS−1−k+i.
        acc += product.column(0, k) + dot(&m, 0, modulus, LIMBS - 1 - k, k);
        // −N⁻¹ ≡ 1 (mod 2^28): the digit that clears this column is its low 28 bits.
        let digit = acc & MASK;
        m.set(k, digit as u32);
        acc = (acc + digit * u64::from(N[0])) >> LIMB_BITS;
    }
    for k in LIMBS..2 * LIMBS - 1 {
        let lo = k + 1 - LIMBS;
        acc += product.column(lo, LIMBS - 1) + dot(&m, lo, modulus, 0, LIMBS - lo);
        out[k - LIMBS] = (acc & MASK) as u32;
        acc >>= LIMB_BITS;
    }
    out[LIMBS - 1] = acc as u32;
    out
}

// The helpers below are where a data-dependent branch or memory access would leak, so
// tests/ct/run.sh checks them in the shipped wasm by name (hence never inlined; `choose` is
// checked inside its one caller). Plain indexed loops: opt-level "z" leaves iterator
// adapters out of line, a call per use.

/// x − y and whether it borrowed, with the borrow carried as a signed value (no branches).
#[inline(never)]
#[allow(clippy::needless_range_loop, reason = "indexed: see above")]
fn sub_limbs(x: &Limbs, y: &Limbs) -> (Limbs, bool) {
    let mut out = [0u32; LIMBS];
    let mut carry = 0i64;
    for i in 0..LIMBS {
        let v = i64::from(x[i]) - i64::from(y[i]) + carry;
        out[i] = (v as u64 & MASK) as u32;
        carry = v >> LIMB_BITS;
    }
    (out, carry < 0)
}

/// `if take { a } else { b }` without a branch: the choice only shapes a mask.
#[allow(clippy::needless_range_loop, reason = "indexed: see above")]
fn choose(take: bool, a: &Limbs, b: &Limbs) -> Limbs {
    let mask = black_box(u32::from(take)).wrapping_neg();
    let mut out = [0u32; LIMBS];
    for i in 0..LIMBS {
        out[i] = b[i] ^ ((a[i] ^ b[i]) & mask);
    }
    out
}

/// x − m when x ≥ m, else x (constant-time).
#[inline(never)]
fn subtract_if_not_below(x: &Limbs, m: &Limbs) -> Limbs {
    let (difference, borrowed) = sub_limbs(x, m);
    choose(borrowed, x, &difference)
}

/// `table[digit]`, reading every entry so that the memory access does not depend on `digit`:
/// each entry is OR-ed in under a mask that is all ones for the entry wanted, zero otherwise.
#[inline(never)]
#[allow(clippy::needless_range_loop, reason = "indexed: see above")]
fn select(table: &[Limbs], digit: u32) -> Element {
    let mut entry = [0u32; LIMBS];
    for (index, candidate) in table.iter().enumerate() {
        let mask = black_box(u32::from(index as u32 == digit)).wrapping_neg();
        for i in 0..LIMBS {
            entry[i] |= candidate[i] & mask;
        }
    }
    Element(entry)
}

/// Reads `WINDOW` exponent bits starting at bit `bit` (counted from the least significant
/// end of the big-endian `exponent`). The position is public; only the value is secret.
fn window_at(exponent: &[u8], bit: usize) -> u32 {
    let byte = |index: usize| {
        exponent
            .len()
            .checked_sub(index + 1)
            .and_then(|at| exponent.get(at))
            .map_or(0, |&b| u32::from(b))
    };
    let pair = byte(bit / 8) | byte(bit / 8 + 1) << 8;
    (pair >> (bit % 8)) & ((1 << WINDOW) - 1)
}

/// An integer modulo N in Montgomery form: x·2^3080 mod N, kept below 2N. Wiped on drop: it
/// may hold g^x (the verifier, a password-guessing target), S or an accumulator on the way.
/// Copies of the limbs in stack temporaries of the arithmetic (operands, columns) are not.
#[derive(Clone)]
pub(crate) struct Element(Limbs);

impl Zeroize for Element {
    fn zeroize(&mut self) {
        self.0.zeroize();
    }
}

impl Drop for Element {
    fn drop(&mut self) {
        self.zeroize();
    }
}

impl ZeroizeOnDrop for Element {}

impl core::fmt::Debug for Element {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Element(..)")
    }
}

impl Element {
    /// The element for a big-endian integer below 2^3072 (reduced mod N).
    pub(crate) fn from_be_bytes(be: &[u8; BYTES]) -> Self {
        // x·R mod N as 110 doublings by 2^28 (cheaper than one product with a stored R² mod N).
        let mut x = Self(limbs_from_be(be));
        for _ in 0..LIMBS {
            x = x.shifted(LIMB_BITS);
        }
        x
    }

    /// 1 in Montgomery form.
    fn one() -> Self {
        let mut be = [0u8; BYTES];
        be[BYTES - 1] = 1;
        Self::from_be_bytes(&be)
    }

    /// The value in [0, N) as 384 big-endian bytes.
    pub(crate) fn to_be_bytes(&self) -> [u8; BYTES] {
        // REDC(x·R, 1) = x, at most N; one conditional subtraction makes it canonical.
        let plain = redc(&Plain(&self.0));
        let limbs = subtract_if_not_below(&plain, &N);
        let mut be = [0u8; BYTES];
        for (i, byte) in be.iter_mut().rev().enumerate() {
            let bit = 8 * i as u32;
            let limb = (bit / LIMB_BITS) as usize;
            let low = u64::from(limbs[limb]);
            let high = limbs.get(limb + 1).map_or(0, |&l| u64::from(l));
            *byte = ((low | high << LIMB_BITS) >> (bit % LIMB_BITS)) as u8;
        }
        be
    }

    /// Whether the value is 0 mod N (not constant-time: for public values).
    pub(crate) fn is_zero(&self) -> bool {
        self.to_be_bytes().iter().all(|&b| b == 0)
    }

    /// x·y mod N.
    pub(crate) fn mul(&self, other: &Self) -> Self {
        Self(redc(&Product {
            a: Operand::new(self.0),
            b_reversed: Operand::reversed(&other.0),
        }))
    }

    /// x² mod N.
    fn square(&self) -> Self {
        Self(redc(&Square {
            a: Operand::new(self.0),
            reversed: Operand::reversed(&self.0),
        }))
    }

    /// x + y mod N.
    pub(crate) fn add(&self, other: &Self) -> Self {
        let mut sum = [0u32; LIMBS];
        let mut carry = 0u64;
        for ((s, &x), &y) in sum.iter_mut().zip(&self.0).zip(&other.0) {
            let v = u64::from(x) + u64::from(y) + carry;
            *s = (v & MASK) as u32;
            carry = v >> LIMB_BITS;
        }
        // Below 4N < 2^3080, so no carry is left; one conditional subtraction brings it below 2N.
        Self(subtract_if_not_below(&sum, &TWO_N))
    }

    /// x − y mod N, as x + (2N − y).
    pub(crate) fn sub(&self, other: &Self) -> Self {
        let (negated, _) = sub_limbs(&TWO_N, &other.0);
        self.add(&Self(negated))
    }

    /// x·2^shift mod N for shift < 32, constant-time in `shift`: shift the limbs, then take
    /// away q·N with q = ⌊x·2^shift / 2^3072⌋ < 2^32. Because N > 2^3072 − 2^3008, the rest,
    /// (x·2^shift mod 2^3072) + q·(2^3072 − N), is below 2^3072 + 2^3040 < 2N.
    fn shifted(&self, shift: u32) -> Self {
        let mut wide = [0u32; LIMBS];
        let mut carry = 0u64;
        for (w, &x) in wide.iter_mut().zip(&self.0) {
            let v = u64::from(x) << shift | carry;
            *w = (v & MASK) as u32;
            carry = v >> LIMB_BITS;
        }
        // Bits 3072.. of the shifted value: the last limb's bits from 20 up, then the carry.
        let low_bits_of_last = 8 * BYTES as u32 - LIMB_BITS * (LIMBS as u32 - 1);
        let q = u64::from(wide[LIMBS - 1]) >> low_bits_of_last
            | carry << (LIMB_BITS - low_bits_of_last);
        let mut borrow = 0i64;
        for (w, &n) in wide.iter_mut().zip(&N) {
            // |v| < 2^28 + 2^60 + 2^33: fits an i64.
            let v = i64::from(*w) - (q * u64::from(n)) as i64 + borrow;
            *w = (v as u64 & MASK) as u32;
            borrow = v >> LIMB_BITS;
        }
        Self(wide)
    }

    /// x^e mod N for a big-endian exponent, constant-time in the exponent's value (its
    /// length is public). See [`Exponentiation`].
    pub(crate) fn pow(&self, exponent: &[u8]) -> Self {
        Exponentiation::new(self, exponent).finish()
    }

    /// g^e mod N with g = 2, constant-time in the exponent's value. See [`Exponentiation`].
    pub(crate) fn generator_pow(exponent: &[u8]) -> Self {
        Exponentiation::generator(exponent).finish()
    }
}

/// How an exponentiation reads its exponent, and what each step multiplies by.
enum Powers {
    /// g = 2 over 5-bit windows: g^digit is a shift ([`Element::shifted`]).
    Generator,
    /// base^0 … base^31 over 5-bit windows.
    Table(Box<[Limbs; 1 << WINDOW]>),
    /// g^e for a 1024-bit e, as a fixed-base comb (Lim–Lee): with e = e0 + e1·2^256 +
    /// e2·2^512 + e3·2^768, g^e = Π g_j^(e_j) for the row bases g_j = g^(2^(256·j)), so each
    /// of 256 columns is one squaring and one product by entry Σ bit_i(e_j)·2^j of this
    /// table of the 16 products of row bases: 256 squarings instead of 1024.
    Comb(Box<[Limbs; 16]>),
}

/// The window table holds powers of a secret-derived base (B − k·g^x, or the server's v); the
/// comb's holds public constants and is left as it is.
impl Zeroize for Powers {
    fn zeroize(&mut self) {
        if let Self::Table(table) = self {
            table.zeroize();
        }
    }
}

impl Drop for Powers {
    fn drop(&mut self) {
        self.zeroize();
    }
}

impl ZeroizeOnDrop for Powers {}

impl Powers {
    /// The comb's table: entry d = Π g_j over the set bits j of d (11 products).
    fn comb() -> Self {
        let mut table = Box::new([Element::one().0; 16]);
        table[1] = Element::one().shifted(1).0;
        for (j, row) in COMB_ROWS.iter().enumerate() {
            table[2 << j] = Element::from_be_bytes(row).0;
        }
        for d in 1..table.len() {
            let low = d & d.wrapping_neg();
            if low != d {
                table[d] = Element(table[d - low]).mul(&Element(table[low])).0;
            }
        }
        Self::Comb(table)
    }

    /// Steps for an exponent of `len` bytes.
    fn steps(&self, len: usize) -> usize {
        match self {
            Self::Comb(_) => COMB_ROW_BITS,
            Self::Generator | Self::Table(_) => (8 * len).div_ceil(WINDOW),
        }
    }

    /// Squarings before each step but the first.
    fn squarings(&self) -> usize {
        match self {
            Self::Comb(_) => 1,
            Self::Generator | Self::Table(_) => WINDOW,
        }
    }

    /// acc · (the power step `step` of `exponent` calls for).
    fn multiply(&self, acc: &Element, exponent: &[u8], step: usize) -> Element {
        match self {
            Self::Generator => acc.shifted(window_at(exponent, step * WINDOW)),
            Self::Table(table) => acc.mul(&select(&table[..], window_at(exponent, step * WINDOW))),
            Self::Comb(table) => {
                let digit = (0..4).fold(0, |digit, j| {
                    digit | (window_at(exponent, step + j * COMB_ROW_BITS) & 1) << j
                });
                acc.mul(&select(&table[..], digit))
            }
        }
    }
}

/// x^e mod N in progress, a few steps per [`Self::advance`] so that a page can stay
/// responsive in between: left to right, most significant step first; each step squares a
/// fixed number of times (except the first), then multiplies by a power read from the
/// exponent ([`Powers`]). Every exponent of the same length runs the same steps.
pub(crate) struct Exponentiation {
    powers: Powers,
    exponent: Zeroizing<Vec<u8>>,
    /// Steps not yet applied; the next one is step `steps_left − 1`.
    steps_left: usize,
    acc: Element,
}

/// Its table, exponent and accumulator each wipe themselves.
impl ZeroizeOnDrop for Exponentiation {}

impl Exponentiation {
    /// base^exponent, after building the 32-entry table (31 products).
    pub(crate) fn new(base: &Element, exponent: &[u8]) -> Self {
        let mut table = Box::new([Element::one().0; 1 << WINDOW]);
        for i in 1..table.len() {
            table[i] = Element(table[i - 1]).mul(base).0;
        }
        Self::start(Powers::Table(table), exponent)
    }

    /// g^exponent with g = 2: the comb for 1024-bit exponents, shifts otherwise.
    pub(crate) fn generator(exponent: &[u8]) -> Self {
        if exponent.len() == COMB_BYTES {
            Self::start(Powers::comb(), exponent)
        } else {
            Self::start(Powers::Generator, exponent)
        }
    }

    fn start(powers: Powers, exponent: &[u8]) -> Self {
        Self {
            steps_left: powers.steps(exponent.len()),
            powers,
            exponent: Zeroizing::new(exponent.to_vec()),
            acc: Element::one(),
        }
    }

    /// Applies up to `steps` more steps (each at most 5 squarings and one product); true
    /// once the power is complete.
    pub(crate) fn advance(&mut self, steps: usize) -> bool {
        let total = self.powers.steps(self.exponent.len());
        for _ in 0..steps.min(self.steps_left) {
            let step = self.steps_left - 1;
            // The first step (the most significant) starts from one: nothing to square yet.
            if step + 1 < total {
                for _ in 0..self.powers.squarings() {
                    self.acc = self.acc.square();
                }
            }
            self.acc = self.powers.multiply(&self.acc, &self.exponent, step);
            self.steps_left = step;
        }
        self.steps_left == 0
    }

    /// The power so far: the result once [`Self::advance`] returned true.
    pub(crate) fn value(&self) -> &Element {
        &self.acc
    }

    /// The power, running whatever steps are left.
    pub(crate) fn finish(mut self) -> Element {
        self.advance(usize::MAX);
        self.acc
    }
}

#[cfg(test)]
mod differential;

#[cfg(test)]
mod tests {
    //! Cross-checks against crypto-bigint's constant-time Montgomery arithmetic, on edge values
    //! and on pseudo-random ones (a fixed-seed generator, so failures reproduce).
    use super::*;
    use crypto_bigint::modular::ConstMontyForm;
    // In the browser too (tests/wasm/run.sh), where a `+simd128` build checks src/srp/field/simd.rs.
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;
    #[cfg(target_arch = "wasm32")]
    wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
    use crypto_bigint::{const_monty_params, U3072};

    const_monty_params!(
        Prime,
        U3072,
        "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3BE39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA051015728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200CBBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF",
        "N, again, for the reference implementation."
    );
    pub(super) type Reference = ConstMontyForm<Prime, { U3072::LIMBS }>;

    pub(super) fn reference(be: &[u8; BYTES]) -> Reference {
        Reference::new(&U3072::from_be_slice(be))
    }

    pub(super) fn bytes_of(value: &Reference) -> [u8; BYTES] {
        let mut be = [0u8; BYTES];
        be.copy_from_slice(&value.retrieve().to_be_bytes());
        be
    }

    /// splitmix64: deterministic bytes for the random cases.
    pub(super) struct Bytes(pub(super) u64);

    impl Bytes {
        pub(super) fn fill(&mut self, out: &mut [u8]) {
            for byte in out {
                self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
                let mut z = self.0;
                z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
                z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
                *byte = (z ^ (z >> 31)) as u8;
            }
        }

        pub(super) fn value(&mut self) -> [u8; BYTES] {
            let mut be = [0u8; BYTES];
            self.fill(&mut be);
            be
        }
    }

    /// N + delta for small |delta|, as bytes (delta may be negative).
    pub(super) fn near_modulus(delta: i16) -> [u8; BYTES] {
        let mut be = MODULUS;
        let mut carry = i32::from(delta);
        for byte in be.iter_mut().rev() {
            let v = i32::from(*byte) + carry;
            *byte = v.rem_euclid(256) as u8;
            carry = v.div_euclid(256);
        }
        be
    }

    pub(super) fn small(value: u8) -> [u8; BYTES] {
        let mut be = [0u8; BYTES];
        be[BYTES - 1] = value;
        be
    }

    /// 2^shift for shift < 32.
    pub(super) fn power_of_two(shift: u32) -> [u8; BYTES] {
        let mut be = [0u8; BYTES];
        be[BYTES - 4..].copy_from_slice(&(1u32 << shift).to_be_bytes());
        be
    }

    /// 0, 1, 2, N−1, N, N+1, 2^3072−1 and a value with every limb full below 2^3072.
    pub(super) fn edge_values() -> Vec<[u8; BYTES]> {
        let mut top = [0xffu8; BYTES];
        top[0] = 0xff;
        vec![
            small(0),
            small(1),
            small(2),
            near_modulus(-1),
            near_modulus(0),
            near_modulus(1),
            near_modulus(255),
            top,
        ]
    }

    fn sample_values() -> Vec<[u8; BYTES]> {
        let mut random = Bytes(7);
        let mut values = edge_values();
        values.extend((0..12).map(|_| random.value()));
        values
    }

    #[test]
    fn modulus_is_minus_one_mod_2_pow_64() {
        // What lets REDC use −N⁻¹ ≡ 1 (mod 2^28).
        assert_eq!(MODULUS[BYTES - 8..], [0xff; 8]);
        assert_eq!(N[0], MASK as u32);
    }

    #[test]
    fn bytes_round_trip_reduced_mod_n() {
        for value in sample_values() {
            assert_eq!(
                Element::from_be_bytes(&value).to_be_bytes(),
                bytes_of(&reference(&value))
            );
        }
        assert!(Element::from_be_bytes(&near_modulus(0)).is_zero());
        assert!(!Element::from_be_bytes(&near_modulus(-1)).is_zero());
    }

    #[test]
    fn field_operations_match_reference() {
        let values = sample_values();
        for x in &values {
            for y in &values {
                let (ours_x, ours_y) = (Element::from_be_bytes(x), Element::from_be_bytes(y));
                let (ref_x, ref_y) = (reference(x), reference(y));
                assert_eq!(
                    ours_x.mul(&ours_y).to_be_bytes(),
                    bytes_of(&ref_x.mul(&ref_y))
                );
                assert_eq!(
                    ours_x.add(&ours_y).to_be_bytes(),
                    bytes_of(&ref_x.add(&ref_y))
                );
                assert_eq!(
                    ours_x.sub(&ours_y).to_be_bytes(),
                    bytes_of(&ref_x.sub(&ref_y))
                );
            }
            assert_eq!(
                Element::from_be_bytes(x).square().to_be_bytes(),
                bytes_of(&reference(x).square())
            );
        }
    }

    #[test]
    fn long_chains_stay_below_2n() {
        // Unreduced intermediates near 2N must keep every later step exact.
        let mut random = Bytes(11);
        let (mut ours, mut theirs) = (
            Element::from_be_bytes(&near_modulus(-1)),
            reference(&near_modulus(-1)),
        );
        for step in 0..300 {
            let operand = if step % 7 == 0 {
                near_modulus(-1)
            } else {
                random.value()
            };
            let (o, r) = (Element::from_be_bytes(&operand), reference(&operand));
            (ours, theirs) = match step % 4 {
                0 => (ours.mul(&o), theirs.mul(&r)),
                1 => (ours.add(&o), theirs.add(&r)),
                2 => (ours.sub(&o), theirs.sub(&r)),
                _ => (
                    ours.square().shifted(31),
                    theirs.square().mul(&reference(&power_of_two(31))),
                ),
            };
            assert!(sub_limbs(&ours.0, &TWO_N).1, "step {step} left [0, 2N)");
            assert_eq!(ours.to_be_bytes(), bytes_of(&theirs), "step {step}");
        }
    }

    #[test]
    fn shifts_match_multiplying_by_powers_of_two() {
        for value in sample_values() {
            for shift in 0..32 {
                let expected = reference(&value).mul(&reference(&power_of_two(shift)));
                assert_eq!(
                    Element::from_be_bytes(&value).shifted(shift).to_be_bytes(),
                    bytes_of(&expected)
                );
            }
        }
    }

    #[test]
    fn powers_match_reference() {
        // Short exponents keep the debug-build test fast; the full-size 1024- and 1025-bit
        // exponents are checked by the known answers in tests/srp_vectors.rs.
        let mut random = Bytes(3);
        let mut exponents: Vec<Vec<u8>> = vec![vec![], vec![0], vec![1], vec![0xff; 16]];
        for len in [1, 3, 16] {
            let mut exponent = vec![0u8; len];
            random.fill(&mut exponent);
            exponents.push(exponent);
        }
        let bases = [small(0), small(1), near_modulus(-1), random.value()];
        for exponent in &exponents {
            let mut padded = [0u8; BYTES];
            padded[BYTES - exponent.len()..].copy_from_slice(exponent);
            let e = U3072::from_be_slice(&padded);
            let bits = 8 * exponent.len() as u32;
            for base in &bases {
                assert_eq!(
                    Element::from_be_bytes(base).pow(exponent).to_be_bytes(),
                    bytes_of(&reference(base).pow_bounded_exp(&e, bits)),
                    "exponent {exponent:02x?}"
                );
            }
            assert_eq!(
                Element::generator_pow(exponent).to_be_bytes(),
                bytes_of(&reference(&small(2)).pow_bounded_exp(&e, bits)),
                "exponent {exponent:02x?}"
            );
        }
    }

    #[test]
    fn comb_rows_are_g_to_the_2_to_the_256_j() {
        for (j, row) in COMB_ROWS.iter().enumerate() {
            // 2^(256·(j+1)) as a big-endian exponent: a one and 32·(j+1) zero bytes.
            let mut exponent = vec![0u8; 1 + 32 * (j + 1)];
            exponent[0] = 1;
            assert_eq!(&Element::generator_pow(&exponent).to_be_bytes(), row);
        }
    }

    #[test]
    fn comb_powers_match_reference() {
        let mut random = Bytes(13);
        let mut exponents = vec![[0u8; COMB_BYTES], [0xff; COMB_BYTES]];
        for _ in 0..3 {
            let mut exponent = [0u8; COMB_BYTES];
            random.fill(&mut exponent);
            exponents.push(exponent);
        }
        for exponent in &exponents {
            let mut padded = [0u8; BYTES];
            padded[BYTES - COMB_BYTES..].copy_from_slice(exponent);
            let e = U3072::from_be_slice(&padded);
            assert_eq!(
                Element::generator_pow(exponent).to_be_bytes(),
                bytes_of(&reference(&small(2)).pow_bounded_exp(&e, 8 * COMB_BYTES as u32)),
                "exponent {exponent:02x?}"
            );
        }
    }

    #[test]
    fn powers_in_slices_match_powers_in_one_go() {
        let mut random = Bytes(5);
        let base = Element::from_be_bytes(&random.value());
        let mut exponent = [0u8; 33];
        random.fill(&mut exponent);
        let whole = base.pow(&exponent).to_be_bytes();
        let whole_g = Element::generator_pow(&exponent).to_be_bytes();
        // 53 windows in slices of 1, 2 and 7 (the last one short).
        for slice in [1, 2, 7] {
            let mut power = Exponentiation::new(&base, &exponent);
            let mut g_power = Exponentiation::generator(&exponent);
            let mut calls = 0;
            while !power.advance(slice) {
                calls += 1;
                assert!(calls < 60, "never finished");
            }
            assert_eq!(calls, 53usize.div_ceil(slice) - 1);
            assert_eq!(power.value().to_be_bytes(), whole);
            let g_calls = (0..60).take_while(|_| !g_power.advance(slice)).count();
            assert_eq!(g_calls, calls);
            assert_eq!(g_power.finish().to_be_bytes(), whole_g);
        }
        // The comb's 256 columns, 10 at a time.
        let mut secret = [0u8; COMB_BYTES];
        random.fill(&mut secret);
        let mut comb = Exponentiation::generator(&secret);
        let calls = (0..30).take_while(|_| !comb.advance(10)).count();
        assert_eq!(calls, 25);
        assert_eq!(
            comb.finish().to_be_bytes(),
            Exponentiation::generator(&secret).finish().to_be_bytes()
        );
    }

    #[test]
    fn windows_read_bits_from_the_least_significant_end() {
        let exponent = [0b1010_0000, 0b0000_0001, 0b1111_0000];
        assert_eq!(window_at(&exponent, 0), 0b10000);
        assert_eq!(window_at(&exponent, 4), 0b11111);
        assert_eq!(window_at(&exponent, 8), 0b00001);
        assert_eq!(window_at(&exponent, 20), 0b1010);
        assert_eq!(window_at(&exponent, 40), 0);
    }

    /// Compile-time: the types that hold secret values wipe themselves on drop.
    fn wiped_on_drop<T: ZeroizeOnDrop>() {}

    #[test]
    fn secret_values_are_wiped() {
        wiped_on_drop::<Element>();
        wiped_on_drop::<Powers>();
        wiped_on_drop::<Exponentiation>();
        // What drop runs: every limb of the element, every entry of the window table.
        let mut element = Element::from_be_bytes(&near_modulus(-1));
        element.zeroize();
        assert_eq!(element.0, [0; LIMBS]);
        let mut power = Exponentiation::new(&Element::from_be_bytes(&small(3)), &[0xff; 4]);
        let table = |powers: &Powers| match powers {
            Powers::Table(table) => table.iter().flatten().any(|&limb| limb != 0),
            _ => panic!("a window table"),
        };
        assert!(table(&power.powers));
        power.powers.zeroize();
        assert!(!table(&power.powers));
    }

    #[test]
    fn choose_picks_by_flag() {
        let (a, b) = ([1u32; LIMBS], [2u32; LIMBS]);
        assert_eq!(choose(true, &a, &b), a);
        assert_eq!(choose(false, &a, &b), b);
    }
}
