//! rtt-udpcli01: the UDP echo client made reliable (`rtt/udpcli01.c` with
//! `rtt/dg_cli.c` and `rtt/dg_send_recv.c`, §22.5, Figures 22.6–22.8).
//!
//! Each line of stdin goes to the echo server through `dg_send_recv`
//! (sequence number, timestamp, retransmission with backoff), and the
//! reply is printed. On stderr, for each transmission, `send    1: rtt =
//! ..., srtt = ..., rttvar = ..., rto = ...`, `recv    1` for each datagram
//! read, `dg_send_recv: timeout, retransmitting`; after three
//! retransmissions without a reply (3, 6, 12 and 24 s with no RTT measured
//! yet) `dg_send_recv: no response from server, giving up`, then
//! `dg_send_recv error` and exit 1.
//!
//! Run: `udpserv01 7 &` (root, or any UDP echo server) then
//! `rtt-udpcli01 127.0.0.1`; or `udpserv01 9999 &` then
//! `rtt-udpcli01 127.0.0.1 9999`.
//!
//! Differs from the C: the optional port (the book's is 7, echo); the wait
//! for a reply is `poll` until a deadline, not `alarm` and `siglongjmp`
//! (the `rtt` crate's doc); timestamps are on the monotonic clock; a line
//! with a NUL byte is sent whole. Named `rtt-udpcli01`: udpcliserv/ has a
//! `udpcli01`.

use std::io;

use socket2::{Domain, Type};
use unp::{book_args, servaddr_v4, wrap};

fn main() {
    let (args, port) = book_args("usage: udpcli <IPaddress> [port]", 1, 7);
    let servaddr = servaddr_v4(&args[0], port);

    let sockfd = wrap::socket(Domain::IPV4, Type::DGRAM);

    rtt::dg_cli(&mut io::stdin().lock(), &sockfd, &servaddr);
}
