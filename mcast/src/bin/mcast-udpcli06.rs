//! `mcast/udpcli06.c` with `mcast/dgclimcast6.c` (not a figure; "try to
//! bind the multicast address and send"): the socket bound to the group.
//!
//! `udp_client(<IPaddress>, "daytime")`, then the socket is bound to that
//! same group address with port 0, then [`mcast::dg_cli`]. Linux sends the
//! datagram from the interface's address, and the members answer it, but
//! the replies are unicast to that interface address: they do not match
//! the socket's bound address (the group), so the socket never gets them.
//! The program prints nothing and ends after 5 seconds: binding a group
//! address filters out everything but the group's own datagrams.
//!
//! Run: `mcast-udpcli06 224.0.0.1 [port]` (default: the `daytime` service)
//! on host A of `scripts/netlab`.
//!
//! Differences from the C: the optional port, given as the service (the C
//! always asks for `daytime`).

use unp::{udp, wrap};

fn main() {
    let (args, port) = unp::book_args("usage: udpcli06 <IPaddress> [port]", 1, 13);
    let serv = if port == 13 {
        "daytime".to_owned()
    } else {
        port.to_string()
    };
    let (sockfd, serv) = udp::udp_client(Some(&args[0]), &serv);
    let cli = udp::sock_set_port(&serv, 0);
    wrap::bind(&sockfd, &cli);
    mcast::dg_cli(&mut std::io::stdin().lock(), &sockfd, &serv);
}
