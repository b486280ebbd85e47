//! Password verifiers: what ConfirmDevice registers for a remembered device, and what the
//! emulator stores per user.

use alloc::string::String;
use alloc::vec::Vec;

use zeroize::Zeroize;

use super::group::{pad_hex_bytes, private_key, Element};
use super::Credentials;

/// Random bytes in a device password (Base64-encoded, as amazon-cognito-identity-js does).
pub const DEVICE_PASSWORD_LEN: usize = 40;
/// Random bytes in a device salt.
pub const DEVICE_SALT_LEN: usize = 16;

/// v = g^x mod N with x = H(padHex(salt) | H(realm | user_id | ":" | password)), as padHex bytes.
pub fn password_verifier(credentials: Credentials<'_>, salt: &[u8]) -> Vec<u8> {
    let mut x = private_key(
        credentials.realm,
        credentials.user_id,
        credentials.password,
        salt,
    );
    let v = Element::generator_pow(&x).to_be_bytes();
    x.zeroize();
    pad_hex_bytes(&v)
}

/// A new device's secret and the `DeviceSecretVerifierConfig` ConfirmDevice sends.
pub struct DeviceVerifier {
    /// The device password: Base64 of 40 random bytes. Keep it with the device key.
    pub device_password: String,
    /// `Salt`: Base64(padHex(salt)).
    pub salt: String,
    /// `PasswordVerifier`: Base64(padHex(g^x mod N)).
    pub password_verifier: String,
}

impl DeviceVerifier {
    /// Builds the verifier for (DeviceGroupKey, DeviceKey) from fresh random bytes.
    pub fn generate(
        device_group_key: &str,
        device_key: &str,
        random_password: &[u8; DEVICE_PASSWORD_LEN],
        random_salt: &[u8; DEVICE_SALT_LEN],
    ) -> Self {
        let device_password = crate::base64::encode(random_password);
        let salt = pad_hex_bytes(random_salt);
        let verifier = password_verifier(
            Credentials {
                realm: device_group_key,
                user_id: device_key,
                password: &device_password,
            },
            &salt,
        );
        Self {
            salt: crate::base64::encode(&salt),
            password_verifier: crate::base64::encode(&verifier),
            device_password,
        }
    }
}

impl Drop for DeviceVerifier {
    fn drop(&mut self) {
        self.device_password.zeroize();
    }
}

impl core::fmt::Debug for DeviceVerifier {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("DeviceVerifier")
            .field("device_password", &"[redacted]")
            .field("salt", &self.salt)
            .field("password_verifier", &self.password_verifier)
            .finish()
    }
}
