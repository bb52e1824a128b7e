//! Ctrl-C. By default the first one ends the run at once (exit 130; nothing half-written: the
//! config file is replaced atomically). A command that must report what it already did (a bulk
//! run) claims the interrupt: the first Ctrl-C then asks it to stop starting work, and only a
//! second one ends the run at once.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use tokio::sync::Notify;

#[derive(Clone, Default)]
pub struct Interrupt {
    inner: Arc<Inner>,
}

#[derive(Default)]
struct Inner {
    count: AtomicUsize,
    claimed: AtomicBool,
    notify: Notify,
}

impl Interrupt {
    /// Starts listening for Ctrl-C (needs a running tokio runtime).
    pub fn listen() -> Self {
        let interrupt = Self::default();
        let inner = Arc::clone(&interrupt.inner);
        tokio::spawn(async move {
            while tokio::signal::ctrl_c().await.is_ok() {
                inner.count.fetch_add(1, Ordering::SeqCst);
                inner.notify.notify_waiters();
            }
        });
        interrupt
    }

    /// The calling command handles the first Ctrl-C itself.
    pub fn claim(&self) {
        self.inner.claimed.store(true, Ordering::SeqCst);
    }

    pub fn count(&self) -> usize {
        self.inner.count.load(Ordering::SeqCst)
    }

    /// Resolves when the run must end now: the first Ctrl-C, or the second if claimed.
    pub async fn hard(&self) {
        loop {
            let notified = self.inner.notify.notified();
            let needed = if self.inner.claimed.load(Ordering::SeqCst) {
                2
            } else {
                1
            };
            if self.count() >= needed {
                return;
            }
            notified.await;
        }
    }

    /// Resolves on the first Ctrl-C (for a command that claimed the interrupt).
    pub async fn soft(&self) {
        loop {
            let notified = self.inner.notify.notified();
            if self.count() >= 1 {
                return;
            }
            notified.await;
        }
    }
}
