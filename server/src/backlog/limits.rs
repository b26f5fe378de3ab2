//! How many calls reach Backlog at once: a limit with a bounded queue per
//! credential (Backlog's rate limits are per user) and one for the whole
//! space, so that many users together cannot flood one host.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::ToolError;
use super::error::LimitScope;

/// At most `max` calls at once; at most `max_queue` more waiting, past which
/// a call fails fast as busy.
pub struct Limiter {
    slots: Arc<Semaphore>,
    max: usize,
    max_queue: usize,
    waiting: AtomicUsize,
    scope: LimitScope,
}

impl Limiter {
    pub fn new(max: usize, max_queue: usize, scope: LimitScope) -> Self {
        let max = max.max(1);
        Limiter {
            slots: Arc::new(Semaphore::new(max)),
            max,
            max_queue,
            waiting: AtomicUsize::new(0),
            scope,
        }
    }

    pub async fn acquire(&self) -> Result<OwnedSemaphorePermit, ToolError> {
        if let Ok(permit) = Arc::clone(&self.slots).try_acquire_owned() {
            return Ok(permit);
        }
        let waiting = self.waiting.fetch_add(1, Ordering::SeqCst);
        // Leaves the queue whether the wait ends or the call is dropped.
        let _queued = Queued(&self.waiting);
        if waiting >= self.max_queue {
            return Err(ToolError::Busy {
                scope: self.scope,
                running: self.max,
                waiting,
            });
        }
        Arc::clone(&self.slots)
            .acquire_owned()
            .await
            .map_err(|_| ToolError::Transport("the client is shutting down".into()))
    }
}

struct Queued<'a>(&'a AtomicUsize);

impl Drop for Queued<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A [`Limiter`] per credential, made on first use and dropped when idle.
pub struct PerCredential {
    max: usize,
    max_queue: usize,
    limiters: Mutex<HashMap<u64, Arc<Limiter>>>,
}

/// Idle limiters are dropped once the map holds more than this many.
const KEEP_IDLE: usize = 1024;

impl PerCredential {
    pub fn new(max: usize, max_queue: usize) -> Self {
        PerCredential {
            max,
            max_queue,
            limiters: Mutex::default(),
        }
    }

    /// The limiter of the credential with this fingerprint. While the
    /// returned `Arc` lives the limiter is in use and stays in the map.
    pub fn get(&self, fingerprint: u64) -> Arc<Limiter> {
        let mut limiters = self.limiters.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(limiter) = limiters.get(&fingerprint) {
            return Arc::clone(limiter);
        }
        if limiters.len() >= KEEP_IDLE {
            limiters.retain(|_, limiter| Arc::strong_count(limiter) > 1);
        }
        let limiter = Arc::new(Limiter::new(
            self.max,
            self.max_queue,
            LimitScope::Credential,
        ));
        limiters.insert(fingerprint, Arc::clone(&limiter));
        limiter
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.limiters.lock().unwrap().len()
    }
}

/// The slots a call holds while it talks to Backlog.
pub struct Slots {
    _credential: OwnedSemaphorePermit,
    _space: OwnedSemaphorePermit,
    // Keeps the credential's limiter in the map while the call runs.
    _limiter: Arc<Limiter>,
}

/// Takes a slot of the credential, then one of the space.
pub async fn acquire(
    per_credential: &PerCredential,
    space: &Limiter,
    fingerprint: u64,
) -> Result<Slots, ToolError> {
    let limiter = per_credential.get(fingerprint);
    let credential = limiter.acquire().await?;
    let space = space.acquire().await?;
    Ok(Slots {
        _credential: credential,
        _space: space,
        _limiter: limiter,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn each_credential_has_its_own_queue_within_the_space_bound() {
        let per = PerCredential::new(1, 0);
        let space = Limiter::new(2, 0, LimitScope::Space);
        let a = acquire(&per, &space, 1).await.unwrap();
        // The same credential is over its own limit, with no queue.
        let error = acquire(&per, &space, 1).await.err().unwrap();
        assert!(matches!(
            error,
            ToolError::Busy {
                scope: LimitScope::Credential,
                ..
            }
        ));
        // Another credential still gets a slot; a third finds the space full.
        let b = acquire(&per, &space, 2).await.unwrap();
        let error = acquire(&per, &space, 3).await.err().unwrap();
        assert!(matches!(
            error,
            ToolError::Busy {
                scope: LimitScope::Space,
                ..
            }
        ));
        drop((a, b));
        assert!(acquire(&per, &space, 3).await.is_ok());
    }

    #[test]
    fn idle_limiters_are_dropped_when_the_map_is_full() {
        let per = PerCredential::new(1, 1);
        let kept = per.get(0);
        for fingerprint in 1..=KEEP_IDLE as u64 {
            per.get(fingerprint);
        }
        // The insertion past KEEP_IDLE pruned every idle one; the one in use stayed.
        assert_eq!(per.len(), 2);
        assert!(Arc::ptr_eq(&kept, &per.get(0)));
    }
}
