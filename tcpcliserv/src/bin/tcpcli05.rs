//! tcpcli05: the echo client aimed at the standard echo service, port 7
//! (`tcpcliserv/tcpcli05.c`, a test program with no figure: "baseline
//! measurements" for the nonblocking client of chapter 16).
//!
//! Same as tcpcli01 but the default port is 7, the inetd `echo` service,
//! which is seldom enabled on Linux.
//!
//! Run: one of the chapter's servers on port 7 (`tcpserv04 7 &` as root,
//! or in a private network namespace), then `tcpcli05 127.0.0.1`; or with
//! the port convention, `tcpcli05 127.0.0.1 40000` against
//! `tcpserv04 40000`.
//!
//! Differs from the C: the optional port argument; a line holding a NUL byte is
//! sent and its echo printed whole, where the C stops at the NUL (`strlen`,
//! `fputs`).

use socket2::{Domain, Type};
use unp::tcp::tcpcli_args;
use unp::{servaddr_v4, str_cli, wrap};

/// The well-known port of the echo service (RFC 862).
const ECHO_PORT: u16 = 7;

fn main() {
    let (addr, port) = tcpcli_args(ECHO_PORT);
    let sockfd = wrap::socket(Domain::IPV4, Type::STREAM);
    wrap::connect(&sockfd, &servaddr_v4(&addr, port));
    str_cli(&mut std::io::stdin().lock(), &sockfd);
}
