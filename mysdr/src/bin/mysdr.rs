//! Figures 21.14-21.16 (numbers inferred), `mysdr/main.c`, `loop.c` and
//! `mysdr.h`: a receiver of SAP/SDP session announcements.
//!
//! The socket is bound to the group address and port themselves, with
//! `SO_REUSEADDR` so that several receivers on one host can share them, and
//! joined to the group on the interface named (none: the kernel chooses).
//! Bound to the group, it gets only datagrams sent to the group. For each
//! announcement `loop` prints `From <address:port> hash 0x<hash>`, checks
//! the SAP header (version 1, IPv4, not a deletion, not encrypted or
//! compressed: else a message on stderr and the next packet), skips the
//! authentication data and an `application/sdp` payload type, and prints
//! the SDP text.
//!
//! Run: `mysdr` (the group `sap.mcast.net`, port 9875: needs DNS) or
//! `mysdr 224.2.127.254 9875 eth0` on a host of `scripts/netlab`.
//!
//! Differences from the C: a datagram shorter than the SAP header is read
//! as if its missing bytes were zeros (the C reads what the buffer held
//! before); the authentication length is skipped in bytes, as the C does
//! (SAP counts it in 32-bit words). The SDP text is printed up to its first
//! NUL byte, as the C's `%s`.

use socket2::Socket;
use unp::args::{arguments, Role};
use unp::{mcast, udp, wrap, OrDie};

/// The default group's name and the SAP port.
const SAP_NAME: &str = "sap.mcast.net";
const SAP_PORT: &str = "9875";

// The SAP header's fields (Figure 21.15, `mysdr.h`).
const SAP_VERSION_MASK: u32 = 0xe000_0000;
const SAP_VERSION_SHIFT: u32 = 29;
const SAP_IPV6: u32 = 0x1000_0000;
const SAP_DELETE: u32 = 0x0400_0000;
const SAP_ENCRYPTED: u32 = 0x0200_0000;
const SAP_COMPRESSED: u32 = 0x0100_0000;
const SAP_AUTHLEN_MASK: u32 = 0x00ff_0000;
const SAP_AUTHLEN_SHIFT: u32 = 16;
const SAP_HASH_MASK: u32 = 0x0000_ffff;
/// The C's `BUFFSIZE`: the room for the announcement after the header.
const BUFFSIZE: usize = 8192;

/// Figure 21.16: receive and print announcements, for ever.
fn r#loop(sockfd: &Socket) -> ! {
    // sap_header, sap_src, then sap_data.
    let mut buf = vec![0u8; 8 + BUFFSIZE];
    loop {
        let (n, sa) = udp::recvfrom(sockfd, &mut buf[..8 + BUFFSIZE - 1]).or_die("recvfrom error");
        buf[n..].fill(0); // NUL-terminated; a short header reads zeros
        let sap_header = u32::from_be_bytes(buf[..4].try_into().expect("4 bytes"));
        unp::outln!(
            "From {} hash 0x{:04x}",
            unp::sock_ntop(&sa),
            sap_header & SAP_HASH_MASK
        );
        if ((sap_header & SAP_VERSION_MASK) >> SAP_VERSION_SHIFT) > 1 {
            unp::err_msg(format!("... version field not 1 (0x{sap_header:08x})"));
            continue;
        }
        if sap_header & SAP_IPV6 != 0 {
            unp::err_msg("... IPv6");
            continue;
        }
        if sap_header & (SAP_DELETE | SAP_ENCRYPTED | SAP_COMPRESSED) != 0 {
            unp::err_msg(format!(
                "... can't parse this packet type (0x{sap_header:08x})"
            ));
            continue;
        }
        let sap_data = &buf[8..];
        let mut p = &sap_data[((sap_header & SAP_AUTHLEN_MASK) >> SAP_AUTHLEN_SHIFT) as usize..];
        let text = |p: &[u8]| -> Vec<u8> { p.iter().copied().take_while(|&b| b != 0).collect() };
        if text(p) == b"application/sdp" {
            p = &p[16..];
        }
        let mut line = text(p);
        line.push(b'\n');
        let _ = std::io::Write::write_all(&mut std::io::stdout(), &line);
    }
}

fn main() {
    let usage = "usage: mysdr <mcast-addr> <port#> <interface-name>";
    let args = arguments(usage, Role::Client);
    let (sockfd, sa) = match args.len() {
        0 => udp::udp_client(Some(SAP_NAME), SAP_PORT),
        3 => udp::udp_client(Some(&args[0]), &args[1]),
        _ => unp::err_quit(usage),
    };
    sockfd.set_reuse_address(true).or_die("setsockopt error");
    wrap::bind(&sockfd, &sa);
    let ifname = args.get(2).map(String::as_str);
    mcast::mcast_join(&sockfd, &sa, ifname, 0).or_die("mcast_join error");
    r#loop(&sockfd); // receive and print
}
