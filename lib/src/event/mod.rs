//! The event loop every design after the book shares, the way libevent
//! builds one: register a descriptor with the events it waits for (read,
//! write) and a handler, then [`Reactor::run`] waits for readiness and calls
//! the handlers. One API over three interchangeable backends, chosen at run
//! time ([`Backend`]):
//!
//! | backend | what each wait costs | limit |
//! |---|---|---|
//! | [`select(2)`](https://man7.org/linux/man-pages/man2/select.2.html) | rebuild two `fd_set`s, the kernel copies and scans them up to the highest descriptor and copies them back, we scan them again: O(maxfd) both ways | descriptors below `FD_SETSIZE` (1024) only |
//! | [`poll(2)`](https://man7.org/linux/man-pages/man2/poll.2.html) | rebuild the `pollfd` array, the kernel copies it in, polls every entry and copies it out, we scan it: O(n) for n registered descriptors | none |
//! | [`epoll(7)`](https://man7.org/linux/man-pages/man7/epoll.7.html) | the interest list lives in the kernel (one `epoll_ctl` per change), `epoll_wait` returns only the ready descriptors: O(ready) | none |
//!
//! So with many idle connections select and poll pay for every one of them
//! on every wait, and epoll does not.
//!
//! # Tokens, handlers, and what the loop adds to libevent's
//!
//! Every registration gets a [`Token`], never reused by that loop: a late
//! event, or a worker's late answer, for a connection that has closed finds
//! no handler, and never reaches a new connection that got the same
//! descriptor number. The handler is any type implementing [`Handler`]: a
//! closure ([`Callback`], libevent's style), or a server's own enum of the
//! things it watches (listener, wake-up, connection state machine), which
//! [`Reactor::visit`] reaches by token, as a worker's answer must.
//!
//! - **Hand-off between threads**: an [`inbox`] is a queue plus an
//!   [`eventfd(2)`](https://man7.org/linux/man-pages/man2/eventfd.2.html);
//!   another thread [`send`](InboxSender::send)s (a connection to a loop of
//!   its own, a worker's reply by token) and wakes the loop, whose handler
//!   for the inbox [`drain`](Inbox::drain)s it.
//! - **Out of descriptors**: [`Reactor::accept`] stops watching a listening
//!   socket at `EMFILE`/`ENFILE`, logs `accept error: Too many open files`
//!   (once per [`ACCEPT_LOG_EVERY`]), and watches it again when a registration of this loop goes (a
//!   descriptor is probably free), or after [`ACCEPT_RETRY`] (one freed by
//!   another thread). The server never exits for it.
//! - **Deadlines**: [`Reactor::set_deadline`] calls a handler with
//!   [`Ready::timed_out`] when its time has come (an idle client, a slow
//!   request).
//!
//! # Rules for handlers (as in libevent)
//! - descriptors are registered nonblocking ([`Reactor::accept`] makes them
//!   so): readiness is a hint, and a handler must take `WouldBlock` in its
//!   stride;
//! - errors and hang-ups are reported as readable and writable, so that the
//!   handler's next read or write meets them;
//! - a handler may register, change interest and deregister anything,
//!   itself included; the handler owns its descriptor (a deregistered
//!   handler is dropped, closing it, once it has returned).
//!
//! # Example
//!
//! An echo server in closures: the listener's handler accepts and registers
//! each client; a client's handler echoes, and deregisters at end of file.
//!
//! ```no_run
//! use std::io::{ErrorKind, Read, Write};
//! use unp::event::{Backend, Callback, Interest, Reactor};
//!
//! let listener = unp::tcp_listen(None, "9877");
//! listener.set_nonblocking(true).unwrap();
//! let mut reactor = Reactor::new(Backend::Epoll).unwrap();
//! let fd = std::os::fd::AsRawFd::as_raw_fd(&listener);
//! let accept = Callback::new(move |reactor, me, _ready| {
//!     while let Some(conn) = reactor.accept(me, &listener) {
//!         let fd = std::os::fd::AsRawFd::as_raw_fd(&conn);
//!         let echo = Callback::new(move |reactor, me, _ready| {
//!             let mut buf = [0u8; 4096];
//!             match (&conn).read(&mut buf) {
//!                 Ok(0) => reactor.deregister(me), // closes `conn`
//!                 Ok(n) => drop((&conn).write_all(&buf[..n])), // a sketch: see select::EchoConn
//!                 Err(err) if err.kind() == ErrorKind::WouldBlock => {}
//!                 Err(_) => reactor.deregister(me),
//!             }
//!         });
//!         let _ = reactor.register(fd, Interest::READ, echo);
//!     }
//! });
//! reactor.register(fd, Interest::READ, accept).unwrap();
//! reactor.run().unwrap();
//! ```

mod epoll;
mod inbox;
mod poll;
mod select;

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};
use std::io;
use std::os::fd::{AsFd, BorrowedFd, RawFd};
use std::str::FromStr;
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::sys::socket::{accept4, SockFlag};
use socket2::Socket;

use crate::{err_ret, err_sys};

pub use inbox::{inbox, Inbox, InboxSender};

/// While a listening socket is paused for want of descriptors, the loop
/// watches it again after at most this long, in case a descriptor was freed
/// elsewhere (another thread's loop).
pub const ACCEPT_RETRY: Duration = Duration::from_millis(100);

/// The rule of every server here whose `accept` runs out of descriptors
/// (`EMFILE`, `ENFILE`) or of kernel memory for one (`ENOBUFS`, `ENOMEM`):
/// stop accepting (the connections wait in the listen queue), say
/// `accept error: <reason>`, and accept again when a descriptor may be
/// free. Said at most once per [`ACCEPT_LOG_EVERY`]: at the limit a
/// server accepts and fails in turn as clients come and go, and one line
/// per failure would flood its log. The C's `Accept` exits instead.
#[derive(Debug, Default)]
pub struct AcceptPause {
    /// When the error was last printed.
    said_at: Option<Instant>,
}

/// How often [`AcceptPause`] says that accepting has stopped, at most.
pub const ACCEPT_LOG_EVERY: Duration = Duration::from_secs(10);

impl AcceptPause {
    /// One that has said nothing yet (a `const`, for a `static`).
    pub const fn new() -> AcceptPause {
        AcceptPause { said_at: None }
    }

    /// Whether `err`, from `accept`, means: pause. If so it is printed,
    /// unless it was less than [`ACCEPT_LOG_EVERY`] ago.
    pub fn pauses_for(&mut self, err: &io::Error) -> bool {
        let out = matches!(
            err.raw_os_error(),
            Some(libc::EMFILE | libc::ENFILE | libc::ENOBUFS | libc::ENOMEM)
        );
        if out
            && self
                .said_at
                .map_or(true, |at| at.elapsed() >= ACCEPT_LOG_EVERY)
        {
            err_ret(err, "accept error");
            self.said_at = Some(Instant::now());
        }
        out
    }
}

/// A map keyed by the loops' sequential ids (tokens, connection ids). A
/// multiply by the golden ratio (Fibonacci hashing) spreads them as well
/// as the standard SipHash, at a fraction of its cost on every event.
pub(crate) type IdMap<K, V> = HashMap<K, V, BuildHasherDefault<IdHasher>>;

#[derive(Default)]
pub(crate) struct IdHasher(u64);

impl Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.write_u64(self.0.rotate_left(8) ^ u64::from(byte));
        }
    }

    fn write_u64(&mut self, id: u64) {
        self.0 = id.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

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

/// The name of one registration in one [`Reactor`]; never reused by it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Token(pub u64);

/// The events a descriptor waits for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Interest {
    /// `POLLIN`, `EPOLLIN`, the read `fd_set`.
    pub read: bool,
    /// `POLLOUT`, `EPOLLOUT`, the write `fd_set`.
    pub write: bool,
}

impl Interest {
    /// Nothing: the descriptor stays registered but is not watched.
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

/// Why a handler is called.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Ready {
    /// A read will not block (it may find data, end of file or an error).
    pub readable: bool,
    /// A write will not block (it may find room or an error).
    pub writable: bool,
    /// The deadline set with [`Reactor::set_deadline`] has passed.
    pub timed_out: bool,
}

/// What a registration does when its descriptor is ready.
pub trait Handler: Sized {
    /// Called by [`Reactor::run`] with the loop, this registration's token
    /// and what it is ready for.
    fn ready(&mut self, reactor: &mut Reactor<Self>, token: Token, ready: Ready);
}

/// A closure as a [`Handler`] (libevent's callbacks): each registration of
/// a `Reactor<Callback>` may have its own.
pub struct Callback(Box<CallbackFn>);

type CallbackFn = dyn FnMut(&mut Reactor<Callback>, Token, Ready);

impl Callback {
    /// Wrap `f`, called as `f(reactor, token, ready)`.
    pub fn new(f: impl FnMut(&mut Reactor<Callback>, Token, Ready) + 'static) -> Callback {
        Callback(Box::new(f))
    }
}

impl Handler for Callback {
    fn ready(&mut self, reactor: &mut Reactor<Callback>, token: Token, ready: Ready) {
        (self.0)(reactor, token, ready)
    }
}

/// A registration.
struct Source<H> {
    fd: RawFd,
    interest: Interest,
    /// `None` while the handler runs.
    handler: Option<H>,
    deadline: Option<Instant>,
}

/// What the three backends do: keep the kernel (or themselves) informed of
/// interest changes, and wait.
trait Poller {
    /// The interest of `fd`, registered as `token`, changes from `old` to
    /// `new`; `NONE` on either side means not watched.
    fn set(&mut self, fd: RawFd, token: Token, old: Interest, new: Interest) -> io::Result<()>;

    /// Wait until something is ready or `timeout` passes; append what is
    /// ready to `ready`.
    fn wait(
        &mut self,
        timeout: Option<Duration>,
        ready: &mut Vec<(Token, Ready)>,
    ) -> io::Result<()>;
}

/// The watched descriptors of the backends that keep the list themselves
/// (select, poll), in token (registration) order.
#[derive(Default)]
struct Watched(std::collections::BTreeMap<Token, (RawFd, Interest)>);

impl Watched {
    /// Record `fd`'s new interest; `NONE` takes it off the list.
    fn set(&mut self, fd: RawFd, token: Token, new: Interest) {
        match new.is_none() {
            true => self.0.remove(&token),
            false => self.0.insert(token, (fd, new)),
        };
    }
}

/// A registered descriptor, for the backends' system calls.
fn borrow(fd: RawFd) -> BorrowedFd<'static> {
    // SAFETY: the backends borrow only registered descriptors, which stay
    // open until deregistered (the contract of `Reactor::register`: the
    // handler owns its descriptor, and is dropped only after deregistering);
    // a descriptor closed against that contract gets EBADF from the kernel,
    // nothing worse.
    unsafe { BorrowedFd::borrow_raw(fd) }
}

/// The event loop, with handlers of type `H`.
pub struct Reactor<H: Handler = Callback> {
    poller: Box<dyn Poller>,
    sources: IdMap<Token, Source<H>>,
    next_token: u64,
    /// Listening sockets unwatched for want of descriptors.
    paused: Vec<Token>,
    /// When the paused listeners are watched again at the latest.
    retry_at: Option<Instant>,
    accept_pause: AcceptPause,
    deadlines: BTreeSet<(Instant, Token)>,
    stopped: bool,
}

impl<H: Handler> Reactor<H> {
    /// An empty loop on `backend`; fails only if the backend cannot be
    /// created ([`epoll_create1(2)`](https://man7.org/linux/man-pages/man2/epoll_create1.2.html)).
    pub fn new(backend: Backend) -> io::Result<Reactor<H>> {
        let poller: Box<dyn Poller> = match backend {
            Backend::Select => Box::new(select::Select::default()),
            Backend::Poll => Box::new(poll::Poll::default()),
            Backend::Epoll => Box::new(epoll::Epoll::new()?),
        };
        Ok(Reactor {
            poller,
            sources: IdMap::default(),
            next_token: 0,
            paused: Vec::new(),
            retry_at: None,
            accept_pause: AcceptPause::default(),
            deadlines: BTreeSet::new(),
            stopped: false,
        })
    }

    /// Watch `fd` for `interest`, calling `handler` when it is ready
    /// (libevent's `event_new` + `event_add`). `fd` should be nonblocking,
    /// and must stay open until deregistered: the handler normally owns it.
    /// Fails, dropping `handler`, when the backend cannot watch it: with
    /// select, a descriptor not below `FD_SETSIZE`.
    pub fn register(&mut self, fd: RawFd, interest: Interest, handler: H) -> io::Result<Token> {
        let token = Token(self.next_token);
        self.poller.set(fd, token, Interest::NONE, interest)?;
        self.next_token += 1;
        self.sources.insert(
            token,
            Source {
                fd,
                interest,
                handler: Some(handler),
                deadline: None,
            },
        );
        Ok(token)
    }

    /// Change what `token` waits for (libevent's `event_del` + `event_add`
    /// with new flags; one `epoll_ctl(EPOLL_CTL_MOD)` with epoll). A token
    /// that has gone is `EBADF`.
    pub fn set_interest(&mut self, token: Token, interest: Interest) -> io::Result<()> {
        let Some(source) = self.sources.get_mut(&token) else {
            return Err(io::Error::from_raw_os_error(libc::EBADF));
        };
        let old = source.interest;
        if old == interest {
            return Ok(());
        }
        source.interest = interest;
        self.poller.set(source.fd, token, old, interest)
    }

    /// What `token` waits for now, if it is registered.
    pub fn interest(&self, token: Token) -> Option<Interest> {
        self.sources.get(&token).map(|source| source.interest)
    }

    /// Stop watching `token` (libevent's `event_del`) and drop its handler,
    /// closing what it owns: now, or when it returns if it is running. A
    /// paused listener is watched again, since a descriptor may be free. A
    /// token that has gone is ignored.
    pub fn deregister(&mut self, token: Token) {
        let Some(source) = self.sources.remove(&token) else {
            return;
        };
        if let Some(deadline) = source.deadline {
            self.deadlines.remove(&(deadline, token));
        }
        // Fails only for a descriptor already closed, which the kernel
        // has forgotten anyway.
        let _ = self
            .poller
            .set(source.fd, token, source.interest, Interest::NONE);
        drop(source.handler);
        self.resume_accepting();
    }

    /// Call `token`'s handler with `ready` at `deadline` unless cleared
    /// (`None`) or moved before; then it is cleared. A token that has gone
    /// is ignored.
    pub fn set_deadline(&mut self, token: Token, deadline: Option<Instant>) {
        let Some(source) = self.sources.get_mut(&token) else {
            return;
        };
        if let Some(old) = std::mem::replace(&mut source.deadline, deadline) {
            self.deadlines.remove(&(old, token));
        }
        if let Some(new) = deadline {
            self.deadlines.insert((new, token));
        }
    }

    /// Run `f` on `token`'s handler (a worker's answer reaching its
    /// connection, say), with the loop at hand; `None` if the token has
    /// gone, or is the handler running now.
    pub fn visit<R>(&mut self, token: Token, f: impl FnOnce(&mut H, &mut Self) -> R) -> Option<R> {
        let mut handler = self.sources.get_mut(&token)?.handler.take()?;
        let result = f(&mut handler, self);
        // Put the handler back unless it was deregistered meanwhile.
        if let Some(source) = self.sources.get_mut(&token) {
            source.handler = Some(handler);
        }
        Some(result)
    }

    /// How many registrations there are.
    pub fn len(&self) -> usize {
        self.sources.len()
    }

    /// Whether nothing is registered.
    pub fn is_empty(&self) -> bool {
        self.sources.is_empty()
    }

    /// Make [`run`](Reactor::run) return after the handlers of this round.
    pub fn stop(&mut self) {
        self.stopped = true;
    }

    /// Accept one connection on `listener`, registered here as `token`,
    /// nonblocking and close-on-exec from the start
    /// ([`accept4(2)`](https://man7.org/linux/man-pages/man2/accept4.2.html)),
    /// or `None` when none is waiting. A connection reset before it was
    /// accepted is skipped. Out of descriptors (`EMFILE`, `ENFILE`) or
    /// kernel memory (`ENOBUFS`, `ENOMEM`) the listener is unwatched (the
    /// connections wait in its queue), `accept error: <reason>` is logged
    /// (at most once per [`ACCEPT_LOG_EVERY`]), and `None` is returned; the loop
    /// watches it again when a registration goes or after [`ACCEPT_RETRY`].
    /// Any other error dies with `accept error`, as the book's `Accept`.
    pub fn accept(&mut self, token: Token, listener: &Socket) -> Option<Socket> {
        loop {
            match accept4(
                listener.as_fd(),
                SockFlag::SOCK_NONBLOCK | SockFlag::SOCK_CLOEXEC,
            ) {
                Ok(fd) => return Some(Socket::from(fd)),
                Err(Errno::EAGAIN) => return None,
                Err(Errno::EINTR | Errno::ECONNABORTED | Errno::EPROTO) => continue,
                Err(err) if self.accept_pause.pauses_for(&err.into()) => {
                    self.pause_accepting(token);
                    return None;
                }
                Err(err) => err_sys(&err.into(), "accept error"),
            }
        }
    }

    fn pause_accepting(&mut self, token: Token) {
        let Some(source) = self.sources.get(&token) else {
            return;
        };
        if source.interest.is_none() {
            return;
        }
        if self.set_interest(token, Interest::NONE).is_ok() {
            self.paused.push(token);
            self.retry_at = Some(Instant::now() + ACCEPT_RETRY);
        }
    }

    fn resume_accepting(&mut self) {
        self.retry_at = None;
        for token in std::mem::take(&mut self.paused) {
            // A listener deregistered meanwhile is EBADF: nothing to resume.
            let _ = self.set_interest(token, Interest::READ);
        }
    }

    /// Wait and dispatch until nothing is registered or a handler calls
    /// [`stop`](Reactor::stop) (libevent's `event_base_dispatch`). `EINTR`
    /// is retried; any other wait error is returned.
    pub fn run(&mut self) -> io::Result<()> {
        let mut ready = Vec::new();
        self.stopped = false;
        while !self.sources.is_empty() && !self.stopped {
            ready.clear();
            let wake_at = match (self.retry_at, self.deadlines.first()) {
                (Some(retry), Some(&(deadline, _))) => Some(retry.min(deadline)),
                (retry, deadline) => retry.or(deadline.map(|&(at, _)| at)),
            };
            let timeout = wake_at.map(|at| at.saturating_duration_since(Instant::now()));
            match self.poller.wait(timeout, &mut ready) {
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                result => result?,
            }
            for &(token, what) in &ready {
                self.visit(token, |handler, reactor| {
                    handler.ready(reactor, token, what)
                });
            }
            if wake_at.is_some() {
                self.expire(Instant::now());
            }
        }
        Ok(())
    }

    /// Resume paused listeners and call the handlers whose deadlines are
    /// past `now`.
    fn expire(&mut self, now: Instant) {
        if self.retry_at.is_some_and(|at| at <= now) {
            self.resume_accepting();
        }
        while let Some(&(at, token)) = self.deadlines.first() {
            if at > now {
                break;
            }
            self.deadlines.pop_first();
            if let Some(source) = self.sources.get_mut(&token) {
                source.deadline = None;
            }
            let timed_out = Ready {
                timed_out: true,
                ..Ready::default()
            };
            self.visit(token, |handler, reactor| {
                handler.ready(reactor, token, timed_out)
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;
    use std::io::{Read, Write};
    use std::os::fd::{AsRawFd, OwnedFd};
    use std::os::unix::net::UnixStream;
    use std::rc::Rc;

    const ALL: [Backend; 3] = [Backend::Select, Backend::Poll, Backend::Epoll];

    fn nonblocking_pair() -> (Socket, UnixStream) {
        let (ours, peer) = UnixStream::pair().unwrap();
        ours.set_nonblocking(true).unwrap();
        (Socket::from(OwnedFd::from(ours)), peer)
    }

    /// On every backend: a handler that waits for input, then for room to
    /// answer, then deregisters itself, which ends the loop.
    #[test]
    fn every_backend_runs_the_same_handler() {
        for backend in ALL {
            let (ours, mut peer) = nonblocking_pair();
            peer.write_all(b"ping").unwrap();
            let seen = Rc::new(RefCell::new(Vec::new()));
            let log = Rc::clone(&seen);
            let mut reactor = Reactor::new(backend).unwrap();
            let fd = ours.as_raw_fd();
            let handler = Callback::new(move |reactor, token, ready| {
                log.borrow_mut().push(ready);
                if ready.readable {
                    let mut buf = [0u8; 4];
                    (&ours).read_exact(&mut buf).unwrap();
                    reactor.set_interest(token, Interest::WRITE).unwrap();
                } else {
                    (&ours).write_all(b"pong").unwrap();
                    reactor.deregister(token);
                }
            });
            reactor.register(fd, Interest::READ, handler).unwrap();
            reactor.run().unwrap();
            let mut answer = Vec::new();
            peer.read_to_end(&mut answer).unwrap(); // closed on deregister
            assert_eq!(answer, b"pong", "{backend}");
            let writable = Ready {
                writable: true,
                ..Ready::default()
            };
            let readable = Ready {
                readable: true,
                ..Ready::default()
            };
            assert_eq!(*seen.borrow(), [readable, writable], "{backend}");
        }
    }

    /// Out of descriptors, the listener is unwatched (the loop does not
    /// spin on it) and watched again when a registration goes.
    #[test]
    fn accept_pauses_when_out_of_descriptors_and_resumes() {
        let listener = crate::tcp::listen_any(socket2::Domain::IPV4, 0);
        listener.set_nonblocking(true).unwrap();
        let mut reactor: Reactor = Reactor::new(Backend::Epoll).unwrap();
        let token = reactor
            .register(
                listener.as_raw_fd(),
                Interest::READ,
                Callback::new(|_, _, _| {}),
            )
            .unwrap();
        let (conn, _peer) = nonblocking_pair();
        let conn_token = reactor
            .register(
                conn.as_raw_fd(),
                Interest::READ,
                Callback::new(|_, _, _| {}),
            )
            .unwrap();
        reactor.pause_accepting(token);
        assert_eq!(reactor.interest(token), Some(Interest::NONE));
        reactor.deregister(conn_token);
        assert_eq!(reactor.interest(token), Some(Interest::READ));
    }

    #[test]
    fn a_deadline_calls_its_handler_once() {
        for backend in ALL {
            let (ours, _peer) = nonblocking_pair();
            let mut reactor = Reactor::new(backend).unwrap();
            let calls = Rc::new(RefCell::new(Vec::new()));
            let log = Rc::clone(&calls);
            let fd = ours.as_raw_fd();
            let token = reactor
                .register(
                    fd,
                    Interest::READ,
                    Callback::new(move |reactor, token, ready| {
                        let _owned = &ours;
                        log.borrow_mut().push(ready);
                        reactor.deregister(token);
                    }),
                )
                .unwrap();
            reactor.set_deadline(token, Some(Instant::now()));
            reactor.run().unwrap();
            let timed_out = Ready {
                timed_out: true,
                ..Ready::default()
            };
            assert_eq!(*calls.borrow(), [timed_out], "{backend}");
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
