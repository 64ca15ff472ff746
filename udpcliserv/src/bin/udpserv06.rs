//! Figure 8.20, `udpcliserv/dgecholoop1.c` (main in `udpserv06.c`): a UDP
//! server that counts the datagrams it receives.
//!
//! It echoes nothing: it reads datagrams and counts them until SIGINT, then
//! prints `received N datagrams` and exits. Against the 2000-datagram burst
//! of `udpcli06`, N shows how many were lost because the socket receive
//! buffer was full while the server was not reading fast enough (§8.13).
//! `udpserv07` is the same with a larger buffer.
//!
//! Run: `udpserv06 [port]` (default 9877), `udpcli06 127.0.0.1 [port]`, then
//! Ctrl-C.
//!
//! Differences from the C: the optional port; the SIGINT handler prints with
//! `write(2)` and ends with `_exit`, where the C calls `printf` and `exit`,
//! which are not async-signal-safe.

use socket2::{Domain, SockAddr, Type};
use std::net::{Ipv4Addr, SocketAddrV4};
use unp::wrap;

fn main() {
    let (_, port) = unp::book_args("usage: udpserv06 [port]", 0, unp::SERV_PORT);
    let sockfd = wrap::socket(Domain::IPV4, Type::DGRAM);
    let servaddr = SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, port); // INADDR_ANY
    wrap::bind(&sockfd, &SockAddr::from(servaddr));
    udpcliserv::dg_echo_count(&sockfd);
}
