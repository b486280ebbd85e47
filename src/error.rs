//! Errors of the pure core and the sign-in engine. None of them carries a secret.

use alloc::string::String;
use core::fmt;

/// Why an SRP computation was refused. Each names the protocol field at fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SrpError {
    /// A required value (such as `SALT`) was empty.
    Empty {
        /// The field.
        field: &'static str,
    },
    /// A public value is 0 mod N (`A` or `B`): continuing would make S predictable.
    IllegalPublicValue {
        /// `SRP_A` or `SRP_B`.
        field: &'static str,
    },
    /// A field that must be Base64 is not.
    InvalidBase64 {
        /// The field.
        field: &'static str,
    },
    /// A field that must be hex is not.
    InvalidHex {
        /// The field.
        field: &'static str,
    },
    /// A user-pool id without the `<region>_<name>` shape.
    InvalidPoolId,
    /// A number too large for its field.
    OutOfRange {
        /// The field.
        field: &'static str,
    },
    /// u = H(A | B) came out zero.
    ZeroScrambler,
}

impl SrpError {
    /// What went wrong, naming the field (no `core::fmt` needed).
    pub fn message(&self) -> String {
        let (field, problem) = match self {
            Self::Empty { field } => (*field, " is empty"),
            Self::IllegalPublicValue { field } => (*field, " is 0 mod N"),
            Self::InvalidBase64 { field } => (*field, " is not valid Base64"),
            Self::InvalidHex { field } => (*field, " is not valid hex"),
            Self::InvalidPoolId => ("the user pool id", " is not of the form <region>_<name>"),
            Self::OutOfRange { field } => (*field, " is out of range"),
            Self::ZeroScrambler => ("the SRP scrambler u", " is zero"),
        };
        [field, problem].concat()
    }
}

impl fmt::Display for SrpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl core::error::Error for SrpError {}

/// An error from Cognito itself: its `__type` and message, as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceError {
    /// Cognito's error name (`NotAuthorizedException`, …), or `UnknownError` when the reply
    /// named none.
    pub name: String,
    /// The service's message.
    pub message: String,
    /// HTTP status.
    pub status: u16,
    /// `x-amzn-RequestId`, when sent.
    pub request_id: Option<String>,
    /// The challenge whose answer was refused, when the call answered one.
    pub challenge_name: Option<String>,
}

impl ServiceError {
    /// Throttling and server faults; everything else is the caller's to fix.
    pub fn retryable(&self) -> bool {
        self.status >= 500
            || self.name == "InternalErrorException"
            || self.name == "TooManyRequestsException"
    }
}

/// Why an operation was aborted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AbortReason {
    /// The caller's AbortSignal fired.
    Aborted,
    /// The app cancelled a step (`step.cancel()`).
    Cancelled,
    /// `dispose()` was called.
    Disposed,
    /// `signOut()` was called during a sign-in.
    SignedOut,
    /// A newer sign-in replaced this one.
    Superseded,
}

impl AbortReason {
    /// The `reason` JavaScript sees.
    pub fn name(self) -> &'static str {
        match self {
            Self::Aborted => "aborted",
            Self::Cancelled => "cancelled",
            Self::Disposed => "disposed",
            Self::SignedOut => "signedOut",
            Self::Superseded => "superseded",
        }
    }

    /// Parses [`Self::name`].
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "aborted" => Self::Aborted,
            "cancelled" => Self::Cancelled,
            "disposed" => Self::Disposed,
            "signedOut" => Self::SignedOut,
            "superseded" => Self::Superseded,
            _ => return None,
        })
    }
}

/// Everything a call can fail with. Messages never contain a password or an SRP secret.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The operation was aborted, for the reason given.
    Abort(AbortReason),
    /// A challenge came for which no handler was given.
    ChallengeHandlerMissing {
        /// The unhandled challenge.
        challenge_name: String,
    },
    /// A challenge handler threw or returned something unusable.
    Handler(String),
    /// The SDK was configured or called with values it cannot use.
    InvalidConfig(String),
    /// A call that the SDK's state does not allow now (after `dispose()`, or an answer to a
    /// step that is no longer current).
    InvalidState(String),
    /// A reply that is not what the API defines (bad JSON, missing fields).
    InvalidServerResponse(String),
    /// The request never got an HTTP answer.
    Network(String),
    /// Cognito answered with an error.
    Service(ServiceError),
    /// The passkey dialog failed (the browser's reason, e.g. `SecurityError: …`).
    Passkey(String),
    /// The server's SRP values were refused.
    Srp(SrpError),
    /// Requests got no answer in the configured time, retries included.
    Timeout,
    /// Another tab's refresh held the cross-tab lock too long.
    LockTimeout,
    /// The browser lacks what the call needs (WebAuthn for passkeys).
    UnsupportedBrowser,
}

impl Error {
    /// The name JavaScript sees: Cognito's `__type`, or the SDK's own.
    pub fn name(&self) -> &str {
        match self {
            Self::Abort(_) => "AbortError",
            Self::ChallengeHandlerMissing { .. } => "ChallengeHandlerMissing",
            Self::Handler(_) => "HandlerError",
            Self::InvalidConfig(_) => "InvalidConfig",
            Self::InvalidState(_) => "InvalidState",
            Self::InvalidServerResponse(_) => "InvalidServerResponse",
            Self::Network(_) => "NetworkError",
            Self::Service(e) => &e.name,
            Self::Passkey(_) => "PasskeyError",
            Self::Srp(_) => "SrpError",
            Self::Timeout | Self::LockTimeout => "TimeoutError",
            Self::UnsupportedBrowser => "UnsupportedBrowser",
        }
    }

    /// A human-readable message (built without `core::fmt`, which the wasm build leaves out).
    pub fn message(&self) -> String {
        match self {
            Self::Abort(reason) => match reason {
                AbortReason::Aborted => "The operation was aborted.",
                AbortReason::Cancelled => "The operation was cancelled.",
                AbortReason::Disposed => "The CognitoAuth instance was disposed.",
                AbortReason::SignedOut => "The sign-in was ended by signOut().",
                AbortReason::Superseded => "A newer sign-in replaced this one.",
            }
            .into(),
            Self::ChallengeHandlerMissing { challenge_name } => {
                ["No handler for the ", challenge_name, " challenge."].concat()
            }
            Self::Handler(m)
            | Self::InvalidConfig(m)
            | Self::InvalidState(m)
            | Self::InvalidServerResponse(m)
            | Self::Network(m)
            | Self::Passkey(m) => m.clone(),
            Self::Service(e) => e.message.clone(),
            Self::Srp(e) => e.message(),
            Self::Timeout => "The service did not answer in time.".into(),
            Self::LockTimeout => "Another tab's refresh did not finish in time.".into(),
            Self::UnsupportedBrowser => "This browser has no WebAuthn, which passkeys need.".into(),
        }
    }

    /// Whether trying again later may succeed.
    pub fn retryable(&self) -> bool {
        match self {
            Self::Network(_) | Self::Timeout | Self::LockTimeout => true,
            Self::Service(e) => e.retryable(),
            _ => false,
        }
    }

    /// The service's request id, for support tickets.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::Service(e) => e.request_id.as_deref(),
            _ => None,
        }
    }

    /// The error, noting the challenge whose answer it refused.
    pub fn answering(mut self, challenge: Option<String>) -> Self {
        if let Self::Service(error) = &mut self {
            error.challenge_name = challenge;
        }
        self
    }

    /// Whether this is the named Cognito error.
    pub fn is_service(&self, name: &str) -> bool {
        matches!(self, Self::Service(e) if e.name == name)
    }
}

impl From<SrpError> for Error {
    fn from(e: SrpError) -> Self {
        Self::Srp(e)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.name(), self.message())
    }
}

impl core::error::Error for Error {}
