//! SECRET_HASH for app clients with a secret.

use alloc::string::String;

use crate::srp::group_hmac;

/// SECRET_HASH = Base64(HMAC-SHA256(key = client secret, message = username | client id)).
///
/// Which username: what the user typed on InitiateAuth, the internal username from the
/// challenge (`USERNAME` / `USER_ID_FOR_SRP`) on RespondToAuthChallenge, and the internal
/// username (`sub` for alias sign-ins) on refresh.
pub fn secret_hash(client_secret: &str, username: &str, client_id: &str) -> String {
    let mac = group_hmac(
        client_secret.as_bytes(),
        &[username.as_bytes(), client_id.as_bytes()],
    );
    crate::base64::encode(&mac)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_vector() {
        assert_eq!(
            secret_hash("secretXYZ", "alice", "clientid123"),
            "/hgJmhBZI7KUrkWNCe+PeCu4RTlYu+8q5Rs3h3WZ6qc="
        );
    }
}
