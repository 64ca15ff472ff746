//! Figure 14.4, `advio/dgclitimeo1.c` (main in `advio/udpcli01.c`): the UDP
//! echo client with a timeout from `readable_timeo`.
//!
//! After each `sendto` it waits at most 5 seconds for the socket to become
//! readable (`readable_timeo`, Figure 14.3). If nothing arrives it prints
//! `socket timeout` on stderr and goes on with the next line, where the
//! chapter 8 `udpcli01` would block for ever. This way bounds any read, on
//! any descriptor, without signals or socket options.
//!
//! Run: `advio-udpcli01 <IPaddress> [port]` (default 7, the echo service),
//! e.g. `advio-udpcli01 127.0.0.1 9877` against `udpserv01`; a port where
//! nothing answers shows the timeout.
//!
//! Differences from the C: the optional port; the reply is written whole,
//! NUL bytes included. `readable_timeo` waits with `poll(2)` where the book
//! uses `select(2)`, which cannot watch a descriptor of 1024 or more.

use socket2::{Domain, SockAddr, Socket, Type};
use std::io::{self, BufRead, Write};
use unp::{udp, wrap, OrDie, MAXLINE};

fn dg_cli(input: &mut impl BufRead, sockfd: &Socket, pservaddr: &SockAddr) {
    let mut sendline = Vec::new();
    let mut recvline = [0u8; MAXLINE];
    let mut stdout = io::stdout();
    while unp::fgets(input, &mut sendline, MAXLINE).or_die("fgets error") {
        udp::sendto(sockfd, &sendline, pservaddr);
        if !unp::timeo::readable_timeo(sockfd, 5).or_die("readable_timeo error") {
            eprintln!("socket timeout");
        } else {
            let (n, _) = udp::recvfrom(sockfd, &mut recvline).or_die("recvfrom error");
            stdout.write_all(&recvline[..n]).or_die("fputs error");
        }
    }
}

fn main() {
    let (args, port) = unp::book_args("usage: udpcli <IPaddress> [port]", 1, 7);
    let servaddr = unp::servaddr_v4(&args[0], port);
    let sockfd = wrap::socket(Domain::IPV4, Type::DGRAM);
    dg_cli(&mut io::stdin().lock(), &sockfd, &servaddr);
}
