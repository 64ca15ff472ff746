//! Figures 18.6–18.7, `route/getrt.c`: the route to an IPv4 address.
//!
//! BSD: write an `RTM_GET` message (sequence 9999, our pid) with the
//! destination as `RTA_DST` on a routing socket, read until the reply with
//! that type, sequence and pid comes back, and print the socket addresses
//! it carries: destination, gateway, netmask, genmask.
//!
//! Linux (here): the same request and wait on an rtnetlink socket:
//! `RTM_GETROUTE` with `RTA_DST` and `RTM_F_FIB_MATCH`, so that the reply is
//! the routing-table entry the destination matched (BSD's answer), not the
//! resolved host route `ip route get` prints. The entry's prefix length is
//! printed as the netmask; a route through a router has a gateway, a route
//! to a directly connected network none (BSD shows the interface's link
//! address there); there is no genmask.
//!
//! Run: `getrt <IPaddress>`: on the test network, in A, `getrt 10.0.2.4`
//! prints `dest: 0.0.0.0`, `gateway: 10.0.1.254`, `netmask: 0.0.0.0` (the
//! default route); `getrt 10.0.1.2`, `dest: 10.0.1.0`, `netmask:
//! 255.255.255.0`.
//!
//! Differs from the C: needs no privilege (a routing socket does on BSD);
//! no route is `RTM_GETROUTE error: Network is unreachable` (the kernel's
//! answer), where BSD's `write` fails with `ESRCH`.

use std::net::Ipv4Addr;

use route::{
    address, attr, netmask, read_messages, rtattr, rtattrs, rtnetlink_socket, send_request,
    RTA_DST, RTA_GATEWAY, RTM_F_FIB_MATCH, RTM_GETROUTE, RTM_NEWROUTE,
};
use unp::args::{arguments, Role};
use unp::{err_quit, err_sys, outln, OrDie};

/// The sequence number of the request.
const SEQ: u32 = 9999;
/// `sizeof(struct rtmsg)`.
const RTMSG_LEN: usize = 12;

fn main() {
    let args = arguments("usage: getrt <IPaddress>", Role::Client);
    let [dest] = args.as_slice() else {
        err_quit("usage: getrt <IPaddress>")
    };
    let dest: Ipv4Addr = unp::inet_pton_v4_or_die(dest);

    let sockfd = rtnetlink_socket().or_die("socket error");
    let pid = std::process::id();
    // struct rtmsg: family, destination length 32, the rest 0, flags.
    let mut rtm = vec![libc::AF_INET as u8, 32, 0, 0, 0, 0, 0, 0];
    rtm.extend_from_slice(&RTM_F_FIB_MATCH.to_ne_bytes());
    rtm.extend(rtattr(RTA_DST, &dest.octets()));
    send_request(&sockfd, RTM_GETROUTE, 0, SEQ, pid, &rtm).or_die("write error");

    let reply = loop {
        let messages =
            read_messages(&sockfd).unwrap_or_else(|err| err_sys(&err, "RTM_GETROUTE error"));
        if let Some(msg) = messages
            .into_iter()
            .find(|m| m.ty == RTM_NEWROUTE && m.seq == SEQ)
        {
            break msg;
        }
    };

    let rtm = &reply.payload;
    let (family, dst_len) = (rtm[0], rtm[1]);
    let attrs = rtattrs(rtm, RTMSG_LEN);
    let dst = attr(&attrs, RTA_DST)
        .and_then(address)
        .unwrap_or_else(|| "0.0.0.0".into());
    outln!("dest: {dst}");
    if let Some(gateway) = attr(&attrs, RTA_GATEWAY).and_then(address) {
        outln!("gateway: {gateway}");
    }
    outln!("netmask: {}", netmask(family, dst_len));
}
