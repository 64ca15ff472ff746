//! `intro/daytimetcpsrv3.c`: Figure 4.11's printing daytime server on the
//! unprivileged port 9999, so it runs without root.
//!
//! Prints `connection from 127.0.0.1, port 54321` per client.
//!
//! Run: `daytimetcpsrv3 [port]` (default 9999).
//!
//! Differences from the C: the optional port argument.

use std::net::{Ipv4Addr, SocketAddrV4};

use socket2::{Domain, SockAddr, Type};
use unp::time::ctime_now;
use unp::{wrap, LISTENQ};

fn main() {
    let (_, port) = unp::book_args("usage: daytimetcpsrv3 [port]", 0, 9999);
    let listenfd = wrap::socket(Domain::IPV4, Type::STREAM);
    let servaddr = SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, port); // INADDR_ANY
    wrap::bind(&listenfd, &SockAddr::from(servaddr));
    wrap::listen(&listenfd, LISTENQ);

    loop {
        let (connfd, cliaddr) = wrap::accept(&listenfd);
        if let Some(cli) = cliaddr.as_socket_ipv4() {
            unp::outln!("connection from {}, port {}", cli.ip(), cli.port());
        }
        let buff = format!("{}\r\n", ctime_now());
        wrap::write(&connfd, buff.as_bytes());
        wrap::close(connfd);
    }
}
