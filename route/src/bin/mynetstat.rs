//! `route/mynetstat.c` (§18.4–18.5): the routing table and the interface
//! list, as `netstat -r` and `netstat -i` would show them.
//!
//! BSD: `sysctl(NET_RT_DUMP)` gives one `RTM_GET` message per route, each
//! printed as `dest: D, gateway: G`; `sysctl(NET_RT_IFLIST)` gives an
//! `RTM_IFINFO` per interface (name, flags, link address in its
//! `sockaddr_dl`) followed by an `RTM_NEWADDR` per address.
//!
//! Linux (here): rtnetlink dumps. `RTM_GETROUTE` for the routes of the main
//! table (those `ip route` lists; the local and broadcast routes Linux
//! keeps in its `local` table are left out, where BSD's dump has its host
//! routes); a route with no destination attribute is the default
//! (`0.0.0.0` or `::`); a directly connected network has no gateway (BSD
//! prints the interface's link address). Then `RTM_GETLINK` and
//! `RTM_GETADDR`: each interface that is up, `interface: NAME (index N):
//! <UP BCAST MCAST LOOP P2P >` (the book's `sock_ntop` of a `sockaddr_dl`),
//! its link address when it has one (loopback's is all zeros, left out),
//! then `  IP addr: A` and `  bcast addr: B` for each address of the
//! family.
//!
//! Run: `mynetstat <inet4|inet6|all>`.
//!
//! Differs from the C: the routes and interfaces come from rtnetlink dumps,
//! not `sysctl(NET_RT_DUMP/NET_RT_IFLIST)` (Linux has neither); the main
//! table only, and no link address for a directly connected network.

use route::{
    address, attr, dump, rtattrs, IFA_ADDRESS, IFA_BROADCAST, IFA_LOCAL, IFLA_ADDRESS, IFLA_IFNAME,
    RTA_DST, RTA_GATEWAY, RTA_TABLE, RTM_GETADDR, RTM_GETLINK, RTM_GETROUTE, RT_TABLE_MAIN,
};
use socket2::Socket;
use unp::args::{arguments, Role};
use unp::{err_quit, out, outln, OrDie};

const USAGE: &str = "usage: mynetstat <inet4|inet6|all>";
const RTMSG_LEN: usize = 12;
const IFINFOMSG_LEN: usize = 16;
const IFADDRMSG_LEN: usize = 8;

fn main() {
    let args = arguments(USAGE, Role::Client);
    let [family] = args.as_slice() else {
        err_quit(USAGE)
    };
    let family = match family.as_str() {
        "inet4" => libc::AF_INET,
        "inet6" => libc::AF_INET6,
        "all" => libc::AF_UNSPEC,
        _ => err_quit("invalid <address-family>"),
    } as u8;
    let sock = route::rtnetlink_socket().or_die("socket error");
    pr_rtable(&sock, family);
    pr_iflist(&sock, family);
}

/// `pr_rtable`: every route of the main table.
fn pr_rtable(sock: &Socket, family: u8) {
    let mut rtm = [0u8; RTMSG_LEN];
    rtm[0] = family;
    let routes = dump(sock, RTM_GETROUTE, 1, &rtm).or_die("net_rt_dump error");
    for msg in routes {
        let attrs = rtattrs(&msg.payload, RTMSG_LEN);
        let table = attr(&attrs, RTA_TABLE)
            .and_then(|t| t.try_into().ok())
            .map_or(msg.payload[4].into(), u32::from_ne_bytes);
        if table != u32::from(RT_TABLE_MAIN) {
            continue;
        }
        let default = match i32::from(msg.payload[0]) {
            libc::AF_INET => "0.0.0.0",
            _ => "::",
        };
        let dest = attr(&attrs, RTA_DST).and_then(address);
        out!("dest: {}", dest.as_deref().unwrap_or(default));
        if let Some(gateway) = attr(&attrs, RTA_GATEWAY).and_then(address) {
            out!(", gateway: {gateway}");
        }
        outln!();
    }
}

/// `pr_iflist`: each interface that is up, its link address, its
/// addresses.
fn pr_iflist(sock: &Socket, family: u8) {
    let links = dump(sock, RTM_GETLINK, 2, &[0u8; IFINFOMSG_LEN]).or_die("net_rt_iflist error");
    let mut ifaddrmsg = [0u8; IFADDRMSG_LEN];
    ifaddrmsg[0] = family;
    let addrs = dump(sock, RTM_GETADDR, 3, &ifaddrmsg).or_die("net_rt_iflist error");
    for link in links {
        let ifi = &link.payload;
        let index = u32::from_ne_bytes(ifi[4..8].try_into().unwrap_or_default());
        let flags = u32::from_ne_bytes(ifi[8..12].try_into().unwrap_or_default()) as i32;
        if flags & libc::IFF_UP == 0 {
            continue;
        }
        let attrs = rtattrs(ifi, IFINFOMSG_LEN);
        let name = attr(&attrs, IFLA_IFNAME).unwrap_or_default();
        let name = String::from_utf8_lossy(name.split(|&b| b == 0).next().unwrap_or_default());
        out!("interface: {name} (index {index}): <");
        for (flag, text) in [
            (libc::IFF_UP, "UP "),
            (libc::IFF_BROADCAST, "BCAST "),
            (libc::IFF_MULTICAST, "MCAST "),
            (libc::IFF_LOOPBACK, "LOOP "),
            (libc::IFF_POINTOPOINT, "P2P "),
        ] {
            if flags & flag != 0 {
                out!("{text}");
            }
        }
        outln!(">");
        if let Some(mac) =
            attr(&attrs, IFLA_ADDRESS).filter(|m| m.len() == 6 && m.iter().any(|&b| b != 0))
        {
            outln!(
                "  {:x}:{:x}:{:x}:{:x}:{:x}:{:x}",
                mac[0],
                mac[1],
                mac[2],
                mac[3],
                mac[4],
                mac[5]
            );
        }
        for addr in addrs
            .iter()
            .filter(|a| a.payload.get(4..8) == Some(&ifi[4..8]))
        {
            let attrs = rtattrs(&addr.payload, IFADDRMSG_LEN);
            let local = attr(&attrs, IFA_LOCAL).or_else(|| attr(&attrs, IFA_ADDRESS));
            if let Some(ip) = local.and_then(address) {
                outln!("  IP addr: {ip}");
            }
            if flags & libc::IFF_BROADCAST != 0 {
                if let Some(brd) = attr(&attrs, IFA_BROADCAST).and_then(address) {
                    outln!("  bcast addr: {brd}");
                }
            }
        }
    }
}
