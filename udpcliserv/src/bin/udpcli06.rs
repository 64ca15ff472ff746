//! Figure 8.19, `udpcliserv/dgcliloop1.c` (main in `udpcli06.c`): a UDP
//! client with no flow control.
//!
//! Sends 2000 datagrams of 1400 bytes as fast as `sendto` returns and reads
//! nothing. The sender is never slowed down by the receiver: whatever does
//! not fit in the server's socket receive buffer is dropped, silently for
//! both sides. Pair it with `udpserv06` (default buffer) or `udpserv07`
//! (`SO_RCVBUF` raised) and interrupt the server to see how many arrived
//! (§8.13).
//!
//! Run: `udpserv06 [port]` in one terminal, `udpcli06 127.0.0.1 [port]` in
//! another, then Ctrl-C the server.
//!
//! Differences from the C: the optional port; the datagrams hold zeros (the
//! C sends an uninitialised buffer).

use socket2::{Domain, SockAddr, Socket, Type};
use unp::{udp, wrap};

const NDG: usize = 2000;
const DGLEN: usize = 1400;

fn dg_cli(sockfd: &Socket, pservaddr: &SockAddr) {
    let sendline = [0u8; DGLEN];
    for _ in 0..NDG {
        udp::sendto(sockfd, &sendline, pservaddr);
    }
}

fn main() {
    let (args, port) = unp::book_args("usage: udpcli <IPaddress> [port]", 1, unp::SERV_PORT);
    let servaddr = unp::servaddr_v4(&args[0], port);
    let sockfd = wrap::socket(Domain::IPV4, Type::DGRAM);
    dg_cli(&sockfd, &servaddr);
}
