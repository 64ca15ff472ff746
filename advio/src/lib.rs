//! Chapter 14 (advio/): timeouts, `recvmsg` and ancillary data, the stdio
//! pitfall, and chapter 22's servers that bind every interface address. The
//! programs are in `src/bin/`; this holds what several of them share.

use std::os::fd::{AsFd, AsRawFd};

use nix::net::if_::InterfaceFlags;
use nix::unistd::{getpid, ForkResult};
use socket2::{Domain, SockAddr, Socket, Type};
use unp::udp::{self, sock_set_port};
use unp::{err_sys, sock_ntop, wrap, OrDie, MAXLINE};

nix::ioctl_read_bad!(ioctl_fionread, libc::FIONREAD, libc::c_int);

/// The bytes waiting to be read on a socket, `ioctl(fd, FIONREAD)`: for TCP
/// all the bytes in the receive buffer
/// ([tcp(7)](https://man7.org/linux/man-pages/man7/tcp.7.html)), for UDP
/// the size of the next datagram
/// ([udp(7)](https://man7.org/linux/man-pages/man7/udp.7.html)) (§14.7).
/// Dies with `ioctl error`.
pub fn fionread(fd: impl AsFd) -> i32 {
    let mut npend = 0;
    // SAFETY: FIONREAD writes one int through the pointer, which points to
    // `npend`; the descriptor is open for the duration of the call.
    unsafe { ioctl_fionread(fd.as_fd().as_raw_fd(), &mut npend) }.or_die("ioctl error");
    npend
}

/// The body of `udpserv03` and `udpserv04` (§22.6): bind the port of `wild`
/// on every address of its family that `getifaddrs` lists, and on each
/// broadcast address, then on `wild` itself (the wildcard address), each on
/// its own socket with `SO_REUSEADDR`, printing `bound A:P` (or
/// `EADDRINUSE: A:P` for a broadcast address already taken), and fork one
/// child per socket to echo what arrives there. Returns in the parent once
/// every child runs.
///
/// The kernel delivers a datagram to the socket bound to its destination
/// address, and to the wildcard socket only when there is none: each
/// child's `to A:P` shows which address a datagram was sent to, something a
/// single wildcard socket cannot tell without `IP_PKTINFO` (see
/// `advio-udpserv01`).
pub fn serve_every_address(wild: &SockAddr) {
    let family = wild.domain();
    let port = udp::sock_get_port(wild).unwrap_or(0);
    for ifa in nix::ifaddrs::getifaddrs().or_die("getifaddrs error") {
        let Some(addr) = ifa.address.as_ref().and_then(udp::to_sockaddr) else {
            continue;
        };
        if addr.domain() != family {
            continue;
        }
        let myaddr = sock_set_port(&addr, port);
        let sockfd = reusable_socket(family);
        wrap::bind(&sockfd, &myaddr);
        unp::outln!("bound {}", sock_ntop(&myaddr));
        fork_echo(sockfd, &myaddr);

        let broadcast = ifa.broadcast.as_ref().and_then(udp::to_sockaddr);
        if let (true, Some(brdaddr)) =
            (ifa.flags.contains(InterfaceFlags::IFF_BROADCAST), broadcast)
        {
            let brdaddr = sock_set_port(&brdaddr, port);
            let sockfd = reusable_socket(family);
            match sockfd.bind(&brdaddr) {
                Ok(()) => {
                    unp::outln!("bound {}", sock_ntop(&brdaddr));
                    fork_echo(sockfd, &brdaddr);
                }
                Err(err) if err.raw_os_error() == Some(libc::EADDRINUSE) => {
                    unp::outln!("EADDRINUSE: {}", sock_ntop(&brdaddr));
                }
                Err(err) => err_sys(&err, format!("bind error for {}", sock_ntop(&brdaddr))),
            }
        }
    }
    let sockfd = reusable_socket(family);
    wrap::bind(&sockfd, wild);
    unp::outln!("bound {}", sock_ntop(wild));
    fork_echo(sockfd, wild);
}

fn reusable_socket(family: Domain) -> Socket {
    let sockfd = wrap::socket(family, Type::DGRAM);
    sockfd.set_reuse_address(true).or_die("setsockopt error");
    sockfd
}

/// Fork a child that echoes on `sockfd` for ever; the parent closes its
/// copy of the socket.
fn fork_echo(sockfd: Socket, myaddr: &SockAddr) {
    // SAFETY: these servers are single-threaded.
    if let ForkResult::Child = unsafe { wrap::fork() } {
        mydg_echo(&sockfd, myaddr);
    }
}

/// The child's echo loop (`mydg_echo`, Figure 22.17): every datagram is
/// reported with the address it reached, then echoed.
fn mydg_echo(sockfd: &Socket, myaddr: &SockAddr) -> ! {
    let mut mesg = [0u8; MAXLINE];
    loop {
        let (n, cli) = udp::recvfrom(sockfd, &mut mesg).or_die("recvfrom error");
        unp::outln!(
            "child {}, datagram from {}, to {}",
            getpid(),
            sock_ntop(&cli),
            sock_ntop(myaddr)
        );
        udp::sendto(sockfd, &mesg[..n], &cli);
    }
}
