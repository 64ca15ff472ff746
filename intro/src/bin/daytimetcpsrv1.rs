//! Figure 4.11, `intro/daytimetcpsrv1.c`: the daytime server of Figure 1.9
//! that prints each client's address and port, as `accept` returns them.
//!
//! Prints `connection from 127.0.0.1, port 54321` per client.
//!
//! Run: `daytimetcpsrv1` (port 13, root) or `daytimetcpsrv1 40013`.
//!
//! Differences from the C: the optional port argument.

use std::net::{Ipv4Addr, SocketAddrV4};

use socket2::{Domain, SockAddr, Type};
use unp::time::ctime_now;
use unp::{wrap, LISTENQ};

fn main() {
    let (_, port) = unp::book_args("usage: daytimetcpsrv1 [port]", 0, 13);
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
