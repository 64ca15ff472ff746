//! tcpcli10: the echo client that resets its connection at exit
//! (`tcpcliserv/tcpcli10.c`, a test program with no figure; `SO_LINGER` is
//! §7.5).
//!
//! Works as tcpcli01, then sets `SO_LINGER` with a linger time of 0 before
//! it exits, so closing the socket sends an RST instead of a FIN. The
//! server's child (or the select or poll server) sees `ECONNRESET`: a
//! forking server's child dies with `str_echo: read error: Connection reset
//! by peer`, and every server goes on serving its other clients.
//!
//! Run: `tcpserv04 &` then `tcpcli10 127.0.0.1` (port 9877), or
//! `tcpcli10 127.0.0.1 <port>`.
//!
//! Differs from the C: the optional port argument; a line holding a NUL byte is
//! sent and its echo printed whole, where the C stops at the NUL (`strlen`,
//! `fputs`).

use std::time::Duration;

use socket2::{Domain, Type};
use unp::tcp::tcpcli_args;
use unp::{servaddr_v4, str_cli, wrap, OrDie, SERV_PORT};

fn main() {
    let (addr, port) = tcpcli_args(SERV_PORT);
    let sockfd = wrap::socket(Domain::IPV4, Type::STREAM);
    wrap::connect(&sockfd, &servaddr_v4(&addr, port));
    str_cli(&mut std::io::stdin().lock(), &sockfd);

    sockfd
        .set_linger(Some(Duration::ZERO))
        .or_die("setsockopt error");
}
