//! Chapter 28, §28.7 (`icmpd/`): an ICMP message daemon.
//!
//! An unconnected UDP socket never learns of the ICMP errors its datagrams
//! cause (§8.9): the kernel cannot tell which of the socket's peers the
//! error is about without the socket being connected. `icmpd`, run as root,
//! reads every ICMPv4 and ICMPv6 message on two raw sockets. A client
//! passes it its UDP socket over a Unix domain stream socket (descriptor
//! passing, chapter 15); the daemon notes the socket's local port (binding
//! one if it has none), answers `1`, and closes its copy. When an ICMP
//! error quotes a UDP datagram sent from that port, the daemon writes the
//! client an [`IcmpdErr`] on the Unix domain connection: the destination,
//! the ICMP type and code, and an errno (port unreachable is
//! `ECONNREFUSED`, "fragmentation needed" and "packet too big" `EMSGSIZE`,
//! anything else `EHOSTUNREACH`).
//!
//! What Linux offers instead: `setsockopt(IP_RECVERR)` (or
//! `IPV6_RECVERR`) on the UDP socket itself, then
//! `recvmsg(MSG_ERRQUEUE)`, gives each socket its own ICMP errors, with the
//! offender's address, and needs no daemon and no privilege. A connected
//! UDP socket gets `ECONNREFUSED` from its next call directly.
//!
//! The daemon listens on `/tmp/icmpd` (`ICMPD_PATH`), as in the book; both
//! programs take another pathname as an optional last argument, so that
//! tests can run several daemons at once.

use std::io;
use std::net::{IpAddr, SocketAddr};
use std::os::fd::AsFd;

use socket2::{SockAddr, SockRef};

/// The daemon's well-known pathname (`ICMPD_PATH`).
pub const ICMPD_PATH: &str = "/tmp/icmpd";

/// `sizeof(struct icmpd_err)` on Linux x86-64 and every LP64 system: int
/// errno, type, code, 2 bytes of padding, `socklen_t` length, 4 bytes of
/// padding, a 128-byte `sockaddr_storage` (8-byte aligned).
pub const ICMPD_ERR_LEN: usize = 144;

/// What the daemon tells a client: `struct icmpd_err` of `unpicmpd.h`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IcmpdErr {
    /// `EHOSTUNREACH`, `EMSGSIZE` or `ECONNREFUSED`.
    pub errno: i32,
    /// The ICMPv4 or ICMPv6 type and code, as received.
    pub icmp_type: u8,
    pub icmp_code: u8,
    /// The destination of the datagram that caused the error.
    pub dest: SocketAddr,
}

impl IcmpdErr {
    /// The structure as the C writes it, with `write(2)` of its bytes, so
    /// a C client on the same machine reads it too: host byte order, and
    /// the destination as a `sockaddr_in` or `sockaddr_in6` (network byte
    /// order inside, as every sockaddr).
    pub fn to_bytes(&self) -> [u8; ICMPD_ERR_LEN] {
        let mut buf = [0u8; ICMPD_ERR_LEN];
        let dest = SockAddr::from(self.dest);
        // SAFETY: a SockAddr holds `len()` initialised bytes of a sockaddr,
        // at most sizeof(sockaddr_storage) = 128.
        let sockaddr =
            unsafe { std::slice::from_raw_parts(dest.as_ptr().cast::<u8>(), dest.len() as usize) };
        buf[..4].copy_from_slice(&self.errno.to_ne_bytes());
        buf[4] = self.icmp_type;
        buf[5] = self.icmp_code;
        buf[8..12].copy_from_slice(&dest.len().to_ne_bytes());
        buf[16..16 + sockaddr.len()].copy_from_slice(sockaddr);
        buf
    }

    /// The structure back from its bytes; `None` when the address in it
    /// is not an IPv4 or IPv6 one.
    pub fn from_bytes(buf: &[u8; ICMPD_ERR_LEN]) -> Option<IcmpdErr> {
        let len = u32::from_ne_bytes(buf[8..12].try_into().ok()?) as usize;
        let sockaddr = buf.get(16..16 + len)?;
        // SAFETY: try_init's storage is a zeroed sockaddr_storage of 128
        // bytes; `len` is at most 128 (checked by the `get` above).
        let ((), dest) = unsafe {
            SockAddr::try_init(|storage, storage_len| {
                std::ptr::copy_nonoverlapping(sockaddr.as_ptr(), storage.cast::<u8>(), len);
                *storage_len = len as libc::socklen_t;
                Ok(())
            })
        }
        .ok()?;
        Some(IcmpdErr {
            errno: i32::from_ne_bytes(buf[..4].try_into().ok()?),
            icmp_type: buf[4],
            icmp_code: buf[5],
            dest: dest.as_socket()?,
        })
    }
}

/// The book's `sock_bind_wild` (`lib/sock_bind_wild.c`): bind `sock` to
/// the wildcard address of `family` and port 0, so the kernel picks a
/// port; returns that port.
pub fn sock_bind_wild(sock: impl AsFd, family: libc::sa_family_t) -> io::Result<u16> {
    let wild = match i32::from(family) {
        libc::AF_INET => IpAddr::from([0u8; 4]),
        libc::AF_INET6 => IpAddr::from([0u8; 16]),
        _ => return Err(io::Error::from_raw_os_error(libc::EAFNOSUPPORT)),
    };
    let sock = SockRef::from(&sock);
    sock.bind(&SocketAddr::new(wild, 0).into())?;
    sock.local_addr()?
        .as_socket()
        .map(|sa| sa.port())
        .ok_or_else(|| io::Error::from_raw_os_error(libc::EAFNOSUPPORT))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn icmpd_err_has_the_c_layout_and_comes_back() {
        let err = IcmpdErr {
            errno: libc::ECONNREFUSED,
            icmp_type: 3,
            icmp_code: 3,
            dest: "10.0.2.4:7".parse().unwrap(),
        };
        let bytes = err.to_bytes();
        assert_eq!(bytes[..4], libc::ECONNREFUSED.to_ne_bytes());
        assert_eq!(bytes[8..12], 16u32.to_ne_bytes(), "sizeof(sockaddr_in)");
        assert_eq!(bytes[16..18], (libc::AF_INET as u16).to_ne_bytes());
        assert_eq!(bytes[18..20], [0, 7], "the port in network byte order");
        assert_eq!(bytes[20..24], [10, 0, 2, 4]);
        assert_eq!(IcmpdErr::from_bytes(&bytes), Some(err));

        let v6 = IcmpdErr {
            errno: libc::EHOSTUNREACH,
            icmp_type: 1,
            icmp_code: 0,
            dest: "[fd00:9::9]:7".parse().unwrap(),
        };
        assert_eq!(IcmpdErr::from_bytes(&v6.to_bytes()), Some(v6));
        assert_eq!(IcmpdErr::from_bytes(&[0xff; ICMPD_ERR_LEN]), None);
    }

    #[test]
    fn sock_bind_wild_binds_an_ephemeral_port() {
        let sock = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        // Already bound: the second bind fails, as in C.
        assert!(sock_bind_wild(&sock, libc::AF_INET as libc::sa_family_t).is_err());
        let fresh =
            socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::DGRAM, None).unwrap();
        let port = sock_bind_wild(&fresh, libc::AF_INET as libc::sa_family_t).unwrap();
        assert_ne!(port, 0);
    }
}
