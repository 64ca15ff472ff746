//! The [`select(2)`](https://man7.org/linux/man-pages/man2/select.2.html)
//! backend: the interest lives in this table; every wait builds a read and
//! a write `fd_set` from it, the kernel scans both up to the highest
//! descriptor and rewrites them, and we scan them back. An `fd_set` is a
//! bitmap of `FD_SETSIZE` (1024) bits: a descriptor past it cannot be
//! watched, and setting its bit anyway would write past the set (the
//! book's servers do not check; [`Select::set`] refuses it).

use std::io;
use std::os::fd::RawFd;
use std::time::Duration;

use nix::sys::select::{select, FdSet};
use nix::sys::time::{TimeVal, TimeValLike};

use super::{borrow, Interest, Poller, Ready, Token, Watched};

#[derive(Default)]
pub(super) struct Select {
    watched: Watched,
}

impl Poller for Select {
    fn set(&mut self, fd: RawFd, token: Token, _old: Interest, new: Interest) -> io::Result<()> {
        if !new.is_none() && fd as usize >= libc::FD_SETSIZE {
            return Err(io::Error::other(format!(
                "descriptor {fd} is not below FD_SETSIZE ({})",
                libc::FD_SETSIZE
            )));
        }
        self.watched.set(fd, token, new);
        Ok(())
    }

    fn wait(
        &mut self,
        timeout: Option<Duration>,
        ready: &mut Vec<(Token, Ready)>,
    ) -> io::Result<()> {
        let (mut rset, mut wset) = (FdSet::new(), FdSet::new());
        let mut maxfd = -1;
        for &(fd, interest) in self.watched.0.values() {
            maxfd = maxfd.max(fd);
            if interest.read {
                rset.insert(borrow(fd));
            }
            if interest.write {
                wset.insert(borrow(fd));
            }
        }
        let mut timeval = timeout.map(|t| TimeVal::microseconds(t.as_micros() as i64));
        select(maxfd + 1, &mut rset, &mut wset, None, timeval.as_mut())?;
        for (&token, &(fd, _)) in &self.watched.0 {
            let what = Ready {
                readable: rset.contains(borrow(fd)),
                writable: wset.contains(borrow(fd)),
                timed_out: false,
            };
            if what.readable || what.writable {
                ready.push((token, what));
            }
        }
        Ok(())
    }
}
