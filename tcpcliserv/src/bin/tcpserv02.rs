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
use socket2::Domain;
use tcpcliserv::{accept_or_die, fork_per_client};
use unp::signal::{sig_chld_wait, signal};
use unp::tcp::listen_any;
use unp::{book_args, str_echo, SERV_PORT};

fn main() {
    let (_, port) = book_args("usage: tcpserv02 [port]", 0, SERV_PORT);
    let listenfd = listen_any(Domain::IPV4, port);
    signal(Signal::SIGCHLD, SigHandler::Handler(sig_chld_wait));
    fork_per_client(listenfd, accept_or_die, |connfd| str_echo(connfd));
}
