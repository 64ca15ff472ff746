//! Figure 14.5, `advio/dgclitimeo2.c` (main in `advio/udpcli02.c`): the UDP
//! echo client with a timeout from the `SO_RCVTIMEO` socket option.
//!
//! The option is set once, before the loop, and bounds every later receive
//! on the socket to 5 seconds: `recvfrom` then fails with `EWOULDBLOCK`,
//! and the client prints `socket timeout` on stderr and goes on with the
//! next line. Simple, but it applies only to reads on this socket, not to
//! `connect` (§14.2).
//!
//! Run: `advio-udpcli02 <IPaddress> [port]` (default 7, the echo service).
//!
//! Differences from the C: the optional port; the reply is written whole,
//! NUL bytes included.

use std::io::{self, BufRead, Write};
use std::time::Duration;

use socket2::{Domain, SockAddr, Socket, Type};
use unp::{udp, wrap, OrDie, MAXLINE};

fn dg_cli(input: &mut impl BufRead, sockfd: &Socket, pservaddr: &SockAddr) {
    let mut sendline = Vec::new();
    let mut recvline = [0u8; MAXLINE];
    let mut stdout = io::stdout();
    sockfd
        .set_read_timeout(Some(Duration::from_secs(5)))
        .or_die("setsockopt error");
    while unp::fgets(input, &mut sendline, MAXLINE).or_die("fgets error") {
        udp::sendto(sockfd, &sendline, pservaddr);
        match udp::recvfrom(sockfd, &mut recvline) {
            Ok((n, _)) => stdout.write_all(&recvline[..n]).or_die("fputs error"),
            Err(err) if err.raw_os_error() == Some(libc::EWOULDBLOCK) => {
                eprintln!("socket timeout");
            }
            Err(err) => unp::err_sys(&err, "recvfrom error"),
        }
    }
}

fn main() {
    let (args, port) = unp::book_args("usage: udpcli <IPaddress> [port]", 1, 7);
    let servaddr = unp::servaddr_v4(&args[0], port);
    let sockfd = wrap::socket(Domain::IPV4, Type::DGRAM);
    dg_cli(&mut io::stdin().lock(), &sockfd, &servaddr);
}
