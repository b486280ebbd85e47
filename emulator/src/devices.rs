//! Remembered devices, by AccessToken: ConfirmDevice, UpdateDeviceStatus, ForgetDevice,
//! ListDevices and GetDevice.

use base64::Engine as _;
use serde_json::{json, Value};

use crate::account::{authorized, authorized_by};
use crate::app::App;
use crate::config::DeviceTracking;
use crate::error::{ApiError, ApiResult, ErrorKind};
use crate::passkeys::{page_start, page_token};
use crate::requests::{self, required};
use crate::store::{Device, PasswordRecord};
use crate::test_hooks::CallRecord;

/// ListDevices' `Limit` is 0-60 in the service model; 0 or absent lists 60.
const MAX_DEVICES: usize = 60;

/// `ConfirmDevice`: stores the device's verifier; remembered at once when tracking is "always".
pub fn confirm_device(
    app: &App,
    record: &mut CallRecord,
    request: requests::AccessTokenRequest,
) -> ApiResult<Value> {
    let user = authorized(app, record, &request)?;
    let key = required(&request.device_key, "deviceKey")?;
    let config = required(
        &request.device_secret_verifier_config,
        "deviceSecretVerifierConfig",
    )?;
    let secret = device_secret(
        required(
            &config.password_verifier,
            "deviceSecretVerifierConfig.passwordVerifier",
        )?,
        required(&config.salt, "deviceSecretVerifierConfig.salt")?,
    )?;
    let always = app.config.device_tracking == DeviceTracking::Always;
    let mut pool = app.pool();
    let device = pool
        .device_of_mut(&user.username, key)
        .ok_or_else(device_not_found)?;
    device.secret = Some(secret);
    device.name.clone_from(&request.device_name);
    device.remembered = always;
    device.modified_at = app.now();
    Ok(json!({ "UserConfirmationNecessary": !always }))
}

fn device_not_found() -> ApiError {
    ApiError::new(ErrorKind::ResourceNotFound, "Device does not exist.")
}

/// `DeviceSecretVerifierConfig`: Base64(padHex(v)) and Base64(padHex(salt)).
fn device_secret(verifier_b64: &str, salt_b64: &str) -> ApiResult<PasswordRecord> {
    let decode = |text: &str, member: &str| {
        base64::engine::general_purpose::STANDARD
            .decode(text)
            .ok()
            .filter(|bytes| !bytes.is_empty())
            .ok_or_else(|| {
                ApiError::new(
                    ErrorKind::InvalidParameter,
                    format!("{member} is not valid Base64."),
                )
            })
    };
    Ok(PasswordRecord {
        verifier: decode(verifier_b64, "PasswordVerifier")?,
        salt: decode(salt_b64, "Salt")?,
    })
}

/// `UpdateDeviceStatus`: `remembered` or `not_remembered`.
pub fn update_device_status(
    app: &App,
    record: &mut CallRecord,
    request: requests::AccessTokenRequest,
) -> ApiResult<Value> {
    let user = authorized(app, record, &request)?;
    let key = required(&request.device_key, "deviceKey")?;
    let remembered = match request.device_remembered_status.as_deref() {
        Some("remembered") => true,
        Some("not_remembered") | None => false,
        Some(other) => {
            return Err(ApiError::new(
                ErrorKind::InvalidParameter,
                format!("DeviceRememberedStatus {other} is not remembered or not_remembered."),
            ))
        }
    };
    let mut pool = app.pool();
    let device = pool
        .device_of_mut(&user.username, key)
        .ok_or_else(device_not_found)?;
    device.remembered = remembered;
    device.modified_at = app.now();
    Ok(json!({}))
}

/// `ForgetDevice`.
pub fn forget_device(
    app: &App,
    record: &mut CallRecord,
    request: requests::AccessTokenRequest,
) -> ApiResult<Value> {
    let user = authorized(app, record, &request)?;
    let key = required(&request.device_key, "deviceKey")?;
    if app.pool().forget_device(&user.username, key) {
        Ok(json!({}))
    } else {
        Err(device_not_found())
    }
}

/// A DeviceType: the attributes the service lists (`device_status`, `device_name`,
/// `last_ip_used`, `dev:device_remembered_status`) and the dates as epoch seconds.
fn describe(key: &str, device: &Device) -> Value {
    let mut attributes = vec![json!({ "Name": "device_status", "Value": "valid" })];
    if let Some(name) = &device.name {
        attributes.push(json!({ "Name": "device_name", "Value": name }));
    }
    attributes.push(json!({ "Name": "last_ip_used", "Value": "127.0.0.1" }));
    let remembered = if device.remembered {
        "remembered"
    } else {
        "not_remembered"
    };
    attributes.push(json!({ "Name": "dev:device_remembered_status", "Value": remembered }));
    json!({
        "DeviceKey": key,
        "DeviceAttributes": attributes,
        "DeviceCreateDate": device.created_at,
        "DeviceLastModifiedDate": device.modified_at,
        "DeviceLastAuthenticatedDate": device.last_authenticated_at,
    })
}

/// `ListDevices {AccessToken, Limit?, PaginationToken?}` → `{Devices, PaginationToken?}`: the
/// user's confirmed devices, oldest first.
pub fn list_devices(
    app: &App,
    record: &mut CallRecord,
    request: requests::AccountRequest,
) -> ApiResult<Value> {
    let user = authorized_by(app, record, &request.access_token)?;
    let limit = match request.limit {
        None | Some(0) => MAX_DEVICES,
        Some(n) => usize::try_from(n)
            .ok()
            .filter(|n| *n <= MAX_DEVICES)
            .ok_or_else(|| {
                ApiError::new(
                    ErrorKind::InvalidParameter,
                    format!("1 validation error detected: Value '{n}' at 'limit' failed to satisfy constraint: Member must have value between 0 and 60"),
                )
            })?,
    };
    let start = match &request.pagination_token {
        Some(token) => page_start(token)?,
        None => 0,
    };
    let pool = app.pool();
    let devices = pool.devices_of(&user.username);
    let page: Vec<Value> = devices
        .iter()
        .skip(start)
        .take(limit)
        .map(|(key, device)| describe(key, device))
        .collect();
    let mut body = json!({ "Devices": page });
    if let (true, Some(map)) = (start + limit < devices.len(), body.as_object_mut()) {
        map.insert("PaginationToken".into(), page_token(start + limit).into());
    }
    Ok(body)
}

/// `GetDevice {AccessToken, DeviceKey}` → `{Device}`.
pub fn get_device(
    app: &App,
    record: &mut CallRecord,
    request: requests::AccountRequest,
) -> ApiResult<Value> {
    let user = authorized_by(app, record, &request.access_token)?;
    let key = required(&request.device_key, "deviceKey")?;
    let pool = app.pool();
    let device = pool
        .device_of(&user.username, key)
        .ok_or_else(device_not_found)?;
    Ok(json!({ "Device": describe(key, device) }))
}
