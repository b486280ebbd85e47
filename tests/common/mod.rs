//! What the sign-in state machine's tests share: a deterministic environment, recorded
//! replies, a real SRP server for the verifier challenges, and readers of the requests sent.
#![allow(dead_code)]

pub mod driver;
mod env;

pub use env::TestEnv;

use cognito_wasm::client::ClientConfig;
use cognito_wasm::flow::{AuthFlow, Prompt, SignIn, SignInParams, SignedIn, Step};
use cognito_wasm::json::Json;
use cognito_wasm::srp::server::SrpServer;
use cognito_wasm::srp::{parse_hex, password_verifier, Credentials, EphemeralSecret};
use cognito_wasm::wire::{HttpReply, Request};
use cognito_wasm::Error;

pub const POOL_ID: &str = "us-east-1_TestPool";
pub const POOL_NAME: &str = "TestPool";
pub const CLIENT_ID: &str = "client-1";
pub const SECRET: &str = "s3cret";
pub const USER_ID: &str = "0b5e-internal-id";
pub const PASSWORD: &str = "Pässwörd€1";
pub const SALT: &str = "8a1b2c3d4e5f60718293a4b5c6d7e8f9";
pub const BLOCK: &str = "c2VjcmV0LWJsb2Nr";
pub const NOW_TEXT: &str = "Tue Sep 3 07:05:09 UTC 2024";

pub fn md(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

pub fn params(flow: AuthFlow) -> SignInParams {
    SignInParams {
        username: "alice@example.com".into(),
        password: PASSWORD.into(),
        flow,
        client_metadata: md(&[("app", "test")]),
        device: None,
        remember_device: None,
        totp_issuer: "Demo App".into(),
        preferred_challenge: None,
        session: None,
    }
}

pub fn client(secret: bool) -> ClientConfig {
    ClientConfig::new(POOL_ID, CLIENT_ID, secret.then_some(SECRET)).unwrap()
}

pub fn json(text: &str) -> Json {
    Json::parse(text).unwrap()
}

/// Runs the SRP math a step asks for ([`Step::Compute`]) one exponent window per call, as a
/// page slices it, checking that it really comes in slices; returns the next other step.
pub fn settle(
    flow: &mut SignIn,
    env: &mut TestEnv,
    step: Result<Step, Error>,
) -> Result<Step, Error> {
    let mut step = step?;
    let mut calls = 0;
    while matches!(step, Step::Compute) {
        calls += 1;
        // A step computes at most g^x (52 windows) and the power a + u·x (207 windows).
        assert!(calls <= 300, "compute did not finish");
        if let Some(next) = flow.compute(env, 1)? {
            assert!(calls > 50, "SRP math finished in {calls} one-window slices");
            step = next;
        }
    }
    Ok(step)
}

pub fn start(flow: &mut SignIn, env: &mut TestEnv) -> Result<Step, Error> {
    let step = flow.start(env);
    settle(flow, env, step)
}

pub fn feed(
    flow: &mut SignIn,
    env: &mut TestEnv,
    reply: Result<Json, Error>,
) -> Result<Step, Error> {
    let step = flow.on_reply(env, reply);
    settle(flow, env, step)
}

pub fn sent(step: Step) -> Request {
    match step {
        Step::Send { request, .. } => request,
        other => panic!("expected a request, got {other:?}"),
    }
}

pub fn asked(step: Step) -> Prompt {
    match step {
        Step::Ask(prompt) => *prompt,
        other => panic!("expected a prompt, got {other:?}"),
    }
}

pub fn done(step: Step) -> SignedIn {
    match step {
        Step::Done(signed_in) => *signed_in,
        other => panic!("expected tokens, got {other:?}"),
    }
}

/// The string at `path` in the request's body (leaked: test-only, so assertions stay short).
pub fn field(request: &Request, path: &[&str]) -> Option<&'static str> {
    let body = Json::parse(&request.body).unwrap();
    let mut value = &body;
    for key in path {
        value = value.get(key)?;
    }
    Some(Box::leak(value.as_str()?.to_string().into_boxed_str()))
}

pub fn service_error(name: &str, status: u16) -> Error {
    HttpReply {
        status,
        body: &["{\"__type\":\"", name, "\",\"message\":\"m\"}"].concat(),
        error_type: None,
        request_id: None,
    }
    .into_json()
    .unwrap_err()
}

pub fn tokens(extra: &str) -> Json {
    json(&format!(
        r#"{{"AuthenticationResult":{{"AccessToken":"acc","IdToken":"id","RefreshToken":"ref","ExpiresIn":3600,"TokenType":"Bearer"{extra}}}}}"#
    ))
}

/// A real SRP server for realm/user/password.
pub fn srp_server(realm: &str, user: &str, password: &str, salt_hex: &str) -> SrpServer {
    let salt = parse_hex(salt_hex, "SALT").unwrap();
    let verifier = password_verifier(
        Credentials {
            realm,
            user_id: user,
            password,
        },
        &salt,
    );
    SrpServer::new(
        &verifier,
        EphemeralSecret::from_be_slice(&[0x5a; 64]).unwrap(),
    )
    .unwrap()
}

/// Sends the PASSWORD_VERIFIER challenge for `initiate` and checks the client's claim.
pub fn answer_password_verifier(
    flow: &mut SignIn,
    env: &mut TestEnv,
    initiate: &Request,
    password: &str,
) -> (Request, bool) {
    let server = srp_server(POOL_NAME, USER_ID, password, SALT);
    let challenge = json(&format!(
        r#"{{"ChallengeName":"PASSWORD_VERIFIER","Session":"s1","ChallengeParameters":{{"SALT":"{SALT}","SRP_B":"{}","SECRET_BLOCK":"{BLOCK}","USER_ID_FOR_SRP":"{USER_ID}","USERNAME":"{USER_ID}"}}}}"#,
        server.srp_b()
    ));
    let respond = sent(feed(flow, env, Ok(challenge)).unwrap());
    let srp_a = field(initiate, &["AuthParameters", "SRP_A"]).unwrap();
    let key = server.process_client(POOL_NAME, USER_ID, srp_a).unwrap();
    let signature = field(
        &respond,
        &["ChallengeResponses", "PASSWORD_CLAIM_SIGNATURE"],
    )
    .unwrap();
    let valid = key.verify(BLOCK, NOW_TEXT, signature);
    (respond, valid)
}
