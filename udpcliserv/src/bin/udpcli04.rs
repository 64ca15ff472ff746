//! Figure 8.17, `udpcliserv/dgcliconnect.c` (main in `udpcli04.c`): the UDP
//! echo client on a connected socket.
//!
//! `connect` on a UDP socket sends nothing: it records the server as the
//! only peer, so the client uses `write` and `read`, datagrams from anyone
//! else are dropped by the kernel, and ICMP errors are reported to the
//! socket. With no server running, the port unreachable that comes back
//! ends the client with `read error: Connection refused`, where the
//! unconnected `udpcli01` blocks forever (§8.11).
//!
//! Run: `udpcli04 <IPaddress> [port]` (default 9877) against `udpserv01`,
//! or with no server to see the error.
//!
//! Differences from the C: the optional port; the reply is written whole,
//! NUL bytes included.

use socket2::{Domain, SockAddr, Socket, Type};
use std::io::{self, BufRead, Write};
use unp::{wrap, OrDie, MAXLINE};

fn dg_cli(input: &mut impl BufRead, sockfd: &Socket, pservaddr: &SockAddr) {
    let mut sendline = Vec::new();
    let mut recvline = [0u8; MAXLINE];
    let mut stdout = io::stdout();
    wrap::connect(sockfd, pservaddr);
    while unp::fgets(input, &mut sendline, MAXLINE).or_die("fgets error") {
        wrap::write(sockfd, &sendline);
        let n = wrap::read(sockfd, &mut recvline);
        stdout.write_all(&recvline[..n]).or_die("fputs error");
    }
}

fn main() {
    let (args, port) = unp::book_args("usage: udpcli <IPaddress> [port]", 1, unp::SERV_PORT);
    let servaddr = unp::servaddr_v4(&args[0], port);
    let sockfd = wrap::socket(Domain::IPV4, Type::DGRAM);
    dg_cli(&mut io::stdin().lock(), &sockfd, &servaddr);
}
