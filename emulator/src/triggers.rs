//! Invoking triggers: builds the Lambda event (common fields + `request`), runs the built-in or
//! the webhook, logs the invocation with the ClientMetadata / validationData it carried, and
//! returns the event's `response`.

use serde_json::{json, Value};

use crate::app::App;
use crate::builtin;
use crate::config::{TriggerName, TriggerTarget};
use crate::error::{ApiError, ApiResult, ErrorKind};
use crate::test_hooks::{CallRecord, TriggerRecord};
use crate::webhook::{self, WebhookError};

/// One invocation: which trigger, with what `triggerSource`, for whom.
#[derive(Debug, Clone, Copy)]
pub struct Invocation<'a> {
    pub trigger: TriggerName,
    /// e.g. `PreAuthentication_Authentication`.
    pub source: &'a str,
    pub username: &'a str,
    pub client_id: &'a str,
}

/// Whether the pool configures `trigger`.
pub fn configured(app: &App, trigger: TriggerName) -> bool {
    app.config.trigger(trigger).is_some()
}

/// Runs the trigger if configured: `Ok(None)` when it is not, else the event's `response`.
pub async fn invoke(
    app: &App,
    record: &mut CallRecord,
    invocation: Invocation<'_>,
    request: Value,
) -> ApiResult<Option<Value>> {
    let Some(target) = app.config.trigger(invocation.trigger) else {
        return Ok(None);
    };
    let field = |name: &str| request.get(name).filter(|v| !v.is_null()).cloned();
    record.triggers.push(TriggerRecord {
        name: invocation.trigger.as_str().to_owned(),
        trigger_source: invocation.source.to_owned(),
        client_metadata: field("clientMetadata"),
        validation_data: field("validationData"),
    });
    let event = json!({
        "version": "1",
        "region": app.config.region(),
        "userPoolId": app.config.user_pool_id,
        "userName": invocation.username,
        "callerContext": {
            "awsSdkVersion": "aws-sdk-unknown-unknown",
            "clientId": invocation.client_id,
        },
        "triggerSource": invocation.source,
        "request": request,
        "response": {},
    });
    let name = invocation.trigger.as_str();
    let response = match target {
        TriggerTarget::Builtin => builtin::run(&app.config, invocation.trigger, &event)?,
        TriggerTarget::Webhook(url) => {
            let returned = webhook::post_event(url, &event)
                .await
                .map_err(|e| webhook_error(name, e))?;
            returned.get("response").cloned().unwrap_or(Value::Null)
        }
    };
    if response.is_object() {
        Ok(Some(response))
    } else {
        Err(ApiError::new(
            ErrorKind::InvalidLambdaResponse,
            format!("Invalid lambda response: {name} returned no response object."),
        ))
    }
}

/// PostConfirmation after a code confirmed `username` (`source`: `PostConfirmation_ConfirmSignUp`
/// or `PostConfirmation_ConfirmForgotPassword`), with its attributes and the call's ClientMetadata.
pub async fn post_confirmation(
    app: &App,
    record: &mut CallRecord,
    request: &crate::requests::UserCodeRequest,
    client_id: &str,
    username: &str,
    source: &str,
) -> ApiResult<()> {
    let user = app.user(username)?;
    let request_json = json!({
        "userAttributes": user.event_attributes(),
        "clientMetadata": metadata(request.client_metadata.as_ref()),
    });
    let invocation = Invocation {
        trigger: TriggerName::PostConfirmation,
        source,
        username: &user.username,
        client_id,
    };
    invoke(app, record, invocation, request_json)
        .await
        .map(drop)
}

/// A webhook failure as the service reports a failing Lambda.
fn webhook_error(name: &str, error: WebhookError) -> ApiError {
    match error {
        WebhookError::Failed(message) => ApiError::new(
            ErrorKind::UserLambdaValidation,
            format!("{name} failed with error {message}."),
        ),
        WebhookError::Unreachable(reason) => ApiError::new(
            ErrorKind::UnexpectedLambda,
            format!("{name} invocation failed due to error {reason}."),
        ),
        WebhookError::BadResponse => ApiError::new(
            ErrorKind::InvalidLambdaResponse,
            format!("Invalid lambda response: {name} did not return a JSON event."),
        ),
    }
}

/// `clientMetadata` / `validationData` of an event: the map, or null when the call carried none.
pub fn metadata(map: Option<&crate::requests::StringMap>) -> Value {
    map.map_or(Value::Null, |m| json!(m))
}
