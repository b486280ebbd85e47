//! InitiateAuth and what every sign-in goes through after its first factor:
//! NEW_PASSWORD_REQUIRED, then the second factor (or DEVICE_SRP_AUTH for a remembered device),
//! then — for CUSTOM_AUTH — the Define auth challenge trigger, then tokens.

use serde_json::{json, Map, Value};

use crate::app::{App, Medium};
use crate::config::{
    AuthFlow, ClientConfig, DeviceTracking, MfaConfiguration, MfaKind, TriggerName, UserStatus,
};
use crate::error::{ApiError, ApiResult, ErrorKind};
use crate::ids;
use crate::requests::{self, parameter, required, StringMap};
use crate::srp_auth::PendingSrp;
use crate::store::{OriginRequest, PasswordRecord, User};
use crate::test_hooks::CallRecord;
use crate::tokens::Grant;
use crate::triggers::{self, Invocation};
use crate::users::{self, MigrationCause};

/// Steps a custom flow may take before it is refused (webhooks could loop forever).
const MAX_CUSTOM_STEPS: usize = 30;

/// A sign-in waiting for the answer to one challenge: what a `Session` stands for.
#[derive(Debug)]
pub struct Flow {
    pub progress: Progress,
    pub pending: Pending,
}

/// What a sign-in has achieved so far.
#[derive(Debug)]
pub struct Progress {
    pub client_id: String,
    /// The internal username (or, for a user hidden by PreventUserExistenceErrors, as typed).
    pub username: String,
    /// Present for CUSTOM_AUTH.
    pub custom: Option<CustomProgress>,
    /// The last DEVICE_KEY the client sent.
    pub device_key: Option<String>,
    pub password_verified: bool,
    pub new_password_set: bool,
    pub second_factor_done: bool,
    pub device_authenticated: bool,
}

/// The Define auth challenge trigger's `request.session` so far.
#[derive(Debug, Default)]
pub struct CustomProgress {
    pub history: Vec<Value>,
    /// SRP_A from InitiateAuth, kept until Define asks for PASSWORD_VERIFIER.
    pub srp_a: Option<String>,
}

impl CustomProgress {
    /// Appends `{challengeName, challengeResult, challengeMetadata}`.
    pub fn push(&mut self, challenge: &str, result: bool, metadata: Option<&str>) {
        self.history.push(json!({
            "challengeName": challenge,
            "challengeResult": result,
            "challengeMetadata": metadata,
        }));
    }
}

/// The challenge a session waits for, with what checking the answer needs.
#[derive(Debug)]
pub enum Pending {
    PasswordVerifier(PendingSrp),
    NewPasswordRequired,
    SelectMfaType(Vec<MfaKind>),
    /// TOTP enrolment: AssociateSoftwareToken sets `secret`, VerifySoftwareToken `verified`.
    MfaSetup {
        secret: Option<String>,
        verified: bool,
    },
    /// `code` is the sent code for SMS and email; TOTP codes come from the user's secret.
    Mfa {
        kind: MfaKind,
        code: Option<String>,
        wrong_answers: u32,
    },
    CustomChallenge {
        private: Value,
        metadata: Option<String>,
    },
    DeviceSrpAuth,
    DevicePasswordVerifier(PendingSrp),
}

impl Flow {
    /// What else finds this session, for answers that omit `Session` (pycognito omits it on
    /// PASSWORD_VERIFIER and the device challenges): the SECRET_BLOCK, or for DEVICE_SRP_AUTH
    /// the DEVICE_KEY. [`answer_alias`] is the same key seen from the answer.
    fn alias(&self) -> Option<String> {
        match &self.pending {
            Pending::PasswordVerifier(srp) | Pending::DevicePasswordVerifier(srp) => {
                Some(srp.secret_block().to_owned())
            }
            Pending::DeviceSrpAuth => self.progress.device_key.as_deref().map(device_alias),
            _ => None,
        }
    }
}

/// The session alias an answer to `challenge` names (see [`Flow::alias`]).
pub fn answer_alias(challenge: &str, responses: &StringMap) -> Option<String> {
    match challenge {
        "DEVICE_SRP_AUTH" => responses.get("DEVICE_KEY").map(|key| device_alias(key)),
        _ => responses.get("PASSWORD_CLAIM_SECRET_BLOCK").cloned(),
    }
}

fn device_alias(device_key: &str) -> String {
    format!("DEVICE_SRP_AUTH {device_key}")
}

impl Pending {
    pub fn challenge_name(&self) -> &'static str {
        match self {
            Self::PasswordVerifier(_) => "PASSWORD_VERIFIER",
            Self::NewPasswordRequired => "NEW_PASSWORD_REQUIRED",
            Self::SelectMfaType(_) => "SELECT_MFA_TYPE",
            Self::MfaSetup { .. } => "MFA_SETUP",
            Self::Mfa { kind, .. } => kind.challenge(),
            Self::CustomChallenge { .. } => "CUSTOM_CHALLENGE",
            Self::DeviceSrpAuth => "DEVICE_SRP_AUTH",
            Self::DevicePasswordVerifier(_) => "DEVICE_PASSWORD_VERIFIER",
        }
    }
}

/// Where a step leads: another challenge, or the AuthenticationResult.
#[derive(Debug)]
pub enum Outcome {
    Challenge {
        flow: Box<Flow>,
        parameters: StringMap,
    },
    Tokens(Value),
}

impl Outcome {
    /// A challenge; its parameters always name the user (`USERNAME`, `USER_ID_FOR_SRP`).
    pub fn challenge(progress: Progress, pending: Pending, mut parameters: StringMap) -> Self {
        for key in ["USERNAME", "USER_ID_FOR_SRP"] {
            parameters
                .entry(key.to_owned())
                .or_insert_with(|| progress.username.clone());
        }
        Self::Challenge {
            flow: Box::new(Flow { progress, pending }),
            parameters,
        }
    }

    /// The response body; a challenge gets a new Session.
    pub fn into_response(self, app: &App) -> Value {
        match self {
            Self::Challenge { flow, parameters } => {
                let name = flow.pending.challenge_name();
                let alias = flow.alias();
                let mut sessions = app.sessions();
                let session = sessions.create(*flow, std::time::Instant::now());
                if let Some(alias) = alias {
                    sessions.link(alias, session.clone());
                }
                drop(sessions);
                json!({ "ChallengeName": name, "Session": session, "ChallengeParameters": parameters })
            }
            Self::Tokens(result) => {
                json!({ "ChallengeParameters": {}, "AuthenticationResult": result })
            }
        }
    }
}

/// What every step of one API call shares.
pub struct Ctx<'a> {
    pub app: &'a App,
    pub client: &'a ClientConfig,
    pub record: &'a mut CallRecord,
}

impl Ctx<'_> {
    /// Runs `trigger` (as `source`) for `user` of this call's client, if the pool configures
    /// it: `Ok(None)` when it does not, else the event's `response`.
    pub async fn trigger(
        &mut self,
        trigger: TriggerName,
        source: &str,
        user: &User,
        request: Value,
    ) -> ApiResult<Option<Value>> {
        let invocation = Invocation {
            trigger,
            source,
            username: &user.username,
            client_id: &self.client.client_id,
        };
        triggers::invoke(self.app, self.record, invocation, request).await
    }
}

impl Progress {
    fn new(client_id: &str, username: &str, device_key: Option<&String>) -> Self {
        Self {
            client_id: client_id.to_owned(),
            username: username.to_owned(),
            custom: None,
            device_key: device_key.cloned(),
            password_verified: false,
            new_password_set: false,
            second_factor_done: false,
            device_authenticated: false,
        }
    }
}

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
        AuthFlow::RefreshToken => refresh(&mut ctx, parameters).await?,
        AuthFlow::UserSrp => user_srp_auth(&mut ctx, parameters, metadata).await?,
        AuthFlow::UserPassword => user_password_auth(&mut ctx, parameters, metadata).await?,
        AuthFlow::Custom => custom_auth(&mut ctx, parameters, metadata).await?,
    };
    Ok(outcome.into_response(app))
}

/// The USERNAME of a sign-in, with its SECRET_HASH (over the name as typed) checked.
fn sign_in_name<'p>(ctx: &mut Ctx<'_>, parameters: &'p StringMap) -> ApiResult<&'p str> {
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
            (user.username, user.password)
        }
        None if ctx.client.prevent_user_existence_errors => {
            let phantom = PasswordRecord::new(&ctx.app.realm, name, &ids::opaque(32));
            (name.to_owned(), phantom)
        }
        None => return Err(ApiError::user_not_found()),
    };
    ctx.record.username = Some(username.clone());
    let progress = Progress::new(&ctx.client.client_id, &username, device_key);
    password_verifier(ctx.app, progress, &password, srp_a)
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
    if !user
        .password
        .matches(&ctx.app.realm, &user.username, password)
    {
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
    define_next(ctx, progress, &user, None).await
}

/// Account checks, then PreAuthentication with InitiateAuth's ClientMetadata as `validationData`.
async fn start_sign_in(
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
            match second_factor(ctx.app, &progress, &user)? {
                Some((pending, parameters)) => {
                    return Ok(Outcome::challenge(progress, pending, parameters))
                }
                None => progress.second_factor_done = true,
            }
        }
    }
    if progress.custom.is_some() {
        define_next(ctx, progress, &user, metadata).await
    } else {
        finish(ctx, progress, &user, metadata).await
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
fn second_factor(
    app: &App,
    progress: &Progress,
    user: &User,
) -> ApiResult<Option<(Pending, StringMap)>> {
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
        Some(kind) => mfa_challenge(app, user, kind).map(Some),
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

/// SMS_MFA / EMAIL_OTP (a code is sent) or SOFTWARE_TOKEN_MFA.
pub fn mfa_challenge(app: &App, user: &User, kind: MfaKind) -> ApiResult<(Pending, StringMap)> {
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
    let delivery = app.send_code(user, medium, "MFA")?;
    let parameters = StringMap::from([
        (
            "CODE_DELIVERY_DELIVERY_MEDIUM".to_owned(),
            delivery.medium.to_owned(),
        ),
        (
            "CODE_DELIVERY_DESTINATION".to_owned(),
            delivery.destination.clone(),
        ),
    ]);
    Ok((
        Pending::Mfa {
            kind,
            code: Some(delivery.code),
            wrong_answers: 0,
        },
        parameters,
    ))
}

/// Asks the Define auth challenge trigger what comes next (with this call's ClientMetadata),
/// and the Create auth challenge trigger for a CUSTOM_CHALLENGE's parameters.
async fn define_next(
    ctx: &mut Ctx<'_>,
    mut progress: Progress,
    user: &User,
    metadata: Option<&StringMap>,
) -> ApiResult<Outcome> {
    let Some(custom) = progress.custom.as_mut() else {
        return finish(ctx, progress, user, metadata).await;
    };
    if custom.history.len() >= MAX_CUSTOM_STEPS {
        return Err(ApiError::incorrect_credentials());
    }
    let session = Value::Array(custom.history.clone());
    let request = json!({
        "userAttributes": user.event_attributes(),
        "session": session,
        "clientMetadata": triggers::metadata(metadata),
        "userNotFound": false,
    });
    let decision = ctx
        .trigger(
            TriggerName::DefineAuthChallenge,
            "DefineAuthChallenge_Authentication",
            user,
            request,
        )
        .await?
        .unwrap_or_default();
    if decision["failAuthentication"].as_bool() == Some(true) {
        return Err(ApiError::incorrect_credentials());
    }
    if decision["issueTokens"].as_bool() == Some(true) {
        return finish(ctx, progress, user, metadata).await;
    }
    match decision["challengeName"].as_str() {
        Some("PASSWORD_VERIFIER") => {
            let srp_a = custom.srp_a.take().ok_or_else(|| {
                lambda_error("PASSWORD_VERIFIER needs CHALLENGE_NAME=SRP_A and SRP_A on InitiateAuth")
            })?;
            password_verifier(ctx.app, progress, &user.password, &srp_a)
        }
        Some("CUSTOM_CHALLENGE") => {
            let request = json!({
                "userAttributes": user.event_attributes(),
                "challengeName": "CUSTOM_CHALLENGE",
                "session": session,
                "clientMetadata": triggers::metadata(metadata),
                "userNotFound": false,
            });
            let created = ctx
                .trigger(
                    TriggerName::CreateAuthChallenge,
                    "CreateAuthChallenge_Authentication",
                    user,
                    request,
                )
                .await?
                .ok_or_else(|| lambda_error("CreateAuthChallenge is not configured"))?;
            let parameters = created["publicChallengeParameters"]
                .as_object()
                .map(string_map)
                .unwrap_or_default();
            let pending = Pending::CustomChallenge {
                private: created["privateChallengeParameters"].clone(),
                metadata: created["challengeMetadata"].as_str().map(str::to_owned),
            };
            Ok(Outcome::challenge(progress, pending, parameters))
        }
        other => Err(lambda_error(&format!(
            "DefineAuthChallenge returned challengeName {other:?} without issueTokens or failAuthentication"
        ))),
    }
}

fn lambda_error(message: &str) -> ApiError {
    ApiError::new(
        ErrorKind::InvalidLambdaResponse,
        format!("Invalid lambda response: {message}."),
    )
}

/// Public challenge parameters are strings on the wire.
fn string_map(object: &Map<String, Value>) -> StringMap {
    object
        .iter()
        .map(|(k, v)| {
            (
                k.clone(),
                v.as_str().map_or_else(|| v.to_string(), str::to_owned),
            )
        })
        .collect()
}

/// Tokens for a completed sign-in: a new device when tracking is on and the device is unknown
/// (never for CUSTOM_AUTH, as the service), PreTokenGeneration, then PostAuthentication.
async fn finish(
    ctx: &mut Ctx<'_>,
    progress: Progress,
    user: &User,
    metadata: Option<&StringMap>,
) -> ApiResult<Outcome> {
    let known_device = progress
        .device_key
        .clone()
        .filter(|key| ctx.app.pool().device_of(&user.username, key).is_some());
    let new_device = match (
        ctx.app.config.device_tracking,
        &known_device,
        &progress.custom,
    ) {
        (DeviceTracking::Off, _, _) | (_, Some(_), _) | (_, None, Some(_)) => None,
        (_, None, None) => Some(
            ctx.app
                .pool()
                .new_device(&user.username, ctx.app.config.region()),
        ),
    };
    let source = if progress.device_authenticated {
        "TokenGeneration_AuthenticateDevice"
    } else if progress.new_password_set {
        "TokenGeneration_NewPasswordChallenge"
    } else {
        "TokenGeneration_Authentication"
    };
    let device_key = known_device.as_deref().or(new_device.as_deref());
    let mut result = mint(ctx, user, device_key, source, metadata, None).await?;
    let request = json!({
        "userAttributes": user.event_attributes(),
        "newDeviceUsed": new_device.is_some(),
        "clientMetadata": triggers::metadata(metadata),
    });
    ctx.trigger(
        TriggerName::PostAuthentication,
        "PostAuthentication_Authentication",
        user,
        request,
    )
    .await?;
    if let (Some(key), Some(map)) = (new_device, result.as_object_mut()) {
        map.insert(
            "NewDeviceMetadata".into(),
            json!({ "DeviceKey": key, "DeviceGroupKey": user.device_group_key }),
        );
    }
    Ok(Outcome::Tokens(result))
}

/// A token family being refreshed: its `origin_jti` and first `auth_time`.
struct Refreshing<'a> {
    origin_jti: &'a str,
    auth_time: u64,
}

/// PreTokenGeneration, then the AuthenticationResult (a new token family unless refreshing).
async fn mint(
    ctx: &mut Ctx<'_>,
    user: &User,
    device_key: Option<&str>,
    source: &str,
    metadata: Option<&StringMap>,
    refreshing: Option<Refreshing<'_>>,
) -> ApiResult<Value> {
    let request = json!({
        "userAttributes": user.event_attributes(),
        "groupConfiguration": { "groupsToOverride": [], "iamRolesToOverride": [], "preferredRole": null },
        "clientMetadata": triggers::metadata(metadata),
    });
    let overrides = ctx
        .trigger(TriggerName::PreTokenGeneration, source, user, request)
        .await?
        .map(|r| r["claimsOverrideDetails"].clone())
        .unwrap_or_default();
    let extra = overrides["claimsToAddOrOverride"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    let suppressed: Vec<String> = overrides["claimsToSuppress"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let now = ctx.app.now();
    let client = ctx.client;
    let (origin_jti, refresh_token, auth_time) = match refreshing {
        Some(r) => (r.origin_jti.to_owned(), None, r.auth_time),
        None => {
            let (jti, token) = ctx.app.pool().start_origin(OriginRequest {
                username: &user.username,
                client_id: &client.client_id,
                device_key,
                auth_time: now,
                refresh_expires_at: now + client.refresh_token_validity_seconds,
            });
            (jti, Some(token), now)
        }
    };
    let grant = Grant {
        username: &user.username,
        sub: &user.sub,
        client_id: &client.client_id,
        attributes: &user.attributes,
        origin_jti: &origin_jti,
        auth_time,
        device_key,
        access_ttl: client.access_token_validity_seconds,
        id_ttl: client.id_token_validity_seconds,
        extra_id_claims: &extra,
        suppressed_id_claims: &suppressed,
    };
    let (access, id) = ctx.app.signer.issue(&grant, now);
    let mut result = json!({
        "AccessToken": access,
        "ExpiresIn": client.access_token_validity_seconds,
        "TokenType": "Bearer",
        "IdToken": id,
    });
    if let (Some(token), Some(map)) = (refresh_token, result.as_object_mut()) {
        map.insert("RefreshToken".into(), token.into());
    }
    Ok(result)
}

/// REFRESH_TOKEN_AUTH: new access and ID tokens in the same family (no new refresh token).
/// SECRET_HASH may be computed over the username or the `sub`. InitiateAuth's ClientMetadata
/// does not reach PreTokenGeneration.
async fn refresh(ctx: &mut Ctx<'_>, parameters: &StringMap) -> ApiResult<Outcome> {
    let token = parameter(parameters, "REFRESH_TOKEN")?;
    let client = ctx.client;
    let secret_hash = parameters.get("SECRET_HASH").map(String::as_str);
    let check_secret =
        |user: &User| users::verify_secret_hash(client, secret_hash, &[&user.username, &user.sub]);
    refresh_family(ctx, token, check_secret, None)
        .await
        .map(Outcome::Tokens)
}

/// `GetTokensFromRefreshToken`: like REFRESH_TOKEN_AUTH, but a secret client sends its
/// `ClientSecret` itself, and the call's ClientMetadata reaches PreTokenGeneration.
pub async fn get_tokens_from_refresh_token(
    app: &App,
    record: &mut CallRecord,
    request: requests::GetTokensFromRefreshToken,
) -> ApiResult<Value> {
    record.note(&request.client_id, None, &request.client_metadata);
    let token = required(&request.refresh_token, "refreshToken")?;
    let client = app.client(required(&request.client_id, "clientId")?)?;
    let check_secret = |_: &User| match &client.client_secret {
        Some(secret) if request.client_secret.as_ref() != Some(secret) => Err(ApiError::new(
            ErrorKind::NotAuthorized,
            format!(
                "Unable to verify the client secret for client {}",
                client.client_id
            ),
        )),
        _ => Ok(()),
    };
    let mut ctx = Ctx {
        app,
        client,
        record,
    };
    let metadata = request.client_metadata.as_ref();
    let result = refresh_family(&mut ctx, token, check_secret, metadata).await?;
    Ok(json!({ "AuthenticationResult": result }))
}

/// New tokens for the family of a live refresh token issued to this client.
async fn refresh_family(
    ctx: &mut Ctx<'_>,
    token: &str,
    check_secret: impl FnOnce(&User) -> ApiResult<()>,
    metadata: Option<&StringMap>,
) -> ApiResult<Value> {
    let now = ctx.app.now();
    let invalid = || ApiError::new(ErrorKind::NotAuthorized, "Invalid Refresh Token");
    let (origin_jti, origin) = ctx
        .app
        .pool()
        .origin_of_refresh_token(token)
        .map(|(jti, origin)| (jti.to_owned(), origin.clone()))
        .ok_or_else(invalid)?;
    if origin.client_id != ctx.client.client_id {
        return Err(invalid());
    }
    if origin.revoked {
        return Err(ApiError::new(
            ErrorKind::NotAuthorized,
            "Refresh Token has been revoked",
        ));
    }
    if origin.refresh_expires_at <= now {
        return Err(ApiError::new(
            ErrorKind::NotAuthorized,
            "Refresh Token has expired",
        ));
    }
    let user = ctx.app.user(&origin.username).map_err(|_| invalid())?;
    ctx.record.username = Some(user.username.clone());
    check_secret(&user)?;
    if !user.enabled {
        return Err(ApiError::new(ErrorKind::NotAuthorized, "User is disabled."));
    }
    let refreshing = Refreshing {
        origin_jti: &origin_jti,
        auth_time: origin.auth_time,
    };
    let device_key = origin.device_key.as_deref();
    mint(
        ctx,
        &user,
        device_key,
        "TokenGeneration_RefreshTokens",
        metadata,
        Some(refreshing),
    )
    .await
}
