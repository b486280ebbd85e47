//! The `triggers` section of the pool configuration: which Lambda triggers run, and where.

use serde::Deserialize;

/// The triggers this emulator can invoke.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
pub enum TriggerName {
    PreAuthentication,
    DefineAuthChallenge,
    CreateAuthChallenge,
    VerifyAuthChallengeResponse,
    PostAuthentication,
    PreTokenGeneration,
    UserMigration,
    PreSignUp,
    PostConfirmation,
    CustomMessage,
}

impl TriggerName {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PreAuthentication => "PreAuthentication",
            Self::DefineAuthChallenge => "DefineAuthChallenge",
            Self::CreateAuthChallenge => "CreateAuthChallenge",
            Self::VerifyAuthChallengeResponse => "VerifyAuthChallengeResponse",
            Self::PostAuthentication => "PostAuthentication",
            Self::PreTokenGeneration => "PreTokenGeneration",
            Self::UserMigration => "UserMigration",
            Self::PreSignUp => "PreSignUp",
            Self::PostConfirmation => "PostConfirmation",
            Self::CustomMessage => "CustomMessage",
        }
    }
}

/// Where a trigger runs: `"builtin"` or `{"webhook": "http://127.0.0.1:PORT/path"}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "RawTriggerTarget")]
pub enum TriggerTarget {
    Builtin,
    Webhook(WebhookUrl),
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawTriggerTarget {
    Name(String),
    Hook { webhook: String },
}

impl TryFrom<RawTriggerTarget> for TriggerTarget {
    type Error = String;
    fn try_from(raw: RawTriggerTarget) -> Result<Self, String> {
        match raw {
            RawTriggerTarget::Name(name) if name == "builtin" => Ok(Self::Builtin),
            RawTriggerTarget::Name(other) => Err(format!(
                "a trigger is \"builtin\" or {{\"webhook\": URL}}, not {other:?}"
            )),
            RawTriggerTarget::Hook { webhook } => WebhookUrl::parse(&webhook).map(Self::Webhook),
        }
    }
}

/// A webhook address on this machine: `http://127.0.0.1:PORT/path`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookUrl {
    pub port: u16,
    /// Starts with `/`.
    pub path: String,
}

impl WebhookUrl {
    /// Accepts only `http://127.0.0.1:PORT[/path]` (or `localhost`): triggers never leave the machine.
    pub fn parse(url: &str) -> Result<Self, String> {
        let rest = url
            .strip_prefix("http://")
            .ok_or_else(|| format!("webhook {url:?} must start with http://"))?;
        let (authority, path) = rest.find('/').map_or((rest, "/"), |i| rest.split_at(i));
        let (host, port) = authority
            .rsplit_once(':')
            .ok_or_else(|| format!("webhook {url:?} needs an explicit port"))?;
        if host != "127.0.0.1" && host != "localhost" {
            return Err(format!("webhook {url:?} must be on 127.0.0.1"));
        }
        let port = port
            .parse()
            .map_err(|_| format!("webhook {url:?} has a bad port"))?;
        Ok(Self {
            port,
            path: path.to_owned(),
        })
    }
}
