//! Figure 8.7, `udpcliserv/udpcli01.c`: the UDP echo client.
//!
//! Each line of stdin goes to the server as one datagram; `dg_cli` (Figure
//! 8.8) waits for one datagram back and prints it. It has no timeout: if the
//! request or the reply is lost, or the server is not running, it blocks in
//! `recvfrom` forever (§8.6, §8.9: the ICMP port unreachable is not
//! reported on an unconnected socket; compare `udpcli04`).
//!
//! Run: `udpcli01 <IPaddress> [port]` (default 9877) against `udpserv01`.
//!
//! Differences from the C: the optional port, and a line holding a NUL
//! byte is sent whole and its reply written whole, where the C sends and
//! prints each up to the NUL (`strlen`, `fputs`).

use socket2::{Domain, Type};
use unp::wrap;

fn main() {
    let (args, port) = unp::book_args("usage: udpcli <IPaddress> [port]", 1, unp::SERV_PORT);
    let servaddr = unp::servaddr_v4(&args[0], port);
    let sockfd = wrap::socket(Domain::IPV4, Type::DGRAM);
    unp::udp::dg_cli(&mut std::io::stdin().lock(), &sockfd, &servaddr);
}
