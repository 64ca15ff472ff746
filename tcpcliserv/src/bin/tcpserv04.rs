//! tcpserv04: the final version of the forking echo server (Figure 5.12,
//! `tcpcliserv/tcpserv04.c`, with the handler of Figure 5.11,
//! `sigchldwaitpid.c`).
//!
//! The SIGCHLD handler loops on `waitpid(-1, &stat, WNOHANG)` until no
//! ended child is left, so however many signals merged, every child is
//! reaped and no zombie remains; `accept` interrupted by the signal is made
//! again. The three rules of §5.10: catch SIGCHLD when forking children,
//! handle interrupted system calls, and use `waitpid` in a loop, not `wait`.
//!
//! Run: `tcpserv04 &` (port 9877) then `tcpcli04 127.0.0.1`; or
//! `tcpserv04 40000 &` and `tcpcli04 127.0.0.1 40000`.
//!
//! Differs from the C: the handler (`unp::signal::sig_chld_waitpid`) prints
//! `child N terminated` with `write(2)`, not the async-signal-unsafe
//! `printf`; a connection aborted before `accept` is skipped instead of
//! ending the server; the optional port argument.

use nix::sys::signal::{SigHandler, Signal};
use nix::unistd::ForkResult;
use socket2::{Domain, SockAddr, Type};
use std::net::{Ipv4Addr, SocketAddrV4};
use unp::signal::{sig_chld_waitpid, signal};
use unp::{book_args, err_sys, str_echo, wrap, LISTENQ, SERV_PORT};

fn main() {
    let (_, port) = book_args("usage: tcpserv04 [port]", 0, SERV_PORT);
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
