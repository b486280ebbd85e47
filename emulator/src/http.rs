//! The HTTP side: routing, CORS, request ids, body limits, the wire error shape and injected
//! faults. Nothing here panics on request data; a broken request only ends its connection.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::header::{HeaderName, HeaderValue, CONTENT_TYPE};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{HeaderMap, Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use tokio::net::TcpListener;

use crate::api::{self, TARGET_PREFIX};
use crate::app::App;
use crate::error::{ApiError, ApiResult, ErrorKind};
use crate::ids;
use crate::test_hooks::{CallRecord, FaultKind, FaultRequest};

/// Largest request body accepted.
pub const MAX_BODY_BYTES: usize = 1 << 20;
/// Bytes of an oversized body read (and discarded) before answering, so the client sees the
/// error instead of a reset connection.
const MAX_DRAINED_BYTES: usize = 64 << 20;

const AMZ_JSON: &str = "application/x-amz-json-1.1";
const ALLOWED_HEADERS: &str =
    "x-amz-target, x-amz-user-agent, content-type, cache-control, amz-sdk-invocation-id, amz-sdk-request";
const EXPOSED_HEADERS: &str = "x-amzn-RequestId, x-amzn-ErrorType, x-amzn-ErrorMessage, Date";

type HttpResponse = Response<Full<Bytes>>;

/// Returned by the service to make hyper close the connection without an answer.
#[derive(Debug)]
struct DropConnection;

impl std::fmt::Display for DropConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by an injected fault")
    }
}

impl std::error::Error for DropConnection {}

/// Accepts connections forever.
pub async fn serve(listener: TcpListener, app: Arc<App>) -> Infallible {
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(error) => {
                eprintln!("cognito-emulator: accept failed: {error}");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let app = Arc::clone(&app);
        tokio::spawn(async move {
            let service = service_fn(move |request| handle(Arc::clone(&app), request));
            // A connection ends in an error when the client goes away or a fault drops it.
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

async fn handle(app: Arc<App>, request: Request<Incoming>) -> Result<HttpResponse, DropConnection> {
    let origin = request.headers().get("origin").cloned();
    let mut response = route(&app, request).await?;
    let headers = response.headers_mut();
    set(headers, "x-amzn-requestid", &ids::uuid());
    set(headers, "access-control-expose-headers", EXPOSED_HEADERS);
    match origin {
        Some(origin) => {
            headers.insert(
                HeaderName::from_static("access-control-allow-origin"),
                origin,
            );
            set(headers, "access-control-allow-credentials", "true");
            set(headers, "vary", "Origin");
        }
        None => set(headers, "access-control-allow-origin", "*"),
    }
    Ok(response)
}

async fn route(app: &App, request: Request<Incoming>) -> Result<HttpResponse, DropConnection> {
    let path = request.uri().path().to_owned();
    let jwks_path = format!("/{}/.well-known/jwks.json", app.config.user_pool_id);
    Ok(match (request.method(), path.as_str()) {
        (&Method::OPTIONS, _) => preflight(),
        (&Method::POST, "/") => return api_call(app, request).await,
        (&Method::GET, "/__log") => {
            json_response(StatusCode::OK, &app.hooks().log_json(), "application/json")
        }
        (&Method::GET, "/__deliveries") => json_response(
            StatusCode::OK,
            &app.hooks().deliveries_json(),
            "application/json",
        ),
        (&Method::POST, "/__reset") => {
            app.reset();
            json_response(StatusCode::OK, &json!({}), "application/json")
        }
        (&Method::POST, "/__faults") => add_fault(app, request.into_body()).await,
        (&Method::GET, "/__clock") => clock_response(app),
        (&Method::POST, "/__clock") => advance_clock(app, request.into_body()).await,
        (&Method::GET, p) if p == jwks_path => {
            json_response(StatusCode::OK, &app.signer.jwks(), "application/json")
        }
        _ => {
            let mut response = error_response(&ApiError::new(
                ErrorKind::ResourceNotFound,
                format!("No route for {} {path}", request.method()),
            ));
            *response.status_mut() = StatusCode::NOT_FOUND;
            response
        }
    })
}

fn preflight() -> HttpResponse {
    let mut response = Response::new(Full::new(Bytes::new()));
    *response.status_mut() = StatusCode::NO_CONTENT;
    let headers = response.headers_mut();
    set(
        headers,
        "access-control-allow-methods",
        "GET, POST, OPTIONS",
    );
    set(headers, "access-control-allow-headers", ALLOWED_HEADERS);
    set(headers, "access-control-max-age", "86400");
    response
}

/// One Cognito API call: fault injection, then the operation, then the log entry.
async fn api_call(app: &App, request: Request<Incoming>) -> Result<HttpResponse, DropConnection> {
    let target = request
        .headers()
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let operation = target
        .strip_prefix(TARGET_PREFIX)
        .unwrap_or(target)
        .to_owned();
    let body = read_body(request.into_body()).await;
    let mut record = CallRecord {
        operation: operation.clone(),
        ..CallRecord::default()
    };
    let fault = app.hooks().next_fault(&operation);
    let injected = match fault {
        Some(FaultKind::Drop) => None,
        Some(FaultKind::Http500) => Some(error_response(&ApiError::new(
            ErrorKind::InternalError,
            "Injected fault: internal error.",
        ))),
        Some(FaultKind::Throttle) => Some(error_response(&ApiError::new(
            ErrorKind::TooManyRequests,
            "Rate exceeded",
        ))),
        Some(FaultKind::MalformedJson) => Some(raw_response(
            StatusCode::OK,
            r#"{"ChallengeName":"PASSWORD_VERIFIER","Session":"#,
            AMZ_JSON,
        )),
        Some(FaultKind::Delay(delay)) => {
            tokio::time::sleep(delay).await;
            None
        }
        None => None,
    };
    if let Some(kind) = fault.filter(|k| !matches!(k, FaultKind::Delay(_))) {
        record.outcome = format!("fault:{}", kind.name());
        app.hooks().record(record);
        return injected.ok_or(DropConnection);
    }
    let result = match body.and_then(parse_object) {
        Ok(body) => api::dispatch(app, &operation, body, &mut record).await,
        Err(error) => Err(error),
    };
    let response = match &result {
        Ok(body) => {
            record.outcome = outcome(body);
            json_response(StatusCode::OK, body, AMZ_JSON)
        }
        Err(error) => {
            record.outcome = format!("error:{}", error.kind.type_name());
            error_response(error)
        }
    };
    app.hooks().record(record);
    Ok(response)
}

/// `tokens`, `challenge:<NAME>` or `ok`, from a successful response body.
fn outcome(body: &Value) -> String {
    if body.get("AuthenticationResult").is_some() {
        "tokens".into()
    } else if let Some(name) = body.get("ChallengeName").and_then(Value::as_str) {
        format!("challenge:{name}")
    } else {
        "ok".into()
    }
}

/// Reads at most [`MAX_BODY_BYTES`]; a larger body is drained (up to a bound) and refused.
async fn read_body(mut body: Incoming) -> ApiResult<Vec<u8>> {
    let too_large = || {
        ApiError::new(
            ErrorKind::InvalidParameter,
            format!("The request body is larger than {MAX_BODY_BYTES} bytes."),
        )
    };
    let mut bytes = Vec::new();
    let mut total = 0usize;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| {
            ApiError::new(
                ErrorKind::Serialization,
                format!("Could not read the request body: {e}"),
            )
        })?;
        if let Ok(data) = frame.into_data() {
            total = total.saturating_add(data.len());
            if total > MAX_DRAINED_BYTES {
                return Err(too_large());
            }
            if total <= MAX_BODY_BYTES {
                bytes.extend_from_slice(&data);
            }
        }
    }
    if total > MAX_BODY_BYTES {
        return Err(too_large());
    }
    Ok(bytes)
}

/// The body as a JSON object; an empty body is `{}`.
fn parse_object(bytes: Vec<u8>) -> ApiResult<Value> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(json!({}));
    }
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(value @ Value::Object(_)) => Ok(value),
        Ok(_) => Err(ApiError::new(
            ErrorKind::Serialization,
            "The request body must be a JSON object.",
        )),
        Err(e) => Err(ApiError::new(
            ErrorKind::Serialization,
            format!("The request body is not valid JSON: {e}"),
        )),
    }
}

async fn add_fault(app: &App, body: Incoming) -> HttpResponse {
    let request = read_body(body).await.and_then(|bytes| {
        serde_json::from_slice::<FaultRequest>(&bytes)
            .map_err(|e| e.to_string())
            .and_then(|r| r.kind().map(|kind| (r, kind)))
            .map_err(|message| ApiError::new(ErrorKind::InvalidParameter, message))
    });
    match request {
        Ok((request, kind)) => {
            app.hooks()
                .add_fault(request.operation, kind, request.count);
            json_response(StatusCode::OK, &json!({}), "application/json")
        }
        Err(error) => error_response(&error),
    }
}

/// `{"now": <epoch seconds>, "offsetSeconds": N}`.
fn clock_response(app: &App) -> HttpResponse {
    let body = json!({ "now": app.now(), "offsetSeconds": app.clock_offset() });
    json_response(StatusCode::OK, &body, "application/json")
}

/// `POST /__clock {"advanceSeconds": N}` (N ≤ 10 years): the pool's clock (token expiry, code
/// expiry, refresh-token rotation grace) moves N seconds forward; `POST /__reset` puts it back.
async fn advance_clock(app: &App, body: Incoming) -> HttpResponse {
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    struct Advance {
        advance_seconds: u64,
    }
    const MAX_ADVANCE: u64 = 10 * 366 * 86_400;
    let request = read_body(body).await.and_then(|bytes| {
        serde_json::from_slice::<Advance>(&bytes)
            .ok()
            .filter(|a| a.advance_seconds <= MAX_ADVANCE)
            .ok_or_else(|| {
                ApiError::new(
                    ErrorKind::InvalidParameter,
                    "POST /__clock takes {\"advanceSeconds\": N} with N at most ten years.",
                )
            })
    });
    match request {
        Ok(advance) => {
            app.advance_clock(advance.advance_seconds);
            clock_response(app)
        }
        Err(error) => error_response(&error),
    }
}

fn json_response(status: StatusCode, body: &Value, content_type: &'static str) -> HttpResponse {
    raw_response(status, &body.to_string(), content_type)
}

fn raw_response(status: StatusCode, body: &str, content_type: &'static str) -> HttpResponse {
    let mut response = Response::new(Full::new(Bytes::from(body.to_owned())));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// `{"__type", "message"}` with `x-amzn-ErrorType: <type>:` and `x-amzn-ErrorMessage`.
fn error_response(error: &ApiError) -> HttpResponse {
    let status = StatusCode::from_u16(error.kind.status()).unwrap_or(StatusCode::BAD_REQUEST);
    let mut response = json_response(status, &error.body(), AMZ_JSON);
    let headers = response.headers_mut();
    set(
        headers,
        "x-amzn-errortype",
        &format!("{}:", error.kind.type_name()),
    );
    set(headers, "x-amzn-errormessage", &error.message);
    response
}

/// Sets a header, replacing characters a header value cannot hold.
fn set(headers: &mut HeaderMap, name: &'static str, value: &str) {
    let printable: String = value
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '?'
            }
        })
        .collect();
    if let Ok(value) = HeaderValue::from_str(&printable) {
        headers.insert(HeaderName::from_static(name), value);
    }
}
