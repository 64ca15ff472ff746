//! Figure 1.5, `intro/daytimetcpcli.c`: a TCP daytime client.
//!
//! Connects to the daytime server at `<IPaddress>` (port 13, RFC 867) and
//! copies what it sends to stdout until it closes the connection.
//!
//! Run: `daytimetcpcli 127.0.0.1` against a daytime server on port 13, or
//! `daytimetcpcli 127.0.0.1 40013` against `daytimetcpsrv 40013`.
//!
//! Differences from the C: the optional port argument (the project's port
//! convention), and the address is parsed as the book's own `inet_pton`
//! does (leading zeros allowed); a reply holding a NUL byte is printed
//! whole, where the C's `fputs` stops at the NUL.

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
    while let n @ 1.. = wrap::read(&sockfd, &mut recvline) {
        io::stdout().write_all(&recvline[..n]).or_die("fputs error");
    }
    io::stdout().flush().or_die("fputs error");
}
