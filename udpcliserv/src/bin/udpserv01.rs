//! Figure 8.3, `udpcliserv/udpserv01.c`: the iterative UDP echo server.
//!
//! Binds the wildcard address and port 9877, then runs `dg_echo` (Figure
//! 8.4): each datagram, up to `MAXLINE` (4096) bytes, goes back to its
//! sender; a longer one is cut to 4096 bytes. One process serves every
//! client, one datagram at a time: there is no connection to fork for.
//!
//! Run: `udpserv01 [port]` (default 9877), then `udpcli01 127.0.0.1 [port]`.
//!
//! Differences from the C: the optional port argument.

use socket2::{Domain, SockAddr, Type};
use std::net::{Ipv4Addr, SocketAddrV4};
use unp::{udp, wrap};

fn main() {
    let (_, port) = unp::book_args("usage: udpserv01 [port]", 0, unp::SERV_PORT);
    let sockfd = wrap::socket(Domain::IPV4, Type::DGRAM);
    let servaddr = SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, port); // INADDR_ANY
    wrap::bind(&sockfd, &SockAddr::from(servaddr));
    udp::dg_echo(&sockfd);
}
