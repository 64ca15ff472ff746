//! Exercise 1.4, `intro/daytimetcpcli1.c`: the daytime client of Figure 1.5
//! that counts its reads.
//!
//! Prints the reply, then `counter = N`, the number of `read` calls that
//! returned data: usually 1 from a server that writes its 26 bytes at once,
//! up to 26 against `daytimetcpsrv2`, which writes one byte at a time.
//!
//! Run: `daytimetcpcli1 127.0.0.1 [port]` (default port 13).
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

    let mut recvline = [0u8; MAXLINE];
    let mut counter = 0;
    while let n @ 1.. = wrap::read(&sockfd, &mut recvline) {
        counter += 1;
        io::stdout().write_all(&recvline[..n]).or_die("fputs error");
    }
    io::stdout().flush().or_die("fputs error");
    unp::outln!("counter = {counter}");
}
