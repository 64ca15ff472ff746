//! rcvbuf (`sockopt/rcvbuf.c`, §7.5's "SO_RCVBUF and SO_SNDBUF" and
//! "TCP_MAXSEG"): a TCP socket's receive buffer and MSS before and after it
//! connects to a daytime server.
//!
//! Before the connection the MSS is the default of RFC 1122, 536; after the
//! handshake it is what the two ends agreed on (over loopback, with its
//! 65536-byte MTU, tens of thousands of bytes). That is why the book sets
//! the buffer sizes before `connect` (or before `listen`): the window scale
//! is chosen during the handshake.
//!
//! Run: `rcvbuf 127.0.0.1` against a daytime server on port 13, or
//! `rcvbuf 127.0.0.1 40013` against `daytimetcpsrv 40013`. Prints
//! `defaults: SO_RCVBUF = 131072, MSS = 536` then
//! `after connect: SO_RCVBUF = ..., MSS = ...`.
//!
//! Differs from the C: the optional port argument; the address is parsed
//! first, so a bad one prints only `inet_pton error for <address>`.

use std::net::SocketAddrV4;

use socket2::{Domain, SockAddr, Type};
use unp::{book_args, inet_pton_v4_or_die, wrap, OrDie};

fn main() {
    let (args, port) = book_args("usage: rcvbuf <IPaddress> [port]", 1, 13);
    let servaddr = SocketAddrV4::new(inet_pton_v4_or_die(&args[0]), port); // daytime server
    let sockfd = wrap::socket(Domain::IPV4, Type::STREAM);

    let rcvbuf = sockfd.recv_buffer_size().or_die("getsockopt error");
    let mss = sockfd.tcp_mss().or_die("getsockopt error");
    unp::outln!("defaults: SO_RCVBUF = {rcvbuf}, MSS = {mss}");

    wrap::connect(&sockfd, &SockAddr::from(servaddr));

    let rcvbuf = sockfd.recv_buffer_size().or_die("getsockopt error");
    let mss = sockfd.tcp_mss().or_die("getsockopt error");
    unp::outln!("after connect: SO_RCVBUF = {rcvbuf}, MSS = {mss}");
}
