//! The engine: every decision of the SDK, and none of its I/O.
//!
//! The JS driver feeds it events and performs the one effect each answer names: it starts
//! operations (`{"start":"signIn","options":{…}}`), sends their requests, asks the app's
//! handlers, runs the SRP math in slices, reads and writes storage, and reports back
//! (`{"op":3,"on":"reply",…}`). Each answer is an [`action`] in JSON. Several operations may be
//! under way at once (a sign-in, a refresh, a sign-out); they share the session, and the
//! engine says when one ends another (a newer sign-in supersedes an older one, `signOut()`
//! ends a sign-in) and when the app's listeners hear of a change.
//!
//! | operation | what it does |
//! |---|---|
//! | `create` | checks the config, restores a stored session |
//! | `sync` | takes on what another tab on the same storage changed |
//! | `signIn` | runs [`crate::flow::SignIn`]; stores the session and the device; revokes the one it replaces |
//! | `getTokens` | the session's tokens, after the refresh it starts or waits for when they expire |
//! | `refresh` | started by `getTokens`: the refresh call, its retries, what a failure does to the session |
//! | `signOut` | RevokeToken or GlobalSignOut, then the local clear |
//! | `confirmSignUp` | ConfirmSignUp, then (`autoSignIn`) the sign-in its Session allows |
//! | `signUp`, `resendSignUpCode`, `forgotPassword`, `confirmForgotPassword`, `revoke` | one call each |
//! | `changePassword`, `getUser`, … ([`account::AccountCall`]) | the signed-in user's account, with fresh tokens |

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;

use crate::client::Environment;
use crate::error::{AbortReason, Error};
use crate::json::{append_member, Json, ObjectWriter};
use crate::wire::{string_map, HttpReply};

mod account;
pub mod action;
mod calls;
pub mod session;
pub mod settings;
mod sign_in;
mod tokens;

use account::{Account, AccountCall};
use action::{Effect, Notices};
use calls::Call;
use session::{snapshot_json, Session};
use settings::Settings;
use sign_in::SignInOp;
use tokens::{GetTokens, Refresh, SignOut};

/// An operation under way.
#[derive(Debug)]
enum Op {
    Account(Account),
    Call(Call),
    Create,
    GetTokens(GetTokens),
    Refresh(Refresh),
    SignIn(Box<SignInOp>),
    SignOut(SignOut),
}

/// What an operation resumes with: the outcome of the effect it asked for.
#[derive(Debug)]
enum Input {
    /// A reply to `send` (or why there is none).
    Reply(Result<Json, Error>),
    /// The app's answer to `ask`.
    Answer(Answer),
    /// `work(op)` said the SRP math is done.
    Computed,
    /// The values of the keys `load` named (`None` where nothing is stored), or why the
    /// storage could not be read.
    Loaded(Result<Vec<Option<String>>, Error>),
    /// `store` is done, or the storage call named failed.
    Stored(Result<(), Error>),
    /// The operation `await` named has ended.
    Settled,
    /// The cross-tab lock is held, or could not be had in time.
    Locked(Result<(), Error>),
    /// The passkey dialog's credential (as JSON), or why there is none.
    Passkey(Result<Json, Error>),
}

/// How the app answered a question.
#[derive(Debug)]
enum Answer {
    /// The value (a handler's return value, or the step API's `answer(value)`), with the
    /// step's own ClientMetadata.
    Value(Json, crate::wire::StringMap),
    /// The handler threw (the driver keeps what it threw as the error's cause).
    Threw,
}

/// The SDK's state: settings, the session, and the operations under way.
#[derive(Debug, Default)]
pub struct Engine {
    settings: Option<Settings>,
    session: Option<Session>,
    ops: Vec<(u32, Op)>,
    last_op: u32,
    /// The sign-in under way: a newer sign-in or `signOut()` ends it.
    sign_in: Option<u32>,
    /// The refresh under way: `getTokens` calls wait for it.
    refreshing: Option<u32>,
    /// How the last refresh ended: its op and its error, if it failed.
    last_refresh: Option<(u32, Option<Error>)>,
    /// The Session SignUp returned, with its username: ConfirmSignUp sends it back, and gets
    /// the one that signs the new user in.
    sign_up: Option<(String, String)>,
    /// What the current event's action will announce.
    notices: Notices,
    /// An operation started on the way (a refresh, a revocation), with its first action.
    spawned: Option<String>,
}

impl Engine {
    /// An engine without settings: the first event must start `create`.
    pub fn new() -> Self {
        Self::default()
    }

    /// Handles one event (`data`: a reply body, when the event is a reply) and returns the
    /// action, as JSON text.
    pub fn handle(&mut self, env: &mut dyn Environment, event: &str, data: &str) -> String {
        let (op, outcome) = match Json::parse(event) {
            Ok(event) => self.dispatch(env, &event, data),
            Err(_) => (0, Err(Error::InvalidState("The event is not JSON.".into()))),
        };
        self.encode(op, &outcome)
    }

    /// Runs one SRP step of operation `op`; true while more remain (the driver then calls
    /// again, yielding to the page now and then), false once `{"on":"computed"}` may be sent.
    pub fn work(&mut self, env: &mut dyn Environment, op: u32) -> bool {
        match self.ops.iter_mut().find(|(id, _)| *id == op) {
            Some((_, Op::SignIn(sign_in))) => sign_in.work(env),
            _ => false,
        }
    }

    fn encode(&mut self, op: u32, outcome: &Result<Effect, Error>) -> String {
        let notices = core::mem::take(&mut self.notices);
        let text = self.action_text(op, outcome, notices);
        match self.spawned.take() {
            // The started operation's first action rides along.
            Some(spawned) => append_member(text, "spawn", &spawned),
            None => text,
        }
    }

    fn action_text(&self, op: u32, outcome: &Result<Effect, Error>, notices: Notices) -> String {
        let (endpoint, timeout) = self
            .settings
            .as_ref()
            .map_or(("", 0), |s| (s.endpoint.as_str(), s.request_timeout_ms));
        action::encode(op, outcome, notices, endpoint, timeout)
    }

    fn dispatch(
        &mut self,
        env: &mut dyn Environment,
        event: &Json,
        data: &str,
    ) -> (u32, Result<Effect, Error>) {
        if let Some(kind) = event.get("start").and_then(Json::as_str) {
            let options = event.get("options").unwrap_or(&Json::Null);
            let id = self.next_id();
            return (id, self.start(env, id, kind, options));
        }
        let id = event
            .get("op")
            .and_then(Json::as_u64)
            .and_then(|id| u32::try_from(id).ok())
            .unwrap_or(0);
        let on = event.get("on").and_then(Json::as_str).unwrap_or("");
        if on == "abort" {
            let reason = event
                .get("reason")
                .and_then(Json::as_str)
                .and_then(AbortReason::parse)
                .unwrap_or(AbortReason::Aborted);
            self.end(id);
            return (id, Err(Error::Abort(reason)));
        }
        let Some(op) = self.take(id) else {
            return (id, Err(Error::InvalidState("No such operation.".into())));
        };
        let outcome = match input(on, event, data) {
            Ok(input) => {
                let input = self.explain(input);
                self.resume(env, id, op, input)
            }
            Err(error) => {
                self.end(id);
                Err(error)
            }
        };
        (id, outcome)
    }

    /// A refusal that is the app's configuration, not the user's doing, says so: an app
    /// client with a secret, used without `clientSecret`.
    fn explain(&self, input: Input) -> Input {
        let Some(settings) = &self.settings else {
            return input;
        };
        match input {
            Input::Reply(Err(Error::Service(error)))
                if error.name == "NotAuthorizedException"
                    && !settings.client.has_secret()
                    && crate::text::contains(&error.message, "SECRET_HASH was not received") =>
            {
                Input::Reply(Err(Error::InvalidConfig(
                    [
                        "App client ",
                        settings.client.client_id(),
                        " has a client secret and no clientSecret was given, so Cognito refused the call without SECRET_HASH. A browser cannot keep a secret: use an app client without one, or pass clientSecret only in trusted code (a server). Cognito said: ",
                        &error.message,
                    ]
                    .concat(),
                )))
            }
            input => input,
        }
    }

    fn next_id(&mut self) -> u32 {
        self.last_op = self.last_op.wrapping_add(1).max(1);
        self.last_op
    }

    fn start(
        &mut self,
        env: &mut dyn Environment,
        id: u32,
        kind: &str,
        options: &Json,
    ) -> Result<Effect, Error> {
        if kind == "create" {
            if self.settings.is_some() {
                return Err(Error::InvalidState(
                    "The engine is configured already.".into(),
                ));
            }
            self.settings = Some(Settings::parse(options)?);
            let key = self.settings()?.storage_key.clone();
            let load = Effect::Load {
                keys: alloc::vec![key],
                fresh: false,
            };
            return self.proceed(id, Op::Create, Ok(load));
        }
        if kind == "sync" {
            let record = options.get("record").and_then(Json::as_str);
            let session = record.and_then(Session::from_stored);
            self.adopt(session, env);
            return Ok(Effect::Done("null".into()));
        }
        let settings = self.settings()?;
        let (op, effect) = match kind {
            "signIn" => {
                let (op, effect) = SignInOp::start(settings, env, options)?;
                if let Some(old) = self.sign_in.replace(id) {
                    self.cancel(old, AbortReason::Superseded);
                }
                (Op::SignIn(op), effect)
            }
            "getTokens" => {
                let (op, effect) = GetTokens::start(self, env, options)?;
                (Op::GetTokens(op), effect)
            }
            "signOut" => {
                if let Some(sign_in) = self.sign_in.take() {
                    self.cancel(sign_in, AbortReason::SignedOut);
                }
                let (op, effect) = SignOut::start(self, options)?;
                (Op::SignOut(op), effect)
            }
            "forgotPassword" => {
                let (call, effect) = Call::forgot_password(settings, options)?;
                (Op::Call(call), effect)
            }
            "confirmForgotPassword" => {
                let (call, effect) = Call::confirm_forgot_password(settings, options)?;
                (Op::Call(call), effect)
            }
            "signUp" => {
                let (call, effect) = Call::sign_up(settings, options)?;
                (Op::Call(call), effect)
            }
            "resendSignUpCode" => {
                let (call, effect) = Call::resend_sign_up_code(settings, options)?;
                (Op::Call(call), effect)
            }
            "confirmSignUp" => {
                let username = options.get("username").and_then(Json::as_str);
                let session = self
                    .sign_up
                    .as_ref()
                    .filter(|(user, _)| Some(user.as_str()) == username)
                    .map(|(_, session)| session.as_str());
                let (op, effect) = SignInOp::confirm_sign_up(settings, options, session)?;
                (Op::SignIn(op), effect)
            }
            _ => {
                let call = AccountCall::parse(kind).ok_or_else(|| {
                    Error::InvalidConfig(["Unknown operation ", kind, "."].concat())
                })?;
                let (op, effect) = Account::start(self, env, call, options)?;
                (Op::Account(op), effect)
            }
        };
        self.proceed(id, op, Ok(effect))
    }

    fn resume(
        &mut self,
        env: &mut dyn Environment,
        id: u32,
        mut op: Op,
        input: Input,
    ) -> Result<Effect, Error> {
        let outcome = match &mut op {
            Op::Create => self.restored(env, input),
            Op::SignIn(sign_in) => sign_in.resume(self, env, input),
            Op::GetTokens(get) => get.resume(self, env, input),
            Op::Refresh(refresh) => refresh.resume(self, env, id, input),
            Op::SignOut(sign_out) => sign_out.resume(self, env, input),
            Op::Call(call) => call.resume(self, env, input),
            Op::Account(account) => account.resume(self, env, input),
        };
        self.proceed(id, op, outcome)
    }

    /// Keeps `op` while it waits for an effect; forgets it once it is done or failed.
    fn proceed(
        &mut self,
        id: u32,
        op: Op,
        outcome: Result<Effect, Error>,
    ) -> Result<Effect, Error> {
        match outcome {
            Ok(Effect::Done(_)) | Err(_) => self.end(id),
            Ok(_) => self.ops.push((id, op)),
        }
        outcome
    }

    /// Starts an operation of the engine's own (a refresh, a revocation): its first action
    /// goes out with the current one, and the driver runs it from there.
    fn spawn(&mut self, op: Op, outcome: Result<Effect, Error>) -> u32 {
        let id = self.next_id();
        let outcome = self.proceed(id, op, outcome);
        self.spawned = Some(self.action_text(id, &outcome, Notices::default()));
        id
    }

    /// Forgets an operation (it ended, or was aborted) and what pointed at it.
    fn end(&mut self, id: u32) {
        self.ops.retain(|(op, _)| *op != id);
        if self.sign_in == Some(id) {
            self.sign_in = None;
        }
        if self.refreshing == Some(id) {
            self.refreshing = None;
        }
    }

    /// Ends operation `id` and has the driver abort it with `reason`.
    fn cancel(&mut self, id: u32, reason: AbortReason) {
        self.end(id);
        self.notices.cancel(id, &Error::Abort(reason));
    }

    fn take(&mut self, id: u32) -> Option<Op> {
        let index = self.ops.iter().position(|(op, _)| *op == id)?;
        Some(self.ops.swap_remove(index).1)
    }

    fn settings(&self) -> Result<&Settings, Error> {
        self.settings
            .as_ref()
            .ok_or_else(|| Error::InvalidState("The engine is not configured.".into()))
    }

    /// `create`'s storage read: a readable session is restored (and announced), an
    /// unreadable one is dropped. The result names the cross-tab channel, when the storage is
    /// shared: the other tabs' changes come in through it as `sync` operations.
    fn restored(&mut self, env: &mut dyn Environment, input: Input) -> Result<Effect, Error> {
        let settings = self.settings()?;
        let mut created = ObjectWriter::new();
        if settings.shared {
            created.str("channel", &settings.storage_key);
        }
        let created = created.finish();
        match input {
            Input::Loaded(values) => {
                let Some(stored) = values?.into_iter().next().flatten() else {
                    return Ok(Effect::Done(created));
                };
                let Some(session) = Session::from_stored(&stored) else {
                    return Ok(Effect::Store {
                        set: Vec::new(),
                        remove: alloc::vec![settings.storage_key.clone()],
                        shared: false,
                    });
                };
                let detail = append_member(session.tokens_json(), "restored", "true");
                self.replace_session(Some(session), env);
                self.notices.emit("signedIn", &detail);
                Ok(Effect::Done(created))
            }
            Input::Stored(_) => Ok(Effect::Done(created)),
            _ => Err(unexpected_input()),
        }
    }

    /// Replaces the session after a change this tab made: as [`Self::replace_session`], and
    /// the other tabs on shared storage hear of it.
    fn set_session(&mut self, session: Option<Session>, env: &mut dyn Environment) {
        if self.settings.as_ref().is_some_and(|s| s.shared) {
            self.notices.broadcast = Some(session.as_ref().map_or_else(
                || "null".into(),
                |s| crate::json::string_literal(&s.stored()),
            ));
        }
        self.replace_session(session, env);
    }

    /// Takes on a session another tab stored (or its absence: signed out there), with the
    /// event this tab's listeners would have heard had the change been made here.
    fn adopt(&mut self, session: Option<Session>, env: &mut dyn Environment) {
        let event = match (&self.session, &session) {
            (current, incoming) if current == incoming => return,
            (Some(current), Some(incoming)) if current.username() == incoming.username() => {
                "tokenRefreshed"
            }
            (_, Some(_)) => "signedIn",
            (Some(_), None) => "signedOut",
            (None, None) => return,
        };
        let detail = session
            .as_ref()
            .map_or_else(|| "null".into(), Session::tokens_json);
        self.replace_session(session, env);
        self.notices.emit(event, &detail);
    }

    /// Replaces the session in memory, announces the new snapshot and (re)arms the refresh
    /// timer. Storage is the operation's to write first.
    fn replace_session(&mut self, session: Option<Session>, env: &mut dyn Environment) {
        let timer = match (&session, &self.settings) {
            (Some(session), Some(settings)) if settings.auto_refresh => {
                let mut noise = [0u8; 2];
                // Without randomness the timer is simply not spread out.
                let _ = env.random(&mut noise);
                let jitter = u64::from(u16::from_le_bytes(noise) % 15_000);
                // A browser timer holds at most 2^31 - 1 ms; a later one fires at once.
                Some(
                    session
                        .refresh_due_in(env.now_ms(), jitter)
                        .min(2_147_483_647),
                )
            }
            _ => None,
        };
        self.notices.timer = Some(timer);
        self.notices.snapshot = Some(snapshot_json(session.as_ref()));
        self.session = session;
    }
}

/// The input an `on` event carries.
fn input(on: &str, event: &Json, data: &str) -> Result<Input, Error> {
    let text = |key: &str| event.get(key).and_then(Json::as_str);
    Ok(match on {
        "reply" => Input::Reply(match text("failure") {
            Some("timeout") => Err(Error::Timeout),
            Some(_) => Err(Error::Network(
                ["The request failed: ", text("message").unwrap_or("")].concat(),
            )),
            None => {
                let header = |name: &str| {
                    event
                        .get("headers")
                        .and_then(|h| h.get(name))
                        .and_then(Json::as_str)
                };
                HttpReply {
                    status: event
                        .get("status")
                        .and_then(Json::as_u64)
                        .and_then(|s| u16::try_from(s).ok())
                        .unwrap_or(0),
                    body: data,
                    error_type: header("x-amzn-errortype"),
                    request_id: header("x-amzn-requestid"),
                }
                .into_json()
            }
        }),
        "answer" => Input::Answer(if event.get("threw").is_some() {
            Answer::Threw
        } else {
            Answer::Value(
                event.get("value").cloned().unwrap_or(Json::Null),
                string_map(event.get("clientMetadata"), "clientMetadata")?,
            )
        }),
        "computed" => Input::Computed,
        "loaded" => Input::Loaded(match (text("failed"), event.get("values")) {
            (Some(method), _) => Err(storage_failed(method)),
            (None, Some(Json::Array(values))) => Ok(values
                .iter()
                .map(|v| v.as_str().map(String::from))
                .collect()),
            (None, _) => Ok(Vec::new()),
        }),
        "stored" => Input::Stored(match text("failed") {
            Some(method) => Err(storage_failed(method)),
            None => Ok(()),
        }),
        "settled" => Input::Settled,
        "passkey" => Input::Passkey(match (text("failed"), event.get("credential")) {
            (None, Some(credential @ Json::Object(_))) => Ok(credential.clone()),
            (Some("NotAllowedError" | "AbortError"), _) => {
                Err(Error::Abort(AbortReason::Cancelled))
            }
            (Some("unsupported"), _) => Err(Error::UnsupportedBrowser),
            (failed, _) => Err(Error::Passkey(
                [
                    failed.unwrap_or("NoCredential"),
                    ": ",
                    text("message").unwrap_or(""),
                ]
                .concat(),
            )),
        }),
        "locked" => Input::Locked(match text("failed") {
            Some(_) => Err(Error::LockTimeout),
            None => Ok(()),
        }),
        _ => return Err(Error::InvalidState("Unknown event.".into())),
    })
}

/// The error for a storage call (`getItem`, `setItem`, `removeItem`) that threw or rejected.
fn storage_failed(method: &str) -> Error {
    Error::InvalidConfig(["storage.", method, " failed."].concat())
}

/// The error for an input an operation does not wait for (a driver bug).
fn unexpected_input() -> Error {
    Error::InvalidState("The operation was not waiting for that.".into())
}
