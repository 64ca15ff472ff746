//! `tcpservselect03` (`nonblock/tcpservselect03.c`, §16.6): the `select`
//! echo server of Figure 6.21–6.22 with a pause between `select` and
//! `accept`, to show why a listening socket handed to `select` should be
//! nonblocking.
//!
//! When `select` says the listening socket is readable, the server prints
//! `listening socket readable`, sleeps 5 seconds, then calls a *blocking*
//! `accept`. If the pending connection goes away during the sleep, `accept`
//! blocks until the next client connects, and meanwhile serves no one: a
//! connected client's lines go unanswered. The book's way to lose the
//! connection is a client that resets it (`nonblock-tcpcli03`): a
//! Berkeley-derived kernel drops the aborted connection from the queue.
//! **Linux does not**: it keeps the connection queued and `accept` returns it
//! (the first read then fails with `ECONNRESET`), so on Linux the RST alone
//! is harmless. The race is real all the same whenever anything else can
//! take the connection between `select` and `accept`, such as another
//! process sharing the listening socket; the tests play that process.
//! `tcpservselect04` is the fix.
//!
//! Run: `tcpservselect03 [port]` (default 9877), then
//! `nonblock-tcpcli03 127.0.0.1 [port]` and `tcpcli01 127.0.0.1 [port]`.
//!
//! Differs from the C as the crate's `select_echo_server` says: clients are
//! read with `read`, not `Readline` (static buffer, blocks on a partial
//! line), a client's read error closes that client, a descriptor past
//! `FD_SETSIZE` is refused.

use std::net::{Ipv4Addr, SocketAddrV4};

use nonblock::{select_echo_server, ACCEPT_DELAY};
use socket2::{Domain, SockAddr, Type};
use unp::{wrap, LISTENQ};

fn main() {
    let (_, port) = unp::book_args("usage: tcpservselect03 [port]", 0, unp::SERV_PORT);
    let listener = wrap::socket(Domain::IPV4, Type::STREAM);
    let servaddr = SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, port); // INADDR_ANY
    wrap::bind(&listener, &SockAddr::from(servaddr));
    wrap::listen(&listener, LISTENQ);

    select_echo_server(&listener, |listener| {
        unp::outln!("listening socket readable");
        std::thread::sleep(ACCEPT_DELAY);
        let (connfd, _cliaddr) = wrap::accept(listener);
        Some(connfd)
    });
}
