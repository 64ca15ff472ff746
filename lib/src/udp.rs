//! The book's UDP helpers: the socket and bind of the UDP servers (Figure
//! 8.3), `dg_cli` and `dg_echo` (`lib/dg_cli.c`,
//! `lib/dg_echo.c`, Figures 8.8 and 8.4), `udp_client` and `udp_connect`
//! (`lib/udp_client.c`, `lib/udp_connect.c`, §11.14), `udp_server`
//! (`lib/udp_server.c`, Figure 11.18), `sock_get_port`,
//! `sock_set_port`, `sock_set_addr` and `sock_set_wild` (`lib/sock_*.c`, §3.8), and
//! `recvfrom_flags` (`advio/recvfromflags.c`, §22.2).
//!
//! A datagram is bytes, not a C string: where the C ends what it prints at
//! the first NUL (`recvline[n] = 0; Fputs(...)`), these write all `n` bytes.

use std::ffi::OsStr;
use std::io::{self, BufRead, IoSliceMut, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::os::fd::{AsFd, AsRawFd};
use std::os::unix::ffi::OsStrExt;

use nix::sys::socket::{self, ControlMessageOwned, MsgFlags, SockaddrLike, SockaddrStorage};
use socket2::{SockAddr, Socket};

use crate::error::{err_quit, err_sys, OrDie};
use crate::netdb::{bound_socket, first_socket, getaddrinfo, host_or_null, AddrInfo, Hints};
use crate::readline::fgets;
use crate::MAXLINE;

/// [`recvfrom(2)`](https://man7.org/linux/man-pages/man2/recvfrom.2.html):
/// one datagram into `buf` (the rest of a longer one is discarded) and the
/// address it came from. A single call: `EINTR` is returned, not retried, so
/// a `SIGALRM` can interrupt it (Figure 14.2).
pub fn recvfrom(sock: impl AsFd, buf: &mut [u8]) -> io::Result<(usize, SockAddr)> {
    let (n, from) = socket::recvfrom::<SockaddrStorage>(sock.as_fd().as_raw_fd(), buf)?;
    Ok((
        n,
        from.as_ref().and_then(to_sockaddr).ok_or_else(no_address)?,
    ))
}

/// An internet, Unix-domain or link-layer (`AF_PACKET`, what
/// [`getifaddrs(3)`](https://man7.org/linux/man-pages/man3/getifaddrs.3.html)
/// gives for each interface in place of BSD's `AF_LINK`) address as nix
/// returns it (from `recvmsg`, `getifaddrs`), as the `SockAddr` the rest of
/// the workspace uses and [`sock_ntop`](crate::sock_ntop()) prints; `None`
/// for any other family.
pub fn to_sockaddr(addr: &SockaddrStorage) -> Option<SockAddr> {
    if let Some(link) = addr.as_link_addr() {
        let len = link.len() as usize;
        // SAFETY: `link` is a sockaddr_ll of `len` bytes, no larger than the
        // sockaddr_storage that try_init provides.
        let ((), sa) = unsafe {
            SockAddr::try_init(|storage, storage_len| {
                std::ptr::copy_nonoverlapping(
                    link.as_ptr().cast::<u8>(),
                    storage.cast::<u8>(),
                    len,
                );
                *storage_len = len as libc::socklen_t;
                Ok(())
            })
        }
        .ok()?;
        return Some(sa);
    }
    if let Some(unix) = addr.as_unix_addr() {
        let sun_path = match (unix.path(), unix.as_abstract()) {
            (Some(path), _) => path.as_os_str().as_bytes().to_vec(),
            (_, Some(name)) => [&[0u8][..], name].concat(), // Linux's abstract names
            _ => Vec::new(),                                // an unbound sender
        };
        return SockAddr::unix(OsStr::from_bytes(&sun_path)).ok();
    }
    let std_addr = match (addr.as_sockaddr_in(), addr.as_sockaddr_in6()) {
        (Some(v4), _) => SocketAddr::V4((*v4).into()),
        (_, Some(v6)) => SocketAddr::V6((*v6).into()),
        _ => return None,
    };
    Some(std_addr.into())
}

fn no_address() -> io::Error {
    io::Error::from_raw_os_error(libc::EAFNOSUPPORT)
}

/// [`sendto(2)`](https://man7.org/linux/man-pages/man2/sendto.2.html), the
/// book's `Sendto`: one datagram to `to`; a short send counts as an error,
/// as in the C. Dies with `sendto error`.
pub fn sendto(sock: &Socket, buf: &[u8], to: &SockAddr) {
    if sock.send_to(buf, to).or_die("sendto error") != buf.len() {
        err_quit("sendto error");
    }
}

/// The book's `dg_cli`, the UDP echo client (Figure 8.8): read a line from
/// `input`, send it to `servaddr` with [`sendto`], wait for one datagram from
/// anyone with [`recvfrom`], copy it to stdout; return at end of input.
///
/// There is no timeout: a lost request or reply blocks it in `recvfrom`
/// forever (§8.6), and on an unconnected socket the ICMP port unreachable of
/// a server that is not running never reaches it (§8.9).
///
/// A NUL byte in a line is data: the whole line is the datagram, and the
/// whole reply is printed. The C sends `strlen(sendline)` bytes, the line
/// up to its first NUL, and prints the reply up to its first NUL (`fputs`).
pub fn dg_cli(input: &mut impl BufRead, sock: &Socket, servaddr: &SockAddr) {
    let mut sendline = Vec::new();
    let mut recvline = [0u8; MAXLINE];
    let mut stdout = io::stdout();
    while fgets(input, &mut sendline, MAXLINE).or_die("fgets error") {
        sendto(sock, &sendline, servaddr);
        let (n, _) = recvfrom(sock, &mut recvline).or_die("recvfrom error");
        stdout.write_all(&recvline[..n]).or_die("fputs error");
    }
    stdout.flush().or_die("fputs error");
}

/// The book's `dg_echo`, the iterative UDP echo server's loop (Figure 8.4):
/// receive a datagram of up to [`MAXLINE`] bytes with [`recvfrom`] (a longer
/// one is cut to that), send it back to its sender with [`sendto`], forever.
pub fn dg_echo(sock: &Socket) -> ! {
    let mut mesg = [0u8; MAXLINE];
    loop {
        let (n, cliaddr) = recvfrom(sock, &mut mesg).or_die("recvfrom error");
        sendto(sock, &mesg[..n], &cliaddr);
    }
}

fn lookup_datagram(what: &str, host: Option<&str>, serv: &str) -> Vec<AddrInfo> {
    let hints = Hints {
        socktype: libc::SOCK_DGRAM,
        ..Hints::default()
    };
    let shown = host_or_null(host);
    getaddrinfo(host, Some(serv), hints)
        .unwrap_or_else(|e| err_quit(format!("{what} error for {shown}, {serv}: {e}")))
}

/// The book's `udp_client` (§11.14): look up `host` (None: the loopback
/// address, as `getaddrinfo` gives it) and `serv` for a datagram socket with
/// [`getaddrinfo(3)`](https://man7.org/linux/man-pages/man3/getaddrinfo.3.html),
/// return an unconnected socket of the first address family that works and
/// the server's address. Dies with `udp_client error for H, S: ...`.
pub fn udp_client(host: Option<&str>, serv: &str) -> (Socket, SockAddr) {
    let addrs = lookup_datagram("udp_client", host, serv);
    let mut chosen = None;
    let sock = first_socket(&addrs, |_, ai| {
        chosen = Some(ai.addr.clone());
        Ok(())
    });
    match (sock, chosen) {
        (Ok(sock), Some(servaddr)) => (sock, servaddr),
        (Err(err), _) => err_sys(
            &err,
            format!("udp_client error for {}, {serv}", host_or_null(host)),
        ),
        (Ok(_), None) => unreachable!("first_socket runs the setup of the socket it returns"),
    }
}

/// The book's `udp_connect` (§11.14): look up `host` and `serv` for a
/// datagram socket and return a socket connected, with
/// [`connect(2)`](https://man7.org/linux/man-pages/man2/connect.2.html), to
/// the first address that connects. A UDP connect sends nothing: it only records the peer, so that
/// `read`/`write` work and ICMP errors are reported (§8.11). Dies with
/// `udp_connect error for H, S: ...`.
pub fn udp_connect(host: &str, serv: &str) -> Socket {
    let addrs = lookup_datagram("udp_connect", Some(host), serv);
    first_socket(&addrs, |sock, ai| sock.connect(&ai.addr))
        .unwrap_or_else(|err| err_sys(&err, format!("udp_connect error for {host}, {serv}")))
}

/// The book's `udp_server` (Figure 11.18): look up `host` (None: the
/// wildcard) and `serv` with `AI_PASSIVE` for a datagram socket with
/// [`getaddrinfo(3)`](https://man7.org/linux/man-pages/man3/getaddrinfo.3.html)
/// and return a socket bound, with
/// [`bind(2)`](https://man7.org/linux/man-pages/man2/bind.2.html), to the
/// first address that binds. No `SO_REUSEADDR`, as in the C. As with
/// `tcp_listen`, no host gives glibc's first answer, `0.0.0.0`: an IPv4
/// server. Dies with `udp_server error for H, S: ...`.
pub fn udp_server(host: Option<&str>, serv: &str) -> Socket {
    udp_server_with(host, serv, |_| Ok(()))
}

/// [`udp_server`] with more socket options set before `bind`:
/// `names/udp_server_reuseaddr.c` sets `SO_REUSEADDR` there.
pub fn udp_server_with(
    host: Option<&str>,
    serv: &str,
    before_bind: impl Fn(&Socket) -> io::Result<()>,
) -> Socket {
    bound_socket("udp_server", host, serv, libc::SOCK_DGRAM, before_bind)
}

/// The port of an IPv4 or IPv6 address, the book's `sock_get_port`; `None`
/// for any other family (the C returns -1). The C returns the port in
/// network byte order; this one, like every port in Rust, in host order.
pub fn sock_get_port(addr: &SockAddr) -> Option<u16> {
    addr.as_socket().map(|sa| sa.port())
}

/// `addr` with its port replaced, the book's `sock_set_port` (which writes
/// into the structure; this returns a new address). Any family but IPv4 and
/// IPv6 is returned unchanged, as in the C.
pub fn sock_set_port(addr: &SockAddr, port: u16) -> SockAddr {
    match addr.as_socket() {
        Some(mut sa) => {
            sa.set_port(port);
            sa.into()
        }
        None => addr.clone(),
    }
}

/// `addr` with its IP address replaced by `ip` of the same family, the
/// book's `sock_set_addr` (`lib/sock_set_addr.c`, which copies an
/// `in_addr` or `in6_addr` into the structure; this returns a new address).
/// An address of another family, or an `ip` of the other family, is
/// returned unchanged.
pub fn sock_set_addr(addr: &SockAddr, ip: IpAddr) -> SockAddr {
    match (addr.as_socket(), ip) {
        (Some(SocketAddr::V4(mut sa)), IpAddr::V4(v4)) => {
            sa.set_ip(v4);
            sa.into()
        }
        (Some(SocketAddr::V6(mut sa)), IpAddr::V6(v6)) => {
            sa.set_ip(v6);
            sa.into()
        }
        _ => addr.clone(),
    }
}

/// `addr` with the wildcard address (`0.0.0.0` or `::`) and the same family
/// and port, the book's `sock_set_wild`: what a server binds to receive on
/// every local address.
pub fn sock_set_wild(addr: &SockAddr) -> SockAddr {
    match addr.as_socket() {
        Some(sa) => {
            let wild = match sa {
                SocketAddr::V4(_) => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
                SocketAddr::V6(_) => IpAddr::V6(Ipv6Addr::UNSPECIFIED),
            };
            SocketAddr::new(wild, sa.port()).into()
        }
        None => addr.clone(),
    }
}

/// What the kernel says about where a datagram arrived, the book's
/// `struct unp_in_pktinfo` (Linux's `struct in_pktinfo` of
/// [`ip(7)`](https://man7.org/linux/man-pages/man7/ip.7.html)): the
/// destination address of its IPv4 header and the index of the interface
/// that received it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InPktinfo {
    pub addr: Ipv4Addr,
    pub ifindex: u32,
}

/// One datagram as [`recvfrom_flags`] returns it.
#[derive(Clone, Debug)]
pub struct RecvFlags {
    /// The bytes stored in the buffer: at most its length, whatever the
    /// datagram's.
    pub len: usize,
    /// The sender.
    pub from: SockAddr,
    /// The returned `msg_flags`: `MSG_TRUNC` when the datagram was longer
    /// than the buffer, `MSG_CTRUNC` when the ancillary data was cut.
    pub flags: MsgFlags,
    /// Destination and interface, when the socket has `IP_PKTINFO` enabled
    /// and the control data arrived whole.
    pub pktinfo: Option<InPktinfo>,
}

/// The book's `recvfrom_flags` (§22.2):
/// [`recvmsg(2)`](https://man7.org/linux/man-pages/man2/recvmsg.2.html) for
/// one datagram, returning with it the flags the kernel set and the
/// datagram's destination address and receiving interface.
///
/// The book asks for these with the BSD options `IP_RECVDSTADDR` and
/// `IP_RECVIF`, which Linux lacks; Linux's
/// [`IP_PKTINFO`](https://man7.org/linux/man-pages/man7/ip.7.html) gives both
/// in one control message, so the caller enables it on the socket first
/// (`setsockopt(sock, sockopt::Ipv4PacketInfo, &true)`). A single call:
/// `EINTR` is returned.
pub fn recvfrom_flags(sock: impl AsFd, buf: &mut [u8], flags: MsgFlags) -> io::Result<RecvFlags> {
    let mut iov = [IoSliceMut::new(buf)];
    let mut control = nix::cmsg_space!(libc::in_pktinfo);
    let msg = socket::recvmsg::<SockaddrStorage>(
        sock.as_fd().as_raw_fd(),
        &mut iov,
        Some(&mut control),
        flags,
    )?;
    let from = msg
        .address
        .as_ref()
        .and_then(to_sockaddr)
        .ok_or_else(no_address)?;
    let pktinfo = msg.cmsgs().ok().and_then(|mut cmsgs| {
        cmsgs.find_map(|cmsg| match cmsg {
            ControlMessageOwned::Ipv4PacketInfo(info) => Some(InPktinfo {
                addr: Ipv4Addr::from(u32::from_be(info.ipi_addr.s_addr)),
                ifindex: info.ipi_ifindex as u32,
            }),
            _ => None,
        })
    });
    Ok(RecvFlags {
        len: msg.bytes,
        from,
        flags: msg.flags,
        pktinfo,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::UdpSocket;

    fn sockaddr(text: &str) -> SockAddr {
        text.parse::<SocketAddr>().unwrap().into()
    }

    #[test]
    fn port_helpers_keep_the_family() {
        let v6 = sockaddr("[::1]:53");
        assert_eq!(sock_get_port(&v6), Some(53));
        assert_eq!(sock_set_port(&v6, 9877), sockaddr("[::1]:9877"));
        assert_eq!(sock_set_wild(&v6), sockaddr("[::]:53"));
        assert_eq!(
            sock_set_wild(&sockaddr("10.1.2.3:7")),
            sockaddr("0.0.0.0:7")
        );
    }

    #[test]
    fn recvfrom_flags_reports_truncation_destination_and_interface() {
        let server = Socket::new(socket2::Domain::IPV4, socket2::Type::DGRAM, None).unwrap();
        server.bind(&sockaddr("0.0.0.0:0")).unwrap();
        socket::setsockopt(&server, socket::sockopt::Ipv4PacketInfo, &true).unwrap();
        let port = sock_get_port(&server.local_addr().unwrap()).unwrap();
        let client = UdpSocket::bind("127.0.0.1:0").unwrap();
        client.send_to(&[7; 30], ("127.0.0.1", port)).unwrap();
        let mut buf = [0u8; 20];
        let got = recvfrom_flags(&server, &mut buf, MsgFlags::empty()).unwrap();
        assert_eq!(got.len, 20);
        assert!(got.flags.contains(MsgFlags::MSG_TRUNC));
        assert_eq!(got.from, client.local_addr().unwrap().into());
        let info = got.pktinfo.unwrap();
        assert_eq!(info.addr, Ipv4Addr::LOCALHOST);
        assert_eq!(
            nix::net::if_::if_indextoname(info.ifindex)
                .unwrap()
                .to_str(),
            Ok("lo")
        );
    }
}
