//! rcvbufset (`sockopt/rcvbufset.c`, a variant of `rcvbuf`): the same, but
//! first asks for a receive buffer of 9973 bytes ("a prime number") and
//! prints what the kernel kept.
//!
//! On Linux the answer is 19946: the kernel doubles the value asked for, to
//! leave room for its own bookkeeping
//! ([`socket(7)`](https://man7.org/linux/man-pages/man7/socket.7.html)),
//! where the book's BSD systems round it. The program prints what
//! `getsockopt` returns, as the C does, not what it asked for.
//!
//! Run: `rcvbufset 127.0.0.1` against a daytime server on port 13, or
//! `rcvbufset 127.0.0.1 40013`. Prints
//! `defaults: SO_RCVBUF = 131072, MSS = 536`,
//! `SO_RCVBUF = 19946 (after setting it to 9973)`, then the values after
//! connect.
//!
//! Differs from the C: the optional port argument; the address is parsed
//! first, so a bad one prints only `inet_pton error for <address>`.

use std::net::SocketAddrV4;

use socket2::{Domain, SockAddr, Type};
use unp::{book_args, inet_pton_v4_or_die, wrap, OrDie};

fn main() {
    let (args, port) = book_args("usage: rcvbufset <IPaddress> [port]", 1, 13);
    let servaddr = SocketAddrV4::new(inet_pton_v4_or_die(&args[0]), port); // daytime server
    let sockfd = wrap::socket(Domain::IPV4, Type::STREAM);

    let rcvbuf = sockfd.recv_buffer_size().or_die("getsockopt error");
    let mss = sockfd.tcp_mss().or_die("getsockopt error");
    unp::outln!("defaults: SO_RCVBUF = {rcvbuf}, MSS = {mss}");

    sockfd
        .set_recv_buffer_size(9973) // a prime number
        .or_die("setsockopt error");
    let rcvbuf = sockfd.recv_buffer_size().or_die("getsockopt error");
    unp::outln!("SO_RCVBUF = {rcvbuf} (after setting it to 9973)");

    wrap::connect(&sockfd, &SockAddr::from(servaddr));

    let rcvbuf = sockfd.recv_buffer_size().or_die("getsockopt error");
    let mss = sockfd.tcp_mss().or_die("getsockopt error");
    unp::outln!("after connect: SO_RCVBUF = {rcvbuf}, MSS = {mss}");
}
