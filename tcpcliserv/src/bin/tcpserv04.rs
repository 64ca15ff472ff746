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
use socket2::Domain;
use tcpcliserv::{accept_retry_eintr, fork_per_client};
use unp::signal::{sig_chld_waitpid, signal};
use unp::tcp::listen_any;
use unp::{book_args, str_echo, SERV_PORT};

fn main() {
    let (_, port) = book_args("usage: tcpserv04 [port]", 0, SERV_PORT);
    let listenfd = listen_any(Domain::IPV4, port);
    signal(Signal::SIGCHLD, SigHandler::Handler(sig_chld_waitpid));
    fork_per_client(listenfd, accept_retry_eintr, |connfd| str_echo(connfd));
}
