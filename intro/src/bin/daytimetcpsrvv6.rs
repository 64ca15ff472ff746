//! `intro/daytimetcpsrvv6.c`: the IPv6 twin of Figure 1.9's daytime server.
//!
//! Bound to the IPv6 wildcard address, it also serves IPv4 clients on a
//! dual-stack host: they appear as IPv4-mapped addresses,
//! `connection from [::ffff:127.0.0.1]:54321` (§12.2).
//!
//! Run: `daytimetcpsrvv6` (port 13, root) or `daytimetcpsrvv6 40013`.
//!
//! Differences from the C: the optional port argument.

use std::net::{Ipv6Addr, SocketAddrV6};

use socket2::{Domain, SockAddr, Type};
use unp::time::ctime_now;
use unp::{wrap, LISTENQ};

fn main() {
    let (_, port) = unp::book_args("usage: daytimetcpsrvv6 [port]", 0, 13);
    let listenfd = wrap::socket(Domain::IPV6, Type::STREAM);
    let servaddr = SocketAddrV6::new(Ipv6Addr::UNSPECIFIED, port, 0, 0); // in6addr_any
    wrap::bind(&listenfd, &SockAddr::from(servaddr));
    wrap::listen(&listenfd, LISTENQ);

    loop {
        let (connfd, cliaddr) = wrap::accept(&listenfd);
        unp::outln!("connection from {}", unp::sock_ntop(&cliaddr));
        let buff = format!("{}\r\n", ctime_now());
        wrap::write(&connfd, buff.as_bytes());
        wrap::close(connfd);
    }
}
