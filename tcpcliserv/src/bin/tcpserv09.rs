//! tcpserv09: the binary sum server (Figure 5.20, `tcpcliserv/tcpserv09.c`
//! with `str_echo09.c`).
//!
//! The tcpserv04 skeleton whose children run `str_echo09`: read the 16
//! bytes of `struct args` (two native `long`s), answer with the 8 bytes of
//! `struct result`, their sum. Both ends must agree on the size and byte
//! order of a `long` (§5.18): on the same machine it serves the C tcpcli09
//! as well as ours.
//!
//! Run: `tcpserv09 &` (port 9877) then `tcpcli09 127.0.0.1`; or
//! `tcpserv09 40000 &` and `tcpcli09 127.0.0.1 40000`.
//!
//! Differs from the C: a request cut short by the client's end of file
//! (fewer than 16 bytes) ends the connection, where the C would add up a
//! half-filled struct and send that; a sum that overflows wraps around, as
//! the C does on x86-64; the optional port argument.

use nix::sys::signal::{SigHandler, Signal};
use socket2::{Domain, Socket};
use tcpcliserv::{accept_retry_eintr, fork_per_client, SumArgs, SUM_ARGS_LEN};
use unp::signal::{sig_chld_waitpid, signal};
use unp::tcp::listen_any;
use unp::{book_args, readn, writen, OrDie, SERV_PORT};

fn str_echo09(sockfd: &Socket) {
    let mut args = [0u8; SUM_ARGS_LEN];
    loop {
        if readn(sockfd, &mut args).or_die("readn error") < SUM_ARGS_LEN {
            return; // connection closed by the other end
        }
        let SumArgs { arg1, arg2 } = SumArgs::from_bytes(&args);
        writen(sockfd, &arg1.wrapping_add(arg2).to_ne_bytes()).or_die("writen error");
    }
}

fn main() {
    let (_, port) = book_args("usage: tcpserv09 [port]", 0, SERV_PORT);
    let listenfd = listen_any(Domain::IPV4, port);
    signal(Signal::SIGCHLD, SigHandler::Handler(sig_chld_waitpid));
    fork_per_client(listenfd, accept_retry_eintr, str_echo09);
}
