//! USER_AUTH, choice-based sign-in: the first factors a user may pick (SELECT_CHALLENGE and
//! its `AvailableChallenges`), a password inline or by SRP, a code by email or SMS, or a
//! passkey (WEB_AUTHN); and the sign-in that ConfirmSignUp's Session grants. A password first
//! factor then goes through MFA like the other password flows; codes and passkeys do not
//! (they are the passwordless factors).

use std::time::Instant;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::json;

use crate::app::{App, Medium};
use crate::codes::Reason;
use crate::config::{AuthFactor, UserStatus};
use crate::error::{ApiError, ApiResult, ErrorKind};
use crate::requests::{parameter, StringMap};
use crate::state::{Ctx, Flow, Outcome, Pending, Progress};
use crate::store::User;
use crate::webauthn::{self, Expected, Failure};
use crate::{flows, ids, issue, passkeys};

/// Bytes of a WebAuthn sign-in challenge.
const CHALLENGE_LEN: usize = 32;
/// `timeout` of CREDENTIAL_REQUEST_OPTIONS (ms): the life of the Session by default.
pub const WEB_AUTHN_TIMEOUT_MS: u64 = 180_000;

/// A first factor as SELECT_CHALLENGE names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    Password,
    PasswordSrp,
    EmailOtp,
    SmsOtp,
    WebAuthn,
}

impl Choice {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Password => "PASSWORD",
            Self::PasswordSrp => "PASSWORD_SRP",
            Self::EmailOtp => "EMAIL_OTP",
            Self::SmsOtp => "SMS_OTP",
            Self::WebAuthn => "WEB_AUTHN",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        [
            Self::Password,
            Self::PasswordSrp,
            Self::EmailOtp,
            Self::SmsOtp,
            Self::WebAuthn,
        ]
        .into_iter()
        .find(|c| c.as_str() == name)
    }
}

/// The first factors `user` can use: PASSWORD and PASSWORD_SRP with a password, EMAIL_OTP with
/// a verified email, SMS_OTP with a verified phone, WEB_AUTHN with a passkey, each only if the
/// pool's SignInPolicy allows it.
pub fn available(app: &App, user: &User) -> Vec<Choice> {
    let policy = &app.config.sign_in_policy;
    let mut choices = Vec::new();
    if policy.allows(AuthFactor::Password) && user.password.is_some() {
        choices.extend([Choice::Password, Choice::PasswordSrp]);
    }
    if policy.allows(AuthFactor::EmailOtp) && user.attribute_verified("email") {
        choices.push(Choice::EmailOtp);
    }
    if policy.allows(AuthFactor::SmsOtp) && user.attribute_verified("phone_number") {
        choices.push(Choice::SmsOtp);
    }
    if policy.allows(AuthFactor::WebAuthn)
        && app.config.web_authn.is_some()
        && !user.passkeys.is_empty()
    {
        choices.push(Choice::WebAuthn);
    }
    choices
}

/// The user a USER_AUTH session speaks for; an unknown user hidden by
/// PreventUserExistenceErrors is a stand-in with a random password (which never matches).
fn subject(app: &App, username: &str) -> User {
    app.user(username).unwrap_or_else(|_| {
        let password = flows::phantom(app, username);
        User::new(
            username,
            Some(password),
            Default::default(),
            UserStatus::Confirmed,
        )
    })
}

/// InitiateAuth USER_AUTH. A usable PREFERRED_CHALLENGE starts that factor (inline with
/// PASSWORD or SRP_A); otherwise, including a preference this user cannot use, the answer is
/// SELECT_CHALLENGE. With a Session from ConfirmSignUp, the user is signed in at once.
pub async fn initiate(
    ctx: &mut Ctx<'_>,
    parameters: &StringMap,
    session: Option<&str>,
    metadata: Option<&StringMap>,
) -> ApiResult<Outcome> {
    let name = flows::sign_in_name(ctx, parameters)?;
    let preferred = match parameters.get("PREFERRED_CHALLENGE") {
        Some(value) => Some(Choice::parse(value).ok_or_else(|| {
            ApiError::new(
                ErrorKind::InvalidParameter,
                format!("PREFERRED_CHALLENGE {value} is not PASSWORD, PASSWORD_SRP, EMAIL_OTP, SMS_OTP or WEB_AUTHN."),
            )
        })?),
        None => None,
    };
    if let Some(session) = session {
        return sign_in_after_sign_up(ctx, name, session, metadata).await;
    }
    let device_key = parameters.get("DEVICE_KEY");
    let user = match ctx.app.find_user(name) {
        Some(user) => {
            flows::start_sign_in(ctx, &user, metadata).await?;
            user
        }
        None if ctx.client.prevent_user_existence_errors => subject(ctx.app, name),
        None => return Err(ApiError::user_not_found()),
    };
    ctx.record.username = Some(user.username.clone());
    let choices = available(ctx.app, &user);
    if choices.is_empty() {
        return Err(ApiError::new(
            ErrorKind::NotAuthorized,
            "The user has no sign-in factor that this user pool allows.",
        ));
    }
    let progress = Progress::new(&ctx.client.client_id, &user.username, device_key);
    match preferred.filter(|p| choices.contains(p)) {
        Some(choice) => start(ctx, progress, &user, choice, parameters, None).await,
        None => Ok(Outcome::select_challenge(progress, choices)),
    }
}

/// Starts the factor `choice`: with PASSWORD (or SRP_A) in `given`, at once; otherwise its
/// challenge. `metadata` reaches CustomMessage when a code is sent (RespondToAuthChallenge's;
/// InitiateAuth's does not, as the service documents).
async fn start(
    ctx: &mut Ctx<'_>,
    mut progress: Progress,
    user: &User,
    choice: Choice,
    given: &StringMap,
    metadata: Option<&StringMap>,
) -> ApiResult<Outcome> {
    match choice {
        Choice::Password => match given.get("PASSWORD") {
            Some(password) => {
                if !user.password_matches(&ctx.app.realm, password) {
                    return Err(ApiError::incorrect_credentials());
                }
                progress.password_verified = true;
                flows::advance(ctx, progress, metadata).await
            }
            None => Ok(Outcome::challenge(
                progress,
                Pending::Password,
                StringMap::new(),
            )),
        },
        Choice::PasswordSrp => match given.get("SRP_A") {
            Some(srp_a) => {
                let password = user
                    .password
                    .clone()
                    .unwrap_or_else(|| flows::phantom(ctx.app, &user.username));
                flows::password_verifier(ctx.app, progress, &password, srp_a)
            }
            None => Ok(Outcome::challenge(
                progress,
                Pending::PasswordSrp,
                StringMap::new(),
            )),
        },
        Choice::EmailOtp | Choice::SmsOtp => {
            let medium = if choice == Choice::EmailOtp {
                Medium::Email
            } else {
                Medium::Sms
            };
            let delivery = ctx
                .send_code(user, medium, Reason::SignInCode, metadata)
                .await?;
            let parameters = flows::delivery_parameters(&delivery);
            let pending = Pending::Otp {
                medium,
                code: delivery.code,
                wrong_answers: 0,
            };
            Ok(Outcome::challenge(progress, pending, parameters))
        }
        Choice::WebAuthn => web_authn_challenge(ctx.app, progress, user),
    }
}

/// WEB_AUTHN: `CREDENTIAL_REQUEST_OPTIONS` is PublicKeyCredentialRequestOptionsJSON as a string.
fn web_authn_challenge(app: &App, progress: Progress, user: &User) -> ApiResult<Outcome> {
    let config = passkeys::configuration(app)?;
    let challenge = ids::random_bytes(CHALLENGE_LEN);
    let allow: Vec<_> = user
        .passkeys
        .iter()
        .map(|p| json!({ "id": p.id(), "type": "public-key", "transports": p.transports }))
        .collect();
    let options = json!({
        "challenge": URL_SAFE_NO_PAD.encode(&challenge),
        "timeout": WEB_AUTHN_TIMEOUT_MS,
        "rpId": config.relying_party_id,
        "allowCredentials": allow,
        "userVerification": config.user_verification.as_str(),
    });
    let parameters =
        StringMap::from([("CREDENTIAL_REQUEST_OPTIONS".to_owned(), options.to_string())]);
    Ok(Outcome::challenge(
        progress,
        Pending::WebAuthn { challenge },
        parameters,
    ))
}

/// ConfirmSignUp's Session: the code was the first factor, so tokens come at once. The Session
/// is single-use and lives as long as any other.
async fn sign_in_after_sign_up(
    ctx: &mut Ctx<'_>,
    name: &str,
    session: &str,
    metadata: Option<&StringMap>,
) -> ApiResult<Outcome> {
    let client_id = ctx.client.client_id.clone();
    let named = ctx.app.find_user(name).map(|u| u.username);
    let taken = ctx
        .app
        .sessions()
        .take(session, Instant::now(), |flow: &Flow| {
            let same_user = named
                .as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case(&flow.progress.username));
            match flow.pending {
                Pending::SignUpConfirmed if flow.progress.client_id == client_id && same_user => {
                    Ok(())
                }
                _ => Err(ApiError::invalid_session()),
            }
        })?;
    let progress = taken.state.progress;
    let user = ctx.app.user(&progress.username)?;
    ctx.record.username = Some(user.username.clone());
    flows::start_sign_in(ctx, &user, metadata).await?;
    issue::finish(ctx, progress, &user, None).await
}

/// Checks made before a USER_AUTH answer takes its Session, so that a malformed answer can be
/// sent again: the members SELECT_CHALLENGE's ANSWER needs, and a CREDENTIAL that parses.
pub fn precheck(challenge: &str, responses: &StringMap) -> ApiResult<()> {
    match challenge {
        "SELECT_CHALLENGE" => match responses.get("ANSWER").map(String::as_str) {
            Some("PASSWORD") => parameter(responses, "PASSWORD").map(drop),
            Some("PASSWORD_SRP") => parameter(responses, "SRP_A").map(drop),
            Some("WEB_AUTHN") if responses.contains_key("CREDENTIAL") => Err(ApiError::new(
                ErrorKind::InvalidParameter,
                "Answer SELECT_CHALLENGE with ANSWER=WEB_AUTHN alone: the WEB_AUTHN challenge that follows carries the options to sign.",
            )),
            _ => Ok(()),
        },
        "WEB_AUTHN" => passkeys::parse_assertion(parameter(responses, "CREDENTIAL")?).map(drop),
        _ => Ok(()),
    }
}

/// Whether SELECT_CHALLENGE's ANSWER is one of the session's choices (checked without using
/// the Session up).
pub fn check_selection(choices: &[Choice], responses: &StringMap) -> ApiResult<()> {
    let answer = responses.get("ANSWER").map_or("", String::as_str);
    match Choice::parse(answer) {
        Some(choice) if choices.contains(&choice) => Ok(()),
        _ => Err(ApiError::new(
            ErrorKind::InvalidParameter,
            format!("ANSWER {answer} is not one of the AvailableChallenges."),
        )),
    }
}

/// The answer to SELECT_CHALLENGE, PASSWORD, PASSWORD_SRP or WEB_AUTHN (codes are checked by
/// `challenges` like MFA codes).
pub async fn answer(
    ctx: &mut Ctx<'_>,
    progress: Progress,
    pending: Pending,
    responses: &StringMap,
    metadata: Option<&StringMap>,
) -> ApiResult<Outcome> {
    let user = subject(ctx.app, &progress.username);
    match pending {
        Pending::SelectChallenge(_) => {
            let choice = Choice::parse(parameter(responses, "ANSWER")?)
                .ok_or_else(|| ApiError::new(ErrorKind::InvalidParameter, "Unknown ANSWER."))?;
            start(ctx, progress, &user, choice, responses, metadata).await
        }
        Pending::Password => {
            start(ctx, progress, &user, Choice::Password, responses, metadata).await
        }
        Pending::PasswordSrp => {
            parameter(responses, "SRP_A")?;
            start(
                ctx,
                progress,
                &user,
                Choice::PasswordSrp,
                responses,
                metadata,
            )
            .await
        }
        Pending::WebAuthn { challenge } => {
            let assertion = passkeys::parse_assertion(parameter(responses, "CREDENTIAL")?)?;
            let count = verify_passkey(ctx.app, &user, &challenge, &assertion)?;
            if let Some(stored) = ctx.app.pool().user_mut(&user.username) {
                if let Some(passkey) = stored
                    .passkeys
                    .iter_mut()
                    .find(|p| p.credential_id == assertion.credential_id)
                {
                    passkey.sign_count = count;
                }
            }
            flows::advance(ctx, progress, metadata).await
        }
        other => Err(ApiError::new(
            ErrorKind::InvalidParameter,
            format!("{} is not a USER_AUTH challenge.", other.challenge_name()),
        )),
    }
}

/// Checks a WEB_AUTHN answer against the user's passkeys: its new signature counter. Every
/// failure is NotAuthorizedException (RespondToAuthChallenge's errors in the service model
/// list no WebAuthn exception).
fn verify_passkey(
    app: &App,
    user: &User,
    challenge: &[u8],
    assertion: &passkeys::Assertion,
) -> ApiResult<u32> {
    let refused = |message: &str| ApiError::new(ErrorKind::NotAuthorized, message);
    let passkey = user
        .passkeys
        .iter()
        .find(|p| p.credential_id == assertion.credential_id)
        .ok_or_else(|| refused("The passkey is not registered to this user."))?;
    if assertion
        .user_handle
        .as_ref()
        .is_some_and(|handle| handle.as_slice() != passkeys::user_handle(user))
    {
        return Err(refused("The passkey's user handle is not this user's."));
    }
    let config = passkeys::configuration(app)?;
    let expected = Expected {
        challenge,
        rp_id: &config.relying_party_id,
        user_verification: config.user_verification,
        allowed_origins: config.allowed_origins.as_deref(),
    };
    webauthn::verify_assertion(
        &assertion.client_data_json,
        &assertion.authenticator_data,
        &assertion.signature,
        passkey,
        &expected,
    )
    .map_err(|failure| match failure {
        Failure::Malformed(message) => ApiError::new(ErrorKind::InvalidParameter, message),
        Failure::ChallengeMismatch => refused("The passkey signed another challenge."),
        Failure::OriginNotAllowed(origin) => refused(&format!(
            "The origin {origin} is not allowed for this relying party."
        )),
        Failure::RelyingPartyMismatch => refused("The passkey signed for another relying party."),
        Failure::Unsupported(message) => refused(&message),
        Failure::BadSignature => refused("Incorrect username or password."),
        Failure::CounterRegressed => {
            refused("The passkey's signature counter did not increase (a cloned authenticator?).")
        }
    })
}
