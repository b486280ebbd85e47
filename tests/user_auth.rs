//! USER_AUTH, choice-based sign-in, driven with recorded replies: every request body is
//! asserted, and PASSWORD_SRP's claim is checked by a real SRP server.

mod common;

use cognito_wasm::flow::{Answer, AuthFlow, Handler, SignIn, SignInParams};
use cognito_wasm::secret::Secret;
use cognito_wasm::secret_hash::secret_hash;
use cognito_wasm::wire::Operation;
use common::*;

fn user_auth(preferred: Option<&str>, password: &str) -> SignInParams {
    SignInParams {
        preferred_challenge: preferred.map(Into::into),
        password: password.into(),
        ..params(AuthFlow::UserAuth)
    }
}

const SELECT: &str = r#"{"ChallengeName":"SELECT_CHALLENGE","Session":"sel","ChallengeParameters":{},"AvailableChallenges":["PASSWORD","PASSWORD_SRP","EMAIL_OTP","WEB_AUTHN"]}"#;

#[test]
fn without_a_preference_the_choice_is_asked_and_an_email_code_answers() {
    let mut env = TestEnv(31);
    let mut flow = SignIn::new(client(true), user_auth(None, ""));
    let initiate = sent(start(&mut flow, &mut env).unwrap());
    assert_eq!(
        initiate.body,
        format!(
            r#"{{"AuthFlow":"USER_AUTH","ClientId":"client-1","AuthParameters":{{"USERNAME":"alice@example.com","SECRET_HASH":"{}"}},"ClientMetadata":{{"app":"test"}}}}"#,
            secret_hash(SECRET, "alice@example.com", CLIENT_ID)
        )
    );
    let prompt = asked(feed(&mut flow, &mut env, Ok(json(SELECT))).unwrap());
    assert_eq!(prompt.handler, Handler::SelectChallenge);
    assert_eq!(
        prompt.available_challenges,
        ["PASSWORD", "PASSWORD_SRP", "EMAIL_OTP", "WEB_AUTHN"]
    );
    // A factor that was not offered is asked again.
    let again = asked(
        flow.on_answer(&mut env, Answer::Choice("SMS_OTP".into()), &[])
            .unwrap(),
    );
    assert_eq!(again.handler, Handler::SelectChallenge);
    assert_eq!(
        again.error.as_ref().map(cognito_wasm::Error::name),
        Some("HandlerError")
    );
    let choose = sent(
        flow.on_answer(
            &mut env,
            Answer::Choice("EMAIL_OTP".into()),
            &md(&[("step", "choose")]),
        )
        .unwrap(),
    );
    assert_eq!(
        choose.body,
        format!(
            r#"{{"ChallengeName":"SELECT_CHALLENGE","ClientId":"client-1","ChallengeResponses":{{"USERNAME":"alice@example.com","ANSWER":"EMAIL_OTP","SECRET_HASH":"{}"}},"Session":"sel","ClientMetadata":{{"app":"test","step":"choose"}}}}"#,
            secret_hash(SECRET, "alice@example.com", CLIENT_ID)
        )
    );
    let code = json(&format!(
        r#"{{"ChallengeName":"EMAIL_OTP","Session":"otp","ChallengeParameters":{{"CODE_DELIVERY_DELIVERY_MEDIUM":"EMAIL","CODE_DELIVERY_DESTINATION":"a***@e***","USERNAME":"{USER_ID}"}}}}"#
    ));
    let prompt = asked(feed(&mut flow, &mut env, Ok(code)).unwrap());
    assert_eq!(prompt.handler, Handler::EmailOtp);
    assert_eq!(prompt.destination.as_deref(), Some("a***@e***"));
    let wrong = sent(
        flow.on_answer(&mut env, Answer::Code("000000".into()), &[])
            .unwrap(),
    );
    assert_eq!(
        field(&wrong, &["ChallengeResponses", "EMAIL_OTP_CODE"]),
        Some("000000")
    );
    assert_eq!(
        field(&wrong, &["ChallengeResponses", "USERNAME"]),
        Some(USER_ID)
    );
    let retry = asked(
        feed(
            &mut flow,
            &mut env,
            Err(service_error("CodeMismatchException", 400)),
        )
        .unwrap(),
    );
    assert_eq!((retry.handler, retry.attempt), (Handler::EmailOtp, 2));
    sent(
        flow.on_answer(&mut env, Answer::Code("123456".into()), &[])
            .unwrap(),
    );
    done(feed(&mut flow, &mut env, Ok(tokens(""))).unwrap());
}

#[test]
fn a_password_factor_without_a_password_asks_for_it() {
    let mut env = TestEnv(32);
    let mut flow = SignIn::new(client(false), user_auth(None, ""));
    sent(start(&mut flow, &mut env).unwrap());
    asked(feed(&mut flow, &mut env, Ok(json(SELECT))).unwrap());
    let prompt = asked(
        flow.on_answer(&mut env, Answer::Choice("PASSWORD".into()), &[])
            .unwrap(),
    );
    assert_eq!(prompt.handler, Handler::Password);
    assert_eq!(prompt.attempt, 1);
    let respond = sent(
        flow.on_answer(&mut env, Answer::Password(PASSWORD.into()), &[])
            .unwrap(),
    );
    assert_eq!(
        respond.body,
        format!(
            r#"{{"ChallengeName":"SELECT_CHALLENGE","ClientId":"client-1","ChallengeResponses":{{"USERNAME":"alice@example.com","ANSWER":"PASSWORD","PASSWORD":"{PASSWORD}"}},"Session":"sel","ClientMetadata":{{"app":"test"}}}}"#
        )
    );
    done(feed(&mut flow, &mut env, Ok(tokens(""))).unwrap());
}

#[test]
fn password_srp_chosen_computes_a_then_answers_the_verifier() {
    let mut env = TestEnv(33);
    let mut flow = SignIn::new(client(false), user_auth(None, PASSWORD));
    sent(start(&mut flow, &mut env).unwrap());
    asked(feed(&mut flow, &mut env, Ok(json(SELECT))).unwrap());
    let step = flow.on_answer(&mut env, Answer::Choice("PASSWORD_SRP".into()), &[]);
    let choose = sent(settle(&mut flow, &mut env, step).unwrap());
    assert_eq!(
        field(&choose, &["ChallengeResponses", "ANSWER"]),
        Some("PASSWORD_SRP")
    );
    assert!(
        field(&choose, &["ChallengeResponses", "SRP_A"])
            .unwrap()
            .len()
            > 700
    );
    let srp_a = field(&choose, &["ChallengeResponses", "SRP_A"]).unwrap();
    let initiate = cognito_wasm::wire::Request {
        operation: Operation::InitiateAuth,
        body: format!(r#"{{"AuthParameters":{{"SRP_A":"{srp_a}"}}}}"#),
    };
    let (respond, valid) = answer_password_verifier(&mut flow, &mut env, &initiate, PASSWORD);
    assert!(valid, "the server accepts the claim");
    assert_eq!(
        field(&respond, &["ChallengeName"]),
        Some("PASSWORD_VERIFIER")
    );
}

#[test]
fn preferences_go_on_initiate_auth() {
    let mut env = TestEnv(34);
    let mut flow = SignIn::new(client(false), user_auth(Some("PASSWORD"), PASSWORD));
    let initiate = sent(start(&mut flow, &mut env).unwrap());
    assert_eq!(
        initiate.body,
        format!(
            r#"{{"AuthFlow":"USER_AUTH","ClientId":"client-1","AuthParameters":{{"USERNAME":"alice@example.com","PREFERRED_CHALLENGE":"PASSWORD","PASSWORD":"{PASSWORD}"}},"ClientMetadata":{{"app":"test"}}}}"#
        )
    );
    let mut flow = SignIn::new(client(false), user_auth(Some("PASSWORD_SRP"), PASSWORD));
    let initiate = sent(start(&mut flow, &mut env).unwrap());
    assert_eq!(
        field(&initiate, &["AuthParameters", "PREFERRED_CHALLENGE"]),
        Some("PASSWORD_SRP")
    );
    assert!(field(&initiate, &["AuthParameters", "SRP_A"]).is_some());
    assert!(!initiate.body.contains(PASSWORD));
    let (_, valid) = answer_password_verifier(&mut flow, &mut env, &initiate, PASSWORD);
    assert!(valid);
    let mut flow = SignIn::new(client(false), user_auth(Some("WEB_AUTHN"), ""));
    let initiate = sent(start(&mut flow, &mut env).unwrap());
    assert_eq!(
        field(&initiate, &["AuthParameters", "PREFERRED_CHALLENGE"]),
        Some("WEB_AUTHN")
    );
    // A preferred password factor needs the password up front.
    let err = SignIn::new(client(false), user_auth(Some("PASSWORD"), ""))
        .start(&mut env)
        .unwrap_err();
    assert_eq!(err.name(), "InvalidConfig");
}

#[test]
fn a_passkey_answers_web_authn_with_the_credential_as_json_text() {
    let mut env = TestEnv(35);
    let mut flow = SignIn::new(client(false), user_auth(Some("WEB_AUTHN"), ""));
    sent(start(&mut flow, &mut env).unwrap());
    let options = r#"{\"challenge\":\"Y2g\",\"rpId\":\"localhost\",\"allowCredentials\":[]}"#;
    let challenge = json(&format!(
        r#"{{"ChallengeName":"WEB_AUTHN","Session":"w","ChallengeParameters":{{"CREDENTIAL_REQUEST_OPTIONS":"{options}","USERNAME":"{USER_ID}"}}}}"#
    ));
    let prompt = asked(feed(&mut flow, &mut env, Ok(challenge)).unwrap());
    assert_eq!(prompt.handler, Handler::WebAuthn);
    assert_eq!(
        prompt.request_options.as_deref(),
        Some(r#"{"challenge":"Y2g","rpId":"localhost","allowCredentials":[]}"#)
    );
    let credential = r#"{"id":"cred","rawId":"cred","type":"public-key","response":{"clientDataJSON":"e30","authenticatorData":"AA","signature":"AA"},"clientExtensionResults":{}}"#;
    let respond = sent(
        flow.on_answer(
            &mut env,
            Answer::Credential(credential.into()),
            &md(&[("step", "passkey")]),
        )
        .unwrap(),
    );
    assert_eq!(
        field(&respond, &["ChallengeResponses", "CREDENTIAL"]),
        Some(credential)
    );
    assert_eq!(
        field(&respond, &["ClientMetadata", "step"]),
        Some("passkey"),
        "Amplify leaves it out: we do not"
    );
    // Bad options are not passed on.
    let mut flow = SignIn::new(client(false), user_auth(Some("WEB_AUTHN"), ""));
    sent(start(&mut flow, &mut env).unwrap());
    let challenge = json(
        r#"{"ChallengeName":"WEB_AUTHN","Session":"w","ChallengeParameters":{"CREDENTIAL_REQUEST_OPTIONS":"[1"}}"#,
    );
    assert_eq!(
        asked(feed(&mut flow, &mut env, Ok(challenge)).unwrap()).request_options,
        None
    );
}

#[test]
fn sms_codes_and_the_sign_up_session() {
    let mut env = TestEnv(36);
    let mut flow = SignIn::new(client(false), user_auth(Some("SMS_OTP"), ""));
    sent(start(&mut flow, &mut env).unwrap());
    let challenge = json(
        r#"{"ChallengeName":"SMS_OTP","Session":"s","ChallengeParameters":{"CODE_DELIVERY_DESTINATION":"+*******0100"}}"#,
    );
    let prompt = asked(feed(&mut flow, &mut env, Ok(challenge)).unwrap());
    assert_eq!(prompt.handler, Handler::SmsOtp);
    assert_eq!(prompt.destination.as_deref(), Some("+*******0100"));
    let respond = sent(
        flow.on_answer(&mut env, Answer::Code("123456".into()), &[])
            .unwrap(),
    );
    assert_eq!(
        field(&respond, &["ChallengeResponses", "SMS_OTP_CODE"]),
        Some("123456")
    );

    let mut flow = SignIn::new(
        client(false),
        SignInParams {
            session: Some("from-confirm".into()),
            password: Secret::default(),
            ..params(AuthFlow::UserAuth)
        },
    );
    let initiate = sent(start(&mut flow, &mut env).unwrap());
    assert_eq!(field(&initiate, &["Session"]), Some("from-confirm"));
    assert_eq!(field(&initiate, &["AuthFlow"]), Some("USER_AUTH"));
    done(feed(&mut flow, &mut env, Ok(tokens(""))).unwrap());
}
