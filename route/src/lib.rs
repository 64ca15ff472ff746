//! Chapter 18 (`route/`): routing sockets, and what Linux has instead.
//!
//! 4.4BSD's routing socket (`socket(AF_ROUTE, SOCK_RAW, 0)`) reads and
//! writes `rt_msghdr` messages followed by socket addresses chosen by a
//! bitmask (`RTA_DST`, `RTA_GATEWAY`, `RTA_NETMASK`, ...); `sysctl(CTL_NET,
//! AF_ROUTE, ...)` dumps the routing table (`NET_RT_DUMP`) and the
//! interface list (`NET_RT_IFLIST`), whose `sockaddr_dl` entries carry each
//! interface's name, index and link address. None of it exists on Linux:
//! glibc even defines `AF_ROUTE` as `AF_NETLINK`, so the book's `socket`
//! call succeeds and then speaks another protocol.
//!
//! Linux's routing socket is **rtnetlink**: `socket(AF_NETLINK, SOCK_RAW,
//! NETLINK_ROUTE)`, messages of a `nlmsghdr` then a family header
//! (`rtmsg`, `ifinfomsg`, `ifaddrmsg`) then type-length-value attributes
//! (`rtattr`). What `ip route`, `ip link` and `ip addr` use. The programs
//! here keep each BSD program's lesson and output on top of it:
//!
//! | BSD | Linux (here) |
//! |---|---|
//! | `RTM_GET` on the routing socket (`getrt`) | `RTM_GETROUTE` with `RTM_F_FIB_MATCH`: the table entry that matches, as `ip route get fibmatch` shows it |
//! | `sysctl(NET_RT_DUMP)` (`mynetstat`) | `RTM_GETROUTE` with `NLM_F_DUMP` |
//! | `sysctl(NET_RT_IFLIST)`: `RTM_IFINFO` and `RTM_NEWADDR` (`mynetstat`) | `RTM_GETLINK` and `RTM_GETADDR` dumps |
//! | the book's `if_nametoindex` & co. over `NET_RT_IFLIST` (`prifindex`, `prifname`, `prifnameindex`) | glibc's own (`ioctl(SIOCGIFINDEX)`, `SIOCGIFNAME`, and an `RTM_GETLINK` dump) |
//! | `genmask`, `sockaddr_dl` | nothing: no cloning masks; link addresses are the `IFLA_ADDRESS` attribute |
//! | `checkudpsum` (`sysctl` of UDP checksums) | nothing: no such switch; `SO_NO_CHECK` per socket (chapter 29) |
//!
//! This module is the small rtnetlink client they share: one request, its
//! replies, their attributes.

use std::io::{self, Read, Write};

use socket2::{Domain, Protocol, Socket, Type};

/// `NLMSG_ERROR`, `NLMSG_DONE`.
pub const NLMSG_ERROR: u16 = 2;
pub const NLMSG_DONE: u16 = 3;
/// `NLM_F_REQUEST`, `NLM_F_DUMP`.
pub const NLM_F_REQUEST: u16 = 1;
pub const NLM_F_DUMP: u16 = 0x300;
/// The message types (`<linux/rtnetlink.h>`).
pub const RTM_NEWLINK: u16 = 16;
pub const RTM_GETLINK: u16 = 18;
pub const RTM_NEWADDR: u16 = 20;
pub const RTM_GETADDR: u16 = 22;
pub const RTM_NEWROUTE: u16 = 24;
pub const RTM_GETROUTE: u16 = 26;
/// `rtm_flags`: return the matching table entry, not the resolved route.
pub const RTM_F_FIB_MATCH: u32 = 0x2000;
/// `RT_TABLE_MAIN`: the table `ip route` shows.
pub const RT_TABLE_MAIN: u8 = 254;
/// Route attributes.
pub const RTA_DST: u16 = 1;
pub const RTA_GATEWAY: u16 = 5;
pub const RTA_TABLE: u16 = 15;
/// Link attributes.
pub const IFLA_ADDRESS: u16 = 1;
pub const IFLA_IFNAME: u16 = 3;
/// Address attributes.
pub const IFA_ADDRESS: u16 = 1;
pub const IFA_LOCAL: u16 = 2;
pub const IFA_BROADCAST: u16 = 4;

const NLMSG_HDRLEN: usize = 16;

/// One netlink message: its header's fields and what follows the header.
#[derive(Debug)]
pub struct NlMsg {
    pub ty: u16,
    pub seq: u32,
    pub pid: u32,
    pub payload: Vec<u8>,
}

/// `socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE)`.
pub fn rtnetlink_socket() -> io::Result<Socket> {
    Socket::new(
        Domain::from(libc::AF_NETLINK),
        Type::RAW,
        Some(Protocol::from(libc::NETLINK_ROUTE)),
    )
}

/// Send one request to the kernel: a `nlmsghdr` (type `ty`, `flags` plus
/// `NLM_F_REQUEST`, sequence `seq`, our `pid`) and `payload`.
pub fn send_request(
    sock: &Socket,
    ty: u16,
    flags: u16,
    seq: u32,
    pid: u32,
    payload: &[u8],
) -> io::Result<()> {
    let len = (NLMSG_HDRLEN + payload.len()) as u32;
    let mut msg = Vec::with_capacity(len as usize);
    msg.extend_from_slice(&len.to_ne_bytes());
    msg.extend_from_slice(&ty.to_ne_bytes());
    msg.extend_from_slice(&(flags | NLM_F_REQUEST).to_ne_bytes());
    msg.extend_from_slice(&seq.to_ne_bytes());
    msg.extend_from_slice(&pid.to_ne_bytes());
    msg.extend_from_slice(payload);
    (&*sock).write_all(&msg)
}

/// One `read(2)` of the socket, split into its messages. An
/// `NLMSG_ERROR` carrying an error becomes that error.
pub fn read_messages(sock: &Socket) -> io::Result<Vec<NlMsg>> {
    let mut buf = vec![0u8; 32 * 1024];
    let n = (&*sock).read(&mut buf)?;
    let mut messages = Vec::new();
    let mut rest = &buf[..n];
    while rest.len() >= NLMSG_HDRLEN {
        let len = u32::from_ne_bytes(rest[..4].try_into().unwrap_or_default()) as usize;
        if len < NLMSG_HDRLEN || len > rest.len() {
            break;
        }
        let msg = NlMsg {
            ty: u16::from_ne_bytes([rest[4], rest[5]]),
            seq: u32::from_ne_bytes(rest[8..12].try_into().unwrap_or_default()),
            pid: u32::from_ne_bytes(rest[12..16].try_into().unwrap_or_default()),
            payload: rest[NLMSG_HDRLEN..len].to_vec(),
        };
        if msg.ty == NLMSG_ERROR {
            let errno = i32::from_ne_bytes(
                msg.payload
                    .get(..4)
                    .and_then(|e| e.try_into().ok())
                    .unwrap_or_default(),
            );
            if errno != 0 {
                return Err(io::Error::from_raw_os_error(-errno));
            }
        }
        messages.push(msg);
        rest = &rest[align(len).min(rest.len())..];
    }
    Ok(messages)
}

/// A dump: the request with `NLM_F_DUMP`, then every reply up to
/// `NLMSG_DONE`.
pub fn dump(sock: &Socket, ty: u16, seq: u32, payload: &[u8]) -> io::Result<Vec<NlMsg>> {
    send_request(sock, ty, NLM_F_DUMP, seq, 0, payload)?;
    let mut all = Vec::new();
    loop {
        for msg in read_messages(sock)? {
            if msg.ty == NLMSG_DONE {
                return Ok(all);
            }
            all.push(msg);
        }
    }
}

/// The attributes (`rtattr`: length, type, value) from `data`, after a
/// family header of `header_len` bytes.
pub fn rtattrs(data: &[u8], header_len: usize) -> Vec<(u16, &[u8])> {
    let mut attrs = Vec::new();
    let mut rest = data.get(header_len..).unwrap_or_default();
    while rest.len() >= 4 {
        let len = usize::from(u16::from_ne_bytes([rest[0], rest[1]]));
        if len < 4 || len > rest.len() {
            break;
        }
        attrs.push((u16::from_ne_bytes([rest[2], rest[3]]), &rest[4..len]));
        rest = &rest[align(len).min(rest.len())..];
    }
    attrs
}

/// An `rtattr` with `value`, padded to 4 bytes.
pub fn rtattr(ty: u16, value: &[u8]) -> Vec<u8> {
    let len = 4 + value.len();
    let mut attr = Vec::with_capacity(align(len));
    attr.extend_from_slice(&(len as u16).to_ne_bytes());
    attr.extend_from_slice(&ty.to_ne_bytes());
    attr.extend_from_slice(value);
    attr.resize(align(len), 0);
    attr
}

/// The value of attribute `ty`, if present.
pub fn attr<'a>(attrs: &[(u16, &'a [u8])], ty: u16) -> Option<&'a [u8]> {
    attrs.iter().find(|(t, _)| *t == ty).map(|(_, v)| *v)
}

/// An address attribute as text: 4 bytes IPv4, 16 bytes IPv6.
pub fn address(value: &[u8]) -> Option<String> {
    match value.len() {
        4 => Some(std::net::Ipv4Addr::from(<[u8; 4]>::try_from(value).ok()?).to_string()),
        16 => Some(std::net::Ipv6Addr::from(<[u8; 16]>::try_from(value).ok()?).to_string()),
        _ => None,
    }
}

/// A prefix length as the book's netmask: `255.255.255.0` for 24 (IPv4),
/// `ffff:ffff:ffff:ffff::` for 64 (IPv6).
pub fn netmask(family: u8, prefix_len: u8) -> String {
    let bits = |total: u32| -> u128 {
        match u32::from(prefix_len).min(total) {
            0 => 0,
            n => (!0u128) << (128 - n) >> (128 - total),
        }
    };
    match i32::from(family) {
        libc::AF_INET => std::net::Ipv4Addr::from(bits(32) as u32).to_string(),
        _ => std::net::Ipv6Addr::from(bits(128)).to_string(),
    }
}

/// [`if_indextoname(3)`](https://man7.org/linux/man-pages/man3/if_indextoname.3.html):
/// the name of the interface with `index`, `None` when there is none
/// (nix's wrapper does not look at the NULL glibc returns then).
pub fn if_indextoname(index: u32) -> Option<String> {
    let mut name = [0u8; libc::IF_NAMESIZE];
    // SAFETY: `name` has the IF_NAMESIZE bytes if_indextoname may write;
    // it returns NULL or a pointer to `name`, NUL-terminated.
    let ptr = unsafe { libc::if_indextoname(index, name.as_mut_ptr().cast()) };
    if ptr.is_null() {
        return None;
    }
    let end = name.iter().position(|&b| b == 0).unwrap_or(name.len());
    Some(String::from_utf8_lossy(&name[..end]).into_owned())
}

fn align(len: usize) -> usize {
    (len + 3) & !3
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn netmasks_from_prefix_lengths() {
        let v4 = libc::AF_INET as u8;
        assert_eq!(netmask(v4, 0), "0.0.0.0");
        assert_eq!(netmask(v4, 24), "255.255.255.0");
        assert_eq!(netmask(v4, 32), "255.255.255.255");
        assert_eq!(netmask(libc::AF_INET6 as u8, 64), "ffff:ffff:ffff:ffff::");
    }

    #[test]
    fn attributes_are_padded_and_read_back() {
        let mut data = vec![0u8; 12]; // an rtmsg
        data.extend(rtattr(RTA_DST, &[10, 0, 2, 4]));
        data.extend(rtattr(IFLA_IFNAME, b"eth0\0"));
        data.extend(rtattr(RTA_TABLE, &254u32.to_ne_bytes()));
        let attrs = rtattrs(&data, 12);
        assert_eq!(attrs.len(), 3);
        assert_eq!(
            attr(&attrs, RTA_DST).and_then(address).as_deref(),
            Some("10.0.2.4")
        );
        assert_eq!(attr(&attrs, IFLA_IFNAME), Some(&b"eth0\0"[..]));
        assert_eq!(attr(&attrs, RTA_TABLE), Some(&254u32.to_ne_bytes()[..]));
    }

    #[test]
    fn if_indextoname_fails_for_no_interface() {
        assert_eq!(if_indextoname(1).as_deref(), Some("lo"));
        assert_eq!(if_indextoname(0), None);
        assert_eq!(if_indextoname(888888), None);
    }

    #[test]
    fn the_kernel_answers_a_dump() {
        let sock = rtnetlink_socket().unwrap();
        let links = dump(&sock, RTM_GETLINK, 1, &[0u8; 16]).unwrap();
        assert!(links.iter().all(|m| m.ty == RTM_NEWLINK));
        assert!(!links.is_empty(), "at least lo");
    }
}
