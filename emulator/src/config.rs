//! The pool configuration file (JSON, camelCase keys; see the README for the format).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::Deserialize;

use crate::totp;

mod triggers;
pub use triggers::{TriggerName, TriggerTarget, WebhookUrl};

/// One user pool: its clients, users, triggers and policies.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PoolConfig {
    /// `<region>_<name>`, e.g. `us-east-1_DemoPool1`.
    pub user_pool_id: String,
    /// When set, every SMS and email code is this value instead of 6 random digits.
    #[serde(default)]
    pub test_code: Option<String>,
    #[serde(default)]
    pub mfa_configuration: MfaConfiguration,
    #[serde(default)]
    pub device_tracking: DeviceTracking,
    /// Attributes that sign in like a username once verified: `email`, `phone_number`.
    #[serde(default)]
    pub alias_attributes: Vec<String>,
    /// Attributes every user must have (SignUp, NEW_PASSWORD_REQUIRED).
    #[serde(default)]
    pub required_attributes: Vec<String>,
    #[serde(default)]
    pub password_policy: PasswordPolicy,
    /// `SignInPolicy`: the first factors USER_AUTH may offer.
    #[serde(default)]
    pub sign_in_policy: SignInPolicy,
    /// `WebAuthnConfiguration`: passkeys need it.
    #[serde(default)]
    pub web_authn: Option<WebAuthnConfig>,
    pub clients: Vec<ClientConfig>,
    #[serde(default)]
    pub triggers: BTreeMap<TriggerName, TriggerTarget>,
    #[serde(default)]
    pub users: Vec<UserConfig>,
    /// The built-in UserMigration trigger's directory of not-yet-migrated users.
    #[serde(default)]
    pub legacy_users: Vec<LegacyUser>,
}

/// The pool's `MfaConfiguration`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum MfaConfiguration {
    Off,
    #[default]
    Optional,
    /// Every user must have MFA: users without a factor get MFA_SETUP.
    On,
}

/// The pool's remembered-devices setting.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum DeviceTracking {
    /// No device tracking: no NewDeviceMetadata.
    #[default]
    Off,
    /// Devices are tracked and remembered as soon as they are confirmed.
    Always,
    /// Devices are tracked; the user remembers one with UpdateDeviceStatus.
    UserOptIn,
}

/// The pool's password policy (Cognito's defaults: 8 characters of all four classes).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct PasswordPolicy {
    pub minimum_length: usize,
    pub require_uppercase: bool,
    pub require_lowercase: bool,
    pub require_numbers: bool,
    pub require_symbols: bool,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        Self {
            minimum_length: 8,
            require_uppercase: true,
            require_lowercase: true,
            require_numbers: true,
            require_symbols: true,
        }
    }
}

/// The pool's `SignInPolicy` (Cognito's default: passwords only).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SignInPolicy {
    pub allowed_first_auth_factors: Vec<AuthFactor>,
}

impl Default for SignInPolicy {
    fn default() -> Self {
        Self {
            allowed_first_auth_factors: vec![AuthFactor::Password],
        }
    }
}

impl SignInPolicy {
    pub fn allows(&self, factor: AuthFactor) -> bool {
        self.allowed_first_auth_factors.contains(&factor)
    }

    /// Users may sign up without a password only when they can sign in with a code.
    pub fn passwordless_sign_up(&self) -> bool {
        self.allows(AuthFactor::EmailOtp) || self.allows(AuthFactor::SmsOtp)
    }
}

/// `AllowedFirstAuthFactors` members (the service model's `AuthFactorType` less SOFTWARE_TOKEN,
/// which "is not currently supported as a first auth factor").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AuthFactor {
    Password,
    EmailOtp,
    SmsOtp,
    WebAuthn,
}

/// `WebAuthnConfiguration` (`RelyingPartyId`, `UserVerification`), plus the origins the emulator
/// accepts in clientDataJSON (the service ties them to its domains; see the README).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WebAuthnConfig {
    pub relying_party_id: String,
    #[serde(default)]
    pub user_verification: UserVerification,
    /// Exact origins (`scheme://host[:port]`); when absent, see `webauthn::origin_allowed`.
    #[serde(default)]
    pub allowed_origins: Option<Vec<String>>,
}

/// `UserVerificationType`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UserVerification {
    Required,
    #[default]
    Preferred,
}

impl UserVerification {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Required => "required",
            Self::Preferred => "preferred",
        }
    }
}

/// An app client.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ClientConfig {
    pub client_id: String,
    /// When set, SECRET_HASH is required on every call that takes it.
    #[serde(default)]
    pub client_secret: Option<String>,
    /// `true` (Cognito's ENABLED): unknown users look like wrong passwords.
    #[serde(default = "yes")]
    pub prevent_user_existence_errors: bool,
    /// Allowed `AuthFlow`s; all of them when absent.
    #[serde(default = "AuthFlow::all")]
    pub auth_flows: Vec<AuthFlow>,
    #[serde(default = "one_hour")]
    pub access_token_validity_seconds: u64,
    #[serde(default = "one_hour")]
    pub id_token_validity_seconds: u64,
    #[serde(default = "thirty_days")]
    pub refresh_token_validity_seconds: u64,
    /// `RefreshTokenRotation`; off when absent.
    #[serde(default)]
    pub refresh_token_rotation: Option<RefreshTokenRotation>,
}

/// `RefreshTokenRotationType`: `Feature` ENABLED/DISABLED as a boolean, and the grace period
/// (0-60 s) during which a rotated-out refresh token still works.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RefreshTokenRotation {
    pub enabled: bool,
    #[serde(default)]
    pub retry_grace_period_seconds: u64,
}

impl ClientConfig {
    /// The grace period when rotation is on.
    pub fn rotation_grace(&self) -> Option<u64> {
        self.refresh_token_rotation
            .filter(|r| r.enabled)
            .map(|r| r.retry_grace_period_seconds)
    }
}

fn yes() -> bool {
    true
}
fn one_hour() -> u64 {
    3600
}
fn thirty_days() -> u64 {
    30 * 86_400
}

/// The `AuthFlow`s this emulator implements (in `authFlows`, also as the service's
/// `ExplicitAuthFlows` names, `ALLOW_USER_AUTH` etc.).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum AuthFlow {
    #[serde(rename = "USER_SRP_AUTH", alias = "ALLOW_USER_SRP_AUTH")]
    UserSrp,
    #[serde(rename = "USER_PASSWORD_AUTH", alias = "ALLOW_USER_PASSWORD_AUTH")]
    UserPassword,
    #[serde(rename = "CUSTOM_AUTH", alias = "ALLOW_CUSTOM_AUTH")]
    Custom,
    #[serde(rename = "REFRESH_TOKEN_AUTH", alias = "ALLOW_REFRESH_TOKEN_AUTH")]
    RefreshToken,
    /// Choice-based sign-in (`ALLOW_USER_AUTH`).
    #[serde(rename = "USER_AUTH", alias = "ALLOW_USER_AUTH")]
    UserAuth,
}

impl AuthFlow {
    fn all() -> Vec<Self> {
        vec![
            Self::UserSrp,
            Self::UserPassword,
            Self::Custom,
            Self::RefreshToken,
        ]
    }

    /// The wire name (`REFRESH_TOKEN` is accepted as an alias of `REFRESH_TOKEN_AUTH`).
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "USER_SRP_AUTH" => Some(Self::UserSrp),
            "USER_PASSWORD_AUTH" => Some(Self::UserPassword),
            "CUSTOM_AUTH" => Some(Self::Custom),
            "REFRESH_TOKEN_AUTH" | "REFRESH_TOKEN" => Some(Self::RefreshToken),
            "USER_AUTH" => Some(Self::UserAuth),
            _ => None,
        }
    }
}

/// The MFA factors a user can have, named as their challenges.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum MfaKind {
    #[serde(rename = "SMS_MFA")]
    Sms,
    #[serde(rename = "SOFTWARE_TOKEN_MFA")]
    Totp,
    #[serde(rename = "EMAIL_OTP")]
    Email,
}

impl MfaKind {
    /// The challenge name.
    pub fn challenge(self) -> &'static str {
        match self {
            Self::Sms => "SMS_MFA",
            Self::Totp => "SOFTWARE_TOKEN_MFA",
            Self::Email => "EMAIL_OTP",
        }
    }

    /// The ChallengeResponses key carrying the code.
    pub fn code_parameter(self) -> &'static str {
        match self {
            Self::Sms => "SMS_MFA_CODE",
            Self::Totp => "SOFTWARE_TOKEN_MFA_CODE",
            Self::Email => "EMAIL_OTP_CODE",
        }
    }

    /// A SELECT_MFA_TYPE answer (`EMAIL_MFA` as the API documents it, `EMAIL_OTP` as Amplify sends it).
    pub fn from_answer(answer: &str) -> Option<Self> {
        match answer {
            "SMS_MFA" => Some(Self::Sms),
            "SOFTWARE_TOKEN_MFA" => Some(Self::Totp),
            "EMAIL_OTP" | "EMAIL_MFA" => Some(Self::Email),
            _ => None,
        }
    }
}

/// Account status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
pub enum UserStatus {
    #[default]
    #[serde(rename = "CONFIRMED")]
    Confirmed,
    #[serde(rename = "UNCONFIRMED")]
    Unconfirmed,
    #[serde(rename = "FORCE_CHANGE_PASSWORD")]
    ForceChangePassword,
    #[serde(rename = "RESET_REQUIRED")]
    ResetRequired,
}

impl UserStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Confirmed => "CONFIRMED",
            Self::Unconfirmed => "UNCONFIRMED",
            Self::ForceChangePassword => "FORCE_CHANGE_PASSWORD",
            Self::ResetRequired => "RESET_REQUIRED",
        }
    }
}

/// A user present in the pool at start.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UserConfig {
    pub username: String,
    /// The password (the temporary one for FORCE_CHANGE_PASSWORD); absent for a passwordless
    /// user, who signs in with USER_AUTH codes or passkeys only.
    #[serde(default)]
    pub password: Option<String>,
    /// Fixed `sub`; derived from the pool id and username when absent.
    #[serde(default)]
    pub sub: Option<String>,
    #[serde(default)]
    pub status: UserStatus,
    #[serde(default = "yes")]
    pub enabled: bool,
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
    #[serde(default)]
    pub sms_mfa: bool,
    #[serde(default)]
    pub email_mfa: bool,
    /// Base32 TOTP secret: enables SOFTWARE_TOKEN_MFA.
    #[serde(default)]
    pub totp_secret: Option<String>,
    #[serde(default)]
    pub preferred_mfa: Option<MfaKind>,
    /// Requires MFA of this user even when the pool's MFA is OPTIONAL: without a factor they get MFA_SETUP.
    #[serde(default)]
    pub mfa_setup_required: bool,
    /// The built-in custom-auth triggers' definition for this user.
    #[serde(default)]
    pub custom_challenge: Option<CustomChallenge>,
}

/// Question/answer rounds for the built-in Define/Create/Verify auth challenge triggers.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CustomChallenge {
    /// When true, CUSTOM_AUTH must start with SRP_A and pass PASSWORD_VERIFIER first.
    #[serde(default)]
    pub require_password: bool,
    /// Wrong answers tolerated in one sign-in before it fails.
    #[serde(default = "three")]
    pub max_attempts: u32,
    pub rounds: Vec<QuestionRound>,
}

fn three() -> u32 {
    3
}

/// One CUSTOM_CHALLENGE: the question is public, the answer private.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuestionRound {
    pub question: String,
    pub answer: String,
}

/// A user of the legacy directory the built-in UserMigration trigger consults.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LegacyUser {
    pub username: String,
    pub password: String,
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
}

impl PoolConfig {
    /// Reads and validates a configuration file.
    pub fn load(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        Self::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Parses and validates configuration text.
    pub fn parse(text: &str) -> Result<Self, String> {
        let config: Self = serde_json::from_str(text).map_err(|e| e.to_string())?;
        config.validate()?;
        Ok(config)
    }

    /// The region: the pool id before `_`.
    pub fn region(&self) -> &str {
        self.user_pool_id
            .split_once('_')
            .map_or("", |(region, _)| region)
    }

    pub fn client(&self, client_id: &str) -> Option<&ClientConfig> {
        self.clients.iter().find(|c| c.client_id == client_id)
    }

    pub fn trigger(&self, name: TriggerName) -> Option<&TriggerTarget> {
        self.triggers.get(&name)
    }

    /// The configured user named `username` (built-in triggers read their settings from here).
    pub fn user(&self, username: &str) -> Option<&UserConfig> {
        self.users
            .iter()
            .find(|u| u.username.eq_ignore_ascii_case(username))
    }

    fn validate(&self) -> Result<(), String> {
        cognito_wasm::srp::pool_name(&self.user_pool_id)
            .map_err(|_| format!("userPoolId {:?} is not <region>_<name>", self.user_pool_id))?;
        if let Some(code) = &self.test_code {
            if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
                return Err("testCode must be 6 digits".into());
            }
        }
        if self.clients.is_empty() {
            return Err("at least one client is needed".into());
        }
        unique(
            self.clients.iter().map(|c| c.client_id.as_str()),
            "clientId",
        )?;
        unique(
            self.users
                .iter()
                .map(|u| u.username.as_str())
                .chain(self.legacy_users.iter().map(|u| u.username.as_str())),
            "username",
        )?;
        for client in &self.clients {
            if let Some(rotation) = client.refresh_token_rotation {
                if rotation.retry_grace_period_seconds > 60 {
                    return Err(format!(
                        "client {}: retryGracePeriodSeconds is 0-60",
                        client.client_id
                    ));
                }
            }
        }
        if self.sign_in_policy.allowed_first_auth_factors.is_empty() {
            return Err("signInPolicy.allowedFirstAuthFactors needs at least one factor".into());
        }
        if let Some(web_authn) = &self.web_authn {
            if web_authn.relying_party_id.is_empty() || web_authn.relying_party_id.len() > 127 {
                return Err("webAuthn.relyingPartyId is 1-127 characters".into());
            }
        }
        self.users.iter().try_for_each(UserConfig::validate)
    }
}

impl UserConfig {
    fn validate(&self) -> Result<(), String> {
        let who = &self.username;
        if self.sms_mfa && !self.attributes.contains_key("phone_number") {
            return Err(format!("user {who}: smsMfa needs a phone_number attribute"));
        }
        if self.email_mfa && !self.attributes.contains_key("email") {
            return Err(format!("user {who}: emailMfa needs an email attribute"));
        }
        if let Some(secret) = &self.totp_secret {
            totp::base32_decode(secret)
                .ok_or_else(|| format!("user {who}: totpSecret is not base32"))?;
        }
        if let Some(preferred) = self.preferred_mfa {
            if !self.mfa_factors().contains(&preferred) {
                return Err(format!(
                    "user {who}: preferredMfa is not one of their factors"
                ));
            }
        }
        if self.password.is_none() && self.status == UserStatus::ForceChangePassword {
            return Err(format!(
                "user {who}: FORCE_CHANGE_PASSWORD needs a (temporary) password"
            ));
        }
        if let Some(custom) = &self.custom_challenge {
            if custom.rounds.is_empty() || custom.max_attempts == 0 {
                return Err(format!(
                    "user {who}: customChallenge needs rounds and maxAttempts >= 1"
                ));
            }
        }
        Ok(())
    }

    /// The factors this configuration enables.
    pub fn mfa_factors(&self) -> Vec<MfaKind> {
        let mut factors = Vec::new();
        if self.sms_mfa {
            factors.push(MfaKind::Sms);
        }
        if self.totp_secret.is_some() {
            factors.push(MfaKind::Totp);
        }
        if self.email_mfa {
            factors.push(MfaKind::Email);
        }
        factors
    }
}

fn unique<'a>(names: impl Iterator<Item = &'a str>, what: &str) -> Result<(), String> {
    let mut seen = BTreeSet::new();
    for name in names {
        if !seen.insert(name.to_ascii_lowercase()) {
            return Err(format!("duplicate {what} {name:?}"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
