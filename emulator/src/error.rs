//! The service's errors: each variant is one `__type`, answered as HTTP 400 (500 for internal
//! faults) with `{"__type": ..., "message": ...}` and `x-amzn-ErrorType: <type>:`.

use std::fmt;

/// An error answered to the caller in Cognito's wire shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The `__type` (without a namespace).
    pub kind: ErrorKind,
    /// The human-readable `message`.
    pub message: String,
}

/// The exception names this emulator answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    CodeDeliveryFailure,
    CodeMismatch,
    ExpiredCode,
    InternalError,
    InvalidLambdaResponse,
    InvalidParameter,
    InvalidPassword,
    LimitExceeded,
    NotAuthorized,
    PasswordResetRequired,
    RefreshTokenReuse,
    ResourceNotFound,
    Serialization,
    SoftwareTokenMfaNotFound,
    TooManyRequests,
    UnexpectedLambda,
    UnknownOperation,
    UnsupportedTokenType,
    UserLambdaValidation,
    UserNotConfirmed,
    UserNotFound,
    UsernameExists,
    WebAuthnChallengeNotFound,
    WebAuthnClientMismatch,
    WebAuthnConfigurationMissing,
    WebAuthnCredentialNotSupported,
    WebAuthnNotEnabled,
    WebAuthnOriginNotAllowed,
    WebAuthnRelyingPartyMismatch,
}

impl ErrorKind {
    /// The `__type` string.
    pub fn type_name(self) -> &'static str {
        match self {
            Self::CodeDeliveryFailure => "CodeDeliveryFailureException",
            Self::CodeMismatch => "CodeMismatchException",
            Self::ExpiredCode => "ExpiredCodeException",
            Self::InternalError => "InternalErrorException",
            Self::InvalidLambdaResponse => "InvalidLambdaResponseException",
            Self::InvalidParameter => "InvalidParameterException",
            Self::InvalidPassword => "InvalidPasswordException",
            Self::LimitExceeded => "LimitExceededException",
            Self::NotAuthorized => "NotAuthorizedException",
            Self::PasswordResetRequired => "PasswordResetRequiredException",
            Self::RefreshTokenReuse => "RefreshTokenReuseException",
            Self::ResourceNotFound => "ResourceNotFoundException",
            Self::Serialization => "SerializationException",
            Self::SoftwareTokenMfaNotFound => "SoftwareTokenMFANotFoundException",
            Self::TooManyRequests => "TooManyRequestsException",
            Self::UnexpectedLambda => "UnexpectedLambdaException",
            Self::UnknownOperation => "UnknownOperationException",
            Self::UnsupportedTokenType => "UnsupportedTokenTypeException",
            Self::UserLambdaValidation => "UserLambdaValidationException",
            Self::UserNotConfirmed => "UserNotConfirmedException",
            Self::UserNotFound => "UserNotFoundException",
            Self::UsernameExists => "UsernameExistsException",
            Self::WebAuthnChallengeNotFound => "WebAuthnChallengeNotFoundException",
            Self::WebAuthnClientMismatch => "WebAuthnClientMismatchException",
            Self::WebAuthnConfigurationMissing => "WebAuthnConfigurationMissingException",
            Self::WebAuthnCredentialNotSupported => "WebAuthnCredentialNotSupportedException",
            Self::WebAuthnNotEnabled => "WebAuthnNotEnabledException",
            Self::WebAuthnOriginNotAllowed => "WebAuthnOriginNotAllowedException",
            Self::WebAuthnRelyingPartyMismatch => "WebAuthnRelyingPartyMismatchException",
        }
    }

    /// HTTP status: 500 for the service's own faults, 400 for everything the caller caused.
    pub fn status(self) -> u16 {
        match self {
            Self::InternalError => 500,
            _ => 400,
        }
    }
}

impl ApiError {
    /// An error of `kind` with `message`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }

    /// The one answer for a wrong password, a bad SRP claim, a stale TIMESTAMP or an unknown
    /// user when the client hides user existence.
    pub fn incorrect_credentials() -> Self {
        Self::new(ErrorKind::NotAuthorized, "Incorrect username or password.")
    }

    /// A session that is unknown, used up, expired or bound to another client.
    pub fn invalid_session() -> Self {
        Self::new(ErrorKind::NotAuthorized, "Invalid session for the user.")
    }

    /// A required request member that is absent: the service's validation message.
    pub fn missing(member: &str) -> Self {
        Self::new(
            ErrorKind::InvalidParameter,
            format!(
                "1 validation error detected: Value null at '{member}' failed to satisfy constraint: Member must not be null"
            ),
        )
    }

    /// A missing entry of `AuthParameters` / `ChallengeResponses`.
    pub fn missing_parameter(name: &str) -> Self {
        Self::new(
            ErrorKind::InvalidParameter,
            format!("Missing required parameter {name}"),
        )
    }

    /// The user does not exist (callers decide whether to hide this, see `preventUserExistenceErrors`).
    pub fn user_not_found() -> Self {
        Self::new(ErrorKind::UserNotFound, "User does not exist.")
    }

    /// The JSON error body.
    pub fn body(&self) -> serde_json::Value {
        serde_json::json!({ "__type": self.kind.type_name(), "message": self.message })
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.type_name(), self.message)
    }
}

impl std::error::Error for ApiError {}

/// Shorthand for results of API handlers.
pub type ApiResult<T> = Result<T, ApiError>;
