//! tcpserv02: the echo server with a SIGCHLD handler that calls `wait`
//! once (§5.9 with Figure 5.7, `tcpcliserv/tcpserv02.c` and
//! `sigchldwait.c`).
//!
//! tcpserv01 plus `signal(SIGCHLD, sig_chld)`: each child that ends is
//! reaped and `child N terminated` is printed. Two faults remain, both
//! shown in the book. (1) It still calls the `Accept` wrapper, so on a
//! system that does not restart `accept` after a signal, the handler's
//! return makes `accept` fail with `EINTR` and the server die. On Linux,
//! `signal` sets `SA_RESTART` and `accept` is restarted: this does not
//! happen. (2) Signals do not queue: when tcpcli04's five connections close
//! at once, the five SIGCHLDs may merge into fewer, and one `wait` per
//! signal leaves the other children zombies (§5.10).
//!
//! Run: `tcpserv02 &` (port 9877) then `tcpcli04 127.0.0.1`; or
//! `tcpserv02 40000 &` and `tcpcli04 127.0.0.1 40000`.
//!
//! Differs from the C: the handler (`unp::signal::sig_chld_wait`) prints
//! with `write(2)`, which is async-signal-safe, where the C calls `printf`,
//! which is not; the optional port argument.

use nix::sys::signal::{SigHandler, Signal};
use nix::unistd::ForkResult;
use socket2::{Domain, SockAddr, Type};
use std::net::{Ipv4Addr, SocketAddrV4};
use unp::signal::{sig_chld_wait, signal};
use unp::{book_args, str_echo, wrap, LISTENQ, SERV_PORT};

fn main() {
    let (_, port) = book_args("usage: tcpserv02 [port]", 0, SERV_PORT);
    let listenfd = wrap::socket(Domain::IPV4, Type::STREAM);
    let servaddr = SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, port); // INADDR_ANY
    wrap::bind(&listenfd, &SockAddr::from(servaddr));
    wrap::listen(&listenfd, LISTENQ);

    signal(Signal::SIGCHLD, SigHandler::Handler(sig_chld_wait));

    loop {
        let (connfd, _cliaddr) = wrap::accept(&listenfd);
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
