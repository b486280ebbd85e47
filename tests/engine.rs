//! The engine driven through its JSON interface, as the JS driver drives it: every action is
//! checked (the request it sends, what it stores under which key, which events and snapshot
//! it announces, which operations it cancels), with recorded Cognito replies.

mod common;

use cognito_wasm::json::Json;
use common::driver::*;

#[test]
fn create_checks_the_config() {
    for bad in [
        r#"{"userPoolId":"nope","clientId":"c"}"#,
        r#"{"userPoolId":"us-east-1_P","clientId":"c","endpoint":"cognito.example.com"}"#,
        r#"{"userPoolId":"us-east-1_P","clientId":"c","requestTimeoutMs":-1}"#,
    ] {
        let mut driver = Driver::new();
        let action = driver.start("create", bad);
        assert_eq!(text(&action, "do"), "fail");
        assert_eq!(
            path(&action, &["error", "name"]).and_then(Json::as_str),
            Some("InvalidConfig")
        );
    }
    let mut driver = Driver::created(CONFIG);
    let again = driver.start("create", CONFIG);
    assert_eq!(
        path(&again, &["error", "name"]).and_then(Json::as_str),
        Some("InvalidState")
    );
}

#[test]
fn operations_before_create_are_refused() {
    let mut driver = Driver::new();
    let action = driver.start("getTokens", "{}");
    assert_eq!(
        path(&action, &["error", "name"]).and_then(Json::as_str),
        Some("InvalidState")
    );
    let garbage = driver.event("{not json", "");
    assert_eq!(text(&garbage, "do"), "fail");
    let unknown = driver.on(77, r#""on":"reply","status":200"#);
    assert_eq!(
        path(&unknown, &["error", "name"]).and_then(Json::as_str),
        Some("InvalidState")
    );
}

#[test]
fn password_sign_in_stores_announces_and_returns_the_tokens() {
    let mut driver = Driver::created(CONFIG);
    let action = driver.start(
        "signIn",
        r#"{"username":"alice","password":"Passw0rd!","authFlow":"USER_PASSWORD_AUTH","clientMetadata":{"step":"call"}}"#,
    );
    assert_eq!(text(&action, "do"), "send");
    assert_eq!(text(&action, "url"), "http://127.0.0.1:9/");
    assert_eq!(
        header(&action, "X-Amz-Target"),
        "AWSCognitoIdentityProviderService.InitiateAuth"
    );
    assert_eq!(
        header(&action, "Content-Type"),
        "application/x-amz-json-1.1"
    );
    assert_eq!(action.get("timeout").and_then(Json::as_u64), Some(20_000));
    assert_eq!(
        text(&action, "body"),
        r#"{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"client-1","AuthParameters":{"USERNAME":"alice","PASSWORD":"Passw0rd!"},"ClientMetadata":{"app":"test","step":"call"}}"#
    );
    let id = op(&action);
    let store = driver.reply(id, &tokens("alice", "rt-1", 3600, true));
    assert_eq!(text(&store, "do"), "store");
    let set = store.get("set").unwrap();
    let Json::Array(pairs) = set else { panic!() };
    assert_eq!(pairs.len(), 1);
    let Json::Array(pair) = &pairs[0] else {
        panic!()
    };
    assert_eq!(pair[0].as_str(), Some("cognito-wasm.client-1"));
    let record = Json::parse(pair[1].as_str().unwrap()).unwrap();
    assert_eq!(text(&record, "refreshToken"), "rt-1");
    assert_eq!(
        record.get("expiresAt").and_then(Json::as_u64),
        Some(NOW_MS + 3_600_000)
    );
    // Nothing is announced before storage holds the session.
    assert!(store.get("emit").is_none() && store.get("snapshot").is_none());

    let done = driver.stored(id);
    assert_eq!(text(&done, "do"), "done");
    assert_eq!(emitted(&done), ["signedIn"]);
    assert_eq!(
        path(&done, &["snapshot", "status"]).and_then(Json::as_str),
        Some("signedIn")
    );
    assert_eq!(
        path(&done, &["snapshot", "username"]).and_then(Json::as_str),
        Some("alice")
    );
    assert_eq!(
        path(&done, &["value", "tokens", "idTokenPayload", "email"]).and_then(Json::as_str),
        Some("alice@example.com")
    );
    assert_eq!(
        path(&done, &["value", "tokens", "username"]).and_then(Json::as_str),
        Some("alice")
    );
    // No autoRefresh: the timer is cleared, not armed.
    assert_eq!(done.get("timer"), Some(&Json::Null));
    // getTokens answers at once while the tokens are fresh.
    let tokens_now = driver.start("getTokens", "{}");
    assert_eq!(text(&tokens_now, "do"), "done");
    assert_eq!(
        path(&tokens_now, &["value", "refreshToken"]).and_then(Json::as_str),
        Some("rt-1")
    );
}

#[test]
fn a_newer_sign_in_supersedes_and_sign_out_ends_a_pending_one() {
    let mut driver = Driver::created(CONFIG);
    let first = driver.start(
        "signIn",
        r#"{"username":"alice","password":"p","authFlow":"USER_PASSWORD_AUTH"}"#,
    );
    let second = driver.start(
        "signIn",
        r#"{"username":"bob","password":"p","authFlow":"USER_PASSWORD_AUTH"}"#,
    );
    let Some(Json::Array(cancels)) = second.get("cancel") else {
        panic!("{second:?}")
    };
    let Json::Array(cancel) = &cancels[0] else {
        panic!()
    };
    assert_eq!(cancel[0].as_u64(), Some(op(&first)));
    assert_eq!(
        cancel[1].get("name").and_then(Json::as_str),
        Some("AbortError")
    );
    assert_eq!(
        cancel[1].get("reason").and_then(Json::as_str),
        Some("superseded")
    );
    // The superseded operation is gone: its late reply is refused.
    let late = driver.reply(op(&first), &tokens("alice", "rt", 3600, false));
    assert_eq!(
        path(&late, &["error", "name"]).and_then(Json::as_str),
        Some("InvalidState")
    );
    // A sign-in with bad options supersedes nothing.
    let bad = driver.start("signIn", r#"{"username":""}"#);
    assert_eq!(
        path(&bad, &["error", "name"]).and_then(Json::as_str),
        Some("InvalidConfig")
    );
    assert!(bad.get("cancel").is_none());

    let sign_out = driver.start("signOut", "{}");
    let Some(Json::Array(cancels)) = sign_out.get("cancel") else {
        panic!("{sign_out:?}")
    };
    let Json::Array(cancel) = &cancels[0] else {
        panic!()
    };
    assert_eq!(cancel[0].as_u64(), Some(op(&second)));
    assert_eq!(
        cancel[1].get("reason").and_then(Json::as_str),
        Some("signedOut")
    );
}

#[test]
fn the_caller_abort_ends_an_operation_with_its_reason() {
    let mut driver = Driver::created(CONFIG);
    let action = driver.start(
        "signIn",
        r#"{"username":"alice","password":"p","authFlow":"USER_PASSWORD_AUTH"}"#,
    );
    let aborted = driver.on(op(&action), r#""on":"abort","reason":"cancelled""#);
    assert_eq!(text(&aborted, "do"), "fail");
    assert_eq!(
        path(&aborted, &["error", "name"]).and_then(Json::as_str),
        Some("AbortError")
    );
    assert_eq!(
        path(&aborted, &["error", "reason"]).and_then(Json::as_str),
        Some("cancelled")
    );
    let late = driver.reply(op(&action), "{}");
    assert_eq!(
        path(&late, &["error", "name"]).and_then(Json::as_str),
        Some("InvalidState")
    );
}

/// Signs bob in to his SMS_MFA question, with an smsMfa handler or step by step.
fn to_sms_question(driver: &mut Driver, handlers: bool) -> u64 {
    let handlers = if handlers {
        r#","handlers":["smsMfa"]"#
    } else {
        ""
    };
    let action = driver.start(
        "signIn",
        &format!(
            r#"{{"username":"bob","password":"p","authFlow":"USER_PASSWORD_AUTH"{handlers}}}"#
        ),
    );
    let id = op(&action);
    let ask = driver.reply(
        id,
        r#"{"ChallengeName":"SMS_MFA","Session":"s1","ChallengeParameters":{"CODE_DELIVERY_DESTINATION":"+*******1234","CODE_DELIVERY_DELIVERY_MEDIUM":"SMS","USERNAME":"bob"}}"#,
    );
    assert_eq!(text(&ask, "do"), "ask");
    assert_eq!(text(&ask, "handler"), "smsMfa");
    let context = ask.get("context").unwrap();
    assert_eq!(text(context, "challengeName"), "SMS_MFA");
    assert_eq!(text(context, "destination"), "+*******1234");
    assert_eq!(text(context, "deliveryMedium"), "SMS");
    assert_eq!(context.get("attempt").and_then(Json::as_u64), Some(1));
    assert!(context.get("error").is_none());
    id
}

#[test]
fn step_answers_carry_their_metadata_and_a_wrong_code_is_asked_again() {
    let mut driver = Driver::created(CONFIG);
    let id = to_sms_question(&mut driver, false);
    // An unusable answer (an empty code) is asked again, with the reason.
    let again = driver.on(id, r#""on":"answer","value":"""#);
    assert_eq!(text(&again, "do"), "ask");
    assert_eq!(
        path(&again, &["context", "error", "name"]).and_then(Json::as_str),
        Some("HandlerError")
    );
    // A number is a code too; the step's metadata goes on this call only.
    let send = driver.on(
        id,
        r#""on":"answer","value":123456,"clientMetadata":{"step":"sms"}"#,
    );
    let sent = body(&send);
    assert_eq!(
        path(&sent, &["ChallengeResponses", "SMS_MFA_CODE"]).and_then(Json::as_str),
        Some("123456")
    );
    assert_eq!(
        path(&sent, &["ClientMetadata", "step"]).and_then(Json::as_str),
        Some("sms")
    );
    assert_eq!(
        path(&sent, &["ClientMetadata", "app"]).and_then(Json::as_str),
        Some("test")
    );
    let retry = driver.fail(id, 400, "CodeMismatchException");
    assert_eq!(text(&retry, "do"), "ask");
    let context = retry.get("context").unwrap();
    assert_eq!(context.get("attempt").and_then(Json::as_u64), Some(3));
    assert_eq!(
        path(context, &["error", "name"]).and_then(Json::as_str),
        Some("CodeMismatchException")
    );
    assert_eq!(
        path(context, &["error", "requestId"]).and_then(Json::as_str),
        Some("req-9")
    );
    let send = driver.on(id, r#""on":"answer","value":"654321""#);
    assert!(path(&body(&send), &["ClientMetadata", "step"]).is_none());
    let store = driver.reply(id, &tokens("bob", "rt", 3600, false));
    assert_eq!(text(&store, "do"), "store");
}

#[test]
fn a_refused_answer_names_its_challenge_and_a_first_call_error_does_not() {
    let mut driver = Driver::created(CONFIG);
    let id = to_sms_question(&mut driver, false);
    driver.on(id, r#""on":"answer","value":"123456""#);
    let failed = driver.fail(id, 400, "ExpiredCodeException");
    assert_eq!(text(&failed, "do"), "fail", "{failed:?}");
    assert_eq!(
        path(&failed, &["error", "name"]).and_then(Json::as_str),
        Some("ExpiredCodeException")
    );
    assert_eq!(
        path(&failed, &["error", "challengeName"]).and_then(Json::as_str),
        Some("SMS_MFA")
    );
    let action = driver.start(
        "signIn",
        r#"{"username":"bob","password":"p","authFlow":"USER_PASSWORD_AUTH"}"#,
    );
    let failed = driver.fail(op(&action), 400, "NotAuthorizedException");
    assert_eq!(text(&failed, "do"), "fail", "{failed:?}");
    assert!(path(&failed, &["error", "challengeName"]).is_none());
}

#[test]
fn handler_answers_that_cannot_be_used_end_the_sign_in() {
    let mut driver = Driver::created(CONFIG);
    let id = to_sms_question(&mut driver, true);
    let unusable = driver.on(id, r#""on":"answer","value":{"code":1}"#);
    assert_eq!(
        path(&unusable, &["error", "name"]).and_then(Json::as_str),
        Some("HandlerError")
    );

    let action = driver.start(
        "signIn",
        r#"{"username":"bob","password":"p","authFlow":"USER_PASSWORD_AUTH","handlers":["emailOtp"]}"#,
    );
    let missing = driver.reply(
        op(&action),
        r#"{"ChallengeName":"SMS_MFA","Session":"s1","ChallengeParameters":{"USERNAME":"bob"}}"#,
    );
    assert_eq!(
        path(&missing, &["error", "name"]).and_then(Json::as_str),
        Some("ChallengeHandlerMissing")
    );
    assert_eq!(
        path(&missing, &["error", "challengeName"]).and_then(Json::as_str),
        Some("SMS_MFA")
    );

    let id = to_sms_question(&mut driver, true);
    let threw = driver.on(id, r#""on":"answer","threw":true"#);
    assert_eq!(
        path(&threw, &["error", "name"]).and_then(Json::as_str),
        Some("HandlerError")
    );
    assert_eq!(
        path(&threw, &["error", "message"]).and_then(Json::as_str),
        Some("The smsMfa handler threw.")
    );
}

#[test]
fn timeouts_and_network_failures_are_retried_then_typed() {
    let mut driver = Driver::created(CONFIG);
    let action = driver.start("forgotPassword", r#"{"username":"alice"}"#);
    assert_eq!(
        header(&action, "X-Amz-Target"),
        "AWSCognitoIdentityProviderService.ForgotPassword"
    );
    let id = op(&action);
    for _ in 0..3 {
        let last = driver.on(
            id,
            r#""on":"reply","failure":"timeout","message":"aborted""#,
        );
        assert_eq!(text(&last, "do"), "send");
        assert!(last.get("delay").and_then(Json::as_u64).unwrap() >= 100);
    }
    let last = driver.on(
        id,
        r#""on":"reply","failure":"timeout","message":"aborted""#,
    );
    assert_eq!(
        path(&last, &["error", "name"]).and_then(Json::as_str),
        Some("TimeoutError")
    );
    assert_eq!(
        path(&last, &["error", "retryable"]),
        Some(&Json::Bool(true))
    );

    let action = driver.start(
        "forgotPassword",
        r#"{"username":"alice","clientMetadata":{"why":"forgot"}}"#,
    );
    assert_eq!(
        path(&body(&action), &["ClientMetadata", "why"]).and_then(Json::as_str),
        Some("forgot")
    );
    let network = driver.on(
        op(&action),
        r#""on":"reply","failure":"network","message":"Failed to fetch""#,
    );
    assert_eq!(text(&network, "do"), "send");
    let done = driver.reply(
        op(&action),
        r#"{"CodeDeliveryDetails":{"Destination":"a***@e***","DeliveryMedium":"EMAIL","AttributeName":"email"}}"#,
    );
    assert_eq!(
        path(&done, &["value", "deliveryMedium"]).and_then(Json::as_str),
        Some("EMAIL")
    );

    // ConfirmForgotPassword is never re-sent: its code may be spent.
    let confirm = driver.start(
        "confirmForgotPassword",
        r#"{"username":"alice","code":"1","newPassword":"N3w!"}"#,
    );
    let failed = driver.on(
        op(&confirm),
        r#""on":"reply","failure":"network","message":"x""#,
    );
    assert_eq!(
        path(&failed, &["error", "name"]).and_then(Json::as_str),
        Some("NetworkError")
    );
}

/// A driver signed in as alice with tokens that expire in `seconds`.
fn signed_in(seconds: u64, config: &str) -> Driver {
    let mut driver = Driver::created(config);
    let action = driver.start(
        "signIn",
        r#"{"username":"alice","password":"p","authFlow":"USER_PASSWORD_AUTH"}"#,
    );
    driver.reply(op(&action), &tokens("alice", "rt-1", seconds, true));
    let done = driver.stored(op(&action));
    assert_eq!(text(&done, "do"), "done");
    driver
}

#[test]
fn concurrent_get_tokens_share_one_refresh() {
    let mut driver = signed_in(30, CONFIG);
    let first = driver.start("getTokens", "{}");
    assert_eq!(text(&first, "do"), "await");
    let refresh = first.get("spawn").expect("a refresh is started");
    assert_eq!(text(refresh, "do"), "send");
    let refresh_id = op(refresh);
    assert_eq!(first.get("target").and_then(Json::as_u64), Some(refresh_id));
    assert_eq!(
        header(refresh, "X-Amz-Target"),
        "AWSCognitoIdentityProviderService.GetTokensFromRefreshToken"
    );
    assert_eq!(
        text(refresh, "body"),
        r#"{"ClientId":"client-1","RefreshToken":"rt-1","ClientMetadata":{"app":"test"}}"#
    );
    let second = driver.start("getTokens", r#"{"forceRefresh":true}"#);
    assert_eq!(
        second.get("target").and_then(Json::as_u64),
        Some(refresh_id)
    );
    assert!(second.get("spawn").is_none(), "one refresh at a time");

    let store = driver.reply(refresh_id, &tokens("alice", "", 3600, true));
    assert_eq!(text(&store, "do"), "store");
    let done = driver.stored(refresh_id);
    assert_eq!(emitted(&done), ["tokenRefreshed"]);
    // Without a new refresh token, the old one is kept.
    assert_eq!(
        path(&done, &["value", "refreshToken"]).and_then(Json::as_str),
        Some("rt-1")
    );
    for waiter in [op(&first), op(&second)] {
        let settled = driver.on(waiter, r#""on":"settled""#);
        assert_eq!(text(&settled, "do"), "done");
        assert_eq!(
            path(&settled, &["value", "expiresAt"]).and_then(Json::as_u64),
            Some(NOW_MS + 3_600_000)
        );
    }
}

#[test]
fn a_transient_refresh_failure_keeps_the_session() {
    let mut driver = signed_in(30, CONFIG);
    let waiter = driver.start("getTokens", "{}");
    let refresh_id = op(waiter.get("spawn").unwrap());
    let mut last = Json::Null;
    for _ in 0..4 {
        last = driver.fail(refresh_id, 500, "InternalErrorException");
    }
    assert_eq!(
        path(&last, &["error", "name"]).and_then(Json::as_str),
        Some("InternalErrorException")
    );
    assert_eq!(emitted(&last), ["tokenRefreshFailed"]);
    assert!(last.get("snapshot").is_none(), "the session stays");
    let settled = driver.on(op(&waiter), r#""on":"settled""#);
    assert_eq!(
        path(&settled, &["error", "name"]).and_then(Json::as_str),
        Some("InternalErrorException")
    );
    let still = driver.start("getTokens", r#"{"forceRefresh":false}"#);
    assert_eq!(
        text(&still, "do"),
        "await",
        "expiring tokens are refreshed again"
    );
}

#[test]
fn a_revoked_refresh_token_ends_the_session() {
    let mut driver = signed_in(30, CONFIG);
    let waiter = driver.start("getTokens", "{}");
    let refresh_id = op(waiter.get("spawn").unwrap());
    let clear = driver.fail(refresh_id, 400, "NotAuthorizedException");
    assert_eq!(text(&clear, "do"), "store");
    assert_eq!(emitted(&clear), ["tokenRefreshFailed"]);
    assert_eq!(
        clear.get("remove"),
        Some(&Json::Array(vec![Json::String(
            "cognito-wasm.client-1".into()
        )]))
    );
    let ended = driver.stored(refresh_id);
    assert_eq!(
        path(&ended, &["error", "name"]).and_then(Json::as_str),
        Some("NotAuthorizedException")
    );
    assert_eq!(emitted(&ended), ["signedOut"]);
    assert_eq!(
        path(&ended, &["snapshot", "status"]).and_then(Json::as_str),
        Some("signedOut")
    );
    let settled = driver.on(op(&waiter), r#""on":"settled""#);
    assert_eq!(
        path(&settled, &["error", "name"]).and_then(Json::as_str),
        Some("NotAuthorizedException")
    );
    let after = driver.start("getTokens", "{}");
    assert_eq!(after.get("value"), Some(&Json::Null));
}

#[test]
fn sign_out_revokes_then_clears_even_when_the_call_fails() {
    let mut driver = signed_in(3600, CONFIG);
    let action = driver.start("signOut", "{}");
    assert_eq!(
        header(&action, "X-Amz-Target"),
        "AWSCognitoIdentityProviderService.RevokeToken"
    );
    assert_eq!(
        text(&action, "body"),
        r#"{"ClientId":"client-1","Token":"rt-1"}"#
    );
    let clear = driver.fail(op(&action), 400, "UnsupportedOperationException");
    assert_eq!(text(&clear, "do"), "store");
    let done = driver.stored(op(&action));
    assert_eq!(
        path(&done, &["error", "name"]).and_then(Json::as_str),
        Some("UnsupportedOperationException")
    );
    assert_eq!(emitted(&done), ["signedOut"]);

    let mut driver = signed_in(3600, CONFIG);
    let global = driver.start("signOut", r#"{"global":true}"#);
    assert_eq!(
        header(&global, "X-Amz-Target"),
        "AWSCognitoIdentityProviderService.GlobalSignOut"
    );
}

#[test]
fn signing_in_again_revokes_the_replaced_refresh_token() {
    let mut driver = signed_in(3600, CONFIG);
    let done = driver.sign_in("bob", "rt-2", true);
    assert_eq!(emitted(&done), ["signedIn"]);
    let revoke = done.get("spawn").expect("the old token is revoked");
    assert_eq!(
        header(revoke, "X-Amz-Target"),
        "AWSCognitoIdentityProviderService.RevokeToken"
    );
    assert_eq!(
        text(revoke, "body"),
        r#"{"ClientId":"client-1","Token":"rt-1"}"#
    );
    let revoked = driver.reply(op(revoke), "{}");
    assert_eq!(text(&revoked, "do"), "done");
}

#[test]
fn a_stored_session_is_restored_and_announced() {
    let mut first = signed_in(3600, CONFIG);
    let stored = {
        let action = first.start(
            "signIn",
            r#"{"username":"carol","password":"p","authFlow":"USER_PASSWORD_AUTH"}"#,
        );
        let store = first.reply(op(&action), &tokens("carol", "rt-c", 3600, false));
        let Some(Json::Array(pairs)) = store.get("set") else {
            panic!()
        };
        let Json::Array(pair) = &pairs[0] else {
            panic!()
        };
        pair[1].as_str().unwrap().to_string()
    };
    let mut driver = Driver::new();
    let load = driver.start("create", CONFIG);
    assert_eq!(
        load.get("keys"),
        Some(&Json::Array(vec![Json::String(
            "cognito-wasm.client-1".into()
        )]))
    );
    let stored_json = Json::String(stored).encode();
    let done = driver.on(
        op(&load),
        &format!(r#""on":"loaded","values":[{stored_json}]"#),
    );
    assert_eq!(text(&done, "do"), "done");
    assert_eq!(emitted(&done), ["signedIn"]);
    let Some(Json::Array(events)) = done.get("emit") else {
        panic!()
    };
    let Json::Array(event) = &events[0] else {
        panic!()
    };
    assert_eq!(event[1].get("restored"), Some(&Json::Bool(true)));
    assert_eq!(
        path(&done, &["snapshot", "username"]).and_then(Json::as_str),
        Some("carol")
    );

    // An unreadable record is dropped.
    let mut driver = Driver::new();
    let load = driver.start("create", CONFIG);
    let drop = driver.on(op(&load), r#""on":"loaded","values":["{\"idToken\":1}"]"#);
    assert_eq!(text(&drop, "do"), "store");
    assert!(drop.get("emit").is_none());
    let done = driver.stored(op(&load));
    assert_eq!(text(&done, "do"), "done");
    // A storage that fails to read fails create with a typed error.
    let mut driver = Driver::new();
    let load = driver.start("create", CONFIG);
    let failed = driver.on(op(&load), r#""on":"loaded","failed":"getItem""#);
    assert_eq!(
        path(&failed, &["error", "message"]).and_then(Json::as_str),
        Some("storage.getItem failed.")
    );
}

#[test]
fn auto_refresh_arms_a_timer_before_expiry() {
    let config = CONFIG.replace("\"clientId\"", "\"autoRefresh\":true,\"clientId\"");
    let mut driver = Driver::created(&config);
    let action = driver.start(
        "signIn",
        r#"{"username":"alice","password":"p","authFlow":"USER_PASSWORD_AUTH"}"#,
    );
    driver.reply(op(&action), &tokens("alice", "rt", 3600, false));
    let done = driver.stored(op(&action));
    let timer = done.get("timer").and_then(Json::as_u64).expect("armed");
    assert!(
        (3_600_000 - 60_000 - 15_000..=3_600_000 - 60_000).contains(&timer),
        "{timer}"
    );
}

#[test]
fn remembered_devices_are_read_and_written_under_both_usernames() {
    let config = CONFIG.replace("\"clientId\"", "\"rememberDevices\":true,\"clientId\"");
    let mut driver = Driver::created(&config);
    let action = driver.start(
        "signIn",
        r#"{"username":"Alice@Example.com","password":"p","authFlow":"USER_PASSWORD_AUTH"}"#,
    );
    assert_eq!(text(&action, "do"), "load");
    assert_eq!(
        action.get("keys"),
        Some(&Json::Array(vec![Json::String(
            "cognito-wasm.client-1.device.alice@example.com".into()
        )]))
    );
    let device = r#"{\"deviceKey\":\"dk\",\"deviceGroupKey\":\"gk\",\"devicePassword\":\"pw\"}"#;
    let send = driver.on(
        op(&action),
        &format!(r#""on":"loaded","values":["{device}"]"#),
    );
    assert_eq!(
        path(&body(&send), &["AuthParameters", "DEVICE_KEY"]).and_then(Json::as_str),
        Some("dk")
    );
    let store = driver.reply(op(&action), &tokens("alice", "rt", 3600, false));
    let Some(Json::Array(pairs)) = store.get("set") else {
        panic!("{store:?}")
    };
    let keys: Vec<&str> = pairs
        .iter()
        .map(|pair| match pair {
            Json::Array(pair) => pair[0].as_str().unwrap(),
            _ => panic!(),
        })
        .collect();
    assert_eq!(
        keys,
        [
            "cognito-wasm.client-1",
            "cognito-wasm.client-1.device.alice@example.com",
            "cognito-wasm.client-1.device.alice"
        ]
    );
    let done = driver.stored(op(&action));
    assert_eq!(
        path(&done, &["value", "tokens", "deviceKey"]).and_then(Json::as_str),
        Some("dk")
    );
}

#[test]
fn srp_math_runs_through_work_in_slices() {
    let mut driver = Driver::created(CONFIG);
    let action = driver.start("signIn", r#"{"username":"alice","password":"Passw0rd!"}"#);
    assert_eq!(text(&action, "do"), "compute");
    let id = op(&action);
    let mut steps = 0;
    while driver.engine.work(&mut driver.env, id as u32) {
        steps += 1;
        assert!(steps < 1000, "bounded");
    }
    assert!(steps > 200, "A took {steps} one-step slices");
    let send = driver.on(id, r#""on":"computed""#);
    let sent = body(&send);
    assert_eq!(text(&sent, "AuthFlow"), "USER_SRP_AUTH");
    assert!(
        path(&sent, &["AuthParameters", "SRP_A"])
            .and_then(Json::as_str)
            .unwrap()
            .len()
            > 700
    );
    assert!(!text(&send, "body").contains("Passw0rd!"));
    // `work` on an operation that is not computing does nothing.
    assert!(!driver.engine.work(&mut driver.env, id as u32));
    assert!(!driver.engine.work(&mut driver.env, 999));
}

#[test]
fn nothing_secret_reaches_debug_or_error_text() {
    let mut driver = signed_in(3600, CONFIG);
    let id = to_sms_question(&mut driver, false);
    driver.on(id, r#""on":"answer","value":"918273""#);
    let printed = format!("{:?}", driver.engine);
    for secret in ["Passw0rd!", "918273", "rt-1", "eyJ"] {
        assert!(!printed.contains(secret), "{secret} in {printed}");
    }
}

const SHARED: &str = r#"{"userPoolId":"us-east-1_TestPool","clientId":"client-1","endpoint":"http://127.0.0.1:9/","storage":"localStorage"}"#;

#[test]
fn on_shared_storage_changes_are_broadcast_and_a_refresh_takes_the_lock() {
    let mut driver = signed_in(30, SHARED);
    // The sign-in told the other tabs (its record), the create named the channel.
    let mut fresh = Driver::new();
    let load = fresh.start("create", SHARED);
    let created = fresh.on(op(&load), r#""on":"loaded","values":[null]"#);
    assert_eq!(
        path(&created, &["value", "channel"]).and_then(Json::as_str),
        Some("cognito-wasm.client-1")
    );

    let waiter = driver.start("getTokens", "{}");
    let refresh = waiter.get("spawn").unwrap();
    assert_eq!(text(refresh, "do"), "lock");
    assert_eq!(
        text(refresh, "name"),
        "cognito-wasm.refresh.cognito-wasm.client-1"
    );
    let id = op(refresh);
    let read = driver.on(id, r#""on":"locked""#);
    assert_eq!(text(&read, "do"), "load");
    assert_eq!(read.get("fresh"), Some(&Json::Bool(true)));
    // Storage still holds this tab's (expiring) session: this tab refreshes.
    let mine = stored_record(&mut signed_in(30, SHARED));
    let send = driver.on(
        id,
        &format!(
            r#""on":"loaded","values":[{}]"#,
            Json::String(mine).encode()
        ),
    );
    assert_eq!(
        header(&send, "X-Amz-Target"),
        "AWSCognitoIdentityProviderService.GetTokensFromRefreshToken"
    );
    let store = driver.reply(id, &tokens("alice", "rt-2", 3600, true));
    assert_eq!(
        store.get("shared"),
        Some(&Json::Bool(true)),
        "mirrored for the other tabs"
    );
    let done = driver.stored(id);
    assert_eq!(emitted(&done), ["tokenRefreshed"]);
    let broadcast = done
        .get("broadcast")
        .and_then(Json::as_str)
        .expect("the other tabs hear of it");
    assert_eq!(
        text(&Json::parse(broadcast).unwrap(), "refreshToken"),
        "rt-2"
    );
}

/// The record a driver's last sign-in stored.
fn stored_record(driver: &mut Driver) -> String {
    let action = driver.start(
        "signIn",
        r#"{"username":"alice","password":"p","authFlow":"USER_PASSWORD_AUTH"}"#,
    );
    let store = driver.reply(op(&action), &tokens("alice", "rt-1", 30, true));
    let Some(Json::Array(pairs)) = store.get("set") else {
        panic!("{store:?}")
    };
    let Json::Array(pair) = &pairs[0] else {
        panic!()
    };
    pair[1].as_str().unwrap().to_string()
}

#[test]
fn a_refresh_that_finds_another_tabs_tokens_uses_them() {
    let mut other = Driver::created(SHARED);
    let theirs = {
        let action = other.start(
            "signIn",
            r#"{"username":"alice","password":"p","authFlow":"USER_PASSWORD_AUTH"}"#,
        );
        let store = other.reply(op(&action), &tokens("alice", "rt-theirs", 3600, true));
        let Some(Json::Array(pairs)) = store.get("set") else {
            panic!()
        };
        let Json::Array(pair) = &pairs[0] else {
            panic!()
        };
        pair[1].as_str().unwrap().to_string()
    };
    let mut driver = signed_in(30, SHARED);
    let waiter = driver.start("getTokens", "{}");
    let id = op(waiter.get("spawn").unwrap());
    driver.on(id, r#""on":"locked""#);
    let done = driver.on(
        id,
        &format!(
            r#""on":"loaded","values":[{}]"#,
            Json::String(theirs).encode()
        ),
    );
    assert_eq!(text(&done, "do"), "done", "no second refresh: {done:?}");
    assert_eq!(emitted(&done), ["tokenRefreshed"]);
    assert_eq!(
        path(&done, &["value", "refreshToken"]).and_then(Json::as_str),
        Some("rt-theirs")
    );
    assert!(
        done.get("broadcast").is_none(),
        "taken from the other tab, not news to it"
    );
    let settled = driver.on(op(&waiter), r#""on":"settled""#);
    assert_eq!(
        path(&settled, &["value", "refreshToken"]).and_then(Json::as_str),
        Some("rt-theirs")
    );
    // A lock that cannot be had in time is a retryable error; the session stays.
    let mut driver = signed_in(30, SHARED);
    let waiter = driver.start("getTokens", "{}");
    let id = op(waiter.get("spawn").unwrap());
    let failed = driver.on(id, r#""on":"locked","failed":"timeout""#);
    assert_eq!(
        path(&failed, &["error", "name"]).and_then(Json::as_str),
        Some("TimeoutError")
    );
    assert_eq!(
        path(&failed, &["error", "retryable"]),
        Some(&Json::Bool(true))
    );
}

#[test]
fn sync_takes_on_what_another_tab_did() {
    let record = stored_record(&mut Driver::created(SHARED));
    let mut driver = Driver::created(SHARED);
    let signed_in = driver.start(
        "sync",
        &format!(r#"{{"record":{}}}"#, Json::String(record.clone()).encode()),
    );
    assert_eq!(emitted(&signed_in), ["signedIn"]);
    assert_eq!(
        path(&signed_in, &["snapshot", "username"]).and_then(Json::as_str),
        Some("alice")
    );
    assert!(signed_in.get("broadcast").is_none(), "no echo");
    let same = driver.start(
        "sync",
        &format!(r#"{{"record":{}}}"#, Json::String(record).encode()),
    );
    assert!(same.get("emit").is_none() && same.get("snapshot").is_none());
    let signed_out = driver.start("sync", r#"{"record":null}"#);
    assert_eq!(emitted(&signed_out), ["signedOut"]);
    assert_eq!(
        path(&signed_out, &["snapshot", "status"]).and_then(Json::as_str),
        Some("signedOut")
    );
}

#[test]
fn account_calls_use_the_access_token_and_map_the_replies() {
    let mut driver = signed_in(3600, CONFIG);
    let access = |action: &Json| {
        path(&body(action), &["AccessToken"])
            .and_then(Json::as_str)
            .map(String::from)
    };

    let change = driver.start("changePassword", r#"{"oldPassword":"a","newPassword":"b"}"#);
    assert_eq!(
        header(&change, "X-Amz-Target"),
        "AWSCognitoIdentityProviderService.ChangePassword"
    );
    let sent = body(&change);
    assert_eq!(
        (
            text(&sent, "PreviousPassword"),
            text(&sent, "ProposedPassword")
        ),
        ("a", "b")
    );
    assert!(access(&change).unwrap().starts_with("eyJ"));
    let wrong = driver.fail(op(&change), 400, "NotAuthorizedException");
    assert_eq!(
        path(&wrong, &["error", "name"]).and_then(Json::as_str),
        Some("NotAuthorizedException")
    );
    let missing = driver.start("changePassword", r#"{"oldPassword":"a"}"#);
    assert_eq!(
        path(&missing, &["error", "name"]).and_then(Json::as_str),
        Some("InvalidConfig")
    );

    let user = driver.start("getUser", "{}");
    let done = driver.reply(
        op(&user),
        r#"{"Username":"alice","UserAttributes":[{"Name":"email","Value":"a@example.com"}],"PreferredMfaSetting":"SOFTWARE_TOKEN_MFA","UserMFASettingList":["SOFTWARE_TOKEN_MFA"]}"#,
    );
    assert_eq!(
        path(&done, &["value", "attributes", "email"]).and_then(Json::as_str),
        Some("a@example.com")
    );
    assert_eq!(
        path(&done, &["value", "preferredMfa"]).and_then(Json::as_str),
        Some("SOFTWARE_TOKEN_MFA")
    );

    let update = driver.start("updateUserAttributes", r#"{"attributes":{"email":"new@example.com","name":"Al"},"clientMetadata":{"why":"profile"}}"#);
    let sent = body(&update);
    assert_eq!(
        path(&sent, &["ClientMetadata", "why"]).and_then(Json::as_str),
        Some("profile")
    );
    let done = driver.reply(
        op(&update),
        r#"{"CodeDeliveryDetailsList":[{"Destination":"n***@e***","DeliveryMedium":"EMAIL","AttributeName":"email"}]}"#,
    );
    assert_eq!(
        path(&done, &["value", "email", "done"]),
        Some(&Json::Bool(false))
    );
    assert_eq!(
        path(&done, &["value", "email", "codeDelivery", "deliveryMedium"]).and_then(Json::as_str),
        Some("EMAIL")
    );
    assert_eq!(
        path(&done, &["value", "name", "done"]),
        Some(&Json::Bool(true))
    );

    let mfa = driver.start(
        "setMfaPreference",
        r#"{"totp":"preferred","sms":"disabled"}"#,
    );
    let sent = body(&mfa);
    assert_eq!(
        path(&sent, &["SoftwareTokenMfaSettings", "PreferredMfa"]),
        Some(&Json::Bool(true))
    );
    assert_eq!(
        path(&sent, &["SMSMfaSettings", "Enabled"]),
        Some(&Json::Bool(false))
    );
    assert!(sent.get("EmailMfaSettings").is_none());
    let bad = driver.start("setMfaPreference", r#"{"totp":"always"}"#);
    assert_eq!(
        path(&bad, &["error", "name"]).and_then(Json::as_str),
        Some("InvalidConfig")
    );

    let totp = driver.start("setUpTotp", "{}");
    let done = driver.reply(op(&totp), r#"{"SecretCode":"JBSWY3DPEHPK3PXP"}"#);
    assert_eq!(
        path(&done, &["value", "otpauthUri"]).and_then(Json::as_str),
        Some("otpauth://totp/TestPool:alice?secret=JBSWY3DPEHPK3PXP&issuer=TestPool")
    );
    let verify = driver.start("verifyTotp", r#"{"code":"123456","deviceName":"phone"}"#);
    assert_eq!(text(&body(&verify), "FriendlyDeviceName"), "phone");
    let refused = driver.reply(op(&verify), r#"{"Status":"ERROR"}"#);
    assert_eq!(
        path(&refused, &["error", "name"]).and_then(Json::as_str),
        Some("CodeMismatchException")
    );

    let list = driver.start("listDevices", "{}");
    let page_two = driver.reply(
        op(&list),
        r#"{"Devices":[{"DeviceKey":"d1","DeviceAttributes":[{"Name":"device_name","Value":"Laptop"},{"Name":"dev:device_remembered_status","Value":"remembered"}],"DeviceLastAuthenticatedDate":1725347109.5}],"PaginationToken":"p2"}"#,
    );
    assert_eq!(text(&body(&page_two), "PaginationToken"), "p2");
    let done = driver.reply(
        op(&list),
        r#"{"Devices":[{"DeviceKey":"d2","DeviceAttributes":[]}]}"#,
    );
    let Some(Json::Array(devices)) = done.get("value") else {
        panic!("{done:?}")
    };
    assert_eq!(devices.len(), 2);
    assert_eq!(text(&devices[0], "name"), "Laptop");
    assert_eq!(devices[0].get("remembered"), Some(&Json::Bool(true)));
    assert_eq!(
        devices[0].get("lastSeen").and_then(Json::as_u64),
        Some(1_725_347_109_500)
    );
    assert_eq!(devices[1].get("remembered"), Some(&Json::Bool(false)));

    let no_device = driver.start("forgetDevice", "{}");
    assert_eq!(
        path(&no_device, &["error", "name"]).and_then(Json::as_str),
        Some("InvalidConfig")
    );
    let forget = driver.start("forgetDevice", r#"{"deviceKey":"d2"}"#);
    assert_eq!(text(&body(&forget), "DeviceKey"), "d2");

    let delete = driver.start("deleteUser", "{}");
    let clear = driver.reply(op(&delete), "{}");
    assert_eq!(text(&clear, "do"), "store");
    assert_eq!(emitted(&clear), ["signedOut"]);
    assert_eq!(driver.stored(op(&delete)).get("value"), Some(&Json::Null));
    let after = driver.start("getUser", "{}");
    assert_eq!(
        path(&after, &["error", "name"]).and_then(Json::as_str),
        Some("InvalidState")
    );
}

#[test]
fn account_calls_refresh_expiring_tokens_first() {
    let mut driver = signed_in(30, CONFIG);
    let user = driver.start("getUser", "{}");
    assert_eq!(text(&user, "do"), "await");
    let refresh = op(user.get("spawn").unwrap());
    driver.reply(refresh, &tokens("alice", "rt-2", 3600, true));
    driver.stored(refresh);
    let send = driver.on(op(&user), r#""on":"settled""#);
    assert_eq!(
        header(&send, "X-Amz-Target"),
        "AWSCognitoIdentityProviderService.GetUser"
    );
}

#[test]
fn a_secret_client_without_its_secret_is_a_configuration_error() {
    let mut driver = Driver::created(CONFIG);
    let action = driver.start(
        "signIn",
        r#"{"username":"alice","password":"p","authFlow":"USER_PASSWORD_AUTH"}"#,
    );
    let failed = driver.event(
        &format!(r#"{{"op":{},"on":"reply","status":400,"headers":{{}}}}"#, op(&action)),
        r#"{"__type":"NotAuthorizedException","message":"Client client-1 is configured with secret but SECRET_HASH was not received"}"#,
    );
    assert_eq!(
        path(&failed, &["error", "name"]).and_then(Json::as_str),
        Some("InvalidConfig")
    );
    let message = path(&failed, &["error", "message"])
        .and_then(Json::as_str)
        .unwrap();
    assert!(
        message.contains("client secret") && message.contains("SECRET_HASH was not received"),
        "{message}"
    );
    // A wrong password stays what it is.
    let action = driver.start(
        "signIn",
        r#"{"username":"alice","password":"p","authFlow":"USER_PASSWORD_AUTH"}"#,
    );
    let wrong = driver.fail(op(&action), 400, "NotAuthorizedException");
    assert_eq!(
        path(&wrong, &["error", "name"]).and_then(Json::as_str),
        Some("NotAuthorizedException")
    );
}
