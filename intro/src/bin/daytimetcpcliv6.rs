//! Figure 1.6, `intro/daytimetcpcliv6.c`: the daytime client of Figure 1.5
//! for IPv6.
//!
//! Only the address family, the address structure and the parsing of the
//! address change: the rest of the program is the same.
//!
//! Run: `daytimetcpcliv6 ::1 [port]` (default port 13), against
//! `daytimetcpsrvv6`.
//!
//! Differences from the C: the optional port argument.

use std::net::SocketAddrV6;

use socket2::{Domain, SockAddr, Type};
use unp::wrap;

fn main() {
    let (args, port) = unp::book_args("usage: a.out <IPaddress> [port]", 1, 13);
    let sockfd = wrap::socket(Domain::IPV6, Type::STREAM);
    let addr = unp::inet_pton_v6_or_die(&args[0]);
    wrap::connect(
        &sockfd,
        &SockAddr::from(SocketAddrV6::new(addr, port, 0, 0)),
    );
    intro::copy_until_eof(&sockfd);
}
