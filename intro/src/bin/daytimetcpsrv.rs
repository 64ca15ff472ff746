//! Figure 1.9, `intro/daytimetcpsrv.c`: an iterative TCP daytime server.
//!
//! Accepts one client at a time, writes the time as `ctime` gives it
//! (24 characters and `\r\n`), closes, and accepts the next.
//!
//! Run: `daytimetcpsrv` binds port 13, which needs root (without it:
//! `bind error: Permission denied`); `daytimetcpsrv 40013` binds 40013.
//!
//! Differences from the C: the optional port argument.

use std::net::{Ipv4Addr, SocketAddrV4};

use socket2::{Domain, SockAddr, Type};
use unp::time::ctime_now;
use unp::{wrap, LISTENQ};

fn main() {
    let (_, port) = unp::book_args("usage: daytimetcpsrv [port]", 0, 13);
    let listenfd = wrap::socket(Domain::IPV4, Type::STREAM);
    let servaddr = SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, port); // INADDR_ANY
    wrap::bind(&listenfd, &SockAddr::from(servaddr));
    wrap::listen(&listenfd, LISTENQ);

    loop {
        let (connfd, _) = wrap::accept(&listenfd);
        let buff = format!("{}\r\n", ctime_now());
        wrap::write(&connfd, buff.as_bytes());
        wrap::close(connfd);
    }
}
