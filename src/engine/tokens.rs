//! The session's tokens after sign-in: `getTokens` (refreshed first when they expire; one
//! refresh at a time), the refresh itself, and `signOut`.
//!
//! A refresh is an operation of the engine's own, started by the first `getTokens` that
//! needs it; later callers wait for it and get its outcome. Transient failures (network,
//! 5xx, throttling, timeouts) keep the stored tokens; only errors that say the refresh token
//! is no good any more end the session.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use super::action::Effect;
use super::session::Session;
use super::settings::{flag, Settings};
use super::{Engine, Input, Op};
use crate::client::{random_backoff, Environment, MAX_RETRIES};
use crate::error::Error;
use crate::json::Json;
use crate::secret::Secret;
use crate::wire::{malformed, AuthenticationResult, Request};

/// Refresh failures after which the refresh token will never work again.
const SESSION_ENDING: [&str; 6] = [
    "NotAuthorizedException",
    "PasswordResetRequiredException",
    "RefreshTokenReuseException",
    "TokenRevokedException",
    "UserNotConfirmedException",
    "UserNotFoundException",
];

/// Whether a refresh failure ends the session (rather than leaving it for a later try).
pub fn ends_session(error: &Error) -> bool {
    SESSION_ENDING.iter().any(|name| error.is_service(name))
}

/// The session's tokens as the app sees them, or `null`.
fn tokens_or_null(engine: &Engine) -> String {
    engine
        .session
        .as_ref()
        .map_or_else(|| "null".into(), Session::tokens_json)
}

/// Waits, when needed, for the refresh that makes the session's tokens fresh: what
/// `getTokens` and every call authorised by the access token do first.
#[derive(Debug, Default)]
pub struct Freshness {
    /// Refresh even when the tokens are not near expiry.
    pub force: bool,
    /// The refresh waited for.
    waiting_for: Option<u32>,
}

impl Freshness {
    /// `None` when the tokens can be used as they are (or there are none); else the refresh to
    /// wait for, started here when none is under way.
    pub fn wait(
        &mut self,
        engine: &mut Engine,
        env: &mut dyn Environment,
    ) -> Result<Option<u32>, Error> {
        let Some(session) = &engine.session else {
            return Ok(None);
        };
        let fresh = !self.force && !session.expiring(env.now_ms());
        let Some(token) = session.refresh_token().filter(|_| !fresh) else {
            return Ok(None);
        };
        let refresh = match engine.refreshing {
            Some(id) => id,
            None => {
                let (op, effect) = Refresh::start(engine.settings()?, session, token.clone());
                let id = engine.spawn(Op::Refresh(op), Ok(effect));
                engine.refreshing = Some(id);
                id
            }
        };
        self.waiting_for = Some(refresh);
        Ok(Some(refresh))
    }

    /// After the refresh waited for ended: true when it renewed the tokens, false when it
    /// ended without an outcome (it was aborted: look again), its error when it failed.
    pub fn settled(&mut self, engine: &Engine) -> Result<bool, Error> {
        let waited = self.waiting_for.take();
        match &engine.last_refresh {
            Some((refresh, error)) if waited == Some(*refresh) => match error {
                Some(error) => Err(error.clone()),
                None => Ok(true),
            },
            _ => Ok(false),
        }
    }
}

/// `getTokens({ forceRefresh })`.
#[derive(Debug)]
pub struct GetTokens(Freshness);

impl GetTokens {
    pub(super) fn start(
        engine: &mut Engine,
        env: &mut dyn Environment,
        options: &Json,
    ) -> Result<(Self, Effect), Error> {
        let mut op = Self(Freshness {
            force: flag(options, "forceRefresh"),
            waiting_for: None,
        });
        let effect = op.evaluate(engine, env)?;
        Ok((op, effect))
    }

    pub(super) fn resume(
        &mut self,
        engine: &mut Engine,
        env: &mut dyn Environment,
        input: Input,
    ) -> Result<Effect, Error> {
        let Input::Settled = input else {
            return Err(super::unexpected_input());
        };
        if self.0.settled(engine)? {
            return Ok(Effect::Done(tokens_or_null(engine)));
        }
        self.evaluate(engine, env)
    }

    /// The tokens now, or the refresh to wait for.
    fn evaluate(
        &mut self,
        engine: &mut Engine,
        env: &mut dyn Environment,
    ) -> Result<Effect, Error> {
        Ok(match self.0.wait(engine, env)? {
            Some(refresh) => Effect::Await(refresh),
            None => Effect::Done(tokens_or_null(engine)),
        })
    }
}

/// How long a refresh waits for another tab's refresh (the lock) before it gives up.
const LOCK_TIMEOUT_MS: u64 = 10_000;

/// Where a refresh is.
#[derive(Debug)]
enum RefreshPhase {
    /// Waiting for the cross-tab refresh lock (shared storage only).
    Locking,
    /// Reading the session record the last refresh of any tab left.
    Reading,
    /// The refresh call is out.
    Sending,
    /// The renewed session is being stored.
    Storing(Box<Session>),
    /// The session ended: its record is being removed; then this error is the outcome.
    Clearing(Error),
    /// Writing the engine's session back over a record this refresh made stale.
    Restoring,
}

/// A refresh of the session's tokens. On storage shared by tabs it holds a cross-tab lock
/// from before it reads the stored session until the renewed one is stored, so that one tab
/// refreshes and the others find its tokens (a rotating refresh token is never spent twice).
#[derive(Debug)]
pub struct Refresh {
    request: Request,
    /// The refresh token sent: if the session no longer has it when the reply comes (signed
    /// out, or signed in again meanwhile), the reply is not used.
    used: Secret,
    retries: u32,
    phase: RefreshPhase,
}

impl Refresh {
    fn start(settings: &Settings, session: &Session, token: Secret) -> (Self, Effect) {
        let mut refresh = Self {
            request: refresh_request(settings, session, &token),
            used: token,
            retries: 0,
            phase: RefreshPhase::Locking,
        };
        let effect = if settings.shared {
            Effect::Lock {
                name: ["cognito-wasm.refresh.", &settings.storage_key].concat(),
                timeout_ms: LOCK_TIMEOUT_MS,
            }
        } else {
            refresh.send()
        };
        (refresh, effect)
    }

    fn send(&mut self) -> Effect {
        self.phase = RefreshPhase::Sending;
        Effect::Send {
            request: self.request.clone(),
            delay_ms: 0,
        }
    }

    pub(super) fn resume(
        &mut self,
        engine: &mut Engine,
        env: &mut dyn Environment,
        id: u32,
        input: Input,
    ) -> Result<Effect, Error> {
        let outcome = self.advance(engine, env, input);
        if matches!(outcome, Ok(Effect::Done(_)) | Err(_)) {
            engine.last_refresh = Some((id, outcome.as_ref().err().cloned()));
        }
        outcome
    }

    fn advance(
        &mut self,
        engine: &mut Engine,
        env: &mut dyn Environment,
        input: Input,
    ) -> Result<Effect, Error> {
        let settings = engine.settings()?;
        match (
            core::mem::replace(&mut self.phase, RefreshPhase::Sending),
            input,
        ) {
            (RefreshPhase::Locking, Input::Locked(locked)) => {
                locked?;
                self.phase = RefreshPhase::Reading;
                Ok(Effect::Load {
                    keys: vec![settings.storage_key.clone()],
                    fresh: true,
                })
            }
            (RefreshPhase::Reading, Input::Loaded(values)) => {
                let stored = values?.into_iter().next().flatten();
                let stored = stored.as_deref().and_then(Session::from_stored);
                let token = stored.as_ref().and_then(Session::refresh_token).cloned();
                if token.as_ref() == Some(&self.used) {
                    return Ok(self.send());
                }
                // Another tab refreshed, signed in or out meanwhile: its session is this
                // tab's too, and refreshed already unless it is expiring as well.
                let expiring = stored.as_ref().is_some_and(|s| s.expiring(env.now_ms()));
                if let (true, Some(token), Some(session)) = (expiring, token, &stored) {
                    self.request = refresh_request(settings, session, &token);
                    self.used = token;
                    engine.adopt(stored, env);
                    return Ok(self.send());
                }
                engine.adopt(stored, env);
                Ok(Effect::Done(tokens_or_null(engine)))
            }
            (RefreshPhase::Sending, Input::Reply(reply)) => {
                if !self.still_current(engine) {
                    return Ok(Effect::Done(tokens_or_null(engine)));
                }
                let renewed = reply.and_then(|json| {
                    let result = json
                        .get("AuthenticationResult")
                        .ok_or_else(|| malformed("AuthenticationResult"))?;
                    let result = AuthenticationResult::parse(result)?;
                    let device = engine.session.as_ref().and_then(Session::device_key);
                    let refresh_token = result.refresh_token.clone().or(Some(self.used.clone()));
                    Session::new(
                        &result,
                        refresh_token,
                        device.map(String::from),
                        env.now_ms(),
                    )
                });
                match renewed {
                    Ok(session) => {
                        let effect = store_session(settings, Some(&session));
                        self.phase = RefreshPhase::Storing(Box::new(session));
                        Ok(effect)
                    }
                    Err(error) if error.retryable() && self.retries < MAX_RETRIES => {
                        let delay_ms = random_backoff(env, self.retries)?;
                        self.retries += 1;
                        self.phase = RefreshPhase::Sending;
                        Ok(Effect::Send {
                            request: self.request.clone(),
                            delay_ms,
                        })
                    }
                    Err(error) => {
                        let clear = ends_session(&error).then(|| store_session(settings, None));
                        engine.notices.emit_error("tokenRefreshFailed", &error);
                        let Some(effect) = clear else {
                            return Err(error);
                        };
                        self.phase = RefreshPhase::Clearing(error);
                        Ok(effect)
                    }
                }
            }
            (RefreshPhase::Storing(session), Input::Stored(stored)) => {
                stored?;
                if !self.still_current(engine) {
                    // Signed out or in again while the tokens were written: storage gets the
                    // engine's session back.
                    self.phase = RefreshPhase::Restoring;
                    return Ok(store_session(settings, engine.session.as_ref()));
                }
                let tokens = session.tokens_json();
                engine.set_session(Some(*session), env);
                engine.notices.emit("tokenRefreshed", &tokens);
                Ok(Effect::Done(tokens))
            }
            (RefreshPhase::Clearing(error), Input::Stored(_)) => {
                if self.still_current(engine) {
                    engine.set_session(None, env);
                    engine.notices.emit("signedOut", "null");
                }
                Err(error)
            }
            (RefreshPhase::Restoring, Input::Stored(stored)) => {
                stored?;
                Ok(Effect::Done(tokens_or_null(engine)))
            }
            _ => Err(super::unexpected_input()),
        }
    }

    /// Whether the engine's session is still the one this refresh renews.
    fn still_current(&self, engine: &Engine) -> bool {
        engine
            .session
            .as_ref()
            .and_then(Session::refresh_token)
            .is_some_and(|token| *token == self.used)
    }
}

/// GetTokensFromRefreshToken for `session` with `token`.
fn refresh_request(settings: &Settings, session: &Session, token: &Secret) -> Request {
    settings.client.refresh(
        token.expose(),
        session.device_key(),
        &settings.default_metadata,
    )
}

/// Writes `session`'s record (removes it when `None`), mirrored for the other tabs when the
/// storage is shared.
pub fn store_session(settings: &Settings, session: Option<&Session>) -> Effect {
    let key = settings.storage_key.clone();
    let (set, remove) = match session {
        Some(session) => (vec![(key, session.stored())], Vec::new()),
        None => (Vec::new(), vec![key]),
    };
    Effect::Store {
        set,
        remove,
        shared: settings.shared,
    }
}

/// `signOut({ global })`: RevokeToken when the tokens are revocable (or GlobalSignOut when
/// `global`), then the local clear, which happens even when the call fails (the failure is
/// still reported).
#[derive(Debug)]
pub struct SignOut {
    request: Option<Request>,
    retries: u32,
    /// Why the call failed, reported once the session is cleared.
    remote: Option<Error>,
}

impl SignOut {
    pub(super) fn start(engine: &Engine, options: &Json) -> Result<(Self, Effect), Error> {
        let settings = engine.settings()?;
        let Some(session) = &engine.session else {
            let op = Self {
                request: None,
                retries: 0,
                remote: None,
            };
            return Ok((op, Effect::Done("null".into())));
        };
        let request = match (session.refresh_token(), flag(options, "global")) {
            (_, true) => Some(
                settings
                    .client
                    .global_sign_out(session.access_token().expose()),
            ),
            (Some(token), false) if session.revocable() => {
                Some(settings.client.revoke_token(token.expose()))
            }
            _ => None,
        };
        let effect = match &request {
            Some(request) => Effect::Send {
                request: request.clone(),
                delay_ms: 0,
            },
            None => store_session(settings, None),
        };
        let op = Self {
            request,
            retries: 0,
            remote: None,
        };
        Ok((op, effect))
    }

    pub(super) fn resume(
        &mut self,
        engine: &mut Engine,
        env: &mut dyn Environment,
        input: Input,
    ) -> Result<Effect, Error> {
        match input {
            Input::Reply(Err(error)) if error.retryable() && self.retries < MAX_RETRIES => {
                let delay_ms = random_backoff(env, self.retries)?;
                self.retries += 1;
                let request = self.request.clone().ok_or_else(super::unexpected_input)?;
                Ok(Effect::Send { request, delay_ms })
            }
            Input::Reply(reply) => {
                self.remote = reply.err();
                Ok(store_session(engine.settings()?, None))
            }
            Input::Stored(_) => {
                engine.set_session(None, env);
                engine.notices.emit("signedOut", "null");
                match self.remote.take() {
                    Some(error) => Err(error),
                    None => Ok(Effect::Done("null".into())),
                }
            }
            _ => Err(super::unexpected_input()),
        }
    }
}
