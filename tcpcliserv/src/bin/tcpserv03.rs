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
use socket2::Domain;
use tcpcliserv::{accept_retry_eintr, fork_per_client};
use unp::signal::{sig_chld_wait, signal};
use unp::tcp::listen_any;
use unp::{book_args, str_echo, SERV_PORT};

fn main() {
    let (_, port) = book_args("usage: tcpserv03 [port]", 0, SERV_PORT);
    let listenfd = listen_any(Domain::IPV4, port);
    signal(Signal::SIGCHLD, SigHandler::Handler(sig_chld_wait));
    fork_per_client(listenfd, accept_retry_eintr, |connfd| str_echo(connfd));
}
