//! The sign-in state machine driven with recorded replies; every request body is asserted.
//! PASSWORD_VERIFIER and DEVICE_PASSWORD_VERIFIER replies come from a real SRP server, which
//! then checks the client's signature.

mod common;

use base64::Engine as _;
use cognito_wasm::flow::{Answer, AuthFlow, DeviceSecret, Handler, SignIn, SignInParams, Step};
use cognito_wasm::secret::Secret;
use cognito_wasm::secret_hash::secret_hash;
use cognito_wasm::srp::server::SrpServer;
use cognito_wasm::srp::{Credentials, EphemeralSecret};
use cognito_wasm::wire::Operation;
use cognito_wasm::Error;
use common::*;

#[test]
fn srp_sign_in_sends_exact_bodies() {
    let mut env = TestEnv(7);
    let mut flow = SignIn::new(client(false), params(AuthFlow::UserSrp));
    let initiate = sent(start(&mut flow, &mut env).unwrap());
    assert_eq!(initiate.operation, Operation::InitiateAuth);
    let srp_a = field(&initiate, &["AuthParameters", "SRP_A"])
        .unwrap()
        .to_string();
    assert!(srp_a.len() > 700 && srp_a.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(
        initiate.body,
        format!(
            r#"{{"AuthFlow":"USER_SRP_AUTH","ClientId":"client-1","AuthParameters":{{"USERNAME":"alice@example.com","SRP_A":"{srp_a}"}},"ClientMetadata":{{"app":"test"}}}}"#
        )
    );

    let (respond, valid) = answer_password_verifier(&mut flow, &mut env, &initiate, PASSWORD);
    assert!(valid, "the server must accept the client's claim");
    let signature = field(
        &respond,
        &["ChallengeResponses", "PASSWORD_CLAIM_SIGNATURE"],
    )
    .unwrap();
    assert_eq!(
        respond.body,
        format!(
            r#"{{"ChallengeName":"PASSWORD_VERIFIER","ClientId":"client-1","ChallengeResponses":{{"USERNAME":"{USER_ID}","PASSWORD_CLAIM_SECRET_BLOCK":"{BLOCK}","TIMESTAMP":"{NOW_TEXT}","PASSWORD_CLAIM_SIGNATURE":"{signature}"}},"Session":"s1","ClientMetadata":{{"app":"test"}}}}"#
        )
    );
    let signed_in = done(feed(&mut flow, &mut env, Ok(tokens(""))).unwrap());
    assert_eq!(signed_in.result.access_token.expose(), "acc");
    assert_eq!(
        signed_in.result.refresh_token.as_ref().map(Secret::expose),
        Some("ref")
    );
    assert!(signed_in.device.is_none());
    // Spent: nothing more is accepted.
    assert!(feed(&mut flow, &mut env, Ok(tokens(""))).is_err());
}

#[test]
fn wrong_password_fails_the_servers_check() {
    let mut env = TestEnv(8);
    let mut flow = SignIn::new(client(false), params(AuthFlow::UserSrp));
    let initiate = sent(start(&mut flow, &mut env).unwrap());
    let (_, valid) = answer_password_verifier(&mut flow, &mut env, &initiate, "other password");
    assert!(!valid);
    let err = feed(
        &mut flow,
        &mut env,
        Err(service_error("NotAuthorizedException", 400)),
    )
    .unwrap_err();
    assert_eq!(err.name(), "NotAuthorizedException");
}

#[test]
fn secret_hash_uses_the_typed_name_then_the_internal_one() {
    let mut env = TestEnv(9);
    let mut flow = SignIn::new(client(true), params(AuthFlow::UserSrp));
    let initiate = sent(start(&mut flow, &mut env).unwrap());
    assert_eq!(
        field(&initiate, &["AuthParameters", "SECRET_HASH"]),
        Some(secret_hash(SECRET, "alice@example.com", CLIENT_ID).as_str())
    );
    let (respond, valid) = answer_password_verifier(&mut flow, &mut env, &initiate, PASSWORD);
    assert!(valid);
    assert_eq!(
        field(&respond, &["ChallengeResponses", "SECRET_HASH"]),
        Some(secret_hash(SECRET, USER_ID, CLIENT_ID).as_str())
    );
}

/// Signs in up to the reply after PASSWORD_VERIFIER.
fn past_password(flow: &mut SignIn, env: &mut TestEnv) {
    let initiate = sent(start(flow, env).unwrap());
    let (_, valid) = answer_password_verifier(flow, env, &initiate, PASSWORD);
    assert!(valid);
}

#[test]
fn sms_mfa_wrong_code_asks_again_on_the_same_session() {
    let mut env = TestEnv(10);
    let mut flow = SignIn::new(client(false), params(AuthFlow::UserSrp));
    past_password(&mut flow, &mut env);
    let challenge = json(&format!(
        r#"{{"ChallengeName":"SMS_MFA","Session":"mfa-1","ChallengeParameters":{{"CODE_DELIVERY_DELIVERY_MEDIUM":"SMS","CODE_DELIVERY_DESTINATION":"+*******1234","USERNAME":"{USER_ID}"}}}}"#
    ));
    let prompt = asked(feed(&mut flow, &mut env, Ok(challenge)).unwrap());
    assert_eq!(prompt.handler, Handler::SmsMfa);
    assert_eq!((prompt.attempt, &prompt.error), (1, &None));
    assert_eq!(prompt.username, USER_ID);

    let first = sent(
        flow.on_answer(&mut env, Answer::Code("000000".into()), &[])
            .unwrap(),
    );
    assert_eq!(
        first.body,
        format!(
            r#"{{"ChallengeName":"SMS_MFA","ClientId":"client-1","ChallengeResponses":{{"USERNAME":"{USER_ID}","SMS_MFA_CODE":"000000"}},"Session":"mfa-1","ClientMetadata":{{"app":"test"}}}}"#
        )
    );
    let again = asked(
        feed(
            &mut flow,
            &mut env,
            Err(service_error("CodeMismatchException", 400)),
        )
        .unwrap(),
    );
    assert_eq!(again.attempt, 2);
    assert_eq!(
        again.error.as_ref().map(Error::name),
        Some("CodeMismatchException")
    );
    let second = sent(
        flow.on_answer(&mut env, Answer::Code("123456".into()), &[])
            .unwrap(),
    );
    assert_eq!(field(&second, &["Session"]), Some("mfa-1"));
    assert_eq!(
        field(&second, &["ChallengeResponses", "SMS_MFA_CODE"]),
        Some("123456")
    );
    done(feed(&mut flow, &mut env, Ok(tokens(""))).unwrap());
}

#[test]
fn expired_code_ends_the_flow() {
    let mut env = TestEnv(11);
    let mut flow = SignIn::new(client(false), params(AuthFlow::UserSrp));
    past_password(&mut flow, &mut env);
    let challenge =
        json(r#"{"ChallengeName":"SOFTWARE_TOKEN_MFA","Session":"t","ChallengeParameters":{}}"#);
    let prompt = asked(feed(&mut flow, &mut env, Ok(challenge)).unwrap());
    assert_eq!(prompt.handler, Handler::SoftwareTokenMfa);
    let request = sent(
        flow.on_answer(&mut env, Answer::Code("111111".into()), &[])
            .unwrap(),
    );
    assert_eq!(
        field(&request, &["ChallengeResponses", "SOFTWARE_TOKEN_MFA_CODE"]),
        Some("111111")
    );
    let err = feed(
        &mut flow,
        &mut env,
        Err(service_error("ExpiredCodeException", 400)),
    )
    .unwrap_err();
    assert_eq!(err.name(), "ExpiredCodeException");
}

#[test]
fn custom_with_srp_forwards_metadata_on_every_round() {
    let mut env = TestEnv(12);
    let mut flow = SignIn::new(client(false), params(AuthFlow::CustomWithSrp));
    let initiate = sent(start(&mut flow, &mut env).unwrap());
    assert_eq!(field(&initiate, &["AuthFlow"]), Some("CUSTOM_AUTH"));
    assert_eq!(
        field(&initiate, &["AuthParameters", "CHALLENGE_NAME"]),
        Some("SRP_A")
    );
    let (respond, valid) = answer_password_verifier(&mut flow, &mut env, &initiate, PASSWORD);
    assert!(valid);
    assert_eq!(field(&respond, &["ClientMetadata", "app"]), Some("test"));

    for round in 1..=2u32 {
        let challenge = json(&format!(
            r#"{{"ChallengeName":"CUSTOM_CHALLENGE","Session":"c{round}","ChallengeParameters":{{"question":"6 x 7?","USERNAME":"{USER_ID}"}}}}"#
        ));
        let prompt = asked(feed(&mut flow, &mut env, Ok(challenge)).unwrap());
        assert_eq!(prompt.handler, Handler::CustomChallenge);
        assert_eq!(prompt.attempt, round);
        assert_eq!(
            cognito_wasm::wire::lookup(&prompt.parameters, "question"),
            Some("6 x 7?")
        );
        let step_metadata = md(&[
            ("round", if round == 1 { "one" } else { "two" }),
            ("app", "override"),
        ]);
        let request = sent(
            flow.on_answer(&mut env, Answer::Custom("42".into()), &step_metadata)
                .unwrap(),
        );
        assert_eq!(
            field(&request, &["ChallengeName"]),
            Some("CUSTOM_CHALLENGE")
        );
        assert_eq!(
            field(&request, &["Session"]),
            Some(format!("c{round}").as_str())
        );
        assert_eq!(
            field(&request, &["ChallengeResponses", "ANSWER"]),
            Some("42")
        );
        assert_eq!(
            field(&request, &["ClientMetadata", "app"]),
            Some("override")
        );
        assert!(field(&request, &["ClientMetadata", "round"]).is_some());
    }
    done(feed(&mut flow, &mut env, Ok(tokens(""))).unwrap());
}

#[test]
fn custom_without_srp_needs_no_password() {
    let mut env = TestEnv(13);
    let mut p = params(AuthFlow::CustomWithoutSrp);
    p.password = Secret::default();
    let mut flow = SignIn::new(client(false), p);
    let initiate = sent(start(&mut flow, &mut env).unwrap());
    assert_eq!(
        initiate.body,
        r#"{"AuthFlow":"CUSTOM_AUTH","ClientId":"client-1","AuthParameters":{"USERNAME":"alice@example.com"},"ClientMetadata":{"app":"test"}}"#
    );
}

#[test]
fn password_flow_sends_the_password_only_in_that_flow() {
    let mut env = TestEnv(14);
    let mut flow = SignIn::new(client(false), params(AuthFlow::UserPassword));
    let initiate = sent(start(&mut flow, &mut env).unwrap());
    assert_eq!(field(&initiate, &["AuthFlow"]), Some("USER_PASSWORD_AUTH"));
    assert_eq!(
        field(&initiate, &["AuthParameters", "PASSWORD"]),
        Some(PASSWORD)
    );
    let mut flow = SignIn::new(client(false), params(AuthFlow::UserSrp));
    let initiate = sent(start(&mut flow, &mut env).unwrap());
    assert!(!initiate.body.contains(PASSWORD));
    let err = SignIn::new(
        client(false),
        SignInParams {
            password: Secret::default(),
            ..params(AuthFlow::UserSrp)
        },
    )
    .start(&mut env)
    .unwrap_err();
    assert_eq!(err.name(), "InvalidConfig");
}

#[test]
fn mfa_setup_enrols_totp_inside_the_flow() {
    let mut env = TestEnv(15);
    let mut flow = SignIn::new(client(false), params(AuthFlow::UserSrp));
    past_password(&mut flow, &mut env);
    let challenge = json(&format!(
        r#"{{"ChallengeName":"MFA_SETUP","Session":"setup-0","ChallengeParameters":{{"MFAS_CAN_SETUP":"[\"SOFTWARE_TOKEN_MFA\"]","USERNAME":"{USER_ID}"}}}}"#
    ));
    let associate = sent(feed(&mut flow, &mut env, Ok(challenge)).unwrap());
    assert_eq!(associate.operation, Operation::AssociateSoftwareToken);
    assert_eq!(associate.body, r#"{"Session":"setup-0"}"#);

    let reply = json(r#"{"SecretCode":"JBSWY3DPEHPK3PXP","Session":"setup-1"}"#);
    let prompt = asked(feed(&mut flow, &mut env, Ok(reply)).unwrap());
    assert_eq!(prompt.handler, Handler::MfaSetup);
    assert_eq!(
        prompt.secret_code.as_ref().map(Secret::expose),
        Some("JBSWY3DPEHPK3PXP")
    );
    assert_eq!(
        prompt.otpauth_uri.as_ref().map(Secret::expose),
        Some(
            "otpauth://totp/Demo%20App:0b5e-internal-id?secret=JBSWY3DPEHPK3PXP&issuer=Demo%20App"
        )
    );

    let verify = sent(
        flow.on_answer(&mut env, Answer::Code("000000".into()), &[])
            .unwrap(),
    );
    assert_eq!(verify.operation, Operation::VerifySoftwareToken);
    assert_eq!(verify.body, r#"{"Session":"setup-1","UserCode":"000000"}"#);
    let retry = asked(
        feed(
            &mut flow,
            &mut env,
            Err(service_error("EnableSoftwareTokenMFAException", 400)),
        )
        .unwrap(),
    );
    assert_eq!((retry.attempt, retry.handler), (2, Handler::MfaSetup));
    let verify = sent(
        flow.on_answer(&mut env, Answer::Code("123456".into()), &[])
            .unwrap(),
    );
    assert_eq!(field(&verify, &["Session"]), Some("setup-1"));

    let verified = json(r#"{"Status":"SUCCESS","Session":"setup-2"}"#);
    let respond = sent(feed(&mut flow, &mut env, Ok(verified)).unwrap());
    assert_eq!(
        respond.body,
        format!(
            r#"{{"ChallengeName":"MFA_SETUP","ClientId":"client-1","ChallengeResponses":{{"USERNAME":"{USER_ID}"}},"Session":"setup-2","ClientMetadata":{{"app":"test"}}}}"#
        )
    );
    done(feed(&mut flow, &mut env, Ok(tokens(""))).unwrap());
}

#[test]
fn new_password_required_sends_attributes() {
    let mut env = TestEnv(16);
    let mut flow = SignIn::new(client(false), params(AuthFlow::UserSrp));
    past_password(&mut flow, &mut env);
    let challenge = json(&format!(
        r#"{{"ChallengeName":"NEW_PASSWORD_REQUIRED","Session":"np","ChallengeParameters":{{"requiredAttributes":"[\"userAttributes.name\"]","userAttributes":"{{\"email\":\"d@example.com\"}}","USERNAME":"{USER_ID}"}}}}"#
    ));
    let prompt = asked(feed(&mut flow, &mut env, Ok(challenge)).unwrap());
    assert_eq!(prompt.handler, Handler::NewPasswordRequired);
    assert_eq!(prompt.required_attributes, vec!["name".to_string()]);
    let answer = || Answer::NewPassword {
        password: "N3w-Passw0rd!".into(),
        attributes: md(&[("name", "Dave")]),
    };
    let request = sent(flow.on_answer(&mut env, answer(), &[]).unwrap());
    assert_eq!(
        request.body,
        format!(
            r#"{{"ChallengeName":"NEW_PASSWORD_REQUIRED","ClientId":"client-1","ChallengeResponses":{{"USERNAME":"{USER_ID}","NEW_PASSWORD":"N3w-Passw0rd!","userAttributes.name":"Dave"}},"Session":"np","ClientMetadata":{{"app":"test"}}}}"#
        )
    );
    let again = asked(
        feed(
            &mut flow,
            &mut env,
            Err(service_error("InvalidPasswordException", 400)),
        )
        .unwrap(),
    );
    assert_eq!(again.attempt, 2);
    sent(flow.on_answer(&mut env, answer(), &[]).unwrap());
}

#[test]
fn select_mfa_type_and_unknown_challenges() {
    let mut env = TestEnv(17);
    let mut flow = SignIn::new(client(false), params(AuthFlow::UserSrp));
    past_password(&mut flow, &mut env);
    let challenge = json(
        r#"{"ChallengeName":"SELECT_MFA_TYPE","Session":"sel","ChallengeParameters":{"MFAS_CAN_CHOOSE":"[\"SMS_MFA\",\"SOFTWARE_TOKEN_MFA\"]"}}"#,
    );
    let prompt = asked(feed(&mut flow, &mut env, Ok(challenge)).unwrap());
    assert_eq!(prompt.handler, Handler::SelectMfaType);
    let request = sent(
        flow.on_answer(&mut env, Answer::Choice("SOFTWARE_TOKEN_MFA".into()), &[])
            .unwrap(),
    );
    assert_eq!(
        field(&request, &["ChallengeResponses", "ANSWER"]),
        Some("SOFTWARE_TOKEN_MFA")
    );
    // An answer of the wrong kind is asked again with the reason, on the same session.
    let challenge =
        json(r#"{"ChallengeName":"SOME_FUTURE_CHALLENGE","Session":"w","ChallengeParameters":{}}"#);
    let prompt = asked(feed(&mut flow, &mut env, Ok(challenge)).unwrap());
    assert_eq!(prompt.handler, Handler::Other);
    let again = asked(
        flow.on_answer(&mut env, Answer::Code("1".into()), &[])
            .unwrap(),
    );
    assert_eq!(again.handler, Handler::Other);
    assert_eq!(again.error.as_ref().map(Error::name), Some("HandlerError"));
    let again = asked(flow.refuse_answer().unwrap());
    assert_eq!(again.attempt, 3);
    let request = sent(
        flow.on_answer(
            &mut env,
            Answer::Responses(vec![("CREDENTIAL".into(), "{}".into())]),
            &[],
        )
        .unwrap(),
    );
    assert_eq!(
        field(&request, &["ChallengeResponses", "CREDENTIAL"]),
        Some("{}")
    );
}

fn remembered_device() -> DeviceSecret {
    DeviceSecret {
        device_key: "us-east-1_dev-key".into(),
        device_group_key: "-group-key".into(),
        device_password: "ZGV2aWNlLXBhc3N3b3Jk".into(),
    }
}

#[test]
fn remembered_device_answers_device_srp() {
    let mut env = TestEnv(18);
    let device = remembered_device();
    let mut flow = SignIn::new(
        client(true),
        SignInParams {
            device: Some(device.clone()),
            ..params(AuthFlow::UserSrp)
        },
    );
    let initiate = sent(start(&mut flow, &mut env).unwrap());
    assert_eq!(
        field(&initiate, &["AuthParameters", "DEVICE_KEY"]),
        Some("us-east-1_dev-key")
    );
    let (respond, valid) = answer_password_verifier(&mut flow, &mut env, &initiate, PASSWORD);
    assert!(valid);
    assert_eq!(
        field(&respond, &["ChallengeResponses", "DEVICE_KEY"]),
        Some("us-east-1_dev-key")
    );

    let challenge = json(&format!(
        r#"{{"ChallengeName":"DEVICE_SRP_AUTH","Session":"d1","ChallengeParameters":{{"USERNAME":"{USER_ID}"}}}}"#
    ));
    let device_auth = sent(feed(&mut flow, &mut env, Ok(challenge)).unwrap());
    assert_eq!(
        field(&device_auth, &["ChallengeName"]),
        Some("DEVICE_SRP_AUTH")
    );
    assert_eq!(
        field(&device_auth, &["ClientMetadata", "app"]),
        Some("test")
    );
    assert_eq!(
        field(&device_auth, &["ChallengeResponses", "SECRET_HASH"]),
        Some(secret_hash(SECRET, USER_ID, CLIENT_ID).as_str())
    );
    let device_a = field(&device_auth, &["ChallengeResponses", "SRP_A"]).unwrap();
    assert_ne!(
        Some(device_a),
        field(&initiate, &["AuthParameters", "SRP_A"]),
        "fresh a"
    );

    let salt = "00ff11ee22dd33cc";
    let server = srp_server(
        &device.device_group_key,
        &device.device_key,
        device.device_password.expose(),
        salt,
    );
    let challenge = json(&format!(
        r#"{{"ChallengeName":"DEVICE_PASSWORD_VERIFIER","Session":"d2","ChallengeParameters":{{"SALT":"{salt}","SRP_B":"{}","SECRET_BLOCK":"{BLOCK}","USERNAME":"{USER_ID}"}}}}"#,
        server.srp_b()
    ));
    let verifier = sent(feed(&mut flow, &mut env, Ok(challenge)).unwrap());
    let key = server
        .process_client(&device.device_group_key, &device.device_key, device_a)
        .unwrap();
    let signature = field(
        &verifier,
        &["ChallengeResponses", "PASSWORD_CLAIM_SIGNATURE"],
    )
    .unwrap();
    assert!(key.verify(BLOCK, NOW_TEXT, signature));
    assert_eq!(
        field(&verifier, &["ChallengeResponses", "DEVICE_KEY"]),
        Some("us-east-1_dev-key")
    );
    assert_eq!(field(&verifier, &["ClientMetadata", "app"]), Some("test"));
    let signed_in = done(feed(&mut flow, &mut env, Ok(tokens(""))).unwrap());
    assert_eq!(signed_in.device, Some(device));
}

#[test]
fn new_device_is_confirmed_and_its_verifier_works() {
    let mut env = TestEnv(19);
    let mut flow = SignIn::new(
        client(false),
        SignInParams {
            remember_device: Some("Test browser".into()),
            ..params(AuthFlow::UserSrp)
        },
    );
    past_password(&mut flow, &mut env);
    let reply =
        tokens(r#","NewDeviceMetadata":{"DeviceKey":"us-east-1_new","DeviceGroupKey":"-grp"}"#);
    let confirm = sent(feed(&mut flow, &mut env, Ok(reply)).unwrap());
    assert_eq!(confirm.operation, Operation::ConfirmDevice);
    assert_eq!(field(&confirm, &["AccessToken"]), Some("acc"));
    assert_eq!(field(&confirm, &["DeviceName"]), Some("Test browser"));
    let b64 = base64::engine::general_purpose::STANDARD;
    let salt = b64
        .decode(field(&confirm, &["DeviceSecretVerifierConfig", "Salt"]).unwrap())
        .unwrap();
    let verifier = b64
        .decode(
            field(
                &confirm,
                &["DeviceSecretVerifierConfig", "PasswordVerifier"],
            )
            .unwrap(),
        )
        .unwrap();

    let update = sent(
        feed(
            &mut flow,
            &mut env,
            Ok(json(r#"{"UserConfirmationNecessary":true}"#)),
        )
        .unwrap(),
    );
    assert_eq!(
        update.body,
        r#"{"AccessToken":"acc","DeviceKey":"us-east-1_new","DeviceRememberedStatus":"remembered"}"#
    );
    let signed_in = done(feed(&mut flow, &mut env, Ok(json("{}"))).unwrap());
    let device = signed_in.device.expect("the new device");
    assert_eq!(device.device_group_key, "-grp");

    // The registered verifier accepts the stored device password in a device SRP exchange.
    let server =
        SrpServer::new(&verifier, EphemeralSecret::from_be_slice(&[3; 32]).unwrap()).unwrap();
    let client =
        cognito_wasm::srp::SrpClient::new(EphemeralSecret::from_be_slice(&[4; 128]).unwrap())
            .unwrap();
    let srp_a = client.srp_a();
    let salt_hex: String = salt.iter().map(|b| format!("{b:02x}")).collect();
    let creds = Credentials {
        realm: &device.device_group_key,
        user_id: &device.device_key,
        password: device.device_password.expose(),
    };
    let claim = client
        .process_challenge(creds, &salt_hex, &server.srp_b())
        .unwrap()
        .sign(BLOCK, NOW_TEXT)
        .unwrap();
    let key = server
        .process_client("-grp", "us-east-1_new", &srp_a)
        .unwrap();
    assert!(key.verify(BLOCK, NOW_TEXT, &claim.signature));
}

#[test]
fn failed_confirm_device_is_reported_not_swallowed() {
    let mut env = TestEnv(20);
    let mut flow = SignIn::new(
        client(false),
        SignInParams {
            remember_device: Some("b".into()),
            ..params(AuthFlow::UserSrp)
        },
    );
    past_password(&mut flow, &mut env);
    let reply = tokens(r#","NewDeviceMetadata":{"DeviceKey":"k","DeviceGroupKey":"g"}"#);
    sent(feed(&mut flow, &mut env, Ok(reply)).unwrap());
    // A transient failure is retried with the same request …
    let retry = feed(
        &mut flow,
        &mut env,
        Err(service_error("InternalErrorException", 500)),
    )
    .unwrap();
    let Step::Send { request, delay_ms } = retry else {
        panic!("expected a retry")
    };
    assert_eq!(request.operation, Operation::ConfirmDevice);
    assert!(delay_ms >= 100);
    // … a permanent one ends with tokens and the error.
    let signed_in = done(
        feed(
            &mut flow,
            &mut env,
            Err(service_error("InvalidParameterException", 400)),
        )
        .unwrap(),
    );
    assert_eq!(signed_in.result.access_token.expose(), "acc");
    assert!(signed_in.device.is_none());
    assert_eq!(
        signed_in.device_error.as_ref().map(Error::name),
        Some("InvalidParameterException")
    );
}

#[test]
fn transient_failures_restart_from_initiate_auth_never_resend_a_session() {
    let mut env = TestEnv(21);
    let mut flow = SignIn::new(client(false), params(AuthFlow::UserSrp));
    let first = sent(start(&mut flow, &mut env).unwrap());
    let step = feed(
        &mut flow,
        &mut env,
        Err(Error::Network("Failed to fetch".into())),
    )
    .unwrap();
    let Step::Send {
        request: second,
        delay_ms,
    } = step
    else {
        panic!("expected a retry")
    };
    assert_eq!(second.operation, Operation::InitiateAuth);
    assert!((100..=200).contains(&delay_ms), "{delay_ms}");
    assert_ne!(
        field(&first, &["AuthParameters", "SRP_A"]),
        field(&second, &["AuthParameters", "SRP_A"])
    );
    let (respond, _) = answer_password_verifier(&mut flow, &mut env, &second, PASSWORD);
    assert_eq!(respond.operation, Operation::RespondToAuthChallenge);
    // Throttled while answering PASSWORD_VERIFIER: a new InitiateAuth, not the same answer.
    let step = feed(
        &mut flow,
        &mut env,
        Err(service_error("TooManyRequestsException", 400)),
    )
    .unwrap();
    let Step::Send { request: third, .. } = step else {
        panic!("expected a restart")
    };
    assert_eq!(third.operation, Operation::InitiateAuth);
}

#[test]
fn retries_are_bounded_and_only_for_transient_errors() {
    let mut env = TestEnv(22);
    let mut flow = SignIn::new(client(false), params(AuthFlow::UserSrp));
    sent(start(&mut flow, &mut env).unwrap());
    let mut delays = Vec::new();
    let err = loop {
        match feed(
            &mut flow,
            &mut env,
            Err(service_error("InternalErrorException", 500)),
        ) {
            Ok(Step::Send { delay_ms, .. }) => delays.push(delay_ms),
            Ok(other) => panic!("{other:?}"),
            Err(err) => break err,
        }
        assert!(delays.len() <= 3, "unbounded retries");
    };
    assert_eq!(delays.len(), 3);
    assert!(delays[0] <= 200 && delays[1] >= 200 && delays[2] >= 400);
    assert_eq!(err.name(), "InternalErrorException");

    for name in [
        "NotAuthorizedException",
        "LimitExceededException",
        "CodeMismatchException",
    ] {
        let mut flow = SignIn::new(client(false), params(AuthFlow::UserSrp));
        sent(start(&mut flow, &mut env).unwrap());
        let err = feed(&mut flow, &mut env, Err(service_error(name, 400))).unwrap_err();
        assert_eq!(err.name(), name);
    }
}

#[test]
fn stale_device_is_dropped_and_sign_in_restarts_without_it() {
    let mut env = TestEnv(23);
    let mut flow = SignIn::new(
        client(false),
        SignInParams {
            device: Some(remembered_device()),
            ..params(AuthFlow::UserSrp)
        },
    );
    let first = sent(start(&mut flow, &mut env).unwrap());
    assert!(field(&first, &["AuthParameters", "DEVICE_KEY"]).is_some());
    let again = sent(
        feed(
            &mut flow,
            &mut env,
            Err(service_error("ResourceNotFoundException", 400)),
        )
        .unwrap(),
    );
    assert_eq!(again.operation, Operation::InitiateAuth);
    assert!(field(&again, &["AuthParameters", "DEVICE_KEY"]).is_none());
}

#[test]
fn malformed_replies_are_typed_errors() {
    let cases = [
        (r#"{"Session":"x"}"#, "InvalidServerResponse"),
        (
            r#"{"ChallengeName":"PASSWORD_VERIFIER","ChallengeParameters":{"SALT":"ab"}}"#,
            "InvalidServerResponse",
        ),
        (
            r#"{"ChallengeName":"PASSWORD_VERIFIER","ChallengeParameters":{"SALT":"ab","SRP_B":"zz","SECRET_BLOCK":"AA==","USER_ID_FOR_SRP":"u"}}"#,
            "SrpError",
        ),
        (
            r#"{"ChallengeName":"PASSWORD_VERIFIER","ChallengeParameters":{"SALT":"ab","SRP_B":"0","SECRET_BLOCK":"AA==","USER_ID_FOR_SRP":"u"}}"#,
            "SrpError",
        ),
        (
            r#"{"ChallengeName":"PASSWORD_VERIFIER","ChallengeParameters":{"SALT":"","SRP_B":"05","SECRET_BLOCK":"AA==","USER_ID_FOR_SRP":"u"}}"#,
            "SrpError",
        ),
        (
            r#"{"ChallengeName":"PASSWORD_VERIFIER","ChallengeParameters":{"SALT":"ab","SRP_B":"05","SECRET_BLOCK":"%%","USER_ID_FOR_SRP":"u"}}"#,
            "SrpError",
        ),
        (
            r#"{"ChallengeName":"DEVICE_SRP_AUTH","ChallengeParameters":{}}"#,
            "InvalidServerResponse",
        ),
        (
            r#"{"AuthenticationResult":{"AccessToken":"a"}}"#,
            "InvalidServerResponse",
        ),
        (r#"[]"#, "InvalidServerResponse"),
    ];
    for (text, name) in cases {
        let mut env = TestEnv(24);
        let mut flow = SignIn::new(client(false), params(AuthFlow::UserSrp));
        sent(start(&mut flow, &mut env).unwrap());
        let err = feed(&mut flow, &mut env, Ok(json(text))).unwrap_err();
        assert_eq!(err.name(), name, "{text}");
        assert!(!err.message().contains(PASSWORD));
    }
}

#[test]
fn a_reply_while_computing_is_refused() {
    let mut env = TestEnv(23);
    let mut flow = SignIn::new(client(false), params(AuthFlow::UserSrp));
    assert!(matches!(flow.start(&mut env), Ok(Step::Compute)));
    assert!(matches!(flow.compute(&mut env, 3), Ok(None)));
    let err = flow.on_reply(&mut env, Ok(tokens(""))).unwrap_err();
    assert_eq!(err.name(), "InvalidState");
    // The refused reply ended the flow: no half-computed work is left to resume.
    assert_eq!(
        flow.compute(&mut env, 1).unwrap_err().name(),
        "InvalidState"
    );
}
