//! `udpcliserv/dgcliloop3.c` (main in `udpcli08.c`), not in the book: the
//! author's attempt to make `sendto` fail with `ENOBUFS`.
//!
//! Shrinks `SO_SNDBUF` to 100 KiB and sends 2000 datagrams of the largest
//! size UDP over IPv4 allows (65507 bytes) to the discard service. The C's
//! comment says the error never came, and on Linux it does not either: when
//! the send buffer is full, `sendto` on a blocking UDP socket sleeps until
//! there is room (see `SO_SNDBUF` in socket(7)), so it prints nothing and
//! exits 0. The datagrams the receiver has no room for are dropped there.
//!
//! Run: `udpcli08 <IPaddress> [port]` (default 9, the discard service).
//!
//! Differences from the C: the optional port; the datagrams hold zeros (the
//! C sends an uninitialised buffer).

use socket2::{Domain, SockAddr, Socket, Type};
use unp::{udp, wrap, OrDie};

const NDG: usize = 2000;
const DGLEN: usize = 65507;

fn dg_cli(sockfd: &Socket, pservaddr: &SockAddr) {
    let sendline = vec![0u8; DGLEN];
    sockfd
        .set_send_buffer_size(100 * 1024)
        .or_die("setsockopt error");
    for _ in 0..NDG {
        udp::sendto(sockfd, &sendline, pservaddr);
    }
}

fn main() {
    let (args, port) = unp::book_args("usage: udpcli <IPaddress> [port]", 1, 9);
    let servaddr = unp::servaddr_v4(&args[0], port);
    let sockfd = wrap::socket(Domain::IPV4, Type::DGRAM);
    dg_cli(&sockfd, &servaddr);
}
