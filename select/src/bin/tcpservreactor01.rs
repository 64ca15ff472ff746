//! Not in the book: the echo server written once on the event loop of
//! [`unp::event`], run on the backend named on the command line: `select`,
//! `poll` or `epoll`, as libevent picks one. Same server code, three
//! backends, so their costs can be compared (see `unp::event`).
//!
//! Two handlers: the listening socket's accepts a client and registers it;
//! each client's echoes through its [`EchoConn`].
//!
//! A full socket buffer: the echo the socket does not take stays pending in
//! the client's `EchoConn`, and the client's interest switches from read to
//! write until it has gone out; everyone else is served meanwhile.
//!
//! Limits: with `select` a descriptor must be below `FD_SETSIZE` (1024), so
//! about 1020 clients; the next is closed at once, with `too many clients:
//! descriptor 1024 is not below FD_SETSIZE (1024)` on stderr (the book's
//! tcpservselect01 would write past its `fd_set`). Out of descriptors
//! (`EMFILE`), `accept error: Too many open files` is printed (at most
//! once every 10 s) and the listening socket is unwatched until a client
//! leaves, so the loop does not spin on it ([`Reactor::accept`]).
//!
//! Run: `tcpservreactor01 epoll` (port 9877) or `tcpservreactor01 poll <port>`.
//!
//! What the backends cost (the lab's idle-connection experiment measures it:
//! `cargo run --release -p lab -- --only idle`; one client doing 64-byte
//! round trips while `idle` connections stay open; loopback, a shared
//! 2-core machine, so only the trend counts): the median round trip is 15, 31 and 210 µs with 10,
//! 100 and 1000 idle connections on select and on poll, 4.9 ms with 10 000
//! on poll, and 13 µs throughout on epoll.

use std::os::fd::AsRawFd;

use select::{Echo, EchoConn};
use socket2::{Domain, Socket};
use unp::event::{Backend, Callback, Interest, Reactor, Token};
use unp::tcp::listen_any;
use unp::{err_quit, err_ret, server_args, OrDie, SERV_PORT};

const USAGE: &str = "usage: tcpservreactor01 <select|poll|epoll> [port]";

fn main() {
    let (args, port) = server_args(USAGE, 1, SERV_PORT);
    let backend: Backend = args[0].parse().unwrap_or_else(|_| err_quit(USAGE));
    let listenfd = listen_any(Domain::IPV4, port);
    listenfd.set_nonblocking(true).or_die("fcntl error");
    let mut reactor = Reactor::new(backend).or_die("reactor error");
    let listen = listenfd.as_raw_fd();
    let handler = Callback::new(move |reactor, token, _| new_clients(reactor, token, &listenfd));
    reactor
        .register(listen, Interest::READ, handler)
        .or_die("register error");
    reactor.run().or_die(format!("{backend} error"));
}

/// The listening socket is readable: accept the waiting clients and
/// register each. Out of descriptors, the reactor stops watching the
/// listening socket until a client leaves (see `Reactor::accept`).
fn new_clients(reactor: &mut Reactor, listen: Token, listenfd: &Socket) {
    while let Some(connfd) = reactor.accept(listen, listenfd) {
        let fd = connfd.as_raw_fd();
        let mut echo = EchoConn::default();
        let handler = Callback::new(move |reactor, token, _| {
            echo_client(reactor, token, &connfd, &mut echo);
        });
        if let Err(err) = reactor.register(fd, Interest::READ, handler) {
            err_ret(&err, "too many clients");
        }
    }
}

/// A client is ready: echo what can be echoed, then wait for what it needs.
fn echo_client(reactor: &mut Reactor, token: Token, sock: &Socket, echo: &mut EchoConn) {
    let interest = match echo.pump(sock, 1) {
        Echo::Read | Echo::Busy => Interest::READ,
        Echo::Write => Interest::WRITE,
        // Closes the socket; a listener paused for want of descriptors is
        // watched again.
        Echo::Close => return reactor.deregister(token),
    };
    reactor
        .set_interest(token, interest)
        .or_die("reactor error");
}
