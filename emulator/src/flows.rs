//! InitiateAuth and what every sign-in goes through after its first factor:
//! NEW_PASSWORD_REQUIRED, then the second factor (or DEVICE_SRP_AUTH for a remembered device),
//! then — for CUSTOM_AUTH — the Define auth challenge trigger (`custom_auth`), then tokens
//! (`issue`). USER_AUTH's first factors are in `user_auth`, refreshes in `refresh`.

use serde_json::{json, Value};

use crate::app::{App, Medium};
use crate::codes::Reason;
use crate::config::{AuthFlow, DeviceTracking, MfaConfiguration, MfaKind, TriggerName, UserStatus};
use crate::error::{ApiError, ApiResult, ErrorKind};
use crate::ids;
use crate::requests::{self, parameter, required, StringMap};
use crate::srp_auth::PendingSrp;
use crate::state::{Ctx, CustomProgress, Outcome, Pending, Progress};
use crate::store::{PasswordRecord, User};
use crate::test_hooks::{CallRecord, Delivery};
use crate::users::{self, MigrationCause};
use crate::{custom_auth, issue, refresh, triggers, user_auth};

/// `InitiateAuth`.
pub async fn initiate_auth(
    app: &App,
    record: &mut CallRecord,
    request: requests::InitiateAuth,
) -> ApiResult<Value> {
    let username = request.auth_parameters.get("USERNAME");
    record.note(&request.client_id, username, &request.client_metadata);
    record.auth_flow.clone_from(&request.auth_flow);
    let client_id = required(&request.client_id, "clientId")?;
    let flow_name = required(&request.auth_flow, "authFlow")?;
    let client = app.client(client_id)?;
    let flow = AuthFlow::parse(flow_name).ok_or_else(|| {
        ApiError::new(
            ErrorKind::InvalidParameter,
            format!("AuthFlow {flow_name} is not supported by this emulator."),
        )
    })?;
    if flow == AuthFlow::RefreshToken && client.rotation_grace().is_some() {
        return Err(ApiError::new(
            ErrorKind::InvalidParameter,
            format!("{flow_name} flow not enabled for this client: it rotates refresh tokens, which only GetTokensFromRefreshToken does."),
        ));
    }
    if !client.auth_flows.contains(&flow) {
        return Err(ApiError::new(
            ErrorKind::InvalidParameter,
            format!("{flow_name} flow not enabled for this client"),
        ));
    }
    let mut ctx = Ctx {
        app,
        client,
        record,
    };
    let parameters = &request.auth_parameters;
    let metadata = request.client_metadata.as_ref();
    let outcome = match flow {
        AuthFlow::RefreshToken => refresh::refresh_token_auth(&mut ctx, parameters).await?,
        AuthFlow::UserAuth => {
            user_auth::initiate(&mut ctx, parameters, request.session.as_deref(), metadata).await?
        }
        AuthFlow::UserSrp => user_srp_auth(&mut ctx, parameters, metadata).await?,
        AuthFlow::UserPassword => user_password_auth(&mut ctx, parameters, metadata).await?,
        AuthFlow::Custom => custom_auth(&mut ctx, parameters, metadata).await?,
    };
    Ok(outcome.into_response(app))
}

/// The USERNAME of a sign-in, with its SECRET_HASH (over the name as typed) checked.
pub fn sign_in_name<'p>(ctx: &mut Ctx<'_>, parameters: &'p StringMap) -> ApiResult<&'p str> {
    let name = parameter(parameters, "USERNAME")?;
    users::verify_secret_hash(
        ctx.client,
        parameters.get("SECRET_HASH").map(String::as_str),
        &[name],
    )?;
    Ok(name)
}

/// USER_SRP_AUTH: answers PASSWORD_VERIFIER. An unknown user hidden by
/// PreventUserExistenceErrors gets a challenge against a random verifier, which no claim passes.
async fn user_srp_auth(
    ctx: &mut Ctx<'_>,
    parameters: &StringMap,
    metadata: Option<&StringMap>,
) -> ApiResult<Outcome> {
    let name = sign_in_name(ctx, parameters)?;
    let srp_a = parameter(parameters, "SRP_A")?;
    let device_key = parameters.get("DEVICE_KEY");
    let (username, password) = match ctx.app.find_user(name) {
        Some(user) => {
            start_sign_in(ctx, &user, metadata).await?;
            let password = user.password.unwrap_or_else(|| phantom(ctx.app, name));
            (user.username, password)
        }
        None if ctx.client.prevent_user_existence_errors => {
            (name.to_owned(), phantom(ctx.app, name))
        }
        None => return Err(ApiError::user_not_found()),
    };
    ctx.record.username = Some(username.clone());
    let progress = Progress::new(&ctx.client.client_id, &username, device_key);
    password_verifier(ctx.app, progress, &password, srp_a)
}

/// A random verifier no claim passes: for unknown users hidden by PreventUserExistenceErrors
/// and for passwordless users, who fail like a wrong password.
pub fn phantom(app: &App, name: &str) -> PasswordRecord {
    PasswordRecord::new(&app.realm, name, &ids::opaque(32))
}

/// USER_PASSWORD_AUTH, with UserMigration for unknown users.
async fn user_password_auth(
    ctx: &mut Ctx<'_>,
    parameters: &StringMap,
    metadata: Option<&StringMap>,
) -> ApiResult<Outcome> {
    let name = sign_in_name(ctx, parameters)?;
    let password = parameter(parameters, "PASSWORD")?;
    let user = match ctx.app.find_user(name) {
        Some(user) => user,
        None => {
            let cause = MigrationCause::SignIn {
                password,
                validation_data: metadata,
            };
            users::migrate(ctx.app, ctx.record, &ctx.client.client_id, name, cause)
                .await?
                .ok_or_else(|| users::unknown_user(ctx.client))?
        }
    };
    ctx.record.username = Some(user.username.clone());
    start_sign_in(ctx, &user, metadata).await?;
    if !user.password_matches(&ctx.app.realm, password) {
        return Err(ApiError::incorrect_credentials());
    }
    let mut progress = Progress::new(
        &ctx.client.client_id,
        &user.username,
        parameters.get("DEVICE_KEY"),
    );
    progress.password_verified = true;
    advance(ctx, progress, None).await
}

/// CUSTOM_AUTH, with (`CHALLENGE_NAME=SRP_A`) or without the password first.
async fn custom_auth(
    ctx: &mut Ctx<'_>,
    parameters: &StringMap,
    metadata: Option<&StringMap>,
) -> ApiResult<Outcome> {
    if !triggers::configured(ctx.app, TriggerName::DefineAuthChallenge) {
        return Err(ApiError::new(
            ErrorKind::InvalidParameter,
            "Custom auth lambda trigger is not configured for the user pool.",
        ));
    }
    let name = sign_in_name(ctx, parameters)?;
    let user = ctx
        .app
        .find_user(name)
        .ok_or_else(|| users::unknown_user(ctx.client))?;
    ctx.record.username = Some(user.username.clone());
    start_sign_in(ctx, &user, metadata).await?;
    let mut custom = CustomProgress::default();
    if parameters
        .get("CHALLENGE_NAME")
        .is_some_and(|c| c == "SRP_A")
    {
        custom.srp_a = Some(parameter(parameters, "SRP_A")?.to_owned());
        custom.push("SRP_A", true, None);
    }
    let mut progress = Progress::new(
        &ctx.client.client_id,
        &user.username,
        parameters.get("DEVICE_KEY"),
    );
    progress.custom = Some(custom);
    custom_auth::define_next(ctx, progress, &user, None).await
}

/// Account checks, then PreAuthentication with InitiateAuth's ClientMetadata as `validationData`.
pub async fn start_sign_in(
    ctx: &mut Ctx<'_>,
    user: &User,
    metadata: Option<&StringMap>,
) -> ApiResult<()> {
    users::check_account(user)?;
    let request = json!({
        "userAttributes": user.event_attributes(),
        "validationData": triggers::metadata(metadata),
        "userNotFound": false,
    });
    ctx.trigger(
        TriggerName::PreAuthentication,
        "PreAuthentication_Authentication",
        user,
        request,
    )
    .await?;
    Ok(())
}

/// PASSWORD_VERIFIER: `SALT`, `SRP_B`, `SECRET_BLOCK` for the user's verifier.
pub fn password_verifier(
    app: &App,
    progress: Progress,
    record: &PasswordRecord,
    srp_a: &str,
) -> ApiResult<Outcome> {
    let pending = PendingSrp::start(record, srp_a, &app.realm, &progress.username)?;
    let parameters = pending.parameters();
    Ok(Outcome::challenge(
        progress,
        Pending::PasswordVerifier(pending),
        parameters,
    ))
}

/// The next step once a challenge is passed.
pub async fn advance(
    ctx: &mut Ctx<'_>,
    mut progress: Progress,
    metadata: Option<&StringMap>,
) -> ApiResult<Outcome> {
    let user = ctx.app.user(&progress.username)?;
    if progress.password_verified {
        if user.status == UserStatus::ForceChangePassword && !progress.new_password_set {
            return Ok(new_password_required(ctx.app, progress, &user));
        }
        if !progress.second_factor_done {
            match second_factor(ctx, &progress, &user, metadata).await? {
                Some((pending, parameters)) => {
                    return Ok(Outcome::challenge(progress, pending, parameters))
                }
                None => progress.second_factor_done = true,
            }
        }
    }
    if progress.custom.is_some() {
        custom_auth::define_next(ctx, progress, &user, metadata).await
    } else {
        issue::finish(ctx, progress, &user, metadata).await
    }
}

/// NEW_PASSWORD_REQUIRED: `userAttributes` (JSON) and the pool's `requiredAttributes` the user lacks.
fn new_password_required(app: &App, progress: Progress, user: &User) -> Outcome {
    let missing: Vec<String> = app
        .config
        .required_attributes
        .iter()
        .filter(|a| !user.attributes.contains_key(*a))
        .map(|a| format!("userAttributes.{a}"))
        .collect();
    let parameters = StringMap::from([
        (
            "userAttributes".to_owned(),
            json!(user.attributes).to_string(),
        ),
        ("requiredAttributes".to_owned(), json!(missing).to_string()),
    ]);
    Outcome::challenge(progress, Pending::NewPasswordRequired, parameters)
}

/// The second-factor challenge this user owes, if any: DEVICE_SRP_AUTH for a remembered
/// device, MFA_SETUP when MFA is required but absent, SELECT_MFA_TYPE when several factors
/// and no preference, else the one factor.
async fn second_factor(
    ctx: &mut Ctx<'_>,
    progress: &Progress,
    user: &User,
    metadata: Option<&StringMap>,
) -> ApiResult<Option<(Pending, StringMap)>> {
    let app = ctx.app;
    let pool_mfa = app.config.mfa_configuration;
    let factors = if pool_mfa == MfaConfiguration::Off {
        Vec::new()
    } else {
        user.mfa.factors()
    };
    let required = pool_mfa == MfaConfiguration::On || user.mfa.setup_required;
    if factors.is_empty() && !required {
        return Ok(None);
    }
    if remembered_device(app, progress) {
        return Ok(Some((Pending::DeviceSrpAuth, StringMap::new())));
    }
    if factors.is_empty() {
        let parameters = StringMap::from([(
            "MFAS_CAN_SETUP".to_owned(),
            json!(["SOFTWARE_TOKEN_MFA"]).to_string(),
        )]);
        return Ok(Some((
            Pending::MfaSetup {
                secret: None,
                verified: false,
            },
            parameters,
        )));
    }
    let chosen = user
        .mfa
        .preferred
        .filter(|p| factors.contains(p))
        .or_else(|| (factors.len() == 1).then(|| factors[0]));
    match chosen {
        Some(kind) => mfa_challenge(ctx, user, kind, metadata).await.map(Some),
        None => {
            let names: Vec<&str> = factors.iter().map(|k| k.challenge()).collect();
            let parameters =
                StringMap::from([("MFAS_CAN_CHOOSE".to_owned(), json!(names).to_string())]);
            Ok(Some((Pending::SelectMfaType(factors), parameters)))
        }
    }
}

/// The user sent the key of a confirmed, remembered device of theirs.
fn remembered_device(app: &App, progress: &Progress) -> bool {
    app.config.device_tracking != DeviceTracking::Off
        && progress.device_key.as_deref().is_some_and(|key| {
            app.pool()
                .device_of(&progress.username, key)
                .is_some_and(|d| d.remembered && d.secret.is_some())
        })
}

/// SMS_MFA / EMAIL_OTP (a code is sent, CustomMessage getting `metadata`) or SOFTWARE_TOKEN_MFA.
pub async fn mfa_challenge(
    ctx: &mut Ctx<'_>,
    user: &User,
    kind: MfaKind,
    metadata: Option<&StringMap>,
) -> ApiResult<(Pending, StringMap)> {
    let medium = match kind {
        MfaKind::Totp => {
            return Ok((
                Pending::Mfa {
                    kind,
                    code: None,
                    wrong_answers: 0,
                },
                StringMap::new(),
            ));
        }
        MfaKind::Sms => Medium::Sms,
        MfaKind::Email => Medium::Email,
    };
    let delivery = ctx.send_code(user, medium, Reason::Mfa, metadata).await?;
    let parameters = delivery_parameters(&delivery);
    Ok((
        Pending::Mfa {
            kind,
            code: Some(delivery.code),
            wrong_answers: 0,
        },
        parameters,
    ))
}

/// `CODE_DELIVERY_DELIVERY_MEDIUM` and `CODE_DELIVERY_DESTINATION` of a code challenge.
pub fn delivery_parameters(delivery: &Delivery) -> StringMap {
    StringMap::from([
        (
            "CODE_DELIVERY_DELIVERY_MEDIUM".to_owned(),
            delivery.medium.to_owned(),
        ),
        (
            "CODE_DELIVERY_DESTINATION".to_owned(),
            delivery.destination.clone(),
        ),
    ])
}
