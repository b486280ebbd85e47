//! The emulator's shared state and the small services every operation uses.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::config::{ClientConfig, PoolConfig};
use crate::error::{ApiError, ApiResult, ErrorKind};
use crate::ids;
use crate::sessions::SessionStore;
use crate::state::Flow;
use crate::store::{PoolState, User};
use crate::test_hooks::{mask_email, mask_phone, Delivery, TestHooks};
use crate::tokens::TokenSigner;

/// One emulated user pool. Locks are held only for short, non-async sections, never two at once.
pub struct App {
    pub config: PoolConfig,
    /// The pool name (the part of the pool id after `_`): the SRP realm of users.
    pub realm: String,
    pub signer: TokenSigner,
    initial: PoolState,
    pool: Mutex<PoolState>,
    sessions: Mutex<SessionStore<Flow>>,
    hooks: Mutex<TestHooks>,
    /// Seconds `POST /__clock` moved the pool's clock forward (tokens, codes, rotation).
    clock_offset: AtomicU64,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("user_pool_id", &self.config.user_pool_id)
            .finish_non_exhaustive()
    }
}

/// A poisoned lock only means another request panicked mid-update; the data is still usable.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Why and how a code is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Medium {
    Sms,
    Email,
}

impl Medium {
    /// The attribute a code goes to.
    pub fn attribute(self) -> &'static str {
        match self {
            Self::Sms => "phone_number",
            Self::Email => "email",
        }
    }

    /// `DeliveryMedium`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Sms => "SMS",
            Self::Email => "EMAIL",
        }
    }
}

impl App {
    pub fn new(
        config: PoolConfig,
        signer: TokenSigner,
        session_ttl: Duration,
    ) -> Result<Self, String> {
        let realm = cognito_wasm::srp::pool_name(&config.user_pool_id)
            .map_err(|e| e.to_string())?
            .to_owned();
        let initial = PoolState::from_config(&config, &realm);
        Ok(Self {
            pool: Mutex::new(initial.clone()),
            initial,
            realm,
            signer,
            config,
            sessions: Mutex::new(SessionStore::new(session_ttl)),
            hooks: Mutex::new(TestHooks::default()),
            clock_offset: AtomicU64::new(0),
        })
    }

    pub fn pool(&self) -> MutexGuard<'_, PoolState> {
        lock(&self.pool)
    }

    pub fn sessions(&self) -> MutexGuard<'_, SessionStore<Flow>> {
        lock(&self.sessions)
    }

    pub fn hooks(&self) -> MutexGuard<'_, TestHooks> {
        lock(&self.hooks)
    }

    /// Back to the loaded configuration: users, devices and tokens as at start, no sessions,
    /// empty log, deliveries and faults.
    pub fn reset(&self) {
        *self.pool() = self.initial.clone();
        self.sessions().clear();
        self.hooks().clear();
        self.clock_offset.store(0, Ordering::Relaxed);
    }

    /// Seconds since the Unix epoch, plus what `POST /__clock` added.
    pub fn now(&self) -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs())
            .saturating_add(self.clock_offset())
    }

    /// What `POST /__clock` added so far.
    pub fn clock_offset(&self) -> u64 {
        self.clock_offset.load(Ordering::Relaxed)
    }

    /// Moves the pool's clock forward (`POST /__clock`); the new offset.
    pub fn advance_clock(&self, seconds: u64) -> u64 {
        self.clock_offset
            .fetch_add(seconds, Ordering::Relaxed)
            .saturating_add(seconds)
    }

    /// The app client, or the service's error for an unknown one.
    pub fn client(&self, client_id: &str) -> ApiResult<&ClientConfig> {
        self.config.client(client_id).ok_or_else(|| {
            ApiError::new(
                ErrorKind::ResourceNotFound,
                format!("User pool client {client_id} does not exist."),
            )
        })
    }

    /// A copy of the user with this internal username.
    pub fn user(&self, username: &str) -> ApiResult<User> {
        self.pool()
            .user(username)
            .cloned()
            .ok_or_else(ApiError::user_not_found)
    }

    /// A copy of the user signing in as `name` (username or verified alias).
    pub fn find_user(&self, name: &str) -> Option<User> {
        self.pool()
            .find_user(name, &self.config.alias_attributes)
            .cloned()
    }

    /// A new one-time code: the pool's `testCode`, or 6 random digits.
    pub fn new_code(&self) -> String {
        self.config
            .test_code
            .clone()
            .unwrap_or_else(ids::six_digits)
    }

    /// "Sends" `code` to the user's phone or email, recorded for `GET /__deliveries` with the
    /// message a CustomMessage trigger wrote, if any.
    pub fn deliver(
        &self,
        user: &User,
        medium: Medium,
        purpose: &'static str,
        code: String,
        message: Option<String>,
    ) -> ApiResult<Delivery> {
        let address = user.attributes.get(medium.attribute()).ok_or_else(|| {
            ApiError::new(
                ErrorKind::CodeDeliveryFailure,
                format!("The user has no {} to send a code to.", medium.attribute()),
            )
        })?;
        let delivery = Delivery {
            username: user.username.clone(),
            medium: medium.name(),
            destination: match medium {
                Medium::Sms => mask_phone(address),
                Medium::Email => mask_email(address),
            },
            code,
            purpose,
            message,
        };
        self.hooks().deliver(delivery.clone());
        Ok(delivery)
    }
}
