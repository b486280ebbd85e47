//! Auth-flow `Session`s: opaque, single-use, expiring handles on a sign-in in progress.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::error::{ApiError, ErrorKind};
use crate::ids;

/// Sessions by handle. A used session is remembered until it would have expired, so that a
/// replay gets "can only be used once" rather than "invalid". A session may also be found by
/// an alias, for answers that omit `Session` (see `flows::Flow::alias`).
#[derive(Debug)]
pub struct SessionStore<T> {
    ttl: Duration,
    entries: HashMap<String, Entry<T>>,
    aliases: HashMap<String, String>,
}

#[derive(Debug)]
enum Entry<T> {
    Active { state: T, expires_at: Instant },
    Used { expires_at: Instant },
}

impl<T> Entry<T> {
    fn expires_at(&self) -> Instant {
        match self {
            Self::Active { expires_at, .. } | Self::Used { expires_at } => *expires_at,
        }
    }
}

/// A session taken out of the store to be answered; [`SessionStore::restore`] puts it back.
#[derive(Debug)]
pub struct Taken<T> {
    pub id: String,
    pub state: T,
    expires_at: Instant,
}

impl<T> SessionStore<T> {
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            entries: HashMap::new(),
            aliases: HashMap::new(),
        }
    }

    /// Stores `state` under a new random handle valid for the TTL.
    pub fn create(&mut self, state: T, now: Instant) -> String {
        self.entries.retain(|_, entry| entry.expires_at() > now);
        self.aliases.retain(|_, id| self.entries.contains_key(id));
        let id = ids::opaque(96);
        self.entries.insert(
            id.clone(),
            Entry::Active {
                state,
                expires_at: now + self.ttl,
            },
        );
        id
    }

    /// Lets `alias` stand for the session `id`.
    pub fn link(&mut self, alias: String, id: String) {
        self.aliases.insert(alias, id);
    }

    /// The session an alias stands for.
    pub fn resolve(&self, alias: &str) -> Option<String> {
        self.aliases.get(alias).cloned()
    }

    /// Takes the session out (it is used from now on) if `accept` likes it; otherwise leaves it.
    pub fn take(
        &mut self,
        id: &str,
        now: Instant,
        accept: impl FnOnce(&T) -> Result<(), ApiError>,
    ) -> Result<Taken<T>, ApiError> {
        match self.entries.get(id) {
            None => return Err(ApiError::invalid_session()),
            Some(Entry::Used { .. }) => {
                return Err(ApiError::new(
                    ErrorKind::NotAuthorized,
                    "Invalid session for the user, session can only be used once.",
                ))
            }
            Some(entry) if entry.expires_at() <= now => {
                return Err(ApiError::new(
                    ErrorKind::NotAuthorized,
                    "Invalid session for the user, session is expired.",
                ))
            }
            Some(Entry::Active { state, .. }) => accept(state)?,
        }
        match self.entries.remove(id) {
            Some(Entry::Active { state, expires_at }) => {
                self.entries
                    .insert(id.to_owned(), Entry::Used { expires_at });
                Ok(Taken {
                    id: id.to_owned(),
                    state,
                    expires_at,
                })
            }
            _ => Err(ApiError::invalid_session()),
        }
    }

    /// Makes a taken session answerable again under the same handle, with its old expiry.
    pub fn restore(&mut self, taken: Taken<T>) {
        self.entries.insert(
            taken.id,
            Entry::Active {
                state: taken.state,
                expires_at: taken.expires_at,
            },
        );
    }

    /// Forgets every session (`POST /__reset`).
    pub fn clear(&mut self) {
        self.entries.clear();
        self.aliases.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(_: &u32) -> Result<(), ApiError> {
        Ok(())
    }

    #[test]
    fn sessions_are_single_use() {
        let mut store = SessionStore::new(Duration::from_secs(180));
        let now = Instant::now();
        let id = store.create(7u32, now);
        let taken = store.take(&id, now, ok).expect("first use");
        assert_eq!(taken.state, 7);
        let replay = store.take(&id, now, ok).expect_err("second use");
        assert!(replay.message.contains("only be used once"), "{replay}");
        assert_eq!(
            store.take("nope", now, ok).expect_err("unknown"),
            ApiError::invalid_session()
        );
    }

    #[test]
    fn aliases_find_sessions() {
        let mut store = SessionStore::new(Duration::from_secs(180));
        let now = Instant::now();
        let id = store.create(5u32, now);
        store.link("block".into(), id.clone());
        assert_eq!(store.resolve("block"), Some(id));
        assert_eq!(store.resolve("other"), None);
        store.create(6u32, now + Duration::from_secs(181));
        assert_eq!(
            store.resolve("block"),
            None,
            "aliases expire with their session"
        );
    }

    #[test]
    fn sessions_expire() {
        let mut store = SessionStore::new(Duration::from_secs(180));
        let now = Instant::now();
        let id = store.create(1u32, now);
        let late = store
            .take(&id, now + Duration::from_secs(180), ok)
            .expect_err("expired");
        assert!(late.message.contains("expired"), "{late}");
    }

    #[test]
    fn restored_sessions_answer_again_and_refusals_do_not_use_them() {
        let mut store = SessionStore::new(Duration::from_secs(180));
        let now = Instant::now();
        let id = store.create(1u32, now);
        let refused = store.take(&id, now, |_| Err(ApiError::missing("ClientId")));
        assert!(refused.is_err());
        let taken = store
            .take(&id, now, ok)
            .expect("still usable after a refusal");
        store.restore(taken);
        assert!(store.take(&id, now, ok).is_ok(), "usable after restore");
    }
}
