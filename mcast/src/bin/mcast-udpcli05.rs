//! `mcast/udpcli05.c` with `mcast/dgclimcast5.c` (not a figure): one line
//! to a group's daytime port, every member's reply for 5 seconds.
//!
//! The `sigsetjmp`/`siglongjmp` client of Figure 20.8 without
//! `SO_BROADCAST` ([`mcast::dg_cli`]: the handler makes the socket
//! nonblocking instead of jumping). Aimed at 224.0.0.1, it gets a reply
//! from every host of the subnet that runs a UDP daytime server: every
//! Linux host is a member of that group.
//!
//! Run: `mcast-udpcli05 224.0.0.1 [port]` (default 13) on host A of
//! `scripts/netlab`.
//!
//! Differences from the C: the jump (see [`mcast::dg_cli`]); the optional
//! port; a reply is printed whole.

use socket2::{Domain, Type};
use unp::wrap;

fn main() {
    let (args, port) = unp::book_args("usage: udpcli05 <IPaddress> [port]", 1, 13);
    let servaddr = unp::servaddr_v4(&args[0], port);
    let sockfd = wrap::socket(Domain::IPV4, Type::DGRAM);
    mcast::dg_cli(&mut std::io::stdin().lock(), &sockfd, &servaddr);
}
