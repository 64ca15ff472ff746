//! The event loop the designs after the book share (serv10–serv13): one
//! thread, one [`epoll(7)`](https://man7.org/linux/man-pages/man7/epoll.7.html)
//! instance, many nonblocking connections, each a small state machine that
//! speaks the chapter's protocol exactly as [`web_child`](fn@crate::web_child)
//! does with blocking calls.
//!
//! `web_child` keeps its place in the protocol on its stack: blocked in
//! `readline`, or in `writen`. A loop that serves thousands of connections
//! in one thread cannot block, so each [`Conn`] keeps that place in its
//! fields instead: the bytes of a request line read so far, and the part of
//! the reply not yet written. Readiness is level-triggered: a connection is
//! watched for reading while it waits for a request and for writing while
//! a reply is pending, and reads and writes go until `EAGAIN`.
//!
//! Why not `unp::event::Reactor` (chapter 6's libevent-style loop): that one
//! hands readiness to a callback per socket, over select, poll or epoll.
//! These servers need the connections in one table that a worker's answer
//! can reach by token (serv11) and that takes in descriptors accepted by
//! another thread (serv12), and the same loop in all four designs so that
//! their costs compare; so this is a table of protocol state machines over
//! epoll alone.

use std::borrow::Cow;
use std::collections::HashMap;
use std::os::fd::AsFd;

use nix::errno::Errno;
use nix::sys::epoll::{Epoll, EpollCreateFlags, EpollEvent, EpollFlags, EpollTimeout};
use nix::sys::eventfd::{EfdFlags, EventFd};
use nix::sys::socket::{accept4, SockFlag};
use socket2::Socket;
use unp::{err_msg, err_ret, err_sys, OrDie, MAXLINE};

use crate::web_child::{line_len, parse_request, reply};

/// The token of the listening socket in a loop's epoll set.
pub const LISTENER: u64 = 0;
/// The token of the signal self-pipe.
pub const SIGNALS: u64 = 1;
/// The token of the descriptor other threads write to wake the loop.
pub const WAKE: u64 = 2;
/// Connections get tokens from here up, never reused, so a late answer for
/// a closed connection cannot reach a new one that got its descriptor.
const FIRST_CONNECTION: u64 = 3;

/// A nonblocking `eventfd(2)` counter that another thread writes to wake
/// a loop watching it ([`eventfd(2)`](https://man7.org/linux/man-pages/man2/eventfd.2.html)).
/// Dies with `eventfd error`.
pub fn wake_fd() -> EventFd {
    EventFd::from_value_and_flags(0, EfdFlags::EFD_NONBLOCK | EfdFlags::EFD_CLOEXEC)
        .or_die("eventfd error")
}

/// Accept one connection, nonblocking and close-on-exec from the start
/// ([`accept4(2)`](https://man7.org/linux/man-pages/man2/accept4.2.html)),
/// or `None` when none is waiting (`EAGAIN`). A connection reset before it
/// was accepted is skipped; other errors die with `accept error`, as the
/// book's `Accept`.
pub fn accept_nonblocking(listener: &Socket) -> Option<Socket> {
    loop {
        match accept4(
            listener.as_fd(),
            SockFlag::SOCK_NONBLOCK | SockFlag::SOCK_CLOEXEC,
        ) {
            Ok(fd) => return Some(Socket::from(fd)),
            Err(Errno::EAGAIN) => return None,
            Err(Errno::EINTR | Errno::ECONNABORTED | Errno::EPROTO) => continue,
            Err(err) => err_sys(&err.into(), "accept error"),
        }
    }
}

/// What a connection needs next.
enum Step {
    /// It waits for request bytes.
    Read,
    /// Its reply waits for room in the socket's send buffer.
    Write,
    /// A whole request line asks for this many bytes.
    Request(usize),
    /// It is finished: the client closed, or something went wrong (logged).
    Close,
}

/// One client connection and its place in the protocol.
pub struct Conn {
    sock: Socket,
    /// Request bytes read but not yet taken as a line.
    input: Vec<u8>,
    /// The client has closed its side.
    eof: bool,
    reply: Cow<'static, [u8]>,
    sent: usize,
    /// A request of this connection is with a worker (serv11).
    busy: bool,
    /// What the epoll set watches for it now.
    watching: EpollFlags,
}

impl Conn {
    fn new(sock: Socket) -> Conn {
        Conn {
            sock,
            input: Vec::new(),
            eof: false,
            reply: Cow::Borrowed(&[]),
            sent: 0,
            busy: false,
            watching: EpollFlags::EPOLLIN,
        }
    }

    /// Go as far as possible without blocking: write what is pending, then
    /// take the next request line, reading more when there is none.
    fn step(&mut self) -> Step {
        loop {
            if self.sent < self.reply.len() {
                match nix::unistd::write(&self.sock, &self.reply[self.sent..]) {
                    Ok(n) => self.sent += n,
                    Err(Errno::EINTR) => {}
                    Err(Errno::EAGAIN) => return Step::Write,
                    Err(err) => {
                        err_ret(&err.into(), "writen error");
                        return Step::Close;
                    }
                }
                continue;
            }
            if let Some(len) = line_len(&self.input, self.eof) {
                let request = parse_request(&self.input[..len]);
                self.input.drain(..len);
                return match request {
                    Ok(n) => Step::Request(n),
                    Err(bad) => {
                        err_msg(bad);
                        Step::Close
                    }
                };
            }
            if self.eof {
                return Step::Close;
            }
            let mut buf = [0u8; MAXLINE];
            match nix::unistd::read(&self.sock, &mut buf) {
                Ok(0) => self.eof = true,
                Ok(n) => self.input.extend_from_slice(&buf[..n]),
                Err(Errno::EINTR) => {}
                Err(Errno::EAGAIN) => return Step::Read,
                Err(err) => {
                    err_ret(&err.into(), "readline error");
                    return Step::Close;
                }
            }
        }
    }
}

/// What to do with a request for `n` bytes on connection `token`: answer it
/// now (`Some(reply)`), or `None` when it has been handed elsewhere and the
/// answer will come back through [`Reactor::complete`].
pub trait Handler: FnMut(u64, usize) -> Option<Cow<'static, [u8]>> {}
impl<F: FnMut(u64, usize) -> Option<Cow<'static, [u8]>>> Handler for F {}

/// The [`Handler`] of the loops that answer in place (serv10, serv12,
/// serv13): the reply is ready at once, no copy made.
pub fn answer_now(_token: u64, n: usize) -> Option<Cow<'static, [u8]>> {
    Some(Cow::Borrowed(reply(n)))
}

/// One epoll instance and the connections it watches.
pub struct Reactor {
    epoll: Epoll,
    conns: HashMap<u64, Conn>,
    next_token: u64,
}

impl Default for Reactor {
    fn default() -> Self {
        Reactor::new()
    }
}

impl Reactor {
    /// An empty loop ([`epoll_create1(2)`](https://man7.org/linux/man-pages/man2/epoll_create1.2.html)).
    /// Dies with `epoll_create error`.
    pub fn new() -> Reactor {
        Reactor {
            epoll: Epoll::new(EpollCreateFlags::EPOLL_CLOEXEC).or_die("epoll_create error"),
            conns: HashMap::new(),
            next_token: FIRST_CONNECTION,
        }
    }

    /// Watch a descriptor that is not a connection (the listening socket,
    /// the signal pipe, a wake-up descriptor) for reading, under `token`.
    /// Dies with `epoll_ctl error`.
    pub fn watch(&self, fd: impl AsFd, token: u64) {
        self.epoll
            .add(fd, EpollEvent::new(EpollFlags::EPOLLIN, token))
            .or_die("epoll_ctl error");
    }

    /// Take over a new nonblocking connection.
    pub fn add(&mut self, sock: Socket) {
        let token = self.next_token;
        self.next_token += 1;
        self.epoll
            .add(&sock, EpollEvent::new(EpollFlags::EPOLLIN, token))
            .or_die("epoll_ctl error");
        self.conns.insert(token, Conn::new(sock));
    }

    /// Accept every connection waiting on the nonblocking `listener` and
    /// take it over; returns how many.
    pub fn accept_all(&mut self, listener: &Socket) -> u64 {
        let mut accepted = 0;
        while let Some(sock) = accept_nonblocking(listener) {
            self.add(sock);
            accepted += 1;
        }
        accepted
    }

    /// Run the loop for ever: block until something is ready
    /// ([`epoll_wait(2)`](https://man7.org/linux/man-pages/man2/epoll_wait.2.html),
    /// up to 256 at a time), then move each ready connection on with
    /// `handler` and pass every other token ([`LISTENER`], [`SIGNALS`],
    /// [`WAKE`]) to `other`. Dies with `epoll_wait error`.
    pub fn run<H: Handler>(
        &mut self,
        mut handler: H,
        mut other: impl FnMut(&mut Reactor, u64, &mut H),
    ) -> ! {
        let mut events = [EpollEvent::empty(); 256];
        loop {
            let n = match self.epoll.wait(&mut events, EpollTimeout::NONE) {
                Ok(n) => n,
                Err(Errno::EINTR) => 0,
                Err(err) => err_sys(&err.into(), "epoll_wait error"),
            };
            for event in &events[..n] {
                match event.data() {
                    token if token >= FIRST_CONNECTION => self.ready(token, &mut handler),
                    token => other(self, token, &mut handler),
                }
            }
        }
    }

    /// Connection `token` is ready: move it on. A connection whose request
    /// is with a worker is woken only by an error or hang-up (it watches
    /// for nothing): its client has gone, so it is closed, and the answer,
    /// when it comes, is dropped.
    fn ready(&mut self, token: u64, handler: &mut impl Handler) {
        match self.conns.get(&token) {
            Some(conn) if conn.busy => {
                self.conns.remove(&token);
            }
            Some(_) => self.drive(token, handler),
            None => {}
        }
    }

    /// The answer to connection `token`'s request has come back from a
    /// worker: send it, and go on with the connection.
    pub fn complete(&mut self, token: u64, reply: Vec<u8>, handler: &mut impl Handler) {
        if let Some(conn) = self.conns.get_mut(&token) {
            conn.busy = false;
            conn.reply = Cow::Owned(reply);
            conn.sent = 0;
            self.drive(token, handler);
        }
    }

    fn drive(&mut self, token: u64, handler: &mut impl Handler) {
        let Some(conn) = self.conns.get_mut(&token) else {
            return;
        };
        let want = loop {
            match conn.step() {
                Step::Request(n) => match handler(token, n) {
                    Some(reply) => {
                        conn.reply = reply;
                        conn.sent = 0;
                    }
                    None => {
                        conn.busy = true;
                        break EpollFlags::empty();
                    }
                },
                Step::Read => break EpollFlags::EPOLLIN,
                Step::Write => break EpollFlags::EPOLLOUT,
                Step::Close => {
                    // Closing the only descriptor also takes it out of the
                    // epoll set.
                    self.conns.remove(&token);
                    return;
                }
            }
        };
        if conn.watching != want {
            conn.watching = want;
            self.epoll
                .modify(&conn.sock, &mut EpollEvent::new(want, token))
                .or_die("epoll_ctl error");
        }
    }
}
