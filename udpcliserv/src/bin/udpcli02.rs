//! Figure 8.9, `udpcliserv/dgcliaddr.c` (main in `udpcli02.c`): the UDP echo
//! client that checks who replied.
//!
//! Any process can send a datagram to the client's port, so this `dg_cli`
//! compares the address of each reply with the server's and prints
//! `reply from A:P (ignored)` for any other sender, then goes on with the
//! next line. The check also rejects the real server when it answers from
//! another address of a multihomed host: send to `127.0.0.2` and a server
//! bound to the wildcard replies from `127.0.0.1`, the address the kernel
//! picks for the route back (§8.8).
//!
//! Run: `udpcli02 <IPaddress> [port]` (default 7, the echo service) against
//! `udpserv01 [port]`.
//!
//! Differences from the C: the optional port; the address comparison is of
//! the whole socket address, as the C's `memcmp`; an accepted reply is
//! written whole, NUL bytes included.

use socket2::{Domain, SockAddr, Socket, Type};
use std::io::{self, BufRead, Write};
use unp::{udp, wrap, OrDie, MAXLINE};

fn dg_cli(input: &mut impl BufRead, sockfd: &Socket, pservaddr: &SockAddr) {
    let mut sendline = Vec::new();
    let mut recvline = [0u8; MAXLINE];
    let mut stdout = io::stdout();
    while unp::fgets(input, &mut sendline, MAXLINE).or_die("fgets error") {
        udp::sendto(sockfd, &sendline, pservaddr);
        let (n, reply_addr) = udp::recvfrom(sockfd, &mut recvline).or_die("recvfrom error");
        if reply_addr != *pservaddr {
            unp::outln!("reply from {} (ignored)", unp::sock_ntop(&reply_addr));
            continue;
        }
        stdout.write_all(&recvline[..n]).or_die("fputs error");
    }
}

fn main() {
    let (args, port) = unp::book_args("usage: udpcli <IPaddress> [port]", 1, 7);
    let servaddr = unp::servaddr_v4(&args[0], port);
    let sockfd = wrap::socket(Domain::IPV4, Type::DGRAM);
    dg_cli(&mut io::stdin().lock(), &sockfd, &servaddr);
}
