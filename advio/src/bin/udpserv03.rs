//! §22.6 (Figures 22.15 to 22.17), `advio/udpserv03.c`: a UDP echo server
//! with one socket, and one child process, per local IPv4 address.
//!
//! Binds port 9877 on every IPv4 address of every interface, on each
//! broadcast address, and on the wildcard, printing `bound A:P` for each,
//! forks a child per socket and exits. Each child prints
//! `child PID, datagram from A:P, to B:Q` for every datagram, `B:Q` being
//! the address its socket is bound to, and echoes it: a datagram sent to
//! `127.0.0.1` reaches the child bound to `127.0.0.1`, one sent to
//! `127.0.0.2` the wildcard child.
//!
//! Run: `udpserv03 [port]` (default 9877; it returns at once, the children
//! keep running: `pkill udpserv03` ends them), then
//! `advio-udpcli01 127.0.0.1 [port]`.
//!
//! Differences from the C: the optional port. The addresses come from
//! `getifaddrs(3)` where the book's `get_ifi_info` uses the `SIOCGIFCONF`
//! ioctl. The C gives the wildcard child the last interface address to
//! print as its own, so it reports a wrong `to`; here it prints the
//! wildcard. Output is flushed at each line, so the children, which
//! inherit the parent's stdio buffer in C, do not print its lines again.

use std::net::{Ipv4Addr, SocketAddrV4};

fn main() {
    let (_, port) = unp::book_args("usage: udpserv03 [port]", 0, unp::SERV_PORT);
    advio::serve_every_address(&SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, port).into());
}
