//! tcpcli04: the echo client with five connections (Figure 5.9,
//! `tcpcliserv/tcpcli04.c`).
//!
//! Opens five connections to the server and talks over the first one only.
//! When it exits, all five are closed at the same moment, so the server's
//! five children end together and their five SIGCHLDs arrive at once: the
//! signals merge, and a handler that calls `wait` once (tcpserv02,
//! tcpserv03) leaves zombies, where the `waitpid` loop of tcpserv04 reaps
//! them all (§5.10).
//!
//! Run: `tcpserv04 &` then `tcpcli04 127.0.0.1` (port 9877), or
//! `tcpcli04 127.0.0.1 <port>`; type a line, then end of input (Ctrl-D).
//!
//! Differs from the C: the optional port argument; a line holding a NUL byte is
//! sent and its echo printed whole, where the C stops at the NUL (`strlen`,
//! `fputs`).

use socket2::{Domain, Type};
use unp::tcp::tcpcli_args;
use unp::{servaddr_v4, str_cli, wrap, SERV_PORT};

fn main() {
    let (addr, port) = tcpcli_args(SERV_PORT);
    let mut sockfd = Vec::new();
    for _ in 0..5 {
        let sock = wrap::socket(Domain::IPV4, Type::STREAM);
        wrap::connect(&sock, &servaddr_v4(&addr, port));
        sockfd.push(sock);
    }
    str_cli(&mut std::io::stdin().lock(), &sockfd[0]);
}
