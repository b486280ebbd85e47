//! What the engine tells the JS driver to do, as JSON text: one effect to perform and wait for
//! (`do`), plus notifications to deliver on the way (`emit`, `snapshot`, `timer`, `cancel`,
//! `broadcast` to the other tabs, `spawn` of another operation).
//!
//! ```text
//! {"op":3,"do":"send","url":"…","headers":{…},"body":"{…}","delay":0,"timeout":20000}
//! {"op":3,"do":"ask","handler":"smsMfa","context":{"challengeName":"SMS_MFA",…}}
//! {"op":3,"do":"compute"}                      run engine.work(3) until false, yielding
//! {"op":3,"do":"load","keys":["k"],"fresh":false}   answer {"on":"loaded","values":[…]}
//! {"op":3,"do":"store","set":[["k","v"]],"remove":["k2"],"shared":true}
//! {"op":3,"do":"lock","name":"…","timeout":10000}   answer {"on":"locked"} once held
//! {"op":3,"do":"passkey","get":{…}}            answer {"on":"passkey","credential":{…}}
//! {"op":3,"do":"await","target":2}             answer {"on":"settled"} once op 2 ended
//! {"op":3,"do":"done","value":…}               the operation's result
//! {"op":3,"do":"fail","error":{"name":…,"message":…,"retryable":false}}
//! ```

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;

use crate::error::Error;
use crate::flow::{Handler, Prompt};
use crate::json::{raw_array, string_array, string_literal, ObjectWriter};
use crate::wire::{Request, CONTENT_TYPE};

/// Sent as `X-Amz-User-Agent` (browsers forbid setting `User-Agent`).
const USER_AGENT: &str = concat!("cognito-wasm/", env!("CARGO_PKG_VERSION"));

/// The one thing an operation waits for next.
#[derive(Debug)]
pub enum Effect {
    /// Ask the app (a handler, or the caller of the step API).
    Ask(Box<Prompt>),
    /// Wait for another operation to end.
    Await(u32),
    /// Run SRP math with `work(op)` in slices.
    Compute,
    /// The operation's result (JSON text).
    Done(String),
    /// The browser's passkey dialog: `navigator.credentials.get` (or `.create`, to register
    /// one) with these options (JSON text); answered with the credential as JSON.
    Passkey {
        /// Register a passkey rather than use one.
        create: bool,
        /// PublicKeyCredentialRequestOptionsJSON (or …CreationOptionsJSON).
        options: String,
    },
    /// Read these storage keys; `fresh`: as the last write of any tab left them (the driver
    /// reads its cross-tab mirror, which is ordered with the lock, where storage may lag).
    Load {
        /// The keys.
        keys: Vec<String>,
        /// Read what the other tabs wrote last.
        fresh: bool,
    },
    /// Take the cross-tab lock `name` (held until the operation ends), waiting at most
    /// `timeout_ms`.
    Lock {
        /// The lock's name.
        name: String,
        /// How long to wait for it.
        timeout_ms: u64,
    },
    /// Wait `delay_ms`, then send the request.
    Send {
        /// The call.
        request: Request,
        /// Backoff before sending.
        delay_ms: u32,
    },
    /// Write (`set`) and delete (`remove`) storage keys; `shared`: also in the cross-tab
    /// mirror that fresh reads read.
    Store {
        /// Keys and values to write.
        set: Vec<(String, String)>,
        /// Keys to delete.
        remove: Vec<String>,
        /// Mirror the writes for the other tabs.
        shared: bool,
    },
}

/// Notifications gathered while handling one event, delivered with its action.
#[derive(Debug, Default)]
pub struct Notices {
    /// `[name, detail]` pairs (detail is JSON text); an error detail is marked with a third
    /// element `1`.
    pub emits: Vec<String>,
    /// Operations to abort: `[op, error]`.
    pub cancels: Vec<String>,
    /// The snapshot, when it changed.
    pub snapshot: Option<String>,
    /// `Some(Some(ms))` arms the refresh timer, `Some(None)` clears it.
    pub timer: Option<Option<u64>>,
    /// For the other tabs on the same storage: the session record now (`null` when signed
    /// out), when this tab changed it.
    pub broadcast: Option<String>,
}

impl Notices {
    /// Queues an event for the app's listeners.
    pub fn emit(&mut self, name: &str, detail: &str) {
        self.emits
            .push(raw_array(&[string_literal(name).as_str(), detail]));
    }

    /// Queues an event whose detail is an error.
    pub fn emit_error(&mut self, name: &str, error: &Error) {
        self.emits.push(raw_array(&[
            string_literal(name).as_str(),
            &error_json(error),
            "1",
        ]));
    }

    /// Aborts another operation with `error`.
    pub fn cancel(&mut self, op: u32, error: &Error) {
        let mut id = String::new();
        crate::json::push_decimal(&mut id, u64::from(op));
        self.cancels.push(raw_array(&[id, error_json(error)]));
    }
}

/// The action text for operation `op`: `effect` (or the failure) with the notices.
pub fn encode(
    op: u32,
    outcome: &Result<Effect, Error>,
    notices: Notices,
    endpoint: &str,
    timeout_ms: u64,
) -> String {
    let mut action = ObjectWriter::new();
    action.num("op", u64::from(op));
    match outcome {
        Ok(effect) => effect_fields(&mut action, effect, endpoint, timeout_ms),
        Err(error) => {
            action.str("do", "fail").raw("error", &error_json(error));
        }
    }
    if !notices.emits.is_empty() {
        action.raw("emit", &raw_array(&notices.emits));
    }
    if !notices.cancels.is_empty() {
        action.raw("cancel", &raw_array(&notices.cancels));
    }
    if let Some(snapshot) = &notices.snapshot {
        action.raw("snapshot", snapshot);
    }
    if let Some(record) = &notices.broadcast {
        action.raw("broadcast", record);
    }
    match notices.timer {
        Some(Some(ms)) => {
            action.num("timer", ms);
        }
        Some(None) => {
            action.raw("timer", "null");
        }
        None => {}
    }
    action.finish()
}

fn effect_fields(action: &mut ObjectWriter, effect: &Effect, endpoint: &str, timeout_ms: u64) {
    match effect {
        Effect::Ask(prompt) => {
            action
                .str("do", "ask")
                .str("handler", prompt.handler.js_name())
                .raw("context", &prompt_json(prompt));
        }
        Effect::Await(target) => {
            action.str("do", "await").num("target", u64::from(*target));
        }
        Effect::Compute => {
            action.str("do", "compute");
        }
        Effect::Done(value) => {
            action.str("do", "done").raw("value", value);
        }
        Effect::Load { keys, fresh } => {
            action
                .str("do", "load")
                .raw("keys", &string_array(keys.iter().map(String::as_str)))
                .bool("fresh", *fresh);
        }
        Effect::Passkey { create, options } => {
            action
                .str("do", "passkey")
                .raw(if *create { "create" } else { "get" }, options);
        }
        Effect::Lock { name, timeout_ms } => {
            action
                .str("do", "lock")
                .str("name", name)
                .num("timeout", *timeout_ms);
        }
        Effect::Send { request, delay_ms } => {
            let mut headers = ObjectWriter::new();
            headers
                .str("Content-Type", CONTENT_TYPE)
                .str("X-Amz-Target", &request.operation.target())
                .str("X-Amz-User-Agent", USER_AGENT)
                .str("Cache-Control", "no-store");
            action
                .str("do", "send")
                .str("url", endpoint)
                .raw("headers", &headers.finish())
                .str("body", &request.body)
                .num("delay", u64::from(*delay_ms))
                .num("timeout", timeout_ms);
        }
        Effect::Store {
            set,
            remove,
            shared,
        } => {
            let pairs: Vec<String> = set
                .iter()
                .map(|(key, value)| string_array([key.as_str(), value.as_str()]))
                .collect();
            action
                .str("do", "store")
                .raw("set", &raw_array(&pairs))
                .raw("remove", &string_array(remove.iter().map(String::as_str)))
                .bool("shared", *shared);
        }
    }
}

/// `{"name","message","retryable","requestId"?,"challengeName"?,"reason"?}`.
pub fn error_json(error: &Error) -> String {
    let mut json = ObjectWriter::new();
    json.str("name", error.name())
        .str("message", &error.message())
        .bool("retryable", error.retryable())
        .opt_str("requestId", error.request_id());
    match error {
        Error::ChallengeHandlerMissing { challenge_name } => {
            json.str("challengeName", challenge_name);
        }
        Error::Service(service) => {
            json.opt_str("challengeName", service.challenge_name.as_deref());
        }
        Error::Abort(reason) => {
            json.str("reason", reason.name());
        }
        _ => {}
    }
    json.finish()
}

/// The handler context: `{challengeName, parameters, username, attempt, error?, …}` with the
/// fields of this handler's kind.
fn prompt_json(prompt: &Prompt) -> String {
    let mut context = ObjectWriter::new();
    context
        .str("challengeName", &prompt.challenge_name)
        .map("parameters", &prompt.parameters)
        .str("username", &prompt.username)
        .num("attempt", u64::from(prompt.attempt));
    if let Some(error) = &prompt.error {
        context.raw("error", &error_json(error));
    }
    match prompt.handler {
        Handler::SmsMfa | Handler::SmsOtp | Handler::EmailOtp => {
            context
                .opt_str("destination", prompt.destination.as_deref())
                .opt_str("deliveryMedium", prompt.delivery_medium.as_deref());
        }
        Handler::SelectMfaType => {
            context.raw(
                "mfaTypes",
                &string_array(prompt.mfa_types.iter().map(String::as_str)),
            );
        }
        Handler::MfaSetup => {
            context
                .opt_str(
                    "secretCode",
                    prompt.secret_code.as_ref().map(|s| s.expose()),
                )
                .opt_str(
                    "otpauthUri",
                    prompt.otpauth_uri.as_ref().map(|s| s.expose()),
                );
        }
        Handler::NewPasswordRequired => {
            context
                .raw(
                    "requiredAttributes",
                    &string_array(prompt.required_attributes.iter().map(String::as_str)),
                )
                .map("userAttributes", &prompt.user_attributes);
        }
        Handler::SelectChallenge | Handler::Password => {
            context.raw(
                "availableChallenges",
                &string_array(prompt.available_challenges.iter().map(String::as_str)),
            );
        }
        Handler::WebAuthn => {
            context.raw(
                "requestOptions",
                prompt.request_options.as_deref().unwrap_or("null"),
            );
        }
        Handler::CustomChallenge | Handler::Other | Handler::SoftwareTokenMfa => {}
    }
    context.finish()
}
