//! tcpserv03: the echo server that restarts an interrupted `accept`, still
//! with one `wait` per SIGCHLD (§5.9, `tcpcliserv/tcpserv03.c` and
//! `sigchldwait.c`).
//!
//! tcpserv02 with a raw `accept` that is made again when it fails with
//! `EINTR`, the first fix of §5.9: the server no longer depends on the
//! kernel restarting the call. The second fault stays: five children that
//! end together (tcpcli04) may raise fewer than five SIGCHLDs, and one
//! `wait` per signal leaves the rest zombies until some later child's
//! signal happens to reap them.
//!
//! Run: `tcpserv03 &` (port 9877) then `tcpcli04 127.0.0.1`; or
//! `tcpserv03 40000 &` and `tcpcli04 127.0.0.1 40000`.
//!
//! Differs from the C: the handler prints with `write(2)` (async-signal-safe)
//! instead of `printf`; a connection aborted before `accept` is skipped
//! instead of ending the server; the optional port argument.

use nix::sys::signal::{SigHandler, Signal};
use nix::unistd::ForkResult;
use socket2::{Domain, SockAddr, Type};
use std::net::{Ipv4Addr, SocketAddrV4};
use unp::signal::{sig_chld_wait, signal};
use unp::{book_args, err_sys, str_echo, wrap, LISTENQ, SERV_PORT};

fn main() {
    let (_, port) = book_args("usage: tcpserv03 [port]", 0, SERV_PORT);
    let listenfd = wrap::socket(Domain::IPV4, Type::STREAM);
    let servaddr = SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, port); // INADDR_ANY
    wrap::bind(&listenfd, &SockAddr::from(servaddr));
    wrap::listen(&listenfd, LISTENQ);

    signal(Signal::SIGCHLD, SigHandler::Handler(sig_chld_wait));

    loop {
        let connfd = match listenfd.accept() {
            Ok((connfd, _cliaddr)) => connfd,
            Err(err) if err.raw_os_error() == Some(libc::EINTR) => continue, // back to the loop
            Err(err) if wrap::is_aborted_connection(&err) => continue,
            Err(err) => err_sys(&err, "accept error"),
        };
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
