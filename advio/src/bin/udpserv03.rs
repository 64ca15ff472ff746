//! §22.6 (Figures 22.15 to 22.17), `advio/udpserv03.c`: a UDP echo server
//! with one socket, and one child process, per local IPv4 address.
//!
//! Binds port 9877 on every IPv4 address of every interface, on each
//! broadcast address, and on the wildcard, printing `bound A:P` for each,
//! forks a child per socket and exits. Each child prints
//! `child PID, datagram from A:P, to B:Q` for every datagram, `B:Q` being
//! the address its socket is bound to, and echoes it: a datagram sent to
//! `127.0.0.1` reaches the child bound to `127.0.0.1`, one sent to
//! `127.0.0.2` the wildcard child.
//!
//! Run: `udpserv03 [port]` (default 9877; it returns at once, the children
//! keep running: `pkill udpserv03` ends them), then
//! `advio-udpcli01 127.0.0.1 [port]`.
//!
//! Differences from the C: the optional port. The addresses come from
//! `unp::ifi::get_ifi_info`, which reads Linux's `SIOCGIFCONF` answer
//! correctly (the C's steps through it garble most entries on Linux). The
//! C gives the wildcard child the last interface address to
//! print as its own, so it reports a wrong `to`; here it prints the
//! wildcard. Output is flushed at each line, so the children, which
//! inherit the parent's stdio buffer in C, do not print its lines again.

use std::net::{Ipv4Addr, SocketAddrV4};

use nix::net::if_::InterfaceFlags;
use nix::unistd::{getpid, ForkResult};
use socket2::{Domain, SockAddr, Socket, Type};
use unp::ifi::get_ifi_info_or_die;
use unp::udp::{self, sock_set_port};
use unp::{err_sys, sock_ntop, wrap, OrDie, MAXLINE};

fn main() {
    let (_, port) = unp::book_args("usage: udpserv03 [port]", 0, unp::SERV_PORT);
    let wildaddr = SockAddr::from(SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, port)); // INADDR_ANY

    for ifi in get_ifi_info_or_die(Domain::IPV4, true) {
        let addr = ifi.addr;
        // bind the unicast address
        let sockfd = wrap::socket(Domain::IPV4, Type::DGRAM);
        sockfd.set_reuse_address(true).or_die("setsockopt error");
        let sa = sock_set_port(&addr, port);
        wrap::bind(&sockfd, &sa);
        unp::outln!("bound {}", sock_ntop(&sa));
        // SAFETY: the server is single-threaded.
        if let ForkResult::Child = unsafe { wrap::fork() } {
            mydg_echo(&sockfd, &sa);
        }

        if let (true, Some(brdaddr)) = (
            ifi.flags.contains(InterfaceFlags::IFF_BROADCAST),
            ifi.brdaddr,
        ) {
            // try to bind the broadcast address
            let sockfd = wrap::socket(Domain::IPV4, Type::DGRAM);
            sockfd.set_reuse_address(true).or_die("setsockopt error");
            let sa = sock_set_port(&brdaddr, port);
            match sockfd.bind(&sa) {
                Ok(()) => {}
                Err(err) if err.raw_os_error() == Some(libc::EADDRINUSE) => {
                    unp::outln!("EADDRINUSE: {}", sock_ntop(&sa));
                    continue;
                }
                Err(err) => err_sys(&err, format!("bind error for {}", sock_ntop(&sa))),
            }
            unp::outln!("bound {}", sock_ntop(&sa));
            // SAFETY: the server is single-threaded.
            if let ForkResult::Child = unsafe { wrap::fork() } {
                mydg_echo(&sockfd, &sa);
            }
        }
    }

    // bind the wildcard address
    let sockfd = wrap::socket(Domain::IPV4, Type::DGRAM);
    sockfd.set_reuse_address(true).or_die("setsockopt error");
    wrap::bind(&sockfd, &wildaddr);
    unp::outln!("bound {}", sock_ntop(&wildaddr));
    // SAFETY: the server is single-threaded.
    if let ForkResult::Child = unsafe { wrap::fork() } {
        mydg_echo(&sockfd, &wildaddr);
    }
}

/// The child's echo loop (`mydg_echo`, Figure 22.17): every datagram is
/// reported with the address it reached, then echoed.
fn mydg_echo(sockfd: &Socket, myaddr: &SockAddr) -> ! {
    let mut mesg = [0u8; MAXLINE];
    loop {
        let (n, cliaddr) = udp::recvfrom(sockfd, &mut mesg).or_die("recvfrom error");
        unp::outln!(
            "child {}, datagram from {}, to {}",
            getpid(),
            sock_ntop(&cliaddr),
            sock_ntop(myaddr)
        );
        udp::sendto(sockfd, &mesg[..n], &cliaddr);
    }
}
