//! `web_child` for the servers that never block (serv10–serv13): the
//! chapter's protocol as a state machine on the workspace's one event loop,
//! [`unp::event::Reactor`] (epoll).
//!
//! `web_child` keeps its place in the protocol on its stack: blocked in
//! `readline`, or in `writen`. A loop that serves thousands of connections
//! in one thread cannot block, so each [`WebConn`] keeps that place in its
//! fields instead: the bytes of a request line read so far, and the part of
//! the reply not yet written. Readiness is level-triggered: a connection is
//! watched for reading while it waits for a request and for writing while
//! a reply is pending, and reads and writes go until `EAGAIN`. The line is
//! cut and parsed as `web_child` does it ([`line_len`], [`parse_request`]).
//!
//! Each server is a [`Handler`] of its own: an enum of what its loop
//! watches (the listening socket, the signal pipe, an inbox, connections),
//! so that the loop in its file reads as its design.

use std::borrow::Cow;

use nix::errno::Errno;
use socket2::Socket;
use std::os::fd::AsRawFd;
use unp::event::{Backend, Handler, Interest, Reactor, Token};
use unp::{err_msg, err_ret, OrDie, MAXLINE};

use crate::web_child::{line_len, parse_request, reply};

/// What to do with a request for `n` bytes on connection `token`: answer it
/// now (`Some(reply)`), or `None` when it has been handed elsewhere and the
/// answer will come back through [`WebConn::complete`].
pub trait Answer: FnMut(Token, usize) -> Option<Cow<'static, [u8]>> {}
impl<F: FnMut(Token, usize) -> Option<Cow<'static, [u8]>>> Answer for F {}

/// The [`Answer`] of the loops that answer in place (serv10, serv12,
/// serv13): the reply is ready at once, no copy made.
pub fn answer_now(_token: Token, n: usize) -> Option<Cow<'static, [u8]>> {
    Some(Cow::Borrowed(reply(n)))
}

/// The loop of these servers: epoll. Dies with `epoll_create error`.
pub fn new_reactor<H: Handler>() -> Reactor<H> {
    Reactor::new(Backend::Epoll).or_die("epoll_create error")
}

/// Accept every connection waiting on the nonblocking `listener`
/// (registered as `token`), and register each as `wrap(WebConn)`; returns
/// how many. Out of descriptors, the loop pauses the listener
/// ([`Reactor::accept`]).
pub fn accept_all<H: Handler>(
    reactor: &mut Reactor<H>,
    token: Token,
    listener: &Socket,
    wrap: impl Fn(WebConn) -> H,
) -> u64 {
    let mut accepted = 0;
    while let Some(sock) = reactor.accept(token, listener) {
        WebConn::register(reactor, sock, &wrap);
        accepted += 1;
    }
    accepted
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
pub struct WebConn {
    sock: Socket,
    /// Request bytes read but not yet taken as a line.
    input: Vec<u8>,
    /// The client has closed its side.
    eof: bool,
    reply: Cow<'static, [u8]>,
    sent: usize,
}

impl WebConn {
    /// Take over the nonblocking connection `sock`: register it, waiting
    /// for a request, as `wrap(WebConn)`. A registration the kernel refuses
    /// is logged (`epoll_ctl error`) and closes the connection.
    pub fn register<H: Handler>(
        reactor: &mut Reactor<H>,
        sock: Socket,
        wrap: impl FnOnce(WebConn) -> H,
    ) -> Option<Token> {
        let fd = sock.as_raw_fd();
        let conn = WebConn {
            sock,
            input: Vec::new(),
            eof: false,
            reply: Cow::Borrowed(&[]),
            sent: 0,
        };
        reactor
            .register(fd, Interest::READ, wrap(conn))
            .map_err(|err| err_ret(&err, "epoll_ctl error"))
            .ok()
    }

    /// The connection registered as `token` is ready: go as far as
    /// possible, then wait for what it needs; requests go to `answer`. A
    /// request handed elsewhere leaves the connection unwatched until its
    /// answer [`complete`](WebConn::complete)s it.
    pub fn ready<H: Handler>(
        &mut self,
        reactor: &mut Reactor<H>,
        token: Token,
        answer: &mut impl Answer,
    ) {
        let want = loop {
            match self.step() {
                Step::Request(n) => match answer(token, n) {
                    Some(reply) => {
                        self.reply = reply;
                        self.sent = 0;
                    }
                    None => break Interest::NONE,
                },
                Step::Read => break Interest::READ,
                Step::Write => break Interest::WRITE,
                // Closes it once this handler returns.
                Step::Close => return reactor.deregister(token),
            }
        };
        reactor.set_interest(token, want).or_die("epoll_ctl error");
    }

    /// The answer to this connection's request has come back from a
    /// worker: send it, and go on.
    pub fn complete<H: Handler>(
        &mut self,
        reactor: &mut Reactor<H>,
        token: Token,
        reply: Vec<u8>,
        answer: &mut impl Answer,
    ) {
        self.reply = Cow::Owned(reply);
        self.sent = 0;
        self.ready(reactor, token, answer);
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
