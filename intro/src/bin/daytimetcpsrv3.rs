//! `intro/daytimetcpsrv3.c`: Figure 4.11's printing daytime server on the
//! unprivileged port 9999, so it runs without root.
//!
//! Prints `connection from 127.0.0.1, port 54321` per client.
//!
//! Run: `daytimetcpsrv3 [port]` (default 9999).
//!
//! Differences from the C: the optional port argument.

use socket2::Domain;
use unp::tcp::listen_any;
use unp::wrap;

fn main() {
    let (_, port) = unp::book_args("usage: daytimetcpsrv3 [port]", 0, 9999);
    let listenfd = listen_any(Domain::IPV4, port);
    loop {
        let (connfd, cliaddr) = wrap::accept(&listenfd);
        if let Some(cli) = cliaddr.as_socket_ipv4() {
            unp::outln!("connection from {}, port {}", cli.ip(), cli.port());
        }
        wrap::write(&connfd, intro::daytime_reply().as_bytes());
        wrap::close(connfd);
    }
}
