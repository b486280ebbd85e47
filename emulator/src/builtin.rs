//! Built-in triggers, driven by the configuration, answering the same events a webhook gets:
//! question/answer custom challenges (users' `customChallenge`), a legacy directory for
//! UserMigration (`legacyUsers`), PreSignUp that confirms nobody, and no-ops for the rest
//! (CustomMessage's empty response keeps the default messages).

use serde_json::{json, Value};

use crate::config::{CustomChallenge, PoolConfig, TriggerName};
use crate::error::ApiResult;

/// The `response` a built-in trigger returns for `event`.
pub fn run(config: &PoolConfig, trigger: TriggerName, event: &Value) -> ApiResult<Value> {
    let username = event["userName"].as_str().unwrap_or_default();
    let request = &event["request"];
    let definition = config
        .user(username)
        .and_then(|u| u.custom_challenge.as_ref());
    Ok(match trigger {
        TriggerName::DefineAuthChallenge => define(definition, &history(request)),
        TriggerName::CreateAuthChallenge => create(definition, &history(request)),
        TriggerName::VerifyAuthChallengeResponse => verify(request),
        TriggerName::UserMigration => migrate(config, username, event),
        TriggerName::PreSignUp => {
            json!({ "autoConfirmUser": false, "autoVerifyEmail": false, "autoVerifyPhone": false })
        }
        TriggerName::PreAuthentication
        | TriggerName::PostAuthentication
        | TriggerName::PreTokenGeneration
        | TriggerName::PostConfirmation
        | TriggerName::CustomMessage => json!({}),
    })
}

/// One `request.session` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Step {
    challenge: String,
    passed: bool,
}

fn history(request: &Value) -> Vec<Step> {
    request["session"]
        .as_array()
        .map(|steps| {
            steps
                .iter()
                .map(|s| Step {
                    challenge: s["challengeName"].as_str().unwrap_or_default().to_owned(),
                    passed: s["challengeResult"].as_bool().unwrap_or(false),
                })
                .collect()
        })
        .unwrap_or_default()
}

fn count(history: &[Step], challenge: &str, passed: bool) -> usize {
    history
        .iter()
        .filter(|s| s.challenge == challenge && s.passed == passed)
        .count()
}

/// SRP_A → PASSWORD_VERIFIER → the rounds in order; a wrong answer repeats its round until
/// `maxAttempts` wrong answers fail the sign-in; tokens once every round is answered.
fn define(definition: Option<&CustomChallenge>, history: &[Step]) -> Value {
    let fail = json!({ "challengeName": null, "issueTokens": false, "failAuthentication": true });
    let issue = json!({ "challengeName": null, "issueTokens": true, "failAuthentication": false });
    let next = |name: &str| json!({ "challengeName": name, "issueTokens": false, "failAuthentication": false });
    let Some(definition) = definition else {
        return fail;
    };
    if history
        .iter()
        .any(|s| !s.passed && s.challenge != "CUSTOM_CHALLENGE")
    {
        return fail;
    }
    if history.last().is_some_and(|s| s.challenge == "SRP_A") {
        return next("PASSWORD_VERIFIER");
    }
    if definition.require_password && count(history, "PASSWORD_VERIFIER", true) == 0 {
        return fail;
    }
    let wrong = count(history, "CUSTOM_CHALLENGE", false);
    if wrong >= definition.max_attempts as usize {
        return fail;
    }
    if count(history, "CUSTOM_CHALLENGE", true) >= definition.rounds.len() {
        return issue;
    }
    next("CUSTOM_CHALLENGE")
}

/// The current round's question (public) and answer (private).
fn create(definition: Option<&CustomChallenge>, history: &[Step]) -> Value {
    let round = count(history, "CUSTOM_CHALLENGE", true);
    match definition.and_then(|d| d.rounds.get(round)) {
        Some(q) => json!({
            "publicChallengeParameters": { "question": q.question },
            "privateChallengeParameters": { "answer": q.answer },
            "challengeMetadata": format!("QUESTION-{}", round + 1),
        }),
        None => json!({}),
    }
}

/// Correct when the answer equals the private one, ignoring surrounding spaces.
fn verify(request: &Value) -> Value {
    let expected = request["privateChallengeParameters"]["answer"].as_str();
    let given = request["challengeAnswer"].as_str().map(str::trim);
    json!({ "answerCorrect": expected.is_some() && expected == given })
}

/// A legacy user whose password matches (Authentication) or who exists (ForgotPassword)
/// migrates; anyone else gets an empty response (not migrated).
fn migrate(config: &PoolConfig, username: &str, event: &Value) -> Value {
    let Some(legacy) = config
        .legacy_users
        .iter()
        .find(|u| u.username.eq_ignore_ascii_case(username))
    else {
        return json!({});
    };
    let status = match event["triggerSource"].as_str() {
        Some("UserMigration_Authentication")
            if event["request"]["password"].as_str() == Some(legacy.password.as_str()) =>
        {
            "CONFIRMED"
        }
        Some("UserMigration_ForgotPassword") => "RESET_REQUIRED",
        _ => return json!({}),
    };
    json!({
        "userAttributes": legacy.attributes,
        "finalUserStatus": status,
        "messageAction": "SUPPRESS",
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::QuestionRound;

    fn step(challenge: &str, passed: bool) -> Step {
        Step {
            challenge: challenge.into(),
            passed,
        }
    }

    fn two_rounds(require_password: bool) -> CustomChallenge {
        CustomChallenge {
            require_password,
            max_attempts: 2,
            rounds: vec![
                QuestionRound {
                    question: "6 x 7?".into(),
                    answer: "42".into(),
                },
                QuestionRound {
                    question: "Capital of France?".into(),
                    answer: "Paris".into(),
                },
            ],
        }
    }

    fn decision(definition: &CustomChallenge, history: &[Step]) -> (Value, bool, bool) {
        let r = define(Some(definition), history);
        (
            r["challengeName"].clone(),
            r["issueTokens"].as_bool().unwrap_or(false),
            r["failAuthentication"].as_bool().unwrap_or(false),
        )
    }

    #[test]
    fn define_walks_password_then_rounds() {
        let d = two_rounds(true);
        assert_eq!(decision(&d, &[step("SRP_A", true)]).0, "PASSWORD_VERIFIER");
        let mut h = vec![step("SRP_A", true), step("PASSWORD_VERIFIER", true)];
        assert_eq!(decision(&d, &h).0, "CUSTOM_CHALLENGE");
        h.push(step("CUSTOM_CHALLENGE", true));
        assert_eq!(decision(&d, &h).0, "CUSTOM_CHALLENGE");
        h.push(step("CUSTOM_CHALLENGE", false));
        assert_eq!(
            decision(&d, &h).0,
            "CUSTOM_CHALLENGE",
            "one wrong answer is tolerated"
        );
        h.push(step("CUSTOM_CHALLENGE", true));
        assert_eq!(decision(&d, &h), (Value::Null, true, false));
    }

    #[test]
    fn define_fails_on_too_many_wrong_answers_or_missing_password() {
        let d = two_rounds(false);
        let h = [
            step("CUSTOM_CHALLENGE", false),
            step("CUSTOM_CHALLENGE", false),
        ];
        assert_eq!(decision(&d, &h), (Value::Null, false, true));
        assert_eq!(
            decision(&d, &[]).0,
            "CUSTOM_CHALLENGE",
            "no password needed"
        );
        assert!(decision(&two_rounds(true), &[]).2, "password required");
        assert!(decision(&d, &[step("SRP_A", true), step("PASSWORD_VERIFIER", false)]).2);
        assert!(define(None, &[]).get("failAuthentication") == Some(&Value::Bool(true)));
    }

    #[test]
    fn create_asks_the_current_round_and_verify_checks_it() {
        let d = two_rounds(false);
        let first = create(Some(&d), &[step("CUSTOM_CHALLENGE", false)]);
        assert_eq!(first["publicChallengeParameters"]["question"], "6 x 7?");
        assert_eq!(first["challengeMetadata"], "QUESTION-1");
        let second = create(Some(&d), &[step("CUSTOM_CHALLENGE", true)]);
        assert_eq!(second["privateChallengeParameters"]["answer"], "Paris");

        let request = |answer: &str| json!({"privateChallengeParameters": {"answer": "42"}, "challengeAnswer": answer});
        assert_eq!(verify(&request(" 42 "))["answerCorrect"], true);
        assert_eq!(verify(&request("41"))["answerCorrect"], false);
        assert_eq!(
            verify(&json!({"challengeAnswer": ""}))["answerCorrect"],
            false
        );
    }

    #[test]
    fn migration_consults_the_legacy_directory() {
        let config = PoolConfig::parse(
            r#"{"userPoolId":"r_p","clients":[{"clientId":"c"}],
                "legacyUsers":[{"username":"frank","password":"Passw0rd!","attributes":{"email":"f@example.com"}}]}"#,
        )
        .expect("pool");
        let event = |source: &str, password: &str| json!({"userName": "frank", "triggerSource": source, "request": {"password": password}});
        let ok = migrate(
            &config,
            "frank",
            &event("UserMigration_Authentication", "Passw0rd!"),
        );
        assert_eq!(ok["finalUserStatus"], "CONFIRMED");
        assert_eq!(ok["userAttributes"]["email"], "f@example.com");
        assert_eq!(
            migrate(
                &config,
                "frank",
                &event("UserMigration_Authentication", "nope")
            ),
            json!({})
        );
        assert_eq!(
            migrate(&config, "frank", &event("UserMigration_ForgotPassword", ""))
                ["finalUserStatus"],
            "RESET_REQUIRED"
        );
        assert_eq!(
            migrate(&config, "zoe", &event("UserMigration_ForgotPassword", "")),
            json!({})
        );
    }
}
