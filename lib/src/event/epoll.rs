//! The [`epoll(7)`](https://man7.org/linux/man-pages/man7/epoll.7.html)
//! backend, level-triggered: the interest list lives in the kernel, changed
//! by one `epoll_ctl(2)` per registration or interest change, and
//! `epoll_wait(2)` hands back only the ready sockets, O(ready) however many
//! are idle. The event's user data is the descriptor.

use std::io;
use std::os::fd::{AsRawFd, BorrowedFd, RawFd};

use nix::sys::epoll::{self, EpollCreateFlags, EpollEvent, EpollFlags, EpollTimeout};

use super::{Interest, Poller, Ready, Sources};

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

fn event(fd: BorrowedFd, interest: Interest) -> EpollEvent {
    let mut flags = EpollFlags::empty();
    flags.set(EpollFlags::EPOLLIN, interest.read);
    flags.set(EpollFlags::EPOLLOUT, interest.write);
    EpollEvent::new(flags, fd.as_raw_fd() as u64)
}

impl Poller for Epoll {
    /// `NONE` is kept out of the kernel's list (`EPOLL_CTL_DEL`) rather than
    /// registered with no events, which would still report hang-ups, over and
    /// over, level-triggered.
    fn set(&mut self, fd: BorrowedFd, old: Interest, new: Interest) -> io::Result<()> {
        match (old.is_none(), new.is_none()) {
            (true, true) => Ok(()),
            (true, false) => self.epoll.add(fd, event(fd, new)),
            (false, true) => self.epoll.delete(fd),
            (false, false) => self.epoll.modify(fd, &mut event(fd, new)),
        }
        .map_err(io::Error::from)
    }

    fn wait(&mut self, _sources: &Sources, ready: &mut Vec<(RawFd, Ready)>) -> io::Result<()> {
        let n = self.epoll.wait(&mut self.events, EpollTimeout::NONE)?;
        let trouble = EpollFlags::EPOLLERR | EpollFlags::EPOLLHUP;
        for event in &self.events[..n] {
            let flags = event.events();
            let what = Ready {
                readable: flags.intersects(EpollFlags::EPOLLIN | trouble),
                writable: flags.intersects(EpollFlags::EPOLLOUT | trouble),
            };
            ready.push((event.data() as RawFd, what));
        }
        Ok(())
    }
}
