//! The signed-in user's account: the calls authorised by the access token, refreshed first
//! when near expiry. One table says what each call sends and what its reply means to the app;
//! deleting the user and forgetting this browser's device also change what is stored here.

use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use super::action::Effect;
use super::calls::code_delivery;
use super::session::Session;
use super::settings::{optional_string, required_string, Settings};
use super::tokens::Freshness;
use super::{Engine, Input};
use crate::client::{add_metadata, random_backoff, request, Environment, MAX_RETRIES};
use crate::error::{Error, ServiceError};
use crate::flow::otpauth_uri;
use crate::json::{raw_array, string_literal, Json, ObjectWriter};
use crate::wire::{attribute_list, string_map, text, Operation, Request};

/// Most pages `listDevices` reads (60 devices each, the service's largest page).
const MAX_PAGES: usize = 20;

/// An account call, by the name the app calls it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountCall {
    /// `changePassword({ oldPassword, newPassword })`
    ChangePassword,
    /// `deletePasskey(credentialId)`
    DeletePasskey,
    /// `deleteUser()`
    DeleteUser,
    /// `forgetDevice(deviceKey?)`
    ForgetDevice,
    /// `getUser()`
    GetUser,
    /// `listDevices()`
    ListDevices,
    /// `listPasskeys()`
    ListPasskeys,
    /// `registerPasskey()`: StartWebAuthnRegistration, the browser's dialog, then
    /// CompleteWebAuthnRegistration.
    RegisterPasskey,
    /// `sendAttributeCode({ attribute, clientMetadata? })`
    SendAttributeCode,
    /// `setDeviceRemembered(remembered, deviceKey?)`
    SetDeviceRemembered,
    /// `setMfaPreference({ sms?, totp?, email? })`
    SetMfaPreference,
    /// `setUpTotp()`
    SetUpTotp,
    /// `updateUserAttributes(attributes, { clientMetadata? })`
    UpdateUserAttributes,
    /// `verifyAttribute({ attribute, code })`
    VerifyAttribute,
    /// `setUpTotp()`'s `verify(code, { deviceName? })`
    VerifyTotp,
}

impl AccountCall {
    /// The call an operation name starts, if it is one.
    pub fn parse(kind: &str) -> Option<Self> {
        Some(match kind {
            "changePassword" => Self::ChangePassword,
            "deletePasskey" => Self::DeletePasskey,
            "deleteUser" => Self::DeleteUser,
            "forgetDevice" => Self::ForgetDevice,
            "getUser" => Self::GetUser,
            "listDevices" => Self::ListDevices,
            "listPasskeys" => Self::ListPasskeys,
            "registerPasskey" => Self::RegisterPasskey,
            "sendAttributeCode" => Self::SendAttributeCode,
            "setDeviceRemembered" => Self::SetDeviceRemembered,
            "setMfaPreference" => Self::SetMfaPreference,
            "setUpTotp" => Self::SetUpTotp,
            "updateUserAttributes" => Self::UpdateUserAttributes,
            "verifyAttribute" => Self::VerifyAttribute,
            "verifyTotp" => Self::VerifyTotp,
            _ => return None,
        })
    }

    fn operation(self) -> Operation {
        match self {
            Self::ChangePassword => Operation::ChangePassword,
            Self::DeletePasskey => Operation::DeleteWebAuthnCredential,
            Self::DeleteUser => Operation::DeleteUser,
            Self::ForgetDevice => Operation::ForgetDevice,
            Self::GetUser => Operation::GetUser,
            Self::ListDevices => Operation::ListDevices,
            Self::ListPasskeys => Operation::ListWebAuthnCredentials,
            Self::RegisterPasskey => Operation::StartWebAuthnRegistration,
            Self::SendAttributeCode => Operation::GetUserAttributeVerificationCode,
            Self::SetDeviceRemembered => Operation::UpdateDeviceStatus,
            Self::SetMfaPreference => Operation::SetUserMFAPreference,
            Self::SetUpTotp => Operation::AssociateSoftwareToken,
            Self::UpdateUserAttributes => Operation::UpdateUserAttributes,
            Self::VerifyAttribute => Operation::VerifyUserAttribute,
            Self::VerifyTotp => Operation::VerifySoftwareToken,
        }
    }

    /// Whether a transient failure may re-send the call: not when the service may have acted
    /// on a request whose reply was lost and acting twice fails (a spent code, a changed
    /// password, a deleted user).
    fn repeatable(self) -> bool {
        !matches!(
            self,
            Self::ChangePassword | Self::DeleteUser | Self::VerifyAttribute | Self::VerifyTotp
        )
    }

    /// The request, from the options and the session's access token.
    fn request(
        self,
        settings: &Settings,
        session: &Session,
        options: &Json,
    ) -> Result<Request, Error> {
        let mut body = ObjectWriter::new();
        body.str("AccessToken", session.access_token().expose());
        match self {
            Self::ChangePassword => {
                body.str(
                    "PreviousPassword",
                    &required_string(options, "oldPassword")?,
                )
                .str(
                    "ProposedPassword",
                    &required_string(options, "newPassword")?,
                );
            }
            Self::DeleteUser | Self::GetUser | Self::RegisterPasskey | Self::SetUpTotp => {}
            Self::DeletePasskey => {
                body.str("CredentialId", &required_string(options, "credentialId")?);
            }
            Self::ListPasskeys => {
                body.num("MaxResults", 20).opt_str(
                    "NextToken",
                    optional_string(options, "paginationToken")?.as_deref(),
                );
            }
            Self::ForgetDevice => {
                body.str("DeviceKey", &device_key(session, options)?);
            }
            Self::ListDevices => {
                body.num("Limit", 60).opt_str(
                    "PaginationToken",
                    optional_string(options, "paginationToken")?.as_deref(),
                );
            }
            Self::SendAttributeCode => {
                body.str("AttributeName", &required_string(options, "attribute")?);
                add_metadata(&mut body, &settings.call_metadata(options)?);
            }
            Self::SetDeviceRemembered => {
                let status = match options.get("remembered") {
                    Some(Json::Bool(true)) => "remembered",
                    Some(Json::Bool(false)) => "not_remembered",
                    _ => {
                        return Err(Error::InvalidConfig(
                            "remembered must be true or false.".into(),
                        ))
                    }
                };
                body.str("DeviceKey", &device_key(session, options)?)
                    .str("DeviceRememberedStatus", status);
            }
            Self::SetMfaPreference => {
                for (option, member) in [
                    ("sms", "SMSMfaSettings"),
                    ("totp", "SoftwareTokenMfaSettings"),
                    ("email", "EmailMfaSettings"),
                ] {
                    let Some(choice) = optional_string(options, option)? else {
                        continue;
                    };
                    let (enabled, preferred) = match choice.as_str() {
                        "preferred" => (true, true),
                        "enabled" => (true, false),
                        "disabled" => (false, false),
                        _ => {
                            return Err(Error::InvalidConfig(
                                [
                                    option,
                                    " must be \"preferred\", \"enabled\" or \"disabled\".",
                                ]
                                .concat(),
                            ))
                        }
                    };
                    let mut settings = ObjectWriter::new();
                    settings
                        .bool("Enabled", enabled)
                        .bool("PreferredMfa", preferred);
                    body.raw(member, &settings.finish());
                }
            }
            Self::UpdateUserAttributes => {
                let attributes = string_map(options.get("attributes"), "attributes")?;
                if attributes.is_empty() {
                    return Err(Error::InvalidConfig("attributes is required.".into()));
                }
                body.raw("UserAttributes", &attribute_list(&attributes));
                add_metadata(&mut body, &settings.call_metadata(options)?);
            }
            Self::VerifyAttribute => {
                body.str("AttributeName", &required_string(options, "attribute")?)
                    .str("Code", &required_string(options, "code")?);
            }
            Self::VerifyTotp => {
                body.str("UserCode", &required_string(options, "code")?)
                    .opt_str(
                        "FriendlyDeviceName",
                        optional_string(options, "deviceName")?.as_deref(),
                    );
            }
        }
        Ok(request(self.operation(), body))
    }

    /// What the reply means to the app (JSON text).
    fn value(
        self,
        settings: &Settings,
        session: &Session,
        options: &Json,
        reply: &Json,
    ) -> Result<String, Error> {
        Ok(match self {
            Self::GetUser => {
                let mut attributes = ObjectWriter::new();
                if let Some(Json::Array(list)) = reply.get("UserAttributes") {
                    for attribute in list {
                        if let (Some(name), Some(value)) =
                            (text(attribute, "Name"), text(attribute, "Value"))
                        {
                            attributes.str(&name, &value);
                        }
                    }
                }
                let settings_list = match reply.get("UserMFASettingList") {
                    Some(list @ Json::Array(_)) => list.encode(),
                    _ => "[]".into(),
                };
                let mut user = ObjectWriter::new();
                user.opt_str("username", text(reply, "Username").as_deref())
                    .raw("attributes", &attributes.finish())
                    .raw(
                        "preferredMfa",
                        &text(reply, "PreferredMfaSetting")
                            .map_or_else(|| "null".into(), |p| string_literal(&p)),
                    )
                    .raw("mfaSettings", &settings_list);
                user.finish()
            }
            Self::ListDevices => devices(reply),
            Self::ListPasskeys => passkeys(reply),
            Self::RegisterPasskey => match reply.get("CredentialCreationOptions") {
                Some(options @ Json::Object(_)) => options.encode(),
                _ => return Err(crate::wire::malformed("CredentialCreationOptions")),
            },
            Self::SendAttributeCode => code_delivery(reply.get("CodeDeliveryDetails")),
            Self::SetUpTotp => {
                let secret = text(reply, "SecretCode")
                    .ok_or_else(|| crate::wire::malformed("SecretCode"))?;
                let mut setup = ObjectWriter::new();
                setup.str("secretCode", &secret).str(
                    "otpauthUri",
                    &otpauth_uri(&settings.totp_issuer, session.username(), &secret),
                );
                setup.finish()
            }
            Self::UpdateUserAttributes => {
                let deliveries = match reply.get("CodeDeliveryDetailsList") {
                    Some(Json::Array(list)) => list.as_slice(),
                    _ => &[],
                };
                let mut result = ObjectWriter::new();
                for (name, _) in string_map(options.get("attributes"), "attributes")? {
                    let delivery = deliveries
                        .iter()
                        .find(|d| text(d, "AttributeName").as_deref() == Some(name.as_str()));
                    let mut outcome = ObjectWriter::new();
                    outcome.bool("done", delivery.is_none());
                    if delivery.is_some() {
                        outcome.raw("codeDelivery", &code_delivery(delivery));
                    }
                    result.raw(&name, &outcome.finish());
                }
                result.finish()
            }
            Self::VerifyTotp => {
                if text(reply, "Status").as_deref() != Some("SUCCESS") {
                    return Err(Error::Service(ServiceError {
                        name: "CodeMismatchException".into(),
                        message: "The TOTP code was not accepted.".into(),
                        status: 200,
                        request_id: None,
                        challenge_name: None,
                    }));
                }
                "null".into()
            }
            Self::ChangePassword
            | Self::DeletePasskey
            | Self::DeleteUser
            | Self::ForgetDevice
            | Self::SetDeviceRemembered
            | Self::SetMfaPreference
            | Self::VerifyAttribute => "null".into(),
        })
    }
}

/// The device an option names (`deviceKey`), or the one this browser remembers.
fn device_key(session: &Session, options: &Json) -> Result<String, Error> {
    optional_string(options, "deviceKey")?
        .or_else(|| session.device_key().map(String::from))
        .ok_or_else(|| {
            Error::InvalidConfig("deviceKey is required: this browser remembers no device.".into())
        })
}

/// `[{ deviceKey, name?, lastIp?, lastSeen?, remembered }]` of a ListDevices reply.
fn devices(reply: &Json) -> String {
    let mut items = Vec::new();
    if let Some(Json::Array(devices)) = reply.get("Devices") {
        for device in devices {
            let attribute = |name: &str| match device.get("DeviceAttributes") {
                Some(Json::Array(list)) => list
                    .iter()
                    .find(|a| text(a, "Name").as_deref() == Some(name))
                    .and_then(|a| text(a, "Value")),
                _ => None,
            };
            let mut item = ObjectWriter::new();
            item.opt_str("deviceKey", text(device, "DeviceKey").as_deref())
                .opt_str("name", attribute("device_name").as_deref())
                .opt_str("lastIp", attribute("last_ip_used").as_deref());
            let seen = device
                .get("DeviceLastAuthenticatedDate")
                .or_else(|| device.get("DeviceLastModifiedDate"))
                .and_then(epoch_ms);
            if let Some(ms) = seen {
                item.num("lastSeen", ms);
            }
            item.bool(
                "remembered",
                attribute("dev:device_remembered_status").as_deref() == Some("remembered"),
            );
            items.push(item.finish());
        }
    }
    raw_array(&items)
}

/// `[{ credentialId, name?, relyingPartyId?, authenticatorAttachment?, transports, createdAt? }]`
/// of a ListWebAuthnCredentials reply.
fn passkeys(reply: &Json) -> String {
    let mut items = Vec::new();
    if let Some(Json::Array(credentials)) = reply.get("Credentials") {
        for credential in credentials {
            let mut item = ObjectWriter::new();
            item.opt_str("credentialId", text(credential, "CredentialId").as_deref())
                .opt_str(
                    "name",
                    text(credential, "FriendlyCredentialName").as_deref(),
                )
                .opt_str(
                    "relyingPartyId",
                    text(credential, "RelyingPartyId").as_deref(),
                )
                .opt_str(
                    "authenticatorAttachment",
                    text(credential, "AuthenticatorAttachment").as_deref(),
                );
            let transports = match credential.get("AuthenticatorTransports") {
                Some(list @ Json::Array(_)) => list.encode(),
                _ => "[]".into(),
            };
            item.raw("transports", &transports);
            if let Some(ms) = credential.get("CreatedAt").and_then(epoch_ms) {
                item.num("createdAt", ms);
            }
            items.push(item.finish());
        }
    }
    raw_array(&items)
}

/// Milliseconds of an AWS timestamp (epoch seconds, with a fraction).
fn epoch_ms(value: &Json) -> Option<u64> {
    let Json::Number(number) = value else {
        return None;
    };
    let (whole, fraction) = crate::text::split_once(number, b'.').unwrap_or((number, ""));
    let seconds = Json::Number(whole.into()).as_u64()?;
    let mut millis = 0;
    for (digit, weight) in fraction.bytes().take(3).zip([100, 10, 1]) {
        millis += u64::from(digit.wrapping_sub(b'0').min(9)) * weight;
    }
    seconds.checked_mul(1000)?.checked_add(millis)
}

/// Where an account call is.
#[derive(Debug)]
enum Phase {
    /// Waiting for fresh tokens.
    Refreshing,
    /// The call is out.
    Calling(Request),
    /// Writing what the call changed in storage; then `value` is the result.
    Storing(String),
    /// `registerPasskey`: the browser's dialog is open.
    Creating,
    /// `registerPasskey`: CompleteWebAuthnRegistration is out for this credential id.
    Completing(String),
}

/// One account call under way.
#[derive(Debug)]
pub struct Account {
    call: AccountCall,
    options: Json,
    fresh: Freshness,
    phase: Phase,
    retries: u32,
    /// `listDevices`: the devices of the pages read so far.
    pages: Vec<String>,
}

impl Account {
    pub(super) fn start(
        engine: &mut Engine,
        env: &mut dyn Environment,
        call: AccountCall,
        options: &Json,
    ) -> Result<(Self, Effect), Error> {
        let mut op = Self {
            call,
            options: options.clone(),
            fresh: Freshness::default(),
            phase: Phase::Refreshing,
            retries: 0,
            pages: Vec::new(),
        };
        let effect = op.proceed(engine, env)?;
        Ok((op, effect))
    }

    /// The call, once the tokens are fresh.
    fn proceed(&mut self, engine: &mut Engine, env: &mut dyn Environment) -> Result<Effect, Error> {
        if let Some(refresh) = self.fresh.wait(engine, env)? {
            return Ok(Effect::Await(refresh));
        }
        let session = engine
            .session
            .as_ref()
            .ok_or_else(|| Error::InvalidState("Not signed in.".into()))?;
        let request = self
            .call
            .request(engine.settings()?, session, &self.options)?;
        self.phase = Phase::Calling(request.clone());
        Ok(Effect::Send {
            request,
            delay_ms: 0,
        })
    }

    pub(super) fn resume(
        &mut self,
        engine: &mut Engine,
        env: &mut dyn Environment,
        input: Input,
    ) -> Result<Effect, Error> {
        match (
            core::mem::replace(&mut self.phase, Phase::Refreshing),
            input,
        ) {
            (Phase::Refreshing, Input::Settled) => {
                self.fresh.settled(engine)?;
                self.proceed(engine, env)
            }
            (Phase::Calling(request), Input::Reply(Err(error)))
                if self.call.repeatable() && error.retryable() && self.retries < MAX_RETRIES =>
            {
                let delay_ms = random_backoff(env, self.retries)?;
                self.retries += 1;
                self.phase = Phase::Calling(request.clone());
                Ok(Effect::Send { request, delay_ms })
            }
            (Phase::Calling(_), Input::Reply(reply)) => self.replied(engine, env, &reply?),
            (Phase::Storing(value), Input::Stored(stored)) => {
                stored?;
                Ok(Effect::Done(value))
            }
            (Phase::Creating, Input::Passkey(credential)) => {
                let credential = credential?;
                let id = text(&credential, "id").ok_or_else(|| {
                    Error::Passkey("NoCredential: the credential has no id.".into())
                })?;
                let session = engine
                    .session
                    .as_ref()
                    .ok_or_else(|| Error::InvalidState("Not signed in.".into()))?;
                let mut body = ObjectWriter::new();
                body.str("AccessToken", session.access_token().expose())
                    .raw("Credential", &credential.encode());
                self.phase = Phase::Completing(id);
                Ok(Effect::Send {
                    request: request(Operation::CompleteWebAuthnRegistration, body),
                    delay_ms: 0,
                })
            }
            (Phase::Completing(id), Input::Reply(reply)) => {
                reply?;
                let mut value = ObjectWriter::new();
                value.str("credentialId", &id);
                Ok(Effect::Done(value.finish()))
            }
            _ => Err(super::unexpected_input()),
        }
    }

    /// The reply's value; a next page for `listDevices`; the local changes of `deleteUser`
    /// and of forgetting this browser's device.
    fn replied(
        &mut self,
        engine: &mut Engine,
        env: &mut dyn Environment,
        reply: &Json,
    ) -> Result<Effect, Error> {
        let settings = engine.settings()?;
        let session = engine
            .session
            .as_ref()
            .ok_or_else(|| Error::InvalidState("Not signed in.".into()))?;
        let value = self.call.value(settings, session, &self.options, reply)?;
        let (key, device_slot) = (
            settings.storage_key.clone(),
            settings.device_slot(session.username()),
        );
        let shared = settings.shared;
        match self.call {
            AccountCall::RegisterPasskey => {
                self.phase = Phase::Creating;
                Ok(Effect::Passkey {
                    create: true,
                    options: value,
                })
            }
            AccountCall::ListDevices | AccountCall::ListPasskeys => {
                // This page's items, without the brackets, join the others.
                let page = value.get(1..value.len() - 1).unwrap_or_default();
                if !page.is_empty() {
                    self.pages.push(page.into());
                }
                let token = text(reply, "PaginationToken")
                    .or_else(|| text(reply, "NextToken"))
                    .filter(|_| self.pages.len() < MAX_PAGES);
                let Some(token) = token else {
                    return Ok(Effect::Done(["[", &self.pages.join(","), "]"].concat()));
                };
                set_member(&mut self.options, "paginationToken", Json::String(token));
                let request = self.call.request(settings, session, &self.options)?;
                self.phase = Phase::Calling(request.clone());
                Ok(Effect::Send {
                    request,
                    delay_ms: 0,
                })
            }
            AccountCall::DeleteUser => {
                engine.set_session(None, env);
                engine.notices.emit("signedOut", "null");
                self.phase = Phase::Storing(value);
                Ok(Effect::Store {
                    set: Vec::new(),
                    remove: vec![key, device_slot],
                    shared,
                })
            }
            AccountCall::ForgetDevice
                if session.device_key().is_some()
                    && device_key(session, &self.options).ok().as_deref()
                        == session.device_key() =>
            {
                let mut session = session.clone();
                session.forget_device();
                let set = vec![(key, session.stored())];
                engine.set_session(Some(session), env);
                self.phase = Phase::Storing(value);
                Ok(Effect::Store {
                    set,
                    remove: vec![device_slot],
                    shared,
                })
            }
            _ => Ok(Effect::Done(value)),
        }
    }
}

/// Sets `key` in an options object.
fn set_member(options: &mut Json, key: &str, value: Json) {
    if !matches!(options, Json::Object(_)) {
        *options = Json::Object(Vec::new());
    }
    options.set(key, value);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aws_timestamps_become_milliseconds() {
        let ms = |text: &str| epoch_ms(&Json::parse(text).unwrap());
        assert_eq!(ms("1725347109"), Some(1_725_347_109_000));
        assert_eq!(ms("1725347109.5"), Some(1_725_347_109_500));
        assert_eq!(ms("1725347109.123456"), Some(1_725_347_109_123));
        assert_eq!(ms("\"1\""), None);
        assert_eq!(ms("-1"), None);
    }
}
