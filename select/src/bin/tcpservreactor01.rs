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
//! (`EMFILE`), the listening socket is unwatched until a client leaves, so
//! the loop does not spin on it.
//!
//! Run: `tcpservreactor01 epoll` (port 9877) or `tcpservreactor01 poll <port>`.
//!
//! What the backends cost (the lab's idle-connection experiment measures it:
//! `cargo run --release -p lab -- --only idle`; one client doing 64-byte
//! round trips while `idle` connections stay open; loopback, a shared
//! 2-core machine, so only the trend counts): the median round trip is 15, 31 and 210 µs with 10,
//! 100 and 1000 idle connections on select and on poll, 4.9 ms with 10 000
//! on poll, and 13 µs throughout on epoll.

use std::os::fd::{AsRawFd, RawFd};

use select::{Echo, EchoConn};
use socket2::{Domain, Socket};
use unp::event::{Backend, Interest, Reactor, Ready};
use unp::tcp::listen_any;
use unp::{book_args, err_quit, err_ret, err_sys, wrap, OrDie, SERV_PORT};

const USAGE: &str = "usage: tcpservreactor01 <select|poll|epoll> [port]";

fn main() {
    let (args, port) = book_args(USAGE, 1, SERV_PORT);
    let backend: Backend = args[0].parse().unwrap_or_else(|_| err_quit(USAGE));
    let listenfd = listen_any(Domain::IPV4, port);
    let mut reactor = Reactor::new(backend).or_die("reactor error");
    reactor
        .register(listenfd, Interest::READ, Box::new(new_client))
        .or_die("register error");
    reactor.run().or_die(format!("{backend} error"));
}

/// The listening socket is readable: accept one client and register it.
fn new_client(reactor: &mut Reactor, listenfd: &Socket, _: Ready) {
    let connfd = match listenfd.accept() {
        Ok((connfd, _cliaddr)) => connfd,
        Err(err) if err.kind() == std::io::ErrorKind::WouldBlock => return,
        Err(err) if wrap::is_aborted_connection(&err) => return,
        Err(err) if matches!(err.raw_os_error(), Some(libc::EMFILE | libc::ENFILE)) => {
            err_ret(&err, "accept error");
            let listen = listenfd.as_raw_fd();
            reactor
                .set_interest(listen, Interest::NONE)
                .or_die("reactor error");
            return;
        }
        Err(err) => err_sys(&err, "accept error"),
    };
    let listen = listenfd.as_raw_fd();
    let mut echo = EchoConn::default();
    let handler = move |reactor: &mut Reactor, sock: &Socket, _: Ready| {
        echo_client(reactor, sock, &mut echo, listen);
    };
    if let Err(err) = reactor.register(connfd, Interest::READ, Box::new(handler)) {
        err_ret(&err, "too many clients");
    }
}

/// A client is ready: echo what can be echoed, then wait for what it needs.
fn echo_client(reactor: &mut Reactor, sock: &Socket, echo: &mut EchoConn, listen: RawFd) {
    let fd = sock.as_raw_fd();
    let interest = match echo.pump(sock, 1) {
        Echo::Read | Echo::Busy => Interest::READ,
        Echo::Write => Interest::WRITE,
        Echo::Close => {
            reactor.deregister(fd).or_die("reactor error");
            // A descriptor is free again: accept again if we had stopped.
            reactor
                .set_interest(listen, Interest::READ)
                .or_die("reactor error");
            return;
        }
    };
    reactor.set_interest(fd, interest).or_die("reactor error");
}
