//! Figure 1.5, `intro/daytimetcpcli.c`: a TCP daytime client.
//!
//! Connects to the daytime server at `<IPaddress>` (port 13, RFC 867) and
//! copies what it sends to stdout until it closes the connection.
//!
//! Run: `daytimetcpcli 127.0.0.1` against a daytime server on port 13, or
//! `daytimetcpcli 127.0.0.1 40013` against `daytimetcpsrv 40013`.
//!
//! Differences from the C: the optional port argument (the project's port
//! convention), and the address is parsed as the book's own `inet_pton`
//! does (leading zeros allowed).

use std::net::SocketAddrV4;

use socket2::{Domain, SockAddr, Type};
use unp::wrap;

fn main() {
    let (args, port) = unp::book_args("usage: a.out <IPaddress> [port]", 1, 13);
    let sockfd = wrap::socket(Domain::IPV4, Type::STREAM);
    let addr = unp::inet_pton_v4_or_die(&args[0]);
    wrap::connect(&sockfd, &SockAddr::from(SocketAddrV4::new(addr, port)));
    intro::copy_until_eof(&sockfd);
}
