//! The [`poll(2)`](https://man7.org/linux/man-pages/man2/poll.2.html)
//! backend: the interest lives in this table; every wait builds an array of
//! one `pollfd` per watched descriptor, the kernel copies it in, polls each
//! entry and copies it out, and we scan it. No descriptor limit, but every
//! wait still costs O(n) for n watched descriptors, idle or not.

use std::io;
use std::os::fd::RawFd;
use std::time::Duration;

use nix::poll::{poll, PollFd, PollFlags, PollTimeout};

use super::epoll::timeout_ms;
use super::{borrow, Interest, Poller, Ready, Token, Watched};

#[derive(Default)]
pub(super) struct Poll {
    watched: Watched,
}

impl Poller for Poll {
    fn set(&mut self, fd: RawFd, token: Token, _old: Interest, new: Interest) -> io::Result<()> {
        self.watched.set(fd, token, new);
        Ok(())
    }

    fn wait(
        &mut self,
        timeout: Option<Duration>,
        ready: &mut Vec<(Token, Ready)>,
    ) -> io::Result<()> {
        let mut fds: Vec<PollFd> = self
            .watched
            .0
            .values()
            .map(|&(fd, interest)| {
                let mut events = PollFlags::empty();
                events.set(PollFlags::POLLIN, interest.read);
                events.set(PollFlags::POLLOUT, interest.write);
                PollFd::new(borrow(fd), events)
            })
            .collect();
        let timeout = match timeout_ms(timeout) {
            None => PollTimeout::NONE,
            Some(ms) => PollTimeout::try_from(ms).unwrap_or(PollTimeout::MAX),
        };
        poll(&mut fds, timeout)?;
        let trouble = PollFlags::POLLERR | PollFlags::POLLHUP | PollFlags::POLLNVAL;
        for (pollfd, &token) in fds.iter().zip(self.watched.0.keys()) {
            let revents = pollfd.revents().unwrap_or(PollFlags::empty());
            if revents.is_empty() {
                continue;
            }
            let what = Ready {
                readable: revents.intersects(PollFlags::POLLIN | trouble),
                writable: revents.intersects(PollFlags::POLLOUT | trouble),
                timed_out: false,
            };
            ready.push((token, what));
        }
        Ok(())
    }
}
