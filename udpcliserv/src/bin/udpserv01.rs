//! Figure 8.3, `udpcliserv/udpserv01.c`: the iterative UDP echo server.
//!
//! Binds the wildcard address and port 9877, then runs `dg_echo` (Figure
//! 8.4): each datagram, up to `MAXLINE` (4096) bytes, goes back to its
//! sender; a longer one is cut to 4096 bytes. One process serves every
//! client, one datagram at a time: there is no connection to fork for.
//!
//! Run: `udpserv01 [port]` (default 9877), then `udpcli01 127.0.0.1 [port]`.

use socket2::Domain;
use unp::udp;

fn main() {
    let (_, port) = unp::book_args("usage: udpserv01 [port]", 0, unp::SERV_PORT);
    let sockfd = udp::bind_any(Domain::IPV4, port);
    udp::dg_echo(&sockfd);
}
