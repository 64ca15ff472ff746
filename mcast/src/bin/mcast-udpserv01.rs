//! `mcast/udpserv01.c` (not a figure): the UDP echo server of chapter 8,
//! also a member of the group 224.0.0.1.
//!
//! It binds the wildcard address and port 9877, joins 224.0.0.1 on the
//! interface the kernel chooses (ignoring the outcome, as the C does), and
//! echoes every datagram (`dg_echo`): a datagram sent to the group reaches
//! every such server on the subnet, and each answers its sender by unicast.
//!
//! Run: `mcast-udpserv01 [port]` (default 9877) on hosts B and C of
//! `scripts/netlab`, then `echo hi | mcast-udpcli01 224.0.0.1` on A.
//!
//! Differences from the C: the optional port. On Linux every host is a
//! member of 224.0.0.1 anyway: the join changes nothing there.

use socket2::{Domain, SockAddr, Type};
use std::net::{Ipv4Addr, SocketAddr};
use unp::{mcast, udp, wrap};

fn main() {
    let (_, port) = unp::book_args("usage: udpserv01 [port]", 0, unp::SERV_PORT);
    let sockfd = wrap::socket(Domain::IPV4, Type::DGRAM);
    let servaddr = SockAddr::from(SocketAddr::from((Ipv4Addr::UNSPECIFIED, port)));
    wrap::bind(&sockfd, &servaddr);
    let grpaddr = SockAddr::from(SocketAddr::from((Ipv4Addr::new(224, 0, 0, 1), 0)));
    let _ = mcast::mcast_join(&sockfd, &grpaddr, None, 0);
    udp::dg_echo(&sockfd);
}
