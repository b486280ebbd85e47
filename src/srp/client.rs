//! The client half: `a` and `A`, then the session key and the claim signature.

use alloc::string::String;
use alloc::vec::Vec;

use zeroize::{Zeroize, Zeroizing};

use super::group::{
    check_public, fixed_be, hmac_sha256, multiplier, pad_hex_bytes, parse_hex, parse_public,
    private_key, scrambler, to_min_hex, Element, Exponentiation, Public,
};
use super::Credentials;
use crate::error::SrpError;

/// Bytes of randomness in `a` (and in the emulator's `b`): 1024 bits, as Cognito's SDKs use.
pub const EPHEMERAL_SECRET_LEN: usize = 128;

/// HKDF info for Cognito's session key: `"Caldera Derived Key" | 0x01` (one output block).
const HKDF_INFO: &[u8] = b"Caldera Derived Key\x01";

/// A private SRP exponent (`a` for the client, `b` for the server); zeroized on drop.
pub struct EphemeralSecret([u8; EPHEMERAL_SECRET_LEN]);

impl EphemeralSecret {
    /// Reads a big-endian secret of at most [`EPHEMERAL_SECRET_LEN`] bytes (tests inject a
    /// fixed one; the SDK passes 128 bytes from the platform CSPRNG).
    pub fn from_be_slice(bytes: &[u8]) -> Result<Self, SrpError> {
        fixed_be(bytes).map(Self).ok_or(SrpError::OutOfRange {
            field: "ephemeral secret",
        })
    }

    /// The secret as a big-endian exponent.
    pub(crate) fn exponent(&self) -> &[u8; EPHEMERAL_SECRET_LEN] {
        &self.0
    }
}

impl Drop for EphemeralSecret {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl core::fmt::Debug for EphemeralSecret {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("EphemeralSecret([redacted])")
    }
}

/// The first stage of a sign-in: holds `a` and `A = g^a mod N`.
#[derive(Debug)]
pub struct SrpClient {
    a: EphemeralSecret,
    a_pub: Public,
}

impl SrpClient {
    /// A = g^a mod N; rejects `a` whose A is 0 mod N. [`Self::start`] computes it in slices.
    pub fn new(a: EphemeralSecret) -> Result<Self, SrpError> {
        Self::start(a).finish()
    }

    /// A = g^a mod N, as work to [`ClientWork::advance`] a few steps at a time.
    pub fn start(a: EphemeralSecret) -> ClientWork {
        ClientWork {
            power: Exponentiation::generator(a.exponent()),
            a,
        }
    }

    /// `SRP_A` for InitiateAuth or DEVICE_SRP_AUTH: lowercase hex of A without leading zeros.
    pub fn srp_a(&self) -> String {
        to_min_hex(&self.a_pub)
    }

    /// Second stage, from PASSWORD_VERIFIER's (or DEVICE_PASSWORD_VERIFIER's) `SALT` and
    /// `SRP_B`: checks B mod N != 0 and u != 0, then
    /// S = (B - k·g^x)^(a + u·x) mod N and K = HKDF(ikm = padHex(S), salt = padHex(u)).
    /// [`Self::begin_challenge`] computes it in slices.
    pub fn process_challenge(
        self,
        credentials: Credentials<'_>,
        salt_hex: &str,
        srp_b_hex: &str,
    ) -> Result<SessionKey, SrpError> {
        Ok(self
            .begin_challenge(credentials, salt_hex, srp_b_hex)?
            .finish())
    }

    /// [`Self::process_challenge`] as work to [`KeyWork::advance`] a few steps at a time;
    /// the checks on the inputs are done here.
    pub fn begin_challenge(
        self,
        credentials: Credentials<'_>,
        salt_hex: &str,
        srp_b_hex: &str,
    ) -> Result<KeyWork, SrpError> {
        let salt = parse_hex(salt_hex, "SALT")?;
        let b_pub = parse_public(srp_b_hex, "SRP_B")?;
        let b = check_public(&b_pub, "SRP_B")?;
        let u = scrambler(&self.a_pub, &b_pub)?;
        let x = Zeroizing::new(private_key(
            credentials.realm,
            credentials.user_id,
            credentials.password,
            &salt,
        ));
        Ok(KeyWork {
            stage: KeyStage::Verifier(Exponentiation::generator(x.as_slice())),
            a: self.a,
            x,
            b,
            u,
            realm: credentials.realm.into(),
            user_id: credentials.user_id.into(),
        })
    }
}

/// `A = g^a` being computed: [`Self::advance`] until it says done, then [`Self::finish`].
pub struct ClientWork {
    a: EphemeralSecret,
    power: Exponentiation,
}

impl ClientWork {
    /// Runs up to `steps` more exponentiation steps (one squaring and one product each:
    /// a 1024-bit `a` takes 256); true once A is known.
    pub fn advance(&mut self, steps: usize) -> bool {
        self.power.advance(steps)
    }

    /// The client (running whatever is left); rejects an `a` whose A is 0 mod N.
    pub fn finish(self) -> Result<SrpClient, SrpError> {
        let a_pub = self.power.finish().to_be_bytes();
        check_public(&a_pub, "SRP_A")?;
        Ok(SrpClient { a: self.a, a_pub })
    }
}

impl core::fmt::Debug for ClientWork {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("ClientWork([redacted])")
    }
}

/// The two exponentiations behind a session key, in order.
enum KeyStage {
    /// g^x, for the base B − k·g^x.
    Verifier(Exponentiation),
    /// S = (B − k·g^x)^(a + u·x).
    Premaster(Exponentiation),
}

/// A session key being computed: [`Self::advance`] until it says done, then [`Self::finish`].
pub struct KeyWork {
    stage: KeyStage,
    a: EphemeralSecret,
    x: Zeroizing<[u8; 32]>,
    b: Element,
    u: [u8; 32],
    realm: String,
    user_id: String,
}

impl KeyWork {
    /// Runs up to `steps` more exponentiation steps (5 squarings and one product each) of the current
    /// exponentiation; true once S is known.
    pub fn advance(&mut self, steps: usize) -> bool {
        match &mut self.stage {
            KeyStage::Verifier(g_x) => {
                if g_x.advance(steps) {
                    let g_x = g_x.value().clone();
                    let power = premaster_power(&self.b, &self.a, &self.x, &self.u, &g_x);
                    self.stage = KeyStage::Premaster(power);
                }
                false
            }
            KeyStage::Premaster(s) => s.advance(steps),
        }
    }

    /// K = HKDF(padHex(S), padHex(u)) (running whatever is left).
    pub fn finish(self) -> SessionKey {
        let s = match self.stage {
            KeyStage::Verifier(g_x) => {
                premaster_power(&self.b, &self.a, &self.x, &self.u, &g_x.finish())
            }
            KeyStage::Premaster(s) => s,
        };
        SessionKey::derive(
            s.finish().to_be_bytes(),
            &self.u,
            &self.realm,
            &self.user_id,
        )
    }
}

/// S's exponentiation once g^x is known: base B − k·g^x, exponent a + u·x.
fn premaster_power(
    b: &Element,
    a: &EphemeralSecret,
    x: &[u8; 32],
    u: &[u8; 32],
    g_x: &Element,
) -> Exponentiation {
    let base = b.sub(&multiplier().mul(g_x));
    let exponent = Zeroizing::new(secret_exponent(a.exponent(), u, x));
    Exponentiation::new(&base, exponent.as_slice())
}

impl core::fmt::Debug for KeyWork {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("KeyWork([redacted])")
    }
}

/// Bytes of `a + u·x`: a < 2^1024 and u·x < 2^512, so the sum fits in 1025 bits.
const EXPONENT_LEN: usize = EPHEMERAL_SECRET_LEN + 1;

/// a + u·x as a plain big-endian integer (never reduced: the group order is not N).
/// Schoolbook on bytes: each column is at most 32·255² + 255 plus a carry, far below 2^32.
fn secret_exponent(
    a: &[u8; EPHEMERAL_SECRET_LEN],
    u: &[u8; 32],
    x: &[u8; 32],
) -> [u8; EXPONENT_LEN] {
    // Little-endian columns: column i weighs 2^(8i).
    let mut columns = [0u32; EXPONENT_LEN];
    for (i, &u_byte) in u.iter().rev().enumerate() {
        for (column, &x_byte) in columns[i..].iter_mut().zip(x.iter().rev()) {
            *column += u32::from(u_byte) * u32::from(x_byte);
        }
    }
    for (column, &a_byte) in columns.iter_mut().zip(a.iter().rev()) {
        *column += u32::from(a_byte);
    }
    let mut exponent = [0u8; EXPONENT_LEN];
    let mut carry = 0;
    for (byte, column) in exponent.iter_mut().rev().zip(&columns) {
        let sum = column + carry;
        *byte = sum as u8;
        carry = sum >> 8;
    }
    columns.zeroize();
    exponent
}

/// The 16-byte key both sides derive, with the realm and user id it signs for; zeroized on drop.
pub struct SessionKey {
    key: [u8; 16],
    realm: String,
    user_id: String,
}

impl SessionKey {
    /// PRK = HMAC(padHex(u), padHex(S)); K = HMAC(PRK, "Caldera Derived Key" | 1)[..16].
    pub(crate) fn derive(mut s: Public, u: &[u8; 32], realm: &str, user_id: &str) -> Self {
        let mut s_bytes = pad_hex_bytes(&s);
        s.zeroize();
        let mut prk = hmac_sha256(&pad_hex_bytes(u), &[&s_bytes]);
        s_bytes.zeroize();
        let mut block = hmac_sha256(&prk, &[HKDF_INFO]);
        prk.zeroize();
        let mut key = [0u8; 16];
        key.copy_from_slice(&block[..16]);
        block.zeroize();
        Self {
            key,
            realm: realm.into(),
            user_id: user_id.into(),
        }
    }

    /// PASSWORD_CLAIM_SIGNATURE = Base64(HMAC(K, realm | user_id | Base64Decode(SECRET_BLOCK) |
    /// TIMESTAMP)).
    pub fn sign(&self, secret_block_b64: &str, timestamp: &str) -> Result<PasswordClaim, SrpError> {
        let block = decode_secret_block(secret_block_b64)?;
        let mac = hmac_sha256(
            &self.key,
            &[
                self.realm.as_bytes(),
                self.user_id.as_bytes(),
                &block,
                timestamp.as_bytes(),
            ],
        );
        Ok(PasswordClaim {
            signature: crate::base64::encode(&mac),
            timestamp: timestamp.into(),
        })
    }

    /// Whether `signature` is the claim this key makes for the block and timestamp (the
    /// server's check; constant-time in the signature).
    pub fn verify(&self, secret_block_b64: &str, timestamp: &str, signature: &str) -> bool {
        let Ok(expected) = self.sign(secret_block_b64, timestamp) else {
            return false;
        };
        let (ours, theirs) = (expected.signature.as_bytes(), signature.as_bytes());
        ours.len() == theirs.len()
            && ours
                .iter()
                .zip(theirs)
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0
    }

    /// The raw 16-byte key, for known-answer tests.
    pub fn key_bytes(&self) -> &[u8; 16] {
        &self.key
    }
}

impl Drop for SessionKey {
    fn drop(&mut self) {
        self.key.zeroize();
    }
}

impl core::fmt::Debug for SessionKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("SessionKey([redacted])")
    }
}

/// What a PASSWORD_VERIFIER answer carries besides the echoed SECRET_BLOCK.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordClaim {
    /// PASSWORD_CLAIM_SIGNATURE (Base64).
    pub signature: String,
    /// TIMESTAMP exactly as signed.
    pub timestamp: String,
}

/// SECRET_BLOCK is standard Base64; like Amplify, accept the URL-safe alphabet and missing
/// padding too.
pub(crate) fn decode_secret_block(b64: &str) -> Result<Vec<u8>, SrpError> {
    match crate::base64::decode(b64) {
        Some(block) if !b64.is_empty() => Ok(block),
        _ => Err(SrpError::InvalidBase64 {
            field: "SECRET_BLOCK",
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crypto_bigint::{U1024, U256, U3072};

    #[test]
    fn secret_exponent_is_a_plus_u_times_x() {
        for (a, u, x) in [
            ([0xff; 128], [0xff; 32], [0xff; 32]),
            ([0; 128], [0; 32], [0xff; 32]),
            ([0x1f; 128], [0x32; 32], [0x9c; 32]),
        ] {
            let expected = U1024::from_be_slice(&a)
                .resize::<{ U3072::LIMBS }>()
                .wrapping_add(
                    &U256::from_be_slice(&u)
                        .concatenating_mul(&U256::from_be_slice(&x))
                        .resize::<{ U3072::LIMBS }>(),
                );
            let ours = secret_exponent(&a, &u, &x);
            assert_eq!(
                ours[..],
                expected.to_be_bytes()[BYTES_3072 - EXPONENT_LEN..]
            );
            assert!(expected.to_be_bytes()[..BYTES_3072 - EXPONENT_LEN]
                .iter()
                .all(|&b| b == 0));
        }
    }

    const BYTES_3072: usize = 384;
}
