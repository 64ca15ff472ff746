//! Figure 8.23, `udpcliserv/udpcli09.c`: connect a UDP socket and print the
//! local address the kernel chose.
//!
//! `connect` on a UDP socket sends nothing, but it makes the kernel pick the
//! outgoing interface for the destination, and with it the local IP
//! address, plus an ephemeral port. `getsockname` then shows them
//! (`local address 127.0.0.1:P` for a loopback destination): the way to
//! learn the source address a datagram to a given host would carry (§8.14).
//!
//! Run: `udpcli09 <IPaddress> [port]` (default 9877); no server is needed.
//!
//! Differences from the C: the optional port.

use socket2::{Domain, Type};
use unp::wrap;

fn main() {
    let (args, port) = unp::book_args("usage: udpcli <IPaddress> [port]", 1, unp::SERV_PORT);
    let sockfd = wrap::socket(Domain::IPV4, Type::DGRAM);
    let servaddr = unp::servaddr_v4(&args[0], port);
    wrap::connect(&sockfd, &servaddr);
    let cliaddr = wrap::getsockname(&sockfd);
    unp::outln!("local address {}", unp::sock_ntop(&cliaddr));
}
