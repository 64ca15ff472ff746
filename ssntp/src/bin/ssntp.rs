//! Figures 21.20-21.22 (numbers inferred), `ssntp/ntp.h`, `main.c` and
//! `sntp_proc.c`: a simple SNTP client that only listens.
//!
//! `udp_client(<IPaddress>, "ntp")` gives the family and port 123; the
//! socket is bound to the wildcard address on that port, so it receives
//! NTP broadcasts (to a subnet's broadcast address) and, once it has joined
//! the group `<IPaddress>` on every multicast interface (`get_ifi_info`),
//! multicast NTP: `joined <group>:123 on <interface>` for each. Then, for
//! every packet, `sntp_proc` prints the version, mode and stratum and, for
//! a server's packet, the difference between this host's clock and the
//! packet's transmit timestamp: `v4, mode 5, strat 2, clock difference =
//! 500169 usec` after an empty line.
//!
//! Run (as root: port 123): `ssntp 224.0.1.1` or `ssntp 10.0.1.255` on a
//! host of `scripts/netlab`, with an NTP server broadcasting there (the
//! tests run Debian's `chronyd` with `broadcast 1 10.0.1.255`).
//!
//! Differences from the C: the optional port (instead of `ntp`); each
//! interface is joined once, not once per address (with aliases, the C's
//! second join on an interface dies with `mcast_join error: Address already
//! in use`); `get_ifi_info` sees every interface (the C's, on Linux, only
//! the first `SIOCGIFCONF` entry: CATALOG-2 §0.2), and a group is joined
//! only when `<IPaddress>` is one, and any other address than a group or a
//! broadcast address of this host is refused (`ssntp: X is neither a
//! multicast group nor a broadcast address of this host`, exit 1) where the
//! C would wait for ever for packets that cannot come. The difference is computed in 32 bits
//! and printed signed, as the C's (it wraps beyond about 35 minutes).

use nix::net::if_::InterfaceFlags;
use nix::sys::time::TimeValLike;
use nix::time::{clock_gettime, ClockId};
use socket2::{Domain, Socket};
use std::net::Ipv4Addr;
use unp::{ifi, mcast, udp, wrap, OrDie, MAXLINE};

/// Seconds from 1900 (NTP's epoch) to 1970 (Unix's).
const JAN_1970: u32 = 2_208_988_800;
const VERSION_MASK: u8 = 0x38;
const MODE_MASK: u8 = 0x07;
const MODE_CLIENT: u8 = 3;
/// `sizeof(struct ntpdata)`: status, stratum, ppoll, precision, distance,
/// dispersion, refid, then the reference, originate, receive and transmit
/// timestamps (64-bit fixed point each).
const NTPDATA_LEN: usize = 48;
/// The offset of the transmit timestamp (`xmt`) in it.
const XMT: usize = 40;

/// Figure 21.22: print what the packet `buf` says, `now` being when it
/// arrived (seconds and microseconds since 1970).
fn sntp_proc(buf: &[u8], now: (i64, i64)) {
    if buf.len() < NTPDATA_LEN {
        unp::outln!("\npacket too small: {} bytes", buf.len());
        return;
    }
    let version = (buf[0] & VERSION_MASK) >> 3;
    let mode = buf[0] & MODE_MASK;
    unp::out!("\nv{version}, mode {mode}, strat {}, ", buf[1]);
    if mode == MODE_CLIENT {
        unp::outln!("client");
        return;
    }
    let word = |at: usize| u32::from_be_bytes(buf[at..at + 4].try_into().expect("4 bytes"));
    let nsec = word(XMT).wrapping_sub(JAN_1970);
    let fraction = f64::from(word(XMT + 4)) / 4_294_967_296.0; // [0, 1.0)
    let useci = (fraction * 1_000_000.0) as i64;
    let (mut diff_sec, mut diff_usec) = (now.0 - i64::from(nsec), now.1 - useci);
    if diff_usec < 0 {
        diff_usec += 1_000_000;
        diff_sec -= 1;
    }
    // The C's 32-bit arithmetic, printed with %d.
    let difference = (diff_sec * 1_000_000 + diff_usec) as i32;
    unp::outln!("clock difference = {difference} usec");
}

fn main() {
    let (args, port) = unp::book_args("usage: ssntp <IPaddress> [port]", 1, 123);
    let serv = if port == 123 {
        "ntp".to_owned()
    } else {
        port.to_string()
    };
    let (sockfd, mcastsa): (Socket, _) = udp::udp_client(Some(&args[0]), &serv);
    let family = if mcastsa.is_ipv6() {
        Domain::IPV6
    } else {
        Domain::IPV4
    };
    let interfaces = ifi::get_ifi_info_or_die(family, true);
    let ip = mcastsa.as_socket().map(|sa| sa.ip());
    let is_group = ip.is_some_and(|ip| ip.is_multicast());
    let is_broadcast = ip == Some(Ipv4Addr::BROADCAST.into())
        || interfaces.iter().any(|ifi| {
            ifi.brdaddr
                .as_ref()
                .and_then(|b| b.as_socket())
                .map(|b| b.ip())
                == ip
        });
    if !is_group && !is_broadcast {
        unp::err_quit(format!(
            "ssntp: {} is neither a multicast group nor a broadcast address of this host",
            args[0]
        ));
    }
    let wild = udp::sock_set_wild(&mcastsa);
    wrap::bind(&sockfd, &wild); // bind the wildcard address

    // Join the group on each multicast interface.
    for ifi in interfaces {
        let multicast = ifi.flags.contains(InterfaceFlags::IFF_MULTICAST);
        if multicast && is_group && !ifi.alias {
            mcast::mcast_join(&sockfd, &mcastsa, Some(&ifi.name), 0).or_die("mcast_join error");
            unp::outln!("joined {} on {}", unp::sock_ntop(&mcastsa), ifi.name);
        }
    }

    let mut buf = [0u8; MAXLINE];
    loop {
        let (n, _from) = udp::recvfrom(&sockfd, &mut buf).or_die("recvfrom error");
        let now = clock_gettime(ClockId::CLOCK_REALTIME).or_die("gettimeofday error");
        sntp_proc(
            &buf[..n],
            (now.tv_sec(), now.num_microseconds() % 1_000_000),
        );
    }
}
