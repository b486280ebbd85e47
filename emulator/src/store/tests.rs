use super::*;

fn pool() -> PoolConfig {
    PoolConfig::parse(
        r#"{"userPoolId":"us-east-1_T","clients":[{"clientId":"c"}],
            "users":[{"username":"Alice","password":"Passw0rd!",
                      "attributes":{"email":"a@example.com","email_verified":"true"}},
                     {"username":"bob","password":"Passw0rd!",
                      "attributes":{"email":"b@example.com","email_verified":"false"}}]}"#,
    )
    .expect("pool")
}

#[test]
fn finds_users_by_name_and_verified_alias() {
    let state = PoolState::from_config(&pool(), "T");
    let aliases = vec!["email".to_owned()];
    assert_eq!(
        state
            .find_user("alice", &aliases)
            .map(|u| u.username.as_str()),
        Some("Alice")
    );
    assert_eq!(
        state
            .find_user("a@example.com", &aliases)
            .map(|u| u.username.as_str()),
        Some("Alice")
    );
    assert!(
        state.find_user("b@example.com", &aliases).is_none(),
        "unverified alias"
    );
    assert!(
        state.find_user("a@example.com", &[]).is_none(),
        "aliases off"
    );
}

#[test]
fn password_records_check_passwords() {
    let record = PasswordRecord::new("T", "alice", "Passw0rd!");
    assert!(record.matches("T", "alice", "Passw0rd!"));
    assert!(!record.matches("T", "alice", "passw0rd!"));
    assert!(!record.matches("U", "alice", "Passw0rd!"));
}

#[test]
fn codes_are_single_use_and_expire() {
    let mut state = PoolState::default();
    state.set_code("bob", CodePurpose::ForgotPassword, "123456".into(), 100);
    assert_eq!(
        state.take_code("bob", CodePurpose::SignUp, "123456", 10),
        CodeCheck::Mismatch
    );
    assert_eq!(
        state.take_code("bob", CodePurpose::ForgotPassword, "000000", 10),
        CodeCheck::Mismatch
    );
    assert_eq!(
        state.take_code("bob", CodePurpose::ForgotPassword, "123456", 100),
        CodeCheck::Expired
    );
    assert_eq!(
        state.take_code("BOB", CodePurpose::ForgotPassword, "123456", 10),
        CodeCheck::Valid
    );
    assert_eq!(
        state.take_code("bob", CodePurpose::ForgotPassword, "123456", 10),
        CodeCheck::Mismatch
    );
}

#[test]
fn global_sign_out_revokes_every_family_of_the_user() {
    let mut state = PoolState::default();
    let request = |username| OriginRequest {
        username,
        client_id: "c",
        device_key: None,
        auth_time: 0,
        refresh_expires_at: 10,
    };
    let (a1, r1) = state.start_origin(request("alice"));
    let (a2, _) = state.start_origin(request("alice"));
    let (b1, _) = state.start_origin(request("bob"));
    assert_eq!(
        state.origin_of_refresh_token(&r1).map(|(jti, _)| jti),
        Some(a1.as_str())
    );
    state.revoke_user("alice");
    assert!(!state.origin_active(&a1) && !state.origin_active(&a2));
    assert!(state.origin_active(&b1));
}
