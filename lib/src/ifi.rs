//! `get_ifi_info` (`lib/get_ifi_info.c`, `lib/unpifi.h`, §17.6):
//! the list of the host's interfaces and their addresses, built from the
//! socket ioctls of chapter 17.
//!
//! How the book's function maps to Linux:
//!
//! - **`SIOCGIFCONF`** lists one `ifreq` per IPv4 address: the interface's
//!   name (with its alias label, `eth0:1`) and the address. The C steps
//!   through that buffer by `sizeof(ifr_name)` plus the address's length,
//!   16 bytes on a system without `sa_len`: 32 bytes a step, but Linux's
//!   array is of 40-byte `struct ifreq`s, so the C reads every entry but
//!   the 1st, 5th, 9th... at the wrong offset (an empty name, a garbage
//!   family). Here the buffer *is* an array of `ifreq`, indexed as one.
//!   The buffer grows, as in the book, until two calls return the same
//!   length (Linux truncates silently when it is short).
//! - **`SIOCGIFFLAGS`**, **`SIOCGIFMTU`**, **`SIOCGIFBRDADDR`**,
//!   **`SIOCGIFDSTADDR`** as in the book; the C stores the MTU in a `short`
//!   (lo's 65536 became 0 and its `MTU:` line disappeared): here a `u32`.
//!   The broadcast and destination addresses are asked under the entry's
//!   full name with its label (`eth0:1`), so an alias gets its own, where
//!   the C strips the label first and asks for the interface's first
//!   address's.
//! - **the index and the hardware address** come from BSD's `AF_LINK`
//!   entries in the C, which Linux's `SIOCGIFCONF` never returns (the C
//!   printed neither on Linux): here `SIOCGIFINDEX` and `SIOCGIFHWADDR`.
//!   The hardware address is kept for Ethernet-like interfaces
//!   (`ARPHRD_ETHER`) only: lo's six zero bytes and a tunnel's nothing are
//!   no address, as BSD gives lo none.
//! - **IPv6**: `SIOCGIFCONF` never lists IPv6 addresses on Linux (the C
//!   said `get_ifi_info error` for `inet6`), so they come from
//!   [`getifaddrs(3)`](https://man7.org/linux/man-pages/man3/getifaddrs.3.html)
//!   (nix's [`getifaddrs`]), with the same per-interface ioctls.
//!
//! The C returns a linked list to free with `free_ifi_info`; this returns a
//! `Vec` that frees itself.

use std::io;
use std::net::{Ipv4Addr, SocketAddrV4};
use std::os::fd::{AsFd, AsRawFd};

use nix::ifaddrs::getifaddrs;
use nix::net::if_::InterfaceFlags;
use socket2::{Domain, SockAddr, Socket, Type};

use crate::error::{err_quit, OrDie};
use crate::udp::to_sockaddr;

/// One address of one interface: the C's `struct ifi_info`.
#[derive(Clone, Debug)]
pub struct IfiInfo {
    /// The interface's name, its alias label left out (`ifi_name`).
    pub name: String,
    /// The interface's index (`ifi_index`).
    pub index: u32,
    /// The interface's MTU (`ifi_mtu`).
    pub mtu: u32,
    /// The hardware address, empty when there is none (`ifi_haddr`,
    /// `ifi_hlen`).
    pub haddr: Vec<u8>,
    /// `IFF_UP`, `IFF_BROADCAST`, ... (`ifi_flags`).
    pub flags: InterfaceFlags,
    /// This address is not the interface's first one (`IFI_ALIAS` in
    /// `ifi_myflags`).
    pub alias: bool,
    /// The address (`ifi_addr`).
    pub addr: SockAddr,
    /// The broadcast address, for an `IFF_BROADCAST` interface's IPv4
    /// address (`ifi_brdaddr`).
    pub brdaddr: Option<SockAddr>,
    /// The other end of an `IFF_POINTOPOINT` link (`ifi_dstaddr`).
    pub dstaddr: Option<SockAddr>,
}

/// The book's `get_ifi_info(family, doaliases)`: every address of
/// `family` ([`Domain::IPV4`] or [`Domain::IPV6`]) on an interface that is
/// up, in the kernel's order; with `doaliases` false, only the first
/// address of each interface. An empty list is the C's `NULL`.
pub fn get_ifi_info(family: Domain, doaliases: bool) -> io::Result<Vec<IfiInfo>> {
    let sock = Socket::new(Domain::IPV4, Type::DGRAM, None)?;
    let addresses = if family == Domain::IPV4 {
        ipv4_addresses(&sock)?
    } else if family == Domain::IPV6 {
        ipv6_addresses()?
    } else {
        return Ok(Vec::new());
    };

    let mut list = Vec::new();
    let mut lastname = String::new();
    for (label, addr, dstaddr) in addresses {
        let name = label.split(':').next().unwrap_or_default().to_string();
        let alias = name == lastname;
        if alias && !doaliases {
            continue; // already listed this interface
        }
        lastname.clone_from(&name);

        let flags = interface_flags(&sock, &name)?;
        if !flags.contains(InterfaceFlags::IFF_UP) {
            continue;
        }
        let (brdaddr, dstaddr) = match addr.is_ipv4() {
            true => (
                flags
                    .contains(InterfaceFlags::IFF_BROADCAST)
                    .then(|| ifreq_addr(&sock, libc::SIOCGIFBRDADDR, &label))
                    .transpose()?,
                flags
                    .contains(InterfaceFlags::IFF_POINTOPOINT)
                    .then(|| ifreq_addr(&sock, libc::SIOCGIFDSTADDR, &label))
                    .transpose()?,
            ),
            false => (
                None,
                dstaddr.filter(|_| flags.contains(InterfaceFlags::IFF_POINTOPOINT)),
            ),
        };
        list.push(IfiInfo {
            index: interface_index(&sock, &name)?,
            mtu: interface_mtu(&sock, &name)?,
            haddr: hardware_address(&sock, &name)?,
            name,
            flags,
            alias,
            addr,
            brdaddr,
            dstaddr,
        });
    }
    Ok(list)
}

/// The book's `Get_ifi_info`: [`get_ifi_info`], or `ioctl error: ...` when
/// an ioctl fails and `get_ifi_info error` when there is no interface.
pub fn get_ifi_info_or_die(family: Domain, doaliases: bool) -> Vec<IfiInfo> {
    let list = get_ifi_info(family, doaliases).or_die("ioctl error");
    if list.is_empty() {
        err_quit("get_ifi_info error");
    }
    list
}

/// One entry of `SIOCGIFCONF`: an interface name, with its alias label
/// (`eth0:1`), and an address.
#[derive(Clone, Debug)]
pub struct IfConfEntry {
    /// `ifr_name`.
    pub name: String,
    /// `ifr_addr`'s family (always `AF_INET` on Linux).
    pub family: libc::c_int,
    /// `ifr_addr` when the family is `AF_INET`.
    pub addr: Option<SockAddr>,
}

/// [`ioctl(SIOCGIFCONF)`](https://man7.org/linux/man-pages/man7/netdevice.7.html)
/// with a buffer of `len` bytes (a whole number of `struct ifreq`s, the
/// rest unused): the entries the kernel wrote, read at `ifreq` strides, and
/// the length it returned (`ifc_len`). A buffer too short is filled with as
/// many entries as fit, without an error; `len` 0 passes no buffer (a null
/// pointer), for which Linux returns the length all entries need.
pub fn siocgifconf(fd: impl AsFd, len: usize) -> io::Result<(Vec<IfConfEntry>, usize)> {
    let mut reqs: Vec<libc::ifreq> = (0..len / size_of::<libc::ifreq>())
        .map(|_| empty_ifreq())
        .collect();
    let mut ifc = libc::ifconf {
        ifc_len: (reqs.len() * size_of::<libc::ifreq>()) as libc::c_int,
        ifc_ifcu: libc::__c_anonymous_ifc_ifcu {
            ifcu_req: match reqs.is_empty() {
                true => std::ptr::null_mut(),
                false => reqs.as_mut_ptr(),
            },
        },
    };
    // SAFETY: `ifc` describes `reqs`, a live buffer of `ifc_len` bytes that
    // the kernel fills with whole `ifreq`s and no more (or null, which the
    // kernel does not write through).
    if unsafe { libc::ioctl(fd.as_fd().as_raw_fd(), libc::SIOCGIFCONF as _, &mut ifc) } < 0 {
        return Err(io::Error::last_os_error());
    }
    let filled = ifc.ifc_len as usize;
    let entries = reqs[..reqs.len().min(filled / size_of::<libc::ifreq>())]
        .iter()
        .map(|req| {
            // SAFETY: SIOCGIFCONF wrote `ifru_addr`, a plain `sockaddr`.
            let addr = unsafe { &req.ifr_ifru.ifru_addr };
            IfConfEntry {
                name: ifreq_name(req),
                family: libc::c_int::from(addr.sa_family),
                addr: sockaddr_in_of(addr),
            }
        })
        .collect();
    Ok((entries, filled))
}

/// The IPv4 addresses: `SIOCGIFCONF` into a buffer that grows, as in the
/// book, until two calls return the same length.
fn ipv4_addresses(sock: &Socket) -> io::Result<Vec<(String, SockAddr, Option<SockAddr>)>> {
    let mut len = 100 * size_of::<libc::ifreq>(); // the book's first guess
    let mut lastlen = 0;
    loop {
        let (entries, filled) = siocgifconf(sock, len)?;
        if filled == lastlen {
            return Ok(entries
                .into_iter()
                .filter_map(|entry| Some((entry.name, entry.addr?, None)))
                .collect());
        }
        lastlen = filled;
        len += 10 * size_of::<libc::ifreq>();
    }
}

/// The IPv6 addresses, from getifaddrs, with the other end of a
/// point-to-point link.
fn ipv6_addresses() -> io::Result<Vec<(String, SockAddr, Option<SockAddr>)>> {
    Ok(getifaddrs()?
        .filter_map(|ifa| {
            let addr = ifa.address.as_ref().and_then(to_sockaddr)?;
            addr.is_ipv6().then(|| {
                let dst = ifa.destination.as_ref().and_then(to_sockaddr);
                (ifa.interface_name, addr, dst)
            })
        })
        .collect())
}

/// `SIOCGIFFLAGS`: the interface's `IFF_xxx` flags.
pub fn interface_flags(sock: &Socket, name: &str) -> io::Result<InterfaceFlags> {
    let req = ifreq_ioctl(sock, libc::SIOCGIFFLAGS, name)?;
    // SAFETY: SIOCGIFFLAGS wrote `ifru_flags`.
    let flags = unsafe { req.ifr_ifru.ifru_flags } as u16;
    Ok(InterfaceFlags::from_bits_truncate(libc::c_int::from(flags)))
}

/// `SIOCGIFMTU`: the interface's MTU.
pub fn interface_mtu(sock: &Socket, name: &str) -> io::Result<u32> {
    let req = ifreq_ioctl(sock, libc::SIOCGIFMTU, name)?;
    // SAFETY: SIOCGIFMTU wrote `ifru_mtu`.
    Ok(unsafe { req.ifr_ifru.ifru_mtu } as u32)
}

/// `SIOCGIFINDEX`: the interface's index (what `if_nametoindex` asks).
pub fn interface_index(sock: &Socket, name: &str) -> io::Result<u32> {
    let req = ifreq_ioctl(sock, libc::SIOCGIFINDEX, name)?;
    // SAFETY: SIOCGIFINDEX wrote `ifru_ifindex`.
    Ok(unsafe { req.ifr_ifru.ifru_ifindex } as u32)
}

/// `SIOCGIFHWADDR`: the interface's hardware type (`ARPHRD_ETHER`,
/// `ARPHRD_LOOPBACK`, ...) and the first six bytes of its address.
pub fn siocgifhwaddr(sock: &Socket, name: &str) -> io::Result<(u16, [u8; 6])> {
    let req = ifreq_ioctl(sock, libc::SIOCGIFHWADDR, name)?;
    // SAFETY: SIOCGIFHWADDR wrote `ifru_hwaddr`, a plain `sockaddr`.
    let hwaddr = unsafe { req.ifr_ifru.ifru_hwaddr };
    let mut mac = [0u8; 6];
    for (dst, &src) in mac.iter_mut().zip(&hwaddr.sa_data) {
        *dst = src as u8;
    }
    Ok((hwaddr.sa_family, mac))
}

/// The interface's Ethernet address, or nothing for an interface that has
/// none (lo, a tunnel): [`siocgifhwaddr`] for an `ARPHRD_ETHER` interface.
fn hardware_address(sock: &Socket, name: &str) -> io::Result<Vec<u8>> {
    Ok(match siocgifhwaddr(sock, name)? {
        (libc::ARPHRD_ETHER, mac) => mac.to_vec(),
        _ => Vec::new(),
    })
}

/// An ioctl whose answer is an address (`SIOCGIFBRDADDR`, `SIOCGIFDSTADDR`).
fn ifreq_addr(sock: &Socket, request: libc::c_ulong, name: &str) -> io::Result<SockAddr> {
    let req = ifreq_ioctl(sock, request, name)?;
    // SAFETY: both requests write a plain `sockaddr` into the union.
    sockaddr_in_of(unsafe { &req.ifr_ifru.ifru_addr })
        .ok_or_else(|| io::Error::from_raw_os_error(libc::EAFNOSUPPORT))
}

/// [`ioctl(2)`](https://man7.org/linux/man-pages/man7/netdevice.7.html)
/// `request` on an `ifreq` naming the interface `name`: the `ifreq` the
/// kernel filled in.
fn ifreq_ioctl(sock: &Socket, request: libc::c_ulong, name: &str) -> io::Result<libc::ifreq> {
    let mut req = empty_ifreq();
    for (dst, &src) in req.ifr_name[..libc::IFNAMSIZ - 1]
        .iter_mut()
        .zip(name.as_bytes())
    {
        *dst = src as libc::c_char;
    }
    // SAFETY: `req` is a whole `ifreq` with a NUL-terminated name; each
    // request used here reads the name and writes one field of the union.
    if unsafe { libc::ioctl(sock.as_raw_fd(), request as _, &mut req) } < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(req)
}

fn empty_ifreq() -> libc::ifreq {
    // SAFETY: `ifreq` is plain data (arrays, integers, a union of them and
    // a pointer), for which all zeros is a valid value.
    unsafe { std::mem::zeroed() }
}

/// `ifr_name` as text, up to its NUL.
fn ifreq_name(req: &libc::ifreq) -> String {
    let bytes: Vec<u8> = req
        .ifr_name
        .iter()
        .take_while(|&&c| c != 0)
        .map(|&c| c as u8)
        .collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// The address of an `ifreq`'s `sockaddr` when its family is `AF_INET`
/// (port in `sa_data[0..2]`, address in `sa_data[2..6]`).
fn sockaddr_in_of(sa: &libc::sockaddr) -> Option<SockAddr> {
    let data: Vec<u8> = sa.sa_data.iter().map(|&b| b as u8).collect();
    (libc::c_int::from(sa.sa_family) == libc::AF_INET).then(|| {
        SocketAddrV4::new(
            Ipv4Addr::new(data[2], data[3], data[4], data[5]),
            u16::from_be_bytes([data[0], data[1]]),
        )
        .into()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_is_listed_up_with_its_address_and_mtu() {
        let list = get_ifi_info(Domain::IPV4, true).unwrap();
        let lo = list.iter().find(|ifi| ifi.name == "lo").expect("lo");
        assert!(lo.flags.contains(InterfaceFlags::IFF_LOOPBACK));
        assert_eq!(crate::sock_ntop_host(&lo.addr), "127.0.0.1");
        assert!(lo.mtu > 0 && lo.index > 0 && lo.haddr.is_empty());
        assert!(lo.brdaddr.is_none() && lo.dstaddr.is_none());
    }

    #[test]
    fn siocgifconf_entries_are_whole_ifreqs() {
        let sock = Socket::new(Domain::IPV4, Type::DGRAM, None).unwrap();
        let (entries, filled) = siocgifconf(&sock, 100 * size_of::<libc::ifreq>()).unwrap();
        assert_eq!(filled % size_of::<libc::ifreq>(), 0);
        assert!(entries
            .iter()
            .all(|e| !e.name.is_empty() && e.family == libc::AF_INET));
        // A buffer of one entry is truncated to it, without an error.
        let (one, filled) = siocgifconf(&sock, size_of::<libc::ifreq>()).unwrap();
        assert_eq!((one.len(), filled), (1, size_of::<libc::ifreq>()));
        // No buffer: the length every entry needs.
        let (none, needed) = siocgifconf(&sock, 0).unwrap();
        assert_eq!(
            (none.len(), needed),
            (0, entries.len() * size_of::<libc::ifreq>())
        );
    }
}
