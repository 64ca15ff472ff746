//! `intro/daytimetcpsrvv6.c`: the IPv6 twin of Figure 1.9's daytime server.
//!
//! Bound to the IPv6 wildcard address, it also serves IPv4 clients on a
//! dual-stack host: they appear as IPv4-mapped addresses,
//! `connection from [::ffff:127.0.0.1]:54321` (§12.2).
//!
//! Run: `daytimetcpsrvv6` (port 13, root) or `daytimetcpsrvv6 40013`.
//!
//! Differences from the C: the optional port argument.

use socket2::Domain;
use unp::tcp::listen_any;
use unp::wrap;

fn main() {
    let (_, port) = unp::book_args("usage: daytimetcpsrvv6 [port]", 0, 13);
    let listenfd = listen_any(Domain::IPV6, port);
    loop {
        let (connfd, cliaddr) = wrap::accept(&listenfd);
        unp::outln!("connection from {}", unp::sock_ntop(&cliaddr));
        wrap::write(&connfd, intro::daytime_reply().as_bytes());
        wrap::close(connfd);
    }
}
