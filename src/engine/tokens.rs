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

/// `getTokens({ forceRefresh })`.
#[derive(Debug)]
pub struct GetTokens {
    force: bool,
    /// The refresh this call waits for.
    waiting_for: Option<u32>,
}

impl GetTokens {
    pub(super) fn start(
        engine: &mut Engine,
        env: &mut dyn Environment,
        options: &Json,
    ) -> Result<(Self, Effect), Error> {
        let mut op = Self {
            force: flag(options, "forceRefresh"),
            waiting_for: None,
        };
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
        let waited = self.waiting_for.take();
        if let Some((refresh, error)) = &engine.last_refresh {
            if waited == Some(*refresh) {
                return match error {
                    Some(error) => Err(error.clone()),
                    None => Ok(Effect::Done(tokens_or_null(engine))),
                };
            }
        }
        // The refresh ended without an outcome (it was aborted): look again.
        self.evaluate(engine, env)
    }

    /// The tokens now, or the refresh to wait for (started here when none is under way).
    fn evaluate(
        &mut self,
        engine: &mut Engine,
        env: &mut dyn Environment,
    ) -> Result<Effect, Error> {
        let Some(session) = &engine.session else {
            return Ok(Effect::Done("null".into()));
        };
        let fresh = !self.force && !session.expiring(env.now_ms());
        let Some(token) = session.refresh_token().filter(|_| !fresh) else {
            return Ok(Effect::Done(session.tokens_json()));
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
        Ok(Effect::Await(refresh))
    }
}

/// Where a refresh is.
#[derive(Debug)]
enum RefreshPhase {
    /// The refresh call is out.
    Sending,
    /// The renewed session is being stored.
    Storing(Box<Session>),
    /// The session ended: its record is being removed; then this error is the outcome.
    Clearing(Error),
}

/// A refresh of the session's tokens.
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
        let request = settings.client.refresh(
            token.expose(),
            session.device_key(),
            &settings.default_metadata,
        );
        let effect = Effect::Send {
            request: request.clone(),
            delay_ms: 0,
        };
        let refresh = Self {
            request,
            used: token,
            retries: 0,
            phase: RefreshPhase::Sending,
        };
        (refresh, effect)
    }

    pub(super) fn resume(
        &mut self,
        engine: &mut Engine,
        env: &mut dyn Environment,
        id: u32,
        input: Input,
    ) -> Result<Effect, Error> {
        let outcome = self.advance(engine, env, input);
        if !matches!(outcome, Ok(Effect::Send { .. } | Effect::Store { .. })) {
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
        let key = engine.settings()?.storage_key.clone();
        let phase = core::mem::replace(&mut self.phase, RefreshPhase::Sending);
        match (phase, input) {
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
                        let stored = session.stored();
                        self.phase = RefreshPhase::Storing(Box::new(session));
                        Ok(Effect::Store {
                            set: vec![(key, stored)],
                            remove: Vec::new(),
                        })
                    }
                    Err(error) if error.retryable() && self.retries < MAX_RETRIES => {
                        let delay_ms = random_backoff(env, self.retries)?;
                        self.retries += 1;
                        Ok(Effect::Send {
                            request: self.request.clone(),
                            delay_ms,
                        })
                    }
                    Err(error) => {
                        engine.notices.emit_error("tokenRefreshFailed", &error);
                        if !ends_session(&error) {
                            return Err(error);
                        }
                        self.phase = RefreshPhase::Clearing(error);
                        Ok(Effect::Store {
                            set: Vec::new(),
                            remove: vec![key],
                        })
                    }
                }
            }
            (RefreshPhase::Storing(session), Input::Stored(stored)) => {
                stored?;
                if !self.still_current(engine) {
                    // Signed out or in again while the tokens were written: storage gets the
                    // engine's session back.
                    return Ok(restore_record(engine, key));
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
            (RefreshPhase::Storing(_) | RefreshPhase::Clearing(_), Input::Settled) => {
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

/// Rewrites the session record from the engine's session (after a refresh wrote a stale one);
/// the write's completion ends the refresh with the engine's tokens.
fn restore_record(engine: &Engine, key: String) -> Effect {
    match &engine.session {
        Some(session) => Effect::Store {
            set: vec![(key, session.stored())],
            remove: Vec::new(),
        },
        None => Effect::Store {
            set: Vec::new(),
            remove: vec![key],
        },
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
            None => clear(settings),
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
                Ok(clear(engine.settings()?))
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

/// Removes the session record.
fn clear(settings: &Settings) -> Effect {
    Effect::Store {
        set: Vec::new(),
        remove: vec![settings.storage_key.clone()],
    }
}
