//! `sigio/udpcli01.c` with `sigio/dgcli01.c`: the UDP echo client used to
//! load the signal-driven server of §25.3, the client of Figure 8.7 again
//! (`dgcli01.c` is the library's `dg_cli`, Figure 8.8).
//!
//! One datagram per line of stdin, then it waits for the echo before
//! sending the next: one request in flight per client, so six of them at
//! once (the book's `script.1`) never fill the server's queue of 8. No
//! timeout: a lost datagram blocks it in `recvfrom` forever (§8.6).
//!
//! Run: `sigio-udpcli01 <IPaddress> [port]` (default 9877) against
//! `sigio-udpserv01`, e.g. six at once, each `< /etc/services`.
//!
//! Differences from the C: the optional port, and each echo is written
//! whole, NUL bytes included.

use socket2::{Domain, Type};
use unp::wrap;

fn main() {
    let (args, port) = unp::book_args("usage: udpcli01 <IPaddress> [port]", 1, unp::SERV_PORT);
    let servaddr = unp::servaddr_v4(&args[0], port);
    let sockfd = wrap::socket(Domain::IPV4, Type::DGRAM);
    unp::udp::dg_cli(&mut std::io::stdin().lock(), &sockfd, &servaddr);
}
