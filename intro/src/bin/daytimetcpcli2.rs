//! Exercise 1.5, `intro/daytimetcpcli2.c`: the counting daytime client of
//! Exercise 1.4 aimed at port 9999, where `daytimetcpsrv2` writes its reply
//! one byte per `write`.
//!
//! Prints the reply, then `counter = N`: how many reads it took. Each byte
//! may arrive in its own segment, so N is often close to 26; how close
//! depends on timing, which is the exercise's point.
//!
//! Run: `daytimetcpsrv2 &` then `daytimetcpcli2 127.0.0.1` (or both with a
//! port: `daytimetcpsrv2 40999`, `daytimetcpcli2 127.0.0.1 40999`).
//!
//! Differences from the C: the optional port argument; a reply holding a NUL
//! byte is printed whole, where the C's `fputs` stops at the NUL.

use std::io::{self, Write};
use std::net::SocketAddrV4;

use socket2::{Domain, SockAddr, Type};
use unp::{wrap, OrDie, MAXLINE};

fn main() {
    let (args, port) = unp::book_args("usage: a.out <IPaddress> [port]", 1, 9999);
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
