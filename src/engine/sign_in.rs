//! The `signIn` operation: the sign-in state machine ([`crate::flow`]) between reading the
//! remembered device and storing what the sign-in produced.
//!
//! ```text
//! start ─▶ load device ─▶ flow (send / ask / compute …) ─▶ store session and device ─▶ done
//!                                                                  └─▶ spawn revoke of the replaced session
//! ```

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;

use super::action::{error_json, Effect};
use super::calls::Call;
use super::session::Session;
use super::settings::{flag, optional_string, required_string, Settings};
use super::{Answer, Engine, Input, Op};
use crate::client::{add_metadata, merge_metadata, request, ClientConfig, Environment};
use crate::error::Error;
use crate::flow::{self, AuthFlow, DeviceSecret, Handler, SignIn, SignInParams, SignedIn, Step};
use crate::json::{Json, ObjectWriter};
use crate::secret::Secret;
use crate::wire::{text, Operation};

/// The first factors USER_AUTH offers.
const FIRST_FACTORS: [&str; 5] = [
    "PASSWORD",
    "PASSWORD_SRP",
    "EMAIL_OTP",
    "SMS_OTP",
    "WEB_AUTHN",
];

/// Where a sign-in is.
#[derive(Debug)]
enum Phase {
    /// ConfirmSignUp is out; with its Session, the new user is signed in with these params.
    Confirming(Box<SignInParams>),
    /// Reading the device remembered for the typed username.
    LoadingDevice(Box<SignInParams>),
    /// The flow runs.
    Running(Box<SignIn>),
    /// The session (and device) are being written; then `value` is the result.
    Storing {
        session: Box<Session>,
        value: String,
    },
    /// Nothing more to do.
    Ended,
}

/// One `signIn` / `startSignIn` (or `confirmSignUp` that signs the new user in).
#[derive(Debug)]
pub struct SignInOp {
    phase: Phase,
    client: ClientConfig,
    /// Storage slot of the device remembered for what the user typed.
    typed_slot: String,
    /// `signIn`: the handlers the app has (a challenge without one ends the sign-in, an
    /// unusable answer too). `startSignIn`: none, the caller answers every step.
    handlers: Option<Vec<String>>,
    /// The question being answered: its handler reads the answer.
    asked: Option<(Handler, String)>,
    /// What `work` finished with, for the `computed` event.
    computed: Option<Result<Step, Error>>,
    /// WEB_AUTHN: the passkey request the browser is asked, when the app gives no credential.
    passkey_options: Option<String>,
}

impl SignInOp {
    /// Reads the options (`username`, `password`, `authFlow`, `preferredChallenge`,
    /// `clientMetadata`, `handlers`) and reads the remembered device first when devices are
    /// remembered.
    pub fn start(
        settings: &Settings,
        env: &mut dyn Environment,
        options: &Json,
    ) -> Result<(Box<Self>, Effect), Error> {
        let mut op = Self::new(settings, options);
        let params = op.params(settings, options)?;
        let effect = op.begin(settings, env, params)?;
        Ok((op, effect))
    }

    /// `confirmSignUp({ username, code, clientMetadata?, autoSignIn? })`: ConfirmSignUp, then,
    /// with the Session it returns and `autoSignIn`, InitiateAuth USER_AUTH with that Session
    /// (the code was the first factor). Its value is the tokens, or `null`.
    pub fn confirm_sign_up(
        settings: &Settings,
        options: &Json,
        sign_up_session: Option<&str>,
    ) -> Result<(Box<Self>, Effect), Error> {
        let username = required_string(options, "username")?;
        let metadata = settings.call_metadata(options)?;
        let mut body = settings.client.user_body(&username);
        body.str("ConfirmationCode", &required_string(options, "code")?)
            .opt_str("Session", sign_up_session);
        add_metadata(&mut body, &metadata);
        let mut op = Self::new(settings, options);
        op.typed_slot = settings.device_slot(&username);
        let mut params = Box::new(op.params(settings, options)?);
        params.flow = AuthFlow::UserAuth;
        params.client_metadata = metadata;
        op.phase = if flag(options, "autoSignIn") {
            Phase::Confirming(params)
        } else {
            Phase::Ended
        };
        let request = request(Operation::ConfirmSignUp, body);
        Ok((
            op,
            Effect::Send {
                request,
                delay_ms: 0,
            },
        ))
    }

    fn new(settings: &Settings, options: &Json) -> Box<Self> {
        let handlers = match options.get("handlers") {
            Some(Json::Array(names)) => Some(
                names
                    .iter()
                    .filter_map(Json::as_str)
                    .map(String::from)
                    .collect(),
            ),
            _ => None,
        };
        Box::new(Self {
            phase: Phase::Ended,
            client: settings.client.clone(),
            typed_slot: String::new(),
            handlers,
            asked: None,
            computed: None,
            passkey_options: None,
        })
    }

    /// The flow's parameters from the options.
    fn params(&mut self, settings: &Settings, options: &Json) -> Result<SignInParams, Error> {
        let username = required_string(options, "username")?;
        let flow = match optional_string(options, "authFlow")? {
            None => AuthFlow::UserSrp,
            Some(name) => AuthFlow::parse(&name)
                .ok_or_else(|| Error::InvalidConfig(["Unknown authFlow ", &name, "."].concat()))?,
        };
        let preferred_challenge = optional_string(options, "preferredChallenge")?;
        if let Some(preferred) = &preferred_challenge {
            if flow != AuthFlow::UserAuth || !FIRST_FACTORS.contains(&preferred.as_str()) {
                return Err(Error::InvalidConfig(
                    "preferredChallenge is one of PASSWORD, PASSWORD_SRP, EMAIL_OTP, SMS_OTP and WEB_AUTHN, with authFlow USER_AUTH.".into(),
                ));
            }
        }
        self.typed_slot = settings.device_slot(&username);
        Ok(SignInParams {
            password: optional_string(options, "password")?
                .unwrap_or_default()
                .into(),
            username,
            flow,
            client_metadata: settings.call_metadata(options)?,
            device: None,
            remember_device: settings
                .remember_devices
                .then(|| settings.device_name.clone()),
            totp_issuer: settings.totp_issuer.clone(),
            preferred_challenge,
            session: None,
        })
    }

    fn begin(
        &mut self,
        settings: &Settings,
        env: &mut dyn Environment,
        params: SignInParams,
    ) -> Result<Effect, Error> {
        if settings.remember_devices {
            self.phase = Phase::LoadingDevice(Box::new(params));
            return Ok(Effect::Load {
                keys: alloc::vec![self.typed_slot.clone()],
                fresh: false,
            });
        }
        self.run(env, params)
    }

    fn run(&mut self, env: &mut dyn Environment, params: SignInParams) -> Result<Effect, Error> {
        let mut flow = Box::new(SignIn::new(self.client.clone(), params));
        let step = flow.start(env);
        self.phase = Phase::Running(flow);
        self.effect(step)
    }

    /// One SRP step (see [`Engine::work`]).
    pub fn work(&mut self, env: &mut dyn Environment) -> bool {
        let Phase::Running(flow) = &mut self.phase else {
            return false;
        };
        match flow.compute(env, 1) {
            Ok(None) => true,
            outcome => {
                self.computed = outcome.transpose();
                false
            }
        }
    }

    pub(super) fn resume(
        &mut self,
        engine: &mut Engine,
        env: &mut dyn Environment,
        input: Input,
    ) -> Result<Effect, Error> {
        match (core::mem::replace(&mut self.phase, Phase::Ended), input) {
            (Phase::Confirming(mut params), Input::Reply(reply)) => {
                params.session = text(&reply?, "Session");
                if params.session.is_none() {
                    return Ok(Effect::Done("null".into()));
                }
                let settings = engine.settings()?;
                self.begin(settings, env, *params)
            }
            (Phase::Ended, Input::Reply(reply)) => {
                reply?;
                Ok(Effect::Done("null".into()))
            }
            (Phase::LoadingDevice(mut params), Input::Loaded(values)) => {
                params.device = values?
                    .into_iter()
                    .next()
                    .flatten()
                    .and_then(|t| parse_device(&t));
                self.run(env, *params)
            }
            (Phase::Running(mut flow), input) => {
                let step = match input {
                    Input::Reply(reply) => flow.on_reply(env, reply),
                    Input::Computed => match self.computed.take() {
                        Some(step) => step,
                        None => flow
                            .compute(env, usize::MAX)
                            .and_then(|s| s.ok_or_else(super::unexpected_input)),
                    },
                    Input::Answer(Answer::Value(Json::Null, _))
                        if self
                            .asked
                            .as_ref()
                            .is_some_and(|(h, _)| *h == Handler::WebAuthn) =>
                    {
                        // No credential from the app: the browser's passkey dialog.
                        self.phase = Phase::Running(flow);
                        return self.passkey();
                    }
                    Input::Answer(answer) => self.answer(env, &mut flow, answer),
                    Input::Passkey(credential) => {
                        self.asked = None;
                        credential.and_then(|c| {
                            flow.on_answer(env, flow::Answer::Credential(c.encode()), &[])
                        })
                    }
                    _ => Err(super::unexpected_input()),
                };
                self.phase = Phase::Running(flow);
                match step {
                    Ok(Step::Done(done)) => self.finish(engine, env, *done),
                    step => self.effect(step),
                }
            }
            (Phase::Storing { session, value }, Input::Stored(stored)) => {
                stored?;
                let tokens = session.tokens_json();
                let replaced = engine.session.take();
                engine.set_session(Some(*session), env);
                engine.notices.emit("signedIn", &tokens);
                if let Some(old) = replaced {
                    revoke_replaced(engine, &old);
                }
                Ok(Effect::Done(value))
            }
            _ => Err(super::unexpected_input()),
        }
    }

    /// The flow's answer to the app's: a throwing handler ends the sign-in; a value of the
    /// wrong shape is asked again (or, from a handler, ends it).
    fn answer(
        &mut self,
        env: &mut dyn Environment,
        flow: &mut SignIn,
        answer: Answer,
    ) -> Result<Step, Error> {
        let (handler, _) = self.asked.take().ok_or_else(super::unexpected_input)?;
        match answer {
            Answer::Threw => Err(Error::Handler(
                ["The ", handler.js_name(), " handler threw."].concat(),
            )),
            Answer::Value(value, step_metadata) => match flow::Answer::parse(handler, &value) {
                Some((answer, metadata)) => {
                    flow.on_answer(env, answer, &merge_metadata(&step_metadata, &metadata))
                }
                None => flow.refuse_answer(),
            },
        }
    }

    /// The effect a flow step asks for. With handlers, a challenge nobody handles ends the
    /// sign-in (a passkey is then asked of the browser itself), and so does a question asked
    /// again because the handler's answer was unusable.
    fn effect(&mut self, step: Result<Step, Error>) -> Result<Effect, Error> {
        Ok(match step? {
            Step::Send { request, delay_ms } => Effect::Send { request, delay_ms },
            Step::Compute => Effect::Compute,
            Step::Ask(prompt) => {
                self.asked = Some((prompt.handler, prompt.challenge_name.clone()));
                self.passkey_options.clone_from(&prompt.request_options);
                if let Some(handlers) = &self.handlers {
                    if let Some(error @ Error::Handler(_)) = prompt.error {
                        return Err(error);
                    }
                    if !handlers.iter().any(|name| name == prompt.handler.js_name()) {
                        if prompt.handler == Handler::WebAuthn {
                            return self.passkey();
                        }
                        return Err(Error::ChallengeHandlerMissing {
                            challenge_name: prompt.challenge_name,
                        });
                    }
                }
                Effect::Ask(prompt)
            }
            // `resume` finishes a sign-in; the flow never ends at its start.
            Step::Done(_) => return Err(super::unexpected_input()),
        })
    }

    /// The browser's passkey dialog for the WEB_AUTHN challenge asked.
    fn passkey(&self) -> Result<Effect, Error> {
        let options = self
            .passkey_options
            .clone()
            .ok_or_else(|| crate::wire::malformed("CREDENTIAL_REQUEST_OPTIONS"))?;
        Ok(Effect::Passkey {
            create: false,
            options,
        })
    }

    /// Signed in: the session and the device go to storage (the device under the typed and
    /// the service's username), then the session is the engine's.
    fn finish(
        &mut self,
        engine: &Engine,
        env: &mut dyn Environment,
        done: SignedIn,
    ) -> Result<Effect, Error> {
        let settings = engine.settings()?;
        let SignedIn {
            result,
            device,
            device_error,
        } = done;
        let session = Session::new(
            &result,
            result.refresh_token.clone(),
            device.as_ref().map(|d| d.device_key.clone()),
            env.now_ms(),
        )?;
        let mut set = alloc::vec![(settings.storage_key.clone(), session.stored())];
        let mut remove = Vec::new();
        if settings.remember_devices {
            for slot in [
                self.typed_slot.clone(),
                settings.device_slot(session.username()),
            ] {
                match &device {
                    Some(device) => set.push((slot, device_record(device))),
                    None => remove.push(slot),
                }
            }
        }
        let mut value = ObjectWriter::new();
        value.raw("tokens", &session.tokens_json());
        if let Some(error) = &device_error {
            value.raw("rememberDeviceError", &error_json(error));
        }
        self.phase = Phase::Storing {
            session: Box::new(session),
            value: value.finish(),
        };
        Ok(Effect::Store {
            set,
            remove,
            shared: settings.shared,
        })
    }
}

/// A new sign-in replaced `old`: its refresh token is revoked (when the client allows it), so
/// that it does not stay valid unseen. The revocation runs on its own; its failure changes
/// nothing here.
fn revoke_replaced(engine: &mut Engine, old: &Session) {
    let still_used = engine
        .session
        .as_ref()
        .and_then(Session::refresh_token)
        .zip(old.refresh_token())
        .is_some_and(|(new, old)| new == old);
    let (Some(token), true, false) = (old.refresh_token(), old.revocable(), still_used) else {
        return;
    };
    let Ok(settings) = engine.settings() else {
        return;
    };
    let (call, effect) = Call::revoke(settings, token.expose());
    engine.spawn(Op::Call(call), Ok(effect));
}

/// The storage record of a remembered device.
fn device_record(device: &DeviceSecret) -> String {
    let mut json = ObjectWriter::new();
    json.str("deviceKey", &device.device_key)
        .str("deviceGroupKey", &device.device_group_key)
        .str("devicePassword", device.device_password.expose());
    json.finish()
}

/// A remembered device as [`device_record`] wrote it (an unreadable one counts as none).
fn parse_device(stored: &str) -> Option<DeviceSecret> {
    let json = Json::parse(stored).ok()?;
    Some(DeviceSecret {
        device_key: text(&json, "deviceKey")?,
        device_group_key: text(&json, "deviceGroupKey")?,
        device_password: Secret::from(text(&json, "devicePassword")?),
    })
}
