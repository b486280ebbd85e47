//! RespondToAuthChallenge: checks the answer to the challenge its Session waits for, then
//! continues the sign-in (see `flows`). Parameter errors leave the Session usable; a checked
//! answer uses it up, except a wrong MFA code, which leaves it usable up to
//! [`MAX_MFA_ATTEMPTS`] answers in all.

use std::time::Instant;

use serde_json::json;

use crate::app::App;
use crate::config::{DeviceTracking, MfaKind, TriggerName};
use crate::error::{ApiError, ApiResult, ErrorKind};
use crate::flows;
use crate::requests::{self, parameter, required, StringMap};
use crate::srp_auth::{self, Claim, PendingSrp};
use crate::state::{self, Ctx, Flow, Outcome, Pending, Progress};
use crate::store::{PasswordRecord, User};
use crate::test_hooks::CallRecord;
use crate::totp;
use crate::triggers;
use crate::user_auth;
use crate::users;

/// Answers one MFA challenge may get (the last wrong one ends the session).
pub const MAX_MFA_ATTEMPTS: u32 = 3;

/// `RespondToAuthChallenge`.
pub async fn respond(
    app: &App,
    record: &mut CallRecord,
    request: requests::RespondToAuthChallenge,
) -> ApiResult<serde_json::Value> {
    let responses = &request.challenge_responses;
    record.note(
        &request.client_id,
        responses.get("USERNAME"),
        &request.client_metadata,
    );
    record.challenge_name.clone_from(&request.challenge_name);
    let client_id = required(&request.client_id, "clientId")?;
    let challenge = required(&request.challenge_name, "challengeName")?;
    let session = match (&request.session, state::answer_alias(challenge, responses)) {
        (Some(session), _) => session.clone(),
        (None, Some(alias)) => app
            .sessions()
            .resolve(&alias)
            .ok_or_else(ApiError::invalid_session)?,
        (None, None) => return Err(ApiError::missing("session")),
    };
    let client = app.client(client_id)?;
    let username = parameter(responses, "USERNAME")?;
    for name in required_responses(challenge)? {
        parameter(responses, name)?;
    }
    precheck(app, challenge, username, responses)?;
    user_auth::precheck(challenge, responses)?;

    let taken = app
        .sessions()
        .take(&session, Instant::now(), |flow: &Flow| {
            if flow.progress.client_id != *client_id
                || matches!(flow.pending, Pending::SignedUp | Pending::SignUpConfirmed)
            {
                return Err(ApiError::invalid_session());
            }
            if let Pending::SelectChallenge(choices) = &flow.pending {
                if challenge == "SELECT_CHALLENGE" {
                    user_auth::check_selection(choices, responses)?;
                }
            }
            let expected = flow.pending.challenge_name();
            if expected != challenge {
                return Err(ApiError::new(
                    ErrorKind::InvalidParameter,
                    format!(
                        "Invalid challenge name {challenge}: the session waits for {expected}."
                    ),
                ));
            }
            Ok(())
        })?;
    let mut ctx = Ctx {
        app,
        client,
        record,
    };
    let responder = check_responder(&ctx, &taken.state.progress, responses);
    if let Err(error) = responder {
        app.sessions().restore(taken);
        return Err(error);
    }
    ctx.record.username = Some(taken.state.progress.username.clone());
    let mut taken = taken;
    let username = taken.state.progress.username.clone();
    let code_check = match &mut taken.state.pending {
        Pending::Mfa {
            kind,
            code,
            wrong_answers,
        } => Some((
            mfa_code_matches(app, &username, *kind, code.as_deref(), responses)?,
            wrong_answers,
        )),
        Pending::Otp {
            medium,
            code,
            wrong_answers,
        } => {
            let name = match medium {
                crate::app::Medium::Email => "EMAIL_OTP_CODE",
                crate::app::Medium::Sms => "SMS_OTP_CODE",
            };
            let given = parameter(responses, name)?.trim();
            Some((given == code.as_str(), wrong_answers))
        }
        _ => None,
    };
    if let Some((matches, wrong_answers)) = code_check {
        if !matches {
            *wrong_answers += 1;
            if *wrong_answers >= MAX_MFA_ATTEMPTS {
                return Err(ApiError::invalid_session());
            }
            app.sessions().restore(taken);
            return Err(ApiError::new(
                ErrorKind::CodeMismatch,
                "Invalid code or auth state for the user.",
            ));
        }
    }
    let metadata = request.client_metadata.as_ref();
    let Flow {
        mut progress,
        pending,
    } = taken.state;
    if let Some(key) = responses.get("DEVICE_KEY") {
        progress.device_key = Some(key.clone());
    }
    let outcome = match pending {
        Pending::PasswordVerifier(srp) => {
            srp.verify(claim(responses)?, app.now())?;
            progress.password_verified = true;
            passed(&mut progress, "PASSWORD_VERIFIER", None);
            flows::advance(&mut ctx, progress, metadata).await?
        }
        Pending::Mfa { kind, .. } => {
            progress.second_factor_done = true;
            passed(&mut progress, kind.challenge(), None);
            flows::advance(&mut ctx, progress, metadata).await?
        }
        Pending::SelectMfaType(options) => {
            let answer = parameter(responses, "ANSWER")?;
            let kind = MfaKind::from_answer(answer)
                .filter(|k| options.contains(k))
                .ok_or_else(|| ApiError::new(ErrorKind::InvalidParameter, format!("{answer} is not one of MFAS_CAN_CHOOSE.")))?;
            let user = app.user(&progress.username)?;
            let (pending, parameters) = flows::mfa_challenge(&mut ctx, &user, kind, metadata).await?;
            Outcome::challenge(progress, pending, parameters)
        }
        Pending::MfaSetup { secret: Some(secret), verified: true } => {
            if let Some(user) = app.pool().user_mut(&progress.username) {
                user.mfa.totp_secret = Some(secret);
                user.mfa.totp_enabled = true;
                user.mfa.preferred = Some(MfaKind::Totp);
            }
            progress.second_factor_done = true;
            flows::advance(&mut ctx, progress, metadata).await?
        }
        Pending::MfaSetup { .. } => {
            return Err(ApiError::new(
                ErrorKind::InvalidParameter,
                "Software token MFA is not set up: call AssociateSoftwareToken and VerifySoftwareToken with the session first.",
            ))
        }
        Pending::NewPasswordRequired => {
            set_new_password(app, &progress.username, responses)?;
            progress.new_password_set = true;
            flows::advance(&mut ctx, progress, metadata).await?
        }
        Pending::CustomChallenge { private, metadata: challenge_metadata } => {
            let user = app.user(&progress.username)?;
            let correct = verify_custom_answer(&mut ctx, &user, &private, parameter(responses, "ANSWER")?, metadata).await?;
            if let Some(custom) = progress.custom.as_mut() {
                custom.push("CUSTOM_CHALLENGE", correct, challenge_metadata.as_deref());
            }
            flows::advance(&mut ctx, progress, metadata).await?
        }
        Pending::DeviceSrpAuth => device_password_verifier(app, progress, responses)?,
        // A passwordless first factor: no MFA follows.
        Pending::Otp { .. } => flows::advance(&mut ctx, progress, metadata).await?,
        pending @ (Pending::SelectChallenge(_)
        | Pending::Password
        | Pending::PasswordSrp
        | Pending::WebAuthn { .. }) => {
            user_auth::answer(&mut ctx, progress, pending, responses, metadata).await?
        }
        Pending::SignedUp | Pending::SignUpConfirmed => return Err(ApiError::invalid_session()),
        Pending::DevicePasswordVerifier(srp) => {
            srp.verify(claim(responses)?, app.now())?;
            progress.device_authenticated = true;
            progress.second_factor_done = true;
            flows::advance(&mut ctx, progress, metadata).await?
        }
    };
    Ok(outcome.into_response(app))
}

/// ChallengeResponses each challenge needs besides USERNAME.
fn required_responses(challenge: &str) -> ApiResult<&'static [&'static str]> {
    Ok(match challenge {
        "PASSWORD_VERIFIER" | "DEVICE_PASSWORD_VERIFIER" => &[
            "PASSWORD_CLAIM_SIGNATURE",
            "PASSWORD_CLAIM_SECRET_BLOCK",
            "TIMESTAMP",
        ],
        "SMS_MFA" => &["SMS_MFA_CODE"],
        "SOFTWARE_TOKEN_MFA" => &["SOFTWARE_TOKEN_MFA_CODE"],
        "EMAIL_OTP" => &["EMAIL_OTP_CODE"],
        "SMS_OTP" => &["SMS_OTP_CODE"],
        "SELECT_CHALLENGE" => &["ANSWER"],
        "PASSWORD" => &["PASSWORD"],
        "PASSWORD_SRP" => &["SRP_A"],
        "WEB_AUTHN" => &["CREDENTIAL"],
        "SELECT_MFA_TYPE" | "CUSTOM_CHALLENGE" => &["ANSWER"],
        "NEW_PASSWORD_REQUIRED" => &["NEW_PASSWORD"],
        "DEVICE_SRP_AUTH" => &["DEVICE_KEY", "SRP_A"],
        "MFA_SETUP" => &[],
        other => {
            return Err(ApiError::new(
                ErrorKind::InvalidParameter,
                format!("Challenge {other} is not supported by this emulator."),
            ))
        }
    })
}

/// Checks that must not use the session up, so that the client can answer again: a TIMESTAMP
/// that is not one at all, a stale DEVICE_KEY ("Device does not exist.", which SDKs recover
/// from by retrying without it) and a new password that breaks the policy or omits required
/// attributes.
fn precheck(app: &App, challenge: &str, username: &str, responses: &StringMap) -> ApiResult<()> {
    if let Some(timestamp) = responses.get("TIMESTAMP") {
        match srp_auth::check_timestamp(timestamp, app.now()) {
            Err(error) if error.kind == ErrorKind::InvalidParameter => return Err(error),
            _ => {}
        }
    }
    let user = app.find_user(username);
    match (challenge, user) {
        ("PASSWORD_VERIFIER", Some(user)) if app.config.device_tracking != DeviceTracking::Off => {
            match responses.get("DEVICE_KEY") {
                Some(key) if app.pool().device_of(&user.username, key).is_none() => Err(
                    ApiError::new(ErrorKind::ResourceNotFound, "Device does not exist."),
                ),
                _ => Ok(()),
            }
        }
        ("NEW_PASSWORD_REQUIRED", Some(user)) => {
            users::check_password_policy(
                &app.config.password_policy,
                parameter(responses, "NEW_PASSWORD")?,
            )?;
            let missing = app.config.required_attributes.iter().find(|attribute| {
                !user.attributes.contains_key(*attribute)
                    && !responses.contains_key(&format!("userAttributes.{attribute}"))
            });
            match missing {
                Some(attribute) => Err(ApiError::new(
                    ErrorKind::InvalidParameter,
                    format!("Invalid attributes given, {attribute} is missing"),
                )),
                None => Ok(()),
            }
        }
        _ => Ok(()),
    }
}

/// USERNAME must name the session's user; SECRET_HASH is over the internal username.
fn check_responder(ctx: &Ctx<'_>, progress: &Progress, responses: &StringMap) -> ApiResult<()> {
    let name = responses.get("USERNAME").map_or("", String::as_str);
    let same_user = name.eq_ignore_ascii_case(&progress.username)
        || ctx
            .app
            .find_user(name)
            .is_some_and(|u| u.username == progress.username);
    if !same_user {
        return Err(ApiError::incorrect_credentials());
    }
    let secret_hash = responses.get("SECRET_HASH").map(String::as_str);
    users::verify_secret_hash(ctx.client, secret_hash, &[&progress.username])
}

fn claim(responses: &StringMap) -> ApiResult<Claim<'_>> {
    Ok(Claim {
        secret_block: parameter(responses, "PASSWORD_CLAIM_SECRET_BLOCK")?,
        timestamp: parameter(responses, "TIMESTAMP")?,
        signature: parameter(responses, "PASSWORD_CLAIM_SIGNATURE")?,
    })
}

/// Records a passed step in a custom flow's history.
fn passed(progress: &mut Progress, challenge: &str, metadata: Option<&str>) {
    if let Some(custom) = progress.custom.as_mut() {
        custom.push(challenge, true, metadata);
    }
}

/// The sent code for SMS / email; RFC 6238 (±1 step) against the user's secret for TOTP.
fn mfa_code_matches(
    app: &App,
    username: &str,
    kind: MfaKind,
    sent: Option<&str>,
    responses: &StringMap,
) -> ApiResult<bool> {
    let given = parameter(responses, kind.code_parameter())?.trim();
    Ok(match (kind, sent) {
        (MfaKind::Totp, _) => {
            let secret = app.user(username)?.mfa.totp_secret;
            secret
                .and_then(|s| totp::base32_decode(&s))
                .is_some_and(|key| totp::verify(&key, given, app.now()))
        }
        (_, Some(sent)) => sent == given,
        (_, None) => false,
    })
}

/// NEW_PASSWORD_REQUIRED: sets the password and any `userAttributes.*`, confirms the user.
fn set_new_password(app: &App, username: &str, responses: &StringMap) -> ApiResult<()> {
    let password = parameter(responses, "NEW_PASSWORD")?;
    users::check_password_policy(&app.config.password_policy, password)?;
    let mut pool = app.pool();
    let user = pool
        .user_mut(username)
        .ok_or_else(ApiError::user_not_found)?;
    user.password = Some(PasswordRecord::new(&app.realm, &user.username, password));
    user.status = crate::config::UserStatus::Confirmed;
    for (key, value) in responses {
        if let Some(attribute) = key.strip_prefix("userAttributes.") {
            user.attributes.insert(attribute.to_owned(), value.clone());
        }
    }
    Ok(())
}

/// The Verify auth challenge response trigger decides, with this call's ClientMetadata.
async fn verify_custom_answer(
    ctx: &mut Ctx<'_>,
    user: &User,
    private: &serde_json::Value,
    answer: &str,
    metadata: Option<&StringMap>,
) -> ApiResult<bool> {
    let request = json!({
        "userAttributes": user.event_attributes(),
        "privateChallengeParameters": private,
        "challengeAnswer": answer,
        "clientMetadata": triggers::metadata(metadata),
        "userNotFound": false,
    });
    let response = ctx
        .trigger(
            TriggerName::VerifyAuthChallengeResponse,
            "VerifyAuthChallengeResponse_Authentication",
            user,
            request,
        )
        .await?;
    Ok(response.is_some_and(|r| r["answerCorrect"].as_bool() == Some(true)))
}

/// DEVICE_SRP_AUTH: the confirmed device's verifier, realm = DeviceGroupKey, user id = DeviceKey.
fn device_password_verifier(
    app: &App,
    mut progress: Progress,
    responses: &StringMap,
) -> ApiResult<Outcome> {
    let device_key = parameter(responses, "DEVICE_KEY")?;
    let srp_a = parameter(responses, "SRP_A")?;
    let user = app.user(&progress.username)?;
    let secret = app
        .pool()
        .device_of(&user.username, device_key)
        .and_then(|d| d.secret.clone())
        .ok_or_else(|| ApiError::new(ErrorKind::ResourceNotFound, "Device does not exist."))?;
    let pending = PendingSrp::start(&secret, srp_a, &user.device_group_key, device_key)?;
    let mut parameters = pending.parameters();
    parameters.insert("DEVICE_KEY".into(), device_key.to_owned());
    progress.device_key = Some(device_key.to_owned());
    Ok(Outcome::challenge(
        progress,
        Pending::DevicePasswordVerifier(pending),
        parameters,
    ))
}
