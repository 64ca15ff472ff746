//! The [`poll(2)`](https://man7.org/linux/man-pages/man2/poll.2.html)
//! backend: the interest lives in the reactor's table; every wait builds an
//! array of one `pollfd` per watched socket, the kernel copies it in, polls
//! each entry and copies it out, and we scan it. No descriptor limit, but
//! every wait still costs O(n) for n watched sockets, idle or not.

use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};

use nix::poll::{poll, PollFd, PollFlags, PollTimeout};

use super::{watched, Interest, Poller, Ready, Sources};

pub(super) struct Poll;

impl Poller for Poll {
    fn set(&mut self, _fd: BorrowedFd, _old: Interest, _new: Interest) -> io::Result<()> {
        Ok(())
    }

    fn wait(&mut self, sources: &Sources, ready: &mut Vec<(RawFd, Ready)>) -> io::Result<()> {
        let mut fds: Vec<PollFd> = watched(sources)
            .map(|(fd, interest)| {
                let mut events = PollFlags::empty();
                events.set(PollFlags::POLLIN, interest.read);
                events.set(PollFlags::POLLOUT, interest.write);
                PollFd::new(fd, events)
            })
            .collect();
        poll(&mut fds, PollTimeout::NONE)?;
        let trouble = PollFlags::POLLERR | PollFlags::POLLHUP;
        for pollfd in &fds {
            let revents = pollfd.revents().unwrap_or(PollFlags::empty());
            if revents.is_empty() {
                continue;
            }
            let what = Ready {
                readable: revents.intersects(PollFlags::POLLIN | trouble),
                writable: revents.intersects(PollFlags::POLLOUT | trouble),
            };
            ready.push((pollfd.as_fd().as_raw_fd(), what));
        }
        Ok(())
    }
}
