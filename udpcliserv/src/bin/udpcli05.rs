//! `udpcliserv/udpcli05.c` (not in the book, and not compilable in the C:
//! `cliaddr` is never declared): the UDP echo client that binds its socket
//! to port 0 before sending.
//!
//! A UDP client normally never calls `bind`: the kernel picks an ephemeral
//! port at the first `sendto`. Binding the wildcard address and port 0 asks
//! for that choice at once, so the port is known before anything is sent.
//! This version prints it (`local address 0.0.0.0:P`, as `udpcli09` prints
//! its own) to make the assignment visible, then runs the usual `dg_cli`.
//!
//! Run: `udpcli05 <IPaddress> [port]` (default 9877) against `udpserv01`.
//!
//! Differences from the C: it compiles; the `local address` line is new;
//! a line holding a NUL byte is sent and its reply printed whole, where the
//! C stops at the NUL (`strlen`, `fputs`).

use std::net::{Ipv4Addr, SocketAddrV4};

use socket2::{Domain, Type};
use unp::wrap;

fn main() {
    let (args, port) = unp::book_args("usage: udpcli <IPaddress> [port]", 1, unp::SERV_PORT);
    let servaddr = unp::servaddr_v4(&args[0], port);
    let sockfd = wrap::socket(Domain::IPV4, Type::DGRAM);
    let cliaddr = SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, 0);
    wrap::bind(&sockfd, &cliaddr.into());
    unp::outln!(
        "local address {}",
        unp::sock_ntop(&wrap::getsockname(&sockfd))
    );
    unp::udp::dg_cli(&mut std::io::stdin().lock(), &sockfd, &servaddr);
}
