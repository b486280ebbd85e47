//! USER_AUTH, choice-based sign-in: the first factor is a password (sent, or proven with SRP),
//! a passkey, or a code sent by email or SMS. SELECT_CHALLENGE offers what the user can use;
//! the app's choice is answered here, after asking for the password when it needs one and
//! none was given.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec;

use super::challenge::Asked;
use super::srp::{self, Computing};
use super::{Handler, SignIn, State, Step};
use crate::client::Environment;
use crate::error::Error;
use crate::srp::SrpClient;
use crate::wire::Challenge;

impl SignIn {
    /// Answers SELECT_CHALLENGE with `choice`, one of the first factors it offered.
    pub(super) fn select_challenge(
        &mut self,
        env: &mut dyn Environment,
        mut asked: Box<Asked>,
        choice: String,
        step_metadata: &[(String, String)],
    ) -> Result<Step, Error> {
        if !asked.challenge.available.contains(&choice) {
            asked.handler = Handler::SelectChallenge;
            return Ok(self.ask(asked, Some(Handler::SelectChallenge.unusable_answer())));
        }
        let with_password = matches!(choice.as_str(), "PASSWORD" | "PASSWORD_SRP");
        if with_password && self.params.password.is_empty() {
            asked.handler = Handler::Password;
            asked.choice = Some(choice);
            return Ok(self.ask(asked, None));
        }
        if choice == "PASSWORD_SRP" {
            let work = srp::new_work(env)?;
            return Ok(self.await_compute(Computing::SelectSrp {
                work,
                challenge: asked.challenge,
                metadata: step_metadata.to_vec(),
            }));
        }
        let mut responses = vec![("ANSWER", choice.as_str())];
        if choice == "PASSWORD" {
            responses.push(("PASSWORD", self.params.password.expose()));
        }
        let step = self.respond(&asked.challenge, &responses, step_metadata);
        self.state = State::AwaitChallengeReply { asked: None };
        Ok(step)
    }

    /// SELECT_CHALLENGE answered with PASSWORD_SRP and the `SRP_A` of `srp`: PASSWORD_VERIFIER
    /// comes next, as after USER_SRP_AUTH's InitiateAuth.
    pub(super) fn answer_select_srp(
        &mut self,
        srp: SrpClient,
        challenge: &Challenge,
        step_metadata: &[(String, String)],
    ) -> Step {
        let srp_a = srp.srp_a();
        let step = self.respond(
            challenge,
            &[("ANSWER", "PASSWORD_SRP"), ("SRP_A", &srp_a)],
            step_metadata,
        );
        self.state = State::AwaitInitiate { srp: Some(srp) };
        step
    }
}
