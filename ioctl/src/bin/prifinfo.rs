//! prifinfo: print every interface that `get_ifi_info` returns (Figure
//! 17.6, `ioctl/prifinfo.c`).
//!
//! For each address: `name: (index) <UP BCAST MCAST LOOP P2P >` (the flags
//! the interface has), the hardware address as hex bytes joined by `:`,
//! `  MTU: n`, `  IP addr: a`, and `  broadcast addr: b` or
//! `  destination addr: d` where the interface has one. `doaliases` 0
//! prints only each interface's first address.
//!
//! Run: `prifinfo inet4 1`, `prifinfo inet6 0`.
//!
//! Differs from the C: on Linux the C listed only some interfaces (its
//! `SIOCGIFCONF` stride), no index or hardware address, no MTU for lo
//! (65536 in a `short`), and no IPv6 at all (`get_ifi_info error`);
//! [`unp::ifi`] says how each is right here. A `<doaliases>` that is not a
//! number is a usage error (`atoi` read it as 0).

use nix::net::if_::InterfaceFlags;
use socket2::Domain;
use unp::args::{arguments, Role};
use unp::ifi::get_ifi_info_or_die;
use unp::{err_quit, out, outln, sock_ntop_host};

const USAGE: &str = "usage: prifinfo <inet4|inet6> <doaliases>";

fn main() {
    let args = arguments(USAGE, Role::Client);
    if args.len() != 2 {
        err_quit(USAGE);
    }
    let family = match args[0].as_str() {
        "inet4" => Domain::IPV4,
        "inet6" => Domain::IPV6,
        _ => err_quit("invalid <address-family>"),
    };
    let doaliases = args[1].parse::<i32>().unwrap_or_else(|_| err_quit(USAGE)) != 0;

    for ifi in get_ifi_info_or_die(family, doaliases) {
        out!("{}: ", ifi.name);
        if ifi.index != 0 {
            out!("({}) ", ifi.index);
        }
        out!("<");
        for (flag, text) in [
            (InterfaceFlags::IFF_UP, "UP "),
            (InterfaceFlags::IFF_BROADCAST, "BCAST "),
            (InterfaceFlags::IFF_MULTICAST, "MCAST "),
            (InterfaceFlags::IFF_LOOPBACK, "LOOP "),
            (InterfaceFlags::IFF_POINTOPOINT, "P2P "),
        ] {
            if ifi.flags.contains(flag) {
                out!("{text}");
            }
        }
        outln!(">");

        if !ifi.haddr.is_empty() {
            let bytes: Vec<String> = ifi.haddr.iter().map(|b| format!("{b:x}")).collect();
            outln!("  {}", bytes.join(":"));
        }
        if ifi.mtu != 0 {
            outln!("  MTU: {}", ifi.mtu);
        }

        outln!("  IP addr: {}", sock_ntop_host(&ifi.addr));
        if let Some(sa) = &ifi.brdaddr {
            outln!("  broadcast addr: {}", sock_ntop_host(sa));
        }
        if let Some(sa) = &ifi.dstaddr {
            outln!("  destination addr: {}", sock_ntop_host(sa));
        }
    }
}
