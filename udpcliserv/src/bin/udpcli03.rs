//! `udpcliserv/dgcliinetaddr.c` (main in `udpcli03.c`), §8.8: the UDP echo
//! client that prints where each reply came from.
//!
//! Before each reply it prints `received reply from A, port P`. Sent to
//! `127.0.0.2`, a server bound to the wildcard answers from `127.0.0.1`:
//! the source address of a reply is chosen by the route back to the client,
//! not by the address the request was sent to.
//!
//! Run: `udpcli03 <IPaddress> [port]` (default 7, the echo service) against
//! `udpserv01 [port]`.
//!
//! Differences from the C: the optional port; the reply is written whole,
//! NUL bytes included. The C reads the reply's address as an IPv4 one with
//! `inet_ntoa`, a static buffer; the address here prints itself.

use socket2::{Domain, SockAddr, Socket, Type};
use std::io::{self, BufRead, Write};
use unp::{udp, wrap, OrDie, MAXLINE};

fn dg_cli(input: &mut impl BufRead, sockfd: &Socket, pservaddr: &SockAddr) {
    let mut sendline = Vec::new();
    let mut recvline = [0u8; MAXLINE];
    let mut stdout = io::stdout();
    while unp::fgets(input, &mut sendline, MAXLINE).or_die("fgets error") {
        udp::sendto(sockfd, &sendline, pservaddr);
        let (n, replyaddr) = udp::recvfrom(sockfd, &mut recvline).or_die("recvfrom error");
        unp::outln!(
            "received reply from {}, port {}",
            unp::sock_ntop_host(&replyaddr),
            udp::sock_get_port(&replyaddr).unwrap_or(0)
        );
        stdout.write_all(&recvline[..n]).or_die("fputs error");
    }
}

fn main() {
    let (args, port) = unp::book_args("usage: udpcli <IPaddress> [port]", 1, 7);
    let servaddr = unp::servaddr_v4(&args[0], port);
    let sockfd = wrap::socket(Domain::IPV4, Type::DGRAM);
    dg_cli(&mut io::stdin().lock(), &sockfd, &servaddr);
}
