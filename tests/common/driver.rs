//! A driver for the engine's JSON interface, as the JS driver drives it, with readers of the
//! actions and recorded Cognito replies.

use base64::Engine as _;
use cognito_wasm::client::Environment;
use cognito_wasm::engine::Engine;
use cognito_wasm::json::Json;
use cognito_wasm::Error;

use super::TestEnv;

pub const NOW_MS: u64 = 1_725_347_109_000;
pub const CONFIG: &str = r#"{"userPoolId":"us-east-1_TestPool","clientId":"client-1","endpoint":"http://127.0.0.1:9/","clientMetadata":{"app":"test"},"userAgent":"Test UA"}"#;

/// `TestEnv`'s deterministic "randomness" and a clock the test moves.
pub struct EngineEnv {
    pub rng: TestEnv,
    pub now_ms: u64,
}

impl Environment for EngineEnv {
    fn random(&mut self, buf: &mut [u8]) -> Result<(), Error> {
        self.rng.random(buf)
    }
    fn now_ms(&self) -> u64 {
        self.now_ms
    }
}

pub struct Driver {
    pub engine: Engine,
    pub env: EngineEnv,
}

impl Driver {
    pub fn new() -> Self {
        Self {
            engine: Engine::new(),
            env: EngineEnv {
                rng: TestEnv(0x9e37_79b9_7f4a_7c15),
                now_ms: NOW_MS,
            },
        }
    }

    /// A driver whose `create` ran with `config` (nothing stored).
    pub fn created(config: &str) -> Self {
        let mut driver = Self::new();
        let action = driver.start("create", config);
        assert_eq!(text(&action, "do"), "load", "{action:?}");
        let done = driver.on(op(&action), r#""on":"loaded","values":[null]"#);
        assert_eq!(text(&done, "do"), "done");
        driver
    }

    pub fn event(&mut self, event: &str, data: &str) -> Json {
        let action = self.engine.handle(&mut self.env, event, data);
        Json::parse(&action).unwrap_or_else(|_| panic!("not JSON: {action}"))
    }

    pub fn start(&mut self, kind: &str, options: &str) -> Json {
        self.event(&format!(r#"{{"start":"{kind}","options":{options}}}"#), "")
    }

    pub fn on(&mut self, op: u64, rest: &str) -> Json {
        self.event(&format!(r#"{{"op":{op},{rest}}}"#), "")
    }

    /// A 200 reply with `body`.
    pub fn reply(&mut self, op: u64, body: &str) -> Json {
        self.event(
            &format!(r#"{{"op":{op},"on":"reply","status":200,"headers":{{}}}}"#),
            body,
        )
    }

    /// An error reply.
    pub fn fail(&mut self, op: u64, status: u16, name: &str) -> Json {
        self.event(
            &format!(
                r#"{{"op":{op},"on":"reply","status":{status},"headers":{{"x-amzn-requestid":"req-9"}}}}"#
            ),
            &format!(r#"{{"__type":"{name}","message":"m"}}"#),
        )
    }

    pub fn stored(&mut self, op: u64) -> Json {
        self.on(op, r#""on":"stored""#)
    }

    /// Signs `username` in with USER_PASSWORD_AUTH; returns the final action.
    pub fn sign_in(&mut self, username: &str, refresh: &str, revocable: bool) -> Json {
        let action = self.start(
            "signIn",
            &format!(r#"{{"username":"{username}","password":"Passw0rd!","authFlow":"USER_PASSWORD_AUTH"}}"#),
        );
        assert_eq!(text(&action, "do"), "send", "{action:?}");
        let store = self.reply(op(&action), &tokens(username, refresh, 3600, revocable));
        assert_eq!(text(&store, "do"), "store", "{store:?}");
        self.stored(op(&action))
    }
}

pub fn op(action: &Json) -> u64 {
    action.get("op").and_then(Json::as_u64).expect("op")
}

pub fn text<'a>(json: &'a Json, key: &str) -> &'a str {
    json.get(key).and_then(Json::as_str).unwrap_or("")
}

pub fn path<'a>(json: &'a Json, keys: &[&str]) -> Option<&'a Json> {
    keys.iter().try_fold(json, |value, key| value.get(key))
}

/// The body of a `send` action, parsed.
pub fn body(action: &Json) -> Json {
    Json::parse(text(action, "body")).expect("body")
}

pub fn header<'a>(action: &'a Json, name: &str) -> &'a str {
    path(action, &["headers", name])
        .and_then(Json::as_str)
        .unwrap_or("")
}

/// The names of the events an action announces.
pub fn emitted(action: &Json) -> Vec<String> {
    match action.get("emit") {
        Some(Json::Array(events)) => events
            .iter()
            .map(|event| match event {
                Json::Array(parts) => parts[0].as_str().unwrap().to_string(),
                _ => panic!("{event:?}"),
            })
            .collect(),
        _ => Vec::new(),
    }
}

pub fn jwt(claims: &str) -> String {
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    format!(
        "{}.{}.sig",
        b64.encode(r#"{"alg":"RS256"}"#),
        b64.encode(claims)
    )
}

/// An InitiateAuth reply with tokens for `username`, valid `seconds` from now.
pub fn tokens(username: &str, refresh: &str, seconds: u64, revocable: bool) -> String {
    let iat = NOW_MS / 1000;
    let jti = if revocable {
        r#","origin_jti":"o-1""#
    } else {
        ""
    };
    let access = jwt(&format!(
        r#"{{"username":"{username}","token_use":"access","iat":{iat},"exp":{}{jti}}}"#,
        iat + seconds
    ));
    let id = jwt(&format!(
        r#"{{"cognito:username":"{username}","email":"{username}@example.com","iat":{iat},"exp":{}}}"#,
        iat + seconds
    ));
    let refresh = if refresh.is_empty() {
        String::new()
    } else {
        format!(r#","RefreshToken":"{refresh}""#)
    };
    format!(
        r#"{{"AuthenticationResult":{{"AccessToken":"{access}","IdToken":"{id}","ExpiresIn":{seconds},"TokenType":"Bearer"{refresh}}}}}"#
    )
}
