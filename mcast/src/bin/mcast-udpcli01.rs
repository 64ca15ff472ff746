//! `mcast/udpcli01.c` with `mcast/dgclibcast1.c` (the Makefile's "version
//! in book"; not a figure): chapter 20's broadcast client sent to a group.
//!
//! Each line of stdin goes once to `<IPaddress>` port 9877 (a group such as
//! 224.0.0.1); every reply is printed, `from <address>: <reply>`, for 5
//! seconds (`alarm(5)`, the handler returns and `recvfrom` fails with
//! `EINTR`). Unlike broadcasting, multicasting needs no `SO_BROADCAST`:
//! the `dg_cli` of `bcast-udpcli01` without it. The alarm race of §20.5 is
//! the same.
//!
//! Run: `mcast-udpcli01 224.0.0.1 [port]` on host A of `scripts/netlab`,
//! with `mcast-udpserv01` on B and C.
//!
//! Differences from the C: the optional port; a reply is printed whole (the
//! C's `%s` stops at a NUL byte).

use nix::sys::signal::{SigHandler, Signal};
use nix::unistd::alarm;
use socket2::{Domain, SockAddr, Socket, Type};
use std::io::{self, BufRead};
use unp::{udp, wrap, OrDie, MAXLINE};

fn dg_cli(input: &mut impl BufRead, sockfd: &Socket, pservaddr: &SockAddr) {
    let mut sendline = Vec::new();
    let mut recvline = [0u8; MAXLINE];
    unp::signal::signal(Signal::SIGALRM, SigHandler::Handler(recvfrom_alarm));
    while unp::fgets(input, &mut sendline, MAXLINE).or_die("fgets error") {
        udp::sendto(sockfd, &sendline, pservaddr);
        alarm::set(5);
        loop {
            match udp::recvfrom(sockfd, &mut recvline) {
                Err(err) if err.raw_os_error() == Some(libc::EINTR) => break, // waited long enough
                Err(err) => unp::err_sys(&err, "recvfrom error"),
                Ok((n, preply_addr)) => mcast::print_reply(&preply_addr, &recvline[..n]),
            }
        }
    }
}

extern "C" fn recvfrom_alarm(_signo: libc::c_int) {
    // Nothing: the signal is here to interrupt recvfrom.
}

fn main() {
    let (args, port) = unp::book_args("usage: udpcli01 <IPaddress> [port]", 1, unp::SERV_PORT);
    let servaddr = unp::servaddr_v4(&args[0], port);
    let sockfd = wrap::socket(Domain::IPV4, Type::DGRAM);
    dg_cli(&mut io::stdin().lock(), &sockfd, &servaddr);
}
