//! Exercise 1.5, `intro/daytimetcpsrv2.c`: a daytime server on port 9999
//! that writes its reply one byte per `write`.
//!
//! Paired with `daytimetcpcli2`, whose read counter shows that TCP keeps
//! no record boundaries: 26 writes may arrive as anything from 1 to 26
//! reads.
//!
//! Run: `daytimetcpsrv2 [port]` (default 9999, no root needed).
//!
//! Differences from the C: the optional port argument.

use std::net::{Ipv4Addr, SocketAddrV4};

use socket2::{Domain, SockAddr, Type};
use unp::time::ctime_now;
use unp::{wrap, LISTENQ};

fn main() {
    let (_, port) = unp::book_args("usage: daytimetcpsrv2 [port]", 0, 9999);
    let listenfd = wrap::socket(Domain::IPV4, Type::STREAM);
    let servaddr = SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, port); // INADDR_ANY
    wrap::bind(&listenfd, &SockAddr::from(servaddr));
    wrap::listen(&listenfd, LISTENQ);

    loop {
        let (connfd, _) = wrap::accept(&listenfd);
        let buff = format!("{}\r\n", ctime_now());
        for byte in buff.as_bytes() {
            wrap::write(&connfd, std::slice::from_ref(byte));
        }
        wrap::close(connfd);
    }
}
