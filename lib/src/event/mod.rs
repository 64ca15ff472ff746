//! An event loop, the way libevent builds one: register a socket with the
//! events it waits for (read, write) and a handler, then [`Reactor::run`]
//! waits for readiness and calls the handlers. One API over three
//! interchangeable backends, chosen at run time ([`Backend`]):
//!
//! | backend | what each wait costs | limit |
//! |---|---|---|
//! | [`select(2)`](https://man7.org/linux/man-pages/man2/select.2.html) | rebuild two `fd_set`s, the kernel copies and scans them up to the highest descriptor and copies them back, we scan them again: O(maxfd) both ways | descriptors below `FD_SETSIZE` (1024) only |
//! | [`poll(2)`](https://man7.org/linux/man-pages/man2/poll.2.html) | rebuild the `pollfd` array, the kernel copies it in, polls every entry and copies it out, we scan it: O(n) for n registered sockets | none |
//! | [`epoll(7)`](https://man7.org/linux/man-pages/man7/epoll.7.html) | the interest list lives in the kernel (one `epoll_ctl` per change), `epoll_wait` returns only the ready sockets: O(ready) | none |
//!
//! So with many idle connections select and poll pay for every one of them
//! on every wait, and epoll does not.
//!
//! Rules for handlers (as in libevent):
//! - sockets are made nonblocking on [`register`](Reactor::register):
//!   readiness is a hint, and a handler must take `WouldBlock` in its stride
//!   (it may also be called for an event meant for an earlier socket that had
//!   the same descriptor number);
//! - errors and hang-ups are reported as readable and writable, so that the
//!   handler's next read or write meets them;
//! - a handler may register, change interest and deregister anything,
//!   itself included; a deregistered socket is closed once no handler is
//!   using it.

mod epoll;
mod poll;
mod select;

use std::fmt;
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::rc::Rc;
use std::str::FromStr;

use socket2::Socket;

/// The readiness mechanism under a [`Reactor`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// [`select(2)`](https://man7.org/linux/man-pages/man2/select.2.html).
    Select,
    /// [`poll(2)`](https://man7.org/linux/man-pages/man2/poll.2.html).
    Poll,
    /// [`epoll(7)`](https://man7.org/linux/man-pages/man7/epoll.7.html), level-triggered.
    Epoll,
}

impl FromStr for Backend {
    type Err = String;

    /// `select`, `poll` or `epoll`.
    fn from_str(name: &str) -> Result<Backend, String> {
        match name {
            "select" => Ok(Backend::Select),
            "poll" => Ok(Backend::Poll),
            "epoll" => Ok(Backend::Epoll),
            _ => Err(format!("unknown backend {name}")),
        }
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(match self {
            Backend::Select => "select",
            Backend::Poll => "poll",
            Backend::Epoll => "epoll",
        })
    }
}

/// The events a socket waits for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Interest {
    /// `POLLIN`, `EPOLLIN`, the read `fd_set`.
    pub read: bool,
    /// `POLLOUT`, `EPOLLOUT`, the write `fd_set`.
    pub write: bool,
}

impl Interest {
    /// Nothing: the socket stays registered but is not watched.
    pub const NONE: Interest = Interest {
        read: false,
        write: false,
    };
    /// Readable (data, end of file, a connection to accept).
    pub const READ: Interest = Interest {
        read: true,
        write: false,
    };
    /// Writable (room in the socket send buffer).
    pub const WRITE: Interest = Interest {
        read: false,
        write: true,
    };

    fn is_none(self) -> bool {
        self == Interest::NONE
    }
}

/// What a wait found a socket ready for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Ready {
    /// A read will not block (it may find data, end of file or an error).
    pub readable: bool,
    /// A write will not block (it may find room or an error).
    pub writable: bool,
}

/// A handler: called with the reactor, the socket and what it is ready for.
pub type Handler = Box<dyn FnMut(&mut Reactor, &Socket, Ready)>;

/// A registered socket.
struct Source {
    sock: Rc<Socket>,
    interest: Interest,
    /// `None` while the handler runs.
    handler: Option<Handler>,
}

/// The registered sockets, indexed by descriptor as libevent (and the
/// book's `client[]` arrays) do.
type Sources = Vec<Option<Source>>;

/// What the three backends do: keep the kernel (or themselves) informed of
/// interest changes, and wait.
trait Poller {
    /// The interest of `fd` changes from `old` to `new`; `NONE` on either
    /// side means not watched.
    fn set(&mut self, fd: BorrowedFd, old: Interest, new: Interest) -> io::Result<()>;

    /// Wait until some socket is ready; append what is ready to `ready`.
    fn wait(&mut self, sources: &Sources, ready: &mut Vec<(RawFd, Ready)>) -> io::Result<()>;
}

/// The event loop.
pub struct Reactor {
    poller: Box<dyn Poller>,
    sources: Sources,
    registered: usize,
}

impl Reactor {
    /// An empty loop on `backend`; fails only if the backend cannot be
    /// created ([`epoll_create1(2)`](https://man7.org/linux/man-pages/man2/epoll_create1.2.html)).
    pub fn new(backend: Backend) -> io::Result<Reactor> {
        let poller: Box<dyn Poller> = match backend {
            Backend::Select => Box::new(select::Select),
            Backend::Poll => Box::new(poll::Poll),
            Backend::Epoll => Box::new(epoll::Epoll::new()?),
        };
        Ok(Reactor {
            poller,
            sources: Vec::new(),
            registered: 0,
        })
    }

    /// Watch `sock` for `interest`, calling `handler` when it is ready
    /// (libevent's `event_new` + `event_add`). The socket becomes
    /// nonblocking and belongs to the reactor until deregistered. Returns its
    /// descriptor, the key for [`set_interest`](Reactor::set_interest) and
    /// [`deregister`](Reactor::deregister). Fails, and closes `sock`, when
    /// the backend cannot watch it: with select, a descriptor not below
    /// `FD_SETSIZE`.
    pub fn register(
        &mut self,
        sock: Socket,
        interest: Interest,
        handler: Handler,
    ) -> io::Result<RawFd> {
        sock.set_nonblocking(true)?;
        let fd = sock.as_raw_fd();
        self.poller.set(sock.as_fd(), Interest::NONE, interest)?;
        let index = fd as usize;
        if self.sources.len() <= index {
            self.sources.resize_with(index + 1, || None);
        }
        self.sources[index] = Some(Source {
            sock: Rc::new(sock),
            interest,
            handler: Some(handler),
        });
        self.registered += 1;
        Ok(fd)
    }

    /// Change what `fd` waits for (libevent's `event_del` + `event_add`
    /// with new flags; one `epoll_ctl(EPOLL_CTL_MOD)` with epoll).
    pub fn set_interest(&mut self, fd: RawFd, interest: Interest) -> io::Result<()> {
        let Some(source) = self.source_mut(fd) else {
            return Err(io::Error::from_raw_os_error(libc::EBADF));
        };
        let (sock, old) = (Rc::clone(&source.sock), source.interest);
        source.interest = interest;
        if old == interest {
            return Ok(());
        }
        self.poller.set(sock.as_fd(), old, interest)
    }

    /// Stop watching `fd` (libevent's `event_del`); its socket closes once
    /// its handler, if running, returns.
    pub fn deregister(&mut self, fd: RawFd) -> io::Result<()> {
        let Some(source) = self.sources.get_mut(fd as usize).and_then(Option::take) else {
            return Err(io::Error::from_raw_os_error(libc::EBADF));
        };
        self.registered -= 1;
        self.poller
            .set(source.sock.as_fd(), source.interest, Interest::NONE)
    }

    /// Wait and dispatch until no socket is registered (libevent's
    /// `event_base_dispatch`). `EINTR` is retried; any other wait error is
    /// returned.
    pub fn run(&mut self) -> io::Result<()> {
        let mut ready = Vec::new();
        while self.registered > 0 {
            ready.clear();
            match self.poller.wait(&self.sources, &mut ready) {
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                result => result?,
            }
            for &(fd, what) in &ready {
                self.dispatch(fd, what);
            }
        }
        Ok(())
    }

    /// Call `fd`'s handler, unless it has gone since the wait.
    fn dispatch(&mut self, fd: RawFd, ready: Ready) {
        let Some(source) = self.source_mut(fd) else {
            return;
        };
        let Some(mut handler) = source.handler.take() else {
            return;
        };
        let sock = Rc::clone(&source.sock);
        handler(self, &sock, ready);
        // Put the handler back unless it deregistered its own socket.
        if let Some(source) = self.source_mut(fd) {
            if Rc::ptr_eq(&source.sock, &sock) {
                source.handler = Some(handler);
            }
        }
    }

    fn source_mut(&mut self, fd: RawFd) -> Option<&mut Source> {
        self.sources.get_mut(fd as usize).and_then(Option::as_mut)
    }
}

/// The registered sockets with a non-empty interest, in descriptor order.
fn watched(sources: &Sources) -> impl Iterator<Item = (BorrowedFd<'_>, Interest)> {
    sources
        .iter()
        .flatten()
        .filter(|source| !source.interest.is_none())
        .map(|source| (source.sock.as_fd(), source.interest))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;
    use std::io::{Read, Write};
    use std::os::fd::OwnedFd;
    use std::os::unix::net::UnixStream;

    /// On every backend: a handler that waits for input, then for room to
    /// answer, then deregisters itself, which ends the loop.
    #[test]
    fn every_backend_runs_the_same_handler() {
        for backend in ["select", "poll", "epoll"] {
            let backend: Backend = backend.parse().unwrap();
            let (ours, mut peer) = UnixStream::pair().unwrap();
            peer.write_all(b"ping").unwrap();
            let seen = Rc::new(RefCell::new(Vec::new()));
            let log = Rc::clone(&seen);
            let mut reactor = Reactor::new(backend).unwrap();
            let handler = move |reactor: &mut Reactor, sock: &Socket, ready: Ready| {
                let fd = sock.as_raw_fd();
                log.borrow_mut().push(ready);
                if ready.readable {
                    let mut buf = [0u8; 4];
                    (&*sock).read_exact(&mut buf).unwrap();
                    reactor.set_interest(fd, Interest::WRITE).unwrap();
                } else {
                    (&*sock).write_all(b"pong").unwrap();
                    reactor.deregister(fd).unwrap();
                }
            };
            let sock = Socket::from(OwnedFd::from(ours));
            reactor
                .register(sock, Interest::READ, Box::new(handler))
                .unwrap();
            reactor.run().unwrap();
            let mut answer = Vec::new();
            peer.read_to_end(&mut answer).unwrap(); // closed on deregister
            assert_eq!(answer, b"pong", "{backend}");
            let writable = Ready {
                readable: false,
                writable: true,
            };
            let readable = Ready {
                readable: true,
                writable: false,
            };
            assert_eq!(*seen.borrow(), [readable, writable], "{backend}");
        }
    }

    #[test]
    fn backends_are_named_on_the_command_line() {
        for name in ["select", "poll", "epoll"] {
            assert_eq!(name.parse::<Backend>().unwrap().to_string(), name);
        }
        assert!("kqueue".parse::<Backend>().is_err());
    }
}
