//! `WasmAuth`, the object behind the package's `CognitoAuth`: sign-in driver, token session,
//! refresh, sign-out and password reset.

use alloc::boxed::Box;
use alloc::rc::{Rc, Weak};
use alloc::string::String;
use core::cell::Cell;
use core::future::Future;
use core::pin::Pin;

use js_sys::{Object, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, spawn_local};
use web_sys::AbortSignal;

use super::handlers::ask;
use super::js::{self, get, get_string, map_from_object, set};
use super::storage::{Pending, Storage};
use super::timer::{sleep, until_aborted, yield_to_page, Timeout};
use super::transport::Transport;
use super::{Failure, WebEnv};
use crate::client::{merge_metadata, ClientConfig, Environment};
use crate::error::Error;
use crate::flow::{AuthFlow, DeviceSecret, SignIn, SignInParams, SignedIn, Step};
use crate::json::Json;
use crate::wire::{AuthenticationResult, StringMap};

/// Seconds before expiry at which tokens count as expired (refresh ahead of time).
const REFRESH_LEEWAY_S: f64 = 60.0;

/// Longest run of SRP math between two yields to the page: well below the 50 ms at which a
/// task counts as long, so that input and rendering go on during a sign-in.
const SLICE_MS: f64 = 10.0;

/// The signed-in user's tokens, as kept in memory and in storage.
struct Session {
    id_token: String,
    access_token: String,
    refresh_token: Option<String>,
    /// Local-clock milliseconds at which the access token expires.
    expires_at: f64,
    token_type: String,
    /// The service's username (the `username` claim), used for SECRET_HASH on refresh.
    username: String,
    device_key: Option<String>,
}

impl Session {
    /// From tokens just received; expiry is `exp` moved onto the local clock by the drift
    /// measured from `iat` (falling back to `ExpiresIn`).
    fn new(
        result: &AuthenticationResult,
        refresh_token: Option<String>,
        device_key: Option<String>,
    ) -> Result<Self, Error> {
        let claims = js::jwt_payload(&result.access_token)?;
        js::jwt_payload(&result.id_token)?;
        let now = js_sys::Date::now() / 1000.0;
        let expires_at = match (
            js::claim_seconds(&claims, "exp"),
            js::claim_seconds(&claims, "iat"),
        ) {
            (Some(exp), Some(iat)) => exp as f64 + (now - iat as f64),
            _ => now + result.expires_in as f64,
        };
        let username = get_string(&claims, "username")
            .or_else(|| get_string(&claims, "cognito:username"))
            .ok_or_else(|| {
                Error::InvalidServerResponse("The access token has no username claim.".into())
            })?;
        Ok(Self {
            id_token: result.id_token.clone(),
            access_token: result.access_token.clone(),
            refresh_token,
            expires_at: expires_at * 1000.0,
            token_type: result.token_type.clone(),
            username,
            device_key,
        })
    }

    fn to_json(&self) -> Json {
        let mut json = Json::object([
            ("idToken", Json::str(self.id_token.as_str())),
            ("accessToken", Json::str(self.access_token.as_str())),
            ("expiresAt", Json::Number(js_number(self.expires_at))),
            ("tokenType", Json::str(self.token_type.as_str())),
            ("username", Json::str(self.username.as_str())),
        ]);
        if let Some(token) = &self.refresh_token {
            json.set("refreshToken", Json::str(token.as_str()));
        }
        if let Some(key) = &self.device_key {
            json.set("deviceKey", Json::str(key.as_str()));
        }
        json
    }

    fn from_json(json: &Json) -> Option<Self> {
        let text = |key: &str| json.get(key).and_then(Json::as_str).map(String::from);
        Some(Self {
            id_token: text("idToken")?,
            access_token: text("accessToken")?,
            refresh_token: text("refreshToken"),
            expires_at: json.get("expiresAt").and_then(Json::as_u64)? as f64,
            token_type: text("tokenType").unwrap_or_else(|| "Bearer".into()),
            username: text("username")?,
            device_key: text("deviceKey"),
        })
    }

    /// `{ idToken, accessToken, refreshToken, expiresAt, tokenType, username,
    /// idTokenPayload, accessTokenPayload, deviceKey? }`.
    fn to_js(&self) -> Object {
        let tokens = Object::new();
        set(&tokens, "idToken", self.id_token.as_str());
        set(&tokens, "accessToken", self.access_token.as_str());
        set(
            &tokens,
            "refreshToken",
            self.refresh_token
                .as_deref()
                .map_or(JsValue::UNDEFINED, JsValue::from_str),
        );
        set(&tokens, "expiresAt", self.expires_at);
        set(&tokens, "tokenType", self.token_type.as_str());
        set(&tokens, "username", self.username.as_str());
        for (key, token) in [
            ("idTokenPayload", &self.id_token),
            ("accessTokenPayload", &self.access_token),
        ] {
            set(
                &tokens,
                key,
                js::jwt_payload(token).unwrap_or(JsValue::NULL),
            );
        }
        if let Some(key) = &self.device_key {
            set(&tokens, "deviceKey", key.as_str());
        }
        tokens
    }

    fn expiring(&self) -> bool {
        js_sys::Date::now() + REFRESH_LEEWAY_S * 1000.0 >= self.expires_at
    }
}

/// Whole milliseconds as JSON number text, without `core::fmt`.
fn js_number(ms: f64) -> String {
    js::number_text(js_sys::Math::round(ms.max(0.0)))
}

/// Everything a `CognitoAuth` instance owns.
struct Inner {
    client: ClientConfig,
    transport: Transport,
    storage: Storage,
    storage_key: String,
    default_metadata: StringMap,
    remember_devices: bool,
    device_name: String,
    auto_refresh: bool,
    totp_issuer: String,
    /// `CognitoAuthError`, the class errors are made of (a plain `Error` when absent).
    error_class: JsValue,
    /// `emit(event, detail)`, the package's event hub.
    emit: JsValue,
    /// `yieldToPage()`: a promise that settles in a later task (see [`SLICE_MS`]).
    yield_to_page: JsValue,
    /// Shared, so that a caller holds it across awaits without copying its strings.
    session: Cell<Option<Rc<Session>>>,
    refreshing: Cell<Option<Promise>>,
    refresh_timer: Cell<Option<Timeout>>,
}

/// The wasm side of `CognitoAuth` (the package wraps it; apps never see this class).
#[wasm_bindgen]
pub struct WasmAuth {
    inner: Rc<Inner>,
}

impl core::fmt::Debug for WasmAuth {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("WasmAuth").finish_non_exhaustive()
    }
}

#[wasm_bindgen]
impl WasmAuth {
    /// Validates the config and restores a stored session.
    /// `hooks = { errorClass, emit, yieldToPage }` come from the package's JS.
    pub fn create(config: JsValue, hooks: JsValue) -> Promise {
        let error_class = get(&hooks, "errorClass");
        promise_of(
            &error_class,
            Box::pin(async move {
                let inner = Rc::new(Inner::new(&config, &hooks)?);
                inner.restore().await?;
                Ok(WasmAuth { inner }.into())
            }),
        )
    }

    /// `signIn(options)` → tokens.
    #[wasm_bindgen(js_name = signIn)]
    pub fn sign_in(&self, options: JsValue) -> Promise {
        self.spawn(self.inner.clone().sign_in(options))
    }

    /// `getTokens({ forceRefresh?, signal? })` → tokens or null.
    #[wasm_bindgen(js_name = getTokens)]
    pub fn get_tokens(&self, options: JsValue) -> Promise {
        self.spawn(self.inner.clone().get_tokens(options))
    }

    /// `signOut({ global? })`.
    #[wasm_bindgen(js_name = signOut)]
    pub fn sign_out(&self, options: JsValue) -> Promise {
        self.spawn(self.inner.clone().sign_out(options))
    }

    /// `forgotPassword({ username, clientMetadata? })` → code delivery details.
    #[wasm_bindgen(js_name = forgotPassword)]
    pub fn forgot_password(&self, options: JsValue) -> Promise {
        self.spawn(self.inner.clone().forgot_password(options))
    }

    /// `confirmForgotPassword({ username, code, newPassword, clientMetadata? })`.
    #[wasm_bindgen(js_name = confirmForgotPassword)]
    pub fn confirm_forgot_password(&self, options: JsValue) -> Promise {
        self.spawn(self.inner.clone().confirm_forgot_password(options))
    }
}

impl WasmAuth {
    /// Runs `work` as a JS promise whose rejection is a `CognitoAuthError`. The methods it
    /// runs own their `Rc` and options, so that no wrapping future is compiled per export.
    fn spawn(&self, work: impl Future<Output = Result<JsValue, Failure>> + 'static) -> Promise {
        promise_of(&self.inner.error_class, Box::pin(work))
    }
}

/// A JS promise of `work` whose rejection is a `CognitoAuthError`. The future is boxed, so
/// that the promise plumbing is compiled once, not once per caller.
fn promise_of(
    error_class: &JsValue,
    work: Pin<Box<dyn Future<Output = Result<JsValue, Failure>>>>,
) -> Promise {
    let error_class = error_class.clone();
    future_to_promise(async move {
        work.await.map_err(|failure| match failure {
            Failure::Error { error, cause } => to_js(&error_class, &error, &cause),
            Failure::Thrown(made) => made,
        })
    })
}

impl Inner {
    fn new(config: &JsValue, hooks: &JsValue) -> Result<Self, Error> {
        if !config.is_object() {
            return Err(Error::InvalidConfig("The config must be an object.".into()));
        }
        let text = |key: &str| get_string(config, key);
        let client = ClientConfig::new(
            &required_string(config, "userPoolId")?,
            &required_string(config, "clientId")?,
            text("clientSecret").as_deref(),
        )?;
        let endpoint = text("endpoint").unwrap_or_else(|| client.default_endpoint());
        let storage_key =
            text("storageKey").unwrap_or_else(|| ["cognito-wasm.", client.client_id()].concat());
        Ok(Self {
            transport: Transport::new(endpoint, get(config, "fetch"))?,
            storage: Storage::from_option(&get(config, "storage"))?,
            storage_key,
            default_metadata: map_from_object(&get(config, "clientMetadata"), "clientMetadata")?,
            remember_devices: get(config, "rememberDevices").is_truthy(),
            device_name: text("deviceName").unwrap_or_else(default_device_name),
            auto_refresh: get(config, "autoRefresh").is_truthy(),
            totp_issuer: text("totpIssuer").unwrap_or_else(|| client.pool_name().into()),
            error_class: get(hooks, "errorClass"),
            emit: get(hooks, "emit"),
            yield_to_page: get(hooks, "yieldToPage"),
            client,
            session: Cell::new(None),
            refreshing: Cell::new(None),
            refresh_timer: Cell::new(None),
        })
    }

    /// Loads the stored session, if any (an unreadable one is dropped).
    async fn restore(self: &Rc<Self>) -> Result<(), Error> {
        let stored = self.storage.get(&self.storage_key).await?.as_string();
        let session = stored
            .and_then(|text| js::parse_json(&text))
            .and_then(|json| Session::from_json(&json));
        if let Some(session) = session {
            self.set_session(Some(session)).await?;
        }
        Ok(())
    }

    async fn sign_in(self: Rc<Self>, options: JsValue) -> Result<JsValue, Failure> {
        let options = &options;
        let username = required_string(options, "username")?;
        let flow = match get_string(options, "authFlow") {
            None => AuthFlow::UserSrp,
            Some(name) => AuthFlow::parse(&name)
                .ok_or_else(|| Error::InvalidConfig(["Unknown authFlow ", &name, "."].concat()))?,
        };
        let client_metadata = self.call_metadata(options)?;
        let signal = signal_of(options)?;
        let handlers = get(options, "handlers");
        let device_slot = device_key_for(&self.storage_key, &username);
        let device = if self.remember_devices {
            parse_device(self.storage.get(&device_slot).await?.as_string())
        } else {
            None
        };
        let mut flow = SignIn::new(
            self.client.clone(),
            SignInParams {
                password: get_string(options, "password").unwrap_or_default(),
                username: username.clone(),
                flow,
                client_metadata,
                device,
                remember_device: self.remember_devices.then(|| self.device_name.clone()),
                totp_issuer: self.totp_issuer.clone(),
            },
        );
        let mut env = WebEnv;
        let mut step = flow.start(&mut env)?;
        let signed_in = loop {
            step = match step {
                Step::Send { request, delay_ms } => {
                    sleep(delay_ms, signal.as_ref()).await?;
                    let reply = self.transport.send(&request, signal.as_ref()).await;
                    if reply == Err(Error::Abort) {
                        return Err(Error::Abort.into());
                    }
                    flow.on_reply(&mut env, reply)?
                }
                Step::Ask(prompt) => {
                    let answer = ask(&handlers, prompt, signal.as_ref(), |e| {
                        to_js(&self.error_class, e, &JsValue::UNDEFINED)
                    })
                    .await?;
                    flow.on_answer(answer)?
                }
                Step::Compute => self.compute(&mut flow, &mut env, signal.as_ref()).await?,
                Step::Done(signed_in) => break signed_in,
            };
        };
        self.finish_sign_in(signed_in, &device_slot).await
    }

    /// Runs the flow's SRP math in slices of about [`SLICE_MS`], yielding to the page between
    /// them, so that a sign-in makes no long task even where the math takes far longer.
    async fn compute(
        &self,
        flow: &mut SignIn,
        env: &mut WebEnv,
        signal: Option<&AbortSignal>,
    ) -> Result<Step, Error> {
        loop {
            let deadline = js_sys::Date::now() + SLICE_MS;
            while js_sys::Date::now() < deadline {
                // One exponentiation step per call, a fraction of a millisecond.
                if let Some(step) = flow.compute(env, 1)? {
                    return Ok(step);
                }
            }
            yield_to_page(&self.yield_to_page, signal).await?;
        }
    }

    /// Stores the session and the device, announces `signedIn`, returns the tokens.
    async fn finish_sign_in(
        self: &Rc<Self>,
        signed_in: SignedIn,
        typed_slot: &str,
    ) -> Result<JsValue, Failure> {
        let SignedIn {
            result,
            device,
            device_error,
        } = signed_in;
        let session = Session::new(
            &result,
            result.refresh_token.clone(),
            device.as_ref().map(|d| d.device_key.clone()),
        )?;
        if self.remember_devices {
            let internal_slot = device_key_for(&self.storage_key, &session.username);
            for slot in [typed_slot, internal_slot.as_str()] {
                let stored = match &device {
                    Some(device) => self.save_device(slot, device),
                    None => self.storage.remove(slot),
                };
                stored.await?;
            }
        }
        let tokens = session.to_js();
        self.set_session(Some(session)).await?;
        if let Some(error) = device_error {
            set(
                &tokens,
                "rememberDeviceError",
                to_js(&self.error_class, &error, &JsValue::UNDEFINED),
            );
        }
        self.emit("signedIn", &tokens);
        Ok(tokens.into())
    }

    /// `getTokens`, with the options read when the work starts.
    async fn get_tokens(self: Rc<Self>, options: JsValue) -> Result<JsValue, Failure> {
        let force = get(&options, "forceRefresh").is_truthy();
        let signal = signal_of(&options)?;
        self.tokens(force, signal.as_ref()).await
    }

    /// Tokens, refreshed first when near expiry or forced; one refresh at a time.
    async fn tokens(
        self: &Rc<Self>,
        force: bool,
        signal: Option<&AbortSignal>,
    ) -> Result<JsValue, Failure> {
        let Some(session) = peek(&self.session) else {
            return Ok(JsValue::NULL);
        };
        if (!force && !session.expiring()) || session.refresh_token.is_none() {
            return Ok(session.to_js().into());
        }
        let pending = peek(&self.refreshing);
        let pending = match pending {
            Some(promise) => promise,
            None => {
                let me = self.clone();
                let promise = promise_of(
                    &self.error_class,
                    Box::pin(async move {
                        let outcome = me.refresh().await;
                        me.refreshing.take();
                        outcome
                    }),
                );
                self.refreshing.set(Some(promise.clone()));
                promise
            }
        };
        let outcome = until_aborted(pending, signal).await;
        super::transport::check_abort(signal)?;
        outcome.map_err(Failure::Thrown)
    }

    /// REFRESH_TOKEN_AUTH. A transient failure keeps the tokens; an auth failure clears them.
    async fn refresh(self: &Rc<Self>) -> Result<JsValue, Failure> {
        let Some(session) = peek(&self.session) else {
            return Ok(JsValue::NULL);
        };
        let Some(refresh_token) = session.refresh_token.clone() else {
            return Ok(session.to_js().into());
        };
        let request = self.client.refresh(
            &refresh_token,
            &session.username,
            session.device_key.as_deref(),
            &self.default_metadata,
        );
        let reply = self
            .transport
            .send_with_retry(&request, None)
            .await
            .and_then(|json| {
                let result = json
                    .get("AuthenticationResult")
                    .ok_or_else(|| crate::wire::malformed("AuthenticationResult"))?;
                AuthenticationResult::parse(result)
            });
        let renewed = reply.and_then(|result| {
            let refresh = result.refresh_token.clone().or(Some(refresh_token));
            Session::new(&result, refresh, session.device_key.clone())
        });
        match renewed {
            Ok(renewed) => {
                let tokens = renewed.to_js();
                self.set_session(Some(renewed)).await?;
                self.emit("tokenRefreshed", &tokens);
                Ok(tokens.into())
            }
            Err(error) => {
                let js_error = to_js(&self.error_class, &error, &JsValue::UNDEFINED);
                self.emit("tokenRefreshFailed", &js_error);
                if !error.retryable() {
                    self.set_session(None).await?;
                    self.emit("signedOut", &JsValue::UNDEFINED);
                }
                Err(error.into())
            }
        }
    }

    /// RevokeToken (when the tokens are revocable) or GlobalSignOut, then a local clear.
    /// The local clear happens even when the call fails; the failure is still reported.
    async fn sign_out(self: Rc<Self>, options: JsValue) -> Result<JsValue, Failure> {
        let global = get(&options, "global").is_truthy();
        let Some(session) = peek(&self.session) else {
            return Ok(JsValue::UNDEFINED);
        };
        let claims = js::jwt_payload(&session.access_token)?;
        let revocable = !get(&claims, "origin_jti").is_undefined();
        let request = match (&session.refresh_token, global) {
            (_, true) => Some(self.client.global_sign_out(&session.access_token)),
            (Some(token), false) if revocable => Some(self.client.revoke_token(token)),
            _ => None,
        };
        let remote = match request {
            Some(request) => self
                .transport
                .send_with_retry(&request, None)
                .await
                .map(drop),
            None => Ok(()),
        };
        self.set_session(None).await?;
        self.emit("signedOut", &JsValue::UNDEFINED);
        remote.map(|()| JsValue::UNDEFINED).map_err(Failure::from)
    }

    async fn forgot_password(self: Rc<Self>, options: JsValue) -> Result<JsValue, Failure> {
        let options = &options;
        let username = required_string(options, "username")?;
        let metadata = self.call_metadata(options)?;
        let request = self.client.forgot_password(&username, &metadata);
        let reply = self.transport.send_with_retry(&request, None).await?;
        let details = Object::new();
        if let Some(delivery) = reply.get("CodeDeliveryDetails") {
            for (key, name) in [
                ("Destination", "destination"),
                ("DeliveryMedium", "deliveryMedium"),
                ("AttributeName", "attributeName"),
            ] {
                if let Some(value) = delivery.get(key).and_then(Json::as_str) {
                    set(&details, name, value);
                }
            }
        }
        Ok(details.into())
    }

    async fn confirm_forgot_password(self: Rc<Self>, options: JsValue) -> Result<JsValue, Failure> {
        let options = &options;
        let request = self.client.confirm_forgot_password(
            &required_string(options, "username")?,
            &required_string(options, "code")?,
            &required_string(options, "newPassword")?,
            &self.call_metadata(options)?,
        );
        // Not retried: a code may be spent by a request whose reply was lost.
        self.transport.send(&request, None).await?;
        Ok(JsValue::UNDEFINED)
    }

    fn call_metadata(&self, options: &JsValue) -> Result<StringMap, Error> {
        let call = map_from_object(&get(options, "clientMetadata"), "clientMetadata")?;
        Ok(merge_metadata(&self.default_metadata, &call))
    }

    /// Replaces the session in memory and storage, and (re)arms the refresh timer.
    async fn set_session(self: &Rc<Self>, session: Option<Session>) -> Result<(), Error> {
        self.refresh_timer.take();
        let stored = match &session {
            Some(s) => self.storage.set(&self.storage_key, &s.to_json().encode()),
            None => self.storage.remove(&self.storage_key),
        };
        stored.await?;
        if let (Some(s), true) = (&session, self.auto_refresh) {
            let weak: Weak<Self> = Rc::downgrade(self);
            let mut noise = [0u8; 2];
            WebEnv.random(&mut noise)?;
            let jitter = f64::from(u16::from_le_bytes(noise) % 15_000);
            let due = s.expires_at - REFRESH_LEEWAY_S * 1000.0 - jitter - js_sys::Date::now();
            let timer = Timeout::new(due, move || {
                if let Some(me) = weak.upgrade() {
                    spawn_local(async move {
                        // Failures are announced through tokenRefreshFailed.
                        let _ = me.tokens(true, None).await;
                    });
                }
            });
            self.refresh_timer.set(Some(timer));
        }
        self.session.set(session.map(Rc::new));
        Ok(())
    }

    fn save_device(&self, slot: &str, device: &DeviceSecret) -> Pending {
        let json = Json::object([
            ("deviceKey", Json::str(device.device_key.as_str())),
            (
                "deviceGroupKey",
                Json::str(device.device_group_key.as_str()),
            ),
            ("devicePassword", Json::str(device.device_password.as_str())),
        ]);
        self.storage.set(slot, &json.encode())
    }

    fn emit(&self, event: &str, detail: &JsValue) {
        if let Some(emit) = self.emit.dyn_ref::<js_sys::Function>() {
            let _ = emit.call2(&JsValue::UNDEFINED, &JsValue::from_str(event), detail);
        }
    }
}

/// A copy of what `cell` holds. Cells rather than `RefCell`s: no borrow is ever held, so
/// the borrow checks and their panic paths would be code for nothing.
fn peek<T: Clone>(cell: &Cell<Option<T>>) -> Option<T> {
    let value = cell.take();
    cell.set(value.clone());
    value
}

/// A remembered device as stored by `save_device` (an unreadable one counts as none).
fn parse_device(stored: Option<String>) -> Option<DeviceSecret> {
    let json = js::parse_json(&stored?)?;
    let text = |key: &str| json.get(key).and_then(Json::as_str).map(String::from);
    Some(DeviceSecret {
        device_key: text("deviceKey")?,
        device_group_key: text("deviceGroupKey")?,
        device_password: text("devicePassword")?,
    })
}

/// Storage key of the device remembered for `username` (case-insensitive). Lowercased by
/// JavaScript's `toLowerCase`, which keeps Rust's Unicode case tables out of the wasm.
fn device_key_for(storage_key: &str, username: &str) -> String {
    let lower = String::from(js_sys::JsString::from(username).to_lower_case());
    [storage_key, ".device.", &lower].concat()
}

/// `navigator.userAgent`, else a generic name.
fn default_device_name() -> String {
    get_string(&get(&js_sys::global(), "navigator"), "userAgent")
        .unwrap_or_else(|| "cognito-wasm".into())
}

fn required_string(options: &JsValue, key: &str) -> Result<String, Error> {
    get_string(options, key)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| Error::InvalidConfig([key, " is required."].concat()))
}

/// The `signal` option, which must be an AbortSignal when given.
fn signal_of(options: &JsValue) -> Result<Option<AbortSignal>, Failure> {
    let signal = get(options, "signal");
    if signal.is_undefined() || signal.is_null() {
        return Ok(None);
    }
    if get(&signal, "aborted").as_bool().is_none() {
        return Err(Error::InvalidConfig("signal must be an AbortSignal.".into()).into());
    }
    Ok(Some(signal.unchecked_into()))
}

/// The JS error for `error` (with `cause`, a thrown value, or `undefined`): `new
/// errorClass(name, message, { retryable, requestId, challengeName, cause })`. The package
/// always passes its `CognitoAuthError`; were that missing, the message alone is thrown.
fn to_js(error_class: &JsValue, error: &Error, cause: &JsValue) -> JsValue {
    let details = Object::new();
    set(&details, "retryable", error.retryable());
    if let Some(id) = error.request_id() {
        set(&details, "requestId", id);
    }
    if let Error::ChallengeHandlerMissing { challenge_name } = error {
        set(&details, "challengeName", challenge_name.as_str());
    }
    if !cause.is_undefined() {
        set(&details, "cause", cause.clone());
    }
    let name = JsValue::from_str(error.name());
    let message = JsValue::from_str(&error.message());
    let args = js_sys::Array::of3(&name, &message, &details);
    error_class
        .dyn_ref::<js_sys::Function>()
        .and_then(|class| js_sys::Reflect::construct(class, &args).ok())
        .unwrap_or(message)
}
