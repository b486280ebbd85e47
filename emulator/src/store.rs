//! The pool's mutable state: users, devices, token families and one-time codes.
//! `POST /__reset` puts back the snapshot taken at start.

use std::collections::{BTreeMap, HashMap};

use cognito_wasm::srp::{password_verifier, Credentials};

use crate::config::{MfaKind, PoolConfig, UserConfig, UserStatus};
use crate::ids;
use crate::webauthn::{Passkey, RegistrationChallenge};

/// Bytes of a user's SRP salt.
const SALT_LEN: usize = 16;

/// Everything the API changes.
#[derive(Debug, Clone, Default)]
pub struct PoolState {
    /// Keyed by lower-cased username (usernames are case-insensitive).
    users: BTreeMap<String, User>,
    devices: HashMap<String, Device>,
    /// Devices made so far: their creation order.
    device_count: u64,
    /// Token families by `origin_jti`.
    origins: HashMap<String, Origin>,
    /// Refresh tokens (each family has one, or a chain of them when its client rotates).
    refresh_tokens: HashMap<String, RefreshRecord>,
    codes: HashMap<(String, CodePurpose), IssuedCode>,
}

/// A user of the pool.
#[derive(Debug, Clone)]
pub struct User {
    /// The internal username (USER_ID_FOR_SRP).
    pub username: String,
    pub sub: String,
    pub status: UserStatus,
    pub enabled: bool,
    pub attributes: BTreeMap<String, String>,
    /// `None` for a passwordless user.
    pub password: Option<PasswordRecord>,
    pub mfa: UserMfa,
    /// The DeviceGroupKey of all this user's devices.
    pub device_group_key: String,
    /// Registered WebAuthn credentials, oldest first.
    pub passkeys: Vec<Passkey>,
    /// The challenge of the last StartWebAuthnRegistration, until used or replaced.
    pub pending_registration: Option<RegistrationChallenge>,
}

/// A user's MFA factors.
#[derive(Debug, Clone, Default)]
pub struct UserMfa {
    pub sms: bool,
    pub email: bool,
    /// Base32 secret of a verified software token.
    pub totp_secret: Option<String>,
    /// SetUserMFAPreference can turn a verified token off without forgetting it.
    pub totp_enabled: bool,
    /// Base32 secret from AssociateSoftwareToken (by AccessToken), until VerifySoftwareToken.
    pub associated_totp_secret: Option<String>,
    pub preferred: Option<MfaKind>,
    /// MFA is required of this user even if the pool's MFA is optional.
    pub setup_required: bool,
}

impl UserMfa {
    /// The enabled factors, in SMS, TOTP, email order.
    pub fn factors(&self) -> Vec<MfaKind> {
        [
            (self.sms, MfaKind::Sms),
            (
                self.totp_secret.is_some() && self.totp_enabled,
                MfaKind::Totp,
            ),
            (self.email, MfaKind::Email),
        ]
        .into_iter()
        .filter_map(|(on, kind)| on.then_some(kind))
        .collect()
    }
}

/// An SRP salt and verifier v = g^x (the password itself is never stored).
#[derive(Clone)]
pub struct PasswordRecord {
    pub salt: Vec<u8>,
    pub verifier: Vec<u8>,
}

impl std::fmt::Debug for PasswordRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PasswordRecord([redacted])")
    }
}

impl PasswordRecord {
    /// A fresh random salt and the verifier for (realm = pool name, user id = username).
    pub fn new(realm: &str, username: &str, password: &str) -> Self {
        let salt = ids::random_bytes(SALT_LEN);
        let verifier = Self::compute(realm, username, password, &salt);
        Self { salt, verifier }
    }

    /// Whether `password` is this user's (USER_PASSWORD_AUTH): recomputes v with the stored salt.
    pub fn matches(&self, realm: &str, username: &str, password: &str) -> bool {
        Self::compute(realm, username, password, &self.salt) == self.verifier
    }

    fn compute(realm: &str, username: &str, password: &str, salt: &[u8]) -> Vec<u8> {
        password_verifier(
            Credentials {
                realm,
                user_id: username,
                password,
            },
            salt,
        )
    }
}

/// A tracked device.
#[derive(Debug, Clone)]
pub struct Device {
    pub username: String,
    pub name: Option<String>,
    /// Set by ConfirmDevice.
    pub secret: Option<PasswordRecord>,
    pub remembered: bool,
    pub created_at: u64,
    pub modified_at: u64,
    pub last_authenticated_at: u64,
    /// Creation order (ListDevices lists oldest first).
    pub order: u64,
}

/// One sign-in's token family: its refresh tokens and everything refreshed from them.
#[derive(Debug, Clone)]
pub struct Origin {
    pub username: String,
    pub client_id: String,
    pub device_key: Option<String>,
    pub auth_time: u64,
    pub revoked: bool,
}

/// One refresh token.
#[derive(Debug, Clone)]
pub struct RefreshRecord {
    pub origin_jti: String,
    pub expires_at: u64,
    /// When rotation replaced it (GetTokensFromRefreshToken on a rotating client).
    pub rotated_at: Option<u64>,
}

/// What a one-time code is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CodePurpose {
    SignUp,
    ForgotPassword,
    /// UpdateUserAttributes / GetUserAttributeVerificationCode for `email`.
    VerifyEmail,
    /// The same for `phone_number`.
    VerifyPhone,
}

#[derive(Debug, Clone)]
struct IssuedCode {
    code: String,
    expires_at: u64,
}

/// Why a one-time code was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeCheck {
    Valid,
    Mismatch,
    Expired,
}

impl PoolState {
    /// The state the configuration describes (verifiers are computed here, with fresh salts).
    pub fn from_config(config: &PoolConfig, realm: &str) -> Self {
        let mut state = Self::default();
        for user in &config.users {
            state.insert_user(User::from_config(user, config, realm));
        }
        state
    }

    /// The user whose username (case-insensitive) or verified alias attribute is `name`.
    pub fn find_user(&self, name: &str, alias_attributes: &[String]) -> Option<&User> {
        self.users.get(&name.to_lowercase()).or_else(|| {
            self.users.values().find(|user| {
                alias_attributes.iter().any(|attribute| {
                    user.attributes.get(attribute).is_some_and(|v| v == name)
                        && user.attribute_verified(attribute)
                })
            })
        })
    }

    /// The user with this internal username.
    pub fn user(&self, username: &str) -> Option<&User> {
        self.users.get(&username.to_lowercase())
    }

    pub fn user_mut(&mut self, username: &str) -> Option<&mut User> {
        self.users.get_mut(&username.to_lowercase())
    }

    pub fn insert_user(&mut self, user: User) {
        self.users.insert(user.username.to_lowercase(), user);
    }

    /// A new, unconfirmed device for `username`: its DeviceKey is `<region>_<uuid>`.
    pub fn new_device(&mut self, username: &str, region: &str, now: u64) -> String {
        let key = format!("{region}_{}", ids::uuid());
        self.device_count += 1;
        self.devices.insert(
            key.clone(),
            Device {
                username: username.to_owned(),
                name: None,
                secret: None,
                remembered: false,
                created_at: now,
                modified_at: now,
                last_authenticated_at: now,
                order: self.device_count,
            },
        );
        key
    }

    /// The confirmed devices of `username` with their keys, oldest first.
    pub fn devices_of(&self, username: &str) -> Vec<(&str, &Device)> {
        let mut devices: Vec<(&str, &Device)> = self
            .devices
            .iter()
            .filter(|(_, d)| d.username.eq_ignore_ascii_case(username) && d.secret.is_some())
            .map(|(key, d)| (key.as_str(), d))
            .collect();
        devices.sort_by_key(|(_, d)| d.order);
        devices
    }

    /// The user who registered the passkey `credential_id`, if any.
    pub fn passkey_owner(&self, credential_id: &[u8]) -> Option<&User> {
        self.users
            .values()
            .find(|u| u.passkeys.iter().any(|p| p.credential_id == credential_id))
    }

    /// DeleteUser: the user, their devices and codes go; their token families end.
    pub fn delete_user(&mut self, username: &str) {
        let key = username.to_lowercase();
        self.users.remove(&key);
        self.devices
            .retain(|_, d| !d.username.eq_ignore_ascii_case(username));
        self.codes.retain(|(name, _), _| *name != key);
        let families: Vec<String> = self
            .origins
            .iter()
            .filter(|(_, o)| o.username.eq_ignore_ascii_case(username))
            .map(|(jti, _)| jti.clone())
            .collect();
        for jti in &families {
            self.origins.remove(jti);
        }
        self.refresh_tokens
            .retain(|_, r| !families.contains(&r.origin_jti));
    }

    /// The device `key` if it belongs to `username`.
    pub fn device_of(&self, username: &str, key: &str) -> Option<&Device> {
        self.devices
            .get(key)
            .filter(|d| d.username.eq_ignore_ascii_case(username))
    }

    pub fn device_of_mut(&mut self, username: &str, key: &str) -> Option<&mut Device> {
        self.devices
            .get_mut(key)
            .filter(|d| d.username.eq_ignore_ascii_case(username))
    }

    /// Removes the device; whether it existed.
    pub fn forget_device(&mut self, username: &str, key: &str) -> bool {
        self.device_of(username, key).is_some() && self.devices.remove(key).is_some()
    }

    /// Starts a token family; returns (origin_jti, refresh token).
    pub fn start_origin(&mut self, origin: OriginRequest<'_>) -> (String, String) {
        let origin_jti = ids::uuid();
        let refresh_token = self.new_refresh_token(&origin_jti, origin.refresh_expires_at);
        self.origins.insert(
            origin_jti.clone(),
            Origin {
                username: origin.username.to_owned(),
                client_id: origin.client_id.to_owned(),
                device_key: origin.device_key.map(str::to_owned),
                auth_time: origin.auth_time,
                revoked: false,
            },
        );
        (origin_jti, refresh_token)
    }

    /// A new refresh token in the family `origin_jti`.
    fn new_refresh_token(&mut self, origin_jti: &str, expires_at: u64) -> String {
        let token = ids::opaque(96);
        self.refresh_tokens.insert(
            token.clone(),
            RefreshRecord {
                origin_jti: origin_jti.to_owned(),
                expires_at,
                rotated_at: None,
            },
        );
        token
    }

    /// Rotation: `token` is replaced (it keeps its first `rotated_at`) by a new one of the same
    /// family, valid until `expires_at`.
    pub fn rotate_refresh_token(
        &mut self,
        token: &str,
        now: u64,
        expires_at: u64,
    ) -> Option<String> {
        let record = self.refresh_tokens.get_mut(token)?;
        record.rotated_at.get_or_insert(now);
        let jti = record.origin_jti.clone();
        Some(self.new_refresh_token(&jti, expires_at))
    }

    /// A refresh token, with its family: (record, origin).
    pub fn refresh_token(&self, token: &str) -> Option<(&RefreshRecord, &Origin)> {
        let record = self.refresh_tokens.get(token)?;
        self.origins
            .get(&record.origin_jti)
            .map(|origin| (record, origin))
    }

    /// The live family a refresh token belongs to: (origin_jti, origin).
    pub fn origin_of_refresh_token(&self, token: &str) -> Option<(&str, &Origin)> {
        self.refresh_token(token)
            .map(|(record, origin)| (record.origin_jti.as_str(), origin))
    }

    /// Whether tokens of this family are still accepted.
    pub fn origin_active(&self, origin_jti: &str) -> bool {
        self.origins.get(origin_jti).is_some_and(|o| !o.revoked)
    }

    /// Revokes one family (RevokeToken).
    pub fn revoke_origin(&mut self, origin_jti: &str) {
        if let Some(origin) = self.origins.get_mut(origin_jti) {
            origin.revoked = true;
        }
    }

    /// Revokes every family of a user (GlobalSignOut).
    pub fn revoke_user(&mut self, username: &str) {
        for origin in self.origins.values_mut() {
            if origin.username.eq_ignore_ascii_case(username) {
                origin.revoked = true;
            }
        }
    }

    /// Stores a one-time code, replacing an older one for the same purpose.
    pub fn set_code(
        &mut self,
        username: &str,
        purpose: CodePurpose,
        code: String,
        expires_at: u64,
    ) {
        self.codes.insert(
            (username.to_lowercase(), purpose),
            IssuedCode { code, expires_at },
        );
    }

    /// Checks a one-time code; a valid one is used up.
    pub fn take_code(
        &mut self,
        username: &str,
        purpose: CodePurpose,
        code: &str,
        now: u64,
    ) -> CodeCheck {
        let key = (username.to_lowercase(), purpose);
        match self.codes.get(&key) {
            Some(issued) if issued.code == code.trim() && issued.expires_at > now => {
                self.codes.remove(&key);
                CodeCheck::Valid
            }
            Some(issued) if issued.code == code.trim() => CodeCheck::Expired,
            _ => CodeCheck::Mismatch,
        }
    }
}

/// What a new token family records.
#[derive(Debug, Clone, Copy)]
pub struct OriginRequest<'a> {
    pub username: &'a str,
    pub client_id: &'a str,
    pub device_key: Option<&'a str>,
    pub auth_time: u64,
    pub refresh_expires_at: u64,
}

impl User {
    /// A configured user; `sub` is derived from the pool id and username unless given.
    pub fn from_config(user: &UserConfig, config: &PoolConfig, realm: &str) -> Self {
        Self {
            username: user.username.clone(),
            sub: user.sub.clone().unwrap_or_else(|| {
                ids::uuid_from(&format!("{}/{}", config.user_pool_id, user.username))
            }),
            status: user.status,
            enabled: user.enabled,
            attributes: user.attributes.clone(),
            password: user
                .password
                .as_ref()
                .map(|password| PasswordRecord::new(realm, &user.username, password)),
            mfa: UserMfa {
                sms: user.sms_mfa,
                email: user.email_mfa,
                totp_secret: user.totp_secret.clone(),
                totp_enabled: user.totp_secret.is_some(),
                associated_totp_secret: None,
                preferred: user.preferred_mfa,
                setup_required: user.mfa_setup_required,
            },
            device_group_key: new_device_group_key(),
            passkeys: Vec::new(),
            pending_registration: None,
        }
    }

    /// A user created at run time (SignUp, UserMigration).
    pub fn new(
        username: &str,
        password: Option<PasswordRecord>,
        attributes: BTreeMap<String, String>,
        status: UserStatus,
    ) -> Self {
        Self {
            username: username.to_owned(),
            sub: ids::uuid(),
            status,
            enabled: true,
            attributes,
            password,
            mfa: UserMfa::default(),
            device_group_key: new_device_group_key(),
            passkeys: Vec::new(),
            pending_registration: None,
        }
    }

    /// Whether `password` is this user's (never, for a passwordless user).
    pub fn password_matches(&self, realm: &str, password: &str) -> bool {
        self.password
            .as_ref()
            .is_some_and(|record| record.matches(realm, &self.username, password))
    }

    /// `email_verified` / `phone_number_verified` is "true".
    pub fn attribute_verified(&self, attribute: &str) -> bool {
        self.attributes
            .get(&format!("{attribute}_verified"))
            .is_some_and(|v| v == "true")
    }

    /// Attributes as the API lists them, `sub` first.
    pub fn attribute_list(&self) -> Vec<(String, String)> {
        std::iter::once(("sub".to_owned(), self.sub.clone()))
            .chain(self.attributes.iter().map(|(k, v)| (k.clone(), v.clone())))
            .collect()
    }

    /// `userAttributes` of trigger events: all attributes plus `sub` and `cognito:user_status`.
    pub fn event_attributes(&self) -> serde_json::Value {
        let mut map: serde_json::Map<String, serde_json::Value> = self
            .attribute_list()
            .into_iter()
            .map(|(k, v)| (k, v.into()))
            .collect();
        map.insert("cognito:user_status".into(), self.status.as_str().into());
        serde_json::Value::Object(map)
    }
}

/// Cognito's DeviceGroupKeys look like `-` followed by 9 URL-safe characters.
fn new_device_group_key() -> String {
    format!("-{}", &ids::opaque(9)[..9])
}

#[cfg(test)]
mod tests;
