//! One connection as a state machine on the workspace's event loop
//! ([`unp::event::Reactor`]), for the models that never block on a client
//! (3, 4, 5 and 5p): [`blocking::serve`](crate::blocking::serve) keeps its
//! place in the protocol on its stack, an [`HttpConn`] in its fields.
//!
//! A connection reads while it waits for a request, parses what it has
//! with the same [`parse_head`] as the blocking servers, hands the whole
//! request to its model's [`Dispatch`] (which answers at once, or hands it
//! to a worker and later calls [`HttpConn::complete`]), then writes the
//! response (the file with `sendfile(2)`, which on a nonblocking socket
//! sends what fits and says `EAGAIN`), and reads the next request
//! (keep-alive) or closes. Each request must arrive within
//! [`Site::timeout`]: a deadline on the loop ([`Reactor::set_deadline`])
//! cuts off a slow or idle client.

use std::fs::File;
use std::os::fd::AsRawFd;
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::sys::socket::{recv, send, MsgFlags};
use socket2::Socket;
use unp::err_ret;
use unp::event::{Handler, Interest, Reactor, Ready, Token};

use crate::request::{parse_head, Parsed, Request, MAX_BODY, MAX_HEAD};
use crate::response::{self, Body, Dialect, Response, Status};
use crate::{respond, Site};

/// A whole request (head and body) for a model to answer.
#[derive(Debug)]
pub struct Job {
    pub request: Request,
    pub body: Vec<u8>,
}

/// What a model does with a whole request of connection `token`: answer
/// it now (`Some`), or hand it elsewhere (`None`) and give the answer later
/// to [`HttpConn::complete`].
pub trait Dispatch: FnMut(Token, Job) -> Option<Response> {}
impl<F: FnMut(Token, Job) -> Option<Response>> Dispatch for F {}

/// The [`Dispatch`] of the loops that answer everything in place: a CGI
/// program runs to its end inside the loop (models 3, 5, 5p).
pub fn answer_now(site: &Site) -> impl FnMut(Token, Job) -> Option<Response> + '_ {
    move |_, job| Some(respond(site, Dialect::Http11, &job.request, &job.body))
}

/// Accept every connection waiting on the nonblocking `listener`
/// (registered as `token`) and register each, with `timeout` for its
/// requests, as `wrap(HttpConn)`. Out of descriptors the loop pauses the
/// listener ([`Reactor::accept`]).
pub fn accept_all<H: Handler>(
    reactor: &mut Reactor<H>,
    token: Token,
    listener: &Socket,
    timeout: Duration,
    wrap: impl Fn(HttpConn) -> H,
) {
    while let Some(connfd) = reactor.accept(token, listener) {
        HttpConn::register(reactor, connfd, timeout, &wrap);
    }
}

/// What the loop of model 3 watches, and each process's loop in model 5p:
/// its listening socket and its connections, every request answered in
/// place ([`answer_now`]).
pub enum OneLoop<'a> {
    Listener(Socket, &'a Site),
    Conn(HttpConn, &'a Site),
}

impl Handler for OneLoop<'_> {
    fn ready(&mut self, reactor: &mut Reactor<Self>, token: Token, ready: Ready) {
        match self {
            OneLoop::Listener(listener, site) => {
                let site: &Site = site;
                accept_all(reactor, token, listener, site.timeout, |conn| {
                    OneLoop::Conn(conn, site)
                });
            }
            OneLoop::Conn(conn, site) => conn.ready(reactor, token, ready, &mut answer_now(site)),
        }
    }
}

/// Where a connection is in the protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Reading a request.
    Reading,
    /// Its request is with a worker; not watched.
    Handed,
    /// Writing a response.
    Writing,
    /// A refused request was answered: reading and dropping what the client
    /// still sends until it closes, so that the close is not an RST that
    /// destroys the answer.
    Draining,
}

/// What a step leaves the connection waiting for.
enum Next {
    Wait(Interest),
    Continue,
    Close,
}

/// How much a refused connection is drained at most, and for how long.
pub(crate) const DRAIN_BYTES: usize = 4 * 1024 * 1024;
pub(crate) const DRAIN_TIME: Duration = Duration::from_secs(2);

/// One client connection and its place in the protocol.
pub struct HttpConn {
    sock: Socket,
    /// Bytes received and not yet taken by a request.
    input: Vec<u8>,
    /// The client has closed its side.
    eof: bool,
    state: State,
    /// The response head (and its body, when in memory) being written.
    out: Vec<u8>,
    sent: usize,
    /// The file being sent after `out`: the file, its length, the offset.
    file: Option<(File, u64, libc::off_t)>,
    keep_alive: bool,
    /// The last response answered a refused request.
    refused: bool,
    drained: usize,
    interest: Interest,
    timeout: Duration,
}

impl HttpConn {
    /// Take over the nonblocking connection `sock`: register it, waiting
    /// for a request within `timeout`, as `wrap(HttpConn)`. A registration
    /// the loop refuses is logged (`epoll_ctl error`) and closes the
    /// connection.
    pub fn register<H: Handler>(
        reactor: &mut Reactor<H>,
        sock: Socket,
        timeout: Duration,
        wrap: impl FnOnce(HttpConn) -> H,
    ) -> Option<Token> {
        let fd = sock.as_raw_fd();
        let conn = HttpConn {
            sock,
            input: Vec::new(),
            eof: false,
            state: State::Reading,
            out: Vec::new(),
            sent: 0,
            file: None,
            keep_alive: false,
            refused: false,
            drained: 0,
            interest: Interest::READ,
            timeout,
        };
        let token = reactor
            .register(fd, Interest::READ, wrap(conn))
            .map_err(|err| err_ret(&err, "epoll_ctl error"))
            .ok()?;
        reactor.set_deadline(token, Some(Instant::now() + timeout));
        Some(token)
    }

    /// The connection registered as `token` is ready (or its time is up):
    /// go as far as possible, then wait for what it needs. Whole requests
    /// go to `dispatch`.
    pub fn ready<H: Handler>(
        &mut self,
        reactor: &mut Reactor<H>,
        token: Token,
        ready: Ready,
        dispatch: &mut impl Dispatch,
    ) {
        if ready.timed_out {
            return reactor.deregister(token);
        }
        self.advance(reactor, token, dispatch)
    }

    /// The answer to the request handed off by this connection has come:
    /// write it, then go on.
    pub fn complete<H: Handler>(
        &mut self,
        reactor: &mut Reactor<H>,
        token: Token,
        response: Response,
        dispatch: &mut impl Dispatch,
    ) {
        if self.state == State::Handed {
            self.start(response);
            self.advance(reactor, token, dispatch)
        }
    }

    fn advance<H: Handler>(
        &mut self,
        reactor: &mut Reactor<H>,
        token: Token,
        dispatch: &mut impl Dispatch,
    ) {
        loop {
            let next = match self.state {
                State::Reading => self.read_request(token, dispatch),
                State::Handed => Next::Wait(Interest::NONE),
                State::Writing => self.write_response(reactor, token),
                State::Draining => self.drain(),
            };
            match next {
                Next::Continue => {}
                Next::Close => return reactor.deregister(token),
                Next::Wait(interest) => {
                    if interest != self.interest {
                        if let Err(err) = reactor.set_interest(token, interest) {
                            err_ret(&err, "epoll_ctl error");
                            return reactor.deregister(token);
                        }
                        self.interest = interest;
                    }
                    if self.state == State::Handed {
                        // A worker's time is the CGI timeout's business.
                        reactor.set_deadline(token, None);
                    }
                    return;
                }
            }
        }
    }

    /// Parse what has come; read more while the request is not whole.
    fn read_request(&mut self, token: Token, dispatch: &mut impl Dispatch) -> Next {
        loop {
            match parse_head(&self.input, self.eof, true) {
                Parsed::Refused(status) => return self.refuse(status),
                Parsed::Incomplete => {}
                Parsed::Done(request, used) => {
                    let length = request.content_length.unwrap_or(0);
                    if self.input.len() >= used + length {
                        let body = self.input[used..used + length].to_vec();
                        self.input.drain(..used + length);
                        return match dispatch(token, Job { request, body }) {
                            Some(response) => {
                                self.start(response);
                                Next::Continue
                            }
                            None => {
                                self.state = State::Handed;
                                Next::Wait(Interest::NONE)
                            }
                        };
                    }
                    if self.eof {
                        // The body is shorter than its Content-Length.
                        return self.refuse(Status::BadRequest);
                    }
                }
            }
            if self.eof {
                return Next::Close;
            }
            match self.fill() {
                Ok(true) => {}
                Ok(false) => return Next::Wait(Interest::READ),
                Err(_) => return Next::Close,
            }
        }
    }

    /// One `recv(2)` onto the end of the input: `Ok(true)` if it brought
    /// bytes or the end of file, `Ok(false)` if nothing is there yet.
    fn fill(&mut self) -> Result<bool, Errno> {
        if self.input.len() > MAX_HEAD + MAX_BODY {
            // Only pipelined requests can pile up this far: wait for the
            // ones already here to be answered.
            return Ok(false);
        }
        let start = self.input.len();
        self.input.resize(start + 16 * 1024, 0);
        let got = loop {
            match recv(
                self.sock.as_raw_fd(),
                &mut self.input[start..],
                MsgFlags::empty(),
            ) {
                Err(Errno::EINTR) => continue,
                other => break other,
            }
        };
        self.input.truncate(start + *got.as_ref().unwrap_or(&0));
        match got {
            Ok(0) => {
                self.eof = true;
                Ok(true)
            }
            Ok(_) => Ok(true),
            Err(Errno::EAGAIN) => Ok(false),
            Err(err) => Err(err),
        }
    }

    /// Answer a refused request, then drain and close.
    fn refuse(&mut self, status: Status) -> Next {
        self.start(response::error(Dialect::Http11, status, false));
        self.refused = true;
        Next::Continue
    }

    /// Begin writing `response`.
    fn start(&mut self, response: Response) {
        self.out = response.head;
        self.sent = 0;
        self.keep_alive = response.keep_alive;
        match response.body {
            Body::Empty => {}
            Body::Bytes(bytes) => self.out.extend_from_slice(&bytes),
            Body::File(file, length) => self.file = Some((file, length, 0)),
        }
        self.state = State::Writing;
    }

    /// Write what the socket takes: the head (with `MSG_MORE` when a file
    /// follows), then the file with
    /// [`sendfile(2)`](https://man7.org/linux/man-pages/man2/sendfile.2.html).
    fn write_response<H: Handler>(&mut self, reactor: &mut Reactor<H>, token: Token) -> Next {
        let mut flags = MsgFlags::MSG_NOSIGNAL;
        if self.file.is_some() {
            flags |= MsgFlags::from_bits_retain(libc::MSG_MORE);
        }
        while self.sent < self.out.len() {
            match send(self.sock.as_raw_fd(), &self.out[self.sent..], flags) {
                Ok(n) => self.sent += n,
                Err(Errno::EINTR) => {}
                Err(Errno::EAGAIN) => return Next::Wait(Interest::WRITE),
                Err(_) => return Next::Close,
            }
        }
        if let Some((file, length, offset)) = &mut self.file {
            while (*offset as u64) < *length {
                let left = (*length - *offset as u64) as usize;
                match nix::sys::sendfile::sendfile(&self.sock, &*file, Some(offset), left) {
                    Ok(0) => return Next::Close,
                    Ok(_) | Err(Errno::EINTR) => {}
                    Err(Errno::EAGAIN) => return Next::Wait(Interest::WRITE),
                    Err(_) => return Next::Close,
                }
            }
        }
        self.file = None;
        self.out.clear();
        if self.refused {
            let _ = self.sock.shutdown(std::net::Shutdown::Write);
            self.state = State::Draining;
            reactor.set_deadline(token, Some(Instant::now() + self.timeout.min(DRAIN_TIME)));
            return Next::Continue;
        }
        if !self.keep_alive {
            return Next::Close;
        }
        self.state = State::Reading;
        reactor.set_deadline(token, Some(Instant::now() + self.timeout));
        Next::Continue
    }

    /// Read and drop what the client of a refused request still sends.
    fn drain(&mut self) -> Next {
        let mut sink = [0u8; 16 * 1024];
        loop {
            if self.drained > DRAIN_BYTES {
                return Next::Close;
            }
            match recv(self.sock.as_raw_fd(), &mut sink, MsgFlags::empty()) {
                Ok(0) => return Next::Close,
                Ok(n) => self.drained += n,
                Err(Errno::EINTR) => {}
                Err(Errno::EAGAIN) => return Next::Wait(Interest::READ),
                Err(_) => return Next::Close,
            }
        }
    }
}
