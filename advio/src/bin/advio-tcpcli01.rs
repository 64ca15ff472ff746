//! `advio/tcpcli01.c`, using Figure 14.1's `connect_timeo`: the chapter 5
//! echo client with a 10-second bound on its `connect`.
//!
//! `connect_timeo` sets `alarm(10)` around the `connect`; when the
//! handshake has not finished by then, `SIGALRM` interrupts it and the
//! client dies with `connect_timeo error: Connection timed out`, instead of
//! waiting out the kernel's own limit (over a minute of SYN retries). Once
//! connected it runs `str_cli`, the stop-and-wait client of Figure 5.5.
//!
//! Run: `advio-tcpcli01 <IPaddress> [port]` (default 7, the echo service),
//! e.g. against `tcpserv01 [port]`.
//!
//! Differences from the C: the optional port; `connect_timeo` takes the
//! socket and gives it back connected, or drops (closes) it on failure, as
//! the C closes the descriptor; a line holding a NUL byte is sent
//! and its echo printed whole, where the C stops at the NUL (`strlen`,
//! `fputs`).

use socket2::{Domain, Type};
use unp::tcp::tcpcli_args;
use unp::{servaddr_v4, timeo, wrap, OrDie};

fn main() {
    let (addr, port) = tcpcli_args(7);
    let sockfd = wrap::socket(Domain::IPV4, Type::STREAM);
    let servaddr = servaddr_v4(&addr, port);
    let sockfd = timeo::connect_timeo(sockfd, &servaddr, 10).or_die("connect_timeo error");
    unp::str_cli(&mut std::io::stdin().lock(), &sockfd);
}
