//! Exercise 4.2, `intro/daytimetcpcli3.c`: the daytime client of Figure 1.5
//! that prints its own address.
//!
//! After `connect` the kernel has chosen the client's address and ephemeral
//! port; `getsockname` returns them: `local addr: 127.0.0.1:54321`.
//!
//! Run: `daytimetcpcli3 127.0.0.1 [port]` (default port 13).
//!
//! Differences from the C: the optional port argument; a reply holding a NUL
//! byte is printed whole, where the C's `fputs` stops at the NUL.

use std::io::{self, Write};
use std::net::SocketAddrV4;

use socket2::{Domain, SockAddr, Type};
use unp::{wrap, OrDie, MAXLINE};

fn main() {
    let (args, port) = unp::book_args("usage: a.out <IPaddress> [port]", 1, 13);
    let sockfd = wrap::socket(Domain::IPV4, Type::STREAM);
    let servaddr = SocketAddrV4::new(unp::inet_pton_v4_or_die(&args[0]), port);
    wrap::connect(&sockfd, &SockAddr::from(servaddr));

    let cliaddr = wrap::getsockname(&sockfd);
    unp::outln!("local addr: {}", unp::sock_ntop(&cliaddr));

    let mut recvline = [0u8; MAXLINE];
    while let n @ 1.. = wrap::read(&sockfd, &mut recvline) {
        io::stdout().write_all(&recvline[..n]).or_die("fputs error");
    }
    io::stdout().flush().or_die("fputs error");
}
