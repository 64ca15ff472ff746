//! prmac: the hardware address of each IPv4 interface (Figure 17.16,
//! `ioctl/prmac.c`).
//!
//! For each interface's first IPv4 address it prints `addr: ` and the
//! hardware address as six hex bytes joined by `:`; a failed ioctl prints
//! its error and goes on to the next interface.
//!
//! Run: `prmac`.
//!
//! Differs from the C: the C asks the ARP cache (`SIOCGARP`) for the
//! address's entry; Linux's ARP cache never holds the host's own
//! addresses, so the C printed `ioctl SIOCGARP: No such device or address`
//! for every one. The question, this address's hardware address, is
//! asked here of the interface itself with `SIOCGIFHWADDR` (lo's is
//! `0:0:0:0:0:0`). Extra arguments print a usage line.

use socket2::{Domain, Type};
use unp::args::{arguments, Role};
use unp::ifi::{get_ifi_info, siocgifhwaddr};
use unp::{err_quit, err_ret, out, outln, sock_ntop, wrap, OrDie};

fn main() {
    if !arguments("usage: prmac", Role::Client).is_empty() {
        err_quit("usage: prmac");
    }
    let sockfd = wrap::socket(Domain::IPV4, Type::DGRAM);
    for ifi in get_ifi_info(Domain::IPV4, false).or_die("ioctl error") {
        out!("{}: ", sock_ntop(&ifi.addr));

        let mac = match siocgifhwaddr(&sockfd, &ifi.name) {
            Ok((_, mac)) => mac,
            Err(err) => {
                err_ret(&err, "ioctl SIOCGIFHWADDR");
                continue;
            }
        };
        let [a, b, c, d, e, f] = mac;
        outln!("{a:x}:{b:x}:{c:x}:{d:x}:{e:x}:{f:x}");
    }
}
