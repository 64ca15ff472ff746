//! Hand-off to a loop from another thread: a queue, and an
//! [`eventfd(2)`](https://man7.org/linux/man-pages/man2/eventfd.2.html)
//! counter the loop watches, written after each item so the loop wakes.

use std::io;
use std::os::fd::{AsFd, BorrowedFd};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::Arc;

use nix::sys::eventfd::{EfdFlags, EventFd};

/// Make an inbox for a loop: the [`Inbox`] goes to the loop, which
/// registers it for reading ([`AsFd`]); the [`InboxSender`] (cloned as
/// often as needed) to the threads that feed it.
pub fn inbox<T>() -> io::Result<(InboxSender<T>, Inbox<T>)> {
    let wake = EventFd::from_value_and_flags(0, EfdFlags::EFD_NONBLOCK | EfdFlags::EFD_CLOEXEC)?;
    let wake = Arc::new(wake);
    let (queue, items) = channel();
    Ok((
        InboxSender {
            queue,
            wake: Arc::clone(&wake),
        },
        Inbox { items, wake },
    ))
}

/// The loop's end of an [`inbox`].
pub struct Inbox<T> {
    items: Receiver<T>,
    wake: Arc<EventFd>,
}

impl<T> Inbox<T> {
    /// Reset the wake-up counter, then take every item waiting. An item
    /// sent meanwhile is taken now or wakes the loop again: never lost.
    pub fn drain(&self) -> impl Iterator<Item = T> + '_ {
        let _ = self.wake.read(); // EAGAIN: a wake-up already taken
        self.items.try_iter()
    }
}

impl<T> AsFd for Inbox<T> {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.wake.as_fd()
    }
}

/// The other threads' end of an [`inbox`].
pub struct InboxSender<T> {
    queue: Sender<T>,
    wake: Arc<EventFd>,
}

impl<T> Clone for InboxSender<T> {
    fn clone(&self) -> Self {
        InboxSender {
            queue: self.queue.clone(),
            wake: Arc::clone(&self.wake),
        }
    }
}

impl<T> InboxSender<T> {
    /// Queue `item` and wake the loop. Fails (`BrokenPipe`) when the
    /// loop's [`Inbox`] has gone, or with the `eventfd` write's error.
    pub fn send(&self, item: T) -> io::Result<()> {
        if self.queue.send(item).is_err() {
            return Err(io::Error::new(
                io::ErrorKind::BrokenPipe,
                "the loop's inbox has gone",
            ));
        }
        self.wake.write(1)?;
        Ok(())
    }
}
