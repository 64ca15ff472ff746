//! §22.2 (`recvfrom_flags`) and the `dg_echo` of `advio/dgechoaddr.c` (main
//! in `advio/udpserv01.c`): a UDP echo server that reports, for each
//! datagram, its destination address, the interface it came in on, and
//! whether it was truncated.
//!
//! `recvmsg` returns, besides the data, flags (`MSG_TRUNC` when the datagram
//! was longer than the buffer) and ancillary data asked for with socket
//! options. The buffer is only 20 bytes (`MAXLINE` is redefined), so a
//! longer datagram prints ` (datagram truncated)` and only its first 20
//! bytes are echoed. Each line reads
//! `N-byte datagram from A:P, to D, recv i/f = IF[ (datagram truncated)]`.
//!
//! Run: `advio-udpserv01 [port]` (default 9877), then
//! `advio-udpcli01 127.0.0.1 [port]` and type a line longer than 20 bytes.
//!
//! Differences from the C: the optional port. The book asks for the
//! destination with `IP_RECVDSTADDR` and the interface with `IP_RECVIF`,
//! BSD options that Linux lacks (the C, built on Linux, prints neither);
//! Linux's `IP_PKTINFO` gives both, so this prints what the book shows.
//! Linux has no `MSG_BCAST` or `MSG_MCAST` flags, so the book's
//! ` (broadcast)` and ` (multicast)` never appear.

use nix::net::if_::if_indextoname;
use nix::sys::socket::{setsockopt, sockopt, MsgFlags};
use socket2::{Domain, SockAddr, Socket, Type};
use std::net::{Ipv4Addr, SocketAddrV4};
use unp::{udp, wrap};

/// Redefined from 4096, to see datagram truncation.
const MAXLINE: usize = 20;

fn dg_echo(sockfd: &Socket) -> ! {
    if let Err(err) = setsockopt(sockfd, sockopt::Ipv4PacketInfo, &true) {
        unp::err_ret(&err.into(), "setsockopt of IP_PKTINFO");
    }
    let mut mesg = [0u8; MAXLINE];
    loop {
        let got = udp::recvfrom_flags(sockfd, &mut mesg, MsgFlags::empty())
            .unwrap_or_else(|_| unp::err_quit("recvfrom_flags error"));
        let mut line = format!(
            "{}-byte datagram from {}",
            got.len,
            unp::sock_ntop(&got.from)
        );
        if let Some(pktinfo) = got.pktinfo.filter(|p| !p.addr.is_unspecified()) {
            line += &format!(", to {}", pktinfo.addr);
        }
        if let Some(pktinfo) = got.pktinfo.filter(|p| p.ifindex > 0) {
            let ifname = if_indextoname(pktinfo.ifindex);
            let ifname = ifname
                .as_deref()
                .map_or("(null)".into(), |n| n.to_string_lossy());
            line += &format!(", recv i/f = {ifname}");
        }
        if got.flags.contains(MsgFlags::MSG_TRUNC) {
            line += " (datagram truncated)";
        }
        if got.flags.contains(MsgFlags::MSG_CTRUNC) {
            line += " (control info truncated)";
        }
        unp::outln!("{line}");
        udp::sendto(sockfd, &mesg[..got.len], &got.from);
    }
}

fn main() {
    let (_, port) = unp::book_args("usage: udpserv01 [port]", 0, unp::SERV_PORT);
    let sockfd = wrap::socket(Domain::IPV4, Type::DGRAM);
    let servaddr = SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, port); // INADDR_ANY
    wrap::bind(&sockfd, &SockAddr::from(servaddr));
    dg_echo(&sockfd);
}
