//! The [`epoll(7)`](https://man7.org/linux/man-pages/man7/epoll.7.html)
//! backend, level-triggered: the interest list lives in the kernel, changed
//! by one `epoll_ctl(2)` per registration or interest change, and
//! `epoll_wait(2)` hands back only the ready descriptors, O(ready) however
//! many are idle. The event's user data is the token.

use std::io;
use std::os::fd::RawFd;
use std::time::Duration;

use nix::sys::epoll::{self, EpollCreateFlags, EpollEvent, EpollFlags, EpollTimeout};

use super::{borrow, Interest, Poller, Ready, Token};

/// Events returned by one `epoll_wait`; more wait for the next call.
const MAX_EVENTS: usize = 1024;

pub(super) struct Epoll {
    epoll: epoll::Epoll,
    events: Vec<EpollEvent>,
}

impl Epoll {
    pub(super) fn new() -> io::Result<Epoll> {
        Ok(Epoll {
            epoll: epoll::Epoll::new(EpollCreateFlags::EPOLL_CLOEXEC)?,
            events: vec![EpollEvent::empty(); MAX_EVENTS],
        })
    }
}

fn event(token: Token, interest: Interest) -> EpollEvent {
    let mut flags = EpollFlags::empty();
    flags.set(EpollFlags::EPOLLIN, interest.read);
    flags.set(EpollFlags::EPOLLOUT, interest.write);
    EpollEvent::new(flags, token.0)
}

/// `epoll_wait`'s timeout in milliseconds, rounded up so that a deadline
/// is never woken for early.
pub(super) fn timeout_ms(timeout: Option<Duration>) -> Option<i32> {
    timeout.map(|t| {
        let ms = t.as_micros().div_ceil(1000);
        i32::try_from(ms).unwrap_or(i32::MAX)
    })
}

impl Poller for Epoll {
    /// `NONE` is kept out of the kernel's list (`EPOLL_CTL_DEL`) rather than
    /// registered with no events, which would still report hang-ups, over and
    /// over, level-triggered.
    fn set(&mut self, fd: RawFd, token: Token, old: Interest, new: Interest) -> io::Result<()> {
        let fd = borrow(fd);
        match (old.is_none(), new.is_none()) {
            (true, true) => Ok(()),
            (true, false) => self.epoll.add(fd, event(token, new)),
            (false, true) => self.epoll.delete(fd),
            (false, false) => self.epoll.modify(fd, &mut event(token, new)),
        }
        .map_err(io::Error::from)
    }

    fn wait(
        &mut self,
        timeout: Option<Duration>,
        ready: &mut Vec<(Token, Ready)>,
    ) -> io::Result<()> {
        let timeout = match timeout_ms(timeout) {
            None => EpollTimeout::NONE,
            Some(ms) => EpollTimeout::try_from(ms).unwrap_or(EpollTimeout::NONE),
        };
        let n = self.epoll.wait(&mut self.events, timeout)?;
        let trouble = EpollFlags::EPOLLERR | EpollFlags::EPOLLHUP;
        for event in &self.events[..n] {
            let flags = event.events();
            let what = Ready {
                readable: flags.intersects(EpollFlags::EPOLLIN | trouble),
                writable: flags.intersects(EpollFlags::EPOLLOUT | trouble),
                timed_out: false,
            };
            ready.push((Token(event.data()), what));
        }
        Ok(())
    }
}
