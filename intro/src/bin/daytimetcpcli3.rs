//! Exercise 4.2, `intro/daytimetcpcli3.c`: the daytime client of Figure 1.5
//! that prints its own address.
//!
//! After `connect` the kernel has chosen the client's address and ephemeral
//! port; `getsockname` returns them: `local addr: 127.0.0.1:54321`.
//!
//! Run: `daytimetcpcli3 127.0.0.1 [port]` (default port 13).
//!
//! Differences from the C: the optional port argument.

use std::net::SocketAddrV4;

use socket2::{Domain, SockAddr, Type};
use unp::wrap;

fn main() {
    let (args, port) = unp::book_args("usage: a.out <IPaddress> [port]", 1, 13);
    let sockfd = wrap::socket(Domain::IPV4, Type::STREAM);
    let addr = unp::inet_pton_v4_or_die(&args[0]);
    wrap::connect(&sockfd, &SockAddr::from(SocketAddrV4::new(addr, port)));
    let cliaddr = wrap::getsockname(&sockfd);
    unp::outln!("local addr: {}", unp::sock_ntop(&cliaddr));
    intro::copy_until_eof(&sockfd);
}
