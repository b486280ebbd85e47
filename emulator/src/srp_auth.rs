//! The server side of PASSWORD_VERIFIER and DEVICE_PASSWORD_VERIFIER: B from a fresh `b`, a
//! random single-use SECRET_BLOCK, then the claim checked against TIMESTAMP and the session key.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use cognito_wasm::srp::server::SrpServer;
use cognito_wasm::srp::{parse_hex, EphemeralSecret, EPHEMERAL_SECRET_LEN};
use cognito_wasm::timestamp::parse_timestamp;

use crate::error::{ApiError, ApiResult, ErrorKind};
use crate::ids;
use crate::requests::StringMap;
use crate::store::PasswordRecord;

/// Largest accepted TIMESTAMP skew from the server clock.
pub const MAX_SKEW_SECONDS: u64 = 300;
/// Hex digits of the largest SRP_A (3072 bits, plus a sign byte).
const MAX_SRP_A_DIGITS: usize = 770;
/// Random bytes in a SECRET_BLOCK.
const SECRET_BLOCK_LEN: usize = 64;

/// An issued verifier challenge waiting for the client's claim.
pub struct PendingSrp {
    server: SrpServer,
    srp_a: String,
    salt_hex: String,
    secret_block: String,
    /// Pool name for users, DeviceGroupKey for devices.
    realm: String,
    /// USER_ID_FOR_SRP for users, DeviceKey for devices.
    user_id: String,
}

impl std::fmt::Debug for PendingSrp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PendingSrp")
            .field("realm", &self.realm)
            .field("user_id", &self.user_id)
            .finish_non_exhaustive()
    }
}

/// The claim a client sends back.
#[derive(Debug, Clone, Copy)]
pub struct Claim<'a> {
    pub secret_block: &'a str,
    pub timestamp: &'a str,
    pub signature: &'a str,
}

impl PendingSrp {
    /// B = k·v + g^b for the stored verifier and a fresh 1024-bit `b`.
    pub fn start(
        record: &PasswordRecord,
        srp_a: &str,
        realm: &str,
        user_id: &str,
    ) -> ApiResult<Self> {
        if srp_a.len() > MAX_SRP_A_DIGITS || parse_hex(srp_a, "SRP_A").is_err() {
            return Err(ApiError::new(
                ErrorKind::InvalidParameter,
                "SRP_A is not valid hex.",
            ));
        }
        let b = EphemeralSecret::from_be_slice(&ids::random_bytes(EPHEMERAL_SECRET_LEN))
            .map_err(internal)?;
        let server = SrpServer::new(&record.verifier, b).map_err(internal)?;
        Ok(Self {
            server,
            srp_a: srp_a.to_owned(),
            salt_hex: min_hex(&record.salt),
            secret_block: STANDARD.encode(ids::random_bytes(SECRET_BLOCK_LEN)),
            realm: realm.to_owned(),
            user_id: user_id.to_owned(),
        })
    }

    /// `SALT`, `SRP_B` and `SECRET_BLOCK` for the challenge parameters.
    pub fn parameters(&self) -> StringMap {
        StringMap::from([
            ("SALT".to_owned(), self.salt_hex.clone()),
            ("SRP_B".to_owned(), self.server.srp_b()),
            ("SECRET_BLOCK".to_owned(), self.secret_block.clone()),
        ])
    }

    /// The SECRET_BLOCK sent (it also identifies the sign-in when `Session` is omitted).
    pub fn secret_block(&self) -> &str {
        &self.secret_block
    }

    /// Checks the echoed SECRET_BLOCK, the TIMESTAMP and the signature, using the session up.
    pub fn verify(self, claim: Claim<'_>, now: u64) -> ApiResult<()> {
        if claim.secret_block != self.secret_block {
            return Err(ApiError::incorrect_credentials());
        }
        check_timestamp(claim.timestamp, now)?;
        let key = self
            .server
            .process_client(&self.realm, &self.user_id, &self.srp_a)
            .map_err(|_| ApiError::incorrect_credentials())?;
        if key.verify(claim.secret_block, claim.timestamp, claim.signature) {
            Ok(())
        } else {
            Err(ApiError::incorrect_credentials())
        }
    }
}

/// A TIMESTAMP must parse strictly and lie within [`MAX_SKEW_SECONDS`] of `now`. Text that is
/// not even shaped like one is a parameter error; a near miss (zero-padded day, wrong weekday)
/// or a stale one fails like a wrong password, as the service does.
pub fn check_timestamp(timestamp: &str, now: u64) -> ApiResult<()> {
    match parse_timestamp(timestamp) {
        Some(t) if t.abs_diff(now) <= MAX_SKEW_SECONDS => Ok(()),
        Some(_) => Err(ApiError::incorrect_credentials()),
        None if timestamp.split(' ').count() == 6 => Err(ApiError::incorrect_credentials()),
        None => Err(ApiError::new(
            ErrorKind::InvalidParameter,
            "TIMESTAMP format should be EEE MMM d HH:mm:ss z yyyy in english.",
        )),
    }
}

/// Lowercase hex without leading zero bytes (how `SALT` is sent).
pub fn min_hex(bytes: &[u8]) -> String {
    let start = bytes
        .iter()
        .position(|&b| b != 0)
        .unwrap_or(bytes.len().saturating_sub(1));
    bytes[start..].iter().map(|b| format!("{b:02x}")).collect()
}

fn internal(error: cognito_wasm::SrpError) -> ApiError {
    ApiError::new(
        ErrorKind::InternalError,
        format!("SRP setup failed: {error}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use cognito_wasm::srp::{Credentials, SrpClient};
    use cognito_wasm::timestamp::format_timestamp;

    const NOW: u64 = 1_725_347_109;

    /// Runs the client side against a fresh challenge: (pending, claim parts).
    fn sign_in(password: &str, timestamp: &str) -> (PendingSrp, String, String) {
        let record = PasswordRecord::new("Pool1", "alice", "Passw0rd!");
        let client = SrpClient::new(
            EphemeralSecret::from_be_slice(&ids::random_bytes(EPHEMERAL_SECRET_LEN)).expect("a"),
        )
        .expect("A");
        let pending =
            PendingSrp::start(&record, &client.srp_a(), "Pool1", "alice").expect("challenge");
        let parameters = pending.parameters();
        let (salt, srp_b, block) = (
            &parameters["SALT"],
            &parameters["SRP_B"],
            parameters["SECRET_BLOCK"].clone(),
        );
        let credentials = Credentials {
            realm: "Pool1",
            user_id: "alice",
            password,
        };
        let key = client
            .process_challenge(credentials, salt, srp_b)
            .expect("key");
        let claim = key.sign(&block, timestamp).expect("claim");
        (pending, block, claim.signature)
    }

    #[test]
    fn the_right_password_verifies() {
        let ts = format_timestamp(NOW);
        let (pending, block, signature) = sign_in("Passw0rd!", &ts);
        let claim = Claim {
            secret_block: &block,
            timestamp: &ts,
            signature: &signature,
        };
        assert_eq!(pending.verify(claim, NOW + 10), Ok(()));
    }

    #[test]
    fn a_wrong_password_or_block_fails() {
        let ts = format_timestamp(NOW);
        let (pending, block, signature) = sign_in("Passw0rd?", &ts);
        let claim = Claim {
            secret_block: &block,
            timestamp: &ts,
            signature: &signature,
        };
        assert_eq!(
            pending.verify(claim, NOW),
            Err(ApiError::incorrect_credentials())
        );

        let (pending, _, signature) = sign_in("Passw0rd!", &ts);
        let other_block = STANDARD.encode([7u8; 64]);
        let claim = Claim {
            secret_block: &other_block,
            timestamp: &ts,
            signature: &signature,
        };
        assert_eq!(
            pending.verify(claim, NOW),
            Err(ApiError::incorrect_credentials())
        );
    }

    #[test]
    fn timestamps_are_strict_and_fresh() {
        assert_eq!(check_timestamp(&format_timestamp(NOW), NOW), Ok(()));
        assert_eq!(check_timestamp(&format_timestamp(NOW - 300), NOW), Ok(()));
        assert_eq!(
            check_timestamp(&format_timestamp(NOW + 301), NOW),
            Err(ApiError::incorrect_credentials())
        );
        assert_eq!(
            check_timestamp("Tue Sep 03 07:05:09 UTC 2024", NOW),
            Err(ApiError::incorrect_credentials())
        );
        let garbage = check_timestamp("2024-09-03T07:05:09Z", NOW).expect_err("format");
        assert_eq!(garbage.kind, ErrorKind::InvalidParameter);
    }

    #[test]
    fn bad_srp_a_is_a_parameter_error() {
        let record = PasswordRecord::new("Pool1", "alice", "Passw0rd!");
        for bad in ["xyz", "", &"f".repeat(800)] {
            let error = PendingSrp::start(&record, bad, "Pool1", "alice").expect_err(bad);
            assert_eq!(error.kind, ErrorKind::InvalidParameter);
        }
    }

    #[test]
    fn min_hex_trims_leading_zero_bytes() {
        assert_eq!(min_hex(&[0, 0, 0x9c, 0x01]), "9c01");
        assert_eq!(min_hex(&[0x0a]), "0a");
        assert_eq!(min_hex(&[0, 0]), "00");
    }
}
