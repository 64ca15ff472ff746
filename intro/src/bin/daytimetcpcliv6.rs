//! Figure 1.6, `intro/daytimetcpcliv6.c`: the daytime client of Figure 1.5
//! for IPv6.
//!
//! Only the address family, the address structure and the parsing of the
//! address change: the rest of the program is the same.
//!
//! Run: `daytimetcpcliv6 ::1 [port]` (default port 13), against
//! `daytimetcpsrvv6`.
//!
//! Differences from the C: the optional port argument; a reply holding a NUL
//! byte is printed whole, where the C's `fputs` stops at the NUL.

use std::io::{self, Write};
use std::net::SocketAddrV6;

use socket2::{Domain, SockAddr, Type};
use unp::{wrap, OrDie, MAXLINE};

fn main() {
    let (args, port) = unp::book_args("usage: a.out <IPaddress> [port]", 1, 13);
    let sockfd = wrap::socket(Domain::IPV6, Type::STREAM);
    let servaddr = SocketAddrV6::new(unp::inet_pton_v6_or_die(&args[0]), port, 0, 0);
    wrap::connect(&sockfd, &SockAddr::from(servaddr));

    let mut recvline = [0u8; MAXLINE];
    while let n @ 1.. = wrap::read(&sockfd, &mut recvline) {
        io::stdout().write_all(&recvline[..n]).or_die("fputs error");
    }
    io::stdout().flush().or_die("fputs error");
}
