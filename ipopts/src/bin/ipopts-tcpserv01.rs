//! Figure 27.7, `ipopts/tcpserv01.c`: the forking echo server that prints
//! the source route of each client.
//!
//! Figure 5.12's server: after each `accept`, `getsockopt(IP_OPTIONS)`
//! reads the options of the client's SYN, as the kernel reversed them for
//! the replies; when there are some, it prints `received IP options, len =
//! N` and the route (`inet_srcrt_print`). Then a child echoes.
//!
//! Run: `ipopts-tcpserv01 [port]` (default 9877), then a client with a
//! route: `ipopts-tcpcli01 -g <router> <this host>`. On the test network:
//! `received IP options, len = 8`, `received LSRR: 10.0.2.254 ` (the
//! router's address on the server's side, the first hop back).
//!
//! Differs from the C: Linux's option format is printed right (the C's
//! `inet_srcrt_print` expects BSD's leading first-hop address; see the
//! crate doc); the SIGCHLD handler prints with `write(2)`; a connection
//! aborted before `accept` is skipped; the optional port argument.

use std::net::{Ipv4Addr, SocketAddrV4};

use ipopts::inet_srcrt_print;
use nix::sys::signal::{SigHandler, Signal};
use nix::unistd::ForkResult;
use socket2::{Domain, SockAddr, Type};
use unp::signal::{sig_chld_waitpid, signal};
use unp::{book_args, err_sys, outln, str_echo, wrap, LISTENQ, SERV_PORT};

fn main() {
    let (_, port) = book_args("usage: tcpserv01 [port]", 0, SERV_PORT);
    let mut opts = [0u8; 44];
    let listenfd = wrap::socket(Domain::IPV4, Type::STREAM);
    let servaddr = SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, port); // INADDR_ANY
    wrap::bind(&listenfd, &SockAddr::from(servaddr));
    wrap::listen(&listenfd, LISTENQ);

    signal(Signal::SIGCHLD, SigHandler::Handler(sig_chld_waitpid));

    loop {
        let connfd = match listenfd.accept() {
            Ok((connfd, _cliaddr)) => connfd,
            Err(err) if err.raw_os_error() == Some(libc::EINTR) => continue, // back to the loop
            Err(err) if wrap::is_aborted_connection(&err) => continue,
            Err(err) => err_sys(&err, "accept error"),
        };
        let len = unp::raw::getsockopt(&connfd, libc::IPPROTO_IP, libc::IP_OPTIONS, &mut opts)
            .unwrap_or_else(|err| err_sys(&err, "getsockopt error"));
        if len > 0 {
            outln!("received IP options, len = {len}");
            outln!("{}", inet_srcrt_print(&opts[..len]));
        }
        // SAFETY: the server never starts a thread, so the child may run any
        // code, allocation included.
        if let ForkResult::Child = unsafe { wrap::fork() } {
            wrap::close(listenfd); // the child closes the listening socket
            str_echo(&connfd); // process the request
            std::process::exit(0);
        }
        wrap::close(connfd); // the parent closes the connected socket
    }
}
