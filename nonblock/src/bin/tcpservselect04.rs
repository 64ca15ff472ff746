//! `tcpservselect04` (not in the book: the fix §16.6 describes for
//! `tcpservselect03`): the same server, its listening socket nonblocking.
//!
//! It still prints `listening socket readable` and sleeps 5 seconds before
//! `accept`, so the window of the race stays open; but when the connection
//! has gone meanwhile, `accept` fails with `EWOULDBLOCK` instead of
//! blocking, and the server goes back to `select` and keeps serving its
//! clients. The book's list of errors to ignore there is `EWOULDBLOCK`
//! (Berkeley kernels, the client's RST), `ECONNABORTED` (POSIX), `EPROTO`
//! (SVR4) and `EINTR` (a signal): all four are ignored here. An accepted
//! socket inherits nothing from the listener's `O_NONBLOCK` on Linux
//! (`accept(2)` returns a blocking socket), so clients are served as before.
//!
//! Run: `tcpservselect04 [port]` (default 9877).

use std::net::{Ipv4Addr, SocketAddrV4};

use nonblock::{select_echo_server, ACCEPT_DELAY};
use socket2::{Domain, SockAddr, Type};
use unp::{err_sys, wrap, OrDie, LISTENQ};

fn main() {
    let (_, port) = unp::book_args("usage: tcpservselect04 [port]", 0, unp::SERV_PORT);
    let listener = wrap::socket(Domain::IPV4, Type::STREAM);
    let servaddr = SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, port); // INADDR_ANY
    wrap::bind(&listener, &SockAddr::from(servaddr));
    wrap::listen(&listener, LISTENQ);
    listener.set_nonblocking(true).or_die("fcntl error");

    select_echo_server(&listener, |listener| {
        unp::outln!("listening socket readable");
        std::thread::sleep(ACCEPT_DELAY);
        match listener.accept() {
            Ok((conn, _)) => Some(conn),
            Err(err)
                if matches!(
                    err.raw_os_error(),
                    Some(libc::EWOULDBLOCK | libc::ECONNABORTED | libc::EPROTO | libc::EINTR)
                ) =>
            {
                None
            }
            Err(err) => err_sys(&err, "accept error"),
        }
    });
}
