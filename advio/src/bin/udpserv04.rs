//! `advio/udpserv04.c` (§22.6): the protocol-independent version of
//! `udpserv03`.
//!
//! The family and port come from `udp_client([host], service)`: with an
//! IPv6 host (`::1`, `::`) it binds every IPv6 address, the broadcast
//! step never applies, and the wildcard is `[::]`; with an IPv4 one it does
//! what `udpserv03` does. The host only chooses the family. Service names
//! work: `udpserv04 127.0.0.1 echo` binds port 7.
//!
//! Run: `udpserv04 [<host>] <service or port>`, e.g. `udpserv04 ::1 9877`
//! (it returns at once, the children keep running), then send datagrams to
//! `::1` or `127.0.0.1`.
//!
//! Differences from the C: `unp::ifi::get_ifi_info` lists IPv6 addresses
//! too (from `getifaddrs(3)`); the book's (`SIOCGIFCONF`) returns IPv4
//! only on Linux, so the C fails in IPv6 with `get_ifi_info error`.

use nix::net::if_::InterfaceFlags;
use nix::unistd::{getpid, ForkResult};
use socket2::{SockAddr, Socket, Type};
use unp::ifi::get_ifi_info_or_die;
use unp::udp::{self, sock_set_port, sock_set_wild};
use unp::{err_sys, sock_ntop, wrap, OrDie, MAXLINE};

fn main() {
    let usage = "usage: udpserv04 [ <host> ] <service or port>";
    let args = unp::args::arguments(usage, unp::args::Role::Server);
    let (sockfd, sa) = match args.as_slice() {
        [serv] => udp::udp_client(None, serv),
        [host, serv] => udp::udp_client(Some(host), serv),
        _ => unp::err_quit(usage),
    };
    // Only the family and the port were wanted.
    wrap::close(sockfd);
    let family = sa.domain();
    let port = udp::sock_get_port(&sa).unwrap_or(0);
    let wildaddr = sock_set_wild(&sa);

    for ifi in get_ifi_info_or_die(family, true) {
        let addr = ifi.addr;
        // bind the unicast address
        let sockfd = wrap::socket(family, Type::DGRAM);
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
            let sockfd = wrap::socket(family, Type::DGRAM);
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
    let sockfd = wrap::socket(family, Type::DGRAM);
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
