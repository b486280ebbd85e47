//! Calling the app's challenge handlers and reading their answers.

use alloc::vec::Vec;

use js_sys::{Array, Object, Promise};
use wasm_bindgen::JsValue;
use web_sys::AbortSignal;

use super::js::{call, get, get_string, map_from_object, number_text, object_from_map, set};
use super::timer::until_aborted;
use super::transport::check_abort;
use super::Failure;
use crate::error::Error;
use crate::flow::{Answer, Handler, Prompt};
use crate::wire::lookup;

/// Asks the handler for `prompt` and waits for its answer (or the abort signal).
/// `make_error` turns the previous attempt's error into the JS error the context carries.
pub async fn ask(
    handlers: &JsValue,
    prompt: Prompt,
    signal: Option<&AbortSignal>,
    make_error: impl Fn(&Error) -> JsValue,
) -> Result<Answer, Failure> {
    check_abort(signal)?;
    let handler = prompt.handler;
    let function = get(handlers, handler.js_name());
    if !function.is_function() {
        return Err(Error::ChallengeHandlerMissing {
            challenge_name: prompt.challenge_name,
        }
        .into());
    }
    let context = context(&prompt, signal, make_error);
    let returned =
        call(&function, handlers, &[&context]).map_err(|cause| failed(handler, cause))?;
    let value = until_aborted(Promise::resolve(&returned), signal).await;
    check_abort(signal)?;
    let value = value.map_err(|cause| failed(handler, cause))?;
    answer(handler, &value).ok_or_else(|| {
        Error::Handler(
            [
                "The ",
                handler.js_name(),
                " handler returned ",
                expected(handler),
                ".",
            ]
            .concat(),
        )
        .into()
    })
}

/// `c = { challengeName, parameters, username, attempt, error?, signal, … }`.
fn context(
    prompt: &Prompt,
    signal: Option<&AbortSignal>,
    make_error: impl Fn(&Error) -> JsValue,
) -> Object {
    let context = Object::new();
    set(&context, "challengeName", prompt.challenge_name.as_str());
    set(&context, "parameters", object_from_map(&prompt.parameters));
    set(&context, "username", prompt.username.as_str());
    set(&context, "attempt", prompt.attempt);
    if let Some(error) = &prompt.error {
        set(&context, "error", make_error(error));
    }
    if let Some(signal) = signal {
        set(&context, "signal", signal.clone());
    }
    if let Some(secret) = &prompt.secret_code {
        set(&context, "secretCode", secret.as_str());
    }
    if let Some(uri) = &prompt.otpauth_uri {
        set(&context, "otpauthUri", uri.as_str());
    }
    match prompt.handler {
        Handler::NewPasswordRequired => {
            let required: Array = prompt
                .required_attributes
                .iter()
                .map(|a| JsValue::from_str(a))
                .collect();
            set(&context, "requiredAttributes", required);
            if let Some(attributes) = parsed_parameter(prompt, "userAttributes") {
                set(&context, "userAttributes", attributes);
            }
        }
        Handler::SelectMfaType => {
            if let Some(types) = parsed_parameter(prompt, "MFAS_CAN_CHOOSE") {
                set(&context, "mfaTypes", types);
            }
        }
        Handler::SmsMfa | Handler::EmailOtp => {
            for (key, name) in [
                ("CODE_DELIVERY_DESTINATION", "destination"),
                ("CODE_DELIVERY_DELIVERY_MEDIUM", "deliveryMedium"),
            ] {
                if let Some(value) = lookup(&prompt.parameters, key) {
                    set(&context, name, value);
                }
            }
        }
        _ => {}
    }
    context
}

/// A challenge parameter that carries JSON (`userAttributes`, `MFAS_CAN_CHOOSE`), parsed.
fn parsed_parameter(prompt: &Prompt, key: &str) -> Option<JsValue> {
    js_sys::JSON::parse(lookup(&prompt.parameters, key)?).ok()
}

/// The answer a handler's value stands for, if it is of the right shape.
fn answer(handler: Handler, value: &JsValue) -> Option<Answer> {
    let text = || {
        value
            .as_string()
            .or_else(|| value.as_f64().map(number_text))
            .filter(|s| !s.is_empty())
    };
    match handler {
        Handler::SmsMfa | Handler::SoftwareTokenMfa | Handler::EmailOtp | Handler::MfaSetup => {
            text().map(Answer::Code)
        }
        Handler::SelectMfaType => text().map(Answer::MfaType),
        Handler::NewPasswordRequired => Some(Answer::NewPassword {
            password: get_string(value, "newPassword").filter(|p| !p.is_empty())?,
            attributes: map_from_object(&get(value, "attributes"), "attributes").ok()?,
        }),
        Handler::CustomChallenge => match text() {
            Some(answer) => Some(Answer::Custom {
                answer,
                client_metadata: Vec::new(),
            }),
            None => Some(Answer::Custom {
                answer: get_string(value, "answer")?,
                client_metadata: map_from_object(&get(value, "clientMetadata"), "clientMetadata")
                    .ok()?,
            }),
        },
        Handler::Other => {
            if !value.is_object() {
                return None;
            }
            map_from_object(value, "ChallengeResponses")
                .ok()
                .map(Answer::Responses)
        }
    }
}

fn expected(handler: Handler) -> &'static str {
    match handler {
        Handler::NewPasswordRequired => "no { newPassword, attributes? }",
        Handler::CustomChallenge => "no answer string or { answer, clientMetadata? }",
        Handler::Other => "no ChallengeResponses object",
        Handler::SelectMfaType => "no MFA type",
        _ => "no code",
    }
}

fn failed(handler: Handler, cause: JsValue) -> Failure {
    Failure::Error {
        error: Error::Handler(["The ", handler.js_name(), " handler threw."].concat()),
        cause,
    }
}
