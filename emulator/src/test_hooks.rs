//! What tests observe and steer: the call log (`GET /__log`), the codes "sent" by SMS and
//! email (`GET /__deliveries`) and injected faults (`POST /__faults`).

use std::collections::VecDeque;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Log entries kept (the oldest are dropped beyond this).
const LOG_CAPACITY: usize = 10_000;
/// Longest injectable delay.
const MAX_DELAY_MS: u64 = 60_000;

/// One API call as `GET /__log` shows it.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CallRecord {
    pub seq: u64,
    pub operation: String,
    pub client_id: Option<String>,
    /// The user the call concerns: the internal username once resolved, else as sent.
    pub username: Option<String>,
    pub auth_flow: Option<String>,
    /// For RespondToAuthChallenge: the challenge being answered.
    pub challenge_name: Option<String>,
    /// The `ClientMetadata` the call carried.
    pub client_metadata: Option<Value>,
    pub triggers: Vec<TriggerRecord>,
    /// `challenge:<NAME>`, `tokens`, `ok`, `error:<__type>` or `fault:<kind>`.
    pub outcome: String,
}

impl CallRecord {
    /// Notes who calls (as sent) and the ClientMetadata the call carries.
    pub fn note(
        &mut self,
        client_id: &Option<String>,
        username: Option<&String>,
        metadata: &Option<crate::requests::StringMap>,
    ) {
        self.client_id.clone_from(client_id);
        self.username = username.cloned();
        self.client_metadata = metadata.as_ref().map(|m| serde_json::json!(m));
    }
}

/// One trigger invocation, with the metadata its event carried.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TriggerRecord {
    pub name: String,
    pub trigger_source: String,
    pub client_metadata: Option<Value>,
    pub validation_data: Option<Value>,
}

/// A code the pool "sent".
#[derive(Debug, Clone, Serialize)]
pub struct Delivery {
    pub username: String,
    /// `SMS` or `EMAIL`.
    pub medium: &'static str,
    /// Masked, as CodeDeliveryDetails shows it.
    pub destination: String,
    pub code: String,
    /// `MFA`, `OTP` (a USER_AUTH first factor), `FORGOT_PASSWORD`, `SIGN_UP` or
    /// `VERIFY_ATTRIBUTE`.
    pub purpose: &'static str,
    /// The text a CustomMessage trigger wrote (its `{####}` replaced by the code), else null.
    pub message: Option<String>,
}

impl Delivery {
    /// `CodeDeliveryDetails` of an API response.
    pub fn details(&self) -> Value {
        let attribute = if self.medium == "SMS" {
            "phone_number"
        } else {
            "email"
        };
        serde_json::json!({
            "Destination": self.destination,
            "DeliveryMedium": self.medium,
            "AttributeName": attribute,
        })
    }
}

/// `+15555551234` → `+*******1234`: every digit but the last four hidden.
pub fn mask_phone(phone: &str) -> String {
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    let mut seen = 0;
    phone
        .chars()
        .map(|c| {
            if !c.is_ascii_digit() {
                return c;
            }
            seen += 1;
            if seen + 4 > digits {
                c
            } else {
                '*'
            }
        })
        .collect()
}

/// `bob@example.com` → `b***@e***.com`.
pub fn mask_email(email: &str) -> String {
    let (local, domain) = email.split_once('@').unwrap_or((email, ""));
    let first = |s: &str| s.chars().next().map(String::from).unwrap_or_default();
    let tld = domain.rfind('.').map_or("", |i| &domain[i..]);
    format!("{}***@{}***{tld}", first(local), first(domain))
}

/// What an injected fault does to a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultKind {
    /// HTTP 500 InternalErrorException.
    Http500,
    /// HTTP 400 TooManyRequestsException.
    Throttle,
    /// HTTP 200 with a truncated JSON body.
    MalformedJson,
    /// Waits, then answers normally.
    Delay(Duration),
    /// Closes the connection without an answer.
    Drop,
}

impl FaultKind {
    pub fn name(self) -> &'static str {
        match self {
            Self::Http500 => "http500",
            Self::Throttle => "throttle",
            Self::MalformedJson => "malformedJson",
            Self::Delay(_) => "delay",
            Self::Drop => "drop",
        }
    }
}

/// `POST /__faults` body.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FaultRequest {
    /// An operation name, or `*` for every operation.
    pub operation: String,
    #[serde(default = "one")]
    pub count: u32,
    pub kind: String,
    #[serde(default)]
    pub delay_ms: Option<u64>,
}

fn one() -> u32 {
    1
}

impl FaultRequest {
    pub fn kind(&self) -> Result<FaultKind, String> {
        Ok(match self.kind.as_str() {
            "http500" => FaultKind::Http500,
            "throttle" => FaultKind::Throttle,
            "malformedJson" => FaultKind::MalformedJson,
            "drop" => FaultKind::Drop,
            "delay" => {
                let ms = self.delay_ms.ok_or("a delay fault needs delayMs")?;
                if ms > MAX_DELAY_MS {
                    return Err(format!("delayMs is at most {MAX_DELAY_MS}"));
                }
                FaultKind::Delay(Duration::from_millis(ms))
            }
            other => {
                return Err(format!(
                    "unknown fault kind {other:?} (http500, throttle, malformedJson, delay, drop)"
                ))
            }
        })
    }
}

#[derive(Debug)]
struct PendingFault {
    operation: String,
    kind: FaultKind,
    remaining: u32,
}

/// Test-only state; `POST /__reset` empties it.
#[derive(Debug, Default)]
pub struct TestHooks {
    log: VecDeque<CallRecord>,
    next_seq: u64,
    deliveries: Vec<Delivery>,
    faults: VecDeque<PendingFault>,
}

impl TestHooks {
    /// Appends a finished call, numbering it.
    pub fn record(&mut self, mut call: CallRecord) {
        self.next_seq += 1;
        call.seq = self.next_seq;
        if self.log.len() == LOG_CAPACITY {
            self.log.pop_front();
        }
        self.log.push_back(call);
    }

    pub fn log_json(&self) -> Value {
        serde_json::json!({ "entries": self.log })
    }

    pub fn deliver(&mut self, delivery: Delivery) {
        self.deliveries.push(delivery);
    }

    pub fn deliveries_json(&self) -> Value {
        serde_json::json!({ "deliveries": self.deliveries })
    }

    /// Queues `count` faults for `operation` (after those already queued).
    pub fn add_fault(&mut self, operation: String, kind: FaultKind, count: u32) {
        if count > 0 {
            self.faults.push_back(PendingFault {
                operation,
                kind,
                remaining: count,
            });
        }
    }

    /// The fault the next call of `operation` gets, if any (consumes one).
    pub fn next_fault(&mut self, operation: &str) -> Option<FaultKind> {
        let index = self
            .faults
            .iter()
            .position(|f| f.operation == operation || f.operation == "*")?;
        let fault = &mut self.faults[index];
        let kind = fault.kind;
        fault.remaining -= 1;
        if fault.remaining == 0 {
            self.faults.remove(index);
        }
        Some(kind)
    }

    /// Forgets the log, deliveries and faults.
    pub fn clear(&mut self) {
        *self = Self::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_apply_to_the_next_n_calls_of_their_operation() {
        let mut hooks = TestHooks::default();
        hooks.add_fault("InitiateAuth".into(), FaultKind::Http500, 2);
        hooks.add_fault("*".into(), FaultKind::Drop, 1);
        assert_eq!(hooks.next_fault("GetUser"), Some(FaultKind::Drop));
        assert_eq!(hooks.next_fault("GetUser"), None);
        assert_eq!(hooks.next_fault("InitiateAuth"), Some(FaultKind::Http500));
        assert_eq!(hooks.next_fault("InitiateAuth"), Some(FaultKind::Http500));
        assert_eq!(hooks.next_fault("InitiateAuth"), None);
        hooks.add_fault("InitiateAuth".into(), FaultKind::Throttle, 0);
        assert_eq!(hooks.next_fault("InitiateAuth"), None);
    }

    #[test]
    fn fault_requests_are_validated() {
        let parse = |json: &str| {
            serde_json::from_str::<FaultRequest>(json)
                .map_err(|e| e.to_string())
                .and_then(|r| r.kind())
        };
        assert_eq!(
            parse(r#"{"operation":"X","kind":"throttle"}"#),
            Ok(FaultKind::Throttle)
        );
        assert_eq!(
            parse(r#"{"operation":"X","kind":"delay","delayMs":1500}"#),
            Ok(FaultKind::Delay(Duration::from_millis(1500)))
        );
        assert!(parse(r#"{"operation":"X","kind":"delay"}"#).is_err());
        assert!(parse(r#"{"operation":"X","kind":"delay","delayMs":600000}"#).is_err());
        assert!(parse(r#"{"operation":"X","kind":"explode"}"#).is_err());
        assert!(parse(r#"{"operation":"X","kind":"drop","extra":1}"#).is_err());
    }

    #[test]
    fn log_is_numbered_and_bounded() {
        let mut hooks = TestHooks::default();
        for _ in 0..LOG_CAPACITY + 5 {
            hooks.record(CallRecord::default());
        }
        assert_eq!(hooks.log.len(), LOG_CAPACITY);
        assert_eq!(hooks.log.front().map(|c| c.seq), Some(6));
        hooks.clear();
        hooks.record(CallRecord::default());
        assert_eq!(hooks.log_json()["entries"][0]["seq"], 1);
    }

    #[test]
    fn destinations_are_masked() {
        assert_eq!(mask_phone("+15555551234"), "+*******1234");
        assert_eq!(mask_email("bob@example.com"), "b***@e***.com");
    }
}
