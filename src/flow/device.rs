//! Remembering a new device after sign-in: ConfirmDevice with a fresh SRP verifier, then
//! UpdateDeviceStatus when the pool asks the user to confirm. A failure here never fails the
//! sign-in: it is reported beside the tokens.

use alloc::boxed::Box;

use zeroize::Zeroize;

use super::{DeviceSecret, SignIn, SignedIn, State, Step};
use crate::client::{request, Environment, MAX_RETRIES};
use crate::error::Error;
use crate::json::{Json, ObjectWriter};
use crate::srp::{DeviceVerifier, DEVICE_PASSWORD_LEN, DEVICE_SALT_LEN};
use crate::wire::{AuthenticationResult, Operation, Request};

impl SignIn {
    /// Tokens: done, unless a new device is to be remembered first.
    pub(super) fn authenticated(
        &mut self,
        env: &mut dyn Environment,
        mut result: AuthenticationResult,
    ) -> Result<Step, Error> {
        let new_device = result.new_device.take();
        let mut done = Box::new(SignedIn {
            device: self.params.device.take().filter(|_| new_device.is_none()),
            result,
            device_error: None,
        });
        let (Some(new_device), Some(device_name)) = (new_device, &self.params.remember_device)
        else {
            return Ok(Step::Done(done));
        };
        let mut password = [0u8; DEVICE_PASSWORD_LEN];
        let mut salt = [0u8; DEVICE_SALT_LEN];
        env.random(&mut password)?;
        env.random(&mut salt)?;
        let verifier = DeviceVerifier::generate(
            &new_device.device_group_key,
            &new_device.device_key,
            &password,
            &salt,
        );
        password.zeroize();
        let mut config = ObjectWriter::new();
        config
            .str("PasswordVerifier", &verifier.password_verifier)
            .str("Salt", &verifier.salt);
        let mut body = ObjectWriter::new();
        body.str("AccessToken", done.result.access_token.expose())
            .str("DeviceKey", &new_device.device_key)
            .str("DeviceName", device_name)
            .raw("DeviceSecretVerifierConfig", &config.finish());
        let confirm = request(Operation::ConfirmDevice, body);
        done.device = Some(DeviceSecret {
            device_key: new_device.device_key,
            device_group_key: new_device.device_group_key,
            device_password: verifier.device_password.as_str().into(),
        });
        Ok(self.send_device_request(done, confirm, false, 0))
    }

    /// ConfirmDevice's or UpdateDeviceStatus's reply.
    pub(super) fn on_device_reply(
        &mut self,
        done: Box<SignedIn>,
        remember: bool,
        json: &Json,
    ) -> Result<Step, Error> {
        let confirm_needed = json.get("UserConfirmationNecessary") == Some(&Json::Bool(true));
        let device_key = done.device.as_ref().map(|d| d.device_key.clone());
        let (false, true, Some(device_key)) = (remember, confirm_needed, device_key) else {
            return Ok(Step::Done(done));
        };
        let mut body = ObjectWriter::new();
        body.str("AccessToken", done.result.access_token.expose())
            .str("DeviceKey", &device_key)
            .str("DeviceRememberedStatus", "remembered");
        let update = request(Operation::UpdateDeviceStatus, body);
        Ok(self.send_device_request(done, update, true, 0))
    }

    /// A failed device call is re-sent after transient failures; otherwise the sign-in ends
    /// without the device, with the reason beside the tokens.
    pub(super) fn on_device_failure(
        &mut self,
        env: &mut dyn Environment,
        mut done: Box<SignedIn>,
        request: Request,
        remember: bool,
        error: Error,
    ) -> Result<Step, Error> {
        if error.retryable() && self.retries < MAX_RETRIES {
            let delay_ms = self.backoff(env)?;
            return Ok(self.send_device_request(done, request, remember, delay_ms));
        }
        done.device = None;
        done.device_error = Some(error);
        Ok(Step::Done(done))
    }

    fn send_device_request(
        &mut self,
        done: Box<SignedIn>,
        request: Request,
        remember: bool,
        delay_ms: u32,
    ) -> Step {
        self.state = State::AwaitDevice {
            done,
            request: request.clone(),
            remember,
        };
        Step::Send { request, delay_ms }
    }
}
