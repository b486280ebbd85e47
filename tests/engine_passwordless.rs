//! The engine's passwordless door, through its JSON interface: sign-up and its confirmation
//! that signs the new user in, USER_AUTH with handlers, the browser's passkey dialog as an
//! effect, and passkey management.

mod common;

use cognito_wasm::json::Json;
use common::driver::*;

const SECRET_CONFIG: &str = r#"{"userPoolId":"us-east-1_TestPool","clientId":"client-1","clientSecret":"s3cret","endpoint":"http://127.0.0.1:9/","clientMetadata":{"app":"test"}}"#;

fn name(action: &Json) -> Option<&str> {
    path(action, &["error", "name"]).and_then(Json::as_str)
}

#[test]
fn sign_up_then_confirm_signs_the_new_user_in_with_the_session() {
    let mut driver = Driver::created(SECRET_CONFIG);
    let sign_up = driver.start(
        "signUp",
        r#"{"username":"nina","password":"Passw0rd!","attributes":{"email":"nina@example.com"},"validationData":{"invite":"x1"},"clientMetadata":{"source":"landing"}}"#,
    );
    assert_eq!(
        header(&sign_up, "X-Amz-Target"),
        "AWSCognitoIdentityProviderService.SignUp"
    );
    let sent = body(&sign_up);
    assert_eq!(text(&sent, "Username"), "nina");
    assert_eq!(
        text(&sent, "SecretHash"),
        cognito_wasm::secret_hash::secret_hash("s3cret", "nina", "client-1")
    );
    assert_eq!(
        sent.get("UserAttributes").map(Json::encode).as_deref(),
        Some(r#"[{"Name":"email","Value":"nina@example.com"}]"#)
    );
    assert_eq!(
        sent.get("ValidationData").map(Json::encode).as_deref(),
        Some(r#"[{"Name":"invite","Value":"x1"}]"#)
    );
    assert_eq!(
        path(&sent, &["ClientMetadata", "source"]).and_then(Json::as_str),
        Some("landing")
    );
    let signed_up = driver.reply(
        op(&sign_up),
        r#"{"UserConfirmed":false,"UserSub":"sub-1","Session":"su-1","CodeDeliveryDetails":{"Destination":"n***@e***","DeliveryMedium":"EMAIL","AttributeName":"email"}}"#,
    );
    assert_eq!(
        path(&signed_up, &["value", "userConfirmed"]),
        Some(&Json::Bool(false))
    );
    assert_eq!(
        path(&signed_up, &["value", "userSub"]).and_then(Json::as_str),
        Some("sub-1")
    );
    assert_eq!(
        path(&signed_up, &["value", "codeDelivery", "deliveryMedium"]).and_then(Json::as_str),
        Some("EMAIL")
    );

    let resend = driver.start("resendSignUpCode", r#"{"username":"nina"}"#);
    assert_eq!(
        header(&resend, "X-Amz-Target"),
        "AWSCognitoIdentityProviderService.ResendConfirmationCode"
    );
    assert_eq!(
        text(&body(&resend), "SecretHash"),
        cognito_wasm::secret_hash::secret_hash("s3cret", "nina", "client-1")
    );

    let confirm = driver.start(
        "confirmSignUp",
        r#"{"username":"nina","code":"123456","autoSignIn":true}"#,
    );
    let sent = body(&confirm);
    assert_eq!(text(&sent, "ConfirmationCode"), "123456");
    assert_eq!(text(&sent, "Session"), "su-1", "SignUp's Session goes back");
    let initiate = driver.reply(op(&confirm), r#"{"Session":"cs-1"}"#);
    let sent = body(&initiate);
    assert_eq!(text(&sent, "AuthFlow"), "USER_AUTH");
    assert_eq!(
        text(&sent, "Session"),
        "cs-1",
        "ConfirmSignUp's Session signs in"
    );
    assert_eq!(
        path(&sent, &["AuthParameters", "USERNAME"]).and_then(Json::as_str),
        Some("nina")
    );
    assert!(path(&sent, &["AuthParameters", "SECRET_HASH"]).is_some());
    let store = driver.reply(op(&confirm), &tokens("nina", "rt-n", 3600, false));
    assert_eq!(text(&store, "do"), "store");
    let done = driver.stored(op(&confirm));
    assert_eq!(emitted(&done), ["signedIn"]);
    assert_eq!(
        path(&done, &["value", "tokens", "username"]).and_then(Json::as_str),
        Some("nina")
    );

    // Without autoSignIn (or without a Session back) the confirmation is all.
    let confirm = driver.start("confirmSignUp", r#"{"username":"omar","code":"1"}"#);
    assert!(
        body(&confirm).get("Session").is_none(),
        "no SignUp Session for omar"
    );
    let done = driver.reply(op(&confirm), r#"{"Session":"cs-2"}"#);
    assert_eq!(done.get("value"), Some(&Json::Null));
    let wrong = driver.start(
        "confirmSignUp",
        r#"{"username":"omar","code":"2","autoSignIn":true}"#,
    );
    let failed = driver.fail(op(&wrong), 400, "CodeMismatchException");
    assert_eq!(name(&failed), Some("CodeMismatchException"));
}

/// USER_AUTH for kim with `handlers`, up to the WEB_AUTHN challenge; its action.
fn to_passkey(driver: &mut Driver, handlers: &str) -> Json {
    let action = driver.start(
        "signIn",
        &format!(r#"{{"username":"kim","authFlow":"USER_AUTH","preferredChallenge":"WEB_AUTHN"{handlers}}}"#),
    );
    assert_eq!(
        path(&body(&action), &["AuthParameters", "PREFERRED_CHALLENGE"]).and_then(Json::as_str),
        Some("WEB_AUTHN")
    );
    driver.reply(
        op(&action),
        r#"{"ChallengeName":"WEB_AUTHN","Session":"w","ChallengeParameters":{"CREDENTIAL_REQUEST_OPTIONS":"{\"challenge\":\"Y2g\",\"rpId\":\"localhost\"}","USERNAME":"kim"}}"#,
    )
}

const CREDENTIAL: &str = r#"{"id":"cred-1","rawId":"cred-1","type":"public-key","response":{"clientDataJSON":"e30","authenticatorData":"AA","signature":"AA"},"clientExtensionResults":{}}"#;

#[test]
fn without_a_web_authn_handler_the_browser_is_asked_for_the_passkey() {
    let mut driver = Driver::created(CONFIG);
    let dialog = to_passkey(&mut driver, r#","handlers":["smsMfa"]"#);
    assert_eq!(text(&dialog, "do"), "passkey");
    assert_eq!(
        path(&dialog, &["get", "rpId"]).and_then(Json::as_str),
        Some("localhost")
    );
    let respond = driver.on(
        op(&dialog),
        &format!(r#""on":"passkey","credential":{CREDENTIAL}"#),
    );
    assert_eq!(
        path(&body(&respond), &["ChallengeResponses", "CREDENTIAL"]).and_then(Json::as_str),
        Some(CREDENTIAL)
    );

    // Cancelled or timed out in the browser: AbortError; no WebAuthn: UnsupportedBrowser.
    for (failed, expected) in [
        ("NotAllowedError", "AbortError"),
        ("unsupported", "UnsupportedBrowser"),
        ("SecurityError", "PasskeyError"),
    ] {
        let dialog = to_passkey(&mut driver, r#","handlers":[]"#);
        let ended = driver.on(
            op(&dialog),
            &format!(r#""on":"passkey","failed":"{failed}","message":"m""#),
        );
        assert_eq!(name(&ended), Some(expected), "{failed}");
    }
}

#[test]
fn step_by_step_a_passkey_is_the_app_s_credential_or_the_browser_s() {
    let mut driver = Driver::created(CONFIG);
    let ask = to_passkey(&mut driver, "");
    assert_eq!(text(&ask, "do"), "ask");
    assert_eq!(text(&ask, "handler"), "webAuthn");
    assert_eq!(
        path(&ask, &["context", "requestOptions", "challenge"]).and_then(Json::as_str),
        Some("Y2g")
    );
    // answer() with no value: the browser's dialog.
    let dialog = driver.on(op(&ask), r#""on":"answer""#);
    assert_eq!(text(&dialog, "do"), "passkey");
    // answer(credential): sent as it is.
    let ask = to_passkey(&mut driver, "");
    let respond = driver.on(
        op(&ask),
        &format!(r#""on":"answer","value":{CREDENTIAL},"clientMetadata":{{"k":"v"}}"#),
    );
    let sent = body(&respond);
    assert_eq!(
        path(&sent, &["ChallengeResponses", "CREDENTIAL"]).and_then(Json::as_str),
        Some(CREDENTIAL)
    );
    assert_eq!(
        path(&sent, &["ClientMetadata", "k"]).and_then(Json::as_str),
        Some("v")
    );
}

#[test]
fn select_challenge_with_handlers_and_preferences_checked() {
    let mut driver = Driver::created(CONFIG);
    let bad = driver.start(
        "signIn",
        r#"{"username":"ivy","authFlow":"USER_AUTH","preferredChallenge":"MAGIC_LINK"}"#,
    );
    assert_eq!(name(&bad), Some("InvalidConfig"));
    let bad = driver.start(
        "signIn",
        r#"{"username":"ivy","password":"p","preferredChallenge":"PASSWORD"}"#,
    );
    assert_eq!(
        name(&bad),
        Some("InvalidConfig"),
        "a preference needs USER_AUTH"
    );
    let action = driver.start(
        "signIn",
        r#"{"username":"ivy","authFlow":"USER_AUTH","handlers":["selectChallenge","emailOtp"]}"#,
    );
    let ask = driver.reply(
        op(&action),
        r#"{"ChallengeName":"SELECT_CHALLENGE","Session":"s","ChallengeParameters":{},"AvailableChallenges":["EMAIL_OTP","WEB_AUTHN"]}"#,
    );
    assert_eq!(text(&ask, "handler"), "selectChallenge");
    assert_eq!(
        path(&ask, &["context", "availableChallenges"])
            .map(Json::encode)
            .as_deref(),
        Some(r#"["EMAIL_OTP","WEB_AUTHN"]"#)
    );
    let choose = driver.on(op(&ask), r#""on":"answer","value":"EMAIL_OTP""#);
    assert_eq!(
        path(&body(&choose), &["ChallengeResponses", "ANSWER"]).and_then(Json::as_str),
        Some("EMAIL_OTP")
    );
    let code = driver.reply(
        op(&ask),
        r#"{"ChallengeName":"EMAIL_OTP","Session":"o","ChallengeParameters":{"CODE_DELIVERY_DESTINATION":"i***@e***","CODE_DELIVERY_DELIVERY_MEDIUM":"EMAIL"}}"#,
    );
    assert_eq!(text(&code, "handler"), "emailOtp");
    assert_eq!(
        path(&code, &["context", "destination"]).and_then(Json::as_str),
        Some("i***@e***")
    );
    // A handler that picks a factor that was not offered ends the sign-in.
    let action = driver.start(
        "signIn",
        r#"{"username":"ivy","authFlow":"USER_AUTH","handlers":["selectChallenge"]}"#,
    );
    driver.reply(
        op(&action),
        r#"{"ChallengeName":"SELECT_CHALLENGE","Session":"s","ChallengeParameters":{},"AvailableChallenges":["EMAIL_OTP"]}"#,
    );
    let ended = driver.on(op(&action), r#""on":"answer","value":"SMS_OTP""#);
    assert_eq!(name(&ended), Some("HandlerError"));
}

#[test]
fn passkeys_are_registered_listed_and_deleted_with_the_access_token() {
    let mut driver = signed_in_as("kim");
    let register = driver.start("registerPasskey", "{}");
    assert_eq!(
        header(&register, "X-Amz-Target"),
        "AWSCognitoIdentityProviderService.StartWebAuthnRegistration"
    );
    let dialog = driver.reply(
        op(&register),
        r#"{"CredentialCreationOptions":{"challenge":"Y2g","rp":{"id":"localhost","name":"Demo"},"user":{"id":"dXNlcg","name":"kim","displayName":"kim"},"pubKeyCredParams":[{"type":"public-key","alg":-7}]}}"#,
    );
    assert_eq!(text(&dialog, "do"), "passkey");
    assert_eq!(
        path(&dialog, &["create", "rp", "id"]).and_then(Json::as_str),
        Some("localhost")
    );
    let credential = r#"{"id":"new-cred","rawId":"new-cred","type":"public-key","response":{"clientDataJSON":"e30","attestationObject":"AA","transports":["internal"],"publicKeyAlgorithm":-7},"clientExtensionResults":{}}"#;
    let complete = driver.on(
        op(&register),
        &format!(r#""on":"passkey","credential":{credential}"#),
    );
    assert_eq!(
        header(&complete, "X-Amz-Target"),
        "AWSCognitoIdentityProviderService.CompleteWebAuthnRegistration"
    );
    let sent = body(&complete);
    assert_eq!(
        sent.get("Credential").map(Json::encode).as_deref(),
        Some(credential),
        "an object, not text"
    );
    assert!(text(&sent, "AccessToken").starts_with("eyJ"));
    let done = driver.reply(op(&complete), "{}");
    assert_eq!(
        path(&done, &["value", "credentialId"]).and_then(Json::as_str),
        Some("new-cred")
    );

    let cancelled = driver.start("registerPasskey", "{}");
    driver.reply(
        op(&cancelled),
        r#"{"CredentialCreationOptions":{"challenge":"Y2g"}}"#,
    );
    let ended = driver.on(op(&cancelled), r#""on":"passkey","failed":"NotAllowedError","message":"The operation either timed out or was not allowed.""#);
    assert_eq!(name(&ended), Some("AbortError"));

    let list = driver.start("listPasskeys", "{}");
    assert_eq!(
        path(&body(&list), &["MaxResults"]).and_then(Json::as_u64),
        Some(20)
    );
    let next = driver.reply(
        op(&list),
        r#"{"Credentials":[{"CredentialId":"c1","FriendlyCredentialName":"Laptop","RelyingPartyId":"localhost","AuthenticatorAttachment":"platform","AuthenticatorTransports":["internal"],"CreatedAt":1725347109}],"NextToken":"n2"}"#,
    );
    assert_eq!(text(&body(&next), "NextToken"), "n2");
    let done = driver.reply(
        op(&list),
        r#"{"Credentials":[{"CredentialId":"c2","AuthenticatorTransports":[]}]}"#,
    );
    let Some(Json::Array(passkeys)) = done.get("value") else {
        panic!("{done:?}")
    };
    assert_eq!(passkeys.len(), 2);
    assert_eq!(text(&passkeys[0], "name"), "Laptop");
    assert_eq!(
        passkeys[0].get("createdAt").and_then(Json::as_u64),
        Some(NOW_MS)
    );
    assert_eq!(
        passkeys[0].get("transports").map(Json::encode).as_deref(),
        Some(r#"["internal"]"#)
    );

    let delete = driver.start("deletePasskey", r#"{"credentialId":"c1"}"#);
    assert_eq!(text(&body(&delete), "CredentialId"), "c1");
    let missing = driver.start("deletePasskey", "{}");
    assert_eq!(name(&missing), Some("InvalidConfig"));
}

/// A driver signed in as `username` with fresh tokens.
fn signed_in_as(username: &str) -> Driver {
    let mut driver = Driver::created(CONFIG);
    let done = driver.sign_in(username, "rt-1", true);
    assert_eq!(text(&done, "do"), "done");
    driver
}
