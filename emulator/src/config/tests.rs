use super::*;

const DEMO: &str = include_str!("../../demo-pool.json");

#[test]
fn demo_pool_loads() {
    let pool = PoolConfig::parse(DEMO).expect("demo pool");
    assert_eq!(pool.user_pool_id, "us-east-1_DemoPool1");
    assert_eq!(pool.region(), "us-east-1");
    assert!(pool
        .client("demo-client")
        .is_some_and(|c| c.client_secret.is_none()));
    assert!(pool
        .client("demo-secret-client")
        .is_some_and(|c| c.client_secret.is_some()));
    for name in ["alice", "bob", "carol", "dave", "erin", "grace", "henry"] {
        assert!(pool.user(name).is_some(), "{name}");
    }
    assert!(pool.legacy_users.iter().any(|u| u.username == "frank"));
    assert_eq!(pool.test_code.as_deref(), Some("123456"));
}

#[test]
fn defaults_apply() {
    let pool = PoolConfig::parse(r#"{"userPoolId":"eu-west-1_X","clients":[{"clientId":"c"}]}"#)
        .expect("minimal pool");
    let client = &pool.clients[0];
    assert!(client.prevent_user_existence_errors);
    assert_eq!(client.auth_flows.len(), 4);
    assert_eq!(client.access_token_validity_seconds, 3600);
    assert_eq!(pool.device_tracking, DeviceTracking::Off);
    assert_eq!(pool.password_policy.minimum_length, 8);
}

#[test]
fn rejects_bad_configurations() {
    for (text, needle) in [
        (
            r#"{"userPoolId":"nounderscore","clients":[{"clientId":"c"}]}"#,
            "userPoolId",
        ),
        (r#"{"userPoolId":"r_p","clients":[]}"#, "client"),
        (
            r#"{"userPoolId":"r_p","clients":[{"clientId":"c"},{"clientId":"c"}]}"#,
            "duplicate",
        ),
        (
            r#"{"userPoolId":"r_p","testCode":"12","clients":[{"clientId":"c"}]}"#,
            "testCode",
        ),
        (
            r#"{"userPoolId":"r_p","clients":[{"clientId":"c"}],"users":[{"username":"u","password":"p","smsMfa":true}]}"#,
            "phone_number",
        ),
        (
            r#"{"userPoolId":"r_p","clients":[{"clientId":"c"}],"users":[{"username":"u","password":"p","totpSecret":"1!"}]}"#,
            "base32",
        ),
        (
            r#"{"userPoolId":"r_p","clients":[{"clientId":"c"}],"triggers":{"PreAuthentication":{"webhook":"http://10.0.0.1:80/x"}}}"#,
            "127.0.0.1",
        ),
        (
            r#"{"userPoolId":"r_p","clients":[{"clientId":"c"}],"triggers":{"Nope":"builtin"}}"#,
            "unknown variant",
        ),
        (
            r#"{"userPoolId":"r_p","clients":[{"clientId":"c"}],"surprise":1}"#,
            "unknown field",
        ),
    ] {
        let err = PoolConfig::parse(text).expect_err(text);
        assert!(err.contains(needle), "{text}: {err}");
    }
}

#[test]
fn webhook_urls() {
    assert_eq!(
        WebhookUrl::parse("http://127.0.0.1:9000/define"),
        Ok(WebhookUrl {
            port: 9000,
            path: "/define".into()
        })
    );
    assert_eq!(
        WebhookUrl::parse("http://localhost:81"),
        Ok(WebhookUrl {
            port: 81,
            path: "/".into()
        })
    );
    assert!(WebhookUrl::parse("https://127.0.0.1:9000/").is_err());
    assert!(WebhookUrl::parse("http://127.0.0.1/").is_err());
}
