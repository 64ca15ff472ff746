//! The book's protocol-independent multicast functions (§21.7,
//! `lib/mcast_*.c`): join and leave a group, choose the outgoing interface,
//! the TTL (hop limit) and the loopback of what a socket sends, for IPv4 and
//! IPv6 alike. The family is the socket's own (`sockfd_to_family`: its
//! `getsockname`); each function sets the option of that family with
//! socket2.
//!
//! An interface is named as in the book: an index if it is not 0, else a
//! name (an unknown name is `ENXIO`), else none (0: the kernel chooses, by
//! the route to the group).
//!
//! Differences from the C: the book's Linux build joins and leaves with
//! `MCAST_JOIN_GROUP`/`MCAST_LEAVE_GROUP` (`struct group_req`); socket2
//! sets `IP_ADD_MEMBERSHIP` with a `struct ip_mreqn` (IPv4, by interface
//! index) and `IPV6_ADD_MEMBERSHIP`, which the kernel handles the same way.
//! [`mcast_set_if`] on IPv4 looks the interface's address up with
//! `getifaddrs(3)` where the C asks `SIOCGIFADDR`; [`mcast_get_if`] answers
//! for IPv4 too (the index of the interface whose address is set, 0 for
//! none), where the C's is a TODO that returns -1.

use std::io;
use std::net::{IpAddr, Ipv4Addr};

use nix::ifaddrs::getifaddrs;
use nix::net::if_::if_nametoindex;
use socket2::{InterfaceIndexOrAddress, SockAddr, Socket};

/// The family of the socket: `sockfd_to_family`, from
/// [`getsockname(2)`](https://man7.org/linux/man-pages/man2/getsockname.2.html).
fn is_ipv6(sock: &Socket) -> io::Result<bool> {
    let local = sock.local_addr()?;
    if local.is_ipv6() || local.is_ipv4() {
        Ok(local.is_ipv6())
    } else {
        Err(io::Error::from_raw_os_error(libc::EAFNOSUPPORT))
    }
}

/// The interface as the book names it: `ifindex` if not 0, else `ifname`
/// ([`if_nametoindex(3)`](https://man7.org/linux/man-pages/man3/if_nametoindex.3.html);
/// unknown: `ENXIO`), else 0.
fn interface_index(ifname: Option<&str>, ifindex: u32) -> io::Result<u32> {
    match (ifindex, ifname) {
        (0, Some(name)) => {
            if_nametoindex(name).map_err(|_| io::Error::from_raw_os_error(libc::ENXIO))
        }
        (index, _) => Ok(index),
    }
}

/// The IPv4 address of the interface `index`, from
/// [`getifaddrs(3)`](https://man7.org/linux/man-pages/man3/getifaddrs.3.html).
fn ipv4_of_interface(index: u32) -> io::Result<Ipv4Addr> {
    let name = nix::net::if_::if_indextoname(index)?;
    getifaddrs()?
        .filter(|ifa| name.to_str() == Ok(ifa.interface_name.as_str()))
        .find_map(|ifa| Some(ifa.address?.as_sockaddr_in()?.ip()))
        .ok_or_else(|| io::Error::from_raw_os_error(libc::EADDRNOTAVAIL))
}

/// `mcast_join`: join the group `grp` (its address; the port is ignored) on
/// the interface `ifname`/`ifindex` (module doc), with
/// [`IP_ADD_MEMBERSHIP` or `IPV6_ADD_MEMBERSHIP`](https://man7.org/linux/man-pages/man7/ip.7.html).
/// The book's `Mcast_join` is `.or_die("mcast_join error")`.
pub fn mcast_join(
    sock: &Socket,
    grp: &SockAddr,
    ifname: Option<&str>,
    ifindex: u32,
) -> io::Result<()> {
    let index = interface_index(ifname, ifindex)?;
    match group(grp)? {
        IpAddr::V4(group) => {
            sock.join_multicast_v4_n(&group, &InterfaceIndexOrAddress::Index(index))
        }
        IpAddr::V6(group) => sock.join_multicast_v6(&group, index),
    }
}

/// `mcast_leave`: leave the group `grp` (whichever interface it was joined
/// on: the C's interface 0), with `IP_DROP_MEMBERSHIP` or
/// `IPV6_DROP_MEMBERSHIP`.
pub fn mcast_leave(sock: &Socket, grp: &SockAddr) -> io::Result<()> {
    match group(grp)? {
        IpAddr::V4(group) => sock.leave_multicast_v4_n(&group, &InterfaceIndexOrAddress::Index(0)),
        IpAddr::V6(group) => sock.leave_multicast_v6(&group, 0),
    }
}

/// The address of a group: an IPv4 or IPv6 socket address, else
/// `EAFNOSUPPORT`.
fn group(grp: &SockAddr) -> io::Result<IpAddr> {
    grp.as_socket()
        .map(|addr| addr.ip())
        .ok_or_else(|| io::Error::from_raw_os_error(libc::EAFNOSUPPORT))
}

/// `mcast_set_if`: send multicast datagrams out of the interface
/// `ifname`/`ifindex` (module doc; none: the kernel chooses), with
/// `IP_MULTICAST_IF` (the interface's IPv4 address) or `IPV6_MULTICAST_IF`
/// (its index).
pub fn mcast_set_if(sock: &Socket, ifname: Option<&str>, ifindex: u32) -> io::Result<()> {
    let index = interface_index(ifname, ifindex)?;
    if is_ipv6(sock)? {
        sock.set_multicast_if_v6(index)
    } else if index == 0 {
        sock.set_multicast_if_v4(&Ipv4Addr::UNSPECIFIED)
    } else {
        sock.set_multicast_if_v4(&ipv4_of_interface(index)?)
    }
}

/// `mcast_get_if`: the index of the interface multicast datagrams leave
/// from, 0 if the kernel chooses.
pub fn mcast_get_if(sock: &Socket) -> io::Result<u32> {
    if is_ipv6(sock)? {
        return sock.multicast_if_v6();
    }
    let addr = sock.multicast_if_v4()?;
    if addr.is_unspecified() {
        return Ok(0);
    }
    let name = getifaddrs()?
        .find(|ifa| {
            ifa.address
                .and_then(|a| a.as_sockaddr_in().map(|sin| sin.ip()))
                == Some(addr)
        })
        .map(|ifa| ifa.interface_name)
        .ok_or_else(|| io::Error::from_raw_os_error(libc::EADDRNOTAVAIL))?;
    Ok(if_nametoindex(name.as_str())?)
}

/// `mcast_set_loop`: whether the socket's own host (this socket included)
/// gets a copy of each multicast datagram it sends, with
/// `IP_MULTICAST_LOOP` or `IPV6_MULTICAST_LOOP`.
pub fn mcast_set_loop(sock: &Socket, onoff: bool) -> io::Result<()> {
    if is_ipv6(sock)? {
        sock.set_multicast_loop_v6(onoff)
    } else {
        sock.set_multicast_loop_v4(onoff)
    }
}

/// `mcast_get_loop`.
pub fn mcast_get_loop(sock: &Socket) -> io::Result<bool> {
    if is_ipv6(sock)? {
        sock.multicast_loop_v6()
    } else {
        sock.multicast_loop_v4()
    }
}

/// `mcast_set_ttl`: the TTL (IPv4, `IP_MULTICAST_TTL`) or hop limit (IPv6,
/// `IPV6_MULTICAST_HOPS`) of the multicast datagrams the socket sends: 0
/// keeps them on this host, 1 (the default) on the subnet.
pub fn mcast_set_ttl(sock: &Socket, ttl: u32) -> io::Result<()> {
    if is_ipv6(sock)? {
        sock.set_multicast_hops_v6(ttl)
    } else {
        sock.set_multicast_ttl_v4(ttl)
    }
}

/// `mcast_get_ttl`.
pub fn mcast_get_ttl(sock: &Socket) -> io::Result<u32> {
    if is_ipv6(sock)? {
        sock.multicast_hops_v6()
    } else {
        sock.multicast_ttl_v4()
    }
}
