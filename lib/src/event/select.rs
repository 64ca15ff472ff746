//! The [`select(2)`](https://man7.org/linux/man-pages/man2/select.2.html)
//! backend: the interest lives in the reactor's table; every wait builds a
//! read and a write `fd_set` from it, the kernel scans both up to the
//! highest descriptor and rewrites them, and we scan them back. An `fd_set`
//! is a bitmap of `FD_SETSIZE` (1024) bits: a descriptor past it cannot be
//! watched, and setting its bit anyway would write past the set (the
//! book's servers do not check; [`Select::set`] refuses it).

use std::io;
use std::os::fd::{AsRawFd, BorrowedFd, RawFd};

use nix::sys::select::{select, FdSet};

use super::{watched, Interest, Poller, Ready, Sources};

pub(super) struct Select;

impl Poller for Select {
    fn set(&mut self, fd: BorrowedFd, _old: Interest, new: Interest) -> io::Result<()> {
        let fd = fd.as_raw_fd();
        if !new.is_none() && fd as usize >= libc::FD_SETSIZE {
            return Err(io::Error::other(format!(
                "descriptor {fd} is not below FD_SETSIZE ({})",
                libc::FD_SETSIZE
            )));
        }
        Ok(())
    }

    fn wait(&mut self, sources: &Sources, ready: &mut Vec<(RawFd, Ready)>) -> io::Result<()> {
        let (mut rset, mut wset) = (FdSet::new(), FdSet::new());
        let mut maxfd = -1;
        for (fd, interest) in watched(sources) {
            maxfd = maxfd.max(fd.as_raw_fd());
            if interest.read {
                rset.insert(fd);
            }
            if interest.write {
                wset.insert(fd);
            }
        }
        select(maxfd + 1, &mut rset, &mut wset, None, None)?;
        for (fd, _) in watched(sources) {
            let what = Ready {
                readable: rset.contains(fd),
                writable: wset.contains(fd),
            };
            if what.readable || what.writable {
                ready.push((fd.as_raw_fd(), what));
            }
        }
        Ok(())
    }
}
