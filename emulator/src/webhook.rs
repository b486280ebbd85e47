//! A minimal HTTP/1.1 client: POSTs a trigger event as JSON to a local webhook and reads the
//! returned event back.

use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::header::{CONTENT_TYPE, HOST};
use hyper::Request;
use hyper_util::rt::TokioIo;
use serde_json::Value;
use tokio::net::TcpStream;

use crate::config::WebhookUrl;

/// Cognito gives a trigger 5 seconds.
const TIMEOUT: Duration = Duration::from_secs(5);
/// Largest accepted webhook answer.
const MAX_RESPONSE_BYTES: usize = 1 << 20;

/// Why a webhook did not produce an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebhookError {
    /// Not reachable, timed out or broke the connection.
    Unreachable(String),
    /// Answered with a non-2xx status; carries its `errorMessage` (or the body).
    Failed(String),
    /// Answered 2xx with something that is not a JSON object.
    BadResponse,
}

/// POSTs `event` and returns the JSON object the webhook answers.
pub async fn post_event(url: &WebhookUrl, event: &Value) -> Result<Value, WebhookError> {
    match tokio::time::timeout(TIMEOUT, exchange(url, event.to_string())).await {
        Ok(result) => result,
        Err(_) => Err(WebhookError::Unreachable("timed out after 5 s".into())),
    }
}

async fn exchange(url: &WebhookUrl, body: String) -> Result<Value, WebhookError> {
    let unreachable = |e: &dyn std::fmt::Display| WebhookError::Unreachable(e.to_string());
    let stream = TcpStream::connect(("127.0.0.1", url.port))
        .await
        .map_err(|e| unreachable(&e))?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| unreachable(&e))?;
    tokio::spawn(connection);
    let request = Request::post(url.path.as_str())
        .header(HOST, format!("127.0.0.1:{}", url.port))
        .header(CONTENT_TYPE, "application/json")
        .body(Full::new(Bytes::from(body)))
        .map_err(|e| unreachable(&e))?;
    let response = sender
        .send_request(request)
        .await
        .map_err(|e| unreachable(&e))?;
    let status = response.status();
    let bytes = Limited::new(response.into_body(), MAX_RESPONSE_BYTES)
        .collect()
        .await
        .map_err(|e| unreachable(&*e))?
        .to_bytes();
    let parsed: Option<Value> = serde_json::from_slice(&bytes).ok();
    if !status.is_success() {
        let message = parsed
            .as_ref()
            .and_then(|v| v.get("errorMessage"))
            .and_then(Value::as_str)
            .map_or_else(
                || String::from_utf8_lossy(&bytes).into_owned(),
                str::to_owned,
            );
        return Err(WebhookError::Failed(message));
    }
    parsed
        .filter(Value::is_object)
        .ok_or(WebhookError::BadResponse)
}
