//! Password and device SRP inside a sign-in: A before InitiateAuth and before answering
//! DEVICE_SRP_AUTH, then the session key and the claim for each (DEVICE_)PASSWORD_VERIFIER.

use alloc::boxed::Box;

use zeroize::Zeroize;

use super::{unexpected, SignIn, State, Step};
use crate::client::Environment;
use crate::error::Error;
use crate::srp::{
    ClientWork, Credentials, EphemeralSecret, KeyWork, SessionKey, SrpClient, EPHEMERAL_SECRET_LEN,
};
use crate::timestamp::format_timestamp;
use crate::wire::{lookup, malformed, Challenge, StringMap};

/// SRP math in progress, with what it is for.
pub(super) enum Computing {
    /// `A` for InitiateAuth, to be sent after `delay_ms`.
    Initiate { work: ClientWork, delay_ms: u32 },
    /// `A` for the answer to DEVICE_SRP_AUTH.
    DeviceAuth {
        work: ClientWork,
        challenge: Challenge,
    },
    /// `A` for SELECT_CHALLENGE's PASSWORD_SRP answer, with the step's ClientMetadata.
    SelectSrp {
        work: ClientWork,
        challenge: Challenge,
        metadata: StringMap,
    },
    /// The session key that signs the claim for a (DEVICE_)PASSWORD_VERIFIER.
    Claim {
        work: Box<KeyWork>,
        challenge: Challenge,
    },
}

impl Computing {
    /// Runs up to `steps` exponentiation steps; true once the math is done.
    pub(super) fn advance(&mut self, steps: usize) -> bool {
        match self {
            Self::Initiate { work, .. }
            | Self::DeviceAuth { work, .. }
            | Self::SelectSrp { work, .. } => work.advance(steps),
            Self::Claim { work, .. } => work.advance(steps),
        }
    }
}

impl SignIn {
    /// The step that follows finished SRP math.
    pub(super) fn computed(
        &mut self,
        env: &mut dyn Environment,
        computing: Computing,
    ) -> Result<Step, Error> {
        Ok(match computing {
            Computing::Initiate { work, delay_ms } => {
                self.send_initiate(Some(work.finish()?), delay_ms)
            }
            Computing::DeviceAuth { work, challenge } => {
                self.answer_device_srp_auth(work.finish()?, &challenge)
            }
            Computing::SelectSrp {
                work,
                challenge,
                metadata,
            } => self.answer_select_srp(work.finish()?, &challenge, &metadata),
            Computing::Claim { work, challenge } => {
                self.send_claim(env, &work.finish(), &challenge)?
            }
        })
    }

    /// PASSWORD_VERIFIER: from here on the user is USER_ID_FOR_SRP.
    pub(super) fn password_verifier(
        &mut self,
        srp: SrpClient,
        challenge: &Challenge,
    ) -> Result<Step, Error> {
        let user_id = lookup(&challenge.parameters, "USER_ID_FOR_SRP")
            .or_else(|| lookup(&challenge.parameters, "USERNAME"))
            .ok_or_else(|| malformed("USER_ID_FOR_SRP"))?;
        self.username = user_id.into();
        let credentials = Credentials {
            realm: self.client.pool_name(),
            user_id,
            password: self.params.password.expose(),
        };
        Ok(self.await_compute(claim_work(srp, credentials, challenge)?))
    }

    /// DEVICE_SRP_AUTH: a fresh `a` for the device's own SRP exchange; A is computed first.
    pub(super) fn device_srp_auth(
        &mut self,
        env: &mut dyn Environment,
        challenge: Challenge,
    ) -> Result<Step, Error> {
        if self.params.device.is_none() {
            return Err(unexpected(&challenge.name));
        }
        let work = new_work(env)?;
        Ok(self.await_compute(Computing::DeviceAuth { work, challenge }))
    }

    /// The answer to DEVICE_SRP_AUTH: DEVICE_KEY and the device exchange's `SRP_A`.
    fn answer_device_srp_auth(&mut self, srp: SrpClient, challenge: &Challenge) -> Step {
        let request = self.respond(challenge, &[("SRP_A", &srp.srp_a())], &[]);
        self.state = State::AwaitDeviceVerifier { srp };
        request
    }

    /// DEVICE_PASSWORD_VERIFIER: SRP with realm = DeviceGroupKey, user = DeviceKey.
    pub(super) fn device_password_verifier(
        &mut self,
        srp: SrpClient,
        challenge: &Challenge,
    ) -> Result<Step, Error> {
        let device = self
            .params
            .device
            .as_ref()
            .ok_or_else(|| unexpected(&challenge.name))?;
        let credentials = Credentials {
            realm: &device.device_group_key,
            user_id: &device.device_key,
            password: device.device_password.expose(),
        };
        let work = claim_work(srp, credentials, challenge)?;
        Ok(self.await_compute(work))
    }

    /// Answers a (DEVICE_)PASSWORD_VERIFIER with the claim (PASSWORD_CLAIM_SECRET_BLOCK,
    /// TIMESTAMP and PASSWORD_CLAIM_SIGNATURE for its `SECRET_BLOCK`, signed now with the
    /// session key).
    fn send_claim(
        &mut self,
        env: &mut dyn Environment,
        key: &SessionKey,
        challenge: &Challenge,
    ) -> Result<Step, Error> {
        let block = lookup(&challenge.parameters, "SECRET_BLOCK")
            .ok_or_else(|| malformed("SECRET_BLOCK"))?;
        let claim = key.sign(block, &format_timestamp(env.now_ms() / 1000))?;
        let request = self.respond(
            challenge,
            &[
                ("PASSWORD_CLAIM_SECRET_BLOCK", block),
                ("TIMESTAMP", &claim.timestamp),
                ("PASSWORD_CLAIM_SIGNATURE", &claim.signature),
            ],
            &[],
        );
        self.state = State::AwaitChallengeReply { asked: None };
        Ok(request)
    }
}

/// The session key for a verifier challenge (`SALT`, `SRP_B`), to compute before the claim.
fn claim_work(
    srp: SrpClient,
    credentials: Credentials<'_>,
    challenge: &Challenge,
) -> Result<Computing, Error> {
    let param = |key: &str| lookup(&challenge.parameters, key).ok_or_else(|| malformed(key));
    let work = srp.begin_challenge(credentials, param("SALT")?, param("SRP_B")?)?;
    Ok(Computing::Claim {
        work: Box::new(work),
        challenge: challenge.clone(),
    })
}

/// A fresh `a` from the platform's CSPRNG, and the work of computing its A.
pub(super) fn new_work(env: &mut dyn Environment) -> Result<ClientWork, Error> {
    let mut bytes = [0u8; EPHEMERAL_SECRET_LEN];
    env.random(&mut bytes)?;
    let secret = EphemeralSecret::from_be_slice(&bytes);
    bytes.zeroize();
    Ok(SrpClient::start(secret?))
}
